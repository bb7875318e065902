//! Azure Storage shared access signatures (providers.md §27, §1.6): every verdict is in the query
//! string: `sp` permissions, `se` expiry, `ss`/`srt` (account SAS) or `sr` (service SAS) breadth,
//! `spr` protocols, `sip` IP range, `si` stored policy, `skoid`… user delegation.

use super::util::{parse_iso_utc, percent_decode};
use super::DecodeInput;
use crate::scope::{Access, Breadth};
use crate::signals::Signals;

/// The SAS parameters, percent-decoded. Accepts a full URL, a query string with or without `?`,
/// or a connection-string value.
pub fn params(s: &str) -> Vec<(String, String)> {
    let q = s.trim();
    let q = q.split_once('?').map_or(q, |(_, q)| q);
    q.split(['&', ';'])
        .take(64)
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), percent_decode(v.trim())))
        .collect()
}

pub fn decode(input: &DecodeInput) -> Signals {
    from_query(input.secret)
}

/// Decodes a SAS query string (shared with the connection-string decoder).
pub fn from_query(q: &str) -> Signals {
    let p = params(q);
    let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("sig").is_none() {
        return Signals::malformed("no sig= parameter: not a shared access signature");
    }
    let (sp, se) = (get("sp"), get("se"));
    if sp.is_none() && se.is_none() && get("si").is_none() {
        return Signals::malformed("SAS without sp, se or si: only the signature was found");
    }
    let mut s = Signals::default();

    // Breadth: account SAS (ss/srt) vs service SAS (sr).
    let (kind, breadth) = if let Some(ss) = get("ss") {
        let services: Vec<&str> = ss
            .chars()
            .filter_map(|c| match c {
                'b' => Some("blob"),
                'f' => Some("file"),
                'q' => Some("queue"),
                't' => Some("table"),
                _ => None,
            })
            .collect();
        let srt = get("srt").unwrap_or("");
        let mut types = Vec::new();
        for (c, n) in [('s', "service"), ('c', "container"), ('o', "object")] {
            if srt.contains(c) {
                types.push(n);
            }
        }
        s.evidence(
            "breadth",
            "token",
            format!(
                "account SAS over {} services, resource types {}",
                if services.is_empty() {
                    "no".into()
                } else {
                    services.join("+")
                },
                if types.is_empty() {
                    "none".into()
                } else {
                    types.join("+")
                }
            ),
        );
        ("Azure Storage account SAS", Breadth::AccountWide)
    } else if let Some(sr) = get("sr") {
        let (what, b) = match sr {
            "c" => ("container", Breadth::Project),
            "s" => ("file share", Breadth::Project),
            "d" => ("directory", Breadth::Resource),
            "b" | "bs" | "bv" => ("blob", Breadth::Resource),
            "f" => ("file", Breadth::Resource),
            _ => ("resource", Breadth::Resource),
        };
        s.evidence(
            "breadth",
            "token",
            format!("service SAS for one {what} (sr={sr})"),
        );
        ("Azure Storage service SAS", b)
    } else {
        // Queue/table service SAS carry neither `ss` nor `sr` (they use `tn` or the URL path).
        ("Azure Storage SAS", Breadth::Resource)
    };
    let kind = if get("skoid").is_some() {
        format!("{kind} (user delegation, Entra-signed)")
    } else {
        kind.to_string()
    };
    s.kind = Some(kind.clone());
    s.evidence("kind", "token", kind);
    s.breadth = Some(breadth);

    if let Some(sp) = sp {
        const MEANING: &[(char, &str)] = &[
            ('r', "read"),
            ('a', "add"),
            ('c', "create"),
            ('w', "write"),
            ('d', "delete"),
            ('x', "delete version"),
            ('y', "permanent delete"),
            ('l', "list"),
            ('t', "tags"),
            ('f', "filter by tags"),
            ('u', "update"),
            ('p', "process/set ACL"),
            ('i', "set immutability policy"),
            ('m', "move"),
            ('e', "execute"),
            ('o', "ownership"),
        ];
        let mut words = Vec::new();
        for c in sp.chars().take(32) {
            if let Some((_, w)) = MEANING.iter().find(|(l, _)| *l == c) {
                words.push(format!("{c} ({w})"));
            }
        }
        s.permissions = sp.chars().take(32).map(|c| c.to_string()).collect();
        s.permissions.dedup();
        let destructive = sp.contains(['d', 'x', 'y']);
        let writes = sp.contains(['w', 'd', 'x', 'y', 'a', 'c', 'u', 'p', 'i', 'm', 'o', 't']);
        let access = if destructive && breadth == Breadth::AccountWide {
            Access::Admin
        } else if writes {
            Access::Write
        } else if sp.contains(['r', 'l', 'f', 'e']) {
            Access::Read
        } else {
            Access::None
        };
        s.access = Some(access);
        s.destructive = Some(destructive);
        s.evidence("access", "token", format!("sp={sp}: {}", words.join(", ")));
    } else {
        s.evidence(
            "access",
            "token",
            "no sp: permissions live in the stored access policy (si) on the server",
        );
    }
    if let Some(se) = se {
        match parse_iso_utc(se) {
            Some(t) => s.expires_at = Some(t),
            None => {
                s.evidence("expiry", "token", "se is not an ISO-8601 UTC time");
            }
        }
    }
    if let Some(si) = get("si") {
        s.evidence(
            "access",
            "token",
            format!("stored access policy {si:?}: revocable server-side; offline view may be incomplete"),
        );
    }
    if let Some(spr) = get("spr") {
        if spr.contains("http") && spr != "https" {
            s.evidence("access", "token", "spr allows plain http");
        }
    }
    if let Some(sip) = get("sip") {
        s.evidence("access", "token", format!("restricted to IP {sip}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::Access;

    fn run(q: &str) -> Signals {
        decode(&DecodeInput {
            rule_id: "azure.sas",
            secret: q,
            variable: None,
            companion: None,
            now: 1_700_000_000,
        })
    }

    const SIG: &str = "sig=Qm9k7yXv2N1tq%2BcR5sLw0pZ3hD8eF6gJ4aT9uV1xY2c%3D";

    #[test]
    fn account_sas_full() {
        let s = run(&format!(
            "https://shopdata.blob.core.windows.net/?sv=2022-11-02&ss=bfqt&srt=sco&sp=rwdlacupiytfx&se=2030-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&{SIG}"
        ));
        assert_eq!(s.kind.as_deref(), Some("Azure Storage account SAS"));
        assert_eq!(s.breadth, Some(Breadth::AccountWide));
        assert_eq!(s.access, Some(Access::Admin));
        assert_eq!(s.destructive, Some(true));
        assert_eq!(s.expires_at, Some(1_893_456_000));
    }

    #[test]
    fn service_sas_read_only_expired() {
        let s = run(&format!(
            "?sv=2022-11-02&sr=b&sp=r&se=2023-01-01&sip=10.0.0.1&{SIG}"
        ));
        assert_eq!(s.kind.as_deref(), Some("Azure Storage service SAS"));
        assert_eq!(s.breadth, Some(Breadth::Resource));
        assert_eq!(s.access, Some(Access::Read));
        assert_eq!(s.destructive, Some(false));
        assert_eq!(s.expires_at, Some(1_672_531_200));
        assert_eq!(s.permissions, vec!["r"]);
        let s = run(&format!(
            "sv=2022-11-02&sr=c&sp=racwl&se=2031-01-01T00%3A00%3A00Z&{SIG}"
        ));
        assert_eq!(s.breadth, Some(Breadth::Project));
        assert_eq!(s.access, Some(Access::Write));
        assert_eq!(s.destructive, Some(false));
        assert_eq!(s.expires_at, Some(1_924_992_000));
    }

    #[test]
    fn stored_policy_and_user_delegation() {
        let s = run(&format!("sv=2022-11-02&sr=c&si=readers&skoid=abc&{SIG}"));
        assert_eq!(
            s.kind.as_deref(),
            Some("Azure Storage service SAS (user delegation, Entra-signed)")
        );
        assert_eq!(s.access, None);
    }

    #[test]
    fn malformed() {
        for bad in ["", "sv=2022&sp=r", SIG, "junk&&&===", "?%%%", "sig"] {
            assert!(run(bad).malformed.is_some(), "{bad}");
        }
        let s = run(&format!("sp=r&se=tomorrow&{SIG}"));
        assert_eq!(s.expires_at, None);
        assert!(s.malformed.is_none());
    }
}
