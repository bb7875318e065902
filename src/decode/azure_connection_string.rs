//! Azure Storage connection strings (providers.md §27): `AccountName` + `AccountKey` = full
//! control of the storage account; a `SharedAccessSignature=` inside is decoded as a SAS.

use super::DecodeInput;
use crate::scope::{Access, Breadth};
use crate::signals::Signals;

pub fn decode(input: &DecodeInput) -> Signals {
    let text = input.secret.trim();
    let mut name = None;
    let mut key = false;
    let mut sas = None;
    let mut suffix = None;
    for part in text.split(';').take(32) {
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        match k.trim().to_ascii_lowercase().as_str() {
            "accountname" => name = Some(v.trim()),
            "accountkey" => key = !v.trim().is_empty(),
            "sharedaccesssignature" => sas = Some(v.trim()),
            "endpointsuffix" => suffix = Some(v.trim()),
            _ => {}
        }
    }
    let mut s = if key {
        let mut s = Signals::with_kind("Azure Storage account key (connection string)");
        s.breadth = Some(Breadth::AccountWide);
        s.access = Some(Access::Admin);
        s.destructive = Some(true);
        s.evidence(
            "access",
            "token",
            "the account key signs any request: full control of every container, share, queue \
             and table of the account, and it can mint SAS tokens",
        );
        s
    } else if let Some(q) = sas {
        // The SAS value inside keeps its own `&`-separated parameters.
        let mut s = super::azure_sas::from_query(q);
        if s.malformed.is_none() {
            let k = s.kind.clone().unwrap_or_default();
            s.kind = Some(format!("{k} (connection string)"));
        }
        s
    } else if text.contains("sig=") {
        super::azure_sas::from_query(text)
    } else {
        return Signals::malformed(
            "no AccountKey or SharedAccessSignature in the connection string",
        );
    };
    match name {
        Some("devstoreaccount1") => {
            // The Azurite/storage emulator's well-known account: no real data behind it.
            s.public = Some(true);
            s.evidence(
                "kind",
                "token",
                "devstoreaccount1 is the local storage emulator's built-in account",
            );
        }
        Some(n) if !n.is_empty() => {
            let n: String = n.chars().take(64).collect();
            s.identity = Some(format!("Azure storage account {n}"));
        }
        _ => {}
    }
    if let Some(sfx) = suffix {
        let cloud = match sfx.to_ascii_lowercase().as_str() {
            "core.chinacloudapi.cn" => Some("Azure China (21Vianet)"),
            "core.usgovcloudapi.net" => Some("Azure US Government"),
            "core.windows.net" => None,
            _ => Some("a non-public Azure cloud or custom endpoint"),
        };
        if let Some(c) = cloud {
            s.evidence("identity", "token", format!("EndpointSuffix {sfx}: {c}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(t: &str) -> Signals {
        decode(&DecodeInput {
            rule_id: "azure.connection-string",
            secret: t,
            variable: None,
            companion: None,
            now: 1_700_000_000,
        })
    }

    const KEY: &str = "q8Vh2mXr7TzKp4Lw9YbN3cJf6GdS1eRa0UoIiHtQvWxZyBnMkLjPgFdCsAe5R2Tu7Yw9Xz1Vb3Nm6Qp8Kr4Hs0Lg==";

    #[test]
    fn account_key() {
        let s = run(&format!(
            "DefaultEndpointsProtocol=https;AccountName=shopprodassets;AccountKey={KEY};EndpointSuffix=core.windows.net"
        ));
        assert_eq!(
            s.kind.as_deref(),
            Some("Azure Storage account key (connection string)")
        );
        assert_eq!(
            s.identity.as_deref(),
            Some("Azure storage account shopprodassets")
        );
        assert_eq!(s.breadth, Some(Breadth::AccountWide));
        assert_eq!(s.access, Some(Access::Admin));
        assert_eq!(s.destructive, Some(true));
        let s = run(&format!(
            "DefaultEndpointsProtocol=https;AccountName=cnshop;AccountKey={KEY};EndpointSuffix=core.chinacloudapi.cn"
        ));
        assert!(s.evidence.iter().any(|e| e.detail.contains("Azure China")));
        let s = run(&format!("AccountName=devstoreaccount1;AccountKey={KEY}"));
        assert_eq!(s.public, Some(true));
    }

    #[test]
    fn sas_inside() {
        let s = run("BlobEndpoint=https://shopdata.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z&sig=Zk9r2Lp7Qx1Vb8Nm3Ty6Hc0Jd5Wf4Ge9Ks2Aq7Rt1U%3D");
        assert_eq!(
            s.kind.as_deref(),
            Some("Azure Storage account SAS (connection string)")
        );
        assert_eq!(s.access, Some(Access::Read));
        assert_eq!(s.breadth, Some(Breadth::AccountWide));
    }

    #[test]
    fn malformed() {
        for bad in ["", "AccountName=x", ";;;===;", "SharedAccessSignature=sv=1"] {
            assert!(run(bad).malformed.is_some(), "{bad}");
        }
    }
}
