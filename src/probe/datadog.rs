//! Datadog (providers.md §21). GET only; one base per Datadog site, tried in order until one
//! accepts the key (the first 200 names the site).
//!
//! * API key (32 hex): `GET /api/v1/validate` with `DD-API-KEY` → `{"valid": true}`: submits
//!   (ingests) data for the whole organization but reads nothing → organization, write, not
//!   destructive. 403 on every site → inactive.
//! * Application key (40 hex): only usable with an API key (the companion, or the second word
//!   on stdin): `GET /api/v2/validate_keys` with both → `{"status":"ok"}` → live; its permissions
//!   (the owner's role narrowed by app-key scopes) are not read (response fields of
//!   `current_user/application_keys` unconfirmed): breadth/access unknown. Without an API key
//!   nothing is sent.
//! * Never submits metrics, logs or events.

use super::client::{Allowed, Base, Fault, Http, Request};
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::Value;

pub struct Datadog;

static BASES: &[Base] = &[
    Base {
        key: "us1",
        url: "https://api.datadoghq.com",
    },
    Base {
        key: "eu1",
        url: "https://api.datadoghq.eu",
    },
    Base {
        key: "us3",
        url: "https://api.us3.datadoghq.com",
    },
    Base {
        key: "us5",
        url: "https://api.us5.datadoghq.com",
    },
    Base {
        key: "ap1",
        url: "https://api.ap1.datadoghq.com",
    },
    Base {
        key: "ap2",
        url: "https://api.ap2.datadoghq.com",
    },
    Base {
        key: "uk1",
        url: "https://api.uk1.datadoghq.com",
    },
    Base {
        key: "gov",
        url: "https://api.ddog-gov.com",
    },
    Base {
        key: "gov2",
        url: "https://api.us2.ddog-gov.com",
    },
];
const SITES: &[&str] = &[
    "us1", "eu1", "us3", "us5", "ap1", "ap2", "uk1", "gov", "gov2",
];
static ALLOW: &[Allowed] = &[
    Allowed::get("us1", "/api/v1/validate"),
    Allowed::get("eu1", "/api/v1/validate"),
    Allowed::get("us3", "/api/v1/validate"),
    Allowed::get("us5", "/api/v1/validate"),
    Allowed::get("ap1", "/api/v1/validate"),
    Allowed::get("ap2", "/api/v1/validate"),
    Allowed::get("uk1", "/api/v1/validate"),
    Allowed::get("gov", "/api/v1/validate"),
    Allowed::get("gov2", "/api/v1/validate"),
    Allowed::get("us1", "/api/v2/validate_keys"),
    Allowed::get("eu1", "/api/v2/validate_keys"),
    Allowed::get("us3", "/api/v2/validate_keys"),
    Allowed::get("us5", "/api/v2/validate_keys"),
    Allowed::get("ap1", "/api/v2/validate_keys"),
    Allowed::get("ap2", "/api/v2/validate_keys"),
    Allowed::get("uk1", "/api/v2/validate_keys"),
    Allowed::get("gov", "/api/v2/validate_keys"),
    Allowed::get("gov2", "/api/v2/validate_keys"),
];

fn hex(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|c| c.is_ascii_hexdigit())
}

impl Probe for Datadog {
    fn id(&self) -> &'static str {
        "datadog"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let secret = t.secret.expose();
        let app_key = hex(secret, 40) || t.rule_id.contains("application");
        let api_key =
            if app_key {
                match t.companion.map(|c| c.expose().trim()) {
                    Some(k) if hex(k, 32) => k,
                    _ => return Ok(Verdict::not_probed(
                        "an application key is checked together with an API key, which was not \
                         found",
                    )),
                }
            } else {
                secret
            };
        let path = if app_key {
            "/api/v2/validate_keys"
        } else {
            "/api/v1/validate"
        };
        let mut last = None;
        for site in SITES {
            let mut req = Request::get(site, path).header("dd-api-key", api_key);
            if app_key {
                req = req.header("dd-application-key", secret);
            }
            let reply = http.send(&req)?;
            match reply.status {
                200 => {
                    let v = reply.json()?;
                    let ok = if app_key {
                        v.get("status").and_then(Value::as_str) == Some("ok")
                    } else {
                        v.get("valid").and_then(Value::as_bool) == Some(true)
                    };
                    if !ok {
                        return Err(Fault::Unexpected("200 without a valid flag".into()));
                    }
                    let mut s = Signals {
                        identity: Some(format!("Datadog site {site}")),
                        ..Signals::default()
                    };
                    if app_key {
                        s.kind = Some("application key".into());
                        s.evidence(
                            "access",
                            &reply.source,
                            "live application key (with its API key): acts with its owner's \
                             permissions narrowed by its scopes, which are not read",
                        );
                    } else {
                        s.kind = Some("API key".into());
                        s.breadth = Some(Breadth::Organization);
                        s.access = Some(Access::Write);
                        s.destructive = Some(false);
                        s.evidence(
                            "access",
                            &reply.source,
                            "API key alone: submits metrics, logs and events for the \
                             organization; reading needs an application key",
                        );
                    }
                    return Ok(Verdict::active(s));
                }
                401 | 403 => last = Some(reply),
                code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
            }
        }
        let source = last.map(|r| r.source).unwrap_or_default();
        Ok(Verdict::inactive(
            "refused by every Datadog site (invalid or revoked key)",
            &source,
        ))
    }
}
