//! A provider emulator for probe tests: a small HTTP/1.1 server on 127.0.0.1 that serves canned
//! responses from `fixtures/providers/<provider>/<case>.json` and records every request.
//!
//! Fixture format:
//!
//! ```json
//! { "description": "…",
//!   "routes": [
//!     { "when": { "method": "POST", "path": "/graphql/v2",
//!                 "body_contains": ["projectToken"],
//!                 "headers": { "project-access-token": "*" } },
//!       "status": 200, "headers": { "retry-after": "1" },
//!       "body": { "data": … },           // JSON, or a string sent as is
//!       "delay_ms": 0 } ] }
//! ```
//!
//! Routes are tried in order; every `when` field is optional (`path` ignores the query string;
//! a header value `*` means "present", anything else "contains"). No match → 404.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path with its query string.
    pub target: String,
    /// Lower-case names with their values (tests assert on names; values only for routing).
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, Default)]
pub struct Route {
    pub method: Option<String>,
    pub path: Option<String>,
    pub body_contains: Vec<String>,
    pub headers: Vec<(String, String)>,
    pub status: u16,
    pub reply_headers: Vec<(String, String)>,
    pub body: String,
    pub delay_ms: u64,
}

impl Route {
    fn matches(&self, r: &Recorded) -> bool {
        self.method.as_deref().map_or(true, |m| m == r.method)
            && self.path.as_deref().map_or(true, |p| p == r.path())
            && self
                .body_contains
                .iter()
                .all(|b| r.body.contains(b.as_str()))
            && self.headers.iter().all(|(n, want)| match r.header(n) {
                Some(v) => want == "*" || v.contains(want.as_str()),
                None => false,
            })
    }

    pub fn from_json(v: &Value) -> Route {
        let when = v.get("when").cloned().unwrap_or(Value::Null);
        let s = |x: Option<&Value>| x.and_then(Value::as_str).map(str::to_string);
        let pairs = |x: Option<&Value>| -> Vec<(String, String)> {
            x.and_then(Value::as_object)
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| {
                            (
                                k.to_ascii_lowercase(),
                                v.as_str().unwrap_or_default().to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        Route {
            method: s(when.get("method")),
            path: s(when.get("path")),
            body_contains: when
                .get("body_contains")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            headers: pairs(when.get("headers")),
            status: v.get("status").and_then(Value::as_u64).unwrap_or(200) as u16,
            reply_headers: pairs(v.get("headers")),
            body: match v.get("body") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            },
            delay_ms: v.get("delay_ms").and_then(Value::as_u64).unwrap_or(0),
        }
    }
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/providers")
}

/// The routes of `fixtures/providers/<provider>/<case>.json`.
pub fn load(provider: &str, case: &str) -> Vec<Route> {
    let path = fixtures_dir().join(provider).join(format!("{case}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    v["routes"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no routes", path.display()))
        .iter()
        .map(Route::from_json)
        .collect()
}

/// Every case name of a provider's fixtures.
pub fn cases(provider: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(fixtures_dir().join(provider))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let p = e.path();
                    if p.extension()? != "json" {
                        return None;
                    }
                    Some(p.file_stem()?.to_string_lossy().into_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

pub struct Emulator {
    pub port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Emulator {
    pub fn start(routes: Vec<Route>) -> Emulator {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let routes = Arc::new(routes);
        let rec = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (routes, rec) = (routes.clone(), rec.clone());
                std::thread::spawn(move || serve(stream, &routes, &rec));
            }
        });
        Emulator { port, requests }
    }

    pub fn fixture(provider: &str, case: &str) -> Emulator {
        Emulator::start(load(provider, case))
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `PROVIDER=URL` for `--endpoint`.
    pub fn endpoint(&self, provider: &str) -> (String, String) {
        (provider.to_string(), self.url())
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, routes: &[Route], rec: &Mutex<Vec<Recorded>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len.min(1 << 20)];
    let _ = reader.read_exact(&mut body);
    let r = Recorded {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let route = routes.iter().find(|rt| rt.matches(&r)).cloned();
    rec.lock().unwrap().push(r);
    let route = route.unwrap_or(Route {
        status: 404,
        body: "{\"message\":\"no route in emulator\"}".into(),
        ..Route::default()
    });
    if route.delay_ms > 0 {
        std::thread::sleep(Duration::from_millis(route.delay_ms));
    }
    let mut out = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        route.status,
        route.body.len()
    );
    if !route.reply_headers.iter().any(|(n, _)| n == "content-type") {
        out.push_str("Content-Type: application/json\r\n");
    }
    for (n, v) in &route.reply_headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&route.body);
    let mut stream = stream;
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.flush();
}
