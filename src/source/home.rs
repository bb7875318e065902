//! The user's credential stores (`--home`, and `audit` unless `--no-home`): the well-known files
//! where CLIs and agents keep tokens. The list is data — one table, [`STORES`] — and this module
//! only expands its patterns under the home directory and reads what exists.
//!
//! Origins show paths as `~/…`, whatever the home directory is, so reports and baselines do not
//! depend on the user name.

use super::read::{read_file, ReadError};
use super::{Sink, SkipReason};
use crate::location::Origin;
use std::path::{Path, PathBuf};

/// What tokenscope does with a store that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read the file and scan it like any other content.
    Scan,
    /// Report that the store exists (a notice, never a finding): its secrets are not in a
    /// readable file, but an agent running as the user can still use them.
    Presence,
}

/// One credential store: where it lives, a short name, and what it holds.
#[derive(Debug, Clone, Copy)]
pub struct Store {
    /// Relative to the home directory. `*` matches within one path component.
    pub pattern: &'static str,
    /// Short name shown in reports (`credential store: aws`).
    pub store: &'static str,
    /// What it holds, for documentation and notices.
    pub holds: &'static str,
    pub access: Access,
}

const fn s(pattern: &'static str, store: &'static str, holds: &'static str) -> Store {
    Store {
        pattern,
        store,
        holds,
        access: Access::Scan,
    }
}

/// The credential stores, in the order they are read. Adding one is a line here (and one in
/// `docs/sources.md`).
pub const STORES: &[Store] = &[
    s(".aws/credentials", "aws", "AWS access key pairs per profile"),
    s(".aws/config", "aws", "AWS profiles; sometimes access keys and SSO settings"),
    s(".config/gh/hosts.yml", "gh", "GitHub CLI OAuth tokens per host"),
    s(".config/hub", "hub", "hub CLI GitHub tokens"),
    s(".config/glab-cli/config.yml", "glab", "GitLab CLI tokens per host"),
    s(".git-credentials", "git-credentials", "https://user:token@host URLs of git's store helper"),
    s(".netrc", "netrc", "machine/login/password entries (Heroku api.heroku.com, GitHub, ...)"),
    s(".npmrc", "npm", "registry _authToken and base64 _auth entries"),
    s(".pypirc", "pypi", "PyPI upload tokens"),
    s(".cargo/credentials.toml", "cargo", "crates.io publish tokens"),
    s(".cargo/credentials", "cargo", "crates.io publish tokens (old name)"),
    s(".gem/credentials", "rubygems", "RubyGems API keys"),
    s(".docker/config.json", "docker", "registry auths: base64 user:token"),
    s(".kube/config", "kubernetes", "cluster bearer tokens, client keys (base64)"),
    s(".railway/config.json", "railway", "Railway CLI account token"),
    s(".terraform.d/credentials.tfrc.json", "terraform", "Terraform Cloud API tokens"),
    s(
        ".config/gcloud/application_default_credentials.json",
        "gcloud",
        "Google application default credentials (refresh token or service account key)",
    ),
    s(".config/gcloud/credentials.db", "gcloud", "gcloud credentials (SQLite: skipped as binary)"),
    s(".config/gcloud/access_tokens.db", "gcloud", "gcloud access tokens (SQLite: skipped as binary)"),
    s(
        ".config/gcloud/legacy_credentials/*/adc.json",
        "gcloud",
        "per-account Google credentials",
    ),
    s(".config/gcloud/legacy_credentials/*/.boto", "gcloud", "per-account gsutil credentials"),
    s(".azure/msal_token_cache.json", "azure", "Azure CLI MSAL access and refresh tokens"),
    s(".azure/accessTokens.json", "azure", "Azure CLI tokens (older CLI)"),
    s(".azure/service_principal_entries.json", "azure", "Azure service principal secrets"),
    s(".local/share/com.vercel.cli/auth.json", "vercel", "Vercel CLI token"),
    s(
        "Library/Application Support/com.vercel.cli/auth.json",
        "vercel",
        "Vercel CLI token (macOS)",
    ),
    s(".vercel/auth.json", "vercel", "Vercel CLI token (older CLI)"),
    s(".config/netlify/config.json", "netlify", "Netlify CLI access tokens"),
    s(".netlify/config.json", "netlify", "Netlify CLI access tokens (older CLI)"),
    s(".fly/config.yml", "fly", "Fly.io access token"),
    Store {
        pattern: ".config/op",
        store: "1password",
        holds: "1Password CLI accounts: secrets stay in the vault, but `op` can read them while unlocked",
        access: Access::Presence,
    },
    s(".claude.json", "claude-code", "Claude Code MCP servers: env blocks and remote headers"),
    s(".claude/settings*.json", "claude-code", "Claude Code settings: env block, MCP servers"),
    s(".claude/.credentials.json", "claude-code", "Claude Code OAuth tokens"),
    s(
        ".config/Claude/claude_desktop_config.json",
        "claude-desktop",
        "Claude Desktop MCP servers: env blocks and headers",
    ),
    s(
        "Library/Application Support/Claude/claude_desktop_config.json",
        "claude-desktop",
        "Claude Desktop MCP servers (macOS)",
    ),
    s(".codex/config.toml", "codex", "Codex CLI MCP servers: env tables and headers"),
    s(".codex/auth.json", "codex", "Codex CLI OpenAI API key or tokens"),
    s(".cursor/mcp.json", "cursor", "Cursor MCP servers: env blocks and headers"),
    s(".gemini/settings.json", "gemini", "Gemini CLI MCP servers: env blocks and headers"),
];

/// Upper bound on directory entries looked at for one `*` component.
const MAX_GLOB_ENTRIES: usize = 10_000;

/// Reads every existing store under `home` into `sink`.
pub fn scan(home: &Path, max_size: u64, sink: &dyn Sink) {
    let mut buf = Vec::new();
    for store in STORES {
        for rel in expand(home, store.pattern) {
            let abs = home.join(&rel);
            let shown = Path::new("~").join(&rel);
            match store.access {
                Access::Presence => sink.skipped(
                    &shown,
                    SkipReason::PresenceOnly,
                    &format!("{} ({}) is present", store.store, store.holds),
                ),
                Access::Scan => {
                    // Only regular files (or links to them); a missing store is not news.
                    if !std::fs::metadata(&abs).is_ok_and(|m| !m.is_dir()) {
                        continue;
                    }
                    match read_file(&abs, max_size, &mut buf) {
                        Ok(()) => sink.content(
                            Origin::Home {
                                path: shown,
                                store: store.store.to_string(),
                            },
                            &buf,
                        ),
                        Err(ReadError::Skip(reason, detail)) => {
                            sink.skipped(&shown, reason, &detail)
                        }
                    }
                }
            }
        }
    }
}

/// The existing paths (relative to `home`) that `pattern` names, sorted.
pub fn expand(home: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut found = vec![PathBuf::new()];
    for part in pattern.split('/').filter(|p| !p.is_empty()) {
        let mut next = Vec::new();
        for base in &found {
            if !part.contains('*') {
                let p = base.join(part);
                if std::fs::symlink_metadata(home.join(&p)).is_ok() {
                    next.push(p);
                }
                continue;
            }
            let Ok(glob) = globset::GlobBuilder::new(part)
                .literal_separator(true)
                .build()
                .map(|g| g.compile_matcher())
            else {
                continue;
            };
            let Ok(rd) = std::fs::read_dir(home.join(base)) else {
                continue;
            };
            let mut names: Vec<_> = rd
                .take(MAX_GLOB_ENTRIES)
                .filter_map(Result::ok)
                .map(|e| e.file_name())
                .filter(|n| glob.is_match(Path::new(n)))
                .collect();
            names.sort();
            next.extend(names.into_iter().map(|n| base.join(n)));
        }
        found = next;
        if found.is_empty() {
            break;
        }
    }
    found.retain(|p| !p.as_os_str().is_empty());
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_expand_only_existing_paths() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        std::fs::create_dir_all(h.join(".claude")).unwrap();
        std::fs::write(h.join(".claude/settings.json"), "{}").unwrap();
        std::fs::write(h.join(".claude/settings.local.json"), "{}").unwrap();
        std::fs::write(h.join(".claude/other.json"), "{}").unwrap();
        std::fs::create_dir_all(h.join(".config/gcloud/legacy_credentials/a@b.c")).unwrap();
        std::fs::write(
            h.join(".config/gcloud/legacy_credentials/a@b.c/adc.json"),
            "{}",
        )
        .unwrap();
        assert_eq!(
            expand(h, ".claude/settings*.json"),
            vec![
                PathBuf::from(".claude/settings.json"),
                PathBuf::from(".claude/settings.local.json")
            ]
        );
        assert_eq!(
            expand(h, ".config/gcloud/legacy_credentials/*/adc.json"),
            vec![PathBuf::from(
                ".config/gcloud/legacy_credentials/a@b.c/adc.json"
            )]
        );
        assert!(expand(h, ".aws/credentials").is_empty());
    }

    #[test]
    fn every_store_has_a_relative_pattern_and_a_description() {
        for s in STORES {
            assert!(
                !s.pattern.starts_with('/') && !s.pattern.contains(".."),
                "{}",
                s.pattern
            );
            assert!(!s.store.is_empty() && s.holds.len() > 10, "{}", s.pattern);
        }
    }
}
