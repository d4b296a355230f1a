//! Loading the tables (SPEC §1): this file wires the stages, in the order data flows —
//! locate the files (`locate.rs`), read each table (`table.rs`: decoding in
//! `stream.rs`/`encoding.rs`, records in `csv.rs`, sheets in `xlsx.rs`, headers in
//! `headers.rs`), rows into typed rows and data errors (`builder.rs`, `fields.rs`,
//! `values.rs`), ids settled (`ids.rs`), work split across cores (`parts.rs`),
//! attendance resolved as it streams (`attendance.rs`) — and assembles the dataset.
//! Only this module opens input files.

pub mod attendance;
pub mod builder;
pub mod cell;
pub mod csv;
pub mod encoding;
pub mod fields;
pub mod headers;
pub mod ids;
pub mod locate;
pub mod ooxml;
pub mod options;
pub mod parts;
pub mod sheetxml;
pub mod stream;
pub mod table;
pub mod values;
pub mod xlsx;

use std::path::Path;

use anyhow::Result;

use crate::model::{Column, DataError, Dataset, Field, Source, TableKind, ValueChange, fields_of};
use crate::notice::{Detail, MAX_EXAMPLES, Notice, NoticeKind};
use crate::spelling::Spellings;
use attendance::{Attendance, read_attendance_csv};
use builder::{Mapped, add_mapped};
use fields::WaiverRow;
pub use locate::TablePath;
use locate::path_kind;
pub use options::ReadOptions;
use table::{open_table, read_rows, read_rows_in_parts};

/// Loads the three tables and resolves attendance (SPEC §1 "References").
///
/// Cadres and classes are read in parallel while the attendance file is decoded;
/// attendance rows are then resolved as they are read, so they are never stored.
pub fn load(paths: &[TablePath; 3], opts: &ReadOptions, levels: &[String]) -> Result<Dataset> {
    let (cadres, classes) = std::thread::scope(|s| {
        let c = s.spawn(|| {
            open_table(TableKind::Cadres, &paths[0], opts).and_then(|r| {
                read_rows(
                    TableKind::Cadres,
                    r,
                    levels,
                    &opts.columns[0],
                    &opts.spellings,
                    opts.parts(),
                    opts.min_split(),
                )
            })
        });
        let classes = open_table(TableKind::Classes, &paths[1], opts).and_then(|r| {
            read_rows(
                TableKind::Classes,
                r,
                levels,
                &opts.columns[1],
                &opts.spellings,
                opts.parts(),
                opts.min_split(),
            )
        });
        let cadres = c
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("reading cadres failed")));
        (cadres, classes)
    });
    let cadres = cadres?;
    let classes = classes?;
    crate::trace::stage("cadres and classes read");
    let atts = match &paths[2] {
        TablePath::Csv(p) => read_attendance_csv(p, opts, levels, &cadres, &classes)?,
        sheet => {
            let rows = open_table(TableKind::Attendance, sheet, opts)?;
            read_rows_in_parts(
                TableKind::Attendance,
                rows,
                levels,
                &opts.columns[2],
                &opts.spellings,
                (1, 0),
                |b| Attendance::new(b, &cadres, &classes),
            )?
        }
    };
    crate::trace::stage("attendance read");
    let mut attended = Vec::new();
    let mut not_completed = Vec::new();
    let mut att_errors = Vec::new();
    let attendance = match atts.first() {
        Some(a) => (
            a.b.table.source.clone(),
            a.b.table.columns.clone(),
            atts.iter().map(|a| a.rows_ok).sum(),
        ),
        None => (
            Source {
                file: String::new(),
                sheet: None,
            },
            Vec::new(),
            0,
        ),
    };
    let mut att_mapped = Vec::new();
    // What reading each table noticed (title lines, a sheet taken by position).
    let mut notices = Vec::new();
    notices.extend(cadres.notices.iter().cloned());
    notices.extend(classes.notices.iter().cloned());
    for a in atts {
        attended.extend(a.attended);
        not_completed.extend(a.not_completed);
        att_errors.extend(a.b.errors);
        add_mapped(&mut att_mapped, a.b.mapped);
        for n in a.b.notices {
            if !notices.contains(&n) {
                notices.push(n);
            }
        }
    }

    let id_cols = (
        cadres.col(Field::CadreId).unwrap_or(0),
        classes.col(Field::ClassId).unwrap_or(0),
    );
    // SPEC §8: a classes or attendance table without data rows checks nothing.
    if classes.table.rows() == 0 && classes.errors.is_empty() {
        notices.push(empty_table(TableKind::Classes, &classes.table.source));
    }
    if attendance.2 == 0 && att_errors.is_empty() {
        notices.push(empty_table(TableKind::Attendance, &attendance.0));
    }
    let mut value_changes = Vec::new();
    let mapped = [
        (
            TableKind::Cadres,
            &cadres.table.source,
            &cadres.table.columns,
            cadres.mapped,
        ),
        (
            TableKind::Classes,
            &classes.table.source,
            &classes.table.columns,
            classes.mapped,
        ),
        (
            TableKind::Attendance,
            &attendance.0,
            &attendance.1,
            att_mapped,
        ),
    ];
    for (kind, source, columns, mapped) in mapped {
        values_mapped(
            kind,
            source,
            columns,
            mapped,
            &mut notices,
            &mut value_changes,
        );
    }
    let mut data_errors = cadres.errors;
    data_errors.extend(classes.errors);
    data_errors.extend(att_errors);
    data_errors.sort_by(|a, b| {
        (a.table, a.line, a.column.unwrap_or(""), a.column.is_some()).cmp(&(
            b.table,
            b.line,
            b.column.unwrap_or(""),
            b.column.is_some(),
        ))
    });
    Ok(Dataset {
        cadres_table: cadres.table,
        classes_table: classes.table,
        cadres: cadres.cadres,
        classes: classes.classes,
        attended,
        not_completed,
        data_errors,
        id_cols,
        attendance,
        notices,
        value_changes,
    })
}

/// SPEC §8 `values_mapped`: per column, the cells `[values]` changed; and each
/// mapping's count for `validate`.
fn values_mapped(
    kind: TableKind,
    source: &Source,
    columns: &[Column],
    mut mapped: Vec<Mapped>,
    notices: &mut Vec<Notice>,
    changes: &mut Vec<ValueChange>,
) {
    mapped.sort_by(|a, b| (a.column, &a.spelling).cmp(&(b.column, &b.spelling)));
    for m in &mapped {
        let col = columns.get(m.column);
        let header = col.map_or("", |c| c.header.as_str());
        // The column as rules name it: a field's canonical name, or the header.
        let name = col
            .and_then(|c| c.field)
            .and_then(|f| fields_of(kind).iter().find(|s| s.field == f))
            .map_or(header, |s| s.name);
        changes.push(ValueChange {
            table: kind,
            column: header.to_owned(),
            spelling: m.spelling.clone(),
            word: m.word.clone(),
            count: m.count,
        });
        match notices.iter_mut().find(|n| {
            n.kind == NoticeKind::ValuesMapped
                && n.table == Some(kind)
                && n.header.as_deref() == Some(header)
        }) {
            Some(n) => n.count += m.count,
            None => {
                let mut n = Notice::new(NoticeKind::ValuesMapped, Some(kind), m.count);
                n.column = Some(name.to_owned());
                n.header = Some(header.to_owned());
                notices.push(n);
            }
        }
    }
    // Examples: the first lines changed in each column, in line order.
    for n in notices
        .iter_mut()
        .filter(|n| n.kind == NoticeKind::ValuesMapped && n.table == Some(kind))
    {
        let mut lines: Vec<(u32, &str)> = mapped
            .iter()
            .filter(|m| columns.get(m.column).map(|c| c.header.as_str()) == n.header.as_deref())
            .flat_map(|m| m.lines.iter().map(move |&l| (l, m.spelling.as_str())))
            .collect();
        lines.sort_unstable();
        for (line, spelling) in lines.into_iter().take(MAX_EXAMPLES) {
            n.example(source, line, Some(spelling));
        }
    }
}

/// The notice for a table without data rows.
fn empty_table(kind: TableKind, source: &Source) -> Notice {
    let mut n = Notice::new(NoticeKind::EmptyTable, Some(kind), 0);
    n.detail = Detail::From(source.clone());
    n
}

/// Reads a waivers file (`--waivers`, CSV or xlsx): the waivers read without error,
/// and data errors for the rest.
pub fn read_waivers(path: &Path, opts: &ReadOptions) -> Result<(Vec<WaiverRow>, Vec<DataError>)> {
    let rows = open_table(TableKind::Waivers, &path_kind(path, None), opts)?;
    let b = read_rows(
        TableKind::Waivers,
        rows,
        &[],
        &[],
        &Spellings::default(),
        1,
        0,
    )?;
    Ok((b.waivers, b.errors))
}

#[cfg(test)]
mod tests {
    use super::locate::locate;
    use super::*;

    fn levels() -> Vec<String> {
        crate::rules::parse::DEFAULT_LEVELS
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// Attendance read block by block gives the same rows and errors whatever the block
    /// size, so block boundaries inside characters, rows and quotes are handled.
    #[test]
    fn streamed_attendance_does_not_depend_on_block_size() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let dirs = [
            "demo",
            "data-errors",
            "exports/gbk",
            "exports/unicode-text",
            "malformed/line-numbers-multiline-record",
            "malformed/unterminated-quote",
            "malformed/gbk-encoded",
            "malformed/crlf-line-endings",
            "malformed/attendance-references",
        ];
        let levels = levels();
        for dir in dirs {
            let paths = locate(&root.join(dir), [None, None, None]).unwrap();
            let summary = |block: usize| {
                let opts = ReadOptions {
                    block,
                    ..ReadOptions::default()
                };
                let d = load(&paths, &opts, &levels).unwrap();
                let errors: Vec<(TableKind, u32, Option<&str>, Option<String>)> = d
                    .data_errors
                    .iter()
                    .map(|e| (e.table, e.line, e.column, e.value.clone()))
                    .collect();
                // Pieces are read by whichever core is free: compare as a set.
                let mut attended = d.attended.clone();
                attended.sort_unstable();
                (attended, errors)
            };
            let whole = summary(0);
            assert!(
                !whole.0.is_empty() || dir.contains("unterminated"),
                "{dir} has attendance"
            );
            for block in [1, 2, 3, 5, 8, 13, 64, 4096] {
                assert_eq!(summary(block), whole, "{dir} with {block}-byte blocks");
            }
        }
    }

    /// A file that is ASCII for many blocks and GB18030 further on: rows read before the
    /// first non-UTF-8 byte are read again, and the outcome is that of the same text
    /// saved as UTF-8.
    #[test]
    fn late_gb18030_bytes_read_the_file_again() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
        let demo = std::fs::read_to_string(root.join("attendance.csv")).unwrap();
        let mut text = String::from("class_id,cadre_id,name,completed\n");
        for (i, line) in demo.lines().skip(1).enumerate() {
            let f: Vec<&str> = line.split(',').collect();
            // ASCII for the first 80 rows (several 64-byte blocks), Chinese after.
            let (name, done) = if i < 80 {
                ("x", if f[3] == "否" { "0" } else { "1" })
            } else {
                (f[2], f[3])
            };
            text.push_str(&format!("{},{},{name},{done}\n", f[0], f[1]));
        }
        let (gbk, _, lossy) = encoding_rs::GB18030.encode(&text);
        assert!(!lossy && std::str::from_utf8(&gbk).is_err());
        let levels = levels();
        let read = |bytes: &[u8], block: usize| {
            let dir = tempfile::tempdir().unwrap();
            for t in ["cadres.csv", "classes.csv"] {
                std::fs::copy(root.join(t), dir.path().join(t)).unwrap();
            }
            std::fs::write(dir.path().join("attendance.csv"), bytes).unwrap();
            let paths = locate(dir.path(), [None, None, None]).unwrap();
            let opts = ReadOptions {
                block,
                ..ReadOptions::default()
            };
            let d = load(&paths, &opts, &levels).unwrap();
            let mut attended = d.attended.clone();
            attended.sort_unstable();
            let errors: Vec<(u32, Option<String>)> = d
                .data_errors
                .iter()
                .map(|e| (e.line, e.value.clone()))
                .collect();
            (attended, errors, d.attendance.2)
        };
        let utf8 = read(text.as_bytes(), 0);
        // 118 rows, one naming a cadre whose row the demo rejects.
        assert_eq!(utf8.2, 117);
        for block in [64, 256, 1000] {
            assert_eq!(read(&gbk, block), utf8, "{block}-byte blocks");
        }
    }
}

#[cfg(test)]
mod part_tests {
    use super::locate::locate;
    use super::*;

    /// A data error as compared: table, line, column, value, problem.
    type ErrorKey<'a> = (TableKind, u32, Option<&'a str>, Option<String>, String);

    /// Reading a file in parts gives exactly what reading it whole gives: the same rows,
    /// ids, attendance and data errors (duplicates across parts included).
    #[test]
    fn parts_read_like_the_whole_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let levels: Vec<String> = crate::rules::parse::DEFAULT_LEVELS
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut dirs: Vec<std::path::PathBuf> = [
            "demo",
            "data-errors",
            "date-spellings",
            "deadline-boundaries",
            "exports/gbk",
        ]
        .iter()
        .map(|d| root.join(d))
        .collect();
        for e in std::fs::read_dir(root.join("malformed")).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            }
        }
        let mut compared = 0;
        for dir in dirs {
            let Ok(paths) = locate(&dir, [None, None, None]) else {
                continue;
            };
            let summary = |threads: usize| {
                let opts = ReadOptions {
                    threads,
                    split_small: true,
                    ..ReadOptions::default()
                };
                load(&paths, &opts, &levels).ok().map(|d| {
                    let cadres: Vec<(String, String, chrono::NaiveDate)> = d
                        .cadres
                        .iter()
                        .map(|c| {
                            (
                                d.cadre_id(c).to_owned(),
                                d.cadre_text(c, Field::Name).to_owned(),
                                c.appointed_on,
                            )
                        })
                        .collect();
                    let classes: Vec<(String, f64)> = d
                        .classes
                        .iter()
                        .map(|c| (d.class_id(c).to_owned(), c.days))
                        .collect();
                    let errors: Vec<ErrorKey> = d
                        .data_errors
                        .iter()
                        .map(|e| {
                            (
                                e.table,
                                e.line,
                                e.column,
                                e.value.clone(),
                                format!("{:?}", e.problem),
                            )
                        })
                        .collect();
                    let mut attended = d.attended.clone();
                    attended.sort_unstable();
                    (cadres, classes, attended, errors)
                })
            };
            let whole = summary(1);
            for threads in [2, 3, 5] {
                assert_eq!(
                    summary(threads),
                    whole,
                    "{} read in {threads} parts",
                    dir.display()
                );
            }
            compared += 1;
        }
        assert!(compared > 40, "{compared} fixtures compared");
    }
}
