//! Waivers, baselines, `--fail-on` and `--due-within`: what a nightly job and an
//! auditor build on.

use std::collections::BTreeSet;
use std::fs;

use serde_json::Value;

use crate::util::{fixture, run};

fn check(dir: &str, as_of: &str, extra: &[&str]) -> (i32, Value, String) {
    let d = fixture(dir);
    let mut args = vec![
        "check",
        d.to_str().unwrap(),
        "--as-of",
        as_of,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args, None);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v, err)
}

fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().unwrap()
}

#[test]
fn waivers_cover_findings_and_report_what_did_not_apply() {
    // rotation-and-fees as of 2021-01-01: violations, no data errors.
    let (code, before, _) = check("rotation-and-fees", "2021-01-01", &[]);
    assert_eq!(code, 1);
    let errors: Vec<&Value> = findings(&before)
        .iter()
        .filter(|f| f["status"] == "violation" && f["severity"] == "error")
        .collect();
    assert!(errors.len() >= 2);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("waivers.csv");
    let mut csv = String::from("规则,对象,期间,理由,批准人,有效期至\n");
    for f in &errors {
        let period = f["period"]
            .as_i64()
            .map(|p| p.to_string())
            .unwrap_or_default();
        csv.push_str(&format!(
            "{},{},{period},已补训,经审办,2021-12-31\n",
            f["rule"].as_str().unwrap(),
            f["subject"].as_str().unwrap()
        ));
    }
    fs::write(&file, &csv).unwrap();
    let (code, after, _) = check(
        "rotation-and-fees",
        "2021-01-01",
        &["--waivers", file.to_str().unwrap()],
    );
    assert_eq!(code, 0, "every error violation is waived");
    assert_eq!(
        after["summary"]["waived"].as_u64(),
        Some(errors.len() as u64)
    );
    assert_eq!(
        after["summary"]["violation"].as_u64().unwrap() + errors.len() as u64,
        before["summary"]["violation"].as_u64().unwrap()
    );
    for f in findings(&after).iter().filter(|f| f["status"] == "waived") {
        assert_eq!(f["waiver"]["reason"], "已补训");
        assert_eq!(f["waiver"]["approved_by"], "经审办");
        assert_eq!(f["waiver"]["expires_on"], "2021-12-31");
    }
    for (b, a) in before["rules"]
        .as_array()
        .unwrap()
        .iter()
        .zip(after["rules"].as_array().unwrap())
    {
        assert_eq!(b["checked"], a["checked"]);
        let sum = ["met", "violation", "pending", "waived"]
            .iter()
            .map(|k| a[k].as_u64().unwrap())
            .sum::<u64>();
        assert_eq!(
            a["checked"].as_u64(),
            Some(sum),
            "checked = met + violation + pending + waived"
        );
    }

    // Expired on the day before the as-of date: does not apply and is listed. A waiver
    // for nothing is listed too. A malformed row is a data error.
    let first = errors[0];
    let period = first["period"]
        .as_i64()
        .map(|p| p.to_string())
        .unwrap_or_default();
    fs::write(
        &file,
        format!(
            "rule,subject,period,reason,approved_by,expires_on\n{},{},{period},旧豁免,经审办,2020-12-31\nfull-rotation,NOBODY,,无,经审办,\nno-such-rule,X,,无,经审办,\nfull-rotation,Y,二〇一九,无,经审办,\n",
            first["rule"].as_str().unwrap(),
            first["subject"].as_str().unwrap()
        ),
    )
    .unwrap();
    let (code, v, _) = check(
        "rotation-and-fees",
        "2021-01-01",
        &["--waivers", file.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    assert_eq!(v["summary"]["waived"], 0);
    let kinds: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["expired_waiver", "unused_waiver"]);
    let errs: Vec<(u64, &str)> = v["data_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(errs, [(4, "rule"), (5, "period")]);
    assert!(
        v["data_errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["file"] == "waivers.csv")
    );
}

#[test]
fn baseline_marks_new_and_resolved_findings() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("2019.json");
    let (_, old, _) = check("demo", "2019-06-30", &[]);
    fs::write(&base, serde_json::to_string(&old).unwrap()).unwrap();
    let (_, now, _) = check("demo", "2021-03-01", &[]);
    let (_, marked, _) = check(
        "demo",
        "2021-03-01",
        &["--baseline", base.to_str().unwrap()],
    );
    let ids = |v: &Value| -> BTreeSet<String> {
        findings(v)
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (old_ids, now_ids) = (ids(&old), ids(&now));
    // SPEC §8: statuses ordered waived < pending < violation.
    let rank = |s: &Value| {
        ["waived", "pending", "violation"]
            .iter()
            .position(|x| s == x)
    };
    let was: std::collections::HashMap<&str, &Value> = findings(&old)
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), &f["status"]))
        .collect();
    let mut escalated = 0;
    for f in findings(&marked) {
        let id = f["id"].as_str().unwrap();
        let want = match was.get(id) {
            None => "new",
            Some(s) if rank(s) < rank(&f["status"]) => "escalated",
            Some(s) if rank(s) > rank(&f["status"]) => "eased",
            Some(_) => "unchanged",
        };
        escalated += usize::from(want == "escalated");
        assert_eq!(f["change"], want, "{id}");
    }
    // 陈国平 was pending in mid-2019 (due 2019-11-19) and never trained: a violation now.
    let chen = findings(&marked)
        .iter()
        .find(|f| f["id"] == "new-chair-training:510726197912010030")
        .unwrap();
    assert_eq!(chen["change"], "escalated");
    assert_eq!(chen["previous_status"], "pending");
    assert!(escalated > 1, "{escalated}");
    assert_eq!(
        marked["summary"]["escalated"].as_u64(),
        Some(escalated as u64)
    );
    let resolved: BTreeSet<String> = marked["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(resolved, old_ids.difference(&now_ids).cloned().collect());
    assert_eq!(
        marked["summary"]["new"].as_u64(),
        Some(now_ids.difference(&old_ids).count() as u64)
    );
    assert_eq!(
        marked["summary"]["resolved"].as_u64(),
        Some(resolved.len() as u64)
    );
    assert!(!resolved.is_empty() && marked["summary"]["new"].as_u64() > Some(0));
}

#[test]
fn fail_on_chooses_what_fails() {
    for (dir, as_of) in [
        ("second-plan", "2024-03-01"),
        ("quota-boundaries", "2020-09-18"),
        ("rotation-and-fees", "2020-06-30"),
    ] {
        let rules = fixture(dir).join("rules.toml");
        let mut extra = vec![];
        if rules.exists() {
            extra.extend(["--rules", rules.to_str().unwrap()]);
        }
        let (_, v, _) = check(dir, as_of, &extra);
        let fs = findings(&v);
        let data_errors = !v["data_errors"].as_array().unwrap().is_empty();
        let any = |p: &dyn Fn(&Value) -> bool| i32::from(data_errors || fs.iter().any(p));
        let cases: [(&str, i32); 4] = [
            (
                "error",
                any(&|f| f["status"] == "violation" && f["severity"] == "error"),
            ),
            ("warning", any(&|f| f["status"] == "violation")),
            (
                "pending",
                any(&|f| f["status"] == "violation" || f["status"] == "pending"),
            ),
            ("none", i32::from(data_errors)),
        ];
        for (fail_on, want) in cases {
            let mut args = extra.clone();
            args.extend(["--fail-on", fail_on]);
            let (code, _, _) = check(dir, as_of, &args);
            assert_eq!(code, want, "{dir} {as_of} --fail-on {fail_on}");
        }
    }
}

#[test]
fn due_within_marks_pending_findings_due_soon() {
    let (_, v, _) = check("demo", "2021-03-01", &["--due-within", "30d"]);
    let soon: Vec<&str> = findings(&v)
        .iter()
        .filter(|f| f["due_soon"] == true)
        .map(|f| f["due"].as_str().unwrap())
        .collect();
    let pending_due: Vec<&str> = findings(&v)
        .iter()
        .filter(|f| f["status"] == "pending")
        .map(|f| f["due"].as_str().unwrap())
        .collect();
    assert!(
        pending_due.contains(&"2021-10-26"),
        "a pending finding due later: {pending_due:?}"
    );
    assert_eq!(
        soon,
        ["2021-03-01"],
        "only the pending finding due within 30 days"
    );
    // The terminal report lists it first.
    let (_, text, _) = run(
        &[
            "check",
            fixture("demo").to_str().unwrap(),
            "--as-of",
            "2021-03-01",
            "--due-within",
            "30d",
        ],
        None,
    );
    let first_row = text
        .lines()
        .find(|l| l.contains("2021-03-01") && l.contains("待办"))
        .unwrap_or("");
    let later_row = text.lines().position(|l| l.contains("2021-10-26")).unwrap();
    assert!(
        text.lines().position(|l| l == first_row).unwrap() < later_row,
        "{text}"
    );
    let (code, _, err) = run(
        &[
            "check",
            fixture("demo").to_str().unwrap(),
            "--due-within",
            "soon",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("soon"), "{err}");
}

#[test]
fn color_only_when_asked_or_on_a_terminal() {
    let demo = fixture("demo");
    let d = demo.to_str().unwrap();
    let (_, always, _) = run(
        &["check", d, "--as-of", "2021-03-01", "--color", "always"],
        None,
    );
    assert!(always.contains("\u{1b}["), "--color always paints statuses");
    let (_, piped, _) = run(&["check", d, "--as-of", "2021-03-01"], None);
    assert!(!piped.contains('\u{1b}'), "auto: a pipe gets no colour");
    let (_, never, _) = run(
        &["check", d, "--as-of", "2021-03-01", "--color", "never"],
        None,
    );
    assert!(!never.contains('\u{1b}'));
    let (_, json, _) = run(
        &[
            "check",
            d,
            "--as-of",
            "2021-03-01",
            "--color",
            "always",
            "--format",
            "json",
        ],
        None,
    );
    assert!(!json.contains('\u{1b}'), "JSON is never painted");
}

#[test]
fn validate_refuses_report_formats() {
    let (code, out, err) = run(
        &[
            "validate",
            fixture("demo").to_str().unwrap(),
            "--format",
            "html",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("table") && err.contains("json"), "{err}");
    // An -o extension that names no format, or a report format, is refused before
    // any work and writes nothing; `.json` and `.txt` decide as for check.
    let dir = tempfile::tempdir().unwrap();
    let demo = fixture("demo");
    for (name, expected) in [("v.pdf", 2), ("v.html", 2), ("v.json", 1), ("v.txt", 1)] {
        let path = dir.path().join(name);
        let (code, out, err) = run(
            &[
                "validate",
                demo.to_str().unwrap(),
                "-o",
                path.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(code, expected, "{name}: {out}{err}");
        assert_eq!(path.exists(), expected == 1, "{name}");
    }
    let json = fs::read_to_string(dir.path().join("v.json")).unwrap();
    assert!(json.starts_with('{'), "{json}");
}

#[cfg(unix)]
#[test]
fn reports_are_readable_files_and_keep_a_replaced_file_s_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.csv");
    let d = fixture("demo");
    let args = [
        "check",
        d.to_str().unwrap(),
        "--as-of",
        "2021-03-01",
        "-o",
        out.to_str().unwrap(),
    ];
    run(&args, None);
    assert_eq!(
        fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o644
    );
    fs::set_permissions(&out, fs::Permissions::from_mode(0o640)).unwrap();
    run(&args, None);
    assert_eq!(
        fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert!(
        fs::read(&out).unwrap().starts_with(b"\xEF\xBB\xBF"),
        "the .csv extension chose CSV"
    );
}

/// Waivers can be a workbook too, with the date as a date cell.
#[test]
fn waivers_from_a_workbook() {
    let (_, before, _) = check("rotation-and-fees", "2021-01-01", &[]);
    let f = findings(&before)
        .iter()
        .find(|f| f["status"] == "violation")
        .unwrap()
        .clone();
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("豁免.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("豁免").unwrap();
    for (c, h) in ["规则", "对象", "期间", "理由", "批准人", "有效期至"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, f["rule"].as_str().unwrap()).unwrap();
    ws.write_string(1, 1, f["subject"].as_str().unwrap())
        .unwrap();
    if let Some(p) = f["period"].as_i64() {
        ws.write_number(1, 2, p as f64).unwrap();
    }
    ws.write_string(1, 3, "病假，已安排补训").unwrap();
    ws.write_string(1, 4, "市总组织部").unwrap();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    ws.write_datetime_with_format(
        1,
        5,
        rust_xlsxwriter::ExcelDateTime::from_ymd(2021, 6, 30).unwrap(),
        &date,
    )
    .unwrap();
    wb.save(&book).unwrap();
    let (_, after, _) = check(
        "rotation-and-fees",
        "2021-01-01",
        &["--waivers", book.to_str().unwrap()],
    );
    let w = findings(&after)
        .iter()
        .find(|g| g["id"] == f["id"])
        .unwrap();
    assert_eq!(w["status"], "waived");
    assert_eq!(w["waiver"]["expires_on"], "2021-06-30");
    assert_eq!(w["waiver"]["approved_by"], "市总组织部");
    assert!(after.get("warnings").is_none(), "{after}");
}

#[test]
fn baseline_notes_status_changes_and_refuses_another_rule_set() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.json");
    let (_, old, _) = check("demo", "2019-06-30", &[]);
    fs::write(&base, serde_json::to_string(&old).unwrap()).unwrap();
    let (_, now, _) = check(
        "demo",
        "2021-03-01",
        &["--baseline", base.to_str().unwrap()],
    );
    let was: std::collections::HashMap<&str, &str> = findings(&old)
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f["status"].as_str().unwrap()))
        .collect();
    let mut changed = 0;
    for f in findings(&now) {
        match was.get(f["id"].as_str().unwrap()) {
            Some(&s) if s != f["status"] => {
                assert_eq!(f["previous_status"], s);
                changed += 1;
            }
            _ => assert!(f.get("previous_status").is_none(), "{f}"),
        }
    }
    assert!(
        changed > 0,
        "some pending findings of 2019 are violations by 2021"
    );

    let mut other = old.clone();
    other["rule_set"] = "another-plan".into();
    fs::write(&base, serde_json::to_string(&other).unwrap()).unwrap();
    let d = fixture("demo");
    let (code, out, err) = run(
        &[
            "check",
            d.to_str().unwrap(),
            "--as-of",
            "2021-03-01",
            "--baseline",
            base.to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("another-plan"), "{err}");
}

#[test]
fn output_names_are_checked_before_the_work() {
    let d = fixture("demo");
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("r.pdf");
    let (code, _, err) = run(
        &["check", d.to_str().unwrap(), "-o", pdf.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains(".pdf") && err.contains("--format"), "{err}");
    assert!(!pdf.exists());
    let (code, _, err) = run(
        &[
            "check",
            d.to_str().unwrap(),
            "-o",
            dir.path().to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 2, "{err}");
    let missing = dir.path().join("no/such/r.json");
    let (code, _, err) = run(
        &[
            "check",
            d.to_str().unwrap(),
            "-o",
            missing.to_str().unwrap(),
            "--lang",
            "en",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("does not exist"), "{err}");
    // No extension: the table, as documented.
    let plain = dir.path().join("report");
    let (code, _, _) = run(
        &[
            "check",
            d.to_str().unwrap(),
            "--as-of",
            "2021-03-01",
            "-o",
            plain.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        fs::read_to_string(&plain)
            .unwrap()
            .contains("new-chair-training")
    );
}

/// SPEC §8: a roster with no rows stops the run (exit 2), so a nightly job fed a
/// broken export goes red; nothing on stdout, whatever the format.
#[test]
fn an_empty_roster_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    run(&["init", dir.path().join("t").to_str().unwrap()], None);
    let (code, out, err) = run(
        &[
            "check",
            dir.path().join("t").to_str().unwrap(),
            "--as-of",
            "2019-06-30",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("干部名册.csv") && err.contains("没有数据行"),
        "{err}"
    );
}

#[test]
fn the_same_check_writes_the_same_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let d = fixture("demo");
    let (a, b) = (dir.path().join("a.xlsx"), dir.path().join("b.xlsx"));
    for p in [&a, &b] {
        run(
            &[
                "check",
                d.to_str().unwrap(),
                "--as-of",
                "2021-03-01",
                "-o",
                p.to_str().unwrap(),
            ],
            None,
        );
    }
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
}
