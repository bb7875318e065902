//! What can be known about a token without a network call. Decoders produce `Signals`;
//! `assess` folds them into a `Scope`.

use crate::scope::{Access, Breadth, Environment, Evidence};
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Signals {
    /// The token's kind in the provider's words, e.g. "classic personal access token".
    pub kind: Option<String>,
    pub identity: Option<String>,
    pub breadth: Option<Breadth>,
    pub access: Option<Access>,
    pub destructive: Option<bool>,
    pub environment: Option<Environment>,
    /// Unix seconds.
    pub expires_at: Option<i64>,
    /// Claimed scopes/permissions/caveats, verbatim.
    pub permissions: Vec<String>,
    pub evidence: Vec<Evidence>,
    /// A known canary (honeytoken): never probe it; say so.
    pub canary: Option<String>,
    /// The decoder could not parse the token; the reason. Verdicts stay unknown.
    pub malformed: Option<String>,
    /// Which variant a probe should try first (e.g. Railway `project` vs `account`).
    pub probe_hint: Option<String>,
}

impl Signals {
    pub fn with_kind(kind: impl Into<String>) -> Signals {
        let kind = kind.into();
        Signals {
            evidence: vec![Evidence::new("kind", "token", kind.clone())],
            kind: Some(kind),
            ..Signals::default()
        }
    }

    pub fn malformed(reason: impl Into<String>) -> Signals {
        Signals {
            malformed: Some(reason.into()),
            ..Signals::default()
        }
    }

    pub fn evidence(&mut self, field: &str, source: &str, detail: impl Into<String>) -> &mut Self {
        self.evidence.push(Evidence::new(field, source, detail));
        self
    }
}
