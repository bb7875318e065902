//! The git index (`--staged`, pre-commit's view): the content about to be committed, not the
//! working tree.
//!
//! Without file names, every file whose staged version differs from `HEAD` (added, modified or
//! type-changed: `git diff --cached`) is scanned, so a commit is not refused for a secret it does
//! not touch. With file names (pre-commit passes the staged files' names), the staged version of
//! exactly those files is scanned (`git ls-files --stage`), changed or not (`pre-commit run
//! --all-files`). Paths are reported relative to the repository's top level.

use super::git::{self, PathFilter, Requests, Wanted};
use super::{Sink, SourceError};
use crate::config::ScanConfig;
use crate::location::Origin;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

pub fn scan(cfg: &ScanConfig, sink: &dyn Sink) -> Result<(), SourceError> {
    let explicit = explicit_paths(&cfg.paths);
    let dir = if explicit.is_empty() {
        git::start_dir(&cfg.paths)
    } else {
        PathBuf::from(".")
    };
    let top = git::toplevel(&dir)?;
    let filter = PathFilter::new(&top, &cfg.excludes, &super::never_scan(cfg))?;
    let entries = if explicit.is_empty() {
        changed_entries(&top)?
    } else {
        index_entries(&dir, &explicit)?
    };
    let mut wanted = Vec::with_capacity(entries.len());
    for (oid, path) in entries {
        if !filter.skips(&path)? {
            wanted.push(Wanted {
                oid,
                origin: Origin::Staged { path },
            });
        }
    }
    git::stream_blobs(
        &top,
        cfg.max_file_size,
        cfg.threads,
        sink,
        |req: &mut Requests<'_>| {
            for w in wanted {
                if !req.want(w) {
                    break;
                }
            }
            Ok(())
        },
    )
}

/// The paths named by the user; the default `.` (no paths given) means "what is staged".
fn explicit_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.len() == 1 && paths[0] == Path::new(".") {
        Vec::new()
    } else {
        paths.to_vec()
    }
}

/// Staged blobs that differ from `HEAD` (all staged files before the first commit).
fn changed_entries(top: &Path) -> Result<Vec<(String, PathBuf)>, SourceError> {
    let out = git::output(
        top,
        &[
            "diff",
            "--cached",
            "--raw",
            "-z",
            "--no-abbrev",
            "--no-renames",
            "--no-color",
            "--no-ext-diff",
            "--ignore-submodules",
            "--diff-filter=AMT",
        ],
    )?;
    let mut entries = Vec::new();
    let mut it = out.split(|&b| b == 0);
    while let Some(meta) = it.next() {
        if meta.is_empty() {
            continue;
        }
        let Some(path) = it.next() else { break };
        if let Some((mode, oid)) = git::parse_raw_meta(meta) {
            if git::is_file_mode(mode) {
                entries.push((oid.to_string(), git::path_from_bytes(path)));
            }
        }
    }
    Ok(entries)
}

/// The index entries of the given paths (files or directories), top-level relative names.
fn index_entries(dir: &Path, paths: &[PathBuf]) -> Result<Vec<(String, PathBuf)>, SourceError> {
    let mut cmd = git::command(dir);
    cmd.args(["ls-files", "--stage", "-z", "--full-name", "--"]);
    for p in paths {
        // Literal pathspecs: a file named `*.env` is that file, not a glob.
        let mut spec = b":(literal)".to_vec();
        spec.extend_from_slice(p.as_os_str().as_bytes());
        cmd.arg(std::ffi::OsStr::from_bytes(&spec));
    }
    let out = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .output()
        .map_err(|e| SourceError::Other(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(git::git_failed("ls-files", &out.stderr));
    }
    let mut entries: Vec<(String, PathBuf)> = Vec::new();
    for rec in out.stdout.split(|&b| b == 0) {
        // `<mode> <oid> <stage>\t<path>`
        let Some(tab) = rec.iter().position(|&b| b == b'\t') else {
            continue;
        };
        let Ok(head) = std::str::from_utf8(&rec[..tab]) else {
            continue;
        };
        let mut f = head.split(' ');
        let (Some(mode), Some(oid)) = (f.next(), f.next()) else {
            continue;
        };
        if git::is_file_mode(mode) {
            entries.push((oid.to_string(), git::path_from_bytes(&rec[tab + 1..])));
        }
    }
    // Conflicted files have several stages: scan each distinct blob once per path.
    entries.sort();
    entries.dedup();
    Ok(entries)
}
