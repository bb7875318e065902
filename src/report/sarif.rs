//! SARIF 2.1.0 for GitHub code scanning. `docs/output.md` documents the mapping.
//!
//! - One run; `rules[]` always present and holding exactly the rules the results reference,
//!   sorted by id (ids are stable across runs; `ruleIndex` only points into this file).
//! - One result per location: GitHub reads only a result's first location.
//! - `level` and `security-severity` follow the finding's risk, not the rule's default.
//! - `partialFingerprints["tokenscope/v1"]` hashes the secret's salted fingerprint, where it is
//!   (origin kind and URI) and which occurrence in that place it is: never a line number.
//! - Never the secret itself: messages and properties carry `SecretValue::redacted()` only.

use super::Report;
use crate::detect::rules::{Confidence, RuleDef, Severity};
use crate::finding::Finding;
use crate::location::{Location, Origin};
use crate::scope::{Destructive, Risk, Scope, Status};
use crate::secret::hex;
use serde::Serialize;
use serde_json::{json, Map, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location as SarifLocation, LogicalLocation, Message,
    MultiformatMessageString, Notification, PhysicalLocation, PropertyBag, Region,
    ReportingConfiguration, ReportingDescriptor, ReportingDescriptorReference,
    Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::{Component, Path};

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// GitHub code scanning accepts at most this many results per run.
pub const MAX_RESULTS: usize = 25_000;
/// The base of workspace-relative URIs: the directory tokenscope ran in.
pub const SRCROOT: &str = "%SRCROOT%";
/// The base of credential stores found in the user's home directory.
pub const HOME: &str = "%HOME%";
/// The key of our entry in `partialFingerprints`; bump the version if its inputs change.
pub const FINGERPRINT_KEY: &str = "tokenscope/v1";

const INFORMATION_URI: &str = if env!("CARGO_PKG_REPOSITORY").is_empty() {
    "https://crates.io/crates/tokenscope"
} else {
    env!("CARGO_PKG_REPOSITORY")
};

pub fn render(r: &Report) -> String {
    render_limited(r, MAX_RESULTS)
}

/// The SARIF document with at most `limit` results (highest risk first).
pub fn render_limited(r: &Report, limit: usize) -> String {
    super::to_string(|w| write_limited(r, limit, w))
}

/// Streams the SARIF document into `w`: see [`write_limited`].
pub fn write(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    write_limited(r, MAX_RESULTS, w)
}

/// Streams the SARIF document with at most `limit` results (highest risk first), pretty-printed
/// with a trailing newline, into `w`. The same bytes as serializing [`build`]'s `Sarif`, but the
/// results are built one at a time while they are written: only the sorted index of results is
/// held in memory, never all the `Result`s.
pub fn write_limited(r: &Report, limit: usize, w: &mut dyn Write) -> io::Result<()> {
    let p = prepare(r, limit);
    let run = StreamedRun {
        invocations: std::slice::from_ref(&p.invocation),
        original_uri_base_ids: &p.base_ids,
        properties: &p.properties,
        results: Results(&p),
        tool: &p.tool,
    };
    let doc = StreamedSarif {
        schema: SCHEMA_URI,
        runs: std::slice::from_ref(&run),
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    w.write_all(b"\n")
}

/// serde-sarif's `Sarif` with one run, as `build` fills it: the same fields in the same
/// (alphabetical) order, so the same bytes. `tests::streaming_matches_the_sarif_struct` checks it.
#[derive(Serialize)]
struct StreamedSarif<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: &'a [StreamedRun<'a>],
    version: &'static str,
}

/// serde-sarif's `Run` as `build` fills it, with `results` streamed.
#[derive(Serialize)]
struct StreamedRun<'a> {
    invocations: &'a [Invocation],
    #[serde(rename = "originalUriBaseIds")]
    original_uri_base_ids: &'a BTreeMap<String, ArtifactLocation>,
    properties: &'a PropertyBag,
    results: Results<'a>,
    tool: &'a Tool,
}

/// The run's results, each built from its entry as it is serialized.
struct Results<'a>(&'a Prepared<'a>);

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.results())
    }
}

/// Everything of the run but its results, and what the results are built from.
struct Prepared<'a> {
    /// Sorted and truncated to the limit.
    entries: Vec<Entry<'a>>,
    /// A rule id's index in `tool.driver.rules`.
    index: HashMap<&'a str, i64>,
    tool: Tool,
    base_ids: BTreeMap<String, ArtifactLocation>,
    invocation: Invocation,
    properties: PropertyBag,
}

impl Prepared<'_> {
    fn results(&self) -> impl Iterator<Item = SarifResult> + '_ {
        self.entries
            .iter()
            .map(|e| result(e, self.index.get(e.finding.rule_id.as_str()).copied()))
    }
}

/// One result before it is turned into SARIF: the sort key and what the result needs.
struct Entry<'a> {
    finding: &'a Finding,
    location: &'a Location,
    uri: Option<Uri>,
    occurrence: usize,
    remediation: &'a str,
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Uri {
    base: Option<&'static str>,
    uri: String,
}

/// The whole SARIF document in memory; [`write_limited`] streams the same.
pub fn build(r: &Report, limit: usize) -> Sarif {
    let p = prepare(r, limit);
    let results: Vec<SarifResult> = p.results().collect();
    let Prepared {
        tool,
        base_ids,
        invocation,
        properties,
        ..
    } = p;
    let run = Run::builder()
        .tool(tool)
        .original_uri_base_ids(base_ids)
        .invocations(vec![invocation])
        .results(results)
        .properties(properties)
        .build();
    Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

fn prepare<'a>(r: &Report<'a>, limit: usize) -> Prepared<'a> {
    let cwd = std::env::current_dir().ok();
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let mut entries: Vec<Entry> = Vec::new();
    for f in r.findings {
        let remediation = r
            .detectors
            .rule_index(&f.rule_id)
            .map(|i| r.detectors.rules[i].def.remediation.as_str())
            .unwrap_or("Rotate it and remove it from the workspace.");
        // The n-th time this secret appears in one place: identity without a line number.
        let mut seen: HashMap<(&str, Option<Uri>, Option<&str>), usize> = HashMap::new();
        for l in &f.locations {
            let uri = origin_uri(&l.origin, cwd.as_deref(), home.as_deref());
            let n = seen
                .entry((origin_kind(&l.origin), uri.clone(), env_var(&l.origin)))
                .or_default();
            *n += 1;
            entries.push(Entry {
                finding: f,
                location: l,
                uri,
                occurrence: *n,
                remediation,
            });
        }
    }
    // Highest risk first, then by place: a deterministic order and a deterministic truncation.
    entries.sort_by(|a, b| {
        (
            std::cmp::Reverse(a.finding.risk),
            &a.uri,
            &a.location,
            &a.finding.rule_id,
        )
            .cmp(&(
                std::cmp::Reverse(b.finding.risk),
                &b.uri,
                &b.location,
                &b.finding.rule_id,
            ))
    });
    let total = entries.len();
    entries.truncate(limit);

    let mut rule_ids: Vec<&str> = entries.iter().map(|e| e.finding.rule_id.as_str()).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let known: Vec<(&'a str, usize)> = rule_ids
        .iter()
        .filter_map(|&id| r.detectors.rule_index(id).map(|i| (id, i)))
        .collect();
    let rules: Vec<ReportingDescriptor> = known
        .iter()
        .map(|&(_, i)| {
            let provider = r.detectors.provider_of(i);
            rule(&r.detectors.rules[i].def, &provider.id)
        })
        .collect();
    let index: HashMap<&'a str, i64> = known
        .iter()
        .enumerate()
        .map(|(n, &(id, _))| (id, n as i64))
        .collect();

    let mut bases: Vec<&'static str> = entries
        .iter()
        .filter_map(|e| e.uri.as_ref().and_then(|u| u.base))
        .collect();
    bases.push(SRCROOT);
    bases.sort_unstable();
    bases.dedup();

    let mut notifications: Vec<Notification> = r
        .diagnostics
        .iter()
        .map(|d| {
            Notification::builder()
                .level(json!("warning"))
                .message(Message::from(
                    format!(
                        "{} not scanned ({}): {}",
                        super::text::escape(&d.path.to_string_lossy()),
                        d.reason.as_str(),
                        d.detail
                    )
                    .as_str(),
                ))
                .descriptor(
                    ReportingDescriptorReference::builder()
                        .id(format!("tokenscope/skipped/{}", d.reason.as_str()))
                        .build(),
                )
                .build()
        })
        .collect();
    if total > entries.len() {
        notifications.push(
            Notification::builder()
                .level(json!("warning"))
                .message(Message::from(
                    format!(
                        "{total} results exceed the limit of {limit} per run; the {} of highest \
                         risk are reported, {} are left out.",
                        entries.len(),
                        total - entries.len()
                    )
                    .as_str(),
                ))
                .descriptor(
                    ReportingDescriptorReference::builder()
                        .id("tokenscope/truncated")
                        .build(),
                )
                .build(),
        );
    }
    let invocation = if notifications.is_empty() {
        Invocation::builder().execution_successful(true).build()
    } else {
        Invocation::builder()
            .execution_successful(true)
            .tool_execution_notifications(notifications)
            .build()
    };

    let driver = ToolComponent::builder()
        .name("tokenscope")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(rules)
        .build();
    let properties = bag(
        None,
        json!({
            "findings": r.findings.len(),
            "results_total": total,
            "results_reported": entries.len(),
            "truncated": total > entries.len(),
            "baselined": r.baselined,
            "files_scanned": r.stats.items_scanned,
            "bytes_scanned": r.stats.bytes_scanned,
        }),
    );
    Prepared {
        tool: Tool::builder().driver(driver).build(),
        base_ids: base_ids(&bases, cwd.as_deref(), home.as_deref()),
        invocation,
        properties,
        entries,
        index,
    }
}

fn rule(d: &RuleDef, provider: &str) -> ReportingDescriptor {
    let help_text = format!("{}\n\nRemediation: {}", d.description, d.remediation);
    let help_md = format!(
        "**{}** (`{}`)\n\n{}\n\n**Remediation:** {}\n\nThe result message and properties say \
         what this token can do: breadth, access, whether it can delete, its environment and, \
         with `--probe`, whether it is live.",
        md_escape(&d.name),
        d.id,
        md_escape(&d.description),
        md_escape(&d.remediation)
    );
    ReportingDescriptor::builder()
        .id(d.id.clone())
        .name(d.name.clone())
        .short_description(
            MultiformatMessageString::builder()
                .text(d.name.clone())
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(d.description.clone())
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(help_text)
                .markdown(help_md)
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level_name(level(severity_risk(d.severity)))))
                .build(),
        )
        .properties(bag(
            Some(vec![
                "security".into(),
                "secret".into(),
                "external/cwe/cwe-798".into(),
                provider.to_string(),
            ]),
            json!({
                "precision": precision(d.confidence),
                "security-severity": severity_risk(d.severity).security_severity(),
                "problem.severity": level_name(level(severity_risk(d.severity))),
            }),
        ))
        .build()
}

fn result(e: &Entry, rule_index: Option<i64>) -> SarifResult {
    let f = e.finding;
    let l = e.location;
    let mut props = Map::new();
    props.insert(
        "security-severity".into(),
        json!(f.risk.security_severity()),
    );
    props.insert("risk".into(), json!(f.risk));
    props.insert("provider".into(), json!(f.provider_id));
    props.insert("secret_redacted".into(), json!(f.secret.redacted()));
    props.insert("fingerprint".into(), json!(f.fingerprint));
    if let Some(k) = &f.signals.kind {
        props.insert("kind".into(), json!(k));
    }
    if let Value::Object(scope) = json!(f.scope) {
        props.extend(scope);
    }
    props.insert("origin".into(), json!(origin_kind(&l.origin)));
    match &l.origin {
        Origin::History {
            commit,
            author_date,
            ..
        } => {
            props.insert("commit".into(), json!(commit));
            props.insert("author_date".into(), json!(author_date));
        }
        Origin::Home { store, .. } => {
            props.insert("store".into(), json!(store));
        }
        Origin::Env { variable } => {
            props.insert("variable".into(), json!(variable));
        }
        Origin::File { .. } | Origin::Staged { .. } => {}
    }
    if let Some(v) = &l.variable {
        props.insert("variable".into(), json!(v));
    }

    let location = match (&l.origin, &e.uri) {
        (Origin::Env { variable }, _) => SarifLocation::builder()
            .logical_locations(vec![LogicalLocation::builder()
                .name(variable.clone())
                .fully_qualified_name(format!("env:{variable}"))
                .kind("variable")
                .build()])
            .build(),
        (_, uri) => {
            let artifact = match uri {
                Some(Uri {
                    base: Some(base),
                    uri,
                }) => ArtifactLocation::builder()
                    .uri(uri.clone())
                    .uri_base_id(*base)
                    .build(),
                Some(Uri { base: None, uri }) => {
                    ArtifactLocation::builder().uri(uri.clone()).build()
                }
                None => ArtifactLocation::builder().build(),
            };
            SarifLocation::builder()
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(artifact)
                        .region(
                            Region::builder()
                                .start_line(l.line as i64)
                                .start_column(l.column as i64)
                                .end_column(l.end_column.max(l.column + 1) as i64)
                                .build(),
                        )
                        .build(),
                )
                .build()
        }
    };

    let mut fp = BTreeMap::new();
    fp.insert(FINGERPRINT_KEY.to_string(), location_fingerprint(e));
    let level = level(f.risk);
    let b = SarifResult::builder()
        .rule_id(f.rule_id.clone())
        .level(level)
        .message(Message::from(message(f, l, e.remediation).as_str()))
        .locations(vec![location])
        .partial_fingerprints(fp)
        .properties(bag(None, Value::Object(props)));
    match rule_index {
        Some(i) => b.rule_index(i).build(),
        None => b.build(),
    }
}

/// Content-based identity of one result: the secret's salted fingerprint, the kind of place,
/// the place's URI and the occurrence number there. Lines moving never change it.
fn location_fingerprint(e: &Entry) -> String {
    let mut h = Sha256::new();
    h.update(e.finding.fingerprint.as_bytes());
    h.update([0]);
    h.update(origin_kind(&e.location.origin).as_bytes());
    h.update([0]);
    if let Some(u) = &e.uri {
        h.update(u.base.unwrap_or("").as_bytes());
        h.update([0]);
        h.update(u.uri.as_bytes());
    }
    if let Some(v) = env_var(&e.location.origin) {
        h.update(v.as_bytes());
    }
    h.update([0]);
    h.update(e.occurrence.to_string().as_bytes());
    hex(&h.finalize()[..16])
}

/// A reviewer's sentence: what the token is, what it can do, and what to do about it.
pub fn message(f: &Finding, l: &Location, remediation: &str) -> String {
    let facts = facts(&f.scope, f);
    let mut s = format!("{} ({})", f.rule_name, f.secret.redacted());
    match &l.origin {
        Origin::History { commit, .. } => {
            s.push_str(&format!(
                " in git history (commit {})",
                &commit[..commit.len().min(12)]
            ));
        }
        Origin::Staged { .. } => s.push_str(" staged for commit"),
        Origin::Home { store, .. } => s.push_str(&format!(" in the {store} credential store")),
        Origin::Env { variable } => s.push_str(&format!(" in environment variable {variable}")),
        Origin::File { .. } => {}
    }
    if !facts.is_empty() {
        s.push_str(": ");
        s.push_str(&facts.join(", "));
    }
    s.push_str(" — ");
    s.push_str(&lower_first(remediation.trim().trim_end_matches('.')));
    s.push('.');
    s
}

fn facts(scope: &Scope, f: &Finding) -> Vec<String> {
    use crate::scope::{Access, Breadth, Environment};
    let mut v = Vec::new();
    if let Some(c) = &f.signals.canary {
        v.push(format!("a known canary token ({c})"));
    }
    match scope.breadth {
        Breadth::AccountWide => v.push("account-wide".into()),
        Breadth::Organization => v.push("organization-wide".into()),
        Breadth::Project => v.push("limited to one project".into()),
        Breadth::Environment => v.push("limited to one environment".into()),
        Breadth::Resource => v.push("limited to one resource".into()),
        Breadth::Unknown => {}
    }
    match scope.environment {
        Environment::Production => v.push("production".into()),
        Environment::NonProduction => v.push("non-production".into()),
        Environment::Unknown => {}
    }
    match scope.access {
        Access::Admin => v.push("admin access".into()),
        Access::Write => v.push("write access".into()),
        Access::Read => v.push("read-only".into()),
        Access::None => v.push("no data access".into()),
        Access::Unknown => {}
    }
    match scope.destructive {
        Destructive::Yes => {
            let why = scope
                .evidence
                .iter()
                .find(|e| e.field == "destructive")
                .map(|e| format!(" ({})", e.detail))
                .unwrap_or_default();
            v.push(format!("destructive{why}"));
        }
        Destructive::No => v.push("cannot delete".into()),
        Destructive::Unknown => {}
    }
    if scope.cross_environment {
        v.push("a production credential exposed in a non-production context".into());
    }
    match &scope.status {
        Status::Active => match &scope.identity {
            Some(id) => v.push(format!("active as {id}")),
            None => v.push("active".into()),
        },
        Status::Inactive(r) => v.push(format!("inactive ({r})")),
        Status::Unknown(r) => v.push(format!("status unknown ({r})")),
        Status::NotProbed => {
            if v.is_empty() {
                v.push("scope unknown offline".into());
            }
            v.push("not probed (run with --probe to check it)".into());
        }
    }
    v
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.next()) {
        // "Revoke it" → "revoke it"; "GitHub …" and "AWS …" keep their capitals.
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => a
            .to_lowercase()
            .chain(std::iter::once(b))
            .chain(c)
            .collect(),
        _ => s.to_string(),
    }
}

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(ch, '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn bag(tags: Option<Vec<String>>, props: Value) -> PropertyBag {
    let map: BTreeMap<String, Value> = match props {
        Value::Object(m) => m.into_iter().collect(),
        _ => BTreeMap::new(),
    };
    match tags {
        Some(t) => PropertyBag::builder()
            .tags(t)
            .additional_properties(map)
            .build(),
        None => PropertyBag::builder().additional_properties(map).build(),
    }
}

pub fn level(risk: Risk) -> ResultLevel {
    match risk {
        Risk::Critical | Risk::High => ResultLevel::Error,
        Risk::Medium => ResultLevel::Warning,
        Risk::Low | Risk::Info => ResultLevel::Note,
    }
}

fn level_name(l: ResultLevel) -> &'static str {
    match l {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        ResultLevel::Note => "note",
        ResultLevel::None => "none",
    }
}

/// A rule's default: its severity read as the risk of a token nothing more is known about.
fn severity_risk(s: Severity) -> Risk {
    match s {
        Severity::Critical => Risk::Critical,
        Severity::High => Risk::High,
        Severity::Medium => Risk::Medium,
        Severity::Low => Risk::Low,
        Severity::Info => Risk::Info,
    }
}

fn precision(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

fn env_var(o: &Origin) -> Option<&str> {
    match o {
        Origin::Env { variable } => Some(variable),
        _ => None,
    }
}

fn origin_kind(o: &Origin) -> &'static str {
    match o {
        // A staged blob and the working file are the same place for code scanning.
        Origin::File { .. } | Origin::Staged { .. } => "file",
        Origin::History { .. } => "history",
        Origin::Home { .. } => "home",
        Origin::Env { .. } => "env",
    }
}

/// Workspace paths relative to `%SRCROOT%`; home stores relative to `%HOME%`; other absolute
/// paths as `file://` URIs; environment variables have no URI.
fn origin_uri(o: &Origin, cwd: Option<&Path>, home: Option<&Path>) -> Option<Uri> {
    let path = o.path()?;
    if let Origin::Home { .. } = o {
        if let Some(rel) = home.and_then(|h| path.strip_prefix(h).ok()) {
            return Some(Uri {
                base: Some(HOME),
                uri: relative_uri(rel),
            });
        }
    }
    if path.is_relative() {
        return Some(Uri {
            base: Some(SRCROOT),
            uri: relative_uri(path),
        });
    }
    if let Some(rel) = cwd.and_then(|c| path.strip_prefix(c).ok()) {
        return Some(Uri {
            base: Some(SRCROOT),
            uri: relative_uri(rel),
        });
    }
    Some(Uri {
        base: None,
        uri: file_uri(path),
    })
}

fn base_ids(
    bases: &[&'static str],
    cwd: Option<&Path>,
    home: Option<&Path>,
) -> BTreeMap<String, ArtifactLocation> {
    bases
        .iter()
        .map(|&b| {
            let (dir, what) = if b == HOME {
                (home, "The home directory of the user who ran tokenscope.")
            } else {
                (
                    cwd,
                    "The directory tokenscope ran in: run it at the repository root.",
                )
            };
            let desc = Message::from(what);
            let loc = match dir.filter(|d| d.is_absolute()) {
                Some(d) => {
                    let mut uri = file_uri(d);
                    if !uri.ends_with('/') {
                        uri.push('/');
                    }
                    ArtifactLocation::builder()
                        .uri(uri)
                        .description(desc)
                        .build()
                }
                None => ArtifactLocation::builder().description(desc).build(),
            };
            (b.to_string(), loc)
        })
        .collect()
}

/// `a/b c/d` → `a/b%20c/d`: each component percent-encoded byte by byte (RFC 3986 unreserved
/// characters stay), joined by `/`; `.` dropped.
pub fn relative_uri(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => parts.push(encode(&os_bytes(s))),
            Component::ParentDir => parts.push("..".into()),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    parts.join("/")
}

/// `/tmp/x y` → `file:///tmp/x%20y`.
pub fn file_uri(p: &Path) -> String {
    format!("file:///{}", relative_uri(p))
}

fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(unix)]
fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    s.to_string_lossy().as_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detectors;
    use crate::scan::Stats;
    use std::path::PathBuf;
    use std::time::Duration;

    fn finding(secret: &str, risk: Risk, locations: Vec<Location>) -> Finding {
        Finding::github_for_tests(secret, risk, locations)
    }

    fn at(origin: Origin, line: usize) -> Location {
        Location {
            origin,
            line,
            column: 5,
            end_column: 45,
            variable: None,
        }
    }

    fn file(p: &str) -> Origin {
        Origin::File { path: p.into() }
    }

    fn doc(findings: &[Finding], limit: usize) -> Value {
        let stats = Stats::default();
        let r = Report {
            findings,
            stats: &stats,
            diagnostics: &[],
            elapsed: Duration::ZERO,
            detectors: Detectors::builtin(),
            baselined: 0,
        };
        serde_json::from_str(&render_limited(&r, limit)).unwrap()
    }

    #[test]
    fn streaming_matches_the_sarif_struct() {
        let mut unknown = finding(
            "ghp_cccccccccccccccccccccccccccccccccccc",
            Risk::Medium,
            vec![at(file("b c/d.env"), 4)],
        );
        unknown.rule_id = "no.such-rule".into();
        let fs = [
            finding(
                "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                Risk::Low,
                vec![
                    at(file("a"), 1),
                    at(file("a"), 2),
                    at(
                        Origin::Env {
                            variable: "GH_TOKEN".into(),
                        },
                        1,
                    ),
                ],
            ),
            finding(
                "ghp_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                Risk::Critical,
                vec![at(file("/elsewhere/z"), 1)],
            ),
            unknown,
        ];
        let stats = Stats::default();
        let diagnostics = [crate::scan::Diagnostic {
            path: "big.bin".into(),
            reason: crate::source::SkipReason::TooLarge,
            detail: "too large".into(),
        }];
        for (findings, diagnostics) in [(&fs[..], &diagnostics[..]), (&[][..], &[][..])] {
            let r = Report {
                findings,
                stats: &stats,
                diagnostics,
                elapsed: Duration::ZERO,
                detectors: Detectors::builtin(),
                baselined: 1,
            };
            for limit in [0, 2, MAX_RESULTS] {
                let mut whole = serde_json::to_string_pretty(&build(&r, limit)).unwrap();
                whole.push('\n');
                assert_eq!(render_limited(&r, limit), whole, "limit {limit}");
            }
        }
    }

    #[test]
    fn uris_are_percent_encoded_relative_references() {
        assert_eq!(relative_uri(Path::new("./a/b c/d.env")), "a/b%20c/d.env");
        assert_eq!(relative_uri(Path::new("x\ny:z#%?")), "x%0Ay%3Az%23%25%3F");
        assert_eq!(relative_uri(Path::new("é")), "%C3%A9");
        assert_eq!(file_uri(Path::new("/tmp/a b")), "file:///tmp/a%20b");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let p = PathBuf::from(std::ffi::OsStr::from_bytes(b"bad\xffname"));
            assert_eq!(relative_uri(&p), "bad%FFname");
        }
    }

    #[test]
    fn truncation_keeps_the_highest_risks_and_says_so() {
        let fs = vec![
            finding(
                "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                Risk::Low,
                vec![at(file("a"), 1), at(file("a"), 2)],
            ),
            finding(
                "ghp_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                Risk::Critical,
                vec![at(file("z"), 1)],
            ),
        ];
        let d = doc(&fs, 2);
        let run = &d["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 2);
        assert_eq!(results[0]["level"], "error");
        assert_eq!(results[1]["level"], "note");
        assert_eq!(run["properties"]["truncated"], true);
        assert_eq!(run["properties"]["results_total"], 3);
        let notes = &run["invocations"][0]["toolExecutionNotifications"];
        assert_eq!(notes[0]["descriptor"]["id"], "tokenscope/truncated");
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    }

    #[test]
    fn repeats_in_one_file_get_distinct_line_free_fingerprints() {
        let s = "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let one = doc(
            &[finding(
                s,
                Risk::High,
                vec![at(file("a"), 3), at(file("a"), 9)],
            )],
            10,
        );
        let moved = doc(
            &[finding(
                s,
                Risk::High,
                vec![at(file("a"), 30), at(file("a"), 90)],
            )],
            10,
        );
        let fps = |d: &Value| -> Vec<String> {
            d["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    r["partialFingerprints"][FINGERPRINT_KEY]
                        .as_str()
                        .unwrap()
                        .into()
                })
                .collect()
        };
        assert_ne!(fps(&one)[0], fps(&one)[1]);
        assert_eq!(fps(&one), fps(&moved));
    }

    #[test]
    fn other_origins_get_sensible_locations() {
        let fs = vec![finding(
            "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            Risk::High,
            vec![
                at(
                    Origin::History {
                        path: "src/old.env".into(),
                        commit: "0123456789abcdef0123456789abcdef01234567".into(),
                        author_date: "2026-04-01".into(),
                    },
                    2,
                ),
                at(
                    Origin::Env {
                        variable: "GH_TOKEN".into(),
                    },
                    1,
                ),
            ],
        )];
        let d = doc(&fs, 10);
        let text = d.to_string();
        assert!(!text.contains("ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        let results = d["runs"][0]["results"].as_array().unwrap();
        let env = results
            .iter()
            .find(|r| r["properties"]["origin"] == "env")
            .unwrap();
        assert_eq!(
            env["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "env:GH_TOKEN"
        );
        let hist = results
            .iter()
            .find(|r| r["properties"]["origin"] == "history")
            .unwrap();
        let pl = &hist["locations"][0]["physicalLocation"];
        assert_eq!(pl["artifactLocation"]["uri"], "src/old.env");
        assert_eq!(pl["artifactLocation"]["uriBaseId"], SRCROOT);
        assert_eq!(
            hist["properties"]["commit"],
            "0123456789abcdef0123456789abcdef01234567"
        );
        assert!(hist["message"]["text"]
            .as_str()
            .unwrap()
            .contains("in git history (commit 0123456789ab)"));
    }
}
