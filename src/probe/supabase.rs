//! Supabase (providers.md §18). Management API, GET only.
//!
//! Personal access token (`sbp_`): `GET /v1/projects` → the projects of every organization the
//! user belongs to → account-wide admin, destructive (reads keys, runs SQL, deletes projects).
//! A scoped PAT answers 403 with `missing_permissions`: live, narrower, scope unknown.
//! 401 → inactive. Project keys (`sb_secret_`, `service_role` JWTs) are checked against their
//! project's own host, which is not probed yet (the offline decoder already reads the role).

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::Value;

pub struct Supabase;

static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://api.supabase.com",
}];
static ALLOW: &[Allowed] = &[Allowed::get("api", "/v1/projects")];

impl Probe for Supabase {
    fn id(&self) -> &'static str {
        "supabase"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let token = t.secret.expose();
        if token.starts_with("sb_") || token.starts_with("eyJ") {
            return Ok(Verdict::not_probed(
                "project API keys are checked on the project's own host (not implemented)",
            ));
        }
        let reply = http.send(&Request::get("api", "/v1/projects").bearer(token))?;
        let mut s = Signals::default();
        match reply.status {
            200 => {}
            401 => {
                return Ok(Verdict::inactive(
                    "Supabase answered 401 (invalid or revoked token)",
                    &reply.source,
                ))
            }
            403 => {
                let v = reply.json()?;
                let missing: Vec<String> = v
                    .get("missing_permissions")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str().map(clean))
                    .collect();
                s.kind = Some("scoped personal access token".into());
                s.evidence(
                    "access",
                    &reply.source,
                    format!(
                        "live scoped token: may not list projects (missing {}); its other \
                         permissions are unknown",
                        if missing.is_empty() {
                            "?".to_string()
                        } else {
                            missing.join(", ")
                        }
                    ),
                );
                return Ok(Verdict::active(s));
            }
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
        let v = reply.json()?;
        let projects = v
            .as_array()
            .ok_or_else(|| Fault::Unexpected("projects is not a list".into()))?;
        let mut orgs: Vec<String> = projects
            .iter()
            .filter_map(|p| p.get("organization_id").and_then(Value::as_str).map(clean))
            .collect();
        orgs.sort();
        orgs.dedup();
        s.kind = Some("personal access token".into());
        s.identity = Some(format!(
            "user with {} project(s) in {} organization(s)",
            projects.len(),
            orgs.len()
        ));
        s.permissions.push("personal_access_token".into());
        s.breadth = Some(Breadth::AccountWide);
        s.access = Some(Access::Admin);
        s.destructive = Some(true);
        s.evidence(
            "breadth",
            &reply.source,
            "lists every project of the user's organizations: the Management API as the user \
             (read keys, run SQL, delete projects)",
        );
        Ok(Verdict::active(s))
    }
}
