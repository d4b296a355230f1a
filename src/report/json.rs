//! `--format json`: the stable contract of SPEC §4, pretty-printed, deterministic.

use super::stream::Findings;
use super::{FindingEntry, Report};

/// The report as JSON text, ending in a newline.
pub fn render(report: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Writes the report as JSON text, exactly as [`render`] would with `findings` in it:
/// the report's other keys around them, the findings made and printed a share at a
/// time as they are written.
pub fn write_streamed(
    report: &Report,
    findings: &Findings<'_>,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let rest = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
    if findings.is_empty() {
        w.write_all(rest.as_bytes())?;
        return w.write_all(b"\n");
    }
    let key = "\n  \"findings\": []";
    let Some(at) = rest.find(key) else {
        return Err(std::io::Error::other("report without findings"));
    };
    w.write_all(&rest.as_bytes()[..at])?;
    w.write_all(b"\n  \"findings\": [\n")?;
    let print = |i: usize, f: &FindingEntry, out: &mut Vec<u8>| {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        print_one(f, out);
    };
    findings.write(0..findings.len(), &print, w)?;
    w.write_all(b"\n  ]")?;
    w.write_all(&rest.as_bytes()[at + key.len()..])?;
    w.write_all(b"\n")
}

/// One finding as it appears in the pretty report: four spaces in, no separator. A
/// finding is plain data (strings, numbers, maps with string keys): it always prints.
fn print_one(f: &FindingEntry, out: &mut Vec<u8>) {
    let mut text = Vec::with_capacity(512);
    if let Err(e) = serde_json::to_writer_pretty(&mut text, f) {
        text = format!("{{\"error\": \"{e}\"}}").into_bytes();
    }
    for (j, line) in text.split(|&b| b == b'\n').enumerate() {
        if j > 0 {
            out.push(b'\n');
        }
        out.extend_from_slice(b"    ");
        out.extend_from_slice(line);
    }
}
