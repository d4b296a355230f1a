//! Splits decoded CSV text into records, counting lines as a spreadsheet shows them
//! (SPEC §1 "Lines"): the header is line 1, every line break outside quotes starts a
//! new line (blank lines included), and a record whose quoted field holds line breaks
//! is one line, as a spreadsheet shows it as one row. The csv crate's own line numbers are wrong on both counts, and it
//! cannot report a quote that never closes, so this small RFC 4180 reader does it.

use std::borrow::Cow;

use super::cell::Cell;
use crate::limits;

/// Why a record could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum RecordError {
    /// A quote that opens on `line` never closes.
    UnclosedQuote { line: u32 },
    /// The record starting on `line` is longer than the reader's limit (SPEC §8): it is
    /// refused rather than held whole.
    TooLong { line: u32 },
}

/// Reads records from decoded text. Fields borrow from the text unless they hold an
/// escaped quote (`""`) or text after a closing quote.
pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
    delimiter: u8,
    /// The longest record read, in bytes of text.
    limit: usize,
    /// Fields past this many are not kept (SPEC §8: memory grows with non-empty cells,
    /// not with separators); the last non-empty one is counted in `overflow`.
    width: usize,
    /// Of the last record: the 1-based position of its last non-empty field past
    /// `width`, or 0.
    overflow: usize,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str, delimiter: u8) -> Self {
        Reader::starting_at(text, delimiter, 0, 1)
    }

    /// A reader that starts at byte `pos` (the start of a line), numbered `line`.
    pub fn starting_at(text: &'a str, delimiter: u8, pos: usize, line: u32) -> Self {
        Reader {
            text,
            pos,
            line,
            delimiter,
            limit: limits::MAX_RECORD_BYTES,
            width: usize::MAX,
            overflow: 0,
        }
    }

    /// Refuses records longer than `limit` bytes.
    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// Keeps at most `width` fields of a record (the header's); see [`Reader::overflow`].
    pub fn with_width(mut self, width: usize) -> Self {
        self.width = width;
        self
    }

    /// The byte position and line number of the next record.
    pub fn position(&self) -> (usize, u32) {
        (self.pos, self.line)
    }

    /// How many fields the last record has up to its last non-empty one, when that is
    /// past the width kept (its other fields were not kept); else 0.
    pub fn overflow(&self) -> usize {
        self.overflow
    }

    /// Reads the next record into `out`; returns its line, or None at the end.
    pub fn next_record(&mut self, out: &mut Vec<Cell<'a>>) -> Result<Option<u32>, RecordError> {
        out.clear();
        self.overflow = 0;
        let text = self.text;
        let bytes = text.as_bytes();
        if self.pos >= bytes.len() {
            return Ok(None);
        }
        let record_line = self.line;
        let record_start = self.pos;
        let limit = self.limit;
        let too_long = |pos: usize| pos - record_start > limit;
        let delim = self.delimiter;
        let mut fields = 0;
        loop {
            let mut owned: Option<String> = None;
            let mut borrowed: &'a str = "";
            if bytes.get(self.pos) == Some(&b'"') {
                let open_line = self.line;
                self.pos += 1;
                loop {
                    let Some(q) = memchr::memchr(b'"', &bytes[self.pos..]) else {
                        // The record runs to the end of the text.
                        if too_long(bytes.len()) {
                            return Err(RecordError::TooLong { line: record_line });
                        }
                        return Err(RecordError::UnclosedQuote { line: open_line });
                    };
                    if too_long(self.pos + q) {
                        return Err(RecordError::TooLong { line: record_line });
                    }
                    // Breaks inside quotes start no new line: the record is one row.
                    let chunk = &text[self.pos..self.pos + q];
                    self.pos += q + 1;
                    if bytes.get(self.pos) == Some(&b'"') {
                        let o = owned.get_or_insert_with(String::new);
                        o.push_str(chunk);
                        o.push('"');
                        self.pos += 1;
                    } else {
                        match owned.as_mut() {
                            Some(o) => o.push_str(chunk),
                            None => borrowed = chunk,
                        }
                        break;
                    }
                }
                // Text after the closing quote, up to the delimiter, is kept too.
                let rest = &bytes[self.pos..];
                let stop = memchr::memchr3(delim, b'\n', b'\r', rest).unwrap_or(rest.len());
                if too_long(self.pos + stop) {
                    return Err(RecordError::TooLong { line: record_line });
                }
                if stop > 0 {
                    let o = owned.get_or_insert_with(|| borrowed.to_owned());
                    o.push_str(&text[self.pos..self.pos + stop]);
                }
                self.pos += stop;
            } else {
                let rest = &bytes[self.pos..];
                let stop = memchr::memchr3(delim, b'\n', b'\r', rest).unwrap_or(rest.len());
                borrowed = &text[self.pos..self.pos + stop];
                self.pos += stop;
                if too_long(self.pos) {
                    return Err(RecordError::TooLong { line: record_line });
                }
            }
            let cell = Cell::Text(match owned {
                Some(o) => Cow::Owned(o),
                None => Cow::Borrowed(borrowed),
            });
            fields += 1;
            if fields <= self.width {
                out.push(cell);
            } else if !cell.is_blank() {
                self.overflow = fields;
            }
            match bytes.get(self.pos) {
                Some(&b) if b == delim => {
                    self.pos += 1;
                }
                Some(b'\r') => {
                    self.pos += 1;
                    if bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    self.line += 1;
                    return Ok(Some(record_line));
                }
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    return Ok(Some(record_line));
                }
                _ => return Ok(Some(record_line)),
            }
        }
    }
}

/// Where whole records end in text that grows a block at a time, each byte looked at
/// once (a record that spans many blocks is not scanned again for every block). Works on
/// bytes, so on undecoded UTF-8 and GB18030 too: their multi-byte characters hold no
/// quote or line-break byte.
#[derive(Default)]
pub struct RecordEnds {
    /// Bytes scanned so far.
    scanned: usize,
    /// Whether `scanned` is inside quotes.
    in_quotes: bool,
    /// After the last line break outside quotes (0 when there is none).
    end: usize,
}

impl RecordEnds {
    /// Scans what `text` gained and returns where its last complete record ends: after
    /// the last line break outside quotes. `text` starts at a record boundary.
    pub fn advance(&mut self, text: &[u8]) -> usize {
        let b = text;
        let mut i = self.scanned;
        if !self.in_quotes && memchr::memchr2(b'"', b'\r', &b[i..]).is_none() {
            if let Some(k) = memchr::memrchr(b'\n', &b[i..]) {
                self.end = i + k + 1;
            }
            self.scanned = b.len();
            return self.end;
        }
        while i < b.len() {
            if self.in_quotes {
                match memchr::memchr(b'"', &b[i..]) {
                    Some(q) => {
                        i += q + 1;
                        self.in_quotes = false;
                    }
                    None => i = b.len(),
                }
                continue;
            }
            let Some(k) = memchr::memchr3(b'"', b'\n', b'\r', &b[i..]) else {
                i = b.len();
                break;
            };
            let j = i + k;
            match b[j] {
                b'"' => self.in_quotes = true,
                b'\n' => self.end = j + 1,
                // A CR: a line break of its own unless a LF follows.
                _ => match b.get(j + 1) {
                    // A CR last: the next block says whether a LF follows.
                    None => {
                        i = j;
                        break;
                    }
                    Some(b'\n') => {}
                    Some(_) => self.end = j + 1,
                },
            }
            i = j + 1;
        }
        self.scanned = i;
        self.end
    }

    /// The text up to `end`, the last record end found, was handed over: what is left
    /// starts at 0.
    pub fn consumed(&mut self, end: usize) {
        self.scanned -= end;
        self.end -= end;
    }
}

/// Picks the delimiter from the header line: the most frequent of `,` `;` tab outside
/// quotes; `,` when none appears.
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for b in text.bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => break,
            b',' if !in_quotes => counts[0] += 1,
            b';' if !in_quotes => counts[1] += 1,
            b'\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Result<Vec<(u32, Vec<String>)>, RecordError> {
        let mut r = Reader::new(text, sniff_delimiter(text));
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Some(line) = r.next_record(&mut buf)? {
            let fields = buf
                .iter()
                .map(|c| match c {
                    Cell::Text(t) => t.to_string(),
                    other => panic!("{other:?}"),
                })
                .collect();
            out.push((line, fields));
        }
        Ok(out)
    }

    #[test]
    fn lines_count_like_a_spreadsheet() {
        let recs = all("a,b\n1,2\n\n3,\"x\ny\"\r\n4,\"q\"\"z\"\n").unwrap();
        let lines: Vec<u32> = recs.iter().map(|r| r.0).collect();
        assert_eq!(lines, vec![1, 2, 3, 4, 5]);
        assert_eq!(recs[3].1, vec!["3", "x\ny"]);
        assert_eq!(recs[4].1, vec!["4", "q\"z"]);
        assert_eq!(recs[2].1, vec![""]);
        let recs = all("a,b\n\"x\"y,2\n").unwrap();
        assert_eq!(recs[1].1, vec!["xy", "2"]);
    }

    #[test]
    fn unclosed_quote_reports_its_line() {
        assert_eq!(
            all("a,b\n1,2\n3,\"open\n4,5\n"),
            Err(RecordError::UnclosedQuote { line: 3 })
        );
        assert_eq!(
            all("a,b\n\"x\ny\",2\n3,\"open\n"),
            Err(RecordError::UnclosedQuote { line: 3 })
        );
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a;b;c\n1,2;3"), b';');
        assert_eq!(sniff_delimiter("a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter("\"a,b\";c\n"), b';');
        assert_eq!(sniff_delimiter("a\n"), b',');
        let recs = all("a\tb\n1\t2,3\n").unwrap();
        assert_eq!(recs[1].1, vec!["1", "2,3"]);
    }

    #[test]
    fn no_trailing_newline_and_cr_only() {
        let recs = all("a,b\r1,2\r3,4").unwrap();
        let lines: Vec<u32> = recs.iter().map(|r| r.0).collect();
        assert_eq!(lines, vec![1, 2, 3]);
    }

    /// SPEC §8: a record longer than the limit is refused, whether its length is in one
    /// plain field, in quotes, in escaped quotes, or in a quote that runs to the end.
    #[test]
    fn records_over_the_limit_are_refused() {
        let read = |text: &str, limit: usize| {
            let mut r = Reader::new(text, b',').with_limit(limit);
            let mut buf = Vec::new();
            let mut lines = Vec::new();
            loop {
                match r.next_record(&mut buf) {
                    Ok(Some(l)) => lines.push(l),
                    Ok(None) => return Ok(lines),
                    Err(e) => return Err(e),
                }
            }
        };
        let too_long = Err(RecordError::TooLong { line: 3 });
        assert_eq!(read("a,b\n1,2\n12345678,1\n", 10), Ok(vec![1, 2, 3]));
        assert_eq!(read("a,b\n1,2\n123456789,1\n", 10), too_long);
        assert_eq!(read("a,b\n1,2\n12345678901", 10), too_long);
        assert_eq!(read("a,b\n1,2\n\"12\n45\"\"890\",1\n", 10), too_long);
        assert_eq!(read("a,b\n1,2\n\"1\"234567890\n", 10), too_long);
        assert_eq!(read("a,b\n1,2\n\"1234567890\n", 10), too_long);
        assert_eq!(
            read("a,b\n1,2\n\"12345678\n", 10),
            Err(RecordError::UnclosedQuote { line: 3 })
        );
    }

    /// Fields past the width are not kept; the last non-empty one is counted.
    #[test]
    fn fields_past_the_width_are_counted_not_kept() {
        let mut r = Reader::new("a,b\n1,2,,, ,\n1,2,,x,,\n", b',').with_width(2);
        let mut buf = Vec::new();
        let mut seen = Vec::new();
        while let Some(line) = r.next_record(&mut buf).unwrap() {
            seen.push((line, buf.len(), r.overflow()));
        }
        assert_eq!(seen, vec![(1, 2, 0), (2, 2, 0), (3, 2, 4)]);
    }

    /// Record ends found block by block are those found at once, wherever the blocks
    /// cut: inside quotes, between a CR and its LF.
    #[test]
    fn record_ends_do_not_depend_on_blocks() {
        let text = b"a,b\r\n\"x\ny\",1\r2,\"q\"\"\r\n\"\n3,4\n5";
        let whole = RecordEnds::default().advance(text);
        assert_eq!(whole, text.len() - 1);
        for block in 1..text.len() {
            let mut ends = RecordEnds::default();
            let mut found = Vec::new();
            for n in (block..text.len()).step_by(block).chain([text.len()]) {
                found.push(ends.advance(&text[..n]));
            }
            assert_eq!(found.last(), Some(&whole), "{block}-byte blocks");
            // Every end found is after a line break outside quotes.
            for &e in &found {
                assert!(e == 0 || [5, 13, 23, 27].contains(&e), "{e} with {block}");
            }
        }
    }
}
