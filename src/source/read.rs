//! Reading one file safely: never block on FIFOs or devices, never read past the size limit,
//! detect binaries from the first 8 KiB, and decode UTF-16 text.

use super::SkipReason;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

pub const BINARY_SNIFF: usize = 8 * 1024;

pub enum ReadError {
    Skip(SkipReason, String),
}

/// Reads `path` into `buf` (cleared first). On success `buf` holds UTF-8 or raw bytes to scan.
pub fn read_file(path: &Path, max_size: u64, buf: &mut Vec<u8>) -> Result<(), ReadError> {
    buf.clear();
    // O_NONBLOCK: if the path became a FIFO after the walk, open() must not wait for a writer.
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| io_skip(&e))?;
    let meta = file.metadata().map_err(|e| io_skip(&e))?;
    let ft = meta.file_type();
    if ft.is_fifo()
        || ft.is_socket()
        || ft.is_block_device()
        || ft.is_char_device()
        || !ft.is_file()
    {
        return Err(ReadError::Skip(
            SkipReason::NotRegular,
            "not a regular file".into(),
        ));
    }
    if meta.len() > max_size {
        return Err(too_large(meta.len(), max_size));
    }
    buf.reserve(meta.len().min(max_size) as usize + 1);
    read_bounded(file, max_size, buf)?;
    classify_and_decode(buf)
}

fn read_bounded(mut file: File, max_size: u64, buf: &mut Vec<u8>) -> Result<(), ReadError> {
    // Binaries are known from their first 8 KiB: do not read the rest.
    (&mut file)
        .take(BINARY_SNIFF as u64)
        .read_to_end(buf)
        .map_err(|e| io_skip(&e))?;
    if buf.len() == BINARY_SNIFF && is_binary_head(buf) {
        buf.clear();
        return Err(ReadError::Skip(SkipReason::Binary, "binary content".into()));
    }
    // The file may grow between stat and read: read at most one byte past the limit to know.
    let mut limited = file.take((max_size + 1).saturating_sub(buf.len() as u64));
    limited.read_to_end(buf).map_err(|e| io_skip(&e))?;
    if buf.len() as u64 > max_size {
        let n = buf.len() as u64;
        buf.clear();
        return Err(too_large(n, max_size));
    }
    Ok(())
}

/// Binary detection and UTF-16 decoding on an in-memory item (also used for git blobs).
pub fn classify_and_decode(buf: &mut Vec<u8>) -> Result<(), ReadError> {
    if let Some(text) = decode_utf16(buf) {
        *buf = text.into_bytes();
        return Ok(());
    }
    let head = &buf[..buf.len().min(BINARY_SNIFF)];
    if memchr::memchr(0, head).is_some() {
        return Err(ReadError::Skip(SkipReason::Binary, "binary content".into()));
    }
    Ok(())
}

/// The verdict `classify_and_decode` gives on a file starting with `head` (its first 8 KiB).
fn is_binary_head(head: &[u8]) -> bool {
    !matches!(head, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..])
        && !looks_utf16le(head)
        && memchr::memchr(0, head).is_some()
}

/// UTF-16 with a BOM, or BOM-less UTF-16LE text (NUL in every odd byte: Windows `.env` files).
fn decode_utf16(buf: &[u8]) -> Option<String> {
    let (le, body) = match buf {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ if looks_utf16le(buf) => (true, buf),
        _ => return None,
    };
    let units = body.chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|r| r.unwrap_or('\u{FFFD}'))
            .collect(),
    )
}

fn looks_utf16le(buf: &[u8]) -> bool {
    let head = &buf[..buf.len().min(BINARY_SNIFF)];
    if head.len() < 16 {
        return false;
    }
    let pairs = head.len() / 2;
    let ascii_pairs = head
        .chunks_exact(2)
        .filter(|c| {
            c[1] == 0 && c[0] != 0 && (c[0].is_ascii_graphic() || c[0].is_ascii_whitespace())
        })
        .count();
    ascii_pairs * 10 >= pairs * 9
}

fn too_large(n: u64, max: u64) -> ReadError {
    ReadError::Skip(
        SkipReason::TooLarge,
        format!("{n} bytes is over the {max}-byte limit"),
    )
}

fn io_skip(e: &io::Error) -> ReadError {
    let reason = match e.kind() {
        io::ErrorKind::NotFound => SkipReason::Vanished,
        _ => SkipReason::Unreadable,
    };
    ReadError::Skip(reason, e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16le_with_and_without_bom_decodes() {
        let text = "GITHUB_TOKEN=abc\n";
        let mut with_bom = vec![0xFF, 0xFE];
        with_bom.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert!(classify_and_decode(&mut with_bom).is_ok());
        assert_eq!(with_bom, text.as_bytes());
        let mut bare: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert!(classify_and_decode(&mut bare).is_ok());
        assert_eq!(bare, text.as_bytes());
    }

    #[test]
    fn nul_in_head_is_binary() {
        let mut b = vec![0x7f, b'E', b'L', b'F', 0, 0, 1, 2, 3];
        assert!(matches!(
            classify_and_decode(&mut b),
            Err(ReadError::Skip(SkipReason::Binary, _))
        ));
    }
}
