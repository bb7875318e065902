//! Command-line surface (clap). Turns arguments into `ScanConfig`; nothing else lives here.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use tokenscope::config::{ProbeConfig, ScanConfig, SourcesConfig, DEFAULT_MAX_FILE_SIZE};
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
    /// Before granting an agent access: scan the workspace and the user's credential stores,
    /// probe every token (unless --offline) and print each token's blast radius.
    #[command(after_help = EXIT_CODES)]
    Audit(AuditArgs),
    /// Read one token from standard input (never argv) and print what it can do.
    Probe(ProbeOneArgs),
    /// List every detection rule.
    Detectors(DetectorsArgs),
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Workspace to audit (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Do not probe: offline verdicts only.
    #[arg(long)]
    pub offline: bool,
    /// Do not scan the user's credential stores.
    #[arg(long)]
    pub no_home: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long, value_name = "LEVEL|CONDITION", value_parser = parse_fail_on)]
    pub fail_on: Vec<FailOn>,
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub probe: ProbeArgs,
}

#[derive(Args, Debug)]
pub struct ProbeOneArgs {
    /// Provider id (see `tokenscope detectors`), e.g. github, railway, stripe.
    #[arg(long)]
    pub provider: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    #[command(flatten)]
    pub probe: ProbeArgs,
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
    #[command(flatten)]
    pub sources: SourceArgs,
    #[command(flatten)]
    pub probe: ProbeArgs,
}

#[derive(Args, Debug, Default)]
pub struct SourceArgs {
    /// Scan the content staged in the git index (pre-commit), not the working tree.
    #[arg(long)]
    pub staged: bool,
    /// Scan every blob reachable in git history (optionally a revision range, e.g. main..HEAD).
    #[arg(long, value_name = "RANGE", num_args = 0..=1, default_missing_value = "")]
    pub git_history: Option<String>,
    /// Scan the user's credential stores (~/.aws/credentials, ~/.npmrc, MCP configs, ...).
    #[arg(long)]
    pub home: bool,
    /// Scan the process environment (names shown, values redacted).
    #[arg(long)]
    pub env: bool,
}

#[derive(Args, Debug)]
pub struct ProbeArgs {
    /// Ask each provider's read-only introspection endpoint what each token can do.
    /// Without it nothing leaves the machine.
    #[arg(long)]
    pub probe: bool,
    /// Base URL for a provider's API: PROVIDER=URL (GitHub Enterprise, self-managed GitLab).
    #[arg(long, value_name = "PROVIDER=URL", value_parser = parse_endpoint)]
    pub endpoint: Vec<(String, String)>,
    /// Concurrent probes at most.
    #[arg(long, default_value_t = 8)]
    pub probe_concurrency: usize,
    /// Bound on the whole probe stage, in seconds.
    #[arg(long, default_value_t = 120)]
    pub probe_timeout: u64,
    /// Reserved: connect read-only to database URLs found, to read role attributes. Not
    /// implemented yet: accepted, and ignored with a warning.
    #[arg(long)]
    pub probe_databases: bool,
}

fn parse_endpoint(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((p, u)) if !p.is_empty() && !u.is_empty() => Ok((p.to_string(), u.to_string())),
        _ => Err(format!("expected PROVIDER=URL, got {s:?}")),
    }
}

impl ProbeArgs {
    pub fn to_config(&self, enabled: bool) -> ProbeConfig {
        ProbeConfig {
            enabled,
            endpoints: self.endpoint.clone(),
            concurrency: self.probe_concurrency.max(1),
            total_timeout_secs: self.probe_timeout.max(1),
            databases: self.probe_databases,
            ..ProbeConfig::default()
        }
    }
}

impl SourceArgs {
    pub fn to_config(&self, explicit_paths: bool) -> SourcesConfig {
        let other = self.staged || self.git_history.is_some() || self.env || self.home;
        SourcesConfig {
            // `--staged`/`--env`/... alone scan only that source; paths given scan them too,
            // except with `--staged`, where the paths name the staged files to scan.
            workspace: (explicit_paths && !self.staged) || !other,
            staged: self.staged,
            git_history: self
                .git_history
                .as_ref()
                .map(|r| (!r.is_empty()).then(|| r.clone())),
            home: self.home,
            home_dir: None,
            env: self.env,
        }
    }
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
            sources: self.sources.to_config(!self.paths.is_empty()),
            probe: self.probe.to_config(self.probe.probe),
        }
    }
}

impl AuditArgs {
    pub fn to_config(&self) -> ScanConfig {
        let d = ScanConfig::default();
        ScanConfig {
            paths: if self.paths.is_empty() {
                d.paths.clone()
            } else {
                self.paths.clone()
            },
            format: self.format,
            output: self.output.clone(),
            fail_on: self.fail_on.clone(),
            quiet: self.quiet,
            progress: !self.quiet,
            sources: SourcesConfig {
                workspace: true,
                home: !self.no_home,
                ..SourcesConfig::default()
            },
            probe: self.probe.to_config(!self.offline),
            ..d
        }
    }
}
