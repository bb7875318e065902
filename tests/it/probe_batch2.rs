//! The second batch of provider probes (OpenAI … GCP) against the emulator: each case's exact
//! scope (status, breadth, access, destructive, environment), risk, and what went on the wire.
//! Fault cases (429, 500, malformed) per provider; the slow case once for all providers, in
//! parallel, so it costs one request timeout.

use crate::emulator::{Emulator, Route};
use crate::probe::{assert_scope, cfg, run_case};
use std::time::{Duration, Instant};
use tokenscope::detect::Detectors;
use tokenscope::finding::Finding;
use tokenscope::probe;
use tokenscope::scope::{Access, Breadth, Destructive, Environment, Risk, Status};
use tokenscope::secret::SecretValue;

use Access as A;
use Breadth as B;
use Destructive as D;
use Environment as E;

const OPENAI_ADMIN: &str = "sk-admin-CYRwpJf88npDXFM3ThTkT3BlbkFJE_54WO0_MMleAowQuQyI";
const OPENAI_PROJ: &str = "sk-proj-oDd8tQLVKsr9EQDK9_R9T3BlbkFJ6LSUyDCwjL6gdiev7t46YT";
const ANT_ADMIN: &str = "sk-ant-admin01-Jd0jUK-fzqmY83DDts8DN5Mm8VUftfhdD-V1gny3UpGJgLuxf2ZQTzEJHzy8i6JLhXSBEK1gBzWpQ2EwZtQTinZeP0wtPAA";
const ANT_KEY: &str = "sk-ant-api03-tVHW9atAvJDbqhMGh3qwOrHWqrh0XXfSQpoiV-IfwtLRfjdagvcpb6q7F4SYTr7rk-ZMUKhzcqgtC9KJUenwDU_d3x9MLAA";
const CF_TOKEN: &str = "cfut_t71QdTNYnnHvIypYdQMYUmzGZGIiewKdbcuvLD6gbed13f33";
const CF_LEGACY: &str = "Yq8bT2vN5mK1xR7wL3pZ9cF6hJ0dS4gA2eU8iO5n";
const CF_GLOBAL: &str = "cfk_Cb6mzFlb9hHXePhPONUkPOXgiOKZAuEyQfS0ux297c79d39e";
const DO_TOKEN: &str = "dop_v1_4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b";
const VERCEL: &str = "Xk29fLp0Qw8Rt7Yz6Ab5Cd4E";
const FLY: &str =
    "fm2_lJPECAAAAAAAAMgUxBBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";
const HEROKU: &str = "HRKU-AAq8bT2vN5mK1xR7wL3pZ9cF6hJ0dS4gA2eU8iO5nYq8bT2vN5mK1xR7wL3pZ9cF";
const NPM: &str = "npm_r9Fq2LkT7xWb3Vd8Hs1Mz6Pc0Ny4Ja5Ge2Qu";
const HF: &str = "hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh";
const SBP: &str = "sbp_0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";
const SENDGRID: &str = "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";
const TW_TOKEN: &str = "9e1a3c5b7d9f1e3a5c7b9d1f3e5a7c9b";
const TW_AC: &str = "AC3f9b1c2d4e5f60718293a4b5c6d7e8f9";
const TW_SK: &str = "SK3f9b1c2d4e5f60718293a4b5c6d7e8f9";
const TW_KEY_SECRET: &str = "Zp4Lq8Rt2Vx6Bn0Mc3Kd7Fh1Gj5Hs9Wa";
const DD_API: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const DD_APP: &str = "a0b1c2d3e4f5061728394a5b6c7d8e9f0a1b2c3d";
const SENTRY_USER: &str = "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";
const SENTRY_ORG: &str = "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";
const SENTRY_SELF_HOSTED: &str = "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";
const LINEAR: &str = "lin_api_sBwh0vKNxV08vqjTTfccQYxeZMXvEzlAOL5ohW0E";
const NOTION: &str = "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";
const SHOPIFY: &str = "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";
const STORE: &str = "velvet-kettle.myshopify.com";
const DOCKER: &str = "dckr_pat_2b3e9f1a7c5d8e0f4a6b1c3d5e7";
const GCP_KEY: &str = include_str!("../../fixtures/providers/gcp/test-key.pem");
const GCP_EMAIL: &str = "ci-deployer@shop-prod-4821.iam.gserviceaccount.com";

type Want = (Status, B, A, D, E, Risk);

fn active(b: B, a: A, d: D, risk: Risk) -> Want {
    (Status::Active, b, a, d, E::Unknown, risk)
}
/// Live, not classified.
fn live() -> Want {
    active(B::Unknown, A::Unknown, D::Unknown, Risk::Medium)
}
fn unknown(reason: &str) -> Want {
    (
        Status::Unknown(reason.into()),
        B::Unknown,
        A::Unknown,
        D::Unknown,
        E::Unknown,
        Risk::Medium,
    )
}
fn inactive() -> Want {
    (
        Status::Inactive(String::new()),
        B::Unknown,
        A::Unknown,
        D::Unknown,
        E::Unknown,
        Risk::Low,
    )
}

fn check_one(f: &Finding, provider: &str, case: &str, want: Want) {
    eprintln!("{provider} {case}");
    if let Status::Inactive(_) = want.0 {
        assert!(
            matches!(f.scope.status, Status::Inactive(_)),
            "{provider} {case}: {:?}",
            f.scope.status
        );
        assert_eq!(f.risk, Risk::Low, "{provider} {case}");
        return;
    }
    let (status, b, a, d, e, risk) = want;
    assert_scope(f, status, b, a, d, e, risk);
}

/// Runs every case of a provider (plus its three fault fixtures) with one token/companion.
fn check(provider: &str, token: &str, companion: Option<&str>, cases: Vec<(&str, Want)>) {
    let faults = [
        ("rate-limited", unknown("rate limited")),
        ("server-error", unknown("server error 500")),
        ("malformed", unknown("unexpected response")),
    ];
    for (case, want) in cases.into_iter().chain(faults) {
        let (f, reqs) = run_case(provider, case, token, companion, None);
        assert!(!reqs.is_empty(), "{provider} {case}: nothing sent");
        for r in &reqs {
            assert!(
                matches!(r.method.as_str(), "GET" | "POST"),
                "{provider} {case}: {}",
                r.method
            );
        }
        check_one(&f, provider, case, want);
    }
}

fn header<'a>(r: &'a crate::emulator::Recorded, name: &str) -> &'a str {
    r.header(name).unwrap_or("")
}

#[test]
fn openai() {
    check(
        "openai",
        OPENAI_PROJ,
        None,
        vec![
            (
                "project-key",
                active(B::Project, A::Unknown, D::Unknown, Risk::Medium),
            ),
            (
                "restricted",
                active(B::Project, A::Unknown, D::Unknown, Risk::Medium),
            ),
            ("revoked", inactive()),
        ],
    );
    check(
        "openai",
        OPENAI_ADMIN,
        None,
        vec![
            (
                "admin-key",
                active(B::Organization, A::Admin, D::Yes, Risk::Critical),
            ),
            ("revoked", inactive()),
        ],
    );
    let (f, reqs) = run_case("openai", "project-key", OPENAI_PROJ, None, None);
    assert_eq!(
        f.scope.identity.as_deref(),
        Some("organization org-acme-robotics")
    );
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path(), "/v1/models");
    assert_eq!(
        header(&reqs[0], "authorization"),
        format!("Bearer {OPENAI_PROJ}")
    );
    // Admin keys never call the model API, and list projects one at a time.
    let (_, reqs) = run_case("openai", "admin-key", OPENAI_ADMIN, None, None);
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].target, "/v1/organization/projects?limit=1");
}

#[test]
fn anthropic() {
    check(
        "anthropic",
        ANT_KEY,
        None,
        vec![
            (
                "api-key",
                active(B::Unknown, A::Write, D::Unknown, Risk::Medium),
            ),
            ("revoked", inactive()),
        ],
    );
    check(
        "anthropic",
        ANT_ADMIN,
        None,
        vec![(
            "admin-key",
            active(B::Organization, A::Admin, D::Yes, Risk::Critical),
        )],
    );
    let (f, reqs) = run_case("anthropic", "admin-key", ANT_ADMIN, None, None);
    assert_eq!(
        f.scope.identity.as_deref(),
        Some("organization Acme Robotics (6f0a7c2e-1b3d-4e5f-8a9b-0c1d2e3f4a5b)")
    );
    assert_eq!(header(&reqs[0], "x-api-key"), ANT_ADMIN);
    assert_eq!(header(&reqs[0], "anthropic-version"), "2023-06-01");
    assert!(reqs[0].header("authorization").is_none());
}

#[test]
fn cloudflare() {
    check(
        "cloudflare",
        CF_TOKEN,
        None,
        vec![
            (
                "token-admin",
                active(B::AccountWide, A::Admin, D::Yes, Risk::Critical),
            ),
            (
                "token-zone-dns",
                active(B::Resource, A::Write, D::Yes, Risk::High),
            ),
            (
                "token-read-only",
                active(B::Organization, A::Read, D::No, Risk::Low),
            ),
            ("policies-unreadable", live()),
            ("disabled", inactive()),
            ("revoked", inactive()),
        ],
    );
    let (f, reqs) = run_case("cloudflare", "token-admin", CF_TOKEN, None, None);
    assert_eq!(
        f.scope.permissions,
        vec!["API Tokens Write", "DNS Write", "Zone Read"]
    );
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        reqs[1].path(),
        "/client/v4/user/tokens/ed17574386854bf78a67040be0a770b0"
    );
    // A legacy token may be account-owned: a refusal of the user verify call is not proof.
    let (f, _) = run_case("cloudflare", "revoked", CF_LEGACY, None, None);
    check_one(
        &f,
        "cloudflare",
        "revoked-legacy",
        unknown("not a live user token (revoked, or account-owned)"),
    );
    // The Global API Key needs the account e-mail: nothing is sent.
    let (f, reqs) = run_case("cloudflare", "token-admin", CF_GLOBAL, None, None);
    assert_eq!(f.scope.status, Status::NotProbed);
    assert!(reqs.is_empty());
}

#[test]
fn digitalocean() {
    check(
        "digitalocean",
        DO_TOKEN,
        None,
        vec![
            ("account", live()),
            ("scoped-no-account", live()),
            ("revoked", inactive()),
        ],
    );
    let (f, _) = run_case("digitalocean", "account", DO_TOKEN, None, None);
    assert_eq!(
        f.scope.identity.as_deref(),
        Some("ops@acme.example (team Acme Prod)")
    );
}

#[test]
fn vercel() {
    check(
        "vercel",
        VERCEL,
        None,
        vec![
            (
                "user-scope",
                active(B::AccountWide, A::Admin, D::Yes, Risk::Critical),
            ),
            (
                "team-scope",
                active(B::Organization, A::Admin, D::Yes, Risk::Critical),
            ),
            ("no-scope", live()),
            (
                "forbidden",
                unknown("forbidden: expired, or out of the token's scope"),
            ),
            ("revoked", inactive()),
        ],
    );
}

#[test]
fn flyio() {
    check(
        "flyio",
        FLY,
        None,
        vec![
            ("accepted", live()),
            ("apps", live()),
            ("revoked", inactive()),
        ],
    );
    let (_, reqs) = run_case("flyio", "apps", &format!("FlyV1 {FLY}"), None, None);
    assert_eq!(header(&reqs[0], "authorization"), format!("FlyV1 {FLY}"));
    assert_eq!(reqs[0].target, "/v1/apps?org_slug=");
    let (_, reqs) = run_case(
        "flyio",
        "apps",
        "fo1_q8bT2vN5mK1xR7wL3pZ9cF6hJ0dS4gA2eU8iO5nYq8",
        None,
        None,
    );
    assert!(header(&reqs[0], "authorization").starts_with("Bearer fo1_"));
}

#[test]
fn heroku() {
    check(
        "heroku",
        HEROKU,
        None,
        vec![
            (
                "api-key",
                active(B::AccountWide, A::Admin, D::Yes, Risk::Critical),
            ),
            ("identity-only", live()),
            ("revoked", inactive()),
        ],
    );
    let (f, reqs) = run_case("heroku", "api-key", HEROKU, None, None);
    assert_eq!(f.scope.identity.as_deref(), Some("user ops@acme.example"));
    assert!(reqs
        .iter()
        .all(|r| header(r, "accept") == "application/vnd.heroku+json; version=3"));
}

#[test]
fn npm() {
    check(
        "npm",
        NPM,
        None,
        vec![
            (
                "publish",
                active(B::AccountWide, A::Write, D::Unknown, Risk::Critical),
            ),
            ("read-only", active(B::Unknown, A::Read, D::No, Risk::Low)),
            ("granular", live()),
            ("revoked", inactive()),
        ],
    );
    let (f, reqs) = run_case("npm", "granular", NPM, None, None);
    assert_eq!(f.scope.identity.as_deref(), Some("user acme-bot"));
    assert_eq!(reqs.len(), 2);
}

#[test]
fn huggingface() {
    check(
        "huggingface",
        HF,
        None,
        vec![
            (
                "write-org-admin",
                active(B::AccountWide, A::Admin, D::Yes, Risk::Critical),
            ),
            ("read", active(B::Unknown, A::Read, D::No, Risk::Low)),
            (
                "fine-grained-repo",
                active(B::Resource, A::Read, D::No, Risk::Low),
            ),
            ("revoked", inactive()),
        ],
    );
    let (f, _) = run_case("huggingface", "fine-grained-repo", HF, None, None);
    assert_eq!(f.scope.permissions, vec!["repo.content.read"]);
}

#[test]
fn supabase() {
    check(
        "supabase",
        SBP,
        None,
        vec![
            (
                "pat",
                active(B::AccountWide, A::Admin, D::Yes, Risk::Critical),
            ),
            ("scoped", live()),
            ("revoked", inactive()),
        ],
    );
    let (f, reqs) = run_case(
        "supabase",
        "pat",
        "sb_secret_AbCdEfGhIjKlMnOpQrStUvWx",
        None,
        None,
    );
    assert_eq!(f.scope.status, Status::NotProbed);
    assert!(reqs.is_empty());
}

#[test]
fn sendgrid() {
    check(
        "sendgrid",
        SENDGRID,
        None,
        vec![
            (
                "full-access",
                active(B::AccountWide, A::Admin, D::Yes, Risk::Critical),
            ),
            (
                "mail-send",
                active(B::AccountWide, A::Write, D::Unknown, Risk::Critical),
            ),
            ("read-only", active(B::Unknown, A::Read, D::No, Risk::Low)),
            ("revoked", inactive()),
        ],
    );
}

#[test]
fn twilio() {
    check(
        "twilio",
        TW_TOKEN,
        Some(TW_AC),
        vec![
            (
                "auth-token-main",
                active(B::AccountWide, A::Admin, D::Yes, Risk::Critical),
            ),
            ("auth-token-suspended", inactive()),
            ("revoked", inactive()),
        ],
    );
    check(
        "twilio",
        TW_KEY_SECRET,
        Some(TW_SK),
        vec![
            (
                "api-key-main",
                active(B::AccountWide, A::Admin, D::Yes, Risk::Critical),
            ),
            (
                "api-key-standard",
                active(B::AccountWide, A::Write, D::Unknown, Risk::Critical),
            ),
            ("api-key-restricted", live()),
            ("revoked", inactive()),
        ],
    );
    let (f, reqs) = run_case("twilio", "auth-token-main", TW_TOKEN, Some(TW_AC), None);
    assert_eq!(
        f.scope.identity.as_deref(),
        Some("main account AC3f9b1c2d4e5f60718293a4b5c6d7e8f9 (Acme Notifications, Full)")
    );
    assert_eq!(reqs.len(), 1);
    assert!(header(&reqs[0], "authorization").starts_with("Basic "));
    // Without its SID nothing is sent.
    let (f, reqs) = run_case("twilio", "auth-token-main", TW_TOKEN, None, None);
    assert_eq!(f.scope.status, Status::NotProbed);
    assert!(reqs.is_empty());
}

#[test]
fn datadog() {
    check(
        "datadog",
        DD_API,
        None,
        vec![
            (
                "api-key",
                active(B::Organization, A::Write, D::No, Risk::Medium),
            ),
            ("revoked", inactive()),
        ],
    );
    check("datadog", DD_APP, Some(DD_API), vec![("app-key", live())]);
    let (f, reqs) = run_case("datadog", "api-key", DD_API, None, None);
    assert_eq!(f.scope.identity.as_deref(), Some("Datadog site us1"));
    assert_eq!(reqs.len(), 1);
    // Every site refused: one request per site, then inactive.
    let (_, reqs) = run_case("datadog", "revoked", DD_API, None, None);
    assert_eq!(reqs.len(), 9);
    let (_, reqs) = run_case("datadog", "app-key", DD_APP, Some(DD_API), None);
    assert_eq!(header(&reqs[0], "dd-api-key"), DD_API);
    assert_eq!(header(&reqs[0], "dd-application-key"), DD_APP);
    // An application key alone: nothing sent.
    let (f, reqs) = run_case("datadog", "app-key", DD_APP, None, None);
    assert_eq!(f.scope.status, Status::NotProbed);
    assert!(reqs.is_empty());
}

#[test]
fn sentry() {
    check(
        "sentry",
        SENTRY_USER,
        None,
        vec![
            (
                "admin",
                active(B::Organization, A::Admin, D::Yes, Risk::Critical),
            ),
            (
                "read-only",
                active(B::Organization, A::Read, D::No, Risk::Low),
            ),
            ("revoked", inactive()),
        ],
    );
    check(
        "sentry",
        SENTRY_ORG,
        None,
        vec![(
            "org-ci",
            active(B::Organization, A::Write, D::No, Risk::Medium),
        )],
    );
    let (f, _) = run_case("sentry", "admin", SENTRY_USER, None, None);
    assert_eq!(f.scope.identity.as_deref(), Some("user dana@acme.example"));
}

#[test]
fn sentry_self_hosted_org_token_is_not_sent_to_sentry_io() {
    // No --endpoint: the default base is sentry.io, the token names another instance.
    let f = probe::probe_secret(
        &cfg(Vec::new()),
        Detectors::builtin(),
        "sentry",
        SecretValue::new(SENTRY_SELF_HOSTED),
        None,
        None,
    )
    .unwrap();
    assert_eq!(f.scope.status, Status::NotProbed);
}

#[test]
fn linear() {
    check(
        "linear",
        LINEAR,
        None,
        vec![
            (
                "admin",
                active(B::Organization, A::Admin, D::Unknown, Risk::Medium),
            ),
            (
                "member",
                active(B::Organization, A::Unknown, D::Unknown, Risk::Medium),
            ),
            ("revoked", inactive()),
        ],
    );
    let (f, reqs) = run_case("linear", "admin", LINEAR, None, None);
    assert_eq!(
        f.scope.identity.as_deref(),
        Some("user dana@acme.example in workspace acme")
    );
    assert_eq!(reqs.len(), 1);
    assert_eq!(header(&reqs[0], "authorization"), LINEAR);
    let body: serde_json::Value = serde_json::from_str(&reqs[0].body).unwrap();
    assert!(body["query"].as_str().unwrap().starts_with("query {"));
}

#[test]
fn notion() {
    check(
        "notion",
        NOTION,
        None,
        vec![
            (
                "bot",
                active(B::Resource, A::Unknown, D::Unknown, Risk::Medium),
            ),
            ("revoked", inactive()),
        ],
    );
    let (f, _) = run_case("notion", "bot", NOTION, None, None);
    assert_eq!(
        f.scope.identity.as_deref(),
        Some("integration CI sync in workspace Acme HQ")
    );
}

#[test]
fn shopify() {
    check(
        "shopify",
        SHOPIFY,
        Some(STORE),
        vec![
            (
                "admin-scopes",
                active(B::Resource, A::Admin, D::Yes, Risk::Critical),
            ),
            ("read-only", active(B::Resource, A::Read, D::No, Risk::Low)),
            ("revoked", inactive()),
        ],
    );
    let (f, reqs) = run_case("shopify", "read-only", SHOPIFY, Some(STORE), None);
    assert_eq!(
        f.scope.identity.as_deref(),
        Some("store velvet-kettle.myshopify.com")
    );
    assert_eq!(header(&reqs[0], "x-shopify-access-token"), SHOPIFY);
    // No store domain: nothing sent.
    let (f, reqs) = run_case("shopify", "read-only", SHOPIFY, None, None);
    assert_eq!(f.scope.status, Status::NotProbed);
    assert!(reqs.is_empty());
    // A store name that is not one DNS label is refused before anything is sent.
    let f = probe::probe_secret(
        &cfg(Vec::new()),
        Detectors::builtin(),
        "shopify",
        SecretValue::new(SHOPIFY),
        Some(SecretValue::new("evil.com/x.myshopify.com")),
        None,
    )
    .unwrap();
    assert!(
        matches!(&f.scope.status, Status::Unknown(r) if r.starts_with("request refused")),
        "{:?}",
        f.scope.status
    );
}

#[test]
fn dockerhub() {
    check(
        "dockerhub",
        DOCKER,
        Some("acmeci"),
        vec![
            (
                "admin",
                active(B::AccountWide, A::Admin, D::Yes, Risk::Critical),
            ),
            ("read", active(B::Unknown, A::Read, D::No, Risk::Low)),
            (
                "revoked",
                unknown("refused: revoked token, or the wrong username"),
            ),
        ],
    );
    let (f, reqs) = run_case("dockerhub", "admin", DOCKER, Some("acmeci"), None);
    assert_eq!(f.scope.identity.as_deref(), Some("Docker Hub user acmeci"));
    assert_eq!(f.scope.permissions, vec!["repo:admin"]);
    assert_eq!(reqs.len(), 1);
    let body: serde_json::Value = serde_json::from_str(&reqs[0].body).unwrap();
    assert_eq!(body.as_object().unwrap().len(), 2);
    assert_eq!(body["identifier"], "acmeci");
    let (f, reqs) = run_case("dockerhub", "admin", DOCKER, None, None);
    assert_eq!(f.scope.status, Status::NotProbed);
    assert!(reqs.is_empty());
}

#[test]
fn gcp() {
    check(
        "gcp",
        GCP_KEY,
        Some(GCP_EMAIL),
        vec![
            ("key-live", live()),
            ("key-rotated", inactive()),
            ("deleted-account", inactive()),
        ],
    );
    // As found in a key file: JSON-escaped newlines.
    let escaped = GCP_KEY.replace('\n', "\\n");
    let (f, reqs) = run_case("gcp", "key-live", &escaped, Some(GCP_EMAIL), None);
    assert_eq!(f.scope.status, Status::Active);
    // Nothing but the public e-mail goes out: no credential, no body.
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].path(),
        format!("/robot/v1/metadata/x509/{GCP_EMAIL}")
    );
    assert!(reqs[0].header("authorization").is_none());
    assert!(reqs[0].body.is_empty());
    // An unreadable key: the account exists, the key cannot be compared.
    let (f, _) = run_case(
        "gcp",
        "key-live",
        "-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----",
        Some(GCP_EMAIL),
        None,
    );
    assert_eq!(
        f.scope.status,
        Status::Unknown("the private key could not be read to compare".into())
    );
}

/// The slow case for every batch-2 provider at once: a right answer after 3 s, past the 1 s
/// request timeout, is "timed out" (never inactive). Run in parallel: one timeout in all.
#[test]
fn slow_answers_time_out_for_every_provider() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("openai", OPENAI_PROJ, None),
        ("anthropic", ANT_KEY, None),
        ("cloudflare", CF_TOKEN, None),
        ("digitalocean", DO_TOKEN, None),
        ("vercel", VERCEL, None),
        ("flyio", FLY, None),
        ("heroku", HEROKU, None),
        ("npm", NPM, None),
        ("huggingface", HF, None),
        ("supabase", SBP, None),
        ("sendgrid", SENDGRID, None),
        ("twilio", TW_TOKEN, Some(TW_AC)),
        ("datadog", DD_API, None),
        ("sentry", SENTRY_USER, None),
        ("linear", LINEAR, None),
        ("notion", NOTION, None),
        ("shopify", SHOPIFY, Some(STORE)),
        ("dockerhub", DOCKER, Some("acmeci")),
        ("gcp", GCP_KEY, Some(GCP_EMAIL)),
    ];
    let started = Instant::now();
    let handles: Vec<_> = cases
        .iter()
        .map(|&(provider, token, companion)| {
            std::thread::spawn(move || {
                let emu = Emulator::start(vec![Route {
                    status: 200,
                    body: "{}".into(),
                    delay_ms: 3000,
                    ..Route::default()
                }]);
                let f = probe::probe_secret(
                    &cfg(vec![emu.endpoint(provider)]),
                    Detectors::builtin(),
                    provider,
                    SecretValue::new(token),
                    companion.map(SecretValue::new),
                    None,
                )
                .unwrap();
                (provider, f)
            })
        })
        .collect();
    for h in handles {
        let (provider, f) = h.join().unwrap();
        check_one(&f, provider, "slow", unknown("timed out"));
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}
