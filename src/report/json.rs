//! `--format json`: the stable contract of SPEC §4, pretty-printed, deterministic.

use super::Report;

/// The report as JSON text, ending in a newline.
pub fn render(report: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
