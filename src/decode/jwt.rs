//! JWTs (providers.md §1.4, §31, §18): header and claims read without verifying the signature.
//! Identifies the issuer (Supabase, Entra ID, Google, Firebase, GitHub Actions OIDC, Auth0,
//! Cognito) and reads expiry, identity and privilege claims.

use super::util::b64_any;
use super::DecodeInput;
use crate::scope::{Access, Breadth};
use crate::signals::Signals;
use serde_json::{Map, Value};

pub fn decode(input: &DecodeInput) -> Signals {
    match parse(input.secret.trim()) {
        Ok((header, claims)) => from_claims(&header, &claims),
        Err(why) => Signals::malformed(why),
    }
}

type Object = Map<String, Value>;

/// Header and claims of a compact JWS. Errors name what was wrong, never the token.
pub fn parse(token: &str) -> Result<(Object, Object), String> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(_sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("a JWT has three dot-separated parts".into());
    };
    let seg = |s: &str, name: &str| -> Result<Object, String> {
        let bytes = b64_any(s).ok_or_else(|| format!("JWT {name} is not base64url"))?;
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(format!("JWT {name} is not a JSON object")),
        }
    };
    Ok((seg(h, "header")?, seg(p, "payload")?))
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A claim that may be a string (space-separated) or an array of strings.
fn list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => s.split_whitespace().map(String::from).collect(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    }
}

fn from_claims(header: &Object, claims: &Object) -> Signals {
    let claim = |k: &str| text(claims.get(k));
    let iss = claim("iss").unwrap_or_default();
    let mut s = Signals::default();
    let alg = text(header.get("alg")).unwrap_or_else(|| "?".into());
    if alg.eq_ignore_ascii_case("none") {
        s.evidence("kind", "token", "alg none: the token is unsigned");
    } else {
        s.evidence(
            "kind",
            "token",
            format!("alg {alg} (signature not verified)"),
        );
    }
    if let Some(exp) = claims.get("exp").and_then(Value::as_f64) {
        if exp.is_finite() {
            s.expires_at = Some(exp as i64);
        }
    }
    if let Some(aud) = claims.get("aud") {
        let aud = list(Some(aud));
        if !aud.is_empty() {
            s.evidence("identity", "token", format!("audience {}", aud.join(", ")));
        }
    }

    // Privilege claims, verbatim.
    let mut perms: Vec<String> = Vec::new();
    for key in ["scope", "scp", "roles", "groups"] {
        for p in list(claims.get(key)) {
            if !perms.contains(&p) {
                perms.push(p);
            }
        }
    }
    let role = claim("role");
    if let Some(r) = &role {
        if !perms.contains(r) {
            perms.push(r.clone());
        }
    }

    // The Supabase CLI's local-development keys: published in its source, same for everyone.
    if iss == "supabase-demo" {
        s.kind = Some(format!(
            "Supabase local-development {} key (well-known demo key)",
            role.as_deref().unwrap_or("JWT")
        ));
        s.public = Some(true);
        s.environment = Some(crate::scope::Environment::NonProduction);
        s.evidence(
            "environment",
            "token",
            "non-production: issuer supabase-demo is the Supabase CLI's local stack",
        );
        s.permissions = perms;
        return s;
    }
    // Supabase legacy API keys (§18).
    if iss == "supabase" || (claims.contains_key("ref") && role.is_some() && iss.is_empty()) {
        let project = claim("ref");
        if let Some(p) = &project {
            s.identity = Some(format!("Supabase project {p}"));
        }
        match role.as_deref() {
            Some("service_role") => {
                s.kind = Some("Supabase service_role key".into());
                s.breadth = Some(Breadth::Project);
                s.access = Some(Access::Admin);
                s.destructive = Some(true);
                s.evidence(
                    "access",
                    "token",
                    "role service_role bypasses row-level security: full read/write/delete on \
                     the project's data",
                );
            }
            Some("anon") => {
                s.kind = Some("Supabase anon key".into());
                s.breadth = Some(Breadth::Project);
                s.access = Some(Access::Read);
                s.destructive = Some(false);
                s.public = Some(true);
                s.evidence(
                    "access",
                    "token",
                    "role anon: public client key, every request is limited by row-level \
                     security policies",
                );
            }
            _ => {
                s.kind = Some("Supabase JWT".into());
            }
        }
        s.permissions = perms;
        let kind = s.kind.clone().unwrap_or_default();
        s.evidence("kind", "token", kind);
        return s;
    }

    let lower_iss = iss.to_ascii_lowercase();
    let host = lower_iss
        .strip_prefix("https://")
        .unwrap_or(&lower_iss)
        .split('/')
        .next()
        .unwrap_or("")
        .to_string();
    let kind = if host == "login.microsoftonline.com" || host == "sts.windows.net" {
        let tenant = claim("tid");
        s.identity = claim("upn")
            .or_else(|| claim("unique_name"))
            .or_else(|| claim("preferred_username"))
            .or_else(|| claim("appid").map(|a| format!("application {a}")))
            .or_else(|| claim("oid").map(|o| format!("object {o}")));
        if let Some(t) = tenant {
            s.evidence("identity", "token", format!("Entra tenant {t}"));
        }
        "Microsoft Entra ID access token"
    } else if host == "token.actions.githubusercontent.com" {
        s.identity = claim("sub");
        s.evidence(
            "kind",
            "token",
            "GitHub Actions OIDC tokens live for minutes and only buy what the cloud trust \
             policy grants",
        );
        "GitHub Actions OIDC token"
    } else if host == "securetoken.google.com" {
        let project = lower_iss.rsplit('/').next().unwrap_or_default().to_string();
        s.identity = claim("email")
            .or_else(|| claim("user_id"))
            .map(|u| format!("{u} (Firebase project {project})"))
            .or(Some(format!("Firebase project {project}")));
        "Firebase ID token"
    } else if host == "accounts.google.com" {
        s.identity = claim("email").or_else(|| claim("sub"));
        "Google ID token"
    } else if host.ends_with(".auth0.com") {
        s.identity = claim("sub");
        "Auth0 token"
    } else if host.starts_with("cognito-idp.") && host.ends_with(".amazonaws.com") {
        s.identity = claim("username")
            .or_else(|| claim("cognito:username"))
            .or_else(|| claim("sub"));
        "Amazon Cognito token"
    } else {
        s.identity = claim("email").or_else(|| claim("sub"));
        "JWT"
    };
    s.kind = Some(kind.into());
    s.evidence(
        "kind",
        "token",
        if iss.is_empty() {
            kind.to_string()
        } else {
            format!("{kind} issued by {iss}")
        },
    );

    // Access from the privilege claims: admin-ish roles, write scopes, else read scopes.
    let lower: Vec<String> = perms.iter().map(|p| p.to_ascii_lowercase()).collect();
    let admin = lower.iter().any(|p| {
        p.contains("admin")
            || p.ends_with(".readwrite.all")
            || p == "owner"
            || p == "superuser"
            || p == "service_role"
    }) || claims.get("admin").and_then(Value::as_bool) == Some(true);
    let write = lower
        .iter()
        .any(|p| p.contains("write") || p.contains("manage") || p.contains("delete"));
    let all_read = !lower.is_empty()
        && lower
            .iter()
            .all(|p| p.contains("read") || p == "openid" || p == "profile" || p == "email");
    if admin {
        s.access = Some(Access::Admin);
        if lower.iter().any(|p| p.ends_with(".readwrite.all")) {
            s.breadth = Some(Breadth::Organization);
            s.evidence(
                "breadth",
                "token",
                "*.ReadWrite.All: tenant-wide permission",
            );
        }
    } else if write {
        s.access = Some(Access::Write);
    } else if all_read {
        s.access = Some(Access::Read);
        s.destructive = Some(false);
    }
    s.permissions = perms;
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    pub(crate) fn jwt(header: &str, claims: &str) -> String {
        format!(
            "{}.{}.c2lnbmF0dXJlLWJ5dGVz",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims)
        )
    }

    fn run(t: &str) -> Signals {
        decode(&DecodeInput {
            rule_id: "jwt.token",
            secret: t,
            variable: None,
            companion: None,
            now: 1_700_000_000,
        })
    }

    const HS: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

    #[test]
    fn supabase_service_role() {
        let s = run(&jwt(
            HS,
            r#"{"iss":"supabase","ref":"qwhjkzptrvbnmsdfglax","role":"service_role","iat":1700000000,"exp":2015576000}"#,
        ));
        assert_eq!(s.kind.as_deref(), Some("Supabase service_role key"));
        assert_eq!(
            s.identity.as_deref(),
            Some("Supabase project qwhjkzptrvbnmsdfglax")
        );
        assert_eq!(s.breadth, Some(Breadth::Project));
        assert_eq!(s.access, Some(Access::Admin));
        assert_eq!(s.destructive, Some(true));
        assert_eq!(s.expires_at, Some(2_015_576_000));
        assert_eq!(s.permissions, vec!["service_role"]);
        assert_eq!(s.public, None);
    }

    #[test]
    fn supabase_anon() {
        let s = run(&jwt(
            HS,
            r#"{"iss":"supabase","ref":"qwhjkzptrvbnmsdfglax","role":"anon","exp":2015576000}"#,
        ));
        assert_eq!(s.kind.as_deref(), Some("Supabase anon key"));
        assert_eq!(s.access, Some(Access::Read));
        assert_eq!(s.destructive, Some(false));
        assert_eq!(s.public, Some(true));
    }

    #[test]
    fn supabase_demo_is_public() {
        let s = run(&jwt(
            HS,
            r#"{"iss":"supabase-demo","role":"service_role","exp":1983812996}"#,
        ));
        assert_eq!(s.public, Some(true));
        assert_eq!(
            s.environment,
            Some(crate::scope::Environment::NonProduction)
        );
    }

    #[test]
    fn entra_with_tenant_wide_permission() {
        let s = run(&jwt(
            r#"{"alg":"RS256","kid":"k"}"#,
            r#"{"iss":"https://sts.windows.net/4f1c0b2e/","tid":"4f1c0b2e","appid":"a1","roles":["Files.ReadWrite.All","User.Read.All"],"exp":1600000000}"#,
        ));
        assert_eq!(s.kind.as_deref(), Some("Microsoft Entra ID access token"));
        assert_eq!(s.identity.as_deref(), Some("application a1"));
        assert_eq!(s.access, Some(Access::Admin));
        assert_eq!(s.breadth, Some(Breadth::Organization));
        assert_eq!(s.expires_at, Some(1_600_000_000));
        assert_eq!(s.permissions, vec!["Files.ReadWrite.All", "User.Read.All"]);
    }

    #[test]
    fn issuers_and_scopes() {
        let s = run(&jwt(
            r#"{"alg":"RS256"}"#,
            r#"{"iss":"https://token.actions.githubusercontent.com","sub":"repo:acme/api:ref:refs/heads/main","aud":"sts.amazonaws.com","exp":1700000300}"#,
        ));
        assert_eq!(s.kind.as_deref(), Some("GitHub Actions OIDC token"));
        assert_eq!(
            s.identity.as_deref(),
            Some("repo:acme/api:ref:refs/heads/main")
        );
        let s = run(&jwt(
            r#"{"alg":"RS256"}"#,
            r#"{"iss":"https://securetoken.google.com/shop-prod","user_id":"u1","exp":1}"#,
        ));
        assert_eq!(s.kind.as_deref(), Some("Firebase ID token"));
        assert_eq!(
            s.identity.as_deref(),
            Some("u1 (Firebase project shop-prod)")
        );
        let s = run(&jwt(
            r#"{"alg":"RS256"}"#,
            r#"{"iss":"https://acme.eu.auth0.com/","sub":"auth0|1","scope":"read:orders write:orders"}"#,
        ));
        assert_eq!(s.kind.as_deref(), Some("Auth0 token"));
        assert_eq!(s.access, Some(Access::Write));
        assert_eq!(s.permissions, vec!["read:orders", "write:orders"]);
        let s = run(&jwt(
            r#"{"alg":"RS256"}"#,
            r#"{"iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab","username":"ann","scope":"aws.cognito.signin.user.admin"}"#,
        ));
        assert_eq!(s.kind.as_deref(), Some("Amazon Cognito token"));
        assert_eq!(s.identity.as_deref(), Some("ann"));
        let s = run(&jwt(
            r#"{"alg":"RS256"}"#,
            r#"{"iss":"https://accounts.google.com","email":"a@b.c","scp":["openid","email"]}"#,
        ));
        assert_eq!(s.kind.as_deref(), Some("Google ID token"));
        assert_eq!(s.access, Some(Access::Read));
        let s = run(&jwt(r#"{"alg":"none"}"#, r#"{"sub":"x"}"#));
        assert_eq!(s.kind.as_deref(), Some("JWT"));
        assert!(s.evidence.iter().any(|e| e.detail.contains("unsigned")));
    }

    #[test]
    fn malformed() {
        for bad in [
            "eyJhbGciOiJIUzI1NiJ9",
            "eyJhbGciOiJIUzI1NiJ9.!!!.sig",
            "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.sig",
            "a.b.c.d",
            "",
            "eyJhbGciOiJIUzI1NiJ9.WzFd.sig",
        ] {
            assert!(run(bad).malformed.is_some(), "{bad}");
        }
    }
}
