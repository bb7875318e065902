//! Writing results atomically: a reader (CI uploading SARIF) never sees half a file.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |w| w.write_all(contents))
}

/// Streams `write` into a temporary file next to `path`, then fsyncs it and renames it over
/// `path`. On any error (or a panic in `write`) the temporary file is removed and `path` is left
/// as it was. The writer is buffered: `write` may issue many small writes.
pub fn write_atomic_with<F>(path: &Path, write: F) -> std::io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tokenscope-{}.tmp", std::process::id()));
    // Declared before the file, so dropped after it: the file is closed, then removed.
    let guard = TempFile(Some(tmp.clone()));
    let mut w = BufWriter::new(std::fs::File::create(&tmp)?);
    write(&mut w)?;
    let f = w.into_inner().map_err(|e| e.into_error())?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)?;
    guard.keep();
    Ok(())
}

/// Removes the temporary file when dropped, unless it was renamed into place.
struct TempFile(Option<PathBuf>);

impl TempFile {
    fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}
