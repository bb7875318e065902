mod cli;

use clap::Parser;
use cli::{Cli, Command, DetectorsArgs, ListFormat};
use std::io::Write;
use std::process::ExitCode;
use tokenscope::config::ScanConfig;
use tokenscope::detect::Detectors;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not errors.
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tokenscope: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => scan(args.to_config()),
        Command::Audit(args) => scan(args.to_config()),
        Command::Probe(args) => {
            let _ = args;
            anyhow::bail!("tokenscope probe is not implemented yet")
        }
        Command::Detectors(args) => detectors(args),
    }
}

fn scan(cfg: ScanConfig) -> anyhow::Result<ExitCode> {
    let out = tokenscope::run_scan(&cfg)?;
    for d in &out.diagnostics {
        eprintln!(
            "tokenscope: skipped {}: {} ({})",
            tokenscope::report::text::escape(&d.path.to_string_lossy()),
            d.detail,
            d.reason.as_str()
        );
    }
    if cfg.output.is_none() {
        std::io::stdout().write_all(out.rendered.as_bytes())?;
    }
    if !cfg.quiet {
        eprintln!("{}", out.summary);
    }
    Ok(if out.failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
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
