//! End-to-end scans of the realistic fixture workspaces (`fixtures/workspaces/{webapp,monorepo}`):
//! the real binary on a temporary copy of each tree, compared against the exact set of planted
//! secrets (rule, redacted value, every location).
//!
//! Every expected line below is intentional: each names the planted token and the file(s) it hides
//! in. The decoys of each workspace (placeholders, `${VAR}`, `{{ secrets.X }}`, `changeme`, the AWS
//! documentation key, a GitHub token with a wrong checksum, lock-file `integrity` hashes, a commit
//! SHA, a UUID, allow-marked lines, a binary file, a `.tokenscopeignore`d directory) must never
//! show up, so any extra finding fails the test.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// (rule id, redacted secret, every location as `path:line:column`).
type Expected = (&'static str, &'static str, &'static [&'static str]);

/// `fixtures/workspaces/webapp`: a Node + Flask web app.
const WEBAPP: &[Expected] = &[
    // Local Postgres URL with a password in the git-ignored .env.
    ("database.postgres-mysql-url", "post…ev", &[".env:4:14"]),
    // One classic PAT in three places: the git-ignored .env, hard-coded in CI YAML, an export.
    (
        "github.classic-pat",
        "ghp_…ZF",
        &[
            ".env:5:14",
            ".github/workflows/deploy.yml:10:13",
            "scripts/deploy.sh:5:21",
        ],
    ),
    // Test Stripe key: local .env and the settings.py fallback.
    (
        "stripe.test-secret-key",
        "sk_t…tz",
        &[".env:6:19", "app/settings.py:11:58"],
    ),
    // OpenAI project key: .env, settings.py fallback, JSON-escaped notebook cell.
    (
        "openai.project-key",
        "sk-p…Ih",
        &[
            ".env:7:16",
            "app/settings.py:10:52",
            "notebooks/analysis.ipynb:20:39",
        ],
    ),
    // Live Stripe secret key in .env.production.
    (
        "stripe.live-secret-key",
        "sk_l…rK",
        &[".env.production:3:19"],
    ),
    // Publishable live key: the rule is severity info, still a finding.
    (
        "stripe.publishable-key",
        "pk_l…Xp",
        &[".env.production:4:24"],
    ),
    // AWS key id; its secret access key on the next line is the companion, not a finding of its own.
    ("aws.access-key-id", "AKIA…JB", &[".env.production:6:19"]),
    // SendGrid key: .env.production and k8s stringData.
    (
        "sendgrid.api-key",
        "SG.D…T0",
        &[".env.production:8:18", "k8s/secret.yaml:8:21"],
    ),
    // Supabase service_role JWT.
    (
        "supabase.service-role-jwt",
        "eyJh…-i",
        &[".env.production:10:27"],
    ),
    // Anthropic API key.
    ("anthropic.api-key", "sk-a…AA", &[".env.production:11:19"]),
    // npm automation token in .npmrc.
    ("npm.access-token", "npm_…fB", &[".npmrc:3:34"]),
    // Slack bot token: INI-style config and k8s stringData.
    (
        "slack.bot-token",
        "xoxb…lH",
        &["config/settings.local:4:13", "k8s/secret.yaml:9:20"],
    ),
    // Slack incoming webhook: config and a shell export.
    (
        "slack.webhook",
        "http…d1",
        &["config/settings.local:5:18", "scripts/deploy.sh:9:26"],
    ),
    // Twilio auth token (context twilio_auth_token); the account SID two lines up is its companion.
    (
        "twilio.auth-token",
        "d28b…90",
        &["config/settings.local:9:21"],
    ),
    // Postgres URL with its password in the docker-compose environment block.
    (
        "database.postgres-mysql-url",
        "post…pp",
        &["docker-compose.yml:8:21"],
    ),
    // Ed25519 PKCS#8 private key, a multi-line block in k8s stringData (redacted from the BEGIN line).
    ("privatekey.pem", "----…--", &["k8s/secret.yaml:11:5"]),
    // Fine-grained PAT as a JS constant.
    (
        "github.fine-grained-pat",
        "gith…bI",
        &["src/client.js:5:25"],
    ),
    // Publishable test key in front-end code (info).
    ("stripe.publishable-key", "pk_t…ap", &["src/client.js:9:33"]),
];

/// `fixtures/workspaces/monorepo`: Go API, Python worker, Terraform, Kustomize, Fly.
const MONOREPO: &[Expected] = &[
    // PyPI project-scoped token in .pypirc.
    ("pypi.api-token", "pypi…k-", &[".pypirc:7:12"]),
    // Fly.io macaroon (FlyV1 fm2_) exported in the release script.
    ("flyio.macaroon", "fm2_…==", &["deploy/release.sh:4:29"]),
    // Production RDS Postgres URL in the production overlay secret.
    (
        "database.postgres-mysql-url",
        "post…rs",
        &["infra/k8s/overlays/production/secret.yaml:7:17"],
    ),
    // DigitalOcean PAT: Terraform provider and the production overlay secret.
    (
        "digitalocean.personal-access-token",
        "dop_…01",
        &[
            "infra/k8s/overlays/production/secret.yaml:8:23",
            "infra/terraform/main.tf:19:12",
        ],
    ),
    // Cloudflare user API token (new format) in the Terraform provider block.
    (
        "cloudflare.user-api-token",
        "cfut…6a",
        &["infra/terraform/main.tf:15:16"],
    ),
    // Legacy 40-char Cloudflare token, context cloudflare_api_token in tfvars.
    (
        "cloudflare.api-token-legacy",
        "0klc…SZ",
        &["infra/terraform/terraform.tfvars:2:25"],
    ),
    // GitLab PAT as a Go constant.
    ("gitlab.pat", "glpa…Hg", &["services/api/main.go:16:22"]),
    // Restricted live Stripe key in the UTF-16LE .env.windows (BOM), line 3.
    (
        "stripe.live-restricted-key",
        "rk_l…1u",
        &["services/worker/.env.windows:3:19"],
    ),
    // Heroku API key in the UTF-16LE .env.windows, line 4.
    (
        "heroku.api-key",
        "HRKU…fr",
        &["services/worker/.env.windows:4:16"],
    ),
    // Hugging Face token: worker default and the CRLF .bat (line 4, CR not part of it).
    (
        "huggingface.access-token",
        "hf_c…Lw",
        &[
            "services/worker/run_worker.bat:4:14",
            "services/worker/worker/tasks.py:8:40",
        ],
    ),
    // Datadog API key (context DATADOG_API_KEY).
    (
        "datadog.api-key",
        "92b8…73",
        &["services/worker/worker/tasks.py:9:20"],
    ),
    // Live Stripe key deep inside a minified one-line bundle.
    (
        "stripe.live-secret-key",
        "sk_l…v5",
        &["vendor/checkout.min.js:2:11245"],
    ),
];

/// What a webapp scan reports: exactly the planted secrets. (Decoys that a specific rule's
/// format matches but its gate rejects, like the wrong-checksum `ghp_` assigned to
/// `REVOKED_TOKEN`, are claimed by that rule and not reported by the generic one either.)
fn webapp() -> Vec<Expected> {
    WEBAPP.to_vec()
}

/// Findings that carry their companion value: the AWS secret access key beside the key id, the
/// Twilio account SID beside the auth token (neither is a finding of its own).
const WEBAPP_WITH_COMPANION: &[&str] = &["aws.access-key-id", "twilio.auth-token"];

/// Findings of the webapp that only the `--respect-gitignore` view loses: its `.env` is ignored.
const WEBAPP_GITIGNORED: &str = ".env";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/workspaces")
        .join(name)
}

/// A private copy of a fixture workspace (no ancestor `.gitignore` or `.tokenscopeignore` of this
/// repository applies, and tests may write into it).
fn workspace(name: &str) -> TempDir {
    let tmp = tempfile::Builder::new()
        .prefix("tokenscope-ws-")
        .tempdir()
        .unwrap();
    copy_dir(&fixture(name), tmp.path());
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `tokenscope scan ARGS` in `dir`, isolated from the user's git configuration (a global
/// gitignore would change what `--respect-gitignore` skips).
fn scan(dir: &Path, args: &[&str]) -> Run {
    // A home that does not exist: no global gitignore, no git config.
    let home = std::env::temp_dir().join("tokenscope-test-no-home");
    let out = Command::cargo_bin("tokenscope")
        .unwrap()
        .current_dir(dir)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .arg("scan")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\nstderr:\n{}", run.stdout, run.stderr))
}

type Found = (String, String, Vec<String>);

fn findings(doc: &Value) -> Vec<Found> {
    let mut out: Vec<Found> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let locs = f["locations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    format!(
                        "{}:{}:{}",
                        l["path"].as_str().unwrap(),
                        l["line"],
                        l["column"]
                    )
                })
                .collect();
            (
                f["rule"].as_str().unwrap().to_string(),
                f["secret_redacted"].as_str().unwrap().to_string(),
                locs,
            )
        })
        .collect();
    out.sort();
    out
}

fn expected(table: &[Expected]) -> Vec<Found> {
    let mut out: Vec<Found> = table
        .iter()
        .map(|(rule, red, locs)| {
            let mut locs: Vec<String> = locs.iter().map(|s| s.to_string()).collect();
            locs.sort();
            (rule.to_string(), red.to_string(), locs)
        })
        .collect();
    out.sort();
    out
}

/// The expectation with some locations removed (findings left without a location disappear).
fn without(table: &[Expected], drop: impl Fn(&str) -> bool) -> Vec<Found> {
    expected(table)
        .into_iter()
        .filter_map(|(r, s, locs)| {
            let locs: Vec<String> = locs.into_iter().filter(|l| !drop(l)).collect();
            (!locs.is_empty()).then_some((r, s, locs))
        })
        .collect()
}

fn show(f: &[Found]) -> String {
    f.iter()
        .map(|(r, s, l)| format!("{r} {s} {}\n", l.join(" ")))
        .collect()
}

fn assert_findings(run: &Run, want: &[Found]) {
    let got = findings(&json(run));
    assert_eq!(
        show(&got),
        show(want),
        "findings differ (left: got, right: expected); stderr:\n{}",
        run.stderr
    );
}

fn location_path(loc: &str) -> &str {
    loc.rsplitn(3, ':').nth(2).unwrap()
}

/// The full text of every found secret, read back from the workspace at the reported locations
/// (single-line spans), so tests can check that no output ever contains one.
fn raw_secrets(dir: &Path, doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in doc["findings"].as_array().unwrap() {
        for l in f["locations"].as_array().unwrap() {
            let text = read_text(&dir.join(l["path"].as_str().unwrap()));
            let line = text
                .split('\n')
                .nth(l["line"].as_u64().unwrap() as usize - 1)
                .unwrap();
            let (c, e) = (
                l["column"].as_u64().unwrap() as usize - 1,
                l["end_column"].as_u64().unwrap() as usize - 1,
            );
            if e > c + 1 && e <= line.len() {
                out.insert(line[c..e].to_string());
            } else {
                // A multi-line secret (PEM block): every body line up to the END marker.
                let below = text.split('\n').skip(l["line"].as_u64().unwrap() as usize);
                for body in below.take_while(|b| !b.contains("-----END")) {
                    if body.trim().len() >= 16 {
                        out.insert(body.trim().to_string());
                    }
                }
            }
        }
    }
    out
}

fn read_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => String::from_utf16(
            &rest
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        )
        .unwrap(),
        _ => String::from_utf8(bytes).unwrap(),
    }
}

fn assert_no_raw_secret(secrets: &BTreeSet<String>, what: &str, output: &str) {
    for s in secrets {
        assert!(
            !output.contains(s.as_str()),
            "{what} contains the full secret {}",
            tokenscope::secret::redact(s)
        );
    }
}

// ---------------------------------------------------------------------------------------------

#[test]
fn webapp_exact_findings_and_exit_code() {
    let ws = workspace("webapp");
    let run = scan(ws.path(), &["--format", "json", "."]);
    assert_findings(&run, &expected(&webapp()));
    assert_eq!(run.code, 1, "findings fail by default");
    let doc = json(&run);
    // The three allow-marked lines (tokenscope:allow, gitleaks:allow, pragma: allowlist secret).
    assert_eq!(doc["summary"]["suppressed_inline"], 3);
    assert_eq!(doc["summary"]["findings"], webapp().len());
    assert_eq!(doc["version"], 1);
    for f in doc["findings"].as_array().unwrap() {
        let rule = f["rule"].as_str().unwrap();
        assert_eq!(
            f["has_companion"],
            WEBAPP_WITH_COMPANION.contains(&rule),
            "{rule} companion"
        );
    }
}

#[test]
fn monorepo_exact_findings_binary_and_tokenscopeignore() {
    let ws = workspace("monorepo");
    let run = scan(ws.path(), &["--format", "json", "."]);
    assert_findings(&run, &expected(MONOREPO));
    assert_eq!(run.code, if MONOREPO.is_empty() { 0 } else { 1 });
    let doc = json(&run);
    // assets/logo.png holds a token in a tEXt chunk but is binary: skipped and counted.
    assert_eq!(doc["summary"]["skipped"]["binary"], 1, "{}", run.stdout);
    // legacy/ is listed in .tokenscopeignore: never walked.
    let all = show(&findings(&doc));
    assert!(!all.contains("legacy/"), "{all}");
    assert!(!all.contains("assets/"), "{all}");
}

#[test]
fn fail_on_never_reports_without_failing() {
    let ws = workspace("webapp");
    let run = scan(ws.path(), &["--format", "json", "--fail-on", "never", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_findings(&run, &expected(&webapp()));
}

#[test]
fn baseline_of_every_finding_makes_the_next_run_clean() {
    for name in ["webapp", "monorepo"] {
        let ws = workspace(name);
        let base = ws.path().join("tokenscope-baseline.json");
        let first = scan(
            ws.path(),
            &[
                "--format",
                "json",
                "--write-baseline",
                "tokenscope-baseline.json",
                ".",
            ],
        );
        let table = if name == "webapp" {
            webapp()
        } else {
            MONOREPO.to_vec()
        };
        assert_findings(&first, &expected(&table));
        let baseline = std::fs::read_to_string(&base).unwrap();
        let entries: Value = serde_json::from_str(&baseline).unwrap();
        assert_eq!(
            entries["fingerprints"].as_array().unwrap().len(),
            table.len()
        );
        assert_no_raw_secret(
            &raw_secrets(ws.path(), &json(&first)),
            "the baseline",
            &baseline,
        );

        // The baseline file sits in the scanned tree: it must not be scanned itself.
        let second = scan(
            ws.path(),
            &[
                "--format",
                "json",
                "--baseline",
                "tokenscope-baseline.json",
                ".",
            ],
        );
        assert_eq!(second.code, 0, "{name}: {}", second.stderr);
        let doc = json(&second);
        assert_eq!(doc["findings"].as_array().unwrap().len(), 0, "{name}");
        assert_eq!(doc["summary"]["baselined"], table.len(), "{name}");
    }
}

#[test]
fn respect_gitignore_drops_the_ignored_env_file() {
    let ws = workspace("webapp");
    let run = scan(ws.path(), &["--format", "json", "--respect-gitignore", "."]);
    let want = without(&webapp(), |l| location_path(l) == WEBAPP_GITIGNORED);
    assert!(want.len() <= webapp().len());
    assert_findings(&run, &want);
    // Some finding of the default view lives in .env only, or shares a secret with it.
    assert_ne!(show(&want), show(&expected(&webapp())));
}

#[test]
fn explicit_file_names_are_scanned_even_when_git_ignores_them() {
    let ws = workspace("webapp");
    let run = scan(
        ws.path(),
        &["--format", "json", "--respect-gitignore", WEBAPP_GITIGNORED],
    );
    let want: Vec<Found> = expected(&webapp())
        .into_iter()
        .filter_map(|(r, s, locs)| {
            let locs: Vec<String> = locs
                .into_iter()
                .filter(|l| location_path(l) == WEBAPP_GITIGNORED)
                .collect();
            (!locs.is_empty()).then_some((r, s, locs))
        })
        .collect();
    assert!(!want.is_empty());
    assert_findings(&run, &want);
    assert_eq!(run.code, 1);
}

#[test]
fn explicit_file_names_still_honour_tokenscopeignore() {
    let ws = workspace("monorepo");
    let run = scan(ws.path(), &["--format", "json", "legacy/old_deploy.sh"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_findings(&run, &[]);
}

#[test]
fn exclude_glob_drops_a_path() {
    let ws = workspace("webapp");
    let run = scan(
        ws.path(),
        &[
            "--format",
            "json",
            "--exclude",
            "scripts/",
            "--exclude",
            "*.ipynb",
            ".",
        ],
    );
    let want = without(&webapp(), |l| {
        l.starts_with("scripts/") || location_path(l).ends_with(".ipynb")
    });
    assert_findings(&run, &want);

    let ws = workspace("monorepo");
    let run = scan(
        ws.path(),
        &["--format", "json", "--exclude", "infra/**", "."],
    );
    assert_findings(&run, &without(MONOREPO, |l| l.starts_with("infra/")));
}

#[test]
fn no_output_format_contains_a_full_secret() {
    for name in ["webapp", "monorepo"] {
        let ws = workspace(name);
        let table = if name == "webapp" {
            webapp()
        } else {
            MONOREPO.to_vec()
        };
        let secrets = raw_secrets(
            ws.path(),
            &json(&scan(ws.path(), &["--format", "json", "."])),
        );
        assert!(
            secrets.len() >= table.len(),
            "{name}: every finding has its raw text"
        );
        for format in ["text", "json", "sarif"] {
            let run = scan(ws.path(), &["--format", format, "."]);
            assert_eq!(
                run.code,
                if table.is_empty() { 0 } else { 1 },
                "{name} {format}"
            );
            assert_no_raw_secret(&secrets, &format!("{name} {format} stdout"), &run.stdout);
            assert_no_raw_secret(&secrets, &format!("{name} {format} stderr"), &run.stderr);
        }
        // The text report shows each secret redacted, with every location.
        let text = scan(ws.path(), &["--format", "text", "."]).stdout;
        for (rule, red, locs) in table {
            assert!(text.contains(red), "{name}: text lacks {red} ({rule})");
            for l in locs.iter() {
                assert!(text.contains(&format!("at {l}")), "{name}: text lacks {l}");
            }
        }
    }
}

#[test]
fn webapp_decoys_stay_quiet() {
    let ws = workspace("webapp");
    let run = scan(ws.path(), &["--format", "json", "."]);
    assert_findings(&run, &expected(WEBAPP));
}
