//! Heroku (providers.md §14). Platform API v3, GET only.
//!
//! `GET /account` → `{email, id, two_factor_authentication}`; then `GET /apps`. Both answering
//! → account-wide admin, destructive (providers.md (d): an API key / `heroku auth:token` /
//! `global` authorization has the user's full power). There is no documented call for the
//! current token's OAuth scope: a `read`-scoped OAuth token may pass both calls too (comment
//! kept so the rule is revisited when that is confirmed). `/account` answering and `/apps`
//! refused → live, unknown scope. 401 → inactive; 403 on `/account` → live, unknown scope.
//! `GET /oauth/authorizations` is never called (it lists the user's other live tokens).

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::Value;

pub struct Heroku;

static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://api.heroku.com",
}];
static ALLOW: &[Allowed] = &[
    Allowed::get("api", "/account"),
    Allowed::get("api", "/apps"),
];

const ACCEPT: &str = "application/vnd.heroku+json; version=3";

impl Probe for Heroku {
    fn id(&self) -> &'static str {
        "heroku"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let token = t.secret.expose();
        let get = |p: &str| {
            Request::get("api", p)
                .bearer(token)
                .header("accept", ACCEPT)
        };
        let reply = http.send(&get("/account"))?;
        let mut s = Signals::default();
        match reply.status {
            200 => {}
            401 => {
                return Ok(Verdict::inactive(
                    "Heroku answered 401 (invalid, expired or revoked token)",
                    &reply.source,
                ))
            }
            403 => {
                s.evidence(
                    "access",
                    &reply.source,
                    "live, but may not read the account: a narrowly scoped OAuth token",
                );
                return Ok(Verdict::active(s));
            }
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
        let acct = reply.json()?;
        let email = acct
            .get("email")
            .and_then(Value::as_str)
            .ok_or_else(|| Fault::Unexpected("account without email".into()))?;
        s.identity = Some(format!("user {}", clean(email)));
        let apps = http.send(&get("/apps"))?;
        if apps.status != 200 {
            s.evidence(
                "access",
                &apps.source,
                format!(
                    "live; may not list apps (HTTP {}), so its scope is unknown",
                    apps.status
                ),
            );
            return Ok(Verdict::active(s));
        }
        let list = apps.json()?;
        let n = list
            .as_array()
            .ok_or_else(|| Fault::Unexpected("apps is not a list".into()))?
            .len();
        s.breadth = Some(Breadth::AccountWide);
        s.access = Some(Access::Admin);
        s.destructive = Some(true);
        s.evidence(
            "breadth",
            &apps.source,
            format!(
                "reads the account and its {n} app(s): an API key acts as the user on every app \
                 (config vars, deploys, deletion)"
            ),
        );
        Ok(Verdict::active(s))
    }
}
