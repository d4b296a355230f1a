//! The fourth table (SPEC §6, 工会组织): finding it beside the others, reading its rows
//! (a bad value reads as missing, the row stays), resolving parents (unknown parents
//! and cycles broken, as data errors), then checking each cadre's `unit` against it and
//! filling a cadre's empty `county`/`unit_level` from its unit.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::builder::Builder;
use super::locate::{TablePath, is_units_name, is_xlsx, names_units, path_kind};
use super::noticed::{empty_table, title_lines, values_mapped};
use super::options::ReadOptions;
use super::table::{open_table, read_rows};
use super::xlsx;
use crate::i18n::{Problem, say};
use crate::model::{Column, DataError, Dataset, Field, Table, TableKind, display_name};
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
/// parents resolved and cycles broken.
fn read_units(b: &mut Builder<'_>, levels: &[String]) -> Units {
    let col = |b: &Builder<'_>, f: Field| b.col(f);
    let cols = [
        col(b, Field::UnitName),
        col(b, Field::Parent),
        col(b, Field::Level),
        col(b, Field::UnitCounty),
        col(b, Field::UnitType),
    ];
    let cell = |t: &Table, row: u32, c: Option<usize>| {
        c.map_or(String::new(), |c| t.cell(row, c).to_owned())
    };
    let mut rows: Vec<Unit> = Vec::new();
    let mut parents: Vec<String> = Vec::new();
    let mut first: HashMap<String, u32> = HashMap::new();
    for row in 0..b.table.rows() as u32 {
        let line = b.table.line(row);
        let name = cell(&b.table, row, cols[0]);
        if name.is_empty() {
            b.error(
                line,
                Some(Field::UnitName),
                Some(String::new()),
                Problem::Missing,
            );
            continue;
        }
        if let Some(&first_line) = first.get(&name) {
            b.error(
                line,
                Some(Field::UnitName),
                Some(name),
                Problem::DuplicateUnit { first_line },
            );
            continue;
        }
        first.insert(name.clone(), line);
        let level_text = cell(&b.table, row, cols[2]);
        let level = if level_text.is_empty() {
            None
        } else {
            let l = levels.iter().position(|l| *l == level_text);
            if l.is_none() {
                b.error(
                    line,
                    Some(Field::Level),
                    Some(level_text),
                    Problem::UnknownLevel {
                        levels: levels.to_vec(),
                    },
                );
            }
            l.map(|i| i as u8)
        };
        parents.push(cell(&b.table, row, cols[1]));
        rows.push(Unit {
            name,
            parent: None,
            level,
            county: cell(&b.table, row, cols[3]),
            unit_type: cell(&b.table, row, cols[4]),
            line,
            cells: (0..b.table.columns.len())
                .map(|c| b.table.cell(row, c).to_owned())
                .collect(),
        });
    }
    let index: HashMap<&str, u32> = rows
        .iter()
        .enumerate()
        .map(|(i, u)| (u.name.as_str(), i as u32))
        .collect();
    let mut resolved: Vec<Option<u32>> = Vec::with_capacity(rows.len());
    for (u, p) in rows.iter().zip(&parents) {
        if p.is_empty() {
            resolved.push(None);
            continue;
        }
        let found = index.get(p.as_str()).copied();
        if found.is_none() {
            b.error(
                u.line,
                Some(Field::Parent),
                Some(p.clone()),
                Problem::UnknownParent,
            );
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
            .map(|&u| rows[u as usize].name.clone())
            .collect();
        for &u in &cycle {
            let line = rows[u as usize].line;
            b.error(
                line,
                Some(Field::Parent),
                Some(parents[u as usize].clone()),
                Problem::ParentCycle {
                    names: names.clone(),
                },
            );
            resolved[u as usize] = None;
        }
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
    Units::new(b.table.source.clone(), headers, rows)
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
    for c in &mut data.cadres {
        let text = unit_col.map_or("", |col| table.cell(c.row, col));
        let Some(u) = units.find(text) else {
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
        if !unit.county.is_empty() && county_col.is_none_or(|col| table.cell(c.row, col).is_empty())
        {
            filled_county.push(c.row);
        }
    }
    filled_county.sort_unstable();
    filled_level.sort_unstable();
    if !filled_county.is_empty() || !filled_level.is_empty() {
        let (county_col, level_col) = (county_col, level_col);
        let mut columns = table.columns.clone();
        let mut extra = |field: Field, name: &str, at: Option<usize>| {
            at.unwrap_or_else(|| {
                columns.push(Column {
                    header: name.to_owned(),
                    field: Some(field),
                });
                columns.len() - 1
            })
        };
        let county_at = extra(Field::County, "county", county_col);
        let level_at = extra(Field::UnitLevel, "unit_level", level_col);
        let mut filled = Table::new(TableKind::Cadres, table.source.clone(), columns.clone());
        let row_unit: &[u32] = &by_row;
        for row in 0..table.rows() as u32 {
            let unit = units.get(row_unit[row as usize]);
            filled.push_row_with(table.line(row), columns.len(), |i| {
                let own = table.cell(row, i);
                match unit {
                    Some(u) if i == county_at && own.is_empty() => Cow::Owned(u.county.clone()),
                    Some(u) if i == level_at && own.is_empty() => Cow::Owned(
                        u.level
                            .and_then(|l| levels.get(l as usize))
                            .cloned()
                            .unwrap_or_default(),
                    ),
                    _ => Cow::Borrowed(own),
                }
            });
        }
        filled.seal();
        data.cadres_table = filled;
    }
    units.set_cadre_units(by_row);
    units.filled_county = filled_county;
    units.filled_level = filled_level;
    errors
}
