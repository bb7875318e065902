//! Twilio (providers.md §20). REST, GET only, HTTP Basic `SID:secret`. The secret needs its SID
//! (the rule's companion, or the second word on stdin): without it nothing is sent.
//!
//! * Account SID (`AC…`) + Auth Token: `GET /2010-04-01/Accounts/{sid}.json` → `status`,
//!   `type` (Trial|Full), `owner_account_sid`. Active → account-wide admin, destructive (the
//!   Auth Token is the account's master credential); `suspended`/`closed` → inactive; a
//!   subaccount's token reaches only that subaccount (still its whole account).
//! * API key (`SK…` + secret): `GET /2010-04-01/Accounts.json` → 200 = **Main** key (same power
//!   as the Auth Token); 401/403 → `GET https://verify.twilio.com/v2/Services`: 200 = **Standard**
//!   key (everything but keys and accounts: write, sends SMS/calls); 403 = a Restricted key
//!   (scope unknown); 401 on both → inactive.
//! * Never POSTs Messages/Calls.

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use base64::Engine;
use serde_json::Value;

pub struct Twilio;

static BASES: &[Base] = &[
    Base {
        key: "api",
        url: "https://api.twilio.com",
    },
    Base {
        key: "verify",
        url: "https://verify.twilio.com",
    },
];
static ALLOW: &[Allowed] = &[
    Allowed::get("api", "/2010-04-01/Accounts/*"),
    Allowed::get("api", "/2010-04-01/Accounts.json"),
    Allowed::get("verify", "/v2/Services"),
];

fn sid_ok(sid: &str, prefix: &str) -> bool {
    sid.len() == 34 && sid.starts_with(prefix) && sid[2..].bytes().all(|c| c.is_ascii_hexdigit())
}

impl Probe for Twilio {
    fn id(&self) -> &'static str {
        "twilio"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let Some(sid) = t.companion.map(|c| c.expose().trim()) else {
            return Ok(Verdict::not_probed(
                "the Account SID or API key SID paired with this secret was not found",
            ));
        };
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD
                .encode(format!("{sid}:{}", t.secret.expose()))
        );
        let mut s = Signals::default();
        if sid_ok(sid, "AC") {
            let reply = http.send(
                &Request::get("api", format!("/2010-04-01/Accounts/{sid}.json"))
                    .header("authorization", basic),
            )?;
            match reply.status {
                200 => {}
                401 | 403 => {
                    return Ok(Verdict::inactive(
                        format!(
                            "Twilio answered {} (wrong or rotated Auth Token)",
                            reply.status
                        ),
                        &reply.source,
                    ))
                }
                code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
            }
            let a = reply.json()?;
            let status = a
                .get("status")
                .and_then(Value::as_str)
                .ok_or_else(|| Fault::Unexpected("account without status".into()))?;
            if status == "suspended" || status == "closed" {
                return Ok(Verdict::inactive(
                    format!("Twilio account is {status}"),
                    &reply.source,
                ));
            }
            let name = a
                .get("friendly_name")
                .and_then(Value::as_str)
                .unwrap_or("?");
            let kind = a.get("type").and_then(Value::as_str).unwrap_or("?");
            let owner = a.get("owner_account_sid").and_then(Value::as_str);
            let sub = owner.is_some_and(|o| o != sid);
            s.identity = Some(format!(
                "{} account {} ({}, {})",
                if sub { "sub" } else { "main" },
                clean(sid),
                clean(name),
                clean(kind)
            ));
            s.kind = Some("account auth token".into());
            s.breadth = Some(Breadth::AccountWide);
            s.access = Some(Access::Admin);
            s.destructive = Some(true);
            s.evidence(
                "access",
                &reply.source,
                format!(
                    "the Auth Token is the {}account's master credential (keys, subaccounts, \
                     numbers, messages){}",
                    if sub { "sub" } else { "" },
                    if kind == "Trial" {
                        "; a Trial account: limited spend"
                    } else {
                        ""
                    }
                ),
            );
            return Ok(Verdict::active(s));
        }
        if !sid_ok(sid, "SK") {
            return Ok(Verdict::not_probed(
                "the value paired with this secret is neither an Account SID nor an API key SID",
            ));
        }
        s.kind = Some("API key".into());
        s.identity = Some(format!("API key {}", clean(sid)));
        let main = http.send(
            &Request::get("api", "/2010-04-01/Accounts.json")
                .header("authorization", basic.clone()),
        )?;
        match main.status {
            200 => {
                main.json()?;
                s.breadth = Some(Breadth::AccountWide);
                s.access = Some(Access::Admin);
                s.destructive = Some(true);
                s.evidence(
                    "access",
                    &main.source,
                    "Main API key: lists accounts; equivalent to the Auth Token",
                );
                return Ok(Verdict::active(s));
            }
            401 | 403 => {}
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
        let standard =
            http.send(&Request::get("verify", "/v2/Services").header("authorization", basic))?;
        match standard.status {
            200 => {
                standard.json()?;
                s.breadth = Some(Breadth::AccountWide);
                s.access = Some(Access::Write);
                s.evidence(
                    "access",
                    &standard.source,
                    "Standard API key: every API but keys and accounts (sends SMS, places calls)",
                );
                Ok(Verdict::active(s))
            }
            403 => {
                s.evidence(
                    "access",
                    &standard.source,
                    "Restricted API key: live, its permissions are not readable",
                );
                Ok(Verdict::active(s))
            }
            401 => Ok(Verdict::inactive(
                "Twilio refused the API key on every probe (revoked or wrong secret)",
                &standard.source,
            )),
            code => Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
    }
}
