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
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use rust_xlsxwriter::{ColNum, RowNum};

use super::FindingEntry;
use super::deflate::{self, Deflated};
use super::stream::ByRule;
use super::words::{change_text, looks_like_formula, status_word};
use super::xlsx_cells::{
    Cells, Style, cell_text, cell_width, cut_note, excel_date, text_width, xf,
};
use super::zip_write::{Entry, ZipOut};
use crate::i18n::Lang;

/// The compression level of every part: 2, deflate's fast strategy without lazy
/// matches. On a million cadres' workbook (230 MB of XML) it does a quarter less work
/// than level 3 (Excel's own) for a file 5 % larger (28.1 MB against 26.6), and half
/// the work of the library's default, 6.
pub(super) const LEVEL: u32 = 2;

/// A finding's row of its rule's sheet.
pub(super) fn finding_row<C: Cells>(
    cells: &mut C,
    row: RowNum,
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
    cells.text(row, 0, &f.id, false)?;
    cells.text(row, 1, &status, false)?;
    cells.text(row, 2, &f.subject, false)?;
    cells.text(row, 3, name, false)?;
    cells.text(row, 4, unit, false)?;
    cells.text(row, 5, county, false)?;
    if let Some(p) = f.period {
        cells.number(row, 6, f64::from(p))?;
    }
    cells.date(row, 7, &f.due)?;
    cells.text(row, 8, &f.message, true)?;
    let mut col = 9;
    if waivers {
        if let Some(w) = &f.waiver {
            cells.text(row, col, &w.reason, true)?;
            cells.text(row, col + 1, &w.approved_by, false)?;
            if let Some(e) = &w.expires_on {
                cells.date(row, col + 2, e)?;
            }
        }
        col += 3;
    }
    if changes && f.change.is_some() {
        cells.text(row, col, &change_text(f, lang), false)?;
    }
    Ok(())
}

/// What the cores writing a sheet's rows find together: the widest text of each column,
/// and the last row and column with a cell.
pub(super) struct Marks {
    widths: [AtomicUsize; 16],
    last_row: AtomicUsize,
    last_col: AtomicUsize,
}

impl Marks {
    pub(super) fn new() -> Marks {
        Marks {
            widths: std::array::from_fn(|_| AtomicUsize::new(0)),
            last_row: AtomicUsize::new(0),
            last_col: AtomicUsize::new(0),
        }
    }

    /// Each column seen, with its widest text.
    pub(super) fn widths(&self) -> impl Iterator<Item = (ColNum, usize)> + '_ {
        self.widths.iter().enumerate().filter_map(|(c, w)| {
            // Kept one more, so that 0 is "not seen".
            let w = w.load(Relaxed);
            (w > 0).then(|| (c as ColNum, w - 1))
        })
    }

    /// The last row and the last column with a cell (from 1; 0 when there is none).
    fn last(&self) -> (usize, usize) {
        (self.last_row.load(Relaxed), self.last_col.load(Relaxed))
    }
}

/// Cells written as a sheet's XML to `out`: each row opened at its first cell and
/// closed at the next row's (or at [`XmlCells::end`]).
pub(super) struct XmlCells<'a, W: Write + ?Sized> {
    out: &'a mut W,
    /// The row open, and its number as the XML has it (from 1).
    open: Option<(RowNum, String)>,
    marks: &'a Marks,
}

impl<'a, W: Write + ?Sized> XmlCells<'a, W> {
    pub(super) fn new(out: &'a mut W, marks: &'a Marks) -> XmlCells<'a, W> {
        XmlCells {
            out,
            open: None,
            marks,
        }
    }

    /// Opens a cell: `<c r="B3" s="6"`.
    fn cell(&mut self, row: RowNum, col: ColNum, style: u32) -> io::Result<()> {
        if self.open.as_ref().is_none_or(|(r, _)| *r != row) {
            self.end()?;
            let number = itoa::Buffer::new().format(u64::from(row) + 1).to_owned();
            self.out.write_all(b"<row r=\"")?;
            self.out.write_all(number.as_bytes())?;
            self.out.write_all(b"\">")?;
            self.open = Some((row, number));
            self.marks.last_row.fetch_max(row as usize + 1, Relaxed);
        }
        self.marks.last_col.fetch_max(usize::from(col) + 1, Relaxed);
        let number = self.open.as_ref().map_or("", |(_, n)| n.as_str());
        self.out.write_all(b"<c r=\"")?;
        self.out.write_all(column_name(col).as_bytes())?;
        self.out.write_all(number.as_bytes())?;
        self.out.write_all(b"\"")?;
        if style > 0 {
            self.out.write_all(b" s=\"")?;
            self.out
                .write_all(itoa::Buffer::new().format(style).as_bytes())?;
            self.out.write_all(b"\"")?;
        }
        Ok(())
    }

    fn value(&mut self, row: RowNum, col: ColNum, style: u32, n: f64) -> io::Result<()> {
        self.cell(row, col, style)?;
        self.out.write_all(b"><v>")?;
        self.out.write_all(number_text(n).as_bytes())?;
        self.out.write_all(b"</v></c>")
    }

    /// A string cell of text ready for the cell (see [`cell_text`]).
    fn string(&mut self, row: RowNum, col: ColNum, style: u32, v: &str) -> io::Result<()> {
        if v.is_empty() {
            // The library writes an empty string as a blank cell, and only where a
            // format is set.
            if style > 0 {
                self.cell(row, col, style)?;
                self.out.write_all(b"/>")?;
            }
            return Ok(());
        }
        self.cell(row, col, style)?;
        self.out.write_all(b" t=\"inlineStr\"><is><t")?;
        if v.starts_with(['\t', '\n', ' ']) || v.ends_with(['\t', '\n', ' ']) {
            self.out.write_all(b" xml:space=\"preserve\"")?;
        }
        self.out.write_all(b">")?;
        self.out.write_all(&escaped(v))?;
        self.out.write_all(b"</t></is></c>")
    }

    /// Closes the row open.
    pub(super) fn end(&mut self) -> io::Result<()> {
        if self.open.take().is_some() {
            self.out.write_all(b"</row>")?;
        }
        Ok(())
    }
}

impl<W: Write + ?Sized> Cells for XmlCells<'_, W> {
    type Error = io::Error;

    fn seen(&mut self, col: ColNum, width: usize) {
        if let Some(w) = self.marks.widths.get(usize::from(col)) {
            w.fetch_max(width.saturating_add(1), Relaxed);
        }
    }

    fn text(&mut self, row: RowNum, col: ColNum, s: &str, wrap: bool) -> io::Result<()> {
        let v = cell_text(s);
        self.seen(col, cell_width(&v));
        let style = match (looks_like_formula(&v), wrap) {
            (true, true) => xf::QUOTED_WRAP,
            (true, false) => xf::QUOTED,
            (false, true) => xf::WRAP,
            (false, false) => 0,
        };
        self.string(row, col, style, &v)
    }

    fn number(&mut self, row: RowNum, col: ColNum, n: f64) -> io::Result<()> {
        self.seen(col, number_text(n).len());
        self.value(row, col, 0, n)
    }

    fn date(&mut self, row: RowNum, col: ColNum, s: &str) -> io::Result<()> {
        match excel_date(s) {
            Some(d) => {
                self.seen(col, 10);
                self.value(row, col, xf::DATE, d.to_excel())
            }
            None => self.text(row, col, s, false),
        }
    }

    fn label(&mut self, row: RowNum, col: ColNum, s: &str, style: Style) -> io::Result<()> {
        self.seen(col, text_width(s));
        self.string(row, col, style.xf(), s)
    }

    fn note(&mut self, row: RowNum, col: ColNum, s: &str, style: Style) -> io::Result<()> {
        self.string(row, col, style.xf(), s)
    }

    fn percent(&mut self, row: RowNum, col: ColNum, n: f64) -> io::Result<()> {
        self.value(row, col, xf::PERCENT, n)
    }
}

/// A number as the library writes it (Rust's shortest form: `2019`, `0.25`).
fn number_text(n: f64) -> String {
    // Whole numbers, most of them, without the float formatter (-0 is written "-0").
    if n.fract() == 0.0 && n.abs() < 1e15 && !(n == 0.0 && n.is_sign_negative()) {
        itoa::Buffer::new().format(n as i64).to_owned()
    } else {
        n.to_string()
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
fn escaped(v: &str) -> Cow<'_, [u8]> {
    let plain = !v.bytes().any(|b| {
        matches!(b, b'&' | b'<' | b'>' | b'_' | 0xEF) || (b < 0x20 && b != b'\t' && b != b'\n')
    });
    if plain {
        return Cow::Borrowed(v.as_bytes());
    }
    let v = escape_escapes(v);
    let mut out = Vec::with_capacity(v.len() + 16);
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
    Cow::Owned(out)
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

/// A sheet's rows written as XML and deflated, and what was found writing them.
pub(super) struct Rows {
    deflated: Deflated,
    pub(super) marks: Marks,
}

/// A sheet's rows written by `fill` as XML, deflated on every core as they are written.
pub(super) fn sheet_rows(
    fill: impl FnOnce(&mut XmlCells<'_, deflate::Pieces<'_>>) -> io::Result<()>,
) -> io::Result<Rows> {
    let marks = Marks::new();
    let ((), deflated) = deflate::on_every_core(LEVEL, |w| {
        let mut cells = XmlCells::new(w, &marks);
        fill(&mut cells)?;
        cells.end()
    })?;
    Ok(Rows { deflated, marks })
}

/// Writes the first `shown` of the `count` findings of rule `rule` as rows from `top + 1`
/// on, a share of findings per core, and under them, if some are not shown, how many
/// are not.
pub(super) fn rule_rows(
    findings: &dyn ByRule,
    rule: usize,
    (shown, count): (usize, usize),
    top: RowNum,
    columns: (bool, bool),
    lang: Lang,
) -> io::Result<Rows> {
    let marks = Marks::new();
    let print = |place: usize, f: &FindingEntry, out: &mut Vec<u8>| {
        let mut cells = XmlCells::new(out, &marks);
        // Writing to memory does not fail.
        let _ = finding_row(&mut cells, top + 1 + place as RowNum, f, columns, lang);
        let _ = cells.end();
    };
    let ((), deflated) = deflate::on_every_core(LEVEL, |w| {
        findings.write_rule_upto(rule, shown, &print, w)?;
        if shown < count {
            let mut cells = XmlCells::new(w, &marks);
            let note = cut_note(count - shown, lang);
            cells.note(top + shown as RowNum + 1, 0, &note, Style::Bold)?;
            cells.end()?;
        }
        Ok(())
    })?;
    Ok(Rows { deflated, marks })
}

/// Writes the workbook `saved` (a zip, as rust_xlsxwriter saved it) to `w` with sheets'
/// `rows` put in, by the sheet's number (`xl/worksheets/sheet{n}.xml`): after the rows
/// the sheet has (a title and header, or none), its dimension reaching the last cell.
/// The other parts are copied as they are.
pub(super) fn put_in(
    saved: &[u8],
    mut rows: HashMap<usize, Rows>,
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
            .and_then(|n| rows.remove(&n));
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
                    data: &[&data[..]],
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
                let pieces: Vec<&[u8]> = sheet.data.iter().map(Vec::as_slice).collect();
                out.add(&Entry {
                    name: &name,
                    method: 8,
                    time,
                    date,
                    crc: sheet.crc32(),
                    len: sheet.len,
                    unix_mode,
                    data: &pieces,
                })?;
            }
        }
    }
    if !rows.is_empty() {
        return Err(io::Error::other(
            "xlsx: rows for a sheet the workbook does not have",
        ));
    }
    out.finish()
}

/// The sheet's XML `xml` with `rows` put in at the end of `<sheetData>`, deflated.
fn spliced(xml: &str, rows: Rows) -> io::Result<Deflated> {
    let missing = || io::Error::other("xlsx: a sheet without <sheetData> or <dimension>");
    let (mut head, tail) = match xml.find("</sheetData>") {
        Some(end) => (xml[..end].to_owned(), Cow::Borrowed(&xml[end..])),
        None => {
            // A sheet without rows: `<sheetData/>`.
            let empty = "<sheetData/>";
            let at = xml.find(empty).ok_or_else(missing)?;
            let head = format!("{}<sheetData>", &xml[..at]);
            let tail = format!("</sheetData>{}", &xml[at + empty.len()..]);
            (head, Cow::Owned(tail))
        }
    };
    let (row, col) = rows.marks.last();
    if row > 0 {
        // `<dimension ref="A1:I2"/>`: its last cell is now the rows' last, if further.
        let at = head.find("<dimension ref=\"").ok_or_else(missing)? + 16;
        let close = head[at..].find('"').ok_or_else(missing)? + at;
        let range = dimension(&head[at..close], (row, col)).ok_or_else(missing)?;
        head.replace_range(at..close, &range);
    }
    let mut all = deflate::piece(head.as_bytes(), LEVEL, false)?;
    all.push(rows.deflated);
    all.push(deflate::piece(tail.as_bytes(), LEVEL, true)?);
    Ok(all)
}

/// A sheet's dimension `range` (`A1:I2`, or `A1` for one cell) reaching row `row` and
/// column `col` (from 1) too.
fn dimension(range: &str, (row, col): (usize, usize)) -> Option<String> {
    let (first, last) = range.split_once(':').unwrap_or((range, range));
    let letters = last.trim_end_matches(|c: char| c.is_ascii_digit());
    let last_row: usize = last[letters.len()..].parse().ok()?;
    let last_col = letters.bytes().try_fold(0usize, |n, b| {
        b.is_ascii_uppercase()
            .then(|| n * 26 + usize::from(b - b'A') + 1)
    })?;
    let (row, col) = (row.max(last_row), col.max(last_col));
    let end = format!(
        "{}{row}",
        column_name(ColNum::try_from(col.checked_sub(1)?).ok()?)
    );
    Some(if end == first {
        end
    } else {
        format!("{first}:{end}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_reach_the_last_cell() {
        assert_eq!(
            dimension("A1:I2", (300_002, 9)).as_deref(),
            Some("A1:I300002")
        );
        assert_eq!(dimension("A1:M2", (7, 1)).as_deref(), Some("A1:M7"));
        assert_eq!(dimension("A1", (1, 1)).as_deref(), Some("A1"));
        assert_eq!(dimension("A1", (180_000, 8)).as_deref(), Some("A1:H180000"));
        assert_eq!(dimension("A1:B1", (1, 28)).as_deref(), Some("A1:AB1"));
        assert_eq!(dimension("A1:x", (1, 1)), None);
    }

    #[test]
    fn numbers_are_written_as_the_library_writes_them() {
        for n in [
            0.0,
            -0.0,
            1.0,
            2019.0,
            -7.0,
            0.25,
            1.0 / 3.0,
            44197.0,
            1e15,
            1e16,
            123456.5,
        ] {
            assert_eq!(number_text(n), n.to_string(), "{n}");
        }
    }

    #[test]
    fn text_is_escaped_as_the_library_escapes_it() {
        let e = |s: &str| String::from_utf8(escaped(s).into_owned()).unwrap();
        assert_eq!(e("plain 名字"), "plain 名字");
        assert_eq!(e("a&b<c>d"), "a&amp;b&lt;c&gt;d");
        assert_eq!(e("_x0041_"), "_x005F_x0041_");
        assert_eq!(e("_x004_ _xZZZZ_ _x0041"), "_x004_ _xZZZZ_ _x0041");
        assert_eq!(e("cr\r tab\t nl\n \u{1}"), "cr_x000D_ tab\t nl\n _x0001_");
        assert_eq!(e("\u{FFFE}\u{FFFF}"), "_xFFFE__xFFFF_");
    }
}
