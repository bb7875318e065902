//! Hugging Face (providers.md §17). `GET /api/whoami-v2` (Bearer) → `name`, `orgs[{name,
//! roleInOrg}]`, `auth.accessToken {displayName, role: read|write|fineGrained, fineGrained
//! {global[], scoped[{entity{type,name}, permissions[]}]}}`.
//!
//! `role` (`read`/`write`) and fine-grained permission strings go to `Signals.permissions`
//! (`[scopes]` of huggingface.toml maps them). `write` → account-wide (the user's and their
//! organizations' repositories), admin when the user administers an organization; `read` → read
//! (private and gated repositories included). Fine-grained: any `*write*`/`*manage*` → write,
//! else read; entities scoped to specific repositories → resource. 401 → inactive.

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::Value;

pub struct HuggingFace;

static BASES: &[Base] = &[Base {
    key: "hub",
    url: "https://huggingface.co",
}];
static ALLOW: &[Allowed] = &[Allowed::get("hub", "/api/whoami-v2")];

impl Probe for HuggingFace {
    fn id(&self) -> &'static str {
        "huggingface"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let reply = http.send(&Request::get("hub", "/api/whoami-v2").bearer(t.secret.expose()))?;
        match reply.status {
            200 => {}
            401 => {
                return Ok(Verdict::inactive(
                    "Hugging Face answered 401 (invalid or revoked token)",
                    &reply.source,
                ))
            }
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
        let v = reply.json()?;
        let name = v
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| Fault::Unexpected("no name".into()))?;
        let mut s = Signals {
            identity: Some(format!("user {}", clean(name))),
            ..Signals::default()
        };
        let org_admin: Vec<String> = v
            .get("orgs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|o| o.get("roleInOrg").and_then(Value::as_str) == Some("admin"))
            .filter_map(|o| o.get("name").and_then(Value::as_str).map(clean))
            .collect();
        let tok = v.pointer("/auth/accessToken");
        let role = tok
            .and_then(|t| t.get("role"))
            .and_then(Value::as_str)
            .unwrap_or("");
        match role {
            "write" => {
                s.permissions.push("write".into());
                s.breadth = Some(Breadth::AccountWide);
                s.access = Some(Access::Write);
                s.destructive = Some(true);
                s.evidence(
                    "breadth",
                    &reply.source,
                    "write token: pushes to and deletes the user's and their organizations' \
                     repositories",
                );
                if !org_admin.is_empty() {
                    s.access = Some(Access::Admin);
                    s.evidence(
                        "access",
                        &reply.source,
                        format!("the user administers {}", org_admin.join(", ")),
                    );
                }
            }
            "read" => {
                s.permissions.push("read".into());
                s.access = Some(Access::Read);
                s.destructive = Some(false);
                s.evidence(
                    "access",
                    &reply.source,
                    "read token: reads every repository the user can see, private and gated ones \
                     included",
                );
            }
            "fineGrained" => {
                let fg = tok.and_then(|t| t.get("fineGrained"));
                let mut perms: Vec<String> = Vec::new();
                let mut add = |p: &Value| {
                    if let Some(p) = p.as_str() {
                        let p = clean(p);
                        if !perms.contains(&p) {
                            perms.push(p);
                        }
                    }
                };
                for p in fg
                    .and_then(|f| f.get("global"))
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    add(p);
                }
                let mut kinds = Vec::new();
                for sc in fg
                    .and_then(|f| f.get("scoped"))
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(k) = sc.pointer("/entity/type").and_then(Value::as_str) {
                        kinds.push(k.to_string());
                    }
                    for p in sc
                        .get("permissions")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        add(p);
                    }
                }
                let write = perms
                    .iter()
                    .any(|p| p.contains("write") || p.contains("manage"));
                s.access = Some(if write { Access::Write } else { Access::Read });
                if !write {
                    s.destructive = Some(false);
                }
                if !kinds.is_empty() && kinds.iter().all(|k| k != "user" && k != "org") {
                    s.breadth = Some(Breadth::Resource);
                }
                s.kind = Some("fine-grained token".into());
                s.evidence(
                    "permissions",
                    &reply.source,
                    format!(
                        "fine-grained: {} on {}",
                        perms.join(", "),
                        if kinds.is_empty() {
                            "-".into()
                        } else {
                            kinds.join(", ")
                        }
                    ),
                );
                s.permissions = perms;
            }
            _ => {
                s.evidence(
                    "access",
                    &reply.source,
                    "live; the token's role is not reported",
                );
            }
        }
        Ok(Verdict::active(s))
    }
}
