//! `quota`: per subject and period, the classes held (or their days) must be within
//! `min`..`max` (SPEC §5).

use std::collections::{BTreeSet, HashMap};
use thin_vec::ThinVec;

use chrono::{Datelike, NaiveDate};

use super::condition::{ColName, Conditions, Env, GroupValue, Row, Test, group_value};
use super::keys::{
    Keys, Refs, alternatives, amount, cadre_column, conditions_key, measure, string,
};
use super::{RuleKind, RuleMeta};
use crate::dates::{year_end, year_start};
use crate::diag::{Diagnostic, say};
use crate::i18n::Lang;
use crate::model::{ColumnRef, TableKind};
use crate::view::{Context, Evidence, Failed, MAX_NEAR, Near, Outcomes, Status, unmet_status};
use crate::view::{Measure, Plan, Requirement, Tally};

/// The subjects a class's `$group` clause holds for, found by look-up: testing each
/// class against every subject would cost subjects × classes (a thousand counties and
/// 800,000 classes at 10 million cadres). Only for a `$group` part that is one clause
/// `column = "$group"`; any other is tested subject by subject.
struct GroupIndex<'s> {
    clause: &'s super::condition::Clause,
    subjects: &'s [String],
    /// Each distinct name, at its first place in `subjects`.
    exact: HashMap<&'s str, usize>,
    /// By the name in ASCII lower case, for an id column (compared ignoring case).
    folded: HashMap<String, Vec<usize>>,
    /// By the number a name reads as (0 and -0 alike), for a number column.
    numbers: HashMap<u64, Vec<usize>>,
}

impl<'s> GroupIndex<'s> {
    fn new(grouped: &'s Conditions, subjects: &'s [String]) -> Option<GroupIndex<'s>> {
        let [clause] = grouped.clauses.as_slice() else {
            return None;
        };
        if clause.tests != [Test::EqGroup] {
            return None;
        }
        let mut index = GroupIndex {
            clause,
            subjects,
            exact: HashMap::new(),
            folded: HashMap::new(),
            numbers: HashMap::new(),
        };
        for (i, s) in subjects.iter().enumerate() {
            if index.exact.contains_key(s.as_str()) {
                continue;
            }
            index.exact.insert(s, i);
            index
                .folded
                .entry(s.to_ascii_lowercase())
                .or_default()
                .push(i);
            if let Ok(n) = crate::load::values::parse_number(s)
                && !n.is_nan()
            {
                index
                    .numbers
                    .entry((n + 0.0).to_bits())
                    .or_default()
                    .push(i);
            }
        }
        Some(index)
    }

    /// Calls `f` with each subject the row holds for (each distinct name once).
    fn each(&self, row: Row<'_>, env: &Env<'_>, mut f: impl FnMut(&'s str)) {
        let one = |t: &str| self.exact.get(t).map(|&i| self.subjects[i].as_str());
        let many = |list: Option<&Vec<usize>>| {
            list.map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|&i| self.subjects[i].as_str())
                .collect::<Vec<_>>()
        };
        match group_value(self.clause, row, env) {
            GroupValue::None => {}
            GroupValue::Text(t) => one(t).into_iter().for_each(&mut f),
            GroupValue::Owned(t) => one(&t).into_iter().for_each(&mut f),
            GroupValue::Folded(t) => many(self.folded.get(&t.to_ascii_lowercase()))
                .into_iter()
                .for_each(&mut f),
            GroupValue::Num(n) if n.is_nan() => {}
            GroupValue::Num(n) => many(self.numbers.get(&(n + 0.0).to_bits()))
                .into_iter()
                .for_each(&mut f),
        }
    }
}

/// `every`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Every {
    Year,
    Plan,
}

crate::explained_kind! {
    /// quota — for each subject and period, the classes matching `class` and dated in
    /// the period are counted (or, with `measure = "days"`, their days summed). Subjects:
    /// with `group_by = COLUMN`, every distinct non-empty value of that cadres column,
    /// whatever its dates, plus any names in `groups`; `$group` in `class` stands for the
    /// subject. Without `group_by`, one subject: the plan's authority. Periods:
    /// `every = "year"` (each calendar year of the plan up to the as-of year, due the
    /// period's last day) or `every = "plan"` (one period, due the plan's end). Above
    /// `max`: a violation at once, dated by the class that went over. Below `min`:
    /// pending until due, a violation after. `measure = "hours"` sums the classes'
    /// `hours` (a class without any counts 0 and is listed under `no_hours`); `or` (with
    /// `min` only) gives alternative amounts. `measure = "attendees"` counts instead the
    /// distinct cadres matching `who` (with `group_by`, whose column equals the subject)
    /// who completed a class matching `class` dated in the period; cadres appointed after
    /// the as-of date do not count, other office dates do not matter.
    /// With a units table, `group_by = "unit"` takes `groups` as a condition table on
    /// the units table (`groups = { type = ["县区总工会", "园区总工会"] }`): the subjects
    /// are the units that match, and `$group` is the unit's name. Conditions may use
    /// `any`, `contains`, `not_contains`, `in` lists and `"organizer.X"`. Without a units
    /// table such a rule runs approximately by its `fallback`, or stops the run when it
    /// has none.
    pub struct Quota {
        group_by: Option<ColName>,
        groups: Vec<String>,
        /// SPEC §6: `groups` as a condition table on the units table (`group_by =
        /// "unit"`): the subjects are the units that match.
        unit_groups: Option<Conditions>,
        every: Every,
        class: Conditions,
        who: Conditions,
        min: Option<f64>,
        max: Option<f64>,
        measure: Measure,
        or: Vec<(Measure, f64)>,
    }
}

pub fn parse(
    k: &mut Keys<'_, '_>,
    plan: &Plan,
    diags: &mut Vec<Diagnostic>,
) -> Option<Box<dyn RuleKind>> {
    let span = k.span.clone();
    let group_by = cadre_column(k, "group_by", None, diags);
    let mut unit_groups = None;
    let groups = match k.take("groups") {
        Some(v) => match v.get_ref() {
            toml::de::DeValue::Table(_) => {
                if group_by.as_ref().is_some_and(|g| g.name == "unit") {
                    unit_groups = Some(super::keys::conditions(
                        v,
                        TableKind::Units,
                        Refs::None,
                        plan,
                        "`groups`",
                        diags,
                    ));
                } else {
                    diags.push(Diagnostic::new(
                        v.span(),
                        say(
                            "只有 `group_by = \"unit\"` 时，`groups` 才是工会组织表上的条件表；按列分组时它是另加名称的列表",
                            "`groups` is a condition table on the units table only with `group_by = \"unit\"`; with a column it is a list of extra names",
                        ),
                    ));
                }
                Vec::new()
            }
            toml::de::DeValue::Array(items) => items
                .iter()
                .filter_map(|it| string(it, &say("`groups` 的每一项", "each of `groups`"), diags))
                .map(|s| s.trim().to_owned())
                .collect(),
            other => {
                diags.push(super::keys::type_error(
                    v.span(),
                    "`groups`",
                    &say(
                        "字符串数组（或在 `group_by = \"unit\"` 时为工会组织表上的条件表）",
                        "an array of strings (or, with `group_by = \"unit\"`, a condition table on the units table)",
                    ),
                    other,
                ));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let every = every_key(k, true, diags);
    let class = conditions_key(k, "class", TableKind::Classes, Refs::Group, plan, diags);
    let measure = measure(k, true, diags);
    let who = if measure == Measure::Attendees {
        conditions_key(k, "who", TableKind::Cadres, Refs::None, plan, diags)
    } else {
        if let Some(v) = k.take("who") {
            diags.push(Diagnostic::new(
                v.span(),
                say(
                    "quota 规则只有在 `measure = \"attendees\"` 时才可写 `who`（否则数的是培训班，不是干部）",
                    "a quota takes `who` only with `measure = \"attendees\"` (it counts classes, not cadres)",
                ),
            ));
        }
        Conditions::default()
    };
    let min = amount(k, "min", measure, true, diags);
    let max = amount(k, "max", measure, true, diags);
    let or = alternatives(k, diags);
    if let Some((_, span)) = &or {
        if max.is_some() {
            diags.push(Diagnostic::new(
                span.clone(),
                say(
                    "`or` 不能与 `max` 同用：替代标准只说明何时达到下限",
                    "`or` cannot be used with `max`: alternatives only say when a minimum is reached",
                ),
            ));
        } else if min.is_none() {
            diags.push(Diagnostic::new(
                span.clone(),
                say("`or` 要与 `min` 同用", "`or` needs `min`"),
            ));
        }
        if measure == Measure::Attendees {
            diags.push(Diagnostic::new(
                span.clone(),
                say(
                    "`or` 不能与 `measure = \"attendees\"` 同用",
                    "`or` cannot be used with `measure = \"attendees\"`",
                ),
            ));
        }
    }
    if min.is_none()
        && max.is_none()
        && !diags
            .iter()
            .any(|d| d.message.contains("`min`") || d.message.contains("`max`"))
    {
        diags.push(Diagnostic::new(
            span,
            say(
                format!("{} 要写 `min` 或 `max`，或两者都写", k.what),
                format!("{} needs `min` or `max` or both", k.what),
            ),
        ));
    }
    if let (Some((a, _)), Some((b, s))) = (&min, &max)
        && a > b
    {
        diags.push(Diagnostic::new(
            s.clone(),
            say("`min` 大于 `max`", "`min` is more than `max`"),
        ));
    }
    if !groups.is_empty() && group_by.is_none() {
        diags.push(Diagnostic::new(
            k.span.clone(),
            say("`groups` 要与 `group_by` 同用", "`groups` needs `group_by`"),
        ));
    }
    if class.uses_group() && group_by.is_none() {
        diags.push(Diagnostic::new(
            k.span.clone(),
            say("`$group` 要与 `group_by` 同用", "`$group` needs `group_by`"),
        ));
    }
    Some(Box::new(Quota {
        group_by,
        groups,
        unit_groups,
        every: every?,
        class,
        who,
        min: min.map(|m| m.0),
        max: max.map(|m| m.0),
        measure,
        or: or.map(|o| o.0).unwrap_or_default(),
    }))
}

/// `every = "year" | "plan"`; a diagnostic when `required` and absent.
pub fn every_key(
    k: &mut Keys<'_, '_>,
    required: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<Every> {
    match k.take("every") {
        Some(v) => match string(v, "`every`", diags).as_deref() {
            Some("year") => Some(Every::Year),
            Some("plan") => Some(Every::Plan),
            Some(other) => {
                diags.push(Diagnostic::new(
                    v.span(),
                    say(
                        format!("`every` 的期间 `{other}` 无法识别（可用：year、plan）"),
                        format!("unknown period `{other}` for `every` (accepted: year, plan)"),
                    ),
                ));
                None
            }
            None => None,
        },
        None => {
            if required {
                diags.push(Diagnostic::new(
                    k.span.clone(),
                    say(
                        format!("{} 缺少 `every`（\"year\" 或 \"plan\"）", k.what),
                        format!("{} needs `every` (\"year\" or \"plan\")", k.what),
                    ),
                ));
            }
            None
        }
    }
}

/// The periods up to the as-of date: (period number, start, end) — each calendar year
/// that meets the plan, cut to it, up to the as-of year; or the plan.
pub fn periods(
    every: Every,
    plan: &Plan,
    as_of: NaiveDate,
) -> Vec<(Option<i32>, NaiveDate, NaiveDate)> {
    match every {
        Every::Plan => vec![(None, plan.start, plan.end)],
        Every::Year => (plan.start.year()..=plan.end.year().min(as_of.year()))
            .map(|y| {
                (
                    Some(y),
                    year_start(y).max(plan.start),
                    year_end(y).min(plan.end),
                )
            })
            .collect(),
    }
}

impl Quota {
    /// The subjects: distinct values of `group_by` over every cadre read, plus `groups`.
    fn subjects(&self, cx: &Context<'_>) -> Vec<String> {
        let Some(col) = &self.group_by else {
            return vec![cx.plan.authority.clone()];
        };
        if let (Some(conds), Some(units)) = (&self.unit_groups, &cx.data.units) {
            let env = Env::new(cx, None, None);
            let mut names: Vec<String> = (0..units.rows.len() as u32)
                .filter(|&u| conds.matches(Row::Unit(u), &env))
                .filter_map(|u| units.get(u).map(|_| units.name(u).to_owned()))
                .collect();
            names.sort();
            return names;
        }
        let mut set: BTreeSet<String> = self
            .groups
            .iter()
            .filter(|g| !g.is_empty())
            .cloned()
            .collect();
        let col = match col.cref {
            Some(ColumnRef::Field(_, c)) => c,
            Some(ColumnRef::Extra(c)) => Some(c),
            None => None,
        };
        if let Some(col) = col {
            let table = &cx.data.cadres_table;
            for cadre in cx.data.cadres.iter().filter(|c| cx.counts_cadre(c)) {
                let v = table.cell(cadre.row, col);
                if !v.is_empty() && !set.contains(v) {
                    set.insert(v.to_owned());
                }
            }
        }
        set.into_iter().collect()
    }
}

impl Quota {
    /// `measure = "attendees"` (SPEC §6): per subject and period, the distinct cadres
    /// matching `who` (and belonging to the subject) who completed a matching class
    /// dated in the period.
    fn attendees(
        &self,
        cx: &Context<'_>,
        subjects: &[String],
        periods: &[(Option<i32>, NaiveDate, NaiveDate)],
        out: &mut Outcomes,
    ) {
        let col = self.group_by.as_ref().and_then(|c| match c.cref {
            Some(ColumnRef::Field(_, col)) => col,
            Some(ColumnRef::Extra(col)) => Some(col),
            None => None,
        });
        let (first, last) = (periods[0].1, periods[periods.len() - 1].2);
        // Per (subject, period): each cadre's first qualifying class, and every
        // qualifying class attended.
        type Seen = (Vec<(u32, u32)>, BTreeSet<u32>);
        let mut seen: HashMap<(&str, usize), Seen> = HashMap::new();
        // The subject of a cadre's group by look-up, not by a scan of every subject.
        let mut by_name: HashMap<&str, &String> = HashMap::new();
        for s in subjects {
            by_name.entry(s.as_str()).or_insert(s);
        }
        for &ci in &cx.cadres {
            let cadre = cx.cadre(ci);
            let group: &str = match (&self.group_by, col) {
                (None, _) => &cx.plan.authority,
                (Some(_), Some(col)) => cx.data.cadres_table.cell(cadre.row, col),
                (Some(_), None) => "",
            };
            if group.is_empty() {
                continue;
            }
            let env = Env::new(cx, Some(cadre), None);
            if !self.who.matches(Row::Cadre(cadre), &env) {
                continue;
            }
            let Some(&subject) = by_name.get(group) else {
                continue;
            };
            let env = Env::new(cx, Some(cadre), Some(subject));
            for &k in cx.attended(ci) {
                let class = cx.class(k);
                if class.start_on < first || class.start_on > last {
                    continue;
                }
                if !self.class.matches(Row::Class(class), &env) {
                    continue;
                }
                let Some(p) = periods
                    .iter()
                    .position(|&(_, s, e)| class.start_on >= s && class.start_on <= e)
                else {
                    continue;
                };
                let e = seen.entry((subject.as_str(), p)).or_default();
                if e.0.last().is_none_or(|&(c, _)| c != ci) {
                    e.0.push((ci, k));
                }
                e.1.insert(k);
            }
        }
        let order = |a: &u32, b: &u32| {
            let (ca, cb) = (cx.class(*a), cx.class(*b));
            ca.start_on
                .cmp(&cb.start_on)
                .then_with(|| cx.data.class_id(ca).cmp(cx.data.class_id(cb)))
        };
        for s in subjects {
            for (p, &(period, start, end)) in periods.iter().enumerate() {
                let (mut firsts, classes) = seen.remove(&(s.as_str(), p)).unwrap_or_default();
                let count = firsts.len() as f64;
                let mut classes: Vec<u32> = classes.into_iter().collect();
                classes.sort_by(order);
                // Over `max` on the date the cadre one too many first attended.
                firsts.sort_by(|a, b| order(&a.1, &b.1).then(a.0.cmp(&b.0)));
                let over = self
                    .max
                    .filter(|&m| count > m)
                    .and_then(|m| firsts.get(m as usize))
                    .map(|&(_, k)| k);
                let enough = self.min.is_none_or(|m| count >= m);
                if over.is_none() && enough {
                    out.met_subject(s, period);
                    continue;
                }
                let evidence = Evidence::Quota {
                    count,
                    min: self.min,
                    max: self.max,
                    classes: classes.into(),
                    measure: Measure::Attendees,
                    period_start: start,
                    period_end: end,
                    near: ThinVec::new(),
                    amounts: ThinVec::new(),
                    no_hours: None,
                };
                let (due, status) = match over {
                    Some(k) => (cx.class(k).start_on, Status::Violation),
                    None => (end, unmet_status(cx.as_of, end)),
                };
                out.finding(s.clone(), None, period, due, status, evidence);
            }
        }
    }
}

impl RuleKind for Quota {
    fn measures(&self) -> Vec<Measure> {
        std::iter::once(self.measure)
            .chain(self.or.iter().map(|&(m, _)| m))
            .collect()
    }

    fn evaluate(&self, _rule: &RuleMeta, cx: &Context<'_>, out: &mut Outcomes) {
        let periods = periods(self.every, cx.plan, cx.as_of);
        if periods.is_empty() {
            return;
        }
        let subjects = self.subjects(cx);
        if self.measure == Measure::Attendees {
            self.attendees(cx, &subjects, &periods, out);
            return;
        }
        let req = Requirement {
            measure: self.measure,
            min: self.min.unwrap_or(0.0),
            or: self.or.clone(),
        };
        // Classes that match everything but `$group`, in date order.
        let general = self.class.without_group();
        let grouped = self.class.only_group();
        let env = Env::new(cx, None, None);
        let (first, last) = (periods[0].1, periods[periods.len() - 1].2);
        let candidates: Vec<u32> = cx
            .classes
            .iter()
            .copied()
            .filter(|&k| {
                let c = cx.class(k);
                c.start_on >= first && c.start_on <= last && general.matches(Row::Class(c), &env)
            })
            .collect();
        let index = GroupIndex::new(&grouped, &subjects);
        let mut by_subject: HashMap<&str, Vec<u32>> = HashMap::new();
        if let Some(index) = &index {
            for &k in &candidates {
                index.each(Row::Class(cx.class(k)), &env, |s| {
                    by_subject.entry(s).or_default().push(k);
                });
            }
        }
        for s in subjects.iter().filter(|_| index.is_none()) {
            let env = Env::new(cx, None, Some(s));
            let list: Vec<u32> = if grouped.is_empty() {
                candidates.clone()
            } else {
                candidates
                    .iter()
                    .copied()
                    .filter(|&k| grouped.matches(Row::Class(cx.class(k)), &env))
                    .collect()
            };
            by_subject.insert(s, list);
        }
        // Near misses (SPEC §8): classes failing exactly one condition that is not a
        // `$group` one, found once, when the first finding needs them.
        let mut pool: Option<Vec<Near>> = None;
        let mut pool_by_subject: Option<HashMap<&str, Vec<Near>>> = None;
        let mut near_of = |subject: &str, start: NaiveDate, end: NaiveDate| -> Vec<Near> {
            let pool = pool.get_or_insert_with(|| {
                cx.classes
                    .iter()
                    .copied()
                    .filter(|&k| {
                        let d = cx.class(k).start_on;
                        d >= first && d <= last
                    })
                    .filter_map(|k| {
                        let row = Row::Class(cx.class(k));
                        let i = self
                            .class
                            .only_failure(row, &env, |c| !c.tests.contains(&Test::EqGroup))?;
                        Some(Near {
                            class: k,
                            failed: Failed::Clause(i as u16),
                        })
                    })
                    .collect()
            });
            // A county never lists its neighbours' classes: `$group` must hold.
            if let Some(index) = &index {
                let by = pool_by_subject.get_or_insert_with(|| {
                    let mut by: HashMap<&str, Vec<Near>> = HashMap::new();
                    for n in pool.iter() {
                        index.each(Row::Class(cx.class(n.class)), &env, |s| {
                            by.entry(s).or_default().push(*n);
                        });
                    }
                    by
                });
                return by
                    .get(subject)
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .copied()
                    .filter(|n| {
                        let d = cx.class(n.class).start_on;
                        d >= start && d <= end
                    })
                    .take(MAX_NEAR)
                    .collect();
            }
            let env = Env::new(cx, None, Some(subject));
            pool.iter()
                .copied()
                .filter(|n| {
                    let c = cx.class(n.class);
                    c.start_on >= start
                        && c.start_on <= end
                        && (grouped.is_empty() || grouped.matches(Row::Class(c), &env))
                })
                .take(MAX_NEAR)
                .collect()
        };
        for s in &subjects {
            let list = by_subject.get(s.as_str()).map_or(&[][..], Vec::as_slice);
            for &(period, start, end) in &periods {
                let classes: Vec<u32> = list
                    .iter()
                    .copied()
                    .filter(|&k| {
                        let d = cx.class(k).start_on;
                        d >= start && d <= end
                    })
                    .collect();
                let mut tally = Tally::default();
                let mut over = None;
                for &k in &classes {
                    tally.add(cx, None, k, &req);
                    if over.is_none() && self.max.is_some_and(|m| tally.get(self.measure) > m) {
                        over = Some(k);
                    }
                }
                let count = tally.get(self.measure);
                let enough = self.min.is_none() || req.met(&tally);
                if over.is_none() && enough {
                    out.met_subject(s, period);
                    continue;
                }
                let evidence = Evidence::Quota {
                    count,
                    min: self.min,
                    max: self.max,
                    classes: classes.into(),
                    measure: self.measure,
                    period_start: start,
                    period_end: end,
                    near: near_of(s, start, end).into(),
                    amounts: req.amounts(&tally).into(),
                    no_hours: req.uses(Measure::Hours).then(|| tally.no_hours.into()),
                };
                if let Some(k) = over {
                    out.finding(
                        s.clone(),
                        None,
                        period,
                        cx.class(k).start_on,
                        Status::Violation,
                        evidence,
                    );
                } else {
                    out.finding(
                        s.clone(),
                        None,
                        period,
                        end,
                        unmet_status(cx.as_of, end),
                        evidence,
                    );
                }
            }
        }
    }

    fn describe(&self, lang: Lang, plan: &Plan) -> String {
        let who = match (&self.group_by, lang) {
            (Some(_), Lang::Zh) if let Some(g) = &self.unit_groups => {
                format!(
                    "工会组织表中满足以下条件的每个工会：{}",
                    g.describe(lang, &plan.levels)
                )
            }
            (Some(_), Lang::En) if let Some(g) = &self.unit_groups => format!(
                "every union of the units table where {}",
                g.describe(lang, &plan.levels)
            ),
            (Some(c), Lang::Zh) => {
                let extra = if self.groups.is_empty() {
                    String::new()
                } else {
                    format!("（另加{}）", self.groups.join("、"))
                };
                format!(
                    "干部名册中每个不同的{}{extra}",
                    super::condition::column_words(c, lang)
                )
            }
            (Some(c), Lang::En) => {
                let extra = if self.groups.is_empty() {
                    String::new()
                } else {
                    format!(" (plus {})", self.groups.join(", "))
                };
                format!("every value of the cadres' {} column{extra}", c.name)
            }
            (None, _) => plan.authority.clone(),
        };
        let period = match (self.every, lang) {
            (Every::Year, Lang::Zh) => "规划期内每一年（截止当年12月31日）",
            (Every::Plan, Lang::Zh) => "整个规划期（截止规划结束日）",
            (Every::Year, Lang::En) => "each year of the plan (due Dec 31)",
            (Every::Plan, Lang::En) => "the whole plan period (due at its end)",
        };
        let range = match (self.min, self.max, lang) {
            (Some(a), Some(b), Lang::Zh) => format!(
                "{}至{}",
                crate::view::amount(a, self.measure, lang),
                crate::view::amount(b, self.measure, lang)
            ),
            (Some(a), None, Lang::Zh) => {
                format!("至少{}", crate::view::amount(a, self.measure, lang))
            }
            (None, Some(b), Lang::Zh) => {
                format!("至多{}", crate::view::amount(b, self.measure, lang))
            }
            (Some(a), Some(b), Lang::En) => format!(
                "{} to {}",
                crate::view::amount(a, self.measure, lang),
                crate::view::amount(b, self.measure, lang)
            ),
            (Some(a), None, Lang::En) => {
                format!("at least {}", crate::view::amount(a, self.measure, lang))
            }
            (None, Some(b), Lang::En) => {
                format!("at most {}", crate::view::amount(b, self.measure, lang))
            }
            (None, None, _) => String::new(),
        };
        let range = format!(
            "{range}{}",
            self.or
                .iter()
                .map(|&(m, n)| format!(
                    "{}{}",
                    lang.pick("或 ", " or "),
                    crate::view::amount(n, m, lang)
                ))
                .collect::<String>()
        );
        if self.measure == Measure::Attendees {
            return match lang {
                Lang::Zh => format!(
                    "对象：{who}。期间：{period}。要求：属于该对象{}的干部中，期间内参加并结业符合条件培训班的人数为{}（同一干部只计一次）；{}。",
                    if self.who.clauses.is_empty() {
                        String::new()
                    } else {
                        format!("、且{}", self.who.describe(lang, &plan.levels))
                    },
                    range.replace(' ', ""),
                    super::condition::class_words(&self.class, lang, &plan.levels)
                        .replace("培训须满足", "培训班须满足")
                ),
                Lang::En => format!(
                    "Subjects: {who}. Period: {period}. Requirement: {range} — distinct cadres of the subject where {} who completed a class in the period where {}.",
                    self.who.describe(lang, &plan.levels),
                    self.class.describe(lang, &plan.levels)
                ),
            };
        }
        match lang {
            Lang::Zh => format!(
                "对象：{who}。期间：{period}。要求：举办{}符合条件的培训班；{}。",
                range.replace(' ', ""),
                super::condition::class_words(&self.class, lang, &plan.levels)
                    .replace("培训须满足", "培训班须满足")
            ),
            Lang::En => format!(
                "Subjects: {who}. Period: {period}. Requirement: {range} of classes where {}.",
                self.class.describe(lang, &plan.levels)
            ),
        }
    }

    fn conditions(&self) -> Vec<&Conditions> {
        let mut out = vec![&self.who, &self.class];
        out.extend(self.unit_groups.as_ref());
        out
    }

    fn conditions_mut(&mut self) -> Vec<&mut Conditions> {
        let mut out = vec![&mut self.who, &mut self.class];
        out.extend(self.unit_groups.as_mut());
        out
    }

    fn class_conditions(&self) -> Option<&Conditions> {
        Some(&self.class)
    }

    fn columns_mut(&mut self) -> Vec<&mut ColName> {
        self.group_by.iter_mut().collect()
    }
}
