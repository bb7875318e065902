//! `--format sarif`: every output validates against the official SARIF 2.1.0 schema (vendored
//! from the npm package `@microsoft/sarif-multitool`), and carries what GitHub code scanning
//! needs: exact locations, line-free fingerprints, levels per risk, rules with severities, and
//! never a full secret. CI also runs Microsoft's SARIF Multitool on a scan (`.ci/run`).

use assert_cmd::Command;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use tempfile::TempDir;

// Checksum-valid fakes (`tools/mint.py github ghp sarif-a` ...), split so no scanner flags them.
fn ghp_a() -> String {
    format!("ghp_{}", "MwsYiu6Qo67CdZOVT1dcSJNz7t8GJd3v8XZU")
}
fn ghp_b() -> String {
    format!("ghp_{}", "PVHGCo91UWYgypx1O0wSSgZLctoVEw3JBuPr")
}
fn gho_c() -> String {
    format!("gho_{}", "Lhi6uWnaalWejGa48kLnHYYXtwlvAW1mrozr")
}

fn validator() -> jsonschema::Validator {
    let text = include_str!("../data/sarif-2.1.0.json");
    let schema: Value = serde_json::from_str(text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the vendored SARIF schema compiles")
}

fn assert_valid(doc: &Value) {
    let v = validator();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
}

fn sarif(dir: &Path) -> (Value, String) {
    let home = std::env::temp_dir().join("tokenscope-test-no-home");
    let out = Command::cargo_bin("tokenscope")
        .unwrap()
        .current_dir(dir)
        .env("HOME", &home)
        .args(["scan", "--format", "sarif", "--fail-on", "never", "--quiet"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_str(&stdout).expect("SARIF output is JSON");
    assert_valid(&doc);
    (doc, stdout)
}

fn write(dir: &Path, name: impl AsRef<Path>, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// The planted workspace; `pad` blank-ish lines are inserted above every secret.
fn plant(dir: &Path, pad: usize) {
    let pad = "# unrelated line\n".repeat(pad);
    write(
        dir,
        ".env",
        &format!("{pad}x=1\nGITHUB_TOKEN={}\n", ghp_a()),
    );
    write(
        dir,
        "sub dir/ci.yml",
        &format!("{pad}# ci\n  token: \"{}\" and {}\n", gho_c(), ghp_a()),
    );
    write(dir, "we#ird:name.txt", &format!("{pad}GH={}\n", ghp_b()));
    write(dir, "new\nline.env", &format!("{pad}GH={}\n", ghp_b()));
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"bad\xffname.env");
        write(dir, name, &format!("{pad}GH={}\n", ghp_b()));
    }
}

/// (ruleId, uri) → the fingerprints of those results, sorted.
type Fingerprints = BTreeMap<(String, String), Vec<String>>;
/// A named way to break a valid document.
type Breakage = (&'static str, Box<dyn Fn(&mut Value)>);

fn results(doc: &Value) -> &Vec<Value> {
    doc["runs"][0]["results"].as_array().expect("results[]")
}

/// (ruleId, uri, startLine, startColumn, endColumn), sorted.
fn places(doc: &Value) -> Vec<(String, String, i64, i64, i64)> {
    let mut v: Vec<_> = results(doc)
        .iter()
        .map(|r| {
            let pl = &r["locations"][0]["physicalLocation"];
            let region = &pl["region"];
            assert_eq!(pl["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            (
                r["ruleId"].as_str().unwrap().to_string(),
                pl["artifactLocation"]["uri"].as_str().unwrap().to_string(),
                region["startLine"].as_i64().unwrap(),
                region["startColumn"].as_i64().unwrap(),
                region["endColumn"].as_i64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn planted_tokens_give_exact_valid_results() {
    let dir = TempDir::new().unwrap();
    plant(dir.path(), 0);
    let (doc, text) = sarif(dir.path());

    assert_eq!(
        doc["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(doc["version"], "2.1.0");
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].is_object());
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "tokenscope");
    assert!(driver["version"].is_string());
    assert!(driver["informationUri"].is_string());

    let mut want = vec![
        ("github.classic-pat", ".env", 2, 14, 54),
        ("github.oauth-token", "sub%20dir/ci.yml", 2, 11, 51),
        ("github.classic-pat", "sub%20dir/ci.yml", 2, 57, 97),
        ("github.classic-pat", "we%23ird%3Aname.txt", 1, 4, 44),
        ("github.classic-pat", "new%0Aline.env", 1, 4, 44),
    ];
    if cfg!(unix) {
        want.push(("github.classic-pat", "bad%FFname.env", 1, 4, 44));
    }
    let mut want: Vec<(String, String, i64, i64, i64)> = want
        .into_iter()
        .map(|(r, u, l, c, e)| (r.to_string(), u.to_string(), l, c, e))
        .collect();
    want.sort();
    assert_eq!(places(&doc), want);

    // Rules: exactly those referenced, each with what GitHub shows and sorts by.
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["github.classic-pat", "github.oauth-token"]);
    for r in rules {
        for field in ["name", "shortDescription", "fullDescription"] {
            assert!(!r[field].is_null(), "{}: no {field}", r["id"]);
        }
        assert!(r["help"]["text"].as_str().unwrap().contains("Remediation"));
        assert!(r["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("Remediation"));
        let tags: Vec<&str> = r["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(
            tags.contains(&"security") && tags.contains(&"secret"),
            "{tags:?}"
        );
        assert_eq!(r["properties"]["precision"], "high");
        let sev: f64 = r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.1..=10.0).contains(&sev));
    }

    for r in results(&doc) {
        // ruleIndex points at the rule.
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        // Level and security-severity follow the finding's risk.
        let risk = r["properties"]["risk"].as_str().unwrap();
        let (level, sev) = match risk {
            "critical" => ("error", "9.5"),
            "high" => ("error", "8.0"),
            "medium" => ("warning", "5.5"),
            "low" => ("note", "3.0"),
            "info" => ("note", "0.1"),
            other => panic!("unknown risk {other}"),
        };
        assert_eq!(r["level"], level, "{r}");
        assert_eq!(r["properties"]["security-severity"], sev);
        for key in ["breadth", "access", "destructive", "environment", "status"] {
            assert!(!r["properties"][key].is_null(), "no {key} in {r}");
        }
        let msg = r["message"]["text"].as_str().unwrap();
        assert!(msg.contains("…") && msg.contains(" — "), "{msg}");
        assert!(r["partialFingerprints"]["tokenscope/v1"].is_string());
        assert!(r["locations"][0]["physicalLocation"]["region"]["snippet"].is_null());
    }

    // No full secret anywhere, not even without its prefix.
    for s in [ghp_a(), ghp_b(), gho_c()] {
        assert!(!text.contains(&s), "full secret in SARIF");
        assert!(!text.contains(&s[4..]), "secret body in SARIF");
    }
}

#[test]
fn fingerprints_survive_lines_inserted_above() {
    let fingerprints = |pad: usize| -> (Fingerprints, Vec<i64>) {
        let dir = TempDir::new().unwrap();
        plant(dir.path(), pad);
        let (doc, _) = sarif(dir.path());
        let mut m = Fingerprints::new();
        let mut lines = Vec::new();
        for r in results(&doc) {
            let pl = &r["locations"][0]["physicalLocation"];
            lines.push(pl["region"]["startLine"].as_i64().unwrap());
            m.entry((
                r["ruleId"].as_str().unwrap().into(),
                pl["artifactLocation"]["uri"].as_str().unwrap().into(),
            ))
            .or_default()
            .push(
                r["partialFingerprints"]["tokenscope/v1"]
                    .as_str()
                    .unwrap()
                    .into(),
            );
        }
        for v in m.values_mut() {
            v.sort();
        }
        lines.sort();
        (m, lines)
    };
    let (before, lines_before) = fingerprints(0);
    let (after, lines_after) = fingerprints(3);
    assert_eq!(before, after);
    assert_ne!(lines_before, lines_after, "the lines did move");
    // The same secret in two files is two alerts; every result has its own fingerprint.
    let mut all: Vec<&String> = before.values().flatten().collect();
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n);
}

#[test]
fn clean_run_has_empty_results_and_rules() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "README.md", "nothing to see\n");
    let (doc, _) = sarif(dir.path());
    let run = &doc["runs"][0];
    assert_eq!(run["results"], json!([]));
    assert_eq!(run["tool"]["driver"]["rules"], json!([]));
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn the_schema_validator_rejects_broken_documents() {
    let dir = TempDir::new().unwrap();
    plant(dir.path(), 0);
    let (good, _) = sarif(dir.path());
    let v = validator();
    assert!(v.is_valid(&good));
    let broken: Vec<Breakage> = vec![
        ("no version", Box::new(|d| d["version"] = Value::Null)),
        ("wrong version", Box::new(|d| d["version"] = json!("2.0.0"))),
        ("no runs", Box::new(|d| d["runs"] = Value::Null)),
        (
            "unknown level",
            Box::new(|d| d["runs"][0]["results"][0]["level"] = json!("fatal")),
        ),
        (
            "zero startLine",
            Box::new(|d| {
                d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
                    ["startLine"] = json!(0)
            }),
        ),
        (
            "message without text or id",
            Box::new(|d| d["runs"][0]["results"][0]["message"] = json!({})),
        ),
        (
            "unknown result property",
            Box::new(|d| d["runs"][0]["results"][0]["secret"] = json!("x")),
        ),
        (
            "unencoded space in uri",
            Box::new(|d| {
                d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                    ["uri"] = json!("a b/c d")
            }),
        ),
    ];
    for (what, mutate) in broken {
        let mut d = good.clone();
        mutate(&mut d);
        assert!(
            !v.is_valid(&d),
            "the validator accepted a document with {what}"
        );
    }
}
