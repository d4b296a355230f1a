//! Every scenario under `fixtures/` against its hand-worked expected reports
//! (fixtures/CONVENTIONS.md): the whole JSON report but the human-language texts,
//! and the exit code that follows from it.

use std::fs;

use serde_json::Value;

use crate::util::{comparable, diff, fixture, root, run};

/// The exit code SPEC §4 gives for a report.
fn expected_exit(report: &Value) -> i32 {
    let data_errors = report["data_errors"]
        .as_array()
        .is_some_and(|a| !a.is_empty());
    let failing = report["findings"].as_array().is_some_and(|fs| {
        fs.iter()
            .any(|f| f["status"] == "violation" && f["severity"] == "error")
    });
    i32::from(data_errors || failing)
}

fn check_scenario(name: &str) -> Vec<String> {
    let dir = fixture(name);
    let mut failures = Vec::new();
    let mut expected_files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("expected-") && n.ends_with(".json"))
        })
        .collect();
    expected_files.sort();
    assert!(!expected_files.is_empty(), "{name} has no expected-*.json");
    for path in expected_files {
        let expected: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let as_of = expected["as_of"].as_str().expect("as_of").to_owned();
        let mut args = vec![
            "check".to_owned(),
            dir.to_str().unwrap().to_owned(),
            "--as-of".into(),
            as_of.clone(),
        ];
        args.extend(["--format".into(), "json".into()]);
        if dir.join("rules.toml").exists() {
            args.extend([
                "--rules".into(),
                dir.join("rules.toml").to_str().unwrap().to_owned(),
            ]);
        }
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stdout, stderr) = run(&argv, Some(&root()));
        let actual: Value = match serde_json::from_str(&stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!(
                    "{name} as of {as_of}: stdout is not JSON ({e}); stderr: {stderr}"
                ));
                continue;
            }
        };
        let (e, a) = (comparable(expected.clone()), comparable(actual.clone()));
        if e != a {
            failures.push(format!(
                "{name} as of {as_of}: report differs\n{}",
                diff(&e, &a)
            ));
        }
        if code != expected_exit(&expected) {
            failures.push(format!(
                "{name} as of {as_of}: exit {code}, expected {}",
                expected_exit(&expected)
            ));
        }
        if !stderr.is_empty() {
            failures.push(format!("{name} as of {as_of}: unexpected stderr: {stderr}"));
        }
    }
    failures
}

macro_rules! scenario {
    ($test:ident, $name:literal) => {
        #[test]
        fn $test() {
            let failures = check_scenario($name);
            assert!(failures.is_empty(), "{}", failures.join("\n\n"));
        }
    };
}

scenario!(demo, "demo");
scenario!(demo_no_units, "demo-no-units");
scenario!(deadline_boundaries, "deadline-boundaries");
scenario!(quota_boundaries, "quota-boundaries");
scenario!(rotation_and_fees, "rotation-and-fees");
scenario!(date_spellings, "date-spellings");
scenario!(data_errors, "data-errors");
scenario!(second_plan, "second-plan");
scenario!(second_plan_days, "second-plan-days");
scenario!(as_of_view, "as-of-view");
scenario!(measures, "measures");
scenario!(units_rules, "units-rules");
scenario!(units_fallback, "units-fallback");
scenario!(typed_columns, "typed-columns");
scenario!(national_norm, "national-norm");
scenario!(national_norm_no_units, "national-norm-no-units");

/// Every scenario folder is listed above, so none is silently skipped.
#[test]
fn every_fixture_is_run() {
    let listed = [
        "demo",
        "demo-no-units",
        "deadline-boundaries",
        "quota-boundaries",
        "rotation-and-fees",
        "date-spellings",
        "data-errors",
        "second-plan",
        "second-plan-days",
        "as-of-view",
        "measures",
        "units-rules",
        "units-fallback",
        "typed-columns",
        "national-norm",
        "national-norm-no-units",
    ];
    for e in fs::read_dir(root().join("fixtures")).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir()
            && p.read_dir().unwrap().any(|f| {
                f.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("expected-")
            })
        {
            let name = p.file_name().unwrap().to_str().unwrap().to_owned();
            assert!(
                listed.contains(&name.as_str()),
                "fixture {name} is not run by tests/cli/fixtures.rs"
            );
        }
    }
}
