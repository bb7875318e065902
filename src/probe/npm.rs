//! npm (providers.md §15). Registry API, GET only.
//!
//! `GET /-/whoami` → `{username}`; then `GET /-/npm/v1/tokens` → the user's tokens with a
//! truncated `token` prefix and `readonly`. The found token is matched by that prefix: a legacy
//! `readonly: true` token → read; a matched publish token → write on every package the user may
//! publish (account-wide supply-chain risk). Granular tokens' package/org limits are not exposed
//! (unconfirmed): unmatched or granular → live with unknown scope ("assume publish").
//! 401 → inactive.

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::Value;

pub struct Npm;

static BASES: &[Base] = &[Base {
    key: "registry",
    url: "https://registry.npmjs.org",
}];
static ALLOW: &[Allowed] = &[
    Allowed::get("registry", "/-/whoami"),
    Allowed::get("registry", "/-/npm/v1/tokens"),
];

impl Probe for Npm {
    fn id(&self) -> &'static str {
        "npm"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let token = t.secret.expose();
        let reply = http.send(&Request::get("registry", "/-/whoami").bearer(token))?;
        match reply.status {
            200 => {}
            401 | 403 => {
                return Ok(Verdict::inactive(
                    format!(
                        "npm answered {} (invalid, expired or revoked)",
                        reply.status
                    ),
                    &reply.source,
                ))
            }
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
        let v = reply.json()?;
        let user = v
            .get("username")
            .and_then(Value::as_str)
            .ok_or_else(|| Fault::Unexpected("no username".into()))?;
        let mut s = Signals {
            identity: Some(format!("user {}", clean(user))),
            ..Signals::default()
        };
        let list = match http.send(&Request::get("registry", "/-/npm/v1/tokens").bearer(token)) {
            Ok(r) if r.status == 200 => r.json().ok().map(|v| (v, r.source)),
            Ok(_) => None,
            Err(Fault::RateLimited) => return Err(Fault::RateLimited),
            Err(_) => None,
        };
        let found = list.as_ref().and_then(|(v, source)| {
            // The list shows a prefix of each token (6+ characters); only a unique match counts.
            let hits: Vec<&Value> = v
                .get("objects")
                .and_then(Value::as_array)?
                .iter()
                .filter(|o| {
                    o.get("token")
                        .and_then(Value::as_str)
                        .map(|p| p.trim_end_matches(['.', '…']))
                        .is_some_and(|p| p.len() >= 6 && token.starts_with(p))
                })
                .collect();
            match hits[..] {
                [one] => Some((one.clone(), source.clone())),
                _ => None,
            }
        });
        match found {
            Some((o, source)) if o.get("readonly").and_then(Value::as_bool) == Some(true) => {
                s.access = Some(Access::Read);
                s.destructive = Some(false);
                s.evidence(
                    "access",
                    &source,
                    "read-only token: installs, cannot publish",
                );
            }
            Some((o, source)) if o.get("readonly").and_then(Value::as_bool) == Some(false) => {
                s.access = Some(Access::Write);
                s.breadth = Some(Breadth::AccountWide);
                s.evidence(
                    "access",
                    &source,
                    "publish token: can publish every package the user maintains",
                );
            }
            _ => {
                s.evidence(
                    "access",
                    &reply.source,
                    "live; its permissions (granular packages/orgs) are not readable: assume it \
                     can publish",
                );
            }
        }
        Ok(Verdict::active(s))
    }
}
