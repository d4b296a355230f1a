//! `peixun trend` (SPEC §9): the clap glue. Reads the inputs once as `check` does,
//! then hands the loaded data to `crate::trend` and writes the chosen format.

use anyhow::Result;

use super::args::TrendArgs;
use super::inputs::{RuleFileError, inputs, load_data, load_rules, output_format, width};
use crate::dates::fmt_date;
use crate::i18n::say;
use crate::load;
use crate::load::options::ReadOptions;
use crate::model::ColumnRef;
use crate::report::{DataErrorEntry, Format};
use crate::trend;

pub fn trend(a: TrendArgs) -> Result<u8> {
    let format = output_format(a.data.format, a.data.output.as_deref())?;
    if matches!(format, Format::Markdown | Format::Junit) {
        anyhow::bail!(say(
            "trend 输出 table、json、csv、html 或 xlsx".to_owned(),
            "trend writes table, json, csv, html or xlsx".to_owned()
        ));
    }
    let to = a.to.unwrap_or_else(|| chrono::Local::now().date_naive());
    if a.from > to {
        anyhow::bail!(say(
            format!("--from {} 晚于 --to {}", fmt_date(a.from), fmt_date(to)),
            format!("--from {} is after --to {}", fmt_date(a.from), fmt_date(to))
        ));
    }
    let located = inputs(&a.data, a.waivers.as_deref(), None)?;
    let mut rules = load_rules(a.data.rules.as_deref())?;
    let data = load_data(&a.data, &mut rules, located)?;
    let diags = rules.bind(&data);
    if !diags.is_empty() {
        return Err(RuleFileError(crate::diag::render(&rules.file, &rules.source, &diags)).into());
    }
    let by = match &a.by {
        None => None,
        Some(name) => match data.cadres_table.resolve_column(name) {
            Some(ColumnRef::Field(_, Some(col)) | ColumnRef::Extra(col)) => Some(col),
            _ => {
                let have: Vec<&str> = data
                    .cadres_table
                    .columns
                    .iter()
                    .map(|c| c.header.as_str())
                    .filter(|h| !h.is_empty())
                    .collect();
                let have = crate::limits::list(&have, ", ", false);
                anyhow::bail!(say(
                    format!(
                        "--by `{}`：干部名册 {} 没有这一列（现有列：{have}）",
                        crate::limits::cut(name),
                        data.cadres_table.source.display()
                    ),
                    format!(
                        "--by `{}`: the cadres table {} has no such column (its columns: {have})",
                        crate::limits::cut(name),
                        data.cadres_table.source.display()
                    )
                ));
            }
        },
    };
    // Waivers: read once; a waiver applies at every date up to its expiry.
    let mut waivers = trend::Waivers::new();
    let mut waiver_errors = Vec::new();
    if let Some(path) = &a.waivers {
        let opts = ReadOptions {
            encoding: a.data.files.encoding,
            delimiter: a.data.files.delimiter,
            ..ReadOptions::default()
        };
        let (rows, mut errors) = load::read_waivers(path, &opts)?;
        let ids: std::sync::Arc<[String]> = rules.rules.iter().map(|r| r.meta.id.clone()).collect();
        for w in rows {
            if rules.find(&w.rule).is_none() {
                errors.push(crate::model::DataError {
                    table: crate::model::TableKind::Waivers,
                    source: crate::model::Source {
                        file: crate::model::display_name(path),
                        sheet: None,
                    },
                    line: w.line,
                    column: Some("rule"),
                    header: None,
                    value: Some(w.rule.clone()),
                    problem: crate::i18n::Problem::UnknownRule { rules: ids.clone() },
                });
                continue;
            }
            waivers.insert(
                (w.rule, w.subject.trim().to_ascii_lowercase(), w.period),
                w.expires_on,
            );
        }
        errors.sort_by(|a, b| (a.line, a.column).cmp(&(b.line, b.column)));
        waiver_errors.extend(errors.iter().map(|e| DataErrorEntry {
            file: e.source.file.clone(),
            sheet: e.source.sheet.clone(),
            line: e.line,
            column: e.column.map(str::to_owned),
            header: e.header.clone().filter(|h| Some(h.as_str()) != e.column),
            value: e.value.clone(),
            reason: e.reason(a.data.lang),
        }));
    }
    let dates = trend::dates(a.from, to, a.every);
    let request = trend::Request {
        dates: &dates,
        every: a.every,
        by: by.zip(a.by.as_deref()),
    };
    let mut t = trend::build(&rules, &data, &request, &waivers, a.data.lang);
    t.data_errors.extend(waiver_errors);
    drop(data);
    let lang = a.data.lang;
    let bytes = match format {
        Format::Json => trend::json::render(&t).into_bytes(),
        Format::Csv => trend::csv::render(&t),
        Format::Html => trend::html::render(&t, lang),
        Format::Xlsx => trend::xlsx::render(&t, lang).map_err(|e| {
            anyhow::anyhow!(say(
                format!("无法生成工作簿：{e}"),
                format!("cannot build the workbook: {e}")
            ))
        })?,
        _ => trend::table::render(&t, lang, width()).into_bytes(),
    };
    crate::report::write::write_output(a.data.output.as_deref(), &bytes)?;
    Ok(t.exit_code())
}
