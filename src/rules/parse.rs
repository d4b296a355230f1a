//! Parsing rule files (SPEC §5) with `toml::de::DeTable`, which keeps the span of
//! every key and value. Each kind's parser takes its own keys; whatever is left is an
//! unknown key reported at its span. Every problem is collected before giving up.

use toml::de::{DeTable, DeValue};

use super::keys::{Keys, Val, date, string, type_error};
use super::registry::{KINDS, find_kind};
use super::{Rule, RuleMeta, RuleSet, Severity};
use crate::diag::{Diagnostic, say};
use crate::spelling::Spellings;
use crate::view::Plan;

/// The default `levels`, lowest first.
pub const DEFAULT_LEVELS: [&str; 5] = ["基层", "县区", "市", "省", "全国"];

/// Parses a rule file; on failure, every problem found.
pub fn parse(file: &str, source: &str) -> Result<RuleSet, Vec<Diagnostic>> {
    let doc = match DeTable::parse(source) {
        Ok(d) => d,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = crate::diag::toml_message(e.message());
            return Err(vec![Diagnostic::new(
                span,
                say(
                    format!("不是有效的 TOML：{msg}"),
                    format!("not valid TOML: {msg}"),
                ),
            )]);
        }
    };
    let mut diags = Vec::new();
    let mut top = Keys::new(doc.get_ref(), doc.span(), say("规则文件", "the rule file"));
    let plan = match top.take("plan") {
        Some(v) => parse_plan(v, &mut diags),
        None => {
            diags.push(Diagnostic::new(
                0..0,
                say(
                    "缺少 `[plan]` 表（必须写 id、start、end）",
                    "missing `[plan]` table (id, start, end are required)",
                ),
            ));
            None
        }
    };
    // SPEC §6: `[columns]` first, so the rules' conditions compare declared columns by
    // their type.
    let columns = top
        .take("columns")
        .map(|v| super::columns::parse(v, &mut diags))
        .unwrap_or_default();
    let _declared = super::condition::declare(&columns);
    let mut rules: Vec<Rule> = Vec::new();
    // Each rule id's first rule, and where lines start once a duplicate needs a line
    // (SPEC §8: nothing quadratic in the number of rules).
    let mut ids: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut lines: Option<crate::diag::Lines> = None;
    match top.take("rules") {
        Some(v) => match v.get_ref() {
            DeValue::Array(items) => {
                if let Some(plan) = &plan {
                    for item in items.iter() {
                        if let Some(r) = parse_rule(item, plan, &mut diags) {
                            if let Some(&first) = ids.get(&r.meta.id) {
                                let prev = &rules[first];
                                let (line, _) = lines
                                    .get_or_insert_with(|| crate::diag::Lines::new(source))
                                    .line_col(source, prev.meta.id_span.start);
                                diags.push(Diagnostic::new(
                                    r.meta.id_span.clone(),
                                    say(
                                        format!(
                                            "规则 id `{}` 重复（第 {line} 行已使用）",
                                            r.meta.id
                                        ),
                                        format!(
                                            "rule id `{}` is used twice (first on line {line})",
                                            r.meta.id
                                        ),
                                    ),
                                ));
                            } else {
                                ids.insert(r.meta.id.clone(), rules.len());
                            }
                            rules.push(r);
                        }
                    }
                }
            }
            other => diags.push(type_error(
                v.span(),
                "`rules`",
                &say("表数组 `[[rules]]`", "an array of tables `[[rules]]`"),
                other,
            )),
        },
        None => diags.push(Diagnostic::new(
            0..0,
            say(
                "没有规则：请至少写一个 `[[rules]]` 表",
                "no rules: add at least one `[[rules]]` table",
            ),
        )),
    }
    // SPEC §8: spellings common to a plan.
    let _ = (top.take("values"), top.take("known"));
    let mut problems = Vec::new();
    let spellings = Spellings::read(doc.get_ref(), &mut problems);
    diags.extend(
        problems
            .into_iter()
            .map(|(span, m)| Diagnostic::new(span, m)),
    );
    top.finish(&["plan", "columns", "rules", "values", "known"], &mut diags);
    match plan {
        Some(plan) if diags.is_empty() => Ok(RuleSet {
            file: file.to_owned(),
            source: source.to_owned(),
            plan,
            rules,
            columns,
            spellings,
            notices: Vec::new(),
            missing: Vec::new(),
        }),
        _ => {
            diags.sort_by_key(|d| d.span.start);
            Err(diags)
        }
    }
}

fn parse_plan(v: &Val<'_>, diags: &mut Vec<Diagnostic>) -> Option<Plan> {
    let DeValue::Table(t) = v.get_ref() else {
        diags.push(type_error(
            v.span(),
            "`plan`",
            &say("表 `[plan]`", "a table `[plan]`"),
            v.get_ref(),
        ));
        return None;
    };
    let mut k = Keys::new(t, v.span(), "[plan]".into());
    let id = match k.take("id") {
        Some(v) => string(v, &say("plan 的 `id`", "plan `id`"), diags),
        None => {
            diags.push(Diagnostic::new(
                v.span(),
                say("[plan] 缺少 `id`", "[plan] needs `id`"),
            ));
            None
        }
    };
    let title = k
        .take("title")
        .and_then(|v| string(v, &say("plan 的 `title`", "plan `title`"), diags));
    let title_en = text(&mut k, "title_en", "plan", diags);
    let document = k
        .take("document")
        .and_then(|v| string(v, &say("plan 的 `document`", "plan `document`"), diags));
    let authority = k
        .take("authority")
        .and_then(|v| string(v, &say("plan 的 `authority`", "plan `authority`"), diags));
    let start_v = k.take("start");
    let start = match start_v {
        Some(v) => date(v, &say("plan 的 `start`", "plan `start`"), diags),
        None => {
            diags.push(Diagnostic::new(
                v.span(),
                say(
                    "[plan] 缺少 `start`（TOML 日期）",
                    "[plan] needs `start` (a TOML date)",
                ),
            ));
            None
        }
    };
    let end_v = k.take("end");
    let end = match end_v {
        Some(v) => date(v, &say("plan 的 `end`", "plan `end`"), diags),
        None => {
            diags.push(Diagnostic::new(
                v.span(),
                say(
                    "[plan] 缺少 `end`（TOML 日期）",
                    "[plan] needs `end` (a TOML date)",
                ),
            ));
            None
        }
    };
    if let (Some(s), Some(e), Some(ev)) = (start, end, end_v)
        && e < s
    {
        diags.push(Diagnostic::new(
            ev.span(),
            say("plan 的 `end` 早于 `start`", "plan `end` is before `start`"),
        ));
    }
    let levels = match k.take("levels") {
        Some(v) => match v.get_ref() {
            DeValue::Array(items) => {
                let mut out: Vec<String> = Vec::new();
                for it in items.iter() {
                    if let Some(s) =
                        string(it, &say("`levels` 的每一项", "each of `levels`"), diags)
                    {
                        if s.trim().is_empty() || out.contains(&s) {
                            diags.push(Diagnostic::new(
                                it.span(),
                                say(
                                    format!("层级 `{s}` 为空或重复"),
                                    format!("level `{s}` is empty or repeated"),
                                ),
                            ));
                        }
                        out.push(s);
                    }
                }
                if out.is_empty() || out.len() > 200 {
                    diags.push(Diagnostic::new(
                        v.span(),
                        say(
                            "`levels` 应列出 1 至 200 个层级，由低到高",
                            "`levels` must list 1 to 200 levels, lowest first",
                        ),
                    ));
                }
                out
            }
            other => {
                diags.push(type_error(
                    v.span(),
                    &say("plan 的 `levels`", "plan `levels`"),
                    &say("字符串数组，由低到高", "an array of strings, lowest first"),
                    other,
                ));
                Vec::new()
            }
        },
        None => DEFAULT_LEVELS.iter().map(|s| s.to_string()).collect(),
    };
    k.finish(
        &[
            "id",
            "title",
            "title_en",
            "document",
            "authority",
            "start",
            "end",
            "levels",
        ],
        diags,
    );
    let id = id?;
    Some(Plan {
        authority: authority.unwrap_or_else(|| id.clone()),
        id,
        title,
        title_en,
        document,
        start: start?,
        end: end?,
        levels,
    })
}

/// The keys common to every rule.
pub const COMMON_KEYS: [&str; 11] = [
    "id",
    "kind",
    "title",
    "clause",
    "severity",
    "description",
    "title_en",
    "description_en",
    "quote",
    "note",
    "note_en",
];

/// An optional text for people (SPEC §6 "Text for people"): a string, not empty.
fn text(
    k: &mut Keys<'_, '_>,
    key: &str,
    whose: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let v = k.take(key)?;
    let what = say(format!("{whose} 的 `{key}`"), format!("{whose} `{key}`"));
    let s = string(v, &what, diags)?;
    if s.trim().is_empty() {
        diags.push(Diagnostic::new(
            v.span(),
            say(
                format!("{what} 不能为空"),
                format!("{what} must not be empty"),
            ),
        ));
        return None;
    }
    Some(s)
}

fn parse_rule(v: &Val<'_>, plan: &Plan, diags: &mut Vec<Diagnostic>) -> Option<Rule> {
    let DeValue::Table(t) = v.get_ref() else {
        diags.push(type_error(
            v.span(),
            &say("`rules` 的每一项", "each of `rules`"),
            &say("表", "a table"),
            v.get_ref(),
        ));
        return None;
    };
    let before = diags.len();
    let id_span = t
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == "id")
        .map_or(v.span(), |(_, iv)| iv.span());
    let id = match t.iter().find(|(k, _)| k.get_ref().as_ref() == "id") {
        Some((_, v)) => string(v, &say("规则的 `id`", "rule `id`"), diags),
        None => {
            diags.push(Diagnostic::new(
                v.span(),
                say("规则缺少 `id`", "rule needs `id`"),
            ));
            None
        }
    };
    let name = id.clone().unwrap_or_else(|| "?".into());
    if let Some(id) = &id
        && (id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_'))
    {
        diags.push(Diagnostic::new(
            v.span(),
            say(
                format!("规则 id `{id}` 只能由字母、数字、`-` 或 `_` 组成"),
                format!("rule id `{id}` must be letters, digits, `-` or `_`"),
            ),
        ));
    }
    let mut k = Keys::new(
        t,
        v.span(),
        say(format!("规则 `{name}`"), format!("rule `{name}`")),
    );
    k.take("id");
    let kind_v = k.take("kind");
    let entry = match kind_v {
        Some(kv) => match string(kv, &say("规则的 `kind`", "rule `kind`"), diags) {
            Some(kind) => match find_kind(&kind) {
                Some(e) => Some(e),
                None => {
                    let names: Vec<&str> = KINDS.iter().map(|e| e.name).collect();
                    diags.push(Diagnostic::new(
                        kv.span(),
                        say(
                            format!(
                                "规则 `{name}` 的类型 `{kind}` 无法识别（可用：{}）",
                                names.join("、")
                            ),
                            format!(
                                "unknown kind `{kind}` in rule `{name}` (accepted: {})",
                                names.join(", ")
                            ),
                        ),
                    ));
                    None
                }
            },
            None => None,
        },
        None => {
            diags.push(Diagnostic::new(
                v.span(),
                say(
                    format!("规则 `{name}` 缺少 `kind`"),
                    format!("rule `{name}` needs `kind`"),
                ),
            ));
            None
        }
    };
    let required_string =
        |k: &mut Keys<'_, '_>, key: &str, diags: &mut Vec<Diagnostic>| match k.take(key) {
            Some(v) => {
                let s = string(
                    v,
                    &say(format!("规则的 `{key}`"), format!("rule `{key}`")),
                    diags,
                );
                if s.as_deref().is_some_and(|s| s.trim().is_empty()) {
                    diags.push(Diagnostic::new(
                        v.span(),
                        say(
                            format!("规则的 `{key}` 不能为空"),
                            format!("rule `{key}` must not be empty"),
                        ),
                    ));
                }
                s
            }
            None => {
                diags.push(Diagnostic::new(
                    v.span(),
                    say(
                        format!("规则 `{name}` 缺少 `{key}`"),
                        format!("rule `{name}` needs `{key}`"),
                    ),
                ));
                None
            }
        };
    let title = required_string(&mut k, "title", diags);
    let clause = required_string(&mut k, "clause", diags);
    let severity = match k.take("severity") {
        Some(sv) => {
            match string(sv, &say("规则的 `severity`", "rule `severity`"), diags).as_deref() {
                Some("error") => Severity::Error,
                Some("warning") => Severity::Warning,
                Some(other) => {
                    diags.push(Diagnostic::new(
                        sv.span(),
                        say(
                            format!("级别 `{other}` 无法识别（可用：error、warning）"),
                            format!("unknown severity `{other}` (accepted: error, warning)"),
                        ),
                    ));
                    Severity::Error
                }
                None => Severity::Error,
            }
        }
        None => Severity::Error,
    };
    let description = k
        .take("description")
        .and_then(|v| string(v, &say("规则的 `description`", "rule `description`"), diags));
    let rule = say("规则", "rule");
    let title_en = text(&mut k, "title_en", &rule, diags);
    let description_en = text(&mut k, "description_en", &rule, diags);
    let quote = text(&mut k, "quote", &rule, diags);
    let note = text(&mut k, "note", &rule, diags);
    let note_en = text(&mut k, "note_en", &rule, diags);
    let entry = entry?;
    let mut kind = (entry.parse)(&mut k, plan, diags);
    let fallback_v = k.take("fallback");
    let accepted: Vec<&str> = COMMON_KEYS
        .iter()
        .chain(entry.keys.iter())
        .chain(&["fallback"])
        .copied()
        .collect();
    k.finish(&accepted, diags);
    if diags.len() > before {
        return None;
    }
    let fallback = match (fallback_v, kind.as_mut()) {
        (Some(fv), Some(main)) => {
            let fb = parse_fallback(t, fv, entry, plan, &name, diags);
            if !main.uses_units() {
                diags.push(Diagnostic::new(
                    fv.span(),
                    say(
                        format!("规则 `{name}` 没有用到工会组织写法（\"unit.X\"、\"organizer.X\"、\"$superiors\"、写成表的 `groups`），其 `fallback` 永远不会用到"),
                        format!("rule `{name}` uses no units form (\"unit.X\", \"organizer.X\", \"$superiors\", `groups` as a table), so its `fallback` would never be used"),
                    ),
                ));
            }
            if diags.len() > before {
                return None;
            }
            fb
        }
        _ => None,
    };
    Some(Rule {
        meta: RuleMeta {
            id: id?,
            kind: entry.name,
            title: title?,
            clause: clause?,
            severity,
            description,
            title_en,
            description_en,
            quote,
            note,
            note_en,
            span: v.span(),
            id_span,
        },
        kind: kind?,
        fallback,
        approximate: false,
        exact_units: false,
    })
}

/// The keys a `fallback` may replace (SPEC §6).
const FALLBACK_KEYS: [&str; 4] = ["who", "class", "group_by", "groups"];

/// SPEC §6 `fallback`: the rule parsed again with the fallback's keys in place of its
/// own, each key whole; a `groups` condition table is dropped when the fallback sets
/// `group_by` to a column. The fallback must work without the units table.
fn parse_fallback(
    rule: &DeTable<'_>,
    fv: &Val<'_>,
    entry: &super::registry::KindEntry,
    plan: &Plan,
    name: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Box<dyn super::RuleKind>> {
    let DeValue::Table(ft) = fv.get_ref() else {
        diags.push(type_error(
            fv.span(),
            "`fallback`",
            &say(
                "表，如 { class = { organizer_level = { above = \"$unit_level\" } } }",
                "a table such as { class = { organizer_level = { above = \"$unit_level\" } } }",
            ),
            fv.get_ref(),
        ));
        return None;
    };
    let accepted: Vec<&str> = FALLBACK_KEYS
        .iter()
        .copied()
        .filter(|key| entry.keys.contains(key))
        .collect();
    let before = diags.len();
    for (key, _) in ft.iter() {
        let key_name: &str = key.get_ref().as_ref();
        if !accepted.contains(&key_name) {
            diags.push(Diagnostic::new(
                key.span(),
                say(
                    format!(
                        "规则 `{name}` 的 fallback 中有未知的键 `{key_name}`（可用：{}）",
                        accepted.join("、")
                    ),
                    format!(
                        "unknown key `{key_name}` in the fallback of rule `{name}` (accepted: {})",
                        accepted.join(", ")
                    ),
                ),
            ));
        }
    }
    if diags.len() > before {
        return None;
    }
    let sets = |key: &str| ft.iter().find(|(k, _)| k.get_ref().as_ref() == key);
    let to_column = sets("group_by")
        .is_some_and(|(_, v)| matches!(v.get_ref(), DeValue::String(s) if s.as_ref() != "unit"));
    let merged: DeTable<'_> = rule
        .iter()
        .filter(|(k, v)| {
            let key: &str = k.get_ref().as_ref();
            key != "fallback"
                && sets(key).is_none()
                && !(key == "groups" && to_column && matches!(v.get_ref(), DeValue::Table(_)))
        })
        .chain(ft.iter())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut k = Keys::new(
        &merged,
        fv.span(),
        say(
            format!("规则 `{name}` 的 fallback"),
            format!("the fallback of rule `{name}`"),
        ),
    );
    let mut kind = (entry.parse)(&mut k, plan, diags)?;
    if kind.uses_units() {
        diags.push(Diagnostic::new(
            fv.span(),
            say(
                format!("规则 `{name}` 的 fallback 必须不用工会组织表也能检查：不能用 \"unit.X\"、\"organizer.X\"、\"$superiors\" 或写成表的 `groups`"),
                format!("the fallback of rule `{name}` must work without the units table: it may not use \"unit.X\", \"organizer.X\", \"$superiors\" or `groups` as a table"),
            ),
        ));
        return None;
    }
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages of a rule file's diagnostics, in the default language (Chinese).
    fn errors(src: &str) -> Vec<String> {
        match parse("r.toml", src) {
            Ok(_) => vec![],
            Err(d) => d.into_iter().map(|d| d.message).collect(),
        }
    }

    const PLAN: &str = "[plan]\nid = \"p\"\nstart = 2021-01-01\nend = 2023-12-31\n";

    #[test]
    fn default_rules_parse() {
        let rs = parse("m.toml", super::super::DEFAULT_RULES).unwrap();
        assert_eq!(rs.plan.id, "mianyang-2018-2020");
        let ids: Vec<&str> = rs.rules.iter().map(|r| r.meta.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "new-chair-training",
                "county-annual-class",
                "full-rotation",
                "city-topic-classes",
                "city-class-free",
                "county-send-topic",
                "social-worker-training"
            ]
        );
    }

    #[test]
    fn unknown_things_are_reported() {
        let e = errors(&format!(
            "{PLAN}[[rules]]\nid = \"a\"\nkind = \"deadlin\"\ntitle = \"t\"\nclause = \"c\"\n"
        ));
        assert!(e[0].contains("类型 `deadlin` 无法识别"), "{e:?}");
        let e = errors(&format!(
            "{PLAN}[[rules]]\nid = \"a\"\nkind = \"forbid\"\ntitle = \"t\"\nclause = \"c\"\nclass = {{ fee = {{ abov = 0 }} }}\nwhoo = 1\n"
        ));
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].contains("未知的键 `abov`"));
        assert!(e[1].contains("未知的键 `whoo`"));
        assert!(e[0].contains("是否想写 `above`？"), "{e:?}");
        let e = errors(&format!(
            "{PLAN}[[rules]]\nid = \"a\"\nkind = \"forbid\"\ntitle = \"t\"\nclause = \"c\"\nclass = {{ organizer_level = \"街道\" }}\n"
        ));
        assert!(e[0].contains("层级 `街道` 不在规划的层级中"), "{e:?}");
        let e = errors(&format!(
            "{PLAN}[[rules]]\nid = \"a\"\nkind = \"forbid\"\ntitle = \"t\"\nclause = \"c\"\nclass = {{ county = \"$group\" }}\n"
        ));
        assert!(e[0].contains("无所指"), "{e:?}");
        let e = errors(&format!(
            "{PLAN}[[rules]]\nid = \"a\"\nkind = \"forbid\"\ntitle = \" \"\nclause = \"c\"\nclass = {{}}\n"
        ));
        assert!(e[0].contains("`title` 不能为空"), "{e:?}");
    }
}
