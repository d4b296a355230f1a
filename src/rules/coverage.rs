//! `coverage`: every cadre in office on the reference date must have attended enough
//! classes in the plan period (SPEC §5).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::condition::{ColName, Conditions, Env, Row};
use super::keys::{Keys, Refs, alternatives, amount, cadre_column, conditions_key, measure, rate};
use super::quota::{Every, every_key, periods};
use super::{RuleKind, RuleMeta};
use crate::dates::fmt_date;
use crate::diag::{Diagnostic, say};
use crate::i18n::Lang;
use crate::model::{ColumnRef, TableKind};
use crate::view::{Context, Evidence, Outcomes, unmet_status};
use crate::view::{Measure, Plan, Requirement, Tally};

crate::explained_kind! {
    /// coverage — each cadre matching `who` and in office on R = min(as-of, plan end)
    /// (appointed on or before R, not left on or before R) must have attended at least
    /// `min` (default 1) classes matching `class` (with `measure = "days"`: that many
    /// days; `"hours"`: that many hours) dated within [plan start, R]; `or` gives
    /// alternative amounts. Due: the plan's end; not met is pending through it and a
    /// violation after. Subject: the cadre.
    /// With `every = "year"`, each calendar year of the plan up to the as-of year is a
    /// period Y: a cadre appointed on or before its first day and not left on or before
    /// R_Y = min(as-of, the year's end) must have attended enough classes dated within
    /// [the year's start, R_Y]; due the year's end; subject the cadre, period Y.
    /// With `rate = 0.9`, the subject is a group instead: with `group_by = COLUMN`, each
    /// non-empty value of that cadres column among the checked cadres; without it, the
    /// whole roster (the plan's authority). A group meets the rule when met / checked is
    /// at least `rate`, compared exactly as decimals; the evidence lists the unmet cadres.
    /// Conditions may use `any`, `contains`, `not_contains` and `in` lists; with a units
    /// table, `who` may name `"unit.X"` (a column of the cadre's unit), `class` may name
    /// `"organizer.X"` and `organizer = { in = "$superiors" }` (organised by one of the
    /// cadre's unit's superiors). Without a units table such a rule runs approximately
    /// by its `fallback`, or stops the run when it has none.
    pub struct Coverage {
        who: Conditions,
        class: Conditions,
        req: Requirement,
        every: Every,
        group_by: Option<ColName>,
        /// `rate` in ten-thousandths.
        rate: Option<u32>,
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
    let or = alternatives(k, diags);
    let every = every_key(k, false, diags).unwrap_or(Every::Plan);
    let group_by = cadre_column(k, "group_by", None, diags);
    let rate = k.take("rate").map(|v| (rate(v, diags), v.span()));
    if let (Some((_, span)), Some(_)) = (&or, &rate) {
        diags.push(Diagnostic::new(
            span.clone(),
            say(
                "`or` 不能与 `rate` 同用：比例数的是达到主标准 `min` 的干部",
                "`or` cannot be used with `rate`: a rate counts cadres who met the main `min`",
            ),
        ));
    }
    if let (Some(g), None) = (&group_by, &rate) {
        diags.push(Diagnostic::new(
            g.span.clone(),
            say(
                "coverage 规则的 `group_by` 要与 `rate` 同用（如 rate = 0.9）：其对象是干部分组",
                "a coverage rule's `group_by` needs `rate` (e.g. rate = 0.9): its subjects are groups of cadres",
            ),
        ));
    }
    let rate = match rate {
        Some((r, _)) => Some(r?),
        None => None,
    };
    Some(Box::new(Coverage {
        who,
        class,
        req: Requirement {
            measure,
            min,
            or: or.map(|o| o.0).unwrap_or_default(),
        },
        every,
        group_by,
        rate,
    }))
}

/// One group's count for a period (`rate`).
#[derive(Default)]
struct Group {
    checked: u64,
    met: u64,
    unmet: Vec<String>,
}

impl RuleKind for Coverage {
    fn measures(&self) -> Vec<Measure> {
        std::iter::once(self.req.measure)
            .chain(self.req.or.iter().map(|&(m, _)| m))
            .collect()
    }

    fn evaluate(&self, _rule: &RuleMeta, cx: &Context<'_>, out: &mut Outcomes) {
        // (period, first day, R, the latest appointment checked, due).
        let periods: Vec<(Option<i32>, NaiveDate, NaiveDate, NaiveDate, NaiveDate)> =
            match self.every {
                Every::Plan => {
                    let r = cx.as_of.min(cx.plan.end);
                    vec![(None, cx.plan.start, r, r, cx.plan.end)]
                }
                Every::Year => periods(Every::Year, cx.plan, cx.as_of)
                    .into_iter()
                    .map(|(y, s, e)| (y, s, cx.as_of.min(e), s, e))
                    .collect(),
            };
        let group_col = self.group_by.as_ref().and_then(|c| match c.cref {
            Some(ColumnRef::Field(_, col)) => col,
            Some(ColumnRef::Extra(col)) => Some(col),
            None => None,
        });
        let mut groups: HashMap<(String, usize), Group> = HashMap::new();
        for &ci in &cx.cadres {
            let cadre = cx.cadre(ci);
            let left = cx.left_on(cadre);
            let checked = |latest: NaiveDate, r: NaiveDate| {
                cadre.appointed_on <= latest && left.is_none_or(|l| l > r)
            };
            if !periods
                .iter()
                .any(|&(_, _, r, latest, _)| checked(latest, r))
            {
                continue;
            }
            let env = &Env::new(cx, Some(cadre), None);
            if !self.who.matches(Row::Cadre(cadre), env) {
                continue;
            }
            for (p, &(period, start, r, latest, due)) in periods.iter().enumerate() {
                if !checked(latest, r) {
                    continue;
                }
                let mut tally = Tally::default();
                let mut classes = Vec::new();
                for &k in cx.attended(ci) {
                    let class = cx.class(k);
                    if class.start_on < start || class.start_on > r {
                        continue;
                    }
                    if self.class.matches(Row::Class(class), env) {
                        tally.add(cx, Some(ci), k, &self.req);
                        classes.push(k);
                    }
                }
                let met = self.req.met(&tally);
                if self.rate.is_some() {
                    let group = match (&self.group_by, group_col) {
                        (None, _) => cx.plan.authority.as_str(),
                        (Some(_), Some(col)) => cx.data.cadres_table.cell(cadre.row, col),
                        (Some(_), None) => "",
                    };
                    if group.is_empty() {
                        continue;
                    }
                    let g = groups.entry((group.to_owned(), p)).or_default();
                    g.checked += 1;
                    if met {
                        g.met += 1;
                    } else {
                        g.unmet.push(cx.data.cadre_id(cadre).to_owned());
                    }
                    continue;
                }
                if met {
                    out.met_cadre_in(ci, period);
                } else {
                    let near = super::near::attended(cx, ci, &self.class, env, start, r);
                    let evidence = Evidence::Coverage {
                        required: self.req.min,
                        count: tally.get(self.req.measure),
                        classes: classes.into(),
                        measure: self.req.measure,
                        reference: r,
                        near: near.into(),
                        amounts: self.req.amounts(&tally).into(),
                        no_hours: self.req.uses(Measure::Hours).then(|| tally.no_hours.into()),
                    };
                    let subject = cx.data.cadre_id(cadre).to_owned();
                    out.finding(
                        subject,
                        Some(ci),
                        period,
                        due,
                        unmet_status(cx.as_of, due),
                        evidence,
                    );
                }
            }
        }
        let Some(rate) = self.rate else {
            return;
        };
        let mut groups: Vec<((String, usize), Group)> = groups.into_iter().collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        for ((subject, p), mut g) in groups {
            let (period, _, _, _, due) = periods[p];
            // Exactly, as decimals: met / checked ≥ rate / 10000.
            if u128::from(g.met) * 10_000 >= u128::from(rate) * u128::from(g.checked) {
                out.met_subject(&subject, period);
                continue;
            }
            g.unmet.sort_unstable();
            g.unmet.truncate(MAX_UNMET);
            let evidence = Evidence::Rate {
                checked: g.checked,
                met: g.met,
                required: rate,
                unmet: g.unmet.into(),
            };
            out.finding(
                subject,
                None,
                period,
                due,
                unmet_status(cx.as_of, due),
                evidence,
            );
        }
    }

    fn describe(&self, lang: Lang, plan: &Plan) -> String {
        let need = format!(
            "{}{}",
            crate::view::amount(self.req.min, self.req.measure, lang),
            self.req.alternatives(lang)
        );
        let group = match (&self.group_by, lang) {
            (Some(c), Lang::Zh) => {
                format!("干部名册中的{}", super::condition::column_words(c, lang))
            }
            (Some(c), Lang::En) => format!("each value of the cadres' {} column", c.name),
            (None, _) => plan.authority.clone(),
        };
        let rate = self
            .rate
            .map(|r| crate::load::cell::number_text(f64::from(r) / 10_000.0));
        let extra = match (self.every, &rate, lang) {
            (Every::Year, Some(r), Lang::Zh) => format!("按年检查：每年以该年1月1日（不早于规划开始日）前已任职、参照日（检查日与该年年末中较早者）前未离任的干部为准，培训计该年内至参照日的，截止日为该年年末。按{group}分组，达标干部占比不低于{r}即达标。"),
            (Every::Year, None, Lang::Zh) => "按年检查：每年以该年1月1日（不早于规划开始日）前已任职、参照日（检查日与该年年末中较早者）前未离任的干部为准，培训计该年内至参照日的，截止日为该年年末。".to_owned(),
            (Every::Plan, Some(r), Lang::Zh) => format!("按{group}分组，达标干部占比不低于{r}即达标。"),
            (Every::Year, Some(r), Lang::En) => format!(" Checked per year: cadres appointed by the year's first day and not left by its reference date (the earlier of the as-of date and the year's end), classes dated within the year up to that date, due the year's end. Grouped by {group}: met when at least {r} of the checked cadres meet it."),
            (Every::Year, None, Lang::En) => " Checked per year: cadres appointed by the year's first day and not left by its reference date (the earlier of the as-of date and the year's end), classes dated within the year up to that date, due the year's end.".to_owned(),
            (Every::Plan, Some(r), Lang::En) => format!(" Grouped by {group}: met when at least {r} of the checked cadres meet it."),
            (Every::Plan, None, _) => String::new(),
        };
        let text = match lang {
            Lang::Zh => format!(
                "对象：参照日（检查日与{}中较早者）在任{}的干部。要求：自{}至参照日参加并结业至少{}培训；{}。截止日为{}。",
                fmt_date(plan.end),
                if self.who.clauses.is_empty() {
                    String::new()
                } else {
                    format!("，且{}", self.who.describe(lang, &plan.levels))
                },
                fmt_date(plan.start),
                need.replace(' ', ""),
                super::condition::class_words(&self.class, lang, &plan.levels),
                fmt_date(plan.end)
            ),
            Lang::En => format!(
                "Who: cadres in office on the reference date (the earlier of the as-of date and {}) where {}. Requirement: at least {need} completed from {} to the reference date, from classes where {}. Due {}.",
                fmt_date(plan.end),
                self.who.describe(lang, &plan.levels),
                fmt_date(plan.start),
                self.class.describe(lang, &plan.levels),
                fmt_date(plan.end)
            ),
        };
        format!("{text}{extra}")
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

    fn plan_end_rate(&self) -> Option<u32> {
        matches!(self.every, Every::Plan).then_some(self.rate.unwrap_or(10_000))
    }

    fn columns_mut(&mut self) -> Vec<&mut ColName> {
        self.group_by.iter_mut().collect()
    }
}

/// The most unmet cadres a `rate` finding lists.
pub const MAX_UNMET: usize = 200;
