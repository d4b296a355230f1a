//! The words and cell text every report format shares, in the report's language:
//! statuses, severities, baseline changes, counted headings, and the cleaning of cell
//! text (control characters, text a spreadsheet would take for a formula).

use super::notices::ExampleEntry;
use super::{Change, FindingEntry, Summary};
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

/// A rule file's text on one line: its lines trimmed and joined by a space (a note
/// written as a TOML multi-line string breaks lines only to keep the file readable).
pub(crate) fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A severity in words.
pub(crate) fn severity_word(s: Severity, lang: Lang) -> &'static str {
    match s {
        Severity::Error => lang.pick("错误", "error"),
        Severity::Warning => lang.pick("提醒", "warning"),
    }
}

/// A rule kind in words, the one list every command uses: in Chinese the word and the
/// rule file's keyword (`限期（deadline）`), in English the keyword.
pub(crate) fn kind_word(kind: &str, lang: Lang) -> String {
    match (kind_name(kind, Lang::Zh), lang) {
        (zh, Lang::Zh) if zh != kind => format!("{zh}（{kind}）"),
        _ => kind.to_owned(),
    }
}

/// A rule kind's word alone: `限期`, `定额`, `覆盖`, `禁止`; in English the keyword.
pub(crate) fn kind_name(kind: &str, lang: Lang) -> &str {
    let zh = match kind {
        "deadline" => "限期",
        "quota" => "定额",
        "coverage" => "覆盖",
        "forbid" => "禁止",
        _ => return kind,
    };
    lang.pick(zh, kind)
}

/// A baseline change in words (SPEC §8).
pub(super) fn change_word(c: Change, lang: Lang) -> &'static str {
    match c {
        Change::New => lang.pick("新增", "new"),
        Change::Escalated => lang.pick("加重", "escalated"),
        Change::Eased => lang.pick("减轻", "eased"),
        Change::Unchanged => lang.pick("未变", "unchanged"),
    }
}

/// What baseline findings that are gone are called.
pub(super) fn gone_word(lang: Lang) -> &'static str {
    lang.pick("已消除", "gone")
}

/// Whether a change is shown up front: a new finding, and one that got worse, alike.
pub(super) fn is_alert(c: Change) -> bool {
    matches!(c, Change::New | Change::Escalated)
}

/// A finding's change with the status it had: `加重（原为待办）`, `escalated (was
/// pending)`; empty without a baseline.
pub(super) fn change_text(f: &FindingEntry, lang: Lang) -> String {
    let Some(c) = f.change else {
        return String::new();
    };
    let word = change_word(c, lang);
    match f.previous_status.as_deref() {
        Some(prev) if c != Change::New => {
            let prev = Status::parse(prev).map_or(prev, |s| status_word(s, lang));
            match lang {
                Lang::Zh => format!("{word}（原为{prev}）"),
                Lang::En => format!("{word} (was {prev})"),
            }
        }
        _ => word.to_owned(),
    }
}

/// The baseline counts in words, or `None` without a baseline: `新增 3，加重 15，减轻
/// 1，未变 10，已消除 2`.
pub(super) fn changes_text(s: &Summary, lang: Lang) -> Option<String> {
    let counts = [
        (s.new?, change_word(Change::New, lang)),
        (s.escalated?, change_word(Change::Escalated, lang)),
        (s.eased?, change_word(Change::Eased, lang)),
        (s.unchanged?, change_word(Change::Unchanged, lang)),
        (s.resolved?, gone_word(lang)),
    ];
    let parts: Vec<String> = counts
        .iter()
        .map(|(n, w)| match lang {
            Lang::Zh => format!("{w} {n}"),
            Lang::En => format!("{n} {w}"),
        })
        .collect();
    Some(parts.join(lang.pick("，", ", ")))
}

/// A status's count at error severity, with the warning-severity count said apart
/// (SPEC §8): `违规 27，另有提醒级 2`, `27 violation(s) (and 2 at warning severity)`.
pub(super) fn status_total(s: &Summary, status: Status, lang: Lang) -> String {
    let of = |c: &super::StatusCounts| match status {
        Status::Violation => c.violation,
        Status::Pending => c.pending,
        Status::Waived => c.waived,
    };
    let (error, warning) = (of(&s.by_severity.error), of(&s.by_severity.warning));
    let head = match (status, lang) {
        (_, Lang::Zh) => format!("{} {error}", status_word(status, lang)),
        (Status::Violation, Lang::En) => format!("{error} violation(s)"),
        (_, Lang::En) => format!("{error} {}", status_word(status, lang)),
    };
    match (warning, lang) {
        (0, _) => head,
        (n, Lang::Zh) => format!("{head}，另有提醒级 {n}"),
        (n, Lang::En) => format!("{head} (and {n} at warning severity)"),
    }
}

/// The totals of a report split by severity: `违规 27，另有提醒级 2；待办 2；豁免 0`.
pub(super) fn totals_text(s: &Summary, lang: Lang) -> String {
    [Status::Violation, Status::Pending, Status::Waived]
        .map(|st| status_total(s, st, lang))
        .join(lang.pick("；", ", "))
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
/// the data, say), and bidirectional controls, written as `\u{0}`, as the terminal
/// report does: they are data, but no viewer should show or obey them.
pub(super) fn escape_controls(s: &str) -> String {
    if !s
        .chars()
        .any(|c| hidden(c) && !matches!(c, '\t' | '\n' | '\r'))
    {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) && !matches!(c, '\t' | '\n' | '\r') {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// A character no viewer should be left to interpret: a control character, or a
/// bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069), which
/// would reorder the text shown around it (SPEC §8 "Privacy and text").
pub fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether a spreadsheet would take a cell with this text for a formula (OWASP's list).
pub(super) fn looks_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}
