//! Offline decoders: pure functions from a token (and where it was found) to `Signals`.
//! No I/O. A malformed token yields `Signals::malformed`, never a panic.

pub mod aws;
pub mod azure_connection_string;
pub mod azure_sas;
pub mod database_url;
pub mod fly;
pub mod gcp_service_account;
pub mod github;
pub mod gitlab;
pub mod jwt;
pub mod private_key;
pub mod pypi;
pub mod util;

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
pub const DECODERS: &[(&str, DecoderFn)] = &[
    ("aws", aws::decode),
    ("azure-connection-string", azure_connection_string::decode),
    ("azure-sas", azure_sas::decode),
    ("database-url", database_url::decode),
    ("fly", fly::decode),
    ("gcp-service-account", gcp_service_account::decode),
    ("github", github::decode),
    ("gitlab", gitlab::decode),
    ("jwt", jwt::decode),
    ("private-key", private_key::decode),
    ("pypi", pypi::decode),
];

pub fn decode(name: &str, input: &DecodeInput) -> Signals {
    match DECODERS.iter().find(|(n, _)| *n == name) {
        Some((_, f)) => f(input),
        None => Signals::default(),
    }
}

pub fn exists(name: &str) -> bool {
    DECODERS.iter().any(|(n, _)| *n == name)
}
