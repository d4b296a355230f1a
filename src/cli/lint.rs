//! `peixun rules lint` (SPEC §7): reads the rule file (and the data, when given, as
//! `validate` reads it), runs `rules::lint`, prints the warnings as a table or JSON.
//! Exit 0 clean, 1 warnings, 2 a rule file or data that cannot be used.

use anyhow::Result;

use super::args::{ColorChoice, DataArgs, LintArgs, LintFormat};
use super::inputs::{inputs, load_data, load_rules, width};
use crate::i18n::Lang;
use crate::report;
use crate::rules::lint::{self, Warning};

pub fn lint(a: LintArgs) -> Result<u8> {
    let mut rules = load_rules(a.rules.as_deref())?;
    let mut warnings = lint::without_data(&rules, a.lang);
    // Any option about the data means data (DATA then defaults to the current folder,
    // as for `check`): an option given is never quietly ignored.
    let with_data = a.data.is_some() || a.files.any();
    let mut data_errors = None;
    if with_data {
        let d = DataArgs {
            data: a.data.clone().unwrap_or_else(|| ".".into()),
            rules: a.rules.clone(),
            files: a.files.clone(),
            format: None,
            output: None,
            lang: a.lang,
            color: ColorChoice::Never,
        };
        let located = inputs(&d, None, None)?;
        let data = load_data(&d, &mut rules, located)?;
        // Columns the data lacks become warnings here, not a stop as in `check`.
        let _ = rules.bind(&data);
        warnings.extend(lint::with_data(&mut rules, &data, a.lang));
        data_errors = Some(data.data_errors.len());
    }
    // In rule-file order.
    let order = |w: &Warning| rules.rules.iter().position(|r| r.meta.id == w.rule);
    warnings.sort_by_key(order);
    let text = match a.format {
        LintFormat::Json => {
            let v = serde_json::json!({
                "warnings": warnings,
                "summary": {
                    "warnings": warnings.len(),
                    "data_errors": data_errors.unwrap_or(0),
                },
            });
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }
        LintFormat::Table => table(&warnings, data_errors, a.lang),
    };
    report::write::write_output(None, text.as_bytes())?;
    Ok(u8::from(!warnings.is_empty()))
}

fn table(warnings: &[Warning], data_errors: Option<usize>, lang: Lang) -> String {
    let mut out = String::new();
    for w in warnings {
        let kind = serde_json::to_value(w.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let line = format!("■ {} [{kind}] {}", w.rule, w.message);
        out.push_str(&report::table::wrap(
            &report::table::clean(&line),
            width() as usize,
            "  ",
        ));
    }
    let n = warnings.len();
    out.push_str(&match (lang, n) {
        (Lang::Zh, 0) => "没有发现问题".to_owned(),
        (Lang::Zh, n) => format!("共 {n} 条警告"),
        (Lang::En, 0) => "no warnings".to_owned(),
        (Lang::En, n) => format!("{n} warning(s)"),
    });
    if let Some(e) = data_errors {
        out.push_str(&match lang {
            Lang::Zh => format!("；数据错误 {e} 条（peixun validate 可列出）"),
            Lang::En => format!("; {e} data error(s) (peixun validate lists them)"),
        });
    }
    out.push('\n');
    out
}
