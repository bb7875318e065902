//! One integration test binary (links once): modules per area.

mod cli;
mod detectors;
mod emulator;
mod hostile;
mod leak;
mod precommit;
mod probe;
mod probe_batch2;
mod probe_incident;
mod probe_providers;
mod probe_railway;
mod sarif;
mod scope;
mod sources;
mod tokens;
mod workspaces;
