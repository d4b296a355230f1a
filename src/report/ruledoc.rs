//! `peixun rules doc` (SPEC §7): the rule set as a document for the people who approve
//! it — the plan (title, document, authority, period), then per rule in file order its
//! clause, the plan's words, the rule in words (as `rules explain` says it), severity,
//! note, and whether it needs the units table (with its fallback in words).
//!
//! The document holds nothing but the rule file's content: no date, no version, no
//! path, so the same rule file gives the same bytes wherever it lies. Markdown for a
//! repository or a written report; HTML that is self-contained and prints on A4 with
//! page numbers.

use super::words::{escape_controls, kind_word, one_line, severity_word};
use crate::dates::fmt_date;
use crate::i18n::Lang;
use crate::rules::RuleSet;

/// The formats of the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DocFormat {
    /// Markdown (CommonMark)
    Markdown,
    /// HTML: one self-contained file, prints on A4 with page numbers
    Html,
}

/// What the units table means for a rule (SPEC §6).
enum Units {
    /// The rule uses no units form.
    NotNeeded,
    /// Without the table the rule runs by its fallback: the fallback in words.
    Fallback(String),
    /// Without the table the run stops.
    Required,
}

/// One rule, in words.
struct Entry {
    id: String,
    title: String,
    clause: String,
    severity: &'static str,
    kind: String,
    quote: Option<String>,
    description: Option<String>,
    checks: String,
    note: Option<String>,
    units: Units,
}

/// The plan and its rules, in words.
struct Doc {
    title: String,
    facts: Vec<(&'static str, String)>,
    intro: String,
    rules: Vec<Entry>,
}

fn doc(rs: &mut RuleSet, lang: Lang) -> Doc {
    let plan = &rs.plan;
    let title = plan.title_in(lang).unwrap_or(&plan.id).to_owned();
    let mut facts = Vec::new();
    if let Some(d) = &plan.document {
        facts.push((lang.pick("文号", "Document"), d.clone()));
    }
    facts.push((lang.pick("责任单位", "Authority"), plan.authority.clone()));
    facts.push((
        lang.pick("规划期", "Period"),
        format!(
            "{}{}{}",
            fmt_date(plan.start),
            lang.pick("～", " to "),
            fmt_date(plan.end)
        ),
    ));
    facts.push((
        lang.pick("层级（由低到高）", "Levels (lowest first)"),
        plan.levels.join(lang.pick("、", ", ")),
    ));
    facts.push((lang.pick("规则集", "Rule set"), plan.id.clone()));
    let n = rs.rules.len();
    let intro = match lang {
        Lang::Zh => format!(
            "本规则集共{n}条规则，按规则文件中的顺序列出。级别为“错误”的规则未达到时检查不通过（退出码 1）；级别为“提醒”的只作提醒。“工会组织表”一项说明规则是否要用工会组织（units）表，以及没有该表时如何检查。"
        ),
        Lang::En => format!(
            "The rule set has {n} rule{}, listed in the order of the rule file. A rule of severity “error” that is not met fails the check (exit status 1); one of severity “warning” is reported only. “Units table” says whether a rule needs the units table, and how it is checked without one.",
            if n == 1 { "" } else { "s" }
        ),
    };
    let mut rules = Vec::with_capacity(n);
    for rule in &mut rs.rules {
        let needs_units = rule.kind.uses_units();
        let plan = &rs.plan;
        let m = &rule.meta;
        let units = match (&rule.fallback, needs_units) {
            (_, false) => Units::NotNeeded,
            (Some(fb), true) => Units::Fallback(fb.describe(lang, plan)),
            (None, true) => Units::Required,
        };
        rules.push(Entry {
            id: m.id.clone(),
            title: one_line(m.title_in(lang)),
            clause: m.clause.clone(),
            severity: severity_word(m.severity, lang),
            kind: kind_word(m.kind, lang),
            quote: m.quote.as_deref().map(one_line),
            description: m.description_in(lang).map(|d| d.trim().to_owned()),
            checks: rule.kind.describe(lang, plan),
            note: m.note_in(lang).map(one_line),
            units,
        });
    }
    Doc {
        title,
        facts,
        intro,
        rules,
    }
}

/// The document in `format` and `lang`.
pub fn render(rs: &mut RuleSet, format: DocFormat, lang: Lang) -> Vec<u8> {
    let d = doc(rs, lang);
    match format {
        DocFormat::Markdown => markdown(&d, lang),
        DocFormat::Html => html(&d, lang),
    }
    .into_bytes()
}

/// The units line's text: the answer, and what happens without the table.
fn units_text(u: &Units, lang: Lang) -> (String, Option<String>) {
    match u {
        Units::NotNeeded => (lang.pick("不需要。", "not needed.").to_owned(), None),
        Units::Required => (
            lang.pick(
                "需要。没有工会组织表时本条无法检查，运行会停止。",
                "needed. Without the units table this rule cannot be checked and the run stops.",
            )
            .to_owned(),
            None,
        ),
        Units::Fallback(words) => (
            lang.pick(
                "需要。有工会组织表时按上述口径检查；没有时按以下口径近似检查（报告中标〔近似〕）：",
                "needed. With the units table the rule is checked as above; without it, approximately as follows (marked (approximate) in reports):",
            )
            .to_owned(),
            Some(words.clone()),
        ),
    }
}

/// Labels of a rule's parts.
struct Labels {
    clause: &'static str,
    severity: &'static str,
    kind: &'static str,
    quote: &'static str,
    description: &'static str,
    checks: &'static str,
    note: &'static str,
    units: &'static str,
}

fn labels(lang: Lang) -> Labels {
    Labels {
        clause: lang.pick("条款", "Clause"),
        severity: lang.pick("级别", "Severity"),
        kind: lang.pick("类型", "Kind"),
        quote: lang.pick("规划原文", "The plan says"),
        description: lang.pick("规则要求", "The rule"),
        checks: lang.pick("检查口径", "What is checked"),
        note: lang.pick("说明", "Note"),
        units: lang.pick("工会组织表", "Units table"),
    }
}

/// Escapes text for Markdown: characters with a Markdown meaning get a backslash (so a
/// rule file's text cannot add links, HTML or emphasis); `_` inside a word stays.
fn md(s: &str) -> String {
    let s = escape_controls(&one_line(s));
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        let intraword =
            c == '_' && prev.is_alphanumeric() && chars.peek().is_some_and(|n| n.is_alphanumeric());
        prev = c;
        match c {
            '_' if intraword => out.push(c),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A paragraph of several lines in Markdown: each line escaped, kept apart.
fn md_lines(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(md)
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn markdown(d: &Doc, lang: Lang) -> String {
    let l = labels(lang);
    let sep = lang.pick("：", ": ");
    let mut out = format!("# {}\n\n", md(&d.title));
    for (k, v) in &d.facts {
        out.push_str(&format!("- **{k}**{sep}{}\n", md(v)));
    }
    out.push_str(&format!("\n{}\n", md(&d.intro)));
    for (i, r) in d.rules.iter().enumerate() {
        out.push_str(&format!(
            "\n## {}. {} — {}\n\n",
            i + 1,
            md(&r.id),
            md(&r.title)
        ));
        out.push_str(&format!("- **{}**{sep}{}\n", l.clause, md(&r.clause)));
        out.push_str(&format!("- **{}**{sep}{}\n", l.severity, r.severity));
        out.push_str(&format!("- **{}**{sep}{}\n", l.kind, md(&r.kind)));
        if let Some(q) = &r.quote {
            out.push_str(&format!("\n**{}**\n\n> {}\n", l.quote, md(q)));
        }
        if let Some(t) = &r.description {
            out.push_str(&format!("\n**{}**\n\n{}\n", l.description, md_lines(t)));
        }
        out.push_str(&format!("\n**{}**\n\n{}\n", l.checks, md(&r.checks)));
        if let Some(n) = &r.note {
            out.push_str(&format!("\n**{}**{sep}{}\n", l.note, md(n)));
        }
        let (answer, fallback) = units_text(&r.units, lang);
        out.push_str(&format!("\n**{}**{sep}{}\n", l.units, md(&answer)));
        if let Some(f) = fallback {
            out.push_str(&format!("\n> {}\n", md(&f)));
        }
    }
    out
}

/// Escapes text for HTML content or a quoted attribute.
fn h(s: &str) -> String {
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

/// The style sheet: A4, page numbers in the bottom margin (`@page` margin boxes, the
/// words in the document's language, as the HTML report says them), no font or
/// anything else from elsewhere.
const CSS: &str = r#"
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --quote: #f6f8fa; --warn: #9a6700; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; color: var(--ink); line-height: 1.65; max-width: 52em; margin: 0 auto; padding: 24px; font-size: 11pt; }
h1 { font-size: 18pt; margin: 0 0 12px; line-height: 1.35; }
h2 { font-size: 13pt; margin: 28px 0 8px; padding-top: 10px; border-top: 1px solid var(--line); line-height: 1.4; }
h2 .id { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 10.5pt; color: var(--muted); display: block; font-weight: 400; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0 0 12px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
p { margin: 6px 0; }
.meta { color: var(--muted); margin: 0 0 8px; }
.meta b { color: var(--ink); font-weight: 600; }
.warning { color: var(--warn); }
.label { font-weight: 600; margin: 10px 0 2px; }
blockquote { margin: 4px 0 8px; padding: 6px 12px; background: var(--quote); border-left: 4px solid var(--line); }
.units blockquote { border-left-color: var(--warn); }
@page {
  size: A4;
  margin: 18mm 16mm 20mm;
  @bottom-center { content: PAGE_NUMBER; font-size: 9pt; color: #59636e; }
}
@media print {
  body { padding: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; break-inside: avoid; page-break-inside: avoid; }
  .meta { break-before: avoid; page-break-before: avoid; }
  .label { break-after: avoid; page-break-after: avoid; }
  blockquote, p { break-inside: avoid; page-break-inside: avoid; }
}
"#;

fn html(d: &Doc, lang: Lang) -> String {
    let l = labels(lang);
    let sep = lang.pick("：", ": ");
    let css = CSS.replace(
        "PAGE_NUMBER",
        lang.pick(
            r#""第 " counter(page) " 页，共 " counter(pages) " 页""#,
            r#""Page " counter(page) " of " counter(pages)"#,
        ),
    );
    let mut out = String::new();
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{css}</style>\n</head>\n<body>\n",
        lang.pick("zh-CN", "en"),
        h(&d.title)
    ));
    out.push_str(&format!("<h1>{}</h1>\n<dl class=\"facts\">\n", h(&d.title)));
    for (k, v) in &d.facts {
        out.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", h(k), h(v)));
    }
    out.push_str(&format!("</dl>\n<p>{}</p>\n", h(&d.intro)));
    for (i, r) in d.rules.iter().enumerate() {
        out.push_str(&format!(
            "<section class=\"rule\" id=\"{}\">\n<h2>{}. {}<span class=\"id\">{}</span></h2>\n",
            h(&r.id),
            i + 1,
            h(&r.title),
            h(&r.id)
        ));
        let warning = if r.severity == severity_word(crate::rules::Severity::Warning, lang) {
            " class=\"warning\""
        } else {
            ""
        };
        out.push_str(&format!(
            "<p class=\"meta\">{}{sep}<b>{}</b>　{}{sep}<b{warning}>{}</b>　{}{sep}<b>{}</b></p>\n",
            l.clause,
            h(&r.clause),
            l.severity,
            r.severity,
            l.kind,
            h(&r.kind)
        ));
        if let Some(q) = &r.quote {
            out.push_str(&format!(
                "<p class=\"label\">{}</p>\n<blockquote>{}</blockquote>\n",
                l.quote,
                h(q)
            ));
        }
        if let Some(t) = &r.description {
            out.push_str(&format!("<p class=\"label\">{}</p>\n", l.description));
            for line in t.lines().map(str::trim).filter(|x| !x.is_empty()) {
                out.push_str(&format!("<p>{}</p>\n", h(line)));
            }
        }
        out.push_str(&format!(
            "<p class=\"label\">{}</p>\n<p>{}</p>\n",
            l.checks,
            h(&r.checks)
        ));
        if let Some(n) = &r.note {
            out.push_str(&format!("<p><b>{}</b>{sep}{}</p>\n", l.note, h(n)));
        }
        let (answer, fallback) = units_text(&r.units, lang);
        out.push_str(&format!(
            "<div class=\"units\"><p><b>{}</b>{sep}{}</p>\n",
            l.units,
            h(&answer)
        ));
        if let Some(f) = fallback {
            out.push_str(&format!("<blockquote>{}</blockquote>\n", h(&f)));
        }
        out.push_str("</div>\n</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}
