//! Readable text: one block per secret, with its verdicts and every location.

use super::Report;
use crate::finding::Finding;
use crate::scope::Status;
use std::io::{self, Write};

pub fn render(r: &Report) -> String {
    super::to_string(|w| write(r, w))
}

/// Streams the text report into `out`, one finding at a time.
pub fn write(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in r.findings {
        finding(out, f)?;
    }
    if r.findings.is_empty() {
        out.write_all(b"No secrets found.\n")?;
    }
    Ok(())
}

fn finding(out: &mut dyn Write, f: &Finding) -> io::Result<()> {
    writeln!(
        out,
        "[{}] {} ({}) {}",
        f.risk.as_str().to_uppercase(),
        f.rule_name,
        f.rule_id,
        f.secret.redacted()
    )?;
    let s = &f.scope;
    let status = match &s.status {
        Status::Active => "active".to_string(),
        Status::Inactive(r) => format!("inactive ({r})"),
        Status::Unknown(r) => format!("unknown ({r})"),
        Status::NotProbed => "not probed".to_string(),
    };
    writeln!(
        out,
        "  status: {status}; breadth: {}; access: {}; destructive: {}; environment: {}{}",
        kebab(&s.breadth),
        kebab(&s.access),
        kebab(&s.destructive),
        kebab(&s.environment),
        if s.cross_environment {
            "; CROSS-ENVIRONMENT EXPOSURE"
        } else {
            ""
        }
    )?;
    if let Some(id) = &s.identity {
        writeln!(out, "  identity: {id}")?;
    }
    if !s.permissions.is_empty() {
        writeln!(out, "  permissions: {}", s.permissions.join(", "))?;
    }
    for e in &s.evidence {
        writeln!(out, "  evidence ({}, {}): {}", e.field, e.source, e.detail)?;
    }
    for l in &f.locations {
        let var = l
            .variable
            .as_deref()
            .map(|v| format!(" [{v}]"))
            .unwrap_or_default();
        writeln!(
            out,
            "  at {}:{}:{}{}{}",
            escape(&l.origin.display_path()),
            l.line,
            l.column,
            l.origin.label(),
            var
        )?;
    }
    out.write_all(b"\n")
}

/// Serialized kebab-case name of a scope enum, e.g. `account-wide`.
pub fn kebab<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Paths may hold newlines or control characters: show them escaped, never raw.
pub fn escape(s: &str) -> String {
    s.chars().flat_map(char::escape_debug).collect::<String>()
}
