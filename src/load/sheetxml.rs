//! What a sheet's XML holds besides its cells (SPEC §8): the merged ranges and the
//! formulas saved without a result, found by one quick scan of the raw bytes (a sheet
//! may be hundreds of megabytes, and calamine's cell reader gives neither); an XML
//! reader reads the part again only for a formula cell laid out unlike Excel's. Also
//! the small XML helpers the workbook's other parts are read with.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::BufRead;

use memchr::{memchr, memchr_iter, memmem, memrchr};
use quick_xml::events::{BytesStart, Event};

/// Excel's last row and column (1048576 and XFD = 16384), as counts.
pub const MAX_ROWS: u32 = 1 << 20;
pub const MAX_COLS: u32 = 1 << 14;
/// A message quotes at most this many characters of an input value (SPEC §8).
pub const QUOTE_LIMIT: usize = 200;
/// At most `QUOTE_LIMIT` characters of an input value, with `…` when cut.
pub fn quote(s: &str) -> String {
    match s.char_indices().nth(QUOTE_LIMIT) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// A merged range: its first and last row and column (0-based, inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Area {
    pub top: u32,
    pub left: u32,
    pub bottom: u32,
    pub right: u32,
}

/// Why a part could not be read through: it is not the XML it should be (or it went
/// past its limit, which the reader notes).
pub enum PartError {
    Damaged(String),
}

impl From<std::io::Error> for PartError {
    fn from(e: std::io::Error) -> Self {
        PartError::Damaged(e.to_string())
    }
}

impl From<quick_xml::Error> for PartError {
    fn from(e: quick_xml::Error) -> Self {
        PartError::Damaged(e.to_string())
    }
}

/// An XML reader configured as calamine configures its own.
pub fn xml_reader<R: BufRead>(r: R) -> quick_xml::Reader<R> {
    let mut xml = quick_xml::Reader::from_reader(r);
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    xml
}

/// The unescaped value of the first of `keys` a tag has.
pub fn attr(e: &BytesStart<'_>, keys: &[&[u8]]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        if !keys.contains(&a.key.as_ref()) {
            return None;
        }
        let raw = std::str::from_utf8(&a.value).ok()?;
        quick_xml::escape::unescape(raw)
            .ok()
            .map(|v| v.into_owned())
    })
}

/// Bytes kept before the scan point: the `<prefix:` of a tag name, and the start tag
/// of the cell a formula is in.
const CONTEXT: usize = 256;
/// Bytes left unscanned at the end of a chunk until more arrive (a name may go on).
const LOOKAHEAD: usize = 16;
/// A `mergeCell` tag, or a formula cell, longer than this is none Excel writes.
const MAX_TAG: usize = 1 << 16;

/// What a sheet's part holds besides its cells.
#[derive(Debug, Default)]
pub struct SheetScan {
    /// Merged ranges of more than one cell, in the order found.
    pub merges: Vec<Area>,
    /// Formula cells saved without a result: (row, column), 0-based, and the formula.
    pub formulas: HashMap<(u32, u32), String>,
    /// Some formula could not be placed from the raw bytes (a cell without `r`, an
    /// unusual layout): the part must be read with an XML reader for them.
    pub unsure: bool,
}

/// One pass over a sheet's XML without parsing it (it may be hundreds of megabytes):
/// the merged ranges, and the formula cells saved without a result.
pub fn raw_scan(r: &mut dyn BufRead) -> Result<SheetScan, PartError> {
    let finder = memmem::Finder::new(b"mergeCell");
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
    let mut out = SheetScan::default();
    // Absolute offsets: of `buf[0]`, and where each search goes on.
    let (mut base, mut next_merge, mut next_formula) = (0usize, 0usize, 0usize);
    loop {
        let old = buf.len();
        buf.resize(old + (1 << 16), 0);
        let n = loop {
            match r.read(&mut buf[old..]) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        buf.truncate(old + n);
        let eof = n == 0;
        let end = if eof {
            buf.len()
        } else {
            buf.len().saturating_sub(LOOKAHEAD)
        };

        let from = next_merge - base;
        let mut resume = end.max(from);
        for i in finder.find_iter(&buf[from..]) {
            let at = from + i;
            if at >= end {
                break;
            }
            if !is_tag(&buf, at, b"mergeCell") {
                continue;
            }
            match memchr(b'>', &buf[at..]) {
                Some(len) => out.merges.extend(merge_area(&buf[at..at + len])?),
                None if eof || buf.len() - at > MAX_TAG => {
                    return Err(PartError::Damaged("<mergeCell> without its end".into()));
                }
                None => {
                    resume = at;
                    break;
                }
            }
        }
        next_merge = base + resume;

        if !out.unsure {
            let from = next_formula - base;
            let mut resume = end.max(from);
            for at in memchr_iter(b'f', &buf[from..end.max(from)]).map(|i| from + i) {
                if !is_tag(&buf, at, b"f") {
                    continue;
                }
                match formula_at(&buf, at, eof) {
                    Formula::Result => {}
                    Formula::NoResult(pos, shown) => {
                        out.formulas.insert(pos, shown);
                    }
                    Formula::NeedMore if buf.len() - at <= MAX_TAG => {
                        resume = at;
                        break;
                    }
                    Formula::NeedMore | Formula::Unsure => {
                        out.unsure = true;
                        break;
                    }
                }
            }
            next_formula = base + resume;
        }

        if eof {
            return Ok(out);
        }
        let keep = if out.unsure {
            next_merge
        } else {
            next_merge.min(next_formula)
        };
        let drop = (keep - base).saturating_sub(CONTEXT);
        buf.drain(..drop);
        base += drop;
    }
}

/// A formula tag as the raw bytes show it.
enum Formula {
    /// The cell holds the formula's result.
    Result,
    /// The cell holds no result: its position and the formula as shown.
    NoResult((u32, u32), String),
    /// The cell goes on past the bytes read so far.
    NeedMore,
    /// The bytes are not laid out as Excel lays them out.
    Unsure,
}

/// The formula cell whose `<f>` tag has its name at `at`. A cell is `<c …><f …>text</f>`
/// then `<v>` or `<is>` when it holds a result: formulas come first in a cell.
fn formula_at(buf: &[u8], at: usize, eof: bool) -> Formula {
    let more = if eof {
        Formula::Unsure
    } else {
        Formula::NeedMore
    };
    let Some(lt) = memrchr(b'<', &buf[..at]) else {
        return Formula::Unsure;
    };
    let Some(gt) = memchr(b'>', &buf[at..]).map(|i| at + i) else {
        return more;
    };
    let (text, after) = if buf[gt - 1] == b'/' {
        (&buf[gt..gt], gt + 1)
    } else {
        // The text has no `<` (it would be escaped): the next one closes the element.
        let Some(close) = memchr(b'<', &buf[gt..]).map(|i| gt + i) else {
            return more;
        };
        let name = &buf[lt + 1..at + 1];
        let end = close + 2 + name.len();
        if buf.len() <= end {
            return more;
        }
        if buf[close + 1] != b'/' || &buf[close + 2..end] != name || buf[end] != b'>' {
            return Formula::Unsure;
        }
        (&buf[gt + 1..close], end + 1)
    };
    let k = after
        + buf[after..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    let Some(delim) = buf[k..]
        .iter()
        .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>'))
    else {
        return more;
    };
    if buf[k] != b'<' {
        return Formula::Unsure;
    }
    let tag = &buf[k + 1..k + delim];
    let local = tag.rsplit(|&b| b == b':').next().unwrap_or(tag);
    if !tag.starts_with(b"/") && (local == b"v" || local == b"is") {
        return Formula::Result;
    }
    // No result: the cell's start tag is right before the formula.
    let g = lt
        - buf[..lt]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    let Some(cs) = g
        .checked_sub(1)
        .filter(|&g| buf[g] == b'>')
        .and_then(|g| memrchr(b'<', &buf[..g]))
    else {
        return Formula::Unsure;
    };
    let start = &buf[cs + 1..g - 1];
    let name_len = start
        .iter()
        .take_while(|b| !b.is_ascii_whitespace())
        .count();
    let (Ok(start), Ok(text)) = (std::str::from_utf8(start), std::str::from_utf8(text)) else {
        return Formula::Unsure;
    };
    let name = &start[..name_len];
    if name != "c" && !name.ends_with(":c") {
        return Formula::Unsure;
    }
    let e = BytesStart::from_content(start, name_len);
    let Some(pos) = attr(&e, &[b"r"]).and_then(|r| cell_ref(r.as_bytes())) else {
        return Formula::Unsure;
    };
    let text = quick_xml::escape::unescape(text).unwrap_or(Cow::Borrowed(text));
    let shown = if text.is_empty() {
        String::new()
    } else {
        quote(&format!("={text}"))
    };
    Formula::NoResult(pos, shown)
}

/// Is `name` at `at` the name of a start tag (`<name`, or `<prefix:name`)?
fn is_tag(buf: &[u8], at: usize, name: &[u8]) -> bool {
    let after = at + name.len();
    if !buf[at..].starts_with(name)
        || !matches!(
            buf.get(after),
            Some(b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>')
        )
    {
        return false;
    }
    match at.checked_sub(1).map(|i| buf[i]) {
        Some(b'<') => true,
        Some(b':') => {
            let colon = at - 1;
            let mut i = colon;
            while i > 0 && colon - i < CONTEXT - 2 {
                i -= 1;
                match buf[i] {
                    b'<' => return i + 1 < colon,
                    c if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.') => {}
                    _ => return false,
                }
            }
            false
        }
        _ => false,
    }
}

/// The range of a `mergeCell` tag (its bytes from the name to before `>`); None for a
/// single cell.
fn merge_area(tag: &[u8]) -> Result<Option<Area>, PartError> {
    let damaged = || PartError::Damaged(format!("<{}>", quote(&String::from_utf8_lossy(tag))));
    let text = std::str::from_utf8(tag).map_err(|_| damaged())?;
    let text = text.strip_suffix('/').unwrap_or(text);
    let e = BytesStart::from_content(text, "mergeCell".len());
    let r = attr(&e, &[b"ref"]).ok_or_else(damaged)?;
    let (a, b) = r.split_once(':').unwrap_or((&r, &r));
    let (Some((r1, c1)), Some((r2, c2))) = (cell_ref(a.as_bytes()), cell_ref(b.as_bytes())) else {
        return Err(damaged());
    };
    let area = Area {
        top: r1.min(r2),
        left: c1.min(c2),
        bottom: r1.max(r2),
        right: c1.max(c2),
    };
    Ok((area.top != area.bottom || area.left != area.right).then_some(area))
}

/// A cell reference such as `B12`: (row, column), 0-based, within Excel's limits.
pub fn cell_ref(s: &[u8]) -> Option<(u32, u32)> {
    let letters = s.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let (col, row) = s.split_at(letters);
    if col.is_empty() || col.len() > 3 || row.is_empty() || row.len() > 7 {
        return None;
    }
    let col = col.iter().fold(0u32, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row: u32 = std::str::from_utf8(row).ok()?.parse().ok()?;
    ((1..=MAX_ROWS).contains(&row) && (1..=MAX_COLS).contains(&col)).then(|| (row - 1, col - 1))
}

/// The formula cells saved without a result, by position, as calamine counts positions
/// (a cell or row without `r` follows the one before it).
pub fn without_result(r: &mut dyn BufRead) -> Result<HashMap<(u32, u32), String>, PartError> {
    let mut xml = xml_reader(r);
    let (mut buf, mut inner) = (Vec::new(), Vec::new());
    let (mut row, mut col) = (0u32, 0u32);
    let mut found = HashMap::new();
    let bad_ref =
        |v: &[u8]| PartError::Damaged(format!("`{}`", quote(&String::from_utf8_lossy(v))));
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == b"row" => {
                if let Some(r) = e.try_get_attribute("r").ok().flatten() {
                    let n: u32 = std::str::from_utf8(&r.value)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .filter(|n| (1..=MAX_ROWS).contains(n))
                        .ok_or_else(|| bad_ref(&r.value))?;
                    row = n - 1;
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"row" => {
                row = row.saturating_add(1);
                col = 0;
            }
            Event::Start(e) if e.local_name().as_ref() == b"c" => {
                let pos = match e.try_get_attribute("r").ok().flatten() {
                    Some(r) => cell_ref(&r.value).ok_or_else(|| bad_ref(&r.value))?,
                    None => (row, col),
                };
                col = pos.1.saturating_add(1);
                let (mut formula, mut text, mut result) = (false, String::new(), false);
                loop {
                    inner.clear();
                    match xml.read_event_into(&mut inner)? {
                        Event::Start(x) => match x.local_name().as_ref() {
                            b"f" => {
                                formula = true;
                                text = formula_text(&mut xml, x.name().as_ref())?;
                            }
                            b"v" | b"is" => result = true,
                            _ => {}
                        },
                        Event::End(x) if x.local_name().as_ref() == b"c" => break,
                        Event::Eof => return Err(PartError::Damaged("<c> without its end".into())),
                        _ => {}
                    }
                }
                if formula && !result {
                    let shown = if text.is_empty() {
                        text
                    } else {
                        quote(&format!("={text}"))
                    };
                    found.insert(pos, shown);
                }
            }
            Event::Eof => return Ok(found),
            _ => {}
        }
    }
}

/// The text of an `<f>` element, up to its end (at most a quotable length kept).
fn formula_text(
    xml: &mut quick_xml::Reader<&mut dyn BufRead>,
    end: &[u8],
) -> Result<String, PartError> {
    let end = end.to_vec();
    let mut buf = Vec::new();
    let mut text = String::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Text(t) if text.len() < QUOTE_LIMIT * 4 => {
                text.push_str(&t.xml10_content().map_err(quick_xml::Error::from)?);
            }
            Event::GeneralRef(g) if text.len() < QUOTE_LIMIT * 4 => {
                let name = g.decode().map_err(quick_xml::Error::from)?;
                match quick_xml::escape::resolve_predefined_entity(&name) {
                    Some(s) => text.push_str(s),
                    None => text.push_str(&format!("&{name};")),
                }
            }
            Event::End(e) if e.name().as_ref() == end => return Ok(text),
            Event::Eof => return Err(PartError::Damaged("<f> without its end".into())),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(xml: &str) -> SheetScan {
        let mut r: &[u8] = xml.as_bytes();
        raw_scan(&mut r).ok().unwrap()
    }

    fn area(top: u32, left: u32, bottom: u32, right: u32) -> Area {
        Area {
            top,
            left,
            bottom,
            right,
        }
    }

    #[test]
    fn cell_refs() {
        assert_eq!(cell_ref(b"A1"), Some((0, 0)));
        assert_eq!(cell_ref(b"b12"), Some((11, 1)));
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref(b"XFE1"), None);
        assert_eq!(cell_ref(b"A1048577"), None);
        assert_eq!(cell_ref(b"A0"), None);
        assert_eq!(cell_ref(b"1A"), None);
        assert_eq!(cell_ref(b"AAAA1"), None);
    }

    #[test]
    fn merges_are_found_without_parsing() {
        let s = scan(
            r#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>
            <mergeCells count="3"><mergeCell ref="F2:F4"/><mergeCell ref="A1:C1" /><mergeCell ref="D9"/></mergeCells></worksheet>"#,
        );
        assert_eq!(s.merges, [area(1, 5, 3, 5), area(0, 0, 0, 2)]);
        assert!(s.formulas.is_empty() && !s.unsure);
        let s = scan(r#"<x:c r="A1"><x:v>1</x:v></x:c><x:mergeCell ref="B2:B3"/>"#);
        assert_eq!(s.merges, [area(1, 1, 2, 1)]);
        // Text that merely looks like a name is not a tag.
        let s = scan(r#"<c r="A1" t="inlineStr"><is><t>ref mergeCell f of</t></is></c>"#);
        assert!(s.merges.is_empty() && s.formulas.is_empty() && !s.unsure);
    }

    #[test]
    fn formulas_without_a_result_are_found_without_parsing() {
        let s = scan(
            r#"<row r="2"><c r="A2"><f>TODAY()</f></c><c r="B2"><f>1&amp;2</f><v>12</v></c><c r="C2"><f t="shared" si="0"/></c>
            <c r="D2" t="str"><f>A1</f><v></v></c><c r="E2" t="inlineStr"><f>A1</f> <is><t>a</t></is></c></row>
            <x:row><x:c r="F3" s="1"><x:f>DATE(2019,1,8)</x:f></x:c></x:row>"#,
        );
        let mut found: Vec<_> = s.formulas.into_iter().collect();
        found.sort();
        assert_eq!(
            found,
            [
                ((1, 0), "=TODAY()".to_owned()),
                ((1, 2), String::new()),
                ((2, 5), "=DATE(2019,1,8)".to_owned()),
            ]
        );
        assert!(!s.unsure);
        // A cell without `r` is placed by counting: the XML reader does it.
        assert!(scan(r#"<row r="2"><c><f>TODAY()</f></c></row>"#).unsure);
    }

    #[test]
    fn tags_cut_by_a_chunk_boundary_are_still_read() {
        for cut in [3, 20, 40, 60, 90] {
            let pad = "x".repeat((1 << 16) - cut);
            let xml = format!(
                r#"<t>{pad}</t><c r="A2"><f>NOW()</f></c><mergeCells><mergeCell ref="A2:A9"/></mergeCells>"#
            );
            let s = scan(&xml);
            assert_eq!(s.merges, [area(1, 0, 8, 0)], "{cut}");
            assert_eq!(
                s.formulas.get(&(1, 0)).map(String::as_str),
                Some("=NOW()"),
                "{cut}"
            );
        }
    }

    #[test]
    fn formulas_without_a_result_by_position() {
        let xml = r#"<sheetData><row r="2"><c r="A2"><f>TODAY()</f></c><c><f>1&amp;2</f><v>12</v></c><c><f t="shared" si="0"/></c></row><row><c r="B3" t="str"><f>A1</f><v></v></c></row></sheetData>"#;
        let mut r: &[u8] = xml.as_bytes();
        let f = without_result(&mut r).ok().unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(f[&(1, 0)], "=TODAY()");
        assert_eq!(f[&(1, 2)], "");
    }

    #[test]
    fn quotes_are_cut() {
        assert_eq!(quote("短"), "短");
        let long = "长".repeat(300);
        assert_eq!(quote(&long).chars().count(), QUOTE_LIMIT + 1);
    }
}
