//! Secrets stored base64-encoded where they are conventionally encoded: the `data:` values of
//! Kubernetes `Secret` manifests, docker `"auth"` entries (`base64(user:token)`), HTTP
//! `Authorization: Basic` headers, npm's `_auth`, and kubeconfig `client-key-data`.
//!
//! Pure functions on bytes: [`embedded`] finds each encoded value and returns its decoded text
//! with the byte span of the encoded value, so a finding in the decoded text is reported at the
//! encoded location. Work is bounded: values and totals are capped.

use crate::lines::LineCursor;
use aho_corasick::{AhoCorasick, MatchKind};
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use regex::bytes::Regex;
use std::sync::OnceLock;

/// Longest encoded value decoded (a PEM key in a kubeconfig is a few KiB).
pub const MAX_ENCODED: usize = 96 * 1024;
/// Total decoded bytes per item, and values per item.
pub const MAX_TOTAL_DECODED: usize = 1024 * 1024;
pub const MAX_VALUES: usize = 4096;
/// Shorter values cannot hold a credential worth decoding.
const MIN_ENCODED: usize = 8;

/// One decoded value: `start..end` is the encoded value's byte span in the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    pub start: usize,
    pub end: usize,
    /// What detection runs on: the decoded text, as `KEY=value` for a named Secret entry so
    /// that context rules see the key.
    pub decoded: Vec<u8>,
}

/// Literals whose presence lets the matching patterns run. Case-sensitive, so the search is
/// a vectorised literal scan (Teddy) rather than an automaton step per byte: this pass runs over
/// every scanned byte. Each pattern below is case-sensitive about these words, except `basic`,
/// whose header name is matched in its usual spellings (`authorization`, `Authorization`,
/// `AUTHORIZATION`).
const TRIGGERS: [&str; 5] = ["kind", "auth", "Auth", "AUTH", "client-key-data"];
struct Patterns {
    prefilter: AhoCorasick,
    k8s_kind_yaml: Regex,
    k8s_kind_json: Regex,
    yaml_data: Regex,
    yaml_entry: Regex,
    json_data: Regex,
    json_entry: Regex,
    docker_auth: Regex,
    basic: Regex,
    npm_auth: Regex,
    key_data: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |s: &str| Regex::new(s).unwrap_or_else(|e| panic!("encoded pattern {s}: {e}"));
        const B64: &str = r"[A-Za-z0-9+/]{8,}={0,2}";
        Patterns {
            prefilter: AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(TRIGGERS)
                .unwrap_or_else(|e| panic!("encoded prefilter: {e}")),
            k8s_kind_yaml: re(r#"(?m)^[ \t]*kind:[ \t]*["']?Secret["']?[ \t]*(?:#.*)?\r?$"#),
            k8s_kind_json: re(r#""kind"[ \t]*:[ \t]*"Secret""#),
            yaml_data: re(r"(?m)^([ \t]*)data:[ \t]*(?:#.*)?\r?$"),
            yaml_entry: re(&format!(
                r#"^([ \t]+)["']?([A-Za-z0-9._-]+)["']?:[ \t]*["']?({B64})["']?[ \t]*(?:#.*)?\r?$"#
            )),
            json_data: re(r#""data"[ \t\r\n]*:[ \t\r\n]*\{([^{}]*)\}"#),
            json_entry: re(&format!(
                r#""([A-Za-z0-9._-]+)"[ \t\r\n]*:[ \t\r\n]*"({B64})""#
            )),
            docker_auth: re(&format!(r#""auth"[ \t]*:[ \t]*"({B64})""#)),
            basic: re(&format!(
                r#"(?i)authorization["']?[ \t]*[:=][ \t]*["']?basic[ \t]+({B64})"#
            )),
            npm_auth: re(&format!(
                r"(?m)^[ \t]*(?:\S*:)?_auth[ \t]*=[ \t]*[\x22']?({B64})"
            )),
            key_data: re(&format!(
                r#"(?m)^[ \t]*client-key-data:[ \t]*["']?({B64})["']?[ \t]*(?:#.*)?\r?$"#
            )),
        }
    })
}

/// Every encoded secret-holding value in `bytes`, decoded. Cheap when there is none: one
/// literal pass over [`TRIGGERS`]; the line-local patterns then run only on the lines where
/// their trigger occurs (none of them starts with a literal the regex engine could skip to,
/// and `Authorization` headers are common in source code).
pub fn embedded(bytes: &[u8]) -> Vec<Embedded> {
    let p = patterns();
    let mut out = Vec::new();
    let t = triggered(p, bytes);
    if !t.k8s && t.lines.iter().all(Vec::is_empty) {
        return out;
    }
    let mut budget = Budget {
        total: 0,
        values: 0,
    };
    if t.k8s {
        kubernetes_secrets(p, bytes, &mut budget, &mut out);
    }
    let line_local = [&p.docker_auth, &p.basic, &p.npm_auth, &p.key_data];
    for (re, lines) in line_local.into_iter().zip(&t.lines) {
        for &(ls, le) in lines {
            for c in re.captures_iter(&bytes[ls..le]) {
                if let Some(g) = c.get(1) {
                    push(
                        &mut out,
                        &mut budget,
                        ls + g.start(),
                        ls + g.end(),
                        None,
                        g.as_bytes(),
                    );
                }
            }
        }
    }
    out.sort_by_key(|e| (e.start, e.end));
    out.dedup_by(|b, a| a.start == b.start && a.end == b.end);
    out
}

/// Where the patterns may match: whether a `kind` occurs (Kubernetes manifests are matched per
/// document), and for each line-local pattern (docker `"auth"`, `Authorization: Basic`, npm
/// `_auth`, `client-key-data`) the lines holding its trigger in the context it needs.
struct Triggered {
    k8s: bool,
    lines: [Vec<(usize, usize)>; 4],
}

fn triggered(p: &Patterns, bytes: &[u8]) -> Triggered {
    const DOCKER: usize = 0;
    const BASIC: usize = 1;
    const NPM: usize = 2;
    const KEY_DATA: usize = 3;
    let mut t = Triggered {
        k8s: false,
        lines: Default::default(),
    };
    // Hits come in order: one long (minified) line is delimited once, not once per hit.
    let mut line = LineCursor::default();
    for m in p.prefilter.find_iter(bytes) {
        let (s, e) = (m.start(), m.end());
        let before = s.checked_sub(1).map(|b| bytes[b]);
        let kind = match m.pattern().as_usize() {
            0 => {
                t.k8s = true;
                continue;
            }
            4 => KEY_DATA,
            i => {
                if bytes
                    .get(e..e + 9)
                    .is_some_and(|r| r.eq_ignore_ascii_case(b"orization"))
                {
                    BASIC
                } else if i == 1 && before == Some(b'"') && bytes.get(e) == Some(&b'"') {
                    DOCKER
                } else if i == 1 && before == Some(b'_') {
                    NPM
                } else {
                    continue;
                }
            }
        };
        let (ls, le) = line.line(bytes, s);
        let lines = &mut t.lines[kind];
        if lines.last().map(|&(last, _)| last) != Some(ls) {
            lines.push((ls, le));
        }
    }
    t
}

struct Budget {
    total: usize,
    values: usize,
}

fn push(
    out: &mut Vec<Embedded>,
    budget: &mut Budget,
    start: usize,
    end: usize,
    key: Option<&[u8]>,
    encoded: &[u8],
) {
    if budget.values >= MAX_VALUES
        || budget.total >= MAX_TOTAL_DECODED
        || encoded.len() < MIN_ENCODED
        || encoded.len() > MAX_ENCODED
    {
        return;
    }
    let Some(text) = decode_text(encoded) else {
        return;
    };
    budget.values += 1;
    budget.total += text.len();
    let decoded = match key {
        Some(k) => {
            let mut d = Vec::with_capacity(k.len() + 1 + text.len());
            d.extend_from_slice(k);
            d.push(b'=');
            d.extend_from_slice(&text);
            d
        }
        None => text,
    };
    out.push(Embedded {
        start,
        end,
        decoded,
    });
}

/// Standard base64 (padding optional) that decodes to text: UTF-8 without control characters
/// other than tab and line breaks. Binary values (certificates in DER, images) are left alone.
pub fn decode_text(encoded: &[u8]) -> Option<Vec<u8>> {
    const ENGINE: GeneralPurpose = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let d = ENGINE.decode(encoded).ok()?;
    let s = std::str::from_utf8(&d).ok()?;
    if s.is_empty()
        || s.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return None;
    }
    Some(d)
}

/// YAML documents (split at `---`) and JSON objects that declare `kind: Secret`: their `data`
/// entries.
fn kubernetes_secrets(p: &Patterns, bytes: &[u8], budget: &mut Budget, out: &mut Vec<Embedded>) {
    if p.k8s_kind_json.is_match(bytes) {
        for block in p.json_data.captures_iter(bytes) {
            let Some(body) = block.get(1) else { continue };
            for e in p.json_entry.captures_iter(body.as_bytes()) {
                let (Some(k), Some(v)) = (e.get(1), e.get(2)) else {
                    continue;
                };
                let start = body.start() + v.start();
                push(
                    out,
                    budget,
                    start,
                    start + v.len(),
                    Some(k.as_bytes()),
                    v.as_bytes(),
                );
            }
        }
    }
    for (doc_start, doc) in yaml_documents(bytes) {
        if !p.k8s_kind_yaml.is_match(doc) {
            continue;
        }
        for d in p.yaml_data.captures_iter(doc) {
            let (Some(all), Some(indent)) = (d.get(0), d.get(1)) else {
                continue;
            };
            let base = indent.len();
            let mut pos = all.end();
            if doc.get(pos) == Some(&b'\n') {
                pos += 1;
            }
            // The entries: following lines indented deeper than `data:`.
            while pos < doc.len() {
                let end = memchr::memchr(b'\n', &doc[pos..]).map_or(doc.len(), |i| pos + i);
                let line = &doc[pos..end];
                let trimmed = line.trim_ascii_start();
                let indent = line.len() - trimmed.len();
                if !trimmed.is_empty() && !trimmed.starts_with(b"#") {
                    if indent <= base {
                        break;
                    }
                    if let Some(e) = p.yaml_entry.captures(line) {
                        if let (Some(k), Some(v)) = (e.get(2), e.get(3)) {
                            let start = doc_start + pos + v.start();
                            push(
                                out,
                                budget,
                                start,
                                start + v.len(),
                                Some(k.as_bytes()),
                                v.as_bytes(),
                            );
                        }
                    }
                }
                pos = end + 1;
            }
        }
    }
}

/// `(offset, document)` for each YAML document: split at lines starting with `---`.
fn yaml_documents(bytes: &[u8]) -> Vec<(usize, &[u8])> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        if bytes[pos..end].starts_with(b"---") && pos > start {
            docs.push((start, &bytes[start..pos]));
            start = pos;
        }
        pos = end + 1;
    }
    if start < bytes.len() {
        docs.push((start, &bytes[start..]));
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;

    fn b64(s: &str) -> String {
        STANDARD.encode(s)
    }

    #[test]
    fn kubernetes_secret_data_is_decoded_with_its_key_and_span() {
        let v = b64("hunter2-value-123");
        let doc = format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  API_TOKEN: {v}\n  other: \"{v}\"\nstringData:\n  plain: x\n"
        );
        let found = embedded(doc.as_bytes());
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].decoded, b"API_TOKEN=hunter2-value-123");
        assert_eq!(&doc.as_bytes()[found[0].start..found[0].end], v.as_bytes());
        assert_eq!(found[1].decoded, b"other=hunter2-value-123");
    }

    #[test]
    fn data_outside_a_secret_is_not_decoded() {
        let v = b64("hunter2-value-123");
        let doc = format!("kind: ConfigMap\ndata:\n  A: {v}\n---\nkind: Secret\ndata:\n  B: {v}\n");
        let found = embedded(doc.as_bytes());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].decoded, b"B=hunter2-value-123");
    }

    #[test]
    fn json_secret_docker_auth_and_basic_headers() {
        let v = b64("user:tok-abcdef-123456");
        let json = format!(r#"{{"kind": "Secret", "data": {{"token": "{v}"}}}}"#);
        assert_eq!(
            embedded(json.as_bytes())[0].decoded,
            b"token=user:tok-abcdef-123456"
        );
        let docker = format!(r#"{{"auths": {{"ghcr.io": {{"auth": "{v}"}}}}}}"#);
        let d = embedded(docker.as_bytes());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].decoded, b"user:tok-abcdef-123456");
        assert_eq!(&docker.as_bytes()[d[0].start..d[0].end], v.as_bytes());
        let curl = format!("curl -H 'Authorization: Basic {v}' https://x\n");
        assert_eq!(
            embedded(curl.as_bytes())[0].decoded,
            b"user:tok-abcdef-123456"
        );
        let npm = format!("//registry.npmjs.org/:_auth={v}\n");
        assert_eq!(
            embedded(npm.as_bytes())[0].decoded,
            b"user:tok-abcdef-123456"
        );
    }

    #[test]
    fn binary_invalid_and_oversize_values_are_ignored() {
        assert!(decode_text(b"not base64!!").is_none());
        assert!(decode_text(STANDARD.encode([0u8, 1, 2, 3, 255]).as_bytes()).is_none());
        let huge = b64(&"a".repeat(MAX_ENCODED));
        let doc = format!("kind: Secret\ndata:\n  A: {huge}\n");
        assert!(embedded(doc.as_bytes()).is_empty());
        assert!(embedded(b"nothing here").is_empty());
        // Never panics on odd input.
        let _ = embedded(b"kind: Secret\ndata:");
        let _ = embedded(b"kind: Secret\ndata:\n");
        let _ = embedded(b"\"kind\":\"Secret\" \"data\": {");
    }
}
