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
    // Without --format the -o file's extension decides; one that names neither format
    // is refused, as `check` refuses it, rather than text written to `results.json`.
    let format = match (format, output.and_then(|p| p.extension())) {
        (Some(f), _) => f,
        (None, None) => TestFormat::Text,
        (None, Some(ext)) => match ext.to_string_lossy().to_ascii_lowercase().as_str() {
            "xml" => TestFormat::Junit,
            "txt" | "log" => TestFormat::Text,
            _ => anyhow::bail!(crate::i18n::say(
                format!(
                    "无法从扩展名 `.{}` 判断输出格式；请用 --format 指定（text、junit）或改用 .txt .xml",
                    ext.to_string_lossy()
                ),
                format!(
                    "cannot tell the output format from `.{}`: give --format (text, junit) or use .txt .xml",
                    ext.to_string_lossy()
                )
            )),
        },
    };
    let outcomes = ruletest::run(&tests, lang);
    let text = match format {
        TestFormat::Text => ruletest::text(&tests, &outcomes, lang),
        TestFormat::Junit => ruletest::junit(&tests, &outcomes, lang),
    };
    write_output(output, text.as_bytes())?;
    let (_, failed) = ruletest::counts(&outcomes);
    Ok(u8::from(failed > 0))
}
