//! Reading `.xlsx` workbooks with calamine (SPEC §1): the sheet named like the table,
//! else the first; a title row or blank rows above the header are passed over (the
//! header is the first of the first 10 rows that holds known headers); line numbers are
//! the row numbers Excel shows.

use std::borrow::Cow;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use calamine::{Data, Reader, Xlsx, open_workbook};

use super::cell::Cell;
use crate::i18n::say;
use crate::model::normalize;
use crate::model::{TableKind, display_name, fields_of};

/// A sheet's header row and data rows (with their Excel row numbers).
pub struct SheetData {
    pub sheet: String,
    pub header: Vec<String>,
    pub rows: Vec<(u32, Vec<Data>)>,
    /// Non-blank rows passed over above the header (SPEC §8 "Title lines").
    pub title_lines: u32,
}

fn open(path: &Path) -> Result<Xlsx<std::io::BufReader<std::fs::File>>> {
    open_workbook(path).map_err(|e| {
        let name = display_name(path);
        anyhow!(say(
            format!("无法打开工作簿 `{name}`：{e}；它不是可读的 .xlsx 文件（不完整，或另存成了别的格式）"),
            format!("cannot open workbook `{name}`: {e}; it is not a readable .xlsx file (truncated, or saved in another format)")
        ))
    })
}

/// The sheets of a workbook, in order.
pub fn sheet_names(path: &Path) -> Result<Vec<String>> {
    Ok(open(path)?.sheet_names())
}

/// Reads one table's sheet.
pub fn read_sheet(path: &Path, sheet: Option<&str>, kind: TableKind) -> Result<SheetData> {
    let mut book = open(path)?;
    let names = book.sheet_names();
    let sheet = match sheet {
        Some(s) => s.to_owned(),
        None => names
            .iter()
            .find(|s| {
                let n = s.trim().to_lowercase();
                n == kind.name() || n == kind.chinese()
            })
            .or_else(|| names.first())
            .cloned()
            .with_context(|| format!("workbook `{}` has no sheets", display_name(path)))?,
    };
    let range = book.worksheet_range(&sheet).map_err(|e| {
        let name = display_name(path);
        anyhow!(say(
            format!("无法读取工作簿 `{name}` 的工作表 `{sheet}`：{e}"),
            format!("cannot read sheet `{sheet}` of `{name}`: {e}")
        ))
    })?;
    let first_row = range.start().map_or(0, |(r, _)| r);
    let first_col = range.start().map_or(0, |(_, c)| c) as usize;
    let known: Vec<String> = fields_of(kind)
        .iter()
        .flat_map(|f| std::iter::once(f.name).chain(f.aliases.iter().copied()))
        .map(normalize)
        .collect();
    let rows: Vec<Vec<Data>> = range
        .rows()
        .map(|r| {
            let mut v = vec![Data::Empty; first_col];
            v.extend_from_slice(r);
            v
        })
        .collect();
    let score = |r: &Vec<Data>| {
        r.iter()
            .filter(|c| matches!(c, Data::String(s) if known.contains(&normalize(s))))
            .count()
    };
    let non_empty = |r: &Vec<Data>| r.iter().any(|c| !cell_is_blank(c));
    let header_idx = (0..rows.len().min(10))
        .find(|&i| score(&rows[i]) >= 2)
        .or_else(|| (0..rows.len().min(10)).find(|&i| score(&rows[i]) >= 1))
        .or_else(|| rows.iter().position(non_empty));
    let Some(h) = header_idx else {
        let name = display_name(path);
        return Err(anyhow!(say(
            format!("工作簿 `{name}` 的工作表 `{sheet}` 是空的：没有表头行"),
            format!("sheet `{sheet}` of `{name}` is empty: it has no header row")
        )));
    };
    let title_lines = rows[..h].iter().filter(|r| non_empty(r)).count() as u32;
    let header = rows[h]
        .iter()
        .map(|c| Cell::text(&cell(c)).into_owned())
        .collect();
    let data = rows
        .into_iter()
        .enumerate()
        .skip(h + 1)
        .map(|(i, r)| (first_row + i as u32 + 1, r))
        .collect();
    Ok(SheetData {
        sheet,
        header,
        rows: data,
        title_lines,
    })
}

fn cell_is_blank(c: &Data) -> bool {
    match c {
        Data::Empty => true,
        Data::String(s) => crate::model::trim(s).is_empty(),
        _ => false,
    }
}

/// A calamine cell as the loader sees it.
pub fn cell(d: &Data) -> Cell<'_> {
    match d {
        Data::Empty => Cell::Text(Cow::Borrowed("")),
        Data::String(s) => Cell::Text(Cow::Borrowed(s)),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => {
            let (y, m, day, ..) = dt.to_ymd_hms_milli();
            let date = chrono::NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(day));
            Cell::Date(dt.as_f64(), date)
        }
        Data::DateTimeIso(s) => Cell::Text(Cow::Borrowed(s)),
        Data::DurationIso(s) => Cell::Text(Cow::Borrowed(s)),
        Data::Error(e) => Cell::Error(format!("#{e:?}")),
    }
}
