//! SPEC §8 "Baselines and counts": how each finding compares with a baseline (`new`,
//! `escalated`, `eased`, `unchanged`, and the `resolved` ones), baselines saved with a
//! BOM or holding entries of the wrong type, and totals split by severity. Near misses
//! are in `near.rs`.

use std::fs;
use std::path::Path;

use serde_json::{Value, json};

use crate::util::{check_json as check, finding, fixture, run, tables};

/// Six chairs of the embedded rule set (`new-chair-training`: a qualifying class within
/// a year of appointment), checked on 2020-03-01 (the baseline) and 2020-07-01:
/// - C1, appointed 2019-06-01, due 2020-06-01, never trained: pending, then violation;
/// - C2, due 2019-03-01: a violation both times;
/// - C3, due 2019-04-01: a violation, waived in the second run;
/// - C4, due 2019-05-01: waived in the baseline by a waiver that expires on 2020-05-01,
///   so a violation again in the second run;
/// - C5, appointed 2020-05-01, after the baseline: new, pending;
/// - C6, due 2020-05-01, trained at K1 on 2020-04-15 (after the baseline's as-of date):
///   pending in the baseline, met since.
///
/// No `kind` and no `county`, so `full-rotation` and `county-annual-class` check nobody;
/// `city-topic-classes` (warning) finds no 专题培训 in 2018, 2019 or 2020.
fn chairs(dir: &Path) {
    tables(
        dir,
        "id,name,post,unit_level,appointed_on\n\
         C1,甲,工会主席,基层,2019-06-01\n\
         C2,乙,工会主席,基层,2018-03-01\n\
         C3,丙,工会主席,基层,2018-04-01\n\
         C4,丁,工会主席,基层,2018-05-01\n\
         C5,戊,工会主席,基层,2020-05-01\n\
         C6,己,工会主席,基层,2019-05-01\n",
        "id,organizer_level,category,start_on\nK1,市,业务培训,2020-04-15\n",
        "cadre_id,class_id,completed\nC6,K1,是\n",
    );
}

fn waivers(path: &Path, rows: &[&str]) {
    let mut text = String::from("规则,对象,期间,理由,批准人,有效期至\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    fs::write(path, text).unwrap();
}

/// The baseline of [`chairs`]: the 2020-03-01 report, C4 waived until 2020-05-01.
fn chairs_baseline(dir: &Path) -> Value {
    let w = dir.join("waivers-2020-03.csv");
    waivers(&w, &["new-chair-training,C4,,待补训,市总组织部,2020-05-01"]);
    let (_, base, _) = check(dir, "2020-03-01", &["--waivers", w.to_str().unwrap()]);
    assert_eq!(finding(&base, "new-chair-training:C4")["status"], "waived");
    base
}

#[test]
fn baseline_changes_are_new_escalated_eased_unchanged_or_resolved() {
    let dir = tempfile::tempdir().unwrap();
    chairs(dir.path());
    let base = chairs_baseline(dir.path());
    let base_path = dir.path().join("base.json");
    fs::write(&base_path, serde_json::to_string_pretty(&base).unwrap()).unwrap();
    let w = dir.path().join("waivers-2020-07.csv");
    waivers(
        &w,
        &[
            "new-chair-training,C3,,已补训,市总组织部,2021-12-31",
            "new-chair-training,C4,,待补训,市总组织部,2020-05-01",
        ],
    );
    let (code, now, err) = check(
        dir.path(),
        "2020-07-01",
        &[
            "--waivers",
            w.to_str().unwrap(),
            "--baseline",
            base_path.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{err}");
    let change = |id: &str| {
        let f = finding(&now, id);
        (
            f["status"].as_str().unwrap().to_owned(),
            f["change"].as_str().unwrap().to_owned(),
            f.get("previous_status").cloned(),
        )
    };
    let was = |s: &str| Some(Value::from(s));
    // Pending → violation across the deadline.
    assert_eq!(
        change("new-chair-training:C1"),
        ("violation".into(), "escalated".into(), was("pending"))
    );
    assert_eq!(
        change("new-chair-training:C2"),
        ("violation".into(), "unchanged".into(), None)
    );
    // Violation → waived.
    assert_eq!(
        change("new-chair-training:C3"),
        ("waived".into(), "eased".into(), was("violation"))
    );
    // The waiver expired: waived → violation.
    assert_eq!(
        change("new-chair-training:C4"),
        ("violation".into(), "escalated".into(), was("waived"))
    );
    assert_eq!(
        change("new-chair-training:C5"),
        ("pending".into(), "new".into(), None)
    );
    for year in [2018, 2019] {
        assert_eq!(
            change(&format!("city-topic-classes:绵阳市总工会:{year}")),
            ("violation".into(), "unchanged".into(), None)
        );
    }
    assert_eq!(
        change("city-topic-classes:绵阳市总工会:2020"),
        ("pending".into(), "unchanged".into(), None)
    );
    assert_eq!(
        now["resolved"],
        json!([{ "id": "new-chair-training:C6", "rule": "new-chair-training",
                 "subject": "C6", "period": null, "status": "pending" }])
    );
    let s = &now["summary"];
    let counts: Vec<u64> = ["new", "escalated", "eased", "unchanged", "resolved"]
        .iter()
        .map(|k| s[k].as_u64().unwrap_or_else(|| panic!("summary.{k}: {s}")))
        .collect();
    assert_eq!(counts, [1, 2, 1, 4, 1]);

    // Every human format shows escalated as it shows new.
    let text = |format: &str, lang: &str| {
        let (_, out, err) = run(
            &[
                "check",
                dir.path().to_str().unwrap(),
                "--as-of",
                "2020-07-01",
                "--waivers",
                w.to_str().unwrap(),
                "--baseline",
                base_path.to_str().unwrap(),
                "--format",
                format,
                "--lang",
                lang,
            ],
            None,
        );
        assert!(!out.is_empty(), "{format}: {err}");
        out
    };
    let table = text("table", "zh");
    assert!(
        table.contains("与基线相比：新增 1，加重 2，减轻 1，未变 4，已消除 1"),
        "{table}"
    );
    assert!(
        table.contains("加重") && table.contains("原为待办"),
        "{table}"
    );
    assert!(table.contains("已消除：基线中有、本次没有（1）"), "{table}");
    let en = text("table", "en");
    assert!(
        en.contains("against the baseline: 1 new, 2 escalated, 1 eased, 4 unchanged, 1 gone"),
        "{en}"
    );
    let md = text("markdown", "zh");
    assert!(
        md.contains("**新增**") && md.contains("**加重（原为待办）**"),
        "{md}"
    );
    assert!(md.contains("**加重（原为豁免）**"), "{md}");
    assert!(md.contains("减轻（原为违规）"), "{md}");
    let html = text("html", "zh");
    assert!(html.contains("<span class=\"badge s-violation\">加重（原为待办）</span>"));
    assert!(html.contains("<span class=\"badge s-violation\">新增</span>"));
    assert!(html.contains("<div class=\"count escalated\"><b>2</b><span>加重</span></div>"));
    // The per-county counts of new-chair-training: 6 checked, C6 met, C5 pending, C1,
    // C2 and C4 not met, C3 waived.
    assert!(html.contains("<tr class=\"total\"><td>合计</td><td></td><td class=\"num\">6</td><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">3</td><td class=\"num\">1</td>"), "{html}");
    let csv = text("csv", "zh");
    assert!(csv.contains(",加重（原为待办）\r\n"), "{csv}");
    assert!(csv.contains(",新增\r\n"), "{csv}");
    let junit = text("junit", "zh");
    assert!(junit.contains("message=\"加重："), "{junit}");
    assert!(junit.contains("message=\"待办: 新增："), "{junit}");
    assert!(junit.contains("变化：加重（原为豁免）"), "{junit}");

    // xlsx: the summary counts each change; rule sheets name it.
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let book = dir.path().join("report.xlsx");
    let (_, _, err) = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--as-of",
            "2020-07-01",
            "--waivers",
            w.to_str().unwrap(),
            "--baseline",
            base_path.to_str().unwrap(),
            "-o",
            book.to_str().unwrap(),
        ],
        None,
    );
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap_or_else(|e| panic!("{e}: {err}"));
    let summary = wb.worksheet_range("汇总").unwrap();
    let row = |label: &str| {
        summary
            .rows()
            .find(|r| r[0] == Data::String(label.into()))
            .unwrap_or_else(|| panic!("{label} in the summary"))[1]
            .clone()
    };
    assert_eq!(row("新增"), Data::Float(1.0));
    assert_eq!(row("加重"), Data::Float(2.0));
    assert_eq!(row("减轻"), Data::Float(1.0));
    assert_eq!(row("未变"), Data::Float(4.0));
    assert_eq!(row("已消除"), Data::Float(1.0));
    let sheet = wb
        .worksheet_range("确保新任工会主席在任职1年内参…")
        .unwrap();
    assert!(
        sheet
            .rows()
            .any(|r| r.contains(&Data::String("加重（原为待办）".into())))
    );
    assert!(wb.sheet_names().contains(&"已消除".to_owned()));
}

#[test]
fn a_baseline_saved_with_a_bom_is_read() {
    let dir = tempfile::tempdir().unwrap();
    chairs(dir.path());
    let base = chairs_baseline(dir.path());
    let path = dir.path().join("base.json");
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(serde_json::to_vec_pretty(&base).unwrap());
    fs::write(&path, bytes).unwrap();
    let (code, now, err) = check(
        dir.path(),
        "2020-07-01",
        &["--baseline", path.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.is_empty(), "{err}");
    assert_eq!(
        finding(&now, "new-chair-training:C1")["change"],
        "escalated"
    );
    assert_eq!(finding(&now, "new-chair-training:C5")["change"], "new");
    assert_eq!(now["summary"]["resolved"], 1);
}

#[test]
fn a_baseline_entry_of_the_wrong_type_stops_the_run_naming_its_position() {
    let dir = tempfile::tempdir().unwrap();
    chairs(dir.path());
    let base = chairs_baseline(dir.path());
    assert!(base["findings"].as_array().unwrap().len() > 3);
    // How to spoil the baseline, the position named, and the Chinese and English words.
    type Case = (
        Box<dyn Fn(&mut Value)>,
        &'static str,
        &'static str,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            Box::new(|v| v["findings"][3]["status"] = json!(1)),
            "findings[3].status",
            "应为文本（violation、pending 或 waived），实为数字",
            "should be a string (violation, pending or waived), not a number",
        ),
        (
            Box::new(|v| v["findings"][0]["period"] = json!("2019")),
            "findings[0].period",
            "应为整数年份或 null，实为文本",
            "should be a whole year or null, not a string",
        ),
        (
            Box::new(|v| v["findings"] = json!({})),
            "findings",
            "应为数组，实为对象",
            "should be an array, not an object",
        ),
        (
            Box::new(|v| v["findings"][2] = json!([])),
            "findings[2]",
            "应为对象，实为数组",
            "should be an object, not an array",
        ),
        (
            Box::new(|v| v["findings"][1]["subject"] = json!(null)),
            "findings[1].subject",
            "应为文本，实为null",
            "should be a string, not null",
        ),
        (
            Box::new(|v| v["findings"][4]["status"] = json!("broken")),
            "findings[4].status",
            "为 `broken`，不是状态",
            "is `broken`, not a status",
        ),
        (
            Box::new(|v| {
                v["findings"][0].as_object_mut().unwrap().remove("rule");
            }),
            "findings[0].rule",
            "缺少 findings[0].rule",
            "has no findings[0].rule",
        ),
    ];
    let path = dir.path().join("base.json");
    for (spoil, at, zh, en) in cases {
        let mut v = base.clone();
        spoil(&mut v);
        fs::write(&path, serde_json::to_string(&v).unwrap()).unwrap();
        for (lang, want) in [("zh", zh), ("en", en)] {
            let (code, out, err) = run(
                &[
                    "check",
                    dir.path().to_str().unwrap(),
                    "--as-of",
                    "2020-07-01",
                    "--baseline",
                    path.to_str().unwrap(),
                    "--lang",
                    lang,
                ],
                None,
            );
            assert_eq!(code, 2, "{at} {lang}: {err}");
            assert!(out.is_empty(), "{out}");
            assert!(err.contains(at) && err.contains(want), "{at} {lang}: {err}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }
    // Not JSON at all: the line and column of the problem.
    fs::write(&path, "{\n  \"findings\": [,]\n}").unwrap();
    let (code, _, err) = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--baseline",
            path.to_str().unwrap(),
            "--lang",
            "en",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("is not a JSON report (line 2, column"),
        "{err}"
    );
    // JSON in form, but a number no f64 holds inside a finding (each finding is read
    // on its own): the same message, where the number is.
    fs::write(
        &path,
        "{\n  \"findings\": [\n    {\"rule\": \"r\", \"evidence\": {\"count\": 1e999}}\n  ]\n}",
    )
    .unwrap();
    let (code, _, err) = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--baseline",
            path.to_str().unwrap(),
            "--lang",
            "en",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("is not a JSON report (line 3, column"),
        "{err}"
    );
}

#[test]
fn totals_are_split_by_severity() {
    let demo = fixture("demo");
    let (_, report, _) = check(&demo, "2021-03-01", &[]);
    let s = &report["summary"];
    assert_eq!(
        s["by_severity"],
        json!({ "error": { "violation": 39, "pending": 2, "waived": 0 },
                "warning": { "violation": 18, "pending": 0, "waived": 0 } })
    );
    // Scripts keep the totals over every severity.
    assert_eq!(s["violation"], 57);
    for status in ["violation", "pending", "waived"] {
        let by = &s["by_severity"];
        assert_eq!(
            by["error"][status].as_u64().unwrap() + by["warning"][status].as_u64().unwrap(),
            s[status].as_u64().unwrap()
        );
    }
    let text = |lang: &str| {
        run(
            &[
                "check",
                demo.to_str().unwrap(),
                "--as-of",
                "2021-03-01",
                "--lang",
                lang,
            ],
            None,
        )
        .1
    };
    assert!(text("zh").contains("合计：违规 39，另有提醒级 18；待办 2；豁免 0；数据错误 4。"));
    assert!(text("en").contains(
        "total: 39 violation(s) (and 18 at warning severity), 2 pending, 0 waived, 4 data error(s)."
    ));
}
