//! Hostile workspaces: the real binary on temporary trees built to break it (empty, huge, sparse,
//! binary and mis-encoded files, FIFOs, sockets, symlink loops, 100,000 files, paths with
//! newlines and invalid UTF-8, regex-hostile almost-tokens, broken configuration). Every tree
//! also holds one normal planted token: each test asserts the scan finishes, that finding is
//! intact, and a diagnostic names the bad file where one is due. Nothing is timed here; the
//! command timeout only turns a hang into a failure.

use crate::tokens::ghp;
use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;
use tokenscope::secret::SecretValue;
use tokenscope::source::read::{read_file, ReadError};
use tokenscope::source::SkipReason;

/// A hang fails the test instead of stalling CI.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The normal planted token (`tools/mint.py github ghp hostile1`), in `normal.env` line 1.
const NORMAL: &str = "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";
const NORMAL_LINE: &str = "GITHUB_TOKEN=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\n";

/// A temporary tree holding `normal.env` with the normal token.
fn tree() -> TempDir {
    let dir = tempfile::Builder::new()
        .prefix("tokenscope-hostile-")
        .tempdir()
        .unwrap();
    fs::write(dir.path().join("normal.env"), NORMAL_LINE).unwrap();
    dir
}

fn write(dir: &Path, rel: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, bytes).unwrap();
    p
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

fn is_root() -> bool {
    unsafe { libc::geteuid() == 0 }
}

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr:\n{}", self.stderr))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let home = std::env::temp_dir().join("tokenscope-test-no-home");
    let out = Command::cargo_bin("tokenscope")
        .unwrap()
        .current_dir(dir)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .timeout(TIMEOUT)
        .args(args)
        .output()
        .unwrap();
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("killed (hang past {TIMEOUT:?}?): {:?}", out.status));
    Run {
        code,
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `scan --format json --fail-on never ARGS .` in `dir`; asserts exit 0 and returns the report.
fn scan_json(dir: &Path, args: &[&str]) -> (Value, String) {
    let mut all = vec!["scan", "--format", "json", "--fail-on", "never"];
    all.extend_from_slice(args);
    if !args.iter().any(|a| !a.starts_with('-')) {
        all.push(".");
    }
    let r = run(dir, &all);
    assert_eq!(r.code, 0, "exit code; stderr:\n{}", r.stderr);
    (r.json(), r.stderr)
}

/// (rule, path, line, column) of every location of the finding for `secret`.
fn locations_of(doc: &Value, secret: &str) -> Vec<(String, String, u64, u64)> {
    let fp = SecretValue::new(secret).fingerprint();
    let mut v = Vec::new();
    for f in doc["findings"].as_array().unwrap() {
        if f["fingerprint"] == fp.as_str() {
            for l in f["locations"].as_array().unwrap() {
                v.push((
                    f["rule"].as_str().unwrap().to_string(),
                    l["path"].as_str().unwrap().to_string(),
                    l["line"].as_u64().unwrap(),
                    l["column"].as_u64().unwrap(),
                ));
            }
        }
    }
    v.sort();
    v
}

/// The normal finding is reported, exactly where it was planted.
fn assert_normal(doc: &Value) {
    assert_eq!(
        locations_of(doc, NORMAL),
        vec![(
            "github.classic-pat".to_string(),
            "normal.env".to_string(),
            1,
            14
        )],
        "normal finding in {doc:#}"
    );
}

fn skipped(doc: &Value, reason: &str) -> u64 {
    doc["summary"]["skipped"][reason].as_u64().unwrap_or(0)
}

/// The diagnostics (path, reason) of a JSON report.
fn diagnostics(doc: &Value) -> Vec<(String, String)> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has_diagnostic(doc: &Value, path_suffix: &str, reason: &str) -> bool {
    diagnostics(doc)
        .iter()
        .any(|(p, r)| p.ends_with(path_suffix) && r == reason)
}

#[test]
fn empty_file_is_scanned_and_counted() {
    let dir = tree();
    write(dir.path(), "empty", b"");
    write(dir.path(), "sub/.env", b"");
    let (doc, _) = scan_json(dir.path(), &[]);
    assert_normal(&doc);
    assert_eq!(doc["summary"]["files_scanned"], 3);
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn sparse_gigabyte_file_is_skipped_by_size_without_reading_it() {
    let dir = tree();
    let big = fs::File::create(dir.path().join("huge.log")).unwrap();
    big.set_len(1 << 30).unwrap();
    let (doc, _) = scan_json(dir.path(), &[]);
    assert_normal(&doc);
    assert_eq!(skipped(&doc, "too-large"), 1, "{doc:#}");
    assert_eq!(doc["summary"]["files_scanned"], 1);
    assert_eq!(doc["summary"]["bytes_scanned"], NORMAL_LINE.len() as u64);
    // Named explicitly (pre-commit passes names), the size limit holds too.
    let (doc, _) = scan_json(dir.path(), &["huge.log", "normal.env"]);
    assert_normal(&doc);
    assert_eq!(skipped(&doc, "too-large"), 1, "{doc:#}");
    // The library refuses it from the metadata, before reading a byte.
    let mut buf = Vec::new();
    assert!(matches!(
        read_file(&dir.path().join("huge.log"), 1 << 20, &mut buf),
        Err(ReadError::Skip(SkipReason::TooLarge, _))
    ));
    assert!(buf.capacity() < 1 << 20);
}

#[test]
fn minified_50mb_single_line_file_has_its_tokens_found() {
    let dir = tree();
    let (a, b, c) = (ghp("min-a"), ghp("min-b"), ghp("min-c"));
    // 50 MB of one line of minified JavaScript; tokens at the start, middle and end.
    let filler: String = (0..1000)
        .map(|i| format!("var v{i}=\"q{:08x}r\";", i * 2654435761u32 as usize))
        .collect();
    let mut line = format!("var a=\"{a}\";");
    let col_a = 8;
    let mut col_b = 0;
    while line.len() < 50_000_000 {
        line.push_str(&filler);
        if col_b == 0 && line.len() > 25_000_000 {
            line.push_str("t={\"k\":\"");
            col_b = line.len() + 1;
            line.push_str(&b);
            line.push_str("\"};");
        }
    }
    line.push_str("x='");
    let col_c = line.len() + 1;
    line.push_str(&c);
    line.push('\'');
    write(dir.path(), "dist/app.min.js", &line);
    let (doc, _) = scan_json(dir.path(), &["--max-file-size", "67108864"]);
    assert_normal(&doc);
    for (t, col) in [(&a, col_a), (&b, col_b), (&c, col_c)] {
        assert_eq!(
            locations_of(&doc, t),
            vec![(
                "github.classic-pat".into(),
                "dist/app.min.js".into(),
                1,
                col as u64
            )]
        );
    }
    // Under the default limit (25 MiB) the same file is skipped by size, and counted.
    let (doc, _) = scan_json(dir.path(), &[]);
    assert_normal(&doc);
    assert_eq!(skipped(&doc, "too-large"), 1);
}

#[test]
fn invalid_utf8_around_a_token_is_found() {
    let dir = tree();
    let t = ghp("utf8");
    // (Not starting with FF FE: that is a UTF-16LE byte-order mark.)
    let mut bytes = b"\xfd\xff\xfe garbage \xc3\x28 \xe2\x82 line one\n".to_vec();
    bytes.extend_from_slice(b"\x80\x81 key=");
    bytes.extend_from_slice(t.as_bytes());
    bytes.extend_from_slice(b" \xc0\xaf\xed\xa0\x80\xf8\x88\x80\x80\x80\n");
    write(dir.path(), "mixed.cfg", &bytes);
    let (doc, _) = scan_json(dir.path(), &[]);
    assert_normal(&doc);
    assert_eq!(
        locations_of(&doc, &t),
        vec![("github.classic-pat".into(), "mixed.cfg".into(), 2, 8)]
    );
}

#[test]
fn utf16_env_files_are_decoded_and_found_at_the_right_line() {
    let dir = tree();
    let cases = [
        ("le-bom", true, true),
        ("le-bare", true, false),
        ("be-bom", false, true),
    ];
    let mut tokens = Vec::new();
    for (name, le, bom) in cases {
        let t = ghp(name);
        let text = format!("# Windows editor\r\nAPP=web\r\nGITHUB_TOKEN={t}\r\nDEBUG=1\r\n");
        let mut bytes = Vec::new();
        if bom {
            bytes.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        write(dir.path(), format!("{name}/.env"), &bytes);
        tokens.push((format!("{name}/.env"), t));
    }
    let (doc, _) = scan_json(dir.path(), &[]);
    assert_normal(&doc);
    assert_eq!(skipped(&doc, "binary"), 0, "{doc:#}");
    for (path, t) in tokens {
        assert_eq!(
            locations_of(&doc, &t),
            vec![("github.classic-pat".into(), path, 3, 14)]
        );
    }
}

#[test]
fn nul_heavy_binaries_are_skipped_as_binary() {
    let dir = tree();
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    elf.resize(64 * 1024, 0);
    write(dir.path(), "bin/tool", &elf);
    let mut img = vec![0u8; 4096];
    img.extend_from_slice(ghp("in-binary").as_bytes());
    img.extend(std::iter::repeat_n(0u8, 1 << 20));
    write(dir.path(), "assets/blob.bin", &img);
    // NUL every few bytes but not UTF-16-shaped.
    let noisy: Vec<u8> = (0..100_000u32)
        .map(|i| if i % 3 == 0 { 0 } else { b'a' })
        .collect();
    write(dir.path(), "data.idx", &noisy);
    let (doc, _) = scan_json(dir.path(), &[]);
    assert_normal(&doc);
    assert_eq!(skipped(&doc, "binary"), 3, "{doc:#}");
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn file_deleted_between_walk_and_read_is_vanished() {
    let dir = tree();
    let mut buf = b"stale".to_vec();
    match read_file(&dir.path().join("gone.env"), 1 << 20, &mut buf) {
        Err(ReadError::Skip(SkipReason::Vanished, detail)) => assert!(!detail.is_empty()),
        Err(ReadError::Skip(r, d)) => panic!("{r:?}: {d}"),
        Ok(()) => panic!("read a missing file"),
    }
    assert!(buf.is_empty(), "the buffer must not keep the previous file");
    assert!(SkipReason::Vanished.is_diagnostic());
}

/// As root, permission bits do not stop reads: the test then only checks that the scan still
/// works (the FIFO tests cover "cannot be read" for root). As a normal user it asserts the
/// diagnostics.
#[test]
fn unreadable_files_and_directories_are_diagnostics() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree();
    let f = write(dir.path(), "secret.key", ghp("perm-file"));
    let d = dir.path().join("locked");
    write(&d, "inner.env", ghp("perm-dir"));
    fs::set_permissions(&f, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(&d, fs::Permissions::from_mode(0o000)).unwrap();
    let (doc, _) = scan_json(dir.path(), &[]);
    fs::set_permissions(&d, fs::Permissions::from_mode(0o755)).unwrap();
    assert_normal(&doc);
    if is_root() {
        eprintln!("running as root: permission bits are not enforced, diagnostics not checked");
        return;
    }
    assert!(has_diagnostic(&doc, "secret.key", "unreadable"), "{doc:#}");
    assert!(has_diagnostic(&doc, "locked", "walk-error"), "{doc:#}");
}

#[test]
fn promise_never_reads_fifos_or_sockets() {
    let dir = tree();
    mkfifo(&dir.path().join("pipe.env"));
    mkfifo(&dir.path().join("sub/deeper/fifo").tap_mkdir());
    let _sock = std::os::unix::net::UnixListener::bind(dir.path().join("agent.sock")).unwrap();
    let (doc, stderr) = scan_json(dir.path(), &[]);
    assert_normal(&doc);
    assert_eq!(skipped(&doc, "not-regular"), 3, "{doc:#}");
    for p in ["pipe.env", "sub/deeper/fifo", "agent.sock"] {
        assert!(has_diagnostic(&doc, p, "not-regular"), "{p}: {doc:#}");
        assert!(stderr.contains(p), "{p} named on stderr:\n{stderr}");
    }
    // Named on the command line (pre-commit), a FIFO is not opened in a blocking way either.
    let (doc, _) = scan_json(dir.path(), &["pipe.env", "normal.env"]);
    assert_normal(&doc);
    assert!(has_diagnostic(&doc, "pipe.env", "not-regular"), "{doc:#}");
    // The library call itself: no writer, no wait.
    let mut buf = Vec::new();
    assert!(matches!(
        read_file(&dir.path().join("pipe.env"), 1 << 20, &mut buf),
        Err(ReadError::Skip(SkipReason::NotRegular, _))
    ));
}

trait TapMkdir {
    fn tap_mkdir(self) -> Self;
}
impl TapMkdir for PathBuf {
    fn tap_mkdir(self) -> Self {
        fs::create_dir_all(self.parent().unwrap()).unwrap();
        self
    }
}

/// Regression: `ignore`'s walker opens every `.tokenscopeignore` (and with
/// `--respect-gitignore` every `.gitignore`/`.ignore`) with a blocking open and reads it to the
/// end: a FIFO hung the scan forever, a link to `/dev/zero` never ended.
#[test]
fn promise_never_hangs_on_fifo_or_device_ignore_files() {
    let dir = tree();
    mkfifo(&dir.path().join("vendor/.tokenscopeignore").tap_mkdir());
    write(dir.path(), "vendor/lib.env", ghp("behind-fifo"));
    write(dir.path(), "zero/x.txt", "x");
    symlink("/dev/zero", dir.path().join("zero/.tokenscopeignore")).unwrap();
    mkfifo(&dir.path().join("web/.gitignore").tap_mkdir());
    let (doc, stderr) = scan_json(dir.path(), &[]);
    assert_normal(&doc);
    assert!(
        has_diagnostic(&doc, "vendor/.tokenscopeignore", "walk-error"),
        "{doc:#}"
    );
    assert!(
        has_diagnostic(&doc, "zero/.tokenscopeignore", "walk-error"),
        "{doc:#}"
    );
    assert!(stderr.contains("vendor/.tokenscopeignore"), "{stderr}");
    // `.gitignore` is only read with --respect-gitignore.
    let (doc, _) = scan_json(dir.path(), &["--respect-gitignore"]);
    assert_normal(&doc);
    assert!(
        has_diagnostic(&doc, "web/.gitignore", "walk-error"),
        "{doc:#}"
    );

    // At the root, it is a configuration error: exit 2, naming the file.
    mkfifo(&dir.path().join(".tokenscopeignore"));
    let r = run(dir.path(), &["scan", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(".tokenscopeignore"), "{}", r.stderr);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
}

#[test]
fn promise_never_follows_symlinks_without_follow() {
    let dir = tree();
    let outside = tempfile::tempdir().unwrap();
    let out_token = ghp("outside");
    write(
        outside.path(),
        "creds.env",
        format!("GITHUB_TOKEN={out_token}\n"),
    );
    symlink(outside.path(), dir.path().join("outside-dir")).unwrap();
    symlink(
        outside.path().join("creds.env"),
        dir.path().join("outside.env"),
    )
    .unwrap();
    symlink("..", dir.path().join("loop")).unwrap();
    symlink("self", dir.path().join("self")).unwrap();
    symlink("/nonexistent/target", dir.path().join("dangling")).unwrap();
    let (doc, _) = scan_json(dir.path(), &[]);
    assert_normal(&doc);
    assert!(locations_of(&doc, &out_token).is_empty(), "{doc:#}");
    assert_eq!(skipped(&doc, "symlink"), 5, "{doc:#}");
    assert_eq!(doc["summary"]["files_scanned"], 1);
}

#[test]
fn follow_reports_a_symlink_loop_and_finishes() {
    let dir = tree();
    write(dir.path(), "a/b/c.txt", "nothing");
    symlink("../..", dir.path().join("a/b/up")).unwrap();
    symlink("../a", dir.path().join("a/again")).unwrap();
    let (doc, stderr) = scan_json(dir.path(), &["--follow"]);
    assert_normal(&doc);
    assert!(has_diagnostic(&doc, "up", "walk-error"), "{doc:#}");
    assert!(stderr.contains("loop"), "{stderr}");
}

#[test]
fn hundred_thousand_empty_files_are_all_counted() {
    let dir = tree();
    for d in 0..100 {
        let sub = dir.path().join(format!("d{d:03}"));
        fs::create_dir(&sub).unwrap();
        for f in 0..1000 {
            fs::File::create(sub.join(format!("{f}.txt"))).unwrap();
        }
    }
    let (doc, _) = scan_json(dir.path(), &[]);
    assert_normal(&doc);
    assert_eq!(doc["summary"]["files_scanned"], 100_001);
}

#[test]
fn hostile_paths_are_escaped_in_text_json_and_sarif() {
    use std::ffi::OsStr;
    let dir = tree();
    let (t_nl, t_bin, t_long, t_ctl) = (ghp("nl"), ghp("bin"), ghp("long"), ghp("ctl"));
    let nl = OsStr::from_bytes(b"evil\nname.env");
    let bin = OsStr::from_bytes(b"caf\xe9 \xff.env");
    let long = format!("{}.env", "l".repeat(250));
    let ctl = OsStr::from_bytes(b"esc\x1b[31mred\x07 \"q\" %41.env");
    for (name, t) in [
        (nl, &t_nl),
        (bin, &t_bin),
        (OsStr::new(&long), &t_long),
        (ctl, &t_ctl),
    ] {
        write(dir.path(), Path::new("p").join(name), format!("k={t}\n"));
    }
    // A path deeper than PATH_MAX (4096 bytes) built from long names.
    let mut deep = dir.path().join("p");
    for i in 0..20 {
        deep = deep.join(format!("{i:02}{}", "d".repeat(240)));
    }
    let _ = fs::create_dir_all(&deep); // may fail past PATH_MAX: then build it relatively
    let deep_ok = deep.exists();

    // Text: one line per location, control characters escaped.
    let r = run(dir.path(), &["scan", "--fail-on", "never", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = r.text();
    assert!(text.contains("at p/evil\\nname.env:1:3"), "{text}");
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    assert!(
        text.contains("esc\\u{1b}[31mred\\u{7} \\\"q\\\" %41.env"),
        "{text}"
    );
    assert!(text.contains(&long), "{text}");

    // JSON: parses, one finding per token, paths round-trip (lossily only for invalid UTF-8).
    let (doc, _) = scan_json(dir.path(), &[]);
    assert_normal(&doc);
    let path_of = |t: &str| locations_of(&doc, t)[0].1.clone();
    assert_eq!(path_of(&t_nl), "p/evil\nname.env");
    assert_eq!(path_of(&t_bin), "p/caf\u{FFFD} \u{FFFD}.env");
    assert_eq!(path_of(&t_long), format!("p/{long}"));
    assert_eq!(path_of(&t_ctl), "p/esc\x1b[31mred\x07 \"q\" %41.env");

    // SARIF: URIs are percent-encoded byte by byte, invalid UTF-8 included.
    let r = run(
        dir.path(),
        &["scan", "--format", "sarif", "--fail-on", "never", "."],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sarif = r.json();
    let uris: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|res| {
            res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for want in [
        "p/evil%0Aname.env".to_string(),
        "p/caf%E9%20%FF.env".to_string(),
        format!("p/{long}"),
        "p/esc%1B%5B31mred%07%20%22q%22%20%2541.env".to_string(),
    ] {
        assert!(uris.contains(&want), "{want} not in {uris:?}");
    }
    for u in &uris {
        assert!(
            u.bytes().all(|b| b.is_ascii_graphic() && b != b'\\'),
            "unescaped byte in {u:?}"
        );
    }
    let _ = deep_ok;
}

/// Inputs built against the detector regexes: long runs of a prefix's alphabet and almost-tokens
/// repeated a million times, on one line and one per line. The scan must complete and still
/// find the real token planted after them (speed is measured in `bench/`, not here).
#[test]
fn pathological_almost_tokens_complete_and_the_real_token_is_found() {
    let dir = tree();
    let real = ghp("after-the-storm");
    let n = 1_000_000;
    let a35 = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3h"; // 34 + 1 below = 35: one short of a PAT
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("ghp-line.txt", almost(&format!("ghp_{a35}x "), n, false)),
        ("ghp-lines.txt", almost(&format!("ghp_{a35}x"), n / 4, true)),
        ("akia.txt", almost("AKIAQWERTYUIOPASDFG ", n, false)),
        ("jwt.txt", almost("eyJ", n, false)),
        (
            "jwt-dots.txt",
            almost("eyJhbGciOiJIUzI1NiJ9.eyJ", n / 4, false),
        ),
        ("xoxb.txt", almost("xoxb-1234567890", n / 2, false)),
        (
            "pem.txt",
            almost(
                "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n",
                n / 10,
                false,
            ),
        ),
        (
            "b62-run.txt",
            "ghp_"
                .bytes()
                .chain(std::iter::repeat_n(b'a', 20_000_000))
                .collect(),
        ),
        ("k8s.yaml", {
            let mut v = b"apiVersion: v1\nkind: Secret\ndata:\n".to_vec();
            v.extend(almost("  k: QUJD\n", n / 10, false));
            v
        }),
    ];
    for (name, mut bytes) in files {
        bytes.extend_from_slice(format!("\nGITHUB_TOKEN={real}\n").as_bytes());
        write(dir.path(), name, &bytes);
    }
    let (doc, _) = scan_json(dir.path(), &["--max-file-size", "134217728"]);
    assert_normal(&doc);
    let found: Vec<String> = locations_of(&doc, &real).into_iter().map(|l| l.1).collect();
    assert_eq!(found.len(), 9, "{found:?}");
    assert_eq!(
        doc["findings"].as_array().unwrap().len(),
        2,
        "no almost-token reported"
    );
}

fn almost(unit: &str, n: usize, newline: bool) -> Vec<u8> {
    let mut v = Vec::with_capacity((unit.len() + 1) * n);
    for _ in 0..n {
        v.extend_from_slice(unit.as_bytes());
        if newline {
            v.push(b'\n');
        }
    }
    v
}

// ---- malformed configuration: exit 2, a message naming the file (and line), nothing written.

fn assert_nothing_written(dir: &Path) {
    for f in ["report.json", "new-baseline.json"] {
        assert!(!dir.join(f).exists(), "{f} was written");
    }
    let stray: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(stray.is_empty(), "temporary files left: {stray:?}");
}

const WRITE_ARGS: &[&str] = &[
    "scan",
    "--format",
    "json",
    "-o",
    "report.json",
    "--write-baseline",
    "new-baseline.json",
];

#[test]
fn broken_baseline_is_an_error_naming_file_and_line_and_writes_nothing() {
    let dir = tree();
    write(
        dir.path(),
        "baseline.json",
        "{\n  \"version\": 1,\n  \"fingerprints\": [\n    {\"fingerprint\": \"ab\",}\n  ]\n}\n",
    );
    let mut args = WRITE_ARGS.to_vec();
    args.extend(["--baseline", "baseline.json", "."]);
    let r = run(dir.path(), &args);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("baseline.json"), "{}", r.stderr);
    assert!(r.stderr.contains("line 4"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert_nothing_written(dir.path());

    // Valid JSON, wrong version.
    write(
        dir.path(),
        "baseline.json",
        "{\"version\": 7, \"fingerprints\": []}\n",
    );
    let r = run(dir.path(), &args);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("baseline.json"), "{}", r.stderr);
    assert!(r.stderr.contains("version 7"), "{}", r.stderr);
    assert_nothing_written(dir.path());

    // Not JSON at all (binary garbage), and a missing file.
    write(dir.path(), "baseline.json", b"\xff\xfe\0\0garbage");
    let r = run(dir.path(), &args);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("baseline.json"), "{}", r.stderr);
    assert_nothing_written(dir.path());
    fs::remove_file(dir.path().join("baseline.json")).unwrap();
    let r = run(dir.path(), &args);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("baseline.json"), "{}", r.stderr);
    assert_nothing_written(dir.path());
}

/// `ignore`'s gitignore parser rejects only lines whose glob does not compile: an inverted
/// range `[z-a]`, an unclosed `{` alternate, a dangling `\`. It accepts everything else (an
/// unclosed `[`, nested `{}`, `***`). Those lines, and a file that is not UTF-8, are what can
/// be broken.
#[test]
fn broken_tokenscopeignore_is_an_error_naming_file_and_line_and_writes_nothing() {
    for (body, want) in [
        (
            &b"# vendored\nnode_modules/\n*.min.js\nsrc/[z-a].rs\n"[..],
            "line 4",
        ),
        (&b"dist/\n{a,b\n"[..], "line 2"),
        (&b"dist/\nbuild/\ntrailing\\\n"[..], "line 3"),
        (&b"ok/\n\xff\xfe bad\n"[..], "UTF-8"),
    ] {
        let dir = tree();
        write(dir.path(), ".tokenscopeignore", body);
        let mut args = WRITE_ARGS.to_vec();
        args.push(".");
        let r = run(dir.path(), &args);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains(".tokenscopeignore"), "{}", r.stderr);
        assert!(r.stderr.contains(want), "{want}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert_nothing_written(dir.path());
    }
}
