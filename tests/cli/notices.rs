//! Notices and value spellings (SPEC §8, issue 10): what used to change the answer
//! without a word — a class typed in 2091, a spelling no rule names, an empty export, a
//! missing optional column, a table found by part of its file's name — is said in every
//! format, and `[values]` maps a clerk's spellings to the plan's words.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::util::{check_json as check, fixture, run};

/// A copy of a fixture folder in a temporary folder.
fn copy_of(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in fs::read_dir(fixture(name)).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "csv") {
            fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn notices<'v>(v: &'v Value, kind: &str) -> Vec<&'v Value> {
    v["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == kind)
        .collect()
}

/// Rewrites one cell of a CSV file: row `line` (header = 1), column `header`.
fn set_cell(path: &Path, line: usize, header: &str, value: &str) {
    let text = fs::read_to_string(path).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut rows: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    let col = rows[0].iter().position(|h| h == header).unwrap();
    rows[line - 1][col] = value.to_owned();
    let out: Vec<String> = rows.iter().map(|r| r.join(",")).collect();
    fs::write(path, out.join("\n") + "\n").unwrap();
}

fn violations(v: &Value) -> (u64, u64) {
    (
        v["summary"]["violation"].as_u64().unwrap(),
        v["summary"]["pending"].as_u64().unwrap(),
    )
}

#[test]
fn a_class_typed_in_2091_is_a_notice_not_silence() {
    // demo, classes.csv line 2 is MY2018-01 (2018-04-10), attended by chairs and
    // cadres; typed as 2091/4/10 it starts after any as-of date of the plan.
    let dir = copy_of("demo");
    set_cell(&dir.path().join("classes.csv"), 2, "start_on", "2091/4/10");
    set_cell(&dir.path().join("classes.csv"), 2, "end_on", "");
    set_cell(&dir.path().join("cadres.csv"), 3, "任职日期", "2029/6/1");
    let (code, v, _) = check(dir.path(), "2021-03-01", &[]);
    assert_eq!(code, 1);
    let later = notices(&v, "after_as_of");
    assert_eq!(later.len(), 2, "{later:?}");
    // Sorted by table: cadres first.
    assert_eq!(later[0]["table"], "cadres");
    assert_eq!(later[0]["count"], 1);
    assert_eq!(later[0]["latest"]["date"], "2029-06-01");
    assert_eq!(later[0]["latest"]["line"], 3);
    assert_eq!(later[0]["examples"][0]["value"], "2029/6/1");
    assert_eq!(later[1]["table"], "classes");
    assert_eq!(later[1]["count"], 1);
    assert_eq!(later[1]["latest"]["date"], "2091-04-10");
    assert_eq!(later[1]["latest"]["line"], 2);
    assert_eq!(
        later[1]["examples"],
        serde_json::json!([{ "file": "classes.csv", "line": 2, "value": "2091/4/10" }])
    );
    assert!(later[1]["message"].as_str().unwrap().contains("2091-04-10"));
    // Notices do not change the exit status, unless asked to.
    let (code, _, _) = check(dir.path(), "2021-03-01", &["--fail-on", "none"]);
    assert_eq!(code, 1, "data errors still fail");
}

#[test]
fn fail_on_notice_fails_on_any_notice() {
    // rotation-and-fees as of 2021-01-01: no data errors and no notices; as of
    // 2020-12-31 a class (2021-01-01) and a cadre are dated after the as-of date.
    let dir = fixture("rotation-and-fees");
    let (_, v, _) = check(&dir, "2021-01-01", &[]);
    assert_eq!(v["notices"], serde_json::json!([]));
    let (code, _, _) = check(&dir, "2021-01-01", &["--fail-on", "none"]);
    assert_eq!(code, 0);
    let (code, _, _) = check(&dir, "2021-01-01", &["--fail-on", "notice"]);
    assert_eq!(
        code, 1,
        "the findings are violations: notice fails like pending"
    );
    let (_, v, _) = check(&dir, "2020-12-31", &["--fail-on", "none"]);
    assert_eq!(notices(&v, "after_as_of").len(), 2);
    // With no finding failing, the notices alone decide.
    let rules = tempfile::tempdir().unwrap();
    let file = rules.path().join("r.toml");
    fs::write(
        &file,
        "[plan]\nid = \"p\"\nauthority = \"x\"\nstart = 2018-01-01\nend = 2020-12-31\n\n[[rules]]\nid = \"no-fees\"\nkind = \"forbid\"\ntitle = \"不收费\"\nclause = \"一\"\nclass = { fee = { above = 100000 } }\n",
    )
    .unwrap();
    let r = file.to_str().unwrap();
    let (code, _, _) = check(&dir, "2020-12-31", &["--rules", r]);
    assert_eq!(code, 0);
    let (code, _, _) = check(&dir, "2020-12-31", &["--rules", r, "--fail-on", "notice"]);
    assert_eq!(code, 1);
}

#[test]
fn empty_tables_are_noticed_and_every_format_shows_notices() {
    let dir = copy_of("demo");
    fs::write(
        dir.path().join("attendance.csv"),
        "class_id,cadre_id,name,completed\n",
    )
    .unwrap();
    let (_, v, _) = check(dir.path(), "2021-03-01", &[]);
    let empty = notices(&v, "empty_table");
    assert_eq!(empty.len(), 1);
    assert_eq!(empty[0]["table"], "attendance");
    assert_eq!(empty[0]["file"], "attendance.csv");
    let d = dir.path().to_str().unwrap();
    let text = |format: &str, lang: &str| {
        let (_, out, _) = run(
            &[
                "check",
                d,
                "--as-of",
                "2021-03-01",
                "--format",
                format,
                "--lang",
                lang,
            ],
            None,
        );
        out
    };
    let table = text("table", "zh");
    assert!(table.contains("■ 提示（1）"), "{table}");
    assert!(table.contains("参训记录（attendance.csv）没有数据行"));
    assert!(
        table.contains("提示 1。"),
        "the totals count notices: {table}"
    );
    assert!(text("markdown", "en").contains("## Notices (1)"));
    assert!(text("html", "zh").contains("<section class=\"notices\""));
    let junit = text("junit", "en");
    assert!(junit.contains("<property name=\"empty_table\" value=\"the attendance table (attendance.csv) has no data rows\"/>"), "{junit}");
    // The workbook has a 提示 sheet.
    let book = dir.path().join("r.xlsx");
    let (_, _, err) = run(
        &[
            "check",
            d,
            "--as-of",
            "2021-03-01",
            "-o",
            book.to_str().unwrap(),
        ],
        None,
    );
    assert!(err.is_empty(), "{err}");
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&book).unwrap();
    assert!(wb.sheet_names().contains(&"提示".to_owned()));
    let sheet = wb.worksheet_range("提示").unwrap();
    assert_eq!(
        sheet.get_value((1, 0)),
        Some(&calamine::Data::String("empty_table".into()))
    );
    // CSV carries findings only.
    assert!(!text("csv", "zh").contains("没有数据行"));
}

#[test]
fn a_spelling_no_rule_names_is_noticed_and_values_map_it() {
    // demo: lines 5 and 6 of cadres.csv are 兼职 cadres; line 2 is a 工会主席.
    let (_, original, _) = check(&fixture("demo"), "2021-03-01", &[]);
    let dir = copy_of("demo");
    let cadres = dir.path().join("cadres.csv");
    set_cell(&cadres, 5, "专兼职", "兼职干部");
    set_cell(&cadres, 6, "专兼职", "兼职干部");
    set_cell(&cadres, 2, "职务", "工会主度");
    let (_, v, _) = check(dir.path(), "2021-03-01", &[]);
    assert!(
        violations(&v) != violations(&original),
        "the misspelt cadres drop out of rules"
    );
    let variants = notices(&v, "variant_value");
    assert_eq!(variants.len(), 2, "{variants:?}");
    // Sorted by column: kind before post.
    assert_eq!(variants[0]["column"], "kind");
    assert_eq!(variants[0]["header"], "专兼职");
    assert_eq!(variants[0]["value"], "兼职干部");
    assert_eq!(variants[0]["resembles"], "兼职");
    assert_eq!(variants[0]["count"], 2);
    assert_eq!(variants[0]["examples"][0]["line"], 5);
    assert_eq!(variants[0]["examples"][1]["line"], 6);
    assert_eq!(variants[1]["value"], "工会主度");
    assert_eq!(variants[1]["resembles"], "工会主席");
    // The column by its header, quoted, without spaces in the Chinese.
    assert!(
        variants[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("干部名册“专兼职”列的值“兼职干部”（2 行）像是规则中的“兼职”"),
        "{}",
        variants[0]["message"]
    );

    // [known] silences one; [values] maps the other back to the rules' word.
    let cols = dir.path().join("columns.toml");
    fs::write(
        &cols,
        "[values.cadres.\"专兼职\"]\n\"兼职\" = [\"兼职干部\"]\n[known.cadres]\npost = [\"工会主度\"]\n",
    )
    .unwrap();
    let (_, mapped, _) = check(
        dir.path(),
        "2021-03-01",
        &["--columns", cols.to_str().unwrap()],
    );
    assert!(notices(&mapped, "variant_value").is_empty());
    let m = notices(&mapped, "values_mapped");
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["column"], "kind");
    assert_eq!(m[0]["count"], 2);
    assert_eq!(m[0]["examples"][0]["value"], "兼职干部");
    // Reports show the mapped value: the full-rotation findings of the two cadres are
    // back as they were.
    let rotation = |v: &Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "full-rotation")
            .map(|f| f["subject"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(rotation(&mapped), rotation(&original));

    // validate counts the cells each mapping changed.
    let (code, out, _) = run(
        &[
            "validate",
            dir.path().to_str().unwrap(),
            "--columns",
            cols.to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 1, "the demo has data errors");
    let val: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        val["value_changes"],
        serde_json::json!([{ "table": "cadres", "column": "专兼职", "spelling": "兼职干部", "word": "兼职", "count": 2 }])
    );
}

#[test]
fn a_rule_file_may_map_spellings_and_the_columns_file_wins() {
    let dir = copy_of("demo");
    let cadres = dir.path().join("cadres.csv");
    set_cell(&cadres, 5, "专兼职", "兼职干部");
    let rules = dir.path().join("rules.toml");
    let mut text =
        fs::read_to_string(crate::util::root().join("rules/mianyang-2018-2020.toml")).unwrap();
    text.push_str("\n[values.cadres.kind]\n\"兼职\" = [\"兼职干部\"]\n");
    fs::write(&rules, &text).unwrap();
    let r = rules.to_str().unwrap();
    let (_, v, _) = check(dir.path(), "2021-03-01", &["--rules", r]);
    assert!(notices(&v, "variant_value").is_empty());
    assert_eq!(notices(&v, "values_mapped")[0]["count"], 1);
    // The columns file maps the same spelling to another word: it wins, and the
    // cadre is then no longer 兼职 (专职 is also a word the rule names).
    let cols = dir.path().join("columns.toml");
    fs::write(&cols, "[values.cadres.kind]\n\"专职\" = [\"兼职干部\"]\n").unwrap();
    let (_, v, _) = check(
        dir.path(),
        "2021-03-01",
        &["--rules", r, "--columns", cols.to_str().unwrap()],
    );
    assert_eq!(notices(&v, "values_mapped")[0]["count"], 1);
    let (_, out, _) = run(
        &[
            "validate",
            dir.path().to_str().unwrap(),
            "--rules",
            r,
            "--columns",
            cols.to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    );
    let val: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(val["value_changes"][0]["word"], "专职");
}

#[test]
fn bad_value_maps_stop_the_run_with_their_place() {
    let dir = copy_of("demo");
    let cols = dir.path().join("columns.toml");
    fs::write(
        &cols,
        "[values.cadres.kind]\n\"兼职\" = [\"兼\"]\n\"专职\" = [\"兼\"]\n[values.classes.start_on]\n\"2019-01-01\" = [\"元旦\"]\n",
    )
    .unwrap();
    let (code, out, err) = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--columns",
            cols.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty());
    assert!(err.contains("columns.toml:3:9:"), "{err}");
    assert!(err.contains("对应了两个词：`兼职` 和 `专职`"), "{err}");
    assert!(err.contains("columns.toml:4:17:"), "{err}");
    assert!(err.contains("[values] 只用于文字列"), "{err}");
    // The same in a rule file: a diagnostic at its line.
    let rules = dir.path().join("rules.toml");
    let mut text =
        fs::read_to_string(crate::util::root().join("rules/mianyang-2018-2020.toml")).unwrap();
    text.push_str("\n[values.cadres.kind]\n\"兼职\" = [\"兼\"]\n\"专职\" = [\"兼\"]\n");
    fs::write(&rules, &text).unwrap();
    let (code, _, err) = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("对应了两个词"), "{err}");
}

#[test]
fn a_column_a_rule_uses_that_the_file_lacks_is_noticed() {
    // demo without its fee column: city-class-free reads every fee as empty.
    let dir = copy_of("demo");
    let classes = dir.path().join("classes.csv");
    let text = fs::read_to_string(&classes).unwrap();
    let cut: Vec<String> = text
        .lines()
        .map(|l| {
            let mut f: Vec<&str> = l.split(',').collect();
            f.pop();
            f.join(",")
        })
        .collect();
    assert!(cut[0].ends_with(",学时"), "fee was the last column");
    fs::write(&classes, cut.join("\n") + "\n").unwrap();
    let (_, v, _) = check(dir.path(), "2021-03-01", &[]);
    let absent = notices(&v, "column_absent");
    assert_eq!(absent.len(), 1, "{absent:?}");
    assert_eq!(absent[0]["table"], "classes");
    assert_eq!(absent[0]["column"], "fee");
    assert_eq!(absent[0]["rules"], serde_json::json!(["city-class-free"]));
    assert_eq!(absent[0]["count"], 34, "every class reads it as empty");
}

#[test]
fn a_table_found_by_part_of_its_file_name_is_said_so() {
    let dir = copy_of("demo");
    let p = dir.path();
    fs::rename(p.join("cadres.csv"), p.join("2021年干部名册.csv")).unwrap();
    let (code, v, err) = check(p, "2021-03-01", &[]);
    assert_eq!(code, 1, "{err}");
    let by_name = notices(&v, "by_name");
    assert_eq!(by_name.len(), 1);
    assert_eq!(by_name[0]["table"], "cadres");
    assert_eq!(by_name[0]["file"], "2021年干部名册.csv");
    assert_eq!(by_name[0]["value"], "干部名册");
    let (_, original, _) = check(&fixture("demo"), "2021-03-01", &[]);
    assert_eq!(v["findings"], original["findings"]);

    // Two candidates stop the run, naming both.
    fs::copy(p.join("2021年干部名册.csv"), p.join("干部名册（旧）.csv")).unwrap();
    let (code, out, err) = run(&["check", p.to_str().unwrap()], None);
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("2021年干部名册.csv") && err.contains("干部名册（旧）.csv"),
        "{err}"
    );
    fs::remove_file(p.join("干部名册（旧）.csv")).unwrap();

    // An exact name wins over a candidate.
    fs::copy(p.join("2021年干部名册.csv"), p.join("cadres.csv")).unwrap();
    let (_, v, _) = check(p, "2021-03-01", &[]);
    assert!(notices(&v, "by_name").is_empty());
    fs::remove_file(p.join("cadres.csv")).unwrap();

    // A name that holds two tables' names is refused.
    fs::rename(p.join("2021年干部名册.csv"), p.join("干部名册和培训班.csv")).unwrap();
    let (code, _, err) = run(&["check", p.to_str().unwrap(), "--lang", "en"], None);
    assert_eq!(code, 2);
    assert!(err.contains("contains the names of two tables"), "{err}");

    // An .xls as the only candidate: save it as .xlsx or CSV.
    fs::rename(p.join("干部名册和培训班.csv"), p.join("干部名册.xls")).unwrap();
    let (code, _, err) = run(&["check", p.to_str().unwrap()], None);
    assert_eq!(code, 2);
    assert!(
        err.contains("干部名册.xls") && err.contains("另存为 .xlsx 或 CSV"),
        "{err}"
    );
    // …but not when a readable file is there too.
    fs::copy(fixture("demo").join("cadres.csv"), p.join("cadres.csv")).unwrap();
    let (code, _, err) = run(
        &["check", p.to_str().unwrap(), "--as-of", "2021-03-01"],
        None,
    );
    assert_eq!(code, 1, "{err}");
}

#[test]
fn a_sheet_taken_by_position_and_its_title_lines_are_noticed() {
    // The demo roster in a workbook whose only sheet is not named like the table, with
    // a title and a note above the header.
    let dir = copy_of("demo");
    let text = fs::read_to_string(dir.path().join("cadres.csv")).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet().set_name("Sheet1").unwrap();
    ws.write_string(0, 0, "绵阳市工会干部名册").unwrap();
    ws.write_string(1, 0, "（2021年3月导出）").unwrap();
    for (r, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            ws.write_string(r as u32 + 2, c as u16, cell).unwrap();
        }
    }
    let path = dir.path().join("名册.xlsx");
    book.save(&path).unwrap();
    let (_, v, err) = check(
        dir.path(),
        "2021-03-01",
        &["--cadres", path.to_str().unwrap()],
    );
    assert!(err.is_empty(), "{err}");
    let sheet = notices(&v, "sheet");
    assert_eq!(sheet.len(), 1, "{:?}", v["notices"]);
    assert_eq!(sheet[0]["table"], "cadres");
    assert_eq!(sheet[0]["file"], "名册.xlsx");
    assert_eq!(sheet[0]["sheet"], "Sheet1");
    let title = notices(&v, "title_lines");
    assert_eq!(title.len(), 1);
    assert_eq!(title[0]["count"], 2);
    assert_eq!(title[0]["header_line"], 3);
    // The findings are the demo's.
    let (_, original, _) = check(&fixture("demo"), "2021-03-01", &[]);
    assert_eq!(v["summary"], original["summary"]);
}

#[test]
fn title_lines_above_a_csv_header_are_noticed() {
    let dir = copy_of("demo");
    for (file, titles) in [
        ("classes.csv", "2021年培训台账\n绵阳市总工会\n"),
        ("attendance.csv", "参训记录\n"),
    ] {
        let p = dir.path().join(file);
        let text = fs::read_to_string(&p).unwrap();
        fs::write(
            &p,
            format!("{titles}{}", text.trim_start_matches('\u{feff}')),
        )
        .unwrap();
    }
    let (_, v, err) = check(dir.path(), "2021-03-01", &[]);
    assert!(err.is_empty(), "{err}");
    let titles = notices(&v, "title_lines");
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert_eq!(titles[0]["table"], "classes");
    assert_eq!(titles[0]["count"], 2);
    assert_eq!(titles[0]["header_line"], 3);
    assert_eq!(titles[0]["file"], "classes.csv");
    assert_eq!(titles[1]["table"], "attendance");
    assert_eq!(titles[1]["count"], 1);
    assert_eq!(titles[1]["header_line"], 2);
    // Line numbers stay the file's own: the demo's data errors moved down with them.
    let (_, original, _) = check(&fixture("demo"), "2021-03-01", &[]);
    assert_eq!(v["summary"], original["summary"]);
}

#[test]
fn counting_hours_without_an_hours_column_is_noticed() {
    // The demo without its classes' 学时 column has no hours column in classes or
    // attendance: a rule counting hours counts 0 everywhere.
    let dir = copy_of("demo");
    let classes = dir.path().join("classes.csv");
    let text = fs::read_to_string(&classes).unwrap();
    let at = text
        .lines()
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == "学时")
        .unwrap();
    let cut: Vec<String> = text
        .lines()
        .map(|l| {
            let mut f: Vec<&str> = l.split(',').collect();
            f.remove(at);
            f.join(",")
        })
        .collect();
    fs::write(&classes, cut.join("\n") + "\n").unwrap();
    let rules = dir.path().join("rules.toml");
    fs::write(
        &rules,
        "[plan]\nid = \"p\"\nauthority = \"x\"\nstart = 2018-01-01\nend = 2020-12-31\n\n[[rules]]\nid = \"hours-90\"\nkind = \"coverage\"\ntitle = \"90学时\"\nclause = \"一\"\nwho = {}\nclass = {}\nmeasure = \"hours\"\nmin = 90\n",
    )
    .unwrap();
    let r = rules.to_str().unwrap();
    let (_, v, _) = check(dir.path(), "2021-03-01", &["--rules", r]);
    let absent = notices(&v, "column_absent");
    assert_eq!(absent.len(), 1, "{absent:?}");
    assert_eq!(absent[0]["column"], "hours");
    assert_eq!(absent[0]["rules"], serde_json::json!(["hours-90"]));
    // With an hours column in classes, nothing is absent.
    let classes = dir.path().join("classes.csv");
    let text = fs::read_to_string(&classes).unwrap();
    let with_hours: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{l},{}", if i == 0 { "hours" } else { "8" }))
        .collect();
    fs::write(&classes, with_hours.join("\n") + "\n").unwrap();
    let (_, v, _) = check(dir.path(), "2021-03-01", &["--rules", r]);
    assert!(
        notices(&v, "column_absent").is_empty(),
        "{:?}",
        v["notices"]
    );
}

/// The shipped rule set (SPEC §3, second edition) reads a roster's `主席` as 工会主席 and
/// knows the vice-chair posts: the chair is checked, the mapping is noticed, and
/// 工会副主席 (one character from 工会主席) is neither checked nor a `variant_value`.
#[test]
fn the_shipped_rules_map_chair_and_know_the_vice_chairs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("cadres.csv"),
        "id,name,post,unit_level,appointed_on\nC1,甲,主席,基层,2019-06-01\nC2,乙,工会副主席,基层,2019-06-01\nC3,丙,副主席,基层,2019-06-01\n",
    )
    .unwrap();
    fs::write(
        d.join("classes.csv"),
        "id,organizer,organizer_level,category,start_on\nK1,绵阳市总工会,市,业务培训,2019-08-01\n",
    )
    .unwrap();
    fs::write(d.join("attendance.csv"), "cadre_id,class_id\nC1,K1\n").unwrap();
    // C1 met the rule with K1; the rest are warnings (city-topic-classes): exit 0.
    let (code, v, err) = check(d, "2021-03-01", &[]);
    assert_eq!(code, 0, "{err}");
    let chairs = &v["rules"][0];
    assert_eq!(chairs["id"], "new-chair-training");
    assert_eq!(
        (chairs["checked"].as_u64(), chairs["met"].as_u64()),
        (Some(1), Some(1))
    );
    let mapped = notices(&v, "values_mapped");
    assert_eq!(mapped.len(), 1, "{v}");
    assert_eq!(mapped[0]["column"], "post");
    assert_eq!(mapped[0]["count"], 1);
    assert!(notices(&v, "variant_value").is_empty(), "{v}");
}
