//! One scan run, end to end, as a library call: what `tokenscope scan` does.

use crate::assess;
use crate::config::ScanConfig;
use crate::detect::Detectors;
use crate::finding::Finding;
use crate::output::write_atomic;
use crate::policy::{self, Baseline, BaselineError};
use crate::probe;
use crate::report::{self, Report};
use crate::scan::{Collector, Diagnostic, Stats};
use crate::source::{self, SourceError};
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

pub struct Outcome {
    pub findings: Vec<Finding>,
    pub stats: Stats,
    pub diagnostics: Vec<Diagnostic>,
    pub baselined: usize,
    /// The rendered report (already written to `--output` when one was given).
    pub rendered: String,
    pub summary: String,
    /// Findings meet `--fail-on`.
    pub failed: bool,
}

pub fn run_scan(cfg: &ScanConfig) -> Result<Outcome, RunError> {
    let started = Instant::now();
    let det = Detectors::builtin();
    // Load the baseline before scanning, so a broken one fails fast and writes nothing.
    let baseline = cfg.baseline.as_deref().map(Baseline::load).transpose()?;
    let bar = progress_bar(cfg.progress && !cfg.quiet);
    let tick = |n: u64| {
        if let Some(b) = &bar {
            b.inc(n);
        }
    };
    let collector = Collector::new(det).with_progress(&tick);
    source::collect(cfg, &collector)?;
    let (mut findings, stats, diagnostics) = collector.finish();
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    assess::assess_offline(det, &mut findings, assess::now_unix());
    if cfg.probe.enabled {
        probe::probe_findings(&cfg.probe, det, &mut findings);
    }

    if let Some(path) = &cfg.write_baseline {
        let b = Baseline::from_findings(&findings);
        write_atomic(path, b.to_json().as_bytes()).map_err(|source| RunError::Write {
            path: path.clone(),
            source,
        })?;
    }
    let baselined = baseline.map(|b| b.filter(&mut findings)).unwrap_or(0);
    let report = Report {
        findings: &findings,
        stats: &stats,
        diagnostics: &diagnostics,
        elapsed: started.elapsed(),
        detectors: det,
        baselined,
    };
    let rendered = report::render(cfg.format, &report);
    let summary = report::summary_line(&report);
    if let Some(path) = &cfg.output {
        write_atomic(path, rendered.as_bytes()).map_err(|source| RunError::Write {
            path: path.clone(),
            source,
        })?;
    }
    let failed = policy::fails(&cfg.fail_on, &findings);
    Ok(Outcome {
        findings,
        stats,
        diagnostics,
        baselined,
        rendered,
        summary,
        failed,
    })
}

fn progress_bar(enabled: bool) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} scanning: {bytes} read ({bytes_per_sec})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}
