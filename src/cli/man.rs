//! `peixun man`: the manual pages, one per command (peixun.1, peixun-check.1, …), from
//! the clap definitions (NAME, SYNOPSIS, OPTIONS) and the sections below (DESCRIPTION,
//! EXIT STATUS, ENVIRONMENT, FILES, EXAMPLES, SEE ALSO). `peixun man` prints the main
//! page; `--dir DIR` writes them all, so every page a SEE ALSO names exists.

use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;

use super::args::Cli;
use crate::i18n::{Lang, say};
use crate::report;

/// Prints the main page, or writes every page into `dir`.
pub fn man(dir: Option<&Path>, lang: Lang) -> Result<u8> {
    let pages = pages()?;
    match dir {
        None => {
            let main = pages
                .first()
                .map(|(_, text)| text.as_bytes())
                .unwrap_or(b"");
            report::write::write_output(None, main)?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| {
                say(
                    format!("无法创建文件夹 `{}`", dir.display()),
                    format!("cannot create folder `{}`", dir.display()),
                )
            })?;
            for (name, text) in &pages {
                let path = dir.join(name);
                report::write::write_output(Some(&path), text.as_bytes())?;
                crate::diag::to_stderr(&format!(
                    "{} {}",
                    lang.pick("已写出", "wrote"),
                    path.display()
                ));
            }
        }
    }
    Ok(0)
}

/// Every page as (file name, roff text), the main page first.
pub fn pages() -> Result<Vec<(String, String)>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut all = Vec::new();
    collect(&cmd, "peixun", &mut all);
    let names: Vec<String> = all.iter().map(|(n, _)| n.clone()).collect();
    all.iter()
        .map(|(name, c)| Ok((format!("{name}.1"), render(name, c, &names)?)))
        .collect()
}

/// The command and its subcommands, depth first, each with its page name.
fn collect(cmd: &clap::Command, name: &str, out: &mut Vec<(String, clap::Command)>) {
    out.push((name.to_owned(), cmd.clone()));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, &format!("{name}-{}", sub.get_name()), out);
    }
}

/// One page: clap_mangen's title, NAME, SYNOPSIS, OPTIONS and SUBCOMMANDS, with the
/// written sections between and after them.
fn render(name: &str, cmd: &clap::Command, all: &[String]) -> Result<String> {
    let man = clap_mangen::Man::new(cmd.clone().display_name(name.to_owned()))
        .title(name.to_uppercase())
        .section("1")
        .manual("peixun manual")
        .source(format!("peixun {}", env!("CARGO_PKG_VERSION")));
    let text = Text::of(name);
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    section(&mut out, "DESCRIPTION", &description(cmd, text.description));
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut out)?;
    }
    section(&mut out, "EXIT STATUS", text.exit);
    section(&mut out, "ENVIRONMENT", ENVIRONMENT);
    section(&mut out, "FILES", text.files);
    section(&mut out, "EXAMPLES", text.examples);
    let see: Vec<String> = all
        .iter()
        .filter(|n| n.as_str() != name)
        .map(|n| format!(".BR {n} (1)"))
        .collect();
    section(&mut out, "SEE ALSO", &see.join(",\n"));
    if cmd.get_version().is_some() {
        man.render_version_section(&mut out)?;
    }
    String::from_utf8(out).context("manual page")
}

/// The command's about line, then the written description.
fn description(cmd: &clap::Command, more: &str) -> String {
    let about = cmd
        .get_long_about()
        .or(cmd.get_about())
        .map(|a| escape(&a.to_string()))
        .unwrap_or_default();
    format!("{about}\n.PP\n{more}")
}

/// A section heading and its roff body.
fn section(out: &mut Vec<u8>, title: &str, body: &str) {
    out.extend_from_slice(format!(".SH \"{title}\"\n{}\n", body.trim_end()).as_bytes());
}

/// Text made safe for roff: backslashes doubled, no line starting with a control
/// character.
fn escape(s: &str) -> String {
    s.replace('\\', "\\e")
        .lines()
        .map(|l| {
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The written sections of one page (roff text).
struct Text {
    description: &'static str,
    exit: &'static str,
    files: &'static str,
    examples: &'static str,
}

const ENVIRONMENT: &str = r#".TP
.B NO_COLOR
When set and not empty, statuses are not coloured in the terminal table
(\fB\-\-color auto\fR, the default).
.TP
.B COLUMNS
The width of the table when standard output is not a terminal (default 80).
.TP
.B PEIXUN_TRACE
When set, each stage of a run prints its elapsed time and memory to standard error
(used by the benchmark script)."#;

const EXIT_CHECK: &str = r#".TP
.B 0
Nothing at error severity is in violation and there are no data errors.
.TP
.B 1
Violations at error severity, or data errors (the check was incomplete), or what
\fB\-\-fail\-on\fR names (pending findings, warnings, notices).
.TP
.B 2
The check could not run: a usage error, an unreadable input, a missing column,
a bad rule, columns, waivers or baseline file, or an \fB\-o\fR naming an input.
.TP
.B 129, 130, 143
Ended by SIGHUP, SIGINT or SIGTERM; the report being written with \fB\-o\fR is
removed and a report already at that path is left as it was."#;

const EXIT_VALIDATE: &str = r#".TP
.B 0
The data has no errors.
.TP
.B 1
Some rows have data errors (each is listed).
.TP
.B 2
The data could not be read: a usage error, an unreadable input, a missing column,
a bad rule or columns file, or an \fB\-o\fR naming an input."#;

const EXIT_SIMPLE: &str = r#".TP
.B 0
Done.
.TP
.B 2
It could not be done (a usage error, a bad rule file, a file that cannot be read
or written); a one\-line message on standard error says why."#;

const FILES_DATA: &str = r#".TP
.I DATA
A folder holding the tables \fBcadres\fR, \fBclasses\fR, \fBattendance\fR
(or 干部名册, 培训班, 参训记录) and optionally \fBunits\fR (工会组织) as .csv or
\&.xlsx files, or one .xlsx workbook with sheets of those names.
CSV files may be UTF\-8 (with or without a byte\-order mark) or GBK.
.TP
.I rules/mianyang\-2018\-2020.toml
The default rule set, built into the program; \fB\-\-rules\fR names another."#;

const FILES_NONE: &str = "None: it reads no files.";

impl Text {
    fn of(name: &str) -> Text {
        match name {
            "peixun" => Text {
                description: r#"\fBpeixun\fR (培训, "training") checks union\-cadre training records
against a training plan and reports who and what is out of compliance.
It reads cadre, class and attendance exports (CSV in UTF\-8 or GBK, or .xlsx),
evaluates a declarative rule set (by default the Mianyang City Federation of
Trade Unions' 2018\-2020 training plan) and reports every finding: a violation,
a pending obligation not yet due, or a waived one.
.PP
Human\-facing text is Chinese by default and English with \fB\-\-lang en\fR;
JSON keys, statuses and rule ids never change.
Each command has its own page."#,
                exit: EXIT_CHECK,
                files: FILES_DATA,
                examples: r#".nf
peixun init tpl
peixun check fixtures/demo \-\-as\-of 2021\-03\-01
peixun check data \-\-format json \-o report.json
peixun validate data
peixun rules list
.fi"#,
            },
            "peixun-check" => Text {
                description: r#"Loads the tables, evaluates every rule as of the as\-of date (default today)
and reports each finding with its status (违规 violation, 待办 pending,
豁免 waived), due date and evidence, then the data errors (rows left out of the
check), notices (提示: things that change the answer without being errors) and a
summary. Formats: table (the default on a terminal), json, csv, markdown, html,
xlsx, junit; \fB\-o\fR picks the format from the file's extension and writes
atomically."#,
                exit: EXIT_CHECK,
                files: r#".TP
.I DATA
The tables, as in \fBpeixun\fR(1).
.TP
.B \-\-waivers \fIFILE\fR
Recorded exemptions: CSV or xlsx with rule, subject, period, reason,
approved_by, expires_on.
.TP
.B \-\-baseline \fIFILE\fR
An earlier JSON report: findings are marked new, escalated, eased or unchanged,
and the ones gone since are listed.
.TP
.B \-\-columns \fIFILE\fR
A TOML file mapping local headers (and value spellings) to fields."#,
                examples: r#".nf
peixun check fixtures/demo \-\-as\-of 2021\-03\-01
peixun check data \-\-format markdown \-o report.md
peixun check data \-\-format json \-\-baseline last.json \-o today.json
peixun check data \-\-waivers waivers.csv \-\-fail\-on pending
.fi"#,
            },
            "peixun-validate" => Text {
                description: r#"Reads the tables as \fBcheck\fR does and reports only data problems: each
rejected row with its file, line, column, value and reason, and the notices.
No rule is evaluated."#,
                exit: EXIT_VALIDATE,
                files: FILES_DATA,
                examples: r#".nf
peixun validate data
peixun validate \-\-cadres 干部名册.csv \-\-classes 培训班.csv \-\-attendance 参训记录.csv
peixun validate data \-\-format json
.fi"#,
            },
            "peixun-init" => Text {
                description: r#"Writes empty templates with Chinese headers for clerks to fill: 干部名册.csv,
培训班.csv, 参训记录.csv and 工会组织.csv (UTF\-8 with a byte\-order mark, so Excel
opens them correctly), or with \fB\-\-xlsx\fR one workbook 台账.xlsx with a
sheet per table and a 说明 sheet. It never overwrites a file."#,
                exit: EXIT_SIMPLE,
                files: r#"The templates it writes, in the folder given."#,
                examples: r#".nf
peixun init tpl
peixun init tpl \-\-xlsx
.fi"#,
            },
            "peixun-completions" => Text {
                description: r#"Prints a completion script for the shell named, to be saved where the
shell looks for completions."#,
                exit: EXIT_SIMPLE,
                files: FILES_NONE,
                examples: r#".nf
peixun completions bash > /etc/bash_completion.d/peixun
peixun completions zsh > "${fpath[1]}/_peixun"
.fi"#,
            },
            "peixun-man" => Text {
                description: r#"Prints the main manual page, or with \fB\-\-dir\fR writes every page
(peixun.1, peixun\-check.1, …) into a folder. The pages are in English."#,
                exit: EXIT_SIMPLE,
                files: FILES_NONE,
                examples: r#".nf
peixun man > peixun.1
peixun man \-\-dir /usr/local/share/man/man1
.fi"#,
            },
            n if n.starts_with("peixun-rules") => Text {
                description: r#"Works with rule sets: lists the rules (id, kind, severity, title, plan
clause) and explains what a rule checks, in words, from the rule file. Without
\fB\-\-rules\fR the built\-in Mianyang 2018\-2020 rule set is used."#,
                exit: EXIT_SIMPLE,
                files: r#".TP
.I rules/mianyang\-2018\-2020.toml
The default rule set, built into the program; \fB\-\-rules\fR names another."#,
                examples: r#".nf
peixun rules list
peixun rules explain new\-chair\-training
peixun rules list \-\-rules my\-plan.toml \-\-lang en
.fi"#,
            },
            _ => Text {
                description: "",
                exit: EXIT_SIMPLE,
                files: FILES_DATA,
                examples: r#".nf
peixun \-\-help
.fi"#,
            },
        }
    }
}
