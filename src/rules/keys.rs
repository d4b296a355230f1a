//! Reading a rule's keys (SPEC §5): condition tables (`who`, `class`) and cadre columns;
//! with the keys and typed values of `reading` and the amounts of `amounts`, which it
//! passes on. Each kind's parser and the rule-file parser read keys through these;
//! every problem is a diagnostic, in the run's language.

use std::ops::Range;

use toml::de::DeValue;

pub use super::amounts::{Alternatives, alternatives, amount, measure, rate};
use super::condition::{Clause, ColName, Conditions, Literal, Op, Operand, Test, Via};
pub use super::reading::{Keys, Val, date, number, string, type_error, type_name};
use crate::diag::{Diagnostic, say};
use crate::model::{TableKind, ValueType};
use crate::view::Plan;

/// Which `$` references a condition table may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refs {
    /// None (`who`, `forbid`'s `class`).
    None,
    /// `"$col"` of the cadre (`class` of `deadline`/`coverage`).
    Cadre,
    /// `"$group"` (`class` of `quota`).
    Group,
}

/// Parses a `who` or `class` table.
pub fn conditions(
    v: &Val<'_>,
    table: TableKind,
    refs: Refs,
    plan: &Plan,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Conditions {
    let DeValue::Table(t) = v.get_ref() else {
        diags.push(type_error(
            v.span(),
            what,
            &say(
                "条件表，如 { post = \"工会主席\" } 或 {}",
                "a table such as { post = \"工会主席\" } or {}",
            ),
            v.get_ref(),
        ));
        return Conditions::default();
    };
    let mut clauses = Vec::new();
    for (k, val) in t.iter() {
        let name: &str = k.get_ref().as_ref();
        // SPEC §6: `any` is reserved and names no column.
        if name == "any" {
            let list = any_tables(val, table, refs, plan, diags);
            clauses.push(Clause {
                column: ColName::any(k.span(), table),
                tests: vec![Test::Any(list)],
            });
            continue;
        }
        let col = ColName::in_condition(name, k.span(), table);
        match (col.via, table) {
            (Via::Unit, TableKind::Classes) => diags.push(Diagnostic::new(
                k.span(),
                say(
                    format!("`{name}`：培训班没有自己的所在工会；在 `class` 中经举办单位查工会组织表，写作 `\"organizer.{}\"`", col.unit_column()),
                    format!("`{name}`: a class has no unit of its own; in `class` the units table is reached through the organizer, as `\"organizer.{}\"`", col.unit_column()),
                ),
            )),
            (Via::Organizer, TableKind::Cadres) => diags.push(Diagnostic::new(
                k.span(),
                say(
                    format!("`{name}`：干部没有举办单位；在 `who` 中经干部所在工会查工会组织表，写作 `\"unit.{}\"`", col.unit_column()),
                    format!("`{name}`: a cadre has no organizer; in `who` the units table is reached through the cadre's unit, as `\"unit.{}\"`", col.unit_column()),
                ),
            )),
            _ => {}
        }
        let tests = column_tests(&col, val, refs, plan, diags);
        clauses.push(Clause { column: col, tests });
    }
    Conditions { clauses }
}

/// `any = [ {…}, {…} ]`: a list of condition tables, each parsed like the one holding it.
fn any_tables(
    v: &Val<'_>,
    table: TableKind,
    refs: Refs,
    plan: &Plan,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Conditions> {
    let expected = say(
        "条件表的列表，如 [ { category = \"业务培训\" }, { days = { min = 2 } } ]",
        "a list of condition tables, such as [ { category = \"业务培训\" }, { days = { min = 2 } } ]",
    );
    let DeValue::Array(items) = v.get_ref() else {
        diags.push(type_error(v.span(), "`any`", &expected, v.get_ref()));
        return Vec::new();
    };
    if items.is_empty() {
        diags.push(Diagnostic::new(
            v.span(),
            say(
                format!("`any` 至少要列出一个条件表：{expected}"),
                format!("`any` must list at least one condition table: {expected}"),
            ),
        ));
    }
    items
        .iter()
        .filter_map(|it| match it.get_ref() {
            DeValue::Table(_) => Some(conditions(
                it,
                table,
                refs,
                plan,
                &say("`any` 的每一项", "each of `any`"),
                diags,
            )),
            other => {
                diags.push(type_error(
                    it.span(),
                    &say("`any` 的每一项", "each of `any`"),
                    &say(
                        "条件表，如 { category = \"业务培训\" }",
                        "a condition table such as { category = \"业务培训\" }",
                    ),
                    other,
                ));
                None
            }
        })
        .collect()
}

/// `contains`/`not_contains`: a string or a list of strings, none empty.
fn texts(
    v: &Val<'_>,
    key: &str,
    col: &ColName,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<String>> {
    if !matches!(
        col.value_type,
        ValueType::Text | ValueType::Id | ValueType::Level
    ) {
        diags.push(Diagnostic::new(
            v.span(),
            say(
                format!("`{key}` 只用于文字列；`{}` 不是文字列", col.name),
                format!("`{key}` applies to text columns; `{}` is not one", col.name),
            ),
        ));
        return None;
    }
    let expected = say(
        "字符串或字符串列表，如 \"总工会\" 或 [\"总工会\", \"市总\"]",
        "a string or a list of strings, such as \"总工会\" or [\"总工会\", \"市总\"]",
    );
    let items: Vec<&Val<'_>> = match v.get_ref() {
        DeValue::String(_) => vec![v],
        DeValue::Array(items) if !items.is_empty() => items.iter().collect(),
        other => {
            diags.push(type_error(v.span(), &format!("`{key}`"), &expected, other));
            return None;
        }
    };
    let mut out = Vec::new();
    for it in items {
        match it.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
            DeValue::String(_) => {
                diags.push(Diagnostic::new(
                    it.span(),
                    say(
                        format!("`{key}` 的文字不能为空"),
                        format!("`{key}` needs a text that is not empty"),
                    ),
                ));
                return None;
            }
            other => {
                diags.push(type_error(it.span(), &format!("`{key}`"), &expected, other));
                return None;
            }
        }
    }
    Some(out)
}

fn column_tests(
    col: &ColName,
    v: &Val<'_>,
    refs: Refs,
    plan: &Plan,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Test> {
    let mut tests = Vec::new();
    match v.get_ref() {
        DeValue::String(s) if s.starts_with('$') => {
            if let Some(t) = reference(col, s, v.span(), refs, diags) {
                tests.push(t);
            }
        }
        DeValue::Array(items) => {
            let lits: Vec<Literal> = items
                .iter()
                .filter_map(|it| literal(col, it, plan, diags))
                .collect();
            tests.push(Test::OneOf(lits));
        }
        DeValue::Table(t) => {
            let ops = [
                "not",
                "min",
                "max",
                "above",
                "below",
                "during",
                "missing",
                "in",
                "contains",
                "not_contains",
            ];
            // SPEC §6: unquoted, `unit.type = …` is `unit = { type = … }`. A dotted key's
            // table spans only `unit`, its inner key lies after it; a written table
            // `unit = { tpye = … }` holds its keys, and a typo there is an unknown key.
            if matches!(col.name.as_str(), "unit" | "organizer")
                && col.via == Via::Row
                && let Some((bad, _)) = t.iter().find(|(key, _)| {
                    !ops.contains(&key.get_ref().as_ref()) && key.span().start >= v.span().end
                })
            {
                let inner: &str = bad.get_ref().as_ref();
                diags.push(Diagnostic::new(
                    bad.span(),
                    say(
                        format!(
                            "不加引号的 `{0}.{inner} = …` 意为 `{0} = {{ {inner} = … }}`；要指工会组织表的列，请给键加引号：`\"{0}.{inner}\" = …`",
                            col.name
                        ),
                        format!(
                            "`{0}.{inner} = …` without quotes means `{0} = {{ {inner} = … }}`; to name a column of the units table write the key in quotes: `\"{0}.{inner}\" = …`",
                            col.name
                        ),
                    ),
                ));
                return tests;
            }
            let mut k = Keys::new(
                t,
                v.span(),
                say(
                    format!("`{}` 的条件", col.name),
                    format!("the condition on `{}`", col.name),
                ),
            );
            if let Some(iv) = k.take("in") {
                match iv.get_ref() {
                    DeValue::String(s) if s.as_ref() == "$superiors" => {
                        if refs == Refs::Cadre {
                            tests.push(Test::InSuperiors);
                        } else {
                            diags.push(Diagnostic::new(
                                iv.span(),
                                say(
                                    "此处的 `\"$superiors\"` 无所指：它只能用在 deadline 或 coverage 规则的 `class` 中，那里有干部，其所在工会有上级工会",
                                    "`\"$superiors\"` refers to nothing here: it works only in the `class` of a deadline or coverage rule, where there is a cadre whose unit has superiors",
                                ),
                            ));
                        }
                    }
                    DeValue::Array(items) => {
                        let lits: Vec<Literal> = items
                            .iter()
                            .filter_map(|it| literal(col, it, plan, diags))
                            .collect();
                        tests.push(Test::OneOf(lits));
                    }
                    other => diags.push(type_error(
                        iv.span(),
                        "`in`",
                        &say(
                            "列表（如 [\"a\", \"b\"]）或 \"$superiors\"",
                            "a list such as [\"a\", \"b\"], or \"$superiors\"",
                        ),
                        other,
                    )),
                }
            }
            if let Some(cv) = k.take("contains")
                && let Some(xs) = texts(cv, "contains", col, diags)
            {
                tests.push(Test::Contains(xs));
            }
            if let Some(cv) = k.take("not_contains")
                && let Some(xs) = texts(cv, "not_contains", col, diags)
            {
                tests.push(Test::NotContains(xs));
            }
            if let Some(nv) = k.take("not") {
                let lits = match nv.get_ref() {
                    DeValue::Array(items) => items
                        .iter()
                        .filter_map(|it| literal(col, it, plan, diags))
                        .collect(),
                    _ => literal(col, nv, plan, diags).into_iter().collect(),
                };
                tests.push(Test::NoneOf(lits));
            }
            for op in [Op::Min, Op::Max, Op::Above, Op::Below] {
                if let Some(ov) = k.take(op.key())
                    && let Some(t) = comparison(col, op, ov, refs, plan, diags)
                {
                    tests.push(t);
                }
            }
            if let Some(dv) = k.take("during") {
                if col.value_type != ValueType::Date {
                    diags.push(Diagnostic::new(
                        dv.span(),
                        say(
                            format!(
                                "`during` 只用于日期列；`{}` 不是日期列{}",
                                col.name,
                                declare_hint(col, "date")
                            ),
                            format!(
                                "`during` applies to date columns; `{}` is not one{}",
                                col.name,
                                declare_hint(col, "date")
                            ),
                        ),
                    ));
                } else if let Some(s) = string(dv, "`during`", diags) {
                    if s == "plan" {
                        tests.push(Test::DuringPlan);
                    } else {
                        diags.push(Diagnostic::new(
                            dv.span(),
                            say(
                                format!("`during` 的期间 `{s}` 无法识别（可用：plan）"),
                                format!("unknown period `{s}` for `during` (accepted: plan)"),
                            ),
                        ));
                    }
                }
            }
            if let Some(mv) = k.take("missing") {
                match mv.get_ref() {
                    DeValue::Boolean(b) => tests.push(Test::Missing(*b)),
                    other => diags.push(type_error(
                        mv.span(),
                        "`missing`",
                        &say("true 或 false", "true or false"),
                        other,
                    )),
                }
            }
            k.finish(&ops, diags);
        }
        _ => {
            if let Some(l) = literal(col, v, plan, diags) {
                tests.push(Test::OneOf(vec![l]));
            }
        }
    }
    tests
}

fn reference(
    col: &ColName,
    s: &str,
    span: Range<usize>,
    refs: Refs,
    diags: &mut Vec<Diagnostic>,
) -> Option<Test> {
    let name = &s[1..];
    match (refs, name) {
        (Refs::Group, "group") => Some(Test::EqGroup),
        (Refs::Cadre, n) if !n.is_empty() && n != "group" => {
            Some(Test::EqCadre(ColName::new(n, span, TableKind::Cadres)))
        }
        (Refs::Group, _) => {
            diags.push(Diagnostic::new(
                span,
                say(
                    format!("此处的 `{s}` 无所指：quota 规则的 `class` 只能用 `$group`"),
                    format!(
                        "`{s}` refers to nothing here: a quota's `class` may use only `$group`"
                    ),
                ),
            ));
            None
        }
        (Refs::Cadre, _) => {
            diags.push(Diagnostic::new(
                span,
                say(
                    format!("此处的 `{s}` 无所指：deadline 或 coverage 规则的 `class` 可用 `$列`，即干部名册的列"),
                    format!("`{s}` refers to nothing here: a deadline or coverage `class` may use `$col`, a cadre column"),
                ),
            ));
            None
        }
        (Refs::None, _) => {
            let _ = col;
            diags.push(Diagnostic::new(
                span,
                say(
                    format!("此处的 `{s}` 无所指：`$列` 只能用在 deadline 或 coverage 规则的 `class` 中，`$group` 只能用在 quota 规则的 `class` 中"),
                    format!("`{s}` refers to nothing here: `$col` works only in the `class` of a deadline or coverage rule, `$group` only in a quota's"),
                ),
            ));
            None
        }
    }
}

/// A literal for equality, typed by the column.
fn literal(
    col: &ColName,
    v: &Val<'_>,
    plan: &Plan,
    diags: &mut Vec<Diagnostic>,
) -> Option<Literal> {
    let what = say(
        format!("`{}` 的值", col.name),
        format!("a value for `{}`", col.name),
    );
    match (col.value_type, v.get_ref()) {
        (_, DeValue::String(s)) if s.starts_with('$') => {
            diags.push(Diagnostic::new(
                v.span(),
                say(
                    format!("`{s}`：引用不能写在列表中或 `not` 之后"),
                    format!("`{s}`: a reference cannot stand in a list or after `not`"),
                ),
            ));
            None
        }
        (ValueType::Level, DeValue::String(s)) => {
            match plan.levels.iter().position(|l| l == s.as_ref()) {
                Some(i) => Some(Literal::Level(i as u8)),
                None => {
                    diags.push(Diagnostic::new(
                        v.span(),
                        say(
                            format!(
                                "层级 `{s}` 不在规划的层级中（层级：{}）",
                                plan.levels.join("、")
                            ),
                            format!("unknown level `{s}` (levels: {})", plan.levels.join(", ")),
                        ),
                    ));
                    None
                }
            }
        }
        (ValueType::Number, DeValue::String(s)) => match crate::load::values::parse_number(s) {
            Ok(n) => Some(Literal::Num(n)),
            Err(_) => {
                diags.push(Diagnostic::new(
                    v.span(),
                    say(
                        format!("`{}` 是数字列；`{s}` 不是数字", col.name),
                        format!("`{}` is a number column; `{s}` is not a number", col.name),
                    ),
                ));
                None
            }
        },
        (ValueType::Number, DeValue::Integer(_) | DeValue::Float(_)) => {
            number(v, &what, diags).map(Literal::Num)
        }
        (ValueType::Date, DeValue::Datetime(_)) => date(v, &what, diags).map(Literal::Date),
        (ValueType::Date, DeValue::String(s)) => match crate::load::values::parse_date(s) {
            Ok(d) => Some(Literal::Date(d)),
            Err(_) => {
                diags.push(Diagnostic::new(
                    v.span(),
                    say(
                        format!("`{s}` 不是日期；请写 TOML 日期，如 2018-01-01"),
                        format!("`{s}` is not a date; write a TOML date such as 2018-01-01"),
                    ),
                ));
                None
            }
        },
        (ValueType::Text | ValueType::Id, DeValue::String(s)) => {
            Some(Literal::Text(s.trim().to_owned()))
        }
        (ValueType::Text | ValueType::Id, DeValue::Integer(i)) => {
            Some(Literal::Text(i.as_str().to_owned()))
        }
        (vt, other) => {
            let expected = match vt {
                ValueType::Level => say("层级名称", "a level name"),
                ValueType::Number => say("数字", "a number"),
                ValueType::Date => say("TOML 日期", "a TOML date"),
                _ => say("字符串", "a string"),
            };
            diags.push(type_error(v.span(), &what, &expected, other));
            None
        }
    }
}

fn comparison(
    col: &ColName,
    op: Op,
    v: &Val<'_>,
    refs: Refs,
    plan: &Plan,
    diags: &mut Vec<Diagnostic>,
) -> Option<Test> {
    let what = say(
        format!("`{}` 的 `{}`", col.name, op.key()),
        format!("`{}` of `{}`", op.key(), col.name),
    );
    match (col.value_type, v.get_ref()) {
        (ValueType::Level, DeValue::String(s)) if s.starts_with('$') => {
            let name = &s[1..];
            if refs != Refs::Cadre {
                diags.push(Diagnostic::new(
                    v.span(),
                    say(
                        format!("此处的 `{s}` 无所指：`$列` 只能用在 deadline 或 coverage 规则的 `class` 中"),
                        format!("`{s}` refers to nothing here: `$col` works only in the `class` of a deadline or coverage rule"),
                    ),
                ));
                return None;
            }
            let target = ColName::new(name, v.span(), TableKind::Cadres);
            if target.value_type != ValueType::Level {
                diags.push(Diagnostic::new(
                    v.span(),
                    say(
                        format!("`{s}` 不是干部名册的层级列（请用 `$unit_level`）"),
                        format!("`{s}` is not a level column of cadres (use `$unit_level`)"),
                    ),
                ));
                return None;
            }
            Some(Test::Cmp(op, Operand::Cadre(target)))
        }
        (ValueType::Level, _) | (ValueType::Number, _) | (ValueType::Date, _) => {
            literal(col, v, plan, diags).map(|l| Test::Cmp(op, Operand::Lit(l)))
        }
        _ => {
            diags.push(Diagnostic::new(
                v.span(),
                say(
                    format!(
                        "{what}：`{}` 是文字列；min/max/above/below 只比较数字（days、fee）、层级（unit_level、organizer_level）和日期{}",
                        col.name,
                        declare_hint(col, "number")
                    ),
                    format!(
                        "{what}: `{}` is a text column; min/max/above/below compare numbers (days, fee), levels (unit_level, organizer_level) and dates{}",
                        col.name,
                        declare_hint(col, "number")
                    ),
                ),
            ));
            None
        }
    }
}

/// For an extra column of cadres or classes, how to give it a type (SPEC §6).
fn declare_hint(col: &ColName, ty: &str) -> String {
    let canonical = crate::model::fields_of(col.table).iter().any(|f| {
        let key = crate::model::normalize(&col.name);
        crate::model::normalize(f.name) == key
            || f.aliases.iter().any(|a| crate::model::normalize(a) == key)
    });
    if canonical
        || col.via != Via::Row
        || !matches!(col.table, TableKind::Cadres | TableKind::Classes)
    {
        return String::new();
    }
    say(
        format!(
            "（可在 [columns] 中声明其类型：{} = {{ \"{}\" = \"{ty}\" }}）",
            col.table.name(),
            col.name
        ),
        format!(
            " (declare its type in [columns]: {} = {{ \"{}\" = \"{ty}\" }})",
            col.table.name(),
            col.name
        ),
    )
}

/// A condition table under `key`, `{}` when absent.
pub fn conditions_key(
    k: &mut Keys<'_, '_>,
    key: &str,
    table: TableKind,
    refs: Refs,
    plan: &Plan,
    diags: &mut Vec<Diagnostic>,
) -> Conditions {
    match k.take(key) {
        Some(v) => conditions(v, table, refs, plan, &format!("`{key}`"), diags),
        None => Conditions::default(),
    }
}

/// A cadre column named by a key (`from`, `group_by`).
pub fn cadre_column(
    k: &mut Keys<'_, '_>,
    key: &str,
    want: Option<ValueType>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ColName> {
    let v = k.take(key)?;
    let name = string(v, &format!("`{key}`"), diags)?;
    let col = ColName::new(&name, v.span(), TableKind::Cadres);
    if let Some(want) = want
        && col.value_type != want
    {
        diags.push(Diagnostic::new(
            v.span(),
            say(
                format!(
                    "`{key}` 应为干部名册的日期列（appointed_on、left_on，或在 [columns] 中声明为 \"date\" 的列），不能是 `{name}`"
                ),
                format!(
                    "`{key}` must name a date column of cadres (appointed_on, left_on, or one declared \"date\" in [columns]), not `{name}`"
                ),
            ),
        ));
        return None;
    }
    Some(col)
}
