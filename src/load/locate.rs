//! Locating the tables (SPEC §1 "Files"): explicit paths first, then DATA, a folder
//! (a file per table by its English or Chinese name, or one workbook) or a workbook
//! (a sheet per table).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::xlsx;
use crate::i18n::say;
use crate::model::{TableKind, display_name};

/// Where each table comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TablePath {
    /// A CSV (or tab-separated text) file.
    Csv(PathBuf),
    /// A workbook and the sheet to read (None: the sheet named like the table, else the first).
    Xlsx(PathBuf, Option<String>),
}

impl TablePath {
    pub fn path(&self) -> &Path {
        match self {
            TablePath::Csv(p) | TablePath::Xlsx(p, _) => p,
        }
    }
}

/// Finds the three tables: explicit paths win, then DATA (a folder or a workbook).
pub fn locate(data: &Path, explicit: [Option<PathBuf>; 3]) -> Result<[TablePath; 3]> {
    let mut found: [Option<TablePath>; 3] = [None, None, None];
    for (i, p) in explicit.into_iter().enumerate() {
        if let Some(p) = p {
            found[i] = Some(path_kind(&p, None));
        }
    }
    if found.iter().all(Option::is_some) {
        return Ok(found.map(|f| f.unwrap_or(TablePath::Csv(PathBuf::new()))));
    }
    if data.is_file() {
        if !is_xlsx(data) {
            bail!(say(
                format!(
                    "`{}` 是文件但不是 .xlsx 工作簿：数据应为包含干部名册、培训班、参训记录的文件夹，或含这三个工作表的一个工作簿",
                    data.display()
                ),
                format!(
                    "`{}` is a file but not an .xlsx workbook: DATA is a folder holding cadres, classes and attendance, or one workbook with those sheets",
                    data.display()
                )
            ));
        }
        let sheets = xlsx::sheet_names(data)?;
        for (i, kind) in TableKind::ALL.iter().enumerate() {
            if found[i].is_none() {
                let sheet = pick_sheet(&sheets, *kind).with_context(|| {
                    say(
                        format!(
                            "工作簿 `{}` 中没有工作表 `{}` 或 `{}`（现有工作表：{}）",
                            display_name(data),
                            kind.chinese(),
                            kind.name(),
                            sheets.join("、")
                        ),
                        format!(
                            "workbook `{}` has no sheet `{}` or `{}` (sheets: {})",
                            display_name(data),
                            kind.name(),
                            kind.chinese(),
                            sheets.join(", ")
                        ),
                    )
                })?;
                found[i] = Some(TablePath::Xlsx(data.to_path_buf(), Some(sheet)));
            }
        }
        return Ok(found.map(|f| f.unwrap_or(TablePath::Csv(PathBuf::new()))));
    }
    if !data.is_dir() {
        bail!(say(
            format!("数据文件夹 `{}` 不存在", data.display()),
            format!("data folder `{}` does not exist", data.display())
        ));
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(data)
        .with_context(|| {
            say(
                format!("无法读取文件夹 `{}`", data.display()),
                format!("cannot read folder `{}`", data.display()),
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    let mut missing = Vec::new();
    for (i, kind) in TableKind::ALL.iter().enumerate() {
        if found[i].is_some() {
            continue;
        }
        let mut hits: Vec<&PathBuf> = entries.iter().filter(|p| names_table(p, *kind)).collect();
        hits.sort();
        match hits.as_slice() {
            [one] => found[i] = Some(path_kind(one, None)),
            [] => missing.push(*kind),
            [a, b, ..] => bail!(say(
                format!(
                    "{}（{}）表有两个文件：`{}` 和 `{}`，请只保留一个",
                    kind.chinese(),
                    kind.name(),
                    display_name(a),
                    display_name(b)
                ),
                format!(
                    "two files for the {} table: `{}` and `{}`; keep one",
                    kind.name(),
                    display_name(a),
                    display_name(b)
                )
            )),
        }
    }
    if !missing.is_empty() {
        // A folder whose only table source is one workbook.
        let books: Vec<&PathBuf> = entries.iter().filter(|p| is_xlsx(p)).collect();
        if missing.len() == 3 && books.len() == 1 {
            return locate(books[0], [None, None, None]);
        }
        let kind = missing[0];
        let (n, c) = (kind.name(), kind.chinese());
        bail!(say(
            format!(
                "`{}` 中没有{c}（{n}）表：应为 `{n}.csv`、`{c}.csv`、`{n}.xlsx` 或 `{c}.xlsx`，或用 --{n} 指定文件",
                data.display()
            ),
            format!(
                "no {n} table in `{}`: expected `{n}.csv`, `{c}.csv`, `{n}.xlsx` or `{c}.xlsx`, or --{n} FILE",
                data.display()
            )
        ));
    }
    Ok(found.map(|f| f.unwrap_or(TablePath::Csv(PathBuf::new()))))
}

pub fn path_kind(p: &Path, sheet: Option<String>) -> TablePath {
    if is_xlsx(p) {
        TablePath::Xlsx(p.to_path_buf(), sheet)
    } else {
        TablePath::Csv(p.to_path_buf())
    }
}

pub fn is_xlsx(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "xlsx" | "xlsm"))
}

fn names_table(p: &Path, kind: TableKind) -> bool {
    let (Some(stem), Some(ext)) = (
        p.file_stem().and_then(|s| s.to_str()),
        p.extension().and_then(|s| s.to_str()),
    ) else {
        return false;
    };
    let ext = ext.to_ascii_lowercase();
    let stem = stem.trim().to_lowercase();
    matches!(ext.as_str(), "csv" | "txt" | "tsv" | "xlsx" | "xlsm")
        && (stem == kind.name() || stem == kind.chinese())
}

fn pick_sheet(sheets: &[String], kind: TableKind) -> Option<String> {
    sheets
        .iter()
        .find(|s| {
            let n = s.trim().to_lowercase();
            n == kind.name() || n == kind.chinese()
        })
        .cloned()
}
