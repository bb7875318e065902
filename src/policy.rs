//! Policy: which findings are reported (baseline) and which fail the run (`--fail-on`).

use crate::finding::Finding;
use crate::scope::{Breadth, Destructive, Environment, Risk, Status};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// One `--fail-on` value: a risk level (that level or above) or a named condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Any,
    AtLeast(Risk),
    AccountWide,
    Production,
    Destructive,
    Active,
    /// Never fail on findings (report only).
    Never,
}

impl FromStr for FailOn {
    type Err = String;
    fn from_str(s: &str) -> Result<FailOn, String> {
        Ok(match s {
            "any" => FailOn::Any,
            "critical" => FailOn::AtLeast(Risk::Critical),
            "high" => FailOn::AtLeast(Risk::High),
            "medium" => FailOn::AtLeast(Risk::Medium),
            "low" => FailOn::AtLeast(Risk::Low),
            "info" => FailOn::AtLeast(Risk::Info),
            "account-wide" => FailOn::AccountWide,
            "production" => FailOn::Production,
            "destructive" => FailOn::Destructive,
            "active" => FailOn::Active,
            "never" => FailOn::Never,
            _ => {
                return Err(format!(
                    "unknown --fail-on value {s:?}: expected critical, high, medium, low, any, \
                     account-wide, production, destructive, active or never"
                ))
            }
        })
    }
}

impl FailOn {
    pub fn matches(self, f: &Finding) -> bool {
        match self {
            FailOn::Any => true,
            FailOn::Never => false,
            FailOn::AtLeast(r) => f.risk >= r,
            FailOn::AccountWide => f.scope.breadth == Breadth::AccountWide,
            FailOn::Production => f.scope.environment == Environment::Production,
            FailOn::Destructive => f.scope.destructive == Destructive::Yes,
            FailOn::Active => f.scope.status == Status::Active,
        }
    }
}

/// Whether the run fails: any finding meets any condition (none given = any finding).
pub fn fails(conditions: &[FailOn], findings: &[Finding]) -> bool {
    let conditions = if conditions.is_empty() {
        &[FailOn::Any][..]
    } else {
        conditions
    };
    findings
        .iter()
        .any(|f| conditions.iter().any(|c| c.matches(f)))
}

/// A baseline: fingerprints of accepted findings. Never holds a secret.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub fingerprints: Vec<BaselineEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    /// Redacted form, to help a reviewer recognise the entry.
    pub secret_redacted: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("baseline {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("baseline {path}: line {line}, column {column}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl Baseline {
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut fingerprints: Vec<BaselineEntry> = findings
            .iter()
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule_id.clone(),
                secret_redacted: f.secret.redacted(),
            })
            .collect();
        fingerprints.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        fingerprints.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline {
            version: 1,
            fingerprints,
        }
    }

    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Read {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| BaselineError::Parse {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        if b.version != 1 {
            return Err(BaselineError::Read {
                path: path.to_path_buf(),
                message: format!("unsupported version {}", b.version),
            });
        }
        Ok(b)
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Removes accepted findings; returns how many were removed.
    pub fn filter(&self, findings: &mut Vec<Finding>) -> usize {
        let before = findings.len();
        findings.retain(|f| {
            !self
                .fingerprints
                .iter()
                .any(|e| e.fingerprint == f.fingerprint)
        });
        before - findings.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::rules::{Confidence, Severity};
    use crate::scope::{Access, Scope};
    use crate::secret::SecretValue;
    use crate::signals::Signals;

    fn finding(secret: &str, risk: Risk, scope: Scope) -> Finding {
        let secret = SecretValue::new(secret);
        Finding {
            rule_id: "stripe.live-secret-key".into(),
            rule_name: "x".into(),
            provider_id: "stripe".into(),
            provider_name: "Stripe".into(),
            severity: Severity::High,
            confidence: Confidence::High,
            fingerprint: secret.fingerprint(),
            secret,
            companion: None,
            locations: Vec::new(),
            signals: Signals::default(),
            scope,
            risk,
        }
    }

    #[test]
    fn parses_every_level_and_condition() {
        for (s, want) in [
            ("any", FailOn::Any),
            ("critical", FailOn::AtLeast(Risk::Critical)),
            ("high", FailOn::AtLeast(Risk::High)),
            ("medium", FailOn::AtLeast(Risk::Medium)),
            ("low", FailOn::AtLeast(Risk::Low)),
            ("info", FailOn::AtLeast(Risk::Info)),
            ("account-wide", FailOn::AccountWide),
            ("production", FailOn::Production),
            ("destructive", FailOn::Destructive),
            ("active", FailOn::Active),
            ("never", FailOn::Never),
        ] {
            assert_eq!(s.parse::<FailOn>(), Ok(want), "{s}");
        }
        assert!("Critical!".parse::<FailOn>().is_err());
        assert!("".parse::<FailOn>().is_err());
    }

    #[test]
    fn conditions_match_the_scope() {
        let broad = finding(
            "sk_live_q8Vh2mXr7TzKp4Lw9YbN",
            Risk::Critical,
            Scope {
                breadth: Breadth::AccountWide,
                access: Access::Admin,
                destructive: Destructive::Yes,
                environment: Environment::Production,
                ..Scope::default()
            },
        );
        let narrow = finding(
            "rk_test_Hk3v9QzLm2Pw7XcB",
            Risk::Low,
            Scope {
                breadth: Breadth::Project,
                environment: Environment::NonProduction,
                status: Status::Active,
                ..Scope::default()
            },
        );
        use FailOn as F;
        let cases = [
            (F::Any, true, true),
            (F::Never, false, false),
            (F::AtLeast(Risk::Critical), true, false),
            (F::AtLeast(Risk::Low), true, true),
            (F::AtLeast(Risk::Medium), true, false),
            (F::AccountWide, true, false),
            (F::Production, true, false),
            (F::Destructive, true, false),
            (F::Active, false, true),
        ];
        for (c, b, n) in cases {
            assert_eq!(c.matches(&broad), b, "{c:?} broad");
            assert_eq!(c.matches(&narrow), n, "{c:?} narrow");
        }
        // No condition = any finding fails; no findings never fail.
        assert!(fails(&[], std::slice::from_ref(&narrow)));
        assert!(!fails(&[], &[]));
        assert!(!fails(
            &[F::AccountWide, F::Production],
            std::slice::from_ref(&narrow)
        ));
        assert!(fails(
            &[F::AccountWide, F::Active],
            std::slice::from_ref(&narrow)
        ));
    }

    #[test]
    fn baseline_round_trip_filters_and_never_holds_secrets() {
        let a = finding(
            "sk_live_q8Vh2mXr7TzKp4Lw9YbN",
            Risk::Critical,
            Scope::default(),
        );
        let b = finding("rk_test_Hk3v9QzLm2Pw7XcB", Risk::Low, Scope::default());
        let c = finding("sk_live_Zx1Vb3Nm6Qp8Kr4Hs0Lg", Risk::High, Scope::default());
        let base = Baseline::from_findings(&[a.clone(), b.clone(), a.clone()]);
        assert_eq!(base.fingerprints.len(), 2, "deduplicated");
        let json = base.to_json();
        assert!(!json.contains("q8Vh2mXr7TzKp4Lw9YbN"));
        assert!(!json.contains("Hk3v9QzLm2Pw7XcB"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        std::fs::write(&path, &json).unwrap();
        let loaded = Baseline::load(&path).unwrap();
        assert_eq!(loaded, base);
        let mut findings = vec![a, b, c];
        assert_eq!(loaded.filter(&mut findings), 2);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].secret.expose(), "sk_live_Zx1Vb3Nm6Qp8Kr4Hs0Lg");
    }

    #[test]
    fn broken_baselines_are_errors_with_positions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, "{\n  \"version\": 1,\n  \"fingerprints\": [1]\n}").unwrap();
        match Baseline::load(&path) {
            Err(BaselineError::Parse { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
        std::fs::write(&path, r#"{"version":2,"fingerprints":[]}"#).unwrap();
        assert!(matches!(
            Baseline::load(&path),
            Err(BaselineError::Read { .. })
        ));
        assert!(matches!(
            Baseline::load(&dir.path().join("missing.json")),
            Err(BaselineError::Read { .. })
        ));
    }
}
