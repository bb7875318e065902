mod cli;

use clap::Parser;
use cli::{Cli, Command, DetectorsArgs, ListFormat, ProbeOneArgs};
use std::io::Write;
use std::process::ExitCode;
use tokenscope::config::ScanConfig;
use tokenscope::detect::Detectors;
use tokenscope::secret::SecretValue;

fn main() -> ExitCode {
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not errors.
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    // A panic (in any thread) is an error exit like any other, after the hook's message.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli))) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            eprintln!("tokenscope: error: {e:#}");
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}

/// A panic message may quote the data being processed (a `&str` slicing panic prints the
/// string), so it may hold a secret: print only where it happened, never the payload.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "tokenscope: internal error (panic{at}); the message is withheld because it may \
             contain a secret. Please report this bug."
        );
    }));
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // Test-only (debug builds): panic with the value of TOKENSCOPE_TEST_PANIC in the payload,
    // to prove the payload is never printed (tests/it/leak.rs).
    #[cfg(debug_assertions)]
    if let Some(v) = std::env::var_os("TOKENSCOPE_TEST_PANIC") {
        panic!("forced test panic holding {}", v.to_string_lossy());
    }
    match cli.command {
        Command::Scan(args) => scan(args.to_config(), false),
        Command::Audit(args) => scan(args.to_config(), true),
        Command::Probe(args) => probe_one(args),
        Command::Detectors(args) => detectors(args),
    }
}

/// `scan`, and `audit` (which adds the blast-radius summary to the text report).
fn scan(cfg: ScanConfig, audit: bool) -> anyhow::Result<ExitCode> {
    if cfg.probe.databases {
        eprintln!("tokenscope: warning: --probe-databases is not implemented yet; database URLs are assessed offline only");
    }
    // With `--output`, the run streams the report into that file.
    let out = if audit {
        tokenscope::run::run_audit(&cfg)?
    } else {
        tokenscope::run_scan(&cfg)?
    };
    for d in &out.diagnostics {
        eprintln!(
            "tokenscope: skipped {}: {} ({})",
            tokenscope::report::text::escape(&d.path.to_string_lossy()),
            d.detail,
            d.reason.as_str()
        );
    }
    if cfg.output.is_none() {
        let mut w = std::io::BufWriter::new(std::io::stdout().lock());
        out.write_report(&mut w)?;
        w.flush()?;
    }
    if !cfg.quiet {
        eprintln!("{}", out.summary);
    }
    Ok(if out.failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `tokenscope probe --provider NAME`: one token from standard input (never argv, never
/// echoed); AWS takes the key id and the secret access key separated by whitespace.
fn probe_one(args: ProbeOneArgs) -> anyhow::Result<ExitCode> {
    use std::io::Read;
    use zeroize::Zeroize;
    let mut input = String::new();
    std::io::stdin()
        .take(64 * 1024)
        .read_to_string(&mut input)?;
    let parts: Vec<SecretValue> = input.split_whitespace().map(SecretValue::new).collect();
    input.zeroize();
    let mut parts = parts.into_iter();
    let Some(secret) = parts.next() else {
        anyhow::bail!("no token on standard input");
    };
    let companion = parts.next();
    if parts.next().is_some() || (companion.is_some() && args.provider != "aws") {
        anyhow::bail!("expected one token on standard input (AWS: key id and secret access key)");
    }
    let cfg = args.probe.to_config(true);
    let f = tokenscope::probe::probe_secret(
        &cfg,
        Detectors::builtin(),
        &args.provider,
        secret,
        companion,
        None,
    )
    .map_err(|e| anyhow::anyhow!(e))?;
    let out = match args.format {
        ListFormat::Text => tokenscope::report::audit::render_scope(&f),
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&tokenscope::report::json::finding(&f))?;
            s.push('\n');
            s
        }
    };
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn detectors(args: DetectorsArgs) -> anyhow::Result<ExitCode> {
    let det = Detectors::builtin();
    let mut out = String::new();
    match args.format {
        ListFormat::Text => {
            for r in &det.rules {
                let p = &det.providers[r.provider];
                out.push_str(&format!("{:<44} {:<16} {}\n", r.def.id, p.name, r.def.name));
            }
            out.push_str(&format!("{} rules\n", det.rules.len()));
        }
        ListFormat::Json => {
            let list: Vec<_> = det
                .rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.def.id,
                        "provider": det.providers[r.provider].id,
                        "provider_name": det.providers[r.provider].name,
                        "name": r.def.name,
                        "description": r.def.description,
                        "severity": r.def.severity,
                        "decoder": r.def.decoder,
                        "probe": r.def.probe,
                    })
                })
                .collect();
            out = serde_json::to_string_pretty(&list)?;
            out.push('\n');
        }
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
