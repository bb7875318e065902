//! One unique secret with every place it was seen, and what is known about it.

use crate::detect::rules::{Confidence, Severity};
use crate::location::Location;
use crate::scope::{Risk, Scope};
use crate::secret::SecretValue;
use crate::signals::Signals;

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule_id: String,
    pub rule_name: String,
    pub provider_id: String,
    pub provider_name: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub secret: SecretValue,
    /// A second value needed to use the secret (AWS secret access key for a key id).
    pub companion: Option<SecretValue>,
    /// Sorted, deduplicated.
    pub locations: Vec<Location>,
    pub fingerprint: String,
    pub signals: Signals,
    pub scope: Scope,
    pub risk: Risk,
}

impl Finding {
    pub fn first_location(&self) -> &Location {
        &self.locations[0]
    }

    /// The variable names the secret was assigned to, in location order, without repeats.
    pub fn variables(&self) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        for l in &self.locations {
            if let Some(name) = l.variable.as_deref() {
                if !v.contains(&name) {
                    v.push(name);
                }
            }
        }
        v
    }
}

#[cfg(test)]
impl Finding {
    /// A GitHub classic-PAT finding for report tests.
    pub(crate) fn github_for_tests(secret: &str, risk: Risk, locations: Vec<Location>) -> Finding {
        let s = SecretValue::new(secret);
        Finding {
            rule_id: "github.classic-pat".into(),
            rule_name: "GitHub personal access token (classic)".into(),
            provider_id: "github".into(),
            provider_name: "GitHub".into(),
            severity: Severity::High,
            confidence: Confidence::High,
            fingerprint: s.fingerprint(),
            secret: s,
            companion: None,
            locations,
            signals: Default::default(),
            scope: Scope::default(),
            risk,
        }
    }
}
