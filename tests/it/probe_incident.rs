//! The incident as a test: a staging task in a repository whose unrelated script holds an
//! account-wide Railway token. Against the Railway emulator, `tokenscope audit` must rate the
//! script's token Critical (account-wide, can delete volumes and their backups) and the staging
//! project token beside it Medium (one environment, non-production).

use crate::emulator::Emulator;
use crate::probe::assert_on_allowlist;
use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const WORKSPACE: &str = "fixtures/workspaces/incident";

fn tokenscope(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("tokenscope")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HOME", env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

fn finding<'a>(doc: &'a Value, path_end: &str) -> &'a Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["locations"][0]["path"]
                .as_str()
                .unwrap()
                .ends_with(path_end)
        })
        .unwrap_or_else(|| panic!("no finding in {path_end}: {doc:#}"))
}

#[test]
fn audit_rates_the_script_token_critical_and_the_staging_token_medium() {
    assert!(Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(WORKSPACE)
        .is_dir());
    let emu = Emulator::fixture("railway", "incident");
    let endpoint = format!("railway={}", emu.url());

    // JSON: the exact scopes.
    let out = tokenscope(&[
        "audit",
        WORKSPACE,
        "--no-home",
        "--endpoint",
        &endpoint,
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 2, "{doc:#}");

    let script = finding(&doc, "scripts/domains.sh");
    assert_eq!(script["rule"], "railway.account-token");
    assert_eq!(script["risk"], "critical");
    let s = &script["scope"];
    assert_eq!(s["status"]["state"], "active");
    assert_eq!(s["breadth"], "account-wide");
    assert_eq!(s["access"], "admin");
    assert_eq!(s["destructive"], "yes");
    assert_eq!(s["identity"], "user Dana Ops <dana@example.com>");
    let evidence = s["evidence"].to_string();
    assert!(evidence.contains("volumes and their backups"), "{evidence}");
    assert!(evidence.contains("probe:POST /graphql/v2"), "{evidence}");

    let staging = finding(&doc, ".env.staging");
    assert_eq!(staging["rule"], "railway.project-token");
    assert_eq!(staging["risk"], "medium");
    let s = &staging["scope"];
    assert_eq!(s["status"]["state"], "active");
    assert_eq!(s["breadth"], "environment");
    assert_eq!(s["environment"], "non-production");
    assert_eq!(s["cross_environment"], false);

    // Text: the blast-radius summary, worst first, with the action to take.
    let out = tokenscope(&["audit", WORKSPACE, "--no-home", "--endpoint", &endpoint]);
    let text = String::from_utf8(out.stdout).unwrap();
    let radius = &text[text.find("Blast radius").expect("summary")..];
    let crit = radius
        .find("[CRITICAL] Railway account or workspace token")
        .expect(radius);
    let med = radius.find("[MEDIUM] Railway project token").expect(radius);
    assert!(crit < med, "{radius}");
    let crit_block = &radius[crit..med];
    assert!(
        crit_block.contains("acts as:       user Dana Ops"),
        "{crit_block}"
    );
    assert!(
        crit_block.contains("can reach:     the whole account"),
        "{crit_block}"
    );
    assert!(crit_block.contains("can delete:    yes"), "{crit_block}");
    assert!(crit_block.contains("action:        revoke"), "{crit_block}");
    let med_block = &radius[med..];
    assert!(
        med_block.contains("can reach:     one environment"),
        "{med_block}"
    );
    assert!(med_block.contains("production:    no"), "{med_block}");
    assert!(
        med_block.contains("action:        move out of the workspace"),
        "{med_block}"
    );
    // Never a full secret in the output.
    for secret in [
        "5c3e8a1f-7b2d-4e9a-b6c4-1d8f3a2e9b70",
        "9d4f2b7e-1a6c-4c3d-8e5f-7a2b9c0d6e41",
    ] {
        assert!(!text.contains(secret));
    }

    let reqs = emu.requests();
    assert_on_allowlist("railway", &reqs);
    // Each token probed once per run (json + text runs = two runs): project token 2 requests
    // (ids, names), account token 1 (`me`, hinted by RAILWAY_API_TOKEN).
    assert_eq!(reqs.len(), 6, "{reqs:#?}");
}

#[test]
fn offline_audit_sends_nothing() {
    let emu = Emulator::fixture("railway", "incident");
    let endpoint = format!("railway={}", emu.url());
    let out = tokenscope(&[
        "audit",
        WORKSPACE,
        "--no-home",
        "--offline",
        "--endpoint",
        &endpoint,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Blast radius"));
    assert!(text.contains("status:        not probed"));
    assert!(emu.requests().is_empty());
    // Nor does a plain scan.
    let out = tokenscope(&["scan", WORKSPACE, "--endpoint", &endpoint]);
    assert_eq!(out.status.code(), Some(1));
    assert!(emu.requests().is_empty());
}

#[test]
fn scan_probe_fail_on_account_wide_sarif_exits_1() {
    let emu = Emulator::fixture("railway", "incident");
    let endpoint = format!("railway={}", emu.url());
    let out = tokenscope(&[
        "scan",
        WORKSPACE,
        "--probe",
        "--fail-on",
        "account-wide",
        "--format",
        "sarif",
        "--endpoint",
        &endpoint,
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let uri = |r: &Value| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let script = results
        .iter()
        .find(|r| uri(r).ends_with("scripts/domains.sh"))
        .expect("result for the script");
    assert_eq!(script["level"], "error");
    assert_eq!(script["properties"]["breadth"], "account-wide");
    assert_eq!(script["properties"]["destructive"], "yes");
    assert_eq!(script["properties"]["status"]["state"], "active");
    let msg = script["message"]["text"].as_str().unwrap_or("");
    assert!(msg.contains("account-wide"), "{msg}");
    let staging = results
        .iter()
        .find(|r| uri(r).ends_with(".env.staging"))
        .expect("result for .env.staging");
    assert_eq!(staging["level"], "warning");
    assert_eq!(staging["properties"]["breadth"], "environment");
    assert_eq!(staging["properties"]["environment"], "non-production");

    // Without the account token, account-wide does not fail the run.
    let out = tokenscope(&[
        "scan",
        &format!("{WORKSPACE}/.env.staging"),
        "--probe",
        "--fail-on",
        "account-wide",
        "--endpoint",
        &endpoint,
    ]);
    assert_eq!(out.status.code(), Some(0));
}
