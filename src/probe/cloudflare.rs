//! Cloudflare (providers.md §10). REST, GET only.
//!
//! * API token: `GET /client/v4/user/tokens/verify` (Bearer) → `result {id, status}`;
//!   `status` other than `active` (disabled, expired) → inactive. Then
//!   `GET /client/v4/user/tokens/{id}` → `policies[] {effect, resources, permission_groups}`,
//!   readable only if the token may read API tokens; otherwise live with unknown scope.
//!   Permission group names go to `Signals.permissions` (`[scopes]` of cloudflare.toml); names
//!   ending in Write/Edit → write, all Read → read. Resources `…account.*` / `…zone.*` → every
//!   account/zone of the user (account-wide; a write there, or API Tokens Write, is admin); named
//!   accounts → organization; named zones only → resource.
//! * `cfat_` account tokens verify at `/accounts/{account_id}/tokens/verify`: the account id is
//!   not known here, so they are not probed. A legacy 40-character token may be user- or
//!   account-owned: a 401 from the user verify call is then not proof of revocation (unknown).
//! * Global API Key (`cfk_`, 37–45 hex legacy): needs the account e-mail (`X-Auth-Email`), which
//!   the detectors do not capture: not probed.

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::Value;

pub struct Cloudflare;

static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://api.cloudflare.com",
}];
static ALLOW: &[Allowed] = &[
    Allowed::get("api", "/client/v4/user/tokens/verify"),
    Allowed::get("api", "/client/v4/user/tokens/*"),
];

fn is_global_key(t: &Target) -> bool {
    let k = t.secret.expose();
    k.starts_with("cfk_")
        || t.rule_id.contains("global-api-key")
        || ((37..=45).contains(&k.len()) && k.bytes().all(|c| c.is_ascii_hexdigit()))
}

impl Probe for Cloudflare {
    fn id(&self) -> &'static str {
        "cloudflare"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let token = t.secret.expose();
        if is_global_key(t) {
            return Ok(Verdict::not_probed(
                "a Global API Key is checked with the account e-mail, which was not found",
            ));
        }
        if token.starts_with("cfat_") || t.rule_id.contains("account-api-token") {
            return Ok(Verdict::not_probed(
                "an account API token is verified under its account id, which was not found",
            ));
        }
        let new_user_token = token.starts_with("cfut_");
        let reply =
            http.send(&Request::get("api", "/client/v4/user/tokens/verify").bearer(token))?;
        if reply.status == 401 || reply.status == 403 {
            if new_user_token {
                return Ok(Verdict::inactive(
                    format!("Cloudflare refused the token (HTTP {})", reply.status),
                    &reply.source,
                ));
            }
            // A legacy token may be account-owned: the user verify call refuses those too.
            let mut v = Verdict::unknown("not a live user token (revoked, or account-owned)");
            v.signals.evidence(
                "status",
                &reply.source,
                "the user-token verify call refused it; an account-owned token needs its account id",
            );
            return Ok(v);
        }
        if reply.status != 200 {
            return Err(Fault::Unexpected(format!("HTTP {}", reply.status)));
        }
        let v = reply.json()?;
        let result = v
            .get("result")
            .filter(|r| r.is_object())
            .ok_or_else(|| Fault::Unexpected("no result".into()))?;
        let status = result.get("status").and_then(Value::as_str).unwrap_or("");
        if status != "active" {
            if status == "disabled" || status == "expired" {
                return Ok(Verdict::inactive(
                    format!("Cloudflare says the token is {status}"),
                    &reply.source,
                ));
            }
            return Err(Fault::Unexpected("unknown token status".into()));
        }
        let id = result
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| Fault::Unexpected("no token id".into()))?;
        let mut s = Signals {
            identity: Some(format!("API token {}", clean(id))),
            ..Signals::default()
        };
        if let Some(exp) = result.get("expires_on").and_then(Value::as_str) {
            s.evidence("expiry", &reply.source, format!("expires {}", clean(exp)));
        }
        // The id becomes a path segment: only the characters Cloudflare ids use.
        if id.is_empty() || !id.bytes().all(|c| c.is_ascii_alphanumeric()) {
            return Err(Fault::Unexpected("odd token id".into()));
        }
        let detail =
            http.send(&Request::get("api", format!("/client/v4/user/tokens/{id}")).bearer(token))?;
        if detail.status != 200 {
            s.evidence(
                "access",
                &detail.source,
                format!(
                    "live; its policies are not readable with it (HTTP {}), so its scope is unknown",
                    detail.status
                ),
            );
            return Ok(Verdict::active(s));
        }
        let d = detail.json()?;
        let policies = d
            .pointer("/result/policies")
            .and_then(Value::as_array)
            .ok_or_else(|| Fault::Unexpected("no policies".into()))?;
        let (mut perms, mut write, mut tokens_write) = (Vec::<String>::new(), false, false);
        let (mut all, mut accounts, mut zones) = (false, false, false);
        for p in policies {
            if p.get("effect").and_then(Value::as_str) != Some("allow") {
                continue;
            }
            for g in p
                .get("permission_groups")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(name) = g.get("name").and_then(Value::as_str) {
                    let name = clean(name);
                    write |= name.ends_with("Write") || name.ends_with("Edit");
                    tokens_write |= name == "API Tokens Write" || name == "API Tokens Edit";
                    if !perms.contains(&name) {
                        perms.push(name);
                    }
                }
            }
            for r in p
                .get("resources")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|o| o.keys())
            {
                if r.ends_with(".*") {
                    all = true;
                } else if r.starts_with("com.cloudflare.api.account.zone.") {
                    zones = true;
                } else if r.starts_with("com.cloudflare.api.account.")
                    || r.starts_with("com.cloudflare.api.user.")
                {
                    accounts = true;
                }
            }
        }
        if perms.is_empty() {
            s.evidence("access", &detail.source, "no allow policy: can do nothing");
            s.access = Some(Access::None);
            s.destructive = Some(false);
            return Ok(Verdict::active(s));
        }
        s.breadth = Some(if all {
            Breadth::AccountWide
        } else if accounts {
            Breadth::Organization
        } else if zones {
            Breadth::Resource
        } else {
            Breadth::Unknown
        })
        .filter(|b| *b != Breadth::Unknown);
        s.access = Some(if tokens_write || (all && write) {
            Access::Admin
        } else if write {
            Access::Write
        } else {
            Access::Read
        });
        if !write {
            s.destructive = Some(false);
        }
        s.evidence(
            "permissions",
            &detail.source,
            format!(
                "policies: {} on {}",
                perms.join(", "),
                if all {
                    "all accounts/zones"
                } else if accounts {
                    "named accounts"
                } else {
                    "named zones"
                }
            ),
        );
        s.permissions = perms;
        Ok(Verdict::active(s))
    }
}
