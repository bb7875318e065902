//! Railway probe against the emulator: every case's exact scope and risk.

use crate::probe::{assert_scope, run_case};
use tokenscope::scope::{Access, Breadth, Destructive, Environment, Risk, Status};

const TOKEN: &str = "2f6a3c1e-8d4b-4a7f-9e2c-1b0d3f5a7c9e";

fn unknown(reason: &str) -> Status {
    Status::Unknown(reason.into())
}

#[test]
fn project_token_for_staging_is_one_non_production_environment() {
    let (f, reqs) = run_case("railway", "project-staging", TOKEN, None, Some("project"));
    assert_scope(
        &f,
        Status::Active,
        Breadth::Environment,
        Access::Write,
        Destructive::Unknown,
        Environment::NonProduction,
        Risk::Medium,
    );
    assert!(f.scope.identity.as_deref().unwrap().contains("\"staging\""));
    // Project kind first, with its own header; nothing sent as Bearer.
    assert_eq!(reqs.len(), 2);
    assert!(reqs
        .iter()
        .all(|r| r.header("project-access-token").is_some()));
    assert!(reqs.iter().all(|r| r.header("authorization").is_none()));
    assert!(f
        .scope
        .evidence
        .iter()
        .any(|e| e.source == "probe:POST /graphql/v2" && e.field == "environment"));
}

#[test]
fn project_token_for_production_is_high() {
    let (f, _) = run_case(
        "railway",
        "project-production",
        TOKEN,
        None,
        Some("project"),
    );
    assert_scope(
        &f,
        Status::Active,
        Breadth::Environment,
        Access::Write,
        Destructive::Unknown,
        Environment::Production,
        Risk::High,
    );
}

#[test]
fn account_token_is_account_wide_admin_and_destructive() {
    let (f, reqs) = run_case("railway", "account", TOKEN, None, Some("account"));
    assert_scope(
        &f,
        Status::Active,
        Breadth::AccountWide,
        Access::Admin,
        Destructive::Yes,
        Environment::Unknown,
        Risk::Critical,
    );
    assert_eq!(
        f.scope.identity.as_deref(),
        Some("user Dana Ops <dana@example.com>")
    );
    // The account hint asks `me` first: one request.
    assert_eq!(reqs.len(), 1);
    assert!(f
        .scope
        .evidence
        .iter()
        .any(|e| e.field == "destructive" && e.detail.contains("volumes")));
}

#[test]
fn account_token_in_railway_token_is_still_found_after_the_project_try() {
    let (f, reqs) = run_case("railway", "account", TOKEN, None, Some("project"));
    assert_eq!(f.scope.breadth, Breadth::AccountWide);
    assert_eq!(f.risk, Risk::Critical);
    assert_eq!(reqs.len(), 2);
}

#[test]
fn workspace_token_is_organization_wide() {
    let (f, _) = run_case("railway", "workspace", TOKEN, None, Some("account"));
    assert_scope(
        &f,
        Status::Active,
        Breadth::Organization,
        Access::Admin,
        Destructive::Yes,
        Environment::Unknown,
        Risk::Critical,
    );
    assert_eq!(f.scope.identity.as_deref(), Some("workspace Acme"));
}

#[test]
fn revoked_token_is_inactive() {
    for case in ["revoked", "revoked-401"] {
        let (f, reqs) = run_case("railway", case, TOKEN, None, None);
        assert!(
            matches!(f.scope.status, Status::Inactive(_)),
            "{case}: {:?}",
            f.scope.status
        );
        assert_eq!(f.risk, Risk::Low, "{case}");
        // All three kinds were tried before concluding.
        assert_eq!(reqs.len(), 3, "{case}");
    }
}

#[test]
fn faults_are_unknown_never_inactive() {
    let started = std::time::Instant::now();
    let (f, reqs) = run_case("railway", "rate-limited", TOKEN, None, None);
    assert_scope(
        &f,
        unknown("rate limited"),
        Breadth::Unknown,
        Access::Unknown,
        Destructive::Unknown,
        Environment::Unknown,
        Risk::Medium,
    );
    // Retry-After: 1 honoured once, then given up.
    assert_eq!(reqs.len(), 2);
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));

    let (f, _) = run_case("railway", "server-error", TOKEN, None, None);
    assert_eq!(f.scope.status, unknown("server error 500"));
    let (f, _) = run_case("railway", "malformed", TOKEN, None, None);
    assert_eq!(f.scope.status, unknown("unexpected response"));
    let (f, _) = run_case("railway", "slow", TOKEN, None, None);
    assert_eq!(f.scope.status, unknown("timed out"));
    assert_eq!(f.risk, Risk::Medium);
}

#[test]
fn environment_names() {
    use tokenscope::probe::railway::environment_of;
    assert_eq!(environment_of("production"), Some(Environment::Production));
    assert_eq!(environment_of("Prod-EU"), Some(Environment::Production));
    assert_eq!(environment_of("staging"), Some(Environment::NonProduction));
    assert_eq!(environment_of("pr-42"), Some(Environment::NonProduction));
    assert_eq!(environment_of("main"), None);
    assert_eq!(environment_of("reproduction"), None);
}
