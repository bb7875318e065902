//! GitHub, GitLab, Stripe, Slack and AWS probes against the emulator: each case's exact scope
//! (status, breadth, access, destructive, environment) and risk.

use crate::probe::{assert_scope, run_case};
use tokenscope::scope::{Access, Breadth, Destructive, Environment, Risk, Status};

use Access as A;
use Breadth as B;
use Destructive as D;
use Environment as E;

const GHP: &str = "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";
const GHS: &str = "ghs_auZ0HRhTd8AbukB5QJAN1WRcdPj3eq2HPVuk";
const FINE: &str =
    "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";
const GLPAT: &str = "glpat-aB3dE5fG7hJ9kL1mN3pQ";
const SK_LIVE: &str = "sk_live_51Hq2ZtLkdIwHu7ixSomeLiveKeyWXYZ";
const SK_TEST: &str = "sk_test_51Hq2ZtLkdIwHu7ixSomeTestKeyWXYZ";
const RK_LIVE: &str = "rk_live_51Hq2ZtLkdIwHu7ixRestrictedWXYZ";
const XOXP: &str =
    "xoxp-2871635490218-2871635490311-5930274618375-1ad5c3a1d980352aed4ababa04f1761c";
const XOXB: &str = "xoxb-2871635490218-5930274618375-8CusyfKKfoE5w3061jEgPRC7";
const AKID: &str = "AKIAY34FZKBOKMUTVV7A";
const AWS_SECRET: &str = "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";

struct Case {
    provider: &'static str,
    case: &'static str,
    token: &'static str,
    companion: Option<&'static str>,
    want: (Status, B, A, D, E, Risk),
}

fn active() -> Status {
    Status::Active
}
fn unknown(r: &str) -> Status {
    Status::Unknown(r.into())
}

fn check(cases: Vec<Case>) {
    for c in cases {
        let (f, _) = run_case(c.provider, c.case, c.token, c.companion, None);
        let (status, b, a, d, e, risk) = c.want;
        eprintln!("{} {}", c.provider, c.case);
        if let Status::Inactive(_) = status {
            assert!(
                matches!(f.scope.status, Status::Inactive(_)),
                "{} {}: {:?}",
                c.provider,
                c.case,
                f.scope.status
            );
            assert_eq!(f.risk, risk, "{} {}", c.provider, c.case);
            continue;
        }
        assert_scope(&f, status, b, a, d, e, risk);
    }
}

/// The four faults every provider meets the same way.
fn faults(
    provider: &'static str,
    token: &'static str,
    companion: Option<&'static str>,
) -> Vec<Case> {
    let unk = |r: &str| {
        (
            unknown(r),
            B::Unknown,
            A::Unknown,
            D::Unknown,
            E::Unknown,
            Risk::Medium,
        )
    };
    ["rate-limited", "server-error", "malformed", "slow"]
        .into_iter()
        .zip([
            unk("rate limited"),
            unk("server error 500"),
            unk("unexpected response"),
            unk("timed out"),
        ])
        .map(|(case, want)| Case {
            provider,
            case,
            token,
            companion,
            want,
        })
        .collect()
}

fn inactive() -> (Status, B, A, D, E, Risk) {
    (
        Status::Inactive(String::new()),
        B::Unknown,
        A::Unknown,
        D::Unknown,
        E::Unknown,
        Risk::Low,
    )
}

#[test]
fn github() {
    let c = |case, token, want| Case {
        provider: "github",
        case,
        token,
        companion: None,
        want,
    };
    let mut cases = vec![
        c(
            "classic-admin",
            GHP,
            (
                active(),
                B::AccountWide,
                A::Admin,
                D::Yes,
                E::Unknown,
                Risk::Critical,
            ),
        ),
        c(
            "classic-read-only",
            GHP,
            (
                active(),
                B::Unknown,
                A::Read,
                D::Unknown,
                E::Unknown,
                Risk::Low,
            ),
        ),
        c(
            "fine-grained",
            FINE,
            (
                active(),
                B::Unknown,
                A::Unknown,
                D::Unknown,
                E::Unknown,
                Risk::Medium,
            ),
        ),
        c(
            "installation-selected",
            GHS,
            (
                active(),
                B::Resource,
                A::Unknown,
                D::Unknown,
                E::Unknown,
                Risk::Medium,
            ),
        ),
        c("revoked", GHP, inactive()),
        c(
            "rate-limited-403",
            GHP,
            (
                unknown("rate limited"),
                B::Unknown,
                A::Unknown,
                D::Unknown,
                E::Unknown,
                Risk::Medium,
            ),
        ),
    ];
    cases.extend(faults("github", GHP, None));
    check(cases);

    let (f, reqs) = run_case("github", "classic-admin", GHP, None, None);
    assert_eq!(f.scope.identity.as_deref(), Some("user octo-admin"));
    assert_eq!(
        f.scope.permissions,
        vec!["repo", "admin:org", "delete_repo", "workflow"]
    );
    assert!(f
        .scope
        .evidence
        .iter()
        .any(|e| e.source == "probe:GET /user/memberships/orgs" && e.detail.contains("acme")));
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert!(r.header("authorization").unwrap().starts_with("Bearer "));
        assert!(r.header("user-agent").is_some());
        assert_eq!(r.header("x-github-api-version"), Some("2022-11-28"));
    }
    // Fine-grained: live, not classified.
    let (f, reqs) = run_case("github", "fine-grained", FINE, None, None);
    assert_eq!(f.scope.identity.as_deref(), Some("user octo-fg"));
    assert_eq!(reqs.len(), 1);
    // Installation tokens never call /user.
    let (_, reqs) = run_case("github", "installation-selected", GHS, None, None);
    assert!(reqs
        .iter()
        .all(|r| r.path() == "/installation/repositories"));
}

#[test]
fn gitlab() {
    let c = |case, want| Case {
        provider: "gitlab",
        case,
        token: GLPAT,
        companion: None,
        want,
    };
    let mut cases = vec![
        c(
            "admin",
            (
                active(),
                B::AccountWide,
                A::Admin,
                D::Yes,
                E::Unknown,
                Risk::Critical,
            ),
        ),
        c(
            "read-only",
            (
                active(),
                B::Unknown,
                A::Read,
                D::Unknown,
                E::Unknown,
                Risk::Low,
            ),
        ),
        // A project/group bot with `api`: write, and `api` can delete what the bot owns.
        c(
            "project-bot",
            (
                active(),
                B::Unknown,
                A::Write,
                D::Yes,
                E::Unknown,
                Risk::High,
            ),
        ),
        c("revoked", inactive()),
        c("revoked-flag", inactive()),
    ];
    cases.extend(faults("gitlab", GLPAT, None));
    check(cases);
    let (f, reqs) = run_case("gitlab", "admin", GLPAT, None, None);
    assert_eq!(f.scope.identity.as_deref(), Some("user root"));
    assert_eq!(f.scope.permissions, vec!["api", "sudo"]);
    assert!(reqs.iter().all(|r| r.header("private-token").is_some()));
}

#[test]
fn stripe() {
    let c = |case, token, want| Case {
        provider: "stripe",
        case,
        token,
        companion: None,
        want,
    };
    let mut cases = vec![
        c(
            "secret-live",
            SK_LIVE,
            (
                active(),
                B::AccountWide,
                A::Admin,
                D::Yes,
                E::Production,
                Risk::Critical,
            ),
        ),
        // Test mode: the whole account's sandbox; no real money (derive_risk: non-production).
        c(
            "secret-test",
            SK_TEST,
            (
                active(),
                B::AccountWide,
                A::Admin,
                D::Yes,
                E::NonProduction,
                Risk::Medium,
            ),
        ),
        c(
            "restricted",
            RK_LIVE,
            (
                active(),
                B::Unknown,
                A::Read,
                D::Unknown,
                E::Production,
                Risk::Medium,
            ),
        ),
        c("revoked", SK_LIVE, inactive()),
    ];
    cases.extend(faults("stripe", SK_LIVE, None));
    check(cases);
    let (f, reqs) = run_case("stripe", "restricted", RK_LIVE, None, None);
    assert_eq!(
        f.scope.identity.as_deref(),
        Some("Stripe account acct_1Nv0FGQ9RKHgCVdK")
    );
    assert_eq!(
        f.scope.permissions,
        vec!["rak_charge_read", "rak_customer_read"]
    );
    assert!(reqs.iter().all(|r| r.method == "GET"));
    assert_eq!(reqs.len(), 9);
}

#[test]
fn slack() {
    let c = |case, token, want| Case {
        provider: "slack",
        case,
        token,
        companion: None,
        want,
    };
    let mut cases = vec![
        c(
            "admin",
            XOXP,
            (
                active(),
                B::Organization,
                A::Admin,
                D::Yes,
                E::Unknown,
                Risk::Critical,
            ),
        ),
        c(
            "bot-write",
            XOXB,
            (
                active(),
                B::Organization,
                A::Write,
                D::Unknown,
                E::Unknown,
                Risk::Medium,
            ),
        ),
        c(
            "read-only",
            XOXB,
            (
                active(),
                B::Organization,
                A::Read,
                D::Unknown,
                E::Unknown,
                Risk::Low,
            ),
        ),
        c("revoked", XOXB, inactive()),
    ];
    cases.extend(faults("slack", XOXB, None));
    check(cases);
    let (f, reqs) = run_case("slack", "bot-write", XOXB, None, None);
    assert_eq!(
        f.scope.identity.as_deref(),
        Some("bot deploybot in workspace Acme")
    );
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "POST");
    assert!(reqs[0].body.is_empty());
}

#[test]
fn aws() {
    let c = |case, want| Case {
        provider: "aws",
        case,
        token: AKID,
        companion: Some(AWS_SECRET),
        want,
    };
    let mut cases = vec![
        c(
            "root",
            (
                active(),
                B::AccountWide,
                A::Admin,
                D::Yes,
                E::Unknown,
                Risk::Critical,
            ),
        ),
        c(
            "admin-user",
            (
                active(),
                B::AccountWide,
                A::Admin,
                D::Yes,
                E::Unknown,
                Risk::Critical,
            ),
        ),
        c(
            "read-only-user",
            (active(), B::Unknown, A::Read, D::No, E::Unknown, Risk::Low),
        ),
        // Live, identity known, could not classify: distinct from "could not verify".
        c(
            "iam-denied",
            (
                active(),
                B::Unknown,
                A::Unknown,
                D::Unknown,
                E::Unknown,
                Risk::Medium,
            ),
        ),
        c("revoked", inactive()),
    ];
    cases.extend(faults("aws", AKID, Some(AWS_SECRET)));
    check(cases);

    let (f, reqs) = run_case("aws", "admin-user", AKID, Some(AWS_SECRET), None);
    assert_eq!(
        f.scope.identity.as_deref(),
        Some("arn:aws:iam::609629065308:user/ci/ci-deploy")
    );
    assert!(f
        .scope
        .permissions
        .contains(&"arn:aws:iam::aws:policy/AdministratorAccess".to_string()));
    let actions: Vec<&str> = reqs
        .iter()
        .filter_map(|r| r.body.split('&').find_map(|kv| kv.strip_prefix("Action=")))
        .collect();
    assert_eq!(
        actions,
        vec![
            "GetCallerIdentity",
            "ListAttachedUserPolicies",
            "ListUserPolicies",
            "ListGroupsForUser",
            "ListAttachedGroupPolicies"
        ]
    );
    // SigV4: the key id and scope are in the header, never the secret.
    let auth = reqs[0].header("authorization").unwrap();
    assert!(auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={AKID}/")));
    assert!(auth.contains("/us-east-1/sts/aws4_request"));
    assert!(reqs[1]
        .header("authorization")
        .unwrap()
        .contains("/us-east-1/iam/aws4_request"));
    for r in &reqs {
        assert!(!r.body.contains(AWS_SECRET));
        assert!(r.headers.iter().all(|(_, v)| !v.contains(AWS_SECRET)));
    }

    // Without the secret access key nothing is sent.
    let (f, reqs) = run_case("aws", "root", AKID, None, None);
    assert_eq!(f.scope.status, Status::NotProbed);
    assert!(reqs.is_empty());
}
