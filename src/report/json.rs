//! `--format json`: the stable contract of SPEC §4, pretty-printed, deterministic.

use super::Report;

/// The report as JSON text, ending in a newline.
pub fn render(report: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Writes the report as JSON text, ending in a newline, without building it in memory.
pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, report).map_err(std::io::Error::other)?;
    w.write_all(b"\n")
}
