//! DigitalOcean (providers.md §11). REST, GET only.
//!
//! `GET /v2/account` (Bearer) → `account {email, uuid, status, team {name}}` (needs
//! `account:read`; a custom-scoped token without it gets 403 but is live). There is no endpoint
//! listing a token's scopes, and write scopes cannot be seen without a write, so a live token
//! keeps unknown breadth and access ("live but could not classify"). 401 → inactive.
//! `dor_v1_` refresh tokens are not bearer tokens (their rule names no probe).

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::signals::Signals;
use serde_json::Value;

pub struct DigitalOcean;

static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://api.digitalocean.com",
}];
static ALLOW: &[Allowed] = &[Allowed::get("api", "/v2/account")];

impl Probe for DigitalOcean {
    fn id(&self) -> &'static str {
        "digitalocean"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let reply = http.send(&Request::get("api", "/v2/account").bearer(t.secret.expose()))?;
        let mut s = Signals::default();
        match reply.status {
            200 => {}
            401 => {
                return Ok(Verdict::inactive(
                    "DigitalOcean answered 401 (invalid, expired or revoked token)",
                    &reply.source,
                ))
            }
            403 => {
                s.evidence(
                    "access",
                    &reply.source,
                    "live custom-scoped token without account:read; its scopes are unknown",
                );
                return Ok(Verdict::active(s));
            }
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
        let v = reply.json()?;
        let acct = v
            .get("account")
            .filter(|a| a.is_object())
            .ok_or_else(|| Fault::Unexpected("no account".into()))?;
        let email = acct.get("email").and_then(Value::as_str).map(clean);
        let team = acct
            .pointer("/team/name")
            .and_then(Value::as_str)
            .map(clean);
        s.identity = Some(match (email, team) {
            (Some(e), Some(t)) => format!("{e} (team {t})"),
            (Some(e), None) => e,
            (None, Some(t)) => format!("team {t}"),
            (None, None) => "DigitalOcean account".into(),
        });
        if let Some(st) = acct.get("status").and_then(Value::as_str) {
            if st != "active" {
                s.evidence(
                    "status",
                    &reply.source,
                    format!("account status {}", clean(st)),
                );
            }
        }
        s.evidence(
            "access",
            &reply.source,
            "live; DigitalOcean has no call listing a token's scopes, and write scopes cannot be \
             seen without a write, so breadth and access are unknown",
        );
        Ok(Verdict::active(s))
    }
}
