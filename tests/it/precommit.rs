//! The pre-commit integration, with the real `pre-commit` framework: the hook manifest
//! (`.pre-commit-hooks.yaml`) validates, and its `tokenscope` hook — run as a `repo: local`
//! hook whose entry is the manifest's, pointed at the binary under test — refuses a commit that
//! adds a token, lets a clean commit and an allow-marked line through.
//!
//! Skipped (with a message) only when `pre-commit` is not installed locally; under CI it must be
//! (`.ci/run` installs it).

use crate::sources::{ghp, redacted, Repo};
use std::path::Path;
use std::process::{Command, Output};

fn manifest() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"))
        .unwrap()
}

/// The `entry:` of hook `id` in the manifest.
fn manifest_entry(id: &str) -> String {
    let text = manifest();
    let start = text
        .find(&format!("- id: {id}\n"))
        .unwrap_or_else(|| panic!("hook {id} not in the manifest"));
    let block = &text[start..];
    let line = block
        .lines()
        .find_map(|l| l.trim().strip_prefix("entry:"))
        .unwrap();
    line.trim().to_string()
}

fn pre_commit_available() -> bool {
    let ok = Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "pre-commit is not installed, but CI must run this test (.ci/run installs it)"
        );
        eprintln!("SKIPPED: the `pre-commit` executable is missing (pip install pre-commit)");
    }
    ok
}

/// Runs a command in the repository with a private home and pre-commit cache.
fn run(repo: &Repo, home: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .current_dir(repo.path())
        .env("HOME", home)
        .env("PRE_COMMIT_HOME", home.join("pre-commit-cache"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", "2022-02-02T02:02:02Z")
        .env("GIT_COMMITTER_DATE", "2022-02-02T02:02:02Z")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("PRE_COMMIT")
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn manifest_is_valid_for_pre_commit() {
    if !pre_commit_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new("pre-commit")
        .current_dir(dir.path())
        .env("PRE_COMMIT_HOME", dir.path().join("cache"))
        .arg("validate-manifest")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let m = manifest();
    for needle in [
        "language: rust",
        "pass_filenames: true",
        "require_serial: true",
        "minimum_pre_commit_version",
        "- id: tokenscope-probe",
        "stages: [pre-push, manual]",
    ] {
        assert!(m.contains(needle), "manifest lacks {needle:?}");
    }
    assert!(manifest_entry("tokenscope").starts_with("tokenscope scan --staged"));
    assert!(manifest_entry("tokenscope-probe").contains("--probe --fail-on account-wide"));
}

#[test]
fn commit_with_a_token_is_refused_and_clean_or_allowed_commits_pass() {
    if !pre_commit_available() {
        return;
    }
    let repo = Repo::new();
    let home = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_tokenscope");
    // The manifest's own entry, with the binary under test in place of the installed one.
    let entry = manifest_entry("tokenscope");
    let args = entry.strip_prefix("tokenscope").unwrap();
    let config = format!(
        "repos:\n- repo: local\n  hooks:\n  - id: tokenscope\n    name: tokenscope\n    entry: {bin}{args}\n    language: system\n    pass_filenames: true\n    require_serial: true\n"
    );
    repo.write(".pre-commit-config.yaml", &config);
    repo.write("README.md", "# demo\n");
    let o = run(&repo, home.path(), "pre-commit", &["install"]);
    assert!(o.status.success(), "{}", text(&o));
    repo.git(&["add", "."]);
    let o = run(&repo, home.path(), "git", &["commit", "-q", "-m", "clean"]);
    assert!(o.status.success(), "a clean commit passes: {}", text(&o));

    // A planted token: refused, with a readable message that never shows the token.
    let token = ghp("pre-commit-planted");
    repo.write("deploy/env.sh", format!("export GITHUB_TOKEN={token}\n"));
    repo.git(&["add", "."]);
    let o = run(&repo, home.path(), "git", &["commit", "-q", "-m", "leak"]);
    let out = text(&o);
    assert!(!o.status.success(), "the commit must be refused: {out}");
    assert!(out.contains("tokenscope"), "{out}");
    assert!(out.contains("Failed"), "{out}");
    assert!(out.contains("github.classic-pat"), "{out}");
    assert!(out.contains(&redacted(&token)), "{out}");
    assert!(
        out.contains("deploy/env.sh:1:21 (staged)"),
        "the message points at the line: {out}"
    );
    assert!(!out.contains(&token), "the full token was printed");
    assert_eq!(
        repo.git(&["rev-list", "--count", "HEAD"]),
        "1",
        "nothing was committed"
    );

    // The same line marked as allowed: the commit passes.
    repo.write(
        "deploy/env.sh",
        format!("export GITHUB_TOKEN={token}  # tokenscope:allow\n"),
    );
    repo.git(&["add", "."]);
    let o = run(
        &repo,
        home.path(),
        "git",
        &["commit", "-q", "-m", "allowed"],
    );
    assert!(o.status.success(), "an allowed line passes: {}", text(&o));
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]), "2");

    // pre-commit stashes unstaged edits: what is checked is the staged version. An unstaged
    // token does not block a commit of other, clean staged changes.
    repo.write("notes.txt", "nothing secret\n");
    repo.git(&["add", "notes.txt"]);
    repo.write("scratch.txt", format!("{}\n", ghp("unstaged-scratch")));
    let o = run(&repo, home.path(), "git", &["commit", "-q", "-m", "notes"]);
    assert!(o.status.success(), "{}", text(&o));
}
