//! Docker Hub (providers.md §26). One credential exchange, which providers.md lists as
//! read-only (an authentication event: a session JWT is minted and logged; nothing changes):
//! `POST https://hub.docker.com/v2/auth/token` `{"identifier": <username>, "secret": <token>}`
//! → `{"access_token": "<JWT>"}`. The JWT is decoded locally (never verified, never used):
//! `scope` (`repo:admin` | `repo:write` | `repo:read` | `repo:public_read`) goes to
//! `Signals.permissions` (`[scopes]` of dockerhub.toml), the `https://hub.docker.com` claim
//! names the user. The username (or organization) comes from the rule's companion or the second
//! word on stdin; without it nothing is sent. A 401 means a revoked token **or** a wrong
//! username from context: unknown, not inactive.

use super::client::{Allowed, Base, BodyRule, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use base64::Engine;
use serde_json::{json, Value};

pub struct DockerHub;

static BASES: &[Base] = &[Base {
    key: "hub",
    url: "https://hub.docker.com",
}];
static ALLOW: &[Allowed] = &[Allowed::post(
    "hub",
    "/v2/auth/token",
    BodyRule::JsonCredentials(&["identifier", "secret"]),
)];

/// The payload of a JWT, decoded without verification.
fn jwt_claims(jwt: &str) -> Option<Value> {
    let payload = jwt.split('.').nth(1)?;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&raw).ok()
}

impl Probe for DockerHub {
    fn id(&self) -> &'static str {
        "dockerhub"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let Some(user) = t.companion.map(|c| c.expose().trim().to_string()) else {
            return Ok(Verdict::not_probed(
                "the Docker Hub username or organization was not found near the token",
            ));
        };
        let token = t.secret.expose();
        let body = json!({ "identifier": user, "secret": token }).to_string();
        let req =
            Request::post("hub", "/v2/auth/token", body).header("content-type", "application/json");
        let reply = http.send(&req)?;
        match reply.status {
            200 => {}
            401 | 403 => {
                let mut v = Verdict::unknown("refused: revoked token, or the wrong username");
                v.signals.evidence(
                    "status",
                    &reply.source,
                    "Docker Hub refused the exchange; the username was taken from context and \
                     may be wrong, so this is not proof of revocation",
                );
                return Ok(v);
            }
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
        let v = reply.json()?;
        let jwt = v
            .get("access_token")
            .or_else(|| v.get("token"))
            .and_then(Value::as_str)
            .ok_or_else(|| Fault::Unexpected("no access token".into()))?;
        let claims = jwt_claims(jwt).ok_or_else(|| Fault::Unexpected("unreadable JWT".into()))?;
        let mut s = Signals::default();
        let name = claims
            .pointer("/https:~1~1hub.docker.com/username")
            .and_then(Value::as_str)
            .unwrap_or(&user);
        s.identity = Some(format!("Docker Hub user {}", clean(name)));
        let scopes: Vec<String> = claims
            .get("scope")
            .and_then(Value::as_str)
            .unwrap_or("")
            .split([' ', ','])
            .filter(|x| !x.is_empty())
            .map(clean)
            .collect();
        let write = scopes
            .iter()
            .any(|x| x == "repo:admin" || x == "repo:write");
        if write {
            s.breadth = Some(if token.starts_with("dckr_oat_") {
                Breadth::Organization
            } else {
                Breadth::AccountWide
            });
        } else if !scopes.is_empty() {
            s.access = Some(Access::Read);
            s.destructive = Some(false);
        }
        s.evidence(
            "permissions",
            &reply.source,
            format!(
                "token scope: {}",
                if scopes.is_empty() {
                    "not stated".into()
                } else {
                    scopes.join(" ")
                }
            ),
        );
        s.permissions = scopes;
        Ok(Verdict::active(s))
    }
}
