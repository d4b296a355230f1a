//! `peixun rules list` and `peixun rules explain`.

use std::path::Path;

use anyhow::{Result, anyhow};

use super::inputs::{load_rules, width};
use crate::i18n::Lang;
use crate::report;
use crate::rules;

pub fn rules_list(path: Option<&Path>, lang: Lang) -> Result<u8> {
    let rs = load_rules(path)?;
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_width(width())
        .set_header(vec![
            lang.pick("规则", "id"),
            lang.pick("类型", "kind"),
            lang.pick("级别", "severity"),
            lang.pick("标题", "title"),
            lang.pick("条款", "clause"),
        ]);
    for r in &rs.rules {
        t.add_row(vec![
            r.meta.id.clone(),
            report::words::kind_word(r.meta.kind, lang),
            report::words::severity_word(r.meta.severity, lang).to_owned(),
            r.meta.title_in(lang).to_owned(),
            r.meta.clause.clone(),
        ]);
    }
    // Ids and kinds stay whole (README: output never truncates ids); titles wrap.
    let widest = |f: &dyn Fn(&rules::Rule) -> String| {
        rs.rules
            .iter()
            .map(|r| f(r).chars().map(crate::diag::char_width).sum::<usize>())
            .max()
            .unwrap_or(0)
            .min(40) as u16
    };
    let id_width = widest(&|r| r.meta.id.clone());
    let kind_width = widest(&|r| report::words::kind_word(r.meta.kind, lang));
    for (col, w) in [(0, id_width), (1, kind_width)] {
        if let Some(c) = t.column_mut(col) {
            c.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
                comfy_table::Width::Fixed(w + 2),
            ));
        }
    }
    let mut out = String::new();
    out.push_str(&format!(
        "{}{}{}{}{}\n",
        rs.plan.title_in(lang).unwrap_or(&rs.plan.id),
        match lang {
            Lang::Zh => format!(
                "（{}），",
                rs.plan.document.as_deref().unwrap_or(&rs.plan.id)
            ),
            Lang::En => format!(
                " ({}), ",
                rs.plan.document.as_deref().unwrap_or(&rs.plan.id)
            ),
        },
        crate::dates::fmt_date(rs.plan.start),
        lang.pick("～", " to "),
        crate::dates::fmt_date(rs.plan.end)
    ));
    out.push_str(&t.to_string());
    out.push('\n');
    report::write::write_output(None, out.as_bytes())?;
    Ok(0)
}

pub fn rules_explain(id: &str, path: Option<&Path>, lang: Lang) -> Result<u8> {
    let mut rs = load_rules(path)?;
    // SPEC §6: whether the rule needs the units table (asked before borrowing it).
    let needs_units = rs
        .rules
        .iter_mut()
        .find(|r| r.meta.id == id)
        .is_some_and(|r| r.kind.uses_units());
    let Some(rule) = rs.find(id) else {
        let ids: Vec<&str> = rs.rules.iter().map(|r| r.meta.id.as_str()).collect();
        let id = crate::limits::cut(id);
        return Err(anyhow!(crate::i18n::say(
            format!(
                "{} 中没有规则 `{id}`（规则：{}）",
                rs.file,
                crate::limits::list(&ids, "、", true)
            ),
            format!(
                "no rule `{id}` in {} (rules: {})",
                rs.file,
                crate::limits::list(&ids, ", ", false)
            )
        )));
    };
    let m = &rule.meta;
    let entry = rules::registry::find_kind(m.kind);
    let w = width() as usize;
    let wrap = |text: &str, indent: &str| report::table::wrap(text, w, indent);
    let sep = lang.pick("：", ": ");
    let mut out = String::new();
    out.push_str(&wrap(&format!("{} — {}", m.id, m.title_in(lang)), ""));
    let document = rs
        .plan
        .document
        .as_deref()
        .map(|d| format!("{}{d}", lang.pick("，", ", ")))
        .unwrap_or_default();
    out.push_str(&wrap(
        &format!("{}{sep}{}{document}", lang.pick("条款", "clause"), m.clause),
        "",
    ));
    let severity = report::words::severity_word(m.severity, lang);
    out.push_str(&format!(
        "{}{sep}{}    {}{sep}{severity}\n\n",
        lang.pick("类型", "kind"),
        report::words::kind_word(m.kind, lang),
        lang.pick("级别", "severity")
    ));
    if let Some(q) = &m.quote {
        out.push_str(&wrap(
            &format!(
                "{}{sep}“{}”",
                lang.pick("规划原文", "the plan says"),
                report::words::one_line(q)
            ),
            "",
        ));
        out.push('\n');
    }
    if let Some(d) = m.description_in(lang) {
        out.push_str(&wrap(d.trim(), ""));
        out.push('\n');
    }
    out.push_str(&wrap(&rule.kind.describe(lang, &rs.plan), ""));
    out.push('\n');
    // SPEC §6: without a units table the rule runs by its fallback, approximately.
    if needs_units && rule.fallback.is_none() {
        out.push_str(&wrap(
            lang.pick(
                "本条要用工会组织表（units）：没有该表时无法检查，运行会停止（用 --units 指定，或在其他表旁放 units 文件，`peixun init` 可生成模板）。",
                "This rule needs the units table: without it the run stops (give it with --units FILE or a `units` file beside the other tables; `peixun init` writes a template).",
            ),
            "",
        ));
        out.push('\n');
    }
    if let Some(fb) = &rule.fallback {
        out.push_str(&wrap(
            &format!(
                "{}{sep}{}",
                lang.pick(
                    "没有工会组织表（units）时按 fallback 近似检查（报告中标〔近似〕）",
                    "without a units table, checked approximately by its fallback (marked (approximate) in reports)"
                ),
                fb.describe(lang, &rs.plan)
            ),
            "",
        ));
        out.push('\n');
    }
    if let Some(n) = m.note_in(lang) {
        out.push_str(&wrap(
            &format!(
                "{}{sep}{}",
                lang.pick("注", "note"),
                report::words::one_line(n)
            ),
            "",
        ));
        out.push('\n');
    }
    if let Some(e) = entry {
        out.push_str(lang.pick("规则类型说明：\n", "about this kind:\n"));
        let text = match lang {
            Lang::Zh => e.explain_zh.to_owned(),
            Lang::En => e
                .explain
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" "),
        };
        out.push_str(&wrap(&format!("  {text}"), "  "));
    }
    report::write::write_output(None, out.as_bytes())?;
    Ok(0)
}
