//! `coverage`: every cadre in office on the reference date must have attended enough
//! classes in the plan period (SPEC §5).

use super::condition::{Conditions, Env, Row};
use super::keys::{Keys, Refs, amount, conditions_key, measure};
use super::{RuleKind, RuleMeta};
use crate::dates::fmt_date;
use crate::diag::Diagnostic;
use crate::i18n::Lang;
use crate::model::TableKind;
use crate::view::{Context, Evidence, Outcomes, tidy, unmet_status};
use crate::view::{Measure, Plan};

crate::explained_kind! {
    /// coverage — each cadre matching `who` and in office on R = min(as-of, plan end)
    /// (appointed on or before R, not left on or before R) must have attended at least
    /// `min` (default 1) classes matching `class` (with `measure = "days"`: that many
    /// days) dated within [plan start, R]. Due: the plan's end; not met is pending
    /// through it and a violation after. Subject: the cadre.
    pub struct Coverage {
        who: Conditions,
        class: Conditions,
        min: f64,
        measure: Measure,
    }
}

pub fn parse(
    k: &mut Keys<'_, '_>,
    plan: &Plan,
    diags: &mut Vec<Diagnostic>,
) -> Option<Box<dyn RuleKind>> {
    let who = conditions_key(k, "who", TableKind::Cadres, Refs::None, plan, diags);
    let class = conditions_key(k, "class", TableKind::Classes, Refs::Cadre, plan, diags);
    let measure = measure(k, diags);
    let min = amount(k, "min", measure, false, diags).map_or(1.0, |(n, _)| n);
    Some(Box::new(Coverage {
        who,
        class,
        min,
        measure,
    }))
}

impl RuleKind for Coverage {
    fn evaluate(&self, _rule: &RuleMeta, cx: &Context<'_>, out: &mut Outcomes) {
        let r = cx.as_of.min(cx.plan.end);
        for &ci in &cx.cadres {
            let cadre = cx.cadre(ci);
            if cadre.appointed_on > r || cx.left_on(cadre).is_some_and(|l| l <= r) {
                continue;
            }
            let env = Env::new(cx, Some(cadre), None);
            if !self.who.matches(Row::Cadre(cadre), &env) {
                continue;
            }
            let mut count = 0.0;
            let mut classes = Vec::new();
            for &k in cx.attended(ci) {
                let class = cx.class(k);
                if class.start_on < cx.plan.start || class.start_on > r {
                    continue;
                }
                if self.class.matches(Row::Class(class), &env) {
                    count = tidy(count + cx.weight(k, self.measure));
                    classes.push(k);
                }
            }
            if count >= self.min {
                out.met_cadre(ci);
            } else {
                let near = super::near::attended(cx, ci, &self.class, &env, cx.plan.start, r);
                let evidence = Evidence::Coverage {
                    required: self.min,
                    count,
                    classes,
                    measure: self.measure,
                    reference: r,
                    near,
                };
                let subject = cx.data.cadre_id(cadre).to_owned();
                out.finding(
                    subject,
                    Some(ci),
                    None,
                    cx.plan.end,
                    unmet_status(cx.as_of, cx.plan.end),
                    evidence,
                );
            }
        }
    }

    fn describe(&self, lang: Lang, plan: &Plan) -> String {
        let need = crate::view::amount(self.min, self.measure, lang);
        match lang {
            Lang::Zh => format!(
                "对象：参照日（检查日与 {} 中较早者）在任、且{}的干部。要求：自 {} 至参照日参加并结业至少 {need}培训；培训须满足：{}。截止日 {}。",
                fmt_date(plan.end),
                self.who.describe(lang, &plan.levels),
                fmt_date(plan.start),
                self.class.describe(lang, &plan.levels),
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
        }
    }

    fn conditions_mut(&mut self) -> Vec<&mut Conditions> {
        vec![&mut self.who, &mut self.class]
    }

    fn class_conditions(&self) -> Option<&Conditions> {
        Some(&self.class)
    }
}
