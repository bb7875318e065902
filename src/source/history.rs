//! Git history (`--git-history [RANGE]`): every blob reachable from the given revisions (all
//! refs by default), each unique blob scanned once, at the commit that first introduced it.
//!
//! One pass of `git log --reverse --date-order --raw` lists, oldest commit first, every blob a
//! commit added or changed; the first time a blob id appears is its introduction (commit, author
//! date, path). New blob ids are streamed straight into `git cat-file --batch`, so neither the
//! blobs nor the log are ever held in memory whole: only the set of blob ids already seen.

use super::git::{self, PathFilter, Requests, Wanted};
use super::{Sink, SourceError};
use crate::config::ScanConfig;
use crate::location::Origin;
use std::collections::HashSet;

/// Revision flags a range may use; anything else starting with `-` is refused (it could be an
/// option such as `--output=FILE`).
const ALLOWED_FLAGS: &[&str] = &["--all", "--branches", "--tags", "--remotes"];

pub fn scan(cfg: &ScanConfig, range: Option<&str>, sink: &dyn Sink) -> Result<(), SourceError> {
    let (flags, revs) = parse_range(range)?;
    let dir = git::start_dir(&cfg.paths);
    let top = git::toplevel(&dir)?;
    let filter = PathFilter::new(&top, &cfg.excludes, &super::never_scan(cfg))?;
    let mut log = git::command(&top);
    log.args([
        "-c",
        "log.showSignature=false",
        "log",
        "--reverse",
        "--date-order",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--no-color",
        "--no-ext-diff",
        "--diff-merges=first-parent",
        "-z",
        "--format=%x01%H %aI",
    ]);
    log.args(&flags);
    if !revs.is_empty() {
        log.arg("--end-of-options").args(&revs);
    }
    // Revisions only, never paths: an unknown name is "bad revision", not a path filter.
    log.arg("--");
    git::stream_blobs(&top, cfg.max_file_size, cfg.threads, sink, |req| {
        produce(log, &filter, req)
    })
}

fn parse_range(range: Option<&str>) -> Result<(Vec<String>, Vec<String>), SourceError> {
    let Some(r) = range.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok((vec!["--all".into()], Vec::new()));
    };
    let (mut flags, mut revs) = (Vec::new(), Vec::new());
    for w in r.split_ascii_whitespace() {
        if w.starts_with('-') {
            if !ALLOWED_FLAGS.contains(&w) {
                return Err(SourceError::Other(format!(
                    "--git-history {r:?}: {w} is not a revision (allowed flags: {})",
                    ALLOWED_FLAGS.join(", ")
                )));
            }
            flags.push(w.to_string());
        } else {
            revs.push(w.to_string());
        }
    }
    Ok((flags, revs))
}

/// Parses the log and requests each blob id the first time it appears.
fn produce(
    log: std::process::Command,
    filter: &PathFilter,
    req: &mut Requests<'_>,
) -> Result<(), SourceError> {
    let mut records = git::Records::spawn(log, "log")?;
    let mut seen: HashSet<[u8; 32]> = HashSet::new();
    let mut rec = Vec::new();
    let mut path = Vec::new();
    let (mut commit, mut date) = (String::new(), String::new());
    while records.next(&mut rec)? {
        let r = rec.strip_prefix(b"\n").unwrap_or(&rec);
        if let Some(header) = r.strip_prefix(b"\x01") {
            let h = String::from_utf8_lossy(header);
            let (c, d) = h.split_once(' ').unwrap_or((&h, ""));
            commit = c.to_string();
            date = d.trim().to_string();
            continue;
        }
        if !r.starts_with(b":") {
            continue;
        }
        let meta = r.to_vec();
        if !records.next(&mut path)? {
            break;
        }
        let Some((mode, oid)) = git::parse_raw_meta(&meta) else {
            continue;
        };
        if !git::is_file_mode(mode) {
            continue;
        }
        let Some(key) = oid_key(oid) else {
            continue;
        };
        if seen.contains(&key) {
            continue;
        }
        let p = git::path_from_bytes(&path);
        if filter.skips(&p)? {
            continue;
        }
        seen.insert(key);
        let wanted = Wanted {
            oid: oid.to_string(),
            origin: Origin::History {
                path: p,
                commit: commit.clone(),
                author_date: date.clone(),
            },
        };
        if !req.want(wanted) {
            records.abort();
            return Ok(());
        }
    }
    records.finish()
}

/// A blob id (40 hex digits for SHA-1, 64 for SHA-256) as fixed bytes for the seen-set.
fn oid_key(oid: &str) -> Option<[u8; 32]> {
    let b = oid.as_bytes();
    if !(b.len() == 40 || b.len() == 64) {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, pair) in b.chunks_exact(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        key[i] = (hi * 16 + lo) as u8;
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_refuse_options_but_allow_revision_flags() {
        assert_eq!(parse_range(None).unwrap().0, vec!["--all".to_string()]);
        let (f, r) = parse_range(Some("main..HEAD --tags")).unwrap();
        assert_eq!(f, vec!["--tags".to_string()]);
        assert_eq!(r, vec!["main..HEAD".to_string()]);
        assert!(parse_range(Some("--output=/tmp/x")).is_err());
    }

    #[test]
    fn oid_keys_accept_sha1_and_sha256_only() {
        assert!(oid_key(&"a".repeat(40)).is_some());
        assert!(oid_key(&"b".repeat(64)).is_some());
        assert!(oid_key("abc").is_none());
        assert!(oid_key(&"z".repeat(40)).is_none());
    }
}
