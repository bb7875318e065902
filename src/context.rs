//! Environment evidence from where a token was found: file path, variable name, database host.
//! A production token found in a non-production context is flagged as cross-environment exposure.
//!
//! Precedence: what the token itself (or a probe) says about its environment wins (Stripe
//! `sk_live_`, TestPyPI, a `prod-db…` host in a URL); otherwise the locations decide. A location
//! says "production" when its variable or path says so; a variable describes what the token is
//! for, a path where it sits. Account-wide and organization-wide tokens are never *confined* to
//! non-production by where they were found: they reach every environment of their account.
//!
//! `apply` is idempotent: it removes its own earlier evidence and recomputes, so the probe stage
//! can call it (through `assess::finish`) after live answers refined the environment.

use crate::finding::Finding;
use crate::location::{Location, Origin};
use crate::scope::{Breadth, Environment, Evidence};

/// Evidence sources this module writes (and removes on re-run).
const SOURCES: &[&str] = &["path", "variable", "host"];

/// Looks at every location; records evidence, the environment and the cross-environment flag.
pub fn apply(f: &mut Finding) {
    let scope = &mut f.scope;
    scope.evidence.retain(|e| {
        !(e.field == "exposure"
            || (e.field == "environment"
                && SOURCES.contains(&e.source.as_str())
                && e.detail.starts_with(CONTEXT_MARK)))
    });

    let mut prod_ctx: Vec<Evidence> = Vec::new();
    let mut nonprod_locations: Vec<Evidence> = Vec::new();
    let mut nonprod_ctx = false;
    let mut notes: Vec<Evidence> = Vec::new();
    for loc in &f.locations {
        let v = location_verdicts(loc);
        for (env, ev) in [v.variable.clone(), v.path.clone()].into_iter().flatten() {
            if !notes.contains(&ev) {
                notes.push(ev.clone());
            }
            match env {
                Environment::Production => prod_ctx.push(ev),
                Environment::NonProduction => nonprod_ctx = true,
                Environment::Unknown => {}
            }
        }
        // Where the token sits: the path, or the variable when the path says nothing.
        let sits = match (&v.path, &v.variable) {
            (Some((Environment::NonProduction, ev)), _) => Some(ev.clone()),
            (None, Some((Environment::NonProduction, ev))) => Some(ev.clone()),
            _ => None,
        };
        if let Some(ev) = sits {
            if !nonprod_locations.contains(&ev) {
                nonprod_locations.push(ev);
            }
        }
    }
    scope.evidence.extend(notes);

    let broad = matches!(scope.breadth, Breadth::AccountWide | Breadth::Organization);
    let by_token = scope.environment_by_token;
    let environment = match by_token {
        Some(e) if e != Environment::Unknown => e,
        _ if !prod_ctx.is_empty() => Environment::Production,
        _ if nonprod_ctx && !broad => Environment::NonProduction,
        _ if nonprod_ctx => {
            scope.evidence.push(Evidence::new(
                "environment",
                "path",
                format!(
                    "{CONTEXT_MARK}found only in non-production places, but an account-wide or \
                     organization-wide token is not confined to them"
                ),
            ));
            Environment::Unknown
        }
        _ => Environment::Unknown,
    };
    scope.environment = environment;

    scope.cross_environment =
        environment == Environment::Production && !nonprod_locations.is_empty();
    if scope.cross_environment {
        let why_prod = match by_token {
            Some(Environment::Production) => {
                let src = scope
                    .evidence
                    .iter()
                    .rev()
                    .find(|e| e.field == "environment" && !SOURCES.contains(&e.source.as_str()))
                    .map(|e| (e.source.clone(), e.detail.clone()))
                    .unwrap_or_else(|| ("token".into(), "the token is production-scoped".into()));
                Evidence::new("exposure", &src.0, format!("production-scoped: {}", src.1))
            }
            _ => {
                let e = &prod_ctx[0];
                Evidence::new(
                    "exposure",
                    &e.source,
                    format!("production-scoped: {}", strip_mark(&e.detail)),
                )
            }
        };
        scope.evidence.push(why_prod);
        for e in &nonprod_locations {
            scope.evidence.push(Evidence::new(
                "exposure",
                &e.source,
                format!(
                    "found in a non-production context: {}",
                    strip_mark(&e.detail)
                ),
            ));
        }
    }
}

/// Prefix of the details this module writes, so a re-run can find and replace them.
const CONTEXT_MARK: &str = "context: ";

fn strip_mark(s: &str) -> &str {
    s.strip_prefix(CONTEXT_MARK).unwrap_or(s)
}

struct Verdicts {
    path: Option<(Environment, Evidence)>,
    variable: Option<(Environment, Evidence)>,
}

fn location_verdicts(loc: &Location) -> Verdicts {
    let path = loc.origin.path().and_then(|p| {
        let shown = p.to_string_lossy();
        path_environment(&shown).map(|(env, why)| {
            let detail = format!("{CONTEXT_MARK}{shown}: {} ({why})", env_word(env));
            (env, Evidence::new("environment", "path", detail))
        })
    });
    let var_name = match &loc.origin {
        Origin::Env { variable } => Some(variable.as_str()),
        _ => loc.variable.as_deref(),
    };
    let variable = var_name.and_then(|v| {
        variable_environment(v).map(|(env, why)| {
            let detail = format!("{CONTEXT_MARK}variable {v}: {} ({why})", env_word(env));
            (env, Evidence::new("environment", "variable", detail))
        })
    });
    Verdicts { path, variable }
}

fn env_word(e: Environment) -> &'static str {
    match e {
        Environment::Production => "production",
        Environment::NonProduction => "non-production",
        Environment::Unknown => "unknown",
    }
}

const PROD_WORDS: &[&str] = &["prod", "production", "prd", "live"];
const NONPROD_WORDS: &[&str] = &[
    "staging",
    "stage",
    "stg",
    "test",
    "tests",
    "testing",
    "testdata",
    "fixture",
    "fixtures",
    "dev",
    "develop",
    "development",
    "qa",
    "uat",
    "sandbox",
    "preview",
    "local",
    "spec",
    "__tests__",
    "e2e",
    "mock",
    "mocks",
];

fn word_environment(word: &str) -> Option<Environment> {
    let w = word.to_ascii_lowercase();
    if PROD_WORDS.contains(&w.as_str()) {
        Some(Environment::Production)
    } else if NONPROD_WORDS.contains(&w.as_str()) {
        Some(Environment::NonProduction)
    } else {
        None
    }
}

/// The environment a path names. The deepest component with a verdict wins (the file name
/// before its directories): `k8s/overlays/production/secret.yaml` → production,
/// `.github/workflows/deploy-staging.yml` → non-production, `tests/fixtures/x.env` →
/// non-production. `live` is not taken from paths (too common: `live-reload/`).
pub fn path_environment(path: &str) -> Option<(Environment, String)> {
    // Cap the work on pathological paths.
    let path = path.get(..4096).unwrap_or(path);
    for comp in path.rsplit(['/', '\\']) {
        for word in comp.split(['.', '-', '_', ' ']).rev() {
            if word.eq_ignore_ascii_case("live") {
                continue;
            }
            if let Some(e) = word_environment(word) {
                return Some((e, format!("path names `{word}`")));
            }
        }
    }
    None
}

/// The environment a variable name names: any `_`-separated word (`PROD_`, `PRODUCTION_`,
/// `LIVE_`, `STAGING_`, `DEV_`, `TEST_`, `…_PROD`). Production words win over others
/// (`PROD_TEST_USER_TOKEN` is still a production credential).
pub fn variable_environment(name: &str) -> Option<(Environment, String)> {
    let name = name.get(..256).unwrap_or(name);
    let mut found = None;
    for word in name.split(['_', '-', '.']) {
        match word_environment(word) {
            Some(Environment::Production) => {
                return Some((Environment::Production, format!("name contains `{word}`")))
            }
            Some(e) if found.is_none() => found = Some((e, format!("name contains `{word}`"))),
            _ => {}
        }
    }
    found
}

/// Whether a host is reachable only locally/privately, and which environment its name states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostFacts {
    /// `localhost`, loopback, RFC 1918, link-local, `*.internal`/`*.local`, bare service names.
    pub private: bool,
    /// A managed database service on the internet (RDS, Azure, Supabase, Neon, PlanetScale…).
    pub managed: Option<&'static str>,
    pub environment: Option<(Environment, String)>,
}

/// What a (database) host name says by itself.
pub fn host_facts(host: &str) -> HostFacts {
    let h = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let private = is_private_host(&h);
    const MANAGED: &[(&str, &str)] = &[
        (".rds.amazonaws.com", "Amazon RDS"),
        (".rds.amazonaws.com.cn", "Amazon RDS (China)"),
        (
            ".postgres.database.azure.com",
            "Azure Database for PostgreSQL",
        ),
        (".mysql.database.azure.com", "Azure Database for MySQL"),
        (".database.windows.net", "Azure SQL"),
        (".supabase.co", "Supabase"),
        (".pooler.supabase.com", "Supabase pooler"),
        (".neon.tech", "Neon"),
        (".psdb.cloud", "PlanetScale"),
        (".db.ondigitalocean.com", "DigitalOcean managed database"),
        (".aivencloud.com", "Aiven"),
        (".cockroachlabs.cloud", "CockroachDB Cloud"),
        (".proxy.rlwy.net", "Railway"),
        (".render.com", "Render"),
        (".mongodb.net", "MongoDB Atlas"),
    ];
    let managed = MANAGED
        .iter()
        .find(|(suffix, _)| h.ends_with(suffix))
        .map(|(_, name)| *name);
    // Environment words in the host's labels, e.g. `prod-db.internal`, `db-production.x.com`,
    // `staging.db.example.net`. `live` is taken here (hosts rarely use it otherwise).
    let mut environment = None;
    'labels: for label in h.split('.') {
        for word in label.split(['-', '_']) {
            match word_environment(word) {
                Some(Environment::Production) => {
                    environment =
                        Some((Environment::Production, format!("host {h} names `{word}`")));
                    break 'labels;
                }
                Some(e) if environment.is_none() => {
                    environment = Some((e, format!("host {h} names `{word}`")))
                }
                _ => {}
            }
        }
    }
    if environment.is_none() && private && matches!(h.as_str(), "localhost" | "127.0.0.1" | "::1") {
        environment = Some((
            Environment::NonProduction,
            format!("host {h} is this machine (local development)"),
        ));
    }
    HostFacts {
        private,
        managed,
        environment,
    }
}

fn is_private_host(h: &str) -> bool {
    if h == "localhost" || h.ends_with(".localhost") || h == "::1" {
        return true;
    }
    if let Ok(ip) = h.parse::<std::net::Ipv4Addr>() {
        return ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified();
    }
    if let Ok(ip) = h.parse::<std::net::Ipv6Addr>() {
        let first = ip.segments()[0];
        return ip.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80;
    }
    // A bare name without dots is a docker-compose/k8s service name (`db`, `postgres`).
    !h.contains('.')
        || h.ends_with(".internal")
        || h.ends_with(".local")
        || h.ends_with(".svc")
        || h.ends_with(".svc.cluster.local")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::rules::{Confidence, Severity};
    use crate::scope::{Risk, Scope};
    use crate::secret::SecretValue;
    use crate::signals::Signals;
    use std::path::PathBuf;

    fn loc(path: &str, var: Option<&str>) -> Location {
        Location {
            origin: Origin::File {
                path: PathBuf::from(path),
            },
            line: 1,
            column: 1,
            end_column: 2,
            variable: var.map(String::from),
        }
    }

    fn finding(locs: Vec<Location>, by_token: Option<Environment>, breadth: Breadth) -> Finding {
        Finding {
            rule_id: "x.y".into(),
            rule_name: "x".into(),
            provider_id: "x".into(),
            provider_name: "X".into(),
            severity: Severity::High,
            confidence: Confidence::High,
            secret: SecretValue::new("s"),
            companion: None,
            locations: locs,
            fingerprint: String::new(),
            signals: Signals::default(),
            scope: Scope {
                environment: by_token.unwrap_or_default(),
                environment_by_token: by_token,
                breadth,
                ..Scope::default()
            },
            risk: Risk::Info,
        }
    }

    #[test]
    fn paths() {
        let p = |s| path_environment(s).map(|(e, _)| e);
        use Environment::*;
        assert_eq!(p(".env.production"), Some(Production));
        assert_eq!(p("app/.env.prod"), Some(Production));
        assert_eq!(p("k8s/overlays/production/secret.yaml"), Some(Production));
        assert_eq!(p("prod/config.yml"), Some(Production));
        assert_eq!(p(".env.staging"), Some(NonProduction));
        assert_eq!(p("staging/app.env"), Some(NonProduction));
        assert_eq!(p("test/helper.py"), Some(NonProduction));
        assert_eq!(p("src/tests/api.rs"), Some(NonProduction));
        assert_eq!(p("fixtures/keys.json"), Some(NonProduction));
        assert_eq!(p("dev/setup.sh"), Some(NonProduction));
        assert_eq!(
            p(".github/workflows/deploy-staging.yml"),
            Some(NonProduction)
        );
        assert_eq!(
            p(".github/workflows/deploy-production.yml"),
            Some(Production)
        );
        assert_eq!(p("tests/.env.production"), Some(Production));
        assert_eq!(p("src/live/reload.js"), None);
        assert_eq!(p("src/latest/contest.py"), None);
        assert_eq!(p(".env"), None);
    }

    #[test]
    fn variables() {
        let v = |s| variable_environment(s).map(|(e, _)| e);
        use Environment::*;
        assert_eq!(v("PROD_STRIPE_KEY"), Some(Production));
        assert_eq!(v("PRODUCTION_DB_URL"), Some(Production));
        assert_eq!(v("LIVE_SECRET"), Some(Production));
        assert_eq!(v("STAGING_STRIPE_KEY"), Some(NonProduction));
        assert_eq!(v("DEV_TOKEN"), Some(NonProduction));
        assert_eq!(v("TEST_KEY"), Some(NonProduction));
        assert_eq!(v("PROD_TEST_USER_TOKEN"), Some(Production));
        assert_eq!(v("STRIPE_SECRET_KEY"), None);
        assert_eq!(v("PRODUCT_ID"), None);
    }

    #[test]
    fn hosts() {
        let h = host_facts("prod-db.cluster-abc.us-east-1.rds.amazonaws.com");
        assert!(!h.private);
        assert_eq!(h.managed, Some("Amazon RDS"));
        assert_eq!(h.environment.map(|e| e.0), Some(Environment::Production));
        let h = host_facts("orders-production.postgres.database.azure.com");
        assert_eq!(h.environment.map(|e| e.0), Some(Environment::Production));
        let h = host_facts("staging.db.corp.net");
        assert_eq!(h.environment.map(|e| e.0), Some(Environment::NonProduction));
        assert!(host_facts("db").private);
        assert!(host_facts("10.1.2.3").private);
        assert!(host_facts("192.168.0.10").private);
        assert!(host_facts("172.20.0.5").private);
        assert!(!host_facts("172.40.0.5").private);
        assert!(host_facts("127.0.0.1").private);
        assert!(host_facts("[::1]").private);
        assert!(host_facts("db.internal").private);
        assert!(!host_facts("db.neon.tech").private);
        assert_eq!(
            host_facts("ep-x.eu-central-1.aws.neon.tech").managed,
            Some("Neon")
        );
    }

    #[test]
    fn context_decides_when_the_token_does_not() {
        let mut f = finding(vec![loc(".env.production", None)], None, Breadth::Project);
        apply(&mut f);
        assert_eq!(f.scope.environment, Environment::Production);
        assert!(!f.scope.cross_environment);
        let mut f = finding(vec![loc("staging/.env", None)], None, Breadth::Project);
        apply(&mut f);
        assert_eq!(f.scope.environment, Environment::NonProduction);
    }

    #[test]
    fn token_wins_and_cross_environment_is_flagged_idempotently() {
        let mut f = finding(
            vec![loc(".env.staging", Some("STRIPE_SECRET_KEY"))],
            Some(Environment::Production),
            Breadth::AccountWide,
        );
        apply(&mut f);
        apply(&mut f);
        assert_eq!(f.scope.environment, Environment::Production);
        assert!(f.scope.cross_environment);
        let exposure: Vec<_> = f
            .scope
            .evidence
            .iter()
            .filter(|e| e.field == "exposure")
            .collect();
        assert_eq!(exposure.len(), 2, "{exposure:?}");
        let env_ev = f
            .scope
            .evidence
            .iter()
            .filter(|e| e.field == "environment" && e.source == "path")
            .count();
        assert_eq!(env_ev, 1);
        // Token says test mode: a staging file is no exposure.
        let mut f = finding(
            vec![loc(".env.staging", None)],
            Some(Environment::NonProduction),
            Breadth::AccountWide,
        );
        apply(&mut f);
        assert!(!f.scope.cross_environment);
        assert_eq!(f.scope.environment, Environment::NonProduction);
    }

    #[test]
    fn production_location_plus_staging_location_is_cross_environment() {
        let mut f = finding(
            vec![loc(".env.production", None), loc(".env.staging", None)],
            None,
            Breadth::Project,
        );
        apply(&mut f);
        assert_eq!(f.scope.environment, Environment::Production);
        assert!(f.scope.cross_environment);
        // Probe later says it is a test-mode token: re-run clears the flag.
        f.scope.environment_by_token = Some(Environment::NonProduction);
        apply(&mut f);
        assert!(!f.scope.cross_environment);
        assert!(f.scope.evidence.iter().all(|e| e.field != "exposure"));
    }

    #[test]
    fn variable_alone_counts_and_broad_tokens_are_not_confined() {
        let mut f = finding(
            vec![loc("config/.env", Some("STAGING_STRIPE_KEY"))],
            Some(Environment::Production),
            Breadth::AccountWide,
        );
        apply(&mut f);
        assert!(f.scope.cross_environment);
        let mut f = finding(
            vec![loc("staging/run.sh", None)],
            None,
            Breadth::AccountWide,
        );
        apply(&mut f);
        assert_eq!(f.scope.environment, Environment::Unknown);
        assert!(!f.scope.cross_environment);
    }
}
