//! Google Cloud service-account keys (providers.md §28, check 1 only). The key is never used:
//! `GET https://www.googleapis.com/robot/v1/metadata/x509/<client_email>` is public and
//! unauthenticated, and lists the account's live public keys as `{key_id: PEM certificate}`.
//! The found private key's RSA modulus is computed locally and looked for in those
//! certificates: present → the key still exists (live; what the account may do is not asked:
//! breadth/access unknown); absent → deleted or rotated (inactive). A 404 (no such service
//! account) → inactive. The `client_email` comes from the rule's companion (or the second word
//! on stdin); without it nothing is sent. No token exchange, no IAM calls.

use super::client::{Allowed, Base, Fault, Http, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::signals::Signals;
use base64::Engine;

pub struct Gcp;

static BASES: &[Base] = &[Base {
    key: "x509",
    url: "https://www.googleapis.com",
}];
static ALLOW: &[Allowed] = &[Allowed::get("x509", "/robot/v1/metadata/x509/*@*")];

/// The DER bytes of a PEM block (literal `\n` escapes from JSON tolerated).
fn pem_der(pem: &str) -> Option<Vec<u8>> {
    let body: String = pem
        .replace("\\n", "\n")
        .replace("\\r", "\n")
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

/// One DER TLV at the start of `b`: (tag, content, rest).
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, b) = b.split_first()?;
    let (&first, mut b) = b.split_first()?;
    let len = if first < 0x80 {
        first as usize
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || b.len() < n {
            return None;
        }
        let len = b[..n].iter().fold(0usize, |a, &x| (a << 8) | x as usize);
        b = &b[n..];
        len
    };
    (b.len() >= len).then(|| (tag, &b[..len], &b[len..]))
}

/// The RSA modulus of a PKCS#8 or PKCS#1 private key (DER), without leading zeros.
pub fn rsa_modulus(der: &[u8]) -> Option<Vec<u8>> {
    let (tag, seq, _) = tlv(der)?;
    if tag != 0x30 {
        return None;
    }
    let (t1, _version, rest) = tlv(seq)?;
    if t1 != 0x02 {
        return None;
    }
    let (t2, second, rest) = tlv(rest)?;
    let rsa_key: &[u8] = match t2 {
        // PKCS#1 RSAPrivateKey: version, modulus, …
        0x02 => {
            let m: Vec<u8> = second.iter().copied().skip_while(|&x| x == 0).collect();
            return (m.len() >= 64).then_some(m);
        }
        // PKCS#8: version, AlgorithmIdentifier, OCTET STRING { RSAPrivateKey }
        0x30 => {
            let (t3, octets, _) = tlv(rest)?;
            if t3 != 0x04 {
                return None;
            }
            octets
        }
        _ => return None,
    };
    rsa_modulus(rsa_key)
}

impl Probe for Gcp {
    fn id(&self) -> &'static str {
        "gcp"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let Some(email) = t.companion.map(|c| c.expose().trim().to_string()) else {
            return Ok(Verdict::not_probed(
                "the service account's client_email was not found next to the key",
            ));
        };
        if !email.ends_with(".gserviceaccount.com") {
            return Ok(Verdict::not_probed("client_email is not a service account"));
        }
        let reply = http.send(&Request::get(
            "x509",
            format!("/robot/v1/metadata/x509/{email}"),
        ))?;
        match reply.status {
            200 => {}
            404 => {
                return Ok(Verdict::inactive(
                    "Google publishes no keys for this service account (deleted)",
                    &reply.source,
                ))
            }
            code => return Err(Fault::Unexpected(format!("HTTP {code}"))),
        }
        let v = reply.json()?;
        let certs = v
            .as_object()
            .ok_or_else(|| Fault::Unexpected("not a key map".into()))?;
        let Some(modulus) = pem_der(t.secret.expose()).and_then(|d| rsa_modulus(&d)) else {
            let mut out = Verdict::unknown("the private key could not be read to compare");
            out.signals.evidence(
                "status",
                &reply.source,
                format!("the service account exists ({} public key(s))", certs.len()),
            );
            return Ok(out);
        };
        let found = certs.iter().find(|(_, pem)| {
            pem.as_str()
                .and_then(pem_der)
                .is_some_and(|der| der.windows(modulus.len()).any(|w| w == modulus.as_slice()))
        });
        let Some((key_id, _)) = found else {
            return Ok(Verdict::inactive(
                "the key is not among the service account's published keys (deleted or rotated)",
                &reply.source,
            ));
        };
        let mut s = Signals {
            identity: Some(format!("service account {}", clean(&email))),
            ..Signals::default()
        };
        s.evidence(
            "status",
            &reply.source,
            format!(
                "key {} is still published for the account; the key itself was not used, so \
                 what the account may do is unknown",
                clean(key_id)
            ),
        );
        Ok(Verdict::active(s))
    }
}
