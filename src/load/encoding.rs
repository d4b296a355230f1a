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

/// The encoding a file's bytes look like, when that can be told (SPEC §8: when
/// `--encoding` names the wrong one, the message says which the file appears to be):
/// UTF-16 by a BOM, or by a NUL in every other byte (ASCII text without a BOM); else
/// UTF-8 or GB18030 when `sample` (from a line start of the file) holds non-ASCII text
/// valid in it, UTF-8 first. `head` is the file's first bytes. None when the bytes fit
/// no accepted encoding, or are ASCII (which fits them all).
pub fn apparent(head: &[u8], sample: &[u8]) -> Option<TextEncoding> {
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Some(TextEncoding::Utf16);
    }
    let pairs = head.len() / 2;
    let nul_at = |parity: usize| (0..pairs).filter(|i| head[2 * i + parity] == 0).count();
    let (even, odd) = (nul_at(0), nul_at(1));
    if pairs >= 4 && even.max(odd) * 5 >= pairs && even.min(odd) * 20 < pairs {
        return Some(TextEncoding::Utf16);
    }
    if sample.is_ascii() {
        return None;
    }
    // A sample may end inside a character: that is no error.
    let utf8 = match simdutf8::compat::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    if utf8 {
        return Some(TextEncoding::Utf8);
    }
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(sample.len() * 2);
    let (result, _) = decoder.decode_to_string_without_replacement(sample, &mut out, false);
    matches!(result, encoding_rs::DecoderResult::InputEmpty).then_some(TextEncoding::Gb18030)
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

    #[test]
    fn apparent_encodings() {
        let text = "身份证号,姓名\n510703196805010012,黄卫东\n";
        let gbk = encoding_rs::GB18030.encode(text).0.into_owned();
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let ascii_utf16: Vec<u8> = "id,name\n1,a\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let bom16 = [b"\xFF\xFE".as_slice(), &utf16].concat();
        let e = |b: &[u8]| apparent(b, b);
        assert_eq!(e(text.as_bytes()), Some(TextEncoding::Utf8));
        assert_eq!(
            e(&text.as_bytes()[..4]),
            Some(TextEncoding::Utf8),
            "cut in a character"
        );
        assert_eq!(e(&gbk), Some(TextEncoding::Gb18030));
        assert_eq!(e(&bom16), Some(TextEncoding::Utf16));
        assert_eq!(e(&ascii_utf16), Some(TextEncoding::Utf16));
        assert_eq!(e(&utf16), Some(TextEncoding::Utf16));
        assert_eq!(e(b"id,name\n1,a\n"), None, "ASCII fits every encoding");
        assert_eq!(e(b"\xFF\xFF\xFF,\x80\n"), None);
    }
}
