//! tokenscope must never become the leak. Known secrets are planted where real ones hide; every
//! output path of the real binary (text, JSON, SARIF on stdout and with `-o`, `--write-baseline`,
//! `audit`, `detectors`, `--env`, `probe` from stdin, diagnostics, a forced panic) is checked:
//! no full secret, and no run of more than 6 characters of a secret's random part, appears in
//! stdout, stderr or any written file. `SecretValue` is also checked inside panic messages and
//! for zeroization on drop.

use assert_cmd::Command;
use std::alloc::{GlobalAlloc, Layout, System};
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::time::Duration;
use tokenscope::secret::SecretValue;

/// (full secret, its random part: what must never show, even in pieces).
struct Planted {
    full: &'static str,
    random: &'static str,
}

// GitHub classic PATs with valid checksums (`tools/mint.py github ghp leak-a` / `leak-b`).
const GHP_A: &str = "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";
const GHP_B: &str = "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";
// An AWS key pair (`tools/mint.py aws-key leak-aws`, `rand b64 40 leak-aws-secret`).
const AWS_ID: &str = "AKIAXOTPQNIQVZTGU2BT";
const AWS_SECRET: &str = "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";
const STRIPE: &str = "sk_live_IQpXExGFQBVoFp56xNUURDvP";
const RAILWAY: &str = "d505b195-64d2-4cf2-ab52-e2254fe86047";
const DB_PASSWORD: &str = "6HTzg6XWM60TzMzsX7EX";

const PEM_BODY: &str = "\
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Vq3mJ5pXk2Lr
Tz8wQf1nH4sYd6KcB0eRu9GxZaPlV2jMt7NoW3iSqDhE5bUcF8yAkLrXp6vQmJ0T
nZ4sHwKe2R9uYbGdPiVxCa7Lf1Mo5Qj3tEzNh8WkSgDl6BqUrI0cXyAv4Fm2Jp9O
Kd7Ys1bTeRw3ZqLu5NhVo8GxMa2CiPfJ6Eg0Hl4Wn9SkDtXr1bUyQm7Ac3Ve5zIj
-----END PRIVATE KEY-----";

fn planted() -> Vec<Planted> {
    vec![
        Planted {
            full: GHP_A,
            random: &GHP_A[4..],
        },
        Planted {
            full: GHP_B,
            random: &GHP_B[4..],
        },
        Planted {
            full: AWS_ID,
            random: &AWS_ID[4..],
        },
        Planted {
            full: AWS_SECRET,
            random: AWS_SECRET,
        },
        Planted {
            full: STRIPE,
            random: &STRIPE[8..],
        },
        Planted {
            full: RAILWAY,
            random: RAILWAY,
        },
        Planted {
            full: DB_PASSWORD,
            random: DB_PASSWORD,
        },
        Planted {
            full: PEM_BODY,
            random: &PEM_BODY[..PEM_BODY.find("\n-----END").unwrap()],
        },
    ]
}

/// Every window of 7 characters of the random part (line breaks of a PEM body skipped).
fn pieces(random: &str) -> Vec<String> {
    let chars: Vec<char> = random.chars().filter(|c| !c.is_whitespace()).collect();
    chars.windows(7).map(|w| w.iter().collect()).collect()
}

/// Fails naming what leaked and where.
fn assert_no_leak(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    // PEM bodies may be re-wrapped: compare without line breaks too.
    let joined: String = text.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    for p in planted() {
        assert!(!text.contains(p.full), "{what}: full secret leaked\n{text}");
        for piece in pieces(p.random) {
            assert!(
                !text.contains(&piece) && !joined.contains(&piece),
                "{what}: {piece:?} of a secret leaked\n{text}"
            );
        }
    }
}

/// A workspace with every planted secret where real ones hide.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("tokenscope-leak-")
        .tempdir()
        .unwrap();
    let files: &[(&str, String)] = &[
        (".env", format!("GITHUB_TOKEN={GHP_A}\nSTRIPE_SECRET_KEY={STRIPE}\n")),
        ("scripts/deploy.sh", format!("#!/bin/sh\nexport RAILWAY_API_TOKEN={RAILWAY}\ncurl -H \"Authorization: token {GHP_B}\" https://api.github.com/user\n")),
        ("config/aws.ini", format!("[default]\naws_access_key_id = {AWS_ID}\naws_secret_access_key = {AWS_SECRET}\n")),
        ("keys/server.pem", format!("-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\n")),
        ("docker-compose.yml", format!("services:\n  app:\n    environment:\n      DATABASE_URL: postgres://app:{DB_PASSWORD}@db.internal:5432/prod\n")),
    ];
    for (rel, text) in files {
        let p = dir.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

fn cmd(dir: &Path) -> Command {
    let home = dir.join("no-home");
    let mut c = Command::cargo_bin("tokenscope").unwrap();
    c.current_dir(dir)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        // No verbosity flag exists; these are set in case a logger or backtrace ever prints.
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "full")
        .timeout(Duration::from_secs(120));
    c
}

/// Runs, checks stdout and stderr, returns (exit code, stdout).
fn run_checked(dir: &Path, args: &[&str], stdin: Option<&str>) -> (i32, Vec<u8>) {
    let mut c = cmd(dir);
    c.args(args);
    if let Some(s) = stdin {
        c.write_stdin(s);
    }
    let out = c.output().unwrap();
    let what = args.join(" ");
    assert_no_leak(&format!("stdout of `{what}`"), &out.stdout);
    assert_no_leak(&format!("stderr of `{what}`"), &out.stderr);
    (out.status.code().unwrap_or(-1), out.stdout)
}

/// Every file under `dir` except the planted workspace itself.
fn assert_written_files_clean(dir: &Path, planted_files: &[&str]) {
    for e in walk(dir) {
        let rel = e.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        if planted_files.contains(&rel.as_str()) {
            continue;
        }
        assert_no_leak(&format!("written file {rel}"), &fs::read(&e).unwrap());
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

const PLANTED_FILES: &[&str] = &[
    ".env",
    "scripts/deploy.sh",
    "config/aws.ini",
    "keys/server.pem",
    "docker-compose.yml",
];

#[test]
fn promise_never_prints_a_full_secret() {
    let dir = workspace();
    let d = dir.path();
    // The planted secrets are really found (else this test proves nothing).
    let (code, out) = run_checked(d, &["scan", "--format", "json", "."], None);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for want in [
        "github.classic-pat",
        "aws.access-key-id",
        "stripe.live-secret-key",
        "railway.account-token",
        "privatekey.pem",
        "database.postgres-mysql-url",
    ] {
        assert!(rules.contains(&want), "{want} not found in {rules:?}");
    }
    assert!(rules.len() >= 6, "{rules:?}");

    fs::create_dir(d.join("out")).unwrap();
    for format in ["text", "json", "sarif"] {
        run_checked(d, &["scan", "--format", format, "."], None);
        run_checked(d, &["scan", "--format", format, "--quiet", "."], None);
        let out = format!("out/report.{format}");
        run_checked(d, &["scan", "--format", format, "-o", &out, "."], None);
        assert!(d.join(&out).exists());
        run_checked(
            d,
            &["audit", "--offline", "--no-home", "--format", format, "."],
            None,
        );
    }
    run_checked(
        d,
        &["scan", "--write-baseline", "out/baseline.json", "."],
        None,
    );
    let base = fs::read_to_string(d.join("out/baseline.json")).unwrap();
    assert!(base.contains("fingerprint"), "{base}");
    run_checked(d, &["scan", "--baseline", "out/baseline.json", "."], None);
    // Each planted file named explicitly (the pre-commit path), and git-history-free sources.
    let mut args = vec!["scan", "--format", "json"];
    args.extend(PLANTED_FILES);
    run_checked(d, &args, None);
    run_checked(d, &["detectors"], None);
    run_checked(d, &["detectors", "--format", "json"], None);
    assert_written_files_clean(d, PLANTED_FILES);
}

#[test]
fn promise_environment_values_are_never_printed() {
    let dir = workspace();
    for format in ["text", "json", "sarif"] {
        let out = cmd(dir.path())
            .args(["scan", "--env", "--format", format])
            .env("LEAK_GITHUB_TOKEN", GHP_B)
            .env("RAILWAY_API_TOKEN", RAILWAY)
            .env("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "the variables are found");
        assert!(String::from_utf8_lossy(&out.stdout).contains("LEAK_GITHUB_TOKEN"));
        assert_no_leak("stdout of scan --env", &out.stdout);
        assert_no_leak("stderr of scan --env", &out.stderr);
    }
}

#[test]
fn promise_probe_errors_never_echo_the_token() {
    let dir = workspace();
    // Nothing listens on port 9 (discard): the probe fails; its error must not carry the token.
    for (provider, input) in [
        ("github", GHP_A.to_string()),
        ("stripe", STRIPE.to_string()),
        ("aws", format!("{AWS_ID} {AWS_SECRET}")),
        ("railway", RAILWAY.to_string()),
    ] {
        let endpoint = format!("{provider}=http://127.0.0.1:9");
        for format in ["text", "json"] {
            run_checked(
                dir.path(),
                &[
                    "probe",
                    "--provider",
                    provider,
                    "--format",
                    format,
                    "--endpoint",
                    &endpoint,
                    "--probe-timeout",
                    "5",
                ],
                Some(&input),
            );
        }
    }
    // A scan that probes and fails on every secret.
    let mut args = vec![
        "scan",
        "--probe",
        "--format",
        "json",
        "--probe-timeout",
        "10",
    ];
    let endpoints: Vec<String> = ["github", "stripe", "aws", "railway", "gitlab", "slack"]
        .iter()
        .map(|p| format!("{p}=http://127.0.0.1:9"))
        .collect();
    for e in &endpoints {
        args.extend(["--endpoint", e.as_str()]);
    }
    args.push(".");
    run_checked(dir.path(), &args, None);
}

/// A panic in the binary must not print its payload: it may hold a secret (a `&str` slicing
/// panic quotes the string). The debug binary panics on purpose with `TOKENSCOPE_TEST_PANIC`.
#[test]
fn promise_a_crash_never_prints_a_secret() {
    let dir = workspace();
    let out = cmd(dir.path())
        .args(["scan", "."])
        .env("TOKENSCOPE_TEST_PANIC", GHP_A)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("internal error"), "{stderr}");
    assert_no_leak("stderr of a panic", &out.stderr);
    assert_no_leak("stdout of a panic", &out.stdout);
}

#[test]
fn secret_debug_redacts_inside_a_panic_message() {
    #[derive(Debug)]
    #[allow(dead_code)]
    struct Finding {
        rule: &'static str,
        secret: SecretValue,
    }
    let f = Finding {
        rule: "github.classic-pat",
        secret: SecretValue::new(GHP_A),
    };
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        panic!("unexpected state: {f:?} / {} / {:#?}", f.secret, f)
    }));
    std::panic::set_hook(prev);
    let payload = caught.unwrap_err();
    let msg = payload
        .downcast_ref::<String>()
        .cloned()
        .expect("formatted panic message");
    assert!(msg.contains("SecretValue(ghp_…H6)"), "{msg}");
    assert_no_leak("panic message", msg.as_bytes());
}

// ---- zeroize on drop, observed without undefined behaviour: the test binary's allocator
// (a pass-through to the system allocator) checks the bytes of one watched allocation at the
// moment it is freed, while they are still owned.

struct WatchingAllocator;

/// Address of the watched allocation (0: none) and what was seen when it was freed.
static WATCHED: AtomicUsize = AtomicUsize::new(0);
static SEEN: AtomicU8 = AtomicU8::new(0);
const SEEN_ZEROED: u8 = 1;
const SEEN_DIRTY: u8 = 2;

unsafe impl GlobalAlloc for WatchingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let watched = WATCHED.load(Ordering::Acquire);
        if watched != 0
            && ptr as usize == watched
            && WATCHED
                .compare_exchange(watched, 0, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            // Still allocated here: reading it is sound.
            let bytes = std::slice::from_raw_parts(ptr, layout.size());
            let seen = if bytes.iter().all(|&b| b == 0) {
                SEEN_ZEROED
            } else {
                SEEN_DIRTY
            };
            SEEN.store(seen, Ordering::Release);
        }
        System.dealloc(ptr, layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: WatchingAllocator = WatchingAllocator;

/// Drops `s` while watching its buffer; returns what the allocator saw.
fn seen_on_drop<T>(value: T, buffer: *const u8) -> u8 {
    SEEN.store(0, Ordering::SeqCst);
    WATCHED.store(buffer as usize, Ordering::SeqCst);
    drop(value);
    WATCHED.store(0, Ordering::SeqCst);
    SEEN.load(Ordering::SeqCst)
}

#[test]
fn promise_secret_values_are_zeroized_when_dropped() {
    let s = SecretValue::new(String::from(GHP_A));
    let ptr = s.expose().as_ptr();
    assert_eq!(
        seen_on_drop(s, ptr),
        SEEN_ZEROED,
        "SecretValue's buffer was not wiped"
    );
    // Clones (dedupe keeps one per location group) are wiped too.
    let a = SecretValue::new(String::from(STRIPE));
    let b = a.clone();
    let (pa, pb) = (a.expose().as_ptr(), b.expose().as_ptr());
    assert_ne!(pa, pb);
    assert_eq!(seen_on_drop(a, pa), SEEN_ZEROED);
    assert_eq!(seen_on_drop(b, pb), SEEN_ZEROED);
    // Control: the allocator does see a plain String's bytes, so the check is not vacuous.
    let plain = String::from(GHP_B);
    let pp = plain.as_ptr();
    assert_eq!(seen_on_drop(plain, pp), SEEN_DIRTY);
}

/// Every file under `dir`, as relative paths.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walk(dir)
        .iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn promise_writes_only_the_outputs_asked_for() {
    let dir = workspace();
    let d = dir.path();
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(d.join("no-home")).unwrap();
    let before = listing(d);
    let run = |args: &[&str]| {
        cmd(d)
            .env("TMPDIR", tmp.path())
            .args(args)
            .output()
            .unwrap()
    };
    run(&["scan", "."]);
    run(&["scan", "--format", "sarif", "--fail-on", "never", "."]);
    run(&["audit", "--offline", "--no-home", "."]);
    assert_eq!(listing(d), before, "a scan without -o wrote files");
    run(&[
        "scan",
        "-o",
        "report.txt",
        "--write-baseline",
        "base.json",
        ".",
    ]);
    let mut want = before.clone();
    want.extend(["base.json".to_string(), "report.txt".to_string()]);
    want.sort();
    assert_eq!(listing(d), want);
    assert!(listing(tmp.path()).is_empty(), "temporary files left");
}

#[test]
fn promise_baselines_hold_only_salted_fingerprints() {
    use sha2::{Digest, Sha256};
    let dir = workspace();
    run_checked(
        dir.path(),
        &["scan", "--write-baseline", "b.json", "."],
        None,
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("b.json")).unwrap()).unwrap();
    let fps: Vec<&str> = doc["fingerprints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap())
        .collect();
    let salted = SecretValue::new(GHP_A).fingerprint();
    assert!(fps.contains(&salted.as_str()), "{fps:?}");
    for p in planted() {
        let plain = format!("{:x}", Sha256::digest(p.full.as_bytes()));
        assert!(!fps.contains(&plain.as_str()), "unsalted hash of a secret");
    }
    for e in doc["fingerprints"].as_array().unwrap() {
        let keys: Vec<&String> = e.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["fingerprint", "rule", "secret_redacted"]);
    }
}

/// Without `--probe` nothing leaves the machine: every provider endpoint and every proxy
/// variable points at a local listener, which must see no connection.
#[test]
fn promise_sends_nothing_without_probe() {
    use std::net::TcpListener;
    let dir = workspace();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut args: Vec<String> = ["scan", "--format", "json", "--home", "--env"]
        .map(String::from)
        .to_vec();
    for p in [
        "github", "gitlab", "stripe", "aws", "railway", "slack", "openai",
    ] {
        args.extend(["--endpoint".to_string(), format!("{p}={url}")]);
    }
    args.push(".".into());
    for sub in [
        &args[..],
        &["audit", "--offline", "."].map(String::from)[..],
    ] {
        let out = cmd(dir.path())
            .env("HTTPS_PROXY", &url)
            .env("HTTP_PROXY", &url)
            .env("ALL_PROXY", &url)
            .env("https_proxy", &url)
            .env("http_proxy", &url)
            .args(sub)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        match listener.accept() {
            Ok((_, peer)) => panic!("`{}` connected from {peer}", sub.join(" ")),
            Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock),
        }
    }
}
