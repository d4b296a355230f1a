//! Waivers (`--waivers FILE`): recorded exemptions. A waiver matching a finding (rule,
//! subject, period) turns it `waived`, with the reason and approver in every format, and
//! it no longer affects the exit code. An expired waiver does not apply and is listed;
//! a waiver that matches no finding is listed as a warning; a malformed row is a data
//! error.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::dates::fmt_date;
use crate::i18n::{Lang, Problem};
use crate::load::fields::WaiverRow;
use crate::model::{DataError, Source, TableKind};
use crate::report::{DataErrorEntry, Report, WaiverEntry, WarningEntry};
use crate::rules::RuleSet;
use crate::view::Status;

/// Applies the waivers to a report and lists what did not apply.
pub fn apply(
    report: &mut Report,
    rules: &RuleSet,
    source: &Source,
    waivers: Vec<WaiverRow>,
    mut errors: Vec<DataError>,
    as_of: NaiveDate,
    lang: Lang,
) {
    let ids: std::sync::Arc<[String]> = rules.rules.iter().map(|r| r.meta.id.clone()).collect();
    // Lookups by key, not searches of every rule or finding for each waiver (SPEC §8:
    // nothing quadratic in the number of rules).
    let rule_index: HashMap<String, usize> = report
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    // A finding by rule, subject (ASCII letters in either case) and period: the first.
    let mut finding_index: HashMap<(String, String, Option<i32>), usize> = HashMap::new();
    for (i, f) in report.findings.iter().enumerate() {
        let key = (f.rule.clone(), f.subject.to_ascii_lowercase(), f.period);
        finding_index.entry(key).or_insert(i);
    }
    for w in waivers {
        if !rule_index.contains_key(&w.rule) {
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
        }
        let key = (
            w.rule.clone(),
            w.subject.trim().to_ascii_lowercase(),
            w.period,
        );
        let expired = w.expires_on.is_some_and(|d| d < as_of);
        let Some(f) = finding_index
            .get(&key)
            .and_then(|&i| report.findings.get_mut(i))
        else {
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
        let was = f.status;
        f.status = Status::Waived;
        f.waiver = Some(WaiverEntry {
            reason: w.reason.clone(),
            approved_by: w.approved_by.clone(),
            expires_on: w.expires_on.map(fmt_date),
        });
        let (subject, period) = (f.subject.clone(), f.period);
        let place = f
            .who
            .as_ref()
            .map(|(_, unit, county)| (county.clone(), unit.clone()));
        if let Some(&i) = rule_index.get(&w.rule)
            && let Some(d) = report.details.get_mut(i)
        {
            for cell in d
                .grid
                .iter_mut()
                .filter(|c| c.subject == subject && c.period == period)
            {
                cell.status = "waived";
            }
            // The cadre's county and unit row counts it waived, no longer pending.
            if was != Status::Waived
                && let Some((county, unit)) = &place
                && let Some(row) = d
                    .coverage
                    .iter_mut()
                    .find(|r| &r.county == county && &r.unit == unit)
            {
                if was == Status::Pending {
                    row.pending = row.pending.saturating_sub(1);
                }
                row.waived += 1;
            }
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
    report.recount();
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
