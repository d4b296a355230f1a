//! `rules test`: the shipped rule set's tests and the second plan's pass; failing
//! cases, bad test files, discovery under rules/, JUnit and English output.

use std::path::Path;

use crate::util::{fixture, root, run};

/// Writes a test file into `dir` and returns its path as text.
fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

const CHAIR: &str = r#"
cadres = """
id,name,unit,county,unit_level,post,kind,appointed_on,left_on
C1,张华,吴家镇总工会,涪城区,基层,工会主席,兼职,2019-03-01,
C2,李强,吴家镇总工会,涪城区,基层,副主席,兼职,2019-03-01,
"""
"#;

#[test]
fn the_shipped_rule_set_passes_its_tests() {
    let file = root().join("rules").join("mianyang-2018-2020.test.toml");
    let (code, out, err) = run(&["rules", "test", file.to_str().unwrap()], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("FAILED"), "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.ends_with("项通过，0 项失败"), "{last}");
    // Run from the repository without a file, as CI would: found under rules/.
    let (code, all, err) = run(&["rules", "test"], Some(&root()));
    assert_eq!(code, 0, "{all}{err}");
    assert!(
        all.contains("rules/mianyang-2018-2020.test.toml › "),
        "{all}"
    );
    // Every rule of the set has its cases.
    let text = std::fs::read_to_string(&file).unwrap();
    for id in [
        "new-chair-training",
        "county-annual-class",
        "full-rotation",
        "city-topic-classes",
        "city-class-free",
        "county-send-topic",
        "social-worker-training",
    ] {
        for status in ["met", "violation", "pending"] {
            if id == "city-class-free" && status == "pending" {
                continue; // a prohibition is never pending
            }
            let entry = format!("rule = \"{id}\", subject");
            assert!(
                text.lines()
                    .any(|l| l.contains(&entry) && l.contains(&format!("status = \"{status}\""))),
                "no {status} case for {id}"
            );
        }
    }
}

#[test]
fn the_second_plan_passes_its_tests() {
    let file = fixture("second-plan").join("rules.test.toml");
    let (code, out, err) = run(&["rules", "test", file.to_str().unwrap()], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.ends_with("9 项通过，0 项失败\n"), "{out}");
}

#[test]
fn the_national_norm_plan_passes_its_tests_at_every_boundary() {
    let dir = fixture("national-norm");
    let file = dir.join("rules.test.toml");
    let (code, out, err) = run(&["rules", "test", file.to_str().unwrap()], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.ends_with("14 项通过，0 项失败\n"), "{out}");
    // Every rule of the plan has its met, violation and pending boundary (a prohibition
    // is never pending), and each rule that reads the units table is tested without it.
    let text = std::fs::read_to_string(&file).unwrap();
    let rules: toml::Table = std::fs::read_to_string(dir.join("rules.toml"))
        .unwrap()
        .parse()
        .unwrap();
    for rule in rules["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        for status in ["met", "violation", "pending"] {
            if rule["kind"].as_str() == Some("forbid") && status == "pending" {
                continue;
            }
            assert!(
                text.lines()
                    .any(|l| l.contains(&format!("rule = \"{id}\", "))
                        && l.contains(&format!("status = \"{status}\""))),
                "no {status} case for {id}"
            );
        }
        if rule.get("fallback").is_some() {
            assert!(
                text.contains(&format!("name = \"{id} without units")),
                "no fallback case for {id}"
            );
        }
    }
}

#[test]
fn a_failing_case_shows_expected_and_actual_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "x.test.toml",
        &format!(
            "[[case]]\nname = \"passes\"\nas_of = 2020-03-01\nonly = [\"new-chair-training\"]\n{CHAIR}\
             expect = [{{ rule = \"new-chair-training\", subject = \"C1\", status = \"pending\", due = 2020-03-01 }}]\n\n\
             [[case]]\nname = \"wrong status\"\nas_of = 2020-03-02\nonly = [\"new-chair-training\"]\n{CHAIR}\
             expect = [{{ rule = \"new-chair-training\", subject = \"C1\", status = \"met\" }}]\n"
        ),
    );
    let (code, out, err) = run(&["rules", "test", &file], None);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.is_empty(), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("ok ") && lines[0].ends_with("passes"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("FAILED") && lines[1].ends_with("wrong status"),
        "{out}"
    );
    assert!(
        lines[2].contains("期望") && lines[2].contains("实际"),
        "{out}"
    );
    let row = lines[3];
    let (want, got) = row.split_once('│').unwrap();
    assert!(want.contains("new-chair-training C1: met"), "{row}");
    assert!(
        got.contains("new-chair-training C1: violation，截止 2020-03-01"),
        "{row}"
    );
    assert_eq!(*lines.last().unwrap(), "1 项通过，1 项失败");
}

#[test]
fn met_for_a_subject_the_rule_did_not_check_fails() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "x.test.toml",
        &format!(
            "[[case]]\nname = \"vice-chair\"\nas_of = 2019-06-30\nonly = [\"new-chair-training\"]\n{CHAIR}\
             expect = [\n  {{ rule = \"new-chair-training\", subject = \"C1\", status = \"pending\" }},\n  \
             {{ rule = \"new-chair-training\", subject = \"C2\", status = \"met\" }},\n]\n"
        ),
    );
    let (code, out, _) = run(&["rules", "test", &file, "--lang", "en"], None);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAILED"), "{out}");
    assert!(out.contains("new-chair-training C2: not checked"), "{out}");
    assert!(out.ends_with("0 passed, 1 failed\n"), "{out}");
}

#[test]
fn unexpected_findings_data_errors_and_notices_fail() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "x.test.toml",
        r#"
[[case]]
name = "finding not listed"
as_of = 2021-01-01
only = ["full-rotation"]
cadres = """
id,name,unit,county,unit_level,post,kind,appointed_on,left_on
C1,张华,吴家镇总工会,涪城区,基层,委员,专职,2015-01-01,
"""

[[case]]
name = "data error not listed"
as_of = 2021-01-01
only = ["full-rotation"]
cadres = """
id,name,unit,county,unit_level,post,kind,appointed_on,left_on
C1,张华,吴家镇总工会,涪城区,基层,委员,其他,2015-13-01,
"""

[[case]]
name = "notice not listed"
as_of = 2021-01-01
only = ["full-rotation"]
cadres = """
id,name,unit,county,unit_level,post,kind,appointed_on,left_on
C1,张华,吴家镇总工会,涪城区,基层,委员,兼职干部,2015-01-01,
"""

[[case]]
name = "all listed"
as_of = 2021-01-01
only = ["full-rotation"]
cadres = """
id,name,unit,county,unit_level,post,kind,appointed_on,left_on
C1,张华,吴家镇总工会,涪城区,基层,委员,兼职干部,2015-01-01,
C2,李强,吴家镇总工会,涪城区,基层,委员,专职,2015-13-01,
"""
expect_data_errors = [{ table = "cadres", line = 3, column = "appointed_on" }]
expect_notices = [{ kind = "variant_value", column = "kind" }]

[[case]]
name = "listed but absent"
as_of = 2021-01-01
only = ["full-rotation"]
cadres = """
id,name,unit,county,unit_level,post,kind,appointed_on,left_on
C1,张华,吴家镇总工会,涪城区,基层,委员,其他,2015-01-01,
"""
expect_data_errors = [{ table = "cadres", line = 2 }]
expect_notices = [{ kind = "variant_value" }]
"#,
    );
    let (code, out, _) = run(&["rules", "test", &file, "--lang", "en"], None);
    assert_eq!(code, 1, "{out}");
    let block = |name: &str| -> String {
        let start = out.find(name).unwrap_or_else(|| panic!("{name}:\n{out}"));
        let rest = &out[start..];
        let end = rest[1..]
            .find("\nok ")
            .or_else(|| rest[1..].find("\nFAILED"))
            .map_or(rest.len(), |i| i + 1);
        let line_start = out[..start].rfind('\n').map_or(0, |i| i + 1);
        out[line_start..start + end].to_owned()
    };
    let b = block("finding not listed");
    assert!(b.starts_with("FAILED"), "{b}");
    assert!(
        b.contains("(not expected)") && b.contains("full-rotation C1: violation, due 2020-12-31"),
        "{b}"
    );
    let b = block("data error not listed");
    assert!(b.starts_with("FAILED"), "{b}");
    assert!(b.contains("data error cadres:2 appointed_on"), "{b}");
    let b = block("notice not listed");
    assert!(b.starts_with("FAILED"), "{b}");
    assert!(
        b.contains("notice variant_value table=cadres column=kind value=兼职干部"),
        "{b}"
    );
    assert!(block("all listed").starts_with("ok "), "{out}");
    let b = block("listed but absent");
    assert!(b.starts_with("FAILED"), "{b}");
    assert!(
        b.contains("data error cadres:2") && b.contains("(no such data error)"),
        "{b}"
    );
    assert!(
        b.contains("notice variant_value") && b.contains("(no such notice)"),
        "{b}"
    );
    assert!(out.ends_with("1 passed, 4 failed\n"), "{out}");
}

#[test]
fn a_case_whose_data_cannot_be_loaded_fails_with_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "x.test.toml",
        r#"
[[case]]
name = "no post column"
as_of = 2021-01-01
cadres = """
id,name,appointed_on
C1,张华,2015-01-01
"""
"#,
    );
    let (code, out, _) = run(&["rules", "test", &file, "--lang", "en"], None);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("FAILED"), "{out}");
    assert!(out.contains("data that can be loaded"), "{out}");
    assert!(out.contains("post"), "names the missing column:\n{out}");
}

#[test]
fn a_bad_test_file_is_exit_2_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    for (text, at, says) in [
        (
            "[[case]]\nname = \"x\"\nas_of = \"2019-12-31\"\ncadres = \"\"\n",
            ":3:9:",
            "`as_of` must be a TOML date",
        ),
        (
            "[[case]]\nname = \"x\"\nas_of = 2019-12-31\ncadres = \"\"\nexpect = [{ rule = \"no-such\", subject = \"C1\", status = \"met\" }]\n",
            ":5:20:",
            "no rule `no-such`",
        ),
        (
            "[[case]]\nname = \"x\"\nas_of = 2019-12-31\ncadres = \"\"\nexpect = [{ rule = \"full-rotation\", subject = \"C1\", status = \"ok\" }]\n",
            ":5:62:",
            "unknown status `ok`",
        ),
        (
            "[[case]]\nname = \"x\"\nas_of = 2019-12-31\ncadres = \"\"\nexpcet = []\n",
            ":5:1:",
            "unknown key `expcet`",
        ),
        (
            "[[case]]\nname = \"x\"\nas_of = 2019-12-31\n",
            ":1:1:",
            "lacks `cadres`",
        ),
        (
            "rules = \"nowhere.toml\"\n",
            ":1:9:",
            "cannot read rule file",
        ),
        ("[[case]\n", ":1:", "not valid TOML"),
    ] {
        let file = write(dir.path(), "bad.test.toml", text);
        let (code, out, err) = run(&["rules", "test", &file, "--lang", "en"], None);
        assert_eq!(code, 2, "{text}\n{out}{err}");
        assert!(out.is_empty(), "{out}");
        assert!(
            err.contains(&format!("bad.test.toml{at}")) && err.contains(says),
            "{text}\n{err}"
        );
    }
    // In Chinese by default.
    let file = write(
        dir.path(),
        "bad.test.toml",
        "[[case]]\nname = \"x\"\nas_of = 2019-12-31\n",
    );
    let (code, _, err) = run(&["rules", "test", &file], None);
    assert_eq!(code, 2);
    assert!(
        err.contains("bad.test.toml:1:1: 用例缺少必填的 `cadres`"),
        "{err}"
    );
    // A rule file that does not parse: its own file:line:column.
    write(dir.path(), "broken.toml", "[plan]\nid = 3\n");
    let file = write(
        dir.path(),
        "r.test.toml",
        "rules = \"broken.toml\"\n[[case]]\nname = \"x\"\nas_of = 2019-12-31\ncadres = \"\"\n",
    );
    let (code, _, err) = run(&["rules", "test", &file], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("broken.toml:2:6:"), "{err}");
}

#[test]
fn no_test_file_found_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(&["rules", "test"], Some(dir.path()));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("没有找到测试文件"), "{err}");
    let (code, _, err) = run(&["rules", "test", "--lang", "en"], Some(dir.path()));
    assert_eq!(code, 2);
    assert!(
        err.contains("no test file (*.test.toml) found under rules"),
        "{err}"
    );
}

#[test]
fn without_a_file_every_test_file_under_rules_runs() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules").join("more");
    std::fs::create_dir_all(&rules).unwrap();
    let case = format!(
        "[[case]]\nname = \"n\"\nas_of = 2019-06-30\nonly = [\"new-chair-training\"]\n{CHAIR}\
         expect = [{{ rule = \"new-chair-training\", subject = \"C1\", status = \"pending\" }}]\n"
    );
    write(&dir.path().join("rules"), "a.test.toml", &case);
    write(&rules, "b.test.toml", &case);
    write(&rules, "c.toml", "not a test file");
    write(dir.path(), "outside.test.toml", "not read");
    let (code, out, err) = run(&["rules", "test", "--lang", "en"], Some(dir.path()));
    assert_eq!(code, 0, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains("rules/a.test.toml"), "{out}");
    assert!(lines[1].contains("rules/more/b.test.toml"), "{out}");
    assert_eq!(lines[2], "2 passed, 0 failed");
}

#[test]
fn junit_has_a_suite_per_file_and_a_case_per_case() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "x.test.toml",
        &format!(
            "[[case]]\nname = \"a <b> & c\"\nas_of = 2019-06-30\nonly = [\"new-chair-training\"]\n{CHAIR}\
             expect = [{{ rule = \"new-chair-training\", subject = \"C1\", status = \"pending\" }}]\n\n\
             [[case]]\nname = \"fails\"\nas_of = 2019-06-30\nonly = [\"new-chair-training\"]\n{CHAIR}"
        ),
    );
    let second = fixture("second-plan").join("rules.test.toml");
    let out_file = dir.path().join("out.xml");
    let (code, out, err) = run(
        &[
            "rules",
            "test",
            &file,
            second.to_str().unwrap(),
            "-o",
            out_file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "-o writes the file: {out}");
    let xml = std::fs::read_to_string(&out_file).unwrap();
    // Well-formed: every element closes, every entity is known.
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut names = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                names.push(String::from_utf8(e.name().as_ref().to_vec()).unwrap());
            }
            quick_xml::events::Event::Text(t) => {
                t.decode().unwrap();
            }
            _ => {}
        }
    }
    let count = |n: &str| names.iter().filter(|x| *x == n).count();
    assert_eq!(count("testsuites"), 1);
    assert_eq!(count("testsuite"), 2);
    assert_eq!(count("testcase"), 2 + 9);
    assert_eq!(count("failure"), 1);
    assert!(
        xml.contains("<testsuites name=\"peixun rules test\" tests=\"11\" failures=\"1\">"),
        "{xml}"
    );
    assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
    assert!(xml.contains("name=\"a &lt;b&gt; &amp; c\""), "{xml}");
    assert!(xml.contains("new-chair-training C1"), "{xml}");
    // The failure's text in Chinese, punctuated as Chinese is.
    assert!(
        xml.contains("期望：（未预期）\n实际：new-chair-training C1"),
        "{xml}"
    );
}

#[test]
fn output_never_overwrites_a_test_or_rule_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plan.toml"),
        crate::util::root()
            .join("rules")
            .join("mianyang-2018-2020.toml")
            .to_str()
            .map(std::fs::read_to_string)
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    let text = format!(
        "rules = \"plan.toml\"\n[[case]]\nname = \"n\"\nas_of = 2019-06-30\nonly = [\"new-chair-training\"]\n{CHAIR}\
         expect = [{{ rule = \"new-chair-training\", subject = \"C1\", status = \"pending\" }}]\n"
    );
    let file = write(dir.path(), "x.test.toml", &text);
    let rules = dir.path().join("plan.toml");
    let before = std::fs::read_to_string(&rules).unwrap();
    for out in [file.clone(), rules.to_str().unwrap().to_owned()] {
        let (code, stdout, err) = run(&["rules", "test", &file, "-o", &out], None);
        assert_eq!(code, 2, "{stdout}{err}");
        assert!(!err.is_empty());
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    assert_eq!(std::fs::read_to_string(&rules).unwrap(), before);
    let (code, stdout, err) = run(&["rules", "test", &file], None);
    assert_eq!(code, 0, "{stdout}{err}");
}

/// A coverage rule with `every = "year"` records the year a cadre met it: `met` names
/// the period, and `met` without it says which periods were checked.
#[test]
fn met_names_the_period_of_a_yearly_coverage() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "yearly.toml",
        "[plan]\nid = \"p\"\ntitle = \"每年轮训\"\nauthority = \"某总工会\"\nstart = 2021-01-01\nend = 2022-12-31\n\n\
         [[rules]]\nid = \"yearly\"\nkind = \"coverage\"\ntitle = \"每年至少参加一期培训\"\nclause = \"一\"\n\
         who = {}\nclass = {}\nevery = \"year\"\nmin = 1\n",
    );
    let tables = "cadres = \"\"\"\nid,name,post,appointed_on\nC1,张华,委员,2020-01-01\n\"\"\"\n\
        classes = \"\"\"\nid,organizer_level,category,start_on\nK1,县区,业务培训,2021-05-01\n\"\"\"\n\
        attendance = \"\"\"\ncadre_id,class_id\nC1,K1\n\"\"\"\n";
    let pending = "{ rule = \"yearly\", subject = \"C1\", period = 2022, status = \"pending\", due = 2022-12-31 }";
    let file = write(
        dir.path(),
        "y.test.toml",
        &format!(
            "rules = \"yearly.toml\"\n\
             [[case]]\nname = \"met in 2021\"\nas_of = 2022-06-30\n{tables}\
             expect = [{{ rule = \"yearly\", subject = \"C1\", period = 2021, status = \"met\" }}, {pending}]\n\
             [[case]]\nname = \"met without a period\"\nas_of = 2022-06-30\n{tables}\
             expect = [{{ rule = \"yearly\", subject = \"C1\", status = \"met\" }}, {pending}]\n"
        ),
    );
    let (code, out, err) = run(&["rules", "test", &file, "--lang", "en"], None);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.starts_with("ok "), "{out}");
    assert!(
        out.contains("yearly C1: not checked for this period (checked for: 2021, 2022)"),
        "{out}"
    );
    assert!(out.ends_with("1 passed, 1 failed\n"), "{out}");
}

/// An unknown key is named with where it is, in the run's language, at every level of
/// a test file: the file, a case and each kind of expectation.
#[test]
fn unknown_keys_are_reported_in_the_run_s_language_at_every_level() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "k.test.toml",
        "rulez = \"x\"\n[[case]]\nname = \"n\"\nas_of = 2019-06-30\nexpekt = 1\n\
         cadres = \"\"\"\nid,name,post,appointed_on\nA,甲,委员,2019-01-01\n\"\"\"\n\
         expect = [{ rule = \"full-rotation\", subject = \"A\", status = \"met\", perod = 1 }]\n\
         expect_data_errors = [{ table = \"cadres\", line = 2, colum = \"id\" }]\n\
         expect_notices = [{ kind = \"sheet\", tabel = \"cadres\" }]\n",
    );
    let (code, out, err) = run(&["rules", "test", &file], None);
    assert_eq!(code, 2, "{out}{err}");
    for (key, place) in [
        ("rulez", "测试文件"),
        ("expekt", "用例"),
        ("perod", "`expect` 的一项"),
        ("colum", "`expect_data_errors` 的一项"),
        ("tabel", "`expect_notices` 的一项"),
    ] {
        assert!(
            err.contains(&format!("{place} 中有未知的键 `{key}`")),
            "{key}: {err}"
        );
    }
    assert!(
        !err.contains(" a case") && !err.contains(" entry") && !err.contains("test file"),
        "{err}"
    );
    let (code, _, err) = run(&["rules", "test", &file, "--lang", "en"], None);
    assert_eq!(code, 2);
    for (key, place) in [
        ("rulez", "the test file"),
        ("expekt", "a case"),
        ("perod", "an `expect` entry"),
        ("colum", "an `expect_data_errors` entry"),
        ("tabel", "an `expect_notices` entry"),
    ] {
        assert!(
            err.contains(&format!("unknown key `{key}` in {place}")),
            "{key}: {err}"
        );
    }
}

/// A data error the case did not expect is shown with its place, its value and its
/// reason, as `check` shows one.
#[test]
fn an_unexpected_data_error_shows_its_value() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "d.test.toml",
        "[[case]]\nname = \"n\"\nas_of = 2019-06-30\nonly = [\"full-rotation\"]\n\
         cadres = \"\"\"\nid,name,post,kind,任职日期\nA1,甲,委员,专职,2018-03-01\nA2,乙,委员,专职,2019-13-01\n\"\"\"\n\
         expect = [{ rule = \"full-rotation\", subject = \"A1\", status = \"pending\", due = 2020-12-31 }]\n",
    );
    let (code, out, _) = run(&["rules", "test", &file], None);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "数据错误 cadres:3 appointed_on——值“2019-13-01”，列“任职日期”：日历上没有这一天"
        ),
        "{out}"
    );
    let (_, out, _) = run(&["rules", "test", &file, "--lang", "en"], None);
    assert!(
        out.contains("data error cadres:3 appointed_on — value “2019-13-01”, column `任职日期`: no such calendar date"),
        "{out}"
    );
}

/// `-o` with an extension that names neither output is refused before any case runs
/// (exit 2, nothing written); `.xml` gives JUnit, `.txt` text, `--format` either.
#[test]
fn an_output_extension_naming_no_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("second-plan").join("rules.test.toml");
    let file = file.to_str().unwrap();
    let json = dir.path().join("results.json");
    let (code, out, err) = run(&["rules", "test", file, "-o", json.to_str().unwrap()], None);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("`.json`") && err.contains("--format"), "{err}");
    assert!(!json.exists());
    let (code, _, err) = run(
        &[
            "rules",
            "test",
            file,
            "-o",
            json.to_str().unwrap(),
            "--format",
            "junit",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&json).unwrap().starts_with("<?xml"));
    let xml = dir.path().join("R.XML");
    let (code, _, _) = run(&["rules", "test", file, "-o", xml.to_str().unwrap()], None);
    assert_eq!(code, 0);
    assert!(std::fs::read_to_string(&xml).unwrap().starts_with("<?xml"));
    let txt = dir.path().join("r.txt");
    let (code, _, _) = run(&["rules", "test", file, "-o", txt.to_str().unwrap()], None);
    assert_eq!(code, 0);
    assert!(std::fs::read_to_string(&txt).unwrap().starts_with("ok "));
}
