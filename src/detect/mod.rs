//! Detection: every detector compiled once into one matcher. A keyword prefilter (one automaton
//! over all rules' keywords, `keywords.rs`) finds candidate windows; only the rules owning a
//! keyword hit run their regex, and only on the window around the hit (keyword-assigned rules:
//! anchored at the assignment).

pub mod checksum;
pub mod filters;
pub mod keywords;
pub mod rules;

use crate::lines::LineCursor;
use crate::secret::SecretValue;
use keywords::KeywordSearcher;
use regex::bytes::Regex;
use rules::{ProviderFile, ProviderInfo, RuleDef, ScopeMeaning};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::collections::HashSet;
use std::sync::OnceLock;

/// How far a window reaches around a keyword hit. Windows stop at line ends first; these caps
/// only matter on very long (minified) lines and keep the work per hit bounded.
const WINDOW_BEFORE: usize = 256;
const WINDOW_AFTER: usize = 4096;
/// Keyword occurrences are collected and sorted this many bytes of an item at a time.
const KEYWORD_BLOCK: usize = 256 * 1024;
/// Multi-line secrets (PEM blocks, JSON key files) may span this much after their keyword.
const WINDOW_AFTER_MULTILINE: usize = 64 * 1024;

pub struct Rule {
    pub def: RuleDef,
    pub provider: usize,
    /// Compiled on the rule's first keyword hit: compiling all 114 regexes costs ~50 ms at
    /// start-up, which dominated the pre-commit path (a few small files, most rules never hit).
    /// `Detectors::new` parses every pattern, so compiling later cannot fail.
    compiled: OnceLock<Compiled>,
}

struct Compiled {
    regex: Regex,
    secret_group: usize,
    var_group: Option<usize>,
    companion: Option<Regex>,
}

impl Rule {
    pub fn id(&self) -> &str {
        &self.def.id
    }

    fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| {
            Compiled::new(&self.def)
                .unwrap_or_else(|e| panic!("rule {} was checked at load: {e}", self.def.id))
        })
    }
}

impl Compiled {
    fn new(def: &RuleDef) -> Result<Compiled, regex::Error> {
        // A keyword-assigned rule runs once per assignment, from the start of its name: anchored,
        // the automaton stops where the assignment stops matching instead of scanning the rest
        // of the line (or of a minified file) for a later start.
        let regex = if def.keyword_assigned {
            Regex::new(&format!("^(?:{})", def.regex))?
        } else {
            Regex::new(&def.regex)?
        };
        let secret_group = regex
            .capture_names()
            .position(|n| n == Some("secret"))
            .unwrap_or(if regex.captures_len() > 1 { 1 } else { 0 });
        let var_group = regex.capture_names().position(|n| n == Some("var"));
        let companion = match &def.companion {
            Some(c) => Some(Regex::new(&c.regex)?),
            None => None,
        };
        Ok(Compiled {
            regex,
            secret_group,
            var_group,
            companion,
        })
    }
}

/// Parses a pattern without compiling it: the errors `Regex::new` would give for syntax,
/// at a fraction of the cost. (Compilation can also fail on the size limit; the test suite
/// compiles every built-in rule.)
fn check_syntax(pattern: &str) -> Result<(), String> {
    regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .map(drop)
        .map_err(|e| e.to_string())
}

pub struct Detectors {
    pub providers: Vec<ProviderInfo>,
    pub scopes: Vec<BTreeMap<String, ScopeMeaning>>,
    pub rules: Vec<Rule>,
    /// Every keyword of every rule (lowercased, unique), found ASCII case-insensitively.
    keywords: KeywordSearcher,
    /// For each keyword, the rules that own it, and its length.
    pattern_rules: Vec<Vec<usize>>,
    keyword_len: Vec<usize>,
}

/// Per-thread scratch space of the matcher, reused across items to avoid allocation churn.
#[derive(Default)]
struct Scratch {
    /// Merged windows per rule index.
    spans: Vec<Vec<(usize, usize)>>,
    /// Rules with at least one window, in first-hit order.
    touched: Vec<usize>,
    /// Keyword occurrences in the item: (offset, keyword index).
    hits: Vec<(usize, u32)>,
    /// Hits come in order: each line is delimited once (a minified file is one line).
    line: LineCursor,
}

impl Scratch {
    /// Adds the window `[ws, we)` for rule `r`; windows arrive in keyword order. With `merge`,
    /// one overlapping the last window extends it. Without (anchored rules, whose regex runs
    /// from the window's start), one starting where the last did is the same name reached
    /// through another of its keywords, and is dropped.
    fn add_window(&mut self, r: usize, ws: usize, we: usize, merge: bool) {
        let spans = &mut self.spans[r];
        match spans.last_mut() {
            None => {
                self.touched.push(r);
                spans.push((ws, we));
            }
            Some(last) if merge && ws <= last.1 => last.1 = last.1.max(we),
            Some(last) if !merge && last.0 == ws => {}
            Some(_) => spans.push((ws, we)),
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// A candidate that passed every gate. Offsets are bytes into the scanned content.
#[derive(Debug, Clone)]
pub struct RawMatch {
    pub rule: usize,
    pub secret: SecretValue,
    pub start: usize,
    pub end: usize,
    pub variable: Option<String>,
    pub companion: Option<SecretValue>,
}

impl Detectors {
    /// The detectors compiled into the binary, built once per process.
    ///
    /// Development only (benchmarks): `TOKENSCOPE_RULES=id1,id2,…` keeps just those rules.
    pub fn builtin() -> &'static Detectors {
        static BUILTIN: OnceLock<Detectors> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut files = rules::builtin();
            if let Some(keep) = std::env::var_os("TOKENSCOPE_RULES") {
                let keep = keep.to_string_lossy().into_owned();
                let keep: Vec<&str> = keep.split(',').map(str::trim).collect();
                for f in &mut files {
                    f.rules.retain(|r| keep.contains(&r.id.as_str()));
                }
            }
            Detectors::new(files).unwrap_or_else(|e| panic!("built-in detectors: {e}"))
        })
    }

    pub fn new(files: Vec<ProviderFile>) -> Result<Detectors, String> {
        let mut providers = Vec::new();
        let mut scopes = Vec::new();
        let mut rules = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_rules: Vec<Vec<usize>> = Vec::new();
        for pf in files {
            let p = providers.len();
            providers.push(pf.provider);
            scopes.push(pf.scopes);
            for def in pf.rules {
                check_syntax(&def.regex).map_err(|e| format!("rule {}: {e}", def.id))?;
                if let Some(c) = &def.companion {
                    check_syntax(&c.regex)
                        .map_err(|e| format!("rule {} companion: {e}", def.id))?;
                }
                let r = rules.len();
                for k in &def.keywords {
                    let k = k.to_ascii_lowercase();
                    match patterns.iter().position(|p| *p == k) {
                        Some(i) => pattern_rules[i].push(r),
                        None => {
                            patterns.push(k);
                            pattern_rules.push(vec![r]);
                        }
                    }
                }
                rules.push(Rule {
                    def,
                    provider: p,
                    compiled: OnceLock::new(),
                });
            }
        }
        let mut ids: Vec<&str> = rules.iter().map(|r| r.id()).collect();
        ids.sort();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!("duplicate rule id {}", w[0]));
        }
        let keywords = KeywordSearcher::new(&patterns)?;
        let keyword_len = patterns.iter().map(String::len).collect();
        Ok(Detectors {
            providers,
            scopes,
            rules,
            keywords,
            pattern_rules,
            keyword_len,
        })
    }

    pub fn provider_of(&self, rule: usize) -> &ProviderInfo {
        &self.providers[self.rules[rule].provider]
    }

    /// Re-applies the generic-versus-specific rule after matches from several scans (the raw
    /// bytes and their decoded base64 values) are put together.
    pub fn resolve_overlaps(&self, out: &mut Vec<RawMatch>) {
        resolve_overlaps(&self.rules, out, &[]);
    }

    pub fn rule_index(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id() == id)
    }

    /// Every match in `hay`, sorted by offset, with lower-priority (generic) matches that overlap
    /// a specific one removed.
    pub fn scan(&self, hay: &[u8]) -> Vec<RawMatch> {
        let mut out = Vec::new();
        let mut claimed = Vec::new();
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let scratch = &mut *scratch;
            self.candidate_windows(hay, scratch);
            scratch.touched.sort_unstable();
            for &rule in &scratch.touched {
                for &(ws, we) in &scratch.spans[rule] {
                    self.run_rule(rule, hay, ws, we, &mut out, &mut claimed);
                }
                scratch.spans[rule].clear();
            }
            scratch.touched.clear();
        });
        if !out.is_empty() {
            resolve_overlaps(&self.rules, &mut out, &claimed);
        }
        out
    }

    /// For each rule with keyword hits, merged byte windows to run its regex on.
    fn candidate_windows(&self, hay: &[u8], scratch: &mut Scratch) {
        if scratch.spans.len() < self.rules.len() {
            scratch.spans.resize_with(self.rules.len(), Vec::new);
        }
        // Block by block, so that the hit list stays small on an item that is nothing but
        // keywords (`eyJeyJeyJ…`: one hit every 3 bytes). Each block reports the keywords that
        // start in it, reading on past its end far enough to see them whole.
        let mut hits = std::mem::take(&mut scratch.hits);
        scratch.line.reset();
        let mut from = 0;
        while from < hay.len() {
            let to = (from + KEYWORD_BLOCK).min(hay.len());
            let ahead = (to + self.keywords.max_len() - 1).min(hay.len());
            hits.clear();
            self.keywords.find_all(&hay[from..ahead], &mut hits);
            hits.retain(|&(s, _)| s < to - from);
            for &(s, p) in &hits {
                self.add_windows(hay, from + s, p as usize, scratch);
            }
            from = to;
        }
        scratch.hits = hits;
    }

    /// Adds the windows a keyword occurrence at `start` opens for each rule owning it.
    fn add_windows(&self, hay: &[u8], start: usize, p: usize, scratch: &mut Scratch) {
        let end = start + self.keyword_len[p];
        for &r in &self.pattern_rules[p] {
            let def = &self.rules[r].def;
            if def.keyword_assigned {
                if assigned_after(hay, end) {
                    let ws = name_start(hay, start);
                    // No search for the line end: the anchored regex stops at the first
                    // byte that does not continue the assignment, and a newline never does.
                    let we = (end + WINDOW_AFTER).min(hay.len());
                    scratch.add_window(r, ws, we, false);
                }
                continue;
            }
            let (ls, le) = scratch.line.line(hay, start);
            let ws = ls.max(start.saturating_sub(WINDOW_BEFORE));
            let we = if def.multiline {
                (end + WINDOW_AFTER_MULTILINE).min(hay.len())
            } else {
                le.min(end + WINDOW_AFTER)
            };
            scratch.add_window(r, ws, we, true);
        }
    }

    /// Runs one rule's regex on a window. Values a specific rule's format matched but its gate
    /// rejected (a GitHub token with a bad checksum, a placeholder) are recorded in `claimed`:
    /// that rule knows the format best, so a generic rule may not report them either.
    fn run_rule(
        &self,
        r: usize,
        hay: &[u8],
        ws: usize,
        we: usize,
        out: &mut Vec<RawMatch>,
        claimed: &mut Vec<(usize, usize)>,
    ) {
        let rule = &self.rules[r];
        let compiled = rule.compiled();
        let window = &hay[ws..we];
        for caps in compiled.regex.captures_iter(window) {
            let Some(g) = caps.get(compiled.secret_group) else {
                continue;
            };
            let value = String::from_utf8_lossy(g.as_bytes()).into_owned();
            if !filters::accept(&rule.def, &value) {
                if !rule.def.generic {
                    claimed.push((ws + g.start(), ws + g.end()));
                }
                continue;
            }
            let variable = compiled
                .var_group
                .and_then(|i| caps.get(i))
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            let (start, end) = (ws + g.start(), ws + g.end());
            let companion = match (&compiled.companion, &rule.def.companion) {
                (Some(re), Some(def)) => {
                    let found = find_companion(re, hay, start, end, def.within_lines);
                    if found.is_none() && !def.optional {
                        continue;
                    }
                    found
                }
                _ => None,
            };
            out.push(RawMatch {
                rule: r,
                secret: SecretValue::new(value),
                start,
                end,
                variable,
                companion,
            });
        }
    }
}

/// Drops generic matches whose secret overlaps a specific match or a span a specific rule
/// claimed, and exact duplicates.
fn resolve_overlaps(rules: &[Rule], out: &mut Vec<RawMatch>, claimed: &[(usize, usize)]) {
    out.sort_by_key(|m| (m.start, m.end, rules[m.rule].def.generic, m.rule));
    if out.iter().any(|m| rules[m.rule].def.generic) {
        // Spans no generic match may overlap: specific matches and values specific rules claimed.
        let mut blocked: Vec<(usize, usize)> = out
            .iter()
            .filter(|m| !rules[m.rule].def.generic)
            .map(|m| (m.start, m.end))
            .chain(claimed.iter().copied())
            .collect();
        let blocked = SpanSet::new(&mut blocked);
        // A generic match also loses to a specific match whose companion it is (the AWS secret
        // key assigned to `aws_secret_access_key` beside its key id).
        let companions: HashSet<&str> = out
            .iter()
            .filter(|m| !rules[m.rule].def.generic)
            .filter_map(|m| m.companion.as_ref().map(|c| c.expose()))
            .collect();
        let keep: Vec<bool> = out
            .iter()
            .map(|m| {
                !rules[m.rule].def.generic
                    || !(blocked.overlaps(m.start, m.end) || companions.contains(m.secret.expose()))
            })
            .collect();
        let mut i = 0;
        out.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }
    out.dedup_by(|b, a| a.start == b.start && a.end == b.end && a.rule == b.rule);
}

/// Byte spans sorted by start with a running maximum of their ends, so "does any span overlap
/// [start, end)" is one binary search instead of a scan of every span: resolving a file with
/// thousands of matches stays O(n log n).
struct SpanSet {
    starts: Vec<usize>,
    max_end: Vec<usize>,
}

impl SpanSet {
    fn new(spans: &mut [(usize, usize)]) -> SpanSet {
        spans.sort_unstable();
        let mut max = 0;
        let max_end = spans
            .iter()
            .map(|&(_, e)| {
                max = max.max(e);
                max
            })
            .collect();
        SpanSet {
            starts: spans.iter().map(|&(s, _)| s).collect(),
            max_end,
        }
    }

    fn overlaps(&self, start: usize, end: usize) -> bool {
        let n = self.starts.partition_point(|&s| s < end);
        n > 0 && self.max_end[n - 1] > start
    }
}

/// Whether the name that a keyword ending at `at` is part of is followed by an assignment: the
/// rest of the name (`[A-Za-z0-9_.-]`), an optional closing quote, blanks, then `=` or `:`.
fn assigned_after(hay: &[u8], at: usize) -> bool {
    let ceil = (at + WINDOW_AFTER).min(hay.len());
    let mut i = at;
    while i < ceil && is_name_byte(hay[i]) {
        i += 1;
    }
    if i < ceil && matches!(hay[i], b'"' | b'\'') {
        i += 1;
    }
    while i < ceil && matches!(hay[i], b' ' | b'\t') {
        i += 1;
    }
    i < ceil && matches!(hay[i], b'=' | b':')
}

/// Where the variable name holding a keyword that starts at `at` begins: back over name
/// characters, then forward to the first word character (where `\b` holds).
fn name_start(hay: &[u8], at: usize) -> usize {
    let floor = at.saturating_sub(WINDOW_BEFORE);
    let mut i = at;
    while i > floor && is_name_byte(hay[i - 1]) {
        i -= 1;
    }
    while i < at && !(hay[i].is_ascii_alphanumeric() || hay[i] == b'_') {
        i += 1;
    }
    i
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

fn line_start(hay: &[u8], at: usize, cap: usize) -> usize {
    let floor = at.saturating_sub(cap);
    match memchr::memrchr(b'\n', &hay[floor..at]) {
        Some(i) => floor + i + 1,
        None => floor,
    }
}

fn line_end(hay: &[u8], at: usize, cap: usize) -> usize {
    let ceil = (at + cap).min(hay.len());
    match memchr::memchr(b'\n', &hay[at..ceil]) {
        Some(i) => at + i,
        None => ceil,
    }
}

/// The companion value closest to the main match within `lines` lines either side.
fn find_companion(
    re: &Regex,
    hay: &[u8],
    start: usize,
    end: usize,
    lines: usize,
) -> Option<SecretValue> {
    let mut ws = start;
    for _ in 0..=lines {
        ws = line_start(hay, ws.saturating_sub(1), 4096);
        if ws == 0 {
            break;
        }
    }
    let mut we = end;
    for _ in 0..=lines {
        if we >= hay.len() {
            break;
        }
        we = line_end(hay, (we + 1).min(hay.len()), 4096);
    }
    let window = &hay[ws..we];
    let group = if re.captures_len() > 1 {
        re.capture_names()
            .position(|n| n == Some("secret"))
            .unwrap_or(1)
    } else {
        0
    };
    re.captures_iter(window)
        .filter_map(|c| c.get(group))
        .min_by_key(|g| (ws + g.start()).abs_diff(start))
        .map(|g| SecretValue::new(String::from_utf8_lossy(g.as_bytes()).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::SpanSet;

    #[test]
    fn span_set_answers_like_a_scan_of_every_span() {
        let mut spans = vec![(10, 20), (0, 3), (15, 40), (50, 51)];
        let set = SpanSet::new(&mut spans.clone());
        for start in 0..60 {
            for end in start + 1..62 {
                let scan = spans.iter_mut().any(|&mut (s, e)| start < e && s < end);
                assert_eq!(set.overlaps(start, end), scan, "[{start}, {end})");
            }
        }
    }
}
