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
        }
    }
}
