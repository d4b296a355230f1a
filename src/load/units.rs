//! The fourth table (SPEC §6, 工会组织): finding it beside the others, reading its rows
//! (a bad value reads as missing, the row stays), resolving parents (unknown parents
//! and cycles broken, as data errors), then checking each cadre's `unit` against it and
//! filling a cadre's empty `county`/`unit_level` from its unit.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::builder::Builder;
use super::locate::{TablePath, is_units_name, is_xlsx, names_units, path_kind};
use super::noticed::{empty_table, title_lines, values_mapped};
use super::options::ReadOptions;
use super::table::{open_table, read_rows};
use super::xlsx;
use crate::i18n::{Problem, say};
use crate::model::{Column, DataError, Dataset, Field, TableKind, display_name};
use crate::units::{Unit, Units};

/// Finds the units table: `--units`, else a file of its names in the DATA folder, else
/// a sheet of its names in the DATA workbook (or the one workbook the other tables
/// came from). None: no units table.
pub fn locate_units(
    data: &Path,
    explicit: Option<&Path>,
    others: &[TablePath; 3],
) -> Result<Option<TablePath>> {
    if let Some(p) = explicit {
        return Ok(Some(path_kind(p, None)));
    }
    if data.is_dir() {
        let mut hits: Vec<PathBuf> = std::fs::read_dir(data)
            .with_context(|| {
                say(
                    format!("无法读取文件夹 `{}`", data.display()),
                    format!("cannot read folder `{}`", data.display()),
                )
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && names_units(p))
            .collect();
        hits.sort();
        match hits.as_slice() {
            [one] => return Ok(Some(path_kind(one, None))),
            [a, b, ..] => bail!(say(
                format!(
                    "工会组织（units）表有两个文件：`{}` 和 `{}`，请只保留一个",
                    display_name(a),
                    display_name(b)
                ),
                format!(
                    "two files for the units table: `{}` and `{}`; keep one",
                    display_name(a),
                    display_name(b)
                ),
            )),
            [] => {}
        }
    }
    // A workbook holding the tables: DATA itself, or the one workbook of the folder.
    let book = match others {
        [
            TablePath::Xlsx(a, Some(_)),
            TablePath::Xlsx(b, Some(_)),
            TablePath::Xlsx(c, Some(_)),
        ] if a == b && b == c => Some(a.clone()),
        _ => None,
    };
    let book = book.or_else(|| (data.is_file() && is_xlsx(data)).then(|| data.to_path_buf()));
    if let Some(book) = book {
        let sheets = xlsx::sheet_names(&book)?;
        if let Some(s) = sheets.into_iter().find(|s| is_units_name(s)) {
            return Ok(Some(TablePath::Xlsx(book, Some(s))));
        }
    }
    Ok(None)
}

/// Reads the units table into `data` (SPEC §6): its data errors join the others (after
/// the other three tables'), each cadre's unit is checked, and empty `county` and
/// `unit_level` cells are filled from the cadre's unit. A table without data rows
/// counts as absent (an `empty_table` notice).
pub fn add_units(
    data: &mut Dataset,
    path: &TablePath,
    opts: &ReadOptions,
    levels: &[String],
) -> Result<()> {
    let rows = open_table(TableKind::Units, path, opts)?;
    let mut b = read_rows(
        TableKind::Units,
        rows,
        levels,
        &[],
        (&opts.spellings, &[]),
        1,
        0,
    )?;
    let source = b.table.source.clone();
    data.notices.append(&mut b.notices);
    data.notices.extend(title_lines(
        TableKind::Units,
        &source,
        b.title_lines,
        b.header_line,
    ));
    let mut changes = Vec::new();
    values_mapped(
        TableKind::Units,
        &source,
        &b.table.columns,
        std::mem::take(&mut b.mapped),
        &mut data.notices,
        &mut changes,
    );
    data.value_changes.extend(changes);
    if b.table.rows() == 0 {
        if b.errors.is_empty() {
            data.notices.push(empty_table(TableKind::Units, &source));
        }
        add_errors(data, b.errors);
        return Ok(());
    }
    let mut units = read_units(&mut b, levels);
    let errors = std::mem::take(&mut b.errors);
    let cadre_errors = link_cadres(data, &mut units, levels);
    add_errors(data, errors);
    add_errors(data, cadre_errors);
    data.units = Some(units);
    Ok(())
}

/// Adds data errors and puts them all back in report order (table, line, column).
fn add_errors(data: &mut Dataset, errors: Vec<DataError>) {
    if errors.is_empty() {
        return;
    }
    data.data_errors.extend(errors);
    data.data_errors.sort_by(|a, b| {
        (a.table, a.line, a.column.unwrap_or(""), a.column.is_some()).cmp(&(
            b.table,
            b.line,
            b.column.unwrap_or(""),
            b.column.is_some(),
        ))
    });
}

/// The units of the stored rows: names settled (a missing name is a data error and the
/// row has nothing to be known by; a repeated one loses to the first), levels read,
/// parents resolved and cycles broken. The cells stay in the table's columns, stored
/// once; only per-unit numbers are added.
fn read_units(b: &mut Builder<'_>, levels: &[String]) -> Units {
    let col = |b: &Builder<'_>, f: Field| b.col(f);
    let cols = [
        col(b, Field::UnitName),
        col(b, Field::Parent),
        col(b, Field::Level),
    ];
    let t = &b.table;
    let text = |row: u32, c: Option<usize>| c.map_or("", |c| t.cell(row, c));
    // The data errors found, reported in the order found once the table is read.
    let mut errors: Vec<(u32, Field, String, Problem)> = Vec::new();
    let mut rows: Vec<Unit> = Vec::new();
    // Name → (its first line, its unit).
    let mut first: hashbrown::HashMap<&str, (u32, u32)> =
        hashbrown::HashMap::with_capacity(t.rows());
    for row in 0..t.rows() as u32 {
        let line = t.line(row);
        let name = text(row, cols[0]);
        if name.is_empty() {
            errors.push((line, Field::UnitName, String::new(), Problem::Missing));
            continue;
        }
        if let Some(&(first_line, _)) = first.get(name) {
            errors.push((
                line,
                Field::UnitName,
                name.to_owned(),
                Problem::DuplicateUnit { first_line },
            ));
            continue;
        }
        first.insert(name, (line, rows.len() as u32));
        let level_text = text(row, cols[2]);
        let level = if level_text.is_empty() {
            None
        } else {
            let l = levels.iter().position(|l| *l == level_text);
            if l.is_none() {
                errors.push((
                    line,
                    Field::Level,
                    level_text.to_owned(),
                    Problem::UnknownLevel {
                        levels: levels.to_vec(),
                    },
                ));
            }
            l.map(|i| i as u8)
        };
        rows.push(Unit {
            parent: None,
            level,
            line,
            row,
        });
    }
    let mut resolved: Vec<Option<u32>> = Vec::with_capacity(rows.len());
    for u in &rows {
        let p = text(u.row, cols[1]);
        if p.is_empty() {
            resolved.push(None);
            continue;
        }
        let found = first.get(p).map(|&(_, i)| i);
        if found.is_none() {
            errors.push((u.line, Field::Parent, p.to_owned(), Problem::UnknownParent));
        }
        resolved.push(found);
    }
    // Cycles: follow each unit's parents; a walk that comes back to a unit of its own
    // walk has found a cycle, whose members lose their parent (a unit that only points
    // into the cycle keeps its own).
    let mut state = vec![0u8; rows.len()]; // 0 unseen, 1 on the walk, 2 done
    let mut in_cycle = Vec::new();
    for start in 0..rows.len() {
        let mut walk = Vec::new();
        let mut at = Some(start as u32);
        while let Some(u) = at {
            match state[u as usize] {
                2 => break,
                1 => {
                    let from = walk.iter().position(|&w| w == u).unwrap_or(0);
                    in_cycle.push(walk[from..].to_vec());
                    break;
                }
                _ => {
                    state[u as usize] = 1;
                    walk.push(u);
                    at = resolved[u as usize];
                }
            }
        }
        for w in walk {
            state[w as usize] = 2;
        }
    }
    for cycle in in_cycle {
        let names: Vec<String> = cycle
            .iter()
            .chain(cycle.first())
            .map(|&u| text(rows[u as usize].row, cols[0]).to_owned())
            .collect();
        for &u in &cycle {
            let unit = &rows[u as usize];
            errors.push((
                unit.line,
                Field::Parent,
                text(unit.row, cols[1]).to_owned(),
                Problem::ParentCycle {
                    names: names.clone(),
                },
            ));
            resolved[u as usize] = None;
        }
    }
    drop(first);
    for (line, field, value, problem) in errors {
        b.error(line, Some(field), Some(value), problem);
    }
    for (u, p) in rows.iter_mut().zip(resolved) {
        u.parent = p;
    }
    let headers = b
        .table
        .columns
        .iter()
        .map(|c| {
            let field = c.field.and_then(|f| {
                crate::model::UNIT_FIELDS
                    .iter()
                    .find(|s| s.field == f)
                    .map(|s| s.name)
            });
            (c.header.clone(), field)
        })
        .collect();
    Units::new(b.table.source.clone(), headers, b.table.take_cells(), rows)
}

/// Checks each cadre's `unit` against the units (a missing or unknown one is a data
/// error; the cadre stays) and fills its empty `county` and `unit_level` from its unit.
fn link_cadres(data: &mut Dataset, units: &mut Units, levels: &[String]) -> Vec<DataError> {
    let table = &data.cadres_table;
    let unit_col = table.col_of(Field::Unit);
    let county_col = table.col_of(Field::County);
    let level_col = table.col_of(Field::UnitLevel);
    let mut errors = Vec::new();
    let mut by_row = vec![u32::MAX; table.rows()];
    let (mut filled_county, mut filled_level) = (Vec::new(), Vec::new());
    // Rosters list a unit's cadres together: the unit of the row before is tried first.
    let mut last: (&str, Option<u32>) = ("", None);
    for c in &mut data.cadres {
        let text = unit_col.map_or("", |col| table.cell(c.row, col));
        let found = if !text.is_empty() && text == last.0 {
            last.1
        } else {
            let found = units.find(text);
            last = (text, found);
            found
        };
        let Some(u) = found else {
            errors.push(DataError {
                table: TableKind::Cadres,
                source: table.source.clone(),
                line: table.line(c.row),
                column: Some("unit"),
                header: unit_col.map(|col| table.columns[col].header.clone()),
                value: Some(text.to_owned()),
                problem: if text.is_empty() {
                    Problem::CadreUnitMissing
                } else {
                    Problem::UnknownUnit
                },
            });
            continue;
        };
        by_row[c.row as usize] = u;
        let Some(unit) = units.get(u) else { continue };
        if let Some(level) = unit.level
            && level_col.is_none_or(|col| table.cell(c.row, col).is_empty())
        {
            c.unit_level = level;
            filled_level.push(c.row);
        }
        if !units.county(u).is_empty()
            && county_col.is_none_or(|col| table.cell(c.row, col).is_empty())
        {
            filled_county.push(c.row);
        }
    }
    filled_county.sort_unstable();
    filled_level.sort_unstable();
    if !filled_county.is_empty() || !filled_level.is_empty() {
        // Only the two filled columns are written again (added when absent, county
        // first); the other columns stay as read.
        let table = &mut data.cadres_table;
        let unit = |row: u32| units.get(by_row[row as usize]);
        let column = |field: Field, name: &str| Column {
            header: name.to_owned(),
            field: Some(field),
        };
        table.fill_empty(county_col, column(Field::County, "county"), |row| {
            by_row
                .get(row as usize)
                .filter(|&&u| u != u32::MAX)
                .map(|&u| units.county(u))
        });
        table.fill_empty(level_col, column(Field::UnitLevel, "unit_level"), |row| {
            Some(
                unit(row)?
                    .level
                    .and_then(|l| levels.get(l as usize))
                    .map_or("", String::as_str),
            )
        });
    }
    units.set_cadre_units(by_row);
    units.filled_county = filled_county;
    units.filled_level = filled_level;
    errors
}
