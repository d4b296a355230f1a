//! `--format xlsx`: a workbook for auditors who filter and annotate in Excel.
//!
//! Sheets: 汇总 (the plan, the as-of date and the counts per rule, each rule linking to
//! its sheet), one sheet per rule named from its title (a link back to 汇总 and the
//! title on top, then its findings: frozen header, autofilter, due dates as date
//! cells), 分项统计 (the per-year matrix of quota rules, its cells coloured by status
//! under a legend, and the per-county and unit counts of deadline and coverage rules),
//! 数据错误, and when present 提示 (notices), 豁免问题 (waiver problems) and 已消除 (gone
//! since a baseline). Sheet names: [`super::sheet_names`].
//!
//! Every text from the data is written with `write_string`, never as a formula; text
//! that a spreadsheet would take for one (`=`, `+`, `-`, `@`, tab, CR first) also gets
//! Excel's quote prefix, so editing the cell keeps it text.

use std::collections::{BTreeMap, HashMap};

use rust_xlsxwriter::{ColNum, RowNum, Workbook, Worksheet, XlsxError};

use super::sheet_names::SheetNames;
use super::stream::{ByRule, Listed};
use super::words::{
    change_word, escape_controls, examples_text, gone_word, one_line, severity_word,
};
use super::xlsx_cells::{A4, Cells, Sheet, Style, Styles, cut_note};
use super::xlsx_rows::{self, Rows};
use super::{Change, Report, RuleEntry};
use crate::i18n::Lang;

/// Excel's limit on the rows of a sheet.
const MAX_ROWS: usize = 1_048_576;
/// Excel's limit on the hyperlinks of a sheet: past it, names are plain text.
const MAX_LINKS: usize = 65_530;
/// The row of a rule sheet's header (its title above).
const RULE_TOP: RowNum = 1;
/// The first rule sheet's number among the workbook's parts (`sheet2.xml`): the
/// summary is the first sheet.
const FIRST_RULE_SHEET: usize = 2;
/// The statuses of a quota matrix's cells, in the legend's order.
const GRID_STATUSES: [&str; 5] = ["met", "violation", "pending", "waived", "later"];

/// The workbook's bytes. Building it fails only on a bug (every name and value is made
/// valid first); the message then takes the workbook's place.
pub fn render(report: &Report, lang: Lang) -> Vec<u8> {
    // Any waiver, any change from a baseline: asked once, not for every rule's sheet.
    let columns = (
        report.findings.iter().any(|f| f.waiver.is_some()),
        report.findings.iter().any(|f| f.change.is_some()),
    );
    let listed = Listed(report.findings_by_rule());
    let mut out = Vec::new();
    match write_streamed(report, &listed, columns, lang, &mut out) {
        Ok(()) => out,
        Err(e) => format!("peixun: cannot build the workbook: {e}\n").into_bytes(),
    }
}

/// Writes the workbook of a report, its rule sheets filled from `findings` as they are
/// made: the whole report is never held. `columns`: whether there are waiver and change
/// columns.
pub fn write_streamed(
    report: &Report,
    findings: &dyn ByRule,
    columns: (bool, bool),
    lang: Lang,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match build(report, findings, columns, lang, RowsBy::Xml, MAX_ROWS) {
        Ok((saved, rows)) => xlsx_rows::put_in(&saved, rows, w),
        Err(e) => w.write_all(format!("peixun: cannot build the workbook: {e}\n").as_bytes()),
    }
}

/// How the rule sheets' rows are written: as XML on every core, put into the saved
/// workbook ([`xlsx_rows`]); or, for the tests to compare, by the library.
#[derive(Clone, Copy, PartialEq)]
enum RowsBy {
    Xml,
    #[cfg(test)]
    Library,
}

fn as_of_datetime(as_of: &str) -> Option<rust_xlsxwriter::ExcelDateTime> {
    let mut it = as_of.split('-').map(|p| p.parse::<u16>().ok());
    let (y, m, d) = (it.next()??, it.next()??, it.next()??);
    rust_xlsxwriter::ExcelDateTime::from_ymd(y, u8::try_from(m).ok()?, u8::try_from(d).ok()?).ok()
}

/// The workbook as the library saves it, and the rule sheets' rows to put in (with
/// [`RowsBy::Xml`]). `max_rows`: Excel's row limit (lower in a test).
fn build(
    report: &Report,
    findings: &dyn ByRule,
    columns: (bool, bool),
    lang: Lang,
    rows_by: RowsBy,
    max_rows: usize,
) -> Result<(Vec<u8>, HashMap<usize, Rows>), XlsxError> {
    // Constant-memory sheets keep the rows the library writes in unnamed temporary
    // files: make sure one can be opened before anything is built.
    tempfile::tempfile_in(std::env::temp_dir())?;
    let st = Styles::new();
    let mut wb = Workbook::new();
    for format in st.all() {
        wb.register_format(format);
    }
    // The as-of date as the creation time: the same check gives the same bytes.
    if let Some(created) = as_of_datetime(&report.as_of) {
        wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    }
    let mut names = SheetNames::default();
    let summary_name = names.claim(lang.pick("汇总", "Summary"));
    let detail_name = names.claim(lang.pick("分项统计", "Breakdown"));
    let errors_name = names.claim(lang.pick("数据错误", "Data errors"));
    let notices_name = names.claim(lang.pick("提示", "Notices"));
    let warnings_name = names.claim(lang.pick("豁免问题", "Waiver problems"));
    let resolved_name = names.claim(lang.pick("已消除", "Gone"));
    let rule_sheets: Vec<String> = report
        .rules
        .iter()
        .map(|r| {
            // The title without the approximate mark (the sheet's title row has it):
            // the tab has room for little.
            let title = ["〔近似〕", "(approximate) "]
                .iter()
                .find_map(|mark| r.heading.strip_prefix(mark))
                .filter(|_| r.approximate == Some(true))
                .unwrap_or(&r.heading);
            names.claim_rule(title, &r.id, lang.pick("规则", "Rule"))
        })
        .collect();

    let mut summary_sheet = Worksheet::new();
    summary(
        summary_sheet.set_name(&summary_name)?,
        &st,
        report,
        &rule_sheets,
        lang,
    )?;
    wb.push_worksheet(summary_sheet);
    // The breakdown holds a row per unit of each coverage rule (180,000 for a million
    // cadres): its rows are written on another core while the rule sheets' are.
    let has_breakdown = report
        .details
        .iter()
        .any(|d| !d.grid.is_empty() || !d.coverage.is_empty());
    let sizes = findings.sizes();
    // Each rule's findings shown, and all of them.
    let counts: Vec<(usize, usize)> = (0..report.rules.len())
        .map(|i| {
            let count = sizes.get(i).map_or(0, |s| s.0);
            (count.min(max_rows - 3), count)
        })
        .collect();
    // The rows written as XML, by the number of their sheet.
    let mut rows: HashMap<usize, Rows> = HashMap::new();
    let mut rule_worksheets = Vec::with_capacity(rule_sheets.len());
    for sheet in &rule_sheets {
        // Constant-memory mode: strings inline, as in the rows put in (and in the
        // library's rows, when a test has it write them).
        let mut ws = wb.new_worksheet_with_constant_memory()?;
        ws.set_name(sheet)?;
        rule_worksheets.push(ws);
    }
    let mut breakdown_sheet = None;
    if has_breakdown {
        let mut ws = wb.new_worksheet_with_constant_memory()?;
        ws.set_name(&detail_name)?;
        breakdown_sheet = Some(ws);
    }
    std::thread::scope(|s| {
        let side = s.spawn(|| -> Result<_, XlsxError> {
            let Some(ws) = breakdown_sheet.as_mut() else {
                return Ok(None);
            };
            let mut sh = Sheet::new(ws, &st);
            let written = match rows_by {
                RowsBy::Xml => {
                    let r = xlsx_rows::sheet_rows(|cells| breakdown(cells, report, lang))?;
                    for (col, width) in r.marks.widths() {
                        sh.seen(col, width);
                    }
                    Some(r)
                }
                #[cfg(test)]
                RowsBy::Library => {
                    breakdown(&mut sh, report, lang)?;
                    None
                }
            };
            sh.fit(&[])?;
            sh.ws.set_paper_size(A4).set_print_fit_to_pages(1, 0);
            crate::trace::stage("xlsx breakdown sheet written");
            Ok(written)
        });
        for (i, (ws, rule)) in rule_worksheets.iter_mut().zip(&report.rules).enumerate() {
            let (shown, count) = counts.get(i).copied().unwrap_or((0, 0));
            let filled = match rows_by {
                RowsBy::Xml if count > 0 => {
                    let r =
                        xlsx_rows::rule_rows(findings, i, (shown, count), RULE_TOP, columns, lang)?;
                    rows.insert(FIRST_RULE_SHEET + i, r);
                    rows.get(&(FIRST_RULE_SHEET + i)).map(Filled::Xml)
                }
                #[cfg(test)]
                RowsBy::Library => Some(Filled::Library(findings, i, count)),
                _ => None,
            };
            rule_sheet(
                ws,
                &st,
                (rule, &summary_name),
                (filled, shown),
                columns,
                lang,
            )?;
        }
        crate::trace::stage("xlsx rule sheets' rows written");
        let written = side
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))?;
        if let Some(r) = written {
            rows.insert(FIRST_RULE_SHEET + rule_sheets.len(), r);
        }
        Ok::<_, XlsxError>(())
    })?;
    for ws in rule_worksheets {
        wb.push_worksheet(ws);
    }
    if let Some(ws) = breakdown_sheet {
        wb.push_worksheet(ws);
    }
    data_errors(
        wb.add_worksheet().set_name(&errors_name)?,
        &st,
        report,
        lang,
    )?;
    if !report.notices.is_empty() {
        notices(
            wb.add_worksheet().set_name(&notices_name)?,
            &st,
            report,
            lang,
        )?;
    }
    if !report.warnings.is_empty() {
        warnings(
            wb.add_worksheet().set_name(&warnings_name)?,
            &st,
            report,
            lang,
        )?;
    }
    if report.resolved.as_ref().is_some_and(|r| !r.is_empty()) {
        resolved(
            wb.add_worksheet().set_name(&resolved_name)?,
            &st,
            report,
            lang,
        )?;
    }
    // The level the rows put in are compressed at (see there).
    wb.set_zip_compression_level(xlsx_rows::LEVEL as u8);
    let bytes = wb.save_to_buffer()?;
    crate::trace::stage("xlsx workbook compressed");
    Ok((bytes, rows))
}

fn summary(
    ws: &mut Worksheet,
    st: &Styles,
    report: &Report,
    rule_sheets: &[String],
    lang: Lang,
) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(ws, st);
    let title = report.plan.title.as_deref().unwrap_or(&report.rule_set);
    sh.ws.write_string_with_format(
        0,
        0,
        escape_controls(&title.replace(['\r', '\n'], " ")),
        &st.title,
    )?;
    let mut row: RowNum = 1;
    let mut fact = |sh: &mut Sheet<'_>, label: &str| -> Result<RowNum, XlsxError> {
        sh.styled(row, 0, label, &st.bold)?;
        row += 1;
        Ok(row - 1)
    };
    let r = fact(&mut sh, lang.pick("文号", "Document"))?;
    sh.text(r, 1, report.plan.document.as_deref().unwrap_or(""), false)?;
    let r = fact(&mut sh, lang.pick("检查日", "As of"))?;
    sh.date(r, 1, &report.as_of)?;
    let r = fact(&mut sh, lang.pick("规划期", "Plan period"))?;
    sh.text(
        r,
        1,
        &format!(
            "{}{}{}",
            report.plan.start,
            lang.pick(" ～ ", " to "),
            report.plan.end
        ),
        false,
    )?;
    let r = fact(&mut sh, lang.pick("制定单位", "Authority"))?;
    sh.text(r, 1, &report.plan.authority, false)?;
    let r = fact(&mut sh, lang.pick("规则集", "Rule set"))?;
    sh.text(r, 1, &report.rule_set, false)?;
    let r = fact(&mut sh, lang.pick("结论", "Result"))?;
    let verdict = match report.exit_code() {
        0 => lang.pick("未发现错误级违规", "no error-severity violations"),
        _ => lang.pick("不合规", "not compliant"),
    };
    sh.text(r, 1, verdict, false)?;

    row += 1;
    let head = [
        lang.pick("规则", "Rule"),
        lang.pick("标题", "Title"),
        lang.pick("条款", "Clause"),
        lang.pick("级别", "Severity"),
        lang.pick("检查", "Checked"),
        lang.pick("达标", "Met"),
        lang.pick("违规", "Violation"),
        lang.pick("待办", "Pending"),
        lang.pick("豁免", "Waived"),
        lang.pick("达标率", "Met %"),
        lang.pick("工作表", "Sheet"),
        lang.pick("注", "Note"),
    ];
    sh.header(row, &head)?;
    for (rule, sheet) in report.rules.iter().zip(rule_sheets) {
        row += 1;
        sh.text(row, 0, &rule.id, false)?;
        sh.text(row, 1, &rule.heading, true)?;
        sh.text(row, 2, &rule.clause, false)?;
        sh.text(row, 3, severity_word(rule.severity, lang), false)?;
        for (c, n) in [
            rule.checked,
            rule.met,
            rule.violation,
            rule.pending,
            rule.waived,
        ]
        .into_iter()
        .enumerate()
        {
            sh.number(row, 4 + c as ColNum, n as f64)?;
        }
        if rule.checked > 0 {
            sh.ws.write_number_with_format(
                row,
                9,
                rule.met as f64 / rule.checked as f64,
                &st.percent,
            )?;
        }
        if (row as usize) < MAX_LINKS {
            sh.link(row, 10, sheet, sheet)?;
        } else {
            sh.text(row, 10, sheet, false)?;
        }
        let notices = rule
            .notices
            .iter()
            .map(|n| format!("{}{}", lang.pick("提示：", "Notice: "), n.message));
        let note = [rule.note.as_deref().map(one_line), rule.why.clone()]
            .into_iter()
            .flatten()
            .chain(notices)
            .collect::<Vec<_>>()
            .join(" ");
        if !note.is_empty() {
            sh.text(row, 11, &note, true)?;
        }
    }
    // Widths from the rule table only: the title and the facts may run over.
    sh.widths
        .insert(0, sh.widths.get(&0).copied().unwrap_or(0).min(24));
    let s = &report.summary;
    // SPEC §8: the total counts error severity; warning severity on a row of its own.
    for (label, c) in [
        (
            lang.pick("合计（错误级）", "Total (error)"),
            &s.by_severity.error,
        ),
        (
            lang.pick("另有提醒级", "And at warning severity"),
            &s.by_severity.warning,
        ),
    ] {
        row += 1;
        sh.styled(row, 0, label, &st.bold)?;
        sh.number(row, 6, c.violation as f64)?;
        sh.number(row, 7, c.pending as f64)?;
        sh.number(row, 8, c.waived as f64)?;
    }
    row += 2;
    sh.styled(row, 0, lang.pick("数据错误", "Data errors"), &st.bold)?;
    sh.number(row, 1, s.data_errors as f64)?;
    if let (Some(new), Some(escalated), Some(eased), Some(unchanged), Some(gone)) =
        (s.new, s.escalated, s.eased, s.unchanged, s.resolved)
    {
        for (label, n) in [
            (change_word(Change::New, lang), new),
            (change_word(Change::Escalated, lang), escalated),
            (change_word(Change::Eased, lang), eased),
            (change_word(Change::Unchanged, lang), unchanged),
            (gone_word(lang), gone),
        ] {
            row += 1;
            sh.styled(row, 0, label, &st.bold)?;
            sh.number(row, 1, n as f64)?;
        }
    }
    sh.widths.insert(1, 48);
    sh.fit(&[1, 11])?;
    sh.ws
        .set_paper_size(A4)
        .set_landscape()
        .set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Where a rule sheet's findings come from.
enum Filled<'a> {
    /// Written as XML: only their widths are asked here.
    Xml(&'a Rows),
    /// Written by the library, from rule `.1`'s findings, `.2` of them.
    #[cfg(test)]
    Library(&'a dyn ByRule, usize, usize),
}

fn rule_sheet(
    ws: &mut Worksheet,
    st: &Styles,
    (rule, summary): (&RuleEntry, &str),
    (filled, shown): (Option<Filled<'_>>, usize),
    (waivers, changes): (bool, bool),
    lang: Lang,
) -> Result<(), XlsxError> {
    let mut head = vec![
        lang.pick("编号", "id"),
        lang.pick("状态", "status"),
        lang.pick("对象", "subject"),
        lang.pick("姓名", "name"),
        lang.pick("单位", "unit"),
        lang.pick("县区", "county"),
        lang.pick("期间", "period"),
        lang.pick("截止日", "due"),
        lang.pick("说明", "message"),
    ];
    if waivers {
        head.extend([
            lang.pick("豁免理由", "waiver reason"),
            lang.pick("批准人", "approved by"),
            lang.pick("豁免到期", "waiver expires"),
        ]);
    }
    if changes {
        head.push(lang.pick("变化", "change"));
    }
    let mut sh = Sheet::new(ws, st);
    // On top: back to the summary, and the rule's whole title the sheet's name cuts.
    sh.link(0, 0, summary, &format!("← {summary}"))?;
    sh.ws.write_string_with_format(
        0,
        1,
        escape_controls(&format!(
            "{} {}{}",
            rule.id,
            rule.heading.replace(['\r', '\n'], " "),
            lang.pick(
                &format!("（{}）", rule.clause),
                &format!(" ({})", rule.clause)
            )
        )),
        &st.bold,
    )?;
    sh.top = RULE_TOP;
    sh.header(sh.top, &head)?;
    match filled {
        Some(Filled::Xml(rows)) => {
            for (col, width) in rows.marks.widths() {
                sh.seen(col, width);
            }
        }
        #[cfg(test)]
        Some(Filled::Library(findings, index, count)) => {
            let mut row = sh.top;
            let mut failed = None;
            findings.visit_rule(index, shown, &mut |f| {
                row += 1;
                if failed.is_none()
                    && let Err(e) =
                        xlsx_rows::finding_row(&mut sh, row, f, (waivers, changes), lang)
                {
                    failed = Some(e);
                }
            });
            if let Some(e) = failed {
                return Err(e);
            }
            cut_short(&mut sh, shown, count, lang)?;
        }
        None => {}
    }
    sh.table_setup(shown as RowNum, head.len() as ColNum)?;
    sh.fit(&[8, 9])
}

/// Says, under a table cut at Excel's row limit, how many rows are missing.
fn cut_short(sh: &mut Sheet<'_>, shown: usize, all: usize, lang: Lang) -> Result<(), XlsxError> {
    if shown < all {
        let row = sh.top + shown as RowNum + 1;
        sh.note(row, 0, &cut_note(all - shown, lang), Style::Bold)?;
    }
    Ok(())
}

/// Quota matrices and per-county counts, one block per rule, one under another.
/// Its cells only: the sheet's column widths and print setup are the caller's.
fn breakdown<C: Cells>(sh: &mut C, report: &Report, lang: Lang) -> Result<(), C::Error> {
    let as_of_year: i32 = report
        .as_of
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(i32::MAX);
    let plan_years = match (
        report
            .plan
            .start
            .get(..4)
            .and_then(|y| y.parse::<i32>().ok()),
        report.plan.end.get(..4).and_then(|y| y.parse::<i32>().ok()),
    ) {
        (Some(a), Some(b)) if a <= b && b - a < 100 => (a..=b).collect(),
        _ => Vec::new(),
    };
    let word = |s: &str| match s {
        "met" => lang.pick("达标", "met"),
        "violation" => lang.pick("未达标", "missed"),
        "pending" => lang.pick("待办", "pending"),
        "waived" => lang.pick("豁免", "waived"),
        "later" => lang.pick("未到期", "not yet due"),
        _ => "",
    };
    let mut row: RowNum = 0;
    for (rule, detail) in report.rules.iter().zip(&report.details) {
        if row as usize >= MAX_ROWS - 4 {
            break;
        }
        let title = format!("{} {}", rule.id, rule.heading.replace(['\r', '\n'], " "));
        if rule.kind == "quota" && !detail.grid.is_empty() {
            let cells: BTreeMap<(&str, Option<i32>), &str> = detail
                .grid
                .iter()
                .map(|c| ((c.subject.as_str(), c.period), c.status))
                .collect();
            let mut periods: Vec<Option<i32>> = if cells.keys().any(|(_, p)| p.is_some()) {
                plan_years.iter().copied().map(Some).collect()
            } else {
                Vec::new()
            };
            periods.extend(cells.keys().map(|(_, p)| *p));
            periods.sort();
            periods.dedup();
            let mut subjects: Vec<&str> = cells.keys().map(|(s, _)| *s).collect();
            subjects.dedup();
            let mut head = vec![lang.pick("对象", "subject").to_owned()];
            head.extend(periods.iter().map(|p| match p {
                Some(y) => y.to_string(),
                None => lang.pick("规划期", "plan period").to_owned(),
            }));
            let head: Vec<&str> = head.iter().map(String::as_str).collect();
            row = sh.titled_header(row, &title, &head)?;
            for s in subjects {
                if row as usize >= MAX_ROWS - 4 {
                    break; // Excel's row limit: the CSV and JSON have everything
                }
                row += 1;
                sh.text(row, 0, s, false)?;
                for (c, p) in periods.iter().enumerate() {
                    let status = match (cells.get(&(s, *p)), p) {
                        (Some(status), _) => status,
                        (None, Some(y)) if *y > as_of_year => "later",
                        _ => "",
                    };
                    match GRID_STATUSES.iter().position(|g| *g == status) {
                        Some(i) => sh.label(row, c as ColNum + 1, word(status), Style::Grid(i))?,
                        None => sh.text(row, c as ColNum + 1, word(status), false)?,
                    }
                }
            }
            // The legend, under the matrix: each status in its colour.
            row += 1;
            sh.label(row, 0, lang.pick("图例", "Legend"), Style::Bold)?;
            for (i, status) in GRID_STATUSES.iter().enumerate() {
                sh.label(row, i as ColNum + 1, word(status), Style::Grid(i))?;
            }
            row += 2;
        }
        if matches!(rule.kind, "deadline" | "coverage")
            && !detail.coverage.is_empty()
            && (row as usize) < MAX_ROWS - 4
        {
            row = sh.titled_header(
                row,
                &title,
                &[
                    lang.pick("县区", "county"),
                    lang.pick("单位", "unit"),
                    lang.pick("检查人数", "checked"),
                    lang.pick("达标", "met"),
                    lang.pick("待办", "pending"),
                    lang.pick("未达标", "not met"),
                    lang.pick("豁免", "waived"),
                    lang.pick("达标率", "met %"),
                ],
            )?;
            for c in &detail.coverage {
                if row as usize >= MAX_ROWS - 4 {
                    break;
                }
                row += 1;
                sh.text(row, 0, &c.county, false)?;
                sh.text(row, 1, &c.unit, false)?;
                for (col, n) in [c.checked, c.met, c.pending, c.unmet(), c.waived]
                    .into_iter()
                    .enumerate()
                {
                    sh.number(row, 2 + col as ColNum, n as f64)?;
                }
                if c.checked > 0 {
                    sh.percent(row, 7, c.met as f64 / c.checked as f64)?;
                }
            }
            row += 2;
        }
    }
    Ok(())
}

fn data_errors(
    ws: &mut Worksheet,
    st: &Styles,
    report: &Report,
    lang: Lang,
) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(ws, st);
    let head = [
        lang.pick("文件", "file"),
        lang.pick("工作表", "sheet"),
        lang.pick("行", "line"),
        lang.pick("列", "column"),
        lang.pick("值", "value"),
        lang.pick("原因", "reason"),
    ];
    let shown = report.data_errors.len().min(MAX_ROWS - 2);
    sh.table(&head, &report.data_errors[..shown], &[5], |sh, row, e| {
        sh.text(row, 0, &e.file, false)?;
        sh.text(row, 1, e.sheet.as_deref().unwrap_or(""), false)?;
        sh.number(row, 2, f64::from(e.line))?;
        let column = e.shown_column().unwrap_or(lang.pick("（整行）", "(row)"));
        sh.text(row, 3, column, false)?;
        sh.text(row, 4, e.value.as_deref().unwrap_or(""), false)?;
        sh.text(row, 5, &e.reason, true)
    })?;
    cut_short(&mut sh, shown, report.data_errors.len(), lang)
}

fn notices(ws: &mut Worksheet, st: &Styles, report: &Report, lang: Lang) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(ws, st);
    let head = [
        lang.pick("类别", "kind"),
        lang.pick("表", "table"),
        lang.pick("列", "column"),
        lang.pick("值", "value"),
        lang.pick("行数", "count"),
        lang.pick("说明", "message"),
        lang.pick("例", "examples"),
    ];
    sh.table(&head, &report.notices, &[5, 6], |sh, row, n| {
        sh.text(row, 0, n.kind, false)?;
        sh.text(row, 1, n.table.unwrap_or(""), false)?;
        sh.text(
            row,
            2,
            n.header.as_deref().or(n.column.as_deref()).unwrap_or(""),
            false,
        )?;
        sh.text(row, 3, n.value.as_deref().unwrap_or(""), false)?;
        sh.number(row, 4, n.count as f64)?;
        sh.text(row, 5, &n.message, true)?;
        let examples = if n.examples.is_empty() {
            String::new()
        } else {
            examples_text(&n.examples, lang)
        };
        sh.text(row, 6, &examples, true)
    })
}

fn warnings(ws: &mut Worksheet, st: &Styles, report: &Report, lang: Lang) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(ws, st);
    let head = [
        lang.pick("文件", "file"),
        lang.pick("行", "line"),
        lang.pick("规则", "rule"),
        lang.pick("对象", "subject"),
        lang.pick("期间", "period"),
        lang.pick("说明", "message"),
    ];
    sh.table(&head, &report.warnings, &[5], |sh, row, w| {
        sh.text(row, 0, &w.file, false)?;
        sh.number(row, 1, f64::from(w.line))?;
        sh.text(row, 2, &w.rule, false)?;
        sh.text(row, 3, &w.subject, false)?;
        if let Some(p) = w.period {
            sh.number(row, 4, f64::from(p))?;
        }
        sh.text(row, 5, &w.message, true)
    })
}

fn resolved(ws: &mut Worksheet, st: &Styles, report: &Report, lang: Lang) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(ws, st);
    let head = [
        lang.pick("编号", "id"),
        lang.pick("规则", "rule"),
        lang.pick("对象", "subject"),
        lang.pick("期间", "period"),
        lang.pick("原状态", "was"),
    ];
    let list = report.resolved.as_deref().unwrap_or(&[]);
    sh.table(&head, list, &[], |sh, row, r| {
        sh.text(row, 0, &r.id, false)?;
        sh.text(row, 1, &r.rule, false)?;
        sh.text(row, 2, &r.subject, false)?;
        if let Some(p) = r.period {
            sh.number(row, 3, f64::from(p))?;
        }
        sh.text(row, 4, &r.status, false)
    })
}

#[cfg(test)]
mod tests;
