//! Small shared helpers for decoders: lenient base64, percent-decoding, dates. All bounded and
//! panic-free on any input.

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;

/// Upper bound on what a decoder will base64-decode (a token is never this large).
pub const MAX_DECODE: usize = 64 * 1024;

/// base64url or standard base64, padded or not (JWT segments, macaroons, routable tokens).
pub fn b64_any(s: &str) -> Option<Vec<u8>> {
    if s.len() > MAX_DECODE {
        return None;
    }
    let t = s.trim_end_matches('=');
    if t.contains(['+', '/']) {
        STANDARD_NO_PAD.decode(t).ok()
    } else {
        URL_SAFE_NO_PAD.decode(t).ok()
    }
}

/// `%XX` decoding (and `+` kept as is: SAS values are not form-encoded). Invalid escapes stay
/// literal; the result is lossy UTF-8.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn iso_time(t: i64) -> String {
    let t = t.clamp(-62_135_596_800, 253_402_300_799);
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// ISO-8601 UTC as Azure SAS writes it: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MMZ`,
/// `YYYY-MM-DDTHH:MM:SSZ`, optional fractional seconds. Other offsets are not accepted.
pub fn parse_iso_utc(s: &str) -> Option<i64> {
    let num = |a: usize, b: usize| -> Option<i64> {
        let part = s.get(a..b)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    if s.get(4..5)? != "-"
        || s.get(7..8)? != "-"
        || !(1..=12).contains(&mo)
        || !(1..=31).contains(&d)
    {
        return None;
    }
    let mut secs = 0;
    if s.len() > 10 {
        if !matches!(s.get(10..11)?, "T" | "t" | " ") {
            return None;
        }
        let (h, mi) = (num(11, 13)?, num(14, 16)?);
        let sec = if s.get(16..17) == Some(":") {
            num(17, 19)?
        } else {
            0
        };
        if h > 23 || mi > 59 || sec > 60 {
            return None;
        }
        secs = h * 3600 + mi * 60 + sec;
        let tail = s.get(16..)?;
        if !(tail.ends_with('Z') || tail.ends_with('z')) {
            return None;
        }
    }
    Some(days_from_civil(y, mo, d) * 86_400 + secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_time(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(parse_iso_utc("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(parse_iso_utc("2023-11-14T22:13Z"), Some(1_699_999_980));
        assert_eq!(parse_iso_utc("2023-11-14"), Some(1_699_920_000));
        assert_eq!(parse_iso_utc("2023-11-14T22:13:20.5Z"), Some(1_700_000_000));
        assert_eq!(parse_iso_utc("2023-13-14"), None);
        assert_eq!(parse_iso_utc("2023-11-14T22:13:20+02:00"), None);
        assert_eq!(parse_iso_utc("junk"), None);
        assert_eq!(parse_iso_utc("2023-1é-14"), None);
    }

    #[test]
    fn percent_and_base64() {
        assert_eq!(percent_decode("a%3Db%2"), "a=b%2");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(b64_any("aGk"), Some(b"hi".to_vec()));
        assert_eq!(b64_any("aGk="), Some(b"hi".to_vec()));
        assert_eq!(b64_any("+/8"), Some(vec![0xfb, 0xff]));
        assert_eq!(b64_any("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(b64_any("!!"), None);
    }
}
