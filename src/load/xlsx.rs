//! Reading `.xlsx` workbooks with calamine (SPEC §1, §8 "Reading, tightened"): the
//! sheet named like the table, else the first visible one; a title or blank rows above
//! the header are passed over (the header is the first of the first 10 rows that holds
//! known headers); line numbers are the row numbers Excel shows.
//!
//! Cells are streamed, never laid out over the sheet's used range, so memory follows the
//! non-empty cells (one value at XFD1048576 costs one cell). Merged cells take the value
//! of the merge's top-left cell; a formula saved without its result becomes a cell that
//! says so; a date cell whose number is no date serial has no date. The zip's limits come
//! from `ooxml.rs`, the merges and formulas calamine's cell reader leaves out from
//! `sheetxml.rs`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use anyhow::{Result, anyhow};
use calamine::{DataRef, ExcelDateTime, ExcelDateTimeType, Reader, SheetType, SheetVisible, Xlsx};
use chrono::NaiveDate;

use super::cell::Cell;
use super::ooxml::{Archive, unreadable};
use super::sheetxml::{Area, MAX_COLS, MAX_ROWS, quote};
use super::values::serial_to_date;
use crate::i18n::say;
use crate::model::normalize;
use crate::model::{TableKind, display_name, fields_of};

/// A table's sheet, its header found; its rows are read by [`SheetData::rows`].
pub struct SheetData {
    pub sheet: String,
    pub header: Vec<String>,
    /// The Excel row number of the header.
    pub header_line: u32,
    /// How many non-blank lines above the header were passed over (a title, a note).
    pub title_lines: u32,
    /// The sheet was taken by position (the first visible sheet), not by its name.
    pub by_position: bool,
    book: Xlsx<BufReader<File>>,
    file: String,
    merges: Vec<Area>,
    formulas: HashMap<(u32, u32), String>,
}

/// Opens a workbook: its zip checked against the limits first, then read by calamine.
fn open(path: &Path) -> Result<(Xlsx<BufReader<File>>, Archive)> {
    let mut archive = Archive::open(path)?;
    archive.check_open_parts()?;
    let book = calamine::open_workbook(path).map_err(|e| unreadable(&display_name(path), &e))?;
    Ok((book, archive))
}

/// The sheets of a workbook, in order.
pub fn sheet_names(path: &Path) -> Result<Vec<String>> {
    Ok(open(path)?.0.sheet_names())
}

/// Opens one table's sheet and finds its header.
pub fn read_sheet(path: &Path, sheet: Option<&str>, kind: TableKind) -> Result<SheetData> {
    let file = display_name(path);
    let (book, mut archive) = open(path)?;
    let sheets = book.sheets_metadata();
    let named = |n: &str| {
        let n = n.trim().to_lowercase();
        n == kind.name() || n == kind.chinese()
    };
    let (index, by_position) = match sheet {
        Some(s) => (sheets.iter().position(|m| m.name == s), false),
        None => match sheets.iter().position(|m| named(&m.name)) {
            Some(i) => (Some(i), false),
            // SPEC §8: a hidden sheet is never taken by position.
            None => (
                sheets.iter().position(|m| {
                    m.visible == SheetVisible::Visible && m.typ == SheetType::WorkSheet
                }),
                true,
            ),
        },
    };
    let Some(index) = index else {
        let names: Vec<String> = sheets.iter().map(|m| quote(&m.name)).collect();
        return Err(match sheet {
            Some(s) => anyhow!(say(
                format!("工作簿 `{file}` 中没有工作表 `{}`", quote(s)),
                format!("workbook `{file}` has no sheet `{}`", quote(s))
            )),
            None if sheets.is_empty() => anyhow!(say(
                format!("工作簿 `{file}` 中没有工作表"),
                format!("workbook `{file}` has no sheets")
            )),
            None => anyhow!(say(
                format!(
                    "工作簿 `{file}` 中没有可见的工作表（隐藏的工作表不按位置读取）；请把表所在的工作表命名为 `{}` 或 `{}`（现有工作表：{}）",
                    kind.chinese(),
                    kind.name(),
                    names.join("、")
                ),
                format!(
                    "workbook `{file}` has no visible sheet (hidden sheets are never taken by position); name the table's sheet `{}` or `{}` (sheets: {})",
                    kind.name(),
                    kind.chinese(),
                    names.join(", ")
                )
            )),
        });
    };
    let name = sheets[index].name.clone();
    let Some(part) = archive.sheet_part(index)? else {
        let missing = say(
            "工作簿中缺少它的内容，文件已损坏".to_owned(),
            "its part is missing from the workbook: the file is damaged".to_owned(),
        );
        return Err(cannot_read(&file, &name, &missing));
    };
    let scan = archive.scan_sheet(&part)?;
    let mut data = SheetData {
        sheet: name,
        header: Vec::new(),
        header_line: 0,
        title_lines: 0,
        by_position,
        book,
        file,
        merges: scan.merges,
        formulas: scan.formulas,
    };
    data.find_header(kind)?;
    Ok(data)
}

fn cannot_read(file: &str, sheet: &str, e: &dyn std::fmt::Display) -> anyhow::Error {
    let sheet = quote(sheet);
    anyhow!(say(
        format!("无法读取工作簿 `{file}` 的工作表 `{sheet}`：文件已损坏或格式不对（详情：`{e}`）"),
        format!("cannot read sheet `{sheet}` of `{file}`: {e}")
    ))
}

impl SheetData {
    /// Finds the header among the first 10 lines from the first non-blank one: the
    /// first holding two known headers, else one, else the first non-blank line.
    fn find_header(&mut self, kind: TableKind) -> Result<()> {
        let known: Vec<String> = fields_of(kind)
            .iter()
            .flat_map(|f| std::iter::once(f.name).chain(f.aliases.iter().copied()))
            .map(normalize)
            .collect();
        // The first lines' cells. Merged cells are filled within the columns these lines
        // use, so a title merged across the whole sheet does not widen the table.
        let (mut width, mut first) = (0, None);
        self.stream(0, |line, cells| {
            if line >= *first.get_or_insert(line) + 10 {
                return false;
            }
            width = width.max(cells.len());
            true
        })?;
        let mut lines: Vec<(u32, Vec<(u32, Cell<'static>)>)> = Vec::new();
        self.stream(width, |line, cells| {
            if lines.first().is_some_and(|(first, _)| line >= first + 10) {
                return false;
            }
            let own = cells.iter().enumerate().filter(|(_, c)| !c.is_blank());
            lines.push((line, own.map(|(i, c)| (i as u32, owned(c))).collect()));
            true
        })?;
        let score = |r: &[(u32, Cell<'_>)]| {
            r.iter()
                .filter(|(_, c)| matches!(c, Cell::Text(s) if known.contains(&normalize(s))))
                .count()
        };
        let at = (0..lines.len())
            .find(|&i| score(&lines[i].1) >= 2)
            .or_else(|| (0..lines.len()).find(|&i| score(&lines[i].1) >= 1));
        let Some((h, (line, cells))) = at
            .or((!lines.is_empty()).then_some(0))
            .map(|h| (h, &lines[h]))
        else {
            let (file, sheet) = (&self.file, quote(&self.sheet));
            return Err(anyhow!(say(
                format!("工作簿 `{file}` 的工作表 `{sheet}` 是空的：没有表头行"),
                format!("sheet `{sheet}` of `{file}` is empty: it has no header row")
            )));
        };
        let width = cells.last().map_or(0, |(c, _)| *c as usize + 1);
        let mut header = vec![String::new(); width];
        for (c, cell) in cells {
            header[*c as usize] = cell.text().into_owned();
        }
        self.header = header;
        self.header_line = *line;
        self.title_lines = h as u32;
        Ok(())
    }

    /// Calls `row` with each non-blank data row below the header, in order: its line
    /// and its cells, merged cells filled within the header's columns.
    pub fn rows(&mut self, mut row: impl FnMut(u32, &[Cell<'_>])) -> Result<()> {
        let (header_line, width) = (self.header_line, self.header.len());
        self.stream(width, |line, cells| {
            if line > header_line {
                row(line, cells);
            }
            true
        })
    }

    /// Streams the sheet's non-blank rows, in order, until `each` says stop: each row's
    /// line and cells, merged cells filled within the first `clip` columns.
    fn stream(
        &mut self,
        clip: usize,
        mut each: impl FnMut(u32, &[Cell<'_>]) -> bool,
    ) -> Result<()> {
        let SheetData {
            book,
            file,
            sheet,
            merges,
            formulas,
            ..
        } = self;
        let mut reader = book
            .worksheet_cells_reader(sheet)
            .map_err(|e| cannot_read(file, sheet, &e))?;
        let mut fill = Filler::new(merges, clip);
        let mut own: Vec<(u32, Cell<'_>)> = Vec::new();
        let mut cells: Vec<Cell<'_>> = Vec::new();
        let mut current: Option<u32> = None;
        loop {
            let next = reader
                .next_cell()
                .map_err(|e| cannot_read(file, sheet, &e))?;
            let pos = next.as_ref().map(calamine::Cell::get_position);
            if let Some(r) = current.filter(|&r| pos.is_none_or(|(nr, _)| nr != r)) {
                if let Some((nr, _)) = pos.filter(|&(nr, _)| nr < r) {
                    return Err(cannot_read(
                        file,
                        sheet,
                        &say(
                            format!(
                                "第 {} 行出现在第 {} 行之后，文件已损坏，请在 Excel 中打开后另存",
                                nr + 1,
                                r + 1
                            ),
                            format!(
                                "row {} comes after row {}: the file is damaged; open it in Excel and save it again",
                                nr + 1,
                                r + 1
                            ),
                        ),
                    ));
                }
                if !own.is_empty() {
                    fill.row(r, &mut own, &mut cells)
                        .map_err(|e| cannot_read(file, sheet, &e))?;
                    if !each(r + 1, &cells) {
                        return Ok(());
                    }
                }
            }
            let Some(c) = next else {
                return Ok(());
            };
            let (r, col) = c.get_position();
            if r >= MAX_ROWS || col >= MAX_COLS {
                return Err(cannot_read(
                    file,
                    sheet,
                    &say(
                        "有单元格超出了 Excel 的最后一格 XFD1048576，文件已损坏".to_owned(),
                        "a cell lies beyond Excel's last cell XFD1048576: the file is damaged"
                            .to_owned(),
                    ),
                ));
            }
            current = Some(r);
            let value = match c.get_value() {
                DataRef::Empty => match formulas.get(&(r, col)) {
                    Some(f) => Cell::Uncomputed(f.clone()),
                    None => continue,
                },
                d => cell(d),
            };
            if !value.is_blank() {
                own.push((col, value));
            }
        }
    }
}

/// A cell that owns its text.
fn owned(c: &Cell<'_>) -> Cell<'static> {
    match c {
        Cell::Text(s) => Cell::Text(Cow::Owned(s.to_string())),
        Cell::Number(n) => Cell::Number(*n),
        Cell::Bool(b) => Cell::Bool(*b),
        Cell::Date(s, d) => Cell::Date(*s, *d),
        Cell::Error(e) => Cell::Error(e.clone()),
        Cell::Uncomputed(f) => Cell::Uncomputed(f.clone()),
    }
}

fn blank<'a>() -> Cell<'a> {
    Cell::Text(Cow::Borrowed(""))
}

/// Lays out a row's cells by column and fills in the merged cells.
struct Filler<'m, 'a> {
    merges: &'m [Area],
    /// The next merge (by first row) not yet started.
    next: usize,
    /// The merges covering the current row, with their top-left cell's value.
    active: Vec<(Area, Cell<'a>)>,
    clip: usize,
    /// Per column, the row (plus one) a merge last covered it in: two merges covering
    /// one cell overlap, which Excel never writes.
    filled: Vec<u32>,
}

impl<'m, 'a> Filler<'m, 'a> {
    fn new(merges: &'m [Area], clip: usize) -> Self {
        Filler {
            merges,
            next: 0,
            active: Vec::new(),
            clip,
            filled: Vec::new(),
        }
    }

    /// The cells of row `r` (0-based) from its own non-blank cells, merged cells filled.
    fn row(
        &mut self,
        r: u32,
        own: &mut Vec<(u32, Cell<'a>)>,
        cells: &mut Vec<Cell<'a>>,
    ) -> Result<(), String> {
        if !own.is_sorted_by_key(|(c, _)| *c) {
            own.sort_by_key(|(c, _)| *c);
        }
        while let Some(&m) = self.merges.get(self.next).filter(|m| m.top <= r) {
            self.next += 1;
            if m.bottom < r || m.left as usize >= self.clip {
                continue;
            }
            // A merge whose first row has no cell of its own has a blank top-left cell.
            let value = match own.binary_search_by_key(&m.left, |(c, _)| *c) {
                Ok(i) if m.top == r => own[i].1.clone(),
                _ => blank(),
            };
            self.active.push((m, value));
        }
        self.active.retain(|(m, _)| m.bottom >= r);
        cells.clear();
        for (c, v) in own.drain(..) {
            let c = c as usize;
            if c >= cells.len() {
                cells.resize(c, blank());
                cells.push(v);
            } else {
                cells[c] = v;
            }
        }
        for (m, v) in &self.active {
            let right = (m.right as usize).min(self.clip - 1);
            for c in m.left as usize..=right {
                if c >= self.filled.len() {
                    self.filled.resize(c + 1, 0);
                }
                if self.filled[c] == r + 1 {
                    return Err(say(
                        "合并单元格相互重叠，文件已损坏，请在 Excel 中打开后另存".to_owned(),
                        "merged ranges overlap: the file is damaged; open it in Excel and save it again".to_owned(),
                    ));
                }
                self.filled[c] = r + 1;
                // The top-left cell keeps its own value.
                if r == m.top && c == m.left as usize {
                    continue;
                }
                if c >= cells.len() {
                    cells.resize(c + 1, blank());
                }
                cells[c] = v.clone();
            }
        }
        Ok(())
    }
}

/// A date cell's date, as Excel shows it; None when its number is no date serial (SPEC
/// §8: ≤ 0, a fraction below 1, NaN, infinite, beyond 9999-12-31) or is Excel's phantom
/// 1900-02-29.
fn excel_date(dt: &ExcelDateTime) -> Option<NaiveDate> {
    let serial = dt.as_f64();
    if serial.is_nan() || serial < 1.0 {
        return None;
    }
    // The 1904 date system (old Mac workbooks) counts from 1904-01-01 = 0.
    let is_1904 = [ExcelDateTimeType::DateTime, ExcelDateTimeType::TimeDelta]
        .into_iter()
        .any(|t| *dt == ExcelDateTime::new(serial, t, true));
    serial_to_date(if is_1904 { serial + 1462.0 } else { serial })
}

/// A calamine cell as the loader sees it.
pub fn cell<'a>(d: &DataRef<'a>) -> Cell<'a> {
    match d {
        DataRef::Empty => blank(),
        DataRef::SharedString(s) => Cell::Text(Cow::Borrowed(s)),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Cell::Text(Cow::Owned(s.clone()))
        }
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => Cell::Date(dt.as_f64(), excel_date(dt)),
        DataRef::Error(e) => Cell::Error(format!("#{e:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(serial: f64) -> Option<NaiveDate> {
        excel_date(&ExcelDateTime::new(
            serial,
            ExcelDateTimeType::DateTime,
            false,
        ))
    }

    #[test]
    fn date_cells_holding_no_date_serial_have_no_date() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(date(43355.0), d(2018, 9, 12));
        assert_eq!(date(43355.75), d(2018, 9, 12));
        assert_eq!(date(1.0), d(1900, 1, 1));
        assert_eq!(date(2_958_465.0), d(9999, 12, 31));
        for bad in [
            0.0,
            -1.0,
            0.5,
            60.0,
            f64::NAN,
            f64::INFINITY,
            2_958_466.0,
            4_294_967_296.0,
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
        let mac = ExcelDateTime::new(0.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(excel_date(&mac), None);
        let mac = ExcelDateTime::new(41893.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(excel_date(&mac), d(2018, 9, 12));
    }

    #[test]
    fn merged_cells_take_the_top_left_value_within_the_clip() {
        let merges = [
            Area {
                top: 1,
                left: 1,
                bottom: 3,
                right: 1,
            },
            Area {
                top: 0,
                left: 0,
                bottom: 0,
                right: 9,
            },
        ];
        let mut sorted = merges.to_vec();
        sorted.sort_by_key(|m| (m.top, m.left));
        let mut f = Filler::new(&sorted, 3);
        let mut cells = Vec::new();
        let text = |s: &'static str| Cell::Text(Cow::Borrowed(s));
        let texts = |cells: &[Cell<'_>]| {
            cells
                .iter()
                .map(|c| c.text().into_owned())
                .collect::<Vec<_>>()
        };
        f.row(0, &mut vec![(0, text("名册"))], &mut cells).unwrap();
        assert_eq!(texts(&cells), ["名册", "名册", "名册"]);
        f.row(1, &mut vec![(0, text("a")), (1, text("市"))], &mut cells)
            .unwrap();
        assert_eq!(texts(&cells), ["a", "市"]);
        f.row(3, &mut vec![(0, text("c")), (2, text("x"))], &mut cells)
            .unwrap();
        assert_eq!(texts(&cells), ["c", "市", "x"]);
        f.row(4, &mut vec![(0, text("d"))], &mut cells).unwrap();
        assert_eq!(texts(&cells), ["d"]);
        let overlapping = [
            Area {
                top: 0,
                left: 0,
                bottom: 2,
                right: 1,
            },
            // Its top-left cell lies in the first one.
            Area {
                top: 1,
                left: 1,
                bottom: 1,
                right: 2,
            },
        ];
        let mut f = Filler::new(&overlapping, 5);
        f.row(0, &mut vec![(0, text("a"))], &mut cells).unwrap();
        assert!(f.row(1, &mut vec![(0, text("b"))], &mut cells).is_err());
    }
}
