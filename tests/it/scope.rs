//! The scope model end to end: the `prod-mix` workspace mixes production and test keys of several
//! providers; every finding's rule, breadth, environment, risk and cross-environment flag is
//! asserted, then `--fail-on` exit codes and the baseline round trip.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/workspaces/prod-mix")
}

/// Runs `tokenscope scan <target> --format json <extra…>` inside the workspace (so paths are
/// workspace-relative and the fixture's own directory name is not part of any path).
fn scan(target: &str, extra: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("tokenscope")
        .unwrap()
        .current_dir(workspace())
        .args(["scan", target, "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, json)
}

/// (rule, path, breadth, environment, risk, cross_environment)
type Row = (String, String, String, String, String, bool);

fn rows(report: &Value) -> Vec<Row> {
    let mut rows: Vec<Row> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = &f["scope"];
            let path = f["locations"][0]["path"].as_str().unwrap();
            (
                f["rule"].as_str().unwrap().to_string(),
                path.trim_start_matches("./").to_string(),
                s["breadth"].as_str().unwrap().to_string(),
                s["environment"].as_str().unwrap().to_string(),
                f["risk"].as_str().unwrap().to_string(),
                s["cross_environment"].as_bool().unwrap(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn row(rule: &str, path: &str, breadth: &str, env: &str, risk: &str, cross: bool) -> Row {
    (
        rule.into(),
        path.into(),
        breadth.into(),
        env.into(),
        risk.into(),
        cross,
    )
}

#[test]
fn every_finding_gets_the_expected_scope_and_risk() {
    let (_, report) = scan(".", &[]);
    let mut want = vec![
        // Token-intrinsic environment (sk_test_/rk_test_) wins over the file's.
        row(
            "stripe.test-secret-key",
            ".env.development",
            "account-wide",
            "non-production",
            "medium",
            false,
        ),
        row(
            "stripe.test-restricted-key",
            ".env.development",
            "unknown",
            "non-production",
            "medium",
            false,
        ),
        row(
            "stripe.live-secret-key",
            ".env.production",
            "account-wide",
            "production",
            "critical",
            false,
        ),
        // Environment from the path; service_role bypasses row-level security.
        row(
            "supabase.service-role-jwt",
            ".env.production",
            "project",
            "production",
            "critical",
            false,
        ),
        // anon keys are public by design.
        row(
            "supabase.anon-jwt",
            ".env.production",
            "project",
            "production",
            "info",
            false,
        ),
        // A live key in the staging env file: the incident's shape.
        row(
            "stripe.live-secret-key",
            ".env.staging",
            "account-wide",
            "production",
            "critical",
            true,
        ),
        // Nothing known offline beyond the account: an unclassified live credential is Medium.
        row(
            "aws.access-key-id",
            "infra/aws-credentials",
            "unknown",
            "unknown",
            "medium",
            false,
        ),
        // An account key reaches every container, queue and table of the storage account.
        row(
            "azure.storage-connection-string",
            "infra/storage.env",
            "account-wide",
            "unknown",
            "critical",
            false,
        ),
        // A user-wide PyPI token can upload to every project of the account on pypi.org.
        row(
            "pypi.api-token",
            "release/.pypirc",
            "account-wide",
            "production",
            "critical",
            false,
        ),
        row(
            "stripe.live-restricted-key",
            "scripts/refund_report.py",
            "unknown",
            "production",
            "medium",
            false,
        ),
    ];
    want.sort();
    assert_eq!(rows(&report), want);

    let findings = report["findings"].as_array().unwrap();
    let by = |rule: &str, path: &str| {
        findings
            .iter()
            .find(|f| {
                f["rule"] == rule
                    && f["locations"][0]["path"]
                        .as_str()
                        .unwrap()
                        .trim_start_matches("./")
                        == path
            })
            .unwrap()
    };
    // The cross-environment finding carries both pieces of evidence.
    let staged = by("stripe.live-secret-key", ".env.staging");
    let exposure: Vec<&Value> = staged["scope"]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["field"] == "exposure")
        .collect();
    assert_eq!(exposure.len(), 2, "{exposure:?}");
    assert_eq!(exposure[0]["source"], "token");
    assert_eq!(exposure[1]["source"], "path");
    assert!(exposure[1]["detail"]
        .as_str()
        .unwrap()
        .contains(".env.staging"));

    let sr = by("supabase.service-role-jwt", ".env.production");
    assert_eq!(sr["scope"]["access"], "admin");
    assert_eq!(sr["scope"]["destructive"], "yes");
    assert_eq!(sr["kind"], "Supabase service_role key");
    assert_eq!(
        sr["scope"]["identity"],
        "Supabase project lmevejysifrjvxikkkkk"
    );
    let anon = by("supabase.anon-jwt", ".env.production");
    assert_eq!(anon["scope"]["access"], "read");
    assert_eq!(anon["scope"]["public"], true);

    let aws = by("aws.access-key-id", "infra/aws-credentials");
    assert_eq!(aws["scope"]["identity"], "AWS account 091051728255");
    assert_eq!(aws["has_companion"], true);
    assert_eq!(aws["kind"], "AWS long-term access key (IAM user or root)");

    // No secret is ever printed in full.
    let env = std::fs::read_to_string(workspace().join(".env.staging")).unwrap();
    let live = env
        .lines()
        .find_map(|l| l.strip_prefix("STRIPE_SECRET_KEY="))
        .unwrap();
    assert!(
        !report.to_string().contains(&live[..20]),
        "a live key leaked into the report"
    );
}

#[test]
fn fail_on_conditions_set_the_exit_code() {
    // The whole workspace holds account-wide, production and critical findings.
    for cond in ["account-wide", "production", "critical"] {
        assert_eq!(scan(".", &["--fail-on", cond]).0, 1, "--fail-on {cond}");
    }
    // The development env file: account-wide (sk_test_), but neither production nor critical.
    assert_eq!(
        scan(".env.development", &["--fail-on", "account-wide"]).0,
        1
    );
    assert_eq!(scan(".env.development", &["--fail-on", "production"]).0, 0);
    assert_eq!(scan(".env.development", &["--fail-on", "critical"]).0, 0);
    // A live restricted key: production, but not account-wide nor critical.
    assert_eq!(scan("scripts", &["--fail-on", "account-wide"]).0, 0);
    assert_eq!(scan("scripts", &["--fail-on", "production"]).0, 1);
    assert_eq!(scan("scripts", &["--fail-on", "critical"]).0, 0);
    // The staging file: the live key there is cross-environment and critical.
    assert_eq!(scan(".env.staging", &["--fail-on", "critical"]).0, 1);
}

#[test]
fn a_baseline_accepts_every_current_finding() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let b = baseline.to_str().unwrap();
    let (_, written) = scan(".", &["--write-baseline", b, "--fail-on", "never"]);
    assert_eq!(written["findings"].as_array().unwrap().len(), 10);
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert!(!text.contains("sk_live_"), "baseline must not hold secrets");
    let (code, report) = scan(".", &["--baseline", b, "--fail-on", "any"]);
    assert_eq!(code, 0);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    assert_eq!(report["summary"]["baselined"], 10);
}
