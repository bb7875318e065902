//! The workspace as an agent sees it: every file under the given paths, hidden and git-ignored
//! ones included (unless `--respect-gitignore`), minus `.git/` internals, `.tokenscopeignore`
//! and `--exclude` globs. Walks with `ignore`'s parallel walker and scans in its threads.

use super::read::{read_file, ReadError};
use super::{Sink, SkipReason};
use crate::location::Origin;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::overrides::{Override, OverrideBuilder};
use ignore::{WalkBuilder, WalkState};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub const IGNORE_FILE: &str = ".tokenscopeignore";

#[derive(Debug, Clone)]
pub struct WalkConfig {
    pub paths: Vec<PathBuf>,
    pub respect_gitignore: bool,
    pub excludes: Vec<String>,
    pub max_file_size: u64,
    pub follow_symlinks: bool,
    pub threads: usize,
    /// Files never scanned: tokenscope's own config and baseline, the output file.
    pub never_scan: Vec<PathBuf>,
}

impl WalkConfig {
    pub fn from_scan(cfg: &crate::config::ScanConfig) -> WalkConfig {
        let mut never_scan = Vec::new();
        never_scan.extend(cfg.baseline.iter().cloned());
        never_scan.extend(cfg.write_baseline.iter().cloned());
        never_scan.extend(cfg.output.iter().cloned());
        WalkConfig {
            paths: cfg.paths.clone(),
            respect_gitignore: cfg.respect_gitignore,
            excludes: cfg.excludes.clone(),
            max_file_size: cfg.max_file_size,
            follow_symlinks: cfg.follow_symlinks,
            threads: cfg.threads,
            never_scan,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("{path}: {message}")]
    IgnoreFile { path: PathBuf, message: String },
    #[error("--exclude {glob}: {message}")]
    Exclude { glob: String, message: String },
    #[error("{0}: no such file or directory")]
    Missing(PathBuf),
}

thread_local! {
    static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

pub fn walk(cfg: &WalkConfig, sink: &dyn Sink) -> Result<(), WalkError> {
    for p in &cfg.paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(WalkError::Missing(p.clone()));
        }
    }
    let never: Vec<PathBuf> = cfg
        .never_scan
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    for root in &cfg.paths {
        let meta = std::fs::symlink_metadata(root).map_err(|_| WalkError::Missing(root.clone()))?;
        if meta.is_dir() || (meta.file_type().is_symlink() && root.is_dir()) {
            walk_dir(root, cfg, &never, sink)?;
        } else {
            scan_explicit_file(root, cfg, &never, sink)?;
        }
    }
    Ok(())
}

fn overrides(root: &Path, excludes: &[String]) -> Result<Override, WalkError> {
    let mut ob = OverrideBuilder::new(root);
    for g in excludes {
        ob.add(&format!("!{g}")).map_err(|e| WalkError::Exclude {
            glob: g.clone(),
            message: e.to_string(),
        })?;
    }
    ob.build().map_err(|e| WalkError::Exclude {
        glob: excludes.join(","),
        message: e.to_string(),
    })
}

fn walk_dir(
    root: &Path,
    cfg: &WalkConfig,
    never: &[PathBuf],
    sink: &dyn Sink,
) -> Result<(), WalkError> {
    let respect = cfg.respect_gitignore;
    check_ignore_files(root, respect)?;
    // Directories whose ignore files the walker must not open (see `hostile_ignore_file`).
    let refused: Arc<Mutex<Vec<(PathBuf, String)>>> = Arc::default();
    let refused_in_walk = Arc::clone(&refused);
    let mut wb = WalkBuilder::new(root);
    wb.hidden(false)
        .parents(true)
        .git_ignore(respect)
        .git_global(respect)
        .git_exclude(respect)
        .ignore(respect)
        .require_git(false)
        .follow_links(cfg.follow_symlinks)
        .threads(cfg.threads.max(1))
        .add_custom_ignore_filename(IGNORE_FILE)
        .overrides(overrides(root, &cfg.excludes)?)
        .filter_entry(move |e| {
            if !e.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            if e.file_name() == ".git" {
                return false;
            }
            match hostile_ignore_file(e.path(), respect) {
                Some(bad) => {
                    refused_in_walk
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(bad);
                    false
                }
                None => true,
            }
        });
    let max = cfg.max_file_size;
    wb.build_parallel().run(|| {
        Box::new(move |entry| {
            match entry {
                Err(err) => {
                    let path = error_path(&err).unwrap_or_default();
                    sink.skipped(&path, SkipReason::WalkError, &err.to_string());
                }
                Ok(e) => {
                    let Some(ft) = e.file_type() else {
                        return WalkState::Continue;
                    };
                    if ft.is_dir() {
                        return WalkState::Continue;
                    }
                    let path = e.path();
                    if ft.is_symlink() {
                        sink.skipped(
                            path,
                            SkipReason::Symlink,
                            "symbolic link not followed (use --follow)",
                        );
                    } else if !ft.is_file() {
                        sink.skipped(
                            path,
                            SkipReason::NotRegular,
                            "not a regular file (FIFO, socket or device)",
                        );
                    } else if !is_never_scanned(path, e.path_is_symlink(), never) {
                        // Size from the walker's metadata, before opening.
                        match e.metadata() {
                            Ok(m) if m.len() > max => sink.skipped(
                                path,
                                SkipReason::TooLarge,
                                &format!("{} bytes is over the {max}-byte limit", m.len()),
                            ),
                            _ => scan_file(path, max, sink),
                        }
                    }
                }
            }
            WalkState::Continue
        })
    });
    for (path, why) in refused.lock().unwrap_or_else(|p| p.into_inner()).iter() {
        sink.skipped(
            path,
            SkipReason::WalkError,
            &format!("directory not scanned: its ignore file {why}"),
        );
    }
    Ok(())
}

/// A file named on the command line (pre-commit passes names): ignore rules of git do not apply,
/// but `.tokenscopeignore`, `--exclude` and the size limit do.
fn scan_explicit_file(
    path: &Path,
    cfg: &WalkConfig,
    never: &[PathBuf],
    sink: &dyn Sink,
) -> Result<(), WalkError> {
    if is_never_scanned(path, true, never) {
        return Ok(());
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let ov = overrides(dir, &cfg.excludes)?;
    if ov.matched(path, false).is_ignore() {
        return Ok(());
    }
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    for ancestor in abs.ancestors().skip(1) {
        let f = ancestor.join(IGNORE_FILE);
        if f.is_file() {
            let gi = load_ignore_file(ancestor, &f)?;
            if gi.matched_path_or_any_parents(&abs, false).is_ignore() {
                return Ok(());
            }
        }
    }
    scan_file(path, cfg.max_file_size, sink);
    Ok(())
}

fn scan_file(path: &Path, max: u64, sink: &dyn Sink) {
    BUF.with(|b| {
        let mut buf = b.borrow_mut();
        match read_file(path, max, &mut buf) {
            Ok(()) => sink.content(Origin::File { path: clean(path) }, &buf),
            Err(ReadError::Skip(reason, detail)) => sink.skipped(path, reason, &detail),
        }
        // Keep the buffer for the next file, but not a huge one.
        if buf.capacity() > 4 << 20 {
            *buf = Vec::new();
        } else {
            buf.clear();
        }
    });
}

/// `./a/b` → `a/b`: paths are reported as the user gave them, without a leading `./`.
fn clean(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// `never` holds canonical paths. Resolving every walked file (a `readlink` per component)
/// cost ~4 % of a scan with `-o`; a file that is not a link can only be one of them if its
/// name is, so only those are resolved.
fn is_never_scanned(path: &Path, maybe_link: bool, never: &[PathBuf]) -> bool {
    if never.is_empty() {
        return false;
    }
    if !maybe_link && !never.iter().any(|n| n.file_name() == path.file_name()) {
        return false;
    }
    std::fs::canonicalize(path).is_ok_and(|p| never.contains(&p))
}

/// Ignore files larger than this are refused: `ignore` reads them whole, line by line.
const MAX_IGNORE_FILE: u64 = 1 << 20;

/// An ignore file in `dir` that `ignore`'s walker would open but must not: a FIFO, socket or
/// device (opening it blocks forever, `/dev/zero` never ends) or an oversize one. `ignore` opens
/// them with a blocking `File::open` and follows symlinks, so this checks the link targets too.
fn hostile_ignore_file(dir: &Path, respect_gitignore: bool) -> Option<(PathBuf, String)> {
    let names: &[&str] = if respect_gitignore {
        &[IGNORE_FILE, ".gitignore", ".ignore", ".git/info/exclude"]
    } else {
        &[IGNORE_FILE]
    };
    names.iter().find_map(|name| {
        let p = dir.join(name);
        let m = std::fs::metadata(&p).ok()?;
        if !m.is_file() && !m.is_dir() {
            Some((p, "is not a regular file (FIFO, socket or device)".into()))
        } else if m.is_file() && m.len() > MAX_IGNORE_FILE {
            let why = format!(
                "is {} bytes, over the {MAX_IGNORE_FILE}-byte limit",
                m.len()
            );
            Some((p, why))
        } else {
            None
        }
    })
}

/// A broken `.tokenscopeignore` is a configuration error (exit 2), not a silent skip; so is an
/// ignore file the walker cannot read safely in the root or its parents.
fn check_ignore_files(root: &Path, respect_gitignore: bool) -> Result<(), WalkError> {
    let abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    for dir in abs.ancestors() {
        if let Some((path, why)) = hostile_ignore_file(dir, respect_gitignore) {
            return Err(WalkError::IgnoreFile {
                path,
                message: format!("refusing to read it: it {why}"),
            });
        }
        let f = dir.join(IGNORE_FILE);
        if f.is_file() {
            load_ignore_file(dir, &f)?;
        }
    }
    Ok(())
}

fn load_ignore_file(dir: &Path, file: &Path) -> Result<Gitignore, WalkError> {
    let text = std::fs::read_to_string(file).map_err(|e| WalkError::IgnoreFile {
        path: file.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut gb = GitignoreBuilder::new(dir);
    for (i, line) in text.lines().enumerate() {
        gb.add_line(Some(file.to_path_buf()), line)
            .map_err(|e| WalkError::IgnoreFile {
                path: file.to_path_buf(),
                message: format!("line {}: {e}", i + 1),
            })?;
    }
    gb.build().map_err(|e| WalkError::IgnoreFile {
        path: file.to_path_buf(),
        message: e.to_string(),
    })
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}
