//! Evaluation (SPEC §2): every rule of a rule set run over the as-of view (`view.rs`),
//! in parallel; per-rule counts from the same pass that makes the findings; findings
//! sorted; and a finding's one-line explanation.

use chrono::NaiveDate;

use crate::dates::fmt_date;
use crate::i18n::Lang;
use crate::model::Dataset;
use crate::model::{ColumnRef, Field};
use crate::notice::Notice;
use crate::rules::RuleSet;
use crate::rules::condition::{Literal, Op, Operand, Test, Via, class_value_text, describe_clause};
use crate::view::{
    Context, Evidence, Failed, Finding, Near, Outcomes, Status, after_as_of, amount,
};

/// Per-rule counts (SPEC §4 `rules`).
#[derive(Clone, Debug, Default)]
pub struct RuleCounts {
    pub checked: u64,
    pub met: u64,
    pub violation: u64,
    pub pending: u64,
    pub waived: u64,
    /// What was noticed under the rule (SPEC §7 `rule_matched_nothing`).
    pub notices: Vec<crate::rules::matched::RuleNotice>,
}

/// The outcome of a check: every rule's counts and findings, sorted.
pub struct Evaluation {
    pub as_of: NaiveDate,
    pub counts: Vec<RuleCounts>,
    pub findings: Vec<Finding>,
    /// Per rule, what met the requirement (for per-county summaries in reports).
    pub met: Vec<Outcomes>,
    /// What evaluating noticed (SPEC §8): rows dated after the as-of date, and what
    /// binding the rules to the data noticed.
    pub notices: Vec<Notice>,
}

/// Evaluates every rule against the as-of view.
pub fn run(rules: &RuleSet, data: &Dataset, as_of: NaiveDate) -> Evaluation {
    let mut counts = Vec::new();
    let mut findings = Vec::new();
    let mut met = Vec::new();
    let outcomes = outcomes(rules, data, as_of, true);
    // When most of a roster is in violation one rule holds most findings: its list
    // becomes the whole list, the others moved in around it, so that no second copy of
    // it is ever made (SPEC §8: memory bounded by the data, not the findings).
    let total: usize = outcomes.iter().map(|(o, _)| o.findings.len()).sum();
    let biggest = (0..outcomes.len())
        .max_by_key(|&k| outcomes[k].0.findings.len())
        .unwrap_or(0);
    for (k, (mut out, notices)) in outcomes.into_iter().enumerate() {
        let mut c = RuleCounts {
            met: out.met,
            notices,
            ..RuleCounts::default()
        };
        for f in &out.findings {
            match f.status {
                Status::Violation => c.violation += 1,
                Status::Pending => c.pending += 1,
                Status::Waived => c.waived += 1,
            }
        }
        c.checked = c.met + c.violation + c.pending + c.waived;
        counts.push(c);
        let fs = std::mem::take(&mut out.findings);
        if k == biggest {
            let before = std::mem::replace(&mut findings, fs);
            // Grown where it lies (a large block is remapped, not copied).
            findings.reserve_exact(total - findings.len());
            findings.splice(0..0, before);
        } else {
            findings.extend(fs);
        }
        met.push(out);
    }
    Evaluation {
        as_of,
        counts,
        findings,
        met,
        notices: after_as_of(data, as_of)
            .into_iter()
            .chain(rules.notices.iter().cloned())
            .collect(),
    }
}

/// What each rule recorded against the as-of view, in rule order, unsorted: the one
/// pass `run` makes its counts and findings from (and `trend` its points, SPEC §9);
/// `for_report`, for `run`: each rule's findings sorted (by subject, then period) on
/// the core that evaluated it, and its `rule_matched_nothing` notices (SPEC §7) beside
/// it.
pub fn outcomes(
    rules: &RuleSet,
    data: &Dataset,
    as_of: NaiveDate,
    for_report: bool,
) -> Vec<(Outcomes, Vec<crate::rules::matched::RuleNotice>)> {
    let cx = Context::new(data, &rules.plan, as_of);
    // SPEC §6: rules that use a units form see only cadres with a unit.
    let units_cx = rules
        .rules
        .iter()
        .any(|r| r.exact_units)
        .then(|| cx.with_units_only());
    crate::trace::stage("as-of view built");
    // Rules are independent: evaluate them on a fixed set of workers, one per core, each
    // taking the next rule from a shared counter (SPEC §8: the number of threads does
    // not grow with the number of rules); then collect in rule order.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(rules.rules.len())
        .max(1);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(rule) = rules.rules.get(i) else {
                return done;
            };
            let mut out = Outcomes::for_rule(i);
            let cx = match &units_cx {
                Some(u) if rule.exact_units => u,
                _ => &cx,
            };
            rule.kind.evaluate(&rule.meta, cx, &mut out);
            let checked = out.met + out.findings.len() as u64;
            let notices = if for_report {
                sort_in_place(&mut out.findings);
                crate::rules::matched::notices(rule, cx, checked)
            } else {
                Vec::new()
            };
            crate::trace::stage(&format!("rule {} evaluated", rule.meta.id));
            done.push((i, out, notices));
        }
    };
    type Done = (usize, Outcomes, Vec<crate::rules::matched::RuleNotice>);
    let mut outcomes: Vec<Done> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..workers).map(|_| s.spawn(work)).collect();
        let mut all = work();
        // A panic in a rule is a bug: pass it on rather than lose the rule's outcome.
        for h in handles {
            all.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        all
    });
    outcomes.sort_unstable_by_key(|(i, _, _)| *i);
    outcomes.into_iter().map(|(_, out, n)| (out, n)).collect()
}

/// Sorts a rule's findings by subject, then period, as a stable sort would, without
/// the stable sort's buffer of half the findings: the order is found on their
/// positions, then the findings are moved along its cycles.
fn sort_in_place(fs: &mut [Finding]) {
    let mut order: Vec<usize> = (0..fs.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&fs[a], &fs[b]);
        a.subject.cmp(&b.subject).then(a.period.cmp(&b.period))
    });
    // Position `j` takes the finding at `order[j]`; a position done points to itself.
    for i in 0..fs.len() {
        let mut at = i;
        while order[at] != i {
            let from = order[at];
            fs.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

/// A finding's one-line explanation; a deadline, coverage or quota finding short of its
/// minimum also names its first near miss (SPEC §8 `near`).
pub fn message(f: &Finding, rules: &RuleSet, data: &Dataset, lang: Lang) -> String {
    let text = explain(f, data, lang);
    let first = match &f.evidence {
        Evidence::Deadline { near, .. } | Evidence::Coverage { near, .. } => {
            near.first().map(|n| (n, true))
        }
        Evidence::Quota {
            near, count, max, ..
        } if max.is_none_or(|m| *count <= m) => near.first().map(|n| (n, false)),
        _ => None,
    };
    match first.and_then(|(n, attended)| near_text(n, f.rule, rules, data, lang, attended)) {
        Some(near) => format!("{text}{}{near}", lang.pick("；", "; ")),
        None => text,
    }
}

/// A near miss in words: the class, and the one condition it failed.
fn near_text(
    n: &Near,
    rule: usize,
    rules: &RuleSet,
    data: &Dataset,
    lang: Lang,
    attended: bool,
) -> Option<String> {
    let class = &data.classes[n.class as usize];
    let (id, date) = (data.class_id(class), fmt_date(class.start_on));
    let i = match n.failed {
        Failed::Completed => {
            return Some(match lang {
                Lang::Zh => format!("参加了 {id}（{date}）但未结业"),
                Lang::En => format!("attended {id} on {date} but did not complete it"),
            });
        }
        Failed::Clause(i) => i as usize,
    };
    let clause = rules
        .rules
        .get(rule)?
        .kind
        .class_conditions()?
        .clauses
        .get(i)?;
    let levels = &rules.plan.levels;
    let value = class_value_text(class, &clause.column, data, levels);
    // Days compared with numbers: "a 0.5-day class … classes count from 1 day".
    let day_limits: Option<Vec<(Op, f64)>> =
        if matches!(clause.column.cref, Some(ColumnRef::Field(Field::Days, _))) {
            clause
                .tests
                .iter()
                .map(|t| match t {
                    Test::Cmp(op, Operand::Lit(Literal::Num(x))) => Some((*op, *x)),
                    _ => None,
                })
                .collect()
        } else {
            None
        };
    if let (Some(limits), Some(days)) = (day_limits.filter(|l| !l.is_empty()), &value) {
        let num = crate::load::cell::number_text;
        return Some(match lang {
            Lang::Zh => {
                let wants: Vec<String> = limits
                    .iter()
                    .map(|&(op, x)| match op {
                        Op::Min => format!("{} 天起", num(x)),
                        Op::Max => format!("不超过 {} 天", num(x)),
                        Op::Above => format!("超过 {} 天", num(x)),
                        Op::Below => format!("不足 {} 天", num(x)),
                    })
                    .collect();
                let did = if attended { "参加过" } else { "举办过" };
                format!(
                    "{date} {did}一期 {days} 天的培训班（{id}），培训 {}才计入",
                    wants.join("且")
                )
            }
            Lang::En => {
                let unit = |x: f64| if x == 1.0 { "day" } else { "days" };
                let wants: Vec<String> = limits
                    .iter()
                    .map(|&(op, x)| {
                        let word = match op {
                            Op::Min => "from",
                            Op::Max => "up to",
                            Op::Above => "above",
                            Op::Below => "below",
                        };
                        format!("{word} {} {}", num(x), unit(x))
                    })
                    .collect();
                let did = if attended {
                    format!("attended a {days}-day class on {date}")
                } else {
                    format!("a {days}-day class was held on {date}")
                };
                format!("{did} ({id}); classes count {}", wants.join(" and "))
            }
        });
    }
    let words = crate::rules::condition::column_words(&clause.column, lang);
    let wanted = describe_clause(clause, lang, levels);
    // An `any` names no column, so it has no value to show: none of its tables held.
    if clause.column.via == Via::Any {
        return Some(match lang {
            Lang::Zh => format!("{id}（{date}）不计入：规则要求{wanted}，它一项也不满足"),
            Lang::En => format!(
                "{id} on {date} does not count: the rule asks that {wanted}, and none holds"
            ),
        });
    }
    // A class's own column is named as the file's header named it; a unit's column by
    // the rule's words.
    let col = match clause.column.via {
        Via::Row => data
            .classes_table
            .shown_header(&clause.column.name)
            .to_owned(),
        _ => words.clone(),
    };
    // Chinese runs on without spaces, but a Latin header (`category`) keeps one before it.
    let sep = match lang {
        Lang::Zh if col.ends_with(|c: char| c.is_ascii_alphanumeric()) => " ",
        _ => "",
    };
    let wanted = match wanted.strip_prefix(words.as_str()) {
        Some(rest) => format!("{col}{sep}{rest}"),
        None => wanted,
    };
    Some(match (lang, value) {
        (Lang::Zh, Some(v)) => {
            format!("{id}（{date}）不计入：{col}{sep}为“{v}”，而规则要求{sep}{wanted}")
        }
        (Lang::Zh, None) => {
            format!("{id}（{date}）不计入：{col}{sep}为空，而规则要求{sep}{wanted}")
        }
        (Lang::En, Some(v)) => {
            format!(
                "{id} on {date} does not count: {col} is “{v}”, but the rule asks that {wanted}"
            )
        }
        (Lang::En, None) => {
            format!(
                "{id} on {date} does not count: {col} is empty, but the rule asks that {wanted}"
            )
        }
    })
}

/// met / checked truncated (not rounded) to two decimals, as the evidence's `rate`.
pub fn rate_text(met: u64, checked: u64) -> String {
    crate::load::cell::number_text(truncated_rate(met, checked))
}

/// met / checked truncated to two decimals (0.899 is 0.89).
pub fn truncated_rate(met: u64, checked: u64) -> f64 {
    if checked == 0 {
        return 0.0;
    }
    let hundredths = u128::from(met) * 100 / u128::from(checked);
    hundredths as f64 / 100.0
}

/// A finding's explanation with the totals of every measure when the rule has `or`.
fn explain(f: &Finding, data: &Dataset, lang: Lang) -> String {
    let text = explain_main(f, data, lang);
    let amounts = match &f.evidence {
        Evidence::Deadline { amounts, .. }
        | Evidence::Coverage { amounts, .. }
        | Evidence::Quota { amounts, .. } => amounts.as_slice(),
        _ => &[],
    };
    if amounts.is_empty() {
        return text;
    }
    let list: Vec<String> = amounts.iter().map(|&(m, n)| amount(n, m, lang)).collect();
    match lang {
        Lang::Zh => format!("{text}（合计：{}，均未达到）", list.join("、")),
        Lang::En => format!("{text} (totals: {}; none reached)", list.join(", ")),
    }
}

/// A finding's explanation without its near misses or `or` totals.
fn explain_main(f: &Finding, data: &Dataset, lang: Lang) -> String {
    let class = |i: u32| {
        let c = &data.classes[i as usize];
        (
            crate::limits::cut(data.class_id(c)).into_owned(),
            c.start_on,
        )
    };
    let zh = lang == Lang::Zh;
    match &f.evidence {
        Evidence::Deadline {
            from,
            required,
            counted,
            late,
            measure,
            ..
        } => {
            let window = format!(
                "{}{}{}",
                fmt_date(*from),
                lang.pick("～", " and "),
                fmt_date(f.due)
            );
            let have = if *counted > 0.0 {
                if zh {
                    format!(
                        "期限内仅 {}，需 {}",
                        amount(*counted, *measure, lang),
                        amount(*required, *measure, lang)
                    )
                } else {
                    format!(
                        "only {} in the window, {} required",
                        amount(*counted, *measure, lang),
                        amount(*required, *measure, lang)
                    )
                }
            } else if zh {
                format!("{window} 期间没有已结业的符合条件培训")
            } else {
                format!("no completed qualifying class between {window}")
            };
            let late_note = late.map(|k| {
                let (id, date) = class(k);
                let days = (date - f.due).num_days();
                if zh {
                    format!(
                        "；截止日后首次参加的符合条件培训为 {id}（{}），晚了 {days} 天",
                        fmt_date(date)
                    )
                } else {
                    format!(
                        "; the first qualifying class after the deadline was {id} on {}, {days} day{} late",
                        fmt_date(date),
                        if days == 1 { "" } else { "s" }
                    )
                }
            });
            let due_note = if f.status == Status::Pending {
                if zh {
                    format!("；截止日 {}", fmt_date(f.due))
                } else {
                    format!("; due {}", fmt_date(f.due))
                }
            } else {
                String::new()
            };
            format!("{have}{}{due_note}", late_note.unwrap_or_default())
        }
        Evidence::Quota {
            count,
            min,
            max,
            classes,
            measure,
            ..
        } => {
            let held = match (measure, zh) {
                (crate::view::Measure::Attendees, true) => {
                    format!("参训 {}", amount(*count, *measure, lang))
                }
                (crate::view::Measure::Attendees, false) => {
                    format!("{} attended", amount(*count, *measure, lang))
                }
                (_, true) => format!("已办 {}", amount(*count, *measure, lang)),
                (_, false) => format!("{} held", amount(*count, *measure, lang)),
            };
            match (max, min) {
                (Some(mx), _) if count > mx => {
                    if zh {
                        format!("{held}，至多 {}", amount(*mx, *measure, lang))
                    } else {
                        format!("{held}, at most {} allowed", amount(*mx, *measure, lang))
                    }
                }
                (_, Some(mn)) => {
                    let list = if classes.is_empty() {
                        String::new()
                    } else {
                        let ids: Vec<String> = classes.iter().map(|&k| class(k).0).collect();
                        match lang {
                            Lang::Zh => format!("（{}）", ids.join("、")),
                            Lang::En => format!(" ({})", ids.join(", ")),
                        }
                    };
                    if zh {
                        format!("{held}{list}，至少需 {}", amount(*mn, *measure, lang))
                    } else {
                        format!(
                            "{held}{list}, at least {} required",
                            amount(*mn, *measure, lang)
                        )
                    }
                }
                _ => held,
            }
        }
        Evidence::Coverage {
            required,
            count,
            classes,
            measure,
            reference,
            ..
        } => {
            let span_zh = match f.period {
                Some(y) => format!("{y} 年内"),
                None => "规划期内".to_owned(),
            };
            let span_en = match f.period {
                Some(y) => format!("in {y}"),
                None => "in the plan period".to_owned(),
            };
            if classes.is_empty() {
                if zh {
                    format!("{span_zh}至 {} 没有已结业的培训", fmt_date(*reference))
                } else {
                    format!(
                        "no completed class {span_en} up to {}",
                        fmt_date(*reference)
                    )
                }
            } else if zh {
                format!(
                    "{span_zh}仅 {}，需 {}",
                    amount(*count, *measure, lang),
                    amount(*required, *measure, lang)
                )
            } else {
                format!(
                    "only {} {span_en}, {} required",
                    amount(*count, *measure, lang),
                    amount(*required, *measure, lang)
                )
            }
        }
        Evidence::Rate {
            checked,
            met,
            required,
            ..
        } => {
            let rate = crate::load::cell::number_text(f64::from(*required) / 10_000.0);
            let shown = rate_text(*met, *checked);
            if zh {
                format!("应参训 {checked} 人，达标 {met} 人，达标率 {shown}，需不低于 {rate}")
            } else {
                format!(
                    "{met} of {checked} checked cadres met it (rate {shown}), at least {rate} required"
                )
            }
        }
        Evidence::Forbid { class: k, values } => {
            let shown: Vec<String> = values
                .iter()
                .map(|(col, v)| {
                    format!(
                        "{} = {}",
                        data.classes_table.shown_header(col),
                        v.as_deref()
                            .map_or(lang.pick("（空）", "(empty)").into(), crate::limits::cut)
                    )
                })
                .collect();
            let (id, date) = class(*k);
            if zh {
                format!("{id}（{}）：{}", fmt_date(date), shown.join("，"))
            } else {
                format!("{id} on {}: {}", fmt_date(date), shown.join(", "))
            }
        }
    }
}
