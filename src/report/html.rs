//! `--format html`: one self-contained page for auditors, to read on screen or print on
//! A4. Inline CSS only: no script, no web font, no network. Chinese by default.
//!
//! Contents: the plan's title and document number, the as-of date, the summary counts
//! and a table of the rules; then one section per rule (a new printed page each) with
//! its clause, counts, a subject × year matrix for quota rules (met, missed, pending,
//! waived, and "not yet due" for plan years after the as-of year), a per-county and
//! per-unit table for deadline and coverage rules, and its findings; then the data
//! errors and the warnings.
//!
//! Every value is HTML-escaped (`& < > " '`); control characters are shown as `\u{..}`.
//!
//! Printed, each page numbers itself in its bottom margin (第 N 页，共 M 页, CSS
//! `@page` margin boxes) beside the report's name and as-of date, and nothing is cut at
//! the right: a long word (an id, a unit name in Latin letters) wraps anywhere in a
//! cell, the print font is smaller, and the text sits 3 mm inside the page margin,
//! since Chromium drops a table's right border drawn on the margin's very edge.

use std::collections::BTreeMap;

use super::stream::{ByRule, Listed};
use super::words::{
    change_text, change_word, counted, escape_controls, examples_text, gone_word, is_alert,
    notices_word, severity_word, status_word,
};
use super::{Change, CoverageRow, DataErrorEntry, FindingEntry, GridCell, Report, RuleEntry};
use crate::i18n::Lang;
use crate::rules::Severity;
use crate::view::Status;

/// Fonts that have Chinese glyphs on Windows, macOS and Linux, sans-serif first.
const SANS: &str = "\"Noto Sans CJK SC\", \"Noto Sans SC\", \"Source Han Sans SC\", \
\"Source Han Sans CN\", \"PingFang SC\", \"Hiragino Sans GB\", \"Microsoft YaHei\", \
\"WenQuanYi Micro Hei\", \"WenQuanYi Zen Hei\", \"Heiti SC\", SimHei, sans-serif";
const SERIF: &str = "\"Noto Serif CJK SC\", \"Noto Serif SC\", \"Source Han Serif SC\", \
\"Source Han Serif CN\", \"Songti SC\", STSong, SimSun, serif";

/// The page's style sheet; `SANS`, `SERIF`, `FOOTER_LEFT` and `FOOTER_PAGE` are filled in.
const CSS: &str = include_str!("html.css");

/// Escapes text for HTML content or a quoted attribute.
fn esc(s: &str) -> String {
    let s = escape_controls(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// As [`esc`], keeping line breaks visible in a table cell.
fn esc_br(s: &str) -> String {
    esc(&s.replace("\r\n", "\n").replace('\r', "\n")).replace('\n', "<br>")
}

/// A status badge; `class` is one of the `s-*` CSS classes.
fn badge(class: &str, text: &str) -> String {
    format!("<span class=\"badge s-{class}\">{}</span>", esc(text))
}

/// A column of a table: its heading, and whether it holds numbers (right-aligned).
#[derive(Clone, Copy)]
enum Col<'a> {
    Text(&'a str),
    Num(&'a str),
}

/// Opens a section (a new printed page) with its heading.
fn section(out: &mut String, class: &str, id: &str, heading: &str) {
    out.push_str(&format!(
        "<section class=\"{class}\" id=\"{id}\">\n<h2>{}</h2>\n",
        esc_br(heading)
    ));
}

/// A table: `class` (none when empty), the header row, then `rows`, each a whole
/// `<tr>…</tr>` line.
fn table(out: &mut String, class: &str, head: &[Col<'_>], rows: impl IntoIterator<Item = String>) {
    table_head(out, class, head);
    for row in rows {
        out.push_str(&row);
    }
    out.push_str("</tbody>\n</table>\n");
}

/// A table's start, up to its first row.
fn table_head(out: &mut String, class: &str, head: &[Col<'_>]) {
    if class.is_empty() {
        out.push_str("<table>\n<thead><tr>");
    } else {
        out.push_str(&format!("<table class=\"{class}\">\n<thead><tr>"));
    }
    for col in head {
        match col {
            Col::Text(h) => out.push_str(&format!("<th>{}</th>", esc(h))),
            Col::Num(h) => out.push_str(&format!("<th class=\"num\">{}</th>", esc(h))),
        }
    }
    out.push_str("</tr></thead>\n<tbody>\n");
}

fn grid_word(status: &str, lang: Lang) -> &'static str {
    match status {
        "met" => lang.pick("达标", "met"),
        "violation" => lang.pick("未达标", "missed"),
        "pending" => lang.pick("待办", "pending"),
        "waived" => lang.pick("豁免", "waived"),
        "later" => lang.pick("未到期", "not yet due"),
        _ => "—",
    }
}

/// `met` of `checked` as a percentage with one decimal, or `—` when nothing was checked.
fn percent(met: u64, checked: u64) -> String {
    if checked == 0 {
        "—".to_owned()
    } else {
        format!("{:.1}%", met as f64 * 100.0 / checked as f64)
    }
}

/// The year of a `YYYY-MM-DD` date.
fn year_of(date: &str) -> Option<i32> {
    date.get(..4)?.parse().ok()
}

fn counts_sentence(r: &RuleEntry, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "检查 {}，达标 {}，违规 {}，待办 {}，豁免 {}；达标率 {}",
            r.checked,
            r.met,
            r.violation,
            r.pending,
            r.waived,
            percent(r.met, r.checked)
        ),
        Lang::En => format!(
            "Checked {}, met {}, violation {}, pending {}, waived {}; {} met",
            r.checked,
            r.met,
            r.violation,
            r.pending,
            r.waived,
            percent(r.met, r.checked)
        ),
    }
}

/// The printed pages' footer, left: what the report is and its as-of date, as a CSS
/// string. Only fixed words and the date (checked `YYYY-MM-DD`): nothing from a file
/// goes into the style sheet.
fn footer_left(report: &Report, lang: Lang) -> String {
    let date_like =
        report.as_of.len() == 10 && report.as_of.chars().all(|c| c.is_ascii_digit() || c == '-');
    let as_of = if date_like { report.as_of.as_str() } else { "" };
    format!(
        "\"{} · {} {as_of}\"",
        lang.pick("培训情况合规检查报告", "Training compliance report"),
        lang.pick("检查日", "as of"),
    )
}

/// Renders the whole report as one HTML page.
pub fn render(report: &Report, lang: Lang) -> Vec<u8> {
    // Whether any finding has a waiver, or a change from a baseline: asked once, not
    // for every rule's table.
    let columns = (
        report.findings.iter().any(|f| f.waiver.is_some()),
        report.findings.iter().any(|f| f.change.is_some()),
    );
    let mut out = Vec::new();
    // Writing to memory does not fail.
    let _ = write(
        report,
        &Listed(report.findings_by_rule()),
        columns,
        lang,
        &mut out,
    );
    out
}

/// Writes the report as one HTML page with `findings` (the report's own, or streamed):
/// each rule's rows as they are made. `columns`: whether there are waiver and change
/// columns.
pub fn write(
    report: &Report,
    findings: &dyn ByRule,
    columns: (bool, bool),
    lang: Lang,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut out = String::with_capacity(64 * 1024);
    let title = report.plan.title.as_deref().unwrap_or(&report.rule_set);
    let heading = lang.pick("培训情况合规检查报告", "Training compliance report");
    out.push_str("<!DOCTYPE html>\n");
    out.push_str(&format!(
        "<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"peixun\">\n\
         <title>{} · {} · {}</title>\n<style>{}</style>\n</head>\n<body>\n",
        lang.pick("zh-CN", "en"),
        esc(heading),
        esc(&title.replace(['\r', '\n'], " ")),
        report.as_of,
        CSS.replace("font-family: SANS", &format!("font-family: {SANS}"))
            .replace("font-family: SERIF", &format!("font-family: {SERIF}"))
            .replace("FOOTER_LEFT", &footer_left(report, lang))
            .replace(
                "FOOTER_PAGE",
                lang.pick(
                    r#""第 " counter(page) " 页，共 " counter(pages) " 页""#,
                    r#""Page " counter(page) " of " counter(pages)"#
                )
            )
    ));
    cover(&mut out, report, title, heading, lang);
    for (i, (rule, (count, _))) in report.rules.iter().zip(findings.sizes()).enumerate() {
        rule_section(&mut out, report, (i, rule), count, lang);
        if count > 0 {
            // The rows as they are made, after what is written so far.
            table_head(&mut out, "findings", &findings_head(columns, lang));
            w.write_all(out.as_bytes())?;
            out.clear();
            let print = |_: usize, f: &FindingEntry, buf: &mut Vec<u8>| {
                buf.extend_from_slice(finding_row(f, columns, lang).as_bytes());
            };
            findings.write_rule(i, &print, w)?;
            out.push_str("</tbody>\n</table>\n");
        }
        out.push_str("</section>\n");
    }
    if let Some(resolved) = report.resolved.as_ref().filter(|r| !r.is_empty()) {
        section(
            &mut out,
            "resolved",
            "resolved",
            &counted(
                lang.pick("已消除：基线中有、本次没有", "Gone since the baseline"),
                resolved.len(),
                lang,
            ),
        );
        table(
            &mut out,
            "",
            &[
                Col::Text(lang.pick("编号", "id")),
                Col::Text(lang.pick("规则", "rule")),
                Col::Text(lang.pick("对象", "subject")),
                Col::Num(lang.pick("期间", "period")),
                Col::Text(lang.pick("原状态", "was")),
            ],
            resolved.iter().map(|r| {
                format!(
                    "<tr><td class=\"id\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                    esc_br(&r.id),
                    esc(&r.rule),
                    esc_br(&r.subject),
                    r.period.map_or_else(|| "—".to_owned(), |p| p.to_string()),
                    esc(&r.status),
                )
            }),
        );
        out.push_str("</section>\n");
    }
    data_errors(&mut out, &report.data_errors, lang);
    notices(&mut out, report, lang);
    warnings(&mut out, report, lang);
    out.push_str(&format!(
        "<footer>{} · {} {} · {}</footer>\n</body>\n</html>\n",
        esc(lang.pick("由 peixun 生成", "Generated by peixun")),
        esc(lang.pick("检查日", "as of")),
        report.as_of,
        esc(&report.rule_set),
    ));
    w.write_all(out.as_bytes())
}

fn cover(out: &mut String, report: &Report, title: &str, heading: &str, lang: Lang) {
    out.push_str("<header class=\"cover\">\n");
    out.push_str(&format!("<p class=\"kicker\">{}</p>\n", esc(heading)));
    out.push_str(&format!("<h1>{}</h1>\n", esc_br(title)));
    if let Some(doc) = &report.plan.document {
        out.push_str(&format!("<p class=\"docno\">{}</p>\n", esc_br(doc)));
    }
    out.push_str("<dl class=\"facts\">\n");
    let mut fact = |k: &str, v: &str| {
        out.push_str(&format!(
            "<div><dt>{}</dt><dd>{}</dd></div>\n",
            esc(k),
            esc(v)
        ));
    };
    fact(lang.pick("检查日", "As of"), &report.as_of);
    fact(
        lang.pick("规划期", "Plan period"),
        &format!(
            "{}{}{}",
            report.plan.start,
            lang.pick(" ～ ", " to "),
            report.plan.end
        ),
    );
    if !report.plan.authority.is_empty() {
        fact(lang.pick("制定单位", "Authority"), &report.plan.authority);
    }
    fact(lang.pick("规则集", "Rule set"), &report.rule_set);
    out.push_str("</dl>\n");

    let s = &report.summary;
    out.push_str("<div class=\"counts\">\n");
    // Error severity in the large figure; warning severity said apart under it.
    let count = |out: &mut String, class: &str, n: u64, label: &str, warning: u64| {
        let apart = match (warning, lang) {
            (0, _) => String::new(),
            (w, Lang::Zh) => format!("<small>另有提醒级 {w}</small>"),
            (w, Lang::En) => format!("<small>and {w} at warning severity</small>"),
        };
        out.push_str(&format!(
            "<div class=\"count {class}\"><b>{n}</b><span>{}</span>{apart}</div>\n",
            esc(label)
        ));
    };
    let (e, w) = (&s.by_severity.error, &s.by_severity.warning);
    count(
        out,
        "violation",
        e.violation,
        lang.pick("违规", "violations"),
        w.violation,
    );
    count(
        out,
        "pending",
        e.pending,
        lang.pick("待办", "pending"),
        w.pending,
    );
    count(
        out,
        "waived",
        e.waived,
        lang.pick("豁免", "waived"),
        w.waived,
    );
    count(
        out,
        "errors",
        s.data_errors,
        lang.pick("数据错误", "data errors"),
        0,
    );
    if !report.notices.is_empty() {
        count(
            out,
            "notices",
            report.notices.len() as u64,
            lang.pick("提示", "notices"),
            0,
        );
    }
    out.push_str("</div>\n");
    if let (Some(new), Some(escalated), Some(eased), Some(unchanged), Some(gone)) =
        (s.new, s.escalated, s.eased, s.unchanged, s.resolved)
    {
        // Against the baseline: new and escalated alike, first and in red.
        out.push_str("<div class=\"counts changes\">\n");
        for (class, n, label) in [
            ("new", new, change_word(Change::New, lang)),
            ("escalated", escalated, change_word(Change::Escalated, lang)),
            ("eased", eased, change_word(Change::Eased, lang)),
            ("unchanged", unchanged, change_word(Change::Unchanged, lang)),
            ("resolved", gone, gone_word(lang)),
        ] {
            count(out, class, n, label, 0);
        }
        out.push_str("</div>\n");
    }
    let (class, verdict) = match report.exit_code() {
        0 => (
            "verdict",
            lang.pick(
                "结论：未发现错误级违规",
                "Result: no error-severity violations",
            ),
        ),
        _ => (
            "verdict bad",
            lang.pick("结论：不合规", "Result: not compliant"),
        ),
    };
    let mut verdict = verdict.to_owned();
    if s.data_errors > 0 {
        verdict.push_str(lang.pick(
            "（有数据错误，部分行未参与检查）",
            " (some rows have data errors and were left out of the check)",
        ));
    }
    if !report.notices.is_empty() {
        verdict.push_str(lang.pick(
            "（另有提示，可能影响结论，见“提示”一节）",
            " (see the notices: they may change the answer)",
        ));
    }
    out.push_str(&format!("<p class=\"{class}\">{}</p>\n", esc(&verdict)));

    table(
        out,
        "rules",
        &[
            Col::Text(lang.pick("规则", "Rule")),
            Col::Text(lang.pick("条款", "Clause")),
            Col::Text(lang.pick("级别", "Severity")),
            Col::Num(lang.pick("检查", "Checked")),
            Col::Num(lang.pick("达标", "Met")),
            Col::Num(lang.pick("违规", "Violation")),
            Col::Num(lang.pick("待办", "Pending")),
            Col::Num(lang.pick("豁免", "Waived")),
            Col::Num(lang.pick("达标率", "Met %")),
        ],
        report.rules.iter().enumerate().map(|(i, r)| {
            format!(
                "<tr><td><a href=\"#rule-{}\">{}</a><span class=\"who\">{}</span></td><td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                i + 1,
                esc_br(&r.heading),
                esc(&r.id),
                esc(&r.clause),
                esc(severity_word(r.severity, lang)),
                r.checked,
                r.met,
                r.violation,
                r.pending,
                r.waived,
                percent(r.met, r.checked),
            )
        }),
    );
    out.push_str("</header>\n");
}

/// A rule's section up to its findings' rows (the caller writes them, and closes the
/// section).
fn rule_section(
    out: &mut String,
    report: &Report,
    (i, rule): (usize, &RuleEntry),
    count: usize,
    lang: Lang,
) {
    section(out, "rule", &format!("rule-{}", i + 1), &rule.heading);
    let warning = match rule.severity {
        Severity::Error => String::new(),
        Severity::Warning => format!(" · {}", badge("waived", lang.pick("提醒", "warning"))),
    };
    out.push_str(&format!(
        "<p class=\"meta\">{} {} · {} {} · {} {}{warning}</p>\n",
        esc(lang.pick("条款", "Clause")),
        esc(&rule.clause),
        esc(lang.pick("规则", "Rule")),
        esc(&rule.id),
        esc(lang.pick("类型", "Kind")),
        esc(&super::words::kind_word(rule.kind, lang)),
    ));
    if let Some(note) = &rule.note {
        out.push_str(&format!(
            "<p class=\"note\">{}{}</p>\n",
            esc(lang.pick("注：", "Note: ")),
            esc_br(note.trim())
        ));
    }
    if let Some(why) = &rule.why {
        out.push_str(&format!("<p class=\"note\">{}</p>\n", esc(why)));
    }
    for n in &rule.notices {
        out.push_str(&format!(
            "<p class=\"note\">{}{}</p>\n",
            esc(lang.pick("提示：", "Notice: ")),
            esc(&n.message)
        ));
    }
    out.push_str(&format!(
        "<p class=\"tally\">{}</p>\n",
        esc(&counts_sentence(rule, lang))
    ));
    if let Some(detail) = report.details.get(i) {
        if rule.kind == "quota" && !detail.grid.is_empty() {
            matrix(out, report, &detail.grid, lang);
        }
        if matches!(rule.kind, "deadline" | "coverage") && !detail.coverage.is_empty() {
            coverage(out, &detail.coverage, lang);
        }
    }
    out.push_str(&format!(
        "<h3>{}</h3>\n",
        esc(&counted(lang.pick("问题清单", "Findings"), count, lang))
    ));
    if count == 0 {
        out.push_str(&format!(
            "<p class=\"none\">{}</p>\n",
            esc(lang.pick("未发现问题。", "No findings."))
        ));
    }
}

/// Quota rules: subjects down, plan years across.
fn matrix(out: &mut String, report: &Report, grid: &[GridCell], lang: Lang) {
    let as_of_year = year_of(&report.as_of).unwrap_or(i32::MAX);
    let cells: BTreeMap<(&str, Option<i32>), &str> = grid
        .iter()
        .map(|c| ((c.subject.as_str(), c.period), c.status))
        .collect();
    let mut subjects: Vec<&str> = cells.keys().map(|(s, _)| *s).collect();
    subjects.dedup();
    let by_year = grid.iter().any(|c| c.period.is_some());
    let mut periods: Vec<Option<i32>> = if by_year {
        match (year_of(&report.plan.start), year_of(&report.plan.end)) {
            (Some(a), Some(b)) if a <= b && b - a < 100 => (a..=b).map(Some).collect(),
            _ => Vec::new(),
        }
    } else {
        vec![None]
    };
    periods.extend(cells.keys().map(|(_, p)| *p));
    periods.sort();
    periods.dedup();

    out.push_str(&format!(
        "<h3>{}</h3>\n<p class=\"legend\">{} {} {} {} {}</p>\n",
        esc(lang.pick("分年度完成情况", "By year")),
        badge("met", grid_word("met", lang)),
        badge("violation", grid_word("violation", lang)),
        badge("pending", grid_word("pending", lang)),
        badge("waived", grid_word("waived", lang)),
        badge("later", grid_word("later", lang)),
    ));
    let labels: Vec<String> = periods
        .iter()
        .map(|p| match p {
            Some(y) => y.to_string(),
            None => lang.pick("规划期", "plan period").to_owned(),
        })
        .collect();
    let mut head = vec![Col::Text(lang.pick("对象", "Subject"))];
    head.extend(labels.iter().map(|l| Col::Num(l)));
    let rows = subjects.iter().map(|s| {
        let mut row = format!("<tr><td>{}</td>", esc_br(s));
        for p in &periods {
            let status = match (cells.get(&(*s, *p)), p) {
                (Some(status), _) => *status,
                (None, Some(y)) if *y > as_of_year => "later",
                (None, _) => "",
            };
            let class = match status {
                "" => String::new(),
                s => format!(" s-{s}"),
            };
            row.push_str(&format!(
                "<td class=\"cell{class}\">{}</td>",
                esc(grid_word(status, lang))
            ));
        }
        row.push_str("</tr>\n");
        row
    });
    table(out, "matrix", &head, rows);
}

/// Deadline and coverage rules: per county, then per unit, cadres checked and met.
fn coverage(out: &mut String, rows: &[CoverageRow], lang: Lang) {
    let mut by_county: BTreeMap<&str, Vec<&CoverageRow>> = BTreeMap::new();
    for r in rows {
        by_county.entry(r.county.as_str()).or_default().push(r);
    }
    let blank = lang.pick("（未填）", "(blank)");
    let name = |s: &str| {
        if s.is_empty() {
            blank.to_owned()
        } else {
            s.to_owned()
        }
    };
    let line = |class: &str, county: &str, unit: &str, r: &CoverageRow| {
        let share = (r.met * 100).checked_div(r.checked).unwrap_or(0);
        format!(
            "<tr class=\"{class}\"><td>{}</td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td>\
             <td class=\"num\">{}<span class=\"bar\"><i style=\"width:{share}%\"></i></span></td></tr>\n",
            esc_br(county),
            esc_br(unit),
            r.checked,
            r.met,
            r.pending,
            r.unmet(),
            r.waived,
            percent(r.met, r.checked),
        )
    };
    let sum = |rows: &mut dyn Iterator<Item = &CoverageRow>| {
        rows.fold(CoverageRow::default(), |mut t, r| {
            t.checked += r.checked;
            t.met += r.met;
            t.pending += r.pending;
            t.waived += r.waived;
            t
        })
    };
    let mut lines = Vec::with_capacity(rows.len() + by_county.len() + 1);
    for (county, units) in &by_county {
        let subtotal = sum(&mut units.iter().copied());
        lines.push(line(
            "county",
            &name(county),
            lang.pick("小计", "subtotal"),
            &subtotal,
        ));
        for u in units {
            lines.push(line("unit", "", &name(&u.unit), u));
        }
    }
    lines.push(line(
        "total",
        lang.pick("合计", "Total"),
        "",
        &sum(&mut rows.iter()),
    ));
    out.push_str(&format!(
        "<h3>{}</h3>\n",
        esc(lang.pick("分县区、单位情况", "By county and unit"))
    ));
    table(
        out,
        "coverage",
        &[
            Col::Text(lang.pick("县区", "County")),
            Col::Text(lang.pick("单位", "Unit")),
            Col::Num(lang.pick("检查人数", "Checked")),
            Col::Num(lang.pick("达标", "Met")),
            Col::Num(lang.pick("待办", "Pending")),
            Col::Num(lang.pick("未达标", "Not met")),
            Col::Num(lang.pick("豁免", "Waived")),
            Col::Num(lang.pick("达标率", "Met %")),
        ],
        lines,
    );
}

/// The findings table's columns.
fn findings_head((waivers, changes): (bool, bool), lang: Lang) -> Vec<Col<'static>> {
    let mut head = vec![
        Col::Text(lang.pick("对象", "Subject")),
        Col::Num(lang.pick("期间", "Period")),
        Col::Text(lang.pick("截止日", "Due")),
        Col::Text(lang.pick("状态", "Status")),
        Col::Text(lang.pick("说明", "Why")),
    ];
    if waivers {
        head.push(Col::Text(lang.pick("豁免", "Waiver")));
    }
    if changes {
        head.push(Col::Text(lang.pick("变化", "Change")));
    }
    head
}

/// One finding's row, a whole `<tr>…</tr>` line.
fn finding_row(f: &FindingEntry, (waivers, changes): (bool, bool), lang: Lang) -> String {
    let mut subject = esc_br(&f.subject);
    if let Some((name, unit, county)) = &f.who {
        let extra: Vec<String> = [name, unit, county]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| esc_br(s))
            .collect();
        if !extra.is_empty() {
            subject.push_str(&format!("<span class=\"who\">{}</span>", extra.join(" · ")));
        }
    }
    let class = match f.status {
        Status::Violation => "violation",
        Status::Pending => "pending",
        Status::Waived => "waived",
    };
    let mut status = badge(class, status_word(f.status, lang));
    if f.due_soon {
        status.push_str(&format!(
            "<span class=\"who\">{}</span>",
            esc(lang.pick("即将到期", "due soon"))
        ));
    }
    let mut row = format!(
        "<tr><td class=\"id\">{subject}</td><td class=\"num\">{}</td><td class=\"date\">{}</td><td>{status}</td><td>{}</td>",
        f.period.map_or_else(|| "—".to_owned(), |p| p.to_string()),
        esc(&f.due),
        esc_br(&f.message),
    );
    if waivers {
        let cell = f.waiver.as_ref().map_or_else(String::new, |w| {
            let mut s = format!(
                "{}<span class=\"who\">{} {}",
                esc_br(&w.reason),
                esc(lang.pick("批准：", "approved by")),
                esc(&w.approved_by)
            );
            if let Some(e) = &w.expires_on {
                s.push_str(&format!(" · {} {}", esc(lang.pick("至", "until")), esc(e)));
            }
            s.push_str("</span>");
            s
        });
        row.push_str(&format!("<td>{cell}</td>"));
    }
    if changes {
        // New and escalated alike, as badges.
        let text = change_text(f, lang);
        let cell = match f.change {
            Some(c) if is_alert(c) => badge("violation", &text),
            _ => esc(&text),
        };
        row.push_str(&format!("<td>{cell}</td>"));
    }
    row.push_str("</tr>\n");
    row
}

fn data_errors(out: &mut String, errors: &[DataErrorEntry], lang: Lang) {
    section(
        out,
        "errors",
        "data-errors",
        &counted(lang.pick("数据错误", "Data errors"), errors.len(), lang),
    );
    if errors.is_empty() {
        out.push_str(&format!(
            "<p class=\"none\">{}</p>\n</section>\n",
            esc(lang.pick("没有数据错误。", "No data errors."))
        ));
        return;
    }
    out.push_str(&format!(
        "<p class=\"meta\">{}</p>\n",
        esc(lang.pick(
            "以下行有错误，未参与检查；请更正后重新检查。",
            "These rows have errors and were left out of the check; correct them and check again."
        ))
    ));
    table(
        out,
        "",
        &[
            Col::Text(lang.pick("文件", "File")),
            Col::Num(lang.pick("行", "Line")),
            Col::Text(lang.pick("列", "Column")),
            Col::Text(lang.pick("值", "Value")),
            Col::Text(lang.pick("原因", "Reason")),
        ],
        errors.iter().map(|e| {
            let file = match &e.sheet {
                Some(s) => format!("{}[{}]", e.file, s),
                None => e.file.clone(),
            };
            format!(
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"id\">{}</td><td>{}</td></tr>\n",
                esc(&file),
                e.line,
                esc(e.shown_column().unwrap_or(lang.pick("（整行）", "(row)"))),
                esc_br(e.value.as_deref().unwrap_or("")),
                esc_br(&e.reason),
            )
        }),
    );
    out.push_str("</section>\n");
}

fn notices(out: &mut String, report: &Report, lang: Lang) {
    if report.notices.is_empty() {
        return;
    }
    section(
        out,
        "notices",
        "notices",
        &counted(notices_word(lang), report.notices.len(), lang),
    );
    table(
        out,
        "",
        &[
            Col::Text(lang.pick("提示", "Notice")),
            Col::Text(lang.pick("例", "Examples")),
        ],
        report.notices.iter().map(|n| {
            format!(
                "<tr><td>{}</td><td>{}</td></tr>\n",
                esc_br(&n.message),
                if n.examples.is_empty() {
                    String::new()
                } else {
                    esc_br(&examples_text(&n.examples, lang))
                },
            )
        }),
    );
    out.push_str("</section>\n");
}

fn warnings(out: &mut String, report: &Report, lang: Lang) {
    if report.warnings.is_empty() {
        return;
    }
    section(
        out,
        "warnings",
        "warnings",
        &counted(
            lang.pick("豁免问题", "Waiver problems"),
            report.warnings.len(),
            lang,
        ),
    );
    table(
        out,
        "",
        &[
            Col::Text(lang.pick("文件", "File")),
            Col::Num(lang.pick("行", "Line")),
            Col::Text(lang.pick("规则", "Rule")),
            Col::Text(lang.pick("对象", "Subject")),
            Col::Num(lang.pick("期间", "Period")),
            Col::Text(lang.pick("说明", "Message")),
        ],
        report.warnings.iter().map(|w| {
            format!(
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"id\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                esc(&w.file),
                w.line,
                esc(&w.rule),
                esc_br(&w.subject),
                w.period.map_or_else(|| "—".to_owned(), |p| p.to_string()),
                esc_br(&w.message),
            )
        }),
    );
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(esc_br("a\r\nb<"), "a<br>b&lt;");
        assert_eq!(esc("nul\0"), "nul\\u{0}");
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(0, 0), "—");
        assert_eq!(percent(40, 48), "83.3%");
        assert_eq!(percent(1, 1), "100.0%");
    }
}
