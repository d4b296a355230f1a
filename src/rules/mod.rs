//! Rule sets (SPEC §5): a parsed rule file's rules, the keys every rule has, and the
//! trait every rule kind implements (with the macro that gives a kind its `rules
//! explain` text). A rule file is parsed once (`parse.rs`, reading keys through
//! `keys.rs` and the kinds through `registry.rs`); its columns are bound to the loaded
//! data ([`RuleSet::bind`]) before evaluation, so a column the data lacks is an exit-2
//! error naming the rule and the column. The plan and the as-of view are in `view.rs`.

pub mod condition;
pub mod coverage;
pub mod deadline;
pub mod forbid;
pub mod keys;
pub mod near;
pub mod parse;
pub mod quota;
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
}

/// A rule: its common keys and its kind.
#[derive(Debug)]
pub struct Rule {
    pub meta: RuleMeta,
    pub kind: Box<dyn RuleKind>,
}

/// A parsed rule file.
#[derive(Debug)]
pub struct RuleSet {
    /// The file name, for messages.
    pub file: String,
    pub source: String,
    pub plan: Plan,
    pub rules: Vec<Rule>,
    /// `[values]` and `[known]` of the rule file (SPEC §8 "Value spellings").
    pub spellings: Spellings,
    /// What binding the rules to the data noticed (SPEC §8 `column_absent`).
    pub notices: Vec<Notice>,
}

impl RuleSet {
    /// Binds every column the rules name to the loaded data; a column the data lacks
    /// is an error naming the rule and the column (SPEC §5 "Conditions, precisely").
    pub fn bind(&mut self, data: &Dataset) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        // What the rules compare text with, and every column they name, for notices.
        let mut compared = Vec::new();
        let mut named: Vec<(String, ColName)> = Vec::new();
        for rule in &mut self.rules {
            let mut missing = Vec::new();
            for c in rule.kind.conditions_mut() {
                missing.extend(c.bind(data));
                variants::collect_words(c, data, &mut compared);
                named.extend(
                    c.clauses
                        .iter()
                        .map(|cl| (rule.meta.id.clone(), cl.column.clone())),
                );
            }
            for c in rule.kind.columns_mut() {
                if !c.bind(data) {
                    missing.push(c.clone());
                }
                named.push((rule.meta.id.clone(), c.clone()));
            }
            for m in missing {
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
                    format!(
                        "rule `{}` names column `{}`, which {} ({}) does not have (extra columns there: {})",
                        rule.meta.id,
                        m.name,
                        src,
                        table.source.display(),
                        if have.is_empty() { "none".to_owned() } else { crate::limits::list(&have, ", ", false) }
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
        diags
    }

    pub fn find(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.meta.id == id)
    }
}
