//! Fly.io (providers.md §13). One GET on the Machines API; no endpoint returns a token's caveats
//! (the offline macaroon decoder reads them: organization, apps, expiry), so a live token keeps
//! the breadth and access the decoder found.
//!
//! `GET https://api.machines.dev/v1/apps?org_slug=` with `Authorization: FlyV1 <bundle>`
//! (macaroons) or `Bearer <fo1_…>`: 200, or 400 for the empty organization slug once the token
//! is accepted (observed: trufflehog's flyio detector) → live; 401 → inactive.
//! **Cannot tell:** the token's organization or apps from the answer.

use super::client::{Allowed, Base, Fault, Http, Request};
use super::{Probe, Target, Verdict};
use crate::signals::Signals;

pub struct FlyIo;

static BASES: &[Base] = &[Base {
    key: "machines",
    url: "https://api.machines.dev",
}];
static ALLOW: &[Allowed] = &[Allowed::get("machines", "/v1/apps")];

impl Probe for FlyIo {
    fn id(&self) -> &'static str {
        "flyio"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let token = t.secret.expose().trim();
        let token = token.strip_prefix("FlyV1 ").unwrap_or(token);
        let auth = if token.starts_with("fm") {
            format!("FlyV1 {token}")
        } else {
            format!("Bearer {token}")
        };
        let reply = http
            .send(&Request::get("machines", "/v1/apps?org_slug=").header("authorization", auth))?;
        let mut s = Signals::default();
        match reply.status {
            200 | 400 => {
                reply.json()?;
                s.evidence(
                    "status",
                    &reply.source,
                    if reply.status == 200 {
                        "live: the Machines API accepted the token"
                    } else {
                        "live: the Machines API accepted the token and asked for an organization"
                    },
                );
                s.evidence(
                    "access",
                    &reply.source,
                    "Fly.io returns no caveats; scope comes from decoding the token offline",
                );
                Ok(Verdict::active(s))
            }
            401 => Ok(Verdict::inactive(
                "Fly.io answered 401 (invalid, expired or revoked token)",
                &reply.source,
            )),
            code => Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
    }
}
