//! Report sinks: text, JSON and SARIF are siblings over the same `Report`.

pub mod audit;
pub mod json;
pub mod sarif;
pub mod text;

use crate::detect::Detectors;
use crate::finding::Finding;
use crate::scan::{Diagnostic, Stats};
use std::io::Write;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub stats: &'a Stats,
    pub diagnostics: &'a [Diagnostic],
    pub elapsed: Duration,
    pub detectors: &'a Detectors,
    /// Findings a baseline accepted (not in `findings`).
    pub baselined: usize,
}

/// Streams the report into `w` (buffer it: the renderers issue many small writes). Memory stays
/// bounded by one finding (JSON, text) or one result plus the sorted index of results (SARIF),
/// not by the size of the output.
pub fn write(format: Format, report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Text => text::write(report, w),
        Format::Json => json::write(report, w),
        Format::Sarif => sarif::write(report, w),
    }
}

/// The whole report in memory, for tests and small reports; prefer [`write`].
pub fn render(format: Format, report: &Report) -> String {
    to_string(|w| write(format, report, w))
}

/// What a streaming renderer writes, as a `String`.
pub(crate) fn to_string(render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> String {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail, and the renderers only write UTF-8.
    let _ = render(&mut buf);
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The one-line summary printed on stderr at the end of a run.
pub fn summary_line(r: &Report) -> String {
    let skipped: Vec<String> = r
        .stats
        .skipped
        .iter()
        .map(|(k, v)| format!("{v} {}", k.as_str()))
        .collect();
    let skipped = if skipped.is_empty() {
        "none".to_string()
    } else {
        skipped.join(", ")
    };
    format!(
        "tokenscope: scanned {} files ({}), skipped {}, {} finding{}{}, in {:.2}s",
        r.stats.items_scanned,
        human_bytes(r.stats.bytes_scanned),
        skipped,
        r.findings.len(),
        if r.findings.len() == 1 { "" } else { "s" },
        if r.baselined > 0 {
            format!(" ({} more in baseline)", r.baselined)
        } else {
            String::new()
        },
        r.elapsed.as_secs_f64()
    )
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}
