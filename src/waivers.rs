//! Waivers (`--waivers FILE`): recorded exemptions. A waiver matching a finding (rule,
//! subject, period) turns it `waived`, with the reason and approver in every format, and
//! it no longer affects the exit code. An expired waiver does not apply and is listed;
//! a waiver that matches no finding is listed as a warning; a malformed row is a data
//! error.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::dates::fmt_date;
use crate::eval::Evaluation;
use crate::i18n::{Lang, Problem};
use crate::load::fields::WaiverRow;
use crate::model::{DataError, Dataset, Field, Source, TableKind};
use crate::report::{DataErrorEntry, Report, WaiverEntry, WarningEntry};
use crate::view::Status;

/// Matches the waivers with the evaluation's findings: returns the findings each
/// covers (by position), and puts into the report (framed, its findings not made) what
/// follows: its counts and the per-county summaries count them waived, and the waivers
/// that did not apply are listed. One pass over the findings, whatever their number,
/// without making their entries (SPEC §8).
#[allow(clippy::too_many_arguments)]
pub fn apply(
    report: &mut Report,
    ev: &Evaluation,
    data: &Dataset,
    source: &Source,
    waivers: Vec<WaiverRow>,
    mut errors: Vec<DataError>,
    as_of: NaiveDate,
    lang: Lang,
) -> HashMap<usize, WaiverEntry> {
    let ids: std::sync::Arc<[String]> = report.rules.iter().map(|r| r.id.clone()).collect();
    // Lookups by key, not searches of every rule or finding for each waiver (SPEC §8:
    // nothing quadratic in the number of rules).
    let rule_index: HashMap<String, usize> = report
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    // A finding by rule, subject (ASCII letters in either case) and period: the first.
    let key_of = |w: &WaiverRow| {
        rule_index
            .get(&w.rule)
            .map(|&r| (r, w.subject.trim().to_ascii_lowercase(), w.period))
    };
    let mut first: HashMap<(usize, String, Option<i32>), Option<usize>> = waivers
        .iter()
        .filter_map(|w| key_of(w).map(|k| (k, None)))
        .collect();
    if !first.is_empty() {
        let mut key = (0, String::new(), None);
        for (i, f) in ev.findings.iter().enumerate() {
            key.0 = f.rule;
            key.1.clear();
            key.1.push_str(&f.subject);
            key.1.make_ascii_lowercase();
            key.2 = f.period;
            if let Some(found @ None) = first.get_mut(&key) {
                *found = Some(i);
            }
        }
    }
    let mut waived: HashMap<usize, WaiverEntry> = HashMap::new();
    for w in waivers {
        let Some(key) = key_of(&w) else {
            errors.push(DataError {
                table: TableKind::Waivers,
                source: source.clone(),
                line: w.line,
                column: Some("rule"),
                header: None,
                value: Some(w.rule.clone()),
                problem: Problem::UnknownRule { rules: ids.clone() },
            });
            continue;
        };
        let expired = w.expires_on.is_some_and(|d| d < as_of);
        let Some(i) = first.get(&key).copied().flatten() else {
            report
                .warnings
                .push(warning("unused_waiver", &source.display(), &w, lang));
            continue;
        };
        if expired {
            report
                .warnings
                .push(warning("expired_waiver", &source.display(), &w, lang));
            continue;
        }
        let f = &ev.findings[i];
        let was = if waived.contains_key(&i) {
            Status::Waived
        } else {
            f.status
        };
        waived.insert(
            i,
            WaiverEntry {
                reason: w.reason.clone(),
                approved_by: w.approved_by.clone(),
                expires_on: w.expires_on.map(fmt_date),
            },
        );
        if let Some(d) = report.details.get_mut(f.rule) {
            for cell in d
                .grid
                .iter_mut()
                .filter(|c| c.subject == f.subject && c.period == f.period)
            {
                cell.status = "waived";
            }
        }
        if was == Status::Waived {
            continue;
        }
        let r = &mut report.rules[f.rule];
        match was {
            Status::Violation => r.violation = r.violation.saturating_sub(1),
            Status::Pending => r.pending = r.pending.saturating_sub(1),
            Status::Waived => {}
        }
        r.waived += 1;
        // The cadre's county and unit row counts it waived, no longer pending.
        if let Some(d) = report.details.get_mut(f.rule)
            && let Some(c) = f.cadre.map(|c| &data.cadres[c as usize])
            && let Some(row) = d.coverage.iter_mut().find(|r| {
                r.county == data.cadre_text(c, Field::County)
                    && r.unit == data.cadre_text(c, Field::Unit)
            })
        {
            if was == Status::Pending {
                row.pending = row.pending.saturating_sub(1);
            }
            row.waived += 1;
        }
    }
    errors.sort_by(|a, b| (a.line, a.column).cmp(&(b.line, b.column)));
    report
        .data_errors
        .extend(errors.iter().map(|e| DataErrorEntry {
            file: e.source.file.clone(),
            sheet: e.source.sheet.clone(),
            line: e.line,
            column: e.column.map(str::to_owned),
            header: e.header.clone().filter(|h| Some(h.as_str()) != e.column),
            value: e.value.clone(),
            reason: e.reason(lang),
        }));
    report.summarize();
    waived
}

fn warning(kind: &'static str, file: &str, w: &WaiverRow, lang: Lang) -> WarningEntry {
    let period = w.period.map(|p| p.to_string()).unwrap_or_default();
    // The message quotes the waiver's values cut (SPEC §8); the entry keeps them whole.
    let (rule, subject) = (crate::limits::cut(&w.rule), crate::limits::cut(&w.subject));
    let message = match (kind, lang) {
        ("expired_waiver", Lang::Zh) => format!(
            "豁免已于 {} 到期，未予适用：{} {} {}",
            w.expires_on.map(fmt_date).unwrap_or_default(),
            rule,
            subject,
            period
        ),
        ("expired_waiver", _) => format!(
            "waiver expired on {} and does not apply: {} {} {}",
            w.expires_on.map(fmt_date).unwrap_or_default(),
            rule,
            subject,
            period
        ),
        (_, Lang::Zh) => format!("豁免没有对应的检查结果：{} {} {}", rule, subject, period),
        (_, _) => format!("waiver matches no finding: {} {} {}", rule, subject, period),
    };
    WarningEntry {
        kind,
        file: file.to_owned(),
        line: w.line,
        rule: w.rule.clone(),
        subject: w.subject.clone(),
        period: w.period,
        message: message.trim_end().to_owned(),
    }
}
