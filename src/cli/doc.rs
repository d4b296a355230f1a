//! `peixun rules doc`: the rule set as a document (SPEC §7), written to stdout or,
//! atomically, to `-o FILE` (never over the rule file itself).

use std::path::Path;

use anyhow::Result;

use super::inputs::load_rules;
use crate::i18n::Lang;
use crate::report;
use crate::report::ruledoc::DocFormat;

pub fn rules_doc(
    path: Option<&Path>,
    format: Option<DocFormat>,
    out: Option<&Path>,
    lang: Lang,
) -> Result<u8> {
    // SPEC §8: `-o` never names an input, by any path.
    let inputs: Vec<report::write::Input<'_>> =
        path.map(report::write::Input::Rules).into_iter().collect();
    report::write::refuse_inputs(out, &inputs)?;
    let mut rs = load_rules(path)?;
    let format = format.unwrap_or_else(|| {
        let html = out
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
        if html {
            DocFormat::Html
        } else {
            DocFormat::Markdown
        }
    });
    let bytes = report::ruledoc::render(&mut rs, format, lang);
    report::write::write_output(out, &bytes)?;
    Ok(0)
}
