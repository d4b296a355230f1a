//! The command line (SPEC §4): parses the arguments (`args`), runs the command (one file
//! per command, sharing `inputs`) and maps the outcome to an exit code. Only `cli/`
//! reads the clock (the default as-of date). Exit codes: 0 clean,
//! 1 violations or data errors, 2 the check could not run.

mod args;
mod check;
mod doc;
mod explain;
mod inputs;
mod lint;
mod man;
mod ruletest;
mod trend;

use std::ffi::OsString;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use crate::i18n::Lang;
use crate::report;
use args::{Cli, Command, RulesCommand};
use inputs::RuleFileError;

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
                Some(r) => crate::diag::to_stderr(&crate::report::table::clean(&r.to_string())),
                None => crate::diag::to_stderr(&format!(
                    "peixun: {}",
                    crate::report::table::clean(&error_text(&e))
                )),
            }
            ExitCode::from(2)
        }
    }
}

/// The error chain, once, outermost first, in the language of messages: a system error
/// is given by its reason alone (never a temporary file's name).
fn error_text(e: &anyhow::Error) -> String {
    let parts: Vec<String> = e
        .chain()
        .map(|c| match c.downcast_ref::<std::io::Error>() {
            Some(io) => crate::i18n::io_reason(io),
            None => c.to_string(),
        })
        .collect();
    let mut out: Vec<String> = Vec::new();
    for p in parts {
        if !out.iter().any(|o| o.contains(&p)) {
            out.push(p);
        }
    }
    out.join(crate::i18n::message_lang().pick("：", ": "))
}

impl Cli {
    /// The `--lang` of the command, for exit-2 messages.
    fn lang(&self) -> Lang {
        match &self.command {
            Command::Check(a) => a.data.lang,
            Command::Validate(a) => a.lang,
            Command::Trend(a) => a.data.lang,
            Command::Rules(
                RulesCommand::List { lang, .. }
                | RulesCommand::Explain { lang, .. }
                | RulesCommand::Test { lang, .. },
            ) => *lang,
            Command::Rules(RulesCommand::Doc { lang, .. }) => *lang,
            Command::Completions { lang, .. } | Command::Man { lang, .. } => *lang,
            Command::Init { lang, .. } => *lang,
            Command::Rules(RulesCommand::Lint(a)) => a.lang,
        }
    }
}

fn dispatch(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Check(a) => check::check(a),
        Command::Validate(a) => check::validate(a),
        Command::Trend(a) => trend::trend(a),
        Command::Rules(RulesCommand::List { rules, lang }) => {
            explain::rules_list(rules.as_deref(), lang)
        }
        Command::Rules(RulesCommand::Explain { id, rules, lang }) => {
            explain::rules_explain(&id, rules.as_deref(), lang)
        }
        Command::Rules(RulesCommand::Test {
            files,
            format,
            output,
            lang,
        }) => ruletest::rules_test(&files, format, output.as_deref(), lang),
        Command::Rules(RulesCommand::Doc {
            rules,
            format,
            output,
            lang,
        }) => doc::rules_doc(rules.as_deref(), format, output.as_deref(), lang),
        Command::Rules(RulesCommand::Lint(a)) => lint::lint(a),
        Command::Completions { shell, .. } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "peixun", &mut out);
            report::write::write_output(None, &out)?;
            Ok(0)
        }
        Command::Man { dir, lang } => man::man(dir.as_deref(), lang),
        Command::Init { dir, xlsx, lang } => {
            let names = crate::init::init(&dir, xlsx)?;
            for n in names {
                crate::diag::to_stderr(&format!(
                    "{} {}",
                    lang.pick("已写出", "wrote"),
                    dir.join(n).display()
                ));
            }
            Ok(0)
        }
    }
}
