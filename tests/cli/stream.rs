//! Findings written as they are made (`report::stream`), on data generated here with
//! thousands of findings (several shares and windows of them), in every streamed format
//! (xlsx and HTML too), with `--mask-ids` and `--due-within`: a waivers file that covers
//! nothing changes no byte. (The same bytes as the report built whole and rendered:
//! `report::stream`'s own tests.)

use std::fs;
use std::path::Path;

use crate::util::{fixture, peixun};

/// GB 11643's check character of 17 digits.
fn check_char(digits: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = digits
        .bytes()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

/// The demo data plus `extra` cadres who never trained: full-time or part-time, in
/// office, in the demo's grassroots unions, some chairs appointed in the plan (pending
/// or late), so that most rules about cadres have thousands of findings.
pub(crate) fn many_findings(dir: &Path, extra: usize) {
    let demo = fixture("demo");
    for name in ["classes.csv", "attendance.csv", "units.csv"] {
        fs::copy(demo.join(name), dir.join(name)).unwrap();
    }
    let mut cadres = fs::read_to_string(demo.join("cadres.csv")).unwrap();
    let units = [
        ("四川长虹电器股份有限公司工会", "市直"),
        ("绵阳市第三人民医院工会", "市直"),
        ("四川九洲电器集团有限责任公司工会", "市直"),
    ];
    for i in 0..extra {
        let digits = format!("5107031990{:07}", i);
        let id = format!("{digits}{}", check_char(&digits));
        let (unit, county) = units[i % units.len()];
        let (post, appointed) = if i % 7 == 0 {
            ("工会主席", "2020/6/1")
        } else {
            ("委员", "2016/3/1")
        };
        let kind = if i % 2 == 0 { "专职" } else { "兼职" };
        cadres.push_str(&format!(
            "{id},测试{i},男,{unit},{county},基层,{post},{kind},{appointed},,\n"
        ));
    }
    fs::write(dir.join("cadres.csv"), cadres).unwrap();
    // A waivers file that covers nothing.
    fs::write(
        dir.join("none.csv"),
        "规则,对象,期间,理由,批准人,有效期至\n",
    )
    .unwrap();
}

/// stdout and the exit code of `check DIR --as-of 2020-11-01 ARGS…`.
fn output(dir: &Path, args: &[&str]) -> (Vec<u8>, Option<i32>) {
    let out = peixun()
        .arg("check")
        .arg(dir.join("data"))
        .args(["--as-of", "2020-11-01"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty() || out.status.code() != Some(2),
        "{out:?}"
    );
    (out.stdout, out.status.code())
}

#[test]
fn streamed_formats_match_the_whole_report() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    many_findings(&data, 9000);
    let none = data.join("none.csv");
    let none = none.to_str().unwrap();
    let (json, code) = output(tmp.path(), &["--format", "json"]);
    assert_eq!(code, Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let findings = report["findings"].as_array().unwrap().len();
    assert!(findings > 9000, "{findings} findings");
    for options in [
        &["--format", "json"][..],
        &["--format", "csv"],
        &["--format", "junit"],
        &["--format", "markdown"],
        &["--format", "json", "--mask-ids", "--due-within", "60d"],
        &["--format", "csv", "--mask-ids", "--lang", "en"],
        &[
            "--format",
            "markdown",
            "--due-within",
            "60d",
            "--lang",
            "en",
        ],
        &["--format", "junit", "--mask-ids", "--fail-on", "pending"],
        &["--format", "xlsx", "--mask-ids", "--due-within", "60d"],
        &["--format", "html"],
        &[
            "--format",
            "html",
            "--mask-ids",
            "--due-within",
            "60d",
            "--lang",
            "en",
        ],
    ] {
        let streamed = output(tmp.path(), options);
        let whole = output(tmp.path(), &[options, &["--waivers", none]].concat());
        assert_eq!(streamed.1, whole.1, "{options:?}: exit codes");
        assert!(
            streamed.0 == whole.0,
            "{options:?}: output differs with an empty waivers file ({} and {} bytes)",
            streamed.0.len(),
            whole.0.len()
        );
    }
}

/// A workbook's rule sheets keep their rows in temporary files: without a writable
/// temporary folder the check stops with a clear message, no panic, no report file.
#[test]
fn a_workbook_without_a_temporary_folder_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.xlsx");
    let run = peixun()
        .arg("check")
        .arg(fixture("demo"))
        .args(["--as-of", "2021-03-01", "--lang", "en", "-o"])
        .arg(&out)
        .env("TMPDIR", tmp.path().join("missing"))
        .output()
        .unwrap();
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("writing a workbook needs a writable temporary folder"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!out.exists());
}

/// Waivers and a baseline laid over thousands of findings (several shares): each
/// finding's status, waiver and change as worked out here from the plain report and
/// the baseline, the summary's counts, and the baseline findings that are gone.
#[test]
fn waivers_and_a_baseline_reach_every_share() {
    use std::collections::{HashMap, HashSet};
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    many_findings(&data, 9000);
    let json = |args: &[&str]| -> serde_json::Value {
        let (out, code) = output(tmp.path(), args);
        assert_eq!(code, Some(1));
        serde_json::from_slice(&out).unwrap()
    };
    let plain = json(&["--format", "json"]);
    let findings = plain["findings"].as_array().unwrap();
    assert!(findings.len() > 9000);
    // Every 997th finding waived, its subject in lower case (ids ending in X).
    let mut rows = "rule,subject,period,reason,approved_by,expires_on\n".to_owned();
    let mut waived: HashMap<String, String> = HashMap::new();
    for (n, f) in findings.iter().step_by(997).enumerate() {
        let period = f["period"]
            .as_i64()
            .map_or(String::new(), |p| p.to_string());
        let subject = f["subject"].as_str().unwrap().to_lowercase();
        rows.push_str(&format!(
            "{},{subject},{period},理由 {n},市总,\n",
            f["rule"].as_str().unwrap()
        ));
        waived.insert(f["id"].as_str().unwrap().to_owned(), format!("理由 {n}"));
    }
    let waivers = tmp.path().join("w.csv");
    fs::write(&waivers, rows).unwrap();
    // The baseline: the report of four months before.
    let before = peixun()
        .arg("check")
        .arg(&data)
        .args(["--as-of", "2020-07-01", "--format", "json"])
        .output()
        .unwrap()
        .stdout;
    let baseline = tmp.path().join("base.json");
    fs::write(&baseline, &before).unwrap();
    let before: serde_json::Value = serde_json::from_slice(&before).unwrap();
    let was: HashMap<&str, &str> = before["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f["status"].as_str().unwrap()))
        .collect();
    let laid = json(&[
        "--format",
        "json",
        "--waivers",
        waivers.to_str().unwrap(),
        "--baseline",
        baseline.to_str().unwrap(),
    ]);
    let now = laid["findings"].as_array().unwrap();
    assert_eq!(now.len(), findings.len());
    let rank = |s: &str| {
        ["waived", "pending", "violation"]
            .iter()
            .position(|&x| x == s)
    };
    let mut changes: HashMap<&str, u64> = HashMap::new();
    for (f, p) in now.iter().zip(findings) {
        let id = f["id"].as_str().unwrap();
        assert_eq!(id, p["id"].as_str().unwrap());
        let status = f["status"].as_str().unwrap();
        match waived.get(id) {
            Some(reason) => {
                assert_eq!(status, "waived", "{id}");
                assert_eq!(f["waiver"]["reason"], reason.as_str(), "{id}");
            }
            None => {
                assert_eq!(status, p["status"].as_str().unwrap(), "{id}");
                assert!(f.get("waiver").is_none(), "{id}");
            }
        }
        let change = match was.get(id) {
            None => "new",
            Some(&w) if rank(status) > rank(w) => "escalated",
            Some(&w) if rank(status) < rank(w) => "eased",
            Some(_) => "unchanged",
        };
        assert_eq!(f["change"], change, "{id}");
        let previous = was.get(id).filter(|&&w| w != status).copied();
        assert_eq!(f["previous_status"].as_str(), previous, "{id}");
        *changes.entry(change).or_default() += 1;
    }
    let summary = &laid["summary"];
    for change in ["new", "escalated", "eased", "unchanged"] {
        assert_eq!(
            summary[change].as_u64(),
            Some(changes.get(change).copied().unwrap_or(0)),
            "{change}"
        );
    }
    assert!(changes.len() >= 3, "{changes:?}");
    assert_eq!(summary["waived"].as_u64(), Some(waived.len() as u64));
    let ids: HashSet<&str> = now.iter().map(|f| f["id"].as_str().unwrap()).collect();
    let gone: Vec<&str> = was
        .keys()
        .filter(|id| !ids.contains(*id))
        .copied()
        .collect();
    assert_eq!(summary["resolved"].as_u64(), Some(gone.len() as u64));
    assert_eq!(laid["resolved"].as_array().unwrap().len(), gone.len());
}
