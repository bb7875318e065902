//! GitLab tokens (providers.md §4, §1.2): kind from the prefix, and for routable tokens
//! (GitLab 17.x+) the CRC check and the payload (organization, user, group, project ids).

use super::DecodeInput;
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

struct Kind {
    prefix: &'static str,
    name: &'static str,
    breadth: Option<Breadth>,
    access: Option<Access>,
    destructive: Option<bool>,
    what: &'static str,
}

const fn k(
    prefix: &'static str,
    name: &'static str,
    breadth: Option<Breadth>,
    access: Option<Access>,
    destructive: Option<bool>,
    what: &'static str,
) -> Kind {
    Kind {
        prefix,
        name,
        breadth,
        access,
        destructive,
        what,
    }
}

use Access as A;
use Breadth as B;

/// Longest prefixes first (`glrtr-` before `glrt-`).
const KINDS: &[Kind] = &[
    k(
        "glpat-",
        "personal/project/group access token",
        None,
        None,
        None,
        "acts as its user (or project/group bot) with its scopes; a probe reads them",
    ),
    k(
        "gloas-",
        "OAuth application secret",
        None,
        None,
        None,
        "with the application id, mints user tokens through OAuth flows",
    ),
    k(
        "gldt-",
        "deploy token",
        Some(B::Project),
        Some(A::Write),
        Some(false),
        "git and registry access to one project or group; no API",
    ),
    k(
        "glrtr-",
        "runner registration token",
        Some(B::Resource),
        Some(A::Write),
        Some(false),
        "registers runners (receives CI jobs and their secrets)",
    ),
    k(
        "glrt-",
        "runner authentication token",
        Some(B::Resource),
        Some(A::Write),
        Some(false),
        "runner protocol only: picks up CI jobs, which carry job tokens and variables",
    ),
    k(
        "glcbt-",
        "CI/CD job token",
        Some(B::Project),
        Some(A::Write),
        Some(false),
        "limited API while its job runs; a committed one has almost certainly expired",
    ),
    k(
        "glptt-",
        "pipeline trigger token",
        Some(B::Project),
        Some(A::Write),
        Some(false),
        "can only trigger pipelines of one project (which run with that project's secrets)",
    ),
    k(
        "glft-",
        "feed token",
        Some(B::Resource),
        Some(A::Read),
        Some(false),
        "RSS/calendar feeds only: read-only",
    ),
    k(
        "glimt-",
        "incoming mail token",
        Some(B::Resource),
        Some(A::Write),
        Some(false),
        "creates issues/merge requests by email only",
    ),
    k(
        "glagent-",
        "Kubernetes agent token",
        Some(B::Resource),
        None,
        None,
        "authenticates a cluster agent; reach depends on the agent's configuration",
    ),
    k(
        "glwt-",
        "workspace token",
        Some(B::Resource),
        None,
        None,
        "workspace internal token",
    ),
    k(
        "glsoat-",
        "SCIM token",
        Some(B::Organization),
        Some(A::Admin),
        Some(true),
        "provisions and deprovisions group members (SCIM)",
    ),
    k(
        "glffct-",
        "feature flag client token",
        Some(B::Project),
        Some(A::Read),
        Some(false),
        "reads one project's feature flags",
    ),
    k(
        "GR1348941",
        "runner registration token (deprecated)",
        Some(B::Resource),
        Some(A::Write),
        Some(false),
        "registers runners with the instance, group or project",
    ),
];

pub fn decode(input: &DecodeInput) -> Signals {
    let t = input.secret.trim();
    // Self-managed instances may prepend their own prefix (`SIE-glpat-…`).
    let found = KINDS.iter().find_map(|k| {
        t.find(k.prefix)
            .filter(|&i| i == 0 || t.as_bytes().get(i - 1) == Some(&b'-'))
            .map(|i| (k, i))
    });
    let Some((kind, at)) = found else {
        return Signals::malformed("unknown GitLab token prefix");
    };
    let mut s = Signals::with_kind(format!("GitLab {}", kind.name));
    s.breadth = kind.breadth;
    s.access = kind.access;
    s.destructive = kind.destructive;
    s.evidence("access", "token", kind.what);
    if at > 0 {
        s.evidence(
            "kind",
            "token",
            "instance-specific prefix: a self-managed GitLab",
        );
    }
    if kind.prefix == "glcbt-" {
        s.evidence("expiry", "token", "job tokens expire when their job ends");
    }
    let body = t.get(at..).unwrap_or("");
    if body.contains('.') {
        match routable(body) {
            Ok(payload) => {
                let mut ids = Vec::new();
                for (key, label) in [
                    ("o", "organization"),
                    ("g", "group"),
                    ("p", "project"),
                    ("u", "user"),
                    ("c", "cell"),
                ] {
                    if let Some((_, v)) = payload.iter().find(|(k, _)| k == key) {
                        ids.push(format!("{label} {v}"));
                    }
                }
                s.evidence(
                    "identity",
                    "token",
                    format!("routable token payload: {}", ids.join(", ")),
                );
                if let Some((_, u)) = payload.iter().find(|(k, _)| k == "u") {
                    s.identity = Some(format!("GitLab user id {u}"));
                } else if let Some((_, p)) = payload.iter().find(|(k, _)| k == "p") {
                    s.identity = Some(format!("GitLab project id {p}"));
                } else if let Some((_, g)) = payload.iter().find(|(k, _)| k == "g") {
                    s.identity = Some(format!("GitLab group id {g}"));
                }
            }
            Err(why) => return Signals::malformed(why),
        }
    }
    s
}

/// Decodes a routable token (§1.2): `PREFIX B64 . VV . LL CCCCCCC`. Returns the payload's
/// `key:value` pairs with base36 integers converted to decimal.
pub fn routable(token: &str) -> Result<Vec<(String, String)>, &'static str> {
    let (before_crc, crc) = token
        .len()
        .checked_sub(7)
        .and_then(|i| Some((token.get(..i)?, token.get(i..)?)))
        .ok_or("routable token too short")?;
    let want = u32::from_str_radix(crc, 36).map_err(|_| "routable token CRC is not base36")?;
    if crc32fast::hash(before_crc.as_bytes()) != want {
        return Err("routable token CRC does not match");
    }
    let mut parts = before_crc.rsplitn(3, '.');
    let ll = parts.next().ok_or("routable token lacks its length")?;
    let _version = parts.next().ok_or("routable token lacks its version")?;
    let head = parts.next().ok_or("routable token lacks its body")?;
    let len = usize::from_str_radix(ll, 36).map_err(|_| "routable token length is not base36")?;
    let b64 = head
        .len()
        .checked_sub(len)
        .and_then(|i| head.get(i..))
        .ok_or("routable token length out of range")?;
    let raw = URL_SAFE_NO_PAD
        .decode(b64)
        .map_err(|_| "routable token body is not base64url")?;
    if raw.len() < 18 {
        return Err("routable token body too short");
    }
    let plen = usize::from(*raw.last().unwrap_or(&0));
    let payload = raw
        .get(16..raw.len() - 1)
        .filter(|p| p.len() == plen)
        .ok_or("routable token payload length mismatch")?;
    let text = std::str::from_utf8(payload).map_err(|_| "routable token payload is not text")?;
    let mut out = Vec::new();
    for line in text.lines().take(16) {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = u64::from_str_radix(v, 36)
            .map(|n| n.to_string())
            .unwrap_or_else(|_| v.chars().take(32).collect());
        out.push((k.to_string(), v));
    }
    if !out.iter().any(|(k, _)| k == "o") {
        return Err("routable token payload lacks an organization");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b36(mut n: u64, width: usize) -> String {
        let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let mut s = Vec::new();
        while n > 0 {
            s.push(digits[(n % 36) as usize]);
            n /= 36;
        }
        while s.len() < width {
            s.push(b'0');
        }
        s.reverse();
        String::from_utf8(s).unwrap()
    }

    /// Builds a routable token as GitLab's generator does.
    fn mint(prefix: &str, payload: &str) -> String {
        let mut raw: Vec<u8> = (0..16u8)
            .map(|i| i.wrapping_mul(37).wrapping_add(11))
            .collect();
        raw.extend_from_slice(payload.as_bytes());
        raw.push(payload.len() as u8);
        let b64 = URL_SAFE_NO_PAD.encode(raw);
        let s = format!("{prefix}{b64}.01.{}", b36(b64.len() as u64, 2));
        let crc = crc32fast::hash(s.as_bytes());
        format!("{s}{}", b36(u64::from(crc), 7))
    }

    fn run(t: &str) -> Signals {
        decode(&DecodeInput {
            rule_id: "gitlab.pat",
            secret: t,
            variable: None,
            companion: None,
            now: 1_700_000_000,
        })
    }

    #[test]
    fn routable_pat() {
        let t = mint("glpat-", "o:1\nu:iwbh4");
        let p = routable(&t).unwrap();
        assert_eq!(
            p,
            vec![("o".into(), "1".into()), ("u".into(), "31740952".into())]
        );
        let s = run(&t);
        assert_eq!(
            s.kind.as_deref(),
            Some("GitLab personal/project/group access token")
        );
        assert_eq!(s.identity.as_deref(), Some("GitLab user id 31740952"));
        assert_eq!(s.breadth, None);
        assert_eq!(s.malformed, None);
    }

    #[test]
    fn kinds() {
        let s = run("gldt-Rk2pXq7vLm9TbW4nZc1H");
        assert_eq!(s.kind.as_deref(), Some("GitLab deploy token"));
        assert_eq!(s.breadth, Some(Breadth::Project));
        assert_eq!(s.access, Some(Access::Write));
        let s = run(&mint("glrt-", "o:1\np:2s"));
        assert_eq!(
            s.kind.as_deref(),
            Some("GitLab runner authentication token")
        );
        assert_eq!(s.breadth, Some(Breadth::Resource));
        assert_eq!(s.identity.as_deref(), Some("GitLab project id 100"));
        let s = run("glrtr-Rk2pXq7vLm9TbW4nZc1H");
        assert_eq!(s.kind.as_deref(), Some("GitLab runner registration token"));
        let s = run("glft-Rk2pXq7vLm9TbW4nZc1H");
        assert_eq!(s.access, Some(Access::Read));
        let s = run("glptt-Rk2pXq7vLm9TbW4nZc1HaaaaaaaaaaaaaaaaaaaaQ");
        assert_eq!(s.kind.as_deref(), Some("GitLab pipeline trigger token"));
        let s = run("SIE-glpat-Rk2pXq7vLm9TbW4nZc1H");
        assert!(s.evidence.iter().any(|e| e.detail.contains("self-managed")));
        let s = run("GR1348941Rk2pXq7vLm9TbW4nZc1H");
        assert_eq!(
            s.kind.as_deref(),
            Some("GitLab runner registration token (deprecated)")
        );
    }

    #[test]
    fn malformed() {
        let t = mint("glpat-", "o:1\nu:iwbh4");
        let mut bad_crc = t.clone();
        bad_crc.pop();
        bad_crc.push(if t.ends_with('0') { '1' } else { '0' });
        for bad in [
            bad_crc.as_str(),
            "glpat-abc.01.zz",
            "glpat-.",
            "glpat-a.b.c.d.e.f.g.h",
            "ghp_abc",
            "glpat-\u{e9}\u{e9}\u{e9}.01.0a0000000",
        ] {
            assert!(run(bad).malformed.is_some(), "{bad}");
        }
        for i in 0..t.len() {
            let _ = run(&t[..i]);
        }
    }
}
