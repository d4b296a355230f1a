//! Reading, tightened (SPEC §8): limits instead of exhaustion, title lines above the
//! header, the wrong `--encoding`, the id-card headers and an empty roster, on hostile
//! inputs built at test time.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::util::{fixture, run};

const AS_OF: &str = "2021-03-01";

/// The demo tables in a temp folder, with `edit` applied to the named one's text.
fn demo_with(name: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for t in ["cadres.csv", "classes.csv", "attendance.csv"] {
        let text = fs::read_to_string(fixture("demo-no-units").join(t)).unwrap();
        let text = if t == name { edit(&text) } else { text };
        fs::write(dir.path().join(t), text).unwrap();
    }
    dir
}

/// `check DIR --as-of … --format json` plus `extra`.
fn check(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "check",
        dir.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    run(&args, None)
}

/// An exit-2 run: nothing on stdout, one short message on stderr.
fn refused(out: (i32, String, String)) -> String {
    let (code, stdout, stderr) = out;
    assert_eq!(code, 2, "stderr: {stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    stderr
}

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap()
}

/// What a report says, without the wording: summary, findings, data errors.
fn outcome(v: &Value) -> (Value, Vec<Value>, Vec<(Value, Value)>) {
    let findings = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| serde_json::json!([f["rule"], f["subject"], f["period"], f["status"]]))
        .collect();
    let errors = v["data_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].clone(), e["value"].clone()))
        .collect();
    (v["summary"].clone(), findings, errors)
}

/// A record over 64 MiB stops the run naming the file, the line and the limit, in the
/// roster (read whole) and in the attendance (read block by block) alike; the record
/// is not echoed.
#[test]
fn a_record_over_64_mib_is_refused() {
    let field = "1".repeat((64 << 20) + 1);
    for (table, row, line) in [
        ("attendance.csv", format!("MY2018-03,{field},x,是\n"), "121"),
        ("cadres.csv", format!("5107,\"{field}\"\n"), "65"),
    ] {
        let dir = demo_with(table, |t| format!("{t}{row}"));
        let err = refused(check(dir.path(), &["--lang", "en"]));
        assert!(
            err.contains(table) && err.contains(&format!("line {line}")) && err.contains("64 MiB"),
            "{err}"
        );
        assert!(
            err.len() < 1000,
            "the record is not echoed: {} bytes",
            err.len()
        );
    }
}

/// A header line over 1 MiB is refused as such, without reading on and without
/// quoting it; a megabyte header used to be echoed in full.
#[test]
fn a_header_line_over_1_mib_is_refused() {
    let long = "x".repeat((1 << 20) + 1);
    for table in ["cadres.csv", "attendance.csv"] {
        let dir = demo_with(table, |_| long.clone());
        let err = refused(check(dir.path(), &[]));
        assert!(
            err.contains(table) && err.contains("第 1 行") && err.contains("1 MiB"),
            "{err}"
        );
        assert!(err.contains("表头"), "{err}");
        assert!(err.len() < 1000, "{} bytes", err.len());
    }
}

/// A message quotes at most 200 characters of a value: a long header named in a
/// missing-column error is cut with "…".
#[test]
fn messages_cut_long_values() {
    let header = "标".repeat(5000);
    let dir = demo_with("cadres.csv", |_| {
        format!("身份证号,姓名,职务,{header}\n1,a,b,c\n")
    });
    let err = refused(check(dir.path(), &[]));
    let shown = format!("{}…", "标".repeat(200));
    assert!(err.contains(&shown), "{err}");
    assert!(!err.contains(&"标".repeat(201)), "{err}");
}

/// A header of 200,000 columns is read (nothing quadratic in the columns), and a row
/// whose values run far past the header is one data error counting its fields.
#[test]
fn a_header_of_200000_columns_is_read() {
    // Distinct names of 3 and 4 base-36 digits, so the header stays under 1 MiB and no
    // name is a field's (`id` is 2 digits; `name`, `post` … are past 36^3 + 200,000).
    let name = |mut i: u32| {
        let mut s = Vec::new();
        loop {
            s.push(char::from_digit(i % 36, 36).unwrap());
            i /= 36;
            if i == 0 {
                return s.into_iter().rev().collect::<String>();
            }
        }
    };
    let extra: String = (1296..201_296).map(|i| format!(",{}", name(i))).collect();
    assert!(extra.len() < 1 << 20);
    let dir = demo_with("cadres.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
        lines[0].push_str(&extra);
        lines[1].push_str(&",".repeat(300_000));
        lines[1].push('x');
        lines.join("\n") + "\n"
    });
    let (code, out, err) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{err}");
    let v = json(&out);
    let wide = v["data_errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["line"] == 2)
        .cloned()
        .unwrap();
    assert!(wide["column"].is_null(), "{wide}");
    let reason = wide["reason"].as_str().unwrap();
    assert!(
        reason.contains("300011") && reason.contains("200011"),
        "{reason}"
    );
}

/// A rule set of 100,000 rules runs and exits normally: rules run on a fixed set of
/// threads (40,000 threads used to abort the run) and nothing is quadratic in them.
#[test]
fn a_rule_set_of_100000_rules_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut toml = String::from(
        "[plan]\nid = \"many\"\ntitle = \"many\"\nstart = 2018-01-01\nend = 2020-12-31\n",
    );
    for i in 0..100_000 {
        toml.push_str(&format!(
            "\n[[rules]]\nid = \"free-{i}\"\nkind = \"forbid\"\ntitle = \"不收费\"\nclause = \"四、(四)\"\nclass = {{ organizer_level = \"市\", fee = {{ above = 0 }} }}\n"
        ));
    }
    let rules = dir.path().join("rules.toml");
    fs::write(&rules, toml).unwrap();
    let (code, out, err) = check(
        &fixture("demo-no-units"),
        &["--rules", rules.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{err}");
    let v = json(&out);
    let listed = v["rules"].as_array().unwrap();
    assert_eq!(listed.len(), 100_000);
    assert_eq!(listed[99_999]["id"], "free-99999", "rules stay in order");
    let one = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "free-0")
        .count();
    assert!(one > 0);
    assert_eq!(v["findings"].as_array().unwrap().len(), one * 100_000);
}

/// Title lines above the header are passed over, in the tables read whole and in the
/// attendance read as it streams; line numbers stay the file's own.
#[test]
fn title_lines_above_the_header_are_passed_over() {
    let (_, plain, _) = check(&fixture("demo-no-units"), &[]);
    let (summary, findings, errors) = outcome(&json(&plain));
    let titled = |t: &str| format!("绵阳市总工会\n2021年培训台账,,,\n\n{t}");
    for table in ["cadres.csv", "classes.csv", "attendance.csv"] {
        let dir = demo_with(table, titled);
        let (code, out, err) = check(dir.path(), &[]);
        assert_eq!(code, 1, "{table}: {err}");
        let v = json(&out);
        let (s, f, e) = outcome(&v);
        assert_eq!((&s, &f), (&summary, &findings), "{table}");
        // This table's errors three lines down, the others' where they were.
        let file = table;
        let shifted: Vec<(Value, Value)> = v["data_errors"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&e)
            .map(|(d, (line, value))| {
                let line = line.as_u64().unwrap();
                let line = if d["file"] == file { line - 3 } else { line };
                (Value::from(line), value.clone())
            })
            .collect();
        let mut want = errors.clone();
        want.sort_by_key(|(l, v)| (l.as_u64(), v.to_string()));
        let mut got = shifted;
        got.sort_by_key(|(l, v)| (l.as_u64(), v.to_string()));
        assert_eq!(got, want, "{table}");
    }
}

/// The separator is sniffed from the header line, not from a title line above it.
#[test]
fn title_lines_over_another_separator() {
    let (_, plain, _) = check(&fixture("demo-no-units"), &[]);
    let dir = demo_with("attendance.csv", |t| {
        format!("参训记录（导出）\n{}", t.replace(',', ";"))
    });
    let (code, out, err) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{err}");
    let (summary, findings, _) = outcome(&json(&out));
    let want = outcome(&json(&plain));
    assert_eq!((summary, findings), (want.0, want.1));
}

/// When no line of the first 10 maps every required column, the first line is the
/// header and the missing-column error names its headers.
#[test]
fn without_a_header_in_10_lines_the_first_line_is_the_header() {
    let dir = demo_with("cadres.csv", |t| {
        let titles: String = (1..=10).map(|i| format!("标题{i}\n")).collect();
        format!("{titles}{t}")
    });
    let err = refused(check(dir.path(), &[]));
    assert!(
        err.contains("缺少 `id` 列") && err.contains("现有表头：标题1"),
        "{err}"
    );
}

/// `--encoding` naming the wrong encoding: the message says which one the file
/// appears to be.
#[test]
fn the_wrong_encoding_is_named() {
    let demo = fs::read_to_string(fixture("demo-no-units").join("cadres.csv")).unwrap();
    let text = demo.trim_start_matches('\u{feff}');
    let gbk = encoding_rs::GB18030.encode(text).0.into_owned();
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for (bytes, given, seems) in [
        (gbk, "utf-8", "GB18030"),
        (text.as_bytes().to_vec(), "gb18030", "UTF-8"),
        (utf16, "gb18030", "UTF-16 without a BOM"),
    ] {
        let dir = demo_with("cadres.csv", |t| t.to_owned());
        fs::write(dir.path().join("cadres.csv"), &bytes).unwrap();
        let err = refused(check(dir.path(), &["--encoding", given, "--lang", "en"]));
        assert!(err.contains("cadres.csv"), "{err}");
        assert!(
            err.contains(&format!("the file appears to be {seems}")),
            "--encoding {given}: {err}"
        );
    }
    // The streamed attendance file too, in Chinese.
    let dir = demo_with("attendance.csv", |t| t.to_owned());
    let text = fs::read_to_string(dir.path().join("attendance.csv")).unwrap();
    let gbk = encoding_rs::GB18030.encode(&text).0.into_owned();
    fs::write(dir.path().join("attendance.csv"), gbk).unwrap();
    let err = refused(check(dir.path(), &["--encoding", "utf-8"]));
    assert!(
        err.contains("attendance.csv") && err.contains("看来是 GB18030"),
        "{err}"
    );
}

/// 身份证号码, 公民身份号码 and 证件号码 are id headers: a roster and attendance
/// headed so read like the demo.
#[test]
fn id_card_headers_are_accepted() {
    let (_, plain, _) = check(&fixture("demo-no-units"), &[]);
    let want = outcome(&json(&plain));
    for (roster, att) in [("公民身份号码", "证件号码"), ("身份证号码", "公民身份号码")]
    {
        let dir = demo_with("cadres.csv", |t| t.replacen("身份证号", roster, 1));
        let att_text = fs::read_to_string(dir.path().join("attendance.csv")).unwrap();
        fs::write(
            dir.path().join("attendance.csv"),
            att_text.replacen("身份证号", att, 1),
        )
        .unwrap();
        let (code, out, err) = check(dir.path(), &[]);
        assert_eq!(code, 1, "{err}");
        assert_eq!(outcome(&json(&out)), want, "{roster}, {att}");
    }
}

/// A roster with no rows stops the run, so a nightly job goes red; a roster whose
/// only row is bad is not empty.
#[test]
fn an_empty_roster_is_refused() {
    let dir = demo_with("cadres.csv", |t| {
        t.lines().next().unwrap().to_owned() + "\n\n"
    });
    let err = refused(check(dir.path(), &["--lang", "en"]));
    assert!(
        err.contains("the roster has no rows") && err.contains("cadres.csv"),
        "{err}"
    );
    let dir = demo_with("cadres.csv", |t| {
        t.lines().next().unwrap().to_owned() + "\n510703,某,,,,,,,不是日期\n"
    });
    let (code, out, _) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(!json(&out)["data_errors"].as_array().unwrap().is_empty());
}
