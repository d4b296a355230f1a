//! `--mask-ids` (SPEC §8 "Privacy and text"): cadres' ids and names masked in every
//! format, and baselines matching across masked and unmasked runs.

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;

use crate::util::{fixture, peixun};

const AS_OF: &str = "2021-03-01";

/// The demo's cadre ids and names (roster and attendance), read from its files.
fn people() -> (Vec<String>, Vec<String>) {
    let mut ids = Vec::new();
    let mut names = Vec::new();
    for (file, id_col, name_col) in [("cadres.csv", 0, 1), ("attendance.csv", 1, 2)] {
        let text = std::fs::read_to_string(fixture("demo").join(file)).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        let mut r = csv::Reader::from_reader(text.as_bytes());
        for rec in r.records() {
            let rec = rec.unwrap();
            let id = rec[id_col].trim();
            if id.len() == 18 {
                ids.push(id.to_owned());
            }
            let name = rec[name_col].trim();
            if !name.is_empty() {
                names.push(name.to_owned());
            }
        }
    }
    ids.sort();
    ids.dedup();
    names.sort();
    names.dedup();
    (ids, names)
}

/// Runs `check` on the demo; returns (exit code, stdout bytes).
fn check(extra: &[&str]) -> (i32, Vec<u8>) {
    let dir = fixture("demo");
    let mut args = vec!["check", dir.to_str().unwrap(), "--as-of", AS_OF];
    args.extend(extra);
    let out = peixun().args(&args).output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), out.stdout)
}

/// Every cell of every sheet of a workbook, as text.
fn workbook_text(path: &Path) -> String {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let mut out = String::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for cell in row {
                if let Data::String(s) = cell {
                    out.push_str(s);
                }
                out.push('\t');
            }
            out.push('\n');
        }
    }
    out
}

/// The demo report in `format`, masked, as text (a workbook's cells for xlsx).
fn masked(format: &str) -> String {
    if format == "xlsx" {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.xlsx");
        let (code, _) = check(&["--mask-ids", "-o", path.to_str().unwrap()]);
        assert_eq!(code, 1);
        return workbook_text(&path);
    }
    let (code, out) = check(&["--mask-ids", "--format", format]);
    assert_eq!(code, 1);
    let text = String::from_utf8(out).unwrap();
    // Markdown escapes the stars (they show as stars).
    if format == "markdown" {
        text.replace("\\*", "*")
    } else {
        text
    }
}

/// No id or name of the demo appears whole; their masked forms do.
fn assert_masked(format: &str, text: &str) {
    let (ids, names) = people();
    assert!(ids.len() > 40 && names.len() > 40);
    for id in &ids {
        assert!(!text.contains(id.as_str()), "{format}: id {id} shown whole");
    }
    for name in &names {
        assert!(
            !text.contains(name.as_str()),
            "{format}: name {name} shown whole"
        );
    }
    assert!(text.contains("510703********0058"), "{format}: a masked id");
    if format != "json" {
        // JSON has no names (SPEC §4); the other formats show each cadre's.
        assert!(text.contains("吕*远"), "{format}: a masked name");
        assert!(
            text.contains("陈*"),
            "{format}: a masked two-character name"
        );
    }
}

#[test]
fn every_format_masks_ids_and_names() {
    for format in ["table", "json", "csv", "markdown", "html", "xlsx", "junit"] {
        let text = masked(format);
        assert_masked(format, &text);
    }
}

#[test]
fn unmasked_reports_show_them() {
    let (_, out) = check(&["--format", "csv"]);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("510703197505010058"));
    assert!(text.contains("吕志远"));
    let (_, out) = check(&["--format", "json"]);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert!(v.get("masked").is_none(), "no `masked` key unmasked");
}

#[test]
fn json_says_masked_and_ids_end_with_a_hash() {
    let (_, out) = check(&["--format", "json", "--mask-ids"]);
    let v: Value = serde_json::from_slice(&out).unwrap();
    let (_, plain) = check(&["--format", "json"]);
    let plain: Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(v["masked"], true);
    let findings = v["findings"].as_array().unwrap();
    let before = plain["findings"].as_array().unwrap();
    // The same findings in the same order (sorted by the unmasked values).
    assert_eq!(findings.len(), before.len());
    let mut ids = std::collections::HashSet::new();
    for (f, p) in findings.iter().zip(before) {
        let id = f["id"].as_str().unwrap();
        let (head, hash) = id.rsplit_once('#').unwrap();
        assert_eq!(hash.len(), 8);
        assert!(
            hash.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        let subject = f["subject"].as_str().unwrap();
        let plain_subject = p["subject"].as_str().unwrap();
        match p["period"].as_i64() {
            Some(y) => assert_eq!(
                head,
                format!("{}:{subject}:{y}", f["rule"].as_str().unwrap())
            ),
            None => assert_eq!(head, format!("{}:{subject}", f["rule"].as_str().unwrap())),
        }
        if plain_subject.len() == 18 && plain_subject.starts_with("51") {
            // First 6 and last 4 of a 身份证号.
            assert_eq!(subject.len(), 18);
            assert_eq!(&subject[..6], &plain_subject[..6]);
            assert_eq!(&subject[6..14], "********");
            assert_eq!(&subject[14..], &plain_subject[14..]);
        } else {
            // A county: not a cadre, not masked.
            assert_eq!(subject, plain_subject);
        }
        assert!(ids.insert(id.to_owned()), "ids stay unique: {id}");
    }
    // Data errors: the roster's and the attendance's ids.
    let errors = v["data_errors"].as_array().unwrap();
    let values: Vec<&str> = errors.iter().filter_map(|e| e["value"].as_str()).collect();
    assert!(values.contains(&"510704********0073"), "{values:?}");
    assert!(values.contains(&"510781********0093"), "{values:?}");
    assert!(values.contains(&"*******E+17"), "{values:?}");
    assert!(
        values.contains(&"2019-13-01"),
        "a date is no id: {values:?}"
    );
}

/// A JSON report of the demo as of `as_of`, masked or not, saved in `dir`.
fn saved(dir: &Path, as_of: &str, mask: bool) -> std::path::PathBuf {
    let path = dir.join(format!("{as_of}-{mask}.json"));
    let demo = fixture("demo");
    let mut args = vec![
        "check",
        demo.to_str().unwrap(),
        "--as-of",
        as_of,
        "-o",
        path.to_str().unwrap(),
    ];
    if mask {
        args.push("--mask-ids");
    }
    let out = peixun().args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    path
}

/// The JSON report of a run against a baseline.
fn against(baseline: &Path, as_of: &str, mask: bool) -> Value {
    let demo = fixture("demo");
    let mut args = vec![
        "check",
        demo.to_str().unwrap(),
        "--as-of",
        as_of,
        "--format",
        "json",
        "--baseline",
        baseline.to_str().unwrap(),
    ];
    if mask {
        args.push("--mask-ids");
    }
    let out = peixun().args(&args).output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Each finding's change and previous status, and the summary's counts of changes.
fn changes(v: &Value) -> (Vec<(Value, Value)>, Vec<Value>) {
    let per = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["change"].clone(), f["previous_status"].clone()))
        .collect();
    let s = &v["summary"];
    let counts = ["new", "escalated", "eased", "unchanged", "resolved"]
        .iter()
        .map(|k| s[*k].clone())
        .collect();
    (per, counts)
}

#[test]
fn the_same_run_masked_or_not_is_unchanged_against_itself() {
    let dir = tempfile::tempdir().unwrap();
    for (base_masked, run_masked) in [(true, false), (false, true), (true, true)] {
        let base = saved(dir.path(), AS_OF, base_masked);
        let v = against(&base, AS_OF, run_masked);
        let n = v["findings"].as_array().unwrap().len() as u64;
        assert!(n > 50);
        let s = &v["summary"];
        assert_eq!(s["unchanged"], n, "{base_masked}/{run_masked}: {s}");
        assert_eq!(s["new"], 0, "{base_masked}/{run_masked}");
        assert_eq!(s["resolved"], 0, "{base_masked}/{run_masked}");
        for f in v["findings"].as_array().unwrap() {
            assert_eq!(f["change"], "unchanged", "{f}");
        }
    }
}

#[test]
fn baselines_match_across_masked_and_unmasked_runs() {
    // An earlier as-of date: some findings are new, some escalated, some gone.
    let dir = tempfile::tempdir().unwrap();
    let earlier = "2019-06-30";
    let plain = against(&saved(dir.path(), earlier, false), AS_OF, false);
    let want = changes(&plain);
    assert!(want.1[0].as_u64().unwrap() > 0, "some new: {:?}", want.1);
    assert!(
        want.1[4].as_u64().unwrap() > 0,
        "some resolved: {:?}",
        want.1
    );
    for (base_masked, run_masked) in [(true, false), (false, true), (true, true)] {
        let v = against(&saved(dir.path(), earlier, base_masked), AS_OF, run_masked);
        assert_eq!(
            changes(&v),
            want,
            "baseline masked {base_masked}, run masked {run_masked}"
        );
        // Gone findings are listed masked when either side is masked.
        let resolved = v["resolved"].as_array().unwrap();
        assert_eq!(resolved.len(), plain["resolved"].as_array().unwrap().len());
        if base_masked || run_masked {
            for r in resolved {
                assert!(r["id"].as_str().unwrap().contains('#'), "{r}");
                let subject = r["subject"].as_str().unwrap();
                assert!(
                    !(subject.len() == 18 && subject.bytes().all(|b| b.is_ascii_digit())),
                    "{r}"
                );
            }
        }
    }
}

#[test]
fn a_baseline_whose_masked_is_not_a_boolean_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("b.json");
    std::fs::write(&base, r#"{"masked": "yes", "findings": []}"#).unwrap();
    let demo = fixture("demo");
    let out = peixun()
        .args([
            "check",
            demo.to_str().unwrap(),
            "--as-of",
            AS_OF,
            "--baseline",
            base.to_str().unwrap(),
            "--lang",
            "en",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("masked should be a boolean"), "{err}");
}

#[test]
fn waiver_warnings_and_waived_findings_are_masked() {
    let dir = tempfile::tempdir().unwrap();
    let waivers = dir.path().join("waivers.csv");
    std::fs::write(
        &waivers,
        "rule,subject,period,reason,approved_by,expires_on\n\
         new-chair-training,510703197505010058,,已补训,市总组织部,\n\
         new-chair-training,510703196805010012,,无此问题,市总组织部,\n\
         new-chair-training,510704197205010014,,已过期,市总组织部,2020-01-01\n",
    )
    .unwrap();
    let (code, out) = check(&[
        "--format",
        "json",
        "--mask-ids",
        "--waivers",
        waivers.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let text = String::from_utf8(out).unwrap();
    for id in [
        "510703197505010058",
        "510703196805010012",
        "510704197205010014",
    ] {
        assert!(!text.contains(id), "{id} shown whole");
    }
    let v: Value = serde_json::from_str(&text).unwrap();
    let waived: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "waived")
        .collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["subject"], "510703********0058");
    let warnings = v["warnings"].as_array().unwrap();
    let subjects: Vec<&str> = warnings
        .iter()
        .map(|w| w["subject"].as_str().unwrap())
        .collect();
    assert!(subjects.contains(&"510703********0012"), "{subjects:?}");
    assert!(subjects.contains(&"510704********0014"), "{subjects:?}");
    for w in warnings {
        assert!(w["message"].as_str().unwrap().contains("********"), "{w}");
    }
}
