//! The trend as JSON for scripts (SPEC §9): stable keys, rule ids and dates.

use serde_json::{Value, json};

use super::{Series, Trend, rate_value};
use crate::dates::fmt_date;

fn series_value(t: &Trend, s: &Series) -> Value {
    let mut o = serde_json::Map::new();
    o.insert(
        "rule".into(),
        t.rules
            .get(s.rule)
            .map(|r| r.id.clone())
            .unwrap_or_default()
            .into(),
    );
    if let Some(g) = &s.group {
        o.insert("group".into(), g.clone().into());
    }
    if let Some(subject) = &s.subject {
        o.insert("subject".into(), subject.clone().into());
    }
    let points: Vec<Value> = t
        .dates
        .iter()
        .zip(&s.points)
        .map(|(d, p)| {
            json!({
                "date": fmt_date(*d),
                "checked": p.checked,
                "met": p.met,
                "violation": p.violation,
                "pending": p.pending,
                "waived": p.waived,
                "met_rate": p.met_rate().map(rate_value),
            })
        })
        .collect();
    o.insert("points".into(), points.into());
    if let Some(f) = &s.forecast {
        o.insert(
            "forecast".into(),
            json!({
                "due": fmt_date(f.due),
                "projected_rate": rate_value(f.projected),
                "required_rate": rate_value(f.target),
                "on_track": f.on_track,
            }),
        );
    }
    Value::Object(o)
}

/// The JSON text, ending in a newline.
pub fn render(t: &Trend) -> String {
    let v = json!({
        "rule_set": t.rule_set,
        "every": t.every.as_str(),
        "by": t.by,
        "plan_end": fmt_date(t.plan_end),
        "dates": t.dates.iter().map(|d| fmt_date(*d)).collect::<Vec<_>>(),
        "series": t.series.iter().map(|s| series_value(t, s)).collect::<Vec<_>>(),
        "data_errors": t.data_errors,
        "notices": t.notices,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
