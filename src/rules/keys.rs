//! Reading a rule's keys (SPEC §5): the table of keys a kind takes one by one (the rest
//! reported as unknown), typed values with their spans, condition tables (`who`,
//! `class`), `measure`, `min`/`max` amounts and cadre columns. Each kind's parser and
//! the rule-file parser read keys through these; every problem is a diagnostic.

use std::ops::Range;

use chrono::NaiveDate;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::condition::{Clause, ColName, Conditions, Literal, Op, Operand, Test, Via};
use crate::diag::Diagnostic;
use crate::model::{TableKind, ValueType};
use crate::view::{Measure, Plan};

/// A TOML value with its span.
pub type Val<'i> = Spanned<DeValue<'i>>;

/// The keys of one table, each taken at most once; the rest are unknown.
pub struct Keys<'t, 'i> {
    table: &'t DeTable<'i>,
    pub span: Range<usize>,
    pub what: String,
    used: Vec<String>,
}

impl<'t, 'i> Keys<'t, 'i> {
    pub fn new(table: &'t DeTable<'i>, span: Range<usize>, what: String) -> Self {
        Keys {
            table,
            span,
            what,
            used: Vec::new(),
        }
    }

    /// Takes a key's value.
    pub fn take(&mut self, key: &str) -> Option<&'t Val<'i>> {
        self.used.push(key.to_owned());
        self.table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }

    /// Reports every key not taken, with the accepted ones.
    pub fn finish(self, accepted: &[&str], diags: &mut Vec<Diagnostic>) {
        for (k, _) in self.table.iter() {
            let name: &str = k.get_ref().as_ref();
            if !self.used.iter().any(|u| u == name) {
                // A typo (`withn`) gets the key it most likely meant.
                let hint = accepted
                    .iter()
                    .map(|a| (crate::load::headers::distance(a, name), a))
                    .filter(|(d, a)| *d <= 2 && *d * 3 <= a.len())
                    .min()
                    .map(|(_, a)| format!("; did you mean `{a}`?"))
                    .or_else(|| elsewhere(name).map(|w| format!("; {w}")))
                    .unwrap_or_default();
                diags.push(Diagnostic::new(
                    k.span(),
                    format!(
                        "unknown key `{name}` in {} (accepted: {}){hint}",
                        self.what,
                        accepted.join(", ")
                    ),
                ));
            }
        }
    }
}

/// Where a key of another kind belongs (SPEC §6), for an unknown key's message.
fn elsewhere(key: &str) -> Option<&'static str> {
    Some(match key {
        "rate" => "`rate` is taken only by coverage rules",
        "or" => "`or` is taken only by deadline, coverage and quota rules",
        "every" => "`every` is taken only by quota and coverage rules",
        "group_by" => "`group_by` is taken only by quota and coverage rules",
        "who" => "`who` is not taken here (a quota takes it only with measure = \"attendees\")",
        _ => return None,
    })
}

/// A TOML value's type in words.
pub fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

pub fn type_error(span: Range<usize>, what: &str, expected: &str, got: &DeValue<'_>) -> Diagnostic {
    Diagnostic::new(
        span,
        format!("{what} must be {expected}, not {}", type_name(got)),
    )
}

/// A string value.
pub fn string(v: &Val<'_>, what: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match v.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        other => {
            diags.push(type_error(v.span(), what, "a string", other));
            None
        }
    }
}

/// A TOML date (no time, no offset).
pub fn date(v: &Val<'_>, what: &str, diags: &mut Vec<Diagnostic>) -> Option<NaiveDate> {
    match v.get_ref() {
        DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
            let d = dt.date?;
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        }
        other => {
            diags.push(type_error(
                v.span(),
                what,
                "a TOML date such as 2018-01-01 (no quotes)",
                other,
            ));
            None
        }
    }
}

/// A number (integer or float).
pub fn number(v: &Val<'_>, what: &str, diags: &mut Vec<Diagnostic>) -> Option<f64> {
    let n = match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
        other => {
            diags.push(type_error(v.span(), what, "a number", other));
            return None;
        }
    };
    match n {
        Some(n) if n.is_finite() => Some(n),
        _ => {
            diags.push(Diagnostic::new(
                v.span(),
                format!("{what} must be a finite number"),
            ));
            None
        }
    }
}

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
            "a table such as { post = \"工会主席\" } or {}",
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
                format!("`{name}`: a class has no unit of its own; in `class` the units table is reached through the organizer, as `\"organizer.{}\"`", col.unit_column()),
            )),
            (Via::Organizer, TableKind::Cadres) => diags.push(Diagnostic::new(
                k.span(),
                format!("`{name}`: a cadre has no organizer; in `who` the units table is reached through the cadre's unit, as `\"unit.{}\"`", col.unit_column()),
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
    let expected = "a list of condition tables, such as [ { category = \"业务培训\" }, { days = { min = 2 } } ]";
    let DeValue::Array(items) = v.get_ref() else {
        diags.push(type_error(v.span(), "`any`", expected, v.get_ref()));
        return Vec::new();
    };
    if items.is_empty() {
        diags.push(Diagnostic::new(
            v.span(),
            format!("`any` must list at least one condition table: {expected}"),
        ));
    }
    items
        .iter()
        .filter_map(|it| match it.get_ref() {
            DeValue::Table(_) => Some(conditions(it, table, refs, plan, "each of `any`", diags)),
            other => {
                diags.push(type_error(
                    it.span(),
                    "each of `any`",
                    "a condition table such as { category = \"业务培训\" }",
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
            format!("`{key}` applies to text columns; `{}` is not one", col.name),
        ));
        return None;
    }
    let expected = "a string or a list of strings, such as \"总工会\" or [\"总工会\", \"市总\"]";
    let items: Vec<&Val<'_>> = match v.get_ref() {
        DeValue::String(_) => vec![v],
        DeValue::Array(items) if !items.is_empty() => items.iter().collect(),
        other => {
            diags.push(type_error(v.span(), &format!("`{key}`"), expected, other));
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
                    format!("`{key}` needs a text that is not empty"),
                ));
                return None;
            }
            other => {
                diags.push(type_error(it.span(), &format!("`{key}`"), expected, other));
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
                    format!(
                        "`{0}.{inner} = …` without quotes means `{0} = {{ {inner} = … }}`; to name a column of the units table write the key in quotes: `\"{0}.{inner}\" = …`",
                        col.name
                    ),
                ));
                return tests;
            }
            let mut k = Keys::new(t, v.span(), format!("the condition on `{}`", col.name));
            if let Some(iv) = k.take("in") {
                match iv.get_ref() {
                    DeValue::String(s) if s.as_ref() == "$superiors" => {
                        if refs == Refs::Cadre {
                            tests.push(Test::InSuperiors);
                        } else {
                            diags.push(Diagnostic::new(
                                iv.span(),
                                "`\"$superiors\"` refers to nothing here: it works only in the `class` of a deadline or coverage rule, where there is a cadre whose unit has superiors",
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
                        "a list such as [\"a\", \"b\"], or \"$superiors\"",
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
                        format!(
                            "`during` applies to date columns; `{}` is not one{}",
                            col.name,
                            declare_hint(col, "date")
                        ),
                    ));
                } else if let Some(s) = string(dv, "`during`", diags) {
                    if s == "plan" {
                        tests.push(Test::DuringPlan);
                    } else {
                        diags.push(Diagnostic::new(
                            dv.span(),
                            format!("unknown period `{s}` for `during` (accepted: plan)"),
                        ));
                    }
                }
            }
            if let Some(mv) = k.take("missing") {
                match mv.get_ref() {
                    DeValue::Boolean(b) => tests.push(Test::Missing(*b)),
                    other => diags.push(type_error(mv.span(), "`missing`", "true or false", other)),
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
                format!("`{s}` refers to nothing here: a quota's `class` may use only `$group`"),
            ));
            None
        }
        (Refs::Cadre, _) => {
            diags.push(Diagnostic::new(
                span,
                format!("`{s}` refers to nothing here: a deadline or coverage `class` may use `$col`, a cadre column"),
            ));
            None
        }
        (Refs::None, _) => {
            let _ = col;
            diags.push(Diagnostic::new(
                span,
                format!("`{s}` refers to nothing here: `$col` works only in the `class` of a deadline or coverage rule, `$group` only in a quota's"),
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
    let what = format!("a value for `{}`", col.name);
    match (col.value_type, v.get_ref()) {
        (_, DeValue::String(s)) if s.starts_with('$') => {
            diags.push(Diagnostic::new(
                v.span(),
                format!("`{s}`: a reference cannot stand in a list or after `not`"),
            ));
            None
        }
        (ValueType::Level, DeValue::String(s)) => {
            match plan.levels.iter().position(|l| l == s.as_ref()) {
                Some(i) => Some(Literal::Level(i as u8)),
                None => {
                    diags.push(Diagnostic::new(
                        v.span(),
                        format!("unknown level `{s}` (levels: {})", plan.levels.join(", ")),
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
                    format!("`{}` is a number column; `{s}` is not a number", col.name),
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
                    format!("`{s}` is not a date; write a TOML date such as 2018-01-01"),
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
                ValueType::Level => "a level name",
                ValueType::Number => "a number",
                ValueType::Date => "a TOML date",
                _ => "a string",
            };
            diags.push(type_error(v.span(), &what, expected, other));
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
    let what = format!("`{}` of `{}`", op.key(), col.name);
    match (col.value_type, v.get_ref()) {
        (ValueType::Level, DeValue::String(s)) if s.starts_with('$') => {
            let name = &s[1..];
            if refs != Refs::Cadre {
                diags.push(Diagnostic::new(
                    v.span(),
                    format!("`{s}` refers to nothing here: `$col` works only in the `class` of a deadline or coverage rule"),
                ));
                return None;
            }
            let target = ColName::new(name, v.span(), TableKind::Cadres);
            if target.value_type != ValueType::Level {
                diags.push(Diagnostic::new(
                    v.span(),
                    format!("`{s}` is not a level column of cadres (use `$unit_level`)"),
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
                format!(
                    "{what}: `{}` is a text column; min/max/above/below compare numbers (days, fee), levels (unit_level, organizer_level) and dates{}",
                    col.name,
                    declare_hint(col, "number")
                ),
            ));
            None
        }
    }
}

/// `measure = "classes" | "days" | "hours"`, and `"attendees"` where `attendees` allows it
/// (quota only, SPEC §6).
pub fn measure(k: &mut Keys<'_, '_>, attendees: bool, diags: &mut Vec<Diagnostic>) -> Measure {
    match k.take("measure") {
        Some(v) => measure_value(v, attendees, diags).unwrap_or(Measure::Classes),
        None => Measure::Classes,
    }
}

fn measure_value(v: &Val<'_>, attendees: bool, diags: &mut Vec<Diagnostic>) -> Option<Measure> {
    match string(v, "`measure`", diags).as_deref() {
        Some("days") => Some(Measure::Days),
        Some("hours") => Some(Measure::Hours),
        Some("classes") => Some(Measure::Classes),
        Some("attendees") if attendees => Some(Measure::Attendees),
        Some("attendees") => {
            diags.push(Diagnostic::new(
                v.span(),
                "`measure = \"attendees\"` is taken only by a quota rule, and not inside `or` (accepted here: classes, days, hours)",
            ));
            None
        }
        Some(other) => {
            diags.push(Diagnostic::new(
                v.span(),
                format!(
                    "unknown measure `{other}` (accepted: classes, days, hours{})",
                    if attendees { ", attendees" } else { "" }
                ),
            ));
            None
        }
        None => None,
    }
}

/// The `or` alternatives read, and where `or` is written.
pub type Alternatives = (Vec<(Measure, f64)>, Range<usize>);

/// `or = [ { measure = "hours", min = 90 } ]` (SPEC §6): alternative amounts, each with
/// `measure` (classes, days or hours) and `min`.
pub fn alternatives(k: &mut Keys<'_, '_>, diags: &mut Vec<Diagnostic>) -> Option<Alternatives> {
    let v = k.take("or")?;
    let DeValue::Array(items) = v.get_ref() else {
        diags.push(type_error(
            v.span(),
            "`or`",
            "an array of tables such as [ { measure = \"hours\", min = 90 } ]",
            v.get_ref(),
        ));
        return None;
    };
    if items.is_empty() {
        diags.push(Diagnostic::new(
            v.span(),
            "`or` lists no alternative: write [ { measure = \"hours\", min = 90 } ] or leave it out",
        ));
    }
    let mut out = Vec::new();
    for it in items.iter() {
        let DeValue::Table(t) = it.get_ref() else {
            diags.push(type_error(
                it.span(),
                "each of `or`",
                "a table such as { measure = \"hours\", min = 90 }",
                it.get_ref(),
            ));
            continue;
        };
        let mut ik = Keys::new(t, it.span(), "an `or` alternative".into());
        let m = match ik.take("measure") {
            Some(mv) => measure_value(mv, false, diags),
            None => {
                diags.push(Diagnostic::new(
                    it.span(),
                    "an `or` alternative needs `measure` (classes, days or hours)",
                ));
                None
            }
        };
        let min = amount(&mut ik, "min", m.unwrap_or(Measure::Days), false, diags);
        if min.is_none() && ik.take("min").is_none() {
            diags.push(Diagnostic::new(
                it.span(),
                "an `or` alternative needs `min`",
            ));
        }
        ik.finish(&["measure", "min"], diags);
        if let (Some(m), Some((n, _))) = (m, min) {
            out.push((m, n));
        }
    }
    Some((out, v.span()))
}

/// `rate = 0.9` (SPEC §6): in (0, 1], at most 4 decimal places, kept exactly as written
/// in ten-thousandths.
pub fn rate(v: &Val<'_>, diags: &mut Vec<Diagnostic>) -> Option<u32> {
    let text = match v.get_ref() {
        DeValue::Integer(i) => i.as_str().replace('_', ""),
        DeValue::Float(f) => f.as_str().replace('_', ""),
        other => {
            diags.push(type_error(
                v.span(),
                "`rate`",
                "a number such as 0.9",
                other,
            ));
            return None;
        }
    };
    let bad = |diags: &mut Vec<Diagnostic>, why: &str| {
        diags.push(Diagnostic::new(
            v.span(),
            format!("`rate = {text}`: {why}; write a decimal above 0 and at most 1, with at most 4 decimal places (e.g. 0.9, 0.955)"),
        ));
        None
    };
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let whole = whole.strip_prefix('+').unwrap_or(whole);
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return bad(diags, "not a plain decimal");
    }
    if frac.len() > 4 {
        return bad(diags, "more than 4 decimal places");
    }
    let w: u64 = match whole.parse() {
        Ok(w) if w <= 1 => w,
        _ => return bad(diags, "more than 1"),
    };
    let f: u64 = format!("{frac:0<4}").parse().unwrap_or(0);
    let scaled = w * 10_000 + f;
    if scaled == 0 {
        return bad(diags, "not above 0");
    }
    if scaled > 10_000 {
        return bad(diags, "more than 1");
    }
    Some(scaled as u32)
}

/// `min`/`max` amounts: > 0 for `min` of deadline/coverage; whole numbers when counting classes.
pub fn amount(
    k: &mut Keys<'_, '_>,
    key: &str,
    measure: Measure,
    allow_zero: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<(f64, Range<usize>)> {
    let v = k.take(key)?;
    let n = number(v, &format!("`{key}`"), diags)?;
    if n < 0.0 || (!allow_zero && n == 0.0) {
        diags.push(Diagnostic::new(
            v.span(),
            format!(
                "`{key}` must be {}",
                if allow_zero {
                    "0 or more"
                } else {
                    "more than 0"
                }
            ),
        ));
        return None;
    }
    if measure == Measure::Classes && n.fract() != 0.0 {
        diags.push(Diagnostic::new(
            v.span(),
            format!("`{key}` counts classes, so it must be a whole number"),
        ));
        return None;
    }
    Some((n, v.span()))
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
    format!(
        " (declare its type in [columns]: {} = {{ \"{}\" = \"{ty}\" }})",
        col.table.name(),
        col.name
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
            format!(
                "`{key}` must name a date column of cadres (appointed_on, left_on, or one declared \"date\" in [columns]), not `{name}`"
            ),
        ));
        return None;
    }
    Some(col)
}
