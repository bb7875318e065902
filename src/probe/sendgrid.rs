//! SendGrid (providers.md §19). `GET /v3/scopes` (Bearer) → `{"scopes": [...]}`: the key's
//! scopes, verbatim to `Signals.permissions` (`[scopes]` of sendgrid.toml maps them: key,
//! teammate, subuser and user management → account-wide admin; `mail.send` → write). Only
//! `*.read` → read. 401/403 → inactive (providers.md (d)). Never `/v3/mail/send`.

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::Access;
use crate::signals::Signals;
use serde_json::Value;

pub struct SendGrid;

static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://api.sendgrid.com",
}];
static ALLOW: &[Allowed] = &[Allowed::get("api", "/v3/scopes")];

impl Probe for SendGrid {
    fn id(&self) -> &'static str {
        "sendgrid"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let reply = http.send(&Request::get("api", "/v3/scopes").bearer(t.secret.expose()))?;
        match reply.status {
            200 => {}
            401 | 403 => {
                return Ok(Verdict::inactive(
                    format!(
                        "SendGrid answered {} (invalid or revoked key)",
                        reply.status
                    ),
                    &reply.source,
                ))
            }
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
        let v = reply.json()?;
        let scopes: Vec<String> = v
            .get("scopes")
            .and_then(Value::as_array)
            .ok_or_else(|| Fault::Unexpected("no scopes".into()))?
            .iter()
            .filter_map(|x| x.as_str().map(clean))
            .collect();
        let mut s = Signals::default();
        if !scopes.is_empty() && scopes.iter().all(|x| x.ends_with(".read")) {
            s.access = Some(Access::Read);
            s.destructive = Some(false);
        }
        if scopes.iter().any(|x| x == "mail.send") {
            s.evidence(
                "access",
                &reply.source,
                "mail.send: sends mail as the account's verified senders (phishing)",
            );
        }
        s.evidence(
            "permissions",
            &reply.source,
            format!("{} scope(s)", scopes.len()),
        );
        s.permissions = scopes;
        Ok(Verdict::active(s))
    }
}
