//! Command-line surface (clap). Turns arguments into `ScanConfig`; nothing else lives here.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use tokenscope::config::{ScanConfig, DEFAULT_MAX_FILE_SIZE};
use tokenscope::policy::FailOn;
use tokenscope::report::Format;

const EXIT_CODES: &str = "\
Exit codes:
  0  no finding meets --fail-on (default: no findings at all)
  1  at least one finding meets --fail-on
  2  usage error or fatal error (bad arguments, unreadable baseline, broken .tokenscopeignore)";

#[derive(Parser, Debug)]
#[command(
    name = "tokenscope",
    version,
    about = "Find every API token an agent could read, and tell what each one can really do",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan files for API tokens and report them.
    #[command(after_help = EXIT_CODES)]
    Scan(ScanArgs),
    /// List every detection rule.
    Detectors(DetectorsArgs),
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Files or directories to scan (default: the current directory). Files named explicitly
    /// are scanned even when git ignores them.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fail (exit 1) when a finding meets this: critical|high|medium|low|any, or account-wide,
    /// production, destructive, active; `never` reports without failing. Repeatable; default any.
    #[arg(long, value_name = "LEVEL|CONDITION", value_parser = parse_fail_on)]
    pub fail_on: Vec<FailOn>,
    /// Skip files that git ignores (the committed view). By default ignored files are scanned,
    /// because an agent can read them.
    #[arg(long)]
    pub respect_gitignore: bool,
    /// Skip paths matching GLOB (gitignore syntax). Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Skip files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Follow symbolic links (loops are detected).
    #[arg(long)]
    pub follow: bool,
    /// Worker threads (default: number of CPUs).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Report only findings whose fingerprint is not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the fingerprints of all current findings in FILE (never the secrets).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// No progress bar and no summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct DetectorsArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    s.parse()
}

impl ScanArgs {
    pub fn to_config(&self) -> ScanConfig {
        let d = ScanConfig::default();
        ScanConfig {
            paths: if self.paths.is_empty() {
                d.paths
            } else {
                self.paths.clone()
            },
            respect_gitignore: self.respect_gitignore,
            excludes: self.exclude.clone(),
            max_file_size: self.max_file_size,
            follow_symlinks: self.follow,
            threads: self.threads.unwrap_or(d.threads),
            format: self.format,
            output: self.output.clone(),
            fail_on: self.fail_on.clone(),
            baseline: self.baseline.clone(),
            write_baseline: self.write_baseline.clone(),
            quiet: self.quiet,
            progress: !self.quiet,
        }
    }
}
