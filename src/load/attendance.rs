//! Attendance (SPEC §1 "References"): the largest table, read block by block and never
//! held whole; each row resolved as it comes against the cadres' and classes' id tables
//! (a completed pair kept, a pair not completed kept apart, a bad row a data error), on
//! every core.

use std::path::Path;

use anyhow::Result;

use super::builder::{Builder, RowSink};
use super::cell::Cell;
use super::chunked::read_in_pieces;
use super::encoding::TextEncoding;
use super::fields::{Problems, completed_field, id_field};
use super::ids::{Slot, is_hashed};
use super::options::ReadOptions;
use crate::i18n::Problem;
use crate::model::{Field, TableKind};

/// Resolves attendance rows against the cadres and classes as they are read.
pub struct Attendance<'a> {
    pub b: Builder<'a>,
    cadres: &'a Builder<'a>,
    classes: &'a Builder<'a>,
    /// (cadre index, class index) of completed attendance.
    pub attended: Vec<(u32, u32)>,
    /// (cadre index, class index) of attendance not completed (SPEC §8 `near`).
    pub not_completed: Vec<(u32, u32)>,
    /// With an `hours` column (SPEC §6): (cadre, class, position in `attended`, hours)
    /// of each completed row that gives hours; a row without (the commonest case) needs
    /// no entry, as its position in `attended` says it came first.
    pub hours: Vec<(u32, u32, u32, f64)>,
    /// Whether `hours` is kept: only when a rule counts hours.
    keep_hours: bool,
    /// Rows read without error.
    pub rows_ok: usize,
    /// Whether the cadres and the classes tables lost rows that may hold an id (a quote
    /// that never closes, ids Excel mangled).
    incomplete: (bool, bool),
    /// Rows waiting for their cadre to be looked up, in a batch: looked up together, the
    /// cache misses of a large id table overlap instead of queueing.
    batch: Vec<Pending>,
    /// The cadre ids of the batch, end to end.
    batch_ids: String,
    /// The last class id resolved and its class: exports list a class's rows together,
    /// so most rows name the class the row before named.
    last_class: (String, u32),
}

/// An attendance row whose cadre is still to be looked up.
struct Pending {
    line: u32,
    /// The cadre id: `batch_ids[at..at + len]`.
    at: u32,
    len: u32,
    class: Option<u32>,
    completed: Option<bool>,
    /// `hours` as given (NaN when empty or when the file has no such column).
    hours: f64,
}

/// Rows looked up together.
const BATCH: usize = 256;

/// Did a table lose rows whose ids cannot be known?
fn lost_ids(b: &Builder<'_>) -> bool {
    b.errors.iter().any(|e| {
        matches!(
            e.problem,
            Problem::UnclosedQuote | Problem::ScientificId | Problem::IdLostDigits
        )
    })
}

/// SPEC §6: the same cadre and class twice counts once, with the first completed row's
/// hours. From the rows that give hours (cadre, class, position in `attended`, hours):
/// per pair, the hours of its first completed row when that row gives them, sorted by
/// pair. A pair whose first row gives none is left out, as is every pair without hours.
pub fn first_row_hours(
    attended: &[(u32, u32)],
    mut hours: Vec<(u32, u32, u32, f64)>,
) -> Vec<(u32, u32, f64)> {
    if hours.is_empty() {
        return Vec::new();
    }
    hours.sort_unstable_by_key(|&(c, k, at, _)| (c, k, at));
    hours.dedup_by_key(|&mut (c, k, _, _)| (c, k));
    // Is a row with hours its pair's first? Only a pair attended twice can say no. The
    // rows with hours, sorted, are grouped by cadre (an offset per cadre), and the
    // attendance is scanned once: a row looks at its cadre's few rows with hours.
    let cadres = hours.last().map_or(0, |&(c, _, _, _)| c as usize + 1);
    let mut starts = vec![0u32; cadres + 1];
    for &(c, _, _, _) in &hours {
        starts[c as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut later = vec![false; hours.len()];
    for (at, &(c, k)) in attended.iter().enumerate() {
        let (Some(&from), Some(&to)) = (starts.get(c as usize), starts.get(c as usize + 1)) else {
            continue;
        };
        for i in from as usize..to as usize {
            if hours[i].1 == k && (at as u32) < hours[i].2 {
                later[i] = true;
            }
        }
    }
    hours
        .iter()
        .zip(later)
        .filter(|&(_, later)| !later)
        .map(|(&(c, k, _, h), _)| (c, k, h))
        .collect()
}

impl<'a> RowSink<'a> for Attendance<'a> {
    fn builder(&mut self) -> &mut Builder<'a> {
        &mut self.b
    }
    fn row(&mut self, line: u32, cells: &[Cell<'_>]) {
        Attendance::row(self, line, cells);
    }
    fn finish(&mut self) {
        self.flush();
    }
}

impl<'a> Attendance<'a> {
    /// `keep_hours`: whether the rows' hours are kept (some rule counts hours).
    pub fn new(
        b: Builder<'a>,
        cadres: &'a Builder<'a>,
        classes: &'a Builder<'a>,
        keep_hours: bool,
    ) -> Self {
        Attendance {
            keep_hours,
            b,
            cadres,
            classes,
            attended: Vec::new(),
            not_completed: Vec::new(),
            hours: Vec::new(),
            rows_ok: 0,
            incomplete: (lost_ids(cadres), lost_ids(classes)),
            batch: Vec::with_capacity(BATCH),
            batch_ids: String::new(),
            last_class: (String::new(), 0),
        }
    }

    /// One attendance row (SPEC §1 "References").
    pub fn row(&mut self, line: u32, cells: &[Cell<'_>]) {
        if cells.iter().all(Cell::is_blank) {
            return;
        }
        if self.b.too_many_fields(line, cells) || self.b.without_result(line, cells) {
            return;
        }
        let cells = self.b.mapped_cells(line, cells);
        let cells = cells.as_ref();
        let mut problems = Problems::new();
        let row = self.b.fields(cells);
        let (c, cadre_text) = row.get(Field::AttCadreId);
        let cadre_ok = id_field(Field::AttCadreId, c, &cadre_text, &mut problems);
        let (c, class_text) = row.get(Field::AttClassId);
        let class_ok = id_field(Field::AttClassId, c, &class_text, &mut problems);
        let (c, t) = row.get(Field::Completed);
        let completed = completed_field(c, &t, &mut problems);
        // Only a file with an `hours` column pays for reading it.
        let hours = if row.cols[Field::AttHours.index()].is_some() {
            super::fields::hours_field(Field::AttHours, &row, &mut problems).unwrap_or(f64::NAN)
        } else {
            f64::NAN
        };
        // A bad `hours` leaves the row out (-1 marks it; its ids are still checked).
        let hours = if problems.iter().any(|p| p.0 == Field::AttHours) {
            -1.0
        } else {
            hours
        };
        // SPEC §6: a bad declared date or number leaves the row out, like a bad
        // `hours` (its ids are still checked). Only a rule set declaring one pays.
        let hours = if self.b.has_typed() && self.b.typed_cells(line, cells).is_none() {
            -1.0
        } else {
            hours
        };
        self.b.report(line, problems);
        let class = if !class_ok {
            None
        } else if !self.last_class.0.is_empty() && *self.last_class.0 == *class_text {
            Some(self.last_class.1)
        } else {
            let class = self.resolve(&class_text, Field::AttClassId, line);
            if let Some(k) = class {
                self.last_class.0.clear();
                self.last_class.0.push_str(&class_text);
                self.last_class.1 = k;
            }
            class
        };
        if cadre_ok {
            let at = self.batch_ids.len() as u32;
            self.batch_ids.push_str(&cadre_text);
            self.batch.push(Pending {
                line,
                at,
                len: cadre_text.len() as u32,
                class,
                completed,
                hours,
            });
            if self.batch.len() >= BATCH {
                self.flush();
            }
        }
    }

    /// Looks up the cadres of the waiting rows, all keys first, then each row in order.
    pub fn flush(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        let ids = std::mem::take(&mut self.batch_ids);
        let map = &self.cadres.ids;
        let keys: Vec<(u64, u64)> = batch
            .iter()
            .map(|p| map.key(&ids[p.at as usize..(p.at + p.len) as usize]))
            .collect();
        // Packed keys need no text: look them up in one tight loop.
        let found: Vec<Option<Option<Slot>>> = keys
            .iter()
            .map(|&(key, hash)| (!is_hashed(key)).then(|| map.get_packed(key, hash)))
            .collect();
        for (p, slot) in batch.iter().zip(found) {
            let text = &ids[p.at as usize..(p.at + p.len) as usize];
            let cadre = match slot {
                Some(slot) => self.settle(slot, text, Field::AttCadreId, p.line),
                None => self.resolve(text, Field::AttCadreId, p.line),
            };
            if let (Some(c), Some(k), Some(done)) = (cadre, p.class, p.completed)
                && (p.hours.is_nan() || p.hours >= 0.0)
            {
                self.rows_ok += 1;
                if done {
                    if self.keep_hours && !p.hours.is_nan() {
                        self.hours.push((c, k, self.attended.len() as u32, p.hours));
                    }
                    self.attended.push((c, k));
                } else {
                    self.not_completed.push((c, k));
                }
            }
        }
        let (mut batch, mut ids) = (batch, ids);
        batch.clear();
        ids.clear();
        self.batch = batch;
        self.batch_ids = ids;
    }

    fn resolve(&mut self, text: &str, f: Field, line: u32) -> Option<u32> {
        let (target, id_field) = match f {
            Field::AttCadreId => (self.cadres, Field::CadreId),
            _ => (self.classes, Field::ClassId),
        };
        let id_col = target.col(id_field).unwrap_or(0);
        let slot = target.ids.get(text, &target.table, id_col);
        self.settle(slot, text, f, line)
    }

    /// An id looked up: its row, or a data error (a rejected row, or no such id).
    fn settle(&mut self, slot: Option<Slot>, text: &str, f: Field, line: u32) -> Option<u32> {
        let target = match f {
            Field::AttCadreId => self.cadres,
            _ => self.classes,
        };
        match slot {
            Some(Slot::Accepted(i)) => Some(i),
            Some(Slot::Rejected(l)) => {
                let file = target.table.source.display();
                let problem = match f {
                    Field::AttCadreId => Problem::RejectedCadre { file, line: l },
                    _ => Problem::RejectedClass { file, line: l },
                };
                self.b.error(line, Some(f), Some(text.to_owned()), problem);
                None
            }
            None => {
                // When the table lost rows (a quote that never closes, ids Excel mangled),
                // the id may well be one of them: say so rather than just "not there".
                let problem = if f == Field::AttCadreId {
                    Problem::UnknownCadre {
                        incomplete: self.incomplete.0,
                    }
                } else {
                    Problem::UnknownClass {
                        incomplete: self.incomplete.1,
                    }
                };
                self.b.error(line, Some(f), Some(text.to_owned()), problem);
                None
            }
        }
    }
}

/// Reads attendance from a CSV file block by block, resolving rows as they come, so the
/// largest table is never held in memory whole.
///
/// One thread reads the file; every core takes the next piece of records as it is free
/// (no waiting for each other), each into its own sink. Rows are independent, and data
/// errors are sorted by line afterwards, so the order pieces are read in does not show.
pub fn read_attendance_csv<'l>(
    path: &Path,
    opts: &ReadOptions,
    levels: &'l [String],
    cadres: &'l Builder<'l>,
    classes: &'l Builder<'l>,
) -> Result<Vec<Attendance<'l>>> {
    read_attendance_as(path, opts, opts.encoding, levels, cadres, classes)
}

/// [`read_attendance_csv`], with `--encoding` as given (`forced`), for messages: the
/// options may name GB18030 because the file proved not to be UTF-8.
fn read_attendance_as<'l>(
    path: &Path,
    opts: &ReadOptions,
    forced: Option<TextEncoding>,
    levels: &'l [String],
    cadres: &'l Builder<'l>,
    classes: &'l Builder<'l>,
) -> Result<Vec<Attendance<'l>>> {
    let read = read_in_pieces(
        TableKind::Attendance,
        path,
        opts,
        forced,
        |head| Attendance::new(head.builder(levels), cadres, classes, !opts.hours_unused),
        |sink, head, piece| head.read(piece, sink),
    )?;
    match read {
        Some(sinks) => Ok(sinks),
        // Not UTF-8 after all, found only after rows were read: read it again.
        None => {
            let again = ReadOptions {
                encoding: Some(TextEncoding::Gb18030),
                ..opts.clone()
            };
            read_attendance_as(path, &again, forced, levels, cadres, classes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::first_row_hours;

    /// Per pair, the first completed row decides: its hours, or none (the class's).
    #[test]
    fn the_first_completed_row_decides_the_hours() {
        // Positions 0..6 of `attended`; rows with hours are listed with their position.
        let attended = [(1, 7), (2, 7), (1, 7), (3, 7), (2, 7), (3, 8)];
        let hours = vec![
            (3, 8, 5, 4.0),
            (1, 7, 2, 50.0),
            (2, 7, 1, 45.0),
            (2, 7, 4, 9.0),
        ];
        assert_eq!(
            first_row_hours(&attended, hours),
            vec![(2, 7, 45.0), (3, 8, 4.0)]
        );
        assert!(first_row_hours(&attended, Vec::new()).is_empty());
    }
}
