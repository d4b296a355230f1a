//! What binding a rule set to the data notices (SPEC §8): a value that looks like a word
//! a rule names but is not it (`variant_value` — `兼职干部` where the rule says `兼职`),
//! and a column a rule uses that the file lacks (`column_absent` — no `fee` column makes
//! a fee rule check nothing).

use super::condition::{ColName, Conditions, Literal, Test};
use crate::load::headers::distance;
use crate::model::{ColumnRef, Dataset, Field, Table, TableKind, ValueType, fields_of};
use crate::notice::{Detail, Notice, NoticeKind};
use crate::spelling::Spellings;

/// The text words the rules compare one column with (equality, lists, `not`).
#[derive(Debug)]
pub struct Compared {
    pub table: TableKind,
    /// The column in the loaded table.
    pub col: usize,
    /// The column as reports name it: a field's canonical name, or the header.
    pub column: String,
    pub words: Vec<String>,
}

/// Adds the text words of `conds` to `out`, per bound column: equality, lists (`in`
/// lists included) and `not`, here and inside every `any` (SPEC §6).
pub fn collect_words(conds: &Conditions, data: &Dataset, out: &mut Vec<Compared>) {
    for clause in &conds.clauses {
        for t in &clause.tests {
            if let Test::Any(list) = t {
                for inner in list {
                    collect_words(inner, data, out);
                }
            }
        }
        let Some((col, column)) = text_column(&clause.column, data) else {
            continue;
        };
        let words = clause.tests.iter().flat_map(|t| match t {
            Test::OneOf(lits) | Test::NoneOf(lits) => lits.as_slice(),
            _ => &[],
        });
        let table = clause.column.table;
        let at = match out.iter().position(|c| c.table == table && c.col == col) {
            Some(at) => at,
            None => {
                out.push(Compared {
                    table,
                    col,
                    column,
                    words: Vec::new(),
                });
                out.len() - 1
            }
        };
        for w in words {
            if let Literal::Text(w) = w
                && !out[at].words.contains(w)
            {
                out[at].words.push(w.clone());
            }
        }
    }
}

/// The loaded column of a bound text column, and its name in reports.
fn text_column(c: &ColName, data: &Dataset) -> Option<(usize, String)> {
    let table = table_of(data, c.table);
    match c.cref? {
        ColumnRef::Extra(i) => Some((i, table.columns.get(i)?.header.clone())),
        ColumnRef::Field(f, Some(i)) => {
            let spec = fields_of(c.table).iter().find(|s| s.field == f)?;
            (spec.value_type == ValueType::Text).then(|| (i, spec.name.to_owned()))
        }
        ColumnRef::Field(_, None) => None,
    }
}

fn table_of(data: &Dataset, kind: TableKind) -> &Table {
    match kind {
        TableKind::Cadres => &data.cadres_table,
        _ => &data.classes_table,
    }
}

/// The word of `words` that `value` resembles, if any (SPEC §8): the value contains the
/// word (of at least 2 characters), or both have at least 3 characters and differ by one
/// character. The closest word first, then the first named.
pub fn resembles<'w>(value: &str, words: &'w [String]) -> Option<&'w str> {
    let n = value.chars().count();
    words
        .iter()
        .filter_map(|w| {
            let wn = w.chars().count();
            if wn >= 3 && n >= 3 && distance(value, w) == 1 {
                Some((0, w.as_str()))
            } else if wn >= 2 && value.contains(w.as_str()) {
                Some((1, w.as_str()))
            } else {
                None
            }
        })
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, w)| w)
}

/// SPEC §8 `variant_value`: one notice per value of a compared column that no rule
/// names, `[known]` does not list, and that resembles a word a rule names.
pub fn variant_notices(
    compared: &[Compared],
    data: &Dataset,
    spellings: &Spellings,
) -> Vec<Notice> {
    let mut out = Vec::new();
    for c in compared.iter().filter(|c| !c.words.is_empty()) {
        let table = table_of(data, c.table);
        let rows: Vec<u32> = match c.table {
            TableKind::Cadres => data.cadres.iter().map(|r| r.row).collect(),
            _ => data.classes.iter().map(|r| r.row).collect(),
        };
        let header = table.columns.get(c.col).map_or("", |h| h.header.as_str());
        let mut found: Vec<Notice> = Vec::new();
        for (value, count) in table.tally(c.col, rows.iter().copied()) {
            if value.is_empty()
                || c.words.iter().any(|w| w == value)
                || spellings.is_known(c.table, &c.column, value)
                || spellings.is_known(c.table, header, value)
            {
                continue;
            }
            let Some(word) = resembles(value, &c.words) else {
                continue;
            };
            let mut n = Notice::new(NoticeKind::VariantValue, Some(c.table), count);
            n.column = Some(c.column.clone());
            n.header = Some(header.to_owned());
            n.value = Some(value.to_owned());
            n.detail = Detail::Resembles(word.to_owned());
            found.push(n);
        }
        if found.is_empty() {
            continue;
        }
        // The first lines holding each value, in line order.
        let mut lines: Vec<(u32, u32)> = rows.iter().map(|&r| (table.line(r), r)).collect();
        lines.sort_unstable();
        for (line, row) in lines {
            let v = table.cell(row, c.col);
            if let Some(n) = found.iter_mut().find(|n| n.value.as_deref() == Some(v)) {
                n.example(&table.source, line, Some(v));
            }
        }
        out.extend(found);
    }
    out
}

/// SPEC §8 `column_absent`: a column a rule uses that the file lacks (a field the
/// table has no column for), with the rules that use it.
pub fn absent_columns(named: &[(String, &ColName)], data: &Dataset, out: &mut Vec<Notice>) {
    for (rule, c) in named {
        let Some(ColumnRef::Field(f, None)) = c.cref else {
            continue;
        };
        let Some(spec) = fields_of(c.table).iter().find(|s| s.field == f) else {
            continue;
        };
        let existing = out.iter_mut().find(|n| {
            n.kind == NoticeKind::ColumnAbsent
                && n.table == Some(c.table)
                && n.column.as_deref() == Some(spec.name)
        });
        match existing {
            Some(n) => {
                if let Detail::Rules(rules) = &mut n.detail
                    && !rules.contains(rule)
                {
                    rules.push(rule.clone());
                }
            }
            None => {
                let mut n = Notice::new(NoticeKind::ColumnAbsent, Some(c.table), 0);
                n.column = Some(spec.name.to_owned());
                n.detail = Detail::Rules(vec![rule.clone()]);
                // The rows that read the column as empty: every row of the table.
                n.count = match c.table {
                    TableKind::Cadres => data.cadres.len(),
                    _ => data.classes.len(),
                } as u64;
                out.push(n);
            }
        }
    }
}

/// SPEC §8 `column_absent` for `measure = "hours"`: rules that count hours when neither
/// the classes nor the attendance file has an `hours` column count 0 hours everywhere.
pub fn absent_hours(rules: &[String], data: &Dataset) -> Option<Notice> {
    let has =
        |columns: &[crate::model::Column], f: Field| columns.iter().any(|c| c.field == Some(f));
    if rules.is_empty()
        || has(&data.classes_table.columns, Field::Hours)
        || has(&data.attendance.1, Field::AttHours)
    {
        return None;
    }
    let mut n = Notice::new(
        NoticeKind::ColumnAbsent,
        Some(TableKind::Classes),
        data.classes.len() as u64,
    );
    n.column = Some("hours".to_owned());
    n.detail = Detail::Rules(rules.to_vec());
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_resembles_a_word() {
        let words = |ws: &[&str]| ws.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let kinds = words(&["专职", "兼职"]);
        assert_eq!(resembles("兼职干部", &kinds), Some("兼职"));
        assert_eq!(resembles("专职工会干部", &kinds), Some("专职"));
        assert_eq!(
            resembles("挂职", &kinds),
            None,
            "two characters differ by one: too short"
        );
        let posts = words(&["工会主席"]);
        assert_eq!(
            resembles("工会主度", &posts),
            Some("工会主席"),
            "one character off"
        );
        assert_eq!(
            resembles("工会副主席", &posts),
            Some("工会主席"),
            "one character more"
        );
        assert_eq!(
            resembles("主席", &posts),
            None,
            "contained in the word, not containing it"
        );
        assert_eq!(resembles("工会委员", &posts), None);
        let one = words(&["市"]);
        assert_eq!(
            resembles("市直", &one),
            None,
            "a one-character word is never contained"
        );
    }
}
