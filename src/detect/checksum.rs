//! Checksums that a token's own characters carry. A mismatch means a made-up or example token.

use super::rules::Checksum;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

pub fn verify(kind: Checksum, token: &str) -> bool {
    match kind {
        Checksum::Base62Crc32 => base62_crc32(token),
    }
}

/// GitHub 40-character tokens and npm `npm_` tokens: 4-char prefix, 30 random characters, then
/// base62(CRC32(random)) left-padded to 6 characters (providers.md §1.1).
pub fn base62_crc32(token: &str) -> bool {
    let b = token.as_bytes();
    if b.len() != 40 || !b.is_ascii() {
        return false;
    }
    b[34..] == base62_crc32_of(&b[4..34])
}

pub fn base62_crc32_of(random: &[u8]) -> [u8; 6] {
    let mut n = crc32fast::hash(random);
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base62_crc32_accepts_own_checksum_and_rejects_a_flip() {
        let random = b"abcdefghijklmnopqrstuvwxyzABCD";
        let sum = base62_crc32_of(random);
        let token = format!(
            "ghp_{}{}",
            std::str::from_utf8(random).unwrap(),
            std::str::from_utf8(&sum).unwrap()
        );
        assert!(base62_crc32(&token));
        let flipped = token.replacen('a', "b", 1);
        assert!(!base62_crc32(&flipped));
        assert!(!base62_crc32("ghp_short"));
    }
}
