//! Loading the tables (SPEC §1): this file wires the stages, in the order data flows —
//! locate the files (`locate.rs`), read each table (`table.rs`: decoding in
//! `stream.rs`/`encoding.rs`, records in `csv.rs`, sheets in `xlsx.rs`, headers in
//! `headers.rs`), rows into typed rows and data errors (`builder.rs`, `fields.rs`,
//! `values.rs`), ids settled (`ids.rs`), work split across cores (`parts.rs`), CSV
//! tables read in pieces as their file is read (`chunked.rs`), attendance resolved as
//! it streams (`attendance.rs`) — and assembles the dataset.
//! Only this module opens input files.

pub mod attendance;
pub mod builder;
pub mod cell;
pub mod chunked;
pub mod csv;
pub mod encoding;
pub mod fields;
pub mod headers;
pub mod ids;
pub mod locate;
pub mod noticed;
pub mod ooxml;
pub mod options;
pub mod parts;
pub mod sheetxml;
pub mod stream;
pub mod table;
pub mod units;
pub mod values;
pub mod xlsx;

use std::path::Path;

use anyhow::Result;

use crate::model::{DataError, Dataset, Field, Source, TableKind};
use crate::spelling::Spellings;
use attendance::{Attendance, read_attendance_csv};
use builder::add_mapped;
use chunked::read_table;
use fields::WaiverRow;
pub use locate::TablePath;
use locate::path_kind;
use noticed::{empty_table, values_mapped};
pub use options::ReadOptions;
use table::{open_table, read_rows, read_rows_in_parts};

/// Loads the three tables and resolves attendance (SPEC §1 "References").
///
/// Cadres and classes are read at the same time, each in pieces as its file is read;
/// attendance rows are then resolved as they are read, so they are never stored.
pub fn load(paths: &[TablePath; 3], opts: &ReadOptions, levels: &[String]) -> Result<Dataset> {
    let (cadres, classes) = std::thread::scope(|s| {
        let c = s.spawn(|| read_table(TableKind::Cadres, &paths[0], opts, levels));
        let classes = read_table(TableKind::Classes, &paths[1], opts, levels);
        let cadres = c
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("reading cadres failed")));
        (cadres, classes)
    });
    let cadres = cadres?;
    // SPEC §8: a roster without rows is a broken export, not a compliant union.
    if cadres.cadres.is_empty() && cadres.errors.is_empty() {
        let file = cadres.table.source.display();
        anyhow::bail!(crate::i18n::say(
            format!("干部名册没有数据行：{file} 只有表头，没有任何人员；请检查导出是否完整"),
            format!(
                "the roster has no rows: {file} has a header but no data rows; check that the export is complete"
            ),
        ));
    }
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
                (&opts.spellings, &opts.declared),
                (1, 0),
                |b| Attendance::new(b, &cadres, &classes, !opts.hours_unused),
            )?
        }
    };
    crate::trace::stage("attendance read");
    // What reading each table noticed (title lines, a sheet taken by position).
    let mut notices = Vec::new();
    let titled = [
        (
            TableKind::Cadres,
            &cadres.table.source,
            cadres.title_lines,
            cadres.header_line,
        ),
        (
            TableKind::Classes,
            &classes.table.source,
            classes.title_lines,
            classes.header_line,
        ),
    ];
    notices.extend(
        titled
            .into_iter()
            .filter_map(|(k, s, n, h)| noticed::title_lines(k, s, n, h)),
    );
    if let Some(a) = atts.first() {
        notices.extend(noticed::title_lines(
            TableKind::Attendance,
            &a.b.table.source,
            a.b.title_lines,
            a.b.header_line,
        ));
    }
    let title_lines = [
        cadres.title_lines,
        classes.title_lines,
        atts.first().map_or(0, |a| a.b.title_lines),
    ];
    let mut attended = Vec::new();
    let mut not_completed = Vec::new();
    let mut hours = Vec::new();
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
    notices.extend(cadres.notices.iter().cloned());
    notices.extend(classes.notices.iter().cloned());
    for a in atts {
        // Positions in a part's `attended` become positions in the whole file's.
        let base = attended.len() as u32;
        attended.extend(a.attended);
        not_completed.extend(a.not_completed);
        hours.extend(
            a.hours
                .into_iter()
                .map(|(c, k, at, h)| (c, k, at + base, h)),
        );
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
    let attended_hours = attendance::first_row_hours(&attended, hours);
    crate::trace::stage("attendance hours settled");
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
        attended_hours,
        data_errors,
        id_cols,
        attendance,
        notices,
        value_changes,
        title_lines,
        units: None,
    })
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
        (&Spellings::default(), &[]),
        1,
        0,
    )?;
    Ok((b.waivers, b.errors))
}

#[cfg(test)]
mod tests;
