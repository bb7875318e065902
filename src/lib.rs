//! tokenscope: find every API token an agent could read, and tell what each one can do.
//!
//! Pipeline (see README): sources → detect → dedupe → decode → probe → assess → policy → report.

pub mod assess;
pub mod config;
pub mod context;
pub mod decode;
pub mod detect;
pub mod finding;
pub mod lines;
pub mod location;
pub mod output;
pub mod policy;
pub mod probe;
pub mod report;
pub mod run;
pub mod scan;
pub mod scope;
pub mod secret;
pub mod signals;
pub mod source;

pub use config::ScanConfig;
pub use run::{run_scan, Outcome, RunError};
