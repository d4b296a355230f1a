//! Writes `fixtures/exports/`: the demo data as clerks' tools save it, so the README
//! can show each kind of input and the tests can read them. Run from the repository
//! root: `cargo run --example export_fixtures`. Nothing in `fixtures/exports/` is
//! edited by hand.
//!
//! - `gbk/`: the three tables as GB18030 (GBK) CSV, as Chinese Excel's
//!   "CSV (逗号分隔)" writes them, with CRLF line ends;
//! - `bom/`: UTF-8 with a BOM, as Excel's "CSV UTF-8" writes them;
//! - `unicode-text/`: UTF-16LE with BOM, tab-separated, as Excel's "Unicode text";
//! - `workbook/台账.xlsx`: one workbook with the sheets 干部名册, 培训班, 参训记录, each
//!   with a title row and a blank row above the header, dates as date cells.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const TABLES: [(&str, &str); 3] = [
    ("cadres", "干部名册"),
    ("classes", "培训班"),
    ("attendance", "参训记录"),
];

fn demo(table: &str) -> Result<String> {
    let p = Path::new("fixtures/demo").join(format!("{table}.csv"));
    let s = fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
    Ok(s.strip_prefix('\u{feff}').unwrap_or(&s).to_owned())
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// A date typed as text in one of the accepted spellings, as a date cell.
fn as_date(cell: &str) -> Option<ExcelDateTime> {
    let parts: Vec<u16> = cell
        .split(['-', '/', '.'])
        .map(|p| p.parse().ok())
        .collect::<Option<Vec<u16>>>()?;
    match parts.as_slice() {
        [y, m, d] if *y > 1900 => ExcelDateTime::from_ymd(*y, *m as u8, *d as u8).ok(),
        _ => None,
    }
}

fn main() -> Result<()> {
    let out = Path::new("fixtures/exports");
    for (table, _) in TABLES {
        let text = demo(table)?;
        let crlf = text.replace('\n', "\r\n");
        write(
            &out.join("gbk").join(format!("{table}.csv")),
            &encoding_rs::GB18030.encode(&crlf).0,
        )?;
        write(
            &out.join("bom").join(format!("{table}.csv")),
            &[b"\xEF\xBB\xBF".as_slice(), crlf.as_bytes()].concat(),
        )?;
        let mut utf16 = vec![0xFF, 0xFE];
        for u in crlf.replace(',', "\t").encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        write(
            &out.join("unicode-text").join(format!("{table}.txt")),
            &utf16,
        )?;
    }

    let mut wb = Workbook::new();
    // A fixed creation time, so that the file is the same every time it is written.
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(2021, 1, 1)?),
    );
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let bold = Format::new().set_bold();
    for (table, sheet) in TABLES {
        let ws = wb.add_worksheet();
        ws.set_name(sheet)?;
        ws.write_string_with_format(
            0,
            0,
            format!("绵阳市工会干部培训台账 — {sheet}（导出）"),
            &bold,
        )?;
        let text = demo(table)?;
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, *h, &bold)?;
        }
        let date_cols: Vec<bool> = header
            .iter()
            .map(|h| h.contains("日期") || h.ends_with("_on"))
            .collect();
        for (r, line) in lines.enumerate() {
            let row = r as u32 + 3;
            for (c, cell) in line.split(',').enumerate() {
                match (date_cols.get(c), as_date(cell)) {
                    (Some(true), Some(d)) => {
                        ws.write_datetime_with_format(row, c as u16, d, &date)?
                    }
                    _ => ws.write_string(row, c as u16, cell)?,
                };
            }
        }
    }
    let book = out.join("workbook").join("台账.xlsx");
    if let Some(dir) = book.parent() {
        fs::create_dir_all(dir)?;
    }
    wb.save(&book)?;
    println!("wrote {}", out.display());
    Ok(())
}
