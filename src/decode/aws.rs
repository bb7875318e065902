//! AWS access key ids (providers.md §6, §1.3): key class from the prefix, the account id encoded
//! in new-generation key ids, and known canary (honeytoken) accounts.

use super::DecodeInput;
use crate::signals::Signals;

/// Thinkst Canarytokens' AWS accounts. Source: trufflehog
/// `pkg/detectors/aws/access_keys/canary.go` (`thinkstCanaryList`), read 2025; not published by
/// Thinkst themselves, so the list may be incomplete or outdated (observed, not confirmed).
const THINKST_CANARY_ACCOUNTS: &[&str] = &[
    "052310077262",
    "171436882533",
    "266735846894",
    "534261010715",
    "595918472158",
    "717712589309",
    "730335385048",
    "819147034852",
    "893192397702",
    "992382622183",
];

/// Accounts of off-brand canary services "inspired by canarytokens.org", same source
/// (`thinkstKnockoffsCanaryList`); same uncertainty.
const OTHER_CANARY_ACCOUNTS: &[&str] = &[
    "044858866125",
    "251535659677",
    "344043088457",
    "351906852752",
    "390477818340",
    "426127672474",
    "427150556519",
    "439872796651",
    "445142720921",
    "465867158099",
    "637958123769",
    "693412236332",
    "732624840810",
    "735421457923",
    "959235150393",
    "982842642351",
];

pub fn decode(input: &DecodeInput) -> Signals {
    let id = input.secret.trim();
    if let Some(rest) = id.strip_prefix("ABSK") {
        return bedrock(rest);
    }
    let (prefix, kind, what) = match id.get(..4) {
        Some("AKIA") => (
            "AKIA",
            "long-term access key (IAM user or root)",
            "a long-term key: valid until deleted or deactivated; an IAM user's or the root user's",
        ),
        Some("ASIA") => (
            "ASIA",
            "temporary STS access key",
            "temporary credentials: need the session token as well and expire (minutes to 36 hours)",
        ),
        Some("ABIA") => (
            "ABIA",
            "STS service bearer token key",
            "an STS service bearer token: short-lived",
        ),
        Some("ACCA") => (
            "ACCA",
            "context-specific credential",
            "a context-specific credential (AWS-internal use)",
        ),
        _ => return Signals::malformed("not an AWS access key id (AKIA/ASIA/ABIA/ACCA)"),
    };
    if id.len() != 20
        || !id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    {
        return Signals::malformed("an AWS access key id is 20 characters of A-Z and 2-7");
    }
    let mut s = Signals::with_kind(format!("AWS {kind}"));
    s.evidence("kind", "token", what);
    match input.companion {
        Some(_) => {
            s.evidence(
                "kind",
                "token",
                "the secret access key was found next to it",
            );
        }
        None => {
            s.evidence(
                "kind",
                "token",
                "no secret access key found nearby: the key id alone cannot sign requests",
            );
        }
    }
    if prefix == "ASIA" {
        s.probe_hint = Some("session-token".into());
    }
    match account_id(id) {
        Some(acct) => {
            s.identity = Some(format!("AWS account {acct}"));
            s.evidence(
                "identity",
                "token",
                format!("account {acct} decoded from the key id"),
            );
            // The key acts inside one AWS account; how much of it IAM allows is unknown offline,
            // so breadth and access stay unknown (a probe reads the policies).
            canary(&mut s, &acct);
        }
        None => {
            s.evidence(
                "identity",
                "token",
                "old-generation key id: the account is not encoded in it",
            );
        }
    }
    s
}

/// Amazon Bedrock long-term API keys: `ABSK` + base64(`BedrockAPIKey-<id>-at-<account>:<secret>`)
/// (observed: gitleaks `aws.go` and public leaks; not documented by AWS).
fn bedrock(b64: &str) -> Signals {
    let Some(raw) = super::util::b64_any(b64) else {
        return Signals::malformed("Bedrock API key body is not base64");
    };
    let text = String::from_utf8_lossy(&raw);
    let Some(head) = text
        .strip_prefix("BedrockAPIKey-")
        .and_then(|t| t.split_once(':'))
        .map(|(h, _)| h)
    else {
        return Signals::malformed("Bedrock API key does not decode to BedrockAPIKey-…:…");
    };
    let mut s = Signals::with_kind("Amazon Bedrock long-term API key");
    s.evidence(
        "access",
        "token",
        "calls Bedrock models (spends money) as an IAM user's service-specific credential",
    );
    if let Some((_, acct)) = head.rsplit_once("-at-") {
        if acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()) {
            s.identity = Some(format!("AWS account {acct}"));
            s.evidence(
                "identity",
                "token",
                format!("account {acct} decoded from the key"),
            );
            canary(&mut s, acct);
        }
    }
    s
}

fn canary(s: &mut Signals, acct: &str) {
    if THINKST_CANARY_ACCOUNTS.contains(&acct) {
        s.canary = Some(format!("Thinkst Canarytokens AWS account {acct}"));
    } else if OTHER_CANARY_ACCOUNTS.contains(&acct) {
        s.canary = Some(format!("canary-service AWS account {acct}"));
    }
}

/// The account id of a new-generation key id (§1.3): base32-decode the 16 characters after the
/// prefix, take bytes 0..6 as a big-endian 48-bit integer, `(z & 0x7FFF_FFFF_FF80) >> 7`.
/// `None` for old-generation ids (5th character `A`–`P`) and anything malformed.
pub fn account_id(key_id: &str) -> Option<String> {
    let body = key_id.get(4..20)?;
    let fifth = body.bytes().next()?;
    // Bit 20 of the key id = the top bit of the 5th character's 5-bit value: `Q`–`Z`, `2`–`7`.
    let v = b32_value(fifth)?;
    if v & 0x10 == 0 {
        return None;
    }
    let mut acc: u128 = 0;
    for b in body.bytes() {
        acc = (acc << 5) | u128::from(b32_value(b)?);
    }
    // 16 chars × 5 bits = 80 bits = 10 bytes; bytes 0..6 are the top 48 bits.
    let z = (acc >> 32) as u64;
    let account = (z & 0x7FFF_FFFF_FF80) >> 7;
    Some(format!("{account:012}"))
}

fn b32_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'2'..=b'7' => Some(c - b'2' + 26),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(secret: &'a str, companion: Option<&'a str>) -> DecodeInput<'a> {
        DecodeInput {
            rule_id: "aws.access-key",
            secret,
            variable: None,
            companion,
            now: 1_700_000_000,
        }
    }

    #[test]
    fn account_from_key_id() {
        assert_eq!(
            account_id("ASIAY34FZKBOKMUTVV7A").as_deref(),
            Some("609629065308")
        );
        // Old generation (5th char A–P): no account.
        assert_eq!(account_id("AKIAIOSFODNN7EXAMPL2"), None);
        assert_eq!(account_id("AKIA"), None);
        assert_eq!(account_id("AKIAY34FZKBOKMUTVV7!"), None);
    }

    #[test]
    fn temporary_key() {
        let s = decode(&input("ASIAY34FZKBOKMUTVV7A", Some("secret")));
        assert_eq!(s.kind.as_deref(), Some("AWS temporary STS access key"));
        assert_eq!(s.identity.as_deref(), Some("AWS account 609629065308"));
        assert_eq!(s.probe_hint.as_deref(), Some("session-token"));
        assert_eq!(s.canary, None);
        assert_eq!(s.malformed, None);
    }

    #[test]
    fn long_term_key_and_old_generation() {
        let s = decode(&input("AKIAJQ4HMD5ZKCZ3WR2A", None));
        assert_eq!(
            s.kind.as_deref(),
            Some("AWS long-term access key (IAM user or root)")
        );
        assert_eq!(s.identity, None);
        assert!(s.evidence.iter().any(|e| e.detail.contains("cannot sign")));
    }

    #[test]
    fn canary_account() {
        // Build a key id whose encoded account is a Thinkst canary account.
        let acct: u64 = 52_310_077_262;
        let z: u64 = (acct << 7) | (1 << 47);
        let acc: u128 = (u128::from(z) << 32) | 0x1234_5678;
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let mut body = String::new();
        for i in (0..16).rev() {
            body.push(alphabet[((acc >> (i * 5)) & 31) as usize] as char);
        }
        let id = format!("AKIA{body}");
        assert_eq!(account_id(&id).as_deref(), Some("052310077262"));
        let s = decode(&input(&id, Some("x")));
        assert_eq!(
            s.canary.as_deref(),
            Some("Thinkst Canarytokens AWS account 052310077262")
        );
    }

    #[test]
    fn bedrock_key() {
        let s = decode(&input("ABSKQmVkcm9ja0FQSUtleS11anpkLWF0LTYwOTYyOTA2NTMwODpKVEM3SFcwVExON1dJM3N1MlI0L2NoL0xHWEVYUkpUV1NUeWRYRFJndmpFZ0htbisycUR1NkxtWmYxdz0=", None));
        assert_eq!(s.kind.as_deref(), Some("Amazon Bedrock long-term API key"));
        assert_eq!(s.identity.as_deref(), Some("AWS account 609629065308"));
        assert!(decode(&input("ABSK!!!!", None)).malformed.is_some());
        assert!(decode(&input("ABSKaGVsbG8=", None)).malformed.is_some());
    }

    #[test]
    fn malformed() {
        for bad in [
            "AKIA",
            "AKIAy34fzkbokmutvv7a",
            "XKIAY34FZKBOKMUTVV7A",
            "ASIAY34FZKBOKMUTVV7AA",
            "é",
        ] {
            assert!(decode(&input(bad, None)).malformed.is_some(), "{bad}");
        }
    }
}
