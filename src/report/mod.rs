//! Reports: the JSON contract of SPEC §4 as a value ([`Report`]) and how it is built
//! from an evaluation. Each format renders it in a file of its own; `write` picks the
//! format and writes the bytes atomically. Only this module writes output.

pub mod csv;
mod deflate;
pub mod grid;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod mask;
pub mod notices;
pub mod overlay;
pub mod ruledoc;
pub mod sheet_names;
pub mod stream;
pub mod table;
pub mod words;
pub mod write;
pub mod xlsx;
mod xlsx_cells;
mod xlsx_rows;
mod zip_write;

use std::collections::HashMap;

use serde::Serialize;

use crate::dates::fmt_date;
use crate::eval::{Evaluation, message};
use crate::i18n::Lang;
use crate::model::Dataset;
use crate::rules::{RuleSet, Severity};
use crate::view::{Evidence, Failed, Finding, Near, Status};
use notices::{NoticeEntry, notice_entries};

/// What makes `check` exit 1 (`--fail-on`); data errors always do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Violations at error severity (default)
    #[default]
    Error,
    /// Violations at any severity
    Warning,
    /// Violations and pending findings at any severity
    Pending,
    /// No finding (only data errors)
    None,
    /// Violations and pending findings at any severity, and any notice
    Notice,
}

/// Output formats of `check` and `validate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Terminal tables (default)
    Table,
    /// JSON for scripts: stable keys, statuses and rule ids
    Json,
    /// One row per finding, UTF-8 with BOM for Excel
    Csv,
    /// Markdown, for pasting into a written report
    Markdown,
    /// One self-contained HTML page, printable on A4
    Html,
    /// Excel workbook: summary, a sheet per rule, data errors
    Xlsx,
    /// JUnit XML for CI dashboards
    Junit,
}

/// `summary`: `violation`, `pending` and `waived` count findings of every severity
/// (scripts depend on them); `by_severity` splits them (SPEC §8).
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub violation: u64,
    pub pending: u64,
    pub waived: u64,
    pub data_errors: u64,
    pub by_severity: BySeverity,
    /// With `--baseline`: findings not in the baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<u64>,
    /// With `--baseline`: findings whose status is worse than in the baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalated: Option<u64>,
    /// With `--baseline`: findings whose status is better than in the baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eased: Option<u64>,
    /// With `--baseline`: findings with the status they had in the baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unchanged: Option<u64>,
    /// With `--baseline`: baseline findings that are gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<u64>,
}

/// `summary.by_severity`.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct BySeverity {
    pub error: StatusCounts,
    pub warning: StatusCounts,
}

/// Findings of one severity by status.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct StatusCounts {
    pub violation: u64,
    pub pending: u64,
    pub waived: u64,
}

/// One entry of `rules`.
#[derive(Clone, Debug, Serialize)]
pub struct RuleEntry {
    pub id: String,
    /// The rule's kind, for people-facing formats.
    #[serde(skip)]
    pub kind: &'static str,
    pub severity: Severity,
    /// The title as written (JSON keeps it in every language).
    pub title: String,
    pub clause: String,
    /// The title in the report's language, for people-facing formats.
    #[serde(skip)]
    pub heading: String,
    pub checked: u64,
    pub met: u64,
    pub violation: u64,
    pub pending: u64,
    pub waived: u64,
    /// The plan's full sentence the rule enforces, when the rule file gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// How the rule reads the plan, in the report's language (SPEC §6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// SPEC §6: run by its fallback, without the units table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approximate: Option<bool>,
    /// The fallback's conditions in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// Why the rule is approximate, in one line, for people-facing formats.
    #[serde(skip)]
    pub why: Option<String>,
    /// What was noticed under the rule (SPEC §7): it matched nothing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<RuleNoticeEntry>,
}

/// One entry of `rules[].notices` (SPEC §7).
#[derive(Clone, Debug, Serialize)]
pub struct RuleNoticeEntry {
    pub kind: &'static str,
    pub message: String,
}

/// One entry of `findings`.
#[derive(Clone, Debug, Serialize)]
pub struct FindingEntry {
    pub rule: String,
    /// Stable across runs: rule, subject and period.
    pub id: String,
    pub severity: Severity,
    pub status: Status,
    pub subject: String,
    pub period: Option<i32>,
    pub due: String,
    pub message: String,
    pub evidence: EvidenceEntry,
    /// The waiver that covers this finding (`status` is then `waived`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverEntry>,
    /// With `--baseline`: how the finding compares with the baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
    /// With `--baseline`: the status in the baseline, when it was different (a pending
    /// finding that became a violation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_status: Option<String>,
    /// With `--due-within`: a pending finding due within the window.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub due_soon: bool,
    /// For people-facing formats: the cadre's name, unit and county. Not in JSON.
    #[serde(skip)]
    pub who: Option<(String, String, String)>,
}

/// A finding compared with a baseline (SPEC §8), statuses ordered waived < pending <
/// violation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Not in the baseline.
    New,
    /// Worse than in the baseline (pending → violation, a waiver expired).
    Escalated,
    /// Better than in the baseline.
    Eased,
    /// The status it had in the baseline.
    Unchanged,
}

impl Change {
    /// How a finding with status `now` compares with its status in the baseline.
    pub fn between(was: Status, now: Status) -> Change {
        // Higher is worse.
        let rank = |s: Status| match s {
            Status::Waived => 0,
            Status::Pending => 1,
            Status::Violation => 2,
        };
        match rank(now).cmp(&rank(was)) {
            std::cmp::Ordering::Greater => Change::Escalated,
            std::cmp::Ordering::Less => Change::Eased,
            std::cmp::Ordering::Equal => Change::Unchanged,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Escalated => "escalated",
            Change::Eased => "eased",
            Change::Unchanged => "unchanged",
        }
    }
}

/// A finding's `evidence` (SPEC §4): the amounts and the classes its message names.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum EvidenceEntry {
    Deadline {
        from: String,
        required: Num,
        counted: Num,
        late: Option<ClassRef>,
        near: Vec<NearEntry>,
        /// With `or` (SPEC §6): every measure's total, main first.
        #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "amounts_map")]
        amounts: Vec<(&'static str, Num)>,
        /// When the rule counts hours: the classes counted that had none.
        #[serde(skip_serializing_if = "Option::is_none")]
        no_hours: Option<Vec<String>>,
    },
    Quota {
        count: Num,
        min: Option<Num>,
        max: Option<Num>,
        classes: Vec<String>,
        /// Not given for `measure = "attendees"` (SPEC §8).
        #[serde(skip_serializing_if = "Option::is_none")]
        near: Option<Vec<NearEntry>>,
        #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "amounts_map")]
        amounts: Vec<(&'static str, Num)>,
        #[serde(skip_serializing_if = "Option::is_none")]
        no_hours: Option<Vec<String>>,
    },
    Coverage {
        required: Num,
        count: Num,
        classes: Vec<String>,
        near: Vec<NearEntry>,
        #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "amounts_map")]
        amounts: Vec<(&'static str, Num)>,
        #[serde(skip_serializing_if = "Option::is_none")]
        no_hours: Option<Vec<String>>,
    },
    /// A coverage `rate` not reached by a group (SPEC §6).
    Rate {
        checked: u64,
        met: u64,
        rate_required: Num,
        /// met / checked, truncated to two decimals.
        rate: Num,
        unmet: Vec<String>,
    },
    Forbid {
        class: String,
        date: String,
        /// The columns the rule tests and their values (null when empty), in rule order.
        #[serde(serialize_with = "values_map")]
        values: Vec<(String, Option<String>)>,
    },
}

/// A near miss (SPEC §8 `near`): a class and the one condition it failed — the column
/// the rule names, or `completed` for an attendance not completed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NearEntry {
    pub class: String,
    pub failed: String,
}

/// A class and its start date.
#[derive(Clone, Debug, Serialize)]
pub struct ClassRef {
    pub class: String,
    pub date: String,
}

/// A number in a report: whole numbers without a fraction (`2`, `1.5`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = self.0;
        if n.fract() == 0.0 && n.abs() < 9e15 {
            s.serialize_i64(n as i64)
        } else {
            s.serialize_f64(n)
        }
    }
}

fn amounts_map<S: serde::Serializer>(
    amounts: &[(&'static str, Num)],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(amounts.iter().map(|(k, v)| (k, v)))
}

fn values_map<S: serde::Serializer>(
    values: &[(String, Option<String>)],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(values.iter().map(|(k, v)| (k, v)))
}

/// A recorded exemption (`--waivers`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct WaiverEntry {
    pub reason: String,
    pub approved_by: String,
    pub expires_on: Option<String>,
}

/// Something worth knowing that is neither a finding nor a data error (an expired or
/// unused waiver).
#[derive(Clone, Debug, Serialize)]
pub struct WarningEntry {
    pub kind: &'static str,
    pub file: String,
    pub line: u32,
    pub rule: String,
    pub subject: String,
    pub period: Option<i32>,
    pub message: String,
}

/// A baseline finding that is gone (`--baseline`).
#[derive(Clone, Debug, Serialize)]
pub struct ResolvedEntry {
    pub id: String,
    pub rule: String,
    pub subject: String,
    pub period: Option<i32>,
    pub status: String,
}

/// The plan, for people-facing formats.
#[derive(Clone, Debug, Default)]
pub struct PlanInfo {
    pub title: Option<String>,
    pub document: Option<String>,
    pub authority: String,
    pub start: String,
    pub end: String,
}

/// Per-rule summaries for auditors' formats (HTML, xlsx).
#[derive(Clone, Debug, Default)]
pub struct RuleDetail {
    /// Quota rules: every subject × period, with its status.
    pub grid: Vec<GridCell>,
    /// Coverage and deadline rules: per county and unit, cadres checked and met.
    pub coverage: Vec<CoverageRow>,
}

/// One subject and period of a quota rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GridCell {
    pub subject: String,
    pub period: Option<i32>,
    /// `met`, `violation`, `pending` or `waived`.
    pub status: &'static str,
}

/// Cadres checked by a rule, for one county and unit: met, pending (not met yet, not
/// due yet), waived, and the rest not met (SPEC §8: pending apart from unmet).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoverageRow {
    pub county: String,
    pub unit: String,
    pub checked: u64,
    pub met: u64,
    pub pending: u64,
    pub waived: u64,
}

impl CoverageRow {
    /// Cadres whose requirement is due and not met: violations.
    pub fn unmet(&self) -> u64 {
        self.checked
            .saturating_sub(self.met + self.pending + self.waived)
    }
}

/// One entry of `data_errors`.
#[derive(Clone, Debug, Serialize)]
pub struct DataErrorEntry {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub line: u32,
    pub column: Option<String>,
    /// The column's header as written, where it differs from `column` (SPEC §8).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    pub value: Option<String>,
    pub reason: String,
}

impl DataErrorEntry {
    /// The column as human formats show it: the header it was read from (SPEC §8).
    pub fn shown_column(&self) -> Option<&str> {
        self.header.as_deref().or(self.column.as_deref())
    }
}

/// The whole report, in the shape of SPEC §4.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub as_of: String,
    pub rule_set: String,
    /// `--mask-ids`: ids and names are masked (SPEC §8).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub masked: bool,
    pub summary: Summary,
    pub rules: Vec<RuleEntry>,
    pub findings: Vec<FindingEntry>,
    pub data_errors: Vec<DataErrorEntry>,
    /// What changes the answer without being a data error (SPEC §8).
    pub notices: Vec<NoticeEntry>,
    /// Expired or unused waivers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<WarningEntry>,
    /// With `--baseline`: baseline findings that are gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<Vec<ResolvedEntry>>,
    /// The plan, for people-facing formats.
    #[serde(skip)]
    pub plan: PlanInfo,
    /// Per rule, in rule order: summaries for auditors' formats.
    #[serde(skip)]
    pub details: Vec<RuleDetail>,
}

impl Report {
    /// The report without its findings (`findings` is empty), its counts and summary
    /// those of the evaluation: the findings are made as they are written
    /// ([`stream::Findings`]), or all at once ([`stream::Findings::entries`]) for the
    /// formats that need the whole list.
    ///
    /// What only some formats show is left out for the others: the per-county summaries
    /// (HTML, xlsx) and each cadre's name, unit and county (all but JSON).
    pub fn frame(
        rules: &RuleSet,
        data: &Dataset,
        ev: &Evaluation,
        lang: Lang,
        format: Format,
    ) -> Report {
        let entries: Vec<RuleEntry> = rules
            .rules
            .iter()
            .zip(&ev.counts)
            .map(|(r, c)| RuleEntry {
                id: r.meta.id.clone(),
                kind: r.meta.kind,
                severity: r.meta.severity,
                title: r.meta.title.clone(),
                clause: r.meta.clause.clone(),
                quote: r.meta.quote.clone(),
                note: r.meta.note_in(lang).map(str::to_owned),
                heading: match (r.approximate, lang) {
                    (false, _) => r.meta.title_in(lang).to_owned(),
                    (true, Lang::Zh) => format!("〔近似〕{}", r.meta.title_in(lang)),
                    (true, Lang::En) => format!("(approximate) {}", r.meta.title_in(lang)),
                },
                approximate: r.approximate.then_some(true),
                basis: r
                    .approximate
                    .then(|| r.kind.describe(lang, &rules.plan)),
                why: r.approximate.then(|| {
                    lang.pick(
                        "未读到工会组织表（units），本条按规则文件中的 fallback 近似检查",
                        "no units table was given, so this rule is checked approximately by its fallback",
                    )
                    .to_owned()
                }),
                checked: c.checked,
                met: c.met,
                violation: c.violation,
                pending: c.pending,
                waived: c.waived,
                notices: c
                    .notices
                    .iter()
                    .map(|n| RuleNoticeEntry {
                        kind: crate::rules::matched::RuleNotice::KIND,
                        message: n.message(lang),
                    })
                    .collect(),
            })
            .collect();
        let data_errors = data_error_entries(data, lang);
        let details = if matches!(format, Format::Html | Format::Xlsx) {
            rule_details(rules.rules.len(), ev, data)
        } else {
            Vec::new()
        };
        let mut report = Report {
            as_of: fmt_date(ev.as_of),
            rule_set: rules.plan.id.clone(),
            masked: false,
            summary: Summary::default(),
            rules: entries,
            findings: Vec::new(),
            data_errors,
            notices: notice_entries(data.notices.iter().chain(&ev.notices), lang),
            warnings: Vec::new(),
            resolved: None,
            plan: PlanInfo {
                title: rules.plan.title_in(lang).map(str::to_owned),
                document: rules.plan.document.clone(),
                authority: rules.plan.authority.clone(),
                start: fmt_date(rules.plan.start),
                end: fmt_date(rules.plan.end),
            },
            details,
        };
        report.summarize();
        report
    }

    /// Each rule's position, by its id.
    pub fn rule_index(&self) -> HashMap<&str, usize> {
        self.rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect()
    }

    /// Each rule's findings (in the order of `rules`), each list in report order: one
    /// pass over the findings, not one per rule (SPEC §8: nothing quadratic in the
    /// number of rules).
    pub fn findings_by_rule(&self) -> Vec<Vec<&FindingEntry>> {
        let index = self.rule_index();
        let mut by_rule = vec![Vec::new(); self.rules.len()];
        for f in &self.findings {
            if let Some(&i) = index.get(f.rule.as_str()) {
                by_rule[i].push(f);
            }
        }
        by_rule
    }

    /// `summary` from the rules' counts.
    pub(crate) fn summarize(&mut self) {
        let mut by = BySeverity::default();
        for r in &self.rules {
            let s = match r.severity {
                Severity::Error => &mut by.error,
                Severity::Warning => &mut by.warning,
            };
            s.violation += r.violation;
            s.pending += r.pending;
            s.waived += r.waived;
        }
        self.summary.violation = by.error.violation + by.warning.violation;
        self.summary.pending = by.error.pending + by.warning.pending;
        self.summary.waived = by.error.waived + by.warning.waived;
        self.summary.by_severity = by;
        self.summary.data_errors = self.data_errors.len() as u64;
    }

    /// SPEC §4: 1 when a violation at error severity or a data error, else 0;
    /// `--fail-on` chooses which findings fail. Data errors always do.
    ///
    /// Read from `summary`, which counts every finding, listed or streamed.
    pub fn exit_code_with(&self, fail_on: FailOn) -> u8 {
        let s = &self.summary;
        let failing = match fail_on {
            FailOn::Error => s.by_severity.error.violation > 0,
            FailOn::Warning => s.violation > 0,
            FailOn::Pending | FailOn::Notice => s.violation + s.pending > 0,
            FailOn::None => false,
        };
        // A notice under a rule (it matched nothing, SPEC §7) is a notice too.
        let noticed = fail_on == FailOn::Notice
            && (!self.notices.is_empty() || self.rules.iter().any(|r| !r.notices.is_empty()));
        u8::from(failing || noticed || self.summary.data_errors > 0)
    }

    /// The default exit code (`--fail-on error`).
    pub fn exit_code(&self) -> u8 {
        self.exit_code_with(FailOn::Error)
    }
}

/// The data errors of a dataset, as report entries (sorted as loaded: table, line, column).
pub fn data_error_entries(data: &Dataset, lang: Lang) -> Vec<DataErrorEntry> {
    data.data_errors
        .iter()
        .map(|e| DataErrorEntry {
            file: e.source.file.clone(),
            sheet: e.source.sheet.clone(),
            line: e.line,
            column: e.column.map(str::to_owned),
            header: e.header.clone().filter(|h| Some(h.as_str()) != e.column),
            value: e.value.clone(),
            reason: e.reason(lang),
        })
        .collect()
}

pub(super) fn finding_entry(
    f: &Finding,
    rules: &RuleSet,
    data: &Dataset,
    lang: Lang,
    who: bool,
) -> FindingEntry {
    let rule = &rules.rules[f.rule];
    let class_ref = |k: u32| {
        let c = &data.classes[k as usize];
        ClassRef {
            class: data.class_id(c).to_owned(),
            date: fmt_date(c.start_on),
        }
    };
    let ids = |ks: &[u32]| -> Vec<String> {
        ks.iter()
            .map(|&k| data.class_id(&data.classes[k as usize]).to_owned())
            .collect()
    };
    let near = |ns: &[Near]| -> Vec<NearEntry> {
        let clauses = rule.kind.class_conditions();
        ns.iter()
            .map(|n| NearEntry {
                class: data.class_id(&data.classes[n.class as usize]).to_owned(),
                failed: match n.failed {
                    Failed::Completed => "completed".to_owned(),
                    Failed::Clause(i) => clauses
                        .and_then(|c| c.clauses.get(i as usize))
                        .map(|c| c.column.name.clone())
                        .unwrap_or_default(),
                },
            })
            .collect()
    };
    let amounts = |am: &[(crate::view::Measure, f64)]| -> Vec<(&'static str, Num)> {
        am.iter().map(|&(m, n)| (m.name(), Num(n))).collect()
    };
    let evidence = match &f.evidence {
        Evidence::Deadline {
            from,
            required,
            counted,
            late,
            near: ns,
            amounts: am,
            no_hours,
            ..
        } => EvidenceEntry::Deadline {
            from: fmt_date(*from),
            required: Num(*required),
            counted: Num(*counted),
            late: late.map(class_ref),
            near: near(ns),
            amounts: amounts(am),
            no_hours: no_hours.as_deref().map(ids),
        },
        Evidence::Quota {
            count,
            min,
            max,
            classes,
            near: ns,
            measure,
            amounts: am,
            no_hours,
            ..
        } => EvidenceEntry::Quota {
            count: Num(*count),
            min: min.map(Num),
            max: max.map(Num),
            classes: ids(classes),
            near: (*measure != crate::view::Measure::Attendees).then(|| near(ns)),
            amounts: amounts(am),
            no_hours: no_hours.as_deref().map(ids),
        },
        Evidence::Coverage {
            required,
            count,
            classes,
            near: ns,
            amounts: am,
            no_hours,
            ..
        } => EvidenceEntry::Coverage {
            required: Num(*required),
            count: Num(*count),
            classes: ids(classes),
            near: near(ns),
            amounts: amounts(am),
            no_hours: no_hours.as_deref().map(ids),
        },
        Evidence::Rate {
            checked,
            met,
            required,
            unmet,
        } => EvidenceEntry::Rate {
            checked: *checked,
            met: *met,
            rate_required: Num(f64::from(*required) / 10_000.0),
            rate: Num(crate::eval::truncated_rate(*met, *checked)),
            unmet: unmet.to_vec(),
        },
        Evidence::Forbid { class, values } => {
            let ClassRef { class, date } = class_ref(*class);
            EvidenceEntry::Forbid {
                class,
                date,
                values: values.to_vec(),
            }
        }
    };
    let who = f.cadre.filter(|_| who).map(|i| {
        let c = &data.cadres[i as usize];
        use crate::model::Field;
        (
            data.cadre_text(c, Field::Name).to_owned(),
            data.cadre_text(c, Field::Unit).to_owned(),
            data.cadre_text(c, Field::County).to_owned(),
        )
    });
    FindingEntry {
        rule: rule.meta.id.clone(),
        id: finding_id(&rule.meta.id, &f.subject, f.period),
        severity: rule.meta.severity,
        status: f.status,
        subject: f.subject.clone(),
        period: f.period,
        due: fmt_date(f.due),
        message: message(f, rules, data, lang),
        evidence,
        waiver: None,
        change: None,
        previous_status: None,
        due_soon: false,
        who,
    }
}

/// A finding's stable id: `rule:subject`, or `rule:subject:period`.
pub fn finding_id(rule: &str, subject: &str, period: Option<i32>) -> String {
    match period {
        Some(p) => format!("{rule}:{subject}:{p}"),
        None => format!("{rule}:{subject}"),
    }
}

/// Per-county summaries of one rule's outcome.
/// Each rule's [`rule_detail`], the rules shared among the cores (a coverage rule over
/// a million cadres takes a tenth of a second).
fn rule_details(rules: usize, ev: &Evaluation, data: &Dataset) -> Vec<RuleDetail> {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if threads < 2 || rules < 2 {
        return (0..rules).map(|i| rule_detail(i, ev, data)).collect();
    }
    let next = AtomicUsize::new(0);
    let mut made: Vec<(usize, RuleDetail)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads.min(rules))
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Relaxed);
                        if i >= rules {
                            return mine;
                        }
                        mine.push((i, rule_detail(i, ev, data)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    made.sort_by_key(|(i, _)| *i);
    made.into_iter().map(|(_, d)| d).collect()
}

fn rule_detail(rule: usize, ev: &Evaluation, data: &Dataset) -> RuleDetail {
    use crate::model::Field;
    let met = &ev.met[rule];
    // Findings are in rule order (`eval::run`): this rule's are one run of them.
    let from = ev.findings.partition_point(|f| f.rule < rule);
    let to = ev.findings.partition_point(|f| f.rule <= rule);
    let findings = ev.findings[from..to].iter();
    let mut detail = RuleDetail::default();
    if !met.met_subjects.is_empty()
        || findings
            .clone()
            .any(|f| f.period.is_some() || f.cadre.is_none())
    {
        let mut grid: Vec<GridCell> = met
            .met_subjects
            .iter()
            .map(|(s, p)| GridCell {
                subject: s.clone(),
                period: *p,
                status: "met",
            })
            .collect();
        grid.extend(
            findings
                .clone()
                .filter(|f| !matches!(f.evidence, Evidence::Forbid { .. }))
                .map(|f| GridCell {
                    subject: f.subject.clone(),
                    period: f.period,
                    status: f.status.as_str(),
                }),
        );
        grid.sort_by(|a, b| a.subject.cmp(&b.subject).then(a.period.cmp(&b.period)));
        detail.grid = grid;
    }
    let cadre_findings: Vec<(u32, Status)> = findings
        .filter_map(|f| Some((f.cadre?, f.status)))
        .collect();
    if !met.met_cadres.is_empty() || !cadre_findings.is_empty() {
        // Counted by borrowed (county, unit) keys: a million cadres, a few thousand units.
        // Per key: checked, met, pending, waived.
        // The columns looked up once, not for each of a million cadres.
        let table = &data.cadres_table;
        let (county, unit) = (table.col_of(Field::County), table.col_of(Field::Unit));
        let text = |row: u32, col: Option<usize>| col.map_or("", |col| table.cell(row, col));
        type Counts<'d> = hashbrown::HashMap<(&'d str, &'d str), [u64; 4]>;
        let count = |met_cadres: &[u32], found: &[(u32, Status)]| -> Counts<'_> {
            let mut rows = Counts::new();
            let mut add = |i: u32, outcome: Option<Status>| {
                let c = &data.cadres[i as usize];
                let key = (text(c.row, county), text(c.row, unit));
                let row = rows.entry(key).or_insert([0; 4]);
                row[0] += 1;
                match outcome {
                    None => row[1] += 1,
                    Some(Status::Pending) => row[2] += 1,
                    Some(Status::Waived) => row[3] += 1,
                    Some(Status::Violation) => {}
                }
            };
            for &i in met_cadres {
                add(i, None);
            }
            for &(i, status) in found {
                add(i, Some(status));
            }
            rows
        };
        // Half the cadres counted on another core when there are many.
        let rows = if met.met_cadres.len() + cadre_findings.len() > 200_000 {
            let (met_a, met_b) = met.met_cadres.split_at(met.met_cadres.len() / 2);
            let (found_a, found_b) = cadre_findings.split_at(cadre_findings.len() / 2);
            let (mut a, b) = std::thread::scope(|s| {
                let other = s.spawn(|| count(met_b, found_b));
                let a = count(met_a, found_a);
                (
                    a,
                    other
                        .join()
                        .unwrap_or_else(|e| std::panic::resume_unwind(e)),
                )
            });
            for (key, n) in b {
                let row = a.entry(key).or_insert([0; 4]);
                for (x, y) in row.iter_mut().zip(n) {
                    *x += y;
                }
            }
            a
        } else {
            count(&met.met_cadres, &cadre_findings)
        };
        let mut rows: Vec<_> = rows.into_iter().collect();
        // Each (county, unit) once: an unstable sort orders them as a stable one would.
        rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let rows: Vec<CoverageRow> = rows
            .into_iter()
            .map(
                |((county, unit), [checked, met, pending, waived])| CoverageRow {
                    county: county.to_owned(),
                    unit: unit.to_owned(),
                    checked,
                    met,
                    pending,
                    waived,
                },
            )
            .collect();
        detail.coverage = rows;
    }
    detail
}
