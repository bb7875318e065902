//! PyPI API tokens (providers.md §1.5.2, §16): `pypi-` + base64url of a libmacaroons v2 binary
//! macaroon. Its caveats tell user-wide vs project-scoped, expiry, Trusted Publishing, and the
//! location tells pypi.org vs TestPyPI.

use super::util::b64_any;
use super::DecodeInput;
use crate::scope::{Access, Breadth, Environment};
use crate::signals::Signals;
use serde_json::Value;

/// A v2 macaroon's location and first-party caveat predicates.
#[derive(Debug, PartialEq)]
pub struct Macaroon {
    pub location: String,
    pub caveats: Vec<Vec<u8>>,
}

const MAX_CAVEATS: usize = 256;

fn uvarint(b: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*pos)?;
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// One packet: `(field_type, data)`; field type 0 is the end-of-section marker (no data).
fn packet<'a>(b: &'a [u8], pos: &mut usize) -> Option<(u64, &'a [u8])> {
    let ty = uvarint(b, pos)?;
    if ty == 0 {
        return Some((0, &[]));
    }
    let len = usize::try_from(uvarint(b, pos)?).ok()?;
    let end = pos.checked_add(len)?;
    let data = b.get(*pos..end)?;
    *pos = end;
    Some((ty, data))
}

/// Parses the v2 binary format (pymacaroons `binary_serializer.py`): `0x02`, header section
/// `[location][identifier] EOS`, caveat sections `[location?][identifier][vid?] EOS`, an empty
/// section, then the signature packet.
pub fn parse_v2(b: &[u8]) -> Result<Macaroon, &'static str> {
    if b.first() != Some(&2) {
        return Err("not a version 2 macaroon");
    }
    let mut pos = 1;
    let mut location = None;
    let mut have_id = false;
    loop {
        match packet(b, &mut pos).ok_or("truncated macaroon header")? {
            (0, _) => break,
            (1, d) => location = Some(String::from_utf8_lossy(d).into_owned()),
            (2, _) => have_id = true,
            _ => return Err("unexpected field in macaroon header"),
        }
    }
    if !have_id {
        return Err("macaroon header has no identifier");
    }
    let mut caveats = Vec::new();
    loop {
        let mut id = None;
        let mut third_party = false;
        let mut empty = true;
        loop {
            match packet(b, &mut pos).ok_or("truncated macaroon caveat")? {
                (0, _) => break,
                (1, _) => third_party = true,
                (2, d) => id = Some(d.to_vec()),
                (4, _) => third_party = true,
                _ => return Err("unexpected field in macaroon caveat"),
            }
            empty = false;
        }
        if empty {
            break;
        }
        match id {
            Some(id) if !third_party => caveats.push(id),
            Some(_) => {}
            None => return Err("macaroon caveat without identifier"),
        }
        if caveats.len() > MAX_CAVEATS {
            return Err("too many caveats");
        }
    }
    match packet(b, &mut pos) {
        Some((6, sig)) if sig.len() == 32 => {}
        _ => return Err("macaroon signature missing or truncated"),
    }
    Ok(Macaroon {
        location: location.unwrap_or_default(),
        caveats,
    })
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

pub fn decode(input: &DecodeInput) -> Signals {
    let Some(body) = input.secret.trim().strip_prefix("pypi-") else {
        return Signals::malformed("a PyPI token starts with pypi-");
    };
    let Some(bytes) = b64_any(body) else {
        return Signals::malformed("PyPI token body is not base64url");
    };
    let m = match parse_v2(&bytes) {
        Ok(m) => m,
        Err(e) => return Signals::malformed(e),
    };
    let mut s = Signals::default();
    let (env, index) = match m.location.as_str() {
        "pypi.org" => (Environment::Production, "pypi.org"),
        "test.pypi.org" => (Environment::NonProduction, "TestPyPI"),
        other => {
            return Signals::malformed(format!(
                "unknown PyPI macaroon location {:?}",
                other.chars().take(40).collect::<String>()
            ))
        }
    };
    s.environment = Some(env);
    s.evidence(
        "environment",
        "token",
        if env == Environment::Production {
            "location pypi.org: uploads go to the public index".to_string()
        } else {
            "location test.pypi.org: the test index".to_string()
        },
    );

    let mut projects: Vec<String> = Vec::new();
    let mut project_ids: Vec<String> = Vec::new();
    let mut user_wide = false;
    let mut user: Option<String> = None;
    let mut oidc = false;
    let mut expires: Option<i64> = None;
    let mut unknown = 0usize;
    for c in &m.caveats {
        let v: Value = match serde_json::from_slice(c) {
            Ok(v) => v,
            Err(_) => {
                unknown += 1;
                continue;
            }
        };
        match &v {
            Value::Array(a) => match a.first().and_then(Value::as_u64) {
                Some(0) => {
                    if let Some(e) = a.get(1).and_then(Value::as_i64) {
                        expires = Some(expires.map_or(e, |x| x.min(e)));
                    }
                }
                Some(1) => projects.extend(strings(a.get(1))),
                Some(2) => project_ids.extend(strings(a.get(1))),
                Some(3) => user = a.get(1).and_then(Value::as_str).map(String::from),
                Some(4) => oidc = true,
                _ => unknown += 1,
            },
            Value::Object(o) => {
                if o.get("version").is_some() {
                    match o.get("permissions") {
                        Some(Value::String(p)) if p == "user" => user_wide = true,
                        Some(Value::Object(p)) => projects.extend(strings(p.get("projects"))),
                        _ => unknown += 1,
                    }
                } else if let Some(e) = o.get("exp").and_then(Value::as_i64) {
                    expires = Some(expires.map_or(e, |x| x.min(e)));
                } else if o.contains_key("project_ids") {
                    project_ids.extend(strings(o.get("project_ids")));
                } else {
                    unknown += 1;
                }
            }
            _ => unknown += 1,
        }
    }
    if unknown > 0 {
        s.evidence(
            "kind",
            "token",
            format!("{unknown} caveat(s) not understood: the token may be narrower than shown"),
        );
    }
    s.expires_at = expires;
    s.access = Some(Access::Write);
    // Uploading cannot delete projects or releases.
    s.destructive = Some(false);
    if let Some(u) = &user {
        s.identity = Some(format!("{index} user {u}"));
    }
    if !projects.is_empty() || !project_ids.is_empty() {
        s.kind = Some(if oidc {
            format!("{index} Trusted Publishing token (project-scoped, short-lived)")
        } else {
            format!("{index} project-scoped API token")
        });
        s.breadth = Some(Breadth::Project);
        let mut names = projects.clone();
        names.extend(project_ids.iter().map(|id| format!("project-id:{id}")));
        s.evidence(
            "breadth",
            "token",
            format!("can upload releases to: {}", names.join(", ")),
        );
        s.permissions = names;
    } else {
        s.kind = Some(format!("{index} user-wide API token"));
        s.breadth = Some(Breadth::AccountWide);
        s.evidence(
            "breadth",
            "token",
            if user_wide {
                "permissions \"user\": can upload to every project the account can"
            } else {
                "no project caveat: can upload to every project the account can"
            },
        );
        s.permissions = vec!["user".into()];
    }
    if let Some(k) = s.kind.clone() {
        s.evidence("kind", "token", k);
    }
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn pkt(out: &mut Vec<u8>, ty: u8, data: &[u8]) {
        out.push(ty);
        let mut n = data.len();
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(b);
                break;
            }
            out.push(b | 0x80);
        }
        out.extend_from_slice(data);
    }

    /// Builds a `pypi-` token with the given location and caveat predicates.
    pub(crate) fn token(location: &str, caveats: &[&str]) -> String {
        let mut b = vec![2u8];
        pkt(&mut b, 1, location.as_bytes());
        pkt(&mut b, 2, b"6f1c2a4e-1b7d-4c9e-9a3f-2d8e5b7c1a90");
        b.push(0);
        for c in caveats {
            pkt(&mut b, 2, c.as_bytes());
            b.push(0);
        }
        b.push(0);
        pkt(&mut b, 6, &[0x5a; 32]);
        format!("pypi-{}", URL_SAFE_NO_PAD.encode(b))
    }

    fn run(t: &str) -> Signals {
        decode(&DecodeInput {
            rule_id: "pypi.token",
            secret: t,
            variable: None,
            companion: None,
            now: 1_700_000_000,
        })
    }

    #[test]
    fn prefixes_match_the_reference() {
        assert!(token("pypi.org", &[]).starts_with("pypi-AgEIcHlwaS5vcmc"));
        assert!(token("test.pypi.org", &[]).starts_with("pypi-AgENdGVzdC5weXBpLm9yZw"));
    }

    #[test]
    fn user_wide_legacy_and_new() {
        for t in [
            token("pypi.org", &[r#"{"version":1,"permissions":"user"}"#]),
            token("pypi.org", &[r#"[3,"a4f0c2"]"#]),
            token("pypi.org", &[]),
        ] {
            let s = run(&t);
            assert_eq!(s.kind.as_deref(), Some("pypi.org user-wide API token"));
            assert_eq!(s.breadth, Some(Breadth::AccountWide));
            assert_eq!(s.access, Some(Access::Write));
            assert_eq!(s.environment, Some(Environment::Production));
            assert_eq!(s.malformed, None);
        }
    }

    #[test]
    fn project_scoped_with_expiry_on_test_pypi() {
        let s = run(&token(
            "test.pypi.org",
            &[
                r#"[1,["requests-ng","tokenscope"]]"#,
                r#"[0,1690000000,1680000000]"#,
            ],
        ));
        assert_eq!(s.kind.as_deref(), Some("TestPyPI project-scoped API token"));
        assert_eq!(s.breadth, Some(Breadth::Project));
        assert_eq!(s.permissions, vec!["requests-ng", "tokenscope"]);
        assert_eq!(s.expires_at, Some(1_690_000_000));
        assert_eq!(s.environment, Some(Environment::NonProduction));
        let s = run(&token(
            "pypi.org",
            &[
                r#"{"version":1,"permissions":{"projects":["flask-x"]}}"#,
                r#"{"exp":1800000000,"nbf":1}"#,
            ],
        ));
        assert_eq!(s.breadth, Some(Breadth::Project));
        assert_eq!(s.permissions, vec!["flask-x"]);
        assert_eq!(s.expires_at, Some(1_800_000_000));
        let s = run(&token("pypi.org", &[r#"[2,["p-17"]]"#, r#"[4,"oidc-1"]"#]));
        assert_eq!(
            s.kind.as_deref(),
            Some("pypi.org Trusted Publishing token (project-scoped, short-lived)")
        );
        assert_eq!(s.permissions, vec!["project-id:p-17"]);
    }

    #[test]
    fn malformed() {
        let good = token("pypi.org", &[r#"[1,["a"]]"#]);
        let truncated: String = good.chars().take(good.len() - 10).collect();
        for bad in [
            "pypi-",
            "pypi-!!!!",
            "pypi-AQID",
            truncated.as_str(),
            "npm_abc",
            &token("evil.example", &[]),
        ] {
            assert!(run(bad).malformed.is_some(), "{bad}");
        }
        // Every prefix of a valid token: no panic.
        for i in 0..good.len() {
            let _ = run(&good[..i]);
        }
    }
}
