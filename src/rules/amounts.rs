//! Reading the amounts of a rule (SPEC §5, §6): `measure`, the `or` alternatives,
//! `rate` (kept exactly, in ten-thousandths) and `min`/`max`.

use std::ops::Range;

use toml::de::DeValue;

use super::reading::{Keys, Val, number, string, type_error};
use crate::diag::{Diagnostic, say};
use crate::view::Measure;

/// `measure = "classes" | "days" | "hours"`, and `"attendees"` where `attendees` allows it
/// (quota only, SPEC §6).
pub fn measure(k: &mut Keys<'_, '_>, attendees: bool, diags: &mut Vec<Diagnostic>) -> Measure {
    match k.take("measure") {
        Some(v) => measure_value(v, attendees, diags).unwrap_or(Measure::Classes),
        None => Measure::Classes,
    }
}

fn measure_value(v: &Val<'_>, attendees: bool, diags: &mut Vec<Diagnostic>) -> Option<Measure> {
    match string(v, "`measure`", diags).as_deref() {
        Some("days") => Some(Measure::Days),
        Some("hours") => Some(Measure::Hours),
        Some("classes") => Some(Measure::Classes),
        Some("attendees") if attendees => Some(Measure::Attendees),
        Some("attendees") => {
            diags.push(Diagnostic::new(
                v.span(),
                say(
                    "只有 quota 规则可写 `measure = \"attendees\"`，且不能写在 `or` 中（此处可用：classes、days、hours）",
                    "`measure = \"attendees\"` is taken only by a quota rule, and not inside `or` (accepted here: classes, days, hours)",
                ),
            ));
            None
        }
        Some(other) => {
            diags.push(Diagnostic::new(
                v.span(),
                say(
                    format!(
                        "无法识别的计量 `{other}`（可用：classes、days、hours{}）",
                        if attendees { "、attendees" } else { "" }
                    ),
                    format!(
                        "unknown measure `{other}` (accepted: classes, days, hours{})",
                        if attendees { ", attendees" } else { "" }
                    ),
                ),
            ));
            None
        }
        None => None,
    }
}

/// The `or` alternatives read, and where `or` is written.
pub type Alternatives = (Vec<(Measure, f64)>, Range<usize>);

/// `or = [ { measure = "hours", min = 90 } ]` (SPEC §6): alternative amounts, each with
/// `measure` (classes, days or hours) and `min`.
pub fn alternatives(k: &mut Keys<'_, '_>, diags: &mut Vec<Diagnostic>) -> Option<Alternatives> {
    let v = k.take("or")?;
    let DeValue::Array(items) = v.get_ref() else {
        diags.push(type_error(
            v.span(),
            "`or`",
            &say(
                "表的数组，如 [ { measure = \"hours\", min = 90 } ]",
                "an array of tables such as [ { measure = \"hours\", min = 90 } ]",
            ),
            v.get_ref(),
        ));
        return None;
    };
    if items.is_empty() {
        diags.push(Diagnostic::new(
            v.span(),
            say(
                "`or` 没有列出替代标准：请写 [ { measure = \"hours\", min = 90 } ]，或删去 `or`",
                "`or` lists no alternative: write [ { measure = \"hours\", min = 90 } ] or leave it out",
            ),
        ));
    }
    let mut out = Vec::new();
    for it in items.iter() {
        let DeValue::Table(t) = it.get_ref() else {
            diags.push(type_error(
                it.span(),
                &say("`or` 的每一项", "each of `or`"),
                &say(
                    "表，如 { measure = \"hours\", min = 90 }",
                    "a table such as { measure = \"hours\", min = 90 }",
                ),
                it.get_ref(),
            ));
            continue;
        };
        let mut ik = Keys::new(t, it.span(), say("`or` 的替代标准", "an `or` alternative"));
        let m = match ik.take("measure") {
            Some(mv) => measure_value(mv, false, diags),
            None => {
                diags.push(Diagnostic::new(
                    it.span(),
                    say(
                        "`or` 的替代标准要写 `measure`（classes、days 或 hours）",
                        "an `or` alternative needs `measure` (classes, days or hours)",
                    ),
                ));
                None
            }
        };
        let min = amount(&mut ik, "min", m.unwrap_or(Measure::Days), false, diags);
        if min.is_none() && ik.take("min").is_none() {
            diags.push(Diagnostic::new(
                it.span(),
                say(
                    "`or` 的替代标准要写 `min`",
                    "an `or` alternative needs `min`",
                ),
            ));
        }
        ik.finish(&["measure", "min"], diags);
        if let (Some(m), Some((n, _))) = (m, min) {
            out.push((m, n));
        }
    }
    Some((out, v.span()))
}

/// `rate = 0.9` (SPEC §6): in (0, 1], at most 4 decimal places, kept exactly as written
/// in ten-thousandths.
pub fn rate(v: &Val<'_>, diags: &mut Vec<Diagnostic>) -> Option<u32> {
    let text = match v.get_ref() {
        DeValue::Integer(i) => i.as_str().replace('_', ""),
        DeValue::Float(f) => f.as_str().replace('_', ""),
        other => {
            diags.push(type_error(
                v.span(),
                "`rate`",
                &say("数字，如 0.9", "a number such as 0.9"),
                other,
            ));
            return None;
        }
    };
    let bad = |diags: &mut Vec<Diagnostic>, why: (&str, &str)| {
        diags.push(Diagnostic::new(
            v.span(),
            say(
                format!("`rate = {text}`：{}；请写大于 0、不大于 1 的小数，至多 4 位小数（如 0.9、0.955）", why.0),
                format!("`rate = {text}`: {}; write a decimal above 0 and at most 1, with at most 4 decimal places (e.g. 0.9, 0.955)", why.1),
            ),
        ));
        None
    };
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let whole = whole.strip_prefix('+').unwrap_or(whole);
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return bad(diags, ("不是普通的小数", "not a plain decimal"));
    }
    if frac.len() > 4 {
        return bad(diags, ("超过 4 位小数", "more than 4 decimal places"));
    }
    let w: u64 = match whole.parse() {
        Ok(w) if w <= 1 => w,
        _ => return bad(diags, ("大于 1", "more than 1")),
    };
    let f: u64 = format!("{frac:0<4}").parse().unwrap_or(0);
    let scaled = w * 10_000 + f;
    if scaled == 0 {
        return bad(diags, ("不大于 0", "not above 0"));
    }
    if scaled > 10_000 {
        return bad(diags, ("大于 1", "more than 1"));
    }
    Some(scaled as u32)
}

/// `min`/`max` amounts: > 0 for `min` of deadline/coverage; whole numbers when counting classes.
pub fn amount(
    k: &mut Keys<'_, '_>,
    key: &str,
    measure: Measure,
    allow_zero: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<(f64, Range<usize>)> {
    let v = k.take(key)?;
    let n = number(v, &format!("`{key}`"), diags)?;
    if n < 0.0 || (!allow_zero && n == 0.0) {
        diags.push(Diagnostic::new(
            v.span(),
            if allow_zero {
                say(
                    format!("`{key}` 不能小于 0"),
                    format!("`{key}` must be 0 or more"),
                )
            } else {
                say(
                    format!("`{key}` 必须大于 0"),
                    format!("`{key}` must be more than 0"),
                )
            },
        ));
        return None;
    }
    if measure == Measure::Classes && n.fract() != 0.0 {
        diags.push(Diagnostic::new(
            v.span(),
            say(
                format!("`{key}` 数的是期数，必须是整数"),
                format!("`{key}` counts classes, so it must be a whole number"),
            ),
        ));
        return None;
    }
    Some((n, v.span()))
}
