//! The probe framework: registry, the client's refusals, the stage's limits, and a walk of every
//! registered probe against a recording emulator.

use crate::emulator::{self, Emulator, Recorded, Route};
use std::time::{Duration, Instant};
use tokenscope::config::ProbeConfig;
use tokenscope::detect::Detectors;
use tokenscope::finding::Finding;
use tokenscope::probe::client::{path_matches, Client};
use tokenscope::probe::{self, graphql, BodyRule, Fault, Http, Method, Request, REGISTRY};
use tokenscope::scope::{Access, Breadth, Destructive, Environment, Risk, Status};
use tokenscope::secret::SecretValue;

/// Probe settings for tests: 1 s per request, 20 s for the stage.
pub fn cfg(endpoints: Vec<(String, String)>) -> ProbeConfig {
    ProbeConfig {
        enabled: true,
        endpoints,
        concurrency: 8,
        total_timeout_secs: 20,
        request_timeout_secs: 1,
        databases: false,
    }
}

/// Probes one secret with `provider`'s probe against the emulator serving `case`.
pub fn run_case(
    provider: &str,
    case: &str,
    secret: &str,
    companion: Option<&str>,
    hint: Option<&str>,
) -> (Finding, Vec<Recorded>) {
    let emu = Emulator::fixture(provider, case);
    let f = probe::probe_secret(
        &cfg(vec![emu.endpoint(provider)]),
        Detectors::builtin(),
        provider,
        SecretValue::new(secret),
        companion.map(SecretValue::new),
        hint,
    )
    .expect("registered provider");
    let reqs = emu.requests();
    assert_on_allowlist(provider, &reqs);
    (f, reqs)
}

/// The exact verdict: status, breadth, access, destructive, environment, risk.
pub fn assert_scope(
    f: &Finding,
    status: Status,
    breadth: Breadth,
    access: Access,
    destructive: Destructive,
    environment: Environment,
    risk: Risk,
) {
    let s = &f.scope;
    let got = (
        &s.status,
        s.breadth,
        s.access,
        s.destructive,
        s.environment,
        f.risk,
    );
    assert_eq!(
        got,
        (&status, breadth, access, destructive, environment, risk),
        "evidence: {:#?}",
        s.evidence
    );
}

/// Every recorded request is on the probe's allowlist (checked here independently of the
/// client): method, path pattern, body rule; no GraphQL mutation; AWS actions read-only.
pub fn assert_on_allowlist(provider: &str, reqs: &[Recorded]) {
    let p = probe::registered(provider).expect("registered");
    for r in reqs {
        let ok = p.allowlist().iter().any(|a| {
            a.method.as_str() == r.method
                && path_matches(a.path, r.path())
                && match a.body {
                    BodyRule::None => r.body.is_empty(),
                    BodyRule::Empty => r.body.is_empty() && !r.target.contains('?'),
                    BodyRule::GraphqlQuery => {
                        let v: serde_json::Value =
                            serde_json::from_str(&r.body).unwrap_or_default();
                        v["query"]
                            .as_str()
                            .is_some_and(|q| graphql::check_read_only(q).is_ok())
                    }
                    BodyRule::JsonCredentials(keys) => {
                        probe::client::check_json_credentials(&r.body, keys).is_ok()
                            && !r.target.contains('?')
                    }
                    BodyRule::AwsQuery(actions) => r.body.split('&').any(|kv| {
                        kv.strip_prefix("Action=").is_some_and(|act| {
                            actions.contains(&act)
                                && (act.starts_with("Get")
                                    || act.starts_with("List")
                                    || act.starts_with("Simulate"))
                        })
                    }),
                }
        });
        assert!(
            ok,
            "{provider}: request off the allowlist: {} {}",
            r.method, r.target
        );
        assert!(
            !r.body.contains("mutation"),
            "{provider}: a body mentions mutation: {} {}",
            r.method,
            r.path()
        );
        assert!(
            matches!(r.method.as_str(), "GET" | "HEAD" | "POST"),
            "{provider}: method {}",
            r.method
        );
    }
}

#[test]
fn every_probe_named_by_a_detector_is_registered() {
    // Providers of providers.md whose probe the next batch adds (detector files for them land
    // first). Remove a name when its probe lands: the test fails if a name here is registered,
    // so the list only shrinks; any other unregistered name (a typo) fails at once.
    const PENDING: &[&str] = &["pypi", "azure", "database"];
    let det = Detectors::builtin();
    let mut missing = Vec::new();
    for r in &det.rules {
        if let Some(p) = &r.def.probe {
            if probe::registered(p).is_none() && !PENDING.contains(&p.as_str()) {
                missing.push(format!("{} names probe {p:?}", r.id()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "unregistered probes:\n{}",
        missing.join("\n")
    );
    for p in PENDING {
        assert!(
            probe::registered(p).is_none(),
            "{p} is registered now: remove it from PENDING"
        );
    }
    let mut ids: Vec<&str> = REGISTRY.iter().map(|p| p.id()).collect();
    ids.sort();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate probe ids");
}

#[test]
fn every_probe_declares_read_only_calls_on_https_hosts() {
    for p in REGISTRY {
        assert!(!p.bases().is_empty(), "{}", p.id());
        for b in p.bases() {
            assert!(b.url.starts_with("https://"), "{}: {}", p.id(), b.url);
        }
        for a in p.allowlist() {
            assert!(
                p.bases().iter().any(|b| b.key == a.base),
                "{}: unknown base {}",
                p.id(),
                a.base
            );
            match a.method {
                Method::Get | Method::Head => assert_eq!(a.body, BodyRule::None, "{}", p.id()),
                Method::Post => assert_ne!(a.body, BodyRule::None, "{}", p.id()),
                m => panic!("{}: allowlist has {}", p.id(), m.as_str()),
            }
        }
    }
}

/// A plausible token for each provider, so each probe takes its main path.
fn sample_token(provider: &str) -> (&'static str, Option<&'static str>) {
    match provider {
        "github" => ("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", None),
        "gitlab" => ("glpat-aB3dE5fG7hJ9kL1mN3pQ", None),
        "stripe" => ("rk_live_51Habcdefghijklmnopqrstuvwx", None),
        "slack" => (
            "xoxb-1234567890-1234567890123-abcdefghijklmnopqrstuvwx",
            None,
        ),
        "aws" => (
            "AKIAY34FZKBOKMUTVV7A",
            Some("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        ),
        // Probes that need a companion value send nothing without one.
        "twilio" => (
            "9e1a3c5b7d9f1e3a5c7b9d1f3e5a7c9b",
            Some("AC3f9b1c2d4e5f60718293a4b5c6d7e8f9"),
        ),
        "shopify" => (
            "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",
            Some("velvet-kettle.myshopify.com"),
        ),
        "dockerhub" => ("dckr_pat_2b3e9f1a7c5d8e0f4a6b1c3d5e7", Some("acmeci")),
        "gcp" => (
            include_str!("../../fixtures/providers/gcp/test-key.pem"),
            Some("ci-deployer@shop-prod-4821.iam.gserviceaccount.com"),
        ),
        _ => ("2f6a3c1e-8d4b-4a7f-9e2c-1b0d3f5a7c9e", None),
    }
}

/// Generic answers every probe may meet, besides its own fixtures.
fn generic_routes() -> Vec<Vec<Route>> {
    let all = |status: u16, body: &str| {
        vec![Route {
            status,
            body: body.into(),
            ..Route::default()
        }]
    };
    vec![
        all(200, "{}"),
        all(200, "[]"),
        all(401, "{\"message\":\"Bad credentials\"}"),
        all(403, "{\"error\":{\"message\":\"forbidden\"}}"),
        all(404, "not found"),
    ]
}

#[test]
fn every_registered_probe_stays_on_its_allowlist() {
    for p in REGISTRY {
        let (token, companion) = sample_token(p.id());
        let mut sets: Vec<(String, Vec<Route>)> = generic_routes()
            .into_iter()
            .enumerate()
            .map(|(i, r)| (format!("generic-{i}"), r))
            .collect();
        for case in emulator::cases(p.id()) {
            sets.push((case.clone(), emulator::load(p.id(), &case)));
        }
        for (name, routes) in sets {
            let emu = Emulator::start(routes);
            // Hints change the order of calls only where a probe reads them (Railway).
            let hints: &[Option<&str>] = if p.id() == "railway" {
                &[None, Some("account")]
            } else {
                &[None]
            };
            for &hint in hints {
                let _ = probe::probe_secret(
                    &cfg(vec![emu.endpoint(p.id())]),
                    Detectors::builtin(),
                    p.id(),
                    SecretValue::new(token),
                    companion.map(SecretValue::new),
                    hint,
                );
            }
            let reqs = emu.requests();
            assert!(
                !reqs.is_empty() || p.id() == "none",
                "{} {name}: probe sent nothing",
                p.id()
            );
            assert_on_allowlist(p.id(), &reqs);
        }
    }
}

fn client() -> Client {
    Client::new(
        Duration::from_secs(2),
        Instant::now() + Duration::from_secs(10),
    )
    .unwrap()
}

fn railway_http<'a>(c: &'a Client, url: &str) -> Result<Http<'a>, Fault> {
    let p = probe::registered("railway").unwrap();
    Http::new(
        c,
        "railway",
        p.bases(),
        p.allowlist(),
        &[("railway".to_string(), url.to_string())],
    )
}

fn refused(r: Result<impl std::fmt::Debug, Fault>) -> String {
    match r {
        Err(Fault::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn client_refuses_off_allowlist_delete_mutation_and_bad_bodies() {
    let emu = Emulator::start(vec![Route {
        status: 200,
        body: "{}".into(),
        ..Route::default()
    }]);
    let c = client();
    let http = railway_http(&c, &emu.url()).unwrap();
    let q = |doc: &str| Request::graphql("api", "/graphql/v2", doc, serde_json::Value::Null);
    // Off the allowlist: another path, a traversal, GET on a POST-only path.
    refused(http.send(&q("query { me { id } }").tap_path("/graphql/v1")));
    refused(http.send(&q("query { me { id } }").tap_path("/graphql/v2/../admin")));
    refused(http.send(&Request::get("api", "/graphql/v2")));
    // Any method but GET/HEAD/POST.
    let mut del = q("query { me { id } }");
    del.method = Method::Delete;
    assert!(refused(http.send(&del)).contains("DELETE"));
    let mut put = q("query { me { id } }");
    put.method = Method::Put;
    refused(http.send(&put));
    // Mutations, however hidden.
    for doc in [
        "mutation { projectDelete(id: \"p\") }",
        "query { me { id } }\nmutation { volumeDelete(volumeId: \"v\") }",
        "# a comment\nmutation { serviceDelete(id: \"s\") }",
        "subscription { deploymentLogs { message } }",
    ] {
        assert!(refused(http.send(&q(doc))).contains("GraphQL"), "{doc}");
    }
    // Bodies that hide the operation.
    let persisted = Request::post(
        "api",
        "/graphql/v2",
        r#"{"extensions":{"persistedQuery":{"sha256Hash":"abc"}}}"#,
    );
    refused(http.send(&persisted));
    refused(http.send(&Request::post("api", "/graphql/v2", "not json")));
    assert!(
        emu.requests().is_empty(),
        "a refused request reached the server"
    );
    // And a proper query goes through.
    assert!(http.send(&q("query { me { id } }")).is_ok());
    assert_eq!(emu.requests().len(), 1);
}

trait TapPath {
    fn tap_path(self, p: &str) -> Self;
}
impl TapPath for Request {
    fn tap_path(mut self, p: &str) -> Self {
        self.path = p.to_string();
        self
    }
}

#[test]
fn client_refuses_plain_http_off_loopback_and_bad_endpoints() {
    let c = client();
    for url in [
        "http://example.com",
        "http://10.0.0.5:8080",
        "http://192.168.1.10",
        "https://user:pw@example.com",
        "ftp://127.0.0.1",
        "https://example.com/?x=1",
    ] {
        assert!(
            matches!(railway_http(&c, url), Err(Fault::Refused(_))),
            "{url}"
        );
    }
    assert!(railway_http(&c, "https://railway.internal.example").is_ok());
    assert!(railway_http(&c, "http://localhost:1").is_ok());
    // The official default is https.
    let p = probe::registered("railway").unwrap();
    assert!(Http::new(&c, "railway", p.bases(), p.allowlist(), &[]).is_ok());
    // Through the whole stage: the finding says why, nothing is sent.
    let f = probe::probe_secret(
        &cfg(vec![("railway".into(), "http://example.com".into())]),
        Detectors::builtin(),
        "railway",
        SecretValue::new("2f6a3c1e-8d4b-4a7f-9e2c-1b0d3f5a7c9e"),
        None,
        None,
    )
    .unwrap();
    match &f.scope.status {
        Status::Unknown(r) => assert!(r.starts_with("request refused"), "{r}"),
        s => panic!("{s:?}"),
    }
}

#[test]
fn redirects_are_not_followed_to_another_host() {
    let other = Emulator::start(vec![Route {
        status: 200,
        body: "{\"data\":{\"me\":{\"id\":\"x\"}}}".into(),
        ..Route::default()
    }]);
    let emu = Emulator::start(vec![Route {
        status: 307,
        reply_headers: vec![(
            "location".into(),
            format!("http://127.0.0.2:{}/graphql/v2", other.port),
        )],
        ..Route::default()
    }]);
    let f = probe::probe_secret(
        &cfg(vec![emu.endpoint("railway")]),
        Detectors::builtin(),
        "railway",
        SecretValue::new("2f6a3c1e-8d4b-4a7f-9e2c-1b0d3f5a7c9e"),
        None,
        Some("account"),
    )
    .unwrap();
    assert_eq!(
        f.scope.status,
        Status::Unknown("redirect 307 not followed".into())
    );
    assert_eq!(emu.requests().len(), 1);
    assert!(other.requests().is_empty(), "the token followed a redirect");
}

#[test]
fn stage_probes_each_secret_once_and_respects_the_deadline() {
    // Three findings, two of them the same secret: two probes, each sent once per kind tried.
    let emu = Emulator::fixture("railway", "slow");
    let mut c = cfg(vec![emu.endpoint("railway")]);
    c.total_timeout_secs = 2;
    c.request_timeout_secs = 10;
    let det = Detectors::builtin();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "RAILWAY_TOKEN=2f6a3c1e-8d4b-4a7f-9e2c-1b0d3f5a7c9e\n\
         OTHER_RAILWAY_TOKEN=2f6a3c1e-8d4b-4a7f-9e2c-1b0d3f5a7c9e\n\
         RAILWAY_API_TOKEN=7d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a\n",
    )
    .unwrap();
    let scan = tokenscope::ScanConfig {
        paths: vec![dir.path().to_path_buf()],
        probe: c,
        quiet: true,
        progress: false,
        ..tokenscope::ScanConfig::default()
    };
    let started = Instant::now();
    let out = tokenscope::run_scan(&scan).unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(6), "stage overran: {took:?}");
    let _ = det;
    for f in &out.findings {
        assert!(
            matches!(&f.scope.status, Status::Unknown(r) if r.contains("deadline") || r.contains("timed out")),
            "{:?}",
            f.scope.status
        );
    }
    // Two distinct secrets: at most two first requests in flight at once.
    assert!(emu.requests().len() <= 2, "{}", emu.requests().len());
}

#[test]
fn probe_subcommand_reads_one_token_from_stdin() {
    let emu = Emulator::fixture("railway", "account");
    let token = "2f6a3c1e-8d4b-4a7f-9e2c-1b0d3f5a7c9e";
    let out = assert_cmd::Command::cargo_bin("tokenscope")
        .unwrap()
        .args(["probe", "--provider", "railway", "--format", "json"])
        .args(["--endpoint", &format!("railway={}", emu.url())])
        .write_stdin(format!("{token}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains(token) && !String::from_utf8_lossy(&out.stderr).contains(token));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["scope"]["breadth"], "account-wide");
    assert_eq!(v["risk"], "critical");
    // Text format, and an unknown provider is a usage error.
    let out = assert_cmd::Command::cargo_bin("tokenscope")
        .unwrap()
        .args(["probe", "--provider", "railway"])
        .args(["--endpoint", &format!("railway={}", emu.url())])
        .write_stdin(token)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("breadth:      account-wide"), "{text}");
    assert!(text.contains("action:       revoke"), "{text}");
    let out = assert_cmd::Command::cargo_bin("tokenscope")
        .unwrap()
        .args(["probe", "--provider", "nosuch"])
        .write_stdin(token)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(token));
}

#[test]
fn canaries_are_never_probed_and_say_so() {
    let emu = Emulator::fixture("railway", "account");
    let det = Detectors::builtin();
    let secret = SecretValue::new("2f6a3c1e-8d4b-4a7f-9e2c-1b0d3f5a7c9e");
    let mut f = Finding {
        rule_id: "railway.account-token".into(),
        rule_name: "Railway account or workspace token".into(),
        provider_id: "railway".into(),
        provider_name: "Railway".into(),
        severity: Default::default(),
        confidence: Default::default(),
        fingerprint: secret.fingerprint(),
        secret,
        companion: None,
        locations: Vec::new(),
        signals: Default::default(),
        scope: Default::default(),
        risk: Risk::Medium,
    };
    f.signals.canary = Some("Thinkst Canarytokens".into());
    f.scope.canary = f.signals.canary.clone();
    let mut findings = vec![f];
    probe::probe_findings(&cfg(vec![emu.endpoint("railway")]), det, &mut findings);
    assert!(emu.requests().is_empty(), "a canary was probed");
    assert!(findings[0]
        .scope
        .evidence
        .iter()
        .any(|e| e.detail.contains("not probed: known canary")));
}
