//! `--format csv`: one row per finding, for auditors who sort and filter in a
//! spreadsheet. UTF-8 with a BOM (so Chinese Excel opens it without mojibake), CRLF
//! records, RFC 4180 quoting, headers in the chosen language.
//!
//! Data errors are not rows here (the file is a table of findings); they are in the
//! exit status, the terminal/HTML/xlsx reports and the JSON.
//!
//! CSV injection (OWASP): a cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage
//! return is written with a leading `'`, so a spreadsheet shows it as text instead of
//! running it as a formula.

use super::words::{change_text, escape_controls, looks_like_formula, severity_word, status_word};
use super::{FindingEntry, Report};
use crate::i18n::Lang;

/// The byte-order mark Excel needs to read UTF-8.
const BOM: &str = "\u{feff}";

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

/// A finding's cells, as text, in the order of [`finding_header`]; `clause` is its
/// rule's.
pub(super) fn finding_cells(f: &FindingEntry, clause: &str, lang: Lang) -> [String; 16] {
    let clause = clause.to_owned();
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
        change_text(f, lang),
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
    // Each rule's clause by its id, looked up once per finding (not a search of the
    // rules for each).
    let index = report.rule_index();
    for f in &report.findings {
        let clause = index
            .get(f.rule.as_str())
            .map_or("", |&i| report.rules[i].clause.as_str());
        record(&mut out, &finding_cells(f, clause, lang));
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
