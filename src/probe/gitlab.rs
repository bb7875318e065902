//! GitLab (providers.md §4). REST, GET only. Self-managed: `--endpoint gitlab=https://HOST`.
//!
//! * `GET /api/v4/personal_access_tokens/self` (`PRIVATE-TOKEN` header): `scopes`, `active`,
//!   `revoked`, `expires_at`. Scopes go to `Signals.permissions` for the `[scopes]` table.
//! * `GET /api/v4/user`: who it acts as; `is_admin` (shown only to administrators) and `bot`
//!   (project/group access tokens act as bot users).
//!
//! A token with `api` (or `write_*`) acts as its user on every group and project the user can
//! reach: account-wide unless it belongs to a bot user (project/group token), whose reach is
//! one project or group (which one is not asked; breadth stays unknown). `sudo`/`admin_mode`, or
//! `api` on an administrator, is instance admin.

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::Value;

pub struct GitLab;

static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://gitlab.com",
}];
static ALLOW: &[Allowed] = &[
    Allowed::get("api", "/api/v4/personal_access_tokens/self"),
    Allowed::get("api", "/api/v4/user"),
];

const WRITE_SCOPES: &[&str] = &[
    "api",
    "write_repository",
    "write_registry",
    "write_virtual_registry",
    "sudo",
    "admin_mode",
];

impl Probe for GitLab {
    fn id(&self) -> &'static str {
        "gitlab"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let token = t.secret.expose();
        let req = Request::get("api", "/api/v4/personal_access_tokens/self")
            .header("private-token", token);
        let reply = http.send(&req)?;
        if reply.status == 401 {
            return Ok(Verdict::inactive(
                "GitLab answered 401 (token missing, expired or revoked)",
                &reply.source,
            ));
        }
        if reply.status != 200 {
            return Err(Fault::Unexpected(format!("HTTP {}", reply.status)));
        }
        let tok = reply.json()?;
        if !tok.is_object() {
            return Err(Fault::Unexpected("not a token object".into()));
        }
        if tok.get("revoked").and_then(Value::as_bool) == Some(true) {
            return Ok(Verdict::inactive(
                "GitLab says the token is revoked",
                &reply.source,
            ));
        }
        if tok.get("active").and_then(Value::as_bool) == Some(false) {
            return Ok(Verdict::inactive(
                "GitLab says the token is not active (expired)",
                &reply.source,
            ));
        }
        let scopes: Vec<String> = tok
            .get("scopes")
            .and_then(Value::as_array)
            .ok_or_else(|| Fault::Unexpected("no scopes".into()))?
            .iter()
            .filter_map(|x| x.as_str().map(clean))
            .collect();
        let mut s = Signals::default();
        s.evidence(
            "permissions",
            &reply.source,
            format!("scopes: {}", scopes.join(", ")),
        );
        if let Some(exp) = tok.get("expires_at").and_then(Value::as_str) {
            s.evidence("expiry", &reply.source, format!("expires {}", clean(exp)));
        }
        let writes = scopes.iter().any(|x| WRITE_SCOPES.contains(&x.as_str()));
        s.access = Some(if writes { Access::Write } else { Access::Read });
        if scopes.iter().any(|x| x == "sudo" || x == "admin_mode") {
            s.access = Some(Access::Admin);
            s.destructive = Some(true);
            s.evidence(
                "access",
                &reply.source,
                "sudo/admin_mode scope: acts as any user, instance administration",
            );
        }

        // Who: a refusal here (e.g. a token without read_user) only loses detail.
        let user_req = Request::get("api", "/api/v4/user").header("private-token", token);
        let user = match http.send(&user_req) {
            Ok(r) if r.status == 200 => r.json().ok().map(|v| (v, r.source)),
            Ok(_) => None,
            Err(Fault::RateLimited) => return Err(Fault::RateLimited),
            Err(_) => None,
        };
        let mut bot = false;
        if let Some((u, source)) = &user {
            if let Some(name) = u.get("username").and_then(Value::as_str) {
                s.identity = Some(format!("user {}", clean(name)));
            }
            bot = u.get("bot").and_then(Value::as_bool) == Some(true);
            if bot {
                s.evidence(
                    "breadth",
                    source,
                    "bot user: a project or group access token",
                );
            }
            if u.get("is_admin").and_then(Value::as_bool) == Some(true) && writes {
                s.access = Some(Access::Admin);
                s.destructive = Some(true);
                s.breadth = Some(Breadth::AccountWide);
                s.evidence(
                    "access",
                    source,
                    "the user is an instance administrator and the token can use the API",
                );
            }
        }
        if writes && !bot && s.breadth.is_none() {
            s.breadth = Some(Breadth::AccountWide);
            s.evidence(
                "breadth",
                &reply.source,
                "a personal token acts as its user on every group and project the user can reach",
            );
        }
        s.permissions = scopes;
        Ok(Verdict::active(s))
    }
}
