//! `deadline`: each cadre must attend enough qualifying classes within a window after
//! one of their dates (SPEC §5).

use super::condition::{ColName, Conditions, Env, Row};
use super::keys::{
    Keys, Refs, alternatives, amount, cadre_column, conditions_key, measure, string,
};
use super::{RuleKind, RuleMeta};
use crate::diag::{Diagnostic, say};
use crate::i18n::Lang;
use crate::model::{Field, Span, TableKind, ValueType};
use crate::view::{Context, Evidence, Outcomes, unmet_status};
use crate::view::{Measure, Plan, Requirement, Tally};

crate::explained_kind! {
    /// deadline — each cadre matching `who` must attend at least `min` (default 1)
    /// classes matching `class`, dated within [D, D + `within`], where D is the cadre's
    /// date named by `from`. `within` is `Ny`, `Nm` (same day N months later, clamped to
    /// the month's end) or `Nd`. Due date: D + `within`. Cadres whose D is missing or
    /// after the as-of date are not checked; nor are cadres who left on or before the due
    /// date. `measure = "days"` counts days instead of classes; `measure = "hours"` sums
    /// hours (the attendance row's, else the class's, else 0 and the class is listed
    /// under `no_hours`). `or = [ { measure = "hours", min = 90 } ]` gives alternative
    /// amounts: met when the main amount or any alternative is reached. Not met: pending
    /// through the due date, a violation after it. Subject: the cadre.
    /// Conditions may use `any`, `contains`, `not_contains` and `in` lists; with a units
    /// table, `who` may name `"unit.X"` (a column of the cadre's unit), `class` may name
    /// `"organizer.X"` and `organizer = { in = "$superiors" }` (organised by one of the
    /// cadre's unit's superiors). Without a units table such a rule runs approximately
    /// by its `fallback`, or stops the run when it has none.
    pub struct Deadline {
        who: Conditions,
        from: ColName,
        within: Span,
        class: Conditions,
        req: Requirement,
    }
}

pub fn parse(
    k: &mut Keys<'_, '_>,
    plan: &Plan,
    diags: &mut Vec<Diagnostic>,
) -> Option<Box<dyn RuleKind>> {
    let who = conditions_key(k, "who", TableKind::Cadres, Refs::None, plan, diags);
    let class = conditions_key(k, "class", TableKind::Classes, Refs::Cadre, plan, diags);
    let measure = measure(k, false, diags);
    let min = amount(k, "min", measure, false, diags).map_or(1.0, |(n, _)| n);
    let or = alternatives(k, diags).map(|a| a.0).unwrap_or_default();
    let span = k.span.clone();
    let from = match cadre_column(k, "from", Some(ValueType::Date), diags) {
        Some(c) => Some(c),
        None => {
            if !diags.iter().any(|d| d.message.contains("`from`")) {
                diags.push(Diagnostic::new(
                    span.clone(),
                    say(
                        format!("{} 缺少 `from`（如 \"appointed_on\"）", k.what),
                        format!("{} needs `from` (e.g. \"appointed_on\")", k.what),
                    ),
                ));
            }
            None
        }
    };
    let within = match k.take("within") {
        Some(v) => match string(v, "`within`", diags) {
            Some(s) => match Span::parse(&s) {
                Some(sp) => Some(sp),
                None => {
                    diags.push(Diagnostic::new(
                        v.span(),
                        say(
                            format!("`within = \"{s}\"` 不是期限：请写 Ny、Nm 或 Nd，N 为不小于 1 的整数（如 \"1y\"、\"6m\"、\"90d\"）"),
                            format!("`within = \"{s}\"` is not a span: write Ny, Nm or Nd with N a whole number ≥ 1 (e.g. \"1y\", \"6m\", \"90d\")"),
                        ),
                    ));
                    None
                }
            },
            None => None,
        },
        None => {
            diags.push(Diagnostic::new(
                span,
                say(
                    format!("{} 缺少 `within`（如 \"1y\"）", k.what),
                    format!("{} needs `within` (e.g. \"1y\")", k.what),
                ),
            ));
            None
        }
    };
    Some(Box::new(Deadline {
        who,
        from: from?,
        within: within?,
        class,
        req: Requirement { measure, min, or },
    }))
}

impl RuleKind for Deadline {
    fn measures(&self) -> Vec<Measure> {
        std::iter::once(self.req.measure)
            .chain(self.req.or.iter().map(|&(m, _)| m))
            .collect()
    }

    fn evaluate(&self, _rule: &RuleMeta, cx: &Context<'_>, out: &mut Outcomes) {
        // SPEC §6: `from` names a canonical date column or a declared one.
        let (from_field, from_extra) = match self.from.cref {
            Some(crate::model::ColumnRef::Field(f, _)) => (f, None),
            Some(crate::model::ColumnRef::Extra(col)) => (Field::AppointedOn, Some(col)),
            None => (Field::AppointedOn, None),
        };
        for &ci in &cx.cadres {
            let cadre = cx.cadre(ci);
            let env = Env::new(cx, Some(cadre), None);
            if !self.who.matches(Row::Cadre(cadre), &env) {
                continue;
            }
            let left = cx.left_on(cadre);
            let d = match (from_extra, from_field) {
                (Some(col), _) => {
                    super::condition::declared_date(cx.data.cadres_table.cell(cadre.row, col))
                }
                (None, Field::LeftOn) => left,
                (None, _) => Some(cadre.appointed_on),
            };
            let Some(d) = d.filter(|&d| d <= cx.as_of) else {
                continue;
            };
            let due = self.within.after(d);
            // SPEC §6: counted from `left_on`, leaving does not excuse the cadre.
            if from_field != Field::LeftOn && left.is_some_and(|l| l <= due) {
                continue;
            }
            let mut tally = Tally::default();
            let mut late = None;
            for &k in cx.attended(ci) {
                let class = cx.class(k);
                if class.start_on < d || (class.start_on > due && late.is_some()) {
                    continue;
                }
                if !self.class.matches(Row::Class(class), &env) {
                    continue;
                }
                if class.start_on <= due {
                    tally.add(cx, Some(ci), k, &self.req);
                } else {
                    late = Some(k);
                }
            }
            if self.req.met(&tally) {
                out.met_cadre(ci);
            } else {
                let subject = cx.data.cadre_id(cadre).to_owned();
                let evidence = Evidence::Deadline {
                    from: d,
                    required: self.req.min,
                    counted: tally.get(self.req.measure),
                    late,
                    measure: self.req.measure,
                    near: super::near::attended(cx, ci, &self.class, &env, d, due).into(),
                    amounts: self.req.amounts(&tally).into(),
                    no_hours: self.req.uses(Measure::Hours).then(|| tally.no_hours.into()),
                };
                out.finding(
                    subject,
                    Some(ci),
                    None,
                    due,
                    unmet_status(cx.as_of, due),
                    evidence,
                );
            }
        }
    }

    fn describe(&self, lang: Lang, plan: &Plan) -> String {
        let need = format!(
            "{}{}",
            crate::view::amount(self.req.min, self.req.measure, lang),
            self.req.alternatives(lang)
        );
        match lang {
            Lang::Zh => {
                let from = super::condition::column_words(&self.from, lang);
                let within = self.within.describe(lang);
                let who = if self.who.clauses.is_empty() {
                    "所有干部".to_owned()
                } else {
                    format!("{}的干部", self.who.describe(lang, &plan.levels))
                };
                format!(
                    "对象：{who}。要求：自{from}起{within}内（含首尾两日）参加并结业至少{}符合条件的培训；{}。截止日为{from}加{within}。",
                    need.replace(' ', ""),
                    super::condition::class_words(&self.class, lang, &plan.levels),
                )
            }
            Lang::En => format!(
                "Who: cadres where {}. Requirement: at least {need} completed within {} of {} (both ends included), from classes where {}. Due: {} + {}.",
                self.who.describe(lang, &plan.levels),
                self.within.describe(lang),
                self.from.name,
                self.class.describe(lang, &plan.levels),
                self.from.name,
                self.within.describe(lang),
            ),
        }
    }

    fn conditions(&self) -> Vec<&Conditions> {
        vec![&self.who, &self.class]
    }

    fn conditions_mut(&mut self) -> Vec<&mut Conditions> {
        vec![&mut self.who, &mut self.class]
    }

    fn class_conditions(&self) -> Option<&Conditions> {
        Some(&self.class)
    }

    fn columns_mut(&mut self) -> Vec<&mut ColName> {
        vec![&mut self.from]
    }
}
