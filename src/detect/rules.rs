//! Detector definitions: `detectors/<provider>.toml`, compiled into the binary by `build.rs`.

use crate::scope::{Access, Breadth};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

include!(concat!(env!("OUT_DIR"), "/detector_files.rs"));

/// One `detectors/<provider>.toml` file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderFile {
    pub provider: ProviderInfo,
    #[serde(default)]
    pub rules: Vec<RuleDef>,
    /// The provider's own permission vocabulary mapped onto the scope model.
    #[serde(default)]
    pub scopes: BTreeMap<String, ScopeMeaning>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderInfo {
    /// Short id, e.g. `github`; rule ids start with it.
    pub id: String,
    /// Display name, e.g. `GitHub`.
    pub name: String,
}

/// What one of a provider's permission strings means, e.g. GitHub `delete_repo`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScopeMeaning {
    #[serde(default)]
    pub breadth: Option<Breadth>,
    #[serde(default)]
    pub access: Option<Access>,
    #[serde(default)]
    pub destructive: Option<bool>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Default)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    #[default]
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    #[default]
    Medium,
    High,
}

/// A checksum that a token's own characters must satisfy.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// GitHub/npm: base62(CRC32(30 random chars)) in the last 6 characters.
    Base62Crc32,
}

/// Offline verdicts implied by a rule matching at all. Decoders may refine them.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StaticSignals {
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub breadth: Option<Breadth>,
    #[serde(default)]
    pub access: Option<Access>,
    #[serde(default)]
    pub destructive: Option<bool>,
    #[serde(default)]
    pub environment: Option<crate::scope::Environment>,
    /// Which variant the probe should try first (e.g. Railway `project` vs `account`).
    #[serde(default)]
    pub probe_hint: Option<String>,
    /// Why these verdicts hold, shown as evidence.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A second value that must be found near the main match (AWS secret key near the key id).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CompanionDef {
    /// Name of the value, e.g. `secret_access_key`.
    pub name: String,
    /// Regex with a `secret` capture group (or group 1).
    pub regex: String,
    /// How many lines before and after the main match to look in.
    #[serde(default = "default_companion_lines")]
    pub within_lines: usize,
    /// Without the companion, report anyway (true) or drop the match (false).
    #[serde(default = "yes")]
    pub optional: bool,
}

fn default_companion_lines() -> usize {
    5
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// `provider.kind`, e.g. `github.classic-pat`.
    pub id: String,
    pub name: String,
    /// Literals for the prefilter (matched ASCII case-insensitively). A rule runs only where one
    /// of them occurs; a rule with no keyword can never match, and the loader refuses it.
    pub keywords: Vec<String>,
    /// Regex with a named group `secret` (else group 1, else the whole match). An optional named
    /// group `var` captures the variable name the value is assigned to.
    pub regex: String,
    #[serde(default)]
    pub severity: Severity,
    #[serde(default)]
    pub confidence: Confidence,
    /// Minimum Shannon entropy (bits per character) of the secret.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub checksum: Option<Checksum>,
    /// Decoder (in `src/decode/`) that reads offline signals from this token.
    #[serde(default)]
    pub decoder: Option<String>,
    /// Probe (in `src/probe/`) that asks the provider what this token can do.
    #[serde(default)]
    pub probe: Option<String>,
    /// Generic rules lose to specific ones on the same bytes.
    #[serde(default)]
    pub generic: bool,
    /// Skip the shared placeholder filter (for rules whose values legitimately look like words).
    #[serde(default)]
    pub allow_placeholder: bool,
    /// Whether the secret may span lines (PEM blocks); widens the regex window.
    #[serde(default)]
    pub multiline: bool,
    /// The keyword is part of a variable name that a value is assigned to (`NAME=value`,
    /// `name: value`, `"name" => value`). A keyword hit whose name is not followed by `=` or `:`
    /// cannot match, and is dropped before the regex runs: these rules' keywords (`token`,
    /// `secret`) are common words, and most of their hits in source code are not assignments.
    /// The regex then runs anchored at the start of the name (the first word character of the
    /// run of `[A-Za-z0-9_.-]` holding the keyword), so it must match from there.
    #[serde(default)]
    pub keyword_assigned: bool,
    /// The secret must contain at least this many ASCII digits (random tokens do; words and
    /// identifiers mostly do not). Cheaper than spelling the condition out in the regex.
    #[serde(default)]
    pub min_digits: Option<usize>,
    #[serde(default)]
    pub companion: Option<CompanionDef>,
    /// What the rule's match alone says about the token (e.g. `sk_live_` = production,
    /// unrestricted): offline signals that need no decoder code.
    #[serde(default)]
    pub signals: Option<StaticSignals>,
    pub description: String,
    pub remediation: String,
    /// Lines that must produce exactly one finding of this rule.
    pub examples: Vec<String>,
    /// Lines that must produce no finding of this rule.
    pub negative_examples: Vec<String>,
}

impl ProviderFile {
    pub fn parse(file: &str, text: &str) -> Result<ProviderFile, String> {
        let pf: ProviderFile = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        for r in &pf.rules {
            if !r.id.starts_with(&format!("{}.", pf.provider.id)) {
                return Err(format!(
                    "{file}: rule id {} must start with {}.",
                    r.id, pf.provider.id
                ));
            }
            if r.keywords.is_empty() || r.keywords.iter().any(|k| k.is_empty()) {
                return Err(format!("{file}: rule {} needs non-empty keywords", r.id));
            }
            if r.examples.is_empty() || r.negative_examples.is_empty() {
                return Err(format!(
                    "{file}: rule {} needs examples and negative_examples",
                    r.id
                ));
            }
        }
        Ok(pf)
    }
}

/// All provider files compiled into the binary, parsed. Panics only on a broken built-in file,
/// which the test suite catches before release.
pub fn builtin() -> Vec<ProviderFile> {
    DETECTOR_FILES
        .iter()
        .map(|(name, text)| ProviderFile::parse(name, text).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}
