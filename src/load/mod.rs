//! Loading the three tables (SPEC §1): finding the files, decoding, header mapping,
//! typed values, and data errors for bad rows. Only this module opens input files.

pub mod csv;
pub mod encoding;
pub mod headers;
pub mod values;
pub mod xlsx;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;

use crate::i18n::Problem;
use crate::model::{
    Cadre, Class, Column, DataError, Dataset, Field, Source, Table, TableKind, ValueType, fields_of,
};
use encoding::TextEncoding;
use headers::{HeaderError, column_letter, map_headers};
use values::{
    check_id, id_key, parse_completed, parse_date, parse_number, parse_serial_date, trim,
};

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

/// Reading options that apply to every CSV file.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<u8>,
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
            bail!(
                "`{}` is a file but not an .xlsx workbook: DATA is a folder holding cadres, classes and attendance, or one workbook with those sheets",
                data.display()
            );
        }
        let sheets = xlsx::sheet_names(data)?;
        for (i, kind) in TableKind::ALL.iter().enumerate() {
            if found[i].is_none() {
                let sheet = pick_sheet(&sheets, *kind).with_context(|| {
                    format!(
                        "workbook `{}` has no sheet `{}` or `{}` (sheets: {})",
                        display_name(data),
                        kind.name(),
                        kind.chinese(),
                        sheets.join(", ")
                    )
                })?;
                found[i] = Some(TablePath::Xlsx(data.to_path_buf(), Some(sheet)));
            }
        }
        return Ok(found.map(|f| f.unwrap_or(TablePath::Csv(PathBuf::new()))));
    }
    if !data.is_dir() {
        bail!("data folder `{}` does not exist", data.display());
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(data)
        .with_context(|| format!("cannot read folder `{}`", data.display()))?
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
            [a, b, ..] => bail!(
                "two files for the {} table: `{}` and `{}`; keep one",
                kind.name(),
                display_name(a),
                display_name(b)
            ),
        }
    }
    if !missing.is_empty() {
        // A folder whose only table source is one workbook.
        let books: Vec<&PathBuf> = entries.iter().filter(|p| is_xlsx(p)).collect();
        if missing.len() == 3 && books.len() == 1 {
            return locate(books[0], [None, None, None]);
        }
        let kind = missing[0];
        bail!(
            "no {} table in `{}`: expected `{}.csv`, `{}.csv`, `{}.xlsx` or `{}.xlsx`, or --{} FILE",
            kind.name(),
            data.display(),
            kind.name(),
            kind.chinese(),
            kind.name(),
            kind.chinese(),
            kind.name()
        );
    }
    Ok(found.map(|f| f.unwrap_or(TablePath::Csv(PathBuf::new()))))
}

fn path_kind(p: &Path, sheet: Option<String>) -> TablePath {
    if is_xlsx(p) {
        TablePath::Xlsx(p.to_path_buf(), sheet)
    } else {
        TablePath::Csv(p.to_path_buf())
    }
}

fn is_xlsx(p: &Path) -> bool {
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

/// A file's name as reports show it.
pub fn display_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// One cell as a reader produced it.
#[derive(Clone, Debug)]
pub enum Cell<'a> {
    Text(&'a str),
    Number(f64),
    Bool(bool),
    /// A spreadsheet date cell: its serial value and the date Excel shows (None for
    /// Excel's phantom 1900-02-29).
    Date(f64, Option<NaiveDate>),
    /// A spreadsheet error value such as `#N/A`.
    Error(String),
}

impl Cell<'_> {
    /// The text a spreadsheet user sees, trimmed.
    fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Text(s) => std::borrow::Cow::Borrowed(trim(s)),
            Cell::Number(n) => std::borrow::Cow::Owned(number_text(*n)),
            Cell::Bool(b) => std::borrow::Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
            Cell::Date(serial, d) => std::borrow::Cow::Owned(match d {
                Some(d) => values::fmt_date(*d),
                None => number_text(*serial),
            }),
            Cell::Error(e) => std::borrow::Cow::Owned(e.clone()),
        }
    }
}

/// A numeric cell as text: integers without `.0`.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Turns the rows of one table into typed rows and data errors.
struct Builder<'l> {
    kind: TableKind,
    table: Table,
    errors: Vec<DataError>,
    levels: &'l [String],
    /// For each canonical field of the table, its column.
    cols: HashMap<Field, usize>,
    cadres: Vec<Cadre>,
    classes: Vec<Class>,
    /// Attendance rows: (line, cadre id, class id as written, completed).
    attendance: Vec<(u32, String, String, bool)>,
    /// id key → accepted index, or the line of a rejected row.
    ids: HashMap<String, Slot>,
}

#[derive(Clone, Copy, Debug)]
enum Slot {
    Accepted(u32),
    Rejected(u32),
}

impl<'l> Builder<'l> {
    fn new(kind: TableKind, source: Source, columns: Vec<Column>, levels: &'l [String]) -> Self {
        let cols = columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.field.map(|f| (f, i)))
            .collect();
        Builder {
            kind,
            table: Table::new(kind, source, columns),
            errors: Vec::new(),
            levels,
            cols,
            cadres: Vec::new(),
            classes: Vec::new(),
            attendance: Vec::new(),
            ids: HashMap::new(),
        }
    }

    fn error(&mut self, line: u32, field: Option<Field>, value: Option<String>, problem: Problem) {
        let column = field.and_then(|f| {
            fields_of(self.kind)
                .iter()
                .find(|s| s.field == f)
                .map(|s| s.name)
        });
        let header = field.and_then(|f| {
            self.table
                .columns
                .iter()
                .find(|c| c.field == Some(f))
                .map(|c| c.header.clone())
        });
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

    /// One data row. Blank rows are skipped; a row with extra non-empty fields is an error.
    fn row(&mut self, line: u32, cells: &[Cell<'_>]) {
        let cols = std::mem::take(&mut self.cols);
        self.row_with(&cols, line, cells);
        self.cols = cols;
    }

    fn row_with(&mut self, cols: &HashMap<Field, usize>, line: u32, cells: &[Cell<'_>]) {
        let ncols = self.table.columns.len();
        let texts: Vec<std::borrow::Cow<'_, str>> = cells.iter().map(Cell::text).collect();
        if texts.iter().all(|t| t.is_empty()) {
            return;
        }
        if texts.len() > ncols && texts[ncols..].iter().any(|t| !t.is_empty()) {
            let found = texts
                .iter()
                .rposition(|t| !t.is_empty())
                .map_or(0, |i| i + 1);
            self.error(
                line,
                None,
                None,
                Problem::TooManyFields {
                    expected: ncols,
                    found,
                },
            );
            self.reject_id(cols, line, cells);
            return;
        }
        let empty = Cell::Text("");
        let cell = |f: Field| -> (&Cell<'_>, &str) {
            match cols.get(&f) {
                Some(&c) if c < cells.len() => (&cells[c], texts[c].as_ref()),
                _ => (&empty, ""),
            }
        };
        let mut problems: Vec<(Field, String, Problem)> = Vec::new();
        let mut note = |f: Field, text: &str, p: Problem| problems.push((f, text.to_owned(), p));
        match self.kind {
            TableKind::Cadres => {
                let id = self.id_field(Field::CadreId, cell(Field::CadreId), &mut note);
                require(Field::Name, cell(Field::Name).1, &mut note);
                require(Field::Post, cell(Field::Post).1, &mut note);
                let appointed = date_field(
                    Field::AppointedOn,
                    cell(Field::AppointedOn),
                    true,
                    &mut note,
                );
                let left = date_field(Field::LeftOn, cell(Field::LeftOn), false, &mut note);
                let level =
                    self.level_field(Field::UnitLevel, cell(Field::UnitLevel).1, false, &mut note);
                let ok = problems.is_empty();
                self.report(line, problems);
                let key = id.map(|i| id_key(&i));
                if let Some(key) = key
                    && self.duplicate(line, &key, cell(Field::CadreId).1.to_owned())
                {
                    return;
                }
                match (ok, appointed) {
                    (true, Some(appointed_on)) => {
                        let row = self.table.push_row(line, texts.iter().map(|t| t.as_ref()));
                        let idx = self.cadres.len() as u32;
                        self.cadres.push(Cadre {
                            row,
                            appointed_on,
                            left_on: left,
                            unit_level: level.unwrap_or(0),
                        });
                        self.set_slot(cell(Field::CadreId).1, Slot::Accepted(idx));
                    }
                    _ => self.set_slot(cell(Field::CadreId).1, Slot::Rejected(line)),
                }
            }
            TableKind::Classes => {
                let id = self.id_field(Field::ClassId, cell(Field::ClassId), &mut note);
                let level = self.level_field(
                    Field::OrganizerLevel,
                    cell(Field::OrganizerLevel).1,
                    true,
                    &mut note,
                );
                require(Field::Category, cell(Field::Category).1, &mut note);
                let start = date_field(Field::StartOn, cell(Field::StartOn), true, &mut note);
                let end = date_field(Field::EndOn, cell(Field::EndOn), false, &mut note);
                let days = number_field(Field::Days, cell(Field::Days), &mut note);
                let fee = number_field(Field::Fee, cell(Field::Fee), &mut note);
                if let Some(d) = days
                    && d <= 0.0
                {
                    note(Field::Days, cell(Field::Days).1, Problem::DaysNotPositive);
                }
                if let Some(f) = fee
                    && f < 0.0
                {
                    note(Field::Fee, cell(Field::Fee).1, Problem::FeeNegative);
                }
                if let (Some(s), Some(e)) = (start, end)
                    && e < s
                {
                    note(
                        Field::EndOn,
                        cell(Field::EndOn).1,
                        Problem::EndBeforeStart { start: s },
                    );
                }
                let ok = problems.is_empty();
                self.report(line, problems);
                if let Some(key) = id.map(|i| id_key(&i))
                    && self.duplicate(line, &key, cell(Field::ClassId).1.to_owned())
                {
                    return;
                }
                match (ok, start, level) {
                    (true, Some(start_on), Some(organizer_level)) => {
                        let end_on = end.unwrap_or(start_on);
                        let days =
                            days.unwrap_or_else(|| ((end_on - start_on).num_days() + 1) as f64);
                        let row = self.table.push_row(line, texts.iter().map(|t| t.as_ref()));
                        let idx = self.classes.len() as u32;
                        self.classes.push(Class {
                            row,
                            start_on,
                            end_on,
                            days,
                            fee: fee.unwrap_or(0.0),
                            organizer_level,
                        });
                        self.set_slot(cell(Field::ClassId).1, Slot::Accepted(idx));
                    }
                    _ => self.set_slot(cell(Field::ClassId).1, Slot::Rejected(line)),
                }
            }
            TableKind::Attendance => {
                let cadre = self.id_field(Field::AttCadreId, cell(Field::AttCadreId), &mut note);
                let class = self.id_field(Field::AttClassId, cell(Field::AttClassId), &mut note);
                let completed = match cell(Field::Completed) {
                    (Cell::Bool(b), _) => Some(*b),
                    (_, text) => match parse_completed(text) {
                        Ok(b) => Some(b),
                        Err(p) => {
                            note(Field::Completed, text, p);
                            None
                        }
                    },
                };
                self.report(line, problems);
                if let (Some(a), Some(c), Some(done)) = (cadre, class, completed) {
                    self.attendance.push((line, a, c, done));
                }
            }
        }
    }

    /// A row rejected before its fields were read still claims its id.
    fn reject_id(&mut self, cols: &HashMap<Field, usize>, line: u32, cells: &[Cell<'_>]) {
        let f = match self.kind {
            TableKind::Cadres => Field::CadreId,
            TableKind::Classes => Field::ClassId,
            TableKind::Attendance => return,
        };
        if let Some(&c) = cols.get(&f)
            && let Some(cell) = cells.get(c)
        {
            let text = cell.text().into_owned();
            if !text.is_empty() && !self.ids.contains_key(&id_key(&text)) {
                self.set_slot(&text, Slot::Rejected(line));
            }
        }
    }

    fn set_slot(&mut self, id: &str, slot: Slot) {
        if id.is_empty() {
            return;
        }
        self.ids.entry(id_key(id)).or_insert(slot);
    }

    /// Reports a later row with an id already seen; true when it is a duplicate.
    fn duplicate(&mut self, line: u32, key: &str, value: String) -> bool {
        let first_line = match self.ids.get(key) {
            Some(Slot::Accepted(i)) => match self.kind {
                TableKind::Cadres => self.table.line(self.cadres[*i as usize].row),
                _ => self.table.line(self.classes[*i as usize].row),
            },
            Some(Slot::Rejected(l)) => *l,
            None => return false,
        };
        let f = if self.kind == TableKind::Cadres {
            Field::CadreId
        } else {
            Field::ClassId
        };
        self.error(
            line,
            Some(f),
            Some(value),
            Problem::DuplicateId { first_line },
        );
        true
    }

    fn report(&mut self, line: u32, problems: Vec<(Field, String, Problem)>) {
        for (f, text, p) in problems {
            self.error(line, Some(f), Some(text), p);
        }
    }

    fn id_field(
        &mut self,
        f: Field,
        (cell, text): (&Cell<'_>, &str),
        note: &mut impl FnMut(Field, &str, Problem),
    ) -> Option<String> {
        if text.is_empty() {
            note(f, text, Problem::Missing);
            return None;
        }
        if let Cell::Number(n) = cell {
            if n.abs() >= 1e15 || n.fract() != 0.0 {
                note(f, text, Problem::IdLostDigits);
                return None;
            }
            return Some(text.to_owned());
        }
        match check_id(text) {
            Ok(()) => Some(text.to_owned()),
            Err(p) => {
                note(f, text, p);
                None
            }
        }
    }

    fn level_field(
        &mut self,
        f: Field,
        text: &str,
        required: bool,
        note: &mut impl FnMut(Field, &str, Problem),
    ) -> Option<u8> {
        if text.is_empty() {
            if required {
                note(f, text, Problem::Missing);
            }
            return None;
        }
        match self.levels.iter().position(|l| l == text) {
            Some(i) => Some(i as u8),
            None => {
                note(
                    f,
                    text,
                    Problem::UnknownLevel {
                        levels: self.levels.to_vec(),
                    },
                );
                None
            }
        }
    }
}

fn require(f: Field, text: &str, note: &mut impl FnMut(Field, &str, Problem)) {
    if text.is_empty() {
        note(f, text, Problem::Missing);
    }
}

fn date_field(
    f: Field,
    (cell, text): (&Cell<'_>, &str),
    required: bool,
    note: &mut impl FnMut(Field, &str, Problem),
) -> Option<NaiveDate> {
    if text.is_empty() {
        if required {
            note(f, text, Problem::Missing);
        }
        return None;
    }
    let parsed = match cell {
        Cell::Date(_, Some(d)) => Ok(*d),
        Cell::Date(_, None) => Err(Problem::Serial1900Feb29),
        Cell::Number(n) => parse_serial_date(*n),
        _ => parse_date(text),
    };
    match parsed {
        Ok(d) => Some(d),
        Err(p) => {
            note(f, text, p);
            None
        }
    }
}

fn number_field(
    f: Field,
    (cell, text): (&Cell<'_>, &str),
    note: &mut impl FnMut(Field, &str, Problem),
) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    let parsed = match cell {
        Cell::Number(n) if n.is_finite() => Ok(*n),
        _ => parse_number(text),
    };
    match parsed {
        Ok(n) => Some(n),
        Err(p) => {
            note(f, text, p);
            None
        }
    }
}

/// A table that could not be read at all (exit 2).
fn header_errors(source: &Source, kind: TableKind, errors: Vec<HeaderError>) -> anyhow::Error {
    let mut lines = Vec::new();
    for e in errors {
        match e {
            HeaderError::Duplicate {
                header,
                first,
                second,
            } => lines.push(format!(
                "header `{header}` appears twice in {} (columns {} and {}); rename or delete one",
                source.display(),
                column_letter(first),
                column_letter(second)
            )),
            HeaderError::Missing { field, found } => {
                let accepted: Vec<&str> = std::iter::once(field.name)
                    .chain(field.aliases.iter().copied())
                    .collect();
                let mut msg = format!(
                    "missing column `{}` in {} (accepted: {}); found: {}",
                    field.name,
                    source.display(),
                    accepted.join(", "),
                    if found.is_empty() {
                        "no headers".to_owned()
                    } else {
                        found.join(", ")
                    }
                );
                if let Some(h) = headers::closest(field, &found) {
                    msg.push_str(&format!(" — did you mean `{h}`?"));
                }
                lines.push(msg);
            }
        }
    }
    let _ = kind;
    anyhow::anyhow!(lines.join("\n"))
}

/// Reads one table into a builder.
fn read_table<'l>(
    kind: TableKind,
    path: &TablePath,
    opts: &ReadOptions,
    levels: &'l [String],
) -> Result<Builder<'l>> {
    match path {
        TablePath::Csv(p) => {
            let source = Source {
                file: display_name(p),
                sheet: None,
            };
            let bytes =
                std::fs::read(p).with_context(|| format!("cannot read `{}`", p.display()))?;
            let (text, _enc) = encoding::decode(&bytes, opts.encoding).map_err(|b| {
                anyhow::anyhow!(
                    "{} is not readable text: byte {} (line {}) is valid neither as UTF-8 nor as GB18030 (last tried: {}); save the file as UTF-8 or as Excel's “CSV (逗号分隔)”",
                    source.file,
                    b.offset,
                    b.line,
                    b.encoding
                )
            })?;
            drop(bytes);
            let delimiter = opts
                .delimiter
                .unwrap_or_else(|| csv::sniff_delimiter(&text));
            let mut reader = csv::Reader::new(&text, delimiter);
            let mut buf = csv::RecordBuf::default();
            // The header is the first record; blank lines before it are skipped.
            let header = loop {
                match reader.next_record(&mut buf) {
                    Ok(Some(_)) if buf.iter().all(|f| trim(f).is_empty()) => continue,
                    Ok(Some(_)) => break buf.iter().map(str::to_owned).collect::<Vec<String>>(),
                    Ok(None) => bail!("{} is empty: it has no header row", source.file),
                    Err(e) => bail!(
                        "{}: a quote opened on line {} never closes",
                        source.file,
                        e.line
                    ),
                }
            };
            let columns =
                map_headers(kind, &header).map_err(|e| header_errors(&source, kind, e))?;
            let mut b = Builder::new(kind, source, columns, levels);
            loop {
                match reader.next_record(&mut buf) {
                    Ok(Some(line)) => {
                        let cells: Vec<Cell<'_>> = buf.iter().map(Cell::Text).collect();
                        b.row(line, &cells);
                    }
                    Ok(None) => break,
                    Err(e) => {
                        b.error(e.line, None, None, Problem::UnclosedQuote);
                        break;
                    }
                }
            }
            Ok(b)
        }
        TablePath::Xlsx(p, sheet) => {
            let sheet_data = xlsx::read_sheet(p, sheet.as_deref(), kind)?;
            let source = Source {
                file: display_name(p),
                sheet: Some(sheet_data.sheet.clone()),
            };
            let header: Vec<String> = sheet_data.header.clone();
            let columns =
                map_headers(kind, &header).map_err(|e| header_errors(&source, kind, e))?;
            let mut b = Builder::new(kind, source, columns, levels);
            let mut cells: Vec<Cell<'_>> = Vec::new();
            for (line, row) in &sheet_data.rows {
                cells.clear();
                cells.extend(row.iter().map(xlsx::cell));
                b.row(*line, &cells);
            }
            Ok(b)
        }
    }
}

/// Loads the three tables and resolves attendance (SPEC §1 "References").
pub fn load(paths: &[TablePath; 3], opts: &ReadOptions, levels: &[String]) -> Result<Dataset> {
    let (cadres, (classes, attendance)) = std::thread::scope(|s| {
        let a = s.spawn(|| read_table(TableKind::Attendance, &paths[2], opts, levels));
        let c = s.spawn(|| read_table(TableKind::Classes, &paths[1], opts, levels));
        let cadres = read_table(TableKind::Cadres, &paths[0], opts, levels);
        let classes = c
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("reading classes failed")));
        let attendance = a
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("reading attendance failed")));
        (cadres, (classes, attendance))
    });
    let cadres = cadres?;
    let classes = classes?;
    let mut attendance = attendance?;

    let mut attended = Vec::with_capacity(attendance.attendance.len());
    let att_rows = std::mem::take(&mut attendance.attendance);
    for (line, cadre_text, class_text, done) in att_rows {
        let c = resolve(
            &cadres,
            &cadre_text,
            Field::AttCadreId,
            line,
            &mut attendance,
        );
        let k = resolve(
            &classes,
            &class_text,
            Field::AttClassId,
            line,
            &mut attendance,
        );
        if let (Some(c), Some(k)) = (c, k)
            && done
        {
            attended.push((c, k));
        }
    }
    attended.sort_unstable();
    attended.dedup();

    let mut data_errors = cadres.errors;
    data_errors.extend(classes.errors);
    data_errors.extend(attendance.errors);
    data_errors.sort_by(|a, b| {
        (a.table, a.line, a.column.unwrap_or(""), a.column.is_some()).cmp(&(
            b.table,
            b.line,
            b.column.unwrap_or(""),
            b.column.is_some(),
        ))
    });
    let id_cols = (
        cadres.table.col_of(Field::CadreId).unwrap_or(0),
        classes.table.col_of(Field::ClassId).unwrap_or(0),
    );
    Ok(Dataset {
        cadres_table: cadres.table,
        classes_table: classes.table,
        cadres: cadres.cadres,
        classes: classes.classes,
        attended,
        data_errors,
        id_cols,
    })
}

fn resolve(
    target: &Builder<'_>,
    text: &str,
    f: Field,
    line: u32,
    att: &mut Builder<'_>,
) -> Option<u32> {
    let value = || Some(text.to_owned());
    match target.ids.get(&id_key(text)) {
        Some(Slot::Accepted(i)) => Some(*i),
        Some(Slot::Rejected(l)) => {
            let problem = match f {
                Field::AttCadreId => Problem::RejectedCadre {
                    file: target.table.source.display(),
                    line: *l,
                },
                _ => Problem::RejectedClass {
                    file: target.table.source.display(),
                    line: *l,
                },
            };
            let v = value();
            att.error(line, Some(f), v, problem);
            None
        }
        None => {
            let problem = if f == Field::AttCadreId {
                Problem::UnknownCadre
            } else {
                Problem::UnknownClass
            };
            let v = value();
            att.error(line, Some(f), v, problem);
            None
        }
    }
}

/// The value type of a canonical field.
pub fn value_type(f: Field) -> ValueType {
    TableKind::ALL
        .iter()
        .flat_map(|k| fields_of(*k).iter())
        .find(|s| s.field == f)
        .map_or(ValueType::Text, |s| s.value_type)
}
