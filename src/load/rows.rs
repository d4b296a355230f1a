//! From rows of cells to typed cadres and classes, resolved attendance and data
//! errors (SPEC §1 "Reading, precisely" and "Bad input"). A bad row is reported with
//! every problem found in it and left out; the run goes on.

use std::borrow::Cow;
use std::hash::BuildHasher;

use chrono::NaiveDate;
use hashbrown::HashTable;

use super::cell::Cell;
use super::values::{check_id, parse_completed, parse_date, parse_number, parse_serial_date};
use crate::i18n::Problem;
use crate::model::{Cadre, Class, Column, DataError, Field, Source, Table, TableKind, fields_of};

/// What an id maps to: an accepted row's index, or the line of a rejected row.
#[derive(Clone, Copy, Debug)]
pub enum Slot {
    Accepted(u32),
    Rejected(u32),
}

/// Ids seen in a table, compared after trimming with ASCII letters case-insensitive.
///
/// An entry is 16 bytes, so a million ids fit a 32 MB table. 18-character ids of digits
/// and `X` (身份证号) and ids of up to 7 bytes are packed whole into the 64-bit key, so a
/// lookup touches only the table; other ids keep a hash and are compared against their
/// text in the table (accepted rows) or in `rejected`. The entries are spread over
/// [`SHARDS`] tables by their hash, so the ids of a large file are settled on every core.
pub struct IdMap {
    shards: Vec<HashTable<IdEntry>>,
    rejected: Vec<String>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl Default for IdMap {
    fn default() -> Self {
        IdMap {
            shards: (0..SHARDS).map(|_| HashTable::new()).collect(),
            rejected: Vec::new(),
            hasher: hashbrown::DefaultHashBuilder::default(),
        }
    }
}

/// How many tables an [`IdMap`] spreads its entries over.
const SHARDS: usize = 8;

/// The table of a hash: bits the tables themselves do not use (they take the low bits
/// for the bucket and the top seven as a tag).
fn shard_of(hash: u64) -> usize {
    ((hash >> 40) as usize) % SHARDS
}

#[derive(Clone, Copy, Debug)]
struct IdEntry {
    key: u64,
    /// The slot: an accepted row's index, or a rejected row's line with the top bit set.
    slot: u32,
    /// The table row (accepted) or `rejected` index with the top bit set.
    at: u32,
}

/// Where an entry's id text is: a table row, or `rejected[i]`.
const REJECTED: u32 = 1 << 31;
/// A key holding an 18-character id of digits and `X`, in base 11 (11^18 < 2^63).
const PACKED_ID: u64 = 1 << 63;
/// A key holding an id of up to 7 bytes and its length.
const PACKED_SHORT: u64 = 1 << 62;

/// Packs an id (already trimmed) into a key; ASCII letters count as upper case.
fn pack(id: &str, hasher: &hashbrown::DefaultHashBuilder) -> u64 {
    let b = id.as_bytes();
    if b.len() == 18
        && let Some(v) = digits8(&b[0..8])
        && let Some(w) = digits8(&b[8..16])
        && b[16].is_ascii_digit()
    {
        // 17 digits and a check character (a digit or X): 11 × 10^17 < 2^60.
        let check = match b[17] {
            c @ b'0'..=b'9' => c - b'0',
            b'x' | b'X' => 10,
            _ => return hashed(id, hasher),
        };
        let n = (v * 100_000_000 + w) * 10 + u64::from(b[16] - b'0');
        return PACKED_ID | (n * 11 + u64::from(check));
    }
    if !b.is_empty() && b.len() <= 7 {
        let mut k = PACKED_SHORT | ((b.len() as u64) << 56);
        for (i, &c) in b.iter().enumerate() {
            k |= u64::from(c.to_ascii_uppercase()) << (8 * i);
        }
        return k;
    }
    hashed(id, hasher)
}

/// The key of an id that does not fit a packed key: its hash (of the upper-cased id).
fn hashed(id: &str, hasher: &hashbrown::DefaultHashBuilder) -> u64 {
    let b = id.as_bytes();
    let h = if b.iter().any(u8::is_ascii_lowercase) {
        hasher.hash_one(id.to_ascii_uppercase().as_bytes())
    } else {
        hasher.hash_one(b)
    };
    h & !(PACKED_ID | PACKED_SHORT)
}

/// Eight ASCII digits as a number, or None; eight bytes at once (SWAR).
fn digits8(b: &[u8]) -> Option<u64> {
    let x = u64::from_le_bytes(b.try_into().ok()?);
    // Every byte is 0x30..=0x39: high nibble 3, and adding 6 does not carry out of it.
    let all_digits = (x & 0xF0F0_F0F0_F0F0_F0F0) == 0x3030_3030_3030_3030
        && (x.wrapping_add(0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) == 0x3030_3030_3030_3030;
    if !all_digits {
        return None;
    }
    // Pairs, then quadruples, then the whole: the first byte is the highest digit.
    let x = x - 0x3030_3030_3030_3030;
    let x = (x * 10 + (x >> 8)) & 0x00FF_00FF_00FF_00FF;
    let x = (x * 100 + (x >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((x * 10000 + (x >> 32)) & 0xFFFF_FFFF)
}

/// A key that holds only a hash: equal keys still need the texts compared.
fn is_hashed(key: u64) -> bool {
    key & (PACKED_ID | PACKED_SHORT) == 0
}

fn encode(slot: Slot) -> u32 {
    match slot {
        Slot::Accepted(i) => i,
        Slot::Rejected(line) => line | REJECTED,
    }
}

fn decode(slot: u32) -> Slot {
    if slot & REJECTED != 0 {
        Slot::Rejected(slot & !REJECTED)
    } else {
        Slot::Accepted(slot)
    }
}

/// The id text of an entry: a table row's id cell, or a rejected row's id.
fn entry_text<'t>(rejected: &'t [String], at: u32, table: &'t Table, id_col: usize) -> &'t str {
    if at & REJECTED != 0 {
        rejected
            .get((at & !REJECTED) as usize)
            .map_or("", String::as_str)
    } else {
        table.cell(at, id_col)
    }
}

impl IdMap {
    fn text<'t>(&'t self, at: u32, table: &'t Table, id_col: usize) -> &'t str {
        entry_text(&self.rejected, at, table, id_col)
    }

    /// Looks an id up.
    pub fn get(&self, id: &str, table: &Table, id_col: usize) -> Option<Slot> {
        let key = pack(id, &self.hasher);
        let h = self.hasher.hash_one(key);
        self.shards[shard_of(h)]
            .find(h, |e| {
                e.key == key
                    && (!is_hashed(key) || self.text(e.at, table, id_col).eq_ignore_ascii_case(id))
            })
            .map(|e| decode(e.slot))
    }

    /// The key and hash an id is looked up by.
    fn key(&self, id: &str) -> (u64, u64) {
        let key = pack(id, &self.hasher);
        (key, self.hasher.hash_one(key))
    }

    /// Looks up a key that holds its id whole (no text to compare).
    fn get_packed(&self, key: u64, hash: u64) -> Option<Slot> {
        self.shards[shard_of(hash)]
            .find(hash, |e| e.key == key)
            .map(|e| decode(e.slot))
    }
}

/// How a row claims its id; kept in line order and settled once the whole table is read,
/// so parts of a file can be read in parallel.
#[derive(Debug)]
enum IdRecord {
    /// An accepted row: its index among the typed rows read so far.
    Accepted { line: u32, idx: u32 },
    /// A row with a data error: its id (`record_ids[id]`) still counts, so a later row
    /// with it is a duplicate.
    Rejected { line: u32, id: u32 },
    /// A row with too many fields: holds its id if no earlier row does, but is not
    /// itself reported as a duplicate.
    Claim { line: u32, id: u32 },
}

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

    /// The trimmed text and the cell of a field ("" and an empty cell when absent).
    fn get<'c>(&self, cells: &'c [Cell<'c>], f: Field) -> (Option<&'c Cell<'c>>, Cow<'c, str>) {
        match self.col(f).and_then(|c| cells.get(c)) {
            Some(cell) => (Some(cell), cell.text()),
            None => (None, Cow::Borrowed("")),
        }
    }

    /// One data row. Blank rows are skipped; a row with extra non-empty fields is an error.
    pub fn row(&mut self, line: u32, cells: &[Cell<'_>]) {
        if cells.iter().all(Cell::is_blank) {
            return;
        }
        let ncols = self.table.columns.len();
        if cells.len() > ncols && cells[ncols..].iter().any(|c| !c.is_blank()) {
            let found = cells
                .iter()
                .rposition(|c| !c.is_blank())
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
            self.claim_rejected_id(line, cells);
            return;
        }
        let mut problems: Vec<(Field, String, Problem)> = Vec::new();
        match self.kind {
            TableKind::Cadres => self.cadre_row(line, cells, &mut problems),
            TableKind::Classes => self.class_row(line, cells, &mut problems),
            TableKind::Waivers => self.waiver_row(line, cells, &mut problems),
            TableKind::Attendance => {}
        }
    }

    fn report(&mut self, line: u32, problems: Vec<(Field, String, Problem)>) {
        for (f, text, p) in problems {
            self.error(line, Some(f), Some(text), p);
        }
    }

    /// Stores an accepted row's cells, returning its table row.
    fn store(&mut self, line: u32, cells: &[Cell<'_>]) -> u32 {
        self.table
            .push_row_with(line, cells.len(), |i| cells[i].text())
    }

    /// A row rejected before its fields were read still claims its id.
    fn claim_rejected_id(&mut self, line: u32, cells: &[Cell<'_>]) {
        let f = match self.kind {
            TableKind::Cadres => Field::CadreId,
            TableKind::Classes => Field::ClassId,
            TableKind::Attendance | TableKind::Waivers => return,
        };
        let (_, text) = self.get(cells, f);
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
    }

    /// Settles the ids once every row is read, in line order (SPEC §1): the first row
    /// with an id wins, a later row with it is a duplicate (reported, left out), and a
    /// rejected row still holds its id.
    ///
    /// On `threads` cores: each takes the id tables (shards) of its share and goes
    /// through all rows in line order, keeping only the ids that fall in its tables, so
    /// every id still meets its rows in line order. Entries first name the row (record)
    /// that claimed them; once the accepted rows are numbered they name the row's slot.
    pub fn resolve_ids(&mut self, threads: usize) {
        let f = match self.kind {
            TableKind::Cadres => Field::CadreId,
            TableKind::Classes => Field::ClassId,
            _ => return,
        };
        let threads = threads.clamp(1, SHARDS);
        let id_col = self.col(f).unwrap_or(0);
        let records = std::mem::take(&mut self.records);
        let record_ids = std::mem::take(&mut self.record_ids);
        let old_cadres = std::mem::take(&mut self.cadres);
        let old_classes = std::mem::take(&mut self.classes);
        let cadres = self.kind == TableKind::Cadres;
        let table = &self.table;
        let hasher = &self.ids.hasher;
        let row_of = |idx: u32| {
            if cadres {
                old_cadres[idx as usize].row
            } else {
                old_classes[idx as usize].row
            }
        };
        let text_of = |r: &IdRecord| match r {
            IdRecord::Accepted { idx, .. } => table.cell(row_of(*idx), id_col),
            IdRecord::Rejected { id, .. } | IdRecord::Claim { id, .. } => {
                record_ids[*id as usize].as_str()
            }
        };
        // The keys and hashes of every row, computed on every core.
        let mut hashed: Vec<(u64, u64)> = vec![(0, 0); records.len()];
        let chunk = records.len().div_ceil(threads).max(1);
        std::thread::scope(|s| {
            for (out, rs) in hashed.chunks_mut(chunk).zip(records.chunks(chunk)) {
                s.spawn(move || {
                    for (o, r) in out.iter_mut().zip(rs) {
                        let key = pack(text_of(r), hasher);
                        *o = (key, hasher.hash_one(key));
                    }
                });
            }
        });
        for t in &mut self.ids.shards {
            t.reserve(records.len() / SHARDS + records.len() / 64 + 16, |e| {
                hasher.hash_one(e.key)
            });
        }
        // Each thread's shards; every duplicate found: (its record, the first record).
        let mut mine: Vec<Vec<(usize, &mut HashTable<IdEntry>)>> =
            (0..threads).map(|_| Vec::new()).collect();
        for (i, t) in self.ids.shards.iter_mut().enumerate() {
            mine[i % threads].push((i, t));
        }
        let (records, hashed) = (&records, &hashed);
        let found: Vec<Vec<(u32, u32)>> = std::thread::scope(|s| {
            let handles: Vec<_> = mine
                .into_iter()
                .map(|shards| {
                    s.spawn(move || {
                        let mut shards = shards;
                        let mut dups = Vec::new();
                        for (ri, (r, &(key, hash))) in records.iter().zip(hashed).enumerate() {
                            let shard = shard_of(hash);
                            let Some((_, t)) = shards.iter_mut().find(|(i, _)| *i == shard) else {
                                continue;
                            };
                            let entry = t.entry(
                                hash,
                                |e| {
                                    e.key == key
                                        && (!is_hashed(key)
                                            || text_of(&records[e.at as usize])
                                                .eq_ignore_ascii_case(text_of(r)))
                                },
                                |e| hasher.hash_one(e.key),
                            );
                            match entry {
                                hashbrown::hash_table::Entry::Occupied(o) => {
                                    if !matches!(r, IdRecord::Claim { .. }) {
                                        dups.push((ri as u32, o.get().at));
                                    }
                                }
                                hashbrown::hash_table::Entry::Vacant(v) => {
                                    v.insert(IdEntry {
                                        key,
                                        slot: 0,
                                        at: ri as u32,
                                    });
                                }
                            }
                        }
                        dups
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        // In line order: number the accepted rows that are no duplicates.
        let mut first_of = vec![u32::MAX; records.len()];
        for (ri, first) in found.into_iter().flatten() {
            first_of[ri as usize] = first;
        }
        let mut slot_of = vec![0u32; records.len()];
        let mut duplicates: Vec<(u32, String, u32)> = Vec::new();
        if cadres {
            self.cadres.reserve(old_cadres.len());
        } else {
            self.classes.reserve(old_classes.len());
        }
        for (ri, r) in records.iter().enumerate() {
            let line = match r {
                IdRecord::Accepted { line, .. }
                | IdRecord::Rejected { line, .. }
                | IdRecord::Claim { line, .. } => *line,
            };
            let first = first_of[ri];
            if first != u32::MAX {
                let first_line = match &records[first as usize] {
                    IdRecord::Accepted { line, .. }
                    | IdRecord::Rejected { line, .. }
                    | IdRecord::Claim { line, .. } => *line,
                };
                duplicates.push((line, text_of(r).to_owned(), first_line));
                continue;
            }
            slot_of[ri] = match r {
                IdRecord::Accepted { idx, .. } => {
                    if cadres {
                        self.cadres.push(old_cadres[*idx as usize].clone());
                        encode(Slot::Accepted(self.cadres.len() as u32 - 1))
                    } else {
                        self.classes.push(old_classes[*idx as usize].clone());
                        encode(Slot::Accepted(self.classes.len() as u32 - 1))
                    }
                }
                _ => encode(Slot::Rejected(line)),
            };
        }
        // Entries now name the slot, and where their id text is kept.
        let slot_of = &slot_of;
        std::thread::scope(|s| {
            for shard in self.ids.shards.iter_mut() {
                s.spawn(move || {
                    for e in shard.iter_mut() {
                        let ri = e.at as usize;
                        e.slot = slot_of[ri];
                        e.at = match &records[ri] {
                            IdRecord::Accepted { idx, .. } => row_of(*idx),
                            IdRecord::Rejected { id, .. } | IdRecord::Claim { id, .. } => {
                                id | REJECTED
                            }
                        };
                    }
                });
            }
        });
        self.ids.rejected = record_ids;
        for (line, id, first_line) in duplicates {
            self.error(line, Some(f), Some(id), Problem::DuplicateId { first_line });
        }
        self.table.seal();
    }

    fn cadre_row(
        &mut self,
        line: u32,
        cells: &[Cell<'_>],
        problems: &mut Vec<(Field, String, Problem)>,
    ) {
        let (id_cell, id_text) = self.get(cells, Field::CadreId);
        let id_ok = id_field(Field::CadreId, id_cell, &id_text, problems);
        for f in [Field::Name, Field::Post] {
            let (_, t) = self.get(cells, f);
            if t.is_empty() {
                problems.push((f, String::new(), Problem::Missing));
            }
        }
        let (c, t) = self.get(cells, Field::AppointedOn);
        let appointed = date_field(Field::AppointedOn, c, &t, true, problems);
        let (c, t) = self.get(cells, Field::LeftOn);
        let left = date_field(Field::LeftOn, c, &t, false, problems);
        let (_, t) = self.get(cells, Field::UnitLevel);
        let level = level_field(self.levels, Field::UnitLevel, &t, false, problems);
        let ok = problems.is_empty();
        self.report(line, std::mem::take(problems));
        match (ok, appointed) {
            (true, Some(appointed_on)) => {
                let row = self.store(line, cells);
                let idx = self.cadres.len() as u32;
                self.cadres.push(Cadre {
                    row,
                    appointed_on,
                    left_on: left,
                    unit_level: level.unwrap_or(0),
                });
                let _ = row;
                self.records.push(IdRecord::Accepted { line, idx });
            }
            _ if id_ok => {
                let id = self.keep_id(id_text.into_owned());
                self.records.push(IdRecord::Rejected { line, id });
            }
            _ => {}
        }
    }

    fn class_row(
        &mut self,
        line: u32,
        cells: &[Cell<'_>],
        problems: &mut Vec<(Field, String, Problem)>,
    ) {
        let (id_cell, id_text) = self.get(cells, Field::ClassId);
        let id_ok = id_field(Field::ClassId, id_cell, &id_text, problems);
        let (_, t) = self.get(cells, Field::OrganizerLevel);
        let level = level_field(self.levels, Field::OrganizerLevel, &t, true, problems);
        let (_, t) = self.get(cells, Field::Category);
        if t.is_empty() {
            problems.push((Field::Category, String::new(), Problem::Missing));
        }
        let (c, t) = self.get(cells, Field::StartOn);
        let start = date_field(Field::StartOn, c, &t, true, problems);
        let (c, end_text) = self.get(cells, Field::EndOn);
        let end = date_field(Field::EndOn, c, &end_text, false, problems);
        let (c, t) = self.get(cells, Field::Days);
        let days = number_field(Field::Days, c, &t, problems);
        if days.is_some_and(|d| d <= 0.0) {
            problems.push((Field::Days, t.to_string(), Problem::DaysNotPositive));
        }
        let (c, t) = self.get(cells, Field::Fee);
        let fee = number_field(Field::Fee, c, &t, problems);
        if fee.is_some_and(|f| f < 0.0) {
            problems.push((Field::Fee, t.to_string(), Problem::FeeNegative));
        }
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            problems.push((
                Field::EndOn,
                end_text.to_string(),
                Problem::EndBeforeStart { start: s },
            ));
        }
        let ok = problems.is_empty();
        self.report(line, std::mem::take(problems));
        match (ok, start, level) {
            (true, Some(start_on), Some(organizer_level)) => {
                let end_on = end.unwrap_or(start_on);
                let days = days.unwrap_or_else(|| ((end_on - start_on).num_days() + 1) as f64);
                let row = self.store(line, cells);
                let idx = self.classes.len() as u32;
                self.classes.push(Class {
                    row,
                    start_on,
                    end_on,
                    days,
                    fee: fee.unwrap_or(0.0),
                    organizer_level,
                });
                let _ = row;
                self.records.push(IdRecord::Accepted { line, idx });
            }
            _ if id_ok => {
                let id = self.keep_id(id_text.into_owned());
                self.records.push(IdRecord::Rejected { line, id });
            }
            _ => {}
        }
    }
}

/// A waiver read without error (`--waivers`).
#[derive(Clone, Debug)]
pub struct WaiverRow {
    pub line: u32,
    pub rule: String,
    pub subject: String,
    pub period: Option<i32>,
    pub reason: String,
    pub approved_by: String,
    pub expires_on: Option<NaiveDate>,
}

impl Builder<'_> {
    fn waiver_row(
        &mut self,
        line: u32,
        cells: &[Cell<'_>],
        problems: &mut Vec<(Field, String, Problem)>,
    ) {
        let text = |f: Field, required: bool, problems: &mut Vec<(Field, String, Problem)>| {
            let (_, t) = self.get(cells, f);
            if required && t.is_empty() {
                problems.push((f, String::new(), Problem::Missing));
            }
            t.into_owned()
        };
        let rule = text(Field::WaiverRule, true, problems);
        let subject = text(Field::WaiverSubject, true, problems);
        let period_text = text(Field::WaiverPeriod, false, problems);
        let reason = text(Field::WaiverReason, true, problems);
        let approved_by = text(Field::WaiverApprovedBy, true, problems);
        let period = if period_text.is_empty() {
            None
        } else {
            match period_text.trim_end_matches('年').parse::<i32>() {
                Ok(y) if (1..=9999).contains(&y) => Some(y),
                _ => {
                    problems.push((Field::WaiverPeriod, period_text.clone(), Problem::BadPeriod));
                    None
                }
            }
        };
        let (c, t) = self.get(cells, Field::WaiverExpiresOn);
        let expires_on = date_field(Field::WaiverExpiresOn, c, &t, false, problems);
        let ok = problems.is_empty();
        self.report(line, std::mem::take(problems));
        if ok {
            self.waivers.push(WaiverRow {
                line,
                rule,
                subject,
                period,
                reason,
                approved_by,
                expires_on,
            });
        }
    }
}

/// Resolves attendance rows against the cadres and classes as they are read.
pub struct Attendance<'a> {
    pub b: Builder<'a>,
    cadres: &'a Builder<'a>,
    classes: &'a Builder<'a>,
    /// (cadre index, class index) of completed attendance.
    pub attended: Vec<(u32, u32)>,
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

impl<'a> super::RowSink<'a> for Attendance<'a> {
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
    pub fn new(b: Builder<'a>, cadres: &'a Builder<'a>, classes: &'a Builder<'a>) -> Self {
        Attendance {
            b,
            cadres,
            classes,
            attended: Vec::new(),
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
        let ncols = self.b.table.columns.len();
        if cells.len() > ncols && cells[ncols..].iter().any(|c| !c.is_blank()) {
            let found = cells
                .iter()
                .rposition(|c| !c.is_blank())
                .map_or(0, |i| i + 1);
            self.b.error(
                line,
                None,
                None,
                Problem::TooManyFields {
                    expected: ncols,
                    found,
                },
            );
            return;
        }
        let mut problems = Vec::new();
        let (c, cadre_text) = self.b.get(cells, Field::AttCadreId);
        let cadre_ok = id_field(Field::AttCadreId, c, &cadre_text, &mut problems);
        let (c, class_text) = self.b.get(cells, Field::AttClassId);
        let class_ok = id_field(Field::AttClassId, c, &class_text, &mut problems);
        let (c, t) = self.b.get(cells, Field::Completed);
        let completed = match c {
            Some(Cell::Bool(b)) => Some(*b),
            _ => match parse_completed(&t) {
                Ok(b) => Some(b),
                Err(p) => {
                    problems.push((Field::Completed, t.to_string(), p));
                    None
                }
            },
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
            if let (Some(c), Some(k), Some(done)) = (cadre, p.class, p.completed) {
                self.rows_ok += 1;
                if done {
                    self.attended.push((c, k));
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

fn id_field(
    f: Field,
    cell: Option<&Cell<'_>>,
    text: &str,
    problems: &mut Vec<(Field, String, Problem)>,
) -> bool {
    if text.is_empty() {
        problems.push((f, String::new(), Problem::Missing));
        return false;
    }
    let problem = match cell {
        // SPEC §1: a numeric id cell of 10^15 or more has lost digits.
        Some(Cell::Number(n)) if n.abs() >= 1e15 || n.fract() != 0.0 => Some(Problem::IdLostDigits),
        Some(Cell::Number(_)) => None,
        _ => check_id(text).err(),
    };
    match problem {
        Some(p) => {
            problems.push((f, text.to_owned(), p));
            false
        }
        None => true,
    }
}

fn level_field(
    levels: &[String],
    f: Field,
    text: &str,
    required: bool,
    problems: &mut Vec<(Field, String, Problem)>,
) -> Option<u8> {
    if text.is_empty() {
        if required {
            problems.push((f, String::new(), Problem::Missing));
        }
        return None;
    }
    match levels.iter().position(|l| l == text) {
        Some(i) => Some(i as u8),
        None => {
            problems.push((
                f,
                text.to_owned(),
                Problem::UnknownLevel {
                    levels: levels.to_vec(),
                },
            ));
            None
        }
    }
}

fn date_field(
    f: Field,
    cell: Option<&Cell<'_>>,
    text: &str,
    required: bool,
    problems: &mut Vec<(Field, String, Problem)>,
) -> Option<NaiveDate> {
    if text.is_empty() {
        if required {
            problems.push((f, String::new(), Problem::Missing));
        }
        return None;
    }
    let parsed = match cell {
        Some(Cell::Date(_, Some(d))) => Ok(*d),
        Some(Cell::Date(_, None)) => Err(Problem::Serial1900Feb29),
        Some(Cell::Number(n)) => parse_serial_date(*n),
        _ => parse_date(text),
    };
    match parsed {
        Ok(d) => Some(d),
        Err(p) => {
            problems.push((f, text.to_owned(), p));
            None
        }
    }
}

fn number_field(
    f: Field,
    cell: Option<&Cell<'_>>,
    text: &str,
    problems: &mut Vec<(Field, String, Problem)>,
) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    let parsed = match cell {
        Some(Cell::Number(n)) if n.is_finite() => Ok(*n),
        _ => parse_number(text),
    };
    match parsed {
        Ok(n) => Some(n),
        Err(p) => {
            problems.push((f, text.to_owned(), p));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_keys_ignore_ascii_case_and_keep_length() {
        let h = hashbrown::DefaultHashBuilder::default();
        assert_eq!(
            pack("51070319800101001x", &h),
            pack("51070319800101001X", &h)
        );
        assert!(!is_hashed(pack("51070319800101001X", &h)));
        assert_ne!(
            pack("510703198001010011", &h),
            pack("510703198001010012", &h)
        );
        assert_ne!(
            pack("999999999999999999", &h),
            pack("99999999999999999X", &h)
        );
        assert_ne!(pack("0510703", &h), pack("510703", &h));
        assert_eq!(pack("e02", &h), pack("E02", &h));
        assert!(!is_hashed(pack("A1", &h)));
        assert_ne!(pack("123456789012345", &h), pack("1234567890123456", &h));
        let long = "某某单位-2019-第一期-专题培训班";
        assert!(is_hashed(pack(long, &h)));
        assert_eq!(std::mem::size_of::<IdEntry>(), 16);
        assert_eq!(digits8(b"12345678"), Some(12_345_678));
        assert_eq!(digits8(b"00000009"), Some(9));
        assert_eq!(digits8(b"99999999"), Some(99_999_999));
        for bad in [
            b"1234567a",
            b"/2345678",
            b":2345678",
            b"1234 678",
            b"\x001234567",
        ] {
            assert_eq!(digits8(&bad[..8]), None, "{bad:?}");
        }
        // An X anywhere but last is no 身份证号: hashed, and still told apart.
        assert!(is_hashed(pack("51070319800101X011", &h)));
        assert_ne!(
            pack("51070319800101X011", &h),
            pack("510703198001010X11", &h)
        );
        for s in [Slot::Accepted(0), Slot::Accepted(7), Slot::Rejected(12)] {
            assert_eq!(format!("{:?}", decode(encode(s))), format!("{s:?}"));
        }
    }
}
