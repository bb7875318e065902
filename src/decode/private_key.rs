//! Private keys (providers.md §30): PEM type, whether the key is encrypted (legacy
//! `Proc-Type: 4,ENCRYPTED`, PKCS#8 `ENCRYPTED PRIVATE KEY`, OpenSSH cipher ≠ `none`), and for
//! OpenSSH keys the key type and the comment (often `user@host`).

use super::util::b64_any;
use super::DecodeInput;
use crate::signals::Signals;

pub fn decode(input: &DecodeInput) -> Signals {
    let text = input.secret;
    let Some(start) = text.find("-----BEGIN ") else {
        if text.starts_with("PuTTY-User-Key-File-") {
            return putty(text);
        }
        return Signals::malformed("no -----BEGIN line");
    };
    let after = text.get(start + 11..).unwrap_or("");
    let Some(end) = after.find("-----") else {
        return Signals::malformed("unterminated BEGIN line");
    };
    let label = after.get(..end).unwrap_or("").trim().to_string();
    let body = after.get(end + 5..).unwrap_or("");
    let body = body.split("-----END").next().unwrap_or("");
    let kind = match label.as_str() {
        "RSA PRIVATE KEY" => "RSA private key (PKCS#1)",
        "EC PRIVATE KEY" => "EC private key (SEC1)",
        "DSA PRIVATE KEY" => "DSA private key",
        "PRIVATE KEY" => "private key (PKCS#8)",
        "ENCRYPTED PRIVATE KEY" => "encrypted private key (PKCS#8)",
        "OPENSSH PRIVATE KEY" => "OpenSSH private key",
        "PGP PRIVATE KEY BLOCK" => "PGP private key block",
        _ if label.ends_with("PRIVATE KEY") => "private key",
        _ => return Signals::malformed("not a private key block"),
    };
    let mut s = Signals::with_kind(kind);
    // A private key proves an identity to whatever trusts its public half; nothing offline tells
    // which systems those are, so breadth and access stay unknown.
    let mut encrypted = label == "ENCRYPTED PRIVATE KEY";
    if body.contains("Proc-Type: 4,ENCRYPTED") {
        encrypted = true;
        let cipher = body
            .lines()
            .find_map(|l| l.trim().strip_prefix("DEK-Info:"))
            .and_then(|v| v.split(',').next())
            .map(|c| c.trim().to_string())
            .unwrap_or_else(|| "?".into());
        s.evidence("kind", "token", format!("legacy PEM encryption ({cipher})"));
    }
    if label == "OPENSSH PRIVATE KEY" {
        let b64: String = body
            .lines()
            .filter(|l| !l.contains(':'))
            .flat_map(|l| l.trim().chars())
            .filter(|c| !c.is_whitespace())
            .collect();
        let Some(bytes) = b64_any(&b64) else {
            return Signals::malformed("OpenSSH key body is not base64");
        };
        match openssh(&bytes) {
            Ok(k) => {
                if k.cipher != "none" {
                    encrypted = true;
                    s.evidence(
                        "kind",
                        "token",
                        format!("OpenSSH key encrypted with {} ({})", k.cipher, k.kdf),
                    );
                }
                s.kind = Some(format!("OpenSSH private key ({})", k.key_type));
                if let Some(c) = k.comment.filter(|c| !c.is_empty()) {
                    s.identity = Some(c.clone());
                    s.evidence("identity", "token", format!("key comment {c}"));
                }
            }
            Err(why) => return Signals::malformed(why),
        }
    }
    if encrypted {
        s.evidence(
            "access",
            "token",
            "encrypted: useless without its passphrase (much lower risk)",
        );
        s.probe_hint = Some("encrypted".into());
    } else {
        s.evidence("access", "token", "not encrypted: usable as found");
    }
    s
}

fn putty(text: &str) -> Signals {
    let first = text.lines().next().unwrap_or("");
    let alg = first.split_once(": ").map(|(_, a)| a.trim()).unwrap_or("?");
    let mut s = Signals::with_kind(format!("PuTTY private key ({alg})"));
    let enc = text
        .lines()
        .find_map(|l| l.strip_prefix("Encryption: "))
        .unwrap_or("none")
        .trim();
    if let Some(c) = text.lines().find_map(|l| l.strip_prefix("Comment: ")) {
        let c: String = c.trim().chars().take(128).collect();
        if !c.is_empty() {
            s.identity = Some(c);
        }
    }
    if enc != "none" {
        s.evidence(
            "access",
            "token",
            format!("encrypted ({enc}): needs its passphrase"),
        );
        s.probe_hint = Some("encrypted".into());
    }
    s
}

struct OpenSsh {
    cipher: String,
    kdf: String,
    key_type: String,
    comment: Option<String>,
}

/// Reads `openssh-key-v1` (openssh-portable `PROTOCOL.key`): cipher, kdf, the first public key's
/// type, and (unencrypted only) the first private key's comment.
fn openssh(b: &[u8]) -> Result<OpenSsh, &'static str> {
    const MAGIC: &[u8] = b"openssh-key-v1\0";
    let mut r = b.strip_prefix(MAGIC).ok_or("not an openssh-key-v1 blob")?;
    fn u32be(r: &mut &[u8]) -> Option<u32> {
        let (h, t) = r.split_at_checked(4)?;
        *r = t;
        Some(u32::from_be_bytes(h.try_into().ok()?))
    }
    fn string<'a>(r: &mut &'a [u8]) -> Option<&'a [u8]> {
        let n = usize::try_from(u32be(r)?).ok()?;
        let (h, t) = r.split_at_checked(n)?;
        *r = t;
        Some(h)
    }
    let text = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .chars()
            .take(128)
            .collect::<String>()
    };
    let bad = "truncated OpenSSH key";
    let cipher = text(string(&mut r).ok_or(bad)?);
    let kdf = text(string(&mut r).ok_or(bad)?);
    string(&mut r).ok_or(bad)?; // kdf options
    let n = u32be(&mut r).ok_or(bad)?;
    if n == 0 || n > 64 {
        return Err("implausible OpenSSH key count");
    }
    let mut pubkey = string(&mut r).ok_or(bad)?;
    let key_type = text(string(&mut pubkey).ok_or(bad)?);
    for _ in 1..n {
        string(&mut r).ok_or(bad)?;
    }
    let mut comment = None;
    if cipher == "none" {
        let mut p = string(&mut r).ok_or(bad)?;
        let (c1, c2) = (u32be(&mut p).ok_or(bad)?, u32be(&mut p).ok_or(bad)?);
        if c1 != c2 {
            return Err("OpenSSH check integers differ");
        }
        let kt = string(&mut p).ok_or(bad)?;
        // Fields per key type (PROTOCOL.key / sshkey.c), then the comment.
        let fields = match kt {
            b"ssh-ed25519" => 2,
            b"ssh-rsa" => 6,
            b"ssh-dss" => 5,
            t if t.starts_with(b"ecdsa-sha2-") => 3,
            b"sk-ssh-ed25519@openssh.com" => 4,
            t if t.starts_with(b"sk-ecdsa-sha2-") => 5,
            _ => 0,
        };
        if fields > 0 {
            let mut ok = true;
            for _ in 0..fields {
                ok &= string(&mut p).is_some();
            }
            if ok {
                comment = string(&mut p).map(text);
            }
        }
    }
    Ok(OpenSsh {
        cipher,
        kdf,
        key_type,
        comment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;

    fn run(t: &str) -> Signals {
        decode(&DecodeInput {
            rule_id: "private-key.openssh",
            secret: t,
            variable: None,
            companion: None,
            now: 1_700_000_000,
        })
    }

    fn put(out: &mut Vec<u8>, s: &[u8]) {
        out.extend_from_slice(&(s.len() as u32).to_be_bytes());
        out.extend_from_slice(s);
    }

    fn openssh_key(cipher: &str, comment: &str) -> String {
        let mut b = b"openssh-key-v1\0".to_vec();
        put(&mut b, cipher.as_bytes());
        put(&mut b, if cipher == "none" { b"none" } else { b"bcrypt" });
        put(&mut b, b"");
        b.extend_from_slice(&1u32.to_be_bytes());
        let mut pubk = Vec::new();
        put(&mut pubk, b"ssh-ed25519");
        put(&mut pubk, &[3; 32]);
        put(&mut b, &pubk);
        let mut p = Vec::new();
        p.extend_from_slice(&0x1234_5678u32.to_be_bytes());
        p.extend_from_slice(&0x1234_5678u32.to_be_bytes());
        put(&mut p, b"ssh-ed25519");
        put(&mut p, &[3; 32]);
        put(&mut p, &[4; 64]);
        put(&mut p, comment.as_bytes());
        put(&mut b, &p);
        let body = STANDARD.encode(b);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(70)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN OPENSSH PRIVATE KEY-----\n{}\n-----END OPENSSH PRIVATE KEY-----",
            lines.join("\n")
        )
    }

    #[test]
    fn openssh_unencrypted_with_comment() {
        let s = run(&openssh_key("none", "deploy@build-01"));
        assert_eq!(s.kind.as_deref(), Some("OpenSSH private key (ssh-ed25519)"));
        assert_eq!(s.identity.as_deref(), Some("deploy@build-01"));
        assert_eq!(s.probe_hint, None);
        assert!(s
            .evidence
            .iter()
            .any(|e| e.detail.contains("not encrypted")));
    }

    #[test]
    fn openssh_encrypted() {
        let s = run(&openssh_key("aes256-ctr", "x"));
        assert_eq!(s.probe_hint.as_deref(), Some("encrypted"));
        assert_eq!(s.identity, None);
    }

    #[test]
    fn pem_kinds() {
        let s = run("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0A1B\n\nMIIB\n-----END RSA PRIVATE KEY-----");
        assert_eq!(s.kind.as_deref(), Some("RSA private key (PKCS#1)"));
        assert_eq!(s.probe_hint.as_deref(), Some("encrypted"));
        let s =
            run("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----");
        assert_eq!(s.probe_hint.as_deref(), Some("encrypted"));
        let s = run("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----");
        assert_eq!(s.kind.as_deref(), Some("private key (PKCS#8)"));
        assert_eq!(s.probe_hint, None);
        let s = run("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ann@laptop\n");
        assert_eq!(s.kind.as_deref(), Some("PuTTY private key (ssh-ed25519)"));
        assert_eq!(s.identity.as_deref(), Some("ann@laptop"));
    }

    #[test]
    fn malformed() {
        let good = openssh_key("none", "a@b");
        for bad in [
            "",
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
            "-----BEGIN OPENSSH PRIVATE KEY-----\n!!!!\n-----END OPENSSH PRIVATE KEY-----",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n-----END OPENSSH PRIVATE KEY-----",
            "-----BEGIN ",
        ] {
            assert!(run(bad).malformed.is_some(), "{bad}");
        }
        for i in 0..good.len() {
            if good.is_char_boundary(i) {
                let _ = run(&good[..i]);
            }
        }
    }
}
