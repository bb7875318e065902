//! Assess: fold offline signals (decoders, where the token was found) and probe answers into one
//! `Scope`, then derive its `Risk`.

use crate::decode::{self, DecodeInput};
use crate::detect::rules::{ScopeMeaning, Severity};
use crate::detect::Detectors;
use crate::finding::Finding;
use crate::scope::{derive_risk, Access, Breadth, Destructive, Evidence, Risk, Status};
use crate::signals::Signals;
use std::collections::BTreeMap;

pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Decode every finding offline and set its scope and risk.
pub fn assess_offline(det: &Detectors, findings: &mut [Finding], now: i64) {
    for f in findings.iter_mut() {
        let Some(rule) = det.rule_index(&f.rule_id).map(|i| &det.rules[i]) else {
            continue;
        };
        let variables = f.variables();
        let input = DecodeInput {
            rule_id: &f.rule_id,
            secret: f.secret.expose(),
            variable: variables.first().copied(),
            companion: f.companion.as_ref().map(|c| c.expose()),
            now,
        };
        let mut signals = rule
            .def
            .signals
            .as_ref()
            .map(Signals::from_static)
            .unwrap_or_default();
        if let Some(name) = &rule.def.decoder {
            signals.merge(decode::decode(name, &input));
        }
        let table = &det.scopes[rule.provider];
        f.signals = signals.clone();
        apply_signals(f, &signals, table, now);
        finish(f);
    }
}

/// Fold one set of signals into a finding's scope. Probes use the same function, so an offline
/// verdict and a live one meet in one place; later (live) signals override earlier ones.
pub fn apply_signals(
    f: &mut Finding,
    s: &Signals,
    table: &BTreeMap<String, ScopeMeaning>,
    now: i64,
) {
    let scope = &mut f.scope;
    if let Some(id) = &s.identity {
        scope.identity = Some(id.clone());
    }
    if let Some(b) = s.breadth {
        scope.breadth = b;
    }
    if let Some(a) = s.access {
        scope.access = a;
    }
    if let Some(d) = s.destructive {
        scope.destructive = if d { Destructive::Yes } else { Destructive::No };
    }
    if let Some(e) = s.environment {
        // What the token or a probe says; `context::apply` lets it win over the location.
        scope.environment = e;
        scope.environment_by_token = Some(e);
    }
    if let Some(p) = s.public {
        scope.public = p;
    }
    for p in &s.permissions {
        if !scope.permissions.contains(p) {
            scope.permissions.push(p.clone());
        }
    }
    // The provider's permission vocabulary (data in detectors/<provider>.toml) widens the verdicts.
    let (mut breadth, mut access, mut destructive) = (None::<Breadth>, None::<Access>, false);
    for p in &s.permissions {
        if let Some(m) = table.get(p) {
            breadth = breadth.max(m.breadth);
            access = access.max(m.access);
            destructive |= m.destructive == Some(true);
            if m.breadth.is_some() || m.access.is_some() || m.destructive == Some(true) {
                scope.evidence.push(Evidence::new(
                    "permissions",
                    "scope-table",
                    format!("{p}: {}", m.description.as_deref().unwrap_or("mapped")),
                ));
            }
        }
    }
    if let Some(b) = breadth {
        scope.breadth = scope.breadth.max(b);
    }
    if let Some(a) = access {
        scope.access = scope.access.max(a);
    }
    if destructive {
        scope.destructive = Destructive::Yes;
    }
    if let Some(exp) = s.expires_at {
        let when = crate::decode::util::iso_time(exp);
        if exp <= now {
            scope.status = Status::Inactive(format!("expired at {when}"));
            scope.evidence.push(Evidence::new(
                "status",
                "token",
                format!("expired at {when}"),
            ));
        } else {
            scope.evidence.push(Evidence::new(
                "expiry",
                "token",
                format!("expires at {when}"),
            ));
        }
    }
    if let Some(c) = &s.canary {
        // A canary is not probed (using it alerts its owner); the status says why.
        scope.canary = Some(c.clone());
        if !matches!(scope.status, Status::Inactive(_)) {
            scope.status = Status::Unknown(format!("known canary token ({c}); not probed"));
        }
    }
    if let Some(m) = &s.malformed {
        scope.evidence.push(Evidence::new(
            "kind",
            "token",
            format!("could not decode: {m}"),
        ));
    }
    scope.evidence.extend(s.evidence.iter().cloned());
}

/// Environment from the locations, the cross-environment flag, and the risk, once all signals
/// are in. Idempotent: the probe stage calls it again after `apply_signals` with live answers
/// (a probe that finds the token is production-scoped turns a staging location into a
/// cross-environment exposure).
pub fn finish(f: &mut Finding) {
    crate::context::apply(f);
    f.risk = if f.severity == Severity::Info {
        Risk::Info
    } else {
        derive_risk(&f.scope)
    };
}
