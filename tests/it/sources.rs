//! The sources beyond the working tree, end to end with the real binary: the git index
//! (`--staged`), git history (`--git-history`), the user's credential stores (`--home`, `audit`),
//! the process environment (`--env`), and base64-encoded secrets in any source. Git repositories
//! and home directories are temporary; every test asserts the exact findings and their origins.

pub use crate::tokens::ghp;
use assert_cmd::Command;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// What the reports show of a classic PAT.
pub fn redacted(token: &str) -> String {
    format!("{}…{}", &token[..4], &token[token.len() - 2..])
}

pub fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// A temporary git repository with deterministic identities and dates.
pub struct Repo {
    pub dir: TempDir,
    tick: u32,
}

impl Repo {
    pub fn new() -> Repo {
        let dir = tempfile::Builder::new()
            .prefix("tokenscope-git-")
            .tempdir()
            .unwrap();
        let r = Repo { dir, tick: 0 };
        r.git(&["init", "-q", "-b", "main"]);
        r.git(&["config", "user.name", "Test"]);
        r.git(&["config", "user.email", "test@example.com"]);
        r.git(&["config", "commit.gpgsign", "false"]);
        r
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn git(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path().join(".no-home"))
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    /// Commits everything staged plus `add` paths; returns the commit id. Author dates advance
    /// one day per commit from 2021-01-01.
    pub fn commit(&mut self, msg: &str) -> (String, String) {
        self.tick += 1;
        let date = format!("2021-01-{:02}T10:00:00Z", self.tick);
        let out = std::process::Command::new("git")
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path().join(".no-home"))
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .args(["commit", "-q", "--allow-empty", "-m", msg])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (self.git(&["rev-parse", "HEAD"]), date)
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!("not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr)
        })
    }
}

/// Runs `tokenscope ARGS` in `dir` with only the given environment (plus PATH).
pub fn tokenscope(dir: &Path, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::cargo_bin("tokenscope").unwrap();
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn no_home() -> PathBuf {
    std::env::temp_dir().join("tokenscope-test-no-home")
}

/// `scan --format json ARGS` in a repository, with no home and no environment.
fn scan(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    tokenscope(dir, &no_home(), &all, &[])
}

/// Every finding as (redacted secret, [origin with line and column]), sorted.
fn found(run: &Run) -> Vec<(String, Vec<Value>)> {
    let doc = run.json();
    let out: Vec<(String, Vec<Value>)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let locs = f["locations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    let mut o = l["origin"].clone();
                    o["line"] = l["line"].clone();
                    o["column"] = l["column"].clone();
                    o
                })
                .collect();
            (f["secret_redacted"].as_str().unwrap().to_string(), locs)
        })
        .collect();
    expect(out)
}

fn expect(mut want: Vec<(String, Vec<Value>)>) -> Vec<(String, Vec<Value>)> {
    want.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, locs) in &mut want {
        locs.sort_by_key(|l| l.to_string());
    }
    want
}

fn history(path: &str, commit: &(String, String), line: u64, column: u64) -> Value {
    json!({"kind": "history", "path": path, "commit": commit.0, "author_date": commit.1,
           "line": line, "column": column})
}

fn assert_no_raw_secret(run: &Run, tokens: &[&str]) {
    for t in tokens {
        assert!(
            !run.stdout.contains(t) && !run.stderr.contains(t),
            "a full secret was printed"
        );
    }
}

#[test]
fn history_reports_each_blob_once_at_its_first_commit() {
    let (a, b, c, d) = (ghp("hist-a"), ghp("hist-b"), ghp("hist-c"), ghp("hist-d"));
    let mut repo = Repo::new();
    repo.write("config.env", format!("TOKEN={a}\n"));
    repo.write("copy/config.env", format!("TOKEN={a}\n"));
    repo.git(&["add", "."]);
    let c1 = repo.commit("add config");
    // Same secret, new blob (a line added above it): a second location, at this commit.
    repo.write("config.env", format!("# prod\nTOKEN={a}\n"));
    repo.git(&["add", "."]);
    let c2 = repo.commit("comment");
    // Removed files stay in history.
    repo.write("old/deploy.sh", format!("export GH={b}\n"));
    repo.git(&["add", "."]);
    let c3 = repo.commit("deploy script");
    repo.git(&["rm", "-q", "-r", "old", "copy"]);
    repo.commit("remove script");
    // A binary blob is skipped; an allow-marked line is suppressed.
    let mut bin = vec![0u8, 1, 2, 3];
    bin.extend_from_slice(format!("GH={d}").as_bytes());
    repo.write("blob.bin", bin);
    repo.write("allowed.txt", format!("GH={d} # tokenscope:allow\n"));
    repo.git(&["add", "."]);
    repo.commit("binary");
    // A branch: reachable from --all, and the only thing in main..feature.
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("notes/todo.md", format!("use {c}\n"));
    repo.git(&["add", "."]);
    let c5 = repo.commit("notes");
    repo.git(&["checkout", "-q", "main"]);
    // Untracked and staged content is not history.
    repo.write("untracked.txt", ghp("untracked"));

    let run = scan(repo.path(), &["--git-history"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        found(&run),
        expect(vec![
            (
                redacted(&a),
                vec![
                    history("config.env", &c1, 1, 7),
                    history("config.env", &c2, 2, 7)
                ]
            ),
            (redacted(&b), vec![history("old/deploy.sh", &c3, 1, 11)]),
            (redacted(&c), vec![history("notes/todo.md", &c5, 1, 5)]),
        ])
    );
    let doc = run.json();
    assert_eq!(doc["summary"]["skipped"]["binary"], 1);
    assert_eq!(doc["summary"]["suppressed_inline"], 1);
    assert_no_raw_secret(&run, &[&a, &b, &c]);

    // A range: only what main..feature introduces.
    let run = scan(repo.path(), &["--git-history", "main..feature"]);
    assert_eq!(
        found(&run),
        expect(vec![(
            redacted(&c),
            vec![history("notes/todo.md", &c5, 1, 5)]
        )])
    );
    // The text report names the commit and date.
    let run = tokenscope(
        repo.path(),
        &no_home(),
        &["scan", "--git-history=main..feature"],
        &[],
    );
    assert!(
        run.stdout.contains(&format!(
            "notes/todo.md:1:5 (history {} {})",
            &c5.0[..12],
            c5.1
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn history_errors_are_clear_and_exit_2() {
    let repo = Repo::new();
    let run = scan(repo.path(), &["--git-history", "no-such-branch"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("git log failed"), "{}", run.stderr);
    let run = scan(repo.path(), &["--git-history=--output=x"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not a revision"), "{}", run.stderr);
    // An empty repository has no history: a clean run.
    let run = scan(repo.path(), &["--git-history"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let not_repo = tempfile::tempdir().unwrap();
    let run = scan(not_repo.path(), &["--git-history"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not a git repository"),
        "{}",
        run.stderr
    );
    let run = scan(not_repo.path(), &["--staged"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not a git repository"),
        "{}",
        run.stderr
    );
}

#[test]
fn history_respects_the_max_file_size_and_tokenscopeignore() {
    let a = ghp("big");
    let b = ghp("ignored");
    let mut repo = Repo::new();
    repo.write("big.txt", format!("{a}\n{}", "x".repeat(5000)));
    repo.write("vendor/lib.js", format!("t='{b}'\n"));
    repo.write(".tokenscopeignore", "vendor/\n");
    repo.git(&["add", "."]);
    repo.commit("one");
    let run = scan(repo.path(), &["--git-history", "--max-file-size", "1000"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json()["summary"]["skipped"]["too-large"], 1);
    let run = scan(repo.path(), &["--git-history"]);
    assert_eq!(found(&run).len(), 1);
    assert_eq!(found(&run)[0].0, redacted(&a));
}

#[test]
fn baseline_and_allow_markers_apply_to_history() {
    let a = ghp("baselined");
    let mut repo = Repo::new();
    repo.write("app.cfg", format!("token = {a}\n"));
    repo.git(&["add", "."]);
    repo.commit("one");
    let base = repo.path().join(".tokenscope-baseline.json");
    let run = scan(
        repo.path(),
        &["--git-history", "--write-baseline", base.to_str().unwrap()],
    );
    assert_eq!(run.code, 1);
    // The baseline holds fingerprints only.
    let text = std::fs::read_to_string(&base).unwrap();
    assert!(!text.contains(&a));
    // Accepted: not reported again, from history or from the working tree.
    let run = scan(
        repo.path(),
        &["--git-history", "--baseline", base.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json()["summary"]["baselined"], 1);
    assert!(found(&run).is_empty());
    let run = scan(
        repo.path(),
        &["--staged", "app.cfg", "--baseline", base.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
}

fn staged(path: &str, line: u64, column: u64) -> Value {
    json!({"kind": "staged", "path": path, "line": line, "column": column})
}

#[test]
fn staged_scans_the_index_not_the_working_tree() {
    let (old, staged_tok, unstaged, named) = (
        ghp("committed"),
        ghp("staged"),
        ghp("unstaged"),
        ghp("named"),
    );
    let mut repo = Repo::new();
    repo.write("legacy.txt", format!("old = {old}\n"));
    repo.write("src/app.py", "print('hi')\n");
    repo.write("named.txt", format!("n = {named}\n"));
    repo.git(&["add", "."]);
    repo.commit("base");
    // Staged edit with a secret, then a working-tree edit on top that removes it: the staged
    // version is what gets committed.
    repo.write(
        "src/app.py",
        format!("print('hi')\nTOKEN = '{staged_tok}'\n"),
    );
    repo.git(&["add", "src/app.py"]);
    repo.write("src/app.py", format!("print('hi')\nX = '{unstaged}'\n"));
    repo.write("new.env", format!("GH={staged_tok}\n"));
    repo.git(&["add", "new.env"]);
    repo.write("new.env", "GH=\n");

    // No paths: what differs from HEAD in the index, not the untouched legacy.txt.
    let run = scan(repo.path(), &["--staged"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        found(&run),
        expect(vec![(
            redacted(&staged_tok),
            vec![staged("new.env", 1, 4), staged("src/app.py", 2, 10)]
        )])
    );
    // Named files (pre-commit): the staged version of exactly those, changed or not.
    let run = scan(repo.path(), &["--staged", "src/app.py", "named.txt"]);
    assert_eq!(
        found(&run),
        expect(vec![
            (redacted(&staged_tok), vec![staged("src/app.py", 2, 10)]),
            (redacted(&named), vec![staged("named.txt", 1, 5)]),
        ])
    );
    // From a subdirectory: paths relative to it, reported from the top level.
    let run = scan(&repo.path().join("src"), &["--staged", "app.py"]);
    assert_eq!(
        found(&run),
        expect(vec![(
            redacted(&staged_tok),
            vec![staged("src/app.py", 2, 10)]
        )])
    );
    // Without --staged, the named file is read from disk.
    let run = scan(repo.path(), &["src/app.py"]);
    assert_eq!(found(&run)[0].0, redacted(&unstaged));
    // --exclude applies to staged paths.
    let run = scan(repo.path(), &["--staged", "--exclude", "*.env"]);
    assert_eq!(
        found(&run),
        expect(vec![(
            redacted(&staged_tok),
            vec![staged("src/app.py", 2, 10)]
        )])
    );
    assert_no_raw_secret(&run, &[&staged_tok]);
}

#[test]
fn staged_works_before_the_first_commit() {
    let t = ghp("initial");
    let repo = Repo::new();
    repo.write("a b/c.txt", format!("{t}\n"));
    repo.git(&["add", "."]);
    let run = scan(repo.path(), &["--staged"]);
    assert_eq!(
        found(&run),
        expect(vec![(redacted(&t), vec![staged("a b/c.txt", 1, 1)])])
    );
    // Nothing staged: clean.
    let empty = Repo::new();
    let run = scan(empty.path(), &["--staged"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Every credential store of the table, each with its own token, in a fake home.
struct FakeHome {
    dir: TempDir,
    /// (path under ~, store, token, line, column)
    planted: Vec<(String, &'static str, String, u64, u64)>,
}

impl FakeHome {
    fn new() -> FakeHome {
        let dir = tempfile::Builder::new()
            .prefix("tokenscope-home-")
            .tempdir()
            .unwrap();
        let mut h = FakeHome {
            dir,
            planted: Vec::new(),
        };
        let plain: &[(&str, &str, &str)] = &[
            (".aws/credentials", "aws", "[default]\n# note\ngithub = {T}\n"),
            (".aws/config", "aws", "[profile x]\nregion = x\nsso = {T}\n"),
            (".config/gh/hosts.yml", "gh", "github.com:\n    user: me\n    oauth_token: {T}\n"),
            (".git-credentials", "git-credentials", "https://me:{T}@github.com\n"),
            (".netrc", "netrc", "machine api.heroku.com\n  login me\n  password {T}\n"),
            (".npmrc", "npm", "//npm.pkg.github.com/:_authToken={T}\n"),
            (".pypirc", "pypi", "[pypi]\nusername = __token__\npassword = {T}\n"),
            (".cargo/credentials.toml", "cargo", "[registry]\ntoken = \"{T}\"\n"),
            (".kube/config", "kubernetes", "users:\n- name: x\n  user:\n    token: {T}\n"),
            (".railway/config.json", "railway", "{\"user\": {\"token\": \"{T}\"}}\n"),
            (
                ".config/gcloud/application_default_credentials.json",
                "gcloud",
                "{\"refresh_token\": \"{T}\"}\n",
            ),
            (
                ".config/gcloud/legacy_credentials/me@example.com/adc.json",
                "gcloud",
                "{\"token\": \"{T}\"}\n",
            ),
            (".azure/msal_token_cache.json", "azure", "{\"secret\": \"{T}\"}\n"),
            (".azure/accessTokens.json", "azure", "[{\"accessToken\": \"{T}\"}]\n"),
            (".local/share/com.vercel.cli/auth.json", "vercel", "{\"token\": \"{T}\"}\n"),
            (".vercel/auth.json", "vercel", "{\"token\": \"{T}\"}\n"),
            (".config/netlify/config.json", "netlify", "{\"auth\": {\"token\": \"{T}\"}}\n"),
            (".fly/config.yml", "fly", "access_token: {T}\n"),
            (
                ".claude.json",
                "claude-code",
                "{\"mcpServers\": {\"gh\": {\"env\": {\"GITHUB_TOKEN\": \"{T}\"}}}}\n",
            ),
            (
                ".claude/settings.json",
                "claude-code",
                "{\"env\": {\"GH_TOKEN\": \"{T}\"}}\n",
            ),
            (
                ".claude/settings.local.json",
                "claude-code",
                "{\n  \"env\": {\n    \"GH_TOKEN\": \"{T}\"\n  }\n}\n",
            ),
            (
                ".config/Claude/claude_desktop_config.json",
                "claude-desktop",
                "{\"mcpServers\": {\"gh\": {\"env\": {\"GITHUB_PERSONAL_ACCESS_TOKEN\": \"{T}\"}}}}\n",
            ),
            (
                "Library/Application Support/Claude/claude_desktop_config.json",
                "claude-desktop",
                "{\"mcpServers\": {\"gh\": {\"env\": {\"TOKEN\": \"{T}\"}}}}\n",
            ),
            (
                ".codex/config.toml",
                "codex",
                "[mcp_servers.github]\ncommand = \"x\"\nenv = { GITHUB_TOKEN = \"{T}\" }\n",
            ),
            (
                ".cursor/mcp.json",
                "cursor",
                "{\"mcpServers\": {\"remote\": {\"url\": \"https://x\", \"headers\": {\"Authorization\": \"Bearer {T}\"}}}}\n",
            ),
        ];
        for (path, store, template) in plain {
            let token = ghp(&format!("home:{path}"));
            let text = template.replace("{T}", &token);
            let (line, col) = position(&text, &token);
            h.write(path, text.as_bytes());
            h.planted.push((path.to_string(), store, token, line, col));
        }
        // Docker: base64(user:token), reported at the encoded value.
        let token = ghp("home:docker");
        let enc = b64(&format!("me:{token}"));
        let text = format!("{{\n  \"auths\": {{\n    \"ghcr.io\": {{\n      \"auth\": \"{enc}\"\n    }}\n  }}\n}}\n");
        let (line, col) = position(&text, &enc);
        h.write(".docker/config.json", text.as_bytes());
        h.planted
            .push((".docker/config.json".into(), "docker", token, line, col));
        // SQLite credential stores are binary: skipped, counted.
        h.write(
            ".config/gcloud/credentials.db",
            b"SQLite format 3\0\x10\0\x01\x01",
        );
        // 1Password: presence only.
        h.write(".config/op/config", b"{\"accounts\": []}");
        h
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    fn expected(&self) -> Vec<(String, Vec<Value>)> {
        expect(
            self.planted
                .iter()
                .map(|(path, store, token, line, col)| {
                    (
                        redacted(token),
                        vec![json!({"kind": "home", "path": format!("~/{path}"),
                                    "store": store, "line": line, "column": col})],
                    )
                })
                .collect(),
        )
    }
}

fn position(text: &str, needle: &str) -> (u64, u64) {
    let at = text.find(needle).unwrap();
    let line = text[..at].matches('\n').count() as u64 + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col as u64)
}

#[test]
fn home_scans_every_credential_store_of_the_table() {
    let home = FakeHome::new();
    let cwd = tempfile::tempdir().unwrap();
    let run = tokenscope(
        cwd.path(),
        home.dir.path(),
        &["scan", "--home", "--format", "json"],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(found(&run), home.expected());
    let doc = run.json();
    assert_eq!(doc["summary"]["skipped"]["binary"], 1);
    assert_eq!(doc["summary"]["skipped"]["credential-store-present"], 1);
    let diag = &doc["diagnostics"][0];
    assert_eq!(diag["path"], "~/.config/op");
    assert!(diag["detail"].as_str().unwrap().contains("1password"));
    assert!(
        run.stderr.contains("~/.config/op"),
        "the 1Password notice is shown: {}",
        run.stderr
    );
    let tokens: Vec<&str> = home.planted.iter().map(|p| p.2.as_str()).collect();
    assert_no_raw_secret(&run, &tokens);
}

#[test]
fn audit_includes_the_home_unless_no_home() {
    let home = FakeHome::new();
    let ws = tempfile::tempdir().unwrap();
    let w = ghp("workspace-mcp");
    let mcp =
        format!("{{\"mcpServers\": {{\"x\": {{\"env\": {{\"GITHUB_TOKEN\": \"{w}\"}}}}}}}}\n");
    std::fs::write(ws.path().join(".mcp.json"), &mcp).unwrap();
    let (line, column) = position(&mcp, &w);
    let run = tokenscope(
        ws.path(),
        home.dir.path(),
        &["audit", "--offline", "--format", "json"],
        &[],
    );
    let got = found(&run);
    assert_eq!(got.len(), home.planted.len() + 1, "{}", run.stderr);
    assert!(got.iter().any(|(r, l)| *r == redacted(&w)
        && l[0] == json!({"kind": "file", "path": ".mcp.json", "line": line, "column": column})));
    let run = tokenscope(
        ws.path(),
        home.dir.path(),
        &["audit", "--offline", "--no-home", "--format", "json"],
        &[],
    );
    assert_eq!(found(&run).len(), 1);
}

#[test]
fn env_scans_variables_as_name_value_lines() {
    let t = ghp("env");
    let cwd = tempfile::tempdir().unwrap();
    let run = tokenscope(
        cwd.path(),
        &no_home(),
        &["scan", "--env", "--format", "json"],
        &[("MY_GH_TOKEN", &t), ("HARMLESS", "hello"), ("ALSO", &t)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        found(&run),
        expect(vec![(
            redacted(&t),
            vec![
                json!({"kind": "env", "variable": "ALSO", "line": 1, "column": 6}),
                json!({"kind": "env", "variable": "MY_GH_TOKEN", "line": 1, "column": 13}),
            ]
        )])
    );
    assert_no_raw_secret(&run, &[&t]);
    let text = tokenscope(
        cwd.path(),
        &no_home(),
        &["scan", "--env"],
        &[("MY_GH_TOKEN", &t)],
    );
    assert!(
        text.stdout
            .contains("at env:MY_GH_TOKEN:1:13 (environment)"),
        "{}",
        text.stdout
    );
}

#[test]
fn base64_encoded_secrets_are_found_at_the_encoded_location() {
    let (k, d, b, allowed) = (ghp("k8s"), ghp("docker"), ghp("basic"), ghp("k8s-allowed"));
    let ws = tempfile::tempdir().unwrap();
    let (ek, ed, eb, ea) = (
        b64(&k),
        b64(&format!("bot:{d}")),
        b64(&format!("x:{b}")),
        b64(&allowed),
    );
    let secret = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: gh\ntype: Opaque\ndata:\n  GITHUB_TOKEN: {ek}\n  other: {ea} # tokenscope:allow\n---\nkind: ConfigMap\ndata:\n  X: {ek}\n"
    );
    std::fs::create_dir_all(ws.path().join("k8s")).unwrap();
    std::fs::write(ws.path().join("k8s/secret.yaml"), &secret).unwrap();
    let docker = format!("{{\"auths\": {{\"ghcr.io\": {{\"auth\": \"{ed}\"}}}}}}\n");
    std::fs::write(ws.path().join("docker.json"), &docker).unwrap();
    let sh = format!("#!/bin/sh\ncurl -H \"Authorization: Basic {eb}\" https://api.example.com\n");
    std::fs::write(ws.path().join("call.sh"), &sh).unwrap();
    let run = scan(ws.path(), &[]);
    let file = |p: &str, text: &str, needle: &str| {
        let (line, column) = position(text, needle);
        json!({"kind": "file", "path": p, "line": line, "column": column})
    };
    assert_eq!(
        found(&run),
        expect(vec![
            (redacted(&k), vec![file("k8s/secret.yaml", &secret, &ek)]),
            (redacted(&d), vec![file("docker.json", &docker, &ed)]),
            (redacted(&b), vec![file("call.sh", &sh, &eb)]),
        ])
    );
    let doc = run.json();
    assert_eq!(doc["summary"]["suppressed_inline"], 1);
    // The variable of a Secret entry is its key.
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["secret_redacted"] == redacted(&k).as_str())
        .unwrap();
    let end = f["locations"][0]["end_column"].as_u64().unwrap();
    let col = f["locations"][0]["column"].as_u64().unwrap();
    assert_eq!((end - col) as usize, ek.len());
    assert_no_raw_secret(&run, &[&k, &d, &b]);
}

#[test]
fn encoded_secrets_in_history_are_found_too() {
    let k = ghp("k8s-history");
    let mut repo = Repo::new();
    let text = format!("kind: Secret\ndata:\n  token: {}\n", b64(&k));
    repo.write("deploy/secret.yml", &text);
    repo.git(&["add", "."]);
    let c = repo.commit("secret");
    let run = scan(repo.path(), &["--git-history"]);
    assert_eq!(
        found(&run),
        expect(vec![(
            redacted(&k),
            vec![history("deploy/secret.yml", &c, 3, 10)]
        )])
    );
}
