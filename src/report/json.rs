//! JSON report, schema version 1 (documented in `docs/output.md`). Fields are only ever
//! added within a version; a removal or change of meaning bumps `version`.
//!
//! The report is streamed: the envelope is a small `Value` whose `findings` entry is replaced,
//! while serializing, by a sequence that builds one finding's `Value` at a time (and each
//! finding's `locations` likewise). Keys come out in the order the `Value` maps hold them, so
//! the output is the same as serializing the whole document as one `Value`.

use super::Report;
use crate::finding::Finding;
use crate::location::Location;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Map, Value};
use std::io::{self, Write};

pub const SCHEMA_VERSION: u32 = 1;

pub fn render(r: &Report) -> String {
    super::to_string(|w| write(r, w))
}

/// Streams the pretty-printed report, with a trailing newline, into `w`.
pub fn write(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    let doc = json!({
        "version": SCHEMA_VERSION,
        "tool": { "name": "tokenscope", "version": env!("CARGO_PKG_VERSION") },
        "findings": Value::Null,
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
    let Value::Object(doc) = doc else {
        unreachable!("json! of an object literal is an object")
    };
    let doc = With {
        map: &doc,
        key: "findings",
        value: Seq(|| r.findings.iter().map(StreamedFinding)),
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    w.write_all(b"\n")
}

/// One finding as a JSON object (the report's `findings[]` entry, and `tokenscope probe
/// --format json`).
pub fn finding(f: &Finding) -> Value {
    let mut v = finding_without_locations(f);
    if let Value::Object(m) = &mut v {
        m.insert(
            "locations".into(),
            Value::Array(f.locations.iter().map(location).collect()),
        );
    }
    v
}

/// [`finding`] with `locations` as `null`: its place, for [`StreamedFinding`] to fill.
fn finding_without_locations(f: &Finding) -> Value {
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
        "locations": Value::Null,
    })
}

fn location(l: &Location) -> Value {
    json!({
        "path": l.origin.display_path(),
        "origin": l.origin,
        "line": l.line,
        "column": l.column,
        "end_column": l.end_column,
        "variable": l.variable,
    })
}

/// A finding serialized as [`finding`] would be, its locations built one at a time.
struct StreamedFinding<'a>(&'a Finding);

impl Serialize for StreamedFinding<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match finding_without_locations(self.0) {
            Value::Object(map) => With {
                map: &map,
                key: "locations",
                value: Seq(|| self.0.locations.iter().map(location)),
            }
            .serialize(s),
            other => other.serialize(s),
        }
    }
}

/// An object serialized as `map`, except that the entry `key` (kept in its place) holds `value`.
struct With<'a, T> {
    map: &'a Map<String, Value>,
    key: &'a str,
    value: T,
}

impl<T: Serialize> Serialize for With<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.map.len()))?;
        for (k, v) in self.map {
            if k == self.key {
                m.serialize_entry(k, &self.value)?;
            } else {
                m.serialize_entry(k, v)?;
            }
        }
        m.end()
    }
}

/// A JSON array of the items an iterator yields, built while they are serialized.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::Origin;
    use crate::scope::Risk;

    #[test]
    fn a_streamed_finding_is_the_finding_value() {
        let at = |line| Location {
            origin: Origin::File { path: "a".into() },
            line,
            column: 5,
            end_column: 45,
            variable: Some("GH_TOKEN".into()),
        };
        let mut f = Finding::github_for_tests(
            "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            Risk::High,
            vec![at(1), at(2)],
        );
        for n in [2, 0] {
            f.locations.truncate(n);
            let whole = serde_json::to_string_pretty(&finding(&f)).unwrap();
            let streamed = serde_json::to_string_pretty(&StreamedFinding(&f)).unwrap();
            assert_eq!(streamed, whole);
            assert!(!streamed.contains("ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        }
    }
}
