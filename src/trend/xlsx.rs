//! The trend as an Excel workbook (SPEC §9): an overview (each series' latest rate and
//! forecast, off track first), a data sheet per rule (the met rate of each series at each
//! date, and the forecast to the plan's end) with a native line chart of it, every count
//! in long form, and the notices and data errors.

use rust_xlsxwriter::{
    Chart, ChartEmptyCells, ChartLegendPosition, ChartLine, ChartLineDashType, ChartType,
    ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use chrono::{Datelike, NaiveDate};

use super::{Series, Trend, rate_value};
use crate::i18n::Lang;

/// The formats every sheet uses.
struct Styles {
    header: Format,
    title: Format,
    date: Format,
    percent: Format,
    off: Format,
}

impl Styles {
    fn new() -> Styles {
        let font = |f: Format| f.set_font_name("等线");
        Styles {
            header: font(Format::new())
                .set_bold()
                .set_background_color("#F2F4F7")
                .set_border_bottom(FormatBorder::Thin),
            title: font(Format::new()).set_bold().set_font_size(14),
            date: font(Format::new()).set_num_format("yyyy-mm-dd"),
            percent: font(Format::new()).set_num_format("0.00%"),
            off: font(Format::new()).set_bold().set_font_color("#B42318"),
        }
    }
}

fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).ok()?,
        u8::try_from(d.month()).ok()?,
        u8::try_from(d.day()).ok()?,
    )
    .ok()
}

fn write_date(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    d: NaiveDate,
    s: &Styles,
) -> Result<(), XlsxError> {
    match excel_date(d) {
        Some(x) => ws.write_datetime_with_format(row, col, &x, &s.date)?,
        None => ws.write_string(row, col, crate::dates::fmt_date(d))?,
    };
    Ok(())
}

/// A valid, unique sheet name from a rule id: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(id: &str, taken: &mut Vec<String>) -> String {
    let clean: String = id
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'');
    let base: String = clean.chars().take(28).collect();
    let base = if base.is_empty() {
        "rule".to_owned()
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name))
        || ["概览", "明细", "提示", "数据错误"].contains(&name.as_str())
    {
        name = format!("{base}~{n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// The workbook bytes.
pub fn render(t: &Trend, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let s = Styles::new();
    let mut wb = Workbook::new();
    overview(wb.add_worksheet(), t, lang, &s)?;
    let mut taken = Vec::new();
    for (i, (rule, series)) in t.rules.iter().zip(t.by_rule()).enumerate() {
        let name = sheet_name(&rule.id, &mut taken);
        let ws = wb.add_worksheet();
        ws.set_name(&name)?;
        rule_sheet(ws, &name, t, i, &series, lang, &s)?;
    }
    long_form(wb.add_worksheet(), t, lang, &s)?;
    if !t.notices.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name(lang.pick("提示", "notices"))?;
        ws.write_string_with_format(0, 0, lang.pick("提示", "notice"), &s.header)?;
        ws.set_column_width(0, 100)?;
        for (r, n) in t.notices.iter().enumerate() {
            ws.write_string(r as u32 + 1, 0, &n.message)?;
        }
    }
    if !t.data_errors.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name(lang.pick("数据错误", "data errors"))?;
        let head = [
            lang.pick("文件", "file"),
            lang.pick("行", "line"),
            lang.pick("列", "column"),
            lang.pick("值", "value"),
            lang.pick("原因", "reason"),
        ];
        for (c, h) in head.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &s.header)?;
        }
        for (r, e) in t.data_errors.iter().enumerate() {
            let r = r as u32 + 1;
            ws.write_string(r, 0, &e.file)?;
            ws.write_number(r, 1, e.line)?;
            ws.write_string(r, 2, e.column.as_deref().unwrap_or(""))?;
            ws.write_string(r, 3, e.value.as_deref().unwrap_or(""))?;
            ws.write_string(r, 4, &e.reason)?;
        }
        ws.set_column_width(4, 60)?;
    }
    wb.save_to_buffer()
}

/// 概览: one row per series, the rule's off-track groups first.
fn overview(ws: &mut Worksheet, t: &Trend, lang: Lang, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("概览", "overview"))?;
    let title = match &t.plan_title {
        Some(p) => format!("{p} {}", lang.pick("进度趋势", "progress over time")),
        None => lang
            .pick("培训进度趋势", "training progress over time")
            .to_owned(),
    };
    ws.write_string_with_format(0, 0, &title, &s.title)?;
    ws.write_string(
        1,
        0,
        lang.pick(
            "预测：过最近至多 6 个时点达标率的最小二乘直线，延到规划期末；只说明照现在的速度会怎样，不是承诺。",
            "Forecast: a least-squares line through the met rates of the last 6 dates at most, carried to the plan's end: where the present pace leads, not a promise.",
        ),
    )?;
    let head = [
        lang.pick("规则", "rule"),
        lang.pick("标题", "title"),
        lang.pick("分组/对象", "group/subject"),
        lang.pick("最近时点", "latest date"),
        lang.pick("检查", "checked"),
        lang.pick("达标", "met"),
        lang.pick("达标率", "met rate"),
        lang.pick("期末", "due"),
        lang.pick("预计达标率", "projected rate"),
        lang.pick("要求", "required"),
        lang.pick("判断", "outlook"),
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &s.header)?;
    }
    let mut row = 4;
    for (rule, series) in t.rules.iter().zip(t.by_rule()) {
        for sr in series {
            ws.write_string(row, 0, &rule.id)?;
            ws.write_string(row, 1, &rule.title)?;
            if sr.group.is_some() || sr.subject.is_some() {
                ws.write_string(row, 2, sr.label(lang))?;
            } else {
                ws.write_string(row, 2, lang.pick("全部", "all"))?;
            }
            if let Some((d, p)) = t.dates.iter().zip(&sr.points).next_back() {
                write_date(ws, row, 3, *d, s)?;
                ws.write_number(row, 4, p.checked as f64)?;
                ws.write_number(row, 5, p.met as f64)?;
                if let Some(r) = p.met_rate() {
                    ws.write_number_with_format(row, 6, rate_value(r), &s.percent)?;
                }
            }
            if let Some(f) = &sr.forecast {
                write_date(ws, row, 7, f.due, s)?;
                ws.write_number_with_format(row, 8, rate_value(f.projected), &s.percent)?;
                ws.write_number_with_format(row, 9, rate_value(f.target), &s.percent)?;
                if f.on_track {
                    ws.write_string(row, 10, lang.pick("可达标", "on track"))?;
                } else {
                    ws.write_string_with_format(row, 10, lang.pick("落后", "off track"), &s.off)?;
                }
            }
            row += 1;
        }
    }
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 40)?;
    ws.set_column_width(2, 18)?;
    ws.set_column_width(3, 12)?;
    ws.set_column_width(7, 12)?;
    ws.set_freeze_panes(4, 0)?;
    Ok(())
}

/// A rule's sheet: dates down, a met-rate column per series, then the overall series'
/// forecast column; a line chart of it beside.
fn rule_sheet(
    ws: &mut Worksheet,
    name: &str,
    t: &Trend,
    rule: usize,
    series: &[&Series],
    lang: Lang,
    s: &Styles,
) -> Result<(), XlsxError> {
    let info = &t.rules[rule];
    ws.write_string_with_format(0, 0, format!("{}  {}", info.title, info.id), &s.title)?;
    let head_row = 2u32;
    ws.write_string_with_format(head_row, 0, lang.pick("日期", "date"), &s.header)?;
    for (c, sr) in series.iter().enumerate() {
        let label = match (&sr.group, &sr.subject) {
            (None, None) => lang.pick("全部", "all").to_owned(),
            _ => sr.label(lang),
        };
        ws.write_string_with_format(head_row, c as u16 + 1, label, &s.header)?;
    }
    let n = t.dates.len() as u32;
    for (i, d) in t.dates.iter().enumerate() {
        let row = head_row + 1 + i as u32;
        write_date(ws, row, 0, *d, s)?;
        for (c, sr) in series.iter().enumerate() {
            if let Some(r) = sr.points.get(i).and_then(|p| p.met_rate()) {
                ws.write_number_with_format(row, c as u16 + 1, rate_value(r), &s.percent)?;
            }
        }
    }
    // The overall series' forecast: from its latest rate to the plan's end, one row more.
    let overall = series
        .first()
        .filter(|sr| sr.group.is_none() && sr.subject.is_none());
    let forecast = overall.and_then(|sr| {
        let f = sr.forecast?;
        let (i, r) = sr
            .points
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, p)| Some((i, p.met_rate()?)))?;
        Some((f, i, r))
    });
    let fc_col = series.len() as u16 + 1;
    let mut last_row = head_row + n;
    if let Some((f, i, r)) = forecast {
        ws.write_string_with_format(head_row, fc_col, lang.pick("预测", "forecast"), &s.header)?;
        ws.write_number_with_format(head_row + 1 + i as u32, fc_col, rate_value(r), &s.percent)?;
        last_row += 1;
        write_date(ws, last_row, 0, f.due, s)?;
        ws.write_number_with_format(last_row, fc_col, rate_value(f.projected), &s.percent)?;
    }
    ws.set_column_width(0, 12)?;
    ws.set_freeze_panes(head_row + 1, 1)?;
    // The chart: a line per series (at most 12, the overall and off-track ones first).
    let mut chart = Chart::new(ChartType::Line);
    chart
        .title()
        .set_name(&format!("{} {}", info.id, lang.pick("达标率", "met rate")));
    chart.show_empty_cells_as(ChartEmptyCells::Gaps);
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.x_axis().set_date_axis(true).set_num_format("yyyy-mm");
    chart.y_axis().set_min(0).set_max(1).set_num_format("0%");
    for c in 0..series.len().min(12) {
        let col = c as u16 + 1;
        chart
            .add_series()
            .set_name((name, head_row, col))
            .set_categories((name, head_row + 1, 0, last_row, 0))
            .set_values((name, head_row + 1, col, last_row, col));
    }
    if forecast.is_some() {
        chart
            .add_series()
            .set_name((name, head_row, fc_col))
            .set_categories((name, head_row + 1, 0, last_row, 0))
            .set_values((name, head_row + 1, fc_col, last_row, fc_col))
            .set_format(
                rust_xlsxwriter::ChartFormat::new().set_line(
                    ChartLine::new()
                        .set_dash_type(ChartLineDashType::Dash)
                        .set_color("#B42318"),
                ),
            );
    }
    chart.set_width(640).set_height(320);
    ws.insert_chart(head_row, fc_col + 2, &chart)?;
    Ok(())
}

/// 明细: every count, one row per series and date (as the CSV).
fn long_form(ws: &mut Worksheet, t: &Trend, lang: Lang, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("明细", "data"))?;
    let head = [
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
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &s.header)?;
    }
    let mut row = 1;
    for sr in &t.series {
        let rule = t.rules.get(sr.rule).map_or("", |r| r.id.as_str());
        for (d, p) in t.dates.iter().zip(&sr.points) {
            ws.write_string(row, 0, rule)?;
            ws.write_string(row, 1, sr.group.as_deref().unwrap_or(""))?;
            ws.write_string(row, 2, sr.subject.as_deref().unwrap_or(""))?;
            write_date(ws, row, 3, *d, s)?;
            for (c, v) in [p.checked, p.met, p.violation, p.pending, p.waived]
                .into_iter()
                .enumerate()
            {
                ws.write_number(row, c as u16 + 4, v as f64)?;
            }
            if let Some(r) = p.met_rate() {
                ws.write_number_with_format(row, 9, rate_value(r), &s.percent)?;
            }
            row += 1;
        }
    }
    ws.set_column_width(0, 22)?;
    ws.set_column_width(3, 12)?;
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}
