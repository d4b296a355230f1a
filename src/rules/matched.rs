//! A rule that matched nothing (SPEC §7, `rule_matched_nothing`): a rule that checked
//! nothing, or one of whose conditions with a text literal (an equality, a list taken
//! whole, `contains`) matches no row of the as-of view, is noticed under the rule — a
//! misspelt value (`post = "工会主席x"`) must never pass silently as "compliant".
//! Made where the rule is evaluated; the reports only show it.

use super::Rule;
use super::condition::{Clause, Conditions, Env, Literal, Row, Test, Via, holds};
use crate::i18n::Lang;
use crate::model::TableKind;
use crate::view::Context;

/// What was noticed about one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleNotice {
    /// The rule checked no subject at all.
    CheckedNothing,
    /// No row of the table, in the as-of view, passes one condition with text literals.
    NoRow {
        table: TableKind,
        /// The column as the file's header named it (a unit's column: the rule's words).
        column: String,
        /// The literals, as written.
        values: Vec<String>,
        /// `contains` rather than an equality or a list.
        contains: bool,
    },
}

impl RuleNotice {
    /// The kind JSON gives every notice under a rule.
    pub const KIND: &'static str = "rule_matched_nothing";

    /// The notice in words.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            RuleNotice::CheckedNothing => lang
                .pick(
                    "该规则没有检查任何对象：条件中的值可能写错了，或数据中没有它适用的对象",
                    "the rule checked nothing: a value in its conditions may be misspelt, or the data holds nothing it applies to",
                )
                .to_owned(),
            RuleNotice::NoRow {
                table,
                column,
                values,
                contains,
            } => {
                let quoted: Vec<String> = values
                    .iter()
                    .map(|v| format!("“{}”", crate::limits::cut(v)))
                    .collect();
                match lang {
                    Lang::Zh => format!(
                        "{}中没有{pre}{column}{sep}{}{}的行（截至检查日），条件中的值可能写错了：该条件不成立，规则可能什么也没查",
                        table.chinese(),
                        if *contains { "含有" } else { "为" },
                        quoted.join("或"),
                        // A Latin header (`category`) keeps a space before Chinese.
                        pre = if column.starts_with(|c: char| c.is_ascii_alphanumeric()) { " " } else { "" },
                        sep = if column.ends_with(|c: char| c.is_ascii_alphanumeric()) { " " } else { "" }
                    ),
                    Lang::En => format!(
                        "no row of {} has {column} {}{} (as of the check date): the value may be misspelt, so the rule may check nothing",
                        table.name(),
                        match (*contains, values.len()) {
                            (true, _) => "containing ",
                            (false, 1) => "= ",
                            (false, _) => "among ",
                        },
                        quoted.join(", ")
                    ),
                }
            }
        }
    }
}

/// The notices of a rule just evaluated in `cx`, which checked `checked` subjects.
/// Only conditions with a text literal are tested, each stopping at its first matching
/// row, so a rule whose values all occur costs a few rows each.
pub fn notices(rule: &Rule, cx: &Context<'_>, checked: u64) -> Vec<RuleNotice> {
    let mut out = Vec::new();
    let env = Env::new(cx, None, None);
    for conds in rule.kind.conditions() {
        literal_clauses(conds, cx, &env, &mut out);
    }
    if checked == 0 && out.is_empty() {
        out.push(RuleNotice::CheckedNothing);
    }
    out
}

/// Tests every clause with a text literal (inside `any` too) against the view's rows.
fn literal_clauses(conds: &Conditions, cx: &Context<'_>, env: &Env<'_>, out: &mut Vec<RuleNotice>) {
    for clause in &conds.clauses {
        for t in &clause.tests {
            match t {
                Test::Any(list) => {
                    for inner in list {
                        literal_clauses(inner, cx, env, out);
                    }
                }
                Test::OneOf(lits) if clause.column.via != Via::Any => {
                    let values: Vec<String> = lits
                        .iter()
                        .filter_map(|l| match l {
                            Literal::Text(s) => Some(s.clone()),
                            _ => None,
                        })
                        .collect();
                    if values.is_empty() || values.len() != lits.len() {
                        continue;
                    }
                    if !any_row(clause, t, cx, env) {
                        out.push(RuleNotice::NoRow {
                            table: clause.column.table,
                            column: shown(clause, cx),
                            values,
                            contains: false,
                        });
                    }
                }
                Test::Contains(texts)
                    if clause.column.via != Via::Any
                        && !texts.is_empty()
                        && !any_row(clause, t, cx, env) =>
                {
                    out.push(RuleNotice::NoRow {
                        table: clause.column.table,
                        column: shown(clause, cx),
                        values: texts.clone(),
                        contains: true,
                    });
                }
                _ => {}
            }
        }
    }
}

/// The clause's column as the file's header named it; a unit's or organizer's column
/// (no header of its own in the row's file) in the rule's words.
fn shown(clause: &Clause, cx: &Context<'_>) -> String {
    let name = &clause.column.name;
    match (clause.column.via, clause.column.table) {
        (Via::Row, TableKind::Cadres) => cx.data.cadres_table.shown_header(name).to_owned(),
        (Via::Row, TableKind::Classes) => cx.data.classes_table.shown_header(name).to_owned(),
        _ => super::condition::column_words(&clause.column, crate::i18n::message_lang()),
    }
}

/// Whether some row of the view passes the one test.
fn any_row(clause: &Clause, t: &Test, cx: &Context<'_>, env: &Env<'_>) -> bool {
    match clause.column.table {
        TableKind::Cadres => cx
            .cadres
            .iter()
            .any(|&i| holds(clause, t, Row::Cadre(cx.cadre(i)), env)),
        TableKind::Classes => cx
            .classes
            .iter()
            .any(|&k| holds(clause, t, Row::Class(&cx.data.classes[k as usize]), env)),
        TableKind::Units => {
            cx.data.units.as_ref().is_none_or(|u| {
                (0..u.rows.len() as u32).any(|i| holds(clause, t, Row::Unit(i), env))
            })
        }
        _ => true,
    }
}
