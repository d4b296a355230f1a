//! The id table (SPEC §1 "References"): every id of the cadres or classes table, packed
//! small, settled in line order on every core once the table is read (first row wins,
//! later rows are duplicates, rejected rows still hold their id), then looked up by
//! attendance rows.

use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::model::Table;

/// What an id maps to: an accepted row's index, or the line of a rejected row.
#[derive(Clone, Copy, Debug)]
pub enum Slot {
    Accepted(u32),
    Rejected(u32),
}

/// Ids seen in a table, compared after trimming with ASCII letters case-insensitive.
///
/// An entry is 16 bytes, so a million ids fit a 20 MB table. 18-character ids of digits
/// and `X` (身份证号) and ids of up to 7 bytes are packed whole into the 64-bit key, so a
/// lookup touches only the table; other ids keep a hash and are compared against their
/// text in the table (accepted rows) or in `rejected`. The entries are spread over
/// several tables (shards) by their hash, so the ids of a large file are settled on
/// every core, each table small enough to stay in a core's cache while it is filled.
pub struct IdMap {
    shards: Vec<HashTable<IdEntry>>,
    rejected: Vec<String>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl Default for IdMap {
    fn default() -> Self {
        IdMap {
            shards: (0..MIN_SHARDS).map(|_| HashTable::new()).collect(),
            rejected: Vec::new(),
            hasher: hashbrown::DefaultHashBuilder::default(),
        }
    }
}

/// The fewest and the most tables an [`IdMap`] spreads its entries over.
const MIN_SHARDS: usize = 16;
const MAX_SHARDS: usize = 64;

/// The table of a hash among `shards`: bits the tables themselves do not use (they take
/// the low bits for the bucket and the top seven as a tag).
fn shard_of(hash: u64, shards: usize) -> usize {
    ((hash >> 40) as usize) % shards
}

/// How many tables to spread `n` ids over: the count, from [`MIN_SHARDS`] up, whose
/// tables hold them in the fewest buckets. A table's buckets are a power of two, at most
/// 7/8 of them full, so with a fixed count a million ids would leave half the buckets
/// empty.
fn shard_count(n: usize) -> usize {
    let buckets = |cap: usize| (cap.max(8) * 8 / 7).next_power_of_two();
    (MIN_SHARDS..=MAX_SHARDS)
        .min_by_key(|&s| {
            // The ids a table gets vary by about the square root of their mean.
            let mean = n / s;
            s * buckets(mean + 4 * (mean as f64).sqrt() as usize + 16)
        })
        .unwrap_or(MIN_SHARDS)
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
pub fn is_hashed(key: u64) -> bool {
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
        self.shards[shard_of(h, self.shards.len())]
            .find(h, |e| {
                e.key == key
                    && (!is_hashed(key) || self.text(e.at, table, id_col).eq_ignore_ascii_case(id))
            })
            .map(|e| decode(e.slot))
    }

    /// The key and hash an id is looked up by.
    pub fn key(&self, id: &str) -> (u64, u64) {
        let key = pack(id, &self.hasher);
        (key, self.hasher.hash_one(key))
    }

    /// Looks up a key that holds its id whole (no text to compare).
    pub fn get_packed(&self, key: u64, hash: u64) -> Option<Slot> {
        self.shards[shard_of(hash, self.shards.len())]
            .find(hash, |e| e.key == key)
            .map(|e| decode(e.slot))
    }
}

/// How a row claims its id; kept in line order and settled once the whole table is read,
/// so parts of a file can be read in parallel.
#[derive(Debug)]
pub enum IdRecord {
    /// An accepted row: its index among the typed rows read so far.
    Accepted { line: u32, idx: u32 },
    /// A row with a data error: its id (`record_ids[id]`) still counts, so a later row
    /// with it is a duplicate.
    Rejected { line: u32, id: u32 },
    /// A row with too many fields: holds its id if no earlier row does, but is not
    /// itself reported as a duplicate.
    Claim { line: u32, id: u32 },
}

/// What settling a table's ids found.
pub struct Settled {
    /// The accepted rows left out as duplicates, by their index among the typed rows
    /// read, ascending: the others keep their id, and their slots count without these.
    pub dropped: Vec<u32>,
    /// Rows whose id an earlier row holds: (line, id, the earlier row's line).
    pub duplicates: Vec<(u32, String, u32)>,
}

impl IdMap {
    /// Settles the ids once every row of a table is read, in line order (SPEC §1): the
    /// first row with an id wins, a later row with it is a duplicate (reported, left
    /// out), and a rejected row still holds its id. `records` are the rows' claims in
    /// line order, `record_ids` the ids of rejected rows, and `row_of` the table row of
    /// an accepted typed row (whose id is read from `table`'s column `id_col`, and its
    /// line from `table`).
    ///
    /// On `threads` cores: the rows are grouped by the table (shard) their id falls in,
    /// in line order within each, and each core fills its share of the tables, so every
    /// id still meets its rows in line order. An entry names its row's slot as if no
    /// accepted row were a duplicate; when some are, the slots after them are moved up.
    pub fn settle(
        &mut self,
        records: Vec<IdRecord>,
        record_ids: Vec<String>,
        table: &Table,
        id_col: usize,
        row_of: impl Fn(u32) -> u32 + Sync,
        threads: usize,
    ) -> Settled {
        let n = records.len();
        let count = shard_count(n);
        let threads = threads.clamp(1, count);
        self.shards = (0..count).map(|_| HashTable::new()).collect();
        let hasher = &self.hasher;
        let row_of = &row_of;
        let ids = &record_ids;
        let text_of = |r: &IdRecord| match r {
            IdRecord::Accepted { idx, .. } => table.cell(row_of(*idx), id_col),
            IdRecord::Rejected { id, .. } | IdRecord::Claim { id, .. } => {
                ids[*id as usize].as_str()
            }
        };
        // The key and table of every row, computed on every core.
        let mut keys: Vec<u64> = vec![0; n];
        let mut shard: Vec<u8> = vec![0; n];
        let chunk = n.div_ceil(threads).max(1);
        std::thread::scope(|s| {
            let work = keys.chunks_mut(chunk).zip(shard.chunks_mut(chunk));
            for ((ks, ss), rs) in work.zip(records.chunks(chunk)) {
                s.spawn(move || {
                    for ((k, sh), r) in ks.iter_mut().zip(ss.iter_mut()).zip(rs) {
                        *k = pack(text_of(r), hasher);
                        *sh = shard_of(hasher.hash_one(*k), count) as u8;
                    }
                });
            }
        });
        // The rows of each table, in line order: `order[start[t]..start[t + 1]]`.
        let mut start = vec![0usize; count + 1];
        for &t in &shard {
            start[t as usize + 1] += 1;
        }
        for t in 1..start.len() {
            start[t] += start[t - 1];
        }
        let mut order = vec![0u32; n];
        let mut next = start.clone();
        for (ri, &t) in shard.iter().enumerate() {
            order[next[t as usize]] = ri as u32;
            next[t as usize] += 1;
        }
        drop(shard);
        // An entry's id text, and the line of the row that holds it.
        let entry_line = |e: &IdEntry| match decode(e.slot) {
            Slot::Rejected(line) => line,
            Slot::Accepted(_) => table.line(e.at),
        };
        let (records, keys, order, start) = (&records, &keys, &order, &start);
        // Each thread's tables; every duplicate found: (its record, the first's line).
        let found: Vec<Vec<(u32, u32)>> = std::thread::scope(|s| {
            let handles: Vec<_> = by_thread(&mut self.shards, threads)
                .into_iter()
                .map(|mine| {
                    s.spawn(move || {
                        let mut dups = Vec::new();
                        for (t, shard) in mine {
                            let rows = &order[start[t]..start[t + 1]];
                            shard.reserve(rows.len(), |e| hasher.hash_one(e.key));
                            for &ri in rows {
                                let (r, key) = (&records[ri as usize], keys[ri as usize]);
                                let entry = shard.entry(
                                    hasher.hash_one(key),
                                    |e| {
                                        e.key == key
                                            && (!is_hashed(key)
                                                || entry_text(ids, e.at, table, id_col)
                                                    .eq_ignore_ascii_case(text_of(r)))
                                    },
                                    |e| hasher.hash_one(e.key),
                                );
                                match entry {
                                    hashbrown::hash_table::Entry::Occupied(o) => {
                                        if !matches!(r, IdRecord::Claim { .. }) {
                                            dups.push((ri, entry_line(o.get())));
                                        }
                                    }
                                    hashbrown::hash_table::Entry::Vacant(v) => {
                                        let (slot, at) = match r {
                                            IdRecord::Accepted { idx, .. } => {
                                                (Slot::Accepted(*idx), row_of(*idx))
                                            }
                                            IdRecord::Rejected { line, id }
                                            | IdRecord::Claim { line, id } => {
                                                (Slot::Rejected(*line), id | REJECTED)
                                            }
                                        };
                                        v.insert(IdEntry {
                                            key,
                                            slot: encode(slot),
                                            at,
                                        });
                                    }
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
        // In line order: the duplicates, and the accepted rows they leave out.
        let mut found: Vec<(u32, u32)> = found.into_iter().flatten().collect();
        found.sort_unstable();
        let mut duplicates = Vec::with_capacity(found.len());
        let mut dropped = Vec::new();
        for (ri, first_line) in found {
            let r = &records[ri as usize];
            let line = match r {
                IdRecord::Accepted { line, idx } => {
                    dropped.push(*idx);
                    *line
                }
                IdRecord::Rejected { line, .. } | IdRecord::Claim { line, .. } => *line,
            };
            duplicates.push((line, text_of(r).to_owned(), first_line));
        }
        // Accepted rows after a left-out one move up.
        if !dropped.is_empty() {
            let dropped = &dropped;
            std::thread::scope(|s| {
                for mine in by_thread(&mut self.shards, threads) {
                    s.spawn(move || {
                        for (_, shard) in mine {
                            for e in shard.iter_mut() {
                                if let Slot::Accepted(i) = decode(e.slot) {
                                    let before = dropped.partition_point(|&d| d < i) as u32;
                                    e.slot = encode(Slot::Accepted(i - before));
                                }
                            }
                        }
                    });
                }
            });
        }
        self.rejected = record_ids;
        Settled {
            dropped,
            duplicates,
        }
    }
}

/// The tables, numbered, shared out among `threads` cores.
fn by_thread(
    shards: &mut [HashTable<IdEntry>],
    threads: usize,
) -> Vec<Vec<(usize, &mut HashTable<IdEntry>)>> {
    let mut mine: Vec<Vec<_>> = (0..threads).map(|_| Vec::new()).collect();
    for (t, shard) in shards.iter_mut().enumerate() {
        mine[t % threads].push((t, shard));
    }
    mine
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

    /// Settling on any number of cores gives what a plain map filled in line order
    /// gives: the first row with an id (in any ASCII case) holds it, later ones are
    /// duplicates (claims are not reported), accepted rows after a left-out one move
    /// up; packed, short and hashed ids alike.
    #[test]
    fn settling_matches_a_map_filled_in_line_order() {
        use crate::model::{Column, Source, TableKind};
        let pool = |i: u64| match i % 4 {
            0 => format!("5107031980{:08}", i * 7919 % 600),
            1 => format!("e{}", i * 31 % 200),
            2 => format!("某某单位-第{}期-专题培训班", i * 17 % 300),
            _ => format!("51070319800101{:03}X", i % 150),
        };
        let columns = vec![Column {
            header: "id".to_owned(),
            field: None,
        }];
        for (n, threads) in [(0, 1), (1, 2), (40, 3), (5000, 1), (5000, 2), (70_000, 2)] {
            let source = Source {
                file: "t.csv".to_owned(),
                sheet: None,
            };
            let mut table = Table::new(TableKind::Cadres, source, columns.clone());
            let (mut records, mut record_ids, mut rows) = (Vec::new(), Vec::new(), Vec::new());
            for i in 0..n {
                let line = i as u32 + 2;
                let id = pool(i * 2_654_435_761 % 100_003);
                let id = if i % 3 == 0 { id.to_lowercase() } else { id };
                match i % 7 {
                    0 | 1 => {
                        record_ids.push(id);
                        let id = record_ids.len() as u32 - 1;
                        records.push(if i % 7 == 0 {
                            IdRecord::Rejected { line, id }
                        } else {
                            IdRecord::Claim { line, id }
                        });
                    }
                    _ => {
                        rows.push(table.push_row_with(line, 1, |_| id.as_str().into()));
                        records.push(IdRecord::Accepted {
                            line,
                            idx: rows.len() as u32 - 1,
                        });
                    }
                }
            }
            // The plain map: upper-cased id → the slot of its first row.
            let mut want: std::collections::HashMap<String, String> = Default::default();
            let (mut dups, mut dropped, mut kept) = (Vec::new(), Vec::new(), 0u32);
            let mut first_line: std::collections::HashMap<String, u32> = Default::default();
            for r in &records {
                let (line, text) = match r {
                    IdRecord::Accepted { line, idx } => {
                        (*line, table.cell(rows[*idx as usize], 0).to_owned())
                    }
                    IdRecord::Rejected { line, id } | IdRecord::Claim { line, id } => {
                        (*line, record_ids[*id as usize].clone())
                    }
                };
                let key = text.to_ascii_uppercase();
                if let Some(&first) = first_line.get(&key) {
                    if let IdRecord::Accepted { idx, .. } = r {
                        dropped.push(*idx);
                    }
                    if !matches!(r, IdRecord::Claim { .. }) {
                        dups.push((line, text, first));
                    }
                    continue;
                }
                first_line.insert(key.clone(), line);
                let slot = match r {
                    IdRecord::Accepted { .. } => {
                        kept += 1;
                        Slot::Accepted(kept - 1)
                    }
                    _ => Slot::Rejected(line),
                };
                want.insert(key, format!("{slot:?}"));
            }
            let mut map = IdMap::default();
            let ids = record_ids.clone();
            let s = map.settle(records, ids, &table, 0, |i| rows[i as usize], threads);
            assert_eq!(s.duplicates, dups, "{n} rows on {threads} cores");
            assert_eq!(s.dropped, dropped, "{n} rows on {threads} cores");
            for i in 0..2000 {
                let id = pool(i);
                for id in [id.clone(), id.to_lowercase()] {
                    let got = map.get(&id, &table, 0).map(|s| format!("{s:?}"));
                    let key = id.to_ascii_uppercase();
                    assert_eq!(got.as_ref(), want.get(&key), "{id}, {n} rows");
                }
            }
        }
    }
}
