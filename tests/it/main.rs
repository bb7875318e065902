//! One integration test binary (links once): modules per area.

mod cli;
mod detectors;
mod precommit;
mod sarif;
mod scope;
mod sources;
mod workspaces;
mod emulator;
mod probe;
mod probe_railway;
mod probe_incident;
mod probe_providers;
mod probe_batch2;
mod hostile;
mod leak;
