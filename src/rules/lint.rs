//! `peixun rules lint` (SPEC §7): rule-file mistakes that parse. Without data:
//! conditions that can never hold (`min` above `max`, `above` the highest level, a date
//! range outside the plan, an empty `any`) and rules without `quote`. With data (all
//! rows, no as-of date): text values no row has, with the closest values seen; rules
//! whose `who`, `class` or `groups` matches no row; columns a rule names that the data
//! lacks; optional columns a condition or measure uses that the file lacks.

use chrono::NaiveDate;
use serde::Serialize;

use super::RuleSet;
use super::condition::{
    ColName, Conditions, Env, Literal, Op, Operand, Row, Test, Via, describe_clause,
};
use crate::i18n::Lang;
use crate::load::headers::distance;
use crate::model::{ColumnRef, Dataset, TableKind, ValueType, trim};
use crate::notice::{Detail, NoticeKind};

/// The kinds of lint warning, as JSON names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A condition that can never hold.
    NeverHolds,
    /// A rule without `quote`.
    NoQuote,
    /// A text value no row of its column has.
    ValueNotSeen,
    /// A `who`, `class` or `groups` table that matches no row.
    MatchesNothing,
    /// A column a rule names that the data lacks (`check` stops on it).
    ColumnMissing,
    /// An optional column a condition or measure uses that the file lacks.
    ColumnAbsent,
    /// A rule that needs the units table, given none, without a fallback.
    NeedsUnits,
}

/// One warning.
#[derive(Clone, Debug, Serialize)]
pub struct Warning {
    pub rule: String,
    pub kind: WarningKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closest: Option<Vec<String>>,
}

impl Warning {
    fn new(rule: &str, kind: WarningKind, message: String) -> Warning {
        Warning {
            rule: rule.to_owned(),
            kind,
            message,
            column: None,
            value: None,
            closest: None,
        }
    }
}

/// What a rule file says that needs no data: conditions that can never hold, rules
/// without `quote`.
pub fn without_data(rules: &RuleSet, lang: Lang) -> Vec<Warning> {
    let mut out = Vec::new();
    for rule in &rules.rules {
        let id = &rule.meta.id;
        // Only classes within the plan (or a period of it) count for these kinds.
        let classes_in_plan = matches!(rule.meta.kind, "quota" | "coverage" | "forbid");
        let tables = rule
            .kind
            .conditions()
            .into_iter()
            .chain(rule.fallback.iter().flat_map(|f| f.conditions()));
        for conds in tables {
            never_holds(conds, rules, id, classes_in_plan, lang, &mut out);
        }
        if rule
            .meta
            .quote
            .as_deref()
            .is_none_or(|q| q.trim().is_empty())
        {
            out.push(Warning::new(
                id,
                WarningKind::NoQuote,
                match lang {
                    Lang::Zh => format!(
                        "规则 {id} 没有 quote（它所执行的规划原文）：审阅者无法对照原文核对"
                    ),
                    Lang::En => format!(
                        "rule {id} has no `quote` (the plan's sentence it enforces), so reviewers cannot check it against the plan"
                    ),
                },
            ));
        }
    }
    out
}

/// A bound given by `min`/`above` (lower) or `max`/`below` (upper), and whether strict.
fn bound(t: &Test) -> Option<(bool, bool, &Literal)> {
    match t {
        Test::Cmp(op, Operand::Lit(l)) => Some(match op {
            Op::Min => (true, false, l),
            Op::Above => (true, true, l),
            Op::Max => (false, false, l),
            Op::Below => (false, true, l),
        }),
        _ => None,
    }
}

fn order(a: &Literal, b: &Literal) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Literal::Num(x), Literal::Num(y)) => x.partial_cmp(y),
        (Literal::Date(x), Literal::Date(y)) => Some(x.cmp(y)),
        (Literal::Level(x), Literal::Level(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn never_holds(
    conds: &Conditions,
    rules: &RuleSet,
    id: &str,
    classes_in_plan: bool,
    lang: Lang,
    out: &mut Vec<Warning>,
) {
    let levels = &rules.plan.levels;
    let plan = (rules.plan.start, rules.plan.end);
    for clause in &conds.clauses {
        let mut why: Option<String> = None;
        let bounds: Vec<_> = clause.tests.iter().filter_map(bound).collect();
        for &(lower, strict, l) in &bounds {
            for &(lower2, strict2, u) in &bounds {
                if lower && !lower2 {
                    let empty = match order(l, u) {
                        Some(std::cmp::Ordering::Greater) => true,
                        Some(std::cmp::Ordering::Equal) => strict || strict2,
                        _ => false,
                    };
                    if empty && why.is_none() {
                        why = Some(
                            lang.pick("下限高于上限", "its lower bound is above its upper bound")
                                .to_owned(),
                        );
                    }
                }
            }
            match (lower, strict, l) {
                (true, true, Literal::Level(x)) if *x as usize + 1 >= levels.len() => {
                    let top = levels.last().map_or("", String::as_str);
                    why.get_or_insert_with(|| match lang {
                        Lang::Zh => format!("没有比“{top}”更高的层级"),
                        Lang::En => format!("no level is above “{top}”"),
                    });
                }
                (false, true, Literal::Level(0)) => {
                    let low = levels.first().map_or("", String::as_str);
                    why.get_or_insert_with(|| match lang {
                        Lang::Zh => format!("没有比“{low}”更低的层级"),
                        Lang::En => format!("no level is below “{low}”"),
                    });
                }
                _ => {}
            }
        }
        // A date range that misses the plan, where only dates within it can count.
        let within_plan = clause.tests.contains(&Test::DuringPlan)
            || (classes_in_plan
                && clause.column.table == TableKind::Classes
                && clause.column.value_type == ValueType::Date);
        if within_plan {
            let outside = bounds.iter().any(|&(lower, strict, l)| match l {
                Literal::Date(d) => outside_plan(lower, strict, *d, plan),
                _ => false,
            });
            if outside {
                why.get_or_insert_with(|| match lang {
                    Lang::Zh => format!(
                        "日期范围在规划期（{} 至 {}）之外",
                        crate::dates::fmt_date(plan.0),
                        crate::dates::fmt_date(plan.1)
                    ),
                    Lang::En => format!(
                        "the date range lies outside the plan ({} to {})",
                        crate::dates::fmt_date(plan.0),
                        crate::dates::fmt_date(plan.1)
                    ),
                });
            }
        }
        for t in &clause.tests {
            match t {
                Test::Any(list) if list.is_empty() => {
                    why.get_or_insert_with(|| {
                        lang.pick(
                            "`any` 是空列表，没有一项可以成立",
                            "an empty `any` holds for no row",
                        )
                        .to_owned()
                    });
                }
                Test::Any(list) => {
                    for inner in list {
                        never_holds(inner, rules, id, classes_in_plan, lang, out);
                    }
                }
                Test::OneOf(l) if l.is_empty() => {
                    why.get_or_insert_with(|| {
                        lang.pick("列表为空", "the list is empty").to_owned()
                    });
                }
                _ => {}
            }
        }
        if let Some(why) = why {
            let what = describe_clause(clause, lang, levels);
            let mut w = Warning::new(
                id,
                WarningKind::NeverHolds,
                match lang {
                    Lang::Zh => format!("规则 {id} 的条件“{what}”永远不成立：{why}"),
                    Lang::En => format!("rule {id}: the condition “{what}” can never hold: {why}"),
                },
            );
            if clause.column.via != Via::Any {
                w.column = Some(clause.column.name.clone());
            }
            out.push(w);
        }
    }
}

/// Whether a bound leaves no date of the plan.
fn outside_plan(
    lower: bool,
    strict: bool,
    d: NaiveDate,
    (start, end): (NaiveDate, NaiveDate),
) -> bool {
    match (lower, strict) {
        (true, false) => d > end,
        (true, true) => d >= end,
        (false, false) => d < start,
        (false, true) => d <= start,
    }
}

/// What the data says about the rules, which [`RuleSet::bind`] has bound to it: text
/// values no row has, conditions no row passes, columns the data lacks.
pub fn with_data(rules: &mut RuleSet, data: &Dataset, lang: Lang) -> Vec<Warning> {
    let mut out = Vec::new();
    for (rule, col) in &rules.missing {
        let table = table_words(col.table, col.via, lang);
        let name = if col.via == Via::Row {
            col.name.as_str()
        } else {
            col.unit_column()
        };
        let mut w = Warning::new(
            rule,
            WarningKind::ColumnMissing,
            match lang {
                Lang::Zh => format!(
                    "规则 {rule} 用到的列 `{name}` 在{table}中没有：check 会因此停止（退出码 2）"
                ),
                Lang::En => format!(
                    "rule {rule} names the column `{name}`, which {table} lacks: check stops on it (exit 2)"
                ),
            },
        );
        w.column = Some(name.to_owned());
        out.push(w);
    }
    for n in rules
        .notices
        .iter()
        .filter(|n| n.kind == NoticeKind::ColumnAbsent)
    {
        let Detail::Rules(ids) = &n.detail else {
            continue;
        };
        let column = n.column.clone().unwrap_or_default();
        let table = n.table.map_or("", |t| match lang {
            Lang::Zh => t.chinese(),
            Lang::En => t.name(),
        });
        for id in ids {
            let mut w = Warning::new(
                id,
                WarningKind::ColumnAbsent,
                match lang {
                    Lang::Zh => format!(
                        "规则 {id} 用到{table}的 `{column}` 列，但文件中没有这一列：该列按空值计，规则可能检查不到应查的内容"
                    ),
                    Lang::En => format!(
                        "rule {id} uses the {table} column `{column}`, which the file lacks: it reads as empty, so the rule may check nothing"
                    ),
                },
            );
            w.column = Some(column.clone());
            out.push(w);
        }
    }
    let env = Env {
        data,
        levels: &rules.plan.levels,
        plan: (rules.plan.start, rules.plan.end),
        // No as-of date: every row as read.
        as_of: NaiveDate::MAX,
        cadre: None,
        group: None,
    };
    let mut seen = Seen::default();
    for rule in &mut rules.rules {
        let id = rule.meta.id.clone();
        if !rule.approximate && !rule.exact_units && rule.kind.uses_units() {
            out.push(Warning::new(
                &id,
                WarningKind::NeedsUnits,
                match lang {
                    Lang::Zh => format!(
                        "规则 {id} 要用工会组织表（units），但没有读到，规则也没有 fallback：check 会因此停止（退出码 2）"
                    ),
                    Lang::En => format!(
                        "rule {id} needs the units table, which was not given, and has no `fallback`: check stops on it (exit 2)"
                    ),
                },
            ));
            continue;
        }
        for conds in rule.kind.conditions() {
            unseen_values(conds, &id, &env, &mut seen, lang, &mut out);
            matches_nothing(conds, &id, &env, lang, &mut out);
        }
    }
    out
}

fn table_words(table: TableKind, via: Via, lang: Lang) -> &'static str {
    let t = match via {
        Via::Unit | Via::Organizer => TableKind::Units,
        _ => table,
    };
    match lang {
        Lang::Zh => t.chinese(),
        Lang::En => t.name(),
    }
}

/// The distinct values of the columns asked about so far, read once each.
#[derive(Default)]
struct Seen {
    columns: Vec<((TableKind, Via, usize), Vec<String>)>,
}

impl Seen {
    /// The distinct non-empty values of a bound column over every row read.
    fn values(&mut self, c: &ColName, data: &Dataset) -> Option<&[String]> {
        let key = match (c.via, c.cref, c.ucol) {
            (Via::Row, Some(ColumnRef::Extra(i) | ColumnRef::Field(_, Some(i))), _) => {
                (c.table, Via::Row, i)
            }
            (Via::Unit | Via::Organizer, _, Some(i)) => (TableKind::Units, Via::Unit, i),
            _ => return None,
        };
        if let Some(at) = self.columns.iter().position(|(k, _)| *k == key) {
            return Some(&self.columns[at].1);
        }
        let mut values: Vec<String> = match key.0 {
            TableKind::Units => {
                let units = data.units.as_ref()?;
                let mut v: Vec<String> = (0..units.rows.len() as u32)
                    .map(|u| units.cell(u, key.2).trim().to_owned())
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            }
            TableKind::Cadres => data
                .cadres_table
                .tally(key.2, data.cadres.iter().map(|r| r.row))
                .into_iter()
                .map(|(v, _)| v.to_owned())
                .collect(),
            _ => data
                .classes_table
                .tally(key.2, data.classes.iter().map(|r| r.row))
                .into_iter()
                .map(|(v, _)| v.to_owned())
                .collect(),
        };
        values.retain(|v| !v.is_empty());
        values.sort_unstable();
        self.columns.push((key, values));
        self.columns.last().map(|(_, v)| v.as_slice())
    }
}

/// Every literal text value of an equality, list, `not` or `contains` that no row of
/// its column has, with the closest values seen.
fn unseen_values(
    conds: &Conditions,
    rule: &str,
    env: &Env<'_>,
    seen: &mut Seen,
    lang: Lang,
    out: &mut Vec<Warning>,
) {
    for clause in &conds.clauses {
        for t in &clause.tests {
            if let Test::Any(list) = t {
                for inner in list {
                    unseen_values(inner, rule, env, seen, lang, out);
                }
            }
        }
        if !matches!(clause.column.value_type, ValueType::Text | ValueType::Id) {
            continue;
        }
        let id = clause.column.value_type == ValueType::Id;
        let Some(values) = seen.values(&clause.column, env.data) else {
            continue;
        };
        let column = clause.column.name.as_str();
        // In the message, the column as the file's header named it (SPEC §8).
        let shown = match (clause.column.via, clause.column.table) {
            (Via::Row, TableKind::Cadres) => env.data.cadres_table.shown_header(column).to_owned(),
            (Via::Row, TableKind::Classes) => {
                env.data.classes_table.shown_header(column).to_owned()
            }
            _ => super::condition::column_words(&clause.column, lang),
        };
        for t in &clause.tests {
            let (lits, contains): (Vec<&str>, bool) = match t {
                Test::OneOf(ls) | Test::NoneOf(ls) => (
                    ls.iter()
                        .filter_map(|l| match l {
                            Literal::Text(s) => Some(trim(s)),
                            _ => None,
                        })
                        .collect(),
                    false,
                ),
                Test::Contains(xs) => (xs.iter().map(String::as_str).collect(), true),
                _ => continue,
            };
            for lit in lits {
                let found = values.iter().any(|v| match (contains, id) {
                    (true, _) => v.contains(lit),
                    (false, true) => v.eq_ignore_ascii_case(lit),
                    (false, false) => v == lit,
                });
                if found
                    || out.iter().any(|w| {
                        w.rule == rule
                            && w.kind == WarningKind::ValueNotSeen
                            && w.column.as_deref() == Some(column)
                            && w.value.as_deref() == Some(lit)
                    })
                {
                    continue;
                }
                let near = closest(lit, values);
                let n = values.len();
                let value = crate::limits::cut(lit);
                let mut message = match (lang, contains) {
                    (Lang::Zh, false) => {
                        format!("{shown}“{value}”不在数据中出现的 {n} 个值之中")
                    }
                    (Lang::Zh, true) => {
                        format!("{shown} 出现的 {n} 个值都不含“{value}”")
                    }
                    (Lang::En, false) => {
                        format!("{shown} “{value}” is not among the {n} values seen")
                    }
                    (Lang::En, true) => {
                        format!("none of the {n} values of {shown} seen contains “{value}”")
                    }
                };
                if !near.is_empty() {
                    message.push_str(lang.pick("；最接近：", "; closest: "));
                    message.push_str(&near.join(lang.pick("、", ", ")));
                }
                let mut w = Warning::new(
                    rule,
                    WarningKind::ValueNotSeen,
                    match lang {
                        Lang::Zh => format!("规则 {rule}：{message}"),
                        Lang::En => format!("rule {rule}: {message}"),
                    },
                );
                w.column = Some(column.to_owned());
                w.value = Some(lit.to_owned());
                w.closest = Some(near);
                out.push(w);
            }
        }
    }
}

/// The values seen closest to `lit`: by edit distance on characters (at most half its
/// length, at least 1), then by containment (one holds the other, of 2 characters or
/// more); at most 5.
pub fn closest(lit: &str, values: &[String]) -> Vec<String> {
    let n = lit.chars().count();
    let limit = (n / 2).max(1);
    let mut by_distance: Vec<(usize, &String)> = values
        .iter()
        .filter(|v| v.chars().count().abs_diff(n) <= limit)
        .map(|v| (distance(lit, v), v))
        .filter(|(d, _)| *d <= limit)
        .collect();
    by_distance.sort();
    let mut out: Vec<String> = by_distance
        .into_iter()
        .take(3)
        .map(|(_, v)| v.clone())
        .collect();
    let mut by_containment: Vec<&String> = values
        .iter()
        .filter(|v| {
            let vn = v.chars().count();
            (vn >= 2 && lit.contains(v.as_str())) || (n >= 2 && v.contains(lit))
        })
        .collect();
    by_containment.sort_by_key(|v| (v.chars().count().abs_diff(n), v.as_str()));
    for v in by_containment {
        if out.len() >= 5 {
            break;
        }
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// Whether a clause is decided by the row alone: not by the cadre a class is counted
/// for (`"$col"`, `"$superiors"`) nor by the quota subject (`"$group"`).
fn context_free(conds: &Conditions) -> Conditions {
    Conditions {
        clauses: conds
            .clauses
            .iter()
            .filter(|c| {
                c.tests.iter().all(|t| match t {
                    Test::EqCadre(_)
                    | Test::EqGroup
                    | Test::InSuperiors
                    | Test::Cmp(_, Operand::Cadre(_)) => false,
                    Test::Any(list) => list.iter().all(|l| context_free(l) == *l),
                    _ => true,
                })
            })
            .cloned()
            .collect(),
    }
}

/// A `who`, `class` or `groups` table that no row of its table passes (the conditions
/// that depend on a cadre or a subject left aside).
fn matches_nothing(
    conds: &Conditions,
    rule: &str,
    env: &Env<'_>,
    lang: Lang,
    out: &mut Vec<Warning>,
) {
    let free = context_free(conds);
    let Some(first) = free.clauses.first() else {
        return;
    };
    let data = env.data;
    let (key, any) = match first.column.table {
        TableKind::Cadres => (
            "who",
            data.cadres.iter().any(|c| free.matches(Row::Cadre(c), env)),
        ),
        TableKind::Classes => (
            "class",
            data.classes
                .iter()
                .any(|c| free.matches(Row::Class(c), env)),
        ),
        TableKind::Units => (
            "groups",
            data.units
                .as_ref()
                .is_none_or(|u| (0..u.rows.len() as u32).any(|i| free.matches(Row::Unit(i), env))),
        ),
        _ => return,
    };
    if any {
        return;
    }
    let what = free.describe(lang, env.levels);
    out.push(Warning::new(
        rule,
        WarningKind::MatchesNothing,
        match lang {
            Lang::Zh => format!("规则 {rule} 的 {key}（{what}）在数据中没有任何一行符合"),
            Lang::En => format!("rule {rule}: no row of the data matches its {key} ({what})"),
        },
    ));
}

#[cfg(test)]
mod tests {
    use super::closest;

    fn strings(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn closest_by_distance_and_by_containment() {
        let seen = strings(&["主席", "副主席", "工会主席", "委员"]);
        assert_eq!(closest("工会主席x", &seen), ["工会主席", "主席"]);
        let seen = strings(&["业务培训", "专题培训", "初任培训", "基层工会干部培训"]);
        assert_eq!(closest("业务培训x", &seen), ["业务培训"]);
        assert!(closest("网络", &strings(&["委员"])).is_empty());
    }
}
