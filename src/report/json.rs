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

/// Writes the report as JSON text, ending in a newline, exactly as [`render`] would.
///
/// Many findings are printed on every core, a share each, and put in their place in the
/// rest of the report: the whole text is never held at once.
pub fn write(report: &mut Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    const SHARE: usize = 4096;
    if report.findings.len() < 2 * SHARE {
        serde_json::to_writer_pretty(&mut *w, &*report).map_err(std::io::Error::other)?;
        return w.write_all(b"\n");
    }
    let findings = std::mem::take(&mut report.findings);
    let rest = serde_json::to_string_pretty(&*report);
    let printed = print_findings(&findings);
    report.findings = findings;
    let rest = rest.map_err(std::io::Error::other)?;
    // The findings sit at the top level, two spaces in: `"findings": []` there is the key
    // (inside strings a quote is escaped).
    let key = "\n  \"findings\": []";
    let Some(at) = rest.find(key) else {
        return Err(std::io::Error::other("report without findings"));
    };
    w.write_all(&rest.as_bytes()[..at])?;
    w.write_all(b"\n  \"findings\": [\n")?;
    for (i, part) in printed.iter().enumerate() {
        if i > 0 {
            w.write_all(b",\n")?;
        }
        w.write_all(
            part.as_ref()
                .map_err(|e| std::io::Error::other(e.to_string()))?,
        )?;
    }
    w.write_all(b"\n  ]")?;
    w.write_all(&rest.as_bytes()[at + key.len()..])?;
    w.write_all(b"\n")
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

/// Each share of findings as it appears in the pretty report: one per entry, four spaces
/// in, separated by `,\n`, no separator after the last.
fn print_findings(findings: &[FindingEntry]) -> Vec<serde_json::Result<Vec<u8>>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let share = findings.len().div_ceil(threads * 4).max(1);
    let print = |part: &[FindingEntry]| -> serde_json::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(part.len() * 512);
        for (i, f) in part.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(b",\n");
            }
            let text = serde_json::to_vec_pretty(f)?;
            for (j, line) in text.split(|&b| b == b'\n').enumerate() {
                if j > 0 {
                    out.push(b'\n');
                }
                out.extend_from_slice(b"    ");
                out.extend_from_slice(line);
            }
        }
        Ok(out)
    };
    let parts: Vec<&[FindingEntry]> = findings.chunks(share).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut printed: Vec<serde_json::Result<Vec<u8>>> =
        (0..parts.len()).map(|_| Ok(Vec::new())).collect();
    let done: Vec<(usize, serde_json::Result<Vec<u8>>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(part) = parts.get(i) else { break };
                        mine.push((i, print(part)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    for (i, text) in done {
        printed[i] = text;
    }
    printed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written in shares, the report reads exactly as printed whole.
    #[test]
    fn shares_print_like_the_whole() {
        let e = |i: usize| FindingEntry {
            rule: "r".into(),
            id: format!("r:{i}"),
            severity: crate::rules::Severity::Error,
            status: crate::view::Status::Violation,
            subject: format!("主体 \"{i}\"\n"),
            period: i.is_multiple_of(3).then_some(2019),
            due: "2020-12-31".into(),
            message: "消息".into(),
            evidence: super::super::EvidenceEntry::Coverage {
                required: super::super::Num(1.0),
                count: super::super::Num(0.5),
                classes: vec!["K1".into(); i % 2],
                near: Vec::new(),
                amounts: Vec::new(),
                no_hours: None,
            },
            waiver: None,
            change: None,
            previous_status: None,
            due_soon: i.is_multiple_of(5),
            who: None,
        };
        let mut report = Report {
            as_of: "2021-03-01".into(),
            rule_set: "t".into(),
            masked: false,
            summary: super::super::Summary {
                violation: 1,
                ..Default::default()
            },
            rules: Vec::new(),
            findings: (0..9000).map(e).collect(),
            data_errors: Vec::new(),
            notices: Vec::new(),
            warnings: Vec::new(),
            resolved: None,
            plan: super::super::PlanInfo::default(),
            details: Vec::new(),
        };
        let whole = render(&report);
        let mut written = Vec::new();
        write(&mut report, &mut written).unwrap();
        assert!(whole == String::from_utf8(written).unwrap());
        assert_eq!(report.findings.len(), 9000);
    }
}
