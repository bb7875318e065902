//! Live probes: ask each provider, read-only, what a token can do.
//!
//! Off by default; `--probe` (and `audit` unless `--offline`) turns it on. Each unique secret is
//! probed once per run by the probe its rule names (`probe = "…"` in `detectors/*.toml`), through
//! the one shared client in `client.rs`, which refuses anything off the probe's allowlist.
//! Probes run concurrently (a global limit and `PER_PROVIDER` per provider) within the stage
//! deadline; a probe that cannot conclude reports `Status::Unknown(reason)`, never an error.
//!
//! Adding a provider: one file implementing [`Probe`], one line in [`REGISTRY`], fixtures under
//! `fixtures/providers/<id>/`. `docs/probes.md` walks through it.

pub mod anthropic;
pub mod aws;
pub mod client;
pub mod cloudflare;
pub mod datadog;
pub mod digitalocean;
pub mod dockerhub;
pub mod flyio;
pub mod gcp;
pub mod github;
pub mod gitlab;
pub mod graphql;
pub mod heroku;
pub mod huggingface;
pub mod linear;
pub mod notion;
pub mod npm;
pub mod openai;
pub mod railway;
pub mod sendgrid;
pub mod sentry;
pub mod shopify;
pub mod slack;
pub mod stripe;
pub mod supabase;
pub mod twilio;
pub mod vercel;

use crate::assess;
use crate::config::ProbeConfig;
use crate::detect::rules::{Confidence, Severity};
use crate::detect::Detectors;
use crate::finding::Finding;
use crate::scope::{Evidence, Scope, Status};
use crate::secret::SecretValue;
use crate::signals::Signals;
pub use client::{Allowed, Base, BodyRule, Fault, Http, Method, Reply, Request};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// At most this many probes of one provider run at once (rate limits are per provider).
pub const PER_PROVIDER: usize = 2;

/// One provider's live check.
pub trait Probe: Sync + Send {
    /// The provider id rules name in `probe = "…"`.
    fn id(&self) -> &'static str;
    /// The provider's official base URLs; `--endpoint ID=URL` (all) or `ID.KEY=URL` (one)
    /// replace them.
    fn bases(&self) -> &'static [Base];
    /// Every call this probe may make. The client refuses anything else.
    fn allowlist(&self) -> &'static [Allowed];
    /// Ask the provider. `Err(fault)` becomes `Status::Unknown(fault.reason())`.
    fn probe(&self, target: &Target, http: &Http) -> Result<Verdict, Fault>;
}

/// What a probe knows about the secret it checks.
pub struct Target<'a> {
    pub secret: &'a SecretValue,
    /// A second value the secret needs (AWS secret access key for a key id).
    pub companion: Option<&'a SecretValue>,
    pub rule_id: &'a str,
    /// `Signals.probe_hint` (e.g. Railway `project` / `account`).
    pub hint: Option<&'a str>,
    /// Variable names the secret was assigned to, in location order.
    pub variables: &'a [String],
}

/// A probe's answer: a status and what it learnt, as signals folded by `assess::apply_signals`.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub status: Status,
    pub signals: Signals,
}

impl Verdict {
    /// Live. Breadth/access left `None` mean "live but could not classify".
    pub fn active(signals: Signals) -> Verdict {
        Verdict {
            status: Status::Active,
            signals,
        }
    }

    /// The provider said the token is invalid, revoked or expired.
    pub fn inactive(reason: impl Into<String>, source: &str) -> Verdict {
        let reason = reason.into();
        let mut signals = Signals::default();
        signals.evidence("status", source, reason.clone());
        Verdict {
            status: Status::Inactive(reason),
            signals,
        }
    }

    pub fn unknown(reason: impl Into<String>) -> Verdict {
        Verdict {
            status: Status::Unknown(reason.into()),
            signals: Signals::default(),
        }
    }

    /// No check was made (e.g. a companion value is missing); evidence says why.
    pub fn not_probed(why: impl Into<String>) -> Verdict {
        let mut signals = Signals::default();
        signals.evidence("status", "probe", format!("not probed: {}", why.into()));
        Verdict {
            status: Status::NotProbed,
            signals,
        }
    }
}

impl From<Fault> for Verdict {
    fn from(f: Fault) -> Verdict {
        let mut v = Verdict::unknown(f.reason());
        if let Fault::Refused(why) = &f {
            v.signals
                .evidence("status", "probe", format!("refused: {why}"));
        }
        v
    }
}

/// Every probe, keyed by provider id. Adding a provider adds one line here.
pub static REGISTRY: &[&dyn Probe] = &[
    &aws::Aws,
    &github::GitHub,
    &gitlab::GitLab,
    &railway::Railway,
    &slack::Slack,
    &stripe::Stripe,
    &anthropic::Anthropic,
    &cloudflare::Cloudflare,
    &datadog::Datadog,
    &digitalocean::DigitalOcean,
    &dockerhub::DockerHub,
    &flyio::FlyIo,
    &gcp::Gcp,
    &heroku::Heroku,
    &huggingface::HuggingFace,
    &linear::Linear,
    &notion::Notion,
    &npm::Npm,
    &openai::OpenAi,
    &sendgrid::SendGrid,
    &sentry::Sentry,
    &shopify::Shopify,
    &supabase::Supabase,
    &twilio::Twilio,
    &vercel::Vercel,
];

pub fn registered(id: &str) -> Option<&'static dyn Probe> {
    REGISTRY.iter().copied().find(|p| p.id() == id)
}

/// Runs one probe against one secret with a client of its own (the `probe` subcommand and
/// tests); the stage below shares one client between all probes.
pub fn run_probe(
    probe: &dyn Probe,
    target: &Target,
    client: &client::Client,
    endpoints: &[(String, String)],
) -> Verdict {
    if Instant::now() >= client.deadline() {
        return Fault::Deadline.into();
    }
    let http = match Http::new(
        client,
        probe.id(),
        probe.bases(),
        probe.allowlist(),
        endpoints,
    ) {
        Ok(h) => h,
        Err(f) => return f.into(),
    };
    probe.probe(target, &http).unwrap_or_else(Verdict::from)
}

fn make_client(cfg: &ProbeConfig, deadline: Instant) -> Result<client::Client, Fault> {
    client::Client::new(
        Duration::from_secs(cfg.request_timeout_secs.max(1)),
        deadline,
    )
}

/// Folds a verdict into a finding: signals through `assess::apply_signals`, then the status,
/// then `assess::finish` (context, cross-environment check, risk).
pub fn apply_verdict(det: &Detectors, f: &mut Finding, v: &Verdict) {
    let empty = BTreeMap::new();
    let table = det
        .providers
        .iter()
        .position(|p| p.id == f.provider_id)
        .map(|i| &det.scopes[i])
        .unwrap_or(&empty);
    assess::apply_signals(f, &v.signals, table, assess::now_unix());
    f.scope.status = v.status.clone();
    if let Status::Unknown(reason) = &v.status {
        f.scope.evidence.push(Evidence::new(
            "status",
            "probe",
            format!("could not verify: {reason}"),
        ));
    }
    assess::finish(f);
}

/// Why a finding is not probed, or `None` to probe it.
fn skip_reason(f: &Finding) -> Option<&'static str> {
    if f.scope.canary.is_some() || f.signals.canary.is_some() {
        Some("known canary token: using it would alert its owner")
    } else if f.scope.public {
        Some("designed to be public")
    } else if matches!(f.scope.status, Status::Inactive(_)) {
        Some("already known to be expired")
    } else {
        None
    }
}

struct Job {
    probe: &'static dyn Probe,
    secret: SecretValue,
    companion: Option<SecretValue>,
    rule_id: String,
    hint: Option<String>,
    variables: Vec<String>,
}

/// Probes every unique finding whose rule names a probe, and refines its scope and risk.
pub fn probe_findings(cfg: &ProbeConfig, det: &Detectors, findings: &mut [Finding]) {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(cfg.total_timeout_secs.max(1));
    // One job per (probe, secret, companion): a secret matched by two rules is probed once.
    let mut jobs: Vec<Job> = Vec::new();
    let mut index: HashMap<(&'static str, String), usize> = HashMap::new();
    let mut job_of: Vec<Option<usize>> = vec![None; findings.len()];
    for (i, f) in findings.iter_mut().enumerate() {
        let Some(name) = det
            .rule_index(&f.rule_id)
            .and_then(|r| det.rules[r].def.probe.clone())
        else {
            continue;
        };
        if let Some(why) = skip_reason(f) {
            f.scope.evidence.push(Evidence::new(
                "status",
                "probe",
                format!("not probed: {why}"),
            ));
            continue;
        }
        let Some(probe) = registered(&name) else {
            f.scope.evidence.push(Evidence::new(
                "status",
                "probe",
                format!("not probed: no probe named {name:?}"),
            ));
            continue;
        };
        let key = (
            probe.id(),
            format!(
                "{}:{}",
                f.fingerprint,
                f.companion
                    .as_ref()
                    .map(|c| c.fingerprint())
                    .unwrap_or_default()
            ),
        );
        let j = *index.entry(key).or_insert_with(|| {
            jobs.push(Job {
                probe,
                secret: f.secret.clone(),
                companion: f.companion.clone(),
                rule_id: f.rule_id.clone(),
                hint: f.signals.probe_hint.clone(),
                variables: f.variables().iter().map(|s| s.to_string()).collect(),
            });
            jobs.len() - 1
        });
        job_of[i] = Some(j);
    }
    if jobs.is_empty() {
        return;
    }
    let verdicts = match make_client(cfg, deadline) {
        Ok(client) => run_jobs(cfg, jobs, Arc::new(client), deadline),
        Err(f) => vec![Verdict::from(f); jobs.len()],
    };
    for (f, j) in findings.iter_mut().zip(job_of) {
        if let Some(j) = j {
            apply_verdict(det, f, &verdicts[j]);
        }
    }
}

#[derive(Default)]
struct Sched {
    pending: VecDeque<usize>,
    in_flight: HashMap<&'static str, usize>,
}

/// Runs the jobs on `cfg.concurrency` worker threads with at most `PER_PROVIDER` per provider.
/// Returns by the deadline (plus a short grace) whatever happens: jobs still running then are
/// `Unknown("probe stage deadline reached")` and their threads are abandoned (every request
/// they make is itself bounded by the deadline).
fn run_jobs(
    cfg: &ProbeConfig,
    jobs: Vec<Job>,
    client: Arc<client::Client>,
    deadline: Instant,
) -> Vec<Verdict> {
    let n = jobs.len();
    let jobs = Arc::new(jobs);
    let endpoints = Arc::new(cfg.endpoints.clone());
    let sched = Arc::new((
        Mutex::new(Sched {
            pending: (0..n).collect(),
            ..Sched::default()
        }),
        Condvar::new(),
    ));
    let (tx, rx) = mpsc::channel::<(usize, Verdict)>();
    for _ in 0..cfg.concurrency.max(1).min(n) {
        let (jobs, client, endpoints, sched, tx) = (
            jobs.clone(),
            client.clone(),
            endpoints.clone(),
            sched.clone(),
            tx.clone(),
        );
        std::thread::spawn(move || loop {
            let (lock, cv) = &*sched;
            let next = {
                let Ok(mut s) = lock.lock() else { return };
                loop {
                    if s.pending.is_empty() || Instant::now() >= deadline {
                        break None;
                    }
                    let pos = s.pending.iter().position(|&j| {
                        s.in_flight.get(jobs[j].probe.id()).copied().unwrap_or(0) < PER_PROVIDER
                    });
                    if let Some(pos) = pos {
                        let j = s.pending.remove(pos).unwrap_or(0);
                        *s.in_flight.entry(jobs[j].probe.id()).or_default() += 1;
                        break Some(j);
                    }
                    s = match cv.wait_timeout(s, Duration::from_millis(50)) {
                        Ok((s, _)) => s,
                        Err(_) => return,
                    };
                }
            };
            let Some(j) = next else { return };
            let job = &jobs[j];
            let target = Target {
                secret: &job.secret,
                companion: job.companion.as_ref(),
                rule_id: &job.rule_id,
                hint: job.hint.as_deref(),
                variables: &job.variables,
            };
            let verdict = run_probe(job.probe, &target, &client, &endpoints);
            if let Ok(mut s) = lock.lock() {
                if let Some(c) = s.in_flight.get_mut(job.probe.id()) {
                    *c = c.saturating_sub(1);
                }
            }
            cv.notify_all();
            if tx.send((j, verdict)).is_err() {
                return;
            }
        });
    }
    drop(tx);
    let mut out: Vec<Option<Verdict>> = vec![None; n];
    let mut got = 0;
    let grace = deadline + Duration::from_secs(2);
    while got < n {
        let left = grace.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((j, v)) => {
                if out[j].is_none() {
                    got += 1;
                }
                out[j] = Some(v);
            }
            Err(_) => break,
        }
    }
    out.into_iter()
        .map(|v| v.unwrap_or_else(|| Fault::Deadline.into()))
        .collect()
}

/// The `probe` subcommand's library call: probes one secret with the named provider's probe
/// and returns a finding holding its assessed scope (no locations).
pub fn probe_secret(
    cfg: &ProbeConfig,
    det: &Detectors,
    provider: &str,
    secret: SecretValue,
    companion: Option<SecretValue>,
    hint: Option<&str>,
) -> Result<Finding, String> {
    let probe = registered(provider).ok_or_else(|| {
        let ids: Vec<&str> = REGISTRY.iter().map(|p| p.id()).collect();
        format!(
            "no probe for provider {provider:?} (probes: {})",
            ids.join(", ")
        )
    })?;
    let provider_name = det
        .providers
        .iter()
        .find(|p| p.id == provider)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| provider.to_string());
    let mut f = Finding {
        rule_id: format!("{provider}.stdin"),
        rule_name: format!("{provider_name} token (from standard input)"),
        provider_id: provider.to_string(),
        provider_name,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        fingerprint: secret.fingerprint(),
        secret,
        companion,
        locations: Vec::new(),
        signals: Signals {
            probe_hint: hint.map(str::to_string),
            ..Signals::default()
        },
        scope: Scope::default(),
        risk: Default::default(),
    };
    let deadline = Instant::now() + Duration::from_secs(cfg.total_timeout_secs.max(1));
    let verdict = match make_client(cfg, deadline) {
        Ok(client) => {
            let target = Target {
                secret: &f.secret,
                companion: f.companion.as_ref(),
                rule_id: &f.rule_id,
                hint,
                variables: &[],
            };
            run_probe(probe, &target, &client, &cfg.endpoints)
        }
        Err(fault) => fault.into(),
    };
    apply_verdict(det, &mut f, &verdict);
    Ok(f)
}

/// Helpers shared by probes.
pub mod util {
    use crate::signals::Signals;

    /// Evidence plus the field it supports, in one call.
    pub fn note(s: &mut Signals, field: &str, source: &str, detail: impl Into<String>) {
        s.evidence(field, source, detail);
    }

    /// A JSON string field, trimmed to a sane length for display.
    pub fn str_field<'a>(v: &'a serde_json::Value, path: &[&str]) -> Option<&'a str> {
        let mut cur = v;
        for p in path {
            cur = cur.get(*p)?;
        }
        cur.as_str()
    }

    /// Display text from a provider, bounded and without control characters.
    pub fn clean(s: &str) -> String {
        s.chars().filter(|c| !c.is_control()).take(120).collect()
    }
}
