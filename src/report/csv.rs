//! `--format csv`: one row per finding, for auditors who sort and filter in a
//! spreadsheet. UTF-8 with a BOM (so Chinese Excel opens it without mojibake), CRLF
//! records, RFC 4180 quoting, headers in the chosen language.
//!
//! Data errors are not rows here (the file is a table of findings); they are in the
//! exit status, the terminal/HTML/xlsx reports and the JSON.
//!
//! CSV injection (OWASP): a cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage
//! return is written with a leading `'`, so a spreadsheet shows it as text instead of
//! running it as a formula. This file also holds the wording shared by the other
//! people-facing formats (statuses, severities, the finding columns).

use super::{FindingEntry, Report};
use crate::i18n::Lang;
use crate::rules::Severity;
use crate::view::Status;

/// The byte-order mark Excel needs to read UTF-8.
const BOM: &str = "\u{feff}";

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

/// The columns of a finding row, in order (also the xlsx rule sheets').
pub(super) fn finding_header(lang: Lang) -> [&'static str; 16] {
    [
        lang.pick("编号", "id"),
        lang.pick("规则", "rule"),
        lang.pick("条款", "clause"),
        lang.pick("级别", "severity"),
        lang.pick("状态", "status"),
        lang.pick("对象", "subject"),
        lang.pick("姓名", "name"),
        lang.pick("单位", "unit"),
        lang.pick("县区", "county"),
        lang.pick("期间", "period"),
        lang.pick("截止日", "due"),
        lang.pick("说明", "message"),
        lang.pick("豁免理由", "waiver reason"),
        lang.pick("批准人", "approved by"),
        lang.pick("豁免到期", "waiver expires"),
        lang.pick("变化", "change"),
    ]
}

/// A finding's cells, as text, in the order of [`finding_header`].
pub(super) fn finding_cells(f: &FindingEntry, report: &Report, lang: Lang) -> [String; 16] {
    let clause = report
        .rules
        .iter()
        .find(|r| r.id == f.rule)
        .map(|r| r.clause.clone())
        .unwrap_or_default();
    let (name, unit, county) = f.who.clone().unwrap_or_default();
    let (reason, approver, expires) = match &f.waiver {
        Some(w) => (
            w.reason.clone(),
            w.approved_by.clone(),
            w.expires_on.clone().unwrap_or_default(),
        ),
        None => Default::default(),
    };
    [
        f.id.clone(),
        f.rule.clone(),
        clause,
        severity_word(f.severity, lang).to_owned(),
        status_word(f.status, lang).to_owned(),
        f.subject.clone(),
        name,
        unit,
        county,
        f.period.map(|p| p.to_string()).unwrap_or_default(),
        f.due.clone(),
        f.message.clone(),
        reason,
        approver,
        expires,
        f.change.map(|c| change_word(c, lang)).unwrap_or_default(),
    ]
}

/// One CSV field: neutralised against formula injection, quoted when RFC 4180 needs it.
fn field(out: &mut String, value: &str) {
    let mut v = escape_controls(value);
    if looks_like_formula(&v) {
        v.insert(0, '\'');
    }
    if v.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&v);
    }
}

fn record<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, c.as_ref());
    }
    out.push_str("\r\n");
}

/// The findings as CSV bytes: a BOM, the header, one record per finding.
pub fn render(report: &Report, lang: Lang) -> Vec<u8> {
    let mut out = String::from(BOM);
    record(&mut out, &finding_header(lang));
    for f in &report.findings {
        record(&mut out, &finding_cells(f, report, lang));
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(v: &str) -> String {
        let mut s = String::new();
        field(&mut s, v);
        s
    }

    #[test]
    fn fields_are_quoted_and_neutralised() {
        let cases = [
            ("plain", "plain"),
            ("绵阳市总工会", "绵阳市总工会"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
            ),
            ("a-b", "a-b"),
            ("nul\0", "nul\\u{0}"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(one(input), want, "{input:?}");
        }
    }
}
