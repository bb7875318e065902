//! Sources: everything an agent can read, produced as `(Origin, bytes)` items into a `Sink`.
//! Sources know nothing of detection or reporting.

pub mod read;
pub mod workspace;

use crate::config::ScanConfig;
use crate::location::Origin;
use serde::Serialize;
use std::path::Path;

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

/// Feeds every configured source into `sink`.
pub fn collect(cfg: &ScanConfig, sink: &dyn Sink) -> Result<(), SourceError> {
    if cfg.sources.workspace {
        let walk_cfg = workspace::WalkConfig::from_scan(cfg);
        workspace::walk(&walk_cfg, sink)?;
    }
    Ok(())
}
