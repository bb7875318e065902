//! Fly.io macaroons (providers.md §1.5.1, §13): `fm2_`/`fm1r_`/`fm1a_` + standard base64 of a
//! MessagePack macaroon `[nonce, location, caveats, tail]`. The caveats say which organization,
//! which apps/machines/volumes, which actions, and until when.
//!
//! MessagePack is read by a small bounded reader below (depth, counts and lengths are checked
//! against the input) rather than a new dependency: only the subset the macaroon uses matters.

use super::util::b64_any;
use super::DecodeInput;
use crate::scope::{Access, Breadth};
use crate::signals::Signals;

#[derive(Debug, Clone, PartialEq)]
pub enum Mp {
    Nil,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Bin(Vec<u8>),
    Array(Vec<Mp>),
    Map(Vec<(Mp, Mp)>),
    Ext,
}

impl Mp {
    fn int(&self) -> Option<i128> {
        match self {
            Mp::Int(i) => Some(*i),
            _ => None,
        }
    }
    fn array(&self) -> Option<&[Mp]> {
        match self {
            Mp::Array(a) => Some(a),
            _ => None,
        }
    }
    fn key_text(&self) -> String {
        match self {
            Mp::Int(i) => i.to_string(),
            Mp::Str(s) => s.clone(),
            _ => "?".into(),
        }
    }
}

const MAX_DEPTH: usize = 24;

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn be(&mut self, n: usize) -> Option<u64> {
        Some(
            self.take(n)?
                .iter()
                .fold(0u64, |a, &x| (a << 8) | u64::from(x)),
        )
    }
    fn remaining(&self) -> usize {
        self.b.len().saturating_sub(self.pos)
    }
    fn value(&mut self, depth: usize) -> Option<Mp> {
        if depth > MAX_DEPTH {
            return None;
        }
        let t = *self.take(1)?.first()?;
        Some(match t {
            0x00..=0x7f => Mp::Int(i128::from(t)),
            0x80..=0x8f => self.map(usize::from(t & 0x0f), depth)?,
            0x90..=0x9f => self.array(usize::from(t & 0x0f), depth)?,
            0xa0..=0xbf => self.str(usize::from(t & 0x1f))?,
            0xc0 => Mp::Nil,
            0xc2 => Mp::Bool(false),
            0xc3 => Mp::Bool(true),
            0xc4 => {
                let n = self.be(1)? as usize;
                Mp::Bin(self.take(n)?.to_vec())
            }
            0xc5 => {
                let n = self.be(2)? as usize;
                Mp::Bin(self.take(n)?.to_vec())
            }
            0xc6 => {
                let n = usize::try_from(self.be(4)?).ok()?;
                Mp::Bin(self.take(n)?.to_vec())
            }
            0xc7..=0xc9 => {
                let n = usize::try_from(self.be([1, 2, 4][usize::from(t - 0xc7)])?).ok()?;
                self.take(n.checked_add(1)?)?;
                Mp::Ext
            }
            0xca => Mp::Float(f64::from(f32::from_bits(self.be(4)? as u32))),
            0xcb => Mp::Float(f64::from_bits(self.be(8)?)),
            0xcc => Mp::Int(i128::from(self.be(1)?)),
            0xcd => Mp::Int(i128::from(self.be(2)?)),
            0xce => Mp::Int(i128::from(self.be(4)?)),
            0xcf => Mp::Int(i128::from(self.be(8)?)),
            0xd0 => Mp::Int(i128::from(self.be(1)? as u8 as i8)),
            0xd1 => Mp::Int(i128::from(self.be(2)? as u16 as i16)),
            0xd2 => Mp::Int(i128::from(self.be(4)? as u32 as i32)),
            0xd3 => Mp::Int(i128::from(self.be(8)? as i64)),
            0xd4..=0xd8 => {
                self.take(1 + (1usize << (t - 0xd4)))?;
                Mp::Ext
            }
            0xd9 => {
                let n = self.be(1)? as usize;
                self.str(n)?
            }
            0xda => {
                let n = self.be(2)? as usize;
                self.str(n)?
            }
            0xdb => {
                let n = usize::try_from(self.be(4)?).ok()?;
                self.str(n)?
            }
            0xdc => {
                let n = self.be(2)? as usize;
                self.array(n, depth)?
            }
            0xdd => {
                let n = usize::try_from(self.be(4)?).ok()?;
                self.array(n, depth)?
            }
            0xde => {
                let n = self.be(2)? as usize;
                self.map(n, depth)?
            }
            0xdf => {
                let n = usize::try_from(self.be(4)?).ok()?;
                self.map(n, depth)?
            }
            0xe0..=0xff => Mp::Int(i128::from(t as i8)),
            0xc1 => return None,
        })
    }
    fn str(&mut self, n: usize) -> Option<Mp> {
        Some(Mp::Str(String::from_utf8_lossy(self.take(n)?).into_owned()))
    }
    fn array(&mut self, n: usize, depth: usize) -> Option<Mp> {
        // Every element takes at least one byte: a count beyond the input is a lie.
        if n > self.remaining() {
            return None;
        }
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(self.value(depth + 1)?);
        }
        Some(Mp::Array(v))
    }
    fn map(&mut self, n: usize, depth: usize) -> Option<Mp> {
        if n.checked_mul(2)? > self.remaining() {
            return None;
        }
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.value(depth + 1)?;
            let val = self.value(depth + 1)?;
            v.push((k, val));
        }
        Some(Mp::Map(v))
    }
}

/// Parses one MessagePack value; `None` on any malformation.
pub fn parse_msgpack(b: &[u8]) -> Option<Mp> {
    Reader { b, pos: 0 }.value(0)
}

// Action bits (`resset/action.go`).
const READ: i128 = 1;
const WRITE: i128 = 2;
const CREATE: i128 = 4;
const DELETE: i128 = 8;
const CONTROL: i128 = 16;
const ALL: i128 = 0x1f;

fn mask_words(m: i128) -> String {
    if m & ALL == ALL {
        return "all".into();
    }
    let names = [
        (READ, "read"),
        (WRITE, "write"),
        (CREATE, "create"),
        (DELETE, "delete"),
        (CONTROL, "control"),
    ];
    let w: Vec<&str> = names
        .iter()
        .filter(|(b, _)| m & b != 0)
        .map(|(_, n)| *n)
        .collect();
    if w.is_empty() {
        "none".into()
    } else {
        w.join("+")
    }
}

/// What the caveats of one permission macaroon say.
#[derive(Debug, Default)]
struct Caveats {
    org: Option<(String, i128)>,
    apps: Vec<(String, i128)>,
    resources: Vec<String>,
    mask: Option<i128>,
    not_after: Option<i64>,
    mutations: Vec<String>,
    user: Option<String>,
    opaque: usize,
}

fn read_caveats(list: &[Mp], c: &mut Caveats) {
    let mut it = list.chunks_exact(2);
    for pair in &mut it {
        let (Some(ty), body) = (pair[0].int(), &pair[1]) else {
            c.opaque += 1;
            continue;
        };
        let fields = body.array().unwrap_or(&[]);
        let narrow = |c: &mut Caveats, m: i128| c.mask = Some(c.mask.map_or(m, |x| x & m));
        match ty {
            0 => {
                if let (Some(id), Some(m)) = (
                    fields.first().map(Mp::key_text),
                    fields.get(1).and_then(Mp::int),
                ) {
                    c.org = Some((id, m));
                    narrow(c, m);
                }
            }
            3 => {
                if let Some(Mp::Map(m)) = fields.first() {
                    let mut union = 0;
                    for (k, v) in m {
                        let mask = v.int().unwrap_or(0);
                        union |= mask;
                        c.apps.push((k.key_text(), mask));
                    }
                    narrow(c, union);
                }
            }
            2 | 7 | 16 | 29 => {
                let what = match ty {
                    2 => "volumes",
                    7 => "machines",
                    16 => "clusters",
                    _ => "storage objects",
                };
                c.resources.push(what.into());
                if let Some(Mp::Map(m)) = fields.first() {
                    narrow(c, m.iter().fold(0, |u, (_, v)| u | v.int().unwrap_or(0)));
                }
            }
            4 => {
                if let Some(na) = fields.get(1).and_then(Mp::int) {
                    let na = i64::try_from(na).unwrap_or(i64::MAX);
                    c.not_after = Some(c.not_after.map_or(na, |x| x.min(na)));
                }
            }
            6 => {
                if let Some(Mp::Array(names)) = fields.first() {
                    for n in names {
                        if let Mp::Str(s) = n {
                            c.mutations.push(s.clone());
                        }
                    }
                }
            }
            10 => c.user = fields.first().map(Mp::key_text),
            26 => {
                if let Some(m) = fields.first().and_then(Mp::int) {
                    narrow(c, m);
                }
            }
            // IfPresent: caveats applying only when a resource is present; read as narrowing.
            13 => {
                if let Some(Mp::Array(inner)) = fields.first() {
                    read_caveats(inner, c);
                }
            }
            _ => c.opaque += 1,
        }
    }
}

pub fn decode(input: &DecodeInput) -> Signals {
    let raw = input.secret.trim();
    let raw = raw
        .strip_prefix("FlyV1 ")
        .or_else(|| raw.strip_prefix("Bearer "))
        .unwrap_or(raw);
    let mut c = Caveats::default();
    let mut permission_tokens = 0;
    let mut discharge_tokens = 0;
    let mut seen = 0;
    for part in raw.split(',').map(str::trim).take(16) {
        let body = ["fm2_", "fm1r_", "fm1a_"]
            .iter()
            .find_map(|p| part.strip_prefix(p));
        let Some(body) = body else { continue };
        seen += 1;
        let Some(bytes) = b64_any(body) else {
            return Signals::malformed("Fly macaroon is not base64");
        };
        let Some(Mp::Array(m)) = parse_msgpack(&bytes) else {
            return Signals::malformed("Fly macaroon is not a MessagePack array");
        };
        let (Some(location), Some(Mp::Array(cavs))) = (m.get(1), m.get(2)) else {
            return Signals::malformed("Fly macaroon lacks location or caveats");
        };
        let location = match location {
            Mp::Str(s) => s.as_str(),
            _ => return Signals::malformed("Fly macaroon location is not a string"),
        };
        if cavs.len() % 2 != 0 {
            return Signals::malformed("Fly caveat list has an odd length");
        }
        if location == "https://api.fly.io/v1" {
            permission_tokens += 1;
            read_caveats(cavs, &mut c);
        } else {
            discharge_tokens += 1;
        }
    }
    if seen == 0 {
        return Signals::malformed("no fm2_/fm1r_/fm1a_ macaroon in the token");
    }
    let mut s = Signals::default();
    if permission_tokens == 0 {
        s.kind = Some("Fly.io discharge/authentication token".into());
        s.evidence(
            "kind",
            "token",
            "only discharge or authentication macaroons: usable with a permission token",
        );
        return s;
    }
    if discharge_tokens > 0 {
        s.evidence(
            "kind",
            "token",
            format!("{discharge_tokens} discharge macaroon(s) bundled"),
        );
    }
    let mask = c.mask.unwrap_or(ALL);
    if let Some((org, m)) = &c.org {
        s.identity = Some(format!("Fly.io organization {org}"));
        s.permissions.push(format!("org:{org}:{}", mask_words(*m)));
    }
    for (app, m) in &c.apps {
        s.permissions.push(format!("app:{app}:{}", mask_words(*m)));
    }
    for r in &c.resources {
        s.permissions.push(format!("limited to {r}"));
    }
    for m in &c.mutations {
        s.permissions.push(format!("mutation:{m}"));
    }
    if let Some(u) = &c.user {
        s.evidence("identity", "token", format!("confined to Fly user {u}"));
    }
    if c.opaque > 0 {
        s.evidence(
            "kind",
            "token",
            format!(
                "{} caveat(s) not interpreted (may narrow the token further)",
                c.opaque
            ),
        );
    }
    s.expires_at = c.not_after;

    let specific_apps = !c.apps.is_empty() && c.apps.iter().all(|(a, _)| a != "0" && !a.is_empty());
    let (kind, breadth) = if !c.resources.is_empty() {
        ("Fly.io resource-limited token", Breadth::Resource)
    } else if specific_apps {
        ("Fly.io app deploy token", Breadth::Project)
    } else if c.org.is_some() {
        ("Fly.io organization token", Breadth::Organization)
    } else {
        ("Fly.io macaroon token", Breadth::Unknown)
    };
    s.kind = Some(kind.into());
    s.evidence("kind", "token", kind);
    if breadth != Breadth::Unknown {
        s.breadth = Some(breadth);
    }
    let can_write = mask & (WRITE | CREATE | DELETE | CONTROL) != 0;
    let access = if !c.mutations.is_empty() {
        s.evidence(
            "access",
            "token",
            format!("limited to GraphQL mutations: {}", c.mutations.join(", ")),
        );
        Access::Write
    } else if !can_write {
        if mask & READ != 0 {
            Access::Read
        } else {
            Access::None
        }
    } else if mask & ALL == ALL && breadth == Breadth::Organization {
        Access::Admin
    } else {
        Access::Write
    };
    s.access = Some(access);
    let destructive = if c.mutations.is_empty() {
        mask & DELETE != 0
    } else {
        c.mutations
            .iter()
            .any(|m| m.to_ascii_lowercase().contains("delete") || m.contains("destroy"))
    };
    s.destructive = Some(destructive);
    s.evidence(
        "access",
        "token",
        format!("effective action mask: {}", mask_words(mask)),
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;

    /// A tiny MessagePack writer for building test macaroons.
    enum W<'a> {
        I(u64),
        S(&'a str),
        B(&'a [u8]),
        A(Vec<W<'a>>),
        M(Vec<(W<'a>, W<'a>)>),
    }

    fn enc(w: &W, out: &mut Vec<u8>) {
        match w {
            W::I(i) if *i < 128 => out.push(*i as u8),
            W::I(i) => {
                out.push(0xcf);
                out.extend_from_slice(&i.to_be_bytes());
            }
            W::S(s) => {
                out.push(0xd9);
                out.push(s.len() as u8);
                out.extend_from_slice(s.as_bytes());
            }
            W::B(b) => {
                out.push(0xc4);
                out.push(b.len() as u8);
                out.extend_from_slice(b);
            }
            W::A(a) => {
                out.push(0xdc);
                out.extend_from_slice(&(a.len() as u16).to_be_bytes());
                for x in a {
                    enc(x, out);
                }
            }
            W::M(m) => {
                out.push(0x80 | m.len() as u8);
                for (k, v) in m {
                    enc(k, out);
                    enc(v, out);
                }
            }
        }
    }

    fn macaroon(location: &str, caveats: Vec<W>) -> String {
        let m = W::A(vec![
            W::A(vec![W::B(&[1, 2, 3, 4]), W::B(&[9; 16])]),
            W::S(location),
            W::A(caveats),
            W::B(&[7; 32]),
        ]);
        let mut out = Vec::new();
        enc(&m, &mut out);
        format!("fm2_{}", STANDARD.encode(out))
    }

    fn run(t: &str) -> Signals {
        decode(&DecodeInput {
            rule_id: "fly.token",
            secret: t,
            variable: None,
            companion: None,
            now: 1_700_000_000,
        })
    }

    const PERM: &str = "https://api.fly.io/v1";

    #[test]
    fn org_token_is_organization_admin() {
        let t = macaroon(PERM, vec![W::I(0), W::A(vec![W::I(48213), W::I(0x1f)])]);
        let s = run(&format!("FlyV1 {t}"));
        assert_eq!(s.kind.as_deref(), Some("Fly.io organization token"));
        assert_eq!(s.identity.as_deref(), Some("Fly.io organization 48213"));
        assert_eq!(s.breadth, Some(Breadth::Organization));
        assert_eq!(s.access, Some(Access::Admin));
        assert_eq!(s.destructive, Some(true));
        assert_eq!(s.permissions, vec!["org:48213:all"]);
    }

    #[test]
    fn deploy_token_with_window_and_discharge() {
        let t = macaroon(
            PERM,
            vec![
                W::I(0),
                W::A(vec![W::I(48213), W::I(0x1f)]),
                W::I(3),
                W::A(vec![W::M(vec![(W::I(777), W::I(0x1f))])]),
                W::I(4),
                W::A(vec![W::I(1_690_000_000), W::I(1_900_000_000)]),
            ],
        );
        let d = macaroon("https://api.fly.io/aaa/v1", vec![]);
        let s = run(&format!("FlyV1 {t},{d}"));
        assert_eq!(s.kind.as_deref(), Some("Fly.io app deploy token"));
        assert_eq!(s.breadth, Some(Breadth::Project));
        assert_eq!(s.access, Some(Access::Write));
        assert_eq!(s.destructive, Some(true));
        assert_eq!(s.expires_at, Some(1_900_000_000));
        assert_eq!(s.permissions, vec!["org:48213:all", "app:777:all"]);
    }

    #[test]
    fn read_only_and_mutations() {
        let t = macaroon(PERM, vec![W::I(0), W::A(vec![W::I(5), W::I(1)])]);
        let s = run(&t);
        assert_eq!(s.access, Some(Access::Read));
        assert_eq!(s.destructive, Some(false));
        let t = macaroon(
            PERM,
            vec![
                W::I(0),
                W::A(vec![W::I(5), W::I(0x1f)]),
                W::I(6),
                W::A(vec![W::A(vec![W::S("deleteApp")])]),
            ],
        );
        let s = run(&t);
        assert_eq!(s.access, Some(Access::Write));
        assert_eq!(s.destructive, Some(true));
        assert!(s.permissions.contains(&"mutation:deleteApp".to_string()));
        let t = macaroon(
            PERM,
            vec![
                W::I(0),
                W::A(vec![W::I(5), W::I(0x1f)]),
                W::I(7),
                W::A(vec![W::M(vec![(W::S("m1"), W::I(3))])]),
            ],
        );
        let s = run(&t);
        assert_eq!(s.breadth, Some(Breadth::Resource));
        assert_eq!(s.access, Some(Access::Write));
        assert_eq!(s.destructive, Some(false));
    }

    #[test]
    fn malformed() {
        let good = macaroon(PERM, vec![W::I(0), W::A(vec![W::I(5), W::I(1)])]);
        for bad in [
            "fm2_!!!",
            "fm2_kQ==",
            "fo1_abcdef",
            "fm2_3AAA",
            "fm2_3f////8=",
        ] {
            assert!(run(bad).malformed.is_some(), "{bad}");
        }
        for i in 4..good.len() {
            let _ = run(&good[..i]);
        }
        // Deep nesting is refused, not a stack overflow.
        let deep = format!("fm2_{}", STANDARD.encode([0x91u8; 5000]));
        assert!(run(&deep).malformed.is_some());
    }
}
