//! One scan run, end to end, as a library call: what `tokenscope scan` does.

use crate::assess;
use crate::config::ScanConfig;
use crate::detect::Detectors;
use crate::finding::Finding;
use crate::output::{write_atomic, write_atomic_with};
use crate::policy::{self, Baseline, BaselineError};
use crate::probe;
use crate::report::{self, Format, Report};
use crate::scan::{Collector, Diagnostic, Stats};
use crate::source::{self, SourceError};
use std::io::Write;
use std::time::{Duration, Instant};

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
    /// The scan's duration, as the report states it.
    pub elapsed: Duration,
    /// The report's format (`--format`).
    pub format: Format,
    /// The text report ends with `tokenscope audit`'s blast-radius summary.
    pub audit: bool,
    pub summary: String,
    /// Findings meet `--fail-on`.
    pub failed: bool,
}

impl Outcome {
    /// The report as the scan rendered it.
    pub fn report(&self) -> Report<'_> {
        Report {
            findings: &self.findings,
            stats: &self.stats,
            diagnostics: &self.diagnostics,
            elapsed: self.elapsed,
            detectors: Detectors::builtin(),
            baselined: self.baselined,
        }
    }

    /// Streams the report (what `--output` received, when one was given) into `w`, e.g. a
    /// buffered, locked stdout. Flushing `w` is the caller's business.
    pub fn write_report(&self, w: &mut dyn Write) -> std::io::Result<()> {
        write_report(self.format, self.audit, &self.report(), w)
    }

    /// The report as a `String` (tests; prefer [`Outcome::write_report`]).
    pub fn rendered(&self) -> String {
        report::to_string(|w| self.write_report(w))
    }
}

fn write_report(
    format: Format,
    audit: bool,
    report: &Report,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    report::write(format, report, w)?;
    if audit && format == Format::Text {
        w.write_all(b"\n")?;
        report::audit::write(report.findings, w)?;
    }
    Ok(())
}

/// `tokenscope scan`: scans, assesses, probes, applies the baseline, and streams the report to
/// `cfg.output` when one is given (otherwise [`Outcome::write_report`] renders it).
pub fn run_scan(cfg: &ScanConfig) -> Result<Outcome, RunError> {
    run(cfg, false)
}

/// `tokenscope audit`: [`run_scan`], with the blast-radius summary after a text report.
pub fn run_audit(cfg: &ScanConfig) -> Result<Outcome, RunError> {
    run(cfg, true)
}

fn run(cfg: &ScanConfig, audit: bool) -> Result<Outcome, RunError> {
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
    let summary = report::summary_line(&report);
    if let Some(path) = &cfg.output {
        write_atomic_with(path, |w| write_report(cfg.format, audit, &report, w)).map_err(
            |source| RunError::Write {
                path: path.clone(),
                source,
            },
        )?;
    }
    let elapsed = report.elapsed;
    let failed = policy::fails(&cfg.fail_on, &findings);
    Ok(Outcome {
        findings,
        stats,
        diagnostics,
        baselined,
        elapsed,
        format: cfg.format,
        audit,
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
