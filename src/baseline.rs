//! Baselines (`--baseline previous.json`): an earlier JSON report. Each finding is
//! compared by its stable id with the baseline's (SPEC §8): `new`, `escalated` (worse:
//! waived < pending < violation), `eased` (better) or `unchanged`; the baseline's
//! findings that are gone are listed as `resolved`. The baseline is checked entry by
//! entry: one of the wrong type stops the run (exit 2) naming its position.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Result, bail};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::eval::Evaluation;
use crate::i18n::say;
use crate::model::Dataset;
use crate::report::mask::People;
use crate::report::overlay::{Baseline, Overlay};
use crate::report::{Change, Report, ResolvedEntry, finding_id};
use crate::view::Status;

/// Compares the evaluation's findings (with `overlay`'s waivers) with the baseline
/// report at `path`: returns the baseline to put on each finding as it is made, and puts
/// into the report (framed, its findings not made) the counts of new, escalated, eased
/// and unchanged findings and the baseline's findings that are gone. A masked baseline
/// (`--mask-ids`, SPEC §8) is compared by the masked ids of this run's findings (which
/// the data's roster gives); an unmasked one by the ids themselves. One pass over the
/// findings, without making their entries.
pub fn apply<'d>(
    report: &mut Report,
    path: &Path,
    ev: &Evaluation,
    data: &'d Dataset,
    overlay: &Overlay<'_>,
) -> Result<Baseline<'d>> {
    let (before, masked) = read(path, &report.rule_set)?;
    let mut baseline = Baseline {
        known: before
            .iter()
            .map(|(b, s)| (b.id.clone(), (*s, false)))
            .collect(),
        people: masked.then(|| People::new(data)),
    };
    let mut counts: HashMap<Change, u64> = HashMap::new();
    for (i, f) in ev.findings.iter().enumerate() {
        let id = baseline.id_of(&report.rules[f.rule].id, f);
        let (change, _) = baseline.compare(&id, overlay.status(i, f));
        *counts.entry(change).or_default() += 1;
        if let Some((_, seen)) = baseline.known.get_mut(&id) {
            *seen = true;
        }
    }
    let resolved: Vec<ResolvedEntry> = before
        .into_iter()
        .map(|(b, _)| b)
        .filter(|b| !baseline.known.get(&b.id).is_some_and(|&(_, seen)| seen))
        .collect();
    let count = |c: Change| Some(counts.get(&c).copied().unwrap_or(0));
    report.summary.new = count(Change::New);
    report.summary.escalated = count(Change::Escalated);
    report.summary.eased = count(Change::Eased);
    report.summary.unchanged = count(Change::Unchanged);
    report.summary.resolved = Some(resolved.len() as u64);
    report.resolved = Some(resolved);
    Ok(baseline)
}

/// The baseline's findings, each checked, with their statuses; and whether the baseline
/// is masked (`"masked": true`).
fn read(path: &Path, rule_set: &str) -> Result<(Vec<(ResolvedEntry, Status)>, bool)> {
    let name = path.display();
    let bytes = std::fs::read(path).map_err(|e| {
        anyhow::anyhow!(say(
            format!("无法读取基线 `{name}`：{}", crate::i18n::io_reason(&e)),
            format!(
                "cannot read baseline `{name}`: {}",
                crate::i18n::io_reason(&e)
            )
        ))
    })?;
    // Saved by Notepad or Excel, a report may start with a byte-order mark.
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        bail!(say(
            format!(
                "基线 `{name}` 不是 UTF-8 文本：请给出 `peixun check --format json` 写出的报告"
            ),
            format!(
                "baseline `{name}` is not UTF-8 text: give a report written by `peixun check --format json`"
            )
        ));
    };
    // The top level's values as text: a baseline of many findings is never parsed into
    // a tree whole, each finding is read, checked and dropped in turn. When it is not an
    // object, or not JSON, the whole text is parsed again to say why.
    let top: BTreeMap<String, &RawValue> = match serde_json::from_str(text) {
        Ok(top) => top,
        Err(_) => return Err(not_an_object(text, &name.to_string())),
    };
    // Text already checked as JSON; a number out of range is refused here, as parsing
    // the whole text would (where it is).
    let value = |raw: &RawValue| -> Result<Value> {
        serde_json::from_str(raw.get()).map_err(|_| not_an_object(text, &name.to_string()))
    };
    let wrong = |at: &str, want: (&str, &str), got: &Value| {
        anyhow::anyhow!(say(
            format!(
                "基线 `{name}` 中 {at} 应为{}，实为{}",
                want.0,
                type_word(got, true)
            ),
            format!(
                "baseline `{name}`: {at} should be {}, not {}",
                want.1,
                type_word(got, false)
            )
        ))
    };
    let missing = |at: &str| {
        anyhow::anyhow!(say(
            format!("基线 `{name}` 缺少 {at}：请给出 `peixun check --format json` 写出的报告"),
            format!(
                "baseline `{name}` has no {at}: give a report written by `peixun check --format json`"
            )
        ))
    };
    match top.get("rule_set").map(|r| value(r)).transpose()? {
        None | Some(Value::Null) => {}
        Some(Value::String(base_set)) if base_set != rule_set => bail!(say(
            format!(
                "基线 `{name}` 是规则集 {base_set} 的报告，本次检查用的是 {rule_set}：两者的检查结果不可比较"
            ),
            format!(
                "baseline `{name}` is a report of rule set {base_set}, this check uses {rule_set}: their findings do not compare"
            )
        )),
        Some(Value::String(_)) => {}
        Some(other) => return Err(wrong("rule_set", ("文本", "a string"), &other)),
    }
    let masked = match top.get("masked").map(|r| value(r)).transpose()? {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => b,
        Some(other) => return Err(wrong("masked", ("布尔值", "a boolean"), &other)),
    };
    let findings: Vec<&RawValue> = match top.get("findings") {
        Some(raw) => match serde_json::from_str(raw.get()) {
            Ok(list) => list,
            Err(_) => return Err(wrong("findings", ("数组", "an array"), &value(raw)?)),
        },
        None => return Err(missing("findings")),
    };
    let text_of = |f: &serde_json::Map<String, Value>, i: usize, key: &str| -> Result<String> {
        let at = format!("findings[{i}].{key}");
        let want = match key {
            "status" => (
                "文本（violation、pending 或 waived）",
                "a string (violation, pending or waived)",
            ),
            _ => ("文本", "a string"),
        };
        match f.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(wrong(&at, want, other)),
            None => Err(missing(&at)),
        }
    };
    let mut before = Vec::with_capacity(findings.len());
    for (i, raw) in findings.iter().enumerate() {
        let f = value(raw)?;
        let Some(f) = f.as_object() else {
            return Err(wrong(&format!("findings[{i}]"), ("对象", "an object"), &f));
        };
        let rule = text_of(f, i, "rule")?;
        let subject = text_of(f, i, "subject")?;
        let period = match f.get("period") {
            None | Some(Value::Null) => None,
            Some(p) => match p.as_i64().and_then(|n| i32::try_from(n).ok()) {
                Some(n) => Some(n),
                None => {
                    return Err(wrong(
                        &format!("findings[{i}].period"),
                        ("整数年份或 null", "a whole year or null"),
                        p,
                    ));
                }
            },
        };
        let status_text = text_of(f, i, "status")?;
        let Some(status) = Status::parse(&status_text) else {
            bail!(say(
                format!(
                    "基线 `{name}` 中 findings[{i}].status 为 `{status_text}`，不是状态（可用：violation、pending、waived）"
                ),
                format!(
                    "baseline `{name}`: findings[{i}].status is `{status_text}`, not a status (accepted: violation, pending, waived)"
                )
            ));
        };
        let id = match f.get("id") {
            None | Some(Value::Null) => finding_id(&rule, &subject, period),
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(wrong(
                    &format!("findings[{i}].id"),
                    ("文本", "a string"),
                    other,
                ));
            }
        };
        before.push((
            ResolvedEntry {
                id,
                rule,
                subject,
                period,
                status: status_text,
            },
            status,
        ));
    }
    Ok((before, masked))
}

/// Why a baseline's text is not a JSON object: not JSON (where), or another value.
fn not_an_object(text: &str, name: &str) -> anyhow::Error {
    match serde_json::from_str::<Value>(text) {
        Err(e) => anyhow::anyhow!(say(
            format!(
                "基线 `{name}` 不是 JSON 报告（第 {} 行第 {} 列：{}）",
                e.line(),
                e.column(),
                crate::i18n::json_reason(&e)
            ),
            format!(
                "baseline `{name}` is not a JSON report (line {}, column {}: {})",
                e.line(),
                e.column(),
                crate::i18n::json_reason(&e)
            )
        )),
        Ok(v) => anyhow::anyhow!(say(
            format!(
                "基线 `{name}` 应为 JSON 对象（`peixun check --format json` 写出的报告），实为{}",
                type_word(&v, true)
            ),
            format!(
                "baseline `{name}` should be a JSON object (a report written by `peixun check --format json`), not {}",
                type_word(&v, false)
            )
        )),
    }
}

/// A JSON value's type in words.
fn type_word(v: &Value, zh: bool) -> &'static str {
    match (v, zh) {
        (Value::Null, true) => "null",
        (Value::Bool(_), true) => "布尔值",
        (Value::Number(_), true) => "数字",
        (Value::String(_), true) => "文本",
        (Value::Array(_), true) => "数组",
        (Value::Object(_), true) => "对象",
        (Value::Null, false) => "null",
        (Value::Bool(_), false) => "a boolean",
        (Value::Number(_), false) => "a number",
        (Value::String(_), false) => "a string",
        (Value::Array(_), false) => "an array",
        (Value::Object(_), false) => "an object",
    }
}
