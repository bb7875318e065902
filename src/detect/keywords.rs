//! The keyword prefilter: every occurrence of every rule keyword (ASCII case-insensitive) in an
//! item, overlapping ones included, in one pass over its bytes.
//!
//! Why not `AhoCorasick::find`: with ~150 case-insensitive keywords there is no literal
//! prefilter to skip ahead with (Teddy takes at most 64 case-sensitive literals, and common
//! keywords such as `token` would defeat it anyway), so the search is one DFA transition per
//! byte, and each transition waits for the previous one's table load (~10 cycles a byte). This
//! module takes the same automaton's transitions into a flat table and walks several segments
//! of the item at once: the loads of independent walks overlap, which measured ~2.3× the
//! throughput of the library's loop on source-like text.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};
use std::collections::hash_map::{Entry, HashMap};

/// Walks interleaved at once. Four measured best on x86-64 (more walks spill registers).
const WALKS: usize = 4;
/// Items shorter than this are walked in one piece: warming up each segment's state costs up
/// to one keyword length, which only pays off on longer items.
const INTERLEAVE_MIN: usize = 1024;

pub struct KeywordSearcher {
    /// `trans[state + class]` is the next state; states are premultiplied by `classes_len`.
    trans: Vec<u32>,
    /// Byte → equivalence class: bytes in no keyword share one class; a letter and its other
    /// case share one.
    classes: [u8; 256],
    start: u32,
    /// States at or above this one end at least one keyword.
    match_min: u32,
    /// For each match state (`(state - match_min) / classes_len`), the keywords ending there:
    /// (keyword index, keyword length).
    outputs: Vec<Vec<(u32, u32)>>,
    classes_len: u32,
    /// Longest keyword, in bytes.
    max_len: usize,
}

impl KeywordSearcher {
    /// `keywords` are matched ASCII case-insensitively; indices in results are into this slice.
    pub fn new(keywords: &[String]) -> Result<KeywordSearcher, String> {
        let dfa = aho_corasick::dfa::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(keywords)
            .map_err(|e| e.to_string())?;
        let (classes, representatives) = byte_classes(keywords);
        let (states, index) = reachable_states(&dfa, &representatives)?;
        let classes_len = representatives.len() as u32;
        // Match states last, so "is this a match" is one comparison in the hot loop.
        let mut order: Vec<usize> = (0..states.len()).collect();
        order.sort_by_key(|&i| (dfa.is_match(states[i]), i));
        let mut position = vec![0u32; states.len()];
        for (new, &old) in order.iter().enumerate() {
            position[old] = new as u32;
        }
        let total = states.len() as u64 * u64::from(classes_len);
        if total > u64::from(u32::MAX) {
            return Err("keyword automaton too large".into());
        }
        let mut trans = vec![0u32; total as usize];
        let mut outputs = Vec::new();
        for &old in &order {
            let sid = states[old];
            let row = position[old] * classes_len;
            for (class, &byte) in representatives.iter().enumerate() {
                let next = dfa.next_state(Anchored::No, sid, byte);
                trans[(row + class as u32) as usize] =
                    position[index[&next.as_u32()]] * classes_len;
            }
            if dfa.is_match(sid) {
                outputs.push(
                    (0..dfa.match_len(sid))
                        .map(|i| {
                            let p = dfa.match_pattern(sid, i);
                            (p.as_u32(), dfa.pattern_len(p) as u32)
                        })
                        .collect(),
                );
            }
        }
        let first_match = order
            .iter()
            .position(|&old| dfa.is_match(states[old]))
            .unwrap_or(states.len()) as u32;
        Ok(KeywordSearcher {
            trans,
            classes,
            start: position[0] * classes_len,
            match_min: first_match * classes_len,
            outputs,
            classes_len,
            max_len: keywords.iter().map(String::len).max().unwrap_or(1),
        })
    }

    /// The longest keyword's length in bytes.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// Appends every (start offset, keyword index) occurrence in `hay` to `out`, sorted.
    pub fn find_all(&self, hay: &[u8], out: &mut Vec<(usize, u32)>) {
        let first = out.len();
        if hay.len() < INTERLEAVE_MIN.max(WALKS * self.max_len) {
            self.walk_one(hay, 0, hay.len(), self.start, out);
        } else {
            self.walk_interleaved(hay, out);
        }
        // Stable sort: linear on the nearly sorted runs the walks produce.
        out[first..].sort();
    }

    #[inline(always)]
    fn step(&self, state: u32, byte: u8) -> u32 {
        let class = self.classes[usize::from(byte)];
        // In bounds by construction: every state is a row start and every class < classes_len.
        self.trans[(state + u32::from(class)) as usize]
    }

    #[inline(always)]
    fn report(&self, state: u32, end: usize, out: &mut Vec<(usize, u32)>) {
        let row = ((state - self.match_min) / self.classes_len) as usize;
        for &(pattern, len) in &self.outputs[row] {
            out.push((end + 1 - len as usize, pattern));
        }
    }

    fn walk_one(
        &self,
        hay: &[u8],
        from: usize,
        to: usize,
        mut state: u32,
        out: &mut Vec<(usize, u32)>,
    ) {
        for (i, &b) in hay[from..to].iter().enumerate() {
            state = self.step(state, b);
            if state >= self.match_min {
                self.report(state, from + i, out);
            }
        }
    }

    /// `WALKS` equal segments walked in lockstep. Each segment after the first starts from the
    /// state reached by reading the `max_len - 1` bytes before it: an Aho-Corasick state only
    /// remembers the longest suffix that is a proper keyword prefix, so this is the state a
    /// walk from the item's start would be in, and a keyword straddling the boundary is found
    /// by the segment it ends in (and only by it).
    // One index drives the walks' positions in lockstep; iterator adapters over four slices
    // would hide exactly the independence the loop exists to expose.
    #[allow(clippy::needless_range_loop)]
    fn walk_interleaved(&self, hay: &[u8], out: &mut Vec<(usize, u32)>) {
        let seg = hay.len() / WALKS;
        let back = self.max_len - 1;
        let mut offset = [0usize; WALKS];
        let mut state = [self.start; WALKS];
        for k in 0..WALKS {
            offset[k] = k * seg;
            if k > 0 {
                state[k] = hay[offset[k] - back..offset[k]]
                    .iter()
                    .fold(self.start, |s, &b| self.step(s, b));
            }
        }
        let segments: [&[u8]; WALKS] = std::array::from_fn(|k| &hay[offset[k]..offset[k] + seg]);
        // One list per walk, concatenated in walk order: each is in end order, which is start
        // order but for a longer keyword ending after a shorter one, so the final sort sees a
        // few long runs (sorting interleaved hits cost half the time on keyword-dense input).
        let mut parts: [Vec<(usize, u32)>; WALKS] = Default::default();
        for i in 0..seg {
            let mut any = false;
            for k in 0..WALKS {
                state[k] = self.step(state[k], segments[k][i]);
                any |= state[k] >= self.match_min;
            }
            if any {
                for k in 0..WALKS {
                    if state[k] >= self.match_min {
                        self.report(state[k], offset[k] + i, &mut parts[k]);
                    }
                }
            }
        }
        let tail = offset[WALKS - 1] + seg;
        self.walk_one(
            hay,
            tail,
            hay.len(),
            state[WALKS - 1],
            &mut parts[WALKS - 1],
        );
        for part in &parts {
            out.extend_from_slice(part);
        }
    }
}

/// A partition of bytes that the case-insensitive automaton cannot tell apart within a class,
/// and one representative byte per class.
fn byte_classes(keywords: &[String]) -> ([u8; 256], Vec<u8>) {
    let mut classes = [0u8; 256];
    // Class 0: bytes in no keyword. Its representative must be such a byte.
    let mut used = [false; 256];
    for k in keywords {
        for b in k.bytes() {
            used[usize::from(b.to_ascii_lowercase())] = true;
            used[usize::from(b.to_ascii_uppercase())] = true;
        }
    }
    let unused = (0..=255u8).find(|&b| !used[usize::from(b)]).unwrap_or(0);
    let mut representatives = vec![unused];
    for b in 0..=255u8 {
        if !used[usize::from(b)] || b.is_ascii_uppercase() {
            continue;
        }
        classes[usize::from(b)] = representatives.len() as u8;
        if b.is_ascii_lowercase() {
            classes[usize::from(b.to_ascii_uppercase())] = representatives.len() as u8;
        }
        representatives.push(b);
    }
    (classes, representatives)
}

/// Every state reachable from the unanchored start state, start first, and each state's
/// position in that list.
fn reachable_states(
    dfa: &DFA,
    representatives: &[u8],
) -> Result<(Vec<StateID>, HashMap<u32, usize>), String> {
    let start = dfa.start_state(Anchored::No).map_err(|e| e.to_string())?;
    let mut states = vec![start];
    let mut index = HashMap::from([(start.as_u32(), 0)]);
    let mut i = 0;
    while i < states.len() {
        for &b in representatives {
            let next = dfa.next_state(Anchored::No, states[i], b);
            if let Entry::Vacant(e) = index.entry(next.as_u32()) {
                e.insert(states.len());
                states.push(next);
            }
        }
        i += 1;
    }
    Ok((states, index))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (start, keyword) occurrence, by brute force.
    fn naive(keywords: &[String], hay: &[u8]) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        for s in 0..hay.len() {
            for (i, k) in keywords.iter().enumerate() {
                if hay.len() - s >= k.len()
                    && hay[s..s + k.len()].eq_ignore_ascii_case(k.as_bytes())
                {
                    out.push((s, i as u32));
                }
            }
        }
        out
    }

    #[test]
    fn finds_every_overlapping_occurrence_across_segment_boundaries() {
        let keywords: Vec<String> = [
            "token", "to", "ghp_", "sk_live_", "secret_", "secret", "kEn",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let s = KeywordSearcher::new(&keywords).unwrap();
        // Pseudo-random text over the keywords' letters, so matches (and near misses) are dense
        // and some straddle every segment boundary; lengths around the interleaving threshold.
        let alphabet = b"tokenTOKENghp_sk_live_secret_ \n=x";
        let mut seed = 0x9e3779b97f4a7c15u64;
        for len in [0, 1, 5, 100, 1023, 1024, 1025, 4096, 10_007] {
            let hay: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize]
                })
                .collect();
            let mut got = Vec::new();
            s.find_all(&hay, &mut got);
            assert_eq!(got, naive(&keywords, &hay), "length {len}");
        }
    }

    #[test]
    fn bytes_outside_every_keyword_share_a_class() {
        let (classes, reps) = byte_classes(&["Ab".to_string()]);
        assert_eq!(reps.len(), 3);
        assert_eq!(classes[usize::from(b'a')], classes[usize::from(b'A')]);
        assert_eq!(classes[usize::from(b'z')], classes[0]);
        assert_ne!(classes[usize::from(b'a')], classes[usize::from(b'b')]);
    }
}
