//! The units table (SPEC §6, 工会组织): the union organisations as read, and what rules
//! ask of them — a unit by name, a unit's superiors up to the top, the unit of a cadre
//! and the organizing unit of a class. At the bottom: it imports only `tables`.

use std::collections::HashMap;

use crate::tables::Source;

/// One union organisation, as read (a bad value reads as missing, SPEC §6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Unique, trimmed: what `cadres.unit` and `classes.organizer` write.
    pub name: String,
    /// The direct superior, by index into [`Units::rows`]; None at the top, and for a
    /// parent that names no unit or closes a cycle (both data errors).
    pub parent: Option<u32>,
    /// Index into the rule set's levels; None when missing or not a level.
    pub level: Option<u8>,
    pub county: String,
    pub unit_type: String,
    /// The spreadsheet line of the row.
    pub line: u32,
    /// Every cell of the row as written (trimmed), in the order of [`Units::headers`].
    pub cells: Vec<String>,
}

/// The loaded units table.
#[derive(Clone, Debug)]
pub struct Units {
    pub source: Source,
    /// The headers as written, and the canonical field each maps to (None: an extra
    /// column).
    pub headers: Vec<(String, Option<&'static str>)>,
    /// The units kept, in line order (a repeated name's later rows are not here).
    pub rows: Vec<Unit>,
    by_name: HashMap<String, u32>,
    /// Per cadre table row: its unit's index, or `u32::MAX` when its `unit` is missing
    /// or names no unit (a data error; the cadre stays for rules that use no units form).
    cadre_unit: Vec<u32>,
    /// Cadre table rows whose empty `county` / `unit_level` cell was filled from their
    /// unit, in ascending order: `missing` sees these cells as written (empty).
    pub filled_county: Vec<u32>,
    pub filled_level: Vec<u32>,
}

impl Units {
    /// Units from their rows (parents already resolved); `cadre_unit` is set later by
    /// [`Units::set_cadre_units`].
    pub fn new(
        source: Source,
        headers: Vec<(String, Option<&'static str>)>,
        rows: Vec<Unit>,
    ) -> Units {
        let by_name = rows
            .iter()
            .enumerate()
            .map(|(i, u)| (u.name.clone(), i as u32))
            .collect();
        Units {
            source,
            headers,
            rows,
            by_name,
            cadre_unit: Vec::new(),
            filled_county: Vec::new(),
            filled_level: Vec::new(),
        }
    }

    /// A unit by name: trimmed, compared exactly. An empty name is no unit.
    pub fn find(&self, name: &str) -> Option<u32> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        self.by_name.get(name).copied()
    }

    pub fn get(&self, unit: u32) -> Option<&Unit> {
        self.rows.get(unit as usize)
    }

    /// The unit's superiors: its direct parent first, up to the top. Stops at a unit
    /// already seen, so a cycle (which loading breaks anyway) cannot loop.
    pub fn superiors(&self, unit: u32) -> impl Iterator<Item = u32> + '_ {
        let mut seen = vec![unit];
        let mut at = unit;
        std::iter::from_fn(move || {
            let next = self.get(at)?.parent?;
            if seen.contains(&next) {
                return None;
            }
            seen.push(next);
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
        self.get(unit)
            .and_then(|u| u.cells.get(col))
            .map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str, parent: Option<u32>) -> Unit {
        Unit {
            name: name.into(),
            parent,
            level: None,
            county: String::new(),
            unit_type: String::new(),
            line: 2,
            cells: vec![name.into()],
        }
    }

    #[test]
    fn superiors_run_up_to_the_top_and_never_loop() {
        let src = Source {
            file: "units.csv".into(),
            sheet: None,
        };
        let u = Units::new(
            src,
            vec![("工会名称".into(), Some("name"))],
            vec![
                unit("市总", None),
                unit("涪城区总工会", Some(0)),
                unit("某企业工会", Some(1)),
                unit("甲", Some(4)),
                unit("乙", Some(3)),
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
    }
}
