//! The units table (SPEC §6, 工会组织): the union organisations as read, and what rules
//! ask of them — a unit by name, a unit's superiors up to the top, the unit of a cadre
//! and the organizing unit of a class. At the bottom: it imports only `tables` and
//! `cells`.

use std::hash::BuildHasher;

use crate::cells::Cells;
use crate::tables::Source;

/// One union organisation, as read (a bad value reads as missing, SPEC §6); its cells
/// stay in the table's columns ([`Units::cell`]), stored once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// The direct superior, by index into [`Units::rows`]; None at the top, and for a
    /// parent that names no unit or closes a cycle (both data errors).
    pub parent: Option<u32>,
    /// Index into the rule set's levels; None when missing or not a level.
    pub level: Option<u8>,
    /// The spreadsheet line of the row.
    pub line: u32,
    /// The row of the table's columns that holds its cells.
    pub row: u32,
}

/// The loaded units table.
#[derive(Debug)]
pub struct Units {
    pub source: Source,
    /// The headers as written, and the canonical field each maps to (None: an extra
    /// column).
    pub headers: Vec<(String, Option<&'static str>)>,
    /// The units kept, in line order (a repeated name's later rows are not here).
    pub rows: Vec<Unit>,
    /// The table's cells (trimmed), one entry per header, by table row.
    cells: Vec<Cells>,
    /// The columns of `name` and `county`.
    name_col: Option<usize>,
    county_col: Option<usize>,
    /// Units by the hash of their name.
    by_name: hashbrown::HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
    /// Per cadre table row: its unit's index, or `u32::MAX` when its `unit` is missing
    /// or names no unit (a data error; the cadre stays for rules that use no units form).
    cadre_unit: Vec<u32>,
    /// Cadre table rows whose empty `county` / `unit_level` cell was filled from their
    /// unit, in ascending order: `missing` sees these cells as written (empty).
    pub filled_county: Vec<u32>,
    pub filled_level: Vec<u32>,
}

impl Units {
    /// Units from the table's columns and the rows kept (parents already resolved,
    /// names distinct); `cadre_unit` is set later by [`Units::set_cadre_units`].
    pub fn new(
        source: Source,
        headers: Vec<(String, Option<&'static str>)>,
        cells: Vec<Cells>,
        rows: Vec<Unit>,
    ) -> Units {
        let col = |name: &str| headers.iter().position(|(_, f)| *f == Some(name));
        let (name_col, county_col) = (col("name"), col("county"));
        let mut units = Units {
            source,
            headers,
            rows,
            cells,
            name_col,
            county_col,
            by_name: hashbrown::HashTable::new(),
            hasher: hashbrown::DefaultHashBuilder::default(),
            cadre_unit: Vec::new(),
            filled_county: Vec::new(),
            filled_level: Vec::new(),
        };
        let mut by_name = hashbrown::HashTable::with_capacity(units.rows.len());
        for u in 0..units.rows.len() as u32 {
            let h = units.hasher.hash_one(units.name(u));
            by_name.insert_unique(h, u, |&v| units.hasher.hash_one(units.name(v)));
        }
        units.by_name = by_name;
        units
    }

    /// A unit by name: trimmed, compared exactly. An empty name is no unit.
    pub fn find(&self, name: &str) -> Option<u32> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let h = self.hasher.hash_one(name);
        self.by_name.find(h, |&v| self.name(v) == name).copied()
    }

    pub fn get(&self, unit: u32) -> Option<&Unit> {
        self.rows.get(unit as usize)
    }

    /// A unit's name ("" for no unit).
    pub fn name(&self, unit: u32) -> &str {
        self.name_col.map_or("", |c| self.cell(unit, c))
    }

    /// A unit's county ("" when empty).
    pub fn county(&self, unit: u32) -> &str {
        self.county_col.map_or("", |c| self.cell(unit, c))
    }

    /// The unit's superiors: its direct parent first, up to the top. Loading breaks
    /// every cycle; should one remain, the walk stops on coming back to `unit` and never
    /// takes more steps than there are units (no allocation per call: rules ask this per
    /// cadre and class).
    pub fn superiors(&self, unit: u32) -> impl Iterator<Item = u32> + '_ {
        let mut at = unit;
        let mut left = self.rows.len();
        std::iter::from_fn(move || {
            let next = self.get(at)?.parent?;
            if next == unit || left == 0 {
                return None;
            }
            left -= 1;
            at = next;
            Some(next)
        })
    }

    /// The unit a class's `organizer` names, if it is one (a party school is not a
    /// union, SPEC §6).
    pub fn organizer(&self, organizer: &str) -> Option<u32> {
        self.find(organizer)
    }

    /// Records each cadre's unit, by cadre table row (`u32::MAX`: none).
    pub fn set_cadre_units(&mut self, by_row: Vec<u32>) {
        self.cadre_unit = by_row;
    }

    /// The unit of the cadre on a cadre table row; None when its `unit` is missing or
    /// names no unit: rules that use a units form leave such a cadre out.
    pub fn of_cadre(&self, row: u32) -> Option<u32> {
        self.cadre_unit
            .get(row as usize)
            .copied()
            .filter(|&u| u != u32::MAX)
    }

    /// Whether a cadre's cell (`county` or `unit_level`) was empty as written and
    /// filled from its unit.
    pub fn filled(&self, row: u32, county: bool) -> bool {
        let rows = if county {
            &self.filled_county
        } else {
            &self.filled_level
        };
        rows.binary_search(&row).is_ok()
    }

    /// The column of the units table a rule names: a canonical field name, else a
    /// header as written (trimmed, case-insensitive).
    pub fn column(&self, name: &str) -> Option<usize> {
        let key = name.trim().to_lowercase();
        self.headers
            .iter()
            .position(|(_, f)| *f == Some(key.as_str()))
            .or_else(|| {
                self.headers
                    .iter()
                    .position(|(h, _)| h.trim().to_lowercase() == key)
            })
    }

    /// A unit's cell in a column ("" when empty).
    pub fn cell(&self, unit: u32, col: usize) -> &str {
        match (self.get(unit), self.cells.get(col)) {
            (Some(u), Some(c)) => c.get(u.row as usize),
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(row: u32, parent: Option<u32>) -> Unit {
        Unit {
            parent,
            level: None,
            line: row + 2,
            row,
        }
    }

    #[test]
    fn superiors_run_up_to_the_top_and_never_loop() {
        let src = Source {
            file: "units.csv".into(),
            sheet: None,
        };
        let mut names = Cells::default();
        for n in ["市总", "涪城区总工会", "某企业工会", "甲", "乙"] {
            names.push(n);
        }
        let u = Units::new(
            src,
            vec![("工会名称".into(), Some("name"))],
            vec![names],
            vec![
                unit(0, None),
                unit(1, Some(0)),
                unit(2, Some(1)),
                unit(3, Some(4)),
                unit(4, Some(3)),
            ],
        );
        assert_eq!(u.superiors(2).collect::<Vec<_>>(), vec![1, 0]);
        assert_eq!(u.superiors(0).count(), 0);
        assert_eq!(u.superiors(3).collect::<Vec<_>>(), vec![4]);
        assert_eq!(u.find(" 涪城区总工会\u{3000}"), Some(1));
        assert_eq!(u.find(""), None);
        assert_eq!(u.column("NAME"), Some(0));
        assert_eq!(u.column("工会名称"), Some(0));
        assert_eq!(u.cell(1, 0), "涪城区总工会");
        assert_eq!(u.name(2), "某企业工会");
        assert_eq!(u.find("某企业工会"), Some(2));
    }
}
