//! The words and cell text every report format shares, in the report's language:
//! statuses, severities, baseline changes, counted headings, and the cleaning of cell
//! text (control characters, text a spreadsheet would take for a formula).

use super::ExampleEntry;
use crate::i18n::Lang;
use crate::rules::Severity;
use crate::view::Status;

/// The status of a finding in words.
pub(super) fn status_word(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Violation => lang.pick("违规", "violation"),
        Status::Pending => lang.pick("待办", "pending"),
        Status::Waived => lang.pick("豁免", "waived"),
    }
}

/// A severity in words.
pub(crate) fn severity_word(s: Severity, lang: Lang) -> &'static str {
    match s {
        Severity::Error => lang.pick("错误", "error"),
        Severity::Warning => lang.pick("提醒", "warning"),
    }
}

/// A baseline change (`new`, `unchanged`) in words.
pub(super) fn change_word(c: &str, lang: Lang) -> String {
    match c {
        "new" => lang.pick("新增", "new").to_owned(),
        "unchanged" => lang.pick("未变", "unchanged").to_owned(),
        other => other.to_owned(),
    }
}

/// What notices are called in headings.
pub(super) fn notices_word(lang: Lang) -> &'static str {
    lang.pick("提示", "Notices")
}

/// A notice's example rows in words: `例：classes.csv 第 12 行：2091/4/10；…`.
pub(super) fn examples_text(examples: &[ExampleEntry], lang: Lang) -> String {
    let one = |e: &ExampleEntry| {
        let file = match &e.sheet {
            Some(s) => format!("{}[{s}]", e.file),
            None => e.file.clone(),
        };
        match (&e.value, lang) {
            (Some(v), Lang::Zh) => format!("{file} 第 {} 行：{v}", e.line),
            (Some(v), Lang::En) => format!("{file} line {}: {v}", e.line),
            (None, Lang::Zh) => format!("{file} 第 {} 行", e.line),
            (None, Lang::En) => format!("{file} line {}", e.line),
        }
    };
    let list: Vec<String> = examples.iter().map(one).collect();
    match lang {
        Lang::Zh => format!("例：{}", list.join("；")),
        Lang::En => format!("e.g. {}", list.join("; ")),
    }
}

/// A heading with a count: `数据错误（4）`, `Data errors (4)`.
pub(super) fn counted(label: &str, n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{label}（{n}）"),
        Lang::En => format!("{label} ({n})"),
    }
}

/// Control characters other than tab, line feed and carriage return (a NUL read from
/// the data, say) written as `\u{0}`, as the terminal report does: they are data, but
/// no viewer shows them.
pub(super) fn escape_controls(s: &str) -> String {
    if !s
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a spreadsheet would take a cell with this text for a formula (OWASP's list).
pub(super) fn looks_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}
