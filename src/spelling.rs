//! Value spellings (SPEC §8 "Value spellings"): `[values]` maps a clerk's spellings to
//! the plan's words (`"兼职" = ["兼职干部"]`), `[known]` lists values that need no
//! mapping. Both may stand in the columns file and in a rule file; read here from
//! either, merged (the columns file wins for the same spelling), and applied by the
//! loader to text columns before their values are checked.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::model::{ValueType, column_type, fields_of, normalize};
use crate::tables::TableKind;

/// `[values.TABLE.COLUMN] WORD = [SPELLING, …]`: one spelling of a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueMap {
    pub table: TableKind,
    /// The column as the file names it: a field's name or alias, or a header.
    pub column: String,
    pub word: String,
    pub spelling: String,
}

/// `[known.TABLE] COLUMN = [VALUE, …]`: one value that needs no mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    pub table: TableKind,
    pub column: String,
    pub value: String,
}

/// Every mapping and known value of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spellings {
    pub values: Vec<ValueMap>,
    pub known: Vec<Known>,
}

/// The tables `[values]` and `[known]` may name.
const TABLES: [TableKind; 3] = [TableKind::Cadres, TableKind::Classes, TableKind::Attendance];

fn table_named(name: &str) -> Option<TableKind> {
    TABLES
        .into_iter()
        .find(|t| t.name() == name || t.chinese() == name)
}

/// Whether two names name the same column (as headers compare).
pub fn same_column(a: &str, b: &str) -> bool {
    let (a, b) = (normalize(a), normalize(b));
    if a == b {
        return true;
    }
    // A field's name and its aliases name one column.
    TABLES.iter().any(|t| {
        fields_of(*t).iter().any(|f| {
            let names = || std::iter::once(f.name).chain(f.aliases.iter().copied());
            names().any(|n| normalize(n) == a) && names().any(|n| normalize(n) == b)
        })
    })
}

/// A list of strings, or one string; None (with a problem) for anything else.
fn strings(
    v: &toml::Spanned<DeValue<'_>>,
    what: &str,
    problems: &mut Vec<(Range<usize>, String)>,
) -> Option<Vec<(String, Range<usize>)>> {
    match v.get_ref() {
        DeValue::String(s) => Some(vec![(s.to_string(), v.span())]),
        DeValue::Array(items) => {
            let mut out = Vec::new();
            for item in items.iter() {
                match item.get_ref() {
                    DeValue::String(s) => out.push((s.to_string(), item.span())),
                    _ => problems.push((item.span(), must_be_strings(what))),
                }
            }
            Some(out)
        }
        _ => {
            problems.push((v.span(), must_be_strings(what)));
            None
        }
    }
}

/// The table under a key (`[values.cadres]`), or a problem.
fn sub_table<'t, 'i>(
    v: &'t toml::Spanned<DeValue<'i>>,
    what: &str,
    problems: &mut Vec<(Range<usize>, String)>,
) -> Option<&'t DeTable<'i>> {
    match v.get_ref() {
        DeValue::Table(t) => Some(t),
        _ => {
            problems.push((
                v.span(),
                crate::diag::say(
                    format!("`{what}` 应为表"),
                    format!("`{what}` must be a table"),
                ),
            ));
            None
        }
    }
}

impl Spellings {
    /// Reads the `values` and `known` keys of a file's top table (a columns file or a
    /// rule file). Problems come with the span of the value at fault.
    pub fn read(doc: &DeTable<'_>, problems: &mut Vec<(Range<usize>, String)>) -> Spellings {
        let mut out = Spellings::default();
        for (key, v) in doc.iter() {
            match key.get_ref().as_ref() {
                "values" => out.read_values(v, problems),
                "known" => out.read_known(v, problems),
                _ => {}
            }
        }
        out
    }

    fn read_values(
        &mut self,
        v: &toml::Spanned<DeValue<'_>>,
        problems: &mut Vec<(Range<usize>, String)>,
    ) {
        let Some(tables) = sub_table(v, "values", problems) else {
            return;
        };
        for (tk, tv) in tables.iter() {
            let Some(table) = table_for(tk, "values", problems) else {
                continue;
            };
            let Some(columns) = sub_table(tv, &format!("values.{}", tk.get_ref()), problems) else {
                continue;
            };
            for (ck, cv) in columns.iter() {
                let column: &str = ck.get_ref().as_ref();
                let what = format!("values.{}.{column}", tk.get_ref());
                match column_type(table, column) {
                    ValueType::Id | ValueType::Date | ValueType::Number => {
                        problems.push((
                            ck.span(),
                            crate::diag::say(
                                format!(
                                    "`{what}`：[values] 只用于文字列；`{column}` 存的是编号、日期或数字"
                                ),
                                format!(
                                    "`{what}`: [values] applies to text columns; `{column}` holds ids, dates or numbers"
                                ),
                            ),
                        ));
                        continue;
                    }
                    ValueType::Text | ValueType::Level => {}
                }
                let Some(words) = sub_table(cv, &what, problems) else {
                    continue;
                };
                for (wk, wv) in words.iter() {
                    let word = wk.get_ref().to_string();
                    let Some(list) = strings(wv, &format!("`{what}.{word}`"), problems) else {
                        continue;
                    };
                    for (spelling, span) in list {
                        let spelling = crate::model::trim(&spelling).to_owned();
                        if spelling == word {
                            continue;
                        }
                        let twice = self.values.iter().find(|m| {
                            m.table == table
                                && same_column(&m.column, column)
                                && m.spelling == spelling
                        });
                        match twice {
                            Some(m) if m.word != word => problems.push((
                                span,
                                crate::diag::say(
                                    format!(
                                        "{what} 中的 `{spelling}` 对应了两个词：`{}` 和 `{word}`",
                                        m.word
                                    ),
                                    format!(
                                        "`{spelling}` in {what} is mapped to two words: `{}` and `{word}`",
                                        m.word
                                    ),
                                ),
                            )),
                            Some(_) => {}
                            None => self.values.push(ValueMap {
                                table,
                                column: column.to_owned(),
                                word: word.clone(),
                                spelling,
                            }),
                        }
                    }
                }
            }
        }
    }

    fn read_known(
        &mut self,
        v: &toml::Spanned<DeValue<'_>>,
        problems: &mut Vec<(Range<usize>, String)>,
    ) {
        let Some(tables) = sub_table(v, "known", problems) else {
            return;
        };
        for (tk, tv) in tables.iter() {
            let Some(table) = table_for(tk, "known", problems) else {
                continue;
            };
            let Some(columns) = sub_table(tv, &format!("known.{}", tk.get_ref()), problems) else {
                continue;
            };
            for (ck, cv) in columns.iter() {
                let column: &str = ck.get_ref().as_ref();
                let what = format!("`known.{}.{column}`", tk.get_ref());
                for (value, _) in strings(cv, &what, problems).unwrap_or_default() {
                    self.known.push(Known {
                        table,
                        column: column.to_owned(),
                        value: crate::model::trim(&value).to_owned(),
                    });
                }
            }
        }
    }

    /// A run's spellings: a rule file's, overridden by the columns file's for the same
    /// table, column and spelling.
    pub fn merge(rule_file: &Spellings, columns_file: &Spellings) -> Spellings {
        let mut values = columns_file.values.clone();
        for m in &rule_file.values {
            let overridden = values.iter().any(|c| {
                c.table == m.table && same_column(&c.column, &m.column) && c.spelling == m.spelling
            });
            if !overridden {
                values.push(m.clone());
            }
        }
        let mut known = rule_file.known.clone();
        known.extend(columns_file.known.iter().cloned());
        Spellings { values, known }
    }

    /// Whether `value` of a column is listed in `[known]`.
    pub fn is_known(&self, table: TableKind, column: &str, value: &str) -> bool {
        self.known
            .iter()
            .any(|k| k.table == table && k.value == value && same_column(&k.column, column))
    }
}

fn table_for(
    key: &toml::Spanned<std::borrow::Cow<'_, str>>,
    what: &str,
    problems: &mut Vec<(Range<usize>, String)>,
) -> Option<TableKind> {
    let name: &str = key.get_ref().as_ref();
    let t = table_named(name);
    if t.is_none() {
        problems.push((
            key.span(),
            crate::diag::say(
                format!("[{what}] 中的表 `{name}` 无法识别（可用：cadres、classes、attendance）"),
                format!(
                    "unknown table `{name}` in [{what}] (accepted: cadres, classes, attendance)"
                ),
            ),
        ));
    }
    t
}

/// A value that must be a list of strings, in the run's language.
fn must_be_strings(what: &str) -> String {
    crate::diag::say(
        format!("{what} 应为字符串列表"),
        format!("{what} must be a list of strings"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Spellings, Vec<String>) {
        let doc = DeTable::parse(text).unwrap();
        let mut problems = Vec::new();
        let s = Spellings::read(doc.get_ref(), &mut problems);
        (s, problems.into_iter().map(|(_, m)| m).collect())
    }

    #[test]
    fn values_and_known_are_read() {
        let (s, problems) = read(
            "[values.cadres.kind]\n\"兼职\" = [\"兼职干部\", \" 兼职工会干部 \"]\n[values.\"干部名册\".\"职务\"]\n\"工会主席\" = \"主席\"\n[known.cadres]\npost = [\"副主席\"]\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.values.len(), 3);
        assert_eq!(s.values[1].spelling, "兼职工会干部");
        assert_eq!(s.values[2].word, "工会主席");
        assert!(s.is_known(TableKind::Cadres, "职务", "副主席"));
        assert!(!s.is_known(TableKind::Classes, "post", "副主席"));
    }

    #[test]
    fn one_spelling_for_two_words_is_refused() {
        let (_, problems) = read(
            "[values.cadres.kind]\n\"兼职\" = [\"兼\"]\n\"专职\" = [\"兼\"]\n[values.cadres.appointed_on]\n\"2020-01-01\" = [\"元旦\"]\n[values.units.x]\n",
        );
        assert_eq!(problems.len(), 3, "{problems:?}");
        // In the default language, Chinese.
        assert!(problems[0].contains("对应了两个词"), "{problems:?}");
        assert!(problems[1].contains("只用于文字列"), "{problems:?}");
        assert!(problems[2].contains("无法识别"), "{problems:?}");
    }

    #[test]
    fn the_columns_file_wins() {
        let (rule, _) = read("[values.cadres.post]\n\"工会主席\" = [\"主席\"]\n");
        let (cols, _) = read("[values.cadres.\"职务\"]\n\"副主席\" = [\"主席\"]\n");
        let m = Spellings::merge(&rule, &cols);
        assert_eq!(m.values.len(), 1);
        assert_eq!(m.values[0].word, "副主席");
    }
}
