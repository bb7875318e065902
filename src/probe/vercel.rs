//! Vercel (providers.md §12). REST, GET only.
//!
//! `GET /v5/user/tokens/current` (Bearer) → `token {id, name, type, expiresAt?, scopes[{type:
//! "user"|"team", teamId?}]}`. Scope types go to `Signals.permissions` (`[scopes]` of
//! vercel.toml: `user` = the whole personal account, admin; `team` = admin within that team).
//! How project-scoped tokens appear in `scopes` is unconfirmed: a token with no `user`/`team`
//! scope is live with unknown breadth. 401 → inactive; 403 means expired *or* out of scope
//! (Vercel docs), so it is unknown unless the token says it has expired.

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::signals::Signals;
use serde_json::Value;

pub struct Vercel;

static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://api.vercel.com",
}];
static ALLOW: &[Allowed] = &[Allowed::get("api", "/v5/user/tokens/current")];

impl Probe for Vercel {
    fn id(&self) -> &'static str {
        "vercel"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let reply =
            http.send(&Request::get("api", "/v5/user/tokens/current").bearer(t.secret.expose()))?;
        match reply.status {
            200 => {}
            401 => {
                return Ok(Verdict::inactive(
                    "Vercel answered 401 (invalid or revoked token)",
                    &reply.source,
                ))
            }
            403 => {
                let mut v = Verdict::unknown("forbidden: expired, or out of the token's scope");
                v.signals.evidence(
                    "status",
                    &reply.source,
                    "Vercel answers 403 both for an expired token and for one out of scope",
                );
                return Ok(v);
            }
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
        let v = reply.json()?;
        let tok = v
            .get("token")
            .filter(|x| x.is_object())
            .ok_or_else(|| Fault::Unexpected("no token object".into()))?;
        let mut s = Signals::default();
        let name = tok.get("name").and_then(Value::as_str).map(clean);
        s.identity = Some(format!("token {}", name.unwrap_or_else(|| "?".into())));
        if let Some(exp) = tok.get("expiresAt").and_then(Value::as_i64) {
            // Milliseconds since the epoch.
            s.expires_at = Some(exp / 1000);
        }
        let mut perms = Vec::new();
        let mut teams = Vec::new();
        for sc in tok
            .get("scopes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match sc.get("type").and_then(Value::as_str) {
                Some(ty @ ("user" | "team")) => {
                    if ty == "team" {
                        if let Some(id) = sc.get("teamId").and_then(Value::as_str) {
                            teams.push(clean(id));
                        }
                    }
                    if !perms.iter().any(|p| p == ty) {
                        perms.push(ty.to_string());
                    }
                }
                Some(other) => {
                    s.evidence(
                        "permissions",
                        &reply.source,
                        format!("scope of type {} (not classified)", clean(other)),
                    );
                }
                None => {}
            }
        }
        s.evidence(
            "permissions",
            &reply.source,
            if perms.is_empty() {
                "no user or team scope listed: breadth unknown (e.g. a project-scoped token)"
                    .to_string()
            } else {
                format!(
                    "scopes: {}{}",
                    perms.join(", "),
                    if teams.is_empty() {
                        String::new()
                    } else {
                        format!(" (teams {})", teams.join(", "))
                    }
                )
            },
        );
        s.permissions = perms;
        Ok(Verdict::active(s))
    }
}
