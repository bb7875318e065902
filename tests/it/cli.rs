//! The command-line contract: exit codes (0 clean, 1 findings, 2 error), error messages, the
//! detector list, `--help`, and `-o FILE`.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use tempfile::TempDir;

/// The first example of `github.classic-pat` (detectors/github.toml): a checksum-valid fake.
const GHP: &str = "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";

/// Rules the binary must ship once every detector batch has landed (`tokenscope detectors`).
const MIN_RULES: usize = 60;

fn tokenscope(dir: &Path) -> Command {
    let home = std::env::temp_dir().join("tokenscope-test-no-home");
    let mut cmd = Command::cargo_bin("tokenscope").unwrap();
    cmd.current_dir(dir)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1");
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = tokenscope(dir).args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::Builder::new()
        .prefix("tokenscope-cli-")
        .tempdir()
        .unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn clean_directory_exits_0() {
    let dir = tree(&[("src/main.py", "print('hello')\n"), ("README.md", "# hi\n")]);
    let r = run(dir.path(), &["scan", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("No secrets found."), "{}", r.stdout);
    assert!(r.stderr.contains("0 findings"), "{}", r.stderr);

    let r = run(dir.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 0);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["findings"], Value::Array(vec![]));
}

#[test]
fn findings_exit_1_and_fail_on_never_exits_0() {
    let dir = tree(&[(".env", &format!("GITHUB_TOKEN={GHP}\n"))]);
    let r = run(dir.path(), &["scan", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("github.classic-pat"), "{}", r.stdout);
    assert!(r.stdout.contains("at .env:1:14"), "{}", r.stdout);
    assert!(!r.stdout.contains(GHP) && !r.stderr.contains(GHP));
    assert_eq!(
        run(dir.path(), &["scan", "--fail-on", "never", "."]).code,
        0
    );
    assert_eq!(run(dir.path(), &["scan", "--fail-on", "any", "."]).code, 1);
}

#[test]
fn bad_flag_exits_2() {
    let dir = tree(&[]);
    let r = run(dir.path(), &["scan", "--no-such-flag", "."]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--no-such-flag"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert_eq!(run(dir.path(), &["no-such-command"]).code, 2);
    assert_eq!(run(dir.path(), &[]).code, 2, "a subcommand is required");
}

#[test]
fn missing_path_exits_2_and_names_it() {
    let dir = tree(&[("a.txt", "nothing here\n")]);
    let r = run(dir.path(), &["scan", "a.txt", "does-not-exist"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("does-not-exist"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn bad_fail_on_value_exits_2() {
    let dir = tree(&[]);
    let r = run(dir.path(), &["scan", "--fail-on", "sometimes", "."]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("sometimes"), "{}", r.stderr);
    assert!(r.stderr.contains("--fail-on"), "{}", r.stderr);
}

#[test]
fn broken_baseline_exits_2_with_file_and_line_and_writes_nothing() {
    let dir = tree(&[
        (".env", &format!("GITHUB_TOKEN={GHP}\n")),
        (
            "baseline.json",
            "{\n  \"version\": 1,\n  \"fingerprints\": [\n    {,\n  ]\n}\n",
        ),
    ]);
    let before = names(dir.path());
    let r = run(
        dir.path(),
        &[
            "scan",
            "--baseline",
            "baseline.json",
            "--write-baseline",
            "new-baseline.json",
            "-o",
            "report.json",
            "--format",
            "json",
            ".",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("baseline.json"), "{}", r.stderr);
    assert!(r.stderr.contains("line 4"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(names(dir.path()), before, "nothing written");

    // Valid JSON of the wrong shape, and a missing file, are errors too.
    std::fs::write(dir.path().join("baseline.json"), "{\"version\": 1}\n").unwrap();
    let r = run(dir.path(), &["scan", "--baseline", "baseline.json", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("baseline.json"), "{}", r.stderr);
    let r = run(dir.path(), &["scan", "--baseline", "missing.json", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("missing.json"), "{}", r.stderr);
}

#[test]
fn broken_tokenscopeignore_exits_2() {
    // An unclosed alternate group and a reversed range: the ignore crate refuses both globs
    // (an unclosed `[` is accepted as a literal, so it is not used here).
    let dir = tree(&[
        (".tokenscopeignore", "# archived\nlegacy/\nsecrets/{a,b\n"),
        (".env", &format!("GITHUB_TOKEN={GHP}\n")),
    ]);
    let r = run(dir.path(), &["scan", "."]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(".tokenscopeignore"), "{}", r.stderr);
    assert!(r.stderr.contains("line 3"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);

    std::fs::write(dir.path().join(".tokenscopeignore"), "[z-a].txt\n").unwrap();
    let r = run(dir.path(), &["scan", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("line 1"), "{}", r.stderr);
    // A broken ignore file above an explicitly named file counts too.
    let r = run(dir.path(), &["scan", ".env"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn detectors_lists_every_rule_in_text_and_json() {
    let dir = tree(&[]);
    let text = run(dir.path(), &["detectors"]);
    assert_eq!(text.code, 0);
    let lines: Vec<&str> = text.stdout.lines().collect();
    let (last, rules) = lines.split_last().unwrap();
    let n: usize = last
        .strip_suffix(" rules")
        .unwrap_or_else(|| panic!("last line {last:?}"))
        .parse()
        .unwrap();
    assert_eq!(rules.len(), n);
    assert!(
        n >= MIN_RULES,
        "{n} rules listed, want at least {MIN_RULES}"
    );
    assert!(rules.iter().any(|l| l.starts_with("github.classic-pat ")));

    let json = run(dir.path(), &["detectors", "--format", "json"]);
    assert_eq!(json.code, 0);
    let list: Vec<Value> = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(list.len(), n);
    let mut ids: Vec<&str> = list.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for r in &list {
        let (id, provider) = (r["id"].as_str().unwrap(), r["provider"].as_str().unwrap());
        assert!(
            id.starts_with(&format!("{provider}.")),
            "{id} of {provider}"
        );
        assert!(r["description"].as_str().unwrap().len() > 20, "{id}");
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "rule ids are unique");
}

#[test]
fn help_mentions_exit_codes() {
    let dir = tree(&[]);
    for args in [&["--help"][..], &["scan", "--help"]] {
        let r = run(dir.path(), args);
        assert_eq!(r.code, 0, "{args:?}");
        assert!(r.stdout.contains("Exit codes"), "{args:?}: {}", r.stdout);
        for code in ["0  ", "1  ", "2  "] {
            assert!(r.stdout.contains(code), "{args:?} lacks exit code {code}");
        }
    }
    let r = run(dir.path(), &["--version"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("tokenscope "), "{}", r.stdout);
}

#[test]
fn output_file_is_written_atomically_and_stdout_stays_empty() {
    let dir = tree(&[(".env", &format!("GITHUB_TOKEN={GHP}\n"))]);
    // The report lands inside the scanned tree: it must not be scanned itself.
    let r = run(
        dir.path(),
        &["scan", "--format", "json", "-o", "out/report.json", "."],
    );
    // A missing parent directory is an error, not a panic.
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("out/report.json"), "{}", r.stderr);

    std::fs::create_dir(dir.path().join("out")).unwrap();
    for _ in 0..2 {
        let r = run(
            dir.path(),
            &["scan", "--format", "json", "-o", "out/report.json", "."],
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        let text = std::fs::read_to_string(dir.path().join("out/report.json")).unwrap();
        assert!(!text.contains(GHP));
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["findings"].as_array().unwrap().len(), 1, "{text}");
        // No temporary file left behind.
        assert_eq!(names(&dir.path().join("out")), ["report.json"]);
    }
}

#[test]
fn the_output_file_is_never_scanned_but_a_file_of_the_same_name_elsewhere_is() {
    // A stale report holding a token (say, written by another tool) at the `-o` path is about
    // to be replaced, so it is not scanned; a file with the same name in another directory
    // is an ordinary file. (Only files named like a never-scanned file have their path
    // resolved; this pins that shortcut to exact paths.)
    let stale = crate::tokens::ghp("stale report");
    let elsewhere = crate::tokens::ghp("same name elsewhere");
    let dir = tree(&[
        ("out/report.json", &format!("GITHUB_TOKEN={stale}\n")),
        ("docs/report.json", &format!("GITHUB_TOKEN={elsewhere}\n")),
    ]);
    let r = run(
        dir.path(),
        &["scan", "--format", "json", "-o", "out/report.json", "."],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/report.json")).unwrap())
            .unwrap();
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["locations"].as_array().unwrap())
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["docs/report.json"]);
}
