//! Locating the tables (SPEC §1 "Files"): explicit paths first, then DATA, a folder
//! (a file per table by its English or Chinese name, or one workbook) or a workbook
//! (a sheet per table).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::xlsx;
use crate::i18n::say;
use crate::model::{Source, TableKind, display_name};
use crate::notice::{Detail, Notice, NoticeKind};

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

/// The three tables found, and what finding them noticed (a table taken by a part of
/// its file's name).
pub struct Located {
    pub paths: [TablePath; 3],
    pub notices: Vec<Notice>,
}

/// Finds the three tables: explicit paths win, then DATA (a folder or a workbook).
pub fn locate(data: &Path, explicit: [Option<PathBuf>; 3]) -> Result<[TablePath; 3]> {
    locate_all(data, explicit).map(|l| l.paths)
}

/// Like [`locate`], with the notices of SPEC §8 (`by_name`).
pub fn locate_all(data: &Path, explicit: [Option<PathBuf>; 3]) -> Result<Located> {
    let mut found: [Option<TablePath>; 3] = [None, None, None];
    for (i, p) in explicit.into_iter().enumerate() {
        if let Some(p) = p {
            found[i] = Some(path_kind(&p, None));
        }
    }
    if found.iter().all(Option::is_some) {
        return Ok(Located {
            paths: found.map(|f| f.unwrap_or(TablePath::Csv(PathBuf::new()))),
            notices: Vec::new(),
        });
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
        return Ok(Located {
            paths: found.map(|f| f.unwrap_or(TablePath::Csv(PathBuf::new()))),
            notices: Vec::new(),
        });
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
            [a, b, ..] => bail!(two_files(*kind, a, b)),
        }
    }
    if missing.is_empty() {
        return Ok(Located {
            paths: found.map(|f| f.unwrap_or(TablePath::Csv(PathBuf::new()))),
            notices: Vec::new(),
        });
    }
    // A folder whose only table source is one workbook.
    let books: Vec<&PathBuf> = entries
        .iter()
        .filter(|p| is_xlsx(p) && !names_units(p))
        .collect();
    if missing.len() == 3 && books.len() == 1 {
        return locate_all(books[0], [None, None, None]);
    }
    // SPEC §8: a table with no exact name is taken from the one file whose name contains
    // the table's name, and said so.
    let mut notices = Vec::new();
    for kind in missing {
        let mut candidates: Vec<&PathBuf> = entries
            .iter()
            .filter(|p| readable(p) && contains_name(p, kind))
            .collect();
        candidates.sort();
        match candidates.as_slice() {
            [one] => {
                if let Some(other) = TableKind::ALL
                    .into_iter()
                    .find(|k| *k != kind && contains_name(one, *k))
                {
                    bail!(say(
                        format!(
                            "文件名 `{}` 同时含有“{}”和“{}”，无法判断是哪张表；请改名，或用 --{} 指定文件",
                            display_name(one),
                            kind.chinese(),
                            other.chinese(),
                            kind.name()
                        ),
                        format!(
                            "the file name `{}` contains the names of two tables ({} and {}): rename it, or give the table with --{}",
                            display_name(one),
                            kind.name(),
                            other.name(),
                            kind.name()
                        )
                    ));
                }
                let i = TableKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
                found[i] = Some(path_kind(one, None));
                let mut n = Notice::new(NoticeKind::ByName, Some(kind), 1);
                let name = stem(one);
                n.value = Some(
                    if name.contains(kind.chinese()) {
                        kind.chinese()
                    } else {
                        kind.name()
                    }
                    .to_owned(),
                );
                n.detail = Detail::From(Source {
                    file: display_name(one),
                    sheet: None,
                });
                notices.push(n);
            }
            [a, b, ..] => bail!(two_files(kind, a, b)),
            [] => {
                let (n, c) = (kind.name(), kind.chinese());
                // An old or foreign spreadsheet format is the only candidate: say what
                // to do with it.
                if let Some(old) = entries
                    .iter()
                    .find(|p| old_format(p) && (names_table(p, kind) || contains_name(p, kind)))
                {
                    bail!(say(
                        format!(
                            "{c}（{n}）表只有 `{}`，peixun 读不了这种格式：请在 Excel 或 WPS 中另存为 .xlsx 或 CSV",
                            display_name(old)
                        ),
                        format!(
                            "the only file for the {n} table is `{}`, a format peixun cannot read: save it as .xlsx or CSV in Excel or WPS",
                            display_name(old)
                        )
                    ));
                }
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
        }
    }
    Ok(Located {
        paths: found.map(|f| f.unwrap_or(TablePath::Csv(PathBuf::new()))),
        notices,
    })
}

/// The exit-2 message for two files that could be one table.
fn two_files(kind: TableKind, a: &Path, b: &Path) -> String {
    say(
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
        ),
    )
}

/// A file name's stem, trimmed and lower-cased.
fn stem(p: &Path) -> String {
    p.file_stem()
        .and_then(|s| s.to_str())
        .map(|s| s.trim().to_lowercase())
        .unwrap_or_default()
}

/// A file of a kind a table can be read from.
fn readable(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "csv" | "txt" | "tsv" | "xlsx" | "xlsm"
        )
    })
}

/// A spreadsheet format peixun does not read (Excel 97–2003, OpenDocument, WPS).
fn old_format(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "xls" | "ods" | "et"))
}

/// Whether a file's name contains a table's name (English or Chinese).
fn contains_name(p: &Path, kind: TableKind) -> bool {
    let s = stem(p);
    s.contains(kind.name()) || s.contains(kind.chinese())
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

/// The names a units file or sheet may have (SPEC §6), exact, case-insensitive. The
/// by-name rule of SPEC §8 never applies to units.
pub const NAMES: [&str; 3] = ["units", "工会组织", "组织名册"];

/// Whether a name (a file's stem or a sheet's name) names the units table.
pub fn is_units_name(name: &str) -> bool {
    let n = name.trim().to_lowercase();
    NAMES.contains(&n.as_str())
}

/// Whether a file is named like the units table (a readable kind of file).
pub fn names_units(p: &Path) -> bool {
    let (Some(stem), Some(ext)) = (
        p.file_stem().and_then(|s| s.to_str()),
        p.extension().and_then(|s| s.to_str()),
    ) else {
        return false;
    };
    matches!(
        ext.to_ascii_lowercase().as_str(),
        "csv" | "txt" | "tsv" | "xlsx" | "xlsm"
    ) && is_units_name(stem)
}
