//! Stripe (providers.md §5). REST, GET only; requests show in the owner's Workbench logs.
//!
//! * secret key (`sk_live_`/`sk_test_`): `GET /v1/account` answers with the account: the key can
//!   do anything on it ("any API request without restriction"): account-wide admin, destructive
//!   (refunds, deletions). Live keys are production, test keys not (`sk_test_` moves no money).
//! * restricted key (`rk_…`): `/v1/account` is refused with 403; a fixed set of list calls with
//!   `limit=1` tells which resources it can read: 200 = granted; 403 names the missing
//!   `rak_<resource>_read` permission and the account. Its write permissions cannot be seen
//!   without a POST, so access stays unknown ("read set known, write unknown").
//!
//! 401 = deleted, expired or invalid key (providers.md: status mapping unconfirmed, but both
//! authentication errors arrive as 401 in practice).

use super::client::{Allowed, Base, Fault, Http, Reply, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth, Environment};
use crate::signals::Signals;
use serde_json::Value;

pub struct Stripe;

static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://api.stripe.com",
}];
static ALLOW: &[Allowed] = &[
    Allowed::get("api", "/v1/account"),
    Allowed::get("api", "/v1/balance"),
    Allowed::get("api", "/v1/charges"),
    Allowed::get("api", "/v1/customers"),
    Allowed::get("api", "/v1/payment_intents"),
    Allowed::get("api", "/v1/subscriptions"),
    Allowed::get("api", "/v1/products"),
    Allowed::get("api", "/v1/payouts"),
    Allowed::get("api", "/v1/webhook_endpoints"),
];

/// Read probes for restricted keys: path and the permission a 200 proves. The names follow the
/// `rak_<resource>_read` pattern Stripe's 403 messages use (exact names unconfirmed for every
/// resource; a 403's own name wins).
const READS: &[(&str, &str)] = &[
    ("/v1/balance", "rak_balance_read"),
    ("/v1/charges?limit=1", "rak_charge_read"),
    ("/v1/customers?limit=1", "rak_customer_read"),
    ("/v1/payment_intents?limit=1", "rak_payment_intent_read"),
    ("/v1/subscriptions?limit=1", "rak_subscription_read"),
    ("/v1/products?limit=1", "rak_product_read"),
    ("/v1/payouts?limit=1", "rak_payout_read"),
    ("/v1/webhook_endpoints?limit=1", "rak_webhook_read"),
];

impl Probe for Stripe {
    fn id(&self) -> &'static str {
        "stripe"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let key = t.secret.expose();
        let live = key.contains("_live_");
        let env = if live {
            Environment::Production
        } else if key.contains("_test_") {
            Environment::NonProduction
        } else {
            Environment::Unknown
        };
        let reply = http.send(&Request::get("api", "/v1/account").bearer(key))?;
        if reply.status == 401 {
            return Ok(Verdict::inactive(
                "Stripe answered 401 (key deleted, expired or invalid)",
                &reply.source,
            ));
        }
        let mut s = Signals::default();
        if env != Environment::Unknown {
            s.environment = Some(env);
            s.evidence(
                "environment",
                "token",
                if live {
                    "live-mode key: real payments and customer data"
                } else {
                    "test-mode key: sandbox data only, no real money"
                },
            );
        }
        match reply.status {
            200 => {
                let acct = reply.json()?;
                let id = acct
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| Fault::Unexpected("account without id".into()))?;
                let name = acct
                    .pointer("/settings/dashboard/display_name")
                    .and_then(Value::as_str)
                    .or_else(|| {
                        acct.pointer("/business_profile/name")
                            .and_then(Value::as_str)
                    });
                s.identity = Some(match name {
                    Some(n) => format!("Stripe account {} ({})", clean(id), clean(n)),
                    None => format!("Stripe account {}", clean(id)),
                });
                s.breadth = Some(Breadth::AccountWide);
                s.access = Some(Access::Admin);
                s.destructive = Some(true);
                s.evidence(
                    "breadth",
                    &reply.source,
                    "unrestricted secret key: any API request on the account (charges, refunds, \
                     payouts, deleting customers)",
                );
                Ok(Verdict::active(s))
            }
            403 => restricted(http, key, reply, s),
            code => Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
    }
}

/// `rak_…` permission and `acct_…` named in a Stripe 403 message.
pub fn parse_denial(msg: &str) -> (Option<String>, Option<String>) {
    let grab = |prefix: &str| {
        msg.find(prefix).map(|i| {
            msg[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
    };
    (grab("rak_"), grab("acct_"))
}

fn message(reply: &Reply) -> Option<String> {
    reply
        .json()
        .ok()?
        .pointer("/error/message")
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn restricted(http: &Http, key: &str, first: Reply, mut s: Signals) -> Result<Verdict, Fault> {
    let mut account = None;
    let mut missing = Vec::new();
    if let Some(m) = message(&first) {
        let (perm, acct) = parse_denial(&m);
        account = acct.or(account);
        missing.extend(perm);
    } else if first.json().is_err() {
        return Err(Fault::Unexpected("403 without a JSON error".into()));
    }
    let mut granted = Vec::new();
    for (path, perm) in READS {
        let reply = http.send(&Request::get("api", *path).bearer(key))?;
        match reply.status {
            200 => granted.push(perm.to_string()),
            403 => {
                if let Some(m) = message(&reply) {
                    let (p, acct) = parse_denial(&m);
                    account = account.or(acct);
                    missing.push(p.unwrap_or_else(|| perm.to_string()));
                }
            }
            401 => {
                return Ok(Verdict::inactive(
                    "Stripe answered 401 (key deleted, expired or invalid)",
                    &reply.source,
                ))
            }
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
    }
    s.kind = Some("restricted API key".into());
    s.identity = account.map(|a| format!("Stripe account {}", clean(&a)));
    let source = "probe:GET /v1/*";
    s.evidence(
        "access",
        source,
        format!(
            "restricted key: can read {}; cannot read {}; write permissions cannot be seen \
             without a write call, so access is unknown",
            if granted.is_empty() {
                "none of the probed resources".to_string()
            } else {
                granted.join(", ")
            },
            if missing.is_empty() {
                "-".to_string()
            } else {
                missing.join(", ")
            }
        ),
    );
    s.permissions = granted;
    Ok(Verdict::active(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denial_message() {
        let m = "The provided key 'rk_live_***abcd' does not have the required permissions for \
                 this endpoint on account 'acct_1Nabc'. Having the 'rak_charge_read' permission \
                 would allow this request to continue.";
        assert_eq!(
            parse_denial(m),
            (Some("rak_charge_read".into()), Some("acct_1Nabc".into()))
        );
    }
}
