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
//!
//! Ids as text: a cell Excel, WPS or LibreOffice would turn into a number (all digits and
//! 12 or more of them, shown as 5.10703E+17 and cut to 15 digits; or digits with a
//! leading zero, which would be dropped) is written with a tab after it. Spreadsheets
//! then keep the cell as text, whole; the tab is invisible and no formula is involved.

use super::stream::Findings;
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

/// A cell's text as written: control characters escaped, neutralised against formula
/// injection, and ids a spreadsheet would turn into numbers marked as text.
fn field(value: &str) -> String {
    let mut v = escape_controls(value);
    if looks_like_formula(&v) {
        v.insert(0, '\'');
    } else if number_to_a_spreadsheet(&v) {
        v.push('\t');
    }
    v
}

/// Whether a spreadsheet opening the CSV would read this cell as a number and show it
/// otherwise than written: 12 or more digits (scientific notation, digits past the 15th
/// lost), or digits with a leading zero (dropped).
fn number_to_a_spreadsheet(s: &str) -> bool {
    s.len() > 1 && s.bytes().all(|b| b.is_ascii_digit()) && (s.len() >= 12 || s.starts_with('0'))
}

/// The findings as CSV bytes: a BOM, the header, one record per finding (RFC 4180
/// quoting and CRLF records, by the csv crate's writer).
pub fn render(report: &Report, lang: Lang) -> Vec<u8> {
    // Writing to memory fails only on a record of the wrong length, which none is (each
    // has the header's 16 cells); should it happen, the report says so, as JSON's does.
    records(report, lang).unwrap_or_else(|e| format!("{BOM}error: {e}\r\n").into_bytes())
}

fn records(report: &Report, lang: Lang) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.as_bytes().to_vec());
    w.write_record(finding_header(lang).map(field))?;
    // Each rule's clause by its id, looked up once per finding (not a search of the
    // rules for each).
    let index = report.rule_index();
    for f in &report.findings {
        let clause = index
            .get(f.rule.as_str())
            .map_or("", |&i| report.rules[i].clause.as_str());
        w.write_record(finding_cells(f, clause, lang).each_ref().map(|c| field(c)))?;
    }
    Ok(w.into_inner().map_err(|e| e.to_string())?)
}

/// Writes the findings as CSV, exactly as [`render`] would with them in the report: a
/// BOM, the header, then each finding's record as it is made.
pub fn write_streamed(
    report: &Report,
    findings: &Findings<'_>,
    lang: Lang,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let record = |cells: &[String], out: &mut Vec<u8>| {
        let mut r = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .buffer_capacity(1024)
            .from_writer(out);
        // A record of the header's length, written to memory: it cannot fail.
        let _ = r.write_record(cells);
        let _ = r.flush();
    };
    let mut head = BOM.as_bytes().to_vec();
    record(&finding_header(lang).map(field), &mut head);
    w.write_all(&head)?;
    let index = report.rule_index();
    let print = |_: usize, f: &FindingEntry, out: &mut Vec<u8>| {
        let clause = index
            .get(f.rule.as_str())
            .map_or("", |&i| report.rules[i].clause.as_str());
        record(
            &finding_cells(f, clause, lang).each_ref().map(|c| field(c)),
            out,
        );
    };
    findings.write(0..findings.len(), &print, w)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One cell as the csv crate's writer puts it in a record.
    fn one(v: &str) -> String {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        w.write_record([field(v)]).unwrap();
        let bytes = w.into_inner().unwrap();
        String::from_utf8(bytes)
            .unwrap()
            .trim_end_matches("\r\n")
            .to_owned()
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
        ];
        for (input, want) in cases {
            assert_eq!(one(input), want, "{input:?}");
        }
    }

    /// Ids a spreadsheet would make numbers of end with a tab (kept as text); others are
    /// written as they are.
    #[test]
    fn numeric_ids_are_written_as_text() {
        let cases = [
            ("510703198107010061", "510703198107010061\t"),
            ("123456789012", "123456789012\t"),
            ("12345678901", "12345678901"),
            ("0123", "0123\t"),
            ("00", "00\t"),
            ("0", "0"),
            ("2019", "2019"),
            ("E02", "E02"),
            ("51070319860901004X", "51070319860901004X"),
            ("51070319860901004x", "51070319860901004x"),
            ("510703********0058", "510703********0058"),
            (
                "new-chair-training:510703198107010061",
                "new-chair-training:510703198107010061",
            ),
            ("-510703198107010061", "'-510703198107010061"),
            ("=510703198107010061", "'=510703198107010061"),
            (
                "５１０７０３１９８１０７０１００６１",
                "５１０７０３１９８１０７０１００６１",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(one(input), want, "{input:?}");
        }
    }
}
