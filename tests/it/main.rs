//! One integration test binary (links once): modules per area.

mod detectors;
