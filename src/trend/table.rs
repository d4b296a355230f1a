//! The trend for a terminal (SPEC §9): one line per rule (and group) with a sparkline
//! of the met rate, the latest rate and the forecast; notices and data errors after.

use super::{Series, Trend, percent};
use crate::dates::fmt_date;
use crate::i18n::Lang;
use crate::report::table::{clean, data_errors, notices};

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of met rates: one bar per date (0 → ▁, 1 → █), `·` where nothing was
/// checked.
pub fn sparkline(s: &Series) -> String {
    s.points
        .iter()
        .map(|p| match p.met_rate() {
            Some(r) => BARS[(r as usize * 7 + 5_000) / 10_000],
            None => '·',
        })
        .collect()
}

/// The latest rate and the forecast, in words.
fn outlook(t: &Trend, s: &Series, lang: Lang) -> String {
    let latest = s
        .points
        .iter()
        .zip(&t.dates)
        .rev()
        .find_map(|(p, d)| Some((p.met_rate()?, *d)));
    let mut out = match latest {
        Some((r, _)) => percent(r),
        None => "—".to_owned(),
    };
    if let Some(f) = &s.forecast {
        let p = percent(f.projected);
        let want = match (f.target, lang) {
            (10_000, _) => String::new(),
            (r, Lang::Zh) => format!("（要求 {}）", percent(r)),
            (r, Lang::En) => format!(" (needs {})", percent(r)),
        };
        out.push_str(&match (lang, f.on_track) {
            (Lang::Zh, true) => format!("  → 期末 {p}，可达标{want}"),
            (Lang::Zh, false) => format!("  → 期末 {p}，落后{want}"),
            (Lang::En, true) => format!("  → {p} at plan end: on track{want}"),
            (Lang::En, false) => format!("  → {p} at plan end: off track{want}"),
        });
    }
    out
}

/// Display width of a string: CJK and full-width characters count 2.
fn width_of(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if (c as u32) >= 0x1100 && !BARS.contains(&c) && c != '·' {
                2
            } else {
                1
            }
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_owned();
    for _ in width_of(s)..w {
        out.push(' ');
    }
    out
}

/// The terminal text.
pub fn render(t: &Trend, lang: Lang, width: u16) -> String {
    let mut out = String::new();
    let first = t.dates.first().map(|d| fmt_date(*d)).unwrap_or_default();
    let last = t.dates.last().map(|d| fmt_date(*d)).unwrap_or_default();
    out.push_str(&match lang {
        Lang::Zh => format!(
            "{}：{first} 至 {last}，{} 个时点（每{}），规划期末 {}\n\n",
            t.rule_set,
            t.dates.len(),
            match t.every {
                super::Every::Month => "月",
                super::Every::Quarter => "季度",
                super::Every::Year => "年",
            },
            fmt_date(t.plan_end)
        ),
        Lang::En => format!(
            "{}: {first} to {last}, {} dates (every {}), plan ends {}\n\n",
            t.rule_set,
            t.dates.len(),
            t.every.as_str(),
            fmt_date(t.plan_end)
        ),
    });
    let by_rule = t.by_rule();
    let label_w = t
        .series
        .iter()
        .filter(|s| s.group.is_some() || s.subject.is_some())
        .map(|s| width_of(&clean(&s.label(lang))))
        .max()
        .unwrap_or(0)
        .clamp(4, 24);
    for (rule, series) in t.rules.iter().zip(by_rule) {
        out.push_str(&format!("■ {}  {}\n", rule.id, clean(&rule.title)));
        for s in series {
            let label = clean(&s.label(lang));
            let line = format!(
                "  {}  {}  {}",
                pad(&label, label_w),
                sparkline(s),
                outlook(t, s, lang)
            );
            out.push_str(&crate::report::table::wrap(&line, width as usize, "    "));
        }
        out.push('\n');
    }
    if !t.notices.is_empty() {
        out.push_str(&notices(&t.notices, lang, width));
    }
    if !t.data_errors.is_empty() {
        out.push_str(&data_errors(&t.data_errors, lang, width));
    }
    let off = t.series.iter().filter(|s| s.off_track()).count();
    let with = t.series.iter().filter(|s| s.forecast.is_some()).count();
    out.push_str(&match lang {
        Lang::Zh => format!(
            "预测 {with} 条，落后 {off} 条；数据错误 {}（预测是按最近时点画的直线，不是承诺）\n",
            t.data_errors.len()
        ),
        Lang::En => format!(
            "{with} forecasts, {off} off track; {} data errors (a forecast is a straight line through recent dates, not a promise)\n",
            t.data_errors.len()
        ),
    });
    out
}
