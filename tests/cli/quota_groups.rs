//! `quota` with `$group` (SPEC §5): which subjects a class counts for is looked up,
//! not tested subject by subject; the look-up must say what the test says — a class
//! counted for two subjects whose names read as the same number, a subject with no
//! class, a class with the column empty, and near misses only of the subject's own.

use std::fs;

use serde_json::Value;

use crate::util::run;

const RULES: &str = r#"[plan]
id = "p"
start = 2021-01-01
end = 2021-12-31

[columns]
classes = { "场次" = "number" }

[[rules]]
id = "q"
kind = "quota"
title = "t"
clause = "1"
group_by = "county"
groups = ["1.0", "无班县"]
every = "plan"
class = { "场次" = "$group" }
min = 1

[[rules]]
id = "q2"
kind = "quota"
title = "t2"
clause = "2"
group_by = "county"
every = "plan"
class = { "场次" = "$group", days = { min = 2 } }
min = 1
"#;

const CADRES: &str = "id,name,unit,county,unit_level,post,kind,appointed_on,left_on
C1,张华,吴家镇总工会,1,基层,工会主席,兼职,2016-03-01,
C2,李明,石马镇总工会,02,基层,工会主席,兼职,2016-03-01,
C3,王芳,某镇总工会,3,基层,工会主席,兼职,2016-03-01,
";

const CLASSES: &str = "id,name,organizer,organizer_level,county,category,start_on,days,fee,场次
K1,培训班,涪城区总工会,县区,涪城区,基层工会干部培训,2021-06-01,1,,1
K2,培训班,游仙区总工会,县区,游仙区,基层工会干部培训,2021-07-01,1,,2
K3,培训班,游仙区总工会,县区,游仙区,基层工会干部培训,2021-08-01,1,,
K4,培训班,涪城区总工会,县区,涪城区,基层工会干部培训,2021-09-01,2,,1
";

#[test]
fn a_class_counts_for_every_subject_its_group_column_equals() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("rules.toml"), RULES).unwrap();
    fs::write(dir.path().join("cadres.csv"), CADRES).unwrap();
    fs::write(dir.path().join("classes.csv"), CLASSES).unwrap();
    fs::write(
        dir.path().join("attendance.csv"),
        "cadre_id,class_id,completed\n",
    )
    .unwrap();
    let rules = dir.path().join("rules.toml");
    let (code, out, err) = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--as-of",
            "2022-01-01",
            "--format",
            "json",
            "--lang",
            "en",
        ],
        None,
    );
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let rule = |id: &str| {
        v["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    // Subjects 1, 02, 3 (the roster) and 1.0, 无班县 (`groups`): K1 and K4 count for
    // both 1 and 1.0 (the number 1), K2 for 02; 3 and 无班县 have none (K3's 场次 is
    // empty: it counts for no subject).
    assert_eq!(rule("q")["checked"], 5, "{out}");
    assert_eq!(rule("q")["met"], 3, "{out}");
    assert_eq!(rule("q2")["checked"], 3, "{out}");
    assert_eq!(rule("q2")["met"], 1, "{out}");
    let findings: Vec<(String, String, String, Vec<String>)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let classes = |key: &str| -> Vec<String> {
                f["evidence"][key]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| {
                        c.as_str()
                            .map_or_else(|| c["class"].to_string(), str::to_owned)
                    })
                    .collect()
            };
            assert!(classes("classes").is_empty(), "{f}");
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["subject"].as_str().unwrap().to_owned(),
                f["status"].as_str().unwrap().to_owned(),
                classes("near"),
            )
        })
        .collect();
    let want = |r: &str, s: &str, near: &[&str]| {
        (
            r.to_owned(),
            s.to_owned(),
            "violation".to_owned(),
            near.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        findings,
        vec![
            want("q", "3", &[]),
            want("q", "无班县", &[]),
            // The 1-day K2 is 02's near miss; K1 (subject 1's, met by K4) is not 3's.
            want("q2", "02", &["K2"]),
            want("q2", "3", &[]),
        ],
        "{out}"
    );
}
