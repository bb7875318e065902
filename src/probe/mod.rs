//! Live probes: ask each provider, read-only, what a token can do. (Stage stub: filled by the
//! probe framework.)

use crate::config::ProbeConfig;
use crate::detect::Detectors;
use crate::finding::Finding;

/// Probes every unique finding whose rule names a probe, and refines its scope and risk.
pub fn probe_findings(cfg: &ProbeConfig, det: &Detectors, findings: &mut [Finding]) {
    let _ = (cfg, det, findings);
}
