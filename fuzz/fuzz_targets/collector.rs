//! The scan stage as a whole on one item: detection, encoded secrets, line/column computation,
//! allow markers, deduplication, offline assessment and every report format.
#![no_main]

use std::path::PathBuf;
use std::time::Duration;
use tokenscope::detect::Detectors;
use tokenscope::location::Origin;
use tokenscope::report::{render, Format, Report};
use tokenscope::scan::Collector;
use tokenscope::source::Sink;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let det = Detectors::builtin();
    let c = Collector::new(det);
    c.content(
        Origin::File {
            path: PathBuf::from("fuzz/input.txt"),
        },
        data,
    );
    let (mut findings, stats, diagnostics) = c.finish();
    tokenscope::assess::assess_offline(det, &mut findings, 1_750_000_000);
    let report = Report {
        findings: &findings,
        stats: &stats,
        diagnostics: &diagnostics,
        elapsed: Duration::ZERO,
        detectors: det,
        baselined: 0,
    };
    for f in [Format::Text, Format::Json, Format::Sarif] {
        let _ = render(f, &report);
    }
});
