//! Database connection URLs (providers.md §29): scheme, user, host. Superuser-ish user names
//! suggest admin; the host tells local vs managed internet-facing and often the environment.

use super::util::percent_decode;
use super::DecodeInput;
use crate::context::host_facts;
use crate::scope::{Access, Breadth, Environment};
use crate::signals::Signals;

pub struct DbUrl {
    pub scheme: String,
    pub user: String,
    pub host: String,
    pub port: Option<u16>,
    pub database: String,
    pub query: String,
}

/// Splits `scheme://user:password@host[:port][/db][?query]` (also `jdbc:` and `+driver`).
/// The password is never returned.
pub fn parse(url: &str) -> Option<DbUrl> {
    let url = url.trim();
    let url = url.strip_prefix("jdbc:").unwrap_or(url);
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+')
    {
        return None;
    }
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, database) = rest.split_once('/').unwrap_or((rest, ""));
    // The password may contain `@`: the last `@` ends the userinfo.
    let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("", authority));
    let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
    let (host, port) = if let Some(h) = hostport.strip_prefix('[') {
        let (h, p) = h.split_once(']')?;
        (format!("[{h}]"), p.strip_prefix(':'))
    } else {
        // `host1:5432,host2:5432` (multi-host) → the first host.
        let first = hostport.split(',').next().unwrap_or("");
        match first.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (first.to_string(), None),
        }
    };
    let user_from_query = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("user="))
        .map(percent_decode);
    Some(DbUrl {
        scheme,
        user: if user.is_empty() {
            user_from_query.unwrap_or_default()
        } else {
            percent_decode(user)
        },
        host: host.to_ascii_lowercase(),
        port: port.and_then(|p| p.parse().ok()),
        database: percent_decode(database),
        query: query.to_string(),
    })
}

fn engine(scheme: &str) -> &'static str {
    let base = scheme.split('+').next().unwrap_or(scheme);
    match base {
        "postgres" | "postgresql" => "PostgreSQL",
        "mysql" => "MySQL",
        "mariadb" => "MariaDB",
        "mongodb" => "MongoDB",
        "redis" | "rediss" => "Redis",
        "sqlserver" | "mssql" => "SQL Server",
        "amqp" | "amqps" => "AMQP",
        _ => "database",
    }
}

const SUPERUSERS: &[&str] = &[
    "postgres",
    "root",
    "admin",
    "administrator",
    "sa",
    "rdsadmin",
    "azure_superuser",
    "cloudsqlsuperuser",
    "superuser",
];

pub fn decode(input: &DecodeInput) -> Signals {
    let Some(u) = parse(input.secret) else {
        return Signals::malformed("not a scheme://user:password@host URL");
    };
    if u.host.is_empty() {
        return Signals::malformed("database URL without a host");
    }
    let eng = engine(&u.scheme);
    let mut s = Signals::with_kind(format!("{eng} connection URL"));
    let user = if u.user.is_empty() {
        "?"
    } else {
        u.user.as_str()
    };
    let db = if u.database.is_empty() {
        String::new()
    } else {
        format!("/{}", u.database.chars().take(64).collect::<String>())
    };
    s.identity = Some(format!("{user}@{}{db}", u.host));
    // One database server; how much of it the user may touch is unknown until a probe connects.
    s.breadth = Some(Breadth::Project);
    let base_user = u.user.split('@').next().unwrap_or("").to_ascii_lowercase();
    if SUPERUSERS.contains(&base_user.as_str()) {
        s.access = Some(Access::Admin);
        s.destructive = Some(true);
        s.evidence(
            "access",
            "token",
            format!("user {base_user} is conventionally a superuser (hint, not verified)"),
        );
    } else {
        s.evidence(
            "access",
            "token",
            "an application user: typically read/write on its database",
        );
        s.access = Some(Access::Write);
    }
    let facts = host_facts(&u.host);
    if facts.private {
        s.evidence(
            "breadth",
            "host",
            format!(
                "host {} is local/private: not reachable from the internet",
                u.host
            ),
        );
    } else if let Some(m) = facts.managed {
        s.evidence(
            "breadth",
            "host",
            format!(
                "host {} is a managed {m} endpoint: reachable from the internet",
                u.host
            ),
        );
    }
    if let Some((env, why)) = facts.environment {
        s.environment = Some(env);
        s.evidence(
            "environment",
            "host",
            format!(
                "{}: {why}",
                if env == Environment::Production {
                    "production"
                } else {
                    "non-production"
                }
            ),
        );
    }
    if u.query.contains("sslmode=disable") {
        s.evidence(
            "access",
            "token",
            "sslmode=disable: the password travels in clear text",
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(t: &str) -> Signals {
        decode(&DecodeInput {
            rule_id: "database.postgres-url",
            secret: t,
            variable: None,
            companion: None,
            now: 1_700_000_000,
        })
    }

    #[test]
    fn managed_production_superuser() {
        let s = run("postgresql://postgres:Zq8%40xV2m@prod-db.c9akciq32.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require");
        assert_eq!(s.kind.as_deref(), Some("PostgreSQL connection URL"));
        assert_eq!(
            s.identity.as_deref(),
            Some("postgres@prod-db.c9akciq32.eu-west-1.rds.amazonaws.com/orders")
        );
        assert_eq!(s.access, Some(Access::Admin));
        assert_eq!(s.destructive, Some(true));
        assert_eq!(s.environment, Some(Environment::Production));
        assert!(s.evidence.iter().any(|e| e.detail.contains("Amazon RDS")));
    }

    #[test]
    fn local_app_user() {
        let s = run("mysql://shop:Hk3v9Qz@127.0.0.1:3306/shop");
        assert_eq!(s.kind.as_deref(), Some("MySQL connection URL"));
        assert_eq!(s.access, Some(Access::Write));
        assert_eq!(s.destructive, None);
        assert_eq!(s.environment, Some(Environment::NonProduction));
        let s = run("postgres://app:Hk3v9Qz@db:5432/app");
        assert_eq!(s.environment, None);
        assert!(s
            .evidence
            .iter()
            .any(|e| e.detail.contains("local/private")));
        let s = run("postgresql+asyncpg://svc:p@ss@orders-staging.cluster.internal/app");
        assert_eq!(
            s.identity.as_deref(),
            Some("svc@orders-staging.cluster.internal/app")
        );
        assert_eq!(s.environment, Some(Environment::NonProduction));
        let s = run("jdbc:postgresql://db.qwhjkzptrvbnmsdfglax.supabase.co:5432/postgres?user=postgres&password=Zx9");
        assert_eq!(s.access, Some(Access::Admin));
        assert!(s.evidence.iter().any(|e| e.detail.contains("Supabase")));
    }

    #[test]
    fn malformed() {
        for bad in [
            "",
            "postgres:/x",
            "://a@b",
            "postgres://user:pw@/db",
            "pg sql://a:b@c",
        ] {
            assert!(run(bad).malformed.is_some(), "{bad}");
        }
        assert!(run("postgres://[::1").malformed.is_some());
    }
}
