//! Linear (providers.md §23). `POST https://api.linear.app/graphql`, queries only:
//! `query { viewer { id name email admin } organization { id name urlKey } }` with the personal
//! key as `Authorization` (no `Bearer`). A personal key acts as its user across the workspace
//! (organization). `viewer.admin` → the user is a workspace admin: admin access (a key created
//! with restricted permissions would be narrower; Linear does not show a key's own permissions,
//! unconfirmed), otherwise access unknown (read-only restricted keys exist). An authentication
//! error (401, or `AUTHENTICATION_ERROR` in `errors`) → inactive.

use super::client::{Allowed, Base, BodyRule, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::Value;

pub struct Linear;

static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://api.linear.app",
}];
static ALLOW: &[Allowed] = &[Allowed::post("api", "/graphql", BodyRule::GraphqlQuery)];

const QUERY: &str = "query { viewer { id name email admin } organization { id name urlKey } }";

fn auth_error(v: &Value) -> bool {
    v.get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|e| {
            e.pointer("/extensions/code").and_then(Value::as_str) == Some("AUTHENTICATION_ERROR")
                || e.get("message")
                    .and_then(Value::as_str)
                    .is_some_and(|m| m.to_ascii_lowercase().contains("authentication"))
        })
}

impl Probe for Linear {
    fn id(&self) -> &'static str {
        "linear"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let key = t.secret.expose();
        let auth = if key.starts_with("lin_api_") {
            key.to_string()
        } else {
            format!("Bearer {key}")
        };
        let req =
            Request::graphql("api", "/graphql", QUERY, Value::Null).header("authorization", auth);
        let reply = http.send(&req)?;
        if reply.status == 401 {
            return Ok(Verdict::inactive(
                "Linear answered 401 (invalid or revoked key)",
                &reply.source,
            ));
        }
        if reply.status != 200 && reply.status != 400 {
            return Err(Fault::Unexpected(format!("HTTP {}", reply.status)));
        }
        let v = reply.json()?;
        if auth_error(&v) {
            return Ok(Verdict::inactive(
                "Linear: authentication error (invalid or revoked key)",
                &reply.source,
            ));
        }
        let viewer = v
            .pointer("/data/viewer")
            .filter(|x| x.is_object())
            .ok_or_else(|| Fault::Unexpected("no viewer".into()))?;
        let mut s = Signals::default();
        let name = viewer
            .get("email")
            .or_else(|| viewer.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("?");
        let org = v
            .pointer("/data/organization/urlKey")
            .or_else(|| v.pointer("/data/organization/name"))
            .and_then(Value::as_str)
            .unwrap_or("?");
        s.identity = Some(format!("user {} in workspace {}", clean(name), clean(org)));
        s.breadth = Some(Breadth::Organization);
        s.evidence(
            "breadth",
            &reply.source,
            "a personal key acts as its user across the workspace",
        );
        if viewer.get("admin").and_then(Value::as_bool) == Some(true) {
            s.access = Some(Access::Admin);
            s.evidence(
                "access",
                &reply.source,
                "the user is a workspace admin (members, settings, integrations)",
            );
        } else {
            s.evidence(
                "access",
                &reply.source,
                "not an admin; the key's own permissions (read-only or team-restricted keys) \
                 are not readable",
            );
        }
        Ok(Verdict::active(s))
    }
}
