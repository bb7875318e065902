//! Notion (providers.md §24). `GET /v1/users/me` (Bearer, `Notion-Version: 2022-06-28`) → the
//! integration's bot user `{name, bot {owner {type}, workspace_name}}`. An integration reaches
//! only the pages shared with it (resource); what it may do there (insert/update capabilities)
//! cannot be read without writing: access unknown. 401 → inactive.

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::Breadth;
use crate::signals::Signals;
use serde_json::Value;

pub struct Notion;

static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://api.notion.com",
}];
static ALLOW: &[Allowed] = &[Allowed::get("api", "/v1/users/me")];

impl Probe for Notion {
    fn id(&self) -> &'static str {
        "notion"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let req = Request::get("api", "/v1/users/me")
            .bearer(t.secret.expose())
            .header("notion-version", "2022-06-28");
        let reply = http.send(&req)?;
        match reply.status {
            200 => {}
            401 => {
                return Ok(Verdict::inactive(
                    "Notion answered 401 (invalid or revoked token)",
                    &reply.source,
                ))
            }
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
        let v = reply.json()?;
        if v.get("object").and_then(Value::as_str) != Some("user") {
            return Err(Fault::Unexpected("not a user object".into()));
        }
        let mut s = Signals::default();
        let name = v.get("name").and_then(Value::as_str).unwrap_or("?");
        let ws = v
            .pointer("/bot/workspace_name")
            .and_then(Value::as_str)
            .unwrap_or("?");
        s.identity = Some(format!(
            "integration {} in workspace {}",
            clean(name),
            clean(ws)
        ));
        s.breadth = Some(Breadth::Resource);
        s.evidence(
            "breadth",
            &reply.source,
            "an integration reaches only the pages and databases shared with it; its \
             capabilities (read, insert, update) are not readable",
        );
        Ok(Verdict::active(s))
    }
}
