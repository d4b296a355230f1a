//! The rule-author side of SPEC §6's condition forms: every rule-file error of `any`,
//! `in`, `"$superiors"`, dotted columns, `contains`, `fallback` and quota `groups`
//! (exit 2, nothing on stdout, file:line:column and what was expected); a units form
//! run without a units table; `rules explain` of the new forms and of a fallback; and
//! the notices (SPEC §8) seeing inside `any`.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::util::{fixture, run};

const PLAN: &str = r#"[plan]
id = "forms"
authority = "市总工会"
start = 2018-01-01
end = 2020-12-31

"#;

/// A folder with the `units-rules` tables (the units table too when `units`) and the
/// rule file `rules`.
fn folder(rules: &str, units: bool) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture("units-rules");
    for t in ["cadres", "classes", "attendance"]
        .into_iter()
        .chain(units.then_some("units"))
    {
        let name = format!("{t}.csv");
        fs::copy(src.join(&name), tmp.path().join(&name)).unwrap();
    }
    fs::write(tmp.path().join("rules.toml"), rules).unwrap();
    tmp
}

fn check(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "check",
        ".",
        "--rules",
        "rules.toml",
        "--as-of",
        "2021-03-01",
    ];
    args.extend_from_slice(extra);
    run(&args, Some(dir))
}

/// `rules.toml:line:column` of the first `needle` in `text` (column in characters).
fn at(text: &str, needle: &str) -> String {
    let i = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the rule file"));
    let before = &text[..i];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |n| n + 1);
    format!("rules.toml:{line}:{}", text[start..i].chars().count() + 1)
}

/// The rule file `PLAN` + `rule` is refused: exit 2, empty stdout, and stderr names the
/// position of `needle` and holds each of `phrases`.
fn refused(rule: &str, needle: &str, phrases: &[&str]) {
    let text = format!("{PLAN}{rule}");
    let d = folder(&text, true);
    let (code, out, err) = check(d.path(), &["--lang", "en"]);
    let pos = at(&text, needle);
    assert_eq!(code, 2, "exit {code}; stderr:\n{err}\n--- rules:\n{text}");
    assert!(out.is_empty(), "stdout not empty:\n{out}");
    assert!(err.contains(&pos), "stderr does not name {pos}:\n{err}");
    for p in phrases {
        assert!(err.contains(p), "stderr lacks `{p}`:\n{err}");
    }
}

fn forbid(class: &str) -> String {
    format!(
        "[[rules]]\nid = \"r\"\nkind = \"forbid\"\ntitle = \"t\"\nclause = \"1\"\nclass = {class}\n"
    )
}

fn deadline(who: &str, class: &str) -> String {
    format!(
        "[[rules]]\nid = \"d\"\nkind = \"deadline\"\ntitle = \"t\"\nclause = \"1\"\nwho = {who}\nfrom = \"appointed_on\"\nwithin = \"1y\"\nclass = {class}\n"
    )
}

#[test]
fn any_must_be_a_list_of_condition_tables() {
    refused(
        &forbid("{ any = { fee = { above = 0 } } }"),
        "{ fee",
        &["`any`", "a list of condition tables", "not a table"],
    );
    refused(
        &forbid("{ any = [] }"),
        "[]",
        &["at least one condition table"],
    );
    refused(
        &forbid("{ any = [ \"收费\" ] }"),
        "\"收费\"",
        &["each of `any`", "a condition table"],
    );
    // Inside `any`, the tables are checked like any other.
    refused(
        &forbid("{ any = [ { fee = { above = \"x\" } } ] }"),
        "\"x\"",
        &["number"],
    );
}

#[test]
fn in_takes_a_list_or_superiors() {
    refused(
        &forbid("{ organizer = { in = \"市委党校\" } }"),
        "\"市委党校\"",
        &["`in`", "a list such as", "\"$superiors\""],
    );
    refused(
        &forbid("{ organizer = { in = 3 } }"),
        "3 }",
        &["`in`", "a list such as"],
    );
}

#[test]
fn superiors_only_where_there_is_a_cadre() {
    // A forbid's `class` has no cadre.
    refused(
        &forbid("{ organizer = { in = \"$superiors\" } }"),
        "\"$superiors\"",
        &["refers to nothing here", "deadline or coverage"],
    );
    // Nor has `who`.
    refused(
        &deadline("{ unit = { in = \"$superiors\" } }", "{}"),
        "\"$superiors\"",
        &["refers to nothing here"],
    );
}

#[test]
fn dotted_columns_only_on_a_table_with_a_unit() {
    refused(
        &deadline("{ \"organizer.type\" = \"企业工会\" }", "{}"),
        "\"organizer.type\"",
        &["a cadre has no organizer", "\"unit.type\""],
    );
    refused(
        &forbid("{ \"unit.type\" = \"县区总工会\" }"),
        "\"unit.type\"",
        &["a class has no unit", "\"organizer.type\""],
    );
}

#[test]
fn unquoted_dotted_key_shows_the_quoted_form() {
    refused(
        &deadline("{ unit.type = \"企业工会\" }", "{}"),
        "type = ",
        &["`\"unit.type\" = …`", "in quotes"],
    );
    refused(
        &forbid("{ organizer.type = \"县区总工会\" }"),
        "type = ",
        &["`\"organizer.type\" = …`"],
    );
    // A typo inside a table written out is an unknown key, not a dotted column.
    refused(
        &forbid("{ organizer = { abov = 0 } }"),
        "abov",
        &[
            "unknown key `abov` in the condition on `organizer`",
            "did you mean `above`?",
        ],
    );
}

#[test]
fn contains_takes_text() {
    refused(
        &forbid("{ name = { contains = 3 } }"),
        "3 }",
        &["`contains`", "a string or a list of strings"],
    );
    refused(
        &forbid("{ name = { not_contains = [\"收费\", 2] } }"),
        "2]",
        &["`not_contains`", "a string or a list of strings"],
    );
    refused(
        &forbid("{ fee = { contains = \"10\" } }"),
        "\"10\"",
        &["applies to text columns", "`fee`"],
    );
}

#[test]
fn fallback_must_not_use_units_and_needs_a_rule_that_does() {
    let rule = forbid("{ \"organizer.type\" = \"县区总工会\" }")
        + "fallback = { class = { \"organizer.level\" = \"县区\" } }\n";
    refused(
        &rule,
        "{ class = { \"organizer.level\"",
        &[
            "the fallback of rule `r`",
            "must work without the units table",
        ],
    );
    let rule = forbid("{ organizer_level = \"县区\" }")
        + "fallback = { class = { organizer_level = \"市\" } }\n";
    refused(
        &rule,
        "{ class = { organizer_level = \"市\"",
        &["rule `r` uses no units form", "never be used"],
    );
}

#[test]
fn groups_table_needs_group_by_unit() {
    let rule = "[[rules]]\nid = \"q\"\nkind = \"quota\"\ntitle = \"t\"\nclause = \"1\"\ngroup_by = \"county\"\ngroups = { type = \"县区总工会\" }\nevery = \"plan\"\nclass = { county = \"$group\" }\nmin = 1\n";
    refused(
        rule,
        "{ type = ",
        &["only with `group_by = \"unit\"`", "a list of extra names"],
    );
}

#[test]
fn a_units_form_without_units_table_nor_fallback_stops_the_run() {
    let text = format!(
        "{PLAN}{}",
        deadline(
            "{ post = \"工会主席\" }",
            "{ organizer = { in = \"$superiors\" } }"
        )
    );
    let d = folder(&text, false);
    let id = at(&text, "\"d\"");
    let (code, out, err) = check(d.path(), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.lines().next().unwrap().contains(&id), "{err}");
    for p in [
        id.as_str(),
        "规则 `d`",
        "--units",
        "units（工会组织）",
        "peixun init",
        "fallback",
    ] {
        assert!(err.contains(p), "stderr lacks `{p}`:\n{err}");
    }
    let (code, out, err) = check(d.path(), &["--lang", "en"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    for p in [
        id.as_str(),
        "rule `d`",
        "--units FILE",
        "a `units` file",
        "peixun init",
        "`fallback`",
    ] {
        assert!(err.contains(p), "stderr lacks `{p}`:\n{err}");
    }
    // With the units table it runs.
    fs::copy(
        fixture("units-rules").join("units.csv"),
        d.path().join("units.csv"),
    )
    .unwrap();
    let (code, _, err) = check(d.path(), &[]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
}

fn explain(id: &str, lang: &str) -> String {
    let rules = fixture("units-rules").join("rules.toml");
    let (code, out, err) = run(
        &[
            "rules",
            "explain",
            id,
            "--rules",
            rules.to_str().unwrap(),
            "--lang",
            lang,
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    out
}

/// Whether `text` holds `p`, white space aside (`rules explain` wraps its lines).
fn has(text: &str, p: &str) -> bool {
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    squash(text).contains(&squash(p))
}

#[test]
fn explain_shows_the_fallback_in_words() {
    let zh = explain("county-union-fee", "zh");
    assert!(
        has(
            &zh,
            "没有工会组织表（units）时按 fallback 近似检查（报告中标〔近似〕）："
        ),
        "{zh}"
    );
    assert!(
        has(&zh, "举办单位的类型为“县区总工会”"),
        "the rule itself:\n{zh}"
    );
    assert!(
        has(&zh, "举办层级为“县区”，且收费大于0"),
        "the fallback's condition:\n{zh}"
    );
    let en = explain("unit-class", "en");
    assert!(
        has(
            &en,
            "without a units table, checked approximately by its fallback (marked (approximate) in reports): "
        ),
        "{en}"
    );
    assert!(has(&en, "county"), "the fallback groups by county:\n{en}");
    // A rule without a fallback says nothing of one; one that needs the units table
    // says so.
    let zh = explain("school-fee", "zh");
    assert!(!has(&zh, "按 fallback 近似检查"), "{zh}");
    assert!(!has(&zh, "本条要用工会组织表"), "{zh}");
    let zh = explain("superior-or-county", "zh");
    assert!(!has(&zh, "按 fallback 近似检查"), "{zh}");
    assert!(
        has(
            &zh,
            "本条要用工会组织表（units）：没有该表时无法检查，运行会停止"
        ),
        "{zh}"
    );
    let en = explain("superior-or-county", "en");
    assert!(
        has(
            &en,
            "This rule needs the units table: without it the run stops"
        ),
        "{en}"
    );
}

#[test]
fn explain_names_the_new_forms_for_each_kind() {
    let zh = explain("chair-superior", "zh");
    for p in [
        "`any = [ {…}, {…} ]`",
        "`contains`/`not_contains`",
        "`in` 列表",
        "\"$superiors\"",
        "\"unit.列\"",
        "`fallback` 近似检查",
    ] {
        assert!(has(&zh, p), "deadline lacks `{p}`:\n{zh}");
    }
    let en = explain("chair-superior", "en");
    for p in [
        "`any`, `contains`, `not_contains` and `in` lists",
        "organizer = { in = \"$superiors\" }",
        "\"unit.X\"",
        "approximately by its `fallback`",
    ] {
        assert!(has(&en, p), "deadline lacks `{p}`:\n{en}");
    }
    let zh = explain("unit-class", "zh");
    for p in [
        "`group_by = \"unit\"` 可配 `groups`",
        "`$group` 即该工会名称",
        "\"organizer.列\"",
    ] {
        assert!(has(&zh, p), "quota lacks `{p}`:\n{zh}");
    }
    let en = explain("unit-class", "en");
    assert!(
        has(&en, "`groups` as a condition table on the units table"),
        "{en}"
    );
    let en = explain("rotation", "en");
    assert!(
        has(&en, "`organizer = { in = \"$superiors\" }`"),
        "coverage:\n{en}"
    );
    let zh = explain("school-fee", "zh");
    assert!(has(&zh, "`class` 可写 `\"organizer.列\"`"), "forbid:\n{zh}");
    assert!(!has(&zh, "$superiors"), "not for a forbid:\n{zh}");
}

/// The notices of the JSON report of `rules` on the `units-rules` tables, the classes
/// file without its `fee` column.
fn notices(rules: &str) -> Vec<Value> {
    let d = folder(&format!("{PLAN}{rules}"), false);
    let classes = fs::read_to_string(d.path().join("classes.csv")).unwrap();
    let no_fee: String = classes
        .lines()
        .map(|l| format!("{}\n", l.rsplit_once(',').unwrap().0))
        .collect();
    fs::write(d.path().join("classes.csv"), no_fee).unwrap();
    let (code, out, err) = check(d.path(), &["--format", "json"]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    v["notices"].as_array().unwrap().clone()
}

#[test]
fn variant_value_sees_words_inside_any_and_in_lists() {
    let n = notices(&forbid(
        "{ any = [ { category = \"专题\" }, { name = { in = [\"收费\"] } } ] }",
    ));
    let variants: Vec<(&str, &str, &str, u64)> = n
        .iter()
        .filter(|n| n["kind"] == "variant_value")
        .map(|n| {
            (
                n["column"].as_str().unwrap(),
                n["value"].as_str().unwrap(),
                n["resembles"].as_str().unwrap(),
                n["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        variants,
        [
            ("category", "专题培训", "专题", 2),
            ("name", "收费培训", "收费", 1),
            ("name", "收费班", "收费", 1),
        ],
        "{n:#?}"
    );
    // A word the rule names is no variant of itself.
    let n = notices(&forbid(
        "{ any = [ { category = [\"专题\", \"专题培训\"] } ] }",
    ));
    assert!(!n.iter().any(|n| n["kind"] == "variant_value"), "{n:#?}");
}

#[test]
fn column_absent_sees_columns_inside_any() {
    let n = notices(&forbid(
        "{ category = \"专题培训\", any = [ { name = \"收费班\" }, { any = [ { fee = { above = 0 } } ] } ] }",
    ));
    let absent: Vec<&Value> = n.iter().filter(|n| n["kind"] == "column_absent").collect();
    assert_eq!(absent.len(), 1, "{n:#?}");
    assert_eq!(absent[0]["table"], "classes");
    assert_eq!(absent[0]["column"], "fee");
    assert_eq!(absent[0]["rules"], serde_json::json!(["r"]));
    assert_eq!(absent[0]["count"], 6);
}
