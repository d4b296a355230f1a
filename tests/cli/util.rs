//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture folder.
pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

/// The binary, with a fixed language and width.
pub fn peixun() -> Command {
    let mut c = assert_cmd::cargo::cargo_bin_cmd!("peixun");
    c.env_remove("NO_COLOR").env("COLUMNS", "100");
    c
}

/// Runs `check` and returns (exit code, stdout, stderr).
pub fn run(args: &[&str], dir: Option<&Path>) -> (i32, String, String) {
    let mut c = peixun();
    if let Some(d) = dir {
        c.current_dir(d);
    }
    let out = c.args(args).output().expect("run peixun");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

/// Runs `check DIR --as-of AS_OF --format json EXTRA…`: (exit code, report, stderr).
pub fn check_json(dir: &Path, as_of: &str, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec![
        "check",
        dir.to_str().unwrap(),
        "--as-of",
        as_of,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args, None);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v, err)
}

/// The finding of a report with this `id`.
pub fn finding<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no finding {id} in {report}"))
}

/// Writes the three tables into `dir`.
pub fn tables(dir: &Path, cadres: &str, classes: &str, attendance: &str) {
    std::fs::write(dir.join("cadres.csv"), cadres).unwrap();
    std::fs::write(dir.join("classes.csv"), classes).unwrap();
    std::fs::write(dir.join("attendance.csv"), attendance).unwrap();
}

/// Removes the human-language texts (`message` of findings and notices, `reason`, a rule's
/// `quote` and `note`) and normalizes numbers,
/// so a report compares with a hand-worked expected file.
pub fn comparable(mut v: Value) -> Value {
    if let Some(fs) = v.get_mut("findings").and_then(Value::as_array_mut) {
        for f in fs {
            if let Some(o) = f.as_object_mut() {
                o.remove("message");
            }
        }
    }
    if let Some(es) = v.get_mut("data_errors").and_then(Value::as_array_mut) {
        for e in es {
            if let Some(o) = e.as_object_mut() {
                o.remove("reason");
                // The header as the file wrote it, shown to people (tests/cli/languages.rs).
                o.remove("header");
            }
        }
    }
    // A rule's texts for people (SPEC §6) come from the rule file, not the data.
    if let Some(rs) = v.get_mut("rules").and_then(Value::as_array_mut) {
        for r in rs {
            if let Some(o) = r.as_object_mut() {
                o.remove("quote");
                o.remove("note");
                // SPEC §7: a notice under the rule; its kind is compared, not its words.
                if let Some(ns) = o.get_mut("notices").and_then(Value::as_array_mut) {
                    for n in ns {
                        if let Some(n) = n.as_object_mut() {
                            n.remove("message");
                        }
                    }
                }
            }
        }
    }
    if let Some(ns) = v.get_mut("notices").and_then(Value::as_array_mut) {
        for n in ns {
            if let Some(o) = n.as_object_mut() {
                o.remove("message");
            }
        }
    }
    normalize_numbers(v)
}

fn normalize_numbers(v: Value) -> Value {
    match v {
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            serde_json::json!(f)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(normalize_numbers).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v)| (k, normalize_numbers(v)))
                .collect(),
        ),
        other => other,
    }
}

/// The first lines where two pretty-printed values differ, for a readable failure.
pub fn diff(expected: &Value, actual: &Value) -> String {
    let e = serde_json::to_string_pretty(expected).unwrap();
    let a = serde_json::to_string_pretty(actual).unwrap();
    let el: Vec<&str> = e.lines().collect();
    let al: Vec<&str> = a.lines().collect();
    let first = el
        .iter()
        .zip(&al)
        .position(|(x, y)| x != y)
        .unwrap_or(el.len().min(al.len()));
    let from = first.saturating_sub(12);
    format!(
        "first difference at line {first}\n--- expected\n{}\n--- actual\n{}",
        el[from..(first + 8).min(el.len())].join("\n"),
        al[from..(first + 8).min(al.len())].join("\n")
    )
}
