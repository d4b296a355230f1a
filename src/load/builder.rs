//! The row builder: one table's rows, as cells, turned into its stored table, typed
//! rows (through `fields.rs`), data errors and id claims; parts of a file read on
//! several cores joined in line order; the ids settled (through `ids.rs`). A bad row is
//! reported with every problem found in it and left out; the run goes on.

use std::borrow::Cow;
use std::collections::HashMap;

use super::cell::Cell;
use super::fields::{self, Problems, RowCells, WaiverRow};
use super::ids::{IdMap, IdRecord};
use crate::i18n::Problem;
use crate::model::{
    Cadre, Class, Column, ColumnRef, DataError, Declared, Field, Source, Table, TableKind,
    ValueType, fields_of,
};
use crate::notice::{MAX_EXAMPLES, Notice};
use crate::spelling::Spellings;

/// Turns the rows of one table into typed rows and data errors.
pub struct Builder<'l> {
    pub kind: TableKind,
    pub table: Table,
    pub errors: Vec<DataError>,
    levels: &'l [String],
    cols: [Option<usize>; Field::COUNT],
    pub cadres: Vec<Cadre>,
    pub classes: Vec<Class>,
    pub waivers: Vec<WaiverRow>,
    pub ids: IdMap,
    /// How each row claims its id, settled by `resolve_ids`.
    records: Vec<IdRecord>,
    /// The ids of rejected rows (accepted rows' ids are in the table).
    record_ids: Vec<String>,
    /// `[values]` of this table (SPEC §8): per column, spelling → word.
    maps: Vec<(usize, HashMap<String, String>)>,
    /// The cells each mapping changed, in line order.
    pub mapped: Vec<Mapped>,
    /// `[columns]` (SPEC §6): the extra columns declared dates or numbers, by position,
    /// with their declared names.
    typed: Vec<(usize, &'static str, ValueType)>,
    /// What reading this table noticed (SPEC §8): lines above the header, a sheet
    /// taken by position.
    pub notices: Vec<Notice>,
    /// Non-blank lines passed over above the header (SPEC §8 "Title lines").
    pub title_lines: u32,
    /// The line the header was found on.
    pub header_line: u32,
}

/// Adds the mapped-cell counts of another part of a table (or another attendance
/// sink) to `all`, keeping the first lines changed.
pub fn add_mapped(all: &mut Vec<Mapped>, other: Vec<Mapped>) {
    for o in other {
        match all
            .iter_mut()
            .find(|m| m.column == o.column && m.spelling == o.spelling)
        {
            Some(m) => {
                m.count += o.count;
                m.lines.extend(o.lines);
                m.lines.sort_unstable();
                m.lines.truncate(MAX_EXAMPLES);
            }
            None => all.push(o),
        }
    }
}

/// The cells one `[values]` mapping changed in a table.
#[derive(Clone, Debug)]
pub struct Mapped {
    pub column: usize,
    pub spelling: String,
    pub word: String,
    pub count: u64,
    /// The first lines changed (at most [`MAX_EXAMPLES`]).
    pub lines: Vec<u32>,
}

impl<'l> Builder<'l> {
    pub fn new(
        kind: TableKind,
        source: Source,
        columns: Vec<Column>,
        levels: &'l [String],
    ) -> Self {
        let mut cols = [None; Field::COUNT];
        for (i, c) in columns.iter().enumerate() {
            if let Some(f) = c.field {
                cols[f.index()] = Some(i);
            }
        }
        Builder {
            kind,
            table: Table::new(kind, source, columns),
            errors: Vec::new(),
            levels,
            cols,
            cadres: Vec::new(),
            classes: Vec::new(),
            waivers: Vec::new(),
            ids: IdMap::default(),
            records: Vec::new(),
            record_ids: Vec::new(),
            maps: Vec::new(),
            mapped: Vec::new(),
            typed: Vec::new(),
            notices: Vec::new(),
            title_lines: 0,
            header_line: 1,
        }
    }

    /// Takes the `[values]` mappings of this table's text columns (SPEC §8): applied to
    /// every row before its fields are read; and the columns `[columns]` declares dates
    /// or numbers (SPEC §6). Mappings for columns the file lacks, or for ids, dates and
    /// numbers (declared ones included), do nothing.
    pub fn map_values(mut self, spellings: &Spellings, declared: &[Declared]) -> Self {
        for d in declared.iter().filter(|d| d.table == self.kind) {
            if d.value_type != ValueType::Date && d.value_type != ValueType::Number {
                continue;
            }
            if let Some(ColumnRef::Extra(c)) = self.table.resolve_column(d.name) {
                self.typed.push((c, d.name, d.value_type));
            }
        }
        for m in spellings.values.iter().filter(|m| m.table == self.kind) {
            let col = match self.table.resolve_column(&m.column) {
                Some(ColumnRef::Extra(c)) if !self.typed.iter().any(|t| t.0 == c) => c,
                Some(ColumnRef::Field(f, Some(c)))
                    if matches!(
                        fields_of(self.kind)
                            .iter()
                            .find(|s| s.field == f)
                            .map(|s| s.value_type),
                        Some(ValueType::Text | ValueType::Level)
                    ) =>
                {
                    c
                }
                _ => continue,
            };
            let at = match self.maps.iter().position(|(c, _)| *c == col) {
                Some(at) => at,
                None => {
                    self.maps.push((col, HashMap::new()));
                    self.maps.len() - 1
                }
            };
            // The first mapping of a spelling wins (the columns file's come first).
            self.maps[at]
                .1
                .entry(m.spelling.clone())
                .or_insert_with(|| m.word.clone());
        }
        self
    }

    /// A row's cells with `[values]` applied, counting what changed.
    pub fn mapped_cells<'c>(&mut self, line: u32, cells: &'c [Cell<'c>]) -> Cow<'c, [Cell<'c>]> {
        if self.maps.is_empty() {
            return Cow::Borrowed(cells);
        }
        let mut out: Option<Vec<Cell<'c>>> = None;
        for (col, map) in &self.maps {
            let Some(cell) = cells.get(*col) else {
                continue;
            };
            let text = cell.text();
            let Some(word) = map.get(text.as_ref()) else {
                continue;
            };
            match self
                .mapped
                .iter_mut()
                .find(|m| m.column == *col && m.spelling == text.as_ref())
            {
                Some(m) => {
                    m.count += 1;
                    if m.lines.len() < MAX_EXAMPLES {
                        m.lines.push(line);
                    }
                }
                None => self.mapped.push(Mapped {
                    column: *col,
                    spelling: text.into_owned(),
                    word: word.clone(),
                    count: 1,
                    lines: vec![line],
                }),
            }
            out.get_or_insert_with(|| cells.to_vec())[*col] = Cell::Text(Cow::Owned(word.clone()));
        }
        match out {
            Some(v) => Cow::Owned(v),
            None => Cow::Borrowed(cells),
        }
    }

    /// Makes room for about `rows` rows, so large files do not regrow every vector.
    pub fn reserve(&mut self, rows: usize) {
        match self.kind {
            TableKind::Cadres => self.cadres.reserve(rows),
            TableKind::Classes => self.classes.reserve(rows),
            _ => return,
        }
        self.table.reserve(rows);
    }

    pub fn col(&self, f: Field) -> Option<usize> {
        self.cols[f.index()]
    }

    /// Records a data error on a line.
    pub fn error(
        &mut self,
        line: u32,
        field: Option<Field>,
        value: Option<String>,
        problem: Problem,
    ) {
        let column = field.and_then(|f| {
            fields_of(self.kind)
                .iter()
                .find(|s| s.field == f)
                .map(|s| s.name)
        });
        let header = field
            .and_then(|f| self.col(f))
            .map(|c| self.table.columns[c].header.clone());
        self.errors.push(DataError {
            table: self.kind,
            source: self.table.source.clone(),
            line,
            column,
            header,
            value,
            problem,
        });
    }

    /// A row's cells by field.
    pub fn fields<'c>(&self, cells: &'c [Cell<'c>]) -> RowCells<'c, '_> {
        RowCells {
            cells,
            cols: &self.cols,
        }
    }

    /// One data row. Blank rows are skipped; a row with extra non-empty fields is an error.
    pub fn row(&mut self, line: u32, cells: &[Cell<'_>]) {
        match self.mapped_cells(line, cells) {
            Cow::Borrowed(cells) => self.typed_row(line, cells),
            Cow::Owned(cells) => self.typed_row(line, &cells),
        }
    }

    /// One data row, its values mapped.
    fn typed_row(&mut self, line: u32, cells: &[Cell<'_>]) {
        if cells.iter().all(Cell::is_blank) {
            return;
        }
        if self.too_many_fields(line, cells) || self.without_result(line, cells) {
            self.claim_rejected_id(line, cells);
            return;
        }
        let mut problems = Problems::new();
        let typed = self.typed_cells(line, cells);
        match self.kind {
            TableKind::Cadres => {
                let (cadre, id_ok) = fields::cadre(&self.fields(cells), self.levels, &mut problems);
                self.report(line, problems);
                if let (Some(mut c), Some(typed)) = (cadre, &typed) {
                    c.row = self.store_typed(line, cells, typed);
                    self.cadres.push(c);
                    self.accept(line, self.cadres.len());
                } else if id_ok {
                    self.reject(line, cells, Field::CadreId);
                }
            }
            TableKind::Classes => {
                let (class, id_ok) = fields::class(&self.fields(cells), self.levels, &mut problems);
                self.report(line, problems);
                if let (Some(mut c), Some(typed)) = (class, &typed) {
                    c.row = self.store_typed(line, cells, typed);
                    self.classes.push(c);
                    self.accept(line, self.classes.len());
                } else if id_ok {
                    self.reject(line, cells, Field::ClassId);
                }
            }
            TableKind::Waivers => {
                let waiver = fields::waiver(&self.fields(cells), line, &mut problems);
                self.report(line, problems);
                self.waivers.extend(waiver);
            }
            // SPEC §6: a units row is never left out for a bad value; `units.rs`
            // reads its values once every row is in.
            TableKind::Units => {
                self.store(line, cells);
            }
            TableKind::Attendance => {}
        }
    }

    /// A row with more non-empty fields than the header has columns is a data error:
    /// records it and says so.
    pub fn too_many_fields(&mut self, line: u32, cells: &[Cell<'_>]) -> bool {
        let ncols = self.table.columns.len();
        if cells.len() <= ncols || cells[ncols..].iter().all(|c| c.is_blank()) {
            return false;
        }
        let found = cells
            .iter()
            .rposition(|c| !c.is_blank())
            .map_or(0, |i| i + 1);
        self.too_wide(line, found);
        true
    }

    /// A workbook row with formulas saved without their result is a data error (SPEC
    /// §8), one per such cell: records them and says so.
    pub fn without_result(&mut self, line: u32, cells: &[Cell<'_>]) -> bool {
        // Only a workbook's cells can be formulas: a CSV row need not be looked at.
        if self.table.source.sheet.is_none() {
            return false;
        }
        let mut found = false;
        for (i, c) in cells.iter().enumerate() {
            let Cell::Uncomputed(formula) = c else {
                continue;
            };
            found = true;
            let column = self.table.columns.get(i);
            let field = column.and_then(|c| c.field);
            let name = field.and_then(|f| fields_of(self.kind).iter().find(|s| s.field == f));
            self.errors.push(DataError {
                table: self.kind,
                source: self.table.source.clone(),
                line,
                column: name.map(|s| s.name),
                header: column.map(|c| c.header.clone()),
                value: Some(formula.clone()),
                problem: Problem::FormulaWithoutResult,
            });
        }
        found
    }

    /// Records that a row has `found` fields up to its last non-empty one, more than
    /// the header's columns.
    pub fn too_wide(&mut self, line: u32, found: usize) {
        let expected = self.table.columns.len();
        self.error(line, None, None, Problem::TooManyFields { expected, found });
    }

    /// An accepted row claims its id; `count` typed rows are now read.
    fn accept(&mut self, line: u32, count: usize) {
        let idx = count as u32 - 1;
        self.records.push(IdRecord::Accepted { line, idx });
    }

    /// A row with a data error still holds its id (SPEC §1): a later row with it is a
    /// duplicate.
    fn reject(&mut self, line: u32, cells: &[Cell<'_>], f: Field) {
        let (_, text) = self.fields(cells).get(f);
        let id = self.keep_id(text.into_owned());
        self.records.push(IdRecord::Rejected { line, id });
    }

    /// Records the problems found in a row as data errors.
    pub fn report(&mut self, line: u32, problems: Problems) {
        for (f, text, p) in problems {
            self.error(line, Some(f), Some(text), p);
        }
    }

    /// Stores an accepted row's cells, returning its table row.
    fn store(&mut self, line: u32, cells: &[Cell<'_>]) -> u32 {
        self.table
            .push_row_with(line, cells.len(), |i| cells[i].text())
    }

    /// Stores an accepted row's cells, a declared date column's serial as its date.
    fn store_typed(&mut self, line: u32, cells: &[Cell<'_>], typed: &[(usize, String)]) -> u32 {
        if typed.is_empty() {
            return self.store(line, cells);
        }
        self.table.push_row_with(line, cells.len(), |i| {
            match typed.iter().find(|(c, _)| *c == i) {
                Some((_, t)) => Cow::Borrowed(t.as_str()),
                None => cells[i].text(),
            }
        })
    }

    /// Checks a row's declared date and number cells (SPEC §6): each bad one is a data
    /// error naming the declared column; `None` when there was one (the row is left
    /// out), else the cells to store differently (a workbook's serial as its date).
    pub fn typed_cells(&mut self, line: u32, cells: &[Cell<'_>]) -> Option<Vec<(usize, String)>> {
        let mut out = Vec::new();
        let mut ok = true;
        for i in 0..self.typed.len() {
            let (col, name, vt) = self.typed[i];
            let Some(cell) = cells.get(col) else {
                continue;
            };
            match fields::declared_cell(cell, vt == ValueType::Date) {
                Ok(Some(text)) => out.push((col, text)),
                Ok(None) => {}
                Err(problem) => {
                    ok = false;
                    self.errors.push(DataError {
                        table: self.kind,
                        source: self.table.source.clone(),
                        line,
                        column: Some(name),
                        header: Some(self.table.columns[col].header.clone()),
                        value: Some(cell.text().into_owned()),
                        problem,
                    });
                }
            }
        }
        ok.then_some(out)
    }

    /// Whether `[columns]` declares a date or number column this table has.
    pub fn has_typed(&self) -> bool {
        !self.typed.is_empty()
    }

    /// A row rejected before its fields were read still claims its id.
    pub fn claim_rejected_id(&mut self, line: u32, cells: &[Cell<'_>]) {
        let f = match self.kind {
            TableKind::Cadres => Field::CadreId,
            TableKind::Classes => Field::ClassId,
            TableKind::Attendance | TableKind::Units | TableKind::Waivers => return,
        };
        let (_, text) = self.fields(cells).get(f);
        if !text.is_empty() {
            let id = self.keep_id(text.into_owned());
            self.records.push(IdRecord::Claim { line, id });
        }
    }

    /// Keeps a rejected row's id; returns its index in `record_ids`.
    fn keep_id(&mut self, id: String) -> u32 {
        self.record_ids.push(id);
        (self.record_ids.len() - 1) as u32
    }

    /// Adds the rows another part of the same file read (the part after this one).
    pub fn absorb(&mut self, other: Builder<'_>) {
        let id_offset = self.record_ids.len() as u32;
        let row_offset = self.table.append(other.table);
        let (cadre_offset, class_offset) = (self.cadres.len() as u32, self.classes.len() as u32);
        self.cadres.extend(other.cadres.into_iter().map(|mut c| {
            c.row += row_offset;
            c
        }));
        self.classes.extend(other.classes.into_iter().map(|mut c| {
            c.row += row_offset;
            c
        }));
        let offset = if self.kind == TableKind::Cadres {
            cadre_offset
        } else {
            class_offset
        };
        self.records
            .extend(other.records.into_iter().map(|r| match r {
                IdRecord::Accepted { line, idx } => IdRecord::Accepted {
                    line,
                    idx: idx + offset,
                },
                IdRecord::Rejected { line, id } => IdRecord::Rejected {
                    line,
                    id: id + id_offset,
                },
                IdRecord::Claim { line, id } => IdRecord::Claim {
                    line,
                    id: id + id_offset,
                },
            }));
        self.record_ids.extend(other.record_ids);
        self.errors.extend(other.errors);
        add_mapped(&mut self.mapped, other.mapped);
        self.notices.extend(other.notices);
    }

    /// Settles the ids once every row is read, in line order (SPEC §1): the first row
    /// with an id wins, a later row with it is a duplicate (reported, left out), and a
    /// rejected row still holds its id. On up to `threads` cores.
    pub fn resolve_ids(&mut self, threads: usize) {
        let f = match self.kind {
            TableKind::Cadres => Field::CadreId,
            TableKind::Classes => Field::ClassId,
            _ => return,
        };
        let id_col = self.col(f).unwrap_or(0);
        let records = std::mem::take(&mut self.records);
        let record_ids = std::mem::take(&mut self.record_ids);
        let settled = if f == Field::CadreId {
            let rows = &self.cadres;
            let s = self.ids.settle(
                records,
                record_ids,
                &self.table,
                id_col,
                |i| rows[i as usize].row,
                threads,
            );
            remove_at(&mut self.cadres, &s.dropped);
            s
        } else {
            let rows = &self.classes;
            let s = self.ids.settle(
                records,
                record_ids,
                &self.table,
                id_col,
                |i| rows[i as usize].row,
                threads,
            );
            remove_at(&mut self.classes, &s.dropped);
            s
        };
        for (line, id, first_line) in settled.duplicates {
            self.error(line, Some(f), Some(id), Problem::DuplicateId { first_line });
        }
        self.table.seal();
    }
}

/// Removes the items at `dropped` (ascending positions), keeping the others' order.
fn remove_at<T>(items: &mut Vec<T>, dropped: &[u32]) {
    if dropped.is_empty() {
        return;
    }
    let mut dropped = dropped.iter().peekable();
    let mut at = 0u32;
    items.retain(|_| {
        let keep = dropped.next_if_eq(&&at).is_none();
        at += 1;
        keep
    });
}

/// What takes a table's rows: a [`Builder`], or attendance resolution.
pub trait RowSink<'l> {
    fn builder(&mut self) -> &mut Builder<'l>;
    fn row(&mut self, line: u32, cells: &[Cell<'_>]);
    /// A row whose non-empty fields go past the header's columns: `cells` holds only the
    /// first columns, and `found` counts fields up to the last non-empty one.
    fn too_wide(&mut self, line: u32, cells: &[Cell<'_>], found: usize) {
        let b = self.builder();
        b.too_wide(line, found);
        b.claim_rejected_id(line, cells);
    }
    /// Called after the last row of a part.
    fn finish(&mut self) {}
}

impl<'l> RowSink<'l> for Builder<'l> {
    fn builder(&mut self) -> &mut Builder<'l> {
        self
    }
    fn row(&mut self, line: u32, cells: &[Cell<'_>]) {
        Builder::row(self, line, cells);
    }
}
