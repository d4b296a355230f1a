//! `peixun rules test`: runs rule-test files (SPEC §7) through `crate::ruletest` and
//! writes the outcome as text or JUnit XML.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::args::TestFormat;
use super::inputs::RuleFileError;
use crate::i18n::Lang;
use crate::report::write::{Input, refuse_inputs, write_output};
use crate::ruletest;

/// Exit 0 every case passed, 1 any failed; a test or rule file that cannot be read, or
/// no test file found, is an error (exit 2).
pub fn rules_test(
    files: &[PathBuf],
    format: Option<TestFormat>,
    output: Option<&Path>,
    lang: Lang,
) -> Result<u8> {
    let paths = ruletest::find(files).map_err(|e| anyhow::anyhow!(e.0))?;
    let tests = ruletest::read_all(&paths).map_err(|e| RuleFileError(e.0))?;
    // `-o` never overwrites a test file or a rule file the tests name.
    let read: Vec<Input<'_>> = paths
        .iter()
        .map(|p| Input::Tests(p))
        .chain(
            tests
                .iter()
                .filter_map(|t| t.rules_path.as_deref())
                .map(Input::Rules),
        )
        .collect();
    refuse_inputs(output, &read)?;
    let outcomes = ruletest::run(&tests, lang);
    let format = format.unwrap_or(
        match output.and_then(|p| p.extension()).and_then(|e| e.to_str()) {
            Some("xml") => TestFormat::Junit,
            _ => TestFormat::Text,
        },
    );
    let text = match format {
        TestFormat::Text => ruletest::text(&tests, &outcomes, lang),
        TestFormat::Junit => ruletest::junit(&tests, &outcomes, lang),
    };
    write_output(output, text.as_bytes())?;
    let (_, failed) = ruletest::counts(&outcomes);
    Ok(u8::from(failed > 0))
}
