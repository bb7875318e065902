//! The process environment (`--env`): what every tool an agent starts inherits. Each variable is
//! scanned as one `NAME=value` line, so context rules (`RAILWAY_API_TOKEN=<uuid>`) see the name.
//! Reports show the variable's name; values are redacted like every secret.

use super::{Sink, SkipReason};
use crate::location::Origin;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Scans the current process environment.
pub fn scan(max_size: u64, sink: &dyn Sink) {
    scan_vars(std::env::vars_os(), max_size, sink);
}

/// Scans the given variables, in name order.
pub fn scan_vars(vars: impl IntoIterator<Item = (OsString, OsString)>, max: u64, sink: &dyn Sink) {
    let mut vars: Vec<(OsString, OsString)> = vars.into_iter().collect();
    vars.sort();
    let mut line = Vec::new();
    for (name, value) in vars {
        let variable = name.to_string_lossy().into_owned();
        let (n, v) = (name.as_bytes(), value.as_bytes());
        if (n.len() + v.len()) as u64 > max {
            sink.skipped(
                Path::new(&format!("env:{variable}")),
                SkipReason::TooLarge,
                &format!("{} bytes is over the {max}-byte limit", v.len()),
            );
            continue;
        }
        line.clear();
        line.extend_from_slice(n);
        line.push(b'=');
        line.extend_from_slice(v);
        line.push(b'\n');
        sink.content(Origin::Env { variable }, &line);
    }
}
