//! The cells of the xlsx report: the formats every sheet uses, and a sheet being filled
//! (text, numbers, dates and links written so that no text is taken for a formula, each
//! column as wide as its text, tables with a frozen header and an autofilter).

use std::borrow::Cow;
use std::collections::BTreeMap;

use rust_xlsxwriter::{
    ColNum, ExcelDateTime, Format, FormatAlign, FormatBorder, FormatUnderline, RowNum, Url,
    Worksheet, XlsxError,
};

use super::sheet_names::link_to;
use super::words::{escape_controls, hidden, looks_like_formula};
use crate::i18n::Lang;

/// Excel's limit on the characters of a cell.
const MAX_CELL: usize = 32_767;
/// Paper size 9 is A4.
pub(super) const A4: u8 = 9;

/// The formats every sheet uses.
pub(super) struct Styles {
    pub(super) header: Format,
    pub(super) title: Format,
    pub(super) bold: Format,
    pub(super) date: Format,
    pub(super) percent: Format,
    pub(super) wrap: Format,
    pub(super) quoted: Format,
    pub(super) quoted_wrap: Format,
    pub(super) link: Format,
    /// A matrix cell per status of [`GRID_STATUSES`]: the HTML report's colours.
    pub(super) grid: [Format; 5],
}

impl Styles {
    pub(super) fn new() -> Styles {
        let font = |f: Format| f.set_font_name("等线");
        Styles {
            header: font(Format::new())
                .set_bold()
                .set_background_color("#F2F4F7")
                .set_border_bottom(FormatBorder::Thin),
            title: font(Format::new()).set_bold().set_font_size(14),
            bold: font(Format::new()).set_bold(),
            date: font(Format::new())
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Left),
            percent: font(Format::new()).set_num_format("0.0%"),
            wrap: font(Format::new())
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            quoted: font(Format::new()).set_quote_prefix(),
            quoted_wrap: font(Format::new())
                .set_quote_prefix()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            link: font(Format::new())
                .set_font_color("#0563C1")
                .set_underline(FormatUnderline::Single)
                .set_quote_prefix(),
            grid: [
                ("#05603A", "#D1FADF"),
                ("#B42318", "#FEE4E2"),
                ("#93370D", "#FEF0C7"),
                ("#344054", "#EAECF0"),
                ("#667085", "#FFFFFF"),
            ]
            .map(|(ink, fill)| {
                font(Format::new())
                    .set_font_color(ink)
                    .set_background_color(fill)
                    .set_border(FormatBorder::Thin)
                    .set_border_color("#D0D5DD")
                    .set_align(FormatAlign::Center)
            }),
        }
    }

    /// Every format, in a fixed order: the workbook numbers them in this order before
    /// two threads fill sheets, so that a format's number does not depend on which
    /// thread uses it first (the same check writes the same bytes).
    pub(super) fn all(&self) -> impl Iterator<Item = &Format> {
        [
            &self.header,
            &self.title,
            &self.bold,
            &self.date,
            &self.percent,
            &self.wrap,
            &self.quoted,
            &self.quoted_wrap,
            &self.link,
        ]
        .into_iter()
        .chain(&self.grid)
    }
}

/// The numbers the workbook gives the formats, as a cell's XML names them (`s="3"`):
/// their places in [`Styles::all`], after the default format's 0. For rows written as
/// XML directly ([`super::xlsx_rows`]); a test holds those rows to the library's.
pub(super) mod xf {
    pub(crate) const BOLD: u32 = 3;
    pub(crate) const PERCENT: u32 = 5;
    pub(crate) const DATE: u32 = 4;
    pub(crate) const WRAP: u32 = 6;
    pub(crate) const QUOTED: u32 = 7;
    pub(crate) const QUOTED_WRAP: u32 = 8;
}

/// A sheet being filled, remembering how wide each column's text is.
pub(super) struct Sheet<'a> {
    pub(super) ws: &'a mut Worksheet,
    pub(super) st: &'a Styles,
    pub(super) widths: BTreeMap<ColNum, usize>,
    /// The row a [`Sheet::table`] starts on: 1 under a rule sheet's title row.
    pub(super) top: RowNum,
}

impl<'a> Sheet<'a> {
    pub(super) fn new(ws: &'a mut Worksheet, st: &'a Styles) -> Sheet<'a> {
        Sheet {
            ws,
            st,
            widths: BTreeMap::new(),
            top: 0,
        }
    }

    pub(super) fn styled(
        &mut self,
        row: RowNum,
        col: ColNum,
        s: &str,
        f: &Format,
    ) -> Result<(), XlsxError> {
        self.seen(col, text_width(s));
        self.ws.write_string_with_format(row, col, s, f)?;
        Ok(())
    }

    /// Column widths from the text seen, within `min`..=`max` characters; columns in
    /// `wrapped` are capped lower and wrap.
    pub(super) fn fit(&mut self, wrapped: &[ColNum]) -> Result<(), XlsxError> {
        for (&col, &w) in &self.widths {
            let cap = if wrapped.contains(&col) { 60 } else { 40 };
            let width = (w + 2).clamp(6, cap);
            self.ws.set_column_width(col, width as f64)?;
        }
        Ok(())
    }

    /// A table on row `top`: frozen header, autofilter, printed on A4 landscape with
    /// the header (and what is above it) repeated.
    pub(super) fn table_setup(&mut self, rows: RowNum, cols: ColNum) -> Result<(), XlsxError> {
        let top = self.top;
        self.ws.set_freeze_panes(top + 1, 0)?;
        self.ws
            .autofilter(top, 0, top + rows, cols.saturating_sub(1))?;
        self.ws
            .set_paper_size(A4)
            .set_landscape()
            .set_print_fit_to_pages(1, 0);
        self.ws.set_repeat_rows(0, top)?;
        Ok(())
    }

    /// An internal link to the sheet `name`, showing `text`.
    pub(super) fn link(
        &mut self,
        row: RowNum,
        col: ColNum,
        name: &str,
        text: &str,
    ) -> Result<(), XlsxError> {
        let text = escape_controls(text);
        self.seen(col, text_width(&text));
        let st = self.st;
        self.ws.write_url_with_format(
            row,
            col,
            Url::new(link_to(name)).set_text(text),
            &st.link,
        )?;
        Ok(())
    }

    /// A sheet that is one table: the header on row `top`, a row per item written by
    /// `cells` (given the item's row), then [`Sheet::table_setup`] and the column
    /// widths, `wrapped` columns wrapping.
    pub(super) fn table<T>(
        &mut self,
        head: &[&str],
        items: &[T],
        wrapped: &[ColNum],
        mut cells: impl FnMut(&mut Self, RowNum, &T) -> Result<(), XlsxError>,
    ) -> Result<(), XlsxError> {
        self.header(self.top, head)?;
        for (i, item) in items.iter().enumerate() {
            cells(self, self.top + i as RowNum + 1, item)?;
        }
        self.table_setup(items.len() as RowNum, head.len() as ColNum)?;
        self.fit(wrapped)
    }
}

impl Cells for Sheet<'_> {
    type Error = XlsxError;

    fn seen(&mut self, col: ColNum, width: usize) {
        let w = self.widths.entry(col).or_insert(0);
        *w = (*w).max(width);
    }

    fn text(&mut self, row: RowNum, col: ColNum, s: &str, wrap: bool) -> Result<(), XlsxError> {
        let v = cell_text(s);
        self.seen(col, cell_width(&v));
        let format = match (looks_like_formula(&v), wrap) {
            (true, true) => &self.st.quoted_wrap,
            (true, false) => &self.st.quoted,
            (false, true) => &self.st.wrap,
            (false, false) => {
                self.ws.write_string(row, col, v)?;
                return Ok(());
            }
        };
        self.ws.write_string_with_format(row, col, v, format)?;
        Ok(())
    }

    fn number(&mut self, row: RowNum, col: ColNum, n: f64) -> Result<(), XlsxError> {
        self.seen(col, n.to_string().len());
        self.ws.write_number(row, col, n)?;
        Ok(())
    }

    fn date(&mut self, row: RowNum, col: ColNum, s: &str) -> Result<(), XlsxError> {
        match excel_date(s) {
            Some(d) => {
                self.seen(col, 10);
                self.ws
                    .write_datetime_with_format(row, col, d, &self.st.date)?;
                Ok(())
            }
            None => self.text(row, col, s, false),
        }
    }

    fn label(&mut self, row: RowNum, col: ColNum, s: &str, style: Style) -> Result<(), XlsxError> {
        let st = self.st;
        self.styled(row, col, s, st.of(style))
    }

    fn note(&mut self, row: RowNum, col: ColNum, s: &str, style: Style) -> Result<(), XlsxError> {
        self.ws
            .write_string_with_format(row, col, s, self.st.of(style))?;
        Ok(())
    }

    fn percent(&mut self, row: RowNum, col: ColNum, n: f64) -> Result<(), XlsxError> {
        self.ws
            .write_number_with_format(row, col, n, &self.st.percent)?;
        Ok(())
    }
}

/// A format a cell is written in, by name: the library's [`Format`] ([`Styles::of`]),
/// or the number the workbook gives it ([`Style::xf`]).
#[derive(Clone, Copy)]
pub(super) enum Style {
    Header,
    Bold,
    /// A quota matrix's cell, by its status's place in the legend.
    Grid(usize),
}

impl Style {
    /// The format's number in the workbook, as a cell's XML names it (`s="3"`): its
    /// place in [`Styles::all`], after the default format's 0.
    pub(super) fn xf(self) -> u32 {
        match self {
            Style::Header => 1,
            Style::Bold => xf::BOLD,
            Style::Grid(i) => 10 + i.min(4) as u32,
        }
    }
}

impl Styles {
    pub(super) fn of(&self, style: Style) -> &Format {
        match style {
            Style::Header => &self.header,
            Style::Bold => &self.bold,
            Style::Grid(i) => &self.grid[i.min(4)],
        }
    }
}

/// Where a sheet's cells go: a worksheet of the library ([`Sheet`]), or XML
/// ([`super::xlsx_rows`]). Cells come in order: row by row, each row's from the left.
pub(super) trait Cells {
    type Error;
    /// A column's text is `width` wide.
    fn seen(&mut self, col: ColNum, width: usize);
    /// Text from the data or a label: always a string cell, never a formula.
    fn text(&mut self, row: RowNum, col: ColNum, s: &str, wrap: bool) -> Result<(), Self::Error>;
    fn number(&mut self, row: RowNum, col: ColNum, n: f64) -> Result<(), Self::Error>;
    /// A `YYYY-MM-DD` date as a date cell (text when it is not one).
    fn date(&mut self, row: RowNum, col: ColNum, s: &str) -> Result<(), Self::Error>;
    /// A label of ours in `style`, as it is.
    fn label(&mut self, row: RowNum, col: ColNum, s: &str, style: Style)
    -> Result<(), Self::Error>;
    /// Text of ours in `style`, as it is, left out of the column's width: a title over
    /// a block, a note under a table.
    fn note(&mut self, row: RowNum, col: ColNum, s: &str, style: Style) -> Result<(), Self::Error>;
    /// A rate, as a percentage, left out of the column's width.
    fn percent(&mut self, row: RowNum, col: ColNum, n: f64) -> Result<(), Self::Error>;

    fn header(&mut self, row: RowNum, names: &[&str]) -> Result<(), Self::Error> {
        for (c, name) in names.iter().enumerate() {
            self.label(row, c as ColNum, name, Style::Header)?;
            // Room for the autofilter's drop-down button.
            self.seen(c as ColNum, text_width(name) + 3);
        }
        Ok(())
    }

    /// A block of a sheet with many: a bold title on `row`, the header under it.
    /// Returns the header's row.
    fn titled_header(
        &mut self,
        row: RowNum,
        title: &str,
        head: &[&str],
    ) -> Result<RowNum, Self::Error> {
        self.note(row, 0, &escape_controls(title), Style::Bold)?;
        self.header(row + 1, head)?;
        Ok(row + 1)
    }
}

/// Text from the data as a cell holds it: control characters shown as escapes, and cut
/// to Excel's limit of 32,767 UTF-16 units with a mark that it was.
pub(super) fn cell_text(s: &str) -> Cow<'_, str> {
    // Only these bytes begin a character to escape: C0 controls and DEL, C1 controls
    // (U+0080–U+009F: C2 80–9F), the bidirectional controls (U+202A–U+202E and
    // U+2066–U+2069: E2 80/81 …). Most cells have none of them.
    let suspect = s.bytes().any(|b| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || matches!(b, 0x7F | 0xC2 | 0xE2)
    });
    let mut v = if suspect
        && s.chars()
            .any(|c| hidden(c) && !matches!(c, '\t' | '\n' | '\r'))
    {
        Cow::Owned(escape_controls(s))
    } else {
        Cow::Borrowed(s)
    };
    // A UTF-16 unit is at least a byte: most cells need no count.
    if v.len() > MAX_CELL && v.encode_utf16().count() > MAX_CELL {
        let mut units = 0;
        let end = v
            .char_indices()
            .find(|(_, c)| {
                units += c.len_utf16();
                units > MAX_CELL - 1
            })
            .map_or(v.len(), |(i, _)| i);
        let mut cut = v.into_owned();
        cut.truncate(end);
        cut.push('…');
        v = Cow::Owned(cut);
    }
    v
}

/// The width a text cell asks of its column: its longest line's, counted up to
/// [`WIDEST`] only (no column is made wider than 60: [`Sheet::fit`]).
pub(super) fn cell_width(v: &str) -> usize {
    let bytes = v.as_bytes();
    if bytes.iter().all(|&b| b < 0x80 && b != b'\n' && b != b'\r') {
        // One line of ASCII: a column per byte.
        return v.len().min(WIDEST);
    }
    let (mut widest, mut line) = (0, 0);
    for (i, c) in v.char_indices() {
        // Lines end at "\n" or "\r\n" (as `str::lines` has them).
        if c == '\n' {
            line = 0;
            continue;
        }
        if c == '\r' && bytes.get(i + 1) == Some(&b'\n') {
            continue;
        }
        line += crate::diag::char_width(c);
        if line >= WIDEST {
            return WIDEST;
        }
        widest = widest.max(line);
    }
    widest
}

/// Past this width a column's text is cut by [`Sheet::fit`]'s caps anyway.
const WIDEST: usize = 64;

/// What a table cut at Excel's row limit says under it: how many rows are missing.
pub(super) fn cut_note(missing: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "另有 {missing} 行超出 Excel 的行数上限，未列出；完整清单请用 CSV 或 JSON 格式导出"
        ),
        Lang::En => format!(
            "{missing} more rows exceed Excel's row limit and are not listed; export as CSV or JSON for all"
        ),
    }
}

/// Display width: CJK characters take two columns.
pub(super) fn text_width(s: &str) -> usize {
    s.chars().map(crate::diag::char_width).sum()
}

pub(super) fn excel_date(s: &str) -> Option<ExcelDateTime> {
    let mut parts = s.splitn(3, '-');
    let y: u16 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    if s.len() != 10 {
        return None;
    }
    ExcelDateTime::from_ymd(y, m, d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_excels_limit_in_utf16_units() {
        // Characters outside the BMP take two units each: 20,000 of them are 40,000.
        let s = "😀".repeat(20_000);
        let v = cell_text(&s);
        assert_eq!(v.encode_utf16().count(), MAX_CELL);
        assert!(v.ends_with("😀…"));
        let s = "名".repeat(MAX_CELL + 5);
        let v = cell_text(&s);
        assert_eq!(v.chars().count(), MAX_CELL);
        assert!(v.ends_with('…'));
        // At the limit exactly: kept whole.
        let s = "a".repeat(MAX_CELL);
        assert_eq!(cell_text(&s), s);
    }

    #[test]
    fn a_cells_width_is_its_longest_lines_up_to_the_widest_a_column_gets() {
        let lines = |v: &str| v.lines().map(text_width).max().unwrap_or(0).min(WIDEST);
        for v in [
            "",
            "abc",
            "名字",
            "a\r\nbcd",
            "ab\r",
            "a\rb",
            "\n\n",
            "第一行\n第二行更长一些\r\n三",
            &"名".repeat(31),
            &"名".repeat(32),
            &"x".repeat(200),
        ] {
            assert_eq!(cell_width(v), lines(v), "{v:?}");
        }
    }

    #[test]
    fn dates() {
        assert!(excel_date("2021-03-01").is_some());
        assert!(excel_date("2021-3-1").is_none());
        assert!(excel_date("not a date").is_none());
    }
}
