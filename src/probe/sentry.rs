//! Sentry (providers.md §22). `GET /api/0/` (Bearer) → `{"auth": {"scopes": [...]}, "user":
//! {...}}`: the token's scopes go to `Signals.permissions` (`[scopes]` of sentry.toml:
//! `*:admin` → admin, destructive; `*:write` → write; `org:ci` → limited CI uploads). 401 →
//! inactive. An organization token (`sntrys_`) names its instance in its payload: a token of a
//! self-hosted instance is not sent to sentry.io (pass `--endpoint sentry=https://HOST`);
//! `de.sentry.io` tokens go to the EU region.

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::Access;
use crate::signals::Signals;
use base64::Engine;
use serde_json::Value;

pub struct Sentry;

static BASES: &[Base] = &[
    Base {
        key: "api",
        url: "https://sentry.io",
    },
    Base {
        key: "de",
        url: "https://de.sentry.io",
    },
];
static ALLOW: &[Allowed] = &[
    Allowed::get("api", "/api/0/"),
    Allowed::get("de", "/api/0/"),
];

/// `(url, region_url)` hosts from an org token's payload.
fn org_token_hosts(token: &str) -> Option<(String, String)> {
    let b64 = token.strip_prefix("sntrys_")?.rsplit_once('_')?.0;
    let raw = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    let v: Value = serde_json::from_slice(&raw).ok()?;
    let host = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .and_then(|u| reqwest::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default()
    };
    Some((host("url"), host("region_url")))
}

impl Probe for Sentry {
    fn id(&self) -> &'static str {
        "sentry"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let token = t.secret.expose();
        let mut base = "api";
        if let Some((url, region)) = org_token_hosts(token) {
            let default = http
                .url_for(&Request::get("api", "/api/0/"))?
                .host_str()
                .is_some_and(|h| h == "sentry.io");
            if default && url != "sentry.io" && !url.ends_with(".sentry.io") {
                return Ok(Verdict::not_probed(
                    "an organization token of a self-hosted Sentry: pass --endpoint \
                     sentry=https://HOST to check it there",
                ));
            }
            if region == "de.sentry.io" {
                base = "de";
            }
        }
        let reply = http.send(&Request::get(base, "/api/0/").bearer(token))?;
        match reply.status {
            200 => {}
            401 => {
                return Ok(Verdict::inactive(
                    "Sentry answered 401 (invalid or revoked token)",
                    &reply.source,
                ))
            }
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
        let v = reply.json()?;
        let Some(scopes) = v.pointer("/auth/scopes").and_then(Value::as_array) else {
            // An anonymous answer: the token was not taken as a credential. Unconfirmed whether
            // Sentry ever answers a bad token like this rather than with 401.
            return Err(Fault::Unexpected("no auth in the answer".into()));
        };
        let scopes: Vec<String> = scopes
            .iter()
            .filter_map(|x| x.as_str().map(clean))
            .collect();
        let mut s = Signals::default();
        let user = v
            .pointer("/user/username")
            .or_else(|| v.pointer("/user/email"))
            .and_then(Value::as_str);
        if let Some(u) = user {
            s.identity = Some(format!("user {}", clean(u)));
        }
        if !scopes.is_empty() && scopes.iter().all(|x| x.ends_with(":read")) {
            s.access = Some(Access::Read);
            s.destructive = Some(false);
        } else if !scopes.iter().any(|x| x.ends_with(":admin")) {
            s.destructive = Some(false);
        }
        s.evidence(
            "permissions",
            &reply.source,
            format!("scopes: {}", scopes.join(", ")),
        );
        s.permissions = scopes;
        Ok(Verdict::active(s))
    }
}
