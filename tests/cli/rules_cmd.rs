//! `rules list` and `rules explain`: generated from the rule file.

use crate::util::{fixture, run};

#[test]
fn list_shows_every_rule_with_kind_severity_and_clause() {
    let (code, out, err) = run(&["rules", "list"], None);
    assert_eq!(code, 0, "{err}");
    for (id, kind, clause) in [
        ("new-chair-training", "deadline", "三、(二) 1"),
        ("county-annual-class", "quota", "三、(二) 2"),
        ("full-rotation", "coverage", "一、(三)"),
        ("city-topic-classes", "quota", "三、(二) 2"),
        ("city-class-free", "forbid", "四、(四)"),
    ] {
        let line = out
            .lines()
            .find(|l| l.contains(id))
            .unwrap_or_else(|| panic!("{id} missing:\n{out}"));
        assert!(line.contains(kind) && line.contains(clause), "{line}");
    }
    assert!(
        out.contains("提醒"),
        "city-topic-classes is a warning:\n{out}"
    );
    assert!(out.contains("绵工发〔2018〕48号"));
}

#[test]
fn list_reads_another_rule_file() {
    let rules = fixture("second-plan").join("rules.toml");
    let (code, out, _) = run(&["rules", "list", "--rules", rules.to_str().unwrap()], None);
    assert_eq!(code, 0);
    assert!(!out.contains("new-chair-training"));
    let text = std::fs::read_to_string(&rules).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    for r in doc["rules"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        assert!(out.contains(id), "{id} missing:\n{out}");
    }
}

#[test]
fn explain_prints_title_clause_description_and_parameters() {
    let (code, out, _) = run(&["rules", "explain", "new-chair-training"], None);
    assert_eq!(code, 0);
    assert!(out.contains("确保新任工会主席在任职1年内参加上级工会组织的业务培训"));
    assert!(out.contains("三、(二) 1"));
    // Paragraphs wrap to the terminal: read Chinese as running text.
    let flat = out.replace('\n', "");
    assert!(
        flat.contains("自任职日期起1年内"),
        "the window in words:\n{out}"
    );
    assert!(out.contains("业务培训") && out.contains("初任培训") && out.contains("任职培训"));
    assert!(
        flat.contains("举办单位为该干部所在工会的上级工会之一"),
        "the chair's own superiors:\n{out}"
    );
    assert!(
        out.contains("限期（deadline）——"),
        "the kind's documentation:\n{out}"
    );

    let (code, out, _) = run(
        &["rules", "explain", "city-topic-classes", "--lang", "en"],
        None,
    );
    assert_eq!(code, 0);
    // Paragraphs wrap to the terminal: read them as running text.
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(out.contains("1 class(es) to 2 class(es)"), "{out}");
    assert!(
        out.contains("the whole plan period") || out.contains("each year of the plan"),
        "{out}"
    );
}

#[test]
fn explain_unknown_rule_exits_2_naming_the_rules() {
    let (code, out, err) = run(&["rules", "explain", "no-such-rule"], None);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("no-such-rule") && err.contains("full-rotation"),
        "{err}"
    );
}

#[test]
fn completions_and_man_page() {
    let (code, out, _) = run(&["completions", "bash"], None);
    assert_eq!(code, 0);
    assert!(
        out.contains("_peixun()") && out.contains("--as-of"),
        "{out}"
    );
    let (code, out, _) = run(&["man"], None);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(".ie") || out.contains(".TH peixun 1"),
        "{out}"
    );
    let (code, _, err) = run(&["completions", "tcsh"], None);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn help_and_usage_errors() {
    let (code, out, _) = run(&["--help"], None);
    assert_eq!(code, 0);
    for cmd in ["check", "validate", "rules", "init", "completions", "man"] {
        assert!(out.contains(cmd), "{cmd} missing from --help:\n{out}");
    }
    let (code, out, err) = run(
        &["check", "--as-of", "2021-13-01", "--format", "json"],
        None,
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("2021-13-01"), "{err}");
    let (code, out, _) = run(&["check", "--bogus"], None);
    assert_eq!(code, 2);
    assert!(out.is_empty());
}

/// The benchmark's rule file (`scripts/bench-units.toml`, every §6 form the units
/// benchmark measures) stays a valid rule file.
#[test]
fn the_benchmark_rule_file_parses() {
    let path = crate::util::root().join("scripts/bench-units.toml");
    let (code, out, err) =
        crate::util::run(&["rules", "list", "--rules", path.to_str().unwrap()], None);
    assert_eq!(code, 0, "{err}");
    for id in [
        "chair-superior",
        "vice-chair-training",
        "annual-3d-24h",
        "county-rate",
        "union-hours",
        "county-union-free",
    ] {
        assert!(out.contains(id), "{id} not listed: {out}");
    }
}

#[test]
fn kinds_are_named_in_words_in_chinese_and_by_keyword_in_english() {
    let (code, out, err) = run(&["rules", "list"], None);
    assert_eq!(code, 0, "{err}");
    let line = |id: &str| {
        out.lines()
            .find(|l| l.contains(id))
            .unwrap_or_else(|| panic!("{id} missing:\n{out}"))
            .to_owned()
    };
    // The table wraps; the kind column is wide enough for the word and its keyword.
    assert!(
        line("new-chair-training").contains("限期（deadline）"),
        "{out}"
    );
    assert!(
        line("county-annual-class").contains("定额（quota）"),
        "{out}"
    );
    assert!(line("full-rotation").contains("覆盖（coverage）"), "{out}");
    assert!(line("city-class-free").contains("禁止（forbid）"), "{out}");
    let (code, out, _) = run(&["rules", "list", "--lang", "en"], None);
    assert_eq!(code, 0);
    assert!(!out.contains("限期") && out.contains("deadline"), "{out}");
    let (code, out, _) = run(&["rules", "explain", "county-annual-class"], None);
    assert_eq!(code, 0);
    assert!(out.contains("类型：定额（quota）"), "{out}");
    let (code, out, _) = run(
        &["rules", "explain", "county-annual-class", "--lang", "en"],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.contains("kind: quota "), "{out}");
}
