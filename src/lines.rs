//! The line around a byte offset, for callers that visit offsets in increasing order (keyword
//! hits, trigger words): each line is delimited once however many offsets fall in it, so a
//! minified file, one line of megabytes with thousands of hits, costs one search, not one each.

#[derive(Debug, Default)]
pub struct LineCursor {
    /// The last line delimited: its start, and the offset of its newline (or the item's end).
    line: Option<(usize, usize)>,
}

impl LineCursor {
    /// `(start, end)` of the line holding `at`: `end` is the offset of its `\n`, or `hay.len()`.
    pub fn line(&mut self, hay: &[u8], at: usize) -> (usize, usize) {
        match self.line {
            Some((ls, le)) if ls <= at && at <= le => (ls, le),
            _ => {
                let ls = memchr::memrchr(b'\n', &hay[..at]).map_or(0, |i| i + 1);
                let le = memchr::memchr(b'\n', &hay[at..]).map_or(hay.len(), |i| at + i);
                self.line = Some((ls, le));
                (ls, le)
            }
        }
    }

    /// Forget the last line (a new item).
    pub fn reset(&mut self) {
        self.line = None;
    }
}

#[cfg(test)]
mod tests {
    use super::LineCursor;

    #[test]
    fn lines_are_delimited_by_newlines_and_item_ends() {
        let hay = b"ab\ncd\n\nef";
        let mut c = LineCursor::default();
        assert_eq!(c.line(hay, 0), (0, 2));
        assert_eq!(c.line(hay, 2), (0, 2));
        assert_eq!(c.line(hay, 4), (3, 5));
        assert_eq!(c.line(hay, 6), (6, 6));
        assert_eq!(c.line(hay, 8), (7, 9));
        c.reset();
        assert_eq!(c.line(hay, 1), (0, 2));
    }
}
