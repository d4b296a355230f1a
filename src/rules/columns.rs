//! `[columns]` of a rule file (SPEC §6 "Typed extra columns"): per table, extra
//! columns declared `"date"`, `"number"` or `"text"`. Read before the rules, so a
//! condition naming a declared column compares by its type; the loader reads a
//! declared date or number with SPEC §1's rules for it.

use toml::de::DeValue;

use super::keys::{Val, type_error};
use crate::diag::{Diagnostic, say};
use crate::model::{Declared, TableKind, ValueType, fields_of, normalize};

/// The tables `[columns]` may declare columns of.
const TABLES: [TableKind; 3] = [TableKind::Cadres, TableKind::Classes, TableKind::Attendance];

/// Reads `[columns]`: every declaration, problems as diagnostics at their spans.
pub fn parse(v: &Val<'_>, diags: &mut Vec<Diagnostic>) -> Vec<Declared> {
    let mut out = Vec::new();
    let DeValue::Table(t) = v.get_ref() else {
        diags.push(type_error(
            v.span(),
            "`columns`",
            &say(
                "表 `[columns]`，如 cadres = { \"提任日期\" = \"date\" }",
                "a table `[columns]` such as cadres = { \"提任日期\" = \"date\" }",
            ),
            v.get_ref(),
        ));
        return out;
    };
    for (tk, tv) in t.iter() {
        let table_name: &str = tk.get_ref().as_ref();
        let Some(table) = TABLES.iter().copied().find(|k| k.name() == table_name) else {
            diags.push(Diagnostic::new(
                tk.span(),
                say(
                    format!(
                        "[columns] 中的表 `{}` 无法识别（可用：cadres、classes、attendance）",
                        crate::limits::cut(table_name)
                    ),
                    format!(
                        "unknown table `{}` in [columns] (accepted: cadres, classes, attendance)",
                        crate::limits::cut(table_name)
                    ),
                ),
            ));
            continue;
        };
        let DeValue::Table(cols) = tv.get_ref() else {
            diags.push(type_error(
                tv.span(),
                &format!("`columns.{table_name}`"),
                &say(
                    "“表头 = \"date\"、\"number\" 或 \"text\"”的表",
                    "a table of header = \"date\", \"number\" or \"text\"",
                ),
                tv.get_ref(),
            ));
            continue;
        };
        for (hk, hv) in cols.iter() {
            let header: &str = hk.get_ref().as_ref();
            let key = normalize(header);
            if key.is_empty() {
                diags.push(Diagnostic::new(
                    hk.span(),
                    say("声明的列要有表头", "a declared column needs a header"),
                ));
                continue;
            }
            if let Some(f) = fields_of(table)
                .iter()
                .find(|f| normalize(f.name) == key || f.aliases.iter().any(|a| normalize(a) == key))
            {
                diags.push(Diagnostic::new(
                    hk.span(),
                    say(
                        format!(
                            "`{}` 是 {table_name} 表的固定列 `{}`，类型已定；[columns] 只声明其他列",
                            crate::limits::cut(header),
                            f.name
                        ),
                        format!(
                            "`{}` is the {table_name} column `{}` of SPEC §1, whose type is fixed; [columns] declares extra columns only",
                            crate::limits::cut(header),
                            f.name
                        ),
                    ),
                ));
                continue;
            }
            let value_type = match hv.get_ref() {
                DeValue::String(s) => match s.as_ref() {
                    "date" => ValueType::Date,
                    "number" => ValueType::Number,
                    "text" => ValueType::Text,
                    other => {
                        diags.push(Diagnostic::new(
                            hv.span(),
                            say(
                                format!(
                                    "`{}` 的列类型 `{}` 无法识别（可用：date、number、text）",
                                    crate::limits::cut(header),
                                    crate::limits::cut(other)
                                ),
                                format!(
                                    "unknown column type `{}` for `{}` (accepted: date, number, text)",
                                    crate::limits::cut(other),
                                    crate::limits::cut(header)
                                ),
                            ),
                        ));
                        continue;
                    }
                },
                other => {
                    diags.push(type_error(
                        hv.span(),
                        &say(
                            format!("`{}` 的类型", crate::limits::cut(header)),
                            format!("the type of `{}`", crate::limits::cut(header)),
                        ),
                        &say(
                            "\"date\"、\"number\" 或 \"text\"",
                            "\"date\", \"number\" or \"text\"",
                        ),
                        other,
                    ));
                    continue;
                }
            };
            if out
                .iter()
                .any(|d: &Declared| d.table == table && normalize(d.name) == key)
            {
                diags.push(Diagnostic::new(
                    hk.span(),
                    say(
                        format!("列 `{}` 声明了两次", crate::limits::cut(header)),
                        format!("column `{}` is declared twice", crate::limits::cut(header)),
                    ),
                ));
                continue;
            }
            out.push(Declared {
                table,
                // Kept for the run: a data error names its column as `&'static str`.
                name: Box::leak(header.trim().to_owned().into_boxed_str()),
                value_type,
            });
        }
    }
    out
}
