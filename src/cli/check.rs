//! `peixun check` and `peixun validate`.

use anyhow::Result;

use super::args::{CheckArgs, DataArgs};
use super::inputs::{RuleFileError, inputs, load_data, load_rules, output_format, width};
use crate::i18n::Lang;
use crate::load;
use crate::load::options::ReadOptions;
use crate::report::overlay::Overlay;
use crate::report::{self, Format, Report};

pub fn check(a: CheckArgs) -> Result<u8> {
    crate::trace::stage("start");
    let format = output_format(a.data.format, a.data.output.as_deref())?;
    let located = inputs(&a.data, a.waivers.as_deref(), a.baseline.as_deref())?;
    let as_of = a.as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut rules = load_rules(a.data.rules.as_deref())?;
    let mut data = load_data(&a.data, &mut rules, located)?;
    let diags = rules.bind(&data);
    if !diags.is_empty() {
        return Err(RuleFileError(crate::diag::render(&rules.file, &rules.source, &diags)).into());
    }
    let ev = crate::eval::run(&rules, &data, as_of);
    data.free_attendance();
    crate::trace::stage("evaluated");
    let color = a.data.color.enabled(a.data.output.as_deref());
    let out = a.data.output.as_deref();
    if format == Format::Xlsx {
        report::write::xlsx_temporary_folder()?;
    }
    let lang = a.data.lang;
    let mut report = Report::frame(&rules, &data, &ev, lang, format);
    // Waivers and a baseline are matched against every finding first, then put on each
    // as it is made (report::overlay).
    let mut overlay = Overlay::default();
    if let Some(path) = &a.waivers {
        let opts = ReadOptions {
            encoding: a.data.files.encoding,
            delimiter: a.data.files.delimiter,
            ..ReadOptions::default()
        };
        let (rows, errors) = load::read_waivers(path, &opts)?;
        let source = crate::model::Source {
            file: crate::model::display_name(path),
            sheet: errors.first().and_then(|e| e.source.sheet.clone()),
        };
        overlay.waived =
            crate::waivers::apply(&mut report, &ev, &data, &source, rows, errors, as_of, lang);
    }
    if let Some(path) = &a.baseline {
        let baseline = crate::baseline::apply(&mut report, path, &ev, &data, &overlay)?;
        overlay.baseline = Some(baseline);
    }
    if a.mask_ids {
        report::mask::apply(&mut report, &data);
    }
    let mut findings =
        report::stream::Findings::new(&rules, &data, &ev, lang, format != Format::Json)
            .overlaid(&overlay)
            .due_within(a.due_within.map(|span| span.after(as_of)));
    if a.mask_ids {
        findings = findings.masked();
    }
    crate::trace::stage("report framed");
    let columns = overlay.columns(findings.len());
    // Findings written as they are made (report::stream), in every format.
    report::write::write_with(out, |w| match format {
        Format::Csv => report::csv::write_streamed(&report, &findings, lang, w),
        Format::Junit => report::junit::write(&report, &findings, lang, w),
        Format::Xlsx => report::xlsx::write_streamed(&report, &findings, columns, lang, w),
        Format::Markdown => report::markdown::write(&report, &findings, columns, lang, w),
        Format::Html => report::html::write(&report, &findings, columns, lang, w),
        Format::Table => {
            let keep = report::table::KEEP;
            report::table::write(&report, &findings, keep, lang, width(), color, w)
        }
        Format::Json => report::json::write_streamed(&report, &findings, w),
    })?;
    crate::trace::stage("written");
    let code = report.exit_code_with(a.fail_on);
    // The process ends next: the OS frees the data faster than dropping it would.
    std::mem::forget(findings);
    std::mem::forget(overlay);
    std::mem::forget(ev);
    std::mem::forget(data);
    Ok(code)
}

pub fn validate(a: DataArgs) -> Result<u8> {
    // `-o` naming an input is refused first (`inputs`); then, before any reading, the
    // format, as `check` decides it: an `-o` extension that names no format (`v.pdf`)
    // is refused, not written as a table.
    let located = inputs(&a, None, None)?;
    let format = output_format(a.format, a.output.as_deref())?;
    if !matches!(format, Format::Table | Format::Json) {
        anyhow::bail!(crate::i18n::say(
            "validate 只输出 `--format table` 或 `--format json`".to_owned(),
            "validate writes `--format table` or `--format json` only".to_owned()
        ));
    }
    let mut rules = load_rules(a.rules.as_deref())?;
    let data = load_data(&a, &mut rules, located)?;
    let errors = report::data_error_entries(&data, a.lang);
    // Binding the rules finds values that look like a rule's word, and columns the
    // rules use that the files lack (SPEC §8): data problems too.
    let _ = rules.bind(&data);
    let missing = missing_columns(&rules);
    let notices = report::notices::notice_entries(
        data.notices.iter().chain(&rules.notices).chain(&missing),
        a.lang,
    );
    let changes: Vec<serde_json::Value> = data
        .value_changes
        .iter()
        .map(|v| {
            serde_json::json!({
                "table": v.table.name(),
                "column": v.column,
                "spelling": v.spelling,
                "word": v.word,
                "count": v.count,
            })
        })
        .collect();
    // Counts per file and per kind of problem, in a stable order.
    let mut by_file: Vec<(String, u64)> = Vec::new();
    let mut by_kind: Vec<(&'static str, u64)> = Vec::new();
    for e in &data.data_errors {
        let file = e.source.display();
        match by_file.iter_mut().find(|(f, _)| *f == file) {
            Some((_, n)) => *n += 1,
            None => by_file.push((file, 1)),
        }
        let code = e.problem.code();
        match by_kind.iter_mut().find(|(k, _)| *k == code) {
            Some((_, n)) => *n += 1,
            None => by_kind.push((code, 1)),
        }
    }
    by_kind.sort();
    // Each table: its name, rows read without error, and the header used for each field.
    let units_columns: Vec<crate::model::Column> = data.units.as_ref().map_or(Vec::new(), |u| {
        u.headers
            .iter()
            .map(|(h, f)| crate::model::Column {
                header: h.clone(),
                field: f.and_then(|name| {
                    crate::model::UNIT_FIELDS
                        .iter()
                        .find(|s| s.name == name)
                        .map(|s| s.field)
                }),
            })
            .collect()
    });
    let tables: Vec<(String, usize, String)> = [
        (
            &data.cadres_table.source,
            data.cadres.len(),
            &data.cadres_table.columns,
            data.cadres_table.kind,
        ),
        (
            &data.classes_table.source,
            data.classes.len(),
            &data.classes_table.columns,
            data.classes_table.kind,
        ),
        (
            &data.attendance.0,
            data.attendance.2,
            &data.attendance.1,
            crate::model::TableKind::Attendance,
        ),
    ]
    .into_iter()
    .chain(data.units.as_ref().map(|u| {
        (
            &u.source,
            u.rows.len(),
            &units_columns,
            crate::model::TableKind::Units,
        )
    }))
    .map(|(source, rows, columns, kind)| {
        let used: Vec<String> = columns
            .iter()
            .filter_map(|c| {
                let f = c.field?;
                let spec = crate::model::fields_of(kind)
                    .iter()
                    .find(|s| s.field == f)?;
                Some(format!("{}←{}", spec.name, c.header))
            })
            .collect();
        (source.display(), rows, used.join(", "))
    })
    .collect();
    let text = match format {
        Format::Json => {
            let files: serde_json::Map<String, serde_json::Value> = by_file
                .iter()
                .map(|(f, n)| (f.clone(), (*n).into()))
                .collect();
            let kinds: serde_json::Map<String, serde_json::Value> = by_kind
                .iter()
                .map(|(k, n)| ((*k).to_owned(), (*n).into()))
                .collect();
            let rows: serde_json::Map<String, serde_json::Value> = tables
                .iter()
                .map(|(name, rows, _)| (name.clone(), (*rows).into()))
                .collect();
            let v = serde_json::json!({
                "summary": {
                    "data_errors": errors.len(),
                    "valid_rows": rows,
                    "by_file": files,
                    "by_kind": kinds,
                },
                "data_errors": errors,
                "notices": notices,
                "value_changes": changes,
            });
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }
        _ => {
            let mut out = String::new();
            for (name, rows, used) in &tables {
                let line = format!(
                    "{name}{}{rows} {}{}{used}",
                    a.lang.pick("：", ": "),
                    a.lang.pick("行有效", "valid rows"),
                    a.lang.pick("；", "; ")
                );
                out.push_str(&report::table::wrap(&line, width() as usize, "  "));
            }
            if !data.value_changes.is_empty() {
                out.push_str(a.lang.pick("按 [values] 改写：\n", "mapped by [values]:\n"));
                for v in &data.value_changes {
                    let line = match a.lang {
                        Lang::Zh => format!(
                            "  {} {}：{} → {}，{} 格",
                            v.table.chinese(),
                            v.column,
                            v.spelling,
                            v.word,
                            v.count
                        ),
                        Lang::En => format!(
                            "  {} {}: {} → {}, {} cell(s)",
                            v.table.name(),
                            v.column,
                            v.spelling,
                            v.word,
                            v.count
                        ),
                    };
                    out.push_str(&report::table::wrap(&line, width() as usize, "    "));
                }
            }
            if !notices.is_empty() {
                out.push_str(&report::table::notices(&notices, a.lang, width()));
            }
            if errors.is_empty() {
                out.push_str(a.lang.pick("没有数据错误。\n", "no data errors.\n"));
            } else {
                out.push('\n');
                out.push_str(&report::table::data_errors(&errors, a.lang, width()));
                let files: Vec<String> = by_file.iter().map(|(f, n)| format!("{f} {n}")).collect();
                let kinds: Vec<String> = by_kind
                    .iter()
                    .map(|(k, n)| format!("{} {n}", crate::i18n::Problem::code_words(k, a.lang)))
                    .collect();
                out.push_str(&format!(
                    "{}{}\n{}{}\n",
                    a.lang.pick("按文件：", "by file: "),
                    files.join(a.lang.pick("，", ", ")),
                    a.lang.pick("按问题：", "by problem: "),
                    kinds.join(a.lang.pick("，", ", "))
                ));
            }
            out
        }
    };
    report::write::write_output(a.output.as_deref(), text.as_bytes())?;
    Ok(u8::from(!errors.is_empty()))
}

/// The columns rules name that the data lacks, one notice per column with the rules
/// that name it: `check` stops on them, so `validate` says so.
fn missing_columns(rules: &crate::rules::RuleSet) -> Vec<crate::notice::Notice> {
    use crate::notice::{Detail, Notice, NoticeKind};
    use crate::rules::condition::Via;
    let mut out: Vec<Notice> = Vec::new();
    for (rule, col) in &rules.missing {
        let (table, name) = match col.via {
            Via::Unit | Via::Organizer => (crate::model::TableKind::Units, col.unit_column()),
            _ => (col.table, col.name.as_str()),
        };
        match out
            .iter_mut()
            .find(|n| n.table == Some(table) && n.column.as_deref() == Some(name))
        {
            Some(n) => {
                if let Detail::Rules(r) = &mut n.detail
                    && !r.contains(rule)
                {
                    r.push(rule.clone());
                }
            }
            None => {
                let mut n = Notice::new(NoticeKind::ColumnMissing, Some(table), 0);
                n.column = Some(name.to_owned());
                n.detail = Detail::Rules(vec![rule.clone()]);
                out.push(n);
            }
        }
    }
    out
}
