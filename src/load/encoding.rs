//! Text encodings of CSV exports (SPEC §1 "Text"): UTF-8 with or without BOM,
//! UTF-16 with a BOM (Excel's "Unicode text"), else GB18030 (which covers GBK and
//! GB2312, as Chinese Excel's "CSV (逗号分隔)" writes). Never lossy: bytes valid in
//! neither UTF-8 nor GB18030 make the file unreadable, naming the first bad byte.

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_16BE, UTF_16LE};

/// The encoding a file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TextEncoding {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
    #[value(name = "utf-16")]
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

/// Where decoding failed: byte offset and line (1-based) of the first bad byte.
#[derive(Debug, PartialEq, Eq)]
pub struct BadBytes {
    pub offset: usize,
    pub line: usize,
    pub encoding: &'static str,
}

/// Decodes a whole file, sniffing the encoding unless one is forced. Valid UTF-8
/// without a BOM is taken as it is, without a copy.
pub fn decode(
    bytes: Vec<u8>,
    forced: Option<TextEncoding>,
) -> Result<(String, TextEncoding), BadBytes> {
    let plain_utf8 = !bytes.starts_with(b"\xEF\xBB\xBF")
        && !bytes.starts_with(b"\xFF\xFE")
        && !bytes.starts_with(b"\xFE\xFF")
        && matches!(forced, None | Some(TextEncoding::Utf8));
    if plain_utf8 {
        return match String::from_utf8(bytes) {
            Ok(s) => Ok((s, TextEncoding::Utf8)),
            Err(e) => {
                let bytes = e.into_bytes();
                match forced {
                    Some(_) => utf8(&bytes, 0).map(|s| (s, TextEncoding::Utf8)),
                    None => strict(GB18030, &bytes, 0, &bytes).map(|s| (s, TextEncoding::Gb18030)),
                }
            }
        };
    }
    decode_slice(&bytes, forced)
}

fn decode_slice(
    bytes: &[u8],
    forced: Option<TextEncoding>,
) -> Result<(String, TextEncoding), BadBytes> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest, 3).map(|s| (s, TextEncoding::Utf8));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return strict(UTF_16LE, rest, 2, bytes).map(|s| (s, TextEncoding::Utf16));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return strict(UTF_16BE, rest, 2, bytes).map(|s| (s, TextEncoding::Utf16));
    }
    match forced {
        Some(TextEncoding::Utf8) => utf8(bytes, 0).map(|s| (s, TextEncoding::Utf8)),
        Some(TextEncoding::Gb18030) => {
            strict(GB18030, bytes, 0, bytes).map(|s| (s, TextEncoding::Gb18030))
        }
        Some(TextEncoding::Utf16) => {
            strict(UTF_16LE, bytes, 0, bytes).map(|s| (s, TextEncoding::Utf16))
        }
        None => match std::str::from_utf8(bytes) {
            Ok(s) => Ok((s.to_owned(), TextEncoding::Utf8)),
            Err(_) => strict(GB18030, bytes, 0, bytes).map(|s| (s, TextEncoding::Gb18030)),
        },
    }
}

fn utf8(bytes: &[u8], skip: usize) -> Result<String, BadBytes> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let offset = e.valid_up_to();
            Err(BadBytes {
                offset: offset + skip,
                line: row_at_end(std::str::from_utf8(&bytes[..offset]).unwrap_or("")),
                encoding: "UTF-8",
            })
        }
    }
}

fn strict(
    enc: &'static Encoding,
    bytes: &[u8],
    skip: usize,
    _whole: &[u8],
) -> Result<String, BadBytes> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut out = String::with_capacity(cap);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        DecoderResult::InputEmpty => Ok(out),
        DecoderResult::Malformed(bad, after) => {
            let offset = read.saturating_sub(bad as usize + after as usize);
            Err(BadBytes {
                offset: offset + skip,
                line: row_at_end(&out),
                encoding: enc.name(),
            })
        }
        DecoderResult::OutputFull => {
            // The buffer was sized for the worst case; treat as unreadable rather than panic.
            Err(BadBytes {
                offset: read + skip,
                line: row_at_end(&out),
                encoding: enc.name(),
            })
        }
    }
}

/// The spreadsheet line (SPEC §1 "Lines") on which decoded text ends: line breaks
/// inside quotes do not start a new line.
pub fn row_at_end(text: &str) -> usize {
    let b = text.as_bytes();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs() {
        let (s, e) = decode("姓名,id\n".as_bytes().to_vec(), None).unwrap();
        assert_eq!((s.as_str(), e), ("姓名,id\n", TextEncoding::Utf8));
        let (gbk, _, _) = GB18030.encode("姓名,职务\n张三,工会主席\n");
        let (s, e) = decode(gbk.to_vec(), None).unwrap();
        assert_eq!(
            (s.as_str(), e),
            ("姓名,职务\n张三,工会主席\n", TextEncoding::Gb18030)
        );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("编号\n".as_bytes());
        assert_eq!(decode(bom, None).unwrap().0, "编号\n");
        let mut u16 = vec![0xFF, 0xFE];
        for unit in "编号\tid\n".encode_utf16() {
            u16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(
            decode(u16, None).unwrap(),
            ("编号\tid\n".to_owned(), TextEncoding::Utf16)
        );
    }

    #[test]
    fn bad_bytes_are_located() {
        let bytes = b"a,b\n\"c\nc\",d\n\xFF\xFF,e\n";
        let err = decode(bytes.to_vec(), None).unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.offset, 12);
    }
}
