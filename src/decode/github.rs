//! GitHub token kinds from their prefix (providers.md §3), and what each kind implies.

use super::DecodeInput;
use crate::scope::{Access, Breadth};
use crate::signals::Signals;

pub fn decode(input: &DecodeInput) -> Signals {
    let t = input.secret.trim();
    let mut s;
    match t.get(..4) {
        Some("ghp_") => {
            s = Signals::with_kind("classic personal access token");
            s.evidence(
                "breadth",
                "token",
                "acts as the user on every repository and organization the user can reach, \
                 limited only by its scopes",
            );
        }
        Some("gho_") => {
            s = Signals::with_kind("OAuth app user token");
            s.evidence(
                "breadth",
                "token",
                "acts as the user on everything the user can reach, within the scopes granted \
                 to the OAuth app",
            );
        }
        Some("ghu_") => {
            s = Signals::with_kind("GitHub App user-to-server token");
            s.evidence(
                "breadth",
                "token",
                "acts as the user, limited to the app's permissions and the repositories both \
                 can reach; expires after 8 hours when expiry is enabled",
            );
        }
        Some("ghs_") => {
            s = Signals::with_kind("GitHub App installation token");
            // The installation may cover an organization, a user, or selected repositories:
            // breadth stays unknown until a probe lists the installation's repositories.
            s.evidence(
                "breadth",
                "token",
                "acts as the app on its installation (the repositories the installation \
                 covers)",
            );
            s.evidence(
                "expiry",
                "token",
                "installation tokens expire one hour after creation: a stored one has most \
                 likely expired",
            );
            // New stateless form: ghs_<app id>_<jwt>.
            if let Some((app, rest)) = t.get(4..).and_then(|r| r.split_once('_')) {
                if !app.is_empty() && app.bytes().all(|b| b.is_ascii_digit()) && rest.contains('.')
                {
                    s.kind = Some("GitHub App installation token (stateless)".into());
                    s.identity = Some(format!("GitHub App id {app}"));
                    s.evidence("identity", "token", format!("app id {app} in clear"));
                }
            }
        }
        Some("ghr_") => {
            s = Signals::with_kind("GitHub App refresh token");
            s.access = Some(Access::None);
            s.evidence(
                "access",
                "token",
                "cannot call the API; with the app's client secret it mints new user tokens",
            );
        }
        _ if t.starts_with("github_pat_") => {
            s = Signals::with_kind("fine-grained personal access token");
            s.breadth = Some(Breadth::Project);
            s.evidence(
                "breadth",
                "token",
                "limited to the repositories and permissions chosen for it, of one resource \
                 owner",
            );
        }
        _ => return Signals::malformed("unknown GitHub token prefix"),
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(t: &str) -> Signals {
        decode(&DecodeInput {
            rule_id: "github.x",
            secret: t,
            variable: None,
            companion: None,
            now: 0,
        })
    }

    #[test]
    fn kinds() {
        let s = run("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");
        assert_eq!(s.kind.as_deref(), Some("classic personal access token"));
        assert_eq!(s.breadth, None);
        let s = run("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");
        assert_eq!(s.breadth, Some(Breadth::Project));
        let s = run("ghs_auZ0HRhTd8AbukB5QJAN1WRcdPj3eq2HPVuk");
        assert_eq!(s.kind.as_deref(), Some("GitHub App installation token"));
        assert_eq!(s.breadth, None);
        let s = run("ghs_48213_eyJhbGciOiJSUzI1NiJ9.eyJpbnN0YWxsYXRpb24iOjF9.c2lnbmF0dXJlc2ln");
        assert_eq!(
            s.kind.as_deref(),
            Some("GitHub App installation token (stateless)")
        );
        assert_eq!(s.identity.as_deref(), Some("GitHub App id 48213"));
        let s = run("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");
        assert_eq!(s.access, Some(Access::None));
        assert!(run("glpat-x").malformed.is_some());
        assert!(run("gh").malformed.is_some());
    }
}
