//! AWS (providers.md §6). Query API POSTs signed with SigV4, read-only actions only.
//!
//! 1. STS `GetCallerIdentity` (needs no permission, cannot be denied): the key id plus its
//!    companion secret (`Finding.companion`) → account, ARN. `…:root` is the root user: account
//!    wide, admin, destructive. `InvalidClientTokenId`, `SignatureDoesNotMatch`, `ExpiredToken`
//!    → inactive.
//! 2. For an IAM user: `ListAttachedUserPolicies`, `ListUserPolicies`, `ListGroupsForUser`,
//!    `ListAttachedGroupPolicies`; for an assumed role: `ListAttachedRolePolicies`,
//!    `ListRolePolicies`. AWS-managed policies with known meaning classify the key
//!    (`AdministratorAccess`, `PowerUserAccess`, `IAMFullAccess`, `ReadOnlyAccess`, …); custom or
//!    inline policies are listed in permissions but their documents are not read, so access
//!    stays unknown. `AccessDenied` on IAM reads → identity known, breadth unknown.
//!
//! Temporary `ASIA` keys need a session token the scanner does not pair with them: not probed.
//! Every call is recorded by CloudTrail in the key owner's account.

use super::client::{form_pairs, Allowed, Base, BodyRule, Fault, Http, Reply, Request};
use super::util::clean;
use super::{Probe, Target, Verdict};
use crate::scope::{Access, Breadth};
use crate::secret::hex;
use crate::signals::Signals;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub struct Aws;

static BASES: &[Base] = &[
    Base {
        key: "sts",
        url: "https://sts.amazonaws.com",
    },
    Base {
        key: "iam",
        url: "https://iam.amazonaws.com",
    },
];

const IAM_ACTIONS: &[&str] = &[
    "ListAttachedUserPolicies",
    "ListUserPolicies",
    "ListGroupsForUser",
    "ListAttachedGroupPolicies",
    "ListAttachedRolePolicies",
    "ListRolePolicies",
];
static ALLOW: &[Allowed] = &[
    Allowed::post("sts", "/", BodyRule::AwsQuery(&["GetCallerIdentity"])),
    Allowed::post("iam", "/", BodyRule::AwsQuery(IAM_ACTIONS)),
];

/// At most this many groups' policies are listed.
const MAX_GROUPS: usize = 5;

impl Probe for Aws {
    fn id(&self) -> &'static str {
        "aws"
    }
    fn bases(&self) -> &'static [Base] {
        BASES
    }
    fn allowlist(&self) -> &'static [Allowed] {
        ALLOW
    }

    fn probe(&self, t: &Target, http: &Http) -> Result<Verdict, Fault> {
        let key_id = t.secret.expose();
        let Some(secret) = t.companion else {
            return Ok(Verdict::not_probed(
                "no secret access key was found next to the key id",
            ));
        };
        if key_id.starts_with("ASIA") {
            return Ok(Verdict::not_probed(
                "temporary credentials need their session token",
            ));
        }
        let creds = Creds {
            key_id,
            secret: secret.expose(),
        };
        let reply = call(
            http,
            &creds,
            "sts",
            "sts",
            "Action=GetCallerIdentity&Version=2011-06-15",
        )?;
        if reply.status != 200 {
            let code = xml_text(&reply.text(), "Code").unwrap_or_default();
            return match code.as_str() {
                "InvalidClientTokenId"
                | "SignatureDoesNotMatch"
                | "ExpiredToken"
                | "InvalidAccessKeyId" => {
                    Ok(Verdict::inactive(format!("AWS STS: {code}"), &reply.source))
                }
                "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => {
                    Err(Fault::RateLimited)
                }
                _ => Err(Fault::Unexpected(format!("HTTP {}", reply.status))),
            };
        }
        let body = reply.text();
        let (Some(arn), Some(account)) = (xml_text(&body, "Arn"), xml_text(&body, "Account"))
        else {
            return Err(Fault::Unexpected("GetCallerIdentity without Arn".into()));
        };
        let mut s = Signals {
            identity: Some(clean(&arn)),
            ..Signals::default()
        };
        let resource = arn.splitn(6, ':').nth(5).unwrap_or("").to_string();
        if resource == "root" {
            s.breadth = Some(Breadth::AccountWide);
            s.access = Some(Access::Admin);
            s.destructive = Some(true);
            s.evidence(
                "access",
                &reply.source,
                format!(
                    "root user key of account {}: unrestricted, cannot be limited by IAM",
                    clean(&account)
                ),
            );
            return Ok(Verdict::active(s));
        }
        let policies = if let Some(user) = resource.strip_prefix("user/") {
            let name = user.rsplit('/').next().unwrap_or(user).to_string();
            user_policies(http, &creds, &name)?
        } else if let Some(role) = resource.strip_prefix("assumed-role/") {
            let name = role.split('/').next().unwrap_or(role).to_string();
            role_policies(http, &creds, &name)?
        } else {
            Err("federated or other principal: policies not listed".to_string())
        };
        match policies {
            Ok(list) => classify(&list, &mut s),
            Err(why) => {
                s.evidence(
                    "access",
                    "probe:POST /",
                    format!("identity known; {why}: what it can do is unknown"),
                );
            }
        }
        Ok(Verdict::active(s))
    }
}

struct Creds<'a> {
    key_id: &'a str,
    secret: &'a str,
}

/// `Ok(Ok(policies))`, or `Ok(Err(why))` when IAM refuses the read.
type Listing = Result<Result<Vec<String>, String>, Fault>;

fn iam(http: &Http, c: &Creds, body: &str) -> Result<Result<String, String>, Fault> {
    let reply = call(http, c, "iam", "iam", body)?;
    if reply.status == 200 {
        return Ok(Ok(reply.text()));
    }
    let code = xml_text(&reply.text(), "Code").unwrap_or_default();
    match code.as_str() {
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => {
            Ok(Err("IAM refused to list its policies (AccessDenied)".into()))
        }
        "Throttling" | "ThrottlingException" => Err(Fault::RateLimited),
        _ => Ok(Err(format!("IAM answered HTTP {}", reply.status))),
    }
}

fn user_policies(http: &Http, c: &Creds, user: &str) -> Listing {
    let u = enc(user);
    let mut out = Vec::new();
    let attached = match iam(
        http,
        c,
        &format!("Action=ListAttachedUserPolicies&UserName={u}&Version=2010-05-08"),
    )? {
        Ok(b) => b,
        Err(why) => return Ok(Err(why)),
    };
    out.extend(xml_all(&attached, "PolicyArn"));
    if let Ok(b) = iam(
        http,
        c,
        &format!("Action=ListUserPolicies&UserName={u}&Version=2010-05-08"),
    )? {
        out.extend(inline_names(&b));
    }
    if let Ok(b) = iam(
        http,
        c,
        &format!("Action=ListGroupsForUser&UserName={u}&Version=2010-05-08"),
    )? {
        for g in xml_all(&b, "GroupName").into_iter().take(MAX_GROUPS) {
            if let Ok(gb) = iam(
                http,
                c,
                &format!(
                    "Action=ListAttachedGroupPolicies&GroupName={}&Version=2010-05-08",
                    enc(&g)
                ),
            )? {
                out.extend(xml_all(&gb, "PolicyArn"));
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(Ok(out))
}

fn role_policies(http: &Http, c: &Creds, role: &str) -> Listing {
    let r = enc(role);
    let attached = match iam(
        http,
        c,
        &format!("Action=ListAttachedRolePolicies&RoleName={r}&Version=2010-05-08"),
    )? {
        Ok(b) => b,
        Err(why) => return Ok(Err(why)),
    };
    let mut out = xml_all(&attached, "PolicyArn");
    if let Ok(b) = iam(
        http,
        c,
        &format!("Action=ListRolePolicies&RoleName={r}&Version=2010-05-08"),
    )? {
        out.extend(inline_names(&b));
    }
    Ok(Ok(out))
}

/// Inline policy names from `<PolicyNames><member>…</member></PolicyNames>`, as `inline:NAME`.
fn inline_names(body: &str) -> Vec<String> {
    let Some(start) = body.find("<PolicyNames>") else {
        return Vec::new();
    };
    let end = body[start..]
        .find("</PolicyNames>")
        .map(|e| start + e)
        .unwrap_or(body.len());
    xml_all(&body[start..end], "member")
        .into_iter()
        .map(|n| format!("inline:{n}"))
        .collect()
}

/// Known AWS-managed policies decide; anything else leaves access unknown.
fn classify(policies: &[String], s: &mut Signals) {
    let source = "probe:POST /";
    let name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
    let names: Vec<String> = policies.iter().map(|p| name(p)).collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    s.permissions = policies.iter().map(|p| clean(p)).collect();
    if policies.is_empty() {
        s.access = Some(Access::None);
        s.evidence("access", source, "no attached, inline or group policies");
        return;
    }
    if has("AdministratorAccess") || has("IAMFullAccess") {
        s.breadth = Some(Breadth::AccountWide);
        s.access = Some(Access::Admin);
        s.destructive = Some(true);
        s.evidence(
            "access",
            source,
            if has("AdministratorAccess") {
                "AdministratorAccess: every action on every resource of the account"
            } else {
                "IAMFullAccess: can grant itself any permission"
            },
        );
        return;
    }
    if has("PowerUserAccess") {
        s.breadth = Some(Breadth::AccountWide);
        s.access = Some(Access::Write);
        s.destructive = Some(true);
        s.evidence(
            "access",
            source,
            "PowerUserAccess: every service except IAM management, including deletion",
        );
        return;
    }
    const READ_ONLY: &[&str] = &["ReadOnlyAccess", "ViewOnlyAccess", "SecurityAudit"];
    let all_aws_managed = policies
        .iter()
        .all(|p| p.starts_with("arn:aws:iam::aws:policy/"));
    if all_aws_managed && names.iter().all(|n| READ_ONLY.contains(&n.as_str())) {
        s.access = Some(Access::Read);
        s.destructive = Some(false);
        s.evidence("access", source, "only AWS-managed read-only policies");
        return;
    }
    if all_aws_managed && names.iter().any(|n| n.ends_with("FullAccess")) {
        s.access = Some(Access::Write);
        s.destructive = Some(true);
        s.evidence(
            "access",
            source,
            "a *FullAccess managed policy: full control, including deletion, of that service",
        );
        return;
    }
    s.evidence(
        "access",
        source,
        "custom or inline policies: their documents were not read, so access is unknown",
    );
}

fn call(
    http: &Http,
    c: &Creds,
    base: &'static str,
    service: &str,
    body: &str,
) -> Result<Reply, Fault> {
    let mut req = Request::post(base, "/", body).header(
        "content-type",
        "application/x-www-form-urlencoded; charset=utf-8",
    );
    let url = http.url_for(&req)?;
    let host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => return Err(Fault::Refused("no host".into())),
    };
    let amz_date = amz_date(std::time::SystemTime::now());
    let auth = authorization(c, &host, body, &amz_date, "us-east-1", service);
    req = req
        .header("x-amz-date", amz_date)
        .header("authorization", auth);
    // Sanity: the Action is what the allowlist saw.
    debug_assert!(form_pairs(body).iter().any(|(k, _)| k == "Action"));
    http.send(&req)
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// SigV4 signature of a canonical request (AWS "Signature Version 4 signing process").
pub fn signature(
    secret: &str,
    amz_date: &str,
    region: &str,
    service: &str,
    canonical_request: &str,
) -> String {
    let date = &amz_date[..8];
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let k = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k = hmac(&k, region.as_bytes());
    let k = hmac(&k, service.as_bytes());
    let k = hmac(&k, b"aws4_request");
    hex(&hmac(&k, to_sign.as_bytes()))
}

fn authorization(
    c: &Creds,
    host: &str,
    body: &str,
    amz_date: &str,
    region: &str,
    service: &str,
) -> String {
    let signed = "content-type;host;x-amz-date";
    let canonical = format!(
        "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:{host}\n\
         x-amz-date:{amz_date}\n\n{signed}\n{}",
        sha256_hex(body.as_bytes())
    );
    let sig = signature(c.secret, amz_date, region, service, &canonical);
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{}/{region}/{service}/aws4_request, \
         SignedHeaders={signed}, Signature={sig}",
        c.key_id,
        &amz_date[..8]
    )
}

/// `YYYYMMDDTHHMMSSZ` in UTC.
pub fn amz_date(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Percent-encoding for a form value (RFC 3986 unreserved kept).
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The text of the first `<tag>…</tag>`.
fn xml_text(body: &str, tag: &str) -> Option<String> {
    xml_all(body, tag).into_iter().next()
}

fn xml_all(body: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        let Some(j) = rest.find(&close) else { break };
        out.push(
            rest[..j]
                .trim()
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">"),
        );
        rest = &rest[j + close.len()..];
        if out.len() >= 100 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigv4_get_vanilla() {
        // AWS SigV4 test suite, `get-vanilla`.
        let canonical = "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n\
                         host;x-amz-date\n\
                         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(
            signature(
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                "20150830T123600Z",
                "us-east-1",
                "service",
                canonical
            ),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    #[test]
    fn dates() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_440_938_160);
        assert_eq!(amz_date(t), "20150830T123600Z");
    }

    #[test]
    fn xml() {
        let b = "<R><Arn>arn:aws:iam::1:user/a</Arn><PolicyNames><member>p1</member>\
                 <member>p2</member></PolicyNames></R>";
        assert_eq!(xml_text(b, "Arn").as_deref(), Some("arn:aws:iam::1:user/a"));
        assert_eq!(inline_names(b), vec!["inline:p1", "inline:p2"]);
    }
}
