//! The trend as CSV (SPEC §9): one row per series and date, UTF-8 with a BOM and CRLF
//! line ends for Excel, as `check` writes CSV.

use super::{Trend, rate_value};
use crate::dates::fmt_date;

/// The CSV bytes.
pub fn render(t: &Trend) -> Vec<u8> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let _ = w.write_record([
        "rule",
        "group",
        "subject",
        "date",
        "checked",
        "met",
        "violation",
        "pending",
        "waived",
        "met_rate",
    ]);
    for s in &t.series {
        let rule = t.rules.get(s.rule).map_or("", |r| r.id.as_str());
        for (d, p) in t.dates.iter().zip(&s.points) {
            let _ = w.write_record([
                rule.to_owned(),
                s.group.clone().unwrap_or_default(),
                s.subject.clone().unwrap_or_default(),
                fmt_date(*d),
                p.checked.to_string(),
                p.met.to_string(),
                p.violation.to_string(),
                p.pending.to_string(),
                p.waived.to_string(),
                p.met_rate()
                    .map(|r| rate_value(r).to_string())
                    .unwrap_or_default(),
            ]);
        }
    }
    w.into_inner().unwrap_or_default()
}
