//! Railway (providers.md §2). One GraphQL endpoint, queries only.
//!
//! Railway tokens carry no prefix, so the probe tries each kind with the header it uses:
//!
//! 1. project token: `Project-Access-Token` header, `query { projectToken { projectId
//!    environmentId } }`; then the project's and environment's names (the Railway CLI's own
//!    `ProjectToken` query shape) to tell production from staging.
//! 2. account token: `Authorization: Bearer`, `query { me { id name email } }` (Railway docs:
//!    this query does not work with workspace or project tokens).
//! 3. workspace token: Bearer, `query { apiToken { workspaces { id name } } }` (the CLI's
//!    `ApiToken` query). How Railway answers it for each token kind is not documented
//!    (providers.md marks workspace enumeration unconfirmed): a valid Bearer token that is not
//!    an account token and names no workspace is reported Active with unknown breadth.
//!
//! `RAILWAY_TOKEN` (or `probe_hint = "project"`) tries the project kind first; `RAILWAY_API_TOKEN`
//! (or hint `account`/`workspace`) the Bearer kinds first. GraphQL errors arrive as HTTP 200 with
//! an `errors` array: "Not Authorized" for a token of another kind or a revoked one. Only when
//! every kind is refused that way is the token reported inactive.

use super::client::{Allowed, Base, BodyRule, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth, Environment};
use crate::signals::Signals;
use serde_json::{json, Value};

pub struct Railway;

const PATH: &str = "/graphql/v2";
static BASES: &[Base] = &[Base {
    key: "api",
    url: "https://backboard.railway.com",
}];
static ALLOW: &[Allowed] = &[Allowed::post("api", PATH, BodyRule::GraphqlQuery)];

pub const Q_PROJECT_TOKEN: &str = "query { projectToken { projectId environmentId } }";
pub const Q_PROJECT_NAMES: &str =
    "query { projectToken { project { id name } environment { id name } } }";
pub const Q_ME: &str = "query { me { id name email } }";
pub const Q_API_TOKEN: &str = "query { apiToken { workspaces { id name } } }";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Project,
    Account,
    Workspace,
}

/// One GraphQL answer: data for the field, or an authorization refusal.
enum Answer {
    Data(Value),
    Denied(String),
}

impl Probe for Railway {
    fn id(&self) -> &'static str {
        "railway"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let token = t.secret.expose();
        let bearer_first = matches!(t.hint, Some("account" | "workspace" | "api"))
            || (t.hint.is_none() && t.variables.iter().any(|v| v.contains("RAILWAY_API_TOKEN")));
        let order = if bearer_first {
            [Kind::Account, Kind::Workspace, Kind::Project]
        } else {
            [Kind::Project, Kind::Account, Kind::Workspace]
        };
        let mut denied = Vec::new();
        for kind in order {
            let v = match kind {
                Kind::Project => project(http, token)?,
                Kind::Account => account(http, token)?,
                Kind::Workspace => workspace(http, token)?,
            };
            match v {
                Ok(verdict) => return Ok(verdict),
                Err(why) => denied.push(why),
            }
        }
        Ok(Verdict::inactive(
            format!(
                "Railway refused it as a project, account and workspace token ({})",
                denied
                    .first()
                    .map(String::as_str)
                    .unwrap_or("Not Authorized")
            ),
            &format!("probe:POST {PATH}"),
        ))
    }
}

fn is_auth_message(m: &str) -> bool {
    let m = m.to_ascii_lowercase();
    [
        "not authorized",
        "unauthorized",
        "unauthenticated",
        "authentication",
        "invalid token",
        "forbidden",
        "token expired",
        "revoked",
    ]
    .iter()
    .any(|k| m.contains(k))
}

fn ask(http: &Http, req: &Request, field: &str) -> Result<Answer, Fault> {
    let reply = http.send(req)?;
    if reply.status == 401 || reply.status == 403 {
        return Ok(Answer::Denied(format!("HTTP {}", reply.status)));
    }
    if reply.status != 200 {
        return Err(Fault::Unexpected(format!("HTTP {}", reply.status)));
    }
    let v = reply.json()?;
    if !v.is_object() {
        return Err(Fault::Unexpected("not a GraphQL response".into()));
    }
    let data = v
        .get("data")
        .and_then(|d| d.get(field))
        .filter(|d| !d.is_null());
    if let Some(d) = data {
        return Ok(Answer::Data(d.clone()));
    }
    let messages: Vec<String> = v
        .get("errors")
        .and_then(Value::as_array)
        .map(|es| {
            es.iter()
                .filter_map(|e| e.get("message").and_then(Value::as_str))
                .map(clean)
                .collect()
        })
        .unwrap_or_default();
    match messages.first() {
        Some(m) if messages.iter().all(|m| is_auth_message(m)) => Ok(Answer::Denied(m.clone())),
        // A schema or server error says nothing about the token: cannot conclude.
        _ => Err(Fault::Unexpected("GraphQL error".into())),
    }
}

type Try = Result<Result<Verdict, String>, Fault>;

fn project(http: &Http, token: &str) -> Try {
    let req = Request::graphql("api", PATH, Q_PROJECT_TOKEN, Value::Null)
        .header("project-access-token", token);
    let source = req.source();
    let data = match ask(http, &req, "projectToken")? {
        Answer::Data(d) => d,
        Answer::Denied(m) => return Ok(Err(m)),
    };
    let (Some(project_id), Some(env_id)) = (
        data.get("projectId").and_then(Value::as_str),
        data.get("environmentId").and_then(Value::as_str),
    ) else {
        return Err(Fault::Unexpected("projectToken without ids".into()));
    };
    let mut s = Signals::with_kind("Railway project token");
    s.breadth = Some(Breadth::Environment);
    s.access = Some(Access::Write);
    // Destructive stays unknown: Railway does not document which deletions a project token
    // may perform inside its environment (it deploys and edits variables).
    s.evidence(
        "breadth",
        &source,
        "project token: limited to one environment of one project (deploys, variables)",
    );
    // The names, to tell production: a second read-only query.
    let names = Request::graphql("api", PATH, Q_PROJECT_NAMES, Value::Null)
        .header("project-access-token", token);
    let names_source = names.source();
    let (mut project_name, mut env_name) = (None, None);
    match ask(http, &names, "projectToken") {
        Ok(Answer::Data(d)) => {
            project_name = d
                .pointer("/project/name")
                .and_then(Value::as_str)
                .map(clean);
            env_name = d
                .pointer("/environment/name")
                .and_then(Value::as_str)
                .map(clean);
        }
        Ok(Answer::Denied(_)) | Err(_) => {
            s.evidence(
                "environment",
                &names_source,
                "environment name not available",
            );
        }
    }
    s.identity = Some(format!(
        "project {} environment {}",
        project_name
            .map(|n| format!("{n:?} ({})", clean(project_id)))
            .unwrap_or_else(|| clean(project_id)),
        env_name
            .as_ref()
            .map(|n| format!("{n:?} ({})", clean(env_id)))
            .unwrap_or_else(|| clean(env_id)),
    ));
    if let Some(name) = &env_name {
        let env = environment_of(name);
        s.environment = env;
        let what = match env {
            Some(Environment::Production) => "production",
            Some(Environment::NonProduction) => "non-production",
            _ => "unknown (name does not say)",
        };
        s.evidence(
            "environment",
            &names_source,
            format!("environment named {name:?}: {what}"),
        );
    }
    Ok(Ok(Verdict::active(s)))
}

/// Railway environment names: `production`/`prod` is production; common staging/dev names are
/// not; anything else is unknown rather than guessed.
pub fn environment_of(name: &str) -> Option<Environment> {
    let n = name.to_ascii_lowercase();
    let words: Vec<&str> = n
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if has(&["production", "prod", "prd"]) {
        Some(Environment::Production)
    } else if has(&[
        "staging",
        "stage",
        "stg",
        "dev",
        "development",
        "test",
        "testing",
        "qa",
        "preview",
        "sandbox",
        "demo",
        "local",
        "ci",
    ]) || words.first().is_some_and(|w| *w == "pr")
    {
        Some(Environment::NonProduction)
    } else {
        None
    }
}

fn account(http: &Http, token: &str) -> Try {
    let req = Request::graphql("api", PATH, Q_ME, Value::Null).bearer(token);
    let source = req.source();
    let me = match ask(http, &req, "me")? {
        Answer::Data(d) => d,
        Answer::Denied(m) => return Ok(Err(m)),
    };
    let name = me.get("name").and_then(Value::as_str).map(clean);
    let email = me.get("email").and_then(Value::as_str).map(clean);
    let id = me.get("id").and_then(Value::as_str).map(clean);
    let mut s = Signals::with_kind("Railway account token");
    s.identity = Some(match (name, email, id) {
        (Some(n), Some(e), _) => format!("user {n} <{e}>"),
        (None, Some(e), _) => format!("user <{e}>"),
        (Some(n), None, _) => format!("user {n}"),
        (None, None, Some(i)) => format!("user {i}"),
        _ => "a Railway user".into(),
    });
    s.breadth = Some(Breadth::AccountWide);
    s.access = Some(Access::Admin);
    s.destructive = Some(true);
    s.evidence(
        "breadth",
        &source,
        "account token: any API action the user can take, across all their projects and \
         workspaces (Railway docs)",
    );
    s.evidence(
        "destructive",
        &source,
        "can delete projects, services, environments, volumes and their backups: Railway has \
         no per-operation token scopes",
    );
    Ok(Ok(Verdict::active(s)))
}

fn workspace(http: &Http, token: &str) -> Try {
    let req = Request::graphql("api", PATH, Q_API_TOKEN, json!(null)).bearer(token);
    let source = req.source();
    let data = match ask(http, &req, "apiToken")? {
        Answer::Data(d) => d,
        Answer::Denied(m) => return Ok(Err(m)),
    };
    let names: Vec<String> = data
        .get("workspaces")
        .and_then(Value::as_array)
        .map(|ws| {
            ws.iter()
                .filter_map(|w| w.get("name").and_then(Value::as_str).map(clean))
                .collect()
        })
        .unwrap_or_default();
    let mut s = Signals::with_kind("Railway workspace token");
    if names.is_empty() {
        // Live, but which workspace and how far it reaches is not known.
        s.evidence(
            "breadth",
            &source,
            "valid Bearer token that is not an account token; its workspace was not named",
        );
        return Ok(Ok(Verdict::active(s)));
    }
    s.identity = Some(format!("workspace {}", names.join(", ")));
    s.breadth = Some(Breadth::Organization);
    s.access = Some(Access::Admin);
    s.destructive = Some(true);
    s.evidence(
        "breadth",
        &source,
        "workspace token: every project of the workspace",
    );
    s.evidence(
        "destructive",
        &source,
        "can delete the workspace's projects, services, volumes and their backups",
    );
    Ok(Ok(Verdict::active(s)))
}
