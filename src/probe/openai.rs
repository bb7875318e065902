//! OpenAI (providers.md §8). REST, GET only; never a completion/response call (billable).
//!
//! * `sk-admin-…` (organization Admin API key): `GET /v1/organization/projects?limit=1`
//!   (list-only) → organization-wide admin, destructive (manages users, projects, keys).
//! * any other key: `GET /v1/models`. 200 → live; the `openai-organization` header names the
//!   organization. Whether the key may *call* models (spend) cannot be seen without a billable
//!   POST, and read-only project keys list models too, so access stays unknown (providers.md (d)
//!   calls listing keys WRITE; that is not provable). `sk-proj-`/`sk-svcacct-` keys belong to one
//!   project.
//! * 401 is not always "invalid": `invalid_api_key`/"Incorrect API key" → inactive;
//!   "insufficient permissions … Missing scopes: …" → a live restricted key.

use super::client::{Allowed, Base, Fault, Http, Reply, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::Value;

pub struct OpenAi;

static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://api.openai.com",
}];
static ALLOW: &[Allowed] = &[
    Allowed::get("api", "/v1/models"),
    Allowed::get("api", "/v1/organization/projects"),
];

/// (code, message) of an OpenAI error body.
fn error(reply: &Reply) -> (String, String) {
    let v = reply.json().unwrap_or(Value::Null);
    let code = v
        .pointer("/error/code")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let msg = v
        .pointer("/error/message")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    (code, msg)
}

fn is_invalid(code: &str, msg: &str) -> bool {
    code == "invalid_api_key" || msg.starts_with("Incorrect API key")
}

impl Probe for OpenAi {
    fn id(&self) -> &'static str {
        "openai"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let key = t.secret.expose();
        let mut s = Signals::default();
        if key.starts_with("sk-admin-") {
            let reply =
                http.send(&Request::get("api", "/v1/organization/projects?limit=1").bearer(key))?;
            return match reply.status {
                200 => {
                    let v = reply.json()?;
                    if !v.get("data").is_some_and(Value::is_array) {
                        return Err(Fault::Unexpected("no project list".into()));
                    }
                    s.kind = Some("Admin API key".into());
                    if let Some(org) = reply.header("openai-organization") {
                        s.identity = Some(format!("organization {}", clean(&org)));
                    }
                    s.breadth = Some(Breadth::Organization);
                    s.access = Some(Access::Admin);
                    s.destructive = Some(true);
                    s.evidence(
                        "access",
                        &reply.source,
                        "Admin API key lists the organization's projects: it manages users, \
                         projects, service accounts and API keys",
                    );
                    Ok(Verdict::active(s))
                }
                401 => {
                    let (code, msg) = error(&reply);
                    if is_invalid(&code, &msg) || reply.json().is_ok() {
                        Ok(Verdict::inactive(
                            "OpenAI answered 401 (invalid or revoked key)",
                            &reply.source,
                        ))
                    } else {
                        Err(Fault::Unexpected("401 without a JSON error".into()))
                    }
                }
                code => Err(Fault::Unexpected(format!("HTTP {code}"))),
            };
        }
        let reply = http.send(&Request::get("api", "/v1/models").bearer(key))?;
        if let Some(org) = reply.header("openai-organization") {
            s.identity = Some(format!("organization {}", clean(&org)));
        }
        let project = key.starts_with("sk-proj-") || key.starts_with("sk-svcacct-");
        if project {
            s.breadth = Some(Breadth::Project);
            s.evidence(
                "breadth",
                "token",
                "project or service-account key: one project",
            );
        }
        match reply.status {
            200 => {
                let v = reply.json()?;
                if !v.get("data").is_some_and(Value::is_array) {
                    return Err(Fault::Unexpected("no model list".into()));
                }
                s.evidence(
                    "access",
                    &reply.source,
                    "live: lists models; whether it may call them (spend credit) or is read-only \
                     cannot be seen without a billable request",
                );
                Ok(Verdict::active(s))
            }
            401 | 403 => {
                let (code, msg) = error(&reply);
                if is_invalid(&code, &msg) {
                    return Ok(Verdict::inactive(
                        "OpenAI: incorrect API key (invalid or revoked)",
                        &reply.source,
                    ));
                }
                if msg.contains("insufficient permissions") || msg.contains("Missing scopes") {
                    let missing = msg
                        .split("Missing scopes:")
                        .nth(1)
                        .map(|m| clean(m.trim()))
                        .unwrap_or_default();
                    s.kind = Some("restricted API key".into());
                    s.evidence(
                        "access",
                        &reply.source,
                        format!(
                            "live restricted key: may not list models (missing {})",
                            if missing.is_empty() { "?" } else { &missing }
                        ),
                    );
                    return Ok(Verdict::active(s));
                }
                Err(Fault::Unexpected(format!("HTTP {}", reply.status)))
            }
            code => Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
    }
}
