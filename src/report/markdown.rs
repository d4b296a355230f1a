//! `--format markdown`: the report as Markdown (CommonMark with GFM tables), for pasting
//! into a written report: title, as-of date, summary, per rule a heading with its clause
//! and a table of findings, then the data errors.
//!
//! Every value from the data is escaped: characters with a Markdown meaning (`|` above
//! all, which would split a table cell, and `<` so no HTML passes through) get a
//! backslash, line breaks become `<br>` so a cell stays on its row.

use super::stream::{ByRule, Listed};
use super::words::{
    change_text, changes_text, counted, escape_controls, examples_text, is_alert, notices_word,
    one_line, severity_word, status_word, totals_text,
};
use super::{DataErrorEntry, FindingEntry, Report};
use crate::i18n::Lang;
use crate::rules::Severity;

/// Escapes text for a Markdown table cell or paragraph.
fn esc(s: &str) -> String {
    let s = escape_controls(s);
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        // `_` between two letters or digits cannot open or close emphasis (CommonMark
        // §6.2), so `organizer_level` stays as written.
        let intraword =
            c == '_' && prev.is_alphanumeric() && chars.peek().is_some_and(|n| n.is_alphanumeric());
        prev = c;
        match c {
            '_' if intraword => out.push(c),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text for a heading: as [`esc`], on one line.
fn esc_line(s: &str) -> String {
    esc(&s.replace(['\r', '\n'], " "))
}

fn row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(c.as_ref());
        out.push_str(" |");
    }
    out.push('\n');
}

/// A table: the header, the alignment row (columns in `right` right-aligned), the
/// rows, then a blank line.
fn table<R: AsRef<[String]>>(
    out: &mut String,
    header: &[&str],
    right: &[usize],
    rows: impl IntoIterator<Item = R>,
) {
    row(out, header);
    let rule: Vec<&str> = (0..header.len())
        .map(|i| if right.contains(&i) { "---:" } else { "---" })
        .collect();
    row(out, &rule);
    for cells in rows {
        row(out, cells.as_ref());
    }
    out.push('\n');
}

/// A section that is a table: its `##` heading, then [`table`].
fn section<R: AsRef<[String]>>(
    out: &mut String,
    heading: &str,
    header: &[&str],
    right: &[usize],
    rows: impl IntoIterator<Item = R>,
) {
    out.push_str(&format!("## {heading}\n\n"));
    table(out, header, right, rows);
}

/// Renders the whole report.
pub fn render(report: &Report, lang: Lang) -> Vec<u8> {
    let waivers = report.findings.iter().any(|f| f.waiver.is_some());
    let changes = report.findings.iter().any(|f| f.change.is_some());
    let listed = Listed(report.findings_by_rule());
    let mut out = Vec::new();
    // Writing to memory does not fail.
    let _ = write(report, &listed, (waivers, changes), lang, &mut out);
    out
}

/// Writes the report with `findings` (the report's own, or streamed): each rule's rows
/// as they are made. `columns`: whether there are waiver and change columns.
pub fn write(
    report: &Report,
    findings: &dyn ByRule,
    (waivers, changes): (bool, bool),
    lang: Lang,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut out = String::new();
    let title = report.plan.title.as_deref().unwrap_or(&report.rule_set);
    let sep = lang.pick("：", ": ");
    out.push_str(&format!(
        "# {}{sep}{}\n\n",
        lang.pick("培训检查报告", "Training compliance report"),
        esc_line(title)
    ));
    let mut facts = Vec::new();
    if let Some(doc) = &report.plan.document {
        facts.push(format!(
            "{}{sep}{}",
            lang.pick("文号", "Document"),
            esc_line(doc)
        ));
    }
    facts.push(format!(
        "{}{sep}{}",
        lang.pick("检查日", "As of"),
        report.as_of
    ));
    facts.push(format!(
        "{}{sep}{}",
        lang.pick("规则集", "Rule set"),
        esc_line(&report.rule_set)
    ));
    facts.push(format!(
        "{}{sep}{}{}{}",
        lang.pick("规划期", "Plan period"),
        report.plan.start,
        lang.pick(" ～ ", " to "),
        report.plan.end
    ));
    out.push_str(&facts.join("  \n"));
    out.push_str("\n\n");

    out.push_str(&format!("## {}\n\n", lang.pick("汇总", "Summary")));
    out.push_str(&summary_text(report, lang));
    out.push_str("\n\n");
    table(
        &mut out,
        &[
            lang.pick("规则", "rule"),
            lang.pick("条款", "clause"),
            lang.pick("级别", "severity"),
            lang.pick("检查", "checked"),
            lang.pick("达标", "met"),
            lang.pick("违规", "violation"),
            lang.pick("待办", "pending"),
            lang.pick("豁免", "waived"),
        ],
        &[3, 4, 5, 6, 7],
        report.rules.iter().map(|r| {
            [
                esc(&r.id),
                esc(&r.clause),
                severity_word(r.severity, lang).to_owned(),
                r.checked.to_string(),
                r.met.to_string(),
                r.violation.to_string(),
                r.pending.to_string(),
                r.waived.to_string(),
            ]
        }),
    );

    for (ri, (r, (count, cadres))) in report.rules.iter().zip(findings.sizes()).enumerate() {
        let warning = match r.severity {
            Severity::Error => "",
            Severity::Warning => lang.pick("〔提醒〕", "[warning] "),
        };
        let clause = esc_line(&r.clause);
        out.push_str(&format!(
            "## {} {warning}{}{}\n\n",
            esc_line(&r.id),
            esc_line(&r.heading),
            match lang {
                Lang::Zh => format!("（{clause}）"),
                Lang::En => format!(" ({clause})"),
            }
        ));
        if let Some(note) = &r.note {
            out.push_str(&format!(
                "{}{}\n\n",
                lang.pick("注：", "Note: "),
                esc_line(&one_line(note))
            ));
        }
        if let Some(why) = &r.why {
            out.push_str(&format!("{}\n\n", esc_line(why)));
        }
        for n in &r.notices {
            out.push_str(&format!(
                "{}{}\n\n",
                lang.pick("提示：", "Notice: "),
                esc_line(&n.message)
            ));
        }
        out.push_str(&match lang {
            Lang::Zh => format!(
                "检查 {}，达标 {}，违规 {}，待办 {}，豁免 {}。\n\n",
                r.checked, r.met, r.violation, r.pending, r.waived
            ),
            Lang::En => format!(
                "Checked {}, met {}, violation {}, pending {}, waived {}.\n\n",
                r.checked, r.met, r.violation, r.pending, r.waived
            ),
        });
        if count == 0 {
            out.push_str(lang.pick("未发现问题。\n\n", "No findings.\n\n"));
            continue;
        }
        // Cadre columns only for rules about cadres.
        let mut header = vec![lang.pick("对象", "subject")];
        if cadres {
            header.extend([
                lang.pick("姓名", "name"),
                lang.pick("单位", "unit"),
                lang.pick("县区", "county"),
            ]);
        }
        header.extend([
            lang.pick("期间", "period"),
            lang.pick("截止日", "due"),
            lang.pick("状态", "status"),
            lang.pick("说明", "message"),
        ]);
        if waivers {
            header.push(lang.pick("豁免", "waiver"));
        }
        if changes {
            header.push(lang.pick("变化", "change"));
        }
        row(&mut out, &header);
        row(&mut out, &vec!["---"; header.len()]);
        w.write_all(out.as_bytes())?;
        out.clear();
        let print = |_: usize, f: &FindingEntry, buf: &mut Vec<u8>| {
            let (name, unit, county) = f.who.clone().unwrap_or_default();
            let mut status = status_word(f.status, lang).to_owned();
            if f.due_soon {
                status.push_str(lang.pick("（即将到期）", " (due soon)"));
            }
            let mut cells = vec![esc(&f.subject)];
            if cadres {
                cells.extend([esc(&name), esc(&unit), esc(&county)]);
            }
            cells.extend([
                f.period.map_or_else(|| "—".to_owned(), |p| p.to_string()),
                f.due.clone(),
                status,
                esc(&f.message),
            ]);
            if waivers {
                cells.push(f.waiver.as_ref().map_or_else(String::new, |w| {
                    let mut s = format!(
                        "{}{}{}{}",
                        esc(&w.reason),
                        lang.pick("（", " ("),
                        esc(&w.approved_by),
                        lang.pick("）", ")")
                    );
                    if let Some(e) = &w.expires_on {
                        s.push_str(&format!(" {} {}", lang.pick("至", "until"), esc(e)));
                    }
                    s
                }));
            }
            if changes {
                // New and escalated findings alike in bold.
                let text = change_text(f, lang);
                cells.push(match f.change {
                    Some(c) if is_alert(c) => format!("**{text}**"),
                    _ => text,
                });
            }
            let mut line = String::new();
            row(&mut line, &cells);
            buf.extend_from_slice(line.as_bytes());
        };
        findings.write_rule(ri, &print, w)?;
        out.push('\n');
    }

    if let Some(resolved) = report.resolved.as_ref().filter(|r| !r.is_empty()) {
        section(
            &mut out,
            &counted(
                lang.pick("已消除：基线中有、本次没有", "Gone since the baseline"),
                resolved.len(),
                lang,
            ),
            &[
                lang.pick("编号", "id"),
                lang.pick("规则", "rule"),
                lang.pick("对象", "subject"),
                lang.pick("期间", "period"),
                lang.pick("原状态", "was"),
            ],
            &[],
            resolved.iter().map(|r| {
                [
                    esc(&r.id),
                    esc(&r.rule),
                    esc(&r.subject),
                    r.period.map_or_else(|| "—".to_owned(), |p| p.to_string()),
                    esc(&r.status),
                ]
            }),
        );
    }

    if !report.data_errors.is_empty() {
        out.push_str(&data_errors(&report.data_errors, lang));
    }

    if !report.notices.is_empty() {
        section(
            &mut out,
            &counted(notices_word(lang), report.notices.len(), lang),
            &[lang.pick("提示", "notice"), lang.pick("例", "examples")],
            &[],
            report.notices.iter().map(|n| {
                [
                    esc(&n.message),
                    if n.examples.is_empty() {
                        String::new()
                    } else {
                        esc(&examples_text(&n.examples, lang))
                    },
                ]
            }),
        );
    }

    if !report.warnings.is_empty() {
        section(
            &mut out,
            &counted(
                lang.pick("豁免问题", "Waiver problems"),
                report.warnings.len(),
                lang,
            ),
            &[
                lang.pick("文件", "file"),
                lang.pick("行", "line"),
                lang.pick("规则", "rule"),
                lang.pick("对象", "subject"),
                lang.pick("说明", "message"),
            ],
            &[1],
            report.warnings.iter().map(|w| {
                [
                    esc(&w.file),
                    w.line.to_string(),
                    esc(&w.rule),
                    esc(&w.subject),
                    esc(&w.message),
                ]
            }),
        );
    }
    w.write_all(out.as_bytes())
}

fn summary_text(report: &Report, lang: Lang) -> String {
    let s = &report.summary;
    let verdict = match (report.exit_code(), lang) {
        (0, Lang::Zh) => "结论：未发现错误级违规。",
        (_, Lang::Zh) => "结论：不合规。",
        (0, Lang::En) => "Result: no error-severity violations.",
        (_, Lang::En) => "Result: not compliant.",
    };
    let notices = match (report.notices.len(), lang) {
        (0, _) => String::new(),
        (n, Lang::Zh) => format!("；提示 {n}"),
        (n, Lang::En) => format!(", {n} notice(s)"),
    };
    let totals = totals_text(s, lang);
    let mut text = match lang {
        Lang::Zh => format!("合计：{totals}；数据错误 {}{notices}。", s.data_errors),
        Lang::En => format!("Total: {totals}, {} data error(s){notices}.", s.data_errors),
    };
    if let Some(changes) = changes_text(s, lang) {
        text.push_str(&match lang {
            Lang::Zh => format!("与基线相比：{changes}。"),
            Lang::En => format!(" Against the baseline: {changes}."),
        });
    }
    if lang == Lang::En {
        text.push(' ');
    }
    text.push_str(&format!("**{verdict}**"));
    text
}

fn data_errors(errors: &[DataErrorEntry], lang: Lang) -> String {
    let mut out = String::new();
    section(
        &mut out,
        &counted(
            lang.pick(
                "数据错误：这些行未参与检查",
                "Data errors: these rows were left out of the check",
            ),
            errors.len(),
            lang,
        ),
        &[
            lang.pick("文件", "file"),
            lang.pick("行", "line"),
            lang.pick("列", "column"),
            lang.pick("值", "value"),
            lang.pick("原因", "reason"),
        ],
        &[1],
        errors.iter().map(|e| {
            let file = match &e.sheet {
                Some(s) => format!("{}[{}]", e.file, s),
                None => e.file.clone(),
            };
            [
                esc(&file),
                e.line.to_string(),
                e.shown_column()
                    .map_or_else(|| lang.pick("（整行）", "(row)").to_owned(), esc),
                esc(e.value.as_deref().unwrap_or("")),
                esc(&e.reason),
            ]
        }),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_escaped() {
        let cases = [
            ("plain 文本", "plain 文本"),
            ("a|b", "a\\|b"),
            ("two\nlines", "two<br>lines"),
            ("crlf\r\nend", "crlf<br>end"),
            ("<script>", "\\<script\\>"),
            ("*x*", "\\*x\\*"),
            ("back\\slash", "back\\\\slash"),
            ("2019-06-30", "2019-06-30"),
            ("organizer_level", "organizer_level"),
            ("_x_", "\\_x\\_"),
        ];
        for (input, want) in cases {
            assert_eq!(esc(input), want, "{input:?}");
        }
    }
}
