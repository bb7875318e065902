//! Offline decoders: pure functions from a token (and where it was found) to `Signals`.
//! No I/O. A malformed token yields `Signals::malformed`, never a panic.

pub mod github;

use crate::signals::Signals;

/// What a decoder sees of a finding.
#[derive(Debug, Clone, Copy)]
pub struct DecodeInput<'a> {
    pub rule_id: &'a str,
    pub secret: &'a str,
    /// The variable/key name the secret was assigned to, if any location shows one.
    pub variable: Option<&'a str>,
    pub companion: Option<&'a str>,
    /// Unix seconds "now", passed in so decoders stay pure and testable.
    pub now: i64,
}

pub type DecoderFn = fn(&DecodeInput) -> Signals;

/// Every decoder a detector file may name in `decoder = "…"`.
pub const DECODERS: &[(&str, DecoderFn)] = &[("github", github::decode)];

pub fn decode(name: &str, input: &DecodeInput) -> Signals {
    match DECODERS.iter().find(|(n, _)| *n == name) {
        Some((_, f)) => f(input),
        None => Signals::default(),
    }
}

pub fn exists(name: &str) -> bool {
    DECODERS.iter().any(|(n, _)| *n == name)
}
