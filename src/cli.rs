//! The command line (SPEC §4): clap definitions, then one function per command.
//! Only this module reads the clock (the default as-of date). Exit codes: 0 clean,
//! 1 violations or data errors, 2 the check could not run.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::i18n::Lang;
use crate::load;
use crate::load::encoding::TextEncoding;
use crate::load::locate::{Located, TablePath};
use crate::load::options::ReadOptions;
use crate::report::{self, Format, Report};
use crate::rules::{self, RuleSet};

/// peixun 培训 — checks union-cadre training records against a training plan.
#[derive(Parser, Debug)]
#[command(name = "peixun", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check the data against the rule set and report every finding
    Check(CheckArgs),
    /// Report data problems only (no rules are evaluated)
    Validate(DataArgs),
    /// List or explain the rules of a rule set
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `peixun man > peixun.1`
    Man,
    /// Write empty templates with Chinese headers for clerks to fill
    Init {
        /// The folder to write into (created if missing)
        dir: PathBuf,
        /// One workbook (干部名册, 培训班, 参训记录 and a 说明 sheet) instead of three CSV files
        #[arg(long)]
        xlsx: bool,
    },
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// List the rules: id, kind, severity, title, clause
    List {
        /// Rule file (default: the embedded Mianyang 2018–2020 rule set)
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// Language of human-facing text
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
    /// Explain what a rule checks, in words, with the plan clause it enforces
    Explain {
        /// The rule id
        id: String,
        /// Rule file (default: the embedded Mianyang 2018–2020 rule set)
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// Language of human-facing text
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
}

#[derive(Args, Debug)]
struct DataArgs {
    /// A folder with cadres, classes and attendance (.csv or .xlsx), or one workbook
    #[arg(value_name = "DATA", default_value = ".")]
    data: PathBuf,
    /// Rule file (default: the embedded Mianyang 2018–2020 rule set)
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// The cadres table (overrides DATA)
    #[arg(long, value_name = "FILE")]
    cadres: Option<PathBuf>,
    /// The classes table (overrides DATA)
    #[arg(long, value_name = "FILE")]
    classes: Option<PathBuf>,
    /// The attendance table (overrides DATA)
    #[arg(long, value_name = "FILE")]
    attendance: Option<PathBuf>,
    /// The units table, 工会组织 (optional; overrides DATA)
    #[arg(long, value_name = "FILE")]
    units: Option<PathBuf>,
    /// Encoding of CSV files (default: detected per file)
    #[arg(long, value_enum, value_name = "ENCODING")]
    encoding: Option<TextEncoding>,
    /// Map local headers to fields: a TOML file with [cadres], [classes], [attendance]
    /// tables of "header" = "field"
    #[arg(long, value_name = "FILE")]
    columns: Option<PathBuf>,
    /// CSV separator: `,` `;` or `tab` (default: detected per file)
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    delimiter: Option<u8>,
    /// Output format (default: from the -o file's extension, else table)
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the report to FILE (atomically) instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Language of human-facing text (JSON keys never change)
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    lang: Lang,
    /// Colour statuses in the terminal table: auto (a terminal, and NO_COLOR unset),
    /// always, never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to paint output going to `out` (None: stdout).
    fn enabled(self, out: Option<&Path>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                out.is_none()
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

#[derive(Args, Debug)]
struct CheckArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Evaluate as of this date (default: today)
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    as_of: Option<NaiveDate>,
    /// Recorded exemptions (CSV or xlsx: rule, subject, period, reason, approved_by, expires_on)
    #[arg(long, value_name = "FILE")]
    waivers: Option<PathBuf>,
    /// An earlier JSON report: mark findings new or unchanged and list the resolved ones
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Which findings make the exit status 1 (data errors always do)
    #[arg(long, value_enum, default_value_t = report::FailOn::Error)]
    fail_on: report::FailOn,
    /// Mark pending findings due within this span (e.g. 30d, 2m) as due soon and list them first
    #[arg(long, value_name = "SPAN", value_parser = parse_span)]
    due_within: Option<crate::model::Span>,
}

fn parse_span(s: &str) -> Result<crate::model::Span, String> {
    crate::model::Span::parse(s)
        .ok_or_else(|| format!("`{s}` is not a span: write Nd, Nm or Ny (e.g. 30d)"))
}

fn parse_as_of(s: &str) -> Result<NaiveDate, String> {
    load::values::parse_date(s).map_err(|_| format!("`{s}` is not a date; write it as 2021-03-01"))
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "," => Ok(b','),
        ";" => Ok(b';'),
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ => Err(format!(
            "`{s}` is not a separator (accepted: `,` `;` `tab`)"
        )),
    }
}

/// Parses arguments, runs the command, and maps the outcome to an exit code.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    crate::i18n::set_message_lang(cli.lang());
    report::write::remove_temporary_file_on_interrupt();
    match dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // Messages quote file contents: escape control characters (NUL included).
            match e.downcast_ref::<RuleFileError>() {
                Some(r) => eprintln!("{}", crate::report::table::clean(&r.to_string())),
                None => eprintln!("peixun: {}", crate::report::table::clean(&error_text(&e))),
            }
            ExitCode::from(2)
        }
    }
}

/// The error chain, once, outermost first.
fn error_text(e: &anyhow::Error) -> String {
    let parts: Vec<String> = e.chain().map(|c| c.to_string()).collect();
    let mut out: Vec<String> = Vec::new();
    for p in parts {
        if !out.iter().any(|o| o.contains(&p)) {
            out.push(p);
        }
    }
    out.join(": ")
}

impl Cli {
    /// The `--lang` of the command, for exit-2 messages.
    fn lang(&self) -> Lang {
        match &self.command {
            Command::Check(a) => a.data.lang,
            Command::Validate(a) => a.lang,
            Command::Rules(
                RulesCommand::List { lang, .. } | RulesCommand::Explain { lang, .. },
            ) => *lang,
            _ => Lang::Zh,
        }
    }
}

fn dispatch(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Check(a) => check(a),
        Command::Validate(a) => validate(a),
        Command::Rules(RulesCommand::List { rules, lang }) => rules_list(rules.as_deref(), lang),
        Command::Rules(RulesCommand::Explain { id, rules, lang }) => {
            rules_explain(&id, rules.as_deref(), lang)
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "peixun", &mut out);
            report::write::write_output(None, &out)?;
            Ok(0)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut out)?;
            report::write::write_output(None, &out)?;
            Ok(0)
        }
        Command::Init { dir, xlsx } => {
            let names = crate::init::init(&dir, xlsx)?;
            for n in names {
                eprintln!("wrote {}", dir.join(n).display());
            }
            Ok(0)
        }
    }
}

/// A rule-file problem, already rendered with file:line:column.
#[derive(Debug)]
struct RuleFileError(String);

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
            let bytes = std::fs::read(p)
                .with_context(|| format!("cannot read rule file `{}`", p.display()))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| anyhow!("rule file `{}` is not UTF-8 text", p.display()))?;
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

fn width() -> u16 {
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
fn inputs(
    a: &DataArgs,
    waivers: Option<&Path>,
    baseline: Option<&Path>,
) -> Result<(Located, Option<TablePath>)> {
    use report::write::Input;
    let located = load::locate::locate_all(
        &a.data,
        [a.cadres.clone(), a.classes.clone(), a.attendance.clone()],
    )?;
    let units = load::units::locate_units(&a.data, a.units.as_deref(), &located.paths)?;
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
    read.extend(a.columns.as_deref().map(Input::Columns));
    read.extend(waivers.map(Input::Waivers));
    read.extend(baseline.map(Input::Baseline));
    report::write::refuse_inputs(a.output.as_deref(), &read)?;
    Ok((located, units))
}

fn load_data(
    a: &DataArgs,
    rules: &mut RuleSet,
    (located, units): (Located, Option<TablePath>),
) -> Result<crate::model::Dataset> {
    let (columns, spellings) = match &a.columns {
        Some(p) => load::options::read_column_map(p)?,
        None => Default::default(),
    };
    let opts = ReadOptions {
        encoding: a.encoding,
        delimiter: a.delimiter,
        columns,
        spellings: crate::spelling::Spellings::merge(&rules.spellings, &spellings),
        declared: rules.columns.clone(),
        block: 0,
        progress: progress_bar(&located.paths),
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
    }
    data.notices.extend(located.notices);
    Ok(data)
}

/// A progress bar on stderr, only when stderr is a terminal and the input is large
/// (over 32 MB of CSV); scripts and pipes never see it.
fn progress_bar(paths: &[TablePath; 3]) -> Option<indicatif::ProgressBar> {
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
fn output_format(format: Option<Format>, output: Option<&Path>) -> Result<Format> {
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

fn check(a: CheckArgs) -> Result<u8> {
    crate::trace::stage("start");
    let format = output_format(a.data.format, a.data.output.as_deref())?;
    let located = inputs(&a.data, a.waivers.as_deref(), a.baseline.as_deref())?;
    let as_of = a.as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut rules = load_rules(a.data.rules.as_deref())?;
    let data = load_data(&a.data, &mut rules, located)?;
    let diags = rules.bind(&data);
    if !diags.is_empty() {
        return Err(RuleFileError(crate::diag::render(&rules.file, &rules.source, &diags)).into());
    }
    let ev = crate::eval::run(&rules, &data, as_of);
    crate::trace::stage("evaluated");
    let mut report = Report::new(&rules, &data, &ev, a.data.lang, format);
    if let Some(path) = &a.waivers {
        let opts = ReadOptions {
            encoding: a.data.encoding,
            delimiter: a.data.delimiter,
            ..ReadOptions::default()
        };
        let (rows, errors) = load::read_waivers(path, &opts)?;
        let source = crate::model::Source {
            file: crate::model::display_name(path),
            sheet: errors.first().and_then(|e| e.source.sheet.clone()),
        };
        crate::waivers::apply(
            &mut report,
            &rules,
            &source,
            rows,
            errors,
            as_of,
            a.data.lang,
        );
    }
    if let Some(path) = &a.baseline {
        crate::baseline::apply(&mut report, path)?;
    }
    if let Some(span) = a.due_within {
        let horizon = span.after(as_of);
        for f in &mut report.findings {
            f.due_soon = f.status == crate::view::Status::Pending
                && crate::load::values::parse_date(&f.due).is_ok_and(|d| d <= horizon);
        }
    }
    crate::trace::stage("report built");
    // The report holds all it needs: the data goes now (a few large blocks, quick to
    // free), so it and the rendered report are never in memory together.
    drop(data);
    drop(ev);
    let color = a.data.color.enabled(a.data.output.as_deref());
    let out = a.data.output.as_deref();
    if format == Format::Json {
        // Streamed: a large JSON report is never held whole.
        report::write::write_with(out, |w| report::json::write(&mut report, w))?;
    } else {
        let text = report::write::render(&report, format, a.data.lang, width(), color);
        crate::trace::stage("report rendered");
        report::write::write_output(out, &text)?;
        std::mem::forget(text);
    }
    crate::trace::stage("written");
    let code = report.exit_code_with(a.fail_on);
    // The process ends next: freeing thousands of findings one by one would only add
    // time, so leave it to the OS.
    std::mem::forget(report);
    Ok(code)
}

fn validate(a: DataArgs) -> Result<u8> {
    let located = inputs(&a, None, None)?;
    let mut rules = load_rules(a.rules.as_deref())?;
    let data = load_data(&a, &mut rules, located)?;
    let errors = report::data_error_entries(&data, a.lang);
    // Binding the rules finds values that look like a rule's word, and columns the
    // rules use that the files lack (SPEC §8): data problems too.
    let _ = rules.bind(&data);
    let notices =
        report::notices::notice_entries(data.notices.iter().chain(&rules.notices), a.lang);
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
    let format = a
        .format
        .or_else(|| a.output.as_deref().and_then(Format::from_extension))
        .unwrap_or(Format::Table);
    if !matches!(format, Format::Table | Format::Json) {
        anyhow::bail!(crate::i18n::say(
            "validate 只输出 `--format table` 或 `--format json`".to_owned(),
            "validate writes `--format table` or `--format json` only".to_owned()
        ));
    }
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

fn rules_list(path: Option<&Path>, lang: Lang) -> Result<u8> {
    let rs = load_rules(path)?;
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_width(width())
        .set_header(vec![
            lang.pick("规则", "id"),
            lang.pick("类型", "kind"),
            lang.pick("级别", "severity"),
            lang.pick("标题", "title"),
            lang.pick("条款", "clause"),
        ]);
    for r in &rs.rules {
        t.add_row(vec![
            r.meta.id.clone(),
            r.meta.kind.to_owned(),
            report::words::severity_word(r.meta.severity, lang).to_owned(),
            r.meta.title_in(lang).to_owned(),
            r.meta.clause.clone(),
        ]);
    }
    let mut out = String::new();
    out.push_str(&format!(
        "{}（{}）{} ～ {}\n",
        rs.plan.title_in(lang).unwrap_or(&rs.plan.id),
        rs.plan.document.as_deref().unwrap_or(&rs.plan.id),
        crate::dates::fmt_date(rs.plan.start),
        crate::dates::fmt_date(rs.plan.end)
    ));
    out.push_str(&t.to_string());
    out.push('\n');
    report::write::write_output(None, out.as_bytes())?;
    Ok(0)
}

fn rules_explain(id: &str, path: Option<&Path>, lang: Lang) -> Result<u8> {
    let mut rs = load_rules(path)?;
    // SPEC §6: whether the rule needs the units table (asked before borrowing it).
    let needs_units = rs
        .rules
        .iter_mut()
        .find(|r| r.meta.id == id)
        .is_some_and(|r| r.kind.uses_units());
    let Some(rule) = rs.find(id) else {
        let ids: Vec<&str> = rs.rules.iter().map(|r| r.meta.id.as_str()).collect();
        let id = crate::limits::cut(id);
        return Err(anyhow!(crate::i18n::say(
            format!(
                "{} 中没有规则 `{id}`（规则：{}）",
                rs.file,
                crate::limits::list(&ids, "、", true)
            ),
            format!(
                "no rule `{id}` in {} (rules: {})",
                rs.file,
                crate::limits::list(&ids, ", ", false)
            )
        )));
    };
    let m = &rule.meta;
    let entry = rules::registry::find_kind(m.kind);
    let w = width() as usize;
    let wrap = |text: &str, indent: &str| report::table::wrap(text, w, indent);
    let sep = lang.pick("：", ": ");
    let mut out = String::new();
    out.push_str(&wrap(&format!("{} — {}", m.id, m.title_in(lang)), ""));
    let document = rs
        .plan
        .document
        .as_deref()
        .map(|d| format!("{}{d}", lang.pick("，", ", ")))
        .unwrap_or_default();
    out.push_str(&wrap(
        &format!("{}{sep}{}{document}", lang.pick("条款", "clause"), m.clause),
        "",
    ));
    let severity = report::words::severity_word(m.severity, lang);
    out.push_str(&format!(
        "{}{sep}{}    {}{sep}{severity}\n\n",
        lang.pick("类型", "kind"),
        m.kind,
        lang.pick("级别", "severity")
    ));
    if let Some(q) = &m.quote {
        out.push_str(&wrap(
            &format!(
                "{}{sep}“{}”",
                lang.pick("规划原文", "the plan says"),
                report::words::one_line(q)
            ),
            "",
        ));
        out.push('\n');
    }
    if let Some(d) = m.description_in(lang) {
        out.push_str(&wrap(d.trim(), ""));
        out.push('\n');
    }
    out.push_str(&wrap(&rule.kind.describe(lang, &rs.plan), ""));
    out.push('\n');
    // SPEC §6: without a units table the rule runs by its fallback, approximately.
    if needs_units && rule.fallback.is_none() {
        out.push_str(&wrap(
            lang.pick(
                "本条要用工会组织表（units）：没有该表时无法检查，运行会停止（用 --units 指定，或在其他表旁放 units 文件，`peixun init` 可生成模板）。",
                "This rule needs the units table: without it the run stops (give it with --units FILE or a `units` file beside the other tables; `peixun init` writes a template).",
            ),
            "",
        ));
        out.push('\n');
    }
    if let Some(fb) = &rule.fallback {
        out.push_str(&wrap(
            &format!(
                "{}{sep}{}",
                lang.pick(
                    "没有工会组织表（units）时按 fallback 近似检查（报告中标〔近似〕）",
                    "without a units table, checked approximately by its fallback (marked (approximate) in reports)"
                ),
                fb.describe(lang, &rs.plan)
            ),
            "",
        ));
        out.push('\n');
    }
    if let Some(n) = m.note_in(lang) {
        out.push_str(&wrap(
            &format!(
                "{}{sep}{}",
                lang.pick("注", "note"),
                report::words::one_line(n)
            ),
            "",
        ));
        out.push('\n');
    }
    if let Some(e) = entry {
        out.push_str(lang.pick("规则类型说明：\n", "about this kind:\n"));
        let text = match lang {
            Lang::Zh => e.explain_zh.to_owned(),
            Lang::En => e
                .explain
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" "),
        };
        out.push_str(&wrap(&format!("  {text}"), "  "));
    }
    report::write::write_output(None, out.as_bytes())?;
    Ok(0)
}
