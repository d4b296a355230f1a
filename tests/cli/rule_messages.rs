//! Rule-file and columns-file diagnostics follow `--lang` (SPEC §8 "Privacy and text"):
//! Chinese by default, English with `--lang en`, each at its file:line:column.

use std::fs;

use crate::util::{fixture, run};

const PLAN: &str = "[plan]\nid = \"p\"\nstart = 2021-01-01\nend = 2023-12-31\n";

/// `rules list` on a rule file made of PLAN and `rules`, in `lang`: its stderr, after
/// checking the run stopped (exit 2, nothing on stdout).
fn diagnostics(rules: &str, lang: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.toml");
    fs::write(&path, format!("{PLAN}{rules}")).unwrap();
    let (code, out, err) = run(
        &[
            "rules",
            "list",
            "--rules",
            path.to_str().unwrap(),
            "--lang",
            lang,
        ],
        None,
    );
    assert_eq!(code, 2, "{rules}\n{out}{err}");
    assert!(out.is_empty(), "{out}");
    err
}

fn rule(kind: &str, keys: &str) -> String {
    format!("[[rules]]\nid = \"r\"\nkind = \"{kind}\"\ntitle = \"t\"\nclause = \"c\"\n{keys}\n")
}

/// Each second-edition form written wrong: (rule file text after the plan, the position,
/// the Chinese message, the English one).
fn cases() -> Vec<(String, &'static str, &'static str, &'static str)> {
    vec![
        (
            rule(
                "coverage",
                "who = { any = { kind = \"专职\" } }\nclass = {}",
            ),
            "r.toml:10:15: ",
            "`any` 应为条件表的列表，如 [ { category = \"业务培训\" }, { days = { min = 2 } } ]，而不是表",
            "`any` must be a list of condition tables",
        ),
        (
            rule("coverage", "who = {}\nclass = {}\nrate = 1.5"),
            "r.toml:12:8: ",
            "`rate = 1.5`：大于 1；请写大于 0、不大于 1 的小数，至多 4 位小数",
            "`rate = 1.5`: more than 1; write a decimal above 0 and at most 1",
        ),
        (
            rule("coverage", "who = {}\nclass = {}\nrate = 0"),
            "r.toml:12:8: ",
            "`rate = 0`：不大于 0",
            "`rate = 0`: not above 0",
        ),
        (
            rule("quota", "every = \"year\"\nclass = {}\nmin = 1\nrate = 0.9"),
            "r.toml:13:1: ",
            "规则 `r` 中有未知的键 `rate`（可用：",
            "unknown key `rate` in rule `r` (accepted: ",
        ),
        (
            rule("quota", "every = \"year\"\nclass = {}\nmin = 1\nrate = 0.9"),
            "r.toml:13:1: ",
            "；只有 coverage 规则可写 `rate`",
            "; `rate` is taken only by coverage rules",
        ),
        (
            rule("coverage", "who = {}\nclass = {}\nmeasure = \"attendees\""),
            "r.toml:12:11: ",
            "只有 quota 规则可写 `measure = \"attendees\"`，且不能写在 `or` 中（此处可用：classes、days、hours）",
            "`measure = \"attendees\"` is taken only by a quota rule",
        ),
        (
            rule("forbid", "class = { organizer = { in = \"市总工会\" } }"),
            "r.toml:10:30: ",
            "`in` 应为列表（如 [\"a\", \"b\"]）或 \"$superiors\"，而不是字符串",
            "`in` must be a list such as [\"a\", \"b\"], or \"$superiors\", not a string",
        ),
        (
            rule("forbid", "class = { \"unit.type\" = \"县区总工会\" }"),
            "r.toml:10:11: ",
            "`unit.type`：培训班没有自己的所在工会；在 `class` 中经举办单位查工会组织表，写作 `\"organizer.type\"`",
            "`unit.type`: a class has no unit of its own",
        ),
        (
            rule(
                "coverage",
                "who = { \"organizer.type\" = \"x\" }\nclass = {}",
            ),
            "r.toml:10:9: ",
            "`organizer.type`：干部没有举办单位；在 `who` 中经干部所在工会查工会组织表，写作 `\"unit.type\"`",
            "`organizer.type`: a cadre has no organizer",
        ),
        (
            format!(
                "[columns]\ncadres = {{ \"提任日期\" = \"datum\" }}\n{}",
                rule("forbid", "class = {}")
            ),
            "r.toml:6:21: ",
            "`提任日期` 的列类型 `datum` 无法识别（可用：date、number、text）",
            "unknown column type `datum` for `提任日期` (accepted: date, number, text)",
        ),
        (
            rule(
                "deadline",
                "who = {}\nclass = {}\nfrom = \"appointed_on\"\nwithin = \"1 year\"",
            ),
            "r.toml:13:10: ",
            "`within = \"1 year\"` 不是期限：请写 Ny、Nm 或 Nd",
            "`within = \"1 year\"` is not a span",
        ),
        (
            rule("forbid", "class = { fee = { abov = 0 } }"),
            "r.toml:10:19: ",
            "`fee` 的条件 中有未知的键 `abov`（可用：not、min、max、above、below、during、missing、in、contains、not_contains）；是否想写 `above`？",
            "unknown key `abov` in the condition on `fee`",
        ),
        (
            rule("forbidd", "class = {}"),
            "r.toml:7:8: ",
            "规则 `r` 的类型 `forbidd` 无法识别（可用：deadline、quota、coverage、forbid）",
            "unknown kind `forbidd` in rule `r` (accepted: deadline, quota, coverage, forbid)",
        ),
    ]
}

#[test]
fn rule_file_diagnostics_are_chinese_by_default_and_english_with_lang_en() {
    for (rules, at, zh, en) in cases() {
        let err = diagnostics(&rules, "zh");
        assert!(err.contains("错误："), "{err}");
        assert!(
            err.lines().any(|l| l.contains(at) && l.contains(zh)),
            "expected `{at}{zh}`:\n{err}"
        );
        // Nothing English but the names of keys, kinds and values.
        for word in ["error:", "must", "unknown", "needs", "accepted", "not a"] {
            assert!(!err.contains(word), "`{word}` in Chinese:\n{err}");
        }
        let err = diagnostics(&rules, "en");
        assert!(
            err.lines()
                .any(|l| l.starts_with("error: ") && l.contains(at) && l.contains(en)),
            "expected `{at}{en}`:\n{err}"
        );
    }
}

/// A rule file that is not TOML, or names no plan: the same in both languages.
#[test]
fn broken_rule_files_are_described_in_the_language_asked_for() {
    let err = diagnostics("[[rules]]\nid = 1\n", "zh");
    assert!(
        err.contains("r.toml:6:6: 规则的 `id` 应为字符串，而不是整数"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.toml");
    fs::write(&path, "[plan\nid = 1\n").unwrap();
    let (code, _, err) = run(&["rules", "list", "--rules", path.to_str().unwrap()], None);
    assert_eq!(code, 2);
    assert!(err.contains("r.toml:1:6: 不是有效的 TOML："), "{err}");
    let (code, _, err) = run(
        &[
            "rules",
            "list",
            "--rules",
            path.to_str().unwrap(),
            "--lang",
            "en",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("r.toml:1:6: not valid TOML: "), "{err}");
    fs::write(&path, b"[plan]\nid = \"\xff\"\n").unwrap();
    let (code, _, err) = run(&["rules", "list", "--rules", path.to_str().unwrap()], None);
    assert_eq!(code, 2);
    assert!(err.contains("不是 UTF-8 文本"), "{err}");
    let missing = dir.path().join("none.toml");
    let (code, _, err) = run(
        &["rules", "list", "--rules", missing.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("无法读取规则文件"), "{err}");
}

/// A rule naming a column the data lacks: exit 2 naming the rule and the column.
#[test]
fn a_column_the_data_lacks_is_named_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.toml");
    fs::write(
        &path,
        format!(
            "{PLAN}{}",
            rule("forbid", "class = { \"经费来源\" = \"自筹\" }")
        ),
    )
    .unwrap();
    let data = fixture("demo-no-units");
    let args = |lang: &'static str| {
        vec![
            "check".to_owned(),
            data.to_str().unwrap().to_owned(),
            "--rules".to_owned(),
            path.to_str().unwrap().to_owned(),
            "--lang".to_owned(),
            lang.to_owned(),
        ]
    };
    let zh = args("zh");
    let (code, out, err) = run(&zh.iter().map(String::as_str).collect::<Vec<_>>(), None);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("r.toml:10:11: 规则 `r` 用到列 `经费来源`，但 classes（"),
        "{err}"
    );
    let en = args("en");
    let (code, _, err) = run(&en.iter().map(String::as_str).collect::<Vec<_>>(), None);
    assert_eq!(code, 2);
    assert!(
        err.contains("r.toml:10:11: rule `r` names column `经费来源`, which classes ("),
        "{err}"
    );
}

/// The `--columns` file's diagnostics follow `--lang` too, with file:line:column.
#[test]
fn columns_file_diagnostics_follow_lang() {
    let dir = tempfile::tempdir().unwrap();
    let cols = dir.path().join("columns.toml");
    fs::write(
        &cols,
        "[cadres]\n\"任职时期\" = \"appointed\"\n[students]\n\"x\" = \"id\"\n[values.cadres.kind]\n\"兼职\" = [\"兼\"]\n\"专职\" = [\"兼\"]\n",
    )
    .unwrap();
    let data = fixture("demo-no-units");
    for (lang, expected) in [
        (
            "zh",
            [
                "columns.toml:2:10: `appointed` 不是 cadres 表的字段（可用：id、name",
                "columns.toml:3:2: 表 `students` 无法识别（可用：cadres、classes、attendance）",
                "columns.toml:7:9: values.cadres.kind 中的 `兼` 对应了两个词：`兼职` 和 `专职`",
            ],
        ),
        (
            "en",
            [
                "columns.toml:2:10: `appointed` is not a field of cadres (accepted: id, name",
                "columns.toml:3:2: unknown table `students` (accepted: cadres, classes, attendance)",
                "columns.toml:7:9: `兼` in values.cadres.kind is mapped to two words: `兼职` and `专职`",
            ],
        ),
    ] {
        let (code, out, err) = run(
            &[
                "validate",
                data.to_str().unwrap(),
                "--columns",
                cols.to_str().unwrap(),
                "--lang",
                lang,
            ],
            None,
        );
        assert_eq!(code, 2, "{out}{err}");
        assert!(out.is_empty());
        for e in expected {
            assert!(err.contains(e), "{lang}: `{e}`:\n{err}");
        }
    }
    fs::write(&cols, "[cadres\n").unwrap();
    let (code, _, err) = run(
        &[
            "validate",
            data.to_str().unwrap(),
            "--columns",
            cols.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("columns.toml:1:8: 不是有效的 TOML："), "{err}");
}
