//! Reports: the JSON contract of SPEC §4 as a value ([`Report`]), rendered by one file
//! per format, and written atomically. Only this module writes output.

pub mod json;
pub mod table;

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::eval::{Evaluation, Evidence, Finding, Status, message};
use crate::i18n::Lang;
use crate::load::values::fmt_date;
use crate::model::Dataset;
use crate::rules::{RuleSet, Severity};

/// Output formats of `check` and `validate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Terminal tables (default)
    Table,
    /// JSON for scripts (SPEC §4)
    Json,
}

/// `summary`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub violation: u64,
    pub pending: u64,
    pub waived: u64,
    pub data_errors: u64,
}

/// One entry of `rules`.
#[derive(Clone, Debug, Serialize)]
pub struct RuleEntry {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    pub clause: String,
    pub checked: u64,
    pub met: u64,
    pub violation: u64,
    pub pending: u64,
    pub waived: u64,
}

/// One entry of `findings`.
#[derive(Clone, Debug, Serialize)]
pub struct FindingEntry {
    pub rule: String,
    pub severity: Severity,
    pub status: Status,
    pub subject: String,
    pub period: Option<i32>,
    pub due: String,
    pub message: String,
    pub evidence: Value,
    /// For people-facing formats: the cadre's name, unit and county. Not in JSON.
    #[serde(skip)]
    pub who: Option<(String, String, String)>,
}

/// One entry of `data_errors`.
#[derive(Clone, Debug, Serialize)]
pub struct DataErrorEntry {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub line: u32,
    pub column: Option<String>,
    pub value: Option<String>,
    pub reason: String,
}

/// The whole report, in the shape of SPEC §4.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub as_of: String,
    pub rule_set: String,
    pub summary: Summary,
    pub rules: Vec<RuleEntry>,
    pub findings: Vec<FindingEntry>,
    pub data_errors: Vec<DataErrorEntry>,
    /// Plan title and document number, for people-facing formats.
    #[serde(skip)]
    pub plan_title: Option<String>,
    #[serde(skip)]
    pub plan_document: Option<String>,
}

impl Report {
    /// Builds the report of a check.
    pub fn new(rules: &RuleSet, data: &Dataset, ev: &Evaluation, lang: Lang) -> Report {
        let entries: Vec<RuleEntry> = rules
            .rules
            .iter()
            .zip(&ev.counts)
            .map(|(r, c)| RuleEntry {
                id: r.meta.id.clone(),
                severity: r.meta.severity,
                title: r.meta.title.clone(),
                clause: r.meta.clause.clone(),
                checked: c.checked,
                met: c.met,
                violation: c.violation,
                pending: c.pending,
                waived: c.waived,
            })
            .collect();
        let findings: Vec<FindingEntry> = ev
            .findings
            .iter()
            .map(|f| finding_entry(f, rules, data, lang))
            .collect();
        let data_errors = data_error_entries(data, lang);
        let count = |s: Status| findings.iter().filter(|f| f.status == s).count() as u64;
        Report {
            as_of: fmt_date(ev.as_of),
            rule_set: rules.plan.id.clone(),
            summary: Summary {
                violation: count(Status::Violation),
                pending: count(Status::Pending),
                waived: count(Status::Waived),
                data_errors: data_errors.len() as u64,
            },
            rules: entries,
            findings,
            data_errors,
            plan_title: rules.plan.title.clone(),
            plan_document: rules.plan.document.clone(),
        }
    }

    /// SPEC §4: 1 when a violation at error severity or a data error, else 0.
    pub fn exit_code(&self) -> u8 {
        let failing = self
            .findings
            .iter()
            .any(|f| f.status == Status::Violation && f.severity == Severity::Error);
        u8::from(failing || self.summary.data_errors > 0)
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
            value: e.value.clone(),
            reason: e.reason(lang),
        })
        .collect()
}

fn finding_entry(f: &Finding, rules: &RuleSet, data: &Dataset, lang: Lang) -> FindingEntry {
    let rule = &rules.rules[f.rule];
    let class_ref = |k: u32| {
        let c = &data.classes[k as usize];
        json!({ "class": data.class_id(c), "date": fmt_date(c.start_on) })
    };
    let ids = |ks: &[u32]| -> Value {
        Value::Array(
            ks.iter()
                .map(|&k| Value::from(data.class_id(&data.classes[k as usize])))
                .collect(),
        )
    };
    let evidence = match &f.evidence {
        Evidence::Deadline {
            from,
            required,
            counted,
            late,
            ..
        } => json!({
            "from": fmt_date(*from),
            "required": num(*required),
            "counted": num(*counted),
            "late": late.map_or(Value::Null, class_ref),
        }),
        Evidence::Quota {
            count,
            min,
            max,
            classes,
            ..
        } => json!({
            "count": num(*count),
            "min": min.map_or(Value::Null, num),
            "max": max.map_or(Value::Null, num),
            "classes": ids(classes),
        }),
        Evidence::Coverage {
            required,
            count,
            classes,
            ..
        } => json!({
            "required": num(*required),
            "count": num(*count),
            "classes": ids(classes),
        }),
        Evidence::Forbid { class, values } => {
            let c = &data.classes[*class as usize];
            let mut m = Map::new();
            for (col, v) in values {
                m.insert(col.clone(), v.clone().map_or(Value::Null, Value::from));
            }
            json!({ "class": data.class_id(c), "date": fmt_date(c.start_on), "values": m })
        }
    };
    let who = f.cadre.map(|i| {
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
        severity: rule.meta.severity,
        status: f.status,
        subject: f.subject.clone(),
        period: f.period,
        due: fmt_date(f.due),
        message: message(f, data, lang),
        evidence,
        who,
    }
}

/// A number as JSON: whole numbers without a fraction.
pub fn num(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

/// Writes output to a file atomically (temp file in the same folder, then rename), or
/// to stdout.
pub fn write_output(out: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match out {
        Some(path) => {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .with_context(|| format!("cannot write a report in `{}`", dir.display()))?;
            tmp.write_all(bytes)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            tmp.persist(path)
                .map_err(|e| anyhow::anyhow!("cannot write `{}`: {}", path.display(), e.error))?;
            Ok(())
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.context("cannot write to standard output"),
            }
        }
    }
}
