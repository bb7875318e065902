//! Gates that turn a regex hit into a finding: checksum, entropy, and the shared placeholder
//! filter (documentation values, templates, obviously fake strings).

use super::checksum;
use super::rules::RuleDef;

pub fn accept(rule: &RuleDef, value: &str) -> bool {
    if let Some(kind) = rule.checksum {
        if !checksum::verify(kind, value) {
            return false;
        }
    }
    if let Some(min) = rule.min_digits {
        if value.bytes().filter(u8::is_ascii_digit).count() < min {
            return false;
        }
    }
    if let Some(min) = rule.min_entropy {
        if shannon_entropy(value) < min {
            return false;
        }
    }
    rule.allow_placeholder || !is_placeholder(value)
}

/// Bits of Shannon entropy per character.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = n as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Words and shapes that appear in documentation and templates, never in a real random token.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "xxxx",
    "example",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "your_",
    "your-",
    "yourtoken",
    "yourkey",
    "insert",
    "replace",
    "redacted",
    "dummy",
    "<",
    ">",
    "${",
    "{{",
    "%s",
    "0123456789",
    "123456789",
    "abcdefghij",
    "******",
    "......",
    "----",
    "____",
    "fake",
    "sample",
    "notreal",
    "not_real",
    "not-real",
];

/// Keys that providers publish in their own documentation: valid-looking, but public and
/// owned by the provider's demo accounts.
const PUBLISHED_DOCUMENTATION_KEYS: &[&str] = &[
    // Stripe API reference examples.
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
];

pub fn is_placeholder(value: &str) -> bool {
    if PUBLISHED_DOCUMENTATION_KEYS.contains(&value) {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    if PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    if url_credentials_are_placeholders(&lower) {
        return true;
    }
    // A run of 6 identical characters: `aaaaaa`, `000000`.
    let b = lower.as_bytes();
    b.windows(6).any(|w| w.iter().all(|&c| c == w[0]))
}

/// `scheme://user:user@host` (the password is the user name) and `scheme://foo:bar@host`: the
/// shapes of example URLs in tests and documentation, never of a provisioned credential.
fn url_credentials_are_placeholders(lower: &str) -> bool {
    let Some((_, rest)) = lower.split_once("://") else {
        return false;
    };
    let Some((userinfo, _)) = rest.split_once('@') else {
        return false;
    };
    match userinfo.split_once(':') {
        Some((user, password)) => {
            (!user.is_empty() && user == password) || (user, password) == ("foo", "bar")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_known_strings() {
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn placeholders() {
        for p in [
            "xxxxxxxxxxxx",
            "<your-token>",
            "${GITHUB_TOKEN}",
            "changeme",
            "AKIAIOSFODNN7EXAMPLE",
            "000000abc",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        assert!(!is_placeholder("Zr8pQ2vLm4Kx9Tn1Wb6Yc3Hd"));
    }
}
