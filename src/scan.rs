//! The scan stage glue: sources feed a collector that detects in each item; matches are then
//! deduplicated into findings. Only this module knows both sources and detection.

use crate::detect::{Detectors, RawMatch};
use crate::finding::Finding;
use crate::location::{Location, Origin};
use crate::scope::{Risk, Scope};
use crate::secret::SecretValue;
use crate::signals::Signals;
use crate::source::{Sink, SkipReason};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Markers that suppress a finding on their line (ours, and those of tools users migrate from).
pub const ALLOW_MARKERS: &[&str] = &[
    "tokenscope:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub reason: SkipReason,
    pub detail: String,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct Stats {
    pub items_scanned: u64,
    pub bytes_scanned: u64,
    pub skipped: BTreeMap<SkipReason, u64>,
    pub matches: u64,
    pub suppressed_inline: u64,
}

/// One located match before deduplication.
struct Hit {
    rule: usize,
    secret: SecretValue,
    companion: Option<SecretValue>,
    location: Location,
}

pub struct Collector<'a> {
    detectors: &'a Detectors,
    hits: Mutex<Vec<Hit>>,
    diagnostics: Mutex<Vec<Diagnostic>>,
    skipped: Mutex<BTreeMap<SkipReason, u64>>,
    items: AtomicU64,
    bytes: AtomicU64,
    suppressed: AtomicU64,
    on_item: Option<&'a (dyn Fn(u64) + Sync)>,
}

impl<'a> Collector<'a> {
    pub fn new(detectors: &'a Detectors) -> Self {
        Collector {
            detectors,
            hits: Mutex::new(Vec::new()),
            diagnostics: Mutex::new(Vec::new()),
            skipped: Mutex::new(BTreeMap::new()),
            items: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            suppressed: AtomicU64::new(0),
            on_item: None,
        }
    }

    /// Called with the byte count of every scanned item (progress display).
    pub fn with_progress(mut self, f: &'a (dyn Fn(u64) + Sync)) -> Self {
        self.on_item = Some(f);
        self
    }

    pub fn finish(self) -> (Vec<Finding>, Stats, Vec<Diagnostic>) {
        let hits = self.hits.into_inner().unwrap_or_else(|e| e.into_inner());
        let stats = Stats {
            items_scanned: self.items.into_inner(),
            bytes_scanned: self.bytes.into_inner(),
            skipped: self.skipped.into_inner().unwrap_or_else(|e| e.into_inner()),
            matches: hits.len() as u64,
            suppressed_inline: self.suppressed.into_inner(),
        };
        let mut diags = self
            .diagnostics
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        diags.sort_by(|a, b| a.path.cmp(&b.path));
        let findings = dedupe(self.detectors, hits);
        (findings, stats, diags)
    }
}

impl Sink for Collector<'_> {
    fn content(&self, origin: Origin, bytes: &[u8]) {
        self.items.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        if let Some(f) = self.on_item {
            f(bytes.len() as u64);
        }
        let mut raw = self.detectors.scan(bytes);
        // Base64-encoded secrets (k8s Secret data, docker auths, Basic headers): detected in
        // the decoded text, located at the encoded value.
        for e in crate::source::encoded::embedded(bytes) {
            raw.extend(self.detectors.scan(&e.decoded).into_iter().map(|mut m| {
                (m.start, m.end) = (e.start, e.end);
                m
            }));
        }
        self.detectors.resolve_overlaps(&mut raw);
        if raw.is_empty() {
            return;
        }
        let mut lines = LineIndex::new(bytes);
        let mut local = Vec::with_capacity(raw.len());
        for m in raw {
            let (line, column) = lines.position(m.start);
            if lines.has_allow_marker(m.start, m.end) {
                self.suppressed.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            let end_column = if lines.position(m.end).0 == line {
                column + (m.end - m.start)
            } else {
                column + 1
            };
            let RawMatch {
                rule,
                secret,
                variable,
                companion,
                ..
            } = m;
            local.push(Hit {
                rule,
                secret,
                companion,
                location: Location {
                    origin: origin.clone(),
                    line,
                    column,
                    end_column,
                    variable,
                },
            });
        }
        self.hits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(local);
    }

    fn skipped(&self, path: &Path, reason: SkipReason, detail: &str) {
        *self
            .skipped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(reason)
            .or_default() += 1;
        if reason.is_diagnostic() {
            self.diagnostics
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(Diagnostic {
                    path: path.to_path_buf(),
                    reason,
                    detail: detail.to_string(),
                });
        }
    }
}

/// Offsets → 1-based line and byte column, moving forward through the content.
struct LineIndex<'b> {
    bytes: &'b [u8],
    line_starts: Vec<usize>,
    /// Allow-marker verdict of the last line checked: matches come sorted by offset, and one
    /// minified line can hold thousands of them; each line is searched once.
    marker_memo: Option<(usize, bool)>,
}

impl<'b> LineIndex<'b> {
    fn new(bytes: &'b [u8]) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        LineIndex {
            bytes,
            line_starts,
            marker_memo: None,
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    fn position(&mut self, offset: usize) -> (usize, usize) {
        let l = self.line_of(offset);
        (l + 1, offset - self.line_starts[l] + 1)
    }

    fn line_bytes(&self, l: usize) -> &[u8] {
        let s = self.line_starts[l];
        let e = self
            .line_starts
            .get(l + 1)
            .copied()
            .unwrap_or(self.bytes.len());
        &self.bytes[s..e]
    }

    fn has_allow_marker(&mut self, start: usize, end: usize) -> bool {
        let (a, b) = (
            self.line_of(start),
            self.line_of(end.saturating_sub(1).max(start)),
        );
        self.line_has_marker(a) || (b != a && self.line_has_marker(b))
    }

    fn line_has_marker(&mut self, l: usize) -> bool {
        if let Some((line, found)) = self.marker_memo {
            if line == l {
                return found;
            }
        }
        let line = self.line_bytes(l);
        let found = ALLOW_MARKERS
            .iter()
            .any(|m| memchr::memmem::find(line, m.as_bytes()).is_some());
        self.marker_memo = Some((l, found));
        found
    }
}

/// One finding per unique secret value. The rule of a finding is the most specific one that
/// matched it (non-generic before generic, then higher confidence, then rule order).
fn dedupe(det: &Detectors, hits: Vec<Hit>) -> Vec<Finding> {
    let mut groups: HashMap<SecretValue, Vec<Hit>> = HashMap::new();
    for h in hits {
        groups.entry(h.secret.clone()).or_default().push(h);
    }
    let mut findings: Vec<Finding> = groups
        .into_iter()
        .map(|(secret, hits)| {
            let best = hits
                .iter()
                .min_by_key(|h| {
                    let d = &det.rules[h.rule].def;
                    (d.generic, std::cmp::Reverse(d.confidence as u8), h.rule)
                })
                .map(|h| h.rule)
                .unwrap_or_default();
            let companion = hits.iter().find_map(|h| h.companion.clone());
            let mut locations: Vec<Location> = hits.into_iter().map(|h| h.location).collect();
            locations.sort();
            locations.dedup();
            let rule = &det.rules[best];
            let provider = det.provider_of(best);
            Finding {
                rule_id: rule.def.id.clone(),
                rule_name: rule.def.name.clone(),
                provider_id: provider.id.clone(),
                provider_name: provider.name.clone(),
                severity: rule.def.severity,
                confidence: rule.def.confidence,
                fingerprint: secret.fingerprint(),
                secret,
                companion,
                locations,
                signals: Signals::default(),
                scope: Scope::default(),
                risk: Risk::default(),
            }
        })
        .collect();
    sort_findings(&mut findings);
    findings
}

/// Deterministic output order: (first path, line, column, rule).
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let (la, lb) = (a.first_location(), b.first_location());
        (&la.origin, la.line, la.column, &a.rule_id)
            .cmp(&(&lb.origin, lb.line, lb.column, &b.rule_id))
    });
}
