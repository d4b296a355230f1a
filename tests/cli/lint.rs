//! Rule authors' tools (SPEC §7, issue "Rule authors' tools"): `peixun rules lint`
//! finds rule-file mistakes that parse, `validate --rules` lists the columns a rule
//! names that the data lacks, and `check` notices under a rule that matched nothing — a
//! typo in a value (`post = "工会主席x"`) must never make a report say "compliant".

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::util::{fixture, root, run};

const PLAN: &str = r#"
[plan]
id = "lint-test"
title = "测试规划"
authority = "绵阳市总工会"
start = 2018-01-01
end = 2020-12-31
"#;

const CADRES: &str = "id,name,unit,county,unit_level,post,kind,appointed_on\n\
C1,张三,涪城区总工会,涪城区,县区,工会主席,专职,2018-03-01\n\
C2,李四,涪城区吴家镇工会,涪城区,基层,主席,兼职,2018-04-01\n\
C3,王五,涪城区石塘街道工会,涪城区,基层,副主席,兼职,2018-05-01\n";

const CLASSES: &str = "id,name,organizer,organizer_level,county,category,start_on,days\n\
K1,业务培训班,绵阳市总工会,市,,业务培训,2018-06-01,2\n\
K2,专题培训班,绵阳市总工会,市,,专题培训,2019-06-01,1\n\
K3,基层班,涪城区总工会,县区,涪城区,基层工会干部培训,2019-07-01,1\n";

const ATTENDANCE: &str = "cadre_id,class_id\nC1,K1\nC2,K3\nC3,K3\n";

/// A folder with the three tables and `rules.toml` (the plan, then `rules`).
fn folder(rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("cadres.csv"), CADRES).unwrap();
    fs::write(dir.path().join("classes.csv"), CLASSES).unwrap();
    fs::write(dir.path().join("attendance.csv"), ATTENDANCE).unwrap();
    fs::write(dir.path().join("rules.toml"), format!("{PLAN}{rules}")).unwrap();
    dir
}

fn path(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).to_str().unwrap().to_owned()
}

/// `rules lint --rules DIR/rules.toml [DIR] --format json`: (exit code, JSON, stderr).
fn lint_json(dir: &tempfile::TempDir, with_data: bool) -> (i32, Value, String) {
    let rules = path(dir, "rules.toml");
    let data = dir.path().to_str().unwrap().to_owned();
    let mut args = vec!["rules", "lint", "--rules", &rules, "--format", "json"];
    if with_data {
        args.push(&data);
    }
    let (code, out, err) = run(&args, None);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v, err)
}

fn warnings<'v>(v: &'v Value, kind: &str) -> Vec<&'v Value> {
    v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == kind)
        .collect()
}

const QUOTE: &str = "quote = \"各县区工会每年至少安排1期基层工会干部培训班。\"\n";

fn rule(id: &str, body: &str) -> String {
    format!("\n[[rules]]\nid = \"{id}\"\ntitle = \"{id}\"\nclause = \"一\"\n{QUOTE}{body}\n")
}

#[test]
fn lint_without_data_finds_conditions_that_never_hold_and_rules_without_quote() {
    let rules = [
        rule(
            "days-backwards",
            "kind = \"quota\"\nevery = \"year\"\nclass = { days = { min = 3, max = 2 } }\nmin = 1",
        ),
        rule(
            "above-the-top",
            "kind = \"forbid\"\nclass = { organizer_level = { above = \"全国\" } }",
        ),
        rule(
            "after-the-plan",
            "kind = \"forbid\"\nclass = { start_on = { min = 2030-01-01 } }",
        ),
        // No quote.
        "\n[[rules]]\nid = \"unquoted\"\nkind = \"forbid\"\ntitle = \"t\"\nclause = \"一\"\nclass = { fee = { above = 0 } }\n".to_owned(),
    ]
    .concat();
    let dir = folder(&rules);
    let (code, v, err) = lint_json(&dir, false);
    assert_eq!(code, 1, "{v}\n{err}");
    let never: Vec<&str> = warnings(&v, "never_holds")
        .iter()
        .map(|w| w["rule"].as_str().unwrap())
        .collect();
    assert_eq!(never, ["days-backwards", "above-the-top", "after-the-plan"]);
    let column = |id: &str| {
        warnings(&v, "never_holds")
            .into_iter()
            .find(|w| w["rule"] == id)
            .unwrap()["column"]
            .clone()
    };
    assert_eq!(column("days-backwards"), "days");
    assert_eq!(column("above-the-top"), "organizer_level");
    assert_eq!(column("after-the-plan"), "start_on");
    let unquoted: Vec<&str> = warnings(&v, "no_quote")
        .iter()
        .map(|w| w["rule"].as_str().unwrap())
        .collect();
    assert_eq!(unquoted, ["unquoted"]);
    // Without data nothing is said about values, and no data error is counted.
    assert!(warnings(&v, "value_not_seen").is_empty());
    assert_eq!(
        v["summary"]["warnings"],
        v["warnings"].as_array().unwrap().len()
    );
    assert_eq!(v["summary"]["data_errors"], 0);
    // An empty `any` never gets this far: the rule file is refused (exit 2).
    let dir = folder(&rule(
        "empty-any",
        "kind = \"coverage\"\nwho = { any = [] }\nclass = {}\nmin = 1",
    ));
    let (code, out, err) = run(
        &["rules", "lint", "--rules", &path(&dir, "rules.toml")],
        None,
    );
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("any"), "{err}");
}

#[test]
fn lint_json_has_the_contract_shape() {
    let dir = folder(&rule(
        "chairs",
        "kind = \"coverage\"\nwho = { post = \"工会主席x\" }\nclass = {}\nmin = 1",
    ));
    let (code, v, _) = lint_json(&dir, true);
    assert_eq!(code, 1);
    let keys = |o: &Value| {
        let mut k: Vec<String> = o.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), ["summary", "warnings"]);
    assert_eq!(keys(&v["summary"]), ["data_errors", "warnings"]);
    for w in v["warnings"].as_array().unwrap() {
        for key in w.as_object().unwrap().keys() {
            assert!(
                ["rule", "kind", "message", "column", "value", "closest"].contains(&key.as_str()),
                "unexpected key {key} in {w}"
            );
        }
        assert!(w["rule"].is_string() && w["kind"].is_string() && w["message"].is_string());
    }
    let seen = &warnings(&v, "value_not_seen")[0];
    assert_eq!(seen["rule"], "chairs");
    assert_eq!(seen["column"], "post");
    assert_eq!(seen["value"], "工会主席x");
    assert!(seen["closest"].is_array());
}

#[test]
fn a_misspelt_value_is_not_seen_with_the_closest_by_distance_and_by_containment() {
    let dir = folder(&rule(
        "chairs",
        "kind = \"coverage\"\nwho = { post = \"工会主席x\" }\nclass = {}\nmin = 1",
    ));
    let (code, v, _) = lint_json(&dir, true);
    assert_eq!(code, 1, "{v}");
    let w = &warnings(&v, "value_not_seen")[0];
    // 工会主席 is one character off; 主席 is contained in the misspelt value.
    assert_eq!(w["closest"], serde_json::json!(["工会主席", "主席"]));
    let m = w["message"].as_str().unwrap();
    assert!(m.contains("工会主席x") && m.contains("3 个值"), "{m}");
    // And in English, the way SPEC §7 words it, and in the table.
    let rules = path(&dir, "rules.toml");
    let data = dir.path().to_str().unwrap();
    let (code, out, _) = run(
        &[
            "rules", "lint", "--rules", &rules, data, "--lang", "en", "--format", "json",
        ],
        None,
    );
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["warnings"][0]["message"],
        "rule chairs: post “工会主席x” is not among the 3 values seen; closest: 工会主席, 主席"
    );
    let (code, out, _) = run(
        &["rules", "lint", "--rules", &rules, data, "--lang", "en"],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("■ chairs [value_not_seen] rule chairs: post “工会主席x”"),
        "{out}"
    );
    assert!(out.contains("0 data error(s)"), "{out}");
}

#[test]
fn a_value_is_offered_by_containment_alone() {
    // `业务` is two characters from `业务培训`, more than half its length: only
    // containment finds it. `not` and `contains` values are checked too.
    let dir = folder(&rule(
        "business",
        "kind = \"quota\"\nevery = \"year\"\nclass = { category = \"业务\", name = { not = \"党校班x\" }, organizer = { contains = \"省总\" } }\nmin = 1",
    ));
    let (code, v, _) = lint_json(&dir, true);
    assert_eq!(code, 1);
    let by_value = |value: &str| {
        warnings(&v, "value_not_seen")
            .into_iter()
            .find(|w| w["value"] == value)
            .unwrap_or_else(|| panic!("no warning for {value}: {v}"))
            .clone()
    };
    assert_eq!(by_value("业务")["closest"], serde_json::json!(["业务培训"]));
    assert_eq!(by_value("党校班x")["column"], "name");
    assert_eq!(by_value("省总")["column"], "organizer");
}

#[test]
fn a_rule_whose_conditions_match_no_row_is_said() {
    // Each value is seen, but no class is both a topic class and held by a county.
    let dir = folder(&rule(
        "county-topics",
        "kind = \"quota\"\nevery = \"year\"\nclass = { category = \"专题培训\", organizer_level = \"县区\" }\nmin = 1",
    ));
    let (code, v, _) = lint_json(&dir, true);
    assert_eq!(code, 1, "{v}");
    assert!(warnings(&v, "value_not_seen").is_empty(), "{v}");
    let w = warnings(&v, "matches_nothing");
    assert_eq!(w.len(), 1, "{v}");
    assert_eq!(w[0]["rule"], "county-topics");
    assert!(w[0]["message"].as_str().unwrap().contains("class"), "{v}");
}

#[test]
fn columns_the_data_lacks_are_warnings_not_a_stop() {
    let rules = [
        rule(
            "certified",
            "kind = \"coverage\"\nwho = { \"社工证书\" = \"有\" }\nclass = {}\nmin = 1",
        ),
        rule(
            "city-free",
            "kind = \"forbid\"\nclass = { organizer_level = \"市\", fee = { above = 0 } }",
        ),
    ]
    .concat();
    let dir = folder(&rules);
    let (code, v, err) = lint_json(&dir, true);
    assert_eq!(code, 1, "{err}");
    let missing = warnings(&v, "column_missing");
    assert_eq!(missing.len(), 1, "{v}");
    assert_eq!(missing[0]["rule"], "certified");
    assert_eq!(missing[0]["column"], "社工证书");
    // The classes file has no `fee` column: the fee rule checks nothing.
    let absent = warnings(&v, "column_absent");
    assert_eq!(absent.len(), 1, "{v}");
    assert_eq!(absent[0]["rule"], "city-free");
    assert_eq!(absent[0]["column"], "fee");
    // `check` stops on the missing column, as before.
    let (code, _, err) = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--rules",
            &path(&dir, "rules.toml"),
            "--as-of",
            "2021-01-01",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("社工证书"), "{err}");
}

#[test]
fn lint_exits_0_when_clean_and_2_when_it_cannot_read() {
    let dir = folder(&rule(
        "chairs",
        "kind = \"coverage\"\nwho = { post = [\"工会主席\", \"主席\"] }\nclass = { category = \"业务培训\" }\nmin = 1",
    ));
    let rules = path(&dir, "rules.toml");
    let data = dir.path().to_str().unwrap().to_owned();
    let (code, out, err) = run(&["rules", "lint", "--rules", &rules, &data], None);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_eq!(
        out,
        "没有发现问题；数据错误 0 条（peixun validate 可列出）\n"
    );
    let (code, v, _) = lint_json(&dir, true);
    assert_eq!(code, 0);
    assert_eq!(v["warnings"], serde_json::json!([]));
    // A data error is counted in one line, and is no warning.
    fs::write(
        dir.path().join("cadres.csv"),
        format!("{CADRES}C4,赵六,涪城区总工会,涪城区,县区,委员,专职,2018-13-01\n"),
    )
    .unwrap();
    let (code, out, _) = run(&["rules", "lint", "--rules", &rules, &data], None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("数据错误 1 条"), "{out}");
    // A rule file that does not parse.
    fs::write(
        dir.path().join("bad.toml"),
        format!("{PLAN}\n[[rules]]\nid = 1\n"),
    )
    .unwrap();
    let (code, out, err) = run(&["rules", "lint", "--rules", &path(&dir, "bad.toml")], None);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("bad.toml"), "{err}");
    // Data that cannot be used: a roster without its required `post` column.
    fs::write(
        dir.path().join("cadres.csv"),
        "id,name,appointed_on\nC1,张三,2018-03-01\n",
    )
    .unwrap();
    let (code, out, err) = run(&["rules", "lint", "--rules", &rules, &data], None);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("post"), "{err}");
}

#[test]
fn the_shipped_rule_set_lints_clean_without_data() {
    let (code, out, err) = run(&["rules", "lint"], None);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
}

#[test]
fn validate_lists_the_columns_a_rule_names_that_the_data_lacks() {
    let dir = folder(&rule(
        "certified",
        "kind = \"coverage\"\nwho = { \"社工证书\" = \"有\" }\nclass = {}\nmin = 1",
    ));
    let rules = path(&dir, "rules.toml");
    let data = dir.path().to_str().unwrap().to_owned();
    let (code, out, err) = run(
        &["validate", &data, "--rules", &rules, "--format", "json"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let n: Vec<&Value> = v["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "column_missing")
        .collect();
    assert_eq!(n.len(), 1, "{v}");
    assert_eq!(n[0]["table"], "cadres");
    assert_eq!(n[0]["column"], "社工证书");
    assert_eq!(n[0]["rules"], serde_json::json!(["certified"]));
    let (_, out, _) = run(&["validate", &data, "--rules", &rules], None);
    assert!(
        out.contains("社工证书") && out.contains("certified"),
        "{out}"
    );
    let (_, out, _) = run(
        &["validate", &data, "--rules", &rules, "--lang", "en"],
        None,
    );
    assert!(out.contains("check stops"), "{out}");
}

/// The embedded rule set with `post = "工会主席"` misspelt `工会主席x`.
fn typo_rules(dir: &Path) -> String {
    let text = fs::read_to_string(root().join("rules/mianyang-2018-2020.toml")).unwrap();
    let typo = text.replacen("post = \"工会主席\"", "post = \"工会主席x\"", 1);
    assert_ne!(text, typo);
    let p = dir.join("typo.toml");
    fs::write(&p, typo).unwrap();
    p.to_str().unwrap().to_owned()
}

fn check_demo(extra: &[&str]) -> (i32, String, String) {
    let demo = fixture("demo");
    let mut args = vec!["check", demo.to_str().unwrap(), "--as-of", "2021-03-01"];
    args.extend_from_slice(extra);
    run(&args, None)
}

#[test]
fn a_typo_in_a_rule_is_noticed_under_the_rule_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = typo_rules(tmp.path());
    let (_, out, err) = check_demo(&["--rules", &rules, "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let rule = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "new-chair-training")
        .unwrap();
    assert_eq!(rule["checked"], 0);
    let notices = rule["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{rule}");
    assert_eq!(notices[0]["kind"], "rule_matched_nothing");
    assert!(
        notices[0]["message"]
            .as_str()
            .unwrap()
            .contains("工会主席x")
    );
    // No other rule gains one.
    let others = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("notices").is_some())
        .count();
    assert_eq!(others, 1);

    let (_, table, _) = check_demo(&["--rules", &rules]);
    let heading = table.find("■ new-chair-training").unwrap();
    let next = table[heading..].find("\n■ ").unwrap() + heading;
    let section = &table[heading..next];
    assert!(
        section.contains("提示：干部名册中没有职务为“工会主席x”的行"),
        "{section}"
    );

    let (_, md, _) = check_demo(&["--rules", &rules, "--format", "markdown"]);
    assert!(
        md.contains("提示：干部名册中没有职务为“工会主席x”的行"),
        "{md}"
    );

    let (_, html, _) = check_demo(&["--rules", &rules, "--format", "html", "--lang", "en"]);
    assert!(
        html.contains("<p class=\"note\">Notice: no row of cadres has 职务 = “工会主席x”"),
        "{html}"
    );

    let (_, junit, _) = check_demo(&["--rules", &rules, "--format", "junit"]);
    assert!(
        junit.contains(
            "<property name=\"rule_matched_nothing\" value=\"干部名册中没有职务为“工会主席x”的行"
        ),
        "{junit}"
    );

    let xlsx = tmp.path().join("report.xlsx");
    let (code, _, err) = check_demo(&["--rules", &rules, "-o", xlsx.to_str().unwrap()]);
    assert!(code < 2, "{err}");
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let summary = wb.worksheet_range("汇总").unwrap();
    let row = summary
        .rows()
        .find(|r| r.first().is_some_and(|c| *c == "new-chair-training"))
        .unwrap();
    assert!(
        row.iter().any(|c| c
            .to_string()
            .contains("提示：干部名册中没有职务为“工会主席x”的行")),
        "{row:?}"
    );
}

#[test]
fn no_rule_is_noticed_on_the_demo_where_every_rule_matches() {
    for as_of in ["2019-06-30", "2021-03-01"] {
        let demo = fixture("demo");
        let (_, out, _) = run(
            &[
                "check",
                demo.to_str().unwrap(),
                "--as-of",
                as_of,
                "--format",
                "json",
            ],
            None,
        );
        let v: Value = serde_json::from_str(&out).unwrap();
        for r in v["rules"].as_array().unwrap() {
            assert!(r.get("notices").is_none(), "{as_of}: {r}");
        }
        let (_, table, _) = run(&["check", demo.to_str().unwrap(), "--as-of", as_of], None);
        assert!(!table.contains("规则可能什么也没查"), "{table}");
    }
}

#[test]
fn a_rule_that_checked_nothing_is_noticed() {
    // Every value is seen, but no chair was appointed by the as-of date.
    let dir = folder(&rule(
        "chairs",
        "kind = \"coverage\"\nwho = { post = \"工会主席\" }\nclass = {}\nmin = 1",
    ));
    let (_, out, err) = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--rules",
            &path(&dir, "rules.toml"),
            "--as-of",
            "2018-02-01",
            "--format",
            "json",
            "--lang",
            "en",
        ],
        None,
    );
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let r = &v["rules"][0];
    assert_eq!(r["checked"], 0);
    // No cadre in office yet: the value matches no row of the as-of view.
    assert_eq!(r["notices"][0]["kind"], "rule_matched_nothing");
    // As of a later date the chair is checked and nothing is noticed.
    let (_, out, _) = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--rules",
            &path(&dir, "rules.toml"),
            "--as-of",
            "2019-02-01",
            "--format",
            "json",
        ],
        None,
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["rules"][0].get("notices").is_none(), "{v}");
}

#[test]
fn a_rule_with_no_literal_that_checked_nothing_is_noticed() {
    // No cadre is in office before 2018-03-01: the rule checks nothing at all.
    let dir = folder(&rule(
        "everyone",
        "kind = \"coverage\"\nwho = {}\nclass = {}\nmin = 1",
    ));
    let (_, out, _) = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--rules",
            &path(&dir, "rules.toml"),
            "--as-of",
            "2018-02-01",
            "--format",
            "json",
            "--lang",
            "en",
        ],
        None,
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let n = &v["rules"][0]["notices"];
    assert_eq!(n.as_array().unwrap().len(), 1, "{v}");
    assert!(
        n[0]["message"]
            .as_str()
            .unwrap()
            .contains("checked nothing")
    );
}

/// A value no row has is said with the column as the file's header named it, in
/// Chinese (职务, a GBK export's own header), as every human text names columns; JSON
/// keeps the canonical `column`.
#[test]
fn a_value_not_seen_names_the_column_by_its_header() {
    let dir = folder(&rule(
        "chairs",
        "kind = \"coverage\"\nwho = { post = \"工会主席x\" }\nclass = {}\nmin = 1",
    ));
    let cadres = CADRES.replacen("post", "职务", 1);
    let gbk = encoding_rs::GBK.encode(&cadres).0.into_owned();
    fs::write(dir.path().join("cadres.csv"), gbk).unwrap();
    let (code, v, _) = lint_json(&dir, true);
    assert_eq!(code, 1, "{v}");
    let w = &warnings(&v, "value_not_seen")[0];
    assert_eq!(w["column"], "post");
    assert_eq!(
        w["message"],
        "规则 chairs：职务“工会主席x”不在数据中出现的 3 个值之中；最接近：工会主席、主席"
    );
}

/// An option about the data (`--attendance`, `--encoding`, `--columns` …) without DATA
/// reads the data of the current folder, as `check` does, instead of being ignored.
#[test]
fn an_option_about_the_data_means_the_data_is_read() {
    let dir = folder(&rule(
        "chairs",
        "kind = \"coverage\"\nwho = { post = \"工会主席x\" }\nclass = {}\nmin = 1",
    ));
    for extra in [
        &["--encoding", "utf-8"][..],
        &["--attendance", "attendance.csv"],
        &["--delimiter", ","],
    ] {
        let mut args = vec!["rules", "lint", "--rules", "rules.toml", "--format", "json"];
        args.extend_from_slice(extra);
        let (code, out, err) = run(&args, Some(dir.path()));
        assert_eq!(code, 1, "{extra:?}: {out}{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert!(
            !warnings(&v, "value_not_seen").is_empty(),
            "{extra:?}: {out}"
        );
    }
    // A columns file with nothing to read beside it: the missing table is named.
    let empty = tempfile::tempdir().unwrap();
    fs::write(empty.path().join("c.toml"), "[cadres]\n\"工号\" = \"id\"\n").unwrap();
    let (code, out, err) = run(
        &["rules", "lint", "--columns", "c.toml"],
        Some(empty.path()),
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("干部名册") && err.contains("--cadres"),
        "{err}"
    );
}

/// `--fail-on notice` fails on a notice under a rule too: a misspelt value that makes
/// a rule check nothing gives exit 1 there, while the default still gives 0.
#[test]
fn fail_on_notice_fails_on_a_rule_that_matched_nothing() {
    let dir = folder(&rule(
        "chairs",
        "kind = \"coverage\"\nwho = { post = \"秘书长\" }\nclass = {}\nmin = 1",
    ));
    let d = dir.path().to_str().unwrap();
    let rules = path(&dir, "rules.toml");
    let base = [
        "check",
        d,
        "--rules",
        &rules,
        "--as-of",
        "2020-12-31",
        "--format",
        "json",
    ];
    let (code, out, err) = run(&base, None);
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["notices"].as_array().unwrap().is_empty(), "{out}");
    assert_eq!(v["rules"][0]["notices"][0]["kind"], "rule_matched_nothing");
    let mut args = base.to_vec();
    args.extend(["--fail-on", "notice"]);
    let (code, out, err) = run(&args, None);
    assert_eq!(code, 1, "{out}{err}");
}
