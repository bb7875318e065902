//! The raw value of a credential. Only the probe client and the fingerprint ever see it in full:
//! `Debug` and `Display` redact, and the bytes are zeroized on drop.

use sha2::{Digest, Sha256};
use std::fmt;
use zeroize::Zeroize;

/// Salt for fingerprints: fixed so that fingerprints are stable across runs and machines, and
/// specific to tokenscope so that a fingerprint cannot be looked up in a generic SHA-256 table.
const FINGERPRINT_SALT: &[u8] = b"tokenscope/fingerprint/v1\0";

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecretValue(String);

impl SecretValue {
    pub fn new(value: impl Into<String>) -> Self {
        SecretValue(value.into())
    }

    /// The full secret. Call sites are the probe client, decoders and the fingerprint: never output.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// At most the first 4 and last 2 characters, e.g. `ghp_…7x`; short secrets show less.
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }

    /// Salted SHA-256 of the value, hex; the identity of a secret in baselines and SARIF.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(FINGERPRINT_SALT);
        h.update(self.0.as_bytes());
        hex(&h.finalize())
    }
}

pub fn redact(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    // Reveal at most a third of the secret, and never more than 4 + 2 characters.
    let (head, tail) = match n {
        0..=5 => (0, 0),
        6..=11 => (2, 0),
        12..=17 => (4, 0),
        _ => (4, 2),
    };
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[n - tail..]);
    out
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretValue({})", self.redacted())
    }
}

impl fmt::Display for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Drop for SecretValue {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_shows_at_most_four_and_two() {
        assert_eq!(
            redact("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            "ghp_…89"
        );
        assert_eq!(redact("abcdefghijkl"), "abcd…");
        assert_eq!(redact("abcdefg"), "ab…");
        assert_eq!(redact("abc"), "…");
    }

    #[test]
    fn debug_and_display_redact() {
        let s = SecretValue::new("sk_live_0123456789abcdefghijKLMN");
        assert_eq!(format!("{s:?}"), "SecretValue(sk_l…MN)");
        assert_eq!(format!("{s}"), "sk_l…MN");
    }

    #[test]
    fn fingerprint_is_salted_and_stable() {
        let a = SecretValue::new("x").fingerprint();
        assert_eq!(a, SecretValue::new("x").fingerprint());
        // Plain sha256("x") must not be what we publish.
        assert_ne!(
            a,
            "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
        );
    }
}
