//! The terminal table drawn a share of rows at a time (`report::grid`): on the demo at
//! narrow widths, in colour, in English and against a baseline, the bytes comfy-table
//! gave when it drew each rule's table whole (the snapshots were taken with that build
//! and compared with it byte for byte); on generated data with thousands of findings
//! per rule (several shares and windows of them), long class ids and wrapping messages,
//! the streamed table has the bytes of the table drawn from the whole report.

use std::fs;
use std::path::Path;

use crate::stream::many_findings;
use crate::util::{fixture, peixun};

/// stdout and the exit code of `check DATA --as-of AS_OF ARGS…` at `columns` wide.
fn table(data: &Path, as_of: &str, columns: u16, args: &[&str]) -> (String, Option<i32>) {
    let out = peixun()
        .env("COLUMNS", columns.to_string())
        .arg("check")
        .arg(data)
        .args(["--as-of", as_of])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.code() != Some(2), "{out:?}");
    (String::from_utf8(out.stdout).unwrap(), out.status.code())
}

#[test]
fn demo_tables_at_narrow_widths_are_drawn_as_before() {
    let demo = fixture("demo");
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base.json");
    let out = peixun()
        .arg("check")
        .arg(&demo)
        .args(["--as-of", "2020-03-01", "--format", "json", "-o"])
        .arg(&base)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let base = base.to_str().unwrap();
    for (name, columns, args) in [
        (
            "demo_40_color_due_soon",
            40,
            &["--color", "always", "--due-within", "1y"][..],
        ),
        ("demo_60_en", 60, &["--lang", "en"]),
        // The report built whole: statuses of three lines (新增, 原为待办).
        ("demo_60_baseline", 60, &["--baseline", base]),
    ] {
        let (text, code) = table(&demo, "2021-03-01", columns, args);
        assert_eq!(code, Some(1), "{name}");
        insta::assert_snapshot!(name, text);
    }
}

/// The generated data of `tests/cli/stream.rs`, and 2,500 classes of the city union
/// with a fee and ids of 23 characters: thousands of `city-class-free` findings whose
/// subjects are kept whole (up to 24 columns) and whose messages wrap.
fn data(dir: &Path) {
    many_findings(dir, 9000);
    let mut classes = fs::read_to_string(dir.join("classes.csv")).unwrap();
    for i in 0..2500 {
        classes.push_str(&format!(
            "MY2019-CITY-TOPIC-{i:05},2019年第{i}期专题培训班,绵阳市总工会,市,,专题培训,2019-05-06,2019-05-07,2,16,200\n"
        ));
    }
    fs::write(dir.join("classes.csv"), classes).unwrap();
}

#[test]
fn streamed_table_matches_the_table_of_the_whole_report() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    fs::create_dir(&dir).unwrap();
    data(&dir);
    let none = dir.join("none.csv");
    let none = none.to_str().unwrap();
    let (text, _) = table(&dir, "2020-11-01", 100, &[]);
    assert!(
        text.contains("│ MY2019-CITY-TOPIC-02499 ┆"),
        "a long id is kept whole"
    );
    assert!(
        text.lines().count() > 40_000,
        "{} lines",
        text.lines().count()
    );
    for (columns, options) in [
        (100, &[][..]),
        (40, &["--due-within", "60d"]),
        (60, &["--lang", "en", "--color", "always"]),
        (
            60,
            &["--mask-ids", "--due-within", "1y", "--color", "always"],
        ),
        (130, &["--lang", "en", "--due-within", "1y"]),
    ] {
        let streamed = table(&dir, "2020-11-01", columns, options);
        let whole = table(
            &dir,
            "2020-11-01",
            columns,
            &[options, &["--waivers", none]].concat(),
        );
        assert_eq!(streamed.1, whole.1, "{options:?} at {columns}: exit codes");
        assert!(
            streamed.0 == whole.0,
            "{options:?} at {columns}: the streamed table differs from the whole report's ({} and {} bytes)",
            streamed.0.len(),
            whole.0.len()
        );
    }
}
