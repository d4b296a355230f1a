//! Conditions (SPEC §5 "Conditions"): `who` on cadres, `class` on classes. A table of
//! column = condition; all must hold; `{}` matches everything.
//!
//! A missing value satisfies no comparison (`"text"`, lists, `min`/`max`/`above`/
//! `below`, `during`, `"$col"`); `not` holds for it; `missing` tests the cell as written.
//! Defaults apply first: a missing `unit_level` is the lowest level, a missing `fee` is 0.

use std::ops::Range;

use chrono::NaiveDate;

use crate::dates::fmt_date;
use crate::i18n::Lang;
use crate::model::trim;
use crate::model::{
    Cadre, Class, ColumnRef, Dataset, Declared, Field, Table, TableKind, ValueType,
};
use crate::view::Context;

/// A literal value of a condition, typed by the column it applies to.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Text(String),
    Num(f64),
    Date(NaiveDate),
    Level(u8),
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Min,
    Max,
    Above,
    Below,
}

impl Op {
    pub fn key(self) -> &'static str {
        match self {
            Op::Min => "min",
            Op::Max => "max",
            Op::Above => "above",
            Op::Below => "below",
        }
    }

    fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Op::Min => ord != Less,
            Op::Max => ord != Greater,
            Op::Above => ord == Greater,
            Op::Below => ord == Less,
        }
    }
}

/// Where a column's value comes from (SPEC §6 dotted columns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// The row itself (a cadre or a class).
    Row,
    /// A column of the units table: of the cadre's unit (`"unit.X"` in `who`), or of
    /// the unit tested (`groups`).
    Unit,
    /// A column of the class's organizing unit (`"organizer.X"` in `class`).
    Organizer,
    /// No column: the clause of an `any` key.
    Any,
}

/// A column named in a rule file, bound to the loaded data before evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct ColName {
    pub name: String,
    pub span: Range<usize>,
    pub table: TableKind,
    pub value_type: ValueType,
    pub cref: Option<ColumnRef>,
    pub via: Via,
    /// The units table's column, for `Via::Unit` and `Via::Organizer`, once bound.
    pub ucol: Option<usize>,
}

/// The columns of the units table that hold levels.
fn units_type(name: &str) -> ValueType {
    if name.trim().eq_ignore_ascii_case("level") || ["层级", "级别"].contains(&name.trim()) {
        ValueType::Level
    } else {
        ValueType::Text
    }
}

thread_local! {
    /// The `[columns]` of the rule file being parsed (SPEC §6), which type the columns
    /// its rules name.
    static DECLARED: std::cell::RefCell<Vec<Declared>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// While the returned guard lives, columns named on this thread take their type from
/// `declared` when it declares them.
pub fn declare(declared: &[Declared]) -> DeclaredGuard {
    DECLARED.with(|d| *d.borrow_mut() = declared.to_vec());
    DeclaredGuard(())
}

/// Forgets the declared columns when dropped.
pub struct DeclaredGuard(());

impl Drop for DeclaredGuard {
    fn drop(&mut self) {
        DECLARED.with(|d| d.borrow_mut().clear());
    }
}

/// A column's type: canonical fields by SPEC §1, declared columns by `[columns]`, any
/// other column text.
fn type_of(table: TableKind, name: &str) -> ValueType {
    DECLARED
        .with(|d| crate::model::declared_type(&d.borrow(), table, name))
        .unwrap_or_else(|| crate::model::column_type(table, name))
}

impl ColName {
    pub fn new(name: &str, span: Range<usize>, table: TableKind) -> Self {
        ColName {
            name: name.to_owned(),
            span,
            table,
            value_type: type_of(table, name),
            cref: None,
            via: Via::Row,
            ucol: None,
        }
    }

    /// A column named as a key of a condition table: `"unit.X"` and `"organizer.X"`
    /// reach the units table (SPEC §6); on the units table (`groups`) every column is
    /// one of a unit.
    pub fn in_condition(name: &str, span: Range<usize>, table: TableKind) -> Self {
        let via = if table == TableKind::Units || name.starts_with("unit.") {
            Via::Unit
        } else if name.starts_with("organizer.") {
            Via::Organizer
        } else {
            return ColName::new(name, span, table);
        };
        let mut c = ColName::new(name, span, table);
        c.via = via;
        c.value_type = units_type(c.unit_column());
        c
    }

    /// The `any` key's clause, which names no column.
    pub fn any(span: Range<usize>, table: TableKind) -> Self {
        let mut c = ColName::new("any", span, table);
        c.via = Via::Any;
        c
    }

    /// The units table's column a dotted column names (`type` of `"unit.type"`).
    pub fn unit_column(&self) -> &str {
        let n = self.name.as_str();
        n.strip_prefix("unit.")
            .filter(|_| self.via == Via::Unit && self.table != TableKind::Units)
            .or_else(|| {
                n.strip_prefix("organizer.")
                    .filter(|_| self.via == Via::Organizer)
            })
            .unwrap_or(n)
    }

    /// Resolves the column in the loaded table; false when the data lacks it.
    pub fn bind(&mut self, data: &Dataset) -> bool {
        match self.via {
            Via::Row => {}
            Via::Any => return true,
            // Without a units table the rule runs by its fallback, or not at all.
            Via::Unit | Via::Organizer => {
                let Some(units) = &data.units else {
                    return true;
                };
                self.ucol = units.column(self.unit_column());
                return self.ucol.is_some();
            }
        }
        let table = match self.table {
            TableKind::Cadres => &data.cadres_table,
            _ => &data.classes_table,
        };
        self.cref = table.resolve_column(&self.name);
        self.cref.is_some()
    }
}

/// The right-hand side of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Lit(Literal),
    /// `"$unit_level"` and other `"$col"`: the cadre's column.
    Cadre(ColName),
}

/// One test on one column.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    OneOf(Vec<Literal>),
    NoneOf(Vec<Literal>),
    /// `"$col"`: equal to the cadre's column.
    EqCadre(ColName),
    /// `"$group"`: equal to the quota subject.
    EqGroup,
    Cmp(Op, Operand),
    DuringPlan,
    Missing(bool),
    /// `{ contains = … }`: the trimmed value contains one of the texts (SPEC §6).
    Contains(Vec<String>),
    /// `{ not_contains = … }`: contains none of them; holds for a missing value.
    NotContains(Vec<String>),
    /// `{ in = "$superiors" }`: the value names one of the cadre's unit's superiors.
    InSuperiors,
    /// `any = [ {…}, {…} ]`: at least one of the tables holds.
    Any(Vec<Conditions>),
}

/// A column's tests, as written in the rule file.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    pub column: ColName,
    pub tests: Vec<Test>,
}

/// A `who` or `class` table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Conditions {
    pub clauses: Vec<Clause>,
}

/// What a condition is evaluated against: a cadre or a class, and the context of
/// `$col` (the cadre) and `$group` (the subject).
pub struct Env<'a> {
    pub data: &'a Dataset,
    pub levels: &'a [String],
    pub plan: (NaiveDate, NaiveDate),
    pub as_of: NaiveDate,
    pub cadre: Option<&'a Cadre>,
    pub group: Option<&'a str>,
}

impl<'a> Env<'a> {
    /// The environment conditions are evaluated in, from the as-of view.
    pub fn new(cx: &Context<'a>, cadre: Option<&'a Cadre>, group: Option<&'a str>) -> Env<'a> {
        Env {
            data: cx.data,
            levels: &cx.plan.levels,
            plan: (cx.plan.start, cx.plan.end),
            as_of: cx.as_of,
            cadre,
            group,
        }
    }
}

/// A value read from a row, after defaults.
#[derive(Clone, Copy, Debug)]
enum Val<'a> {
    Missing,
    Text(&'a str, bool),
    Num(f64),
    Date(NaiveDate),
    Level(u8),
}

/// A row being tested.
#[derive(Clone, Copy)]
pub enum Row<'a> {
    Cadre(&'a Cadre),
    Class(&'a Class),
    /// A unit of the units table (`groups` of a quota), by index.
    Unit(u32),
}

impl Conditions {
    /// Binds every column named (also `$col` references); returns those the data lacks.
    pub fn bind(&mut self, data: &Dataset) -> Vec<ColName> {
        let mut missing = Vec::new();
        for c in &mut self.clauses {
            if !c.column.bind(data) {
                missing.push(c.column.clone());
            }
            for t in &mut c.tests {
                if let Test::EqCadre(col) | Test::Cmp(_, Operand::Cadre(col)) = t
                    && !col.bind(data)
                {
                    missing.push(col.clone());
                }
                if let Test::Any(list) = t {
                    for conds in list {
                        missing.extend(conds.bind(data));
                    }
                }
            }
        }
        missing
    }

    /// Every column the table names, those inside `any` included, in order.
    pub fn columns(&self) -> Vec<&ColName> {
        let mut out = Vec::new();
        for c in &self.clauses {
            if c.column.via != Via::Any {
                out.push(&c.column);
            }
            for t in &c.tests {
                if let Test::Any(list) = t {
                    for conds in list {
                        out.extend(conds.columns());
                    }
                }
            }
        }
        out
    }

    /// Whether the table uses a units form (SPEC §6): a dotted column or
    /// `"$superiors"`, here or inside an `any`.
    pub fn uses_units(&self) -> bool {
        self.clauses.iter().any(|c| {
            matches!(c.column.via, Via::Unit | Via::Organizer)
                || c.tests.iter().any(|t| match t {
                    Test::InSuperiors => true,
                    Test::Any(list) => list.iter().any(Conditions::uses_units),
                    _ => false,
                })
        })
    }

    /// True when the table is `{}`.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    pub fn uses_group(&self) -> bool {
        self.clauses
            .iter()
            .any(|c| c.tests.contains(&Test::EqGroup))
    }

    /// Does every clause hold for the row?
    pub fn matches(&self, row: Row<'_>, env: &Env<'_>) -> bool {
        self.clauses.iter().all(|c| clause_holds(c, row, env))
    }

    /// The index of the one clause the row fails, among those `consider` keeps, when it
    /// fails exactly one (SPEC §8 `near`: one column's clause is one condition); `None`
    /// when it fails none or more than one.
    pub fn only_failure(
        &self,
        row: Row<'_>,
        env: &Env<'_>,
        consider: impl Fn(&Clause) -> bool,
    ) -> Option<usize> {
        let mut failed = None;
        for (i, c) in self.clauses.iter().enumerate() {
            if consider(c) && !clause_holds(c, row, env) {
                if failed.is_some() {
                    return None;
                }
                failed = Some(i);
            }
        }
        failed
    }

    /// The clauses without `$group`, and whether a `$group` one was dropped.
    pub fn without_group(&self) -> Conditions {
        Conditions {
            clauses: self
                .clauses
                .iter()
                .filter(|c| !c.tests.contains(&Test::EqGroup))
                .cloned()
                .collect(),
        }
    }

    /// Only the clauses with `$group`.
    pub fn only_group(&self) -> Conditions {
        Conditions {
            clauses: self
                .clauses
                .iter()
                .filter(|c| c.tests.contains(&Test::EqGroup))
                .cloned()
                .collect(),
        }
    }

    /// The condition in words.
    pub fn describe(&self, lang: Lang, levels: &[String]) -> String {
        if self.clauses.is_empty() {
            return lang.pick("不限", "any").to_owned();
        }
        let parts: Vec<String> = self
            .clauses
            .iter()
            .map(|c| describe_clause(c, lang, levels))
            .collect();
        parts.join(lang.pick("，且", ", and "))
    }
}

fn table_of<'a>(row: Row<'_>, data: &'a Dataset) -> &'a Table {
    match row {
        Row::Cadre(_) | Row::Unit(_) => &data.cadres_table,
        Row::Class(_) => &data.classes_table,
    }
}

fn row_index(row: Row<'_>) -> u32 {
    match row {
        Row::Cadre(c) => c.row,
        Row::Class(c) => c.row,
        Row::Unit(u) => u,
    }
}

/// The unit a units column of `row` reads (SPEC §6): the cadre's unit (`"unit.X"`),
/// the class's organizing unit (`"organizer.X"`, none when the organizer is not a
/// unit), or the unit itself.
fn unit_of(row: Row<'_>, via: Via, data: &Dataset) -> Option<u32> {
    let units = data.units.as_ref()?;
    match (row, via) {
        (Row::Unit(u), _) => Some(u),
        (Row::Cadre(c), Via::Unit) => units.of_cadre(c.row),
        (Row::Class(c), Via::Organizer) => {
            let col = data.classes_table.col_of(Field::Organizer)?;
            units.organizer(data.classes_table.cell(c.row, col))
        }
        _ => None,
    }
}

/// The raw cell as written ("" when empty or absent).
pub fn raw_cell<'a>(row: Row<'_>, column: &ColName, data: &'a Dataset) -> &'a str {
    if column.via != Via::Row {
        return match (unit_of(row, column.via, data), column.ucol, &data.units) {
            (Some(u), Some(col), Some(units)) => units.cell(u, col),
            _ => "",
        };
    }
    let table = table_of(row, data);
    match column.cref {
        Some(ColumnRef::Field(_, Some(col))) | Some(ColumnRef::Extra(col)) => {
            table.cell(row_index(row), col)
        }
        _ => "",
    }
}

fn value<'a>(row: Row<'_>, column: &ColName, env: &Env<'a>) -> Val<'a> {
    if column.via != Via::Row {
        return unit_value(row, column, env.data);
    }
    let table = table_of(row, env.data);
    let vt = column.value_type;
    let Some(cref) = column.cref else {
        return Val::Missing;
    };
    let text = |col: Option<usize>| -> Val<'a> {
        match col {
            Some(col) => {
                let t = table.cell(row_index(row), col);
                if t.is_empty() {
                    Val::Missing
                } else {
                    Val::Text(t, vt == ValueType::Id)
                }
            }
            None => Val::Missing,
        }
    };
    match (cref, row) {
        // SPEC §6: a declared date or number, which loading checked.
        (ColumnRef::Extra(col), _) if matches!(vt, ValueType::Date | ValueType::Number) => {
            typed(table.cell(row_index(row), col), vt)
        }
        (ColumnRef::Extra(col), _) => text(Some(col)),
        (ColumnRef::Field(f, col), Row::Cadre(c)) => match f {
            Field::AppointedOn => Val::Date(c.appointed_on),
            // SPEC §2: a left_on after the as-of date is treated as missing.
            Field::LeftOn => match c.left_on {
                Some(d) if d <= env.as_of => Val::Date(d),
                _ => Val::Missing,
            },
            Field::UnitLevel => Val::Level(c.unit_level),
            _ => text(col),
        },
        (ColumnRef::Field(f, col), Row::Class(c)) => match f {
            Field::StartOn => Val::Date(c.start_on),
            Field::EndOn => Val::Date(c.end_on),
            Field::Days => Val::Num(c.days),
            Field::Fee => Val::Num(c.fee),
            Field::OrganizerLevel => Val::Level(c.organizer_level),
            _ => text(col),
        },
        (ColumnRef::Field(_, col), Row::Unit(_)) => text(col),
    }
}

/// A declared date or number cell's value (stored as loading read it), missing when
/// empty.
fn typed<'a>(cell: &str, vt: ValueType) -> Val<'a> {
    match vt {
        ValueType::Date => declared_date(cell).map_or(Val::Missing, Val::Date),
        _ => crate::load::values::parse_number(trim(cell)).map_or(Val::Missing, Val::Num),
    }
}

/// A declared date column's date: the trimmed cell in an accepted spelling (loading
/// stored workbook dates as dates); `None` when empty.
pub fn declared_date(cell: &str) -> Option<NaiveDate> {
    match trim(cell) {
        "" => None,
        t => crate::load::values::parse_date(t).ok(),
    }
}

/// A units column's value: levels as levels (a bad one read as missing), text trimmed.
fn unit_value<'a>(row: Row<'_>, column: &ColName, data: &'a Dataset) -> Val<'a> {
    let (Some(units), Some(u), Some(col)) = (
        data.units.as_ref(),
        unit_of(row, column.via, data),
        column.ucol,
    ) else {
        return Val::Missing;
    };
    if column.value_type == ValueType::Level {
        return units
            .get(u)
            .and_then(|x| x.level)
            .map_or(Val::Missing, Val::Level);
    }
    match units.cell(u, col).trim() {
        "" => Val::Missing,
        t => Val::Text(t, false),
    }
}

/// The text a `contains` test reads: text as is, a level by its name.
fn text_of<'a>(v: Val<'a>, levels: &'a [String]) -> Option<&'a str> {
    match v {
        Val::Text(t, _) => Some(t),
        Val::Level(l) => Some(level_name(levels, l)),
        _ => None,
    }
}

/// `{ in = "$superiors" }`: the value names a unit that is one of the cadre's unit's
/// superiors, direct parent first, up to the top.
fn in_superiors(v: Val<'_>, env: &Env<'_>) -> bool {
    let (Val::Text(t, _), Some(units), Some(cadre)) = (v, env.data.units.as_ref(), env.cadre)
    else {
        return false;
    };
    let (Some(target), Some(own)) = (units.find(t), units.of_cadre(cadre.row)) else {
        return false;
    };
    units.superiors(own).any(|s| s == target)
}

/// A class's value of a column as a person reads it (days and fees as numbers, dates,
/// level names, text as written); `None` when empty.
pub fn class_value_text(
    class: &Class,
    column: &ColName,
    data: &Dataset,
    levels: &[String],
) -> Option<String> {
    let text = match column.cref {
        Some(ColumnRef::Field(Field::StartOn, _)) => fmt_date(class.start_on),
        Some(ColumnRef::Field(Field::EndOn, _)) => fmt_date(class.end_on),
        Some(ColumnRef::Field(Field::Days, _)) => crate::load::cell::number_text(class.days),
        Some(ColumnRef::Field(Field::Fee, _)) => crate::load::cell::number_text(class.fee),
        Some(ColumnRef::Field(Field::OrganizerLevel, _)) => {
            level_name(levels, class.organizer_level).to_owned()
        }
        _ => raw_cell(Row::Class(class), column, data).to_owned(),
    };
    (!text.is_empty()).then_some(text)
}

/// What a clause `column = "$group"` compares with the subject, for finding the
/// subjects a row holds for by look-up instead of testing each (quota): the clause
/// holds for subject `g` exactly when `g` equals `Text`, equals `Folded` ignoring ASCII
/// case, or reads as the number `Num`.
pub enum GroupValue<'a> {
    None,
    Text(&'a str),
    Owned(String),
    Folded(&'a str),
    Num(f64),
}

/// The value [`GroupValue`] describes, as `Test::EqGroup` reads it (`eq_vals`).
pub fn group_value<'a>(c: &Clause, row: Row<'_>, env: &Env<'a>) -> GroupValue<'a> {
    match clause_value(c, row, env) {
        Val::Missing => GroupValue::None,
        Val::Text(t, true) => GroupValue::Folded(t),
        Val::Text(t, false) => GroupValue::Text(t),
        Val::Num(n) => GroupValue::Num(n),
        Val::Date(d) => GroupValue::Owned(fmt_date(d)),
        Val::Level(l) => GroupValue::Text(level_name(env.levels, l)),
    }
}

fn level_name(levels: &[String], i: u8) -> &str {
    levels.get(i as usize).map_or("", String::as_str)
}

fn eq_lit(v: Val<'_>, lit: &Literal, levels: &[String]) -> bool {
    match (v, lit) {
        (Val::Missing, _) => false,
        (Val::Text(t, id), Literal::Text(s)) => {
            if id {
                t.eq_ignore_ascii_case(trim(s))
            } else {
                t == trim(s)
            }
        }
        (Val::Num(n), Literal::Num(m)) => n == *m,
        (Val::Date(d), Literal::Date(e)) => d == *e,
        (Val::Level(a), Literal::Level(b)) => a == *b,
        (Val::Level(a), Literal::Text(s)) => level_name(levels, a) == s,
        _ => false,
    }
}

fn eq_vals(a: Val<'_>, b: Val<'_>, levels: &[String]) -> bool {
    match (a, b) {
        (Val::Missing, _) | (_, Val::Missing) => false,
        (Val::Text(x, i1), Val::Text(y, i2)) => {
            if i1 || i2 {
                x.eq_ignore_ascii_case(y)
            } else {
                x == y
            }
        }
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::Date(x), Val::Date(y)) => x == y,
        (Val::Level(x), Val::Level(y)) => x == y,
        (Val::Level(x), Val::Text(y, _)) | (Val::Text(y, _), Val::Level(x)) => {
            level_name(levels, x) == y
        }
        (Val::Date(d), Val::Text(t, _)) | (Val::Text(t, _), Val::Date(d)) => fmt_date(d) == t,
        (Val::Num(n), Val::Text(t, _)) | (Val::Text(t, _), Val::Num(n)) => {
            crate::load::values::parse_number(t).is_ok_and(|m| m == n)
        }
        _ => false,
    }
}

fn compare(a: Val<'_>, b: Val<'_>) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(&y),
        (Val::Date(x), Val::Date(y)) => Some(x.cmp(&y)),
        (Val::Level(x), Val::Level(y)) => Some(x.cmp(&y)),
        _ => None,
    }
}

fn lit_val(l: &Literal) -> Val<'_> {
    match l {
        Literal::Text(s) => Val::Text(s, false),
        Literal::Num(n) => Val::Num(*n),
        Literal::Date(d) => Val::Date(*d),
        Literal::Level(l) => Val::Level(*l),
    }
}

fn clause_holds(c: &Clause, row: Row<'_>, env: &Env<'_>) -> bool {
    let v = clause_value(c, row, env);
    c.tests.iter().all(|t| test_holds(c, t, v, row, env))
}

fn clause_value<'a>(c: &Clause, row: Row<'_>, env: &Env<'a>) -> Val<'a> {
    match c.column.via {
        Via::Any => Val::Missing,
        _ => value(row, &c.column, env),
    }
}

/// Does one test of a clause hold for the row? (SPEC §7: a condition with a text
/// literal that matches no row is noticed under its rule.)
pub fn holds(c: &Clause, t: &Test, row: Row<'_>, env: &Env<'_>) -> bool {
    test_holds(c, t, clause_value(c, row, env), row, env)
}

fn test_holds(c: &Clause, t: &Test, v: Val<'_>, row: Row<'_>, env: &Env<'_>) -> bool {
    match t {
        Test::OneOf(lits) => lits.iter().any(|l| eq_lit(v, l, env.levels)),
        Test::NoneOf(lits) => !lits.iter().any(|l| eq_lit(v, l, env.levels)),
        Test::EqCadre(col) => match env.cadre {
            Some(cadre) => eq_vals(v, value(Row::Cadre(cadre), col, env), env.levels),
            None => false,
        },
        Test::EqGroup => match (v, env.group) {
            (Val::Missing, _) | (_, None) => false,
            (v, Some(g)) => eq_vals(v, Val::Text(g, false), env.levels),
        },
        Test::Cmp(op, operand) => {
            let rhs = match operand {
                Operand::Lit(l) => lit_val(l),
                Operand::Cadre(col) => match env.cadre {
                    Some(cadre) => value(Row::Cadre(cadre), col, env),
                    None => Val::Missing,
                },
            };
            compare(v, rhs).is_some_and(|o| op.holds(o))
        }
        Test::DuringPlan => matches!(v, Val::Date(d) if d >= env.plan.0 && d <= env.plan.1),
        Test::Missing(want) => is_missing(row, &c.column, env) == *want,
        Test::Contains(texts) => {
            text_of(v, env.levels).is_some_and(|t| texts.iter().any(|x| t.contains(x.as_str())))
        }
        Test::NotContains(texts) => {
            text_of(v, env.levels).is_none_or(|t| !texts.iter().any(|x| t.contains(x.as_str())))
        }
        Test::InSuperiors => in_superiors(v, env),
        Test::Any(list) => list.iter().any(|conds| conds.matches(row, env)),
    }
}

/// `{ missing = … }`: the cell as written is empty (no default fills it), in the as-of
/// view of SPEC §2 — a `left_on` after the as-of date has not happened yet.
fn is_missing(row: Row<'_>, column: &ColName, env: &Env<'_>) -> bool {
    match (row, column.cref) {
        (Row::Cadre(c), Some(ColumnRef::Field(Field::LeftOn, _))) => {
            c.left_on.is_none_or(|d| d > env.as_of)
        }
        // SPEC §6: a county or level filled from the cadre's unit was empty as written.
        (Row::Cadre(c), Some(ColumnRef::Field(f @ (Field::County | Field::UnitLevel), _)))
            if env
                .data
                .units
                .as_ref()
                .is_some_and(|u| u.filled(c.row, f == Field::County)) =>
        {
            true
        }
        _ => raw_cell(row, column, env.data).is_empty(),
    }
}

fn lit_text(l: &Literal, levels: &[String]) -> String {
    match l {
        Literal::Text(s) => format!("“{s}”"),
        Literal::Num(n) => crate::load::cell::number_text(*n),
        Literal::Date(d) => fmt_date(*d),
        Literal::Level(i) => format!("“{}”", level_name(levels, *i)),
    }
}

fn texts(xs: &[String], sep: &str) -> String {
    xs.iter()
        .map(|x| format!("“{x}”"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// A `class` table in Chinese, after the amount asked for: "培训须满足：…", or that any
/// class counts.
pub fn class_words(class: &Conditions, lang: Lang, levels: &[String]) -> String {
    if class.clauses.is_empty() {
        lang.pick("任何培训均可", "any class").to_owned()
    } else {
        format!(
            "{}{}",
            lang.pick("培训须满足：", "classes where "),
            class.describe(lang, levels)
        )
    }
}

/// A column in words: in Chinese, a canonical column by its Chinese header (SPEC §1:
/// 职务, 任职日期, …) and a dotted one as the unit's (所在工会的类型); any other column, and
/// every column in English, as the rule file names it.
pub fn column_words(col: &ColName, lang: Lang) -> String {
    let header = |table: TableKind, name: &str| {
        crate::model::fields_of(table)
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.aliases.first())
            .map_or_else(|| name.to_owned(), |a| (*a).to_owned())
    };
    match (lang, col.via) {
        (Lang::En, _) | (_, Via::Any) => col.name.clone(),
        (Lang::Zh, Via::Unit) if col.table != TableKind::Units => {
            format!("所在工会的{}", header(TableKind::Units, col.unit_column()))
        }
        (Lang::Zh, Via::Unit) => header(TableKind::Units, &col.name),
        (Lang::Zh, Via::Organizer) => {
            format!("举办单位的{}", header(TableKind::Units, col.unit_column()))
        }
        (Lang::Zh, Via::Row) => header(col.table, &col.name),
    }
}

/// One column's condition in words; in Chinese without spaces between words, numbers
/// and quotation marks, as Chinese is set.
pub fn describe_clause(c: &Clause, lang: Lang, levels: &[String]) -> String {
    let col = &column_words(&c.column, lang);
    let parts: Vec<String> = c
        .tests
        .iter()
        .map(|t| {
            let list = |ls: &[Literal]| {
                ls.iter()
                    .map(|l| lit_text(l, levels))
                    .collect::<Vec<_>>()
                    .join(lang.pick("、", ", "))
            };
            match (t, lang) {
                (Test::OneOf(ls), Lang::Zh) if ls.len() == 1 => format!("{col}为{}", list(ls)),
                (Test::OneOf(ls), Lang::Zh) => format!("{col}为{}之一", list(ls)),
                (Test::OneOf(ls), Lang::En) if ls.len() == 1 => format!("{col} is {}", list(ls)),
                (Test::OneOf(ls), Lang::En) => format!("{col} is one of {}", list(ls)),
                (Test::NoneOf(ls), Lang::Zh) => format!("{col}不为{}", list(ls)),
                (Test::NoneOf(ls), Lang::En) => format!("{col} is none of {}", list(ls)),
                (Test::EqCadre(x), Lang::Zh) => {
                    format!("{col}与该干部的{}相同", column_words(x, lang))
                }
                (Test::EqCadre(x), Lang::En) => format!("{col} equals the cadre's {}", x.name),
                (Test::EqGroup, Lang::Zh) => format!("{col}为被检查的对象"),
                (Test::EqGroup, Lang::En) => format!("{col} is the subject being checked"),
                (Test::Cmp(op, rhs), _) => {
                    let r = match rhs {
                        Operand::Lit(l) => lit_text(l, levels),
                        Operand::Cadre(x) => match lang {
                            Lang::Zh => format!("该干部的{}", column_words(x, lang)),
                            Lang::En => format!("the cadre's {}", x.name),
                        },
                    };
                    let word = match (op, lang, c.column.value_type) {
                        (Op::Min, Lang::Zh, ValueType::Number) => "不小于",
                        (Op::Max, Lang::Zh, ValueType::Number) => "不大于",
                        (Op::Above, Lang::Zh, ValueType::Number) => "大于",
                        (Op::Below, Lang::Zh, ValueType::Number) => "小于",
                        (Op::Min, Lang::Zh, ValueType::Date) => "不早于",
                        (Op::Max, Lang::Zh, ValueType::Date) => "不晚于",
                        (Op::Above, Lang::Zh, ValueType::Date) => "晚于",
                        (Op::Below, Lang::Zh, ValueType::Date) => "早于",
                        (Op::Min, Lang::Zh, _) => "不低于",
                        (Op::Max, Lang::Zh, _) => "不高于",
                        (Op::Above, Lang::Zh, _) => "高于",
                        (Op::Below, Lang::Zh, _) => "低于",
                        (Op::Min, Lang::En, _) => " is at least ",
                        (Op::Max, Lang::En, _) => " is at most ",
                        (Op::Above, Lang::En, _) => " is above ",
                        (Op::Below, Lang::En, _) => " is below ",
                    };
                    format!("{col}{word}{r}")
                }
                (Test::DuringPlan, Lang::Zh) => format!("{col}在规划期内"),
                (Test::DuringPlan, Lang::En) => format!("{col} is within the plan period"),
                (Test::Missing(true), Lang::Zh) => format!("{col}为空"),
                (Test::Missing(false), Lang::Zh) => format!("{col}不为空"),
                (Test::Missing(true), Lang::En) => format!("{col} is empty"),
                (Test::Missing(false), Lang::En) => format!("{col} is not empty"),
                (Test::Contains(xs), Lang::Zh) => format!("{col}含有{}", texts(xs, "或")),
                (Test::Contains(xs), Lang::En) => format!("{col} contains {}", texts(xs, " or ")),
                (Test::NotContains(xs), Lang::Zh) => {
                    format!("{col}不含{}（为空亦可）", texts(xs, "或"))
                }
                (Test::NotContains(xs), Lang::En) => {
                    format!("{col} contains none of {} (or is empty)", texts(xs, ", "))
                }
                (Test::InSuperiors, Lang::Zh) => format!("{col}为该干部所在工会的上级工会之一"),
                (Test::InSuperiors, Lang::En) => {
                    format!("{col} is one of the superior unions of the cadre's unit")
                }
                (Test::Any(list), _) => {
                    let each: Vec<String> = list
                        .iter()
                        .map(|c| match lang {
                            Lang::Zh => format!("（{}）", c.describe(lang, levels)),
                            Lang::En => format!("({})", c.describe(lang, levels)),
                        })
                        .collect();
                    match lang {
                        Lang::Zh => format!("以下至少一项成立：{}", each.join("或")),
                        Lang::En => format!("at least one of: {}", each.join(" or ")),
                    }
                }
            }
        })
        .collect();
    parts.join(lang.pick("，且", ", and "))
}
