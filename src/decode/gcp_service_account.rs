//! Google Cloud service-account keys (providers.md §28). The detector's secret may be the whole
//! key JSON, or only the `private_key` PEM. From the JSON this reads `client_email`,
//! `project_id` and `private_key_id`; from a bare PEM nothing but its kind.
//!
//! Default compute (`<number>-compute@developer.gserviceaccount.com`) and App Engine
//! (`<project>@appspot.gserviceaccount.com`) accounts are typically project Editors — Google's
//! default grant, which a project may have changed (unconfirmed for any given project).

use super::DecodeInput;
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::Value;

pub fn decode(input: &DecodeInput) -> Signals {
    let text = input.secret.trim();
    if text.starts_with('{') {
        let Ok(Value::Object(o)) = serde_json::from_str::<Value>(text) else {
            return Signals::malformed("service-account key is not a JSON object");
        };
        let field = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
        if field("type").as_deref() != Some("service_account") {
            return Signals::malformed("JSON key is not of type service_account");
        }
        return from_fields(
            field("client_email").as_deref(),
            field("project_id").as_deref(),
            field("private_key_id").as_deref(),
        );
    }
    if text.contains("PRIVATE KEY") {
        // Only the key was captured. The JSON around it (client_email, project_id) would tell
        // identity and project; see the lead's note about capturing the whole object.
        let mut s = Signals::with_kind("Google Cloud service-account private key");
        s.breadth = Some(Breadth::Project);
        s.evidence(
            "identity",
            "token",
            "only the private key was captured: the service account is not known offline",
        );
        return s;
    }
    Signals::malformed("neither a service-account JSON key nor a PEM private key")
}

/// Verdicts from a key file's fields (also usable by a detector that captures them separately).
pub fn from_fields(email: Option<&str>, project: Option<&str>, key_id: Option<&str>) -> Signals {
    let mut s = Signals::with_kind("Google Cloud service-account key");
    // A service account lives in one project (its roles may reach further; a probe can tell).
    s.breadth = Some(Breadth::Project);
    if let Some(e) = email {
        let e: String = e.chars().take(200).collect();
        s.identity = Some(e.clone());
        let default_sa = e.ends_with("-compute@developer.gserviceaccount.com")
            || e.ends_with("@appspot.gserviceaccount.com");
        if default_sa {
            s.access = Some(Access::Write);
            s.evidence(
                "access",
                "token",
                format!(
                    "{e} is a default compute/App Engine service account: typically project \
                     Editor (read/write on most resources of the project)"
                ),
            );
            s.permissions
                .push("roles/editor (typical default, unverified)".into());
        }
    }
    if let Some(p) = project {
        s.evidence("identity", "token", format!("project {p}"));
    }
    if let Some(k) = key_id {
        let k: String = k.chars().take(12).collect();
        s.evidence("identity", "token", format!("key id {k}…"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(t: &str) -> Signals {
        decode(&DecodeInput {
            rule_id: "gcp.service-account-key",
            secret: t,
            variable: None,
            companion: None,
            now: 1_700_000_000,
        })
    }

    #[test]
    fn json_key() {
        let s = run(
            r#"{"type":"service_account","project_id":"shop-prod-4821","private_key_id":"9f1c2b7d4e6a8c0b3d5f7e9a1c3b5d7f9e1a3c5b","private_key":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n","client_email":"830219475612-compute@developer.gserviceaccount.com"}"#,
        );
        assert_eq!(s.kind.as_deref(), Some("Google Cloud service-account key"));
        assert_eq!(
            s.identity.as_deref(),
            Some("830219475612-compute@developer.gserviceaccount.com")
        );
        assert_eq!(s.breadth, Some(Breadth::Project));
        assert_eq!(s.access, Some(Access::Write));
        assert!(s
            .evidence
            .iter()
            .any(|e| e.detail == "project shop-prod-4821"));
        let s = run(
            r#"{"type":"service_account","client_email":"ci@shop-prod-4821.iam.gserviceaccount.com"}"#,
        );
        assert_eq!(s.access, None);
    }

    #[test]
    fn bare_pem() {
        let s = run("-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n");
        assert_eq!(
            s.kind.as_deref(),
            Some("Google Cloud service-account private key")
        );
        assert_eq!(s.identity, None);
    }

    #[test]
    fn malformed() {
        for bad in ["", "{", r#"{"type":"authorized_user"}"#, "[1]", "AIzaSy"] {
            assert!(run(bad).malformed.is_some(), "{bad}");
        }
    }
}
