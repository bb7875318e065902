//! GitHub token kinds from their prefix (providers.md §3).

use super::DecodeInput;
use crate::signals::Signals;

pub fn decode(input: &DecodeInput) -> Signals {
    let kind = match input.secret.get(..4) {
        Some("ghp_") => "classic personal access token",
        Some("gho_") => "OAuth app user token",
        Some("ghu_") => "GitHub App user-to-server token",
        Some("ghs_") => "GitHub App installation token",
        Some("ghr_") => "GitHub App refresh token",
        _ if input.secret.starts_with("github_pat_") => "fine-grained personal access token",
        _ => return Signals::malformed("unknown GitHub token prefix"),
    };
    Signals::with_kind(kind)
}
