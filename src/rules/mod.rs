//! Rule sets (SPEC §5): a parsed rule file's rules, the keys every rule has, and the
//! trait every rule kind implements (with the macro that gives a kind its `rules
//! explain` text). A rule file is parsed once (`parse.rs`, reading keys through
//! `keys.rs` and the kinds through `registry.rs`); its columns are bound to the loaded
//! data ([`RuleSet::bind`]) before evaluation, so a column the data lacks is an exit-2
//! error naming the rule and the column. The plan and the as-of view are in `view.rs`.

pub mod amounts;
pub mod columns;
pub mod condition;
pub mod coverage;
pub mod deadline;
pub mod forbid;
pub mod keys;
pub mod lint;
pub mod matched;
pub mod near;
pub mod parse;
pub mod quota;
pub mod reading;
pub mod registry;
pub mod variants;

use std::ops::Range;

use crate::diag::Diagnostic;
use crate::i18n::Lang;
use crate::model::{Dataset, TableKind};
use crate::notice::Notice;
use crate::spelling::Spellings;
use crate::view::{Context, Measure, Outcomes, Plan};
use condition::{ColName, Conditions};

/// The embedded default rule set.
pub const DEFAULT_RULES: &str = include_str!("../../rules/mianyang-2018-2020.toml");
/// The name the default rule set is shown under.
pub const DEFAULT_RULES_NAME: &str = "mianyang-2018-2020.toml";

/// `severity`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The keys every rule has.
#[derive(Clone, Debug)]
pub struct RuleMeta {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    pub clause: String,
    pub severity: Severity,
    pub description: Option<String>,
    /// Text for people (SPEC §6): the English title and description, the plan's full
    /// sentence the rule enforces, and how the rule reads the plan (in Chinese and
    /// English).
    pub title_en: Option<String>,
    pub description_en: Option<String>,
    pub quote: Option<String>,
    pub note: Option<String>,
    pub note_en: Option<String>,
    pub span: Range<usize>,
    /// Where the `id` value is written.
    pub id_span: Range<usize>,
}

impl RuleMeta {
    /// The title in `lang`: `title_en` in English when given, else `title`.
    pub fn title_in(&self, lang: Lang) -> &str {
        crate::i18n::written(lang, Some(&self.title), self.title_en.as_ref()).unwrap_or(&self.title)
    }

    /// The description in `lang`, or the one there is.
    pub fn description_in(&self, lang: Lang) -> Option<&str> {
        crate::i18n::written(
            lang,
            self.description.as_ref(),
            self.description_en.as_ref(),
        )
    }

    /// The note in `lang`, or the one there is.
    pub fn note_in(&self, lang: Lang) -> Option<&str> {
        crate::i18n::written(lang, self.note.as_ref(), self.note_en.as_ref())
    }
}

/// Turns a kind's `///` comment into a `const EXPLAIN: &str`.
#[macro_export]
macro_rules! explained_kind {
    ($(#[doc = $d:expr])* $vis:vis struct $name:ident $body:tt) => {
        $(#[doc = $d])*
        #[derive(Debug)]
        $vis struct $name $body
        impl $name {
            /// The kind's documentation, shown by `rules explain`.
            pub const EXPLAIN: &'static str = concat!($($d, "\n"),*);
        }
    };
}

/// One rule kind's behaviour (SPEC §5 "Kinds").
pub trait RuleKind: Send + Sync + std::fmt::Debug {
    /// Records every subject checked: met, or a finding with its evidence.
    fn evaluate(&self, rule: &RuleMeta, cx: &Context<'_>, out: &mut Outcomes);
    /// This rule's parameters in words.
    fn describe(&self, lang: Lang, plan: &Plan) -> String;
    /// The condition tables, for binding columns to the data.
    fn conditions_mut(&mut self) -> Vec<&mut Conditions>;
    /// The condition tables (`who`, `class`, `groups`), as bound.
    fn conditions(&self) -> Vec<&Conditions>;
    /// The `class` table whose clauses near misses name (SPEC §8 `near`), for kinds
    /// that give them.
    fn class_conditions(&self) -> Option<&Conditions> {
        None
    }
    /// Cadre columns named outside conditions (`from`, `group_by`).
    fn columns_mut(&mut self) -> Vec<&mut ColName> {
        Vec::new()
    }
    /// The measures the rule counts by (its own and its `or` alternatives), for the
    /// notice of a column a measure needs that the file lacks (SPEC §8).
    fn measures(&self) -> Vec<Measure> {
        Vec::new()
    }
    /// Whether the rule uses a units form (SPEC §6): a dotted column, `"$superiors"`,
    /// or `groups` written as a condition table.
    fn uses_units(&mut self) -> bool {
        self.conditions_mut().iter().any(|c| c.uses_units())
    }
    /// SPEC §9: for a rule due at the plan's end (`coverage` without `every`), the met
    /// rate a forecast must reach, in ten-thousandths (10000, or the rule's `rate`).
    fn plan_end_rate(&self) -> Option<u32> {
        None
    }
}

/// A rule: its common keys and its kind.
#[derive(Debug)]
pub struct Rule {
    pub meta: RuleMeta,
    pub kind: Box<dyn RuleKind>,
    /// SPEC §6 `fallback`: the rule with the fallback's keys in place of its own, run
    /// when it uses a units form and no units table is loaded.
    pub fallback: Option<Box<dyn RuleKind>>,
    /// Run by its fallback (no units table): an approximation of the rule.
    pub approximate: bool,
    /// Uses a units form and runs exactly: cadres without a unit are left out.
    pub exact_units: bool,
}

/// A parsed rule file.
#[derive(Debug)]
pub struct RuleSet {
    /// The file name, for messages.
    pub file: String,
    pub source: String,
    pub plan: Plan,
    pub rules: Vec<Rule>,
    /// `[columns]`: the extra columns declared a date, a number or text (SPEC §6).
    pub columns: Vec<crate::model::Declared>,
    /// `[values]` and `[known]` of the rule file (SPEC §8 "Value spellings").
    pub spellings: Spellings,
    /// What binding the rules to the data noticed (SPEC §8 `column_absent`).
    pub notices: Vec<Notice>,
    /// The columns rules name that the data lacks, by rule id (`validate` and `rules
    /// lint` list them; binding makes each an error).
    pub missing: Vec<(String, ColName)>,
}

impl RuleSet {
    /// Binds every column the rules name to the loaded data; a column the data lacks
    /// is an error naming the rule and the column (SPEC §5 "Conditions, precisely").
    pub fn bind(&mut self, data: &Dataset) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let mut all_missing = Vec::new();
        // What the rules compare text with, and every column they name, for notices.
        let mut compared = Vec::new();
        let mut named: Vec<(String, ColName)> = Vec::new();
        for rule in &mut self.rules {
            // SPEC §6: a rule that uses the units table runs exactly with it, by its
            // fallback without it, or not at all.
            if rule.kind.uses_units() {
                if data.units.is_some() {
                    rule.exact_units = true;
                } else if let Some(fb) = rule.fallback.take() {
                    rule.kind = fb;
                    rule.approximate = true;
                } else {
                    diags.push(Diagnostic::new(
                        rule.meta.id_span.clone(),
                        crate::i18n::say(
                            format!(
                                "规则 `{}` 要用工会组织表（units），但没有读到：请用 --units 文件 指定，或在其他三张表旁放一个 units（工会组织）文件（`peixun init` 可生成模板），或给该规则写 `fallback`",
                                rule.meta.id
                            ),
                            format!(
                                "rule `{}` needs the units table (工会组织), which was not given: give it with --units FILE, or put a `units` file beside the other tables (`peixun init` writes a template), or give the rule a `fallback`",
                                rule.meta.id
                            ),
                        ),
                    ));
                    continue;
                }
            }
            let mut missing = Vec::new();
            for c in rule.kind.conditions_mut() {
                missing.extend(c.bind(data));
                variants::collect_words(c, data, &mut compared);
                // Columns named inside `any` too (SPEC §8 `column_absent`).
                named.extend(
                    c.columns()
                        .into_iter()
                        .map(|col| (rule.meta.id.clone(), col.clone())),
                );
            }
            for c in rule.kind.columns_mut() {
                if !c.bind(data) {
                    missing.push(c.clone());
                }
                named.push((rule.meta.id.clone(), c.clone()));
            }
            for m in missing {
                all_missing.push((rule.meta.id.clone(), m.clone()));
                if matches!(m.via, condition::Via::Unit | condition::Via::Organizer)
                    && let Some(units) = &data.units
                {
                    let have: Vec<&str> = units.headers.iter().map(|(h, _)| h.as_str()).collect();
                    diags.push(Diagnostic::new(
                        m.span.clone(),
                        crate::i18n::say(
                            format!(
                                "规则 `{}` 用到列 `{}`，但工会组织表（{}）没有这一列（其列：{}）",
                                rule.meta.id,
                                m.unit_column(),
                                units.source.file,
                                crate::limits::list(&have, "、", true)
                            ),
                            format!(
                                "rule `{}` names column `{}`, which the units table ({}) does not have (its columns: {})",
                                rule.meta.id,
                                m.unit_column(),
                                units.source.file,
                                crate::limits::list(&have, ", ", false)
                            ),
                        ),
                    ));
                    continue;
                }
                let (table, src) = match m.table {
                    TableKind::Cadres => (&data.cadres_table, "cadres"),
                    _ => (&data.classes_table, "classes"),
                };
                let have: Vec<&str> = table
                    .columns
                    .iter()
                    .filter(|c| c.field.is_none() && !c.header.is_empty())
                    .map(|c| c.header.as_str())
                    .collect();
                diags.push(Diagnostic::new(
                    m.span.clone(),
                    crate::i18n::say(
                        format!(
                            "规则 `{}` 用到列 `{}`，但 {}（{}）没有这一列（其中的其他列：{}）",
                            rule.meta.id,
                            m.name,
                            src,
                            table.source.display(),
                            if have.is_empty() { "无".to_owned() } else { crate::limits::list(&have, "、", true) }
                        ),
                        format!(
                            "rule `{}` names column `{}`, which {} ({}) does not have (extra columns there: {})",
                            rule.meta.id,
                            m.name,
                            src,
                            table.source.display(),
                            if have.is_empty() { "none".to_owned() } else { crate::limits::list(&have, ", ", false) }
                        ),
                    ),
                ));
            }
        }
        let refs: Vec<(String, &ColName)> = named.iter().map(|(r, c)| (r.clone(), c)).collect();
        let mut notices = Vec::new();
        variants::absent_columns(&refs, data, &mut notices);
        let by_hours: Vec<String> = self
            .rules
            .iter()
            .filter(|r| r.kind.measures().contains(&Measure::Hours))
            .map(|r| r.meta.id.clone())
            .collect();
        notices.extend(variants::absent_hours(&by_hours, data));
        notices.extend(variants::variant_notices(&compared, data, &self.spellings));
        self.notices = notices;
        self.missing = all_missing;
        diags
    }

    pub fn find(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.meta.id == id)
    }
}
