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
        self.shards[shard_of(h)]
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
        self.shards[shard_of(hash)]
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
    /// The accepted rows that keep their id (no duplicates), by their index among the
    /// typed rows read, in line order.
    pub kept: Vec<u32>,
    /// Rows whose id an earlier row holds: (line, id, the earlier row's line).
    pub duplicates: Vec<(u32, String, u32)>,
}

impl IdMap {
    /// Settles the ids once every row of a table is read, in line order (SPEC §1): the
    /// first row with an id wins, a later row with it is a duplicate (reported, left
    /// out), and a rejected row still holds its id. `records` are the rows' claims in
    /// line order, `record_ids` the ids of rejected rows, and `row_of` the table row of
    /// an accepted typed row (whose id is read from `table`'s column `id_col`).
    ///
    /// On `threads` cores: each takes the id tables (shards) of its share and goes
    /// through all rows in line order, keeping only the ids that fall in its tables, so
    /// every id still meets its rows in line order. Entries first name the row (record)
    /// that claimed them; once the accepted rows are numbered they name the row's slot.
    pub fn settle(
        &mut self,
        records: Vec<IdRecord>,
        record_ids: Vec<String>,
        table: &Table,
        id_col: usize,
        row_of: impl Fn(u32) -> u32 + Sync,
        threads: usize,
    ) -> Settled {
        let threads = threads.clamp(1, SHARDS);
        let hasher = &self.hasher;
        let row_of = &row_of;
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
        for t in &mut self.shards {
            t.reserve(records.len() / SHARDS + records.len() / 64 + 16, |e| {
                hasher.hash_one(e.key)
            });
        }
        // Each thread's shards; every duplicate found: (its record, the first record).
        let mut mine: Vec<Vec<(usize, &mut HashTable<IdEntry>)>> =
            (0..threads).map(|_| Vec::new()).collect();
        for (i, t) in self.shards.iter_mut().enumerate() {
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
        let mut kept = Vec::new();
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
                    kept.push(*idx);
                    encode(Slot::Accepted(kept.len() as u32 - 1))
                }
                _ => encode(Slot::Rejected(line)),
            };
        }
        // Entries now name the slot, and where their id text is kept.
        let slot_of = &slot_of;
        std::thread::scope(|s| {
            for shard in self.shards.iter_mut() {
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
        self.rejected = record_ids;
        Settled { kept, duplicates }
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
