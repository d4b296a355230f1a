//! `[columns]` of a rule file (SPEC §6 "Typed extra columns"): rule-file errors at
//! their place, a declared column the data lacks, `[values]` left off declared
//! columns, and workbook serials in a declared date column.

use std::fs;
use std::path::Path;

use rust_xlsxwriter::Workbook;
use serde_json::Value;

use crate::util::{fixture, run};

const PLAN: &str = "[plan]\nid = \"p\"\nstart = 2021-01-01\nend = 2023-12-31\n";

const DEADLINE: &str = "[[rules]]\nid = \"promoted\"\nkind = \"deadline\"\ntitle = \"t\"\nclause = \"c\"\nfrom = \"提任日期\"\nwithin = \"1y\"\nclass = { category = \"业务培训\" }\n";

/// Writes `rules.toml` into `dir` and runs `check` on the typed-columns fixture's
/// tables (or `data`) with it.
fn check_with(dir: &Path, rules: &str, data: Option<&Path>) -> (i32, String, String) {
    let path = dir.join("rules.toml");
    fs::write(&path, rules).unwrap();
    let data = data.map_or_else(|| fixture("typed-columns"), Path::to_path_buf);
    run(
        &[
            "check",
            data.to_str().unwrap(),
            "--rules",
            path.to_str().unwrap(),
            "--as-of",
            "2022-12-31",
            "--format",
            "json",
            "--lang",
            "en",
        ],
        None,
    )
}

#[test]
fn an_unknown_column_type_is_a_rule_file_error_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let rules = format!("{PLAN}[columns]\ncadres = {{ \"提任日期\" = \"datum\" }}\n{DEADLINE}");
    let (code, out, err) = check_with(dir.path(), &rules, None);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("rules.toml:6:21"), "{err}");
    assert!(
        err.contains("unknown column type `datum` for `提任日期` (accepted: date, number, text)"),
        "{err}"
    );
    // Not a string at all.
    let rules = format!("{PLAN}[columns]\nclasses = {{ \"经费\" = 1 }}\n{DEADLINE}");
    let (code, _, err) = check_with(dir.path(), &rules, None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("rules.toml:6:20"), "{err}");
    assert!(
        err.contains("must be \"date\", \"number\" or \"text\""),
        "{err}"
    );
}

#[test]
fn an_unknown_table_or_a_canonical_column_in_columns_is_a_rule_file_error() {
    let dir = tempfile::tempdir().unwrap();
    let rules = format!("{PLAN}[columns]\nteachers = {{ \"x\" = \"date\" }}\n{DEADLINE}");
    let (code, out, err) = check_with(dir.path(), &rules, None);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("rules.toml:6:1"), "{err}");
    assert!(
        err.contains(
            "unknown table `teachers` in [columns] (accepted: cadres, classes, attendance)"
        ),
        "{err}"
    );
    let rules = format!("{PLAN}[columns]\nclasses = {{ \"收费\" = \"text\" }}\n{DEADLINE}");
    let (code, _, err) = check_with(dir.path(), &rules, None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("rules.toml:6:13"), "{err}");
    assert!(err.contains("the classes column `fee`"), "{err}");
}

#[test]
fn from_must_name_a_date_column() {
    let dir = tempfile::tempdir().unwrap();
    // 提任日期 declared text: not a date column.
    let rules = format!("{PLAN}[columns]\ncadres = {{ \"提任日期\" = \"text\" }}\n{DEADLINE}");
    let (code, _, err) = check_with(dir.path(), &rules, None);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`from` must name a date column of cadres"),
        "{err}"
    );
    // Not declared at all: text too.
    let (code, _, err) = check_with(dir.path(), &format!("{PLAN}{DEADLINE}"), None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not `提任日期`"), "{err}");
}

/// A folder `data` with one class (K1, 业务培训, 2021-10-10) that cadre `who` attended
/// (no one when empty).
fn plain_tables(dir: &Path, who: &str) -> std::path::PathBuf {
    let data = dir.join("data");
    fs::create_dir(&data).unwrap();
    fs::write(
        data.join("classes.csv"),
        "id,organizer_level,category,start_on,fee\nK1,市,业务培训,2021-10-10,0\n",
    )
    .unwrap();
    fs::write(
        data.join("attendance.csv"),
        match who {
            "" => "cadre_id,class_id\n".to_owned(),
            who => format!("cadre_id,class_id\n{who},K1\n"),
        },
    )
    .unwrap();
    data
}

/// Tables whose cadres.csv lacks `提任日期`.
fn tables_without_promotion(dir: &Path) -> std::path::PathBuf {
    let data = plain_tables(dir, "C1");
    fs::write(
        data.join("cadres.csv"),
        "id,name,post,appointed_on\nC1,赵一,副主席,2015-01-01\n",
    )
    .unwrap();
    data
}

#[test]
fn a_declared_column_the_file_lacks_is_an_error_only_when_a_rule_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = tables_without_promotion(dir.path());
    let declared = format!("{PLAN}[columns]\ncadres = {{ \"提任日期\" = \"date\" }}\n");
    let (code, out, err) = check_with(dir.path(), &format!("{declared}{DEADLINE}"), Some(&data));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("rule `promoted` names column `提任日期`, which cadres"),
        "{err}"
    );
    // Declared but named by no rule: fine.
    let forbid = "[[rules]]\nid = \"f\"\nkind = \"forbid\"\ntitle = \"t\"\nclause = \"c\"\nclass = { fee = { above = 0 } }\n";
    let (code, out, err) = check_with(dir.path(), &format!("{declared}{forbid}"), Some(&data));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["data_errors"], serde_json::json!([]));
}

#[test]
fn values_mappings_do_not_apply_to_declared_numbers() {
    let dir = tempfile::tempdir().unwrap();
    // Mapping 很多 to 5000 would make K5 a violation; on a declared number it does
    // nothing, so 很多 stays a data error. On the undeclared 批次 it applies.
    let rules = fs::read_to_string(fixture("typed-columns").join("rules.toml")).unwrap()
        + "\n[values.classes.\"经费\"]\n\"5000\" = [\"很多\"]\n[values.classes.\"批次\"]\n\"01\" = [\"1\"]\n";
    let (code, out, err) = check_with(dir.path(), &rules, None);
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<(&str, &str)> = v["data_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["column"].as_str().unwrap(), e["value"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, [("提任日期", "2021-13-01"), ("经费", "很多")]);
    let forbidden: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "first-batch-budget")
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    // K3's batch `1` now reads `01`, and its budget is 1000.
    assert_eq!(forbidden, ["K2", "K3"]);
}

#[test]
fn a_workbook_serial_in_a_declared_date_column_is_a_date() {
    let dir = tempfile::tempdir().unwrap();
    let data = plain_tables(dir.path(), "");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("cadres").unwrap();
    for (c, h) in ["id", "name", "post", "appointed_on", "提任日期"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    // C2: serial 44348 is 2021-06-01. C9: serial 60 (Excel's 1900-02-29) is no date.
    for (r, (id, serial)) in [("C2", 44348.0), ("C9", 60.0)].iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, "某").unwrap();
        ws.write_string(r, 2, "副主席").unwrap();
        ws.write_string(r, 3, "2015-01-01").unwrap();
        ws.write_number(r, 4, *serial).unwrap();
    }
    wb.save(data.join("cadres.xlsx")).unwrap();
    let rules = format!("{PLAN}[columns]\ncadres = {{ \"提任日期\" = \"date\" }}\n{DEADLINE}");
    let (code, out, err) = check_with(dir.path(), &rules, Some(&data));
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["subject"], "C2");
    assert_eq!(f["evidence"]["from"], "2021-06-01");
    assert_eq!(f["due"], "2022-06-01");
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    let e = &v["data_errors"][0];
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_str()),
        (Some(3), Some("提任日期"))
    );
}

#[test]
fn comparing_an_undeclared_extra_column_says_how_to_declare_it() {
    let dir = tempfile::tempdir().unwrap();
    let rules = format!(
        "{PLAN}[[rules]]\nid = \"f\"\nkind = \"forbid\"\ntitle = \"t\"\nclause = \"c\"\nclass = {{ \"经费\" = {{ min = 1000 }} }}\n"
    );
    let (code, out, err) = check_with(dir.path(), &rules, None);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("rules.toml:10:26"), "{err}");
    assert!(
        err.contains("`经费` is a text column")
            && err.contains("(declare its type in [columns]: classes = { \"经费\" = \"number\" })"),
        "{err}"
    );
}

#[test]
fn declared_attendance_columns_are_read_by_type_and_a_bad_cell_leaves_its_row_out() {
    let dir = tempfile::tempdir().unwrap();
    let data = plain_tables(dir.path(), "");
    fs::write(
        data.join("cadres.csv"),
        "id,name,post,appointed_on,提任日期\nC1,赵一,副主席,2015-01-01,2021-03-01\nC2,钱二,副主席,2015-01-01,2021-04-01\nC3,孙三,副主席,2015-01-01,2021-05-01\n",
    )
    .unwrap();
    // C1's row is good (签到日期 in an accepted spelling, 成绩 with a thousands
    // separator); C2's 签到日期 and C3's 成绩 are not a date and not a number: each a
    // data error naming the declared column, and the row is left out, so C2 and C3
    // did not attend. 备注 is undeclared text.
    fs::write(
        data.join("attendance.csv"),
        "cadre_id,class_id,签到日期,成绩,备注\nC1,K1,2021年10月10日,\"1,000\",好\nC2,K1,2021-10-32,90,\nC3,K1,2021-10-10,优秀,\n",
    )
    .unwrap();
    let rules = format!(
        "{PLAN}[columns]\ncadres = {{ \"提任日期\" = \"date\" }}\nattendance = {{ \"签到日期\" = \"date\", \"成绩\" = \"number\", \"备注\" = \"text\" }}\n{DEADLINE}"
    );
    let (code, out, err) = check_with(dir.path(), &rules, Some(&data));
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<(&str, u64, &str, &str)> = v["data_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap(),
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap(),
                e["value"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            ("attendance.csv", 3, "签到日期", "2021-10-32"),
            ("attendance.csv", 4, "成绩", "优秀"),
        ]
    );
    // As of 2022-12-31 the three deadlines have passed: C1 met it, C2 and C3 did not.
    let unmet: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    assert_eq!(unmet, ["C2", "C3"]);
    assert_eq!(v["rules"][0]["met"], 1);
    // Without the declarations the same cells are text and nothing is wrong.
    let plain = format!("{PLAN}[columns]\ncadres = {{ \"提任日期\" = \"date\" }}\n{DEADLINE}");
    let (code, out, err) = check_with(dir.path(), &plain, Some(&data));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["data_errors"], serde_json::json!([]));
    assert_eq!(v["rules"][0]["met"], 3);
}

#[test]
fn declared_attendance_columns_in_a_workbook_take_date_cells() {
    let dir = tempfile::tempdir().unwrap();
    let data = plain_tables(dir.path(), "");
    fs::remove_file(data.join("attendance.csv")).unwrap();
    fs::write(
        data.join("cadres.csv"),
        "id,name,post,appointed_on,提任日期\nC1,赵一,副主席,2015-01-01,2021-03-01\nC2,钱二,副主席,2015-01-01,2021-04-01\n",
    )
    .unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("attendance").unwrap();
    for (c, h) in ["cadre_id", "class_id", "签到日期"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    // C1: serial 44479 is 2021-10-10. C2: serial 60 (Excel's 1900-02-29) is no date.
    for (r, (id, serial)) in [("C1", 44479.0), ("C2", 60.0)].iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, "K1").unwrap();
        ws.write_number(r, 2, *serial).unwrap();
    }
    wb.save(data.join("attendance.xlsx")).unwrap();
    let rules = format!(
        "{PLAN}[columns]\ncadres = {{ \"提任日期\" = \"date\" }}\nattendance = {{ \"签到日期\" = \"date\" }}\n{DEADLINE}"
    );
    let (code, out, err) = check_with(dir.path(), &rules, Some(&data));
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let e = &v["data_errors"][0];
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_str()),
        (Some(3), Some("签到日期"))
    );
    assert_eq!(v["data_errors"].as_array().unwrap().len(), 1);
    assert_eq!(v["rules"][0]["met"], 1);
    assert_eq!(v["findings"][0]["subject"], "C2");
}
