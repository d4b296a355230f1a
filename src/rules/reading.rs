//! Reading the keys of a rule-file table (SPEC §5): the table of keys a kind takes one
//! by one (the rest reported as unknown, with the key most likely meant), and typed
//! values with their spans (strings, TOML dates, numbers). Problems are diagnostics in
//! the run's language.

use std::ops::Range;

use chrono::NaiveDate;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, say};

/// A TOML value with its span.
pub type Val<'i> = Spanned<DeValue<'i>>;

/// The keys of one table, each taken at most once; the rest are unknown.
pub struct Keys<'t, 'i> {
    table: &'t DeTable<'i>,
    pub span: Range<usize>,
    pub what: String,
    used: Vec<String>,
}

impl<'t, 'i> Keys<'t, 'i> {
    pub fn new(table: &'t DeTable<'i>, span: Range<usize>, what: String) -> Self {
        Keys {
            table,
            span,
            what,
            used: Vec::new(),
        }
    }

    /// Takes a key's value.
    pub fn take(&mut self, key: &str) -> Option<&'t Val<'i>> {
        self.used.push(key.to_owned());
        self.table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }

    /// Reports every key not taken, with the accepted ones.
    pub fn finish(self, accepted: &[&str], diags: &mut Vec<Diagnostic>) {
        for (k, _) in self.table.iter() {
            let name: &str = k.get_ref().as_ref();
            if !self.used.iter().any(|u| u == name) {
                // A typo (`withn`) gets the key it most likely meant.
                let hint = accepted
                    .iter()
                    .map(|a| (crate::load::headers::distance(a, name), a))
                    .filter(|(d, a)| *d <= 2 && *d * 3 <= a.len())
                    .min()
                    .map(|(_, a)| {
                        say(
                            format!("；是否想写 `{a}`？"),
                            format!("; did you mean `{a}`?"),
                        )
                    })
                    .or_else(|| elsewhere(name).map(|w| say(format!("；{w}"), format!("; {w}"))))
                    .unwrap_or_default();
                diags.push(Diagnostic::new(
                    k.span(),
                    say(
                        format!(
                            "{} 中有未知的键 `{name}`（可用：{}）{hint}",
                            self.what,
                            accepted.join("、")
                        ),
                        format!(
                            "unknown key `{name}` in {} (accepted: {}){hint}",
                            self.what,
                            accepted.join(", ")
                        ),
                    ),
                ));
            }
        }
    }
}

/// Where a key of another kind belongs (SPEC §6), for an unknown key's message.
fn elsewhere(key: &str) -> Option<String> {
    Some(match key {
        "rate" => say(
            "只有 coverage 规则可写 `rate`",
            "`rate` is taken only by coverage rules",
        ),
        "or" => say(
            "只有 deadline、coverage 和 quota 规则可写 `or`",
            "`or` is taken only by deadline, coverage and quota rules",
        ),
        "every" => say(
            "只有 quota 和 coverage 规则可写 `every`",
            "`every` is taken only by quota and coverage rules",
        ),
        "group_by" => say(
            "只有 quota 和 coverage 规则可写 `group_by`",
            "`group_by` is taken only by quota and coverage rules",
        ),
        "who" => say(
            "此处不可写 `who`（quota 规则只有在 measure = \"attendees\" 时才可写）",
            "`who` is not taken here (a quota takes it only with measure = \"attendees\")",
        ),
        _ => return None,
    })
}

/// A TOML value's type in words.
pub fn type_name(v: &DeValue<'_>) -> String {
    let (zh, en) = match v {
        DeValue::String(_) => ("字符串", "a string"),
        DeValue::Integer(_) => ("整数", "an integer"),
        DeValue::Float(_) => ("小数", "a float"),
        DeValue::Boolean(_) => ("布尔值", "a boolean"),
        DeValue::Datetime(_) => ("日期", "a date"),
        DeValue::Array(_) => ("数组", "an array"),
        DeValue::Table(_) => ("表", "a table"),
    };
    say(zh, en)
}

/// `what` must be `expected`: both already in the run's language.
pub fn type_error(span: Range<usize>, what: &str, expected: &str, got: &DeValue<'_>) -> Diagnostic {
    Diagnostic::new(
        span,
        say(
            format!("{what} 应为{expected}，而不是{}", type_name(got)),
            format!("{what} must be {expected}, not {}", type_name(got)),
        ),
    )
}

/// A string value.
pub fn string(v: &Val<'_>, what: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match v.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        other => {
            diags.push(type_error(
                v.span(),
                what,
                &say("字符串", "a string"),
                other,
            ));
            None
        }
    }
}

/// A TOML date (no time, no offset).
pub fn date(v: &Val<'_>, what: &str, diags: &mut Vec<Diagnostic>) -> Option<NaiveDate> {
    match v.get_ref() {
        DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
            let d = dt.date?;
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        }
        other => {
            diags.push(type_error(
                v.span(),
                what,
                &say(
                    "TOML 日期，如 2018-01-01（不加引号）",
                    "a TOML date such as 2018-01-01 (no quotes)",
                ),
                other,
            ));
            None
        }
    }
}

/// A number (integer or float).
pub fn number(v: &Val<'_>, what: &str, diags: &mut Vec<Diagnostic>) -> Option<f64> {
    let n = match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
        other => {
            diags.push(type_error(v.span(), what, &say("数字", "a number"), other));
            return None;
        }
    };
    match n {
        Some(n) if n.is_finite() => Some(n),
        _ => {
            diags.push(Diagnostic::new(
                v.span(),
                say(
                    format!("{what} 应为有限的数字"),
                    format!("{what} must be a finite number"),
                ),
            ));
            None
        }
    }
}
