//! GitHub (providers.md §3). REST, GET only.
//!
//! * classic PAT / OAuth token (`ghp_`, `gho_`): `GET /user`; the `X-OAuth-Scopes` header lists
//!   the granted scopes (present but empty = public data only), which go to
//!   `Signals.permissions` for `detectors/github.toml`'s `[scopes]` table. A token with any
//!   write-capable scope acts as the user on everything the user can reach: account-wide. With
//!   an org scope, `GET /user/memberships/orgs` tells which organizations it administers.
//! * fine-grained PAT (`github_pat_`) and user-to-server (`ghu_`): `GET /user` gives identity
//!   and liveness; GitHub has no way to list their permissions, so breadth stays unknown.
//! * installation token (`ghs_`): `/user` is refused for it; `GET /installation/repositories`
//!   gives the repositories and whether the installation covers all of them.
//!
//! GitHub Enterprise Server: `--endpoint github=https://HOST/api/v3`.

use super::client::{Allowed, Base, Fault, Http, Reply, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::Value;

pub struct GitHub;

static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://api.github.com",
}];
static ALLOW: &[Allowed] = &[
    Allowed::get("api", "/user"),
    Allowed::get("api", "/user/memberships/orgs"),
    Allowed::get("api", "/installation/repositories"),
];

/// Scopes that let a classic token change something (providers.md §3(d) WRITE and ADMIN rows).
const WRITE_SCOPES: &[&str] = &[
    "repo",
    "public_repo",
    "workflow",
    "write:org",
    "admin:org",
    "write:packages",
    "delete:packages",
    "gist",
    "user",
    "project",
    "codespace",
    "delete_repo",
    "admin:enterprise",
    "admin:org_hook",
    "admin:repo_hook",
    "admin:public_key",
    "admin:gpg_key",
    "site_admin",
    "write:discussion",
    "write:repo_hook",
    "write:public_key",
    "write:gpg_key",
];

impl Probe for GitHub {
    fn id(&self) -> &'static str {
        "github"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let token = t.secret.expose();
        if token.starts_with("ghs_") {
            return installation(http, token);
        }
        if token.starts_with("ghr_") {
            return Ok(Verdict::not_probed(
                "a refresh token cannot call the API without the app's client secret",
            ));
        }
        let req = request("/user", token);
        let reply = http.send(&req)?;
        if let Some(v) = inactive(&reply) {
            return Ok(v);
        }
        if reply.status != 200 {
            return Err(Fault::Unexpected(format!("HTTP {}", reply.status)));
        }
        let user = reply.json()?;
        let login = user
            .get("login")
            .and_then(Value::as_str)
            .ok_or_else(|| Fault::Unexpected("user without login".into()))?;
        let mut s = Signals::default();
        let kind = user.get("type").and_then(Value::as_str).unwrap_or("User");
        s.identity = Some(format!("{} {}", kind.to_ascii_lowercase(), clean(login)));
        if let Some(exp) = reply.header("github-authentication-token-expiration") {
            s.evidence("expiry", &reply.source, format!("expires {}", clean(&exp)));
        }
        if user.get("site_admin").and_then(Value::as_bool) == Some(true) {
            s.access = Some(Access::Admin);
            s.evidence("access", &reply.source, "the user is a site administrator");
        }
        let Some(scopes) = reply.header("x-oauth-scopes") else {
            // Fine-grained PAT, user-to-server token: GitHub does not list their permissions.
            s.evidence(
                "breadth",
                &reply.source,
                "live; GitHub lists no scopes for fine-grained and app user tokens, so what it \
                 can reach is unknown",
            );
            return Ok(Verdict::active(s));
        };
        let scopes: Vec<String> = scopes
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect();
        if scopes.is_empty() {
            s.access = Some(Access::Read);
            s.evidence("access", &reply.source, "no scopes: reads public data only");
            return Ok(Verdict::active(s));
        }
        s.evidence(
            "permissions",
            &reply.source,
            format!("X-OAuth-Scopes: {}", scopes.join(", ")),
        );
        if scopes.iter().any(|x| WRITE_SCOPES.contains(&x.as_str())) {
            s.breadth = Some(Breadth::AccountWide);
            s.access = Some(s.access.unwrap_or(Access::Write).max(Access::Write));
            s.evidence(
                "breadth",
                &reply.source,
                "a classic token acts as the user on every repository and organization the user \
                 can reach",
            );
        } else {
            s.access = Some(s.access.unwrap_or(Access::Read));
        }
        let org_scope = scopes
            .iter()
            .any(|x| matches!(x.as_str(), "read:org" | "write:org" | "admin:org"));
        s.permissions = scopes;
        if org_scope {
            orgs(http, token, &mut s)?;
        }
        Ok(Verdict::active(s))
    }
}

fn request(path: &str, token: &str) -> Request {
    Request::get("api", path)
        .bearer(token)
        .header("accept", "application/vnd.github+json")
        .header("x-github-api-version", "2022-11-28")
}

fn inactive(reply: &Reply) -> Option<Verdict> {
    (reply.status == 401).then(|| {
        Verdict::inactive(
            "GitHub answered 401 Bad credentials (revoked, expired or invalid)",
            &reply.source,
        )
    })
}

/// Organizations the user administers (needs `read:org`); a refusal only loses detail.
fn orgs(http: &Http, token: &str, s: &mut Signals) -> Result<(), Fault> {
    let reply = match http.send(&request(
        "/user/memberships/orgs?state=active&per_page=100",
        token,
    )) {
        Ok(r) => r,
        Err(Fault::Timeout | Fault::Unexpected(_) | Fault::Server(_)) => return Ok(()),
        Err(f) => return Err(f),
    };
    if reply.status != 200 {
        return Ok(());
    }
    let Ok(list) = reply.json() else {
        return Ok(());
    };
    let mut admin_of = Vec::new();
    for m in list.as_array().into_iter().flatten() {
        let org = m.pointer("/organization/login").and_then(Value::as_str);
        if let (Some(org), Some("admin")) = (org, m.get("role").and_then(Value::as_str)) {
            admin_of.push(clean(org));
        }
    }
    if !admin_of.is_empty() {
        s.breadth = Some(
            s.breadth
                .unwrap_or(Breadth::Organization)
                .max(Breadth::Organization),
        );
        s.evidence(
            "breadth",
            &reply.source,
            format!("owner (admin) of organization {}", admin_of.join(", ")),
        );
    }
    Ok(())
}

fn installation(http: &Http, token: &str) -> Result<Verdict, Fault> {
    let reply = http.send(&request("/installation/repositories?per_page=100", token))?;
    if let Some(v) = inactive(&reply) {
        return Ok(v);
    }
    if reply.status != 200 {
        return Err(Fault::Unexpected(format!("HTTP {}", reply.status)));
    }
    let v = reply.json()?;
    let total = v
        .get("total_count")
        .and_then(Value::as_u64)
        .ok_or_else(|| Fault::Unexpected("no total_count".into()))?;
    let mut s = Signals::default();
    let owners: Vec<String> = {
        let mut o: Vec<String> = v
            .get("repositories")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.pointer("/owner/login").and_then(Value::as_str).map(clean))
            .collect();
        o.sort();
        o.dedup();
        o
    };
    s.identity = Some(format!(
        "GitHub App installation{}",
        if owners.is_empty() {
            String::new()
        } else {
            format!(" on {}", owners.join(", "))
        }
    ));
    match v.get("repository_selection").and_then(Value::as_str) {
        Some("all") => {
            s.breadth = Some(Breadth::Organization);
            s.evidence(
                "breadth",
                &reply.source,
                format!("installed on all repositories of the owner ({total})"),
            );
        }
        Some("selected") => {
            s.breadth = Some(if total <= 1 {
                Breadth::Resource
            } else {
                Breadth::Project
            });
            s.evidence(
                "breadth",
                &reply.source,
                format!("installed on {total} selected repositories"),
            );
        }
        _ => {}
    }
    // Its permissions (contents: write, …) are not visible to the token itself.
    Ok(Verdict::active(s))
}
