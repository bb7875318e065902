//! Format-valid fake tokens for tests, minted the way `tools/mint.py` does.

use tokenscope::detect::checksum::base62_crc32_of;

/// A GitHub classic PAT with a valid checksum, different for each seed: 30 base62 characters
/// derived from the seed, then the base62 CRC32 of them.
pub fn ghp(seed: &str) -> String {
    use sha2::{Digest, Sha256};
    const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut body = String::new();
    let mut counter = 0u32;
    while body.len() < 30 {
        let h = Sha256::digest(format!("{seed}/{counter}").as_bytes());
        body.extend(h.iter().map(|b| B62[*b as usize % 62] as char));
        counter += 1;
    }
    body.truncate(30);
    let check = base62_crc32_of(body.as_bytes());
    format!("ghp_{body}{}", std::str::from_utf8(&check).unwrap())
}
