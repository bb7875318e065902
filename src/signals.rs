//! What can be known about a token without a network call. Decoders produce `Signals`;
//! `assess` folds them into a `Scope`.

use crate::detect::rules::StaticSignals;
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
    /// Designed to be public (publishable key, Supabase `anon` key): risk Info.
    pub public: Option<bool>,
}

impl Signals {
    /// The signals a rule's match implies by itself (`[rules.signals]` in its detector file).
    pub fn from_static(s: &StaticSignals) -> Signals {
        let mut out = Signals {
            kind: s.kind.clone(),
            breadth: s.breadth,
            access: s.access,
            destructive: s.destructive,
            environment: s.environment,
            probe_hint: s.probe_hint.clone(),
            ..Signals::default()
        };
        let why = s
            .reason
            .clone()
            .unwrap_or_else(|| "implied by the token's format".into());
        if let Some(k) = &s.kind {
            out.evidence("kind", "token", k.clone());
        }
        if s.breadth.is_some() || s.access.is_some() || s.destructive.is_some() {
            out.evidence("breadth", "token", why.clone());
        }
        if let Some(e) = s.environment {
            let e = serde_json::to_value(e)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            out.evidence("environment", "token", format!("{e}: {why}"));
        }
        out
    }

    /// Fields of `later` override this one's; lists and evidence are appended.
    pub fn merge(&mut self, later: Signals) {
        macro_rules! take {
            ($($f:ident),*) => { $( if later.$f.is_some() { self.$f = later.$f; } )* };
        }
        take!(
            kind,
            identity,
            breadth,
            access,
            destructive,
            environment,
            expires_at,
            canary,
            malformed,
            probe_hint,
            public
        );
        for p in later.permissions {
            if !self.permissions.contains(&p) {
                self.permissions.push(p);
            }
        }
        self.evidence.extend(later.evidence);
    }

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
