//! One column's cells, as a loaded table keeps them: each distinct value once with a
//! number per row (dictionary form), or, for mostly distinct values such as ids and
//! names, every row's value in row order (direct form).

use std::hash::BuildHasher;

/// One column's cells. In dictionary form each distinct value is stored once and a row
/// holds its value's number; a column that turns out to be mostly distinct (ids, names)
/// switches to direct form, each row's value stored in row order.
#[derive(Debug, Default)]
pub struct Cells {
    /// The values end to end.
    text: String,
    /// Where each value ends in `text`.
    ends: Vec<u32>,
    /// Dictionary form: each row's value number. Unused in direct form.
    codes: Vec<u32>,
    direct: bool,
    /// Dictionary form, while rows are added: value numbers by the hash of their text.
    index: hashbrown::HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
}

/// Value `v` of a column's `text` whose values end at `ends`.
fn value_bytes<'t>(text: &'t str, ends: &[u32], v: u32) -> &'t [u8] {
    let v = v as usize;
    let start = if v == 0 { 0 } else { ends[v - 1] as usize };
    &text.as_bytes()[start..ends[v] as usize]
}

/// Rows after which a column whose values are mostly distinct is kept in direct form.
const DICTIONARY_TRIAL: usize = 4096;

impl Cells {
    pub fn value(&self, v: usize) -> &str {
        let Some(&end) = self.ends.get(v) else {
            return "";
        };
        let start = if v == 0 { 0 } else { self.ends[v - 1] as usize };
        self.text.get(start..end as usize).unwrap_or("")
    }

    pub fn get(&self, row: usize) -> &str {
        if self.direct {
            self.value(row)
        } else {
            self.codes.get(row).map_or("", |&v| self.value(v as usize))
        }
    }

    pub fn rows(&self) -> usize {
        if self.direct {
            self.ends.len()
        } else {
            self.codes.len()
        }
    }

    pub fn push_value(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
        (self.ends.len() - 1) as u32
    }

    /// The number of a value in dictionary form, added if new.
    pub fn code(&mut self, s: &str) -> u32 {
        let h = self.hasher.hash_one(s.as_bytes());
        let found = self.index.find(h, |&v| {
            value_bytes(&self.text, &self.ends, v) == s.as_bytes()
        });
        if let Some(&v) = found {
            return v;
        }
        let v = self.push_value(s);
        let Cells {
            index,
            hasher,
            text,
            ends,
            ..
        } = self;
        index.insert_unique(h, v, |&v| hasher.hash_one(value_bytes(text, ends, v)));
        v
    }

    pub fn push(&mut self, s: &str) {
        if self.direct {
            self.push_value(s);
            return;
        }
        // The value of the row before, the commonest case, needs no hashing.
        if let Some(&last) = self.codes.last()
            && self.value(last as usize) == s
        {
            self.codes.push(last);
            return;
        }
        let v = self.code(s);
        self.codes.push(v);
        let rows = self.codes.len();
        if rows >= DICTIONARY_TRIAL && self.ends.len() > rows / 2 {
            self.make_direct();
        }
    }

    /// Stores the empty cells of rows up to `row` that were not stored: rows too short
    /// to reach this column.
    #[cold]
    #[inline(never)]
    pub fn fill_to(&mut self, row: usize) {
        while self.rows() < row {
            self.push("");
        }
    }

    /// Switches to direct form.
    pub fn make_direct(&mut self) {
        if self.direct {
            return;
        }
        let mut d = Cells {
            direct: true,
            ..Cells::default()
        };
        d.ends.reserve(self.codes.capacity());
        for row in 0..self.codes.len() {
            d.push_value(self.get(row));
        }
        *self = d;
    }

    pub fn reserve(&mut self, rows: usize) {
        if self.direct {
            self.ends.reserve(rows);
        } else {
            self.codes.reserve(rows);
        }
    }

    /// Appends another part's cells of the same column.
    pub fn append(&mut self, mut other: Cells) {
        if self.rows() == 0 && !self.direct && self.ends.is_empty() {
            *self = other;
            return;
        }
        if other.direct {
            self.make_direct();
        }
        if self.direct {
            if other.direct {
                let offset = self.text.len() as u32;
                self.text.push_str(&other.text);
                self.ends.extend(other.ends.iter().map(|e| e + offset));
            } else {
                for row in 0..other.codes.len() {
                    self.push_value(other.get(row));
                }
            }
            return;
        }
        let map: Vec<u32> = (0..other.ends.len())
            .map(|v| self.code(other.value(v)))
            .collect();
        self.codes
            .extend(other.codes.drain(..).map(|v| map[v as usize]));
        if self.codes.len() >= DICTIONARY_TRIAL && self.ends.len() > self.codes.len() / 2 {
            self.make_direct();
        }
    }

    /// Done adding rows: the hash index is no longer needed.
    pub fn seal(&mut self) {
        self.index = hashbrown::HashTable::new();
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.codes.shrink_to_fit();
    }

    /// The distinct values among `rows`, each with how many of the rows
    /// hold it, in order of first appearance.
    pub fn tally(&self, rows: impl Iterator<Item = u32>) -> Vec<(&str, u64)> {
        let cells = self;
        if cells.direct {
            let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
            let mut out: Vec<(&str, u64)> = Vec::new();
            for row in rows {
                let v = cells.get(row as usize);
                match at.get(v) {
                    Some(&i) => out[i].1 += 1,
                    None => {
                        at.insert(v, out.len());
                        out.push((v, 1));
                    }
                }
            }
            return out;
        }
        // Dictionary form: count by value number, no hashing.
        let mut counts = vec![0u64; cells.ends.len()];
        let mut order = Vec::new();
        for row in rows {
            if let Some(&v) = cells.codes.get(row as usize) {
                if counts[v as usize] == 0 {
                    order.push(v);
                }
                counts[v as usize] += 1;
            }
        }
        order
            .into_iter()
            .map(|v| (cells.value(v as usize), counts[v as usize]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells read back as written, in either form and across appended parts.
    #[test]
    fn cells_keep_every_value_in_either_form() {
        let repeating = |i: usize| ["绵阳市总工会", "", "涪城区总工会", "市直"][i % 4].to_owned();
        let distinct = |i: usize| format!("5107{i:014}");
        let mixed = |i: usize| {
            if i < 5000 { repeating(i) } else { distinct(i) }
        };
        let gens: [&dyn Fn(usize) -> String; 3] = [&repeating, &distinct, &mixed];
        for (g, gen_a) in gens.iter().enumerate() {
            for (h, gen_b) in gens.iter().enumerate() {
                for (n_a, n_b) in [(0, 10), (10, 0), (100, 9000), (9000, 100), (6000, 6000)] {
                    let mut a = Cells::default();
                    let mut b = Cells::default();
                    let mut want = Vec::new();
                    for i in 0..n_a {
                        a.push(&gen_a(i));
                        want.push(gen_a(i));
                    }
                    for i in 0..n_b {
                        b.push(&gen_b(i));
                        want.push(gen_b(i));
                    }
                    a.append(b);
                    a.seal();
                    assert_eq!(a.rows(), want.len(), "{g} {h} {n_a} {n_b}");
                    for (row, w) in want.iter().enumerate() {
                        assert_eq!(a.get(row), w, "{g} {h} {n_a} {n_b} row {row}");
                    }
                }
            }
        }
        let mut d = Cells::default();
        for i in 0..10_000 {
            d.push(&distinct(i));
        }
        assert!(d.direct, "mostly distinct values are kept in row order");
        let mut r = Cells::default();
        for i in 0..10_000 {
            r.push(&repeating(i));
        }
        assert!(
            !r.direct && r.ends.len() == 4,
            "repeated values are kept once"
        );
    }
}
