//! Bad input: the malformed-input corpus and rule-file errors.
//!
//! `fixtures/malformed/<case>/` holds one small data folder per case, an optional
//! `rules.toml`, a `README.md` deriving the result from SPEC §1/§4, and `expected.json`:
//! `{"exit": 0|1, "data_errors": [...]}` (data errors without `reason`, in SPEC order,
//! optionally `"findings"` as `{rule, subject, period, status}`), or
//! `{"exit": 2, "stderr_contains": [...]}` where an item is a phrase or a list of
//! alternative phrases (wording that SPEC leaves open, such as how a position is written).
//! Every case runs through the real binary as
//! `peixun check <case> --as-of 2021-03-01 --format json [--rules <case>/rules.toml]`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::util::{comparable, diff, peixun, root};

const AS_OF: &str = "2021-03-01";

/// What one run printed, as raw bytes (a test must see a stray NUL or invalid UTF-8).
struct Output {
    code: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Output {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

fn run_raw(args: &[&str], dir: &Path) -> Output {
    let out = peixun()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run peixun");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

fn corpus() -> PathBuf {
    root().join("fixtures").join("malformed")
}

/// Every file under `dir`, by path, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = fs::read(&p).unwrap();
                files.insert(p, bytes);
            }
        }
    }
    files
}

/// Problems every output must be free of, whatever the exit code: text that is not
/// UTF-8, the replacement character (mojibake: SPEC §1 "never print mojibake") and raw
/// NUL bytes (SPEC §1 "NUL bytes are kept as data and escaped in output").
fn output_hygiene(what: &str, out: &Output) -> Vec<String> {
    let mut failures = Vec::new();
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        match std::str::from_utf8(bytes) {
            Err(e) => failures.push(format!("{what}: {stream} is not UTF-8 ({e})")),
            Ok(s) if s.contains('\u{fffd}') => {
                failures.push(format!("{what}: {stream} contains U+FFFD (mojibake):\n{s}"))
            }
            Ok(_) => {}
        }
        if bytes.contains(&0) {
            failures.push(format!("{what}: {stream} contains a raw NUL byte"));
        }
    }
    failures
}

/// Whether `text` contains the phrase, or one of the alternatives.
fn contains_item(text: &str, item: &Value) -> bool {
    match item {
        Value::String(s) => text.contains(s.as_str()),
        Value::Array(alts) => alts
            .iter()
            .any(|a| a.as_str().is_some_and(|s| text.contains(s))),
        _ => panic!("stderr_contains items are strings or lists of strings: {item}"),
    }
}

/// Runs one corpus case and returns what is wrong with the result.
fn check_case(name: &str) -> Vec<String> {
    let dir = corpus().join(name);
    let expected: Value = serde_json::from_str(
        &fs::read_to_string(dir.join("expected.json"))
            .unwrap_or_else(|e| panic!("{name}/expected.json: {e}")),
    )
    .unwrap_or_else(|e| panic!("{name}/expected.json: {e}"));
    let want_exit = i32::try_from(expected["exit"].as_i64().expect("exit")).unwrap();

    let dir_arg = dir.to_str().unwrap().to_owned();
    let rules = dir.join("rules.toml");
    let rules_arg = rules.to_str().unwrap().to_owned();
    let mut args = vec![
        "check",
        dir_arg.as_str(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ];
    if rules.exists() {
        args.extend(["--rules", rules_arg.as_str()]);
    }

    let before = snapshot(&dir);
    let out = run_raw(&args, &root());
    let after = snapshot(&dir);

    let mut failures = output_hygiene(name, &out);
    if before != after {
        failures.push(format!(
            "{name}: the run changed the files of the case folder"
        ));
    }
    let (stdout, stderr) = (out.stdout(), out.stderr());
    if out.code != want_exit {
        failures.push(format!(
            "{name}: exit {}, expected {want_exit}\nstderr: {stderr}",
            out.code
        ));
    }

    if want_exit == 2 {
        if !stdout.is_empty() {
            failures.push(format!(
                "{name}: exit 2 must print nothing on stdout, got:\n{stdout}"
            ));
        }
        if stderr.trim().is_empty() {
            failures.push(format!("{name}: exit 2 without a message on stderr"));
        }
        for item in expected["stderr_contains"]
            .as_array()
            .expect("stderr_contains")
        {
            if !contains_item(&stderr, item) {
                failures.push(format!(
                    "{name}: stderr does not contain {item}\nstderr: {stderr}"
                ));
            }
        }
        return failures;
    }

    let actual: Value = match serde_json::from_str(&stdout) {
        Ok(v) => v,
        Err(e) => {
            failures.push(format!(
                "{name}: stdout is not JSON ({e})\nstdout: {stdout}\nstderr: {stderr}"
            ));
            return failures;
        }
    };
    let want = comparable(json!({ "data_errors": expected["data_errors"].clone() }));
    let got = comparable(json!({ "data_errors": actual["data_errors"].clone() }));
    if want != got {
        failures.push(format!(
            "{name}: data_errors differ\n{}",
            diff(&want["data_errors"], &got["data_errors"])
        ));
    }
    let errors = actual["data_errors"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if actual["summary"]["data_errors"].as_u64() != Some(errors.len() as u64) {
        failures.push(format!(
            "{name}: summary.data_errors is {}, but {} data errors are listed",
            actual["summary"]["data_errors"],
            errors.len()
        ));
    }
    for e in &errors {
        if e["reason"].as_str().is_none_or(|r| r.trim().is_empty()) {
            failures.push(format!("{name}: data error without a reason: {e}"));
        }
    }
    if let Some(want_findings) = expected.get("findings") {
        let got_findings: Vec<Value> = actual["findings"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|f| {
                json!({
                    "rule": f["rule"], "subject": f["subject"],
                    "period": f["period"], "status": f["status"],
                })
            })
            .collect();
        let (w, g) = (
            comparable(json!({ "f": want_findings })),
            comparable(json!({ "f": got_findings })),
        );
        if w != g {
            failures.push(format!(
                "{name}: findings differ\n{}",
                diff(&w["f"], &g["f"])
            ));
        }
    }
    failures
}

macro_rules! malformed {
    ($($test:ident => $name:literal,)*) => {
        $(
            #[test]
            fn $test() {
                let failures = check_case($name);
                assert!(failures.is_empty(), "{}", failures.join("\n\n"));
            }
        )*

        /// Every case folder is listed, so none is silently skipped, and each is complete.
        #[test]
        fn every_malformed_case_is_run() {
            let listed = [$($name),*];
            let mut seen = Vec::new();
            for e in fs::read_dir(corpus()).unwrap() {
                let p = e.unwrap().path();
                if !p.is_dir() {
                    continue;
                }
                let name = p.file_name().unwrap().to_str().unwrap().to_owned();
                assert!(
                    listed.contains(&name.as_str()),
                    "fixtures/malformed/{name} is not run by tests/cli/bad_input.rs"
                );
                for f in ["expected.json", "README.md"] {
                    assert!(p.join(f).is_file(), "fixtures/malformed/{name} has no {f}");
                }
                seen.push(name);
            }
            for name in listed {
                assert!(
                    seen.iter().any(|s| s == name),
                    "fixtures/malformed/{name} does not exist"
                );
            }
        }
    };
}

malformed! {
    // Lines and structure (SPEC §1 "Lines", "Structure").
    line_numbers_blank_lines => "line-numbers-blank-lines",
    line_numbers_multiline_record => "line-numbers-multiline-record",
    blank_rows_skipped => "blank-rows-skipped",
    crlf_line_endings => "crlf-line-endings",
    ragged_short_row => "ragged-short-row",
    ragged_short_missing_required => "ragged-short-missing-required",
    ragged_extra_nonempty => "ragged-extra-nonempty",
    ragged_extra_empty => "ragged-extra-empty",
    ragged_extra_whitespace => "ragged-extra-whitespace",
    unterminated_quote => "unterminated-quote",
    // Ids.
    id_scientific_notation => "id-scientific-notation",
    id_x_case_duplicate => "id-x-case-duplicate",
    // Finding the tables and headers.
    duplicate_header => "duplicate-header",
    duplicate_header_extra => "duplicate-header-extra",
    header_aliases_both => "header-aliases-both",
    header_case_whitespace => "header-case-whitespace",
    two_files_one_table => "two-files-one-table",
    missing_file => "missing-file",
    missing_required_column => "missing-required-column",
    missing_required_column_classes => "missing-required-column-classes",
    missing_required_column_attendance => "missing-required-column-attendance",
    zero_byte_file => "zero-byte-file",
    bom_only_file => "bom-only-file",
    header_only => "header-only",
    file_name_case => "file-name-case",
    chinese_file_names => "chinese-file-names",
    // Text and encodings.
    nul_bytes => "nul-bytes",
    nul_in_header => "nul-in-header",
    invalid_bytes => "invalid-bytes",
    invalid_bytes_after_multiline => "invalid-bytes-after-multiline",
    utf16_bad_surrogate => "utf16-bad-surrogate",
    gbk_encoded => "gbk-encoded",
    utf16le_bom_tab => "utf16le-bom-tab",
    utf16be_bom_tab => "utf16be-bom-tab",
    utf8_bom => "utf8-bom",
    semicolon_separated => "semicolon-separated",
    tab_separated => "tab-separated",
    huge_field => "huge-field",
    whitespace_only_required => "whitespace-only-required",
    // Values.
    feb29_non_leap => "feb29-non-leap",
    date_refused => "date-refused",
    completed_unknown => "completed-unknown",
    level_unknown => "level-unknown",
    level_unknown_custom_levels => "level-unknown-custom-levels",
    days_invalid => "days-invalid",
    fee_negative => "fee-negative",
    fee_spellings => "fee-spellings",
    end_before_start => "end-before-start",
    // Workbooks.
    xlsx_not_a_zip => "xlsx-not-a-zip",
    xlsx_truncated => "xlsx-truncated",
    xlsx_missing_sheet => "xlsx-missing-sheet",
    // References.
    attendance_references => "attendance-references",
    attendance_duplicate => "attendance-duplicate",
}

/// NUL bytes are escaped in every output, not only in JSON (SPEC §1 "Text").
#[test]
fn nul_bytes_are_escaped_in_every_format() {
    let dir = corpus().join("nul-bytes");
    let d = dir.to_str().unwrap();
    let mut failures = Vec::new();
    for args in [
        vec!["check", d, "--as-of", AS_OF],
        vec!["check", d, "--as-of", AS_OF, "--format", "json"],
        vec!["validate", d],
    ] {
        let out = run_raw(&args, &root());
        failures.extend(output_hygiene(&args.join(" "), &out));
        if out.code != 1 {
            failures.push(format!("{}: exit {}, expected 1", args.join(" "), out.code));
        }
    }
    let out = run_raw(&["check", d, "--as-of", AS_OF, "--format", "json"], &root());
    assert!(
        out.stdout().contains(r"县\u0000区"),
        "the NUL inside `县\\0区` is written as \\u0000 in JSON:\n{}",
        out.stdout()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// SPEC §1 "Inputs are never modified": every command, on every case, leaves the
/// corpus byte for byte as it was, and adds no file to it.
#[test]
fn inputs_are_never_modified() {
    let before = snapshot(&corpus());
    let out_dir = tempfile::tempdir().unwrap();
    let report = out_dir.path().join("report.json");
    let report_arg = report.to_str().unwrap();
    let mut names: Vec<String> = fs::read_dir(corpus())
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            p.is_dir()
                .then(|| p.file_name().unwrap().to_str().unwrap().to_owned())
        })
        .collect();
    names.sort();
    for name in &names {
        let dir = corpus().join(name);
        let d = dir.to_str().unwrap();
        let rules = dir.join("rules.toml");
        let r = rules.to_str().unwrap();
        let with_rules = |a: &[&str]| -> Vec<String> {
            let mut v: Vec<String> = a.iter().map(|s| s.to_string()).collect();
            v.insert(1, d.to_owned());
            if rules.exists() {
                v.extend(["--rules".to_owned(), r.to_owned()]);
            }
            v
        };
        for args in [
            with_rules(&["check", "--as-of", AS_OF]),
            with_rules(&["check", "--as-of", AS_OF, "--format", "json"]),
            with_rules(&["validate"]),
            with_rules(&[
                "check", "--as-of", AS_OF, "--format", "json", "-o", report_arg,
            ]),
        ] {
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            run_raw(&argv, &root());
            // Also run from inside the folder (DATA defaults to the current folder).
            let mut here = argv.clone();
            here[1] = ".";
            run_raw(&here, &dir);
        }
    }
    let after = snapshot(&corpus());
    let added: Vec<_> = after.keys().filter(|p| !before.contains_key(*p)).collect();
    let removed: Vec<_> = before.keys().filter(|p| !after.contains_key(*p)).collect();
    let changed: Vec<_> = before
        .iter()
        .filter(|(p, b)| after.get(*p).is_some_and(|a| a != *b))
        .map(|(p, _)| p)
        .collect();
    assert!(
        added.is_empty() && removed.is_empty() && changed.is_empty(),
        "inputs modified: added {added:?}, removed {removed:?}, changed {changed:?}"
    );
}

/// SPEC §1/§4: "Exit-2 messages go to stderr, with nothing on stdout, whatever `--format`
/// says", and no report file is written when the check could not run.
#[test]
fn exit_2_prints_nothing_on_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("rules.toml"), "[plan\nid = 1\n").unwrap();
    let bad_rules = tmp.path().join("rules.toml");
    let bad_rules = bad_rules.to_str().unwrap();
    let good = corpus().join("header-only");
    let good = good.to_str().unwrap();
    let report = tmp.path().join("report.json");
    let report_arg = report.to_str().unwrap();
    let cases: Vec<PathBuf> = [
        "missing-file",
        "missing-required-column",
        "invalid-bytes",
        "duplicate-header",
        "two-files-one-table",
        "zero-byte-file",
    ]
    .iter()
    .map(|c| corpus().join(c))
    .collect();
    let mut runs: Vec<Vec<String>> = Vec::new();
    for dir in &cases {
        let d = dir.to_str().unwrap().to_owned();
        for cmd in ["check", "validate"] {
            for format in ["json", "table"] {
                runs.push(
                    [cmd, d.as_str(), "--format", format]
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                );
            }
        }
    }
    for format in ["json", "table"] {
        for extra in [
            vec!["--rules", bad_rules],
            vec!["--as-of", "2021-02-30"],
            vec!["--as-of", "someday"],
        ] {
            let mut v = vec!["check", good, "--format", format];
            v.extend(extra);
            runs.push(v.iter().map(|s| s.to_string()).collect());
        }
        let missing = tmp.path().join("no-such-folder");
        runs.push(
            ["check", missing.to_str().unwrap(), "--format", format]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        );
    }
    // With -o, nothing on stdout and no report file either.
    for dir in &cases {
        runs.push(
            [
                "check",
                dir.to_str().unwrap(),
                "--format",
                "json",
                "-o",
                report_arg,
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        );
    }
    let mut failures = Vec::new();
    for args in &runs {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_raw(&argv, &root());
        let what = args.join(" ");
        failures.extend(output_hygiene(&what, &out));
        if out.code != 2 {
            failures.push(format!("{what}: exit {}, expected 2", out.code));
        }
        if !out.stdout.is_empty() {
            failures.push(format!("{what}: stdout not empty:\n{}", out.stdout()));
        }
        if out.stderr().trim().is_empty() {
            failures.push(format!("{what}: no message on stderr"));
        }
        if report.exists() {
            failures.push(format!("{what}: wrote a report file although it exited 2"));
            fs::remove_file(&report).unwrap();
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ------------------------------------------------------------------ rule files

/// A small valid data folder, with an extra cadres column `政治面貌`.
fn write_data(dir: &Path) {
    fs::write(
        dir.join("cadres.csv"),
        "id,name,post,appointed_on,unit,county,unit_level,kind,left_on,政治面貌\n\
         A001,王德明,工会主席,2018-03-01,涪城区总工会,涪城区,县区,专职,,党员\n\
         A002,李春梅,委员,2018-04-02,涪城区城郊街道工会,涪城区,基层,兼职,,群众\n",
    )
    .unwrap();
    fs::write(
        dir.join("classes.csv"),
        "id,name,organizer,organizer_level,county,category,start_on,end_on,days,fee\n\
         C01,绵阳市总工会工会干部业务培训班,绵阳市总工会,市,,业务培训,2018-05-15,2018-05-16,,\n\
         C02,涪城区基层工会干部培训班,涪城区总工会,县区,涪城区,基层工会干部培训,2019-06-20,,,\n",
    )
    .unwrap();
    fs::write(
        dir.join("attendance.csv"),
        "cadre_id,class_id,completed\nA001,C01,是\nA002,C02,是\n",
    )
    .unwrap();
}

const PLAN: &str = r#"[plan]
id = "test-plan"
title = "测试规划"
authority = "绵阳市总工会"
start = 2018-01-01
end = 2020-12-31
levels = ["基层", "县区", "市", "省", "全国"]
"#;

/// A rule of each kind, valid; the error tests change one thing in them.
const RULES: &str = r#"
[[rules]]
id = "chair"
kind = "deadline"
title = "新任主席1年内参加业务培训"
clause = "一"
who = { post = "工会主席", appointed_on = { during = "plan" } }
from = "appointed_on"
within = "1y"
class = { category = ["业务培训", "初任培训"], organizer_level = { above = "$unit_level" } }

[[rules]]
id = "county-class"
kind = "quota"
title = "各县区每年至少1期基层工会干部培训"
clause = "二"
group_by = "county"
every = "year"
class = { category = "基层工会干部培训", county = "$group", days = { min = 1 } }
min = 1

[[rules]]
id = "rotation"
kind = "coverage"
title = "专兼职干部轮训一遍"
clause = "三"
who = { kind = ["专职", "兼职"] }
class = {}
min = 1

[[rules]]
id = "free"
kind = "forbid"
title = "市总工会举办的培训班不收费"
clause = "四"
class = { organizer_level = "市", fee = { above = 0 } }
"#;

/// 1-based line and column (in characters, as README's `plan.toml:71:42` example counts
/// them) of the `nth` (0-based) occurrence of `needle`.
fn position(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", nth + 1))
        .0;
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..at].chars().count() + 1)
}

fn at(text: &str, needle: &str) -> String {
    let (l, c) = position(text, needle, 0);
    format!("rules.toml:{l}:{c}")
}

/// Writes the rule file and the data into a fresh folder and runs `check` there.
fn run_rules(rules: &str, data: impl Fn(&Path)) -> Output {
    let tmp = tempfile::tempdir().unwrap();
    data(tmp.path());
    fs::write(tmp.path().join("rules.toml"), rules).unwrap();
    run_raw(
        &[
            "check",
            ".",
            "--rules",
            "rules.toml",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
        tmp.path(),
    )
}

/// The rule file is refused: exit 2, nothing on stdout, and stderr names each position
/// (`rules.toml:line:column`, any one of the alternatives) and each phrase.
fn assert_rule_error(rules: &str, positions: &[&[String]], phrases: &[&str]) {
    let out = run_rules(rules, write_data);
    let stderr = out.stderr();
    let mut failures = output_hygiene("rule file", &out);
    if out.code != 2 {
        failures.push(format!("exit {}, expected 2", out.code));
    }
    if !out.stdout.is_empty() {
        failures.push(format!("stdout not empty:\n{}", out.stdout()));
    }
    for alts in positions {
        if !alts.iter().any(|p| stderr.contains(p.as_str())) {
            failures.push(format!("stderr names none of {alts:?}"));
        }
    }
    for p in phrases {
        if !stderr.contains(p) {
            failures.push(format!("stderr does not contain `{p}`"));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n--- stderr:\n{stderr}\n--- rules.toml:\n{rules}",
        failures.join("\n")
    );
}

fn one(s: String) -> Vec<String> {
    vec![s]
}

/// The rule file the error tests start from is itself valid.
#[test]
fn rule_file_baseline_is_valid() {
    let text = format!("{PLAN}{RULES}");
    let out = run_rules(&text, write_data);
    assert!(
        out.code == 0 || out.code == 1,
        "baseline rule file refused (exit {}):\n{}",
        out.code,
        out.stderr()
    );
    let report: Value = serde_json::from_str(&out.stdout()).expect("JSON report");
    assert_eq!(report["rule_set"], "test-plan");
    assert_eq!(report["data_errors"], json!([]));
}

#[test]
fn rule_file_invalid_toml() {
    let text = format!("{PLAN}{RULES}").replace("within = \"1y\"", "within = \"1y");
    let (line, _) = position(&text, "within = \"1y", 0);
    assert_rule_error(&text, &[&one(format!("rules.toml:{line}:"))], &[]);
}

#[test]
fn rule_file_unknown_top_level_key() {
    let text = format!("version = 2\n{PLAN}{RULES}");
    assert_rule_error(&text, &[&one(at(&text, "version"))], &["version"]);
}

#[test]
fn rule_file_unknown_plan_key() {
    let text = format!("{PLAN}{RULES}").replace("authority =", "authorty =");
    assert_rule_error(&text, &[&one(at(&text, "authorty"))], &["authorty"]);
}

#[test]
fn rule_file_unknown_rule_key() {
    let text = format!("{PLAN}{RULES}")
        .replace("clause = \"三\"", "clause = \"三\"\nseverty = \"warning\"");
    assert_rule_error(&text, &[&one(at(&text, "severty"))], &["severty"]);
}

#[test]
fn rule_file_unknown_kind() {
    let text = format!("{PLAN}{RULES}").replace("kind = \"deadline\"", "kind = \"deadlin\"");
    assert_rule_error(&text, &[&one(at(&text, "\"deadlin\""))], &["deadlin"]);
}

#[test]
fn rule_file_unknown_condition_key() {
    // README's example, on the same line: `abov` at column 42 (characters, not bytes).
    let text = format!("{PLAN}{RULES}").replace(
        "class = { organizer_level = \"市\", fee = { above = 0 } }",
        "class = { organizer_level = \"市\", fee = { abov = 0 } }",
    );
    let (line, col) = position(&text, "abov =", 0);
    assert_eq!(col, 42);
    assert_rule_error(
        &text,
        &[&one(format!("rules.toml:{line}:{col}"))],
        &["abov", "fee"],
    );
}

#[test]
fn rule_file_wrong_value_type() {
    let text = format!("{PLAN}{RULES}").replace(
        "min = 1\n\n[[rules]]\nid = \"rotation\"",
        "min = \"1\"\n\n[[rules]]\nid = \"rotation\"",
    );
    assert_rule_error(&text, &[&one(at(&text, "\"1\""))], &["min"]);
}

#[test]
fn rule_file_wrong_value_type_plan_date() {
    let text = format!("{PLAN}{RULES}").replace("start = 2018-01-01", "start = \"2018-01-01\"");
    assert_rule_error(&text, &[&one(at(&text, "\"2018-01-01\""))], &["start"]);
}

#[test]
fn rule_file_unknown_severity() {
    let text = format!("{PLAN}{RULES}")
        .replace("clause = \"四\"", "clause = \"四\"\nseverity = \"fatal\"");
    assert_rule_error(&text, &[&one(at(&text, "\"fatal\""))], &["fatal"]);
}

#[test]
fn rule_file_unknown_level() {
    let text =
        format!("{PLAN}{RULES}").replace("organizer_level = \"市\"", "organizer_level = \"乡镇\"");
    assert_rule_error(&text, &[&one(at(&text, "\"乡镇\""))], &["乡镇"]);
}

#[test]
fn rule_file_unknown_level_in_comparison() {
    let text = format!("{PLAN}{RULES}").replace("above = \"$unit_level\"", "above = \"县级\"");
    assert_rule_error(&text, &[&one(at(&text, "\"县级\""))], &["县级"]);
}

#[test]
fn rule_file_group_in_deadline_class() {
    let text = format!("{PLAN}{RULES}").replace(
        "class = { category = [\"业务培训\", \"初任培训\"],",
        "class = { county = \"$group\", category = [\"业务培训\", \"初任培训\"],",
    );
    assert_rule_error(
        &text,
        &[&one(at(&text, "\"$group\", category"))],
        &["$group"],
    );
}

#[test]
fn rule_file_col_in_who() {
    let text = format!("{PLAN}{RULES}").replace(
        "who = { kind = [\"专职\", \"兼职\"] }",
        "who = { kind = [\"专职\", \"兼职\"], county = \"$unit\" }",
    );
    assert_rule_error(&text, &[&one(at(&text, "\"$unit\""))], &["$unit"]);
}

#[test]
fn rule_file_col_in_quota_class() {
    // `$col` is for the `class` of deadline and coverage rules: a quota has no cadre.
    let text =
        format!("{PLAN}{RULES}").replace("county = \"$group\", days", "county = \"$county\", days");
    assert_rule_error(&text, &[&one(at(&text, "\"$county\""))], &["$county"]);
}

#[test]
fn rule_file_col_naming_no_column() {
    let text = format!("{PLAN}{RULES}").replace("above = \"$unit_level\"", "above = \"$rank\"");
    assert_rule_error(&text, &[&one(at(&text, "\"$rank\""))], &["$rank"]);
}

#[test]
fn rule_file_extra_column_the_data_lacks() {
    let text = format!("{PLAN}{RULES}").replace(
        "who = { kind = [\"专职\", \"兼职\"] }",
        "who = { kind = [\"专职\", \"兼职\"], \"备注\" = \"在职\" }",
    );
    assert_rule_error(&text, &[&one(at(&text, "\"备注\""))], &["rotation", "备注"]);
}

#[test]
fn rule_file_extra_column_the_data_has() {
    // The same kind of condition on an extra column that exists is fine.
    let text = format!("{PLAN}{RULES}").replace(
        "who = { kind = [\"专职\", \"兼职\"] }",
        "who = { kind = [\"专职\", \"兼职\"], \"政治面貌\" = \"党员\" }",
    );
    let out = run_rules(&text, write_data);
    assert!(
        out.code == 0 || out.code == 1,
        "exit {}: {}",
        out.code,
        out.stderr()
    );
}

#[test]
fn rule_file_duplicate_rule_id() {
    let text = format!("{PLAN}{RULES}").replace("id = \"free\"", "id = \"chair\"");
    // The offending text is the second `id = "chair"`: its key or its value.
    let (line, col) = position(&text, "\"chair\"", 1);
    let alts = [
        format!("rules.toml:{line}:1"),
        format!("rules.toml:{line}:{col}"),
    ];
    assert_rule_error(&text, &[&alts], &["chair"]);
}

#[test]
fn rule_file_min_greater_than_max() {
    let text = format!("{PLAN}{RULES}").replace(
        "days = { min = 1 } }\nmin = 1",
        "days = { min = 1 } }\nmin = 3\nmax = 2",
    );
    // Either number is the offending text.
    let alts = [
        at(&text, "min = 3"),
        at(&text, "3\nmax"),
        at(&text, "max = 2"),
        at(&text, "2\n\n[[rules]]"),
    ];
    assert_rule_error(&text, &[&alts], &[]);
}

#[test]
fn rule_file_bad_within() {
    for bad in ["1w", "0y", "1.5y", "y"] {
        let text =
            format!("{PLAN}{RULES}").replace("within = \"1y\"", &format!("within = \"{bad}\""));
        assert_rule_error(&text, &[&one(at(&text, &format!("\"{bad}\"")))], &[bad]);
    }
}

#[test]
fn rule_file_lists_every_problem() {
    let text = format!("{PLAN}{RULES}")
        .replace("kind = \"deadline\"", "kind = \"deadlin\"")
        .replace("fee = { above = 0 }", "fee = { abov = 0 }");
    assert_rule_error(
        &text,
        &[&one(at(&text, "\"deadlin\"")), &one(at(&text, "abov ="))],
        &["deadlin", "abov"],
    );
}

/// What SPEC §1 puts in a data error's `reason`, checked through language-neutral
/// tokens, in both languages: the header as written ("the header as written goes in the
/// reason"), the date a bare number would be as a serial, and the line of the rejected
/// row an attendance names ("pointing at that row's line").
#[test]
fn reasons_carry_what_spec_asks_for() {
    let mut failures = Vec::new();
    let cases: [(&str, &str, u64, &[&str]); 4] = [
        ("gbk-encoded", "cadres.csv", 3, &["单位层级"]),
        ("date-refused", "cadres.csv", 4, &["2019-01-01"]),
        (
            "attendance-references",
            "attendance.csv",
            5,
            &["cadres.csv", "3"],
        ),
        (
            "attendance-references",
            "attendance.csv",
            6,
            &["classes.csv", "3"],
        ),
    ];
    for lang in ["zh", "en"] {
        for (case, file, line, tokens) in cases {
            let dir = corpus().join(case);
            let out = run_raw(
                &[
                    "check",
                    dir.to_str().unwrap(),
                    "--as-of",
                    AS_OF,
                    "--format",
                    "json",
                    "--lang",
                    lang,
                ],
                &root(),
            );
            let report: Value = serde_json::from_str(&out.stdout()).expect("JSON report");
            let reason = report["data_errors"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["file"] == file && e["line"] == line)
                .and_then(|e| e["reason"].as_str())
                .unwrap_or("")
                .to_owned();
            for t in tokens {
                if !reason.contains(t) {
                    failures.push(format!(
                        "{case} {file}:{line} --lang {lang}: reason `{reason}` lacks `{t}`"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rule_file_from_names_a_column_that_is_not_a_date() {
    let text = format!("{PLAN}{RULES}").replace("from = \"appointed_on\"", "from = \"post\"");
    assert_rule_error(&text, &[&one(at(&text, "\"post\""))], &["post"]);
}

#[test]
fn rule_file_group_by_unknown_column() {
    let text = format!("{PLAN}{RULES}").replace("group_by = \"county\"", "group_by = \"县\"");
    assert_rule_error(&text, &[&one(at(&text, "\"县\""))], &["县"]);
}

#[test]
fn rule_file_bad_every() {
    let text = format!("{PLAN}{RULES}").replace("every = \"year\"", "every = \"month\"");
    assert_rule_error(&text, &[&one(at(&text, "\"month\""))], &["month"]);
}

#[test]
fn rule_file_bad_measure() {
    let text = format!("{PLAN}{RULES}").replace(
        "who = { kind = [\"专职\", \"兼职\"] }",
        "who = { kind = [\"专职\", \"兼职\"] }\nmeasure = \"weeks\"",
    );
    assert_rule_error(&text, &[&one(at(&text, "\"weeks\""))], &["weeks"]);
}

#[test]
fn rule_file_bad_during() {
    let text = format!("{PLAN}{RULES}").replace("during = \"plan\"", "during = \"year\"");
    assert_rule_error(&text, &[&one(at(&text, "\"year\" }"))], &["year"]);
}

#[test]
fn rule_file_comparison_of_wrong_type() {
    let text = format!("{PLAN}{RULES}").replace("days = { min = 1 }", "days = { min = \"一天\" }");
    assert_rule_error(&text, &[&one(at(&text, "\"一天\""))], &[]);
}

#[test]
fn rule_file_quota_without_min_or_max() {
    // SPEC §5: "A quota needs `min` or `max` or both". The position is the rule's.
    let text = format!("{PLAN}{RULES}")
        .replace("days = { min = 1 } }\nmin = 1\n", "days = { min = 1 } }\n");
    let (first, _) = position(&text, "[[rules]]\nid = \"county-class\"", 0);
    let (last, _) = position(&text, "days = { min = 1 } }", 0);
    let alts: Vec<String> = (first..=last).map(|l| format!("rules.toml:{l}:")).collect();
    assert_rule_error(&text, &[&alts], &["county-class"]);
}

#[test]
fn rule_file_missing_rule_title() {
    let text = format!("{PLAN}{RULES}").replace("title = \"专兼职干部轮训一遍\"\n", "");
    let (first, _) = position(&text, "[[rules]]\nid = \"rotation\"", 0);
    let (last, _) = position(&text, "min = 1\n\n[[rules]]\nid = \"free\"", 0);
    let alts: Vec<String> = (first..=last).map(|l| format!("rules.toml:{l}:")).collect();
    assert_rule_error(&text, &[&alts], &["rotation", "title"]);
}

#[test]
fn rule_file_missing_plan_id() {
    let text = format!("{PLAN}{RULES}").replace("id = \"test-plan\"\n", "");
    let alts: Vec<String> = (1..=6).map(|l| format!("rules.toml:{l}:")).collect();
    assert_rule_error(&text, &[&alts], &["id"]);
}
