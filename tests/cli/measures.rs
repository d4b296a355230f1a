//! SPEC §6 "More measures and amounts", "More kinds of subject and period": rule files
//! that misuse `rate`, `or`, `attendees` and `every` stop the run (exit 2) at the
//! offending text, saying what was expected; `rules explain` describes the new keys.

use crate::util::{fixture, run};

const PLAN: &str = "[plan]\nid = \"p\"\nstart = 2021-01-01\nend = 2022-12-31\n";

/// Runs `check` on the measures fixture with `rule` as the only rule; returns stderr
/// after asserting exit 2 and an empty stdout.
fn rule_error(rule: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.toml");
    let text = format!("{PLAN}[[rules]]\nid = \"r\"\ntitle = \"t\"\nclause = \"c\"\n{rule}\n");
    std::fs::write(&path, &text).unwrap();
    let data = fixture("measures");
    let (code, stdout, stderr) = run(
        &[
            "check",
            data.to_str().unwrap(),
            "--rules",
            path.to_str().unwrap(),
            "--as-of",
            "2022-06-30",
            "--lang",
            "en",
        ],
        None,
    );
    assert_eq!(code, 2, "stderr: {stderr}\nrules:\n{text}");
    assert!(stdout.is_empty(), "{stdout}");
    stderr
}

/// The line and column `needle` starts at in the rule file `rule_error` writes.
fn at(rule: &str, needle: &str) -> String {
    let text = format!("{PLAN}[[rules]]\nid = \"r\"\ntitle = \"t\"\nclause = \"c\"\n{rule}\n");
    let i = text.find(needle).unwrap();
    let line = text[..i].matches('\n').count() + 1;
    let col = text[..i].rsplit('\n').next().unwrap().chars().count() + 1;
    format!(":{line}:{col}")
}

fn assert_error(rule: &str, needle: &str, phrase: &str) {
    let stderr = rule_error(rule);
    let pos = at(rule, needle);
    assert!(stderr.contains(&pos), "expected {pos} in: {stderr}");
    assert!(stderr.contains(phrase), "expected `{phrase}` in: {stderr}");
}

#[test]
fn rate_with_more_than_four_decimals() {
    let rule = "kind = \"coverage\"\nclass = {}\nrate = 0.12345";
    assert_error(rule, "0.12345", "more than 4 decimal places");
}

#[test]
fn rate_outside_zero_to_one() {
    for (v, why) in [
        ("1.5", "more than 1"),
        ("0", "not above 0"),
        ("-0.5", "not a plain decimal"),
    ] {
        let rule = format!("kind = \"coverage\"\nclass = {{}}\nrate = {v}");
        // The value after the key (a bare `0` is found earlier in the plan's dates).
        let stderr = rule_error(&rule);
        let key = at(&rule, "rate = ");
        let (line, col) = key[1..].split_once(':').unwrap();
        let pos = format!(":{line}:{}", col.parse::<usize>().unwrap() + 7);
        assert!(stderr.contains(&pos), "expected {pos} in: {stderr}");
        assert!(stderr.contains(why), "expected `{why}` in: {stderr}");
    }
}

#[test]
fn rate_on_another_kind() {
    let rule = "kind = \"quota\"\nevery = \"year\"\nclass = {}\nmin = 1\nrate = 0.9";
    assert_error(rule, "rate =", "`rate` is taken only by coverage rules");
}

#[test]
fn attendees_outside_quota() {
    let rule = "kind = \"coverage\"\nclass = {}\nmeasure = \"attendees\"";
    assert_error(rule, "\"attendees\"", "taken only by a quota rule");
}

#[test]
fn or_with_max() {
    let rule = "kind = \"quota\"\nevery = \"year\"\nclass = {}\nmin = 1\nmax = 3\nor = [ { measure = \"hours\", min = 9 } ]";
    assert_error(rule, "[ {", "`or` cannot be used with `max`");
}

#[test]
fn or_on_forbid() {
    let rule = "kind = \"forbid\"\nclass = {}\nor = [ { measure = \"hours\", min = 9 } ]";
    assert_error(
        rule,
        "or =",
        "`or` is taken only by deadline, coverage and quota rules",
    );
}

#[test]
fn or_with_rate_and_attendees_inside_or() {
    let rule =
        "kind = \"coverage\"\nclass = {}\nrate = 0.9\nor = [ { measure = \"hours\", min = 9 } ]";
    assert_error(rule, "[ {", "`or` cannot be used with `rate`");
    let rule = "kind = \"deadline\"\nfrom = \"appointed_on\"\nwithin = \"1y\"\nor = [ { measure = \"attendees\", min = 9 } ]";
    assert_error(rule, "\"attendees\"", "not inside `or`");
}

#[test]
fn quota_who_needs_attendees_and_group_by_needs_rate() {
    let rule = "kind = \"quota\"\nevery = \"year\"\nclass = {}\nmin = 1\nwho = { kind = \"专职\" }";
    assert_error(rule, "{ kind", "only with `measure = \"attendees\"`");
    let rule = "kind = \"coverage\"\nclass = {}\ngroup_by = \"county\"";
    assert_error(rule, "\"county\"", "needs `rate`");
}

#[test]
fn explain_describes_the_new_keys() {
    let rules = fixture("measures").join("rules.toml");
    let rules = rules.to_str().unwrap();
    for (id, words) in [
        ("annual-12d-90h", &["或90学时", "按年检查"][..]),
        ("county-rate", &["按干部名册中的县区分组", "0.5"][..]),
        ("city-attendees", &["人数", "同一干部只计一次"][..]),
    ] {
        let (code, stdout, stderr) = run(&["rules", "explain", id, "--rules", rules], None);
        assert_eq!(code, 0, "{stderr}");
        for w in words {
            assert!(stdout.contains(w), "`{w}` not in explain {id}:\n{stdout}");
        }
    }
}

/// SPEC §6: `from = "left_on"` counts from the day a cadre left, and leaving does not
/// excuse the cadre (as it does when counting from `appointed_on`). L1 left 2020-01-10
/// and attended a class on 2020-02-01, within 3 months: met. L2 left the same day and
/// attended nothing: due 2020-04-10, a violation as of 2020-06-30, pending on
/// 2020-04-10 itself. L3 has not left: not checked.
#[test]
fn a_deadline_counted_from_left_on_checks_those_who_left() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("cadres.csv"),
        "id,name,post,appointed_on,left_on\nL1,甲,委员,2018-03-01,2020-01-10\nL2,乙,委员,2018-03-01,2020-01-10\nL3,丙,委员,2018-03-01,\n",
    )
    .unwrap();
    std::fs::write(
        d.join("classes.csv"),
        "id,organizer_level,category,start_on\nK1,市,离任培训,2020-02-01\n",
    )
    .unwrap();
    std::fs::write(
        d.join("attendance.csv"),
        "class_id,cadre_id,completed\nK1,L1,是\n",
    )
    .unwrap();
    let rules = d.join("rules.toml");
    std::fs::write(
        &rules,
        "[plan]\nid = \"p\"\nauthority = \"x\"\nstart = 2018-01-01\nend = 2020-12-31\n\n[[rules]]\nid = \"exit\"\nkind = \"deadline\"\ntitle = \"离任3个月内参加离任培训\"\nclause = \"一\"\nwho = {}\nfrom = \"left_on\"\nwithin = \"3m\"\nclass = {}\n",
    )
    .unwrap();
    let json = |as_of: &str| -> serde_json::Value {
        let (_, out, err) = run(
            &[
                "check",
                d.to_str().unwrap(),
                "--rules",
                rules.to_str().unwrap(),
                "--as-of",
                as_of,
                "--format",
                "json",
            ],
            None,
        );
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"))
    };
    let v = json("2020-06-30");
    assert_eq!(v["rules"][0]["checked"], 2);
    assert_eq!(v["rules"][0]["met"], 1);
    assert_eq!(v["findings"][0]["subject"], "L2");
    assert_eq!(v["findings"][0]["status"], "violation");
    assert_eq!(v["findings"][0]["due"], "2020-04-10");
    let v = json("2020-04-10");
    assert_eq!(v["findings"][0]["status"], "pending");
}

/// SPEC §6: a cadre at a class twice counts once, with the first completed row's hours —
/// also when that row gives none (then the class's hours count, not a later row's).
#[test]
fn hours_come_from_the_first_completed_row_even_when_it_gives_none() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("cadres.csv"),
        "id,name,post,appointed_on\nH1,甲,委员,2020-01-01\nH2,乙,委员,2020-01-01\nH3,丙,委员,2020-01-01\n",
    )
    .unwrap();
    std::fs::write(
        d.join("classes.csv"),
        "id,organizer_level,category,start_on,days,hours\nK1,市,业务培训,2021-03-01,1,8\n",
    )
    .unwrap();
    // H1: first row without hours, a later one with 50 → the class's 8. H2: first row 45,
    // a later one without → 45. H3: a row not completed with 50, then a completed one
    // without → 8.
    std::fs::write(
        d.join("attendance.csv"),
        "class_id,cadre_id,completed,参训学时\nK1,H1,是,\nK1,H2,是,45\nK1,H3,否,50\nK1,H2,是,\nK1,H3,是,\nK1,H1,是,50\n",
    )
    .unwrap();
    let rules = d.join("rules.toml");
    std::fs::write(
        &rules,
        "[plan]\nid = \"p\"\nauthority = \"x\"\nstart = 2021-01-01\nend = 2021-12-31\n\n[[rules]]\nid = \"h\"\nkind = \"coverage\"\ntitle = \"t\"\nclause = \"c\"\nwho = {}\nclass = {}\nmeasure = \"days\"\nmin = 5\nor = [ { measure = \"hours\", min = 40 } ]\n",
    )
    .unwrap();
    let (code, out, err) = run(
        &[
            "check",
            d.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--as-of",
            "2021-06-30",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 0, "pending findings only: {err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rules"][0]["met"], 1, "{out}");
    let hours: Vec<(String, serde_json::Value)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["subject"].as_str().unwrap().to_owned(),
                f["evidence"]["amounts"]["hours"].clone(),
            )
        })
        .collect();
    assert_eq!(
        hours,
        vec![("H1".into(), 8.into()), ("H3".into(), 8.into())],
        "{out}"
    );
}

/// A rule set that counts no hours keeps no attendance hours, yet a bad `参训学时` is
/// still a data error and its row is still left out (SPEC §6).
#[test]
fn a_bad_hours_cell_is_an_error_when_no_rule_counts_hours() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[plan]\nid = \"p\"\nauthority = \"x\"\nstart = 2021-01-01\nend = 2022-12-31\n\n[[rules]]\nid = \"c\"\nkind = \"coverage\"\ntitle = \"t\"\nclause = \"c\"\nwho = {}\nclass = {}\n",
    )
    .unwrap();
    let data = fixture("measures");
    let (_, out, err) = run(
        &[
            "check",
            data.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--as-of",
            "2022-06-30",
            "--format",
            "json",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let errors = v["data_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{out}");
    assert_eq!(errors[0]["file"], "attendance.csv");
    assert_eq!(errors[0]["line"], 9);
    assert_eq!(errors[0]["column"], "hours");
    assert_eq!(errors[0]["value"], "-2");
    // A5's one attendance row is that row: left out, A5 has attended nothing.
    let subjects: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["A5", "A6", "A7", "A8"], "{out}");
}
