//! Text for people (SPEC §6): `title_en`, `description_en`, `quote`, `note`, `note_en`
//! in the rule file, the shipped rule set's texts against the plan, and where every
//! format and `rules explain` show them.

use std::fs;

use serde_json::Value;

use crate::util::{fixture, root, run};

/// The text without any white space (the plan breaks lines inside sentences).
fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn shipped_rules() -> Vec<toml::Table> {
    let text = fs::read_to_string(root().join("rules/mianyang-2018-2020.toml")).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_table().unwrap().clone())
        .collect()
}

#[test]
fn shipped_quotes_are_whole_sentences_of_the_plan_verbatim() {
    let plan = squeezed(
        &fs::read_to_string(root().join("docs/plan/mianyang-2018-2020-plan.zh.md")).unwrap(),
    );
    let mut quoted = 0;
    for r in shipped_rules() {
        let id = r["id"].as_str().unwrap();
        let Some(quote) = r.get("quote") else {
            continue;
        };
        quoted += 1;
        let quote = squeezed(quote.as_str().unwrap());
        let at = plan
            .find(&quote)
            .unwrap_or_else(|| panic!("{id}: the quote is not in the plan: {quote}"));
        // A whole sentence: it ends with a full stop and starts after one (or after a
        // list number such as "2.").
        assert!(quote.ends_with('。'), "{id}: {quote}");
        let before = plan[..at].chars().next_back().unwrap();
        assert!(
            "。.".contains(before),
            "{id} starts inside a sentence: …{before}{quote}"
        );
    }
    assert!(quoted > 0);
}

#[test]
fn every_shipped_rule_has_its_texts() {
    let rules = shipped_rules();
    assert_eq!(rules.len(), 7);
    for r in rules {
        let id = r["id"].as_str().unwrap();
        for key in ["quote", "note", "note_en", "title_en", "description_en"] {
            let text = r
                .get(key)
                .and_then(toml::Value::as_str)
                .unwrap_or_else(|| panic!("{id} has no `{key}`"));
            assert!(!text.trim().is_empty(), "{id}: `{key}` is empty");
        }
    }
}

#[test]
fn shipped_notes_say_how_the_plan_is_read() {
    let rules = shipped_rules();
    let note = |id: &str| {
        rules.iter().find(|r| r["id"].as_str() == Some(id)).unwrap()["note"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let chair = note("new-chair-training");
    assert!(
        chair.contains("初任培训") && chair.contains("任职培训") && chair.contains("业务培训"),
        "{chair}"
    );
    let rotation = note("full-rotation");
    assert!(
        rotation.contains("任何一期") && rotation.contains("时长"),
        "{rotation}"
    );
}

/// A rule file with every text, some in English only where Chinese is given too.
const TEXTS: &str = r#"
[plan]
id = "texts"
title = "测试规划"
title_en = "A test plan"
start = 2018-01-01
end = 2020-12-31

[[rules]]
id = "fees"
kind = "forbid"
title = "市级培训不收费"
title_en = "City classes are free"
clause = "一"
quote = "市级培训班不向学员收取费用。"
description = "收费大于0的市级培训班为违规。"
description_en = "A city class with a fee above 0 is a violation."
note = "收费为空按0计。"
class = { organizer_level = "市", fee = { above = 0 } }

[[rules]]
id = "rotation"
kind = "coverage"
title = "轮训一遍"
clause = "二"
note = "任何培训都算。"
note_en = "Any class counts."
who = {}
class = {}
min = 1
"#;

fn texts_file(dir: &std::path::Path) -> String {
    let path = dir.join("texts.toml");
    fs::write(&path, TEXTS).unwrap();
    path.to_str().unwrap().to_owned()
}

fn check(rules: &str, lang: &str, format: &str) -> String {
    let data = fixture("demo");
    let (code, out, err) = run(
        &[
            "check",
            data.to_str().unwrap(),
            "--rules",
            rules,
            "--as-of",
            "2021-03-01",
            "--lang",
            lang,
            "--format",
            format,
        ],
        None,
    );
    assert_eq!(code, 1, "{err}");
    out
}

#[test]
fn english_uses_the_english_texts_and_shows_the_others_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let rules = texts_file(dir.path());
    let en = check(&rules, "en", "table");
    assert!(en.starts_with("A test plan\n"), "{en}");
    assert!(en.contains("■ fees City classes are free (一)"), "{en}");
    assert!(!en.contains("市级培训不收费"), "{en}");
    // No `note_en`: the note as written; no `title_en`: the title as written.
    assert!(en.contains("  Note: 收费为空按0计。"), "{en}");
    assert!(en.contains("■ rotation 轮训一遍 (二)"), "{en}");
    assert!(en.contains("  Note: Any class counts."), "{en}");

    let zh = check(&rules, "zh", "table");
    assert!(zh.starts_with("测试规划\n"), "{zh}");
    assert!(
        zh.contains("■ fees 市级培训不收费（一）\n  注：收费为空按0计。\n"),
        "{zh}"
    );
    assert!(zh.contains("  注：任何培训都算。"), "{zh}");
    assert!(
        !zh.contains("City classes are free") && !zh.contains("Any class"),
        "{zh}"
    );
}

#[test]
fn every_human_format_shows_the_note_under_the_heading() {
    let dir = tempfile::tempdir().unwrap();
    let rules = texts_file(dir.path());
    let md = check(&rules, "zh", "markdown");
    assert!(
        md.contains("## fees 市级培训不收费（一）\n\n注：收费为空按0计。\n\n"),
        "{md}"
    );
    let md = check(&rules, "en", "markdown");
    assert!(
        md.contains("## rotation 轮训一遍 (二)\n\nNote: Any class counts.\n\n"),
        "{md}"
    );
    let html = check(&rules, "en", "html");
    assert!(html.contains("<h2>City classes are free</h2>"), "{html}");
    assert!(
        html.contains("<p class=\"note\">Note: Any class counts.</p>"),
        "{html}"
    );
    let junit = check(&rules, "en", "junit");
    assert!(
        junit.contains("<property name=\"title\" value=\"City classes are free\"/>"),
        "{junit}"
    );
    assert!(
        junit.contains("<property name=\"note\" value=\"收费为空按0计。\"/>"),
        "{junit}"
    );

    // The workbook's summary: the title in the report's language, the note beside it.
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let book = dir.path().join("r.xlsx");
    let data = fixture("demo");
    let (code, _, err) = run(
        &[
            "check",
            data.to_str().unwrap(),
            "--rules",
            &rules,
            "--as-of",
            "2021-03-01",
            "--lang",
            "en",
            "-o",
            book.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 1, "{err}");
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    let summary = wb.worksheet_range("Summary").unwrap();
    assert_eq!(
        summary.rows().next().unwrap()[0],
        Data::String("A test plan".into())
    );
    let header = summary
        .rows()
        .find(|r| r[0] == Data::String("Rule".into()))
        .unwrap();
    assert_eq!(header[11], Data::String("Note".into()));
    let fees = summary
        .rows()
        .find(|r| r[0] == Data::String("fees".into()))
        .unwrap();
    assert_eq!(fees[1], Data::String("City classes are free".into()));
    assert_eq!(fees[11], Data::String("收费为空按0计。".into()));
}

#[test]
fn json_rules_add_quote_and_note_and_keep_the_title() {
    let dir = tempfile::tempdir().unwrap();
    let rules = texts_file(dir.path());
    let en: Value = serde_json::from_str(&check(&rules, "en", "json")).unwrap();
    let fees = &en["rules"][0];
    assert_eq!(
        fees["title"], "市级培训不收费",
        "JSON keeps the title as written"
    );
    assert_eq!(fees["quote"], "市级培训班不向学员收取费用。");
    assert_eq!(fees["note"], "收费为空按0计。");
    assert_eq!(en["rules"][1]["note"], "Any class counts.");
    assert!(en["rules"][1].get("quote").is_none());
    let zh: Value = serde_json::from_str(&check(&rules, "zh", "json")).unwrap();
    assert_eq!(zh["rules"][1]["note"], "任何培训都算。");
}

#[test]
fn explain_shows_the_quote_and_the_note() {
    let (code, out, err) = run(&["rules", "explain", "full-rotation"], None);
    assert_eq!(code, 0, "{err}");
    let flat = squeezed(&out);
    assert!(
        flat.contains("规划原文：“组织领导和经费保障力度进一步加大"),
        "{out}"
    );
    assert!(flat.contains("轮训一遍的目标。”"), "{out}");
    assert!(flat.contains("注：任何一期结业的培训班都算轮训"), "{out}");

    let (code, out, err) = run(&["rules", "explain", "full-rotation", "--lang", "en"], None);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("full-rotation — Rotate all full-time"),
        "{out}"
    );
    assert!(out.contains("the plan says: “组织领导"), "{out}");
    assert!(out.contains("note: Any completed class counts"), "{out}");

    let (code, out, _) = run(&["rules", "list", "--lang", "en"], None);
    assert_eq!(code, 0);
    assert!(out.contains("Newly appointed"), "{out}");
    let (_, out, _) = run(&["rules", "list"], None);
    assert!(!out.contains("Newly appointed"), "{out}");
}

#[test]
fn bad_texts_are_rule_file_errors_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    for (line, col, key_value, why) in [
        (
            10,
            8,
            "note = 1",
            "rule `note` must be a string, not an integer",
        ),
        (10, 9, "quote = \"\"", "rule `quote` must not be empty"),
        (
            10,
            12,
            "title_en = \" \"",
            "rule `title_en` must not be empty",
        ),
        (
            10,
            18,
            "description_en = []",
            "rule `description_en` must be a string",
        ),
        (10, 11, "note_en = true", "rule `note_en` must be a string"),
    ] {
        fs::write(
            &path,
            format!(
                "[plan]\nid = \"p\"\nstart = 2021-01-01\nend = 2023-12-31\n[[rules]]\nid = \"a\"\nkind = \"forbid\"\ntitle = \"t\"\nclause = \"c\"\n{key_value}\nclass = {{}}\n"
            ),
        )
        .unwrap();
        let (code, out, err) = run(
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
        assert_eq!(code, 2, "{key_value}: {out}");
        assert!(
            err.contains(&format!("bad.toml:{line}:{col}: {why}")),
            "{key_value}: {err}"
        );
    }
    fs::write(
        &path,
        "[plan]\nid = \"p\"\ntitle_en = 3\nstart = 2021-01-01\nend = 2023-12-31\n",
    )
    .unwrap();
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
    assert!(
        err.contains("bad.toml:3:12: plan `title_en` must be a string"),
        "{err}"
    );
}
