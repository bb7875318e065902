//! The one HTTP client every probe goes through, and the rules it enforces.
//!
//! A probe never builds a URL itself: it names one of its bases (`api`, `sts`, …) and a path, and
//! the client refuses the request unless
//!
//! * the method is GET or HEAD, or a POST the probe's allowlist marks as read-only by definition
//!   (a GraphQL document whose every operation is a `query`, parsed by `graphql.rs`; an AWS Query
//!   API action named `Get*`/`List*`/`Simulate*`; an empty-bodied RPC such as Slack `auth.test`);
//! * (method, base, path) is on the probe's allowlist;
//! * the URL's scheme, host and port are the base's: the provider's official host, or the base
//!   URL the user gave with `--endpoint PROVIDER=URL`. Plain `http://` is accepted only for an
//!   explicit loopback endpoint (test emulators).
//!
//! Redirects are never followed (a redirect cannot carry a token to another host), every request
//! has a connect timeout and a total timeout bounded by the stage deadline, bodies are read up to
//! `MAX_BODY`, proxies come from the environment (never for loopback), and certificates are
//! always verified. Nothing here logs a header value or a body.

use super::graphql;
use reqwest::Url;
use std::io::Read;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Responses are read up to this many bytes; the rest is dropped.
pub const MAX_BODY: usize = 1024 * 1024;
/// A `Retry-After` longer than this is not waited for: the result is "rate limited".
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);
/// Connect timeout, whatever the request timeout.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    /// Never sent: present so that the refusal can be tested and documented.
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// What a request body may be for one allowlist entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyRule {
    /// No body (GET/HEAD).
    None,
    /// A POST with an empty body (Slack `auth.test`).
    Empty,
    /// A JSON `{"query": …, "variables": …, "operationName": …}` whose document defines only
    /// queries.
    GraphqlQuery,
    /// A form-encoded AWS Query API call whose single `Action` is one of these, and which is
    /// read-only by name (`Get*`, `List*`, `Simulate*`).
    AwsQuery(&'static [&'static str]),
    /// A JSON object with exactly these keys, each a string: a credential exchange that
    /// providers.md lists as read-only (Docker Hub `POST /v2/auth/token`).
    JsonCredentials(&'static [&'static str]),
}

/// One permitted call: method, which base URL, and the path under it. A `*` path segment
/// matches one segment of `[A-Za-z0-9._~-]`; the query string is free for GET/HEAD and must
/// be absent for POST.
#[derive(Debug, Clone, Copy)]
pub struct Allowed {
    pub base: &'static str,
    pub method: Method,
    pub path: &'static str,
    pub body: BodyRule,
}

impl Allowed {
    pub const fn get(base: &'static str, path: &'static str) -> Allowed {
        Allowed {
            base,
            method: Method::Get,
            path,
            body: BodyRule::None,
        }
    }
    pub const fn post(base: &'static str, path: &'static str, body: BodyRule) -> Allowed {
        Allowed {
            base,
            method: Method::Post,
            path,
            body,
        }
    }
}

/// A provider's base URL: `key` is what allowlist entries and `--endpoint PROVIDER.KEY=URL`
/// name; `url` the official default.
#[derive(Debug, Clone, Copy)]
pub struct Base {
    pub key: &'static str,
    pub url: &'static str,
}

/// Why a probe could not reach a verdict. Each becomes `Status::Unknown(reason())`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The client refused to send the request (off the allowlist, bad endpoint, mutation…).
    Refused(String),
    Timeout,
    /// DNS, TLS or connection failure.
    Network(String),
    RateLimited,
    Server(u16),
    /// The provider answered something the probe cannot read.
    Unexpected(String),
    /// A 3xx: never followed.
    Redirect(u16),
    /// The stage deadline (`--probe-timeout`) passed.
    Deadline,
}

impl Fault {
    pub fn reason(&self) -> String {
        match self {
            Fault::Refused(why) => format!("request refused: {why}"),
            Fault::Timeout => "timed out".into(),
            Fault::Network(why) => why.clone(),
            Fault::RateLimited => "rate limited".into(),
            Fault::Server(code) => format!("server error {code}"),
            Fault::Unexpected(_) => "unexpected response".into(),
            Fault::Redirect(code) => format!("redirect {code} not followed"),
            Fault::Deadline => "probe stage deadline reached".into(),
        }
    }
}

/// A request as a probe states it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub base: &'static str,
    /// Path under the base, optionally with `?query` (GET/HEAD only).
    pub path: String,
    /// Header values may hold the secret: never printed.
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
}

impl Request {
    pub fn get(base: &'static str, path: impl Into<String>) -> Request {
        Request {
            method: Method::Get,
            base,
            path: path.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn post(base: &'static str, path: impl Into<String>, body: impl Into<String>) -> Request {
        Request {
            method: Method::Post,
            base,
            path: path.into(),
            headers: Vec::new(),
            body: Some(body.into()),
        }
    }

    /// A GraphQL query with variables (never interpolate values into the document).
    pub fn graphql(
        base: &'static str,
        path: &str,
        query: &str,
        variables: serde_json::Value,
    ) -> Request {
        let mut body = serde_json::json!({ "query": query });
        if !variables.is_null() {
            body["variables"] = variables;
        }
        Request::post(base, path, body.to_string()).header("content-type", "application/json")
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Request {
        self.headers.push((name, value.into()));
        self
    }

    pub fn bearer(self, token: &str) -> Request {
        self.header("authorization", format!("Bearer {token}"))
    }

    /// `probe:<METHOD path>` for evidence (the path without its query string).
    pub fn source(&self) -> String {
        let path = self.path.split('?').next().unwrap_or("");
        format!("probe:{} {}", self.method.as_str(), path)
    }
}

/// A provider's answer, with the body capped at `MAX_BODY`.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// `probe:<METHOD path>`: the evidence source for verdicts drawn from this reply.
    pub source: String,
}

impl Reply {
    /// A header's value (name case-insensitive); repeated headers are joined with `, `.
    pub fn header(&self, name: &str) -> Option<String> {
        let vals: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!vals.is_empty()).then(|| vals.join(", "))
    }

    pub fn json(&self) -> Result<serde_json::Value, Fault> {
        serde_json::from_slice(&self.body).map_err(|_| Fault::Unexpected("body is not JSON".into()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A reply built by hand (tests of probe parsing).
    pub fn synthetic(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
        Reply {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
            source: "probe:synthetic".into(),
        }
    }
}

/// The shared client: one `reqwest` instance for the whole run, and the stage deadline.
pub struct Client {
    inner: reqwest::blocking::Client,
    request_timeout: Duration,
    deadline: Instant,
}

impl Client {
    pub fn new(request_timeout: Duration, deadline: Instant) -> Result<Client, Fault> {
        let https_proxy = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
        let mut builder = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT.min(request_timeout))
            .timeout(request_timeout)
            .user_agent(concat!(
                "tokenscope/",
                env!("CARGO_PKG_VERSION"),
                " (read-only scope probe)"
            ))
            // The environment's proxy for https; never for loopback (emulators), and plain
            // http only ever goes to loopback.
            .no_proxy();
        if let Some(p) = https_proxy {
            let proxy = reqwest::Proxy::custom(move |url| {
                (url.scheme() == "https" && !is_loopback(url)).then(|| p.clone())
            })
            .no_proxy(reqwest::NoProxy::from_env());
            builder = builder.proxy(proxy);
        }
        let inner = builder
            .build()
            .map_err(|_| Fault::Network("cannot initialize the HTTP client".into()))?;
        Ok(Client {
            inner,
            request_timeout,
            deadline,
        })
    }

    pub fn deadline(&self) -> Instant {
        self.deadline
    }
}

/// True for `localhost`, 127.0.0.0/8 and ::1.
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

/// Checks a base URL: https anywhere (official host or the user's explicit `--endpoint`), http
/// only on loopback and only when the user configured it, no credentials, query or fragment.
pub fn check_base(raw: &str, user_configured: bool) -> Result<Url, Fault> {
    let url =
        Url::parse(raw).map_err(|_| Fault::Refused(format!("invalid endpoint URL {raw:?}")))?;
    match url.scheme() {
        "https" => {}
        "http" if user_configured && is_loopback(&url) => {}
        "http" => {
            return Err(Fault::Refused(
                "plain http is allowed only for a loopback --endpoint".into(),
            ))
        }
        s => return Err(Fault::Refused(format!("unsupported scheme {s}"))),
    }
    if url.host().is_none() {
        return Err(Fault::Refused("endpoint without a host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Fault::Refused(
            "endpoint URL must not hold credentials".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Fault::Refused(
            "endpoint URL must not have a query or fragment".into(),
        ));
    }
    Ok(url)
}

/// The client as one probe sees it: its resolved bases and its allowlist.
pub struct Http<'a> {
    client: &'a Client,
    probe: &'static str,
    bases: Vec<(&'static str, Url)>,
    /// Bases whose official URL has a `{}` host label (Shopify `https://{}.myshopify.com`),
    /// not overridden: unusable until [`Http::bind`] fills the label.
    templates: Vec<(&'static str, &'static str)>,
    allow: &'static [Allowed],
}

impl<'a> Http<'a> {
    /// Resolves the probe's bases against `--endpoint` overrides: `PROVIDER.KEY=URL` for one
    /// base, `PROVIDER=URL` for all of them.
    pub fn new(
        client: &'a Client,
        probe: &'static str,
        bases: &'static [Base],
        allow: &'static [Allowed],
        endpoints: &[(String, String)],
    ) -> Result<Http<'a>, Fault> {
        let mut resolved = Vec::new();
        let mut templates = Vec::new();
        for b in bases {
            let specific = format!("{probe}.{}", b.key);
            let over = endpoints
                .iter()
                .rev()
                .find(|(p, _)| *p == specific)
                .or_else(|| endpoints.iter().rev().find(|(p, _)| p == probe));
            let url = match over {
                Some((_, u)) => check_base(u, true)?,
                None if b.url.contains("{}") => {
                    templates.push((b.key, b.url));
                    continue;
                }
                None => check_base(b.url, false)?,
            };
            resolved.push((b.key, url));
        }
        Ok(Http {
            client,
            probe,
            bases: resolved,
            templates,
            allow,
        })
    }

    /// This client with the `{}` host label of base `key` filled with `label` (one DNS label:
    /// `[a-z0-9][a-z0-9-]{0,62}`), e.g. a Shopify store name taken from the file. A base the
    /// user overrode with `--endpoint` stays as given.
    pub fn bind(&self, key: &str, label: &str) -> Result<Http<'a>, Fault> {
        let mut bases = self.bases.clone();
        let mut templates = self.templates.clone();
        if let Some(i) = templates.iter().position(|(k, _)| *k == key) {
            let ok = !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-');
            if !ok {
                return Err(Fault::Refused(format!(
                    "invalid host label for base {key:?}"
                )));
            }
            let (k, tpl) = templates.remove(i);
            bases.push((k, check_base(&tpl.replacen("{}", label, 1), false)?));
        } else if !bases.iter().any(|(k, _)| *k == key) {
            return Err(Fault::Refused(format!("unknown base {key:?}")));
        }
        Ok(Http {
            client: self.client,
            probe: self.probe,
            bases,
            templates,
            allow: self.allow,
        })
    }

    pub fn probe_id(&self) -> &'static str {
        self.probe
    }

    /// The URL a request would go to, after every check. AWS signs this host.
    pub fn url_for(&self, req: &Request) -> Result<Url, Fault> {
        self.check(req)
    }

    fn check(&self, req: &Request) -> Result<Url, Fault> {
        let refuse = |why: String| Err(Fault::Refused(why));
        if !matches!(req.method, Method::Get | Method::Head | Method::Post) {
            return refuse(format!("method {} is never sent", req.method.as_str()));
        }
        let Some((_, base)) = self.bases.iter().find(|(k, _)| *k == req.base) else {
            return refuse(format!("unknown base {:?}", req.base));
        };
        if !req.path.starts_with('/') {
            return refuse("path must start with /".into());
        }
        let (path, query) = match req.path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (req.path.as_str(), None),
        };
        let joined = format!("{}{}", base.as_str().trim_end_matches('/'), req.path);
        let url = Url::parse(&joined).map_err(|_| Fault::Refused("invalid URL".into()))?;
        if url.scheme() != base.scheme()
            || url.host() != base.host()
            || url.port_or_known_default() != base.port_or_known_default()
        {
            return refuse("host differs from the provider's endpoint".into());
        }
        let base_path = base.path().trim_end_matches('/');
        let Some(rel) = url.path().strip_prefix(base_path) else {
            return refuse("path escapes the endpoint".into());
        };
        // The parsed path must be exactly what the probe wrote (no `..`, no re-encoding).
        if rel != path {
            return refuse(format!("path {path:?} is not canonical"));
        }
        let entry = self
            .allow
            .iter()
            .find(|a| a.base == req.base && a.method == req.method && path_matches(a.path, rel));
        let Some(entry) = entry else {
            return refuse(format!(
                "{} {rel} is not on the {} probe's allowlist",
                req.method.as_str(),
                self.probe
            ));
        };
        match (entry.body, req.body.as_deref()) {
            (BodyRule::None, None) => {}
            (BodyRule::None, Some(_)) => return refuse("GET/HEAD with a body".into()),
            (_, _) if query.is_some() => return refuse("POST with a query string".into()),
            (BodyRule::Empty, None) => {}
            (BodyRule::Empty, Some("")) => {}
            (BodyRule::Empty, Some(_)) => return refuse("this call takes no body".into()),
            (BodyRule::GraphqlQuery, Some(b)) => check_graphql_body(b).map_err(Fault::Refused)?,
            (BodyRule::AwsQuery(actions), Some(b)) => {
                check_aws_body(b, actions).map_err(Fault::Refused)?
            }
            (BodyRule::JsonCredentials(keys), Some(b)) => {
                check_json_credentials(b, keys).map_err(Fault::Refused)?
            }
            (_, None) => return refuse("missing body".into()),
        }
        Ok(url)
    }

    /// Sends one request (after every check), honouring one bounded `Retry-After` on 429/503.
    /// 5xx, 429, redirects, timeouts and network faults come back as `Err(Fault)`; any other
    /// status (including 401/403/404) is the probe's to read.
    pub fn send(&self, req: &Request) -> Result<Reply, Fault> {
        let url = self.check(req)?;
        let mut retried = false;
        loop {
            let reply = self.send_once(req, &url)?;
            let limited = reply.status == 429
                || (reply.status == 503 && reply.header("retry-after").is_some())
                || (reply.status == 403
                    && reply.header("x-ratelimit-remaining").as_deref() == Some("0"));
            if limited {
                let wait = reply
                    .header("retry-after")
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                match wait {
                    Some(w)
                        if !retried
                            && w <= MAX_RETRY_AFTER
                            && Instant::now() + w + Duration::from_millis(100)
                                < self.client.deadline =>
                    {
                        retried = true;
                        std::thread::sleep(w);
                        continue;
                    }
                    _ => return Err(Fault::RateLimited),
                }
            }
            return match reply.status {
                300..=399 => Err(Fault::Redirect(reply.status)),
                500..=599 => Err(Fault::Server(reply.status)),
                _ => Ok(reply),
            };
        }
    }

    fn send_once(&self, req: &Request, url: &Url) -> Result<Reply, Fault> {
        let now = Instant::now();
        let left = self.client.deadline.saturating_duration_since(now);
        if left < Duration::from_millis(50) {
            return Err(Fault::Deadline);
        }
        let timeout = self.client.request_timeout.min(left);
        let method = match req.method {
            Method::Get => reqwest::Method::GET,
            Method::Head => reqwest::Method::HEAD,
            Method::Post => reqwest::Method::POST,
            m => {
                return Err(Fault::Refused(format!(
                    "method {} is never sent",
                    m.as_str()
                )))
            }
        };
        let mut rb = self
            .client
            .inner
            .request(method, url.clone())
            .timeout(timeout);
        for (name, value) in &req.headers {
            rb = rb.header(*name, value.as_str());
        }
        if let Some(b) = &req.body {
            rb = rb.body(b.clone());
        }
        let mut resp = rb.send().map_err(|e| map_error(&e))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        if req.method != Method::Head {
            (&mut resp)
                .take(MAX_BODY as u64)
                .read_to_end(&mut body)
                .map_err(|e| {
                    if e.kind() == std::io::ErrorKind::TimedOut
                        || e.to_string().contains("timed out")
                    {
                        Fault::Timeout
                    } else {
                        Fault::Network("connection failed while reading the response".into())
                    }
                })?;
        }
        Ok(Reply {
            status,
            headers,
            body,
            source: req.source(),
        })
    }
}

/// A reason for a transport error that never includes the URL or a header.
fn map_error(e: &reqwest::Error) -> Fault {
    if e.is_timeout() {
        return Fault::Timeout;
    }
    let mut chain = String::new();
    let mut src: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = src {
        chain.push_str(&s.to_string().to_ascii_lowercase());
        chain.push(' ');
        src = s.source();
    }
    if chain.contains("timed out") {
        Fault::Timeout
    } else if chain.contains("certificate") || chain.contains("tls") {
        Fault::Network("TLS error".into())
    } else if chain.contains("dns") || chain.contains("resolve") || chain.contains("lookup") {
        Fault::Network("DNS lookup failed".into())
    } else if e.is_connect() {
        Fault::Network("connection failed".into())
    } else {
        Fault::Network("request failed".into())
    }
}

/// `*` matches one segment of unreserved characters, `*@*` one `local@domain` segment (an
/// e-mail address, e.g. a GCP service account); everything else literally.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    fn star(s: &str) -> bool {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"._~-".contains(&c))
            && s != "."
            && s != ".."
    }
    let p: Vec<&str> = pattern.split('/').collect();
    let s: Vec<&str> = path.split('/').collect();
    p.len() == s.len()
        && p.iter().zip(&s).all(|(p, s)| match *p {
            "*" => star(s),
            "*@*" => s.split_once('@').is_some_and(|(a, b)| star(a) && star(b)),
            _ => p == s,
        })
}

fn check_graphql_body(body: &str) -> Result<(), String> {
    let v: serde_json::Value =
        serde_json::from_str(body).map_err(|_| "GraphQL body is not JSON".to_string())?;
    let obj = v.as_object().ok_or("GraphQL body is not an object")?;
    if let Some(k) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "query" | "variables" | "operationName"))
    {
        // e.g. persisted-query `extensions`, whose operation we could not see.
        return Err(format!("GraphQL body field {k:?} refused"));
    }
    let doc = obj
        .get("query")
        .and_then(|q| q.as_str())
        .ok_or("GraphQL body without a query document")?;
    graphql::check_read_only(doc)
}

/// `application/x-www-form-urlencoded` pairs, percent- and plus-decoded.
pub fn form_pairs(body: &str) -> Vec<(String, String)> {
    fn dec(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => {
                    match u8::from_str_radix(
                        std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or(""),
                        16,
                    ) {
                        Ok(v) => {
                            out.push(v);
                            i += 3;
                            continue;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (dec(k), dec(v)),
            None => (dec(p), String::new()),
        })
        .collect()
}

/// A JSON object whose keys are exactly `keys`, every value a string (a credential exchange).
pub fn check_json_credentials(body: &str, keys: &[&str]) -> Result<(), String> {
    let v: serde_json::Value =
        serde_json::from_str(body).map_err(|_| "body is not JSON".to_string())?;
    let obj = v.as_object().ok_or("body is not a JSON object")?;
    if obj.len() != keys.len()
        || !keys
            .iter()
            .all(|k| obj.get(*k).is_some_and(|x| x.is_string()))
    {
        return Err("credential exchange body has other fields".into());
    }
    Ok(())
}

fn check_aws_body(body: &str, allowed: &[&str]) -> Result<(), String> {
    let pairs = form_pairs(body);
    let actions: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("action"))
        .map(|(_, v)| v.as_str())
        .collect();
    let [action] = actions[..] else {
        return Err("AWS call must name exactly one Action".into());
    };
    let read_only = ["Get", "List", "Simulate"]
        .iter()
        .any(|p| action.starts_with(p));
    if !read_only || !allowed.contains(&action) {
        return Err(format!(
            "AWS action {action:?} is not an allowed read-only action"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_patterns() {
        assert!(path_matches("/user", "/user"));
        assert!(path_matches("/v1/*", "/v1/charges"));
        assert!(!path_matches("/v1/*", "/v1/.."));
        assert!(!path_matches("/v1/*", "/v1/a/b"));
        assert!(!path_matches("/user", "/user/"));
        assert!(!path_matches("/v1/*", "/v1/%2e%2e"));
        assert!(path_matches(
            "/x509/*@*",
            "/x509/sa@p.iam.gserviceaccount.com"
        ));
        assert!(!path_matches("/x509/*@*", "/x509/sa"));
        assert!(!path_matches("/x509/*@*", "/x509/a@b@c"));
        assert!(!path_matches("/x509/*", "/x509/sa@p.com"));
        assert!(check_json_credentials(
            r#"{"identifier":"u","secret":"s"}"#,
            &["identifier", "secret"]
        )
        .is_ok());
        assert!(check_json_credentials(
            r#"{"identifier":"u","secret":"s","x":1}"#,
            &["identifier", "secret"]
        )
        .is_err());
        assert!(
            check_json_credentials(r#"{"identifier":"u"}"#, &["identifier", "secret"]).is_err()
        );
    }

    #[test]
    fn aws_bodies() {
        let ok = &["GetCallerIdentity"];
        assert!(check_aws_body("Action=GetCallerIdentity&Version=2011-06-15", ok).is_ok());
        assert!(check_aws_body("Action=CreateAccessKey&Version=2010-05-08", ok).is_err());
        assert!(check_aws_body(
            "Action=GetCallerIdentity&Action=DeleteUser&Version=2011-06-15",
            ok
        )
        .is_err());
        assert!(check_aws_body("Version=2011-06-15", ok).is_err());
        // Allowed by name but not by this entry.
        assert!(check_aws_body("Action=GetUser", ok).is_err());
        assert_eq!(
            form_pairs("A=b%20c&D=e+f&G"),
            vec![
                ("A".into(), "b c".into()),
                ("D".into(), "e f".into()),
                ("G".into(), String::new())
            ]
        );
    }

    #[test]
    fn bases() {
        assert!(check_base("https://api.github.com", false).is_ok());
        assert!(check_base("http://127.0.0.1:8080", true).is_ok());
        assert!(check_base("http://localhost:8080/api/v3", true).is_ok());
        assert!(check_base("http://[::1]:8080", true).is_ok());
        assert!(check_base("http://127.0.0.1:8080", false).is_err());
        assert!(check_base("http://example.com", true).is_err());
        assert!(check_base("http://10.0.0.1", true).is_err());
        assert!(check_base("https://user:pw@example.com", true).is_err());
        assert!(check_base("ftp://example.com", true).is_err());
        assert!(check_base("https://example.com/?a=b", true).is_err());
    }
}
