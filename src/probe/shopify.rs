//! Shopify (providers.md §25). `GET https://<store>.myshopify.com/admin/oauth/access_scopes.json`
//! with `X-Shopify-Access-Token` → `{"access_scopes": [{"handle": "read_products"}, …]}`. The
//! store comes only from the rule's companion (`<store>.myshopify.com` near the token, or the
//! second word on stdin) and is sent only to that `myshopify.com` host; without it nothing is
//! sent. Handles go to `Signals.permissions` (`[scopes]` of shopify.toml: `write_*` → write,
//! themes/script tags/content/users → admin-level). Only `read_*` → read. A token is bound to
//! one store. 401 → inactive.

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::Value;

pub struct Shopify;

static BASES: &[Base] = &[Base {
    key: "store",
    url: "https://{}.myshopify.com",
}];
static ALLOW: &[Allowed] = &[Allowed::get("store", "/admin/oauth/access_scopes.json")];

impl Probe for Shopify {
    fn id(&self) -> &'static str {
        "shopify"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let domain = t.companion.map(|c| c.expose().trim().to_ascii_lowercase());
        let Some(store) = domain
            .as_deref()
            .and_then(|d| d.strip_suffix(".myshopify.com"))
            .map(str::to_string)
        else {
            return Ok(Verdict::not_probed(
                "the store domain (<store>.myshopify.com) was not found near the token",
            ));
        };
        let http = http.bind("store", &store)?;
        let req = Request::get("store", "/admin/oauth/access_scopes.json")
            .header("x-shopify-access-token", t.secret.expose());
        let reply = http.send(&req)?;
        match reply.status {
            200 => {}
            401 => {
                return Ok(Verdict::inactive(
                    "Shopify answered 401 (invalid token, or the app was uninstalled)",
                    &reply.source,
                ))
            }
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
        let v = reply.json()?;
        let scopes: Vec<String> = v
            .get("access_scopes")
            .and_then(Value::as_array)
            .ok_or_else(|| Fault::Unexpected("no access_scopes".into()))?
            .iter()
            .filter_map(|x| x.get("handle").and_then(Value::as_str).map(clean))
            .collect();
        let mut s = Signals {
            identity: Some(format!("store {}.myshopify.com", clean(&store))),
            breadth: Some(Breadth::Resource),
            ..Signals::default()
        };
        if scopes
            .iter()
            .all(|x| x.starts_with("read_") || x.starts_with("unauthenticated_read_"))
        {
            s.access = Some(Access::Read);
            s.destructive = Some(false);
        } else if scopes.iter().any(|x| x.starts_with("write_")) {
            s.access = Some(Access::Write);
        }
        s.evidence(
            "permissions",
            &reply.source,
            format!("access scopes on one store: {}", scopes.join(", ")),
        );
        s.permissions = scopes;
        Ok(Verdict::active(s))
    }
}
