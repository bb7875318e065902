//! JSON report, schema version 1 (documented in `docs/output.md`). Fields are only ever
//! added within a version; a removal or change of meaning bumps `version`.

use super::Report;
use crate::finding::Finding;
use serde_json::{json, Value};

pub const SCHEMA_VERSION: u32 = 1;

pub fn render(r: &Report) -> String {
    let findings: Vec<Value> = r.findings.iter().map(finding).collect();
    let doc = json!({
        "version": SCHEMA_VERSION,
        "tool": { "name": "tokenscope", "version": env!("CARGO_PKG_VERSION") },
        "findings": findings,
        "summary": {
            "findings": r.findings.len(),
            "baselined": r.baselined,
            "files_scanned": r.stats.items_scanned,
            "bytes_scanned": r.stats.bytes_scanned,
            "skipped": r.stats.skipped.iter().map(|(k, v)| (k.as_str().to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "suppressed_inline": r.stats.suppressed_inline,
            "elapsed_ms": r.elapsed.as_millis() as u64,
        },
        "diagnostics": r.diagnostics.iter().map(|d| json!({
            "path": d.path.to_string_lossy(),
            "reason": d.reason,
            "detail": d.detail,
        })).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

pub fn finding(f: &Finding) -> Value {
    json!({
        "rule": f.rule_id,
        "rule_name": f.rule_name,
        "provider": f.provider_id,
        "provider_name": f.provider_name,
        "secret_redacted": f.secret.redacted(),
        "fingerprint": f.fingerprint,
        "has_companion": f.companion.is_some(),
        "risk": f.risk,
        "severity": f.severity,
        "confidence": f.confidence,
        "kind": f.signals.kind,
        "scope": f.scope,
        "locations": f.locations.iter().map(|l| json!({
            "path": l.origin.display_path(),
            "origin": l.origin,
            "line": l.line,
            "column": l.column,
            "end_column": l.end_column,
            "variable": l.variable,
        })).collect::<Vec<_>>(),
    })
}
