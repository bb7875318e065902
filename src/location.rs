//! Where a secret was seen: which source produced the bytes, and where in them.

use serde::Serialize;
use std::path::PathBuf;

/// What produced the scanned bytes. Every source module yields one of these with its content.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Origin {
    /// A file in the workspace as an agent would read it.
    File {
        #[serde(serialize_with = "lossy_path")]
        path: PathBuf,
    },
    /// A blob staged in the git index (pre-commit view).
    Staged {
        #[serde(serialize_with = "lossy_path")]
        path: PathBuf,
    },
    /// A blob in git history, at the commit that first introduced it.
    History {
        #[serde(serialize_with = "lossy_path")]
        path: PathBuf,
        commit: String,
        author_date: String,
    },
    /// A well-known credential store in the user's home directory.
    Home {
        #[serde(serialize_with = "lossy_path")]
        path: PathBuf,
        store: String,
    },
    /// A variable of the process environment.
    Env { variable: String },
}

impl Origin {
    /// The path to show and to use in SARIF; environment variables get a pseudo-path.
    pub fn display_path(&self) -> String {
        match self {
            Origin::File { path } | Origin::Home { path, .. } => {
                path.to_string_lossy().into_owned()
            }
            Origin::Staged { path } => path.to_string_lossy().into_owned(),
            Origin::History { path, .. } => path.to_string_lossy().into_owned(),
            Origin::Env { variable } => format!("env:{variable}"),
        }
    }

    /// A short label of the origin kind for text output.
    pub fn label(&self) -> String {
        match self {
            Origin::File { .. } => String::new(),
            Origin::Staged { .. } => " (staged)".into(),
            Origin::History {
                commit,
                author_date,
                ..
            } => format!(
                " (history {} {})",
                &commit[..commit.len().min(12)],
                author_date
            ),
            Origin::Home { store, .. } => format!(" (credential store: {store})"),
            Origin::Env { .. } => " (environment)".into(),
        }
    }

    pub fn path(&self) -> Option<&PathBuf> {
        match self {
            Origin::File { path }
            | Origin::Staged { path }
            | Origin::History { path, .. }
            | Origin::Home { path, .. } => Some(path),
            Origin::Env { .. } => None,
        }
    }
}

/// One place a secret was seen. Lines and columns are 1-based; columns count bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub origin: Origin,
    pub line: usize,
    pub column: usize,
    pub end_column: usize,
    /// The variable or key the secret was assigned to, when the match shows one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
}

/// Paths need not be UTF-8; JSON and SARIF get the lossy form (U+FFFD for invalid bytes) rather
/// than a serialization error that would lose the whole report.
fn lossy_path<S: serde::Serializer>(p: &std::path::Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&p.to_string_lossy())
}
