//! Running one rule-test case (SPEC §7): its tables are written to a temporary folder
//! and loaded by the same loader as `check` (same data errors and notices), the rules
//! evaluated by the same evaluation, waivers applied as `check --waivers` does; then
//! what the case expects is compared with what came out.

use std::path::Path;

use anyhow::{Context, Result};

use super::file::{Case, Expect, Expected, TABLES, TestFile};
use crate::i18n::Lang;
use crate::load;
use crate::load::options::ReadOptions;
use crate::report::{Format, Report};
use crate::rules::RuleSet;

/// What a case came to: passed, or each difference as (expected, actual).
#[derive(Debug)]
pub struct Outcome {
    pub name: String,
    pub failures: Vec<(String, String)>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Headers of the tables a case leaves out: an empty classes or attendance table.
const EMPTY: [(&str, &str); 2] = [
    ("classes", "id,organizer_level,category,start_on\n"),
    ("attendance", "cadre_id,class_id\n"),
];

/// Runs a case of a test file.
pub fn run(file: &TestFile, case: &Case, lang: Lang) -> Outcome {
    let failures = match evaluate(file, case, lang) {
        Ok(actual) => compare(case, &actual, lang),
        // What would be exit 2 for `check`: the case fails with that message.
        Err(e) => {
            let parts: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            vec![(
                lang.pick("可以读取的数据", "data that can be loaded")
                    .to_owned(),
                parts.join(": ").trim_end().to_owned(),
            )]
        }
    };
    Outcome {
        name: case.name.clone(),
        failures,
    }
}

/// What a case's run gave.
struct Actual {
    /// Per evaluated rule: (rule, subject, period) that were checked and met.
    met: Vec<(String, String, Option<i32>)>,
    /// Findings: rule, subject, period, status, due, message.
    findings: Vec<Finding>,
    /// Data errors: table, line, column, reason.
    data_errors: Vec<(String, u32, Option<String>, String)>,
    /// Notices: kind, table, column, value, message.
    notices: Vec<[Option<String>; 5]>,
}

struct Finding {
    rule: String,
    subject: String,
    period: Option<i32>,
    status: &'static str,
    due: String,
    message: String,
}

fn evaluate(file: &TestFile, case: &Case, lang: Lang) -> Result<Actual> {
    let mut rules =
        crate::rules::parse::parse(&file.rules_name, &file.rules_text).map_err(|d| {
            anyhow::anyhow!(crate::diag::render(&file.rules_name, &file.rules_text, &d))
        })?;
    if let Some(only) = &case.only {
        rules.rules.retain(|r| only.contains(&r.meta.id));
    }
    let dir = tempfile::tempdir().context("cannot make a temporary folder")?;
    for (text, name) in case.tables.iter().zip(TABLES) {
        let text = match (text, EMPTY.iter().find(|(t, _)| *t == name)) {
            (Some(t), _) => t.as_str(),
            (None, Some((_, header))) => header,
            (None, None) => continue,
        };
        std::fs::write(dir.path().join(format!("{name}.csv")), text)
            .with_context(|| format!("cannot write {name}.csv in a temporary folder"))?;
    }
    let (data, ev, mut report) = load_and_check(dir.path(), &mut rules, case, lang)?;
    let mut overlay = crate::report::overlay::Overlay::default();
    if case.tables[4].is_some() {
        let path = dir.path().join("waivers.csv");
        let (rows, errors) = load::read_waivers(&path, &ReadOptions::default())?;
        let source = crate::tables::Source {
            file: "waivers.csv".to_owned(),
            sheet: None,
        };
        overlay.waived = crate::waivers::apply(
            &mut report,
            &ev,
            &data,
            &source,
            rows,
            errors,
            case.as_of,
            lang,
        );
    }
    report.findings = crate::report::stream::Findings::new(&rules, &data, &ev, lang, false)
        .overlaid(&overlay)
        .entries();
    let mut met = Vec::new();
    for (rule, out) in rules.rules.iter().zip(&ev.met) {
        let id = &rule.meta.id;
        let periods = out.met_cadre_periods.iter().map(|&p| Some(p));
        let periods = periods.chain(std::iter::repeat(None));
        for (&ci, period) in out.met_cadres.iter().zip(periods) {
            let subject = data.cadre_id(&data.cadres[ci as usize]).to_owned();
            met.push((id.clone(), subject, period));
        }
        for &k in &out.met_classes {
            let subject = data.class_id(&data.classes[k as usize]).to_owned();
            met.push((id.clone(), subject, None));
        }
        for (s, p) in &out.met_subjects {
            met.push((id.clone(), s.clone(), *p));
        }
    }
    let findings = report
        .findings
        .iter()
        .map(|f| Finding {
            rule: f.rule.clone(),
            subject: f.subject.clone(),
            period: f.period,
            status: f.status.as_str(),
            due: f.due.clone(),
            message: f.message.clone(),
        })
        .collect();
    let data_errors = report
        .data_errors
        .iter()
        .map(|e| {
            let table = Path::new(&e.file)
                .file_stem()
                .map_or(e.file.clone(), |s| s.to_string_lossy().into_owned());
            // The value, as a data-error table shows it beside the reason.
            let reason = match e.value.as_deref() {
                Some(v) if !v.is_empty() => {
                    let v = crate::limits::cut(v);
                    match lang {
                        Lang::Zh => format!("值“{v}”，{}", e.reason),
                        Lang::En => format!("value “{v}”, {}", e.reason),
                    }
                }
                _ => e.reason.clone(),
            };
            (table, e.line, e.column.clone(), reason)
        })
        .collect();
    // A table the case leaves out is empty by design: that it is empty, or lacks an
    // optional column, is not news.
    let left_out = |n: &crate::report::notices::NoticeEntry| {
        matches!(n.kind, "empty_table" | "column_absent")
            && n.table.is_some_and(|t| {
                TABLES
                    .iter()
                    .zip(&case.tables)
                    .any(|(name, text)| *name == t && text.is_none())
            })
    };
    let notices = report
        .notices
        .iter()
        .filter(|n| !left_out(n))
        .map(|n| {
            [
                Some(n.kind.to_owned()),
                n.table.map(str::to_owned),
                n.column.clone(),
                n.value.clone(),
                Some(n.message.clone()),
            ]
        })
        .collect();
    Ok(Actual {
        met,
        findings,
        data_errors,
        notices,
    })
}

/// Loads the case's folder as `check` loads DATA, binds the rules and evaluates them.
fn load_and_check(
    dir: &Path,
    rules: &mut RuleSet,
    case: &Case,
    lang: Lang,
) -> Result<(crate::model::Dataset, crate::eval::Evaluation, Report)> {
    let located = load::locate::locate_all(dir, [None, None, None])?;
    let units = load::units::locate_units(dir, None, &located.paths)?;
    let opts = ReadOptions {
        spellings: crate::spelling::Spellings::merge(&rules.spellings, &Default::default()),
        declared: rules.columns.clone(),
        ..ReadOptions::default()
    };
    let mut data = load::load(&located.paths, &opts, &rules.plan.levels)?;
    rules.spellings = opts.spellings.clone();
    if let Some(units) = &units {
        load::units::add_units(&mut data, units, &opts, &rules.plan.levels)?;
    }
    data.notices.extend(located.notices);
    let diags = rules.bind(&data);
    if !diags.is_empty() {
        anyhow::bail!(crate::diag::render(&rules.file, &rules.source, &diags));
    }
    let ev = crate::eval::run(rules, &data, case.as_of);
    let report = Report::frame(rules, &data, &ev, lang, Format::Json);
    Ok((data, ev, report))
}

/// Each difference between what the case expects and what came out.
fn compare(case: &Case, actual: &Actual, lang: Lang) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut used = vec![false; actual.findings.len()];
    for e in &case.expect {
        let want = expected_text(e, lang);
        let same = |f: &Finding| {
            f.rule == e.rule && same_id(&f.subject, &e.subject) && f.period == e.period
        };
        let found = actual.findings.iter().position(same);
        if let Some(i) = found {
            used[i] = true;
        }
        let is_met = actual
            .met
            .iter()
            .any(|(r, s, p)| *r == e.rule && same_id(s, &e.subject) && *p == e.period);
        let ok = match (e.status, found) {
            (Expected::Met, None) => is_met,
            (Expected::Met, Some(_)) | (_, None) => false,
            (status, Some(i)) => {
                let f = &actual.findings[i];
                f.status == status.as_str()
                    && e.due.is_none_or(|d| crate::dates::fmt_date(d) == f.due)
            }
        };
        if ok {
            continue;
        }
        let got = match found {
            Some(i) => finding_text(&actual.findings[i], lang),
            None if is_met => format!("{}: met", subject_text(&e.rule, &e.subject, e.period)),
            None => format!(
                "{}: {}",
                subject_text(&e.rule, &e.subject, e.period),
                not_checked(actual, e, lang)
            ),
        };
        out.push((want, got));
    }
    for (f, _) in actual.findings.iter().zip(&used).filter(|(_, u)| !**u) {
        out.push((
            lang.pick("（未预期）", "(not expected)").to_owned(),
            finding_text(f, lang),
        ));
    }
    // Data errors: each expected one present, none other.
    let mut used = vec![false; actual.data_errors.len()];
    for e in &case.data_errors {
        let hit = actual
            .data_errors
            .iter()
            .enumerate()
            .position(|(i, (t, l, c, _))| {
                !used[i] && *t == e.table && *l == e.line && *c == e.column
            });
        match hit {
            Some(i) => used[i] = true,
            None => out.push((
                data_error_text(&e.table, e.line, e.column.as_deref(), None, lang),
                lang.pick("（无此数据错误）", "(no such data error)")
                    .to_owned(),
            )),
        }
    }
    for ((t, l, c, reason), _) in actual.data_errors.iter().zip(&used).filter(|(_, u)| !**u) {
        out.push((
            lang.pick("（未预期）", "(not expected)").to_owned(),
            data_error_text(t, *l, c.as_deref(), Some(reason), lang),
        ));
    }
    // Notices: each expected one matches a notice (on the keys it gives), none other.
    let mut used = vec![false; actual.notices.len()];
    for e in &case.notices {
        let want = [
            Some(&e.kind),
            e.table.as_ref(),
            e.column.as_ref(),
            e.value.as_ref(),
        ];
        let matches = |n: &[Option<String>; 5]| {
            want.iter()
                .zip(n)
                .all(|(w, have)| w.is_none_or(|w| have.as_ref() == Some(w)))
        };
        let mut any = false;
        for (i, n) in actual.notices.iter().enumerate() {
            if matches(n) {
                used[i] = true;
                any = true;
            }
        }
        if !any {
            let keys: Vec<Option<String>> = want.iter().map(|w| w.cloned()).collect();
            out.push((
                notice_text(&keys, None, lang),
                lang.pick("（无此提示）", "(no such notice)").to_owned(),
            ));
        }
    }
    for (n, _) in actual.notices.iter().zip(&used).filter(|(_, u)| !**u) {
        out.push((
            lang.pick("（未预期）", "(not expected)").to_owned(),
            notice_text(&n[..4], n[4].as_deref(), lang),
        ));
    }
    out
}

/// Why an expected subject has no outcome: not a subject of the rule, or checked for
/// other periods only (named).
fn not_checked(actual: &Actual, e: &Expect, lang: Lang) -> String {
    let met = actual
        .met
        .iter()
        .filter(|(r, s, _)| *r == e.rule && same_id(s, &e.subject))
        .map(|(_, _, p)| *p);
    let found = actual
        .findings
        .iter()
        .filter(|f| f.rule == e.rule && same_id(&f.subject, &e.subject))
        .map(|f| f.period);
    let mut periods: Vec<Option<i32>> = met.chain(found).collect();
    periods.sort_unstable();
    periods.dedup();
    if periods.is_empty() {
        return lang
            .pick(
                "未检查（不在规则的检查范围内）",
                "not checked (not a subject of the rule)",
            )
            .to_owned();
    }
    let shown: Vec<String> = periods
        .iter()
        .map(|p| p.map_or_else(|| lang.pick("无期别", "none").to_owned(), |y| y.to_string()))
        .collect();
    match lang {
        Lang::Zh => format!("此期未检查（只检查了：{}）", shown.join("、")),
        Lang::En => format!(
            "not checked for this period (checked for: {})",
            shown.join(", ")
        ),
    }
}

/// Ids compare as the loader compares them: ASCII letters in either case.
fn same_id(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn subject_text(rule: &str, subject: &str, period: Option<i32>) -> String {
    match period {
        Some(p) => format!("{rule} {subject} {p}"),
        None => format!("{rule} {subject}"),
    }
}

fn expected_text(e: &Expect, lang: Lang) -> String {
    let mut s = format!(
        "{}: {}",
        subject_text(&e.rule, &e.subject, e.period),
        e.status.as_str()
    );
    if let Some(d) = e.due {
        s.push_str(lang.pick("，截止 ", ", due "));
        s.push_str(&crate::dates::fmt_date(d));
    }
    s
}

fn finding_text(f: &Finding, lang: Lang) -> String {
    format!(
        "{}: {}{}{}{}{}",
        subject_text(&f.rule, &f.subject, f.period),
        f.status,
        lang.pick("，截止 ", ", due "),
        f.due,
        lang.pick("——", " — "),
        f.message
    )
}

fn data_error_text(
    table: &str,
    line: u32,
    column: Option<&str>,
    reason: Option<&str>,
    lang: Lang,
) -> String {
    let word = lang.pick("数据错误", "data error");
    let mut s = match column {
        Some(c) => format!("{word} {table}:{line} {c}"),
        None => format!("{word} {table}:{line}"),
    };
    if let Some(r) = reason {
        s.push_str(&format!("{}{r}", lang.pick("——", " — ")));
    }
    s
}

/// kind, then `key=value` for the keys given.
fn notice_text(keys: &[Option<String>], message: Option<&str>, lang: Lang) -> String {
    let names = ["kind", "table", "column", "value"];
    let mut parts = vec![lang.pick("提示", "notice").to_owned()];
    for (name, v) in names.iter().zip(keys) {
        if let Some(v) = v {
            parts.push(if *name == "kind" {
                v.clone()
            } else {
                format!("{name}={v}")
            });
        }
    }
    let mut s = parts.join(" ");
    if let Some(m) = message {
        s.push_str(&format!("{}{m}", lang.pick("——", " — ")));
    }
    s
}
