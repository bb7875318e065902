//! Shared helpers of the fuzz targets.

use tokenscope::decode::{decode as run_decoder, exists, DecodeInput};

/// `secret \0 variable \0 companion`: the fuzzer explores every field a decoder reads.
/// The first 8 bytes (when present) pick "now", so expiry arithmetic sees extreme clocks too.
pub fn decode(name: &str, data: &[u8]) {
    assert!(exists(name), "unknown decoder {name}");
    let (now, rest) = match data {
        [a, b, c, d, e, f, g, h, rest @ ..] if rest.first() == Some(&0xff) => (
            i64::from_le_bytes([*a, *b, *c, *d, *e, *f, *g, *h]),
            &rest[1..],
        ),
        _ => (1_750_000_000, data),
    };
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.splitn(3, '\0');
    let secret = parts.next().unwrap_or_default();
    let variable = parts.next();
    let companion = parts.next();
    let input = DecodeInput {
        rule_id: "fuzz",
        secret,
        variable,
        companion,
        now,
    };
    let signals = run_decoder(name, &input);
    // Reports serialize signals: that must not panic either.
    let _ = format!("{signals:?}");
}
