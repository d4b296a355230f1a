//! A rule sheet's findings written as the sheet's XML rows directly, a share of rows
//! per core and deflated on every core, then put into the workbook rust_xlsxwriter
//! saved with the sheet's title and header only. A sheet of a million findings is
//! otherwise filled on the one thread that owns it and deflated on one core when the
//! workbook is saved.
//!
//! The rows are the library's own, byte for byte: the cells it writes in constant-memory
//! mode (inline strings; numbers and dates as `<v>`; a blank cell only where a format
//! is set) with its escapes, and the workbook's numbers for the formats ([`xf`]). A
//! test fills the same sheets both ways and compares every part of the two workbooks.

use std::borrow::Cow;
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use rust_xlsxwriter::{ColNum, RowNum};

use super::FindingEntry;
use super::deflate::{self, Deflated};
use super::stream::ByRule;
use super::words::{change_text, looks_like_formula, status_word};
use super::xlsx_cells::{cell_text, cell_width, cut_note, excel_date, xf};
use super::zip_write::{Entry, ZipOut};
use crate::i18n::Lang;

/// The compression level of every part: Excel's own.
pub(super) const LEVEL: u32 = 3;

/// Where a row's cells go: a worksheet of the library, or XML.
pub(super) trait Cells {
    type Error;
    /// Text from the data or a label: a string cell, never a formula.
    fn text(&mut self, col: ColNum, s: &str, wrap: bool) -> Result<(), Self::Error>;
    fn number(&mut self, col: ColNum, n: f64) -> Result<(), Self::Error>;
    /// A `YYYY-MM-DD` date as a date cell (text when it is not one).
    fn date(&mut self, col: ColNum, s: &str) -> Result<(), Self::Error>;
}

/// A finding's row of its rule's sheet.
pub(super) fn finding_row<C: Cells>(
    cells: &mut C,
    f: &FindingEntry,
    (waivers, changes): (bool, bool),
    lang: Lang,
) -> Result<(), C::Error> {
    let (name, unit, county) = f.who.as_ref().map_or(("", "", ""), |(n, u, c)| {
        (n.as_str(), u.as_str(), c.as_str())
    });
    let mut status = status_word(f.status, lang).to_owned();
    if f.due_soon {
        status.push_str(lang.pick("（即将到期）", " (due soon)"));
    }
    cells.text(0, &f.id, false)?;
    cells.text(1, &status, false)?;
    cells.text(2, &f.subject, false)?;
    cells.text(3, name, false)?;
    cells.text(4, unit, false)?;
    cells.text(5, county, false)?;
    if let Some(p) = f.period {
        cells.number(6, f64::from(p))?;
    }
    cells.date(7, &f.due)?;
    cells.text(8, &f.message, true)?;
    let mut col = 9;
    if waivers {
        if let Some(w) = &f.waiver {
            cells.text(col, &w.reason, true)?;
            cells.text(col + 1, &w.approved_by, false)?;
            if let Some(e) = &w.expires_on {
                cells.date(col + 2, e)?;
            }
        }
        col += 3;
    }
    if changes && f.change.is_some() {
        cells.text(col, &change_text(f, lang), false)?;
    }
    Ok(())
}

/// The widest text seen in each column, shared by the cores writing rows.
pub(super) struct Widths([AtomicUsize; 16]);

impl Widths {
    fn new() -> Widths {
        Widths(std::array::from_fn(|_| AtomicUsize::new(0)))
    }

    fn seen(&self, col: ColNum, width: usize) {
        if let Some(w) = self.0.get(usize::from(col)) {
            // Kept one more, so that 0 is "not seen".
            w.fetch_max(width.saturating_add(1), Relaxed);
        }
    }

    /// Each column seen, with its widest text.
    pub(super) fn each(&self) -> impl Iterator<Item = (ColNum, usize)> + '_ {
        self.0.iter().enumerate().filter_map(|(c, w)| {
            let w = w.load(Relaxed);
            (w > 0).then(|| (c as ColNum, w - 1))
        })
    }
}

/// A row being written as XML.
struct XmlRow<'a> {
    out: &'a mut Vec<u8>,
    /// The row's number as the XML has it (from 1).
    number: String,
    open: bool,
    widths: &'a Widths,
}

impl<'a> XmlRow<'a> {
    fn new(out: &'a mut Vec<u8>, row: RowNum, widths: &'a Widths) -> XmlRow<'a> {
        XmlRow {
            out,
            number: (u64::from(row) + 1).to_string(),
            open: false,
            widths,
        }
    }

    /// Opens a cell: `<c r="B3" s="6"`.
    fn cell(&mut self, col: ColNum, style: u32) {
        if !self.open {
            self.open = true;
            self.out.extend_from_slice(b"<row r=\"");
            self.out.extend_from_slice(self.number.as_bytes());
            self.out.extend_from_slice(b"\">");
        }
        self.out.extend_from_slice(b"<c r=\"");
        self.out.extend_from_slice(column_name(col).as_bytes());
        self.out.extend_from_slice(self.number.as_bytes());
        self.out.push(b'"');
        if style > 0 {
            self.out.extend_from_slice(b" s=\"");
            self.out.extend_from_slice(style.to_string().as_bytes());
            self.out.push(b'"');
        }
    }

    fn value(&mut self, col: ColNum, style: u32, n: f64) {
        self.cell(col, style);
        self.out.extend_from_slice(b"><v>");
        self.out.extend_from_slice(n.to_string().as_bytes());
        self.out.extend_from_slice(b"</v></c>");
    }

    /// A string cell of text ready for the cell (see [`cell_text`]).
    fn string(&mut self, col: ColNum, style: u32, v: &str) {
        if v.is_empty() {
            // The library writes an empty string as a blank cell, and only where a
            // format is set.
            if style > 0 {
                self.cell(col, style);
                self.out.extend_from_slice(b"/>");
            }
            return;
        }
        self.cell(col, style);
        self.out.extend_from_slice(b" t=\"inlineStr\"><is><t");
        if v.starts_with(['\t', '\n', ' ']) || v.ends_with(['\t', '\n', ' ']) {
            self.out.extend_from_slice(b" xml:space=\"preserve\"");
        }
        self.out.push(b'>');
        push_escaped(self.out, v);
        self.out.extend_from_slice(b"</t></is></c>");
    }

    fn end(self) {
        if self.open {
            self.out.extend_from_slice(b"</row>");
        }
    }
}

impl Cells for XmlRow<'_> {
    type Error = std::convert::Infallible;

    fn text(&mut self, col: ColNum, s: &str, wrap: bool) -> Result<(), Self::Error> {
        let v = cell_text(s);
        self.widths.seen(col, cell_width(&v));
        let style = match (looks_like_formula(&v), wrap) {
            (true, true) => xf::QUOTED_WRAP,
            (true, false) => xf::QUOTED,
            (false, true) => xf::WRAP,
            (false, false) => 0,
        };
        self.string(col, style, &v);
        Ok(())
    }

    fn number(&mut self, col: ColNum, n: f64) -> Result<(), Self::Error> {
        self.widths.seen(col, n.to_string().len());
        self.value(col, 0, n);
        Ok(())
    }

    fn date(&mut self, col: ColNum, s: &str) -> Result<(), Self::Error> {
        match excel_date(s) {
            Some(d) => {
                self.widths.seen(col, 10);
                self.value(col, xf::DATE, d.to_excel());
                Ok(())
            }
            None => self.text(col, s, false),
        }
    }
}

/// A column's letters: A to Z, then AA.
fn column_name(col: ColNum) -> Cow<'static, str> {
    const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    match LETTERS.get(usize::from(col)..usize::from(col) + 1) {
        Some(l) => Cow::Borrowed(l),
        None => Cow::Owned(rust_xlsxwriter::utility::column_number_to_name(col)),
    }
}

/// Text as the library writes it in `<t>`: XML's escapes, control characters and
/// U+FFFE/U+FFFF as `_xHHHH_`, and an `_xHHHH_` already in the text kept literal by
/// escaping its underscore (`_x005F_xHHHH_`).
fn push_escaped(out: &mut Vec<u8>, v: &str) {
    let plain = !v.bytes().any(|b| {
        matches!(b, b'&' | b'<' | b'>' | b'_' | 0xEF) || (b < 0x20 && b != b'\t' && b != b'\n')
    });
    if plain {
        out.extend_from_slice(v.as_bytes());
        return;
    }
    let v = escape_escapes(v);
    for c in v.chars() {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '\t' | '\n' => out.push(c as u8),
            '\0'..='\x1F' | '\u{FFFE}' | '\u{FFFF}' => {
                out.extend_from_slice(format!("_x{:04X}_", u32::from(c)).as_bytes());
            }
            _ => {
                let mut b = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
}

/// `_xHHHH_` in the text becomes `_x005F_xHHHH_`, as Excel writes it.
fn escape_escapes(v: &str) -> Cow<'_, str> {
    if !v.contains("_x") {
        return Cow::Borrowed(v);
    }
    let mut out = v.to_owned();
    // From the right, so that each insertion leaves the places before it as they are.
    for (i, _) in v.rmatch_indices("_x") {
        let escape = i + 7 <= v.len()
            && v.is_char_boundary(i + 6)
            && v[i + 6..].starts_with('_')
            && v[i + 2..i + 6].chars().all(|c| c.is_ascii_hexdigit());
        if escape {
            out.insert_str(i, "_x005F");
        }
    }
    Cow::Owned(out)
}

/// A rule sheet's rows, deflated.
pub(super) struct Rows {
    deflated: Deflated,
    /// The last row written (from 0), if any.
    last: Option<RowNum>,
    pub(super) widths: Widths,
}

/// Writes the first `shown` of the `count` findings of rule `rule` as rows from `top + 1`
/// on, and under them, if some are not shown, how many are not.
pub(super) fn rule_rows(
    findings: &dyn ByRule,
    rule: usize,
    (shown, count): (usize, usize),
    top: RowNum,
    columns: (bool, bool),
    lang: Lang,
) -> io::Result<Rows> {
    let widths = Widths::new();
    let print = |place: usize, f: &FindingEntry, out: &mut Vec<u8>| {
        let mut row = XmlRow::new(out, top + 1 + place as RowNum, &widths);
        let Ok(()) = finding_row(&mut row, f, columns, lang);
        row.end();
    };
    let ((), deflated) = deflate::on_every_core(LEVEL, |w| {
        findings.write_rule_upto(rule, shown, &print, w)?;
        if shown < count {
            let mut out = Vec::new();
            let mut row = XmlRow::new(&mut out, top + shown as RowNum + 1, &widths);
            row.string(0, xf::BOLD, &cut_note(count - shown, lang));
            row.end();
            w.write_all(&out)?;
        }
        Ok(())
    })?;
    let last = match (shown, shown < count) {
        (0, false) => None,
        (_, false) => Some(top + shown as RowNum),
        (_, true) => Some(top + shown as RowNum + 1),
    };
    Ok(Rows {
        deflated,
        last,
        widths,
    })
}

/// Writes the workbook `saved` (a zip, as rust_xlsxwriter saved it) to `w` with each
/// rule sheet's `rows` put in: after the rows the sheet has (its title and header),
/// its dimension reaching the last row. `rows[i]` goes into the sheet
/// `xl/worksheets/sheet{first + i}.xml`. The other parts are copied as they are.
pub(super) fn put_in(
    saved: &[u8],
    first: usize,
    mut rows: Vec<Option<Rows>>,
    w: &mut dyn Write,
) -> io::Result<()> {
    let mut archive = zip::ZipArchive::new(io::Cursor::new(saved)).map_err(io::Error::other)?;
    let mut out = ZipOut::new(w);
    for i in 0..archive.len() {
        let mut part = archive.by_index_raw(i).map_err(io::Error::other)?;
        let name = part.name().to_owned();
        let (time, date) = part
            .last_modified()
            .map_or((0, 0x21), |t| (t.timepart(), t.datepart()));
        let unix_mode = part.unix_mode();
        let ours = name
            .strip_prefix("xl/worksheets/sheet")
            .and_then(|n| n.strip_suffix(".xml"))
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| n.checked_sub(first))
            .and_then(|k| rows.get_mut(k))
            .and_then(Option::take);
        match ours {
            None => {
                let method = match part.compression() {
                    zip::CompressionMethod::Stored => 0,
                    zip::CompressionMethod::Deflated => 8,
                    other => {
                        return Err(io::Error::other(format!(
                            "xlsx: a part compressed by {other}"
                        )));
                    }
                };
                let mut data = Vec::with_capacity(part.compressed_size() as usize);
                part.read_to_end(&mut data)?;
                out.add(&Entry {
                    name: &name,
                    method,
                    time,
                    date,
                    crc: part.crc32(),
                    len: part.size(),
                    unix_mode,
                    data: &data,
                })?;
            }
            Some(rows) => {
                drop(part);
                let mut xml = String::new();
                archive
                    .by_index(i)
                    .map_err(io::Error::other)?
                    .read_to_string(&mut xml)?;
                let sheet = spliced(&xml, rows)?;
                out.add(&Entry {
                    name: &name,
                    method: 8,
                    time,
                    date,
                    crc: sheet.crc32(),
                    len: sheet.len,
                    unix_mode,
                    data: &sheet.data,
                })?;
            }
        }
    }
    out.finish()
}

/// The sheet's XML `xml` with `rows` put in before `</sheetData>`, deflated.
fn spliced(xml: &str, rows: Rows) -> io::Result<Deflated> {
    let missing = || io::Error::other("xlsx: a rule sheet without <sheetData>");
    let end = xml.find("</sheetData>").ok_or_else(missing)?;
    let mut head = xml[..end].to_owned();
    if let Some(last) = rows.last {
        // `<dimension ref="A1:I2"/>`: the last row is now the rows' last.
        let at = head.find("<dimension ref=\"").ok_or_else(missing)? + 16;
        let close = head[at..].find('"').ok_or_else(missing)? + at;
        let range = &head[at..close];
        let digits = range.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let range = format!("{}{}", &range[..digits], u64::from(last) + 1);
        head.replace_range(at..close, &range);
    }
    let mut all = deflate::piece(head.as_bytes(), LEVEL, false)?;
    all.push(rows.deflated);
    all.push(deflate::piece(&xml.as_bytes()[end..], LEVEL, true)?);
    Ok(all)
}
