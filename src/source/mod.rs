//! Sources: everything an agent can read, produced as `(Origin, bytes)` items into a `Sink`.
//! Sources know nothing of detection or reporting.

pub mod encoded;
pub mod env;
pub mod git;
pub mod history;
pub mod home;
pub mod read;
pub mod staged;
pub mod workspace;

use crate::config::ScanConfig;
use crate::location::Origin;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Why an item was not scanned. Counted in the summary; the noisy ones are also diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// NUL bytes in the first 8 KiB.
    Binary,
    /// Larger than `--max-file-size`.
    TooLarge,
    /// FIFO, socket, device: never opened for reading.
    NotRegular,
    /// A symbolic link not followed (without `--follow`).
    Symlink,
    /// Permission denied or another read error.
    Unreadable,
    /// Deleted between walk and read.
    Vanished,
    /// Walk errors: symlink loops, unreadable directories.
    WalkError,
    /// A credential store whose secrets are not in a readable file (1Password CLI): its
    /// presence is a notice, never a finding.
    PresenceOnly,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too-large",
            SkipReason::NotRegular => "not-regular",
            SkipReason::Symlink => "symlink",
            SkipReason::Unreadable => "unreadable",
            SkipReason::Vanished => "vanished",
            SkipReason::WalkError => "walk-error",
            SkipReason::PresenceOnly => "credential-store-present",
        }
    }

    /// Whether a user should see a line about it (the rest are only counted).
    pub fn is_diagnostic(self) -> bool {
        matches!(
            self,
            SkipReason::Unreadable
                | SkipReason::Vanished
                | SkipReason::WalkError
                | SkipReason::NotRegular
                | SkipReason::PresenceOnly
        )
    }
}

pub trait Sink: Sync {
    /// Content to scan. `bytes` is only borrowed: sources reuse their buffers.
    fn content(&self, origin: Origin, bytes: &[u8]);
    /// An item that was not scanned, with a human-readable detail.
    fn skipped(&self, path: &Path, reason: SkipReason, detail: &str);
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Walk(#[from] workspace::WalkError),
    #[error("{0}")]
    Other(String),
}

/// Feeds every configured source into `sink`: the workspace, the git index, git history, the
/// user's credential stores and the process environment, in that order.
pub fn collect(cfg: &ScanConfig, sink: &dyn Sink) -> Result<(), SourceError> {
    let src = &cfg.sources;
    if src.workspace {
        let walk_cfg = workspace::WalkConfig::from_scan(cfg);
        workspace::walk(&walk_cfg, sink)?;
    }
    if src.staged {
        staged::scan(cfg, sink)?;
    }
    if let Some(range) = &src.git_history {
        history::scan(cfg, range.as_deref(), sink)?;
    }
    if src.home {
        match src.home_dir.clone().or_else(home_dir) {
            Some(home) => home::scan(&home, cfg.max_file_size, sink),
            None => sink.skipped(
                Path::new("~"),
                SkipReason::Unreadable,
                "no home directory ($HOME is not set)",
            ),
        }
    }
    if src.env {
        env::scan(cfg.max_file_size, sink);
    }
    Ok(())
}

/// `$HOME`, when set and not empty.
pub fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// Files tokenscope never scans in any source: its own baseline and output.
pub fn never_scan(cfg: &ScanConfig) -> Vec<PathBuf> {
    let mut v = Vec::new();
    v.extend(cfg.baseline.iter().cloned());
    v.extend(cfg.write_baseline.iter().cloned());
    v.extend(cfg.output.iter().cloned());
    v
}
