//! What every data command shares: the rule file, the input files (and `-o` never
//! naming one of them), loading the tables, and the report format.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, Result, anyhow};

use super::args::DataArgs;
use crate::load;
use crate::load::locate::{Located, TablePath};
use crate::load::options::ReadOptions;
use crate::report::{self, Format};
use crate::rules::{self, RuleSet};

/// A rule-file problem, already rendered with file:line:column.
#[derive(Debug)]
pub struct RuleFileError(pub String);

impl std::fmt::Display for RuleFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.trim_end())
    }
}

impl std::error::Error for RuleFileError {}

/// Loads the rule set: a file, or the embedded default.
pub fn load_rules(path: Option<&Path>) -> Result<RuleSet> {
    let (name, text) = match path {
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| {
                crate::i18n::say(
                    format!("无法读取规则文件 `{}`", p.display()),
                    format!("cannot read rule file `{}`", p.display()),
                )
            })?;
            let text = String::from_utf8(bytes).map_err(|_| {
                anyhow!(crate::i18n::say(
                    format!("规则文件 `{}` 不是 UTF-8 文本", p.display()),
                    format!("rule file `{}` is not UTF-8 text", p.display()),
                ))
            })?;
            (p.display().to_string(), text)
        }
        None => (
            rules::DEFAULT_RULES_NAME.to_owned(),
            rules::DEFAULT_RULES.to_owned(),
        ),
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    rules::parse::parse(&name, &text)
        .map_err(|diags| RuleFileError(crate::diag::render(&name, &text, &diags)).into())
}

pub fn width() -> u16 {
    if std::io::stdout().is_terminal() {
        comfy_table::Table::new().width().unwrap_or(100)
    } else {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(80)
    }
}

/// Finds the files a run reads (the tables, then the rule, columns, waivers and baseline
/// files) and refuses an `-o` naming any of them, before any work (SPEC §8).
pub fn inputs(
    a: &DataArgs,
    waivers: Option<&Path>,
    baseline: Option<&Path>,
) -> Result<(Located, Option<TablePath>)> {
    use report::write::Input;
    let located = load::locate::locate_all(
        &a.data,
        [
            a.files.cadres.clone(),
            a.files.classes.clone(),
            a.files.attendance.clone(),
        ],
    )?;
    let units = load::units::locate_units(&a.data, a.files.units.as_deref(), &located.paths)?;
    let mut read: Vec<Input<'_>> = crate::model::TableKind::ALL
        .iter()
        .zip(&located.paths)
        .map(|(kind, p)| Input::Table {
            kind: *kind,
            path: p.path(),
            workbook: matches!(p, TablePath::Xlsx(..)),
        })
        .collect();
    read.extend(units.as_ref().map(|p| Input::Table {
        kind: crate::model::TableKind::Units,
        path: p.path(),
        workbook: matches!(p, TablePath::Xlsx(..)),
    }));
    read.extend(a.rules.as_deref().map(Input::Rules));
    read.extend(a.files.columns.as_deref().map(Input::Columns));
    read.extend(waivers.map(Input::Waivers));
    read.extend(baseline.map(Input::Baseline));
    report::write::refuse_inputs(a.output.as_deref(), &read)?;
    Ok((located, units))
}

pub fn load_data(
    a: &DataArgs,
    rules: &mut RuleSet,
    (located, units): (Located, Option<TablePath>),
) -> Result<crate::model::Dataset> {
    let (columns, spellings) = match &a.files.columns {
        Some(p) => load::options::read_column_map(p)?,
        None => Default::default(),
    };
    let opts = ReadOptions {
        encoding: a.files.encoding,
        delimiter: a.files.delimiter,
        columns,
        spellings: crate::spelling::Spellings::merge(&rules.spellings, &spellings),
        declared: rules.columns.clone(),
        block: 0,
        progress: progress_bar(&located.paths),
        hours_unused: !rules
            .rules
            .iter()
            .any(|r| r.kind.measures().contains(&crate::view::Measure::Hours)),
        ..ReadOptions::default()
    };
    let data = load::load(&located.paths, &opts, &rules.plan.levels);
    // The run's spellings (SPEC §8): `[known]` of both files counts when the rules are
    // bound to the data.
    rules.spellings = opts.spellings.clone();
    if let Some(p) = &opts.progress {
        p.finish_and_clear();
    }
    let mut data = data?;
    // SPEC §6: the optional fourth table; without it nothing above changes.
    if let Some(units) = &units {
        load::units::add_units(&mut data, units, &opts, &rules.plan.levels)?;
        crate::trace::stage("units linked to cadres");
    }
    data.notices.extend(located.notices);
    Ok(data)
}

/// A progress bar on stderr, only when stderr is a terminal and the input is large
/// (over 32 MB of CSV); scripts and pipes never see it.
pub fn progress_bar(paths: &[TablePath; 3]) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let total: u64 = paths
        .iter()
        .filter(|p| matches!(p, TablePath::Csv(_)))
        .filter_map(|p| std::fs::metadata(p.path()).ok())
        .map(|m| m.len())
        .sum();
    if total < 32 << 20 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} 读取 {bytes}/{total_bytes} [{wide_bar}] {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

/// The report format: `--format`, else the `-o` file's extension, else the table. An
/// extension that names no format, and a workbook to a terminal, are refused.
pub fn output_format(format: Option<Format>, output: Option<&Path>) -> Result<Format> {
    let format = match (format, output) {
        (Some(f), _) => f,
        (None, Some(path)) => match (Format::from_extension(path), path.extension()) {
            (Some(f), _) => f,
            (None, None) => Format::Table,
            (None, Some(ext)) => anyhow::bail!(crate::i18n::say(
                format!(
                    "无法从扩展名 `.{}` 判断报告格式；请用 --format 指定（table、json、csv、markdown、html、xlsx、junit）或改用 .txt .json .csv .md .html .xlsx .xml",
                    ext.to_string_lossy()
                ),
                format!(
                    "cannot tell the report format from `.{}`: give --format (table, json, csv, markdown, html, xlsx, junit) or use .txt .json .csv .md .html .xlsx .xml",
                    ext.to_string_lossy()
                )
            )),
        },
        (None, None) => Format::Table,
    };
    if let Some(path) = output {
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        if path.is_dir() {
            anyhow::bail!(crate::i18n::say(
                format!(
                    "`{}` 是文件夹；-o 要的是报告文件名，如 {}/报告.html",
                    path.display(),
                    path.display()
                ),
                format!(
                    "`{}` is a folder; -o takes a report file name, e.g. {}/report.html",
                    path.display(),
                    path.display()
                )
            ));
        }
        if let Some(dir) = parent
            && !dir.is_dir()
        {
            anyhow::bail!(crate::i18n::say(
                format!(
                    "文件夹 `{}` 不存在，无法写入 `{}`",
                    dir.display(),
                    path.display()
                ),
                format!(
                    "folder `{}` does not exist, so `{}` cannot be written",
                    dir.display(),
                    path.display()
                )
            ));
        }
    }
    if format == Format::Xlsx && output.is_none() && std::io::stdout().is_terminal() {
        anyhow::bail!(crate::i18n::say(
            "xlsx 报告是二进制文件，不能显示在终端上；请用 -o 报告.xlsx 写入文件".to_owned(),
            "an xlsx report is a binary file, not for a terminal: write it with -o report.xlsx"
                .to_owned()
        ));
    }
    Ok(format)
}
