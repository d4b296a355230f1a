//! SPEC §8 "Files are never harmed": `-o` never names a file the run reads. Unix only
//! (`main.rs`): links as a unix system has them.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{fixture, root, run};

/// Every file under `dir` with its bytes, to show nothing changed and nothing was added.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(snapshot(&p));
        } else {
            out.insert(p.clone(), fs::read(&p).unwrap());
        }
    }
    out
}

// ------------------------------------------------------------------ -o and the inputs

/// Each way of naming an input with `-o` is refused with exit 2 before any work, naming
/// what the file is and saying to write elsewhere; nothing in the folder changes and no
/// file is added.
#[test]
fn output_naming_an_input_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let d = t.join("D");
    fs::create_dir(&d).unwrap();
    for table in ["cadres", "classes", "attendance"] {
        let name = format!("{table}.csv");
        fs::copy(fixture("demo").join(&name), d.join(&name)).unwrap();
    }
    let w = t.join("W");
    fs::create_dir(&w).unwrap();
    fs::copy(
        fixture("exports").join("workbook").join("台账.xlsx"),
        w.join("台账.xlsx"),
    )
    .unwrap();
    fs::copy(
        root().join("rules").join("mianyang-2018-2020.toml"),
        t.join("rules.toml"),
    )
    .unwrap();
    fs::write(t.join("columns.toml"), "[cadres]\n\"工号\" = \"id\"\n").unwrap();
    fs::write(
        t.join("waivers.csv"),
        "rule,subject,period,reason,approved_by,expires_on\n",
    )
    .unwrap();
    fs::write(t.join("bad-rules.toml"), "[plan\nid = 1\n").unwrap();
    std::os::unix::fs::symlink(d.join("cadres.csv"), t.join("link.csv")).unwrap();
    fs::hard_link(d.join("attendance.csv"), t.join("hard.csv")).unwrap();
    // A baseline written with -o beside the data is fine.
    let (code, _, err) = run(
        &["check", "D", "--as-of", "2021-03-01", "-o", "baseline.json"],
        Some(t),
    );
    assert_eq!(code, 1, "{err}");
    let before = snapshot(t);

    let abs = |p: &Path| p.to_str().unwrap().to_owned();
    let d_abs = abs(&d);
    let table_hint = "the report would replace it; write the report to another file";
    let cases: Vec<(Vec<String>, &str, &str)> = vec![
        (
            vec!["check", "D", "-o", "D/cadres.csv"],
            "the cadres table",
            table_hint,
        ),
        (
            vec!["check", "D", "-o", "D/../D/./classes.csv"],
            "the classes table this run reads (`D/classes.csv`)",
            table_hint,
        ),
        (
            vec!["check", &d_abs, "-o", "D/attendance.csv"],
            "the attendance table",
            table_hint,
        ),
        (
            vec!["check", "D", "-o", "link.csv"],
            "the cadres table",
            table_hint,
        ),
        (
            vec!["check", "D", "-o", "hard.csv"],
            "the attendance table",
            table_hint,
        ),
        (
            vec!["check", "D", "--cadres", "link.csv", "-o", "D/cadres.csv"],
            "the cadres table",
            table_hint,
        ),
        (
            vec!["check", "W", "-o", "W/台账.xlsx"],
            "the workbook holding the cadres table",
            table_hint,
        ),
        (
            vec!["check", "W/台账.xlsx", "-o", "./W/台账.xlsx"],
            "the workbook holding the cadres table",
            table_hint,
        ),
        (
            vec![
                "check",
                "D",
                "--rules",
                "rules.toml",
                "--format",
                "json",
                "-o",
                "rules.toml",
            ],
            "the rule file",
            table_hint,
        ),
        (
            vec![
                "check",
                "D",
                "--columns",
                "columns.toml",
                "--format",
                "json",
                "-o",
                "./columns.toml",
            ],
            "the columns file",
            table_hint,
        ),
        (
            vec![
                "check",
                "D",
                "--waivers",
                "waivers.csv",
                "-o",
                "waivers.csv",
            ],
            "the waivers file",
            table_hint,
        ),
        (
            vec![
                "check",
                "D",
                "--baseline",
                "baseline.json",
                "-o",
                "D/../baseline.json",
            ],
            "the baseline this check compares with",
            "write a new baseline with -o to another path, then move it",
        ),
        // Before any work: the rule file is not even read.
        (
            vec![
                "check",
                "D",
                "--rules",
                "bad-rules.toml",
                "-o",
                "D/cadres.csv",
            ],
            "the cadres table",
            table_hint,
        ),
        (
            vec!["validate", "D", "-o", "D/classes.csv"],
            "the classes table",
            table_hint,
        ),
        (
            vec![
                "validate",
                "D",
                "--columns",
                "columns.toml",
                "-o",
                "columns.toml",
            ],
            "the columns file",
            table_hint,
        ),
    ]
    .into_iter()
    .map(|(args, what, hint)| (args.into_iter().map(str::to_owned).collect(), what, hint))
    .collect();
    for (args, what, hint) in &cases {
        let mut argv: Vec<&str> = args.iter().map(String::as_str).collect();
        argv.extend(["--lang", "en"]);
        let (code, out, err) = run(&argv, Some(t));
        let shown = argv.join(" ");
        assert_eq!(code, 2, "{shown}: {err}");
        assert!(out.is_empty(), "{shown}: {out}");
        let o = &args[args.iter().position(|a| a == "-o").unwrap() + 1];
        assert_eq!(err.lines().count(), 1, "{shown}: {err}");
        assert!(
            err.contains(&format!("-o `{o}` is ")) && err.contains(what) && err.contains(hint),
            "{shown}: {err}"
        );
    }
    // In Chinese, by default.
    let (code, _, err) = run(&["check", "D", "-o", "hard.csv"], Some(t));
    assert_eq!(code, 2);
    assert!(
        err.contains("参训记录表")
            && err.contains("`D/attendance.csv`")
            && err.contains("请把报告写到别的文件"),
        "{err}"
    );
    let (code, _, err) = run(
        &[
            "check",
            "D",
            "--baseline",
            "baseline.json",
            "-o",
            "baseline.json",
        ],
        Some(t),
    );
    assert_eq!(code, 2);
    assert!(err.contains("基线") && err.contains("再移过去"), "{err}");
    assert_eq!(snapshot(t), before, "an input changed or a file was added");

    // A copy of an input is another file: written as asked.
    fs::copy(d.join("cadres.csv"), t.join("copy.csv")).unwrap();
    let (code, _, err) = run(
        &[
            "check",
            "D",
            "--as-of",
            "2021-03-01",
            "--format",
            "json",
            "-o",
            "copy.csv",
        ],
        Some(t),
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        fs::read_to_string(t.join("copy.csv"))
            .unwrap()
            .starts_with('{')
    );
}
