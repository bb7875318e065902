//! Decoder `fly`: any bytes as the secret (and variable/companion after NUL separators)
//! must yield `Signals`, never a panic, a hang or an unbounded allocation.
#![no_main]

#[path = "common/mod.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::decode("fly", data));
