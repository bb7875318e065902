//! Slack (providers.md §7). `POST /api/auth.test` with an empty body: read-only by definition,
//! needs no scope. Errors come back as HTTP 200 with `ok: false`. The `x-oauth-scopes` response
//! header lists the granted scopes, which go to `Signals.permissions` (the `[scopes]` table of
//! `detectors/slack.toml` maps the ones it knows); Slack's naming convention (`*:write`,
//! `admin*`, `*:read`, `*:history`) gives access where the table says nothing.
//! A token acts within one workspace (an Enterprise Grid org install spans the org).
//! Webhooks are never probed (no read-only check exists: any well-formed POST posts a message).

use super::client::{Allowed, Base, BodyRule, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::Value;

pub struct Slack;

static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://slack.com",
}];
static ALLOW: &[Allowed] = &[Allowed::post("api", "/api/auth.test", BodyRule::Empty)];

const DEAD: &[&str] = &[
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "no_permission",
    "org_login_required",
];

impl Probe for Slack {
    fn id(&self) -> &'static str {
        "slack"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let token = t.secret.expose();
        let req = Request::post("api", "/api/auth.test", "").bearer(token);
        let reply = http.send(&req)?;
        if reply.status == 401 || reply.status == 403 {
            return Ok(Verdict::inactive(
                format!("Slack answered HTTP {}", reply.status),
                &reply.source,
            ));
        }
        if reply.status != 200 {
            return Err(Fault::Unexpected(format!("HTTP {}", reply.status)));
        }
        let v = reply.json()?;
        match v.get("ok").and_then(Value::as_bool) {
            Some(true) => {}
            Some(false) => {
                let err = v.get("error").and_then(Value::as_str).unwrap_or("");
                if DEAD.contains(&err) {
                    return Ok(Verdict::inactive(
                        format!("Slack auth.test: {}", clean(err)),
                        &reply.source,
                    ));
                }
                if err == "ratelimited" {
                    return Err(Fault::RateLimited);
                }
                return Err(Fault::Unexpected(format!("ok:false {}", clean(err))));
            }
            None => return Err(Fault::Unexpected("no ok field".into())),
        }
        let mut s = Signals::default();
        let team = v.get("team").and_then(Value::as_str).map(clean);
        let user = v.get("user").and_then(Value::as_str).map(clean);
        let bot = v.get("bot_id").and_then(Value::as_str).is_some();
        s.identity = Some(format!(
            "{} {} in workspace {}",
            if bot { "bot" } else { "user" },
            user.unwrap_or_else(|| "?".into()),
            team.unwrap_or_else(|| "?".into())
        ));
        let enterprise = v.get("is_enterprise_install").and_then(Value::as_bool) == Some(true);
        s.breadth = Some(Breadth::Organization);
        s.evidence(
            "breadth",
            &reply.source,
            if enterprise {
                "Enterprise Grid org-wide install: every workspace of the organization"
            } else {
                "acts within one Slack workspace"
            },
        );
        let Some(scopes) = reply.header("x-oauth-scopes") else {
            s.evidence(
                "access",
                &reply.source,
                "live; Slack sent no x-oauth-scopes header, so its permissions are unknown",
            );
            return Ok(Verdict::active(s));
        };
        let scopes: Vec<String> = scopes
            .split(',')
            .map(|x| clean(x.trim()))
            .filter(|x| !x.is_empty())
            .collect();
        let admin = scopes
            .iter()
            .any(|x| x == "admin" || x.starts_with("admin."));
        let write = scopes
            .iter()
            .any(|x| x.ends_with(":write") || x.ends_with(":manage") || x.contains(":write."));
        s.access = Some(if admin {
            Access::Admin
        } else if write {
            Access::Write
        } else {
            Access::Read
        });
        if admin {
            s.destructive = Some(true);
            s.evidence(
                "access",
                &reply.source,
                "admin scopes: manages the workspace (users, channels, apps)",
            );
        }
        s.evidence(
            "permissions",
            &reply.source,
            format!("x-oauth-scopes: {}", scopes.join(",")),
        );
        s.permissions = scopes;
        Ok(Verdict::active(s))
    }
}
