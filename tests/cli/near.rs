//! SPEC §8 `near`: the classes that came close, in a finding's evidence and message — a
//! class failing exactly one condition of the rule's `class` table, an attendance not
//! completed, and never a neighbour county's class for a quota.

use std::path::Path;

use serde_json::{Value, json};

use crate::util::{check_json, finding, fixture, tables};

/// Runs `check DIR --as-of AS_OF --format json EXTRA…`: the report.
fn check(dir: &Path, as_of: &str, extra: &[&str]) -> Value {
    check_json(dir, as_of, extra).1
}

#[test]
fn a_half_day_class_is_a_near_miss_and_the_message_says_so() {
    // demo: 安州区总工会 held AZ2018-01 on 2018-12-18, 基层工会干部培训 of 0.5 days, in 2018.
    let demo = fixture("demo");
    let zh = check(&demo, "2021-03-01", &[]);
    let f = finding(&zh, "county-annual-class:安州区总工会:2018");
    assert_eq!(f["evidence"]["count"], 0);
    assert_eq!(
        f["evidence"]["near"],
        json!([{ "class": "AZ2018-01", "failed": "days" }])
    );
    assert_eq!(
        f["message"],
        "已办 0 期，至少需 1 期；2018-12-18 举办过一期 0.5 天的培训班（AZ2018-01），培训 1 天起才计入"
    );
    let en = check(&demo, "2021-03-01", &["--lang", "en"]);
    assert_eq!(
        finding(&en, "county-annual-class:安州区总工会:2018")["message"],
        "0 class(es) held, at least 1 class(es) required; a 0.5-day class was held on 2018-12-18 (AZ2018-01); classes count from 1 day"
    );
}

#[test]
fn an_attendance_not_completed_is_a_near_miss() {
    // demo: 李春燕 attended MY2021-01 (市 任职培训, 2021-01-12) within her year, marked
    // 是否结业 = 否; 郑雪梅 attended YX2019-01 and did not complete it either.
    let demo = fixture("demo");
    let report = check(&demo, "2021-03-01", &[]);
    let f = finding(&report, "new-chair-training:510727198302010021");
    assert_eq!(
        f["evidence"]["near"],
        json!([{ "class": "MY2021-01", "failed": "completed" }])
    );
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("；参加了 MY2021-01（2021-01-12）但未结业"),
        "{f}"
    );
    let f = finding(&report, "full-rotation:51070419930201004X");
    assert_eq!(
        f["evidence"]["near"],
        json!([{ "class": "YX2019-01", "failed": "completed" }])
    );

    // A class completed in one row and not in another was attended: no near miss. A
    // class that fails a condition and was not completed fails two: no near miss.
    let dir = tempfile::tempdir().unwrap();
    tables(
        dir.path(),
        "id,name,post,county,unit_level,appointed_on\nC1,甲,工会主席,涪城区,基层,2019-06-01\nC2,乙,工会主席,涪城区,基层,2019-06-01\n",
        "id,organizer_level,county,category,start_on\n\
         K1,市,,专题培训,2019-08-01\nK2,市,,初任培训,2019-09-01\nK3,县区,涪城区,任职培训,2019-10-01\n",
        "cadre_id,class_id,completed\nC1,K1,否\nC1,K2,是\nC1,K2,否\nC2,K1,否\nC2,K3,否\n",
    );
    let report = check(dir.path(), "2020-07-01", &[]);
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["id"] != "new-chair-training:C1"),
        "C1 completed K2"
    );
    let f = finding(&report, "new-chair-training:C2");
    assert_eq!(
        f["evidence"]["near"],
        json!([{ "class": "K3", "failed": "completed" }]),
        "K1 is the wrong category and not completed: two conditions"
    );
}

#[test]
fn a_quota_near_miss_is_never_a_neighbour_county_s_class() {
    // 安州区 held a half-day class, 涪城区 a full day, 三台县 nothing, all in 2019. The
    // full-day class of 涪城区 fails only `county` for the others: it is not theirs.
    let dir = tempfile::tempdir().unwrap();
    tables(
        dir.path(),
        "id,name,post,county,appointed_on\n\
         A1,甲,委员,安州区,2017-01-01\nF1,乙,委员,涪城区,2017-01-01\nS1,丙,委员,三台县,2017-01-01\n",
        "id,organizer_level,county,category,start_on,days\n\
         AZ1,县区,安州区,基层工会干部培训,2019-05-06,0.5\n\
         FC1,县区,涪城区,基层工会干部培训,2019-05-07,1\n\
         FC2,县区,涪城区,业务培训,2019-06-01,2\n",
        "cadre_id,class_id\n",
    );
    let report = check(dir.path(), "2020-03-01", &[]);
    assert_eq!(
        finding(&report, "county-annual-class:安州区:2019")["evidence"]["near"],
        json!([{ "class": "AZ1", "failed": "days" }])
    );
    assert_eq!(
        finding(&report, "county-annual-class:三台县:2019")["evidence"]["near"],
        json!([])
    );
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["id"] != "county-annual-class:涪城区:2019"),
        "涪城区 met 2019 with FC1"
    );
    // Forbid findings and attendee counts have no near misses.
    let demo = check(&fixture("demo"), "2021-03-01", &[]);
    for f in demo["findings"].as_array().unwrap() {
        assert_eq!(
            f["evidence"].get("near").is_some(),
            f["rule"] != "city-class-free" && f["rule"] != "county-send-topic",
            "{f}"
        );
    }
}

#[test]
fn a_near_miss_failing_an_any_says_none_of_it_holds_not_that_it_is_empty() {
    // national-norm: E01 (机械厂工会, 基层) attended K04, a 业务培训 by 城关镇工会 (基层):
    // neither organised by E01's own unit nor above E01's level, so only the `any` fails.
    let dir = fixture("national-norm");
    let rules = dir.join("rules.toml");
    let rules = rules.to_str().unwrap();
    let zh = check(&dir, "2022-06-30", &["--rules", rules]);
    let f = finding(&zh, "promoted-training:E01");
    assert_eq!(
        f["evidence"]["near"],
        json!([{ "class": "K04", "failed": "any" }])
    );
    assert_eq!(
        f["message"],
        "2021-03-01～2022-03-01 期间没有已结业的符合条件培训；K04（2021-07-01）不计入：规则要求以下至少一项成立：（举办单位与该干部的所在单位相同）或（举办层级高于该干部的单位层级），它一项也不满足"
    );
    let en = check(&dir, "2022-06-30", &["--rules", rules, "--lang", "en"]);
    let message = finding(&en, "promoted-training:E01")["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.ends_with("K04 on 2021-07-01 does not count: the rule asks that at least one of: (organizer equals the cadre's unit) or (organizer_level is above the cadre's unit_level), and none holds"),
        "{message}"
    );
    assert!(!message.contains("any is empty"), "{message}");
}
