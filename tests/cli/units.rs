//! The units table, 工会组织 (SPEC §6): found by its names, by sheet and with
//! `--units`; its data errors; cadres checked against it (the row stays); a cadre's
//! empty `county`/`unit_level` filled from its unit; `validate` and `init`.

use std::fs;
use std::path::Path;

use rust_xlsxwriter::Workbook;
use serde_json::Value;

use crate::util::run;

const CADRES: &str = "id,name,unit,county,unit_level,post,kind,appointed_on,left_on
C01,王建国,游仙区总工会,,,工会主席,专职,2019-03-15,
C02,李秀英,不存在工会,游仙区,基层,工会主席,兼职,2019-03-15,
C03,张伟,,游仙区,基层,委员,兼职,2019-03-15,
C04,赵敏,涪城区总工会,,基层,委员,兼职,2019-03-15,
";
const CLASSES: &str = "id,name,organizer,organizer_level,county,category,start_on,days,fee
K01,游仙区总工会业务培训班,游仙区总工会,县区,游仙区,业务培训,2019-05-20,1,0
";
const ATTENDANCE: &str = "cadre_id,class_id\nC01,K01\nC02,K01\n";
const UNITS: &str = "name,parent,level,county,type
绵阳市总工会,,市,市直,市总工会
游仙区总工会,绵阳市总工会,县区,游仙区,县区总工会
涪城区总工会,绵阳市总工会,县区,涪城区,县区总工会
";
/// Every reading error of SPEC §6, line by line (header = line 1).
const BAD_UNITS: &str = "游仙区总工会,涪城区总工会,基层,,重复
甲,乙,基层,,
乙,甲,基层,,
丙,甲,基层,,
丁,戊,,,
戊,己,第九级,,
己,丁,,,
庚,没有,,,
,绵阳市总工会,,,
";

/// A DATA folder with the three tables and, when given, a units file.
fn folder(units: Option<(&str, &str)>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("cadres.csv"), CADRES).unwrap();
    fs::write(d.join("classes.csv"), CLASSES).unwrap();
    fs::write(d.join("attendance.csv"), ATTENDANCE).unwrap();
    if let Some((name, text)) = units {
        fs::write(d.join(name), text).unwrap();
    }
    dir
}

fn json(args: &[&str]) -> (i32, Value) {
    let (code, out, err) = run(args, None);
    assert!(code != 2, "{err}");
    (code, serde_json::from_str(&out).unwrap())
}

fn check(d: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "check",
        d.to_str().unwrap(),
        "--as-of",
        "2021-03-01",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    json(&args)
}

fn validate(d: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["validate", d.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    json(&args).1
}

/// (file, line, column, value) of each data error, in report order.
fn errors(v: &Value) -> Vec<(String, u64, String, String)> {
    v["data_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap().to_owned(),
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap_or("").to_owned(),
                e["value"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// (rule, subject, period, status) of each finding.
fn findings(v: &Value) -> Vec<(String, String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["subject"].as_str().unwrap().to_owned(),
                f["period"].to_string(),
                f["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn valid_rows(v: &Value) -> Vec<(String, u64)> {
    v["summary"]["valid_rows"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, n)| (k.clone(), n.as_u64().unwrap()))
        .collect()
}

#[test]
fn found_by_each_name_and_with_the_option() {
    for name in ["units.csv", "工会组织.csv", "组织名册.csv", "Units.CSV"] {
        let dir = folder(Some((name, UNITS)));
        let v = validate(dir.path(), &[]);
        assert!(
            valid_rows(&v).contains(&(name.to_owned(), 3)),
            "{name}: {v}"
        );
    }
    // Never by a part of the name (SPEC §8): the file is not read at all.
    let dir = folder(Some(("2021年工会组织.csv", UNITS)));
    let v = validate(dir.path(), &[]);
    assert_eq!(valid_rows(&v).len(), 3, "{v}");
    assert!(errors(&v).is_empty(), "{v}");
    // --units from anywhere.
    let other = tempfile::tempdir().unwrap();
    let f = other.path().join("组织.csv");
    fs::write(&f, UNITS).unwrap();
    let v = validate(dir.path(), &["--units", f.to_str().unwrap()]);
    assert!(valid_rows(&v).contains(&("组织.csv".to_owned(), 3)), "{v}");
    // Two files for the table stop the run, naming both.
    let dir = folder(Some(("units.csv", UNITS)));
    fs::write(dir.path().join("工会组织.csv"), UNITS).unwrap();
    let (code, _, err) = run(&["validate", dir.path().to_str().unwrap()], None);
    assert_eq!(code, 2);
    assert!(
        err.contains("units.csv") && err.contains("工会组织.csv"),
        "{err}"
    );
    // -o naming it is refused before any work.
    let dir = folder(Some(("units.csv", UNITS)));
    let units = dir.path().join("units.csv");
    let (code, _, err) = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "-o",
            units.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("工会组织"), "{err}");
    assert_eq!(fs::read_to_string(&units).unwrap(), UNITS);
}

#[test]
fn found_as_a_sheet_of_the_data_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    for (sheet, text) in [
        ("干部名册", CADRES),
        ("培训班", CLASSES),
        ("参训记录", ATTENDANCE),
        ("工会组织", UNITS),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(sheet).unwrap();
        for (r, line) in text.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                ws.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    let book = dir.path().join("台账.xlsx");
    wb.save(&book).unwrap();
    for data in [&book, &dir.path().to_path_buf()] {
        let v = validate(data, &[]);
        assert!(
            valid_rows(&v).contains(&("台账.xlsx[工会组织]".to_owned(), 3)),
            "{v}"
        );
        assert_eq!(
            errors(&v).len(),
            2,
            "C02's unknown unit, C03's empty one: {v}"
        );
    }
}

/// SPEC §6 reading rules, by hand: line 5 repeats 游仙区总工会 (line 3 wins); 甲 and 乙
/// (lines 6–7) point at each other, 丙 (line 8) only points into that cycle and keeps its
/// parent; 丁 → 戊 → 己 → 丁 (lines 9–11) is a cycle of 3, and 戊's level is no level;
/// 庚's parent names no unit; line 13 has no name. The cadres' errors (C02 names no
/// unit, C03 none) come first: units errors sort after the other three tables'.
#[test]
fn every_reading_error_and_rows_that_stay() {
    let dir = folder(Some(("units.csv", &format!("{UNITS}{BAD_UNITS}"))));
    let v = validate(dir.path(), &[]);
    let e = |f: &str, l: u64, c: &str, v: &str| (f.to_owned(), l, c.to_owned(), v.to_owned());
    assert_eq!(
        errors(&v),
        vec![
            e("cadres.csv", 3, "unit", "不存在工会"),
            e("cadres.csv", 4, "unit", ""),
            e("units.csv", 5, "name", "游仙区总工会"),
            e("units.csv", 6, "parent", "乙"),
            e("units.csv", 7, "parent", "甲"),
            e("units.csv", 9, "parent", "戊"),
            e("units.csv", 10, "level", "第九级"),
            e("units.csv", 10, "parent", "己"),
            e("units.csv", 11, "parent", "丁"),
            e("units.csv", 12, "parent", "没有"),
            e("units.csv", 13, "name", ""),
        ]
    );
    // Every named row stays: 3 + 甲乙丙丁戊己庚; the cadres all stay.
    let rows = valid_rows(&v);
    assert!(rows.contains(&("units.csv".to_owned(), 10)), "{rows:?}");
    assert!(rows.contains(&("cadres.csv".to_owned(), 4)), "{rows:?}");
    let by_kind = &v["summary"]["by_kind"];
    assert_eq!(by_kind["parent_cycle"], 5);
    assert_eq!(by_kind["unknown_unit"], 3);
    assert_eq!(by_kind["duplicate_unit"], 1);
    let (code, out, _) = run(
        &[
            "validate",
            dir.path().to_str().unwrap(),
            "--lang",
            "en",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("the parents form a cycle (甲 → 乙 → 甲)"),
        "{out}"
    );
    assert!(
        out.contains("the parents form a cycle (丁 → 戊 → 己 → 丁)"),
        "{out}"
    );
}

/// Rules that use no units form (the first edition's readings of the Mianyang plan):
/// they run the same with or without a units table, but see the values it fills in.
const PLAIN_RULES: &str = r#"
[plan]
id = "plain"
authority = "绵阳市总工会"
start = 2018-01-01
end = 2020-12-31

[[rules]]
id = "new-chair-training"
kind = "deadline"
title = "新任工会主席一年内参加上级工会的业务培训"
clause = "1"
who = { post = "工会主席", appointed_on = { during = "plan" } }
from = "appointed_on"
within = "1y"
class = { category = ["业务培训", "初任培训", "任职培训"], organizer_level = { above = "$unit_level" } }

[[rules]]
id = "county-annual-class"
kind = "quota"
title = "各县区每年至少1期基层工会干部培训班"
clause = "2"
group_by = "county"
every = "year"
class = { category = "基层工会干部培训", county = "$group", days = { min = 1 } }
min = 1

[[rules]]
id = "full-rotation"
kind = "coverage"
title = "专兼职干部轮训一遍"
clause = "3"
who = { kind = ["专职", "兼职"] }
class = {}
"#;

/// With units, C01's empty 单位层级 is its unit's 县区: K01 (县区) is no longer above
/// it, so new-chair-training turns to a violation; C04's empty 县区 is its unit's
/// 涪城区, a new county-annual-class subject (no class there: violations 2019, 2020).
/// C02 (unknown unit) and C03 (no unit) stay: their findings are unchanged.
#[test]
fn cadres_stay_and_take_county_and_level_from_their_unit() {
    let rules_dir = tempfile::tempdir().unwrap();
    let rules = rules_dir.path().join("plain.toml");
    fs::write(&rules, PLAIN_RULES).unwrap();
    let rules = ["--rules", rules.to_str().unwrap()];
    let plain = folder(None);
    let (code, without) = check(plain.path(), &rules);
    assert_eq!(code, 1);
    let with_dir = folder(Some(("units.csv", UNITS)));
    let (code, with) = check(with_dir.path(), &rules);
    assert_eq!(code, 1);
    let f = |r: &str, s: &str, p: &str, st: &str| {
        (r.to_owned(), s.to_owned(), p.to_owned(), st.to_owned())
    };
    let before = findings(&without);
    let after = findings(&with);
    assert!(!before.contains(&f("new-chair-training", "C01", "null", "violation")));
    assert!(after.contains(&f("new-chair-training", "C01", "null", "violation")));
    for y in ["2019", "2020"] {
        assert!(!before.iter().any(|x| x.1 == "涪城区"));
        assert!(after.contains(&f("county-annual-class", "涪城区", y, "violation")));
    }
    let others = |v: &[(String, String, String, String)]| {
        v.iter()
            .filter(|x| x.1 != "C01" && x.1 != "涪城区")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(others(&before), others(&after));
    assert!(before.contains(&f("full-rotation", "C03", "null", "violation")));
    let chairs = |v: &Value| {
        v["rules"].as_array().unwrap()[0]["checked"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(chairs(&without), 2);
    assert_eq!(
        chairs(&with),
        2,
        "C02, with an unknown unit, is still checked"
    );
}

/// `missing` sees the cell as written, while other conditions see the filled value.
#[test]
fn missing_sees_the_cell_as_written() {
    let rules = r#"
[plan]
id = "t"
authority = "绵阳市总工会"
start = 2018-01-01
end = 2020-12-31

[[rules]]
id = "empty-county"
kind = "coverage"
title = "t"
clause = "t"
who = { county = { missing = true } }
class = {}

[[rules]]
id = "fucheng"
kind = "coverage"
title = "t"
clause = "t"
who = { county = "涪城区" }
class = {}

[[rules]]
id = "empty-level"
kind = "coverage"
title = "t"
clause = "t"
who = { unit_level = { missing = true } }
class = {}
"#;
    let dir = folder(Some(("units.csv", UNITS)));
    let r = dir.path().join("rules.toml");
    fs::write(&r, rules).unwrap();
    let (_, v) = check(dir.path(), &["--rules", r.to_str().unwrap()]);
    let checked: Vec<u64> = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["checked"].as_u64().unwrap())
        .collect();
    // C01 and C04 wrote no county, and C04's filled 涪城区 matches; C01 alone wrote no
    // level (its 县区 is filled).
    assert_eq!(checked, vec![2, 1, 1], "{v}");
}

#[test]
fn an_empty_units_table_counts_as_absent() {
    let dir = folder(Some(("工会组织.csv", "工会名称,上级工会,层级\n")));
    let (_, v) = check(dir.path(), &[]);
    let plain = folder(None);
    let (_, without) = check(plain.path(), &[]);
    assert_eq!(findings(&v), findings(&without));
    assert!(errors(&v).is_empty(), "{v}");
    let n: Vec<&Value> = v["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "empty_table" && n["table"] == "units")
        .collect();
    assert_eq!(n.len(), 1, "{v}");
}

#[test]
fn validate_names_the_headers_used_and_init_writes_the_template() {
    let aliased =
        "工会名称,上级组织,级别,所属县区,组织类型,备注\n绵阳市总工会,,市,市直,市总工会,x\n";
    let dir = folder(Some(("units.csv", aliased)));
    let (code, out, _) = run(&["validate", dir.path().to_str().unwrap()], None);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("units.csv：1 行有效；name←工会名称, parent←上级组织, level←级别, county←所属县区, type←组织类型")
            || out.replace("\n  ", "").contains("name←工会名称, parent←上级组织, level←级别, county←所属县区, type←组织类型"),
        "{out}"
    );
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("new");
    let (code, _, _) = run(&["init", d.to_str().unwrap()], None);
    assert_eq!(code, 0);
    let text = fs::read_to_string(d.join("工会组织.csv")).unwrap();
    assert_eq!(text, "\u{feff}工会名称,上级工会,层级,县区,类型\r\n");
}
