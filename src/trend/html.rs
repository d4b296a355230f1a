//! The trend as one self-contained HTML page (SPEC §9): inline SVG line charts of the
//! met rate per rule, the plan's end marked and the forecast dashed; with `--by`, small
//! multiples per group, off-track groups first. No script, nothing from elsewhere;
//! prints on A4.

use chrono::NaiveDate;

use super::{Series, Trend, percent};
use crate::dates::fmt_date;
use crate::i18n::Lang;

const CSS: &str = r#"
:root { --ink: #1d2939; --muted: #667085; --line: #d0d5dd; --grid: #eaecf0;
  --met: #1570ef; --off: #b42318; --off-bg: #fee4e2; --on: #05603a; --on-bg: #d1fadf; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
  "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", SimHei,
  sans-serif; color: var(--ink); margin: 0 auto; padding: 24px 28px; max-width: 210mm;
  font-size: 10.5pt; line-height: 1.5; background: #fff; }
h1 { font-size: 18pt; margin: 4px 0 6px; text-align: center; }
h2 { font-size: 13pt; margin: 0 0 6px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
.facts { text-align: center; color: var(--muted); margin: 0 0 12px; }
.verdict { font-weight: 700; margin: 0 0 10px; padding: 6px 10px; border-left: 4px solid var(--on);
  background: var(--on-bg); }
.verdict.bad { border-color: var(--off); background: var(--off-bg); }
.caveat { color: var(--muted); font-size: 9pt; margin: 0 0 16px; }
section.rule { margin-top: 22px; break-inside: avoid-page; }
.grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px 12px; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure.main { margin-bottom: 8px; }
figcaption { font-size: 9pt; line-height: 1.35; }
figcaption b { font-size: 9.5pt; }
figure.off figcaption b { color: var(--off); }
.off-word { color: var(--off); font-weight: 700; }
.on-word { color: var(--on); font-weight: 700; }
svg { display: block; width: 100%; height: auto; }
svg text { font-size: 9px; fill: var(--muted); }
ul.list { margin: 4px 0; padding-left: 18px; font-size: 9pt; }
footer { margin-top: 24px; color: var(--muted); font-size: 8.5pt; text-align: center; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
"#;

/// Escapes text for HTML content or a quoted attribute (control characters shown as
/// escapes first, as in the terminal).
fn esc(s: &str) -> String {
    let s = crate::report::table::clean(s);
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

/// The drawing area of a chart, in SVG units.
struct Frame {
    w: f64,
    h: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    first: NaiveDate,
    last: NaiveDate,
}

impl Frame {
    fn x(&self, d: NaiveDate) -> f64 {
        let span = (self.last - self.first).num_days().max(1) as f64;
        let t = (d - self.first).num_days() as f64 / span;
        self.left + t * (self.w - self.left - self.right)
    }

    fn y(&self, rate: u32) -> f64 {
        let t = f64::from(rate) / 10_000.0;
        self.h - self.bottom - t * (self.h - self.top - self.bottom)
    }
}

/// One line chart of a series: the met rate at each date (gaps where nothing was
/// checked), the plan's end marked, the forecast dashed to it, and the required rate
/// when it is below 100%.
fn chart(t: &Trend, s: &Series, small: bool, lang: Lang) -> String {
    let (w, h) = if small {
        (220.0, 110.0)
    } else {
        (680.0, 190.0)
    };
    let first = t.dates.first().copied().unwrap_or(t.plan_end);
    let last = t
        .dates
        .last()
        .copied()
        .unwrap_or(t.plan_end)
        .max(t.plan_end);
    let f = Frame {
        w,
        h,
        left: if small { 26.0 } else { 34.0 },
        right: 8.0,
        top: 8.0,
        bottom: 16.0,
        first,
        last,
    };
    let mut svg = format!(r#"<svg viewBox="0 0 {w} {h}" role="img">"#);
    // Rate grid: 0, 50%, 100% labelled; 25% and 75% light.
    for r in [0u32, 2_500, 5_000, 7_500, 10_000] {
        let y = f.y(r);
        let stroke = if r % 5_000 == 0 { "#d0d5dd" } else { "#eaecf0" };
        svg.push_str(&format!(
            r#"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{stroke}" stroke-width="0.6"/>"#,
            f.left,
            w - f.right
        ));
        if r % 5_000 == 0 {
            svg.push_str(&format!(
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                f.left - 3.0,
                y + 3.0,
                percent(r)
            ));
        }
    }
    // Year ticks: each 1 January within the range, and the first date.
    let mut year = chrono::Datelike::year(&first) + 1;
    let mut ticks = vec![(first, fmt_date(first))];
    while let Some(d) = NaiveDate::from_ymd_opt(year, 1, 1) {
        if d > last {
            break;
        }
        ticks.push((d, year.to_string()));
        year += 1;
    }
    let min_gap = if small { 28.0 } else { 40.0 };
    let mut last_x = f64::NEG_INFINITY;
    for (d, label) in ticks {
        let x = f.x(d);
        if x - last_x < min_gap {
            continue;
        }
        last_x = x;
        let label = if small && label.len() > 4 {
            label[..4].to_owned()
        } else {
            label
        };
        svg.push_str(&format!(
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="start">{}</text>"#,
            h - 4.0,
            esc(&label)
        ));
    }
    // The plan's end.
    if t.plan_end >= first {
        let x = f.x(t.plan_end);
        svg.push_str(&format!(
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#344054" stroke-width="1" stroke-dasharray="2 2"/>"##,
            f.top,
            h - f.bottom
        ));
        if !small {
            svg.push_str(&format!(
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{} {}</text>"#,
                x - 3.0,
                f.top + 8.0,
                lang.pick("规划期末", "plan ends"),
                fmt_date(t.plan_end)
            ));
        }
    }
    // The required rate, when below 100%.
    if let Some(fc) = &s.forecast
        && fc.target < 10_000
    {
        let y = f.y(fc.target);
        svg.push_str(&format!(
            r##"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#05603a" stroke-width="0.8" stroke-dasharray="4 2"/>"##,
            f.left,
            w - f.right
        ));
    }
    // The met rate: a polyline per run of dates with a rate.
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    let mut latest = None;
    for (d, p) in t.dates.iter().zip(&s.points) {
        match p.met_rate() {
            Some(r) => {
                let pt = (f.x(*d), f.y(r));
                if let Some(run) = runs.last_mut() {
                    run.push(pt);
                }
                latest = Some(pt);
            }
            None => runs.push(Vec::new()),
        }
    }
    let width = if small { 1.5 } else { 2.0 };
    for run in runs.iter().filter(|r| !r.is_empty()) {
        let pts: Vec<String> = run.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        if run.len() == 1 {
            svg.push_str(&format!(
                r##"<circle cx="{:.1}" cy="{:.1}" r="2" fill="#1570ef"/>"##,
                run[0].0, run[0].1
            ));
        } else {
            svg.push_str(&format!(
                r##"<polyline points="{}" fill="none" stroke="#1570ef" stroke-width="{width}" stroke-linejoin="round"/>"##,
                pts.join(" ")
            ));
        }
    }
    // The forecast, dashed from the latest point to the plan's end.
    if let (Some(fc), Some((x0, y0))) = (&s.forecast, latest) {
        let colour = if fc.on_track { "#05603a" } else { "#b42318" };
        let (x1, y1) = (f.x(fc.due), f.y(fc.projected));
        svg.push_str(&format!(
            r#"<line x1="{x0:.1}" y1="{y0:.1}" x2="{x1:.1}" y2="{y1:.1}" stroke="{colour}" stroke-width="{width}" stroke-dasharray="5 3"/><circle cx="{x1:.1}" cy="{y1:.1}" r="2.5" fill="{colour}"/>"#
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The caption under a chart: the name, the latest rate, the forecast.
fn caption(t: &Trend, s: &Series, lang: Lang) -> String {
    let latest = t
        .dates
        .iter()
        .zip(&s.points)
        .rev()
        .find_map(|(d, p)| Some((*d, p.met_rate()?, p)));
    let mut out = format!("<b>{}</b> ", esc(&s.label(lang)));
    if let Some((d, r, p)) = latest {
        out.push_str(&match lang {
            Lang::Zh => format!(
                "{} 达标 {}（{}/{}）",
                fmt_date(d),
                percent(r),
                p.met,
                p.checked
            ),
            Lang::En => format!(
                "{} met {} ({}/{})",
                fmt_date(d),
                percent(r),
                p.met,
                p.checked
            ),
        });
    } else {
        out.push_str(lang.pick("无检查对象", "nothing checked"));
    }
    if let Some(fc) = &s.forecast {
        let word = match (fc.on_track, lang) {
            (true, Lang::Zh) => r#"<span class="on-word">可达标</span>"#,
            (false, Lang::Zh) => r#"<span class="off-word">落后</span>"#,
            (true, Lang::En) => r#"<span class="on-word">on track</span>"#,
            (false, Lang::En) => r#"<span class="off-word">off track</span>"#,
        };
        out.push_str(&match lang {
            Lang::Zh => format!("；预计期末 {}，{word}", percent(fc.projected)),
            Lang::En => format!(
                "; projected {} at the plan's end: {word}",
                percent(fc.projected)
            ),
        });
        if fc.target < 10_000 {
            out.push_str(&match lang {
                Lang::Zh => format!("（要求 {}）", percent(fc.target)),
                Lang::En => format!(" (needs {})", percent(fc.target)),
            });
        }
    }
    out
}

fn figure(t: &Trend, s: &Series, small: bool, lang: Lang) -> String {
    let mut class = String::from(if small { "" } else { "main" });
    if s.off_track() {
        class.push_str(" off");
    }
    format!(
        r#"<figure class="{}">{}<figcaption>{}</figcaption></figure>"#,
        class.trim(),
        chart(t, s, small, lang),
        caption(t, s, lang)
    )
}

/// The HTML bytes.
pub fn render(t: &Trend, lang: Lang) -> Vec<u8> {
    let title = match &t.plan_title {
        Some(p) => format!("{p} {}", lang.pick("进度趋势", "progress over time")),
        None => lang
            .pick("培训进度趋势", "Training progress over time")
            .to_owned(),
    };
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body>\n",
        lang.pick("zh-CN", "en"),
        esc(&title)
    );
    out.push_str(&format!("<h1>{}</h1>\n", esc(&title)));
    let first = t.dates.first().map(|d| fmt_date(*d)).unwrap_or_default();
    let last = t.dates.last().map(|d| fmt_date(*d)).unwrap_or_default();
    let every = match (t.every, lang) {
        (super::Every::Month, Lang::Zh) => "每月",
        (super::Every::Quarter, Lang::Zh) => "每季度",
        (super::Every::Year, Lang::Zh) => "每年",
        (e, Lang::En) => e.as_str(),
    };
    out.push_str(&format!(
        "<p class=\"facts\">{} · {first} – {last} · {} {} · {} {}{}</p>\n",
        esc(&t.rule_set),
        t.dates.len(),
        match lang {
            Lang::Zh => format!("个时点（{every}）"),
            Lang::En => format!("dates (every {every})"),
        },
        lang.pick("规划期末", "plan ends"),
        fmt_date(t.plan_end),
        match &t.by {
            Some(b) => format!(" · {} {}", lang.pick("按", "by"), esc(b)),
            None => String::new(),
        }
    ));
    let off = t.series.iter().filter(|s| s.off_track()).count();
    let with = t.series.iter().filter(|s| s.forecast.is_some()).count();
    let verdict = match (lang, with, off) {
        (Lang::Zh, 0, _) => "没有需要预测的系列（规划已到期，或没有以期末为限的规则）".to_owned(),
        (Lang::Zh, _, 0) => format!("{with} 条预测全部可以达标"),
        (Lang::Zh, _, _) => {
            format!("{with} 条预测中 {off} 条落后：照最近几个时点的速度，到规划期末达不到要求")
        }
        (Lang::En, 0, _) => {
            "no series to forecast (the plan has ended, or no rule is due at its end)".to_owned()
        }
        (Lang::En, _, 0) => format!("all {with} forecasts are on track"),
        (Lang::En, _, _) => format!(
            "{off} of {with} forecasts are off track: at the pace of recent dates, they will not meet the requirement by the plan's end"
        ),
    };
    out.push_str(&format!(
        "<p class=\"verdict{}\">{}</p>\n<p class=\"caveat\">{}</p>\n",
        if off > 0 { " bad" } else { "" },
        esc(&verdict),
        lang.pick(
            "实线为各时点的达标率（达标数 ÷ 检查数）；虚线为预测：过最近至多 6 个时点的最小二乘直线，延到规划期末，只说明照现在的速度会怎样，不是承诺。竖虚线为规划期末。",
            "Solid line: the met rate at each date (met ÷ checked). Dashed: the forecast, a least-squares line through the last 6 dates at most, carried to the plan's end: where the present pace leads, not a promise. Vertical dashes: the plan's end."
        )
    ));
    for (rule, series) in t.rules.iter().zip(t.by_rule()) {
        out.push_str(&format!(
            "<section class=\"rule\"><h2>{} <small>{}</small></h2>\n",
            esc(&rule.title),
            esc(&rule.id)
        ));
        let (main, groups): (Vec<&Series>, Vec<&Series>) = series
            .into_iter()
            .partition(|s| s.group.is_none() && s.subject.is_none());
        for s in main {
            out.push_str(&figure(t, s, false, lang));
        }
        if !groups.is_empty() {
            out.push_str("<div class=\"grid\">");
            for s in groups {
                out.push_str(&figure(t, s, true, lang));
            }
            out.push_str("</div>");
        }
        out.push_str("</section>\n");
    }
    if !t.notices.is_empty() {
        out.push_str(&format!(
            "<section class=\"rule\"><h2>{}（{}）</h2><ul class=\"list\">",
            lang.pick("提示", "Notices"),
            t.notices.len()
        ));
        for n in &t.notices {
            out.push_str(&format!("<li>{}</li>", esc(&n.message)));
        }
        out.push_str("</ul></section>\n");
    }
    if !t.data_errors.is_empty() {
        out.push_str(&format!(
            "<section class=\"rule\"><h2>{}（{}）</h2><ul class=\"list\">",
            lang.pick(
                "数据错误：这些行未参与检查",
                "Data errors: these rows were left out"
            ),
            t.data_errors.len()
        ));
        for e in &t.data_errors {
            out.push_str(&format!(
                "<li>{} {} {}{}：{}</li>",
                esc(&e.file),
                lang.pick("第", "line"),
                e.line,
                lang.pick(" 行", ""),
                esc(&e.reason)
            ));
        }
        out.push_str("</ul></section>\n");
    }
    out.push_str(&format!(
        "<footer>peixun {} · {}</footer>\n</body></html>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&t.rule_set)
    ));
    out.into_bytes()
}
