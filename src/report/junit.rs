//! `--format junit`: JUnit XML, for CI dashboards that show nightly checks as tests.
//!
//! How the report maps onto tests, chosen so a dashboard goes red exactly when `check`
//! exits 1 with the default `--fail-on error`:
//! - one `<testsuite>` per rule, named by its id, in rule order: `tests` = its test
//!   cases (one per finding), `failures` = violations at error severity, `skipped` = the
//!   rule's other findings (pending, waived, and violations of a warning-severity rule),
//!   `errors` = 0. Met subjects have no `<testcase>` of their own (the report does not
//!   list them one by one); the suite's `checked` and `met` properties count them.
//! - one `<testcase>` per finding: `name` = the finding's stable id, `classname` = the
//!   rule id. An error-severity violation holds a `<failure>` (`type` = the status,
//!   `message` = the finding's message); any other finding a `<skipped>` whose message
//!   starts with its status. The element's text gives subject, cadre, period, due date
//!   and evidence.
//! - data errors, when there are any, make a last suite, `data-errors`, one `<testcase>`
//!   each holding an `<error>`: they make the check incomplete and always exit 1.
//!
//! No timestamps or durations (`time="0"`): two runs on the same data give the same bytes.

use super::stream::{ByRule, Listed};
use super::words::{
    change_text, change_word, escape_controls, examples_text, is_alert, status_word,
};
use super::{EvidenceEntry, FindingEntry, NearEntry, Num, Report, RuleEntry};
use crate::i18n::Lang;
use crate::model::TableKind;
use crate::rules::Severity;
use crate::view::Status;

/// Escapes text for XML content and attributes; characters XML 1.0 cannot hold become
/// `\u{..}` text.
fn esc(s: &str, attribute: bool) -> String {
    let s = escape_controls(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            // Attribute-value normalisation would turn these into spaces.
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\u{fffe}' | '\u{ffff}' => out.push_str(&c.escape_unicode().to_string()),
            _ => out.push(c),
        }
    }
    out
}

fn attr(s: &str) -> String {
    esc(s, true)
}

fn text(s: &str) -> String {
    esc(s, false)
}

/// Whether a finding fails its test case.
fn fails(f: &FindingEntry) -> bool {
    f.status == Status::Violation && f.severity == Severity::Error
}

/// The details of a finding, one `key: value` per line.
fn details(f: &FindingEntry, lang: Lang) -> String {
    let sep = lang.pick("：", ": ");
    let mut lines = vec![format!(
        "{}{sep}{}",
        lang.pick("对象", "subject"),
        f.subject
    )];
    if let Some((name, unit, county)) = &f.who {
        let who: Vec<&str> = [name, unit, county]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect();
        if !who.is_empty() {
            lines.push(format!(
                "{}{sep}{}",
                lang.pick("干部", "cadre"),
                who.join(" · ")
            ));
        }
    }
    if let Some(p) = f.period {
        lines.push(format!("{}{sep}{p}", lang.pick("期间", "period")));
    }
    lines.push(format!("{}{sep}{}", lang.pick("截止日", "due"), f.due));
    lines.push(format!(
        "{}{sep}{}",
        lang.pick("状态", "status"),
        status_word(f.status, lang)
    ));
    if f.change.is_some() {
        lines.push(format!(
            "{}{sep}{}",
            lang.pick("变化", "change"),
            change_text(f, lang)
        ));
    }
    if let Some(w) = &f.waiver {
        lines.push(format!(
            "{}{sep}{} ({})",
            lang.pick("豁免", "waiver"),
            w.reason,
            w.approved_by
        ));
    }
    lines.push(format!(
        "{}{sep}{}",
        lang.pick("依据", "evidence"),
        evidence_text(&f.evidence, lang)
    ));
    lines.join("\n")
}

/// A class or attendance column in words: in Chinese by its Chinese header (培训类别,
/// 是否结业), as `rules explain` names columns; otherwise as the rule file names it.
fn column_word(name: &str, lang: Lang) -> String {
    let known = [TableKind::Classes, TableKind::Attendance]
        .into_iter()
        .flat_map(crate::model::fields_of)
        .find(|f| f.name == name)
        .and_then(|f| f.aliases.first());
    match (lang, known) {
        (Lang::Zh, Some(zh)) => (*zh).to_owned(),
        _ => name.to_owned(),
    }
}

/// A finding's evidence in words, for the people reading a CI dashboard (the JSON
/// report keeps it as data): `起算日 2018-06-20，需 1，计入 0，…`.
fn evidence_text(e: &EvidenceEntry, lang: Lang) -> String {
    let num = |n: &Num| serde_json::to_string(n).unwrap_or_default();
    let list = |ids: &[String]| {
        if ids.is_empty() {
            lang.pick("无", "none").to_owned()
        } else {
            ids.join(lang.pick("、", ", "))
        }
    };
    let near = |near: &[NearEntry]| {
        let items: Vec<String> = near
            .iter()
            .map(|n| match lang {
                Lang::Zh => format!("{}（不符：{}）", n.class, column_word(&n.failed, lang)),
                Lang::En => format!("{} (failed: {})", n.class, n.failed),
            })
            .collect();
        list(&items)
    };
    let amounts = |a: &[(&str, Num)]| {
        let items: Vec<String> = a
            .iter()
            .map(|(k, v)| {
                let k = match *k {
                    "classes" => lang.pick("期数", "classes"),
                    "days" => lang.pick("天数", "days"),
                    "hours" => lang.pick("学时", "hours"),
                    other => other,
                };
                format!("{k} {}", num(v))
            })
            .collect();
        items.join(lang.pick("、", ", "))
    };
    let mut parts: Vec<String> = Vec::new();
    let mut push = |zh: &str, en: &str, v: String| {
        parts.push(format!("{} {v}", lang.pick(zh, en)));
    };
    match e {
        EvidenceEntry::Deadline {
            from,
            required,
            counted,
            late,
            near: n,
            amounts: a,
            no_hours,
        } => {
            push("起算日", "from", from.clone());
            push("需", "required", num(required));
            push("计入", "counted", num(counted));
            if !a.is_empty() {
                push("各项合计", "amounts", amounts(a));
            }
            push(
                "逾期首次",
                "late",
                late.as_ref().map_or_else(
                    || lang.pick("无", "none").to_owned(),
                    |l| match lang {
                        Lang::Zh => format!("{}（{}）", l.class, l.date),
                        Lang::En => format!("{} ({})", l.class, l.date),
                    },
                ),
            );
            push("接近", "near", near(n));
            if let Some(h) = no_hours {
                push("无学时", "no hours", list(h));
            }
        }
        EvidenceEntry::Quota {
            count,
            min,
            max,
            classes,
            near: n,
            amounts: a,
            no_hours,
        } => {
            push("实有", "count", num(count));
            if let Some(m) = min {
                push("至少", "min", num(m));
            }
            if let Some(m) = max {
                push("至多", "max", num(m));
            }
            if !a.is_empty() {
                push("各项合计", "amounts", amounts(a));
            }
            push("班次", "classes", list(classes));
            if let Some(n) = n {
                push("接近", "near", near(n));
            }
            if let Some(h) = no_hours {
                push("无学时", "no hours", list(h));
            }
        }
        EvidenceEntry::Coverage {
            required,
            count,
            classes,
            near: n,
            amounts: a,
            no_hours,
        } => {
            push("需", "required", num(required));
            push("实有", "count", num(count));
            if !a.is_empty() {
                push("各项合计", "amounts", amounts(a));
            }
            push("班次", "classes", list(classes));
            push("接近", "near", near(n));
            if let Some(h) = no_hours {
                push("无学时", "no hours", list(h));
            }
        }
        EvidenceEntry::Rate {
            checked,
            met,
            rate_required,
            rate,
            unmet,
        } => {
            push("检查", "checked", checked.to_string());
            push("达标", "met", met.to_string());
            push("要求比例", "rate required", num(rate_required));
            push("实际比例", "rate", num(rate));
            push("未达标", "unmet", list(unmet));
        }
        EvidenceEntry::Forbid {
            class,
            date,
            values,
        } => {
            push("班次", "class", class.clone());
            push("日期", "date", date.clone());
            let vals: Vec<String> = values
                .iter()
                .map(|(k, v)| {
                    let k = column_word(k, lang);
                    format!("{k} = {}", v.as_deref().unwrap_or("—"))
                })
                .collect();
            push("取值", "values", vals.join(lang.pick("，", ", ")));
        }
    }
    parts.join(lang.pick("；", "; "))
}

/// Renders the report as JUnit XML.
pub fn render(report: &Report, lang: Lang) -> Vec<u8> {
    let listed = Listed(report.findings_by_rule());
    let mut out = Vec::new();
    // Writing to memory does not fail.
    let _ = write(report, &listed, lang, &mut out);
    out
}

/// Writes the report as JUnit XML with `findings` (the report's own, or streamed):
/// each rule's test cases as they are made. The totals come first, from the rules'
/// counts: a rule's violations are its failures when it is at error severity.
pub fn write(
    report: &Report,
    findings: &dyn ByRule,
    lang: Lang,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let sizes = findings.sizes();
    let failed = |rule: &RuleEntry, count: usize| match rule.severity {
        Severity::Error => rule.violation.min(count as u64),
        Severity::Warning => 0,
    };
    let (mut tests, mut failures, mut skipped) = (0u64, 0u64, 0u64);
    for (rule, &(count, _)) in report.rules.iter().zip(&sizes) {
        tests += count as u64;
        failures += failed(rule, count);
        skipped += count as u64 - failed(rule, count);
    }
    let errors = report.data_errors.len() as u64;
    tests += errors;
    w.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
    w.write_all(format!(
        "<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"0\">\n",
        attr(&format!("peixun {} {}", report.rule_set, report.as_of))
    ).as_bytes())?;
    let mut suites = String::new();
    for (ri, (rule, &(count, _))) in report.rules.iter().zip(&sizes).enumerate() {
        let failed = failed(rule, count);
        let other = count as u64 - failed;
        // `tests` counts the test cases written; subjects met have none of their own and
        // appear in the `checked` and `met` properties instead.
        let checked = count as u64;
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{checked}\" failures=\"{failed}\" errors=\"0\" skipped=\"{other}\" time=\"0\">\n",
            attr(&rule.id)
        ));
        suites.push_str("    <properties>\n");
        for (name, value) in [
            ("title", rule.heading.as_str()),
            ("clause", rule.clause.as_str()),
            ("severity", rule.severity.as_str()),
            ("kind", rule.kind),
            ("as_of", report.as_of.as_str()),
            ("checked", &rule.checked.to_string()),
            ("met", &rule.met.to_string()),
        ]
        .into_iter()
        .chain(rule.note.as_deref().map(|n| ("note", n)))
        .chain(rule.why.as_deref().map(|n| ("approximate", n)))
        .chain(rule.notices.iter().map(|n| (n.kind, n.message.as_str())))
        {
            suites.push_str(&format!(
                "      <property name=\"{name}\" value=\"{}\"/>\n",
                attr(value)
            ));
        }
        suites.push_str("    </properties>\n");
        w.write_all(suites.as_bytes())?;
        suites.clear();
        let print = |_: usize, f: &FindingEntry, buf: &mut Vec<u8>| {
            let mut suites = String::new();
            suites.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" time=\"0\">\n",
                attr(&f.id),
                attr(&f.rule)
            ));
            // New and escalated findings alike say so first.
            let message = match f.change.filter(|&c| is_alert(c)) {
                Some(c) => format!(
                    "{}{}{}",
                    change_word(c, lang),
                    lang.pick("：", ": "),
                    f.message
                ),
                None => f.message.clone(),
            };
            if fails(f) {
                suites.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                    f.status.as_str(),
                    attr(&message),
                    text(&details(f, lang))
                ));
            } else {
                let status = match (f.status, f.severity) {
                    (Status::Violation, Severity::Warning) => {
                        lang.pick("违规（提醒）", "violation (warning)")
                    }
                    (s, _) => status_word(s, lang),
                };
                suites.push_str(&format!(
                    "      <skipped message=\"{}\"/>\n      <system-out>{}</system-out>\n",
                    attr(&format!("{status}: {message}")),
                    text(&details(f, lang))
                ));
            }
            suites.push_str("    </testcase>\n");
            buf.extend_from_slice(suites.as_bytes());
        };
        findings.write_rule(ri, &print, w)?;
        suites.push_str("  </testsuite>\n");
    }
    if errors > 0 {
        suites.push_str(&format!(
            "  <testsuite name=\"data-errors\" tests=\"{errors}\" failures=\"0\" errors=\"{errors}\" skipped=\"0\" time=\"0\">\n"
        ));
        for e in &report.data_errors {
            let file = match &e.sheet {
                Some(s) => format!("{}[{}]", e.file, s),
                None => e.file.clone(),
            };
            let name = match e.shown_column() {
                Some(c) => format!("{file}:{}:{c}", e.line),
                None => format!("{file}:{}", e.line),
            };
            let sep = lang.pick("：", ": ");
            let body = format!(
                "{}{sep}{file}\n{}{sep}{}\n{}{sep}{}\n{}{sep}{}",
                lang.pick("文件", "file"),
                lang.pick("行", "line"),
                e.line,
                lang.pick("列", "column"),
                e.shown_column().unwrap_or(lang.pick("（整行）", "(row)")),
                lang.pick("值", "value"),
                e.value.as_deref().unwrap_or("")
            );
            suites.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"data-errors\" time=\"0\">\n      <error type=\"data_error\" message=\"{}\">{}</error>\n    </testcase>\n",
                attr(&name),
                attr(&e.reason),
                text(&body)
            ));
        }
        suites.push_str("  </testsuite>\n");
    }
    if !report.notices.is_empty() {
        // SPEC §8: notices as properties, in a suite of their own with no test case.
        suites.push_str(
            "  <testsuite name=\"notices\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0\">\n    <properties>\n",
        );
        for n in &report.notices {
            let mut value = n.message.clone();
            if !n.examples.is_empty() {
                value.push_str(lang.pick("。", ". "));
                value.push_str(&examples_text(&n.examples, lang));
            }
            suites.push_str(&format!(
                "      <property name=\"{}\" value=\"{}\"/>\n",
                attr(n.kind),
                attr(&value)
            ));
        }
        suites.push_str("    </properties>\n  </testsuite>\n");
    }
    suites.push_str("</testsuites>\n");
    w.write_all(suites.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            attr("<a href=\"x\">&'\n"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#10;"
        );
        assert_eq!(text("a\nb<\0\"'"), "a\nb&lt;\\u{0}\"'");
    }
}
