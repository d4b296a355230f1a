//! The command line's words (SPEC §4): the clap definitions of every command and
//! option, and the parsers of option values.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::i18n::Lang;
use crate::load;
use crate::load::encoding::TextEncoding;
use crate::report::{self, Format};

/// peixun 培训 — checks union-cadre training records against a training plan.
#[derive(Parser, Debug)]
#[command(name = "peixun", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check the data against the rule set and report every finding
    Check(CheckArgs),
    /// Report data problems only (no rules are evaluated)
    Validate(DataArgs),
    /// Compliance over a series of dates, per rule (and group), with a forecast to the plan's end
    Trend(TrendArgs),
    /// List or explain the rules of a rule set
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        /// The shell
        shell: clap_complete::Shell,
        /// Language of messages
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
    /// Print the manual page (roff), e.g. `peixun man > peixun.1`, or write every page
    Man {
        /// Write every page (peixun.1, peixun-check.1, …) into this folder instead
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Language of messages (the pages themselves are in English)
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
    /// Write empty templates with Chinese headers for clerks to fill
    Init {
        /// The folder to write into (created if missing)
        dir: PathBuf,
        /// One workbook (干部名册, 培训班, 参训记录 and a 说明 sheet) instead of three CSV files
        #[arg(long)]
        xlsx: bool,
        /// Language of messages
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
}

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
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
    /// Run rule tests: the cases of *.test.toml files (default: every one under rules/)
    Test {
        /// Test files or folders holding them (default: rules/)
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Output format (default: junit for an -o file ending .xml, text for .txt, .log
        /// or none; another extension is refused)
        #[arg(long, value_enum)]
        format: Option<TestFormat>,
        /// Write the outcome to FILE (atomically) instead of standard output
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Language of human-facing text
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
    /// Write the rule set as a document for the people who approve it (Markdown or HTML)
    Doc {
        /// Rule file (default: the embedded Mianyang 2018–2020 rule set)
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// Document format (default: html for an -o file ending .html or .htm, markdown
        /// for .md, .markdown, .txt or none; another extension is refused)
        #[arg(long, value_enum)]
        format: Option<report::ruledoc::DocFormat>,
        /// Write the document to FILE (atomically) instead of standard output
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Language of human-facing text
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
    /// Find rule-file mistakes that parse: conditions that never hold, and with DATA,
    /// values, rows and columns the data does not have
    Lint(LintArgs),
}

/// `peixun rules lint` (SPEC §7).
#[derive(Args, Debug)]
pub struct LintArgs {
    /// A folder with the tables, or one workbook: check the rules against this data
    #[arg(value_name = "DATA")]
    pub data: Option<PathBuf>,
    /// Rule file (default: the embedded Mianyang 2018–2020 rule set)
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    #[command(flatten)]
    pub files: TableFiles,
    /// Output format
    #[arg(long, value_enum, default_value_t = LintFormat::Table)]
    pub format: LintFormat,
    /// Language of human-facing text (JSON keys never change)
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

/// The formats `rules lint` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    Table,
    Json,
}

/// The tables' own files and how to read them: what every command that reads data
/// takes besides DATA.
#[derive(Args, Debug, Clone)]
pub struct TableFiles {
    /// The cadres table (overrides DATA)
    #[arg(long, value_name = "FILE")]
    pub cadres: Option<PathBuf>,
    /// The classes table (overrides DATA)
    #[arg(long, value_name = "FILE")]
    pub classes: Option<PathBuf>,
    /// The attendance table (overrides DATA)
    #[arg(long, value_name = "FILE")]
    pub attendance: Option<PathBuf>,
    /// The units table, 工会组织 (optional; overrides DATA)
    #[arg(long, value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// Encoding of CSV files (default: detected per file)
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub encoding: Option<TextEncoding>,
    /// Map local headers to fields (and spellings to the plan's words): a TOML file with
    /// [cadres], [classes], [attendance] tables of "header" = "field"
    #[arg(long, value_name = "FILE")]
    pub columns: Option<PathBuf>,
    /// CSV separator: `,` `;` or `tab` (default: detected per file)
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
}

impl TableFiles {
    /// Whether any of them was given.
    pub fn any(&self) -> bool {
        self.cadres.is_some()
            || self.classes.is_some()
            || self.attendance.is_some()
            || self.units.is_some()
            || self.columns.is_some()
            || self.encoding.is_some()
            || self.delimiter.is_some()
    }
}

#[derive(Args, Debug)]
pub struct DataArgs {
    /// A folder with cadres, classes and attendance (.csv or .xlsx), or one workbook
    #[arg(value_name = "DATA", default_value = ".")]
    pub data: PathBuf,
    /// Rule file (default: the embedded Mianyang 2018–2020 rule set)
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    #[command(flatten)]
    pub files: TableFiles,
    /// Output format (default: from the -o file's extension, else table)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to FILE (atomically) instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Language of human-facing text (JSON keys never change)
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Colour statuses in the terminal table: auto (a terminal, and NO_COLOR unset),
    /// always, never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `--format` of `rules test`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    Text,
    Junit,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to paint output going to `out` (None: stdout).
    pub fn enabled(self, out: Option<&Path>) -> bool {
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
pub struct CheckArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Evaluate as of this date (default: today)
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    pub as_of: Option<NaiveDate>,
    /// Recorded exemptions (CSV or xlsx: rule, subject, period, reason, approved_by, expires_on)
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// An earlier JSON report: mark findings new or unchanged and list the resolved ones
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Which findings make the exit status 1 (data errors always do)
    #[arg(long, value_enum, default_value_t = report::FailOn::Error)]
    pub fail_on: report::FailOn,
    /// Mark pending findings due within this span (e.g. 30d, 2m) as due soon and list them first
    #[arg(long, value_name = "SPAN", value_parser = parse_span)]
    pub due_within: Option<crate::model::Span>,
    /// Mask cadres' ids and names in every format (510703********0058, 吕*远), for reports handed upward
    #[arg(long)]
    pub mask_ids: bool,
}

#[derive(Args, Debug)]
pub struct TrendArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The first date of the series (the first period end on or after it is the first point)
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    pub from: NaiveDate,
    /// The last date of the series (default: today)
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    pub to: Option<NaiveDate>,
    /// The step: the last day of each month, quarter or year
    #[arg(long, value_enum, default_value_t = crate::trend::Every::Month)]
    pub every: crate::trend::Every,
    /// A series per value of this cadres column (e.g. county, 县区)
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
    /// Recorded exemptions (CSV or xlsx: rule, subject, period, reason, approved_by, expires_on)
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
}

pub fn parse_span(s: &str) -> Result<crate::model::Span, String> {
    crate::model::Span::parse(s)
        .ok_or_else(|| format!("`{s}` is not a span: write Nd, Nm or Ny (e.g. 30d)"))
}

pub fn parse_as_of(s: &str) -> Result<NaiveDate, String> {
    load::values::parse_date(s).map_err(|_| format!("`{s}` is not a date; write it as 2021-03-01"))
}

pub fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "," => Ok(b','),
        ";" => Ok(b';'),
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ => Err(format!(
            "`{s}` is not a separator (accepted: `,` `;` `tab`)"
        )),
    }
}
