//! Reading a rule-test file (SPEC §7 `*.test.toml`): its rule file and its cases, each
//! key checked with its span, so a mistake is reported at file:line:column as in rule
//! files.

use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};

use crate::diag::Diagnostic;
use crate::i18n::say;
use crate::rules::keys::{Keys, Val, date, string, type_error};
use crate::rules::{self, RuleSet};

/// The tables a case may write, in the order their data errors sort.
pub const TABLES: [&str; 5] = ["cadres", "classes", "attendance", "units", "waivers"];

/// A test file, read and checked against its rule set.
#[derive(Debug)]
pub struct TestFile {
    /// The path as given or found, for output.
    pub path: PathBuf,
    /// The rule file's path (`None`: the embedded set), its name for messages, and its
    /// text.
    pub rules_path: Option<PathBuf>,
    pub rules_name: String,
    pub rules_text: String,
    pub cases: Vec<Case>,
}

/// One self-contained case.
#[derive(Debug)]
pub struct Case {
    pub name: String,
    pub as_of: NaiveDate,
    /// The rules evaluated; `None`: all.
    pub only: Option<Vec<String>>,
    /// CSV text per table of [`TABLES`], when the case gives it.
    pub tables: [Option<String>; 5],
    pub expect: Vec<Expect>,
    pub data_errors: Vec<ExpectedDataError>,
    pub notices: Vec<ExpectedNotice>,
}

/// What a case expects of one subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    pub rule: String,
    pub subject: String,
    pub status: Expected,
    pub period: Option<i32>,
    pub due: Option<NaiveDate>,
}

/// An expected status: `met` (checked, no finding) or a finding's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Met,
    Violation,
    Pending,
    Waived,
}

impl Expected {
    pub const ALL: [(&'static str, Expected); 4] = [
        ("met", Expected::Met),
        ("violation", Expected::Violation),
        ("pending", Expected::Pending),
        ("waived", Expected::Waived),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, e)| *e == self)
            .map_or("met", |(s, _)| s)
    }
}

/// A data error a case expects: table, line and column (`None`: a whole-row error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedDataError {
    pub table: String,
    pub line: u32,
    pub column: Option<String>,
}

/// A notice a case expects: its kind, and the keys given (an omitted key matches any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedNotice {
    pub kind: String,
    pub table: Option<String>,
    pub column: Option<String>,
    pub value: Option<String>,
}

/// Why a test file cannot be used: the message, already rendered with file:line:column.
#[derive(Debug)]
pub struct Unusable(pub String);

/// Reads a test file and its rule file; checks every case against the rule set.
pub fn read(path: &Path) -> Result<TestFile, Unusable> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        let e = crate::i18n::io_reason(&e);
        Unusable(crate::i18n::say(
            format!("peixun: 无法读取测试文件 `{shown}`：{e}"),
            format!("peixun: cannot read test file `{shown}`: {e}"),
        ))
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Unusable(crate::i18n::say(
            format!("peixun: 测试文件 `{shown}` 不是 UTF-8 文本"),
            format!("peixun: test file `{shown}` is not UTF-8 text"),
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let render = |diags: &[Diagnostic]| Unusable(crate::diag::render(&shown, text, diags));
    let doc = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let msg = crate::diag::toml_message(e.message());
        render(&[Diagnostic::new(
            span,
            say(
                format!("不是有效的 TOML：{msg}"),
                format!("not valid TOML: {msg}"),
            ),
        )])
    })?;
    let mut diags = Vec::new();
    let mut top = Keys::new(
        doc.get_ref(),
        doc.span(),
        say("测试文件".into(), "the test file".into()),
    );
    let rules_key = top.take("rules");
    let cases_val = top.take("case");
    top.finish(&["rules", "case"], &mut diags);
    // The rule file, relative to the test file; absent: the embedded set.
    let (rules_path, rules_name, rules_text) = match rules_key {
        None => (
            None,
            rules::DEFAULT_RULES_NAME.to_owned(),
            rules::DEFAULT_RULES.to_owned(),
        ),
        Some(v) => {
            let Some(name) = string(v, "`rules`", &mut diags) else {
                return Err(render(&diags));
            };
            let p = path.parent().unwrap_or(Path::new("")).join(&name);
            let shown_rules = p.display().to_string();
            let bytes = std::fs::read(&p).map_err(|e| {
                let e = crate::i18n::io_reason(&e);
                let mut d = diags.clone();
                d.push(Diagnostic::new(
                    v.span(),
                    say(
                        format!("无法读取规则文件 `{shown_rules}`：{e}"),
                        format!("cannot read rule file `{shown_rules}`: {e}"),
                    ),
                ));
                render(&d)
            })?;
            let text = String::from_utf8(bytes).map_err(|_| {
                let mut d = diags.clone();
                d.push(Diagnostic::new(
                    v.span(),
                    say(
                        format!("规则文件 `{shown_rules}` 不是 UTF-8 文本"),
                        format!("rule file `{shown_rules}` is not UTF-8 text"),
                    ),
                ));
                render(&d)
            })?;
            let text = text
                .strip_prefix('\u{feff}')
                .map(str::to_owned)
                .unwrap_or(text);
            (Some(p), shown_rules, text)
        }
    };
    let set = rules::parse::parse(&rules_name, &rules_text)
        .map_err(|d| Unusable(crate::diag::render(&rules_name, &rules_text, &d)))?;
    let mut cases = Vec::new();
    match cases_val.map(|v| (v, v.get_ref())) {
        None => diags.push(Diagnostic::new(
            0..0,
            say(
                "测试文件中没有用例：每个用例写成一个 `[[case]]` 表".to_owned(),
                "the test file has no cases: write each as a `[[case]]` table".to_owned(),
            ),
        )),
        Some((_, DeValue::Array(items))) => {
            for item in items.iter() {
                if let Some(c) = read_case(item, &set, &mut diags) {
                    cases.push(c);
                }
            }
        }
        Some((v, other)) => diags.push(type_error(
            v.span(),
            "`case`",
            "an array of tables (`[[case]]`)",
            other,
        )),
    }
    if !diags.is_empty() {
        return Err(render(&diags));
    }
    Ok(TestFile {
        path: path.to_owned(),
        rules_path,
        rules_name,
        rules_text,
        cases,
    })
}

const CASE_KEYS: [&str; 12] = [
    "name",
    "as_of",
    "only",
    "cadres",
    "classes",
    "attendance",
    "units",
    "waivers",
    "rules",
    "expect",
    "expect_data_errors",
    "expect_notices",
];

fn read_case(v: &Val<'_>, set: &RuleSet, diags: &mut Vec<Diagnostic>) -> Option<Case> {
    let DeValue::Table(t) = v.get_ref() else {
        diags.push(type_error(v.span(), "a `[[case]]`", "a table", v.get_ref()));
        return None;
    };
    let before = diags.len();
    let mut k = Keys::new(t, v.span(), say("用例".into(), "a case".into()));
    let name = required(&mut k, "name", diags).and_then(|v| string(v, "`name`", diags));
    let as_of = required(&mut k, "as_of", diags).and_then(|v| date(v, "`as_of`", diags));
    let only = k.take("only").and_then(|v| {
        let ids = strings(v, "`only`", diags)?;
        let mut out = Vec::new();
        for (id, span) in ids {
            if set.find(&id).is_none() {
                diags.push(unknown_rule(span, &id, set));
            }
            out.push(id);
        }
        Some(out)
    });
    let mut tables: [Option<String>; 5] = Default::default();
    for (slot, name) in tables.iter_mut().zip(TABLES) {
        let v = if name == "cadres" {
            required(&mut k, name, diags)
        } else {
            k.take(name)
        };
        *slot = v.and_then(|v| string(v, &format!("`{name}`"), diags));
    }
    if let Some(v) = k.take("rules") {
        diags.push(Diagnostic::new(
            v.span(),
            say(
                "`rules` 只在测试文件开头写一次，不写在用例里".to_owned(),
                "`rules` is written once, at the top of the test file, not in a case".to_owned(),
            ),
        ));
    }
    let evaluated = |id: &str| only.as_ref().is_none_or(|o| o.iter().any(|x| x == id));
    let mut expect = Vec::new();
    for (t, span) in tables_of(k.take("expect"), "`expect`", diags) {
        let mut e = Keys::new(
            t,
            span.clone(),
            say("`expect` 的一项".into(), "an `expect` entry".into()),
        );
        let rule = required_in(&mut e, "rule", &span, diags).and_then(|v| {
            let id = string(v, "`rule`", diags)?;
            if set.find(&id).is_none() {
                diags.push(unknown_rule(v.span(), &id, set));
            } else if !evaluated(&id) {
                diags.push(Diagnostic::new(
                    v.span(),
                    say(
                        format!("本用例不检查规则 `{id}`：它不在 `only` 中"),
                        format!("rule `{id}` is not evaluated in this case: it is not in `only`"),
                    ),
                ));
            }
            Some(id)
        });
        let subject = required_in(&mut e, "subject", &span, diags)
            .and_then(|v| string(v, "`subject`", diags));
        let status = required_in(&mut e, "status", &span, diags).and_then(|v| {
            let s = string(v, "`status`", diags)?;
            let found = Expected::ALL.iter().find(|(n, _)| *n == s).map(|(_, e)| *e);
            if found.is_none() {
                diags.push(Diagnostic::new(
                    v.span(),
                    say(
                        format!("未知的 status `{s}`（可用：met、violation、pending、waived）"),
                        format!("unknown status `{s}` (accepted: met, violation, pending, waived)"),
                    ),
                ));
            }
            found
        });
        let period = e.take("period").and_then(|v| integer(v, "`period`", diags));
        let due = e.take("due").and_then(|v| date(v, "`due`", diags));
        e.finish(&["rule", "subject", "status", "period", "due"], diags);
        if let (Some(rule), Some(subject), Some(status)) = (rule, subject, status) {
            expect.push(Expect {
                rule,
                subject,
                status,
                period: period.and_then(|p| i32::try_from(p).ok()),
                due,
            });
        }
    }
    let mut data_errors = Vec::new();
    for (t, span) in tables_of(k.take("expect_data_errors"), "`expect_data_errors`", diags) {
        let mut e = Keys::new(
            t,
            span.clone(),
            say(
                "`expect_data_errors` 的一项".into(),
                "an `expect_data_errors` entry".into(),
            ),
        );
        let table = required_in(&mut e, "table", &span, diags).and_then(|v| {
            let s = string(v, "`table`", diags)?;
            if !TABLES.contains(&s.as_str()) {
                diags.push(Diagnostic::new(
                    v.span(),
                    say(
                        format!("未知的表 `{s}`（可用：{}）", TABLES.join("、")),
                        format!("unknown table `{s}` (accepted: {})", TABLES.join(", ")),
                    ),
                ));
            }
            Some(s)
        });
        let line = required_in(&mut e, "line", &span, diags)
            .and_then(|v| integer(v, "`line`", diags))
            .and_then(|n| u32::try_from(n).ok());
        let column = e.take("column").and_then(|v| string(v, "`column`", diags));
        e.finish(&["table", "line", "column"], diags);
        if let (Some(table), Some(line)) = (table, line) {
            data_errors.push(ExpectedDataError {
                table,
                line,
                column,
            });
        }
    }
    let mut notices = Vec::new();
    for (t, span) in tables_of(k.take("expect_notices"), "`expect_notices`", diags) {
        let mut e = Keys::new(
            t,
            span.clone(),
            say(
                "`expect_notices` 的一项".into(),
                "an `expect_notices` entry".into(),
            ),
        );
        let kind =
            required_in(&mut e, "kind", &span, diags).and_then(|v| string(v, "`kind`", diags));
        let table = e.take("table").and_then(|v| string(v, "`table`", diags));
        let column = e.take("column").and_then(|v| string(v, "`column`", diags));
        let value = e.take("value").and_then(|v| string(v, "`value`", diags));
        e.finish(&["kind", "table", "column", "value"], diags);
        if let Some(kind) = kind {
            notices.push(ExpectedNotice {
                kind,
                table,
                column,
                value,
            });
        }
    }
    k.finish(&CASE_KEYS, diags);
    if diags.len() > before {
        return None;
    }
    Some(Case {
        name: name?,
        as_of: as_of?,
        only,
        tables,
        expect,
        data_errors,
        notices,
    })
}

/// A key the table must have; its absence is reported at the table.
fn required<'t, 'i>(
    k: &mut Keys<'t, 'i>,
    key: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'t Val<'i>> {
    let span = k.span.clone();
    required_in(k, key, &span, diags)
}

fn required_in<'t, 'i>(
    k: &mut Keys<'t, 'i>,
    key: &str,
    span: &Range<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'t Val<'i>> {
    let v = k.take(key);
    if v.is_none() {
        diags.push(Diagnostic::new(
            span.start..span.start,
            say(
                format!("{}缺少必填的 `{key}`", what_zh(&k.what)),
                format!("{} lacks `{key}`, which is required", k.what),
            ),
        ));
    }
    v
}

/// The table a key is missing from, in Chinese.
fn what_zh(what: &str) -> &str {
    match what {
        "a case" => "用例",
        "an `expect` entry" => "`expect` 的一项",
        "an `expect_data_errors` entry" => "`expect_data_errors` 的一项",
        "an `expect_notices` entry" => "`expect_notices` 的一项",
        other => other,
    }
}

fn unknown_rule(span: Range<usize>, id: &str, set: &RuleSet) -> Diagnostic {
    let ids: Vec<&str> = set.rules.iter().map(|r| r.meta.id.as_str()).collect();
    Diagnostic::new(
        span,
        say(
            format!(
                "{} 中没有规则 `{id}`（其规则：{}）",
                set.file,
                crate::limits::list(&ids, "、", true)
            ),
            format!(
                "no rule `{id}` in {} (its rules: {})",
                set.file,
                crate::limits::list(&ids, ", ", false)
            ),
        ),
    )
}

/// An array of strings, each with its span.
fn strings(
    v: &Val<'_>,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<(String, Range<usize>)>> {
    let DeValue::Array(items) = v.get_ref() else {
        diags.push(type_error(
            v.span(),
            what,
            "an array of strings",
            v.get_ref(),
        ));
        return None;
    };
    Some(
        items
            .iter()
            .filter_map(|i| string(i, what, diags).map(|s| (s, i.span())))
            .collect(),
    )
}

/// An array of inline tables, each with its span.
fn tables_of<'t, 'i>(
    v: Option<&'t Val<'i>>,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(&'t DeTable<'i>, Range<usize>)> {
    let Some(v) = v else {
        return Vec::new();
    };
    let DeValue::Array(items) = v.get_ref() else {
        diags.push(type_error(
            v.span(),
            what,
            "an array of tables",
            v.get_ref(),
        ));
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|i| match i.get_ref() {
            DeValue::Table(t) => Some((t, i.span())),
            other => {
                diags.push(type_error(i.span(), what, "an array of tables", other));
                None
            }
        })
        .collect()
}

/// A whole number.
fn integer(v: &Val<'_>, what: &str, diags: &mut Vec<Diagnostic>) -> Option<i64> {
    match v.get_ref() {
        DeValue::Integer(i) => {
            let n = i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok();
            if n.is_none() {
                diags.push(Diagnostic::new(
                    v.span(),
                    say(
                        format!("{what} 超出范围"),
                        format!("{what} is out of range"),
                    ),
                ));
            }
            n
        }
        other => {
            diags.push(type_error(v.span(), what, "a whole number", other));
            None
        }
    }
}
