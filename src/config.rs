//! The plain configuration the library runs on. The CLI builds it; the library never sees clap.

use crate::policy::FailOn;
use crate::report::Format;
use std::path::PathBuf;

pub const DEFAULT_MAX_FILE_SIZE: u64 = 25 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub paths: Vec<PathBuf>,
    pub respect_gitignore: bool,
    pub excludes: Vec<String>,
    pub max_file_size: u64,
    pub follow_symlinks: bool,
    pub threads: usize,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub fail_on: Vec<FailOn>,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub quiet: bool,
    pub progress: bool,
    pub sources: SourcesConfig,
    pub probe: ProbeConfig,
}

/// Which sources feed the scan besides the workspace paths.
#[derive(Debug, Clone, Default)]
pub struct SourcesConfig {
    /// Scan the workspace paths (off when only `--staged`/`--env`/... are wanted).
    pub workspace: bool,
    /// `--staged`: blobs in the git index instead of the working tree.
    pub staged: bool,
    /// `--git-history [RANGE]`: `Some(None)` = all refs.
    pub git_history: Option<Option<String>>,
    /// `--home`: the user's credential stores; the directory is `$HOME` unless set.
    pub home: bool,
    pub home_dir: Option<PathBuf>,
    /// `--env`: the process environment.
    pub env: bool,
}

/// Live probing (`--probe`). Off by default: nothing leaves the machine without it.
#[derive(Debug, Clone)]
pub struct ProbeConfig {
    pub enabled: bool,
    /// `--endpoint PROVIDER=URL`: base URL overrides (GitHub Enterprise, self-managed GitLab,
    /// test emulators).
    pub endpoints: Vec<(String, String)>,
    pub concurrency: usize,
    /// Bound on the whole probe stage, seconds.
    pub total_timeout_secs: u64,
    /// Per request, seconds.
    pub request_timeout_secs: u64,
    /// `--probe-databases`: connect to database URLs found (read-only).
    pub databases: bool,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig {
            enabled: false,
            endpoints: Vec::new(),
            concurrency: 8,
            total_timeout_secs: 120,
            request_timeout_secs: 10,
            databases: false,
        }
    }
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            paths: vec![PathBuf::from(".")],
            respect_gitignore: false,
            excludes: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            follow_symlinks: false,
            threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            format: Format::Text,
            output: None,
            fail_on: Vec::new(),
            baseline: None,
            write_baseline: None,
            quiet: false,
            progress: false,
            sources: SourcesConfig {
                workspace: true,
                ..SourcesConfig::default()
            },
            probe: ProbeConfig::default(),
        }
    }
}
