//! Splits decoded CSV text into records, counting lines as a spreadsheet shows them
//! (SPEC §1 "Lines"): the header is line 1, every line break outside quotes starts a
//! new line (blank lines included), and a record whose quoted field holds line breaks
//! is one line, as a spreadsheet shows it as one row. The csv crate's own line numbers are wrong on both counts, and it
//! cannot report a quote that never closes, so this small RFC 4180 reader does it.

use std::borrow::Cow;

use super::cell::Cell;

/// A quote that opens on `line` never closes.
#[derive(Debug, PartialEq, Eq)]
pub struct UnclosedQuote {
    pub line: u32,
}

/// Reads records from decoded text. Fields borrow from the text unless they hold an
/// escaped quote (`""`) or text after a closing quote.
pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
    delimiter: u8,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str, delimiter: u8) -> Self {
        Reader {
            text,
            pos: 0,
            line: 1,
            delimiter,
        }
    }

    /// A reader that starts at byte `pos` (the start of a line), numbered `line`.
    pub fn starting_at(text: &'a str, delimiter: u8, pos: usize, line: u32) -> Self {
        Reader {
            text,
            pos,
            line,
            delimiter,
        }
    }

    /// The byte position and line number of the next record.
    pub fn position(&self) -> (usize, u32) {
        (self.pos, self.line)
    }

    /// Reads the next record into `out`; returns its line, or None at the end.
    pub fn next_record(&mut self, out: &mut Vec<Cell<'a>>) -> Result<Option<u32>, UnclosedQuote> {
        out.clear();
        let text = self.text;
        let bytes = text.as_bytes();
        if self.pos >= bytes.len() {
            return Ok(None);
        }
        let record_line = self.line;
        let delim = self.delimiter;
        loop {
            let mut owned: Option<String> = None;
            let mut borrowed: &'a str = "";
            if bytes.get(self.pos) == Some(&b'"') {
                let open_line = self.line;
                self.pos += 1;
                loop {
                    let Some(q) = memchr::memchr(b'"', &bytes[self.pos..]) else {
                        return Err(UnclosedQuote { line: open_line });
                    };
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
            }
            out.push(Cell::Text(match owned {
                Some(o) => Cow::Owned(o),
                None => Cow::Borrowed(borrowed),
            }));
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

    fn all(text: &str) -> Result<Vec<(u32, Vec<String>)>, UnclosedQuote> {
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
            Err(UnclosedQuote { line: 3 })
        );
        assert_eq!(
            all("a,b\n\"x\ny\",2\n3,\"open\n"),
            Err(UnclosedQuote { line: 3 })
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
}
