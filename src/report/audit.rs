//! The blast-radius summary `tokenscope audit` prints after the findings (text format only): per
//! token, who it acts as, what it can reach, whether it can delete, whether it touches
//! production, and the one action to take.

use super::text::{escape, kebab};
use crate::finding::Finding;
use crate::scope::{Access, Breadth, Destructive, Environment, Risk, Status};
use std::fmt::Write;
use std::io;

/// The one thing to do about a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Too much power to leave live for a minute: revoke it, then replace it with a scoped one.
    Revoke,
    /// Live and powerful in production: replace it with a narrower token, then revoke it.
    RotateToScoped,
    /// Already narrow (or dead): take it out of the agent's reach.
    MoveOut,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Revoke => "revoke",
            Action::RotateToScoped => "rotate to a scoped token",
            Action::MoveOut => "move out of the workspace",
        }
    }
}

/// The action for a finding, from its risk and scope.
pub fn action(f: &Finding) -> Action {
    if matches!(f.scope.status, Status::Inactive(_)) || f.risk <= Risk::Low {
        return Action::MoveOut;
    }
    match f.risk {
        Risk::Critical => Action::Revoke,
        Risk::High => Action::RotateToScoped,
        _ => Action::MoveOut,
    }
}

fn reach(f: &Finding) -> String {
    let s = &f.scope;
    let breadth = match s.breadth {
        Breadth::AccountWide => "the whole account (every project and workspace)",
        Breadth::Organization => "a whole organization or workspace",
        Breadth::Project => "one project",
        Breadth::Environment => "one environment",
        Breadth::Resource => "one resource",
        Breadth::Unknown => "unknown",
    };
    let access = match s.access {
        Access::Admin => "admin",
        Access::Write => "write",
        Access::Read => "read-only",
        Access::None => "no access",
        Access::Unknown => "access unknown",
    };
    format!("{breadth}; {access}")
}

fn deletes(f: &Finding) -> &'static str {
    match f.scope.destructive {
        Destructive::Yes => "yes",
        Destructive::No => "no",
        Destructive::Unknown => "unknown",
    }
}

fn production(f: &Finding) -> String {
    let mut s = match f.scope.environment {
        Environment::Production => "yes".to_string(),
        Environment::NonProduction => "no".to_string(),
        Environment::Unknown if f.scope.breadth == Breadth::AccountWide => {
            "yes, if the account has production".to_string()
        }
        Environment::Unknown => "unknown".to_string(),
    };
    if f.scope.cross_environment {
        s.push_str(" (production token found in a non-production place)");
    }
    s
}

fn status(f: &Finding) -> String {
    match &f.scope.status {
        Status::Active => "live".into(),
        Status::Inactive(r) => format!("inactive: {r}"),
        Status::Unknown(r) => format!("could not verify: {r}"),
        Status::NotProbed => "not probed".into(),
    }
}

/// The summary, worst first.
pub fn render(findings: &[Finding]) -> String {
    super::to_string(|w| write(findings, w))
}

/// Streams the summary into `out`.
pub fn write(findings: &[Finding], out: &mut dyn io::Write) -> io::Result<()> {
    writeln!(out, "Blast radius")?;
    writeln!(out, "============")?;
    if findings.is_empty() {
        writeln!(out, "No tokens in reach.")?;
        return Ok(());
    }
    let mut order: Vec<&Finding> = findings.iter().collect();
    order.sort_by(|a, b| {
        b.risk
            .cmp(&a.risk)
            .then_with(|| a.first_location().cmp(b.first_location()))
    });
    for f in order {
        let loc = f.first_location();
        let more = if f.locations.len() > 1 {
            format!(" (+{} more)", f.locations.len() - 1)
        } else {
            String::new()
        };
        writeln!(
            out,
            "\n[{}] {} {} at {}:{}{}",
            f.risk.as_str().to_uppercase(),
            f.rule_name,
            f.secret.redacted(),
            escape(&loc.origin.display_path()),
            loc.line,
            more
        )?;
        writeln!(out, "  status:        {}", status(f))?;
        writeln!(
            out,
            "  acts as:       {}",
            f.scope
                .identity
                .as_deref()
                .map(escape)
                .unwrap_or_else(|| "unknown".into())
        )?;
        writeln!(out, "  can reach:     {}", reach(f))?;
        writeln!(out, "  can delete:    {}", deletes(f))?;
        writeln!(out, "  production:    {}", production(f))?;
        if let Some(e) = f
            .scope
            .evidence
            .iter()
            .find(|e| e.field == "destructive" && e.source.starts_with("probe:"))
        {
            writeln!(out, "  why:           {}", escape(&e.detail))?;
        }
        writeln!(out, "  action:        {}", action(f).as_str())?;
    }
    let worst: Vec<&Finding> = findings
        .iter()
        .filter(|f| action(f) == Action::Revoke)
        .collect();
    writeln!(
        out,
        "\n{} token{} in reach; {} to revoke now.",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        worst.len()
    )
}

/// One scope as text, for `tokenscope probe`.
pub fn render_scope(f: &Finding) -> String {
    let mut out = String::new();
    let s = &f.scope;
    let _ = writeln!(out, "provider:     {}", f.provider_name);
    let _ = writeln!(out, "risk:         {}", f.risk.as_str());
    let _ = writeln!(out, "status:       {}", status(f));
    let _ = writeln!(
        out,
        "identity:     {}",
        s.identity
            .as_deref()
            .map(escape)
            .unwrap_or_else(|| "unknown".into())
    );
    let _ = writeln!(out, "breadth:      {}", kebab(&s.breadth));
    let _ = writeln!(out, "access:       {}", kebab(&s.access));
    let _ = writeln!(out, "destructive:  {}", kebab(&s.destructive));
    let _ = writeln!(out, "environment:  {}", kebab(&s.environment));
    if !s.permissions.is_empty() {
        let _ = writeln!(out, "permissions:  {}", escape(&s.permissions.join(", ")));
    }
    for e in &s.evidence {
        let _ = writeln!(
            out,
            "evidence:     ({}, {}) {}",
            e.field,
            e.source,
            escape(&e.detail)
        );
    }
    let _ = writeln!(out, "action:       {}", action(f).as_str());
    out
}
