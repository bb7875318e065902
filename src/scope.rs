//! The scope model: what a token can do, normalized across providers, and the risk it carries.
//! Offline decoders and live probes fill the same `Scope`; `derive_risk` is the one place risk
//! is decided.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(tag = "state", content = "reason", rename_all = "kebab-case")]
pub enum Status {
    /// The provider confirmed the token works.
    Active,
    /// Revoked, expired or invalid (provider said so, or offline expiry is past).
    Inactive(String),
    /// A check was attempted but gave no verdict (network fault, rate limit, unclassifiable).
    Unknown(String),
    /// No check was made (offline run, or the provider has no read-only introspection).
    #[default]
    NotProbed,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum Breadth {
    #[default]
    Unknown,
    Resource,
    Environment,
    Project,
    Organization,
    AccountWide,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    #[default]
    Unknown,
    None,
    Read,
    Write,
    Admin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Destructive {
    Yes,
    No,
    #[default]
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Environment {
    Production,
    NonProduction,
    #[default]
    Unknown,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    #[default]
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Risk {
    pub fn raised(self) -> Risk {
        match self {
            Risk::Info => Risk::Low,
            Risk::Low => Risk::Medium,
            Risk::Medium => Risk::High,
            Risk::High | Risk::Critical => Risk::Critical,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Info => "info",
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Critical => "critical",
        }
    }

    /// GitHub code scanning `security-severity` (critical ≥ 9, high ≥ 7, medium ≥ 4, low > 0).
    pub fn security_severity(self) -> &'static str {
        match self {
            Risk::Critical => "9.5",
            Risk::High => "8.0",
            Risk::Medium => "5.5",
            Risk::Low => "3.0",
            Risk::Info => "0.1",
        }
    }
}

/// How a verdict was reached: which field it supports and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Which verdict this supports: `kind`, `breadth`, `access`, `destructive`, `environment`,
    /// `status`, `identity`, `expiry`, `exposure`.
    pub field: String,
    /// Where it came from: `token` (offline decode), `path`, `variable`, `host`, `probe:<endpoint>`.
    pub source: String,
    pub detail: String,
}

impl Evidence {
    pub fn new(field: &str, source: &str, detail: impl Into<String>) -> Evidence {
        Evidence {
            field: field.into(),
            source: source.into(),
            detail: detail.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Scope {
    pub status: Status,
    /// Who the token acts as (user, bot, service account, org), when known.
    pub identity: Option<String>,
    pub breadth: Breadth,
    pub access: Access,
    pub destructive: Destructive,
    pub environment: Environment,
    /// The provider's own permission strings, verbatim.
    pub permissions: Vec<String>,
    /// A production-scoped token found in a non-production context: the incident's shape.
    pub cross_environment: bool,
    /// Designed to be public (a publishable key, a Supabase `anon` key): exposing it grants
    /// nothing beyond what anyone on the internet already has.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub public: bool,
    /// A known canary (honeytoken): using it raises an alarm for its owner; never probed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canary: Option<String>,
    pub evidence: Vec<Evidence>,
    /// The environment the token itself (or a probe) states, kept apart from the environment
    /// guessed from where it was found so that `context::apply` can be re-run after probes.
    #[serde(skip)]
    pub environment_by_token: Option<Environment>,
}

/// The one function that turns a scope into a risk. `docs/scope.md` documents it as a table.
///
/// 1. Known canaries and keys designed to be public (publishable, Supabase `anon`) → Info.
/// 2. Inactive (revoked/expired) → Low: the value no longer works, but it was exposed.
/// 3. Confined to non-production (test-mode keys, TestPyPI, a narrow token used only in a
///    staging/test context) → Medium if it can write, delete or its access is unknown, else Low.
///    Account-wide tokens are never confined by where they were found (`context::apply`), only by
///    what the token itself says (Stripe `sk_test_`).
/// 4. Account-wide, or admin with destructive rights → Critical.
/// 5. Production with write/admin, or destructive → High.
/// 6. Production read-only, or write/admin on a narrower or unknown environment → Medium.
/// 7. Read-only or no access → Low.
/// 8. Nothing known (unknown breadth and access) → Medium: an unclassified live credential is
///    treated as able to write, as the provider reference advises.
///
/// Rules also mark non-secret identifiers with severity `info` (`assess::finish`).
/// A cross-environment exposure raises the result one level (after rule 3–8).
pub fn derive_risk(scope: &Scope) -> Risk {
    if scope.canary.is_some() || scope.public {
        return Risk::Info;
    }
    if let Status::Inactive(_) = scope.status {
        return Risk::Low;
    }
    let writes = matches!(scope.access, Access::Write | Access::Admin);
    let read_only = matches!(scope.access, Access::Read | Access::None);
    let destructive = scope.destructive == Destructive::Yes;
    let prod = scope.environment == Environment::Production;
    let base = if scope.environment == Environment::NonProduction {
        // Reason for this rule (added with issue 3): a test-mode or staging-only token can at
        // worst damage test data; the incident's staging project token must stay Medium even
        // though it can delete that staging environment.
        if read_only && !destructive {
            Risk::Low
        } else {
            Risk::Medium
        }
    } else if scope.breadth == Breadth::AccountWide
        || (scope.access == Access::Admin && destructive)
    {
        Risk::Critical
    } else if (prod && writes) || destructive {
        Risk::High
    } else if prod || writes {
        Risk::Medium
    } else if read_only {
        Risk::Low
    } else {
        Risk::Medium
    };
    if scope.cross_environment {
        base.raised()
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(b: Breadth, a: Access, d: Destructive, e: Environment) -> Scope {
        Scope {
            breadth: b,
            access: a,
            destructive: d,
            environment: e,
            ..Scope::default()
        }
    }

    #[test]
    fn risk_table() {
        use Access as A;
        use Breadth as B;
        use Destructive as D;
        use Environment as E;
        let cases = [
            (
                scope(B::AccountWide, A::Unknown, D::Unknown, E::Unknown),
                Risk::Critical,
            ),
            (
                scope(B::Project, A::Admin, D::Yes, E::Unknown),
                Risk::Critical,
            ),
            (
                scope(B::Project, A::Admin, D::Yes, E::NonProduction),
                Risk::Medium,
            ),
            (
                scope(B::AccountWide, A::Write, D::Yes, E::NonProduction),
                Risk::Medium,
            ),
            (
                scope(B::AccountWide, A::Write, D::No, E::Production),
                Risk::Critical,
            ),
            (
                scope(B::Project, A::Read, D::No, E::Production),
                Risk::Medium,
            ),
            (
                scope(B::Project, A::Write, D::No, E::Production),
                Risk::High,
            ),
            (
                scope(B::Environment, A::Write, D::Unknown, E::Production),
                Risk::High,
            ),
            (scope(B::Resource, A::Read, D::Yes, E::Unknown), Risk::High),
            (
                scope(B::Environment, A::Read, D::No, E::Production),
                Risk::Medium,
            ),
            (
                scope(B::Environment, A::Write, D::Unknown, E::NonProduction),
                Risk::Medium,
            ),
            (
                scope(B::Project, A::Read, D::No, E::NonProduction),
                Risk::Low,
            ),
            (
                scope(B::Unknown, A::Unknown, D::Unknown, E::Unknown),
                Risk::Medium,
            ),
        ];
        for (s, want) in cases {
            assert_eq!(derive_risk(&s), want, "{s:?}");
        }
    }

    #[test]
    fn canary_and_public_are_info() {
        let mut s = scope(
            Breadth::AccountWide,
            Access::Admin,
            Destructive::Yes,
            Environment::Production,
        );
        s.canary = Some("Thinkst Canarytokens".into());
        assert_eq!(derive_risk(&s), Risk::Info);
        let mut s = scope(
            Breadth::Project,
            Access::Read,
            Destructive::No,
            Environment::Production,
        );
        s.public = true;
        assert_eq!(derive_risk(&s), Risk::Info);
    }

    #[test]
    fn inactive_is_low_and_cross_environment_raises() {
        let mut s = scope(
            Breadth::AccountWide,
            Access::Admin,
            Destructive::Yes,
            Environment::Production,
        );
        s.status = Status::Inactive("revoked".into());
        assert_eq!(derive_risk(&s), Risk::Low);
        let mut s = scope(
            Breadth::Environment,
            Access::Write,
            Destructive::Unknown,
            Environment::Production,
        );
        assert_eq!(derive_risk(&s), Risk::High);
        s.cross_environment = true;
        assert_eq!(derive_risk(&s), Risk::Critical);
    }
}
