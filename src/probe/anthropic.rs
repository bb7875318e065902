//! Anthropic (providers.md §9). REST, GET only; never `POST /v1/messages` (billable).
//! Headers `x-api-key`, `anthropic-version: 2023-06-01`.
//!
//! * `sk-ant-admin01-` (Admin API key): `GET /v1/organizations/me` → `{id, name}` →
//!   organization-wide admin, destructive (manages members, workspaces, API keys).
//! * any other key: `GET /v1/models` → live; `anthropic-organization-id` names the organization.
//!   A standard key can call the API and spend credit (write); which workspace it belongs to is
//!   not readable with the key itself (breadth unknown).
//! * 401 → inactive. A 404 (trufflehog reads it as a disabled key; unconfirmed) → unknown.

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::Value;

pub struct Anthropic;

static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://api.anthropic.com",
}];
static ALLOW: &[Allowed] = &[
    Allowed::get("api", "/v1/models"),
    Allowed::get("api", "/v1/organizations/me"),
];

impl Probe for Anthropic {
    fn id(&self) -> &'static str {
        "anthropic"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let key = t.secret.expose();
        let admin = key.starts_with("sk-ant-admin");
        let path = if admin {
            "/v1/organizations/me"
        } else {
            "/v1/models"
        };
        let req = Request::get("api", path)
            .header("x-api-key", key)
            .header("anthropic-version", "2023-06-01");
        let reply = http.send(&req)?;
        match reply.status {
            200 => {}
            401 => {
                return Ok(Verdict::inactive(
                    "Anthropic answered 401 (invalid, disabled or deleted key)",
                    &reply.source,
                ))
            }
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
        let v = reply.json()?;
        let mut s = Signals::default();
        if admin {
            let id = v
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| Fault::Unexpected("organization without id".into()))?;
            let name = v.get("name").and_then(Value::as_str).unwrap_or("?");
            s.identity = Some(format!("organization {} ({})", clean(name), clean(id)));
            s.kind = Some("Admin API key".into());
            s.breadth = Some(Breadth::Organization);
            s.access = Some(Access::Admin);
            s.destructive = Some(true);
            s.evidence(
                "access",
                &reply.source,
                "Admin API key: manages the organization's members, workspaces and API keys",
            );
        } else {
            if !v.get("data").is_some_and(Value::is_array) {
                return Err(Fault::Unexpected("no model list".into()));
            }
            if let Some(org) = reply.header("anthropic-organization-id") {
                s.identity = Some(format!("organization {}", clean(&org)));
            }
            s.access = Some(Access::Write);
            s.evidence(
                "access",
                &reply.source,
                "live API key: can call the Claude API and spend the organization's credit; its \
                 workspace is not readable with the key",
            );
        }
        Ok(Verdict::active(s))
    }
}
