//! Baselines (`--baseline previous.json`): an earlier JSON report. Each finding is
//! marked `new` or `unchanged` by its stable id, and the baseline's findings that are
//! gone are listed as `resolved`.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::report::{Report, ResolvedEntry, finding_id};

/// Marks the report's findings against the baseline report at `path`.
pub fn apply(report: &mut Report, path: &Path) -> Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read baseline `{}`", path.display()))?;
    let v: Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "baseline `{}` is not a JSON report of peixun",
            path.display()
        )
    })?;
    if let Some(base_set) = v.get("rule_set").and_then(Value::as_str)
        && base_set != report.rule_set
    {
        bail!(crate::i18n::say(
            format!(
                "基线 `{}` 是规则集 {base_set} 的报告，本次检查用的是 {}：两者的检查结果不可比较",
                path.display(),
                report.rule_set
            ),
            format!(
                "baseline `{}` is a report of rule set {base_set}, this check uses {}: their findings do not compare",
                path.display(),
                report.rule_set
            )
        ));
    }
    let Some(findings) = v.get("findings").and_then(Value::as_array) else {
        bail!(
            "baseline `{}` has no `findings`: give a report written by `peixun check --format json`",
            path.display()
        );
    };
    let mut before: Vec<ResolvedEntry> = Vec::with_capacity(findings.len());
    for f in findings {
        let rule = f
            .get("rule")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let subject = f
            .get("subject")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let period = f.get("period").and_then(Value::as_i64).map(|p| p as i32);
        let id = f
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| finding_id(&rule, &subject, period), str::to_owned);
        let status = f
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        before.push(ResolvedEntry {
            id,
            rule,
            subject,
            period,
            status,
        });
    }
    let known: std::collections::HashMap<&str, &str> = before
        .iter()
        .map(|b| (b.id.as_str(), b.status.as_str()))
        .collect();
    for f in &mut report.findings {
        match known.get(f.id.as_str()) {
            Some(status) => {
                f.change = Some("unchanged");
                if *status != f.status.as_str() {
                    f.previous_status = Some((*status).to_owned());
                }
            }
            None => f.change = Some("new"),
        }
    }
    drop(known);
    let now: std::collections::HashSet<String> =
        report.findings.iter().map(|f| f.id.clone()).collect();
    let resolved = before
        .into_iter()
        .filter(|b| !now.contains(&b.id))
        .collect();
    report.resolved = Some(resolved);
    report.recount();
    Ok(())
}
