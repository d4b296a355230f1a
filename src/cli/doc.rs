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
    // Without --format the -o file's extension decides; one that names neither format
    // is refused, as `check` refuses it, rather than Markdown written to `规则.pdf`.
    let format = match (format, out.and_then(|p| p.extension())) {
        (Some(f), _) => f,
        (None, None) => DocFormat::Markdown,
        (None, Some(ext)) => {
            let e = ext.to_string_lossy().to_ascii_lowercase();
            match e.as_str() {
                "html" | "htm" => DocFormat::Html,
                "md" | "markdown" | "txt" => DocFormat::Markdown,
                _ => anyhow::bail!(crate::i18n::say(
                    format!(
                        "无法从扩展名 `.{}` 判断文档格式；请用 --format 指定（markdown、html）或改用 .md .html",
                        ext.to_string_lossy()
                    ),
                    format!(
                        "cannot tell the document format from `.{}`: give --format (markdown, html) or use .md .html",
                        ext.to_string_lossy()
                    )
                )),
            }
        }
    };
    let bytes = report::ruledoc::render(&mut rs, format, lang);
    report::write::write_output(out, &bytes)?;
    Ok(0)
}
