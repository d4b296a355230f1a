//! `forbid`: every class matching the condition, dated within the plan, is a
//! violation (SPEC §5).

use super::condition::{Conditions, Env, Row, raw_cell};
use super::keys::{Keys, Refs, conditions};
use super::{RuleKind, RuleMeta};
use crate::diag::{Diagnostic, say};
use crate::i18n::Lang;
use crate::model::TableKind;
use crate::view::Plan;
use crate::view::{Context, Evidence, Outcomes, Status};

crate::explained_kind! {
    /// forbid — each class matching `class` and dated within the plan (and on or before
    /// the as-of date) is a violation, due on the class's date. Every class dated within
    /// the plan is checked. The evidence shows, for each column the condition names, the
    /// cell as written. Subject: the class.
    /// `class` may use `any`, `contains`, `not_contains` and `in` lists; with a units
    /// table it may name `"organizer.X"` (a column of the organizing unit). Without a
    /// units table such a rule runs approximately by its `fallback`, or stops the run
    /// when it has none.
    pub struct Forbid {
        class: Conditions,
    }
}

pub fn parse(
    k: &mut Keys<'_, '_>,
    plan: &Plan,
    diags: &mut Vec<Diagnostic>,
) -> Option<Box<dyn RuleKind>> {
    match k.take("class") {
        Some(v) => Some(Box::new(Forbid {
            class: conditions(v, TableKind::Classes, Refs::None, plan, "`class`", diags),
        })),
        None => {
            diags.push(Diagnostic::new(
                k.span.clone(),
                say(
                    format!("{} 缺少 `class`：即它禁止的培训班", k.what),
                    format!("{} needs `class`: the classes it forbids", k.what),
                ),
            ));
            None
        }
    }
}

impl RuleKind for Forbid {
    fn evaluate(&self, _rule: &RuleMeta, cx: &Context<'_>, out: &mut Outcomes) {
        let env = Env::new(cx, None, None);
        for &k in &cx.classes {
            let class = cx.class(k);
            if class.start_on < cx.plan.start || class.start_on > cx.plan.end {
                continue;
            }
            if !self.class.matches(Row::Class(class), &env) {
                out.met_class(k);
                continue;
            }
            // Each column named, inside `any` too, once.
            let mut values: Vec<(String, Option<String>)> = Vec::new();
            for c in self.class.columns() {
                if values.iter().any(|(n, _)| *n == c.name) {
                    continue;
                }
                let v = raw_cell(Row::Class(class), c, cx.data);
                values.push((c.name.clone(), (!v.is_empty()).then(|| v.to_owned())));
            }
            let subject = cx.data.class_id(class).to_owned();
            out.finding(
                subject,
                None,
                None,
                class.start_on,
                Status::Violation,
                Evidence::Forbid {
                    class: k,
                    values: values.into(),
                },
            );
        }
    }

    fn describe(&self, lang: Lang, plan: &Plan) -> String {
        match lang {
            Lang::Zh => format!(
                "规划期内（{}～{}）满足以下条件的每个培训班都是一条违规：{}。",
                crate::dates::fmt_date(plan.start),
                crate::dates::fmt_date(plan.end),
                self.class.describe(lang, &plan.levels)
            ),
            Lang::En => format!(
                "Every class dated within the plan ({} to {}) where {} is a violation.",
                crate::dates::fmt_date(plan.start),
                crate::dates::fmt_date(plan.end),
                self.class.describe(lang, &plan.levels)
            ),
        }
    }

    fn conditions(&self) -> Vec<&Conditions> {
        vec![&self.class]
    }

    fn conditions_mut(&mut self) -> Vec<&mut Conditions> {
        vec![&mut self.class]
    }
}
