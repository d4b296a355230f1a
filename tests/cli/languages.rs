//! SPEC §8 "Privacy and text": Chinese output is Chinese throughout, English output is
//! English. Every command and error path (clap's own usage errors aside) runs in both
//! languages; a message in the wrong language fails. In Chinese, human text must hold
//! Chinese and no run of three English words; in English, no Chinese outside quoted
//! values, paths and the data and rule texts a report quotes.

use std::fs;
use std::path::Path;

use crate::util::{fixture, peixun, root};

/// One run: a name, the arguments (`{d}`: the case's temporary folder, `{demo}`: a
/// copy of the demo data in it), and whether stdout is human text to check.
struct Case {
    name: &'static str,
    args: &'static [&'static str],
    stdout_human: bool,
}

const fn case(name: &'static str, args: &'static [&'static str], stdout_human: bool) -> Case {
    Case {
        name,
        args,
        stdout_human,
    }
}

/// Every command and error path of check, validate, rules, init, completions and man.
const CASES: &[Case] = &[
    case(
        "check table",
        &["check", "{demo}", "--as-of", "2021-03-01"],
        true,
    ),
    case(
        "check markdown",
        &[
            "check",
            "{demo}",
            "--as-of",
            "2021-03-01",
            "--format",
            "markdown",
        ],
        true,
    ),
    case(
        "check with a baseline (new, gone)",
        &[
            "check",
            "{demo}",
            "--as-of",
            "2021-03-01",
            "--baseline",
            "{d}/base.json",
        ],
        true,
    ),
    case(
        "check with waiver problems",
        &[
            "check",
            "{demo}",
            "--as-of",
            "2021-03-01",
            "--waivers",
            "{d}/waivers.csv",
        ],
        true,
    ),
    case(
        "check html",
        &[
            "check",
            "{demo}",
            "--as-of",
            "2021-03-01",
            "--baseline",
            "{d}/base.json",
            "--format",
            "html",
        ],
        true,
    ),
    case(
        "check -o writes quietly",
        &["check", "{demo}", "--as-of", "2021-03-01", "-o", "{d}/r.md"],
        false,
    ),
    case("validate", &["validate", "{demo}"], true),
    case("validate data errors", &["validate", "{d}/errors"], true),
    case("init", &["init", "{d}/tpl"], false),
    case("init xlsx", &["init", "{d}/tplx", "--xlsx"], false),
    case("init over a file", &["init", "{demo}"], false),
    case("init under a file", &["init", "{d}/plain.txt/sub"], false),
    case("completions", &["completions", "bash"], false),
    case("man --dir", &["man", "--dir", "{d}/man"], false),
    case(
        "man --dir under a file",
        &["man", "--dir", "{d}/plain.txt/man"],
        false,
    ),
    case("no data folder", &["check", "{d}/nothing"], false),
    case("missing table", &["check", "{d}/plain"], false),
    case("missing column", &["check", "{d}/nocol"], false),
    case("empty roster", &["check", "{d}/empty"], false),
    case("xls only", &["check", "{d}/xls"], false),
    case("two candidates", &["check", "{d}/two"], false),
    case("workbook not a zip", &["check", "{d}/badzip"], false),
    case("workbook cut short", &["check", "{d}/cutzip"], false),
    case(
        "wrong encoding",
        &["validate", "{demo}", "--encoding", "gbk"],
        true,
    ),
    case(
        "baseline missing",
        &["check", "{demo}", "--baseline", "{d}/none.json"],
        false,
    ),
    case(
        "baseline not JSON",
        &["check", "{demo}", "--baseline", "{d}/plain.txt"],
        false,
    ),
    case(
        "baseline not UTF-8",
        &["check", "{demo}", "--baseline", "{d}/latin1.json"],
        false,
    ),
    case(
        "baseline wrong type",
        &["check", "{demo}", "--baseline", "{d}/array.json"],
        false,
    ),
    case(
        "baseline entry wrong",
        &["check", "{demo}", "--baseline", "{d}/badentry.json"],
        false,
    ),
    case(
        "baseline other rule set",
        &["check", "{demo}", "--baseline", "{d}/other.json"],
        false,
    ),
    case(
        "waivers missing",
        &["check", "{demo}", "--waivers", "{d}/none.csv"],
        false,
    ),
    case(
        "waivers missing columns",
        &["check", "{demo}", "--waivers", "{d}/plain.txt"],
        false,
    ),
    case(
        "-o in a missing folder",
        &["check", "{demo}", "-o", "{d}/nowhere/r.json"],
        false,
    ),
    case(
        "-o naming an input",
        &["check", "{demo}", "-o", "{demo}/cadres.csv"],
        false,
    ),
    case("-o a folder", &["check", "{demo}", "-o", "{d}"], false),
    case(
        "-o where no file can be made",
        &["check", "{demo}", "-o", "/proc/peixun.json"],
        false,
    ),
    case(
        "-o a full device",
        &["check", "{demo}", "-o", "/dev/full"],
        false,
    ),
    case(
        "-o under a file",
        &["check", "{demo}", "-o", "{d}/plain.txt/r.json"],
        false,
    ),
    case(
        "rule file missing",
        &["check", "{demo}", "--rules", "{d}/none.toml"],
        false,
    ),
    case(
        "rule file not UTF-8",
        &["check", "{demo}", "--rules", "{d}/latin1.json"],
        false,
    ),
    case(
        "columns file missing",
        &["check", "{demo}", "--columns", "{d}/none.toml"],
        false,
    ),
    case(
        "rule file syntax",
        &["check", "{demo}", "--rules", "{d}/plain.txt"],
        false,
    ),
    case(
        "rule file unknown kind",
        &["check", "{demo}", "--rules", "{d}/badkind.toml"],
        false,
    ),
    case(
        "columns file bad",
        &["check", "{demo}", "--columns", "{d}/plain.txt"],
        false,
    ),
    case("rules list", &["rules", "list"], true),
    case(
        "rules explain",
        &["rules", "explain", "new-chair-training"],
        true,
    ),
    case(
        "rules explain unknown",
        &["rules", "explain", "no-such-rule"],
        false,
    ),
    case("rules doc", &["rules", "doc"], true),
    case(
        "trend",
        &[
            "trend",
            "{demo}",
            "--from",
            "2018-01-01",
            "--to",
            "2018-06-30",
        ],
        true,
    ),
    case(
        "trend from after to",
        &[
            "trend",
            "{demo}",
            "--from",
            "2020-01-01",
            "--to",
            "2019-01-01",
        ],
        false,
    ),
    // The shipped tests' case names are the test file's own words (English): data.
    case(
        "rules test shipped",
        &["rules", "test", "rules/mianyang-2018-2020.test.toml"],
        false,
    ),
    case(
        "rules test missing",
        &["rules", "test", "{d}/none.test.toml"],
        false,
    ),
    // A failing case: its differences, the findings' messages and the data errors.
    case(
        "rules test failing",
        &["rules", "test", "{d}/fails.test.toml"],
        true,
    ),
    case(
        "rules test bad file",
        &["rules", "test", "{d}/badkey.test.toml"],
        false,
    ),
    case("rules lint", &["rules", "lint"], true),
    case("rules lint data", &["rules", "lint", "{demo}"], true),
    case(
        "rules lint data errors",
        &["rules", "lint", "{d}/errors"],
        true,
    ),
    case(
        "rules lint bad rule file",
        &["rules", "lint", "--rules", "{d}/badkind.toml"],
        false,
    ),
];

/// The inputs the cases name, built in `d`.
fn setup(d: &Path) {
    let demo = d.join("demo");
    fs::create_dir_all(&demo).unwrap();
    for f in ["cadres.csv", "classes.csv", "attendance.csv", "units.csv"] {
        fs::copy(fixture("demo").join(f), demo.join(f)).unwrap();
    }
    let errors = d.join("errors");
    fs::create_dir_all(&errors).unwrap();
    for f in ["cadres.csv", "classes.csv", "attendance.csv"] {
        fs::copy(fixture("data-errors").join(f), errors.join(f)).unwrap();
    }
    fs::write(d.join("plain.txt"), "x\n").unwrap();
    fs::write(d.join("latin1.json"), b"{\"a\": \"\xe9\"}").unwrap();
    fs::write(d.join("array.json"), "[]").unwrap();
    fs::write(
        d.join("badentry.json"),
        r#"{"rule_set": "mianyang-2018-2020", "findings": [{"rule": 3}]}"#,
    )
    .unwrap();
    fs::write(
        d.join("other.json"),
        r#"{"rule_set": "another-plan", "findings": []}"#,
    )
    .unwrap();
    fs::write(
        d.join("badkind.toml"),
        "[plan]\nid = \"p\"\n[[rule]]\nid = \"r\"\nkind = \"nonsense\"\n",
    )
    .unwrap();
    // Rule tests: a case that fails (a finding and a data error it does not expect),
    // and a test file with an unknown key.
    fs::write(
        d.join("fails.test.toml"),
        "[[case]]\nname = \"x1\"\nas_of = 2019-06-30\nonly = [\"full-rotation\"]\n\
         cadres = \"\"\"\nid,name,post,kind,appointed_on\n\
         510703197505010058,吕志远,委员,专职,2018-03-01\n\
         510703198411010057,陈静,委员,专职,2019-13-01\n\"\"\"\n",
    )
    .unwrap();
    fs::write(
        d.join("badkey.test.toml"),
        "[[case]]\nname = \"x1\"\nas_of = 2019-06-30\nexpekt = []\n",
    )
    .unwrap();
    // A baseline two years earlier: some findings are new, some gone since.
    let base = peixun()
        .args([
            "check",
            demo.to_str().unwrap(),
            "--as-of",
            "2019-06-30",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    fs::write(d.join("base.json"), base.stdout).unwrap();
    // Waivers with problems: an unknown rule, an expired waiver, a bad date.
    fs::write(
        d.join("waivers.csv"),
        "rule,subject,period,reason,approved_by,expires_on\n\
         no-such-rule,X,,test,组织部,\n\
         new-chair-training,510704197205010014,,调岗,组织部,2020-01-01\n\
         new-chair-training,510723197810010036,,调岗,组织部,2020-13-01\n",
    )
    .unwrap();
    // A folder with only a roster; one whose roster lacks a column; an empty roster.
    for (name, cadres) in [
        (
            "plain",
            "身份证号,姓名,所在单位,县区,职务,专兼职,任职日期\nA1,张三,甲,涪城区,主席,专职,2019-01-01\n",
        ),
        ("nocol", "姓名\n张三\n"),
        (
            "empty",
            "身份证号,姓名,所在单位,县区,职务,专兼职,任职日期\n",
        ),
    ] {
        let f = d.join(name);
        fs::create_dir_all(&f).unwrap();
        fs::write(f.join("cadres.csv"), cadres).unwrap();
        if name != "plain" {
            for t in ["classes.csv", "attendance.csv"] {
                fs::copy(demo.join(t), f.join(t)).unwrap();
            }
        }
    }
    let xls = d.join("xls");
    fs::create_dir_all(&xls).unwrap();
    fs::write(xls.join("干部名册.xls"), b"\xd0\xcf\x11\xe0").unwrap();
    for t in ["classes.csv", "attendance.csv"] {
        fs::copy(demo.join(t), xls.join(t)).unwrap();
    }
    for (name, bytes) in [
        ("badzip", b"PK garbage".to_vec()),
        ("cutzip", {
            let book = fs::read(root().join("fixtures/exports/workbook/台账.xlsx")).unwrap();
            book[..book.len() / 2].to_vec()
        }),
    ] {
        let f = d.join(name);
        fs::create_dir_all(&f).unwrap();
        fs::write(f.join("cadres.xlsx"), bytes).unwrap();
        for t in ["classes.csv", "attendance.csv"] {
            fs::copy(demo.join(t), f.join(t)).unwrap();
        }
    }
    let two = d.join("two");
    fs::create_dir_all(&two).unwrap();
    for t in [
        "2020干部名册.csv",
        "2021干部名册.csv",
        "classes.csv",
        "attendance.csv",
    ] {
        let from = if t.contains("干部名册") {
            "cadres.csv"
        } else {
            t
        };
        fs::copy(demo.join(from), two.join(t)).unwrap();
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

/// The text without quoted values (`…`, “…”, "…", ‘…’) and paths.
fn unquoted(s: &str) -> String {
    let mut out = String::new();
    let mut close: Option<char> = None;
    for c in s.chars() {
        match close {
            Some(end) if c == end => close = None,
            Some(_) => {}
            None => match c {
                '`' => close = Some('`'),
                '“' => close = Some('”'),
                '"' => close = Some('"'),
                '‘' => close = Some('’'),
                _ => out.push(c),
            },
        }
    }
    out.split(' ')
        .filter(|w| !w.contains('/') && !w.contains('\\'))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first run of three or more English words, if any.
fn english_run(s: &str) -> Option<String> {
    for segment in s.split(|c: char| !(c.is_ascii_alphanumeric() || " '-".contains(c))) {
        let mut run: Vec<&str> = Vec::new();
        for w in segment.split(' ').filter(|w| !w.is_empty()) {
            let word = w
                .chars()
                .all(|c| c.is_ascii_alphabetic() || c == '\'' || c == '-')
                && w.chars().any(|c| c.is_ascii_alphabetic());
            if word {
                run.push(w);
                if run.len() >= 3 {
                    return Some(format!("{}…", run.join(" ")));
                }
            } else {
                run.clear();
            }
        }
    }
    None
}

/// Texts a report may quote in English: the data's cells, the rule file's strings and
/// the Chinese headers accepted for each column (src/model.rs).
fn quoted_data() -> Vec<String> {
    let mut texts: Vec<String> = Vec::new();
    for dir in ["demo", "data-errors"] {
        for f in ["cadres.csv", "classes.csv", "attendance.csv", "units.csv"] {
            let Ok(t) = fs::read_to_string(fixture(dir).join(f)) else {
                continue;
            };
            texts.extend(t.lines().flat_map(|l| l.split(',')).map(str::to_owned));
        }
    }
    let rules = fs::read_to_string(root().join("rules/mianyang-2018-2020.toml")).unwrap();
    let model = fs::read_to_string(root().join("src/model.rs")).unwrap();
    for text in [rules, model] {
        for part in text.split('"').skip(1).step_by(2) {
            if !part.contains('{') {
                texts.push(part.to_owned());
            }
        }
    }
    texts.retain(|t| t.chars().any(is_cjk));
    texts.sort_by_key(|t| std::cmp::Reverse(t.chars().count()));
    texts.dedup();
    texts
}

/// Problems with `text` in `lang`, one line each.
fn wrong_language(text: &str, zh: bool, data: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut any_cjk = false;
    for line in text.lines() {
        let plain = unquoted(line.trim_start_matches("\u{feff}"));
        if zh {
            any_cjk |= plain.chars().any(is_cjk);
            if let Some(run) = english_run(&plain) {
                problems.push(format!("English words `{run}` in: {line}"));
            }
        } else {
            let mut rest = plain;
            for d in data {
                rest = rest.replace(d.as_str(), "");
            }
            // Names and places split by the table's separators, and clause numbers.
            if rest.chars().any(is_cjk)
                && !data
                    .iter()
                    .any(|d| d.chars().count() >= 2 && line.contains(d.as_str()))
            {
                problems.push(format!("Chinese in: {line}"));
            }
        }
    }
    if zh && !text.trim().is_empty() && !any_cjk {
        problems.push(format!("no Chinese at all: {text}"));
    }
    problems
}

/// An HTML page's text (its style and tags left out); other output as it is.
fn page_text(out: &str) -> String {
    if !out.starts_with("<!DOCTYPE") {
        return out.to_owned();
    }
    let body = match (out.find("<style>"), out.find("</style>")) {
        (Some(a), Some(b)) => format!("{}{}", &out[..a], &out[b..]),
        _ => out.to_owned(),
    };
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push('\n');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

fn run_case(c: &Case, zh: bool, data: &[String]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d);
    let demo = d.join("demo");
    let mut args: Vec<String> = c
        .args
        .iter()
        .map(|a| {
            a.replace("{demo}", demo.to_str().unwrap())
                .replace("{d}", d.to_str().unwrap())
        })
        .collect();
    if !zh {
        args.extend(["--lang".to_owned(), "en".to_owned()]);
    }
    let out = peixun()
        .env("COLUMNS", "4000")
        .args(&args)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    let lang = if zh { "zh" } else { "en" };
    let mut problems: Vec<String> = wrong_language(&stderr, zh, data)
        .into_iter()
        .map(|p| format!("{} [{lang}] stderr: {p}", c.name))
        .collect();
    if c.stdout_human {
        problems.extend(
            wrong_language(&page_text(&stdout), zh, data)
                .into_iter()
                .map(|p| format!("{} [{lang}] stdout: {p}", c.name)),
        );
    }
    if stderr.replace(d.to_str().unwrap(), "").contains(".tmp") {
        problems.push(format!(
            "{} [{lang}]: a temporary file named: {stderr}",
            c.name
        ));
    }
    if out.status.code() == Some(2) && stderr.trim().is_empty() {
        problems.push(format!("{} [{lang}]: exit 2 without a message", c.name));
    }
    problems
}

#[test]
fn every_message_is_in_the_language_asked_for() {
    let data = quoted_data();
    let mut problems = Vec::new();
    for c in CASES {
        for zh in [true, false] {
            problems.extend(run_case(c, zh, &data));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_finds_wrong_languages() {
    assert!(english_run("无法读取：No such file or directory").is_some());
    assert!(english_run("规则 new-chair-training 违规 3").is_none());
    assert!(english_run(&unquoted("缺少 `the rule file` 列")).is_none());
    assert!(
        !wrong_language("cannot read `a`", false, &[])
            .iter()
            .any(|p| p.contains("Chinese"))
    );
    assert!(!wrong_language("无法读取", false, &[]).is_empty());
    assert!(!wrong_language("cannot read the file", true, &[]).is_empty());
}

/// SPEC §8: the header as the file wrote it, in human formats and in JSON's `header`.
#[test]
fn columns_are_shown_as_their_headers() {
    let dir = fixture("demo");
    let d = dir.to_str().unwrap();
    let out = peixun()
        .args(["check", d, "--as-of", "2021-03-01", "--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("| cadres.csv | 38 | 任职日期 | 2019-13-01 |"),
        "{md}"
    );
    assert!(!md.contains("| appointed_on |"), "{md}");
    let out = peixun()
        .args(["check", d, "--as-of", "2021-03-01", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = v["data_errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["line"] == 38)
        .unwrap();
    assert_eq!(e["column"], "appointed_on");
    assert_eq!(e["header"], "任职日期");
}

/// A forbid finding and a near miss name the columns as the classes file wrote them.
#[test]
fn evidence_names_headers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for f in ["cadres.csv", "attendance.csv"] {
        fs::copy(fixture("demo").join(f), d.join(f)).unwrap();
    }
    let classes = fs::read_to_string(fixture("demo").join("classes.csv")).unwrap();
    let (head, rest) = classes.split_once('\n').unwrap();
    let head = head
        .replace("organizer_level", "举办层级")
        .replace("fee", "收费")
        .replace("category", "培训类别");
    // A city class that charges a fee.
    let extra = "FEE1,收费班,绵阳市总工会,市,市直,业务培训,2019-05-06,2019-05-07,2,300\n";
    fs::write(d.join("classes.csv"), format!("{head}\n{rest}{extra}")).unwrap();
    let out = peixun()
        .env("COLUMNS", "400")
        .args(["check", d.to_str().unwrap(), "--as-of", "2021-03-01"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // `organizer` is shown as this file wrote it, in English.
    assert!(
        text.contains("举办层级 = 市，organizer = 绵阳市总工会，收费 = 300"),
        "{text}"
    );
    assert!(!text.contains("organizer_level ="), "{text}");
    // A near miss names the column as the file did, in the condition too.
    assert!(
        text.contains("不计入：培训类别为“网络培训”，而规则要求培训类别为"),
        "{text}"
    );
}

/// SPEC §8's words: 提醒 warning severity, 豁免问题 waiver problems, 已消除 gone since
/// the baseline — the same word in every human format, and no synonym.
#[test]
fn one_word_each_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d);
    let demo = d.join("demo");
    for (lang, words, synonyms) in [
        (
            "zh",
            ["〔提醒〕", "豁免问题", "已消除"],
            &["警告", "已解决", "告警", "提醒级〕"][..],
        ),
        (
            "en",
            ["warning", "aiver problems", "one since the baseline"],
            &["resolved since", "caution"][..],
        ),
    ] {
        for format in ["table", "markdown", "html"] {
            let out = peixun()
                .args(["check", demo.to_str().unwrap(), "--as-of", "2021-03-01"])
                .args(["--baseline", d.join("base.json").to_str().unwrap()])
                .args(["--waivers", d.join("waivers.csv").to_str().unwrap()])
                .args(["--format", format, "--lang", lang])
                .output()
                .unwrap();
            let text = String::from_utf8(out.stdout).unwrap();
            for w in words {
                let w = if format == "html" {
                    w.trim_matches(['〔', '〕'])
                } else {
                    w
                };
                assert!(text.contains(w), "{lang} {format}: no `{w}`");
            }
            for s in synonyms {
                assert!(!text.contains(s), "{lang} {format}: `{s}`");
            }
        }
    }
}
