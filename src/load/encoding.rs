//! Text encodings of CSV exports (SPEC §1 "Text"): UTF-8 with or without BOM,
//! UTF-16 with a BOM (Excel's "Unicode text"), else GB18030 (which covers GBK and
//! GB2312, as Chinese Excel's "CSV (逗号分隔)" writes). The decoding itself is in
//! `stream.rs`; this file names the encodings and locates a bad byte's line.

/// The encoding a file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TextEncoding {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
    #[value(skip)]
    Utf16,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Gb18030 => "GB18030",
            TextEncoding::Utf16 => "UTF-16",
        }
    }
}

/// The spreadsheet line (SPEC §1 "Lines") on which text ends: line breaks inside
/// quotes do not start a new line. (Bytes will do: in UTF-8 and GB18030 no quote or
/// line-break byte is part of another character.)
pub fn row_at_end(text: impl AsRef<[u8]>) -> usize {
    let b = text.as_ref();
    if is_plain(b) {
        return 1 + memchr::memchr_iter(b'\n', b).count();
    }
    let mut line = 1;
    let mut in_quotes = false;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => line += 1,
            b'\r' if !in_quotes && b.get(i + 1) != Some(&b'\n') => line += 1,
            _ => {}
        }
    }
    line
}

/// Text without quotes or carriage returns, where every `\n` ends a line and a record
/// (most exports): line counting and splitting can then just look for `\n`.
pub fn is_plain(b: &[u8]) -> bool {
    memchr::memchr2(b'"', b'\r', b).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_count_like_a_spreadsheet() {
        assert_eq!(row_at_end(""), 1);
        assert_eq!(row_at_end("a,b\n1,2\n"), 3);
        assert_eq!(
            row_at_end("a,b\n\"x\ny\",2\n3"),
            3,
            "a break inside quotes is no new line"
        );
        assert_eq!(
            row_at_end("a\r1\r\n2"),
            3,
            "lone CR and CRLF each end a line"
        );
    }
}
