//! Shared git plumbing for the staged and history sources: running `git`, streaming blobs out of
//! `git cat-file --batch` on a bounded pipeline, and the path filters (`.tokenscopeignore`,
//! `--exclude`, never-scanned files) applied to repository paths.
//!
//! Objects are read with git's own plumbing, never with a hand-written pack parser.

use super::read::{classify_and_decode, ReadError};
use super::workspace::IGNORE_FILE;
use super::{Sink, SkipReason, SourceError};
use crate::location::Origin;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::overrides::{Override, OverrideBuilder};
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Mutex;

/// A `git` command run in `dir`, with settings that make its output machine-readable and keep
/// it from ever asking a question (no pager, no credential prompt, no localisation).
pub fn command(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C")
        .arg(dir)
        .args(["-c", "core.quotePath=false", "--no-pager"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    c
}

/// Runs a short git command and returns its standard output.
pub fn output(dir: &Path, args: &[&str]) -> Result<Vec<u8>, SourceError> {
    let out = command(dir)
        .args(args)
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .output()
        .map_err(|e| SourceError::Other(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(git_failed(
            args.first().copied().unwrap_or("git"),
            &out.stderr,
        ));
    }
    Ok(out.stdout)
}

pub fn git_failed(what: &str, stderr: &[u8]) -> SourceError {
    let msg = String::from_utf8_lossy(stderr);
    let msg = msg.trim();
    let msg: String = msg.chars().take(500).collect();
    SourceError::Other(format!("git {what} failed: {msg}"))
}

/// The directory git commands run in: the first scan path (or its parent for a file).
pub fn start_dir(paths: &[PathBuf]) -> PathBuf {
    let p = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    if p.is_dir() {
        p
    } else {
        match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}

/// The work tree's top-level directory (absolute).
pub fn toplevel(dir: &Path) -> Result<PathBuf, SourceError> {
    let out = output(dir, &["rev-parse", "--show-toplevel"]).map_err(|e| match e {
        SourceError::Other(m) if m.contains("not a git repository") => SourceError::Other(format!(
            "{}: not a git repository (--staged and --git-history read a repository)",
            dir.display()
        )),
        e => e,
    })?;
    let s = String::from_utf8_lossy(&out);
    Ok(PathBuf::from(s.trim_end_matches(['\n', '\r'])))
}

/// Which repository paths are not scanned: `.tokenscopeignore` files of the work tree (loaded
/// lazily per directory), `--exclude` globs and tokenscope's own files (baseline, output).
pub struct PathFilter {
    top: PathBuf,
    excludes: Override,
    never: Vec<PathBuf>,
    ignore_files: Mutex<HashMap<PathBuf, Option<Gitignore>>>,
}

impl PathFilter {
    pub fn new(
        top: &Path,
        excludes: &[String],
        never: &[PathBuf],
    ) -> Result<PathFilter, SourceError> {
        let mut ob = OverrideBuilder::new(top);
        for g in excludes {
            ob.add(&format!("!{g}"))
                .map_err(|e| SourceError::Other(format!("--exclude {g}: {e}")))?;
        }
        let excludes = ob
            .build()
            .map_err(|e| SourceError::Other(format!("--exclude: {e}")))?;
        let never = never
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .filter_map(|p| p.strip_prefix(top).ok().map(Path::to_path_buf))
            .collect();
        let f = PathFilter {
            top: top.to_path_buf(),
            excludes,
            never,
            ignore_files: Mutex::new(HashMap::new()),
        };
        // A broken ignore file at the top is a configuration error, as in the workspace walk.
        f.ignore_file(Path::new(""))?;
        Ok(f)
    }

    /// Whether the repository path `rel` (relative to the top level) is skipped.
    pub fn skips(&self, rel: &Path) -> Result<bool, SourceError> {
        if self.never.iter().any(|n| n == rel) {
            return Ok(true);
        }
        let abs = self.top.join(rel);
        if self.excludes.matched(&abs, false).is_ignore() {
            return Ok(true);
        }
        let mut dir = rel.parent();
        while let Some(d) = dir {
            if let Some(gi) = self.ignore_file(d)? {
                if gi.matched_path_or_any_parents(&abs, false).is_ignore() {
                    return Ok(true);
                }
            }
            dir = d.parent();
        }
        Ok(false)
    }

    fn ignore_file(&self, dir: &Path) -> Result<Option<Gitignore>, SourceError> {
        let mut cache = self.ignore_files.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(g) = cache.get(dir) {
            return Ok(g.clone());
        }
        let root = self.top.join(dir);
        let file = root.join(IGNORE_FILE);
        let loaded = if file.is_file() {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| SourceError::Other(format!("{}: {e}", file.display())))?;
            let mut gb = GitignoreBuilder::new(&root);
            for (i, line) in text.lines().enumerate() {
                gb.add_line(Some(file.clone()), line).map_err(|e| {
                    SourceError::Other(format!("{}: line {}: {e}", file.display(), i + 1))
                })?;
            }
            Some(
                gb.build()
                    .map_err(|e| SourceError::Other(format!("{}: {e}", file.display())))?,
            )
        } else {
            None
        };
        cache.insert(dir.to_path_buf(), loaded.clone());
        Ok(loaded)
    }
}

/// A blob to read, and the origin its content is reported under.
pub struct Wanted {
    pub oid: String,
    pub origin: Origin,
}

/// Where blob requests go: the producer side of a [`stream_blobs`] pipeline.
pub struct Requests<'a> {
    stdin: io::BufWriter<ChildStdin>,
    meta: &'a SyncSender<Origin>,
}

impl Requests<'_> {
    /// Asks for one blob. Returns false when the reading side has gone away (stop producing).
    pub fn want(&mut self, w: Wanted) -> bool {
        if writeln!(self.stdin, "{}", w.oid).is_err() {
            return false;
        }
        match self.meta.try_send(w.origin) {
            Ok(()) => true,
            Err(TrySendError::Full(origin)) => {
                // The reader waits for an object still in our buffer: hand it over first.
                if self.stdin.flush().is_err() {
                    return false;
                }
                self.meta.send(origin).is_ok()
            }
            Err(TrySendError::Disconnected(_)) => false,
        }
    }
}

/// Requests queued ahead of the reader, and blobs queued ahead of the scanning threads.
const REQUEST_QUEUE: usize = 4096;

/// Streams blobs through `git cat-file --batch`: `produce` names the blobs (in a thread of its
/// own), one thread reads them in order, and `threads` workers hand them to the sink. At most a
/// few blobs are in memory at once; binary and oversize blobs are skipped with a counted reason.
pub fn stream_blobs<P>(
    dir: &Path,
    max_size: u64,
    threads: usize,
    sink: &dyn Sink,
    produce: P,
) -> Result<(), SourceError>
where
    P: FnOnce(&mut Requests<'_>) -> Result<(), SourceError> + Send,
{
    let mut child = command(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| SourceError::Other(format!("cannot run git cat-file: {e}")))?;
    let stdin = child.stdin.take();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let (Some(stdin), Some(stdout)) = (stdin, stdout) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(SourceError::Other("git cat-file: no pipes".into()));
    };
    let threads = threads.max(1);
    let (meta_tx, meta_rx) = sync_channel::<Origin>(REQUEST_QUEUE);
    let (work_tx, work_rx) = sync_channel::<(Origin, Vec<u8>)>(threads * 2);
    let work_rx = Mutex::new(work_rx);
    let result = std::thread::scope(|s| {
        let err_reader = s.spawn(move || drain_stderr(stderr));
        let producer = s.spawn(move || {
            let mut req = Requests {
                stdin: io::BufWriter::with_capacity(64 * 1024, stdin),
                meta: &meta_tx,
            };
            let r = produce(&mut req);
            // Dropping the writer closes cat-file's input: it finishes and exits.
            let _ = req.stdin.flush();
            drop(req);
            r
        });
        for _ in 0..threads {
            let rx = &work_rx;
            s.spawn(move || worker(rx, sink));
        }
        let read = read_objects(stdout, &meta_rx, &work_tx, max_size, sink);
        if !matches!(read, Ok(true)) {
            // Reading stopped early: end cat-file so a producer blocked on its input wakes up.
            let _ = child.kill();
        }
        drop(work_tx);
        // Unblock a producer waiting on a full queue if reading stopped early.
        drop(meta_rx);
        let produced = producer
            .join()
            .unwrap_or_else(|_| Err(SourceError::Other("blob producer panicked".into())));
        let stderr_text = err_reader.join().unwrap_or_default();
        (read, produced, stderr_text)
    });
    let status = child.wait();
    let (read, produced, stderr_text) = result;
    produced?;
    read.map_err(|e| SourceError::Other(format!("git cat-file: {e}: {}", stderr_text.trim())))?;
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(_) => Err(git_failed("cat-file", stderr_text.as_bytes())),
        Err(e) => Err(SourceError::Other(format!("git cat-file: {e}"))),
    }
}

fn worker(rx: &Mutex<Receiver<(Origin, Vec<u8>)>>, sink: &dyn Sink) {
    loop {
        let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
        match next {
            Ok((origin, bytes)) => sink.content(origin, &bytes),
            Err(_) => return,
        }
    }
}

fn drain_stderr(stderr: Option<impl Read>) -> String {
    let mut s = Vec::new();
    if let Some(mut e) = stderr {
        let _ = e.by_ref().take(64 * 1024).read_to_end(&mut s);
        // Keep draining so git never blocks on a full stderr pipe.
        let _ = io::copy(&mut e, &mut io::sink());
    }
    String::from_utf8_lossy(&s).into_owned()
}

fn read_objects(
    stdout: impl Read,
    meta: &Receiver<Origin>,
    work: &SyncSender<(Origin, Vec<u8>)>,
    max_size: u64,
    sink: &dyn Sink,
) -> io::Result<bool> {
    let mut out = BufReader::with_capacity(256 * 1024, stdout);
    let mut header = Vec::new();
    for origin in meta.iter() {
        header.clear();
        if out.read_until(b'\n', &mut header)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "output ended early",
            ));
        }
        let line = String::from_utf8_lossy(&header);
        let mut parts = line.split_ascii_whitespace();
        let (_oid, kind, size) = (parts.next(), parts.next(), parts.next());
        let path = origin.path().cloned().unwrap_or_default();
        let Some(size) = size.and_then(|s| s.parse::<u64>().ok()) else {
            // `<oid> missing` (a shallow or partial clone): nothing follows the header.
            sink.skipped(
                &path,
                SkipReason::Unreadable,
                "object missing from the repository",
            );
            continue;
        };
        if kind != Some("blob") || size > max_size {
            io::copy(&mut (&mut out).take(size + 1), &mut io::sink())?;
            if kind == Some("blob") {
                sink.skipped(
                    &path,
                    SkipReason::TooLarge,
                    &format!("{size} bytes is over the {max_size}-byte limit"),
                );
            }
            continue;
        }
        let mut buf = Vec::with_capacity(size as usize);
        (&mut out).take(size).read_to_end(&mut buf)?;
        if (buf.len() as u64) < size {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "object truncated",
            ));
        }
        let mut nl = [0u8; 1];
        out.read_exact(&mut nl)?;
        match classify_and_decode(&mut buf) {
            Ok(()) => {
                if work.send((origin, buf)).is_err() {
                    return Ok(false);
                }
            }
            Err(ReadError::Skip(reason, detail)) => sink.skipped(&path, reason, &detail),
        }
    }
    Ok(true)
}

/// A running git command whose standard output is read as NUL-separated records.
pub struct Records {
    child: Child,
    out: BufReader<std::process::ChildStdout>,
    err: Option<std::thread::JoinHandle<String>>,
    what: &'static str,
}

impl Records {
    pub fn spawn(mut cmd: Command, what: &'static str) -> Result<Records, SourceError> {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| SourceError::Other(format!("cannot run git {what}: {e}")))?;
        let stderr = child.stderr.take();
        let err = std::thread::spawn(move || drain_stderr(stderr));
        let Some(out) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(SourceError::Other(format!("git {what}: no pipe")));
        };
        Ok(Records {
            child,
            out: BufReader::with_capacity(256 * 1024, out),
            err: Some(err),
            what,
        })
    }

    /// The next NUL-terminated record into `buf` (without the NUL); false at the end.
    pub fn next(&mut self, buf: &mut Vec<u8>) -> Result<bool, SourceError> {
        buf.clear();
        let n = self
            .out
            .read_until(0, buf)
            .map_err(|e| SourceError::Other(format!("git {}: {e}", self.what)))?;
        if buf.last() == Some(&0) {
            buf.pop();
        }
        Ok(n > 0)
    }

    /// Waits for the command; its failure (bad revision range, ...) is an error.
    pub fn finish(mut self) -> Result<(), SourceError> {
        let status = self.child.wait();
        let stderr = self
            .err
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        match status {
            Ok(s) if s.success() => Ok(()),
            Ok(_) => Err(git_failed(self.what, stderr.as_bytes())),
            Err(e) => Err(SourceError::Other(format!("git {}: {e}", self.what))),
        }
    }

    /// Stops the command early (the consumer went away).
    pub fn abort(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A path from git's `-z` output (raw bytes on Unix).
pub fn path_from_bytes(b: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(b))
}

/// `:100644 100644 <old> <new> M` → (new mode, new oid) for an added or modified blob.
pub fn parse_raw_meta(meta: &[u8]) -> Option<(&str, &str)> {
    let s = std::str::from_utf8(meta).ok()?;
    let s = s.trim_start_matches('\n').strip_prefix(':')?;
    let mut it = s.split(' ');
    let (_old_mode, new_mode, _old, new, status) =
        (it.next()?, it.next()?, it.next()?, it.next()?, it.next()?);
    if status.starts_with('D') || new.bytes().all(|b| b == b'0') {
        return None;
    }
    Some((new_mode, new))
}

/// Regular files (`100644`, `100755`) hold text worth scanning; symlinks (`120000`) and
/// submodules (`160000`) do not.
pub fn is_file_mode(mode: &str) -> bool {
    mode.starts_with("100")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_meta_parses_additions_and_skips_deletions() {
        let add = b":000000 100644 0000000000000000000000000000000000000000 789819226 A";
        assert_eq!(parse_raw_meta(add), Some(("100644", "789819226")));
        let del = b"\n:100644 000000 16ac0068 0000000000000000000000000000000000000000 D";
        assert_eq!(parse_raw_meta(del), None);
        assert_eq!(parse_raw_meta(b"garbage"), None);
        assert_eq!(parse_raw_meta(b":1 2"), None);
        assert!(is_file_mode("100755"));
        assert!(!is_file_mode("160000"));
    }
}
