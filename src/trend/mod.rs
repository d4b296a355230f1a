//! `peixun trend` (SPEC §9): the rules evaluated as of a series of dates on data loaded
//! once; per rule (and per group with `--by`) a series of counts and met rates, and a
//! forecast to the plan's end. The formats are one file each (`json`, `csv`, `table`,
//! `html`, `xlsx`); `forecast` holds the arithmetic.

pub mod csv;
pub mod forecast;
pub mod html;
pub mod json;
pub mod table;
pub mod xlsx;

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};

use crate::dates::fmt_date;
use crate::i18n::Lang;
use crate::model::Dataset;
use crate::report::DataErrorEntry;
use crate::report::notices::{NoticeEntry, notice_entries};
use crate::rules::{RuleSet, Severity};
use crate::view::Status;

/// `--every`: the step between dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Every {
    /// The last day of each month
    Month,
    /// The last day of each quarter (March, June, September, December)
    Quarter,
    /// The last day of each year
    Year,
}

impl Every {
    pub fn as_str(self) -> &'static str {
        match self {
            Every::Month => "month",
            Every::Quarter => "quarter",
            Every::Year => "year",
        }
    }

    /// Whether month `m` (1–12) ends a step.
    fn ends(self, m: u32) -> bool {
        match self {
            Every::Month => true,
            Every::Quarter => m.is_multiple_of(3),
            Every::Year => m == 12,
        }
    }
}

/// The last day of a month.
fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// SPEC §9: the last day of each month (quarter, year) from `from` to `to`, and `to`
/// itself when it is not such a day. Empty when `from` is after `to`.
pub fn dates(from: NaiveDate, to: NaiveDate, every: Every) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    if from > to {
        return out;
    }
    let (mut y, mut m) = (from.year(), from.month());
    while let Some(end) = month_end(y, m) {
        if end > to {
            break;
        }
        if end >= from && every.ends(m) {
            out.push(end);
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    if out.last() != Some(&to) {
        out.push(to);
    }
    out
}

/// One rule's counts as of one date (SPEC §4 `rules`, §9).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Point {
    pub checked: u64,
    pub met: u64,
    pub violation: u64,
    pub pending: u64,
    pub waived: u64,
}

impl Point {
    /// met / checked in ten-thousandths, truncated; None when nothing was checked.
    pub fn met_rate(&self) -> Option<u32> {
        (self.checked > 0)
            .then(|| (u128::from(self.met) * 10_000 / u128::from(self.checked)) as u32)
    }

    fn add(&mut self, status: Option<Status>) {
        self.checked += 1;
        match status {
            None => self.met += 1,
            Some(Status::Violation) => self.violation += 1,
            Some(Status::Pending) => self.pending += 1,
            Some(Status::Waived) => self.waived += 1,
        }
    }
}

/// A rate in ten-thousandths as the decimal it is (6667 → 0.6667).
pub fn rate_value(r: u32) -> f64 {
    f64::from(r) / 10_000.0
}

/// A rate in ten-thousandths as a percentage for people (6667 → 66.67%).
pub fn percent(r: u32) -> String {
    let whole = r / 100;
    match r % 100 {
        0 => format!("{whole}%"),
        f if f % 10 == 0 => format!("{whole}.{}%", f / 10),
        f => format!("{whole}.{f:02}%"),
    }
}

/// SPEC §9 `forecast`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Forecast {
    pub due: NaiveDate,
    /// In ten-thousandths, clamped to [0, 1].
    pub projected: u32,
    /// The rate the rule asks for, in ten-thousandths.
    pub target: u32,
    pub on_track: bool,
}

/// One series: a rule overall, for one group (`--by`), or for one subject.
#[derive(Clone, Debug)]
pub struct Series {
    /// Index into the rule set.
    pub rule: usize,
    /// The `--by` group, as read ("" for an empty value).
    pub group: Option<String>,
    /// The subject, for rules whose subjects are groups (with `--by`).
    pub subject: Option<String>,
    pub points: Vec<Point>,
    pub forecast: Option<Forecast>,
}

impl Series {
    /// The series' name for people: the group or subject, or "" overall.
    pub fn label(&self, lang: Lang) -> String {
        match (&self.group, &self.subject) {
            (Some(g), _) if g.is_empty() => lang.pick("未填", "(blank)").to_owned(),
            (Some(g), _) => g.clone(),
            (None, Some(s)) => s.clone(),
            (None, None) => lang.pick("全部", "all").to_owned(),
        }
    }

    pub fn off_track(&self) -> bool {
        self.forecast.is_some_and(|f| !f.on_track)
    }
}

/// A rule as the formats show it.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub kind: &'static str,
}

/// The whole trend (SPEC §9 JSON).
#[derive(Clone, Debug)]
pub struct Trend {
    pub rule_set: String,
    pub plan_title: Option<String>,
    pub plan_start: NaiveDate,
    pub plan_end: NaiveDate,
    pub every: Every,
    pub by: Option<String>,
    pub dates: Vec<NaiveDate>,
    pub rules: Vec<RuleInfo>,
    pub series: Vec<Series>,
    pub data_errors: Vec<DataErrorEntry>,
    pub notices: Vec<NoticeEntry>,
}

impl Trend {
    /// SPEC §9: 1 when there are data errors or any forecast is off track.
    pub fn exit_code(&self) -> u8 {
        u8::from(!self.data_errors.is_empty() || self.series.iter().any(Series::off_track))
    }

    /// The series of each rule, in rule order: overall first, then off-track groups,
    /// then the rest (each part by name).
    pub fn by_rule(&self) -> Vec<Vec<&Series>> {
        let mut out = vec![Vec::new(); self.rules.len()];
        for s in &self.series {
            if let Some(v) = out.get_mut(s.rule) {
                v.push(s);
            }
        }
        for v in &mut out {
            v.sort_by_key(|s| (s.group.is_some() || s.subject.is_some(), !s.off_track()));
        }
        out
    }
}

/// Waivers by (rule id, subject in lower-case ASCII, period): the expiry date, if any.
pub type Waivers = HashMap<(String, String, Option<i32>), Option<NaiveDate>>;

/// Which series a subject counts in, beside the rule's overall series.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Overall,
    Group(String),
    Subject(String),
}

/// One date's counts: per rule overall, per group index (`--by`), per subject.
struct DateCounts {
    overall: Vec<Point>,
    groups: Vec<Vec<Point>>,
    subjects: Vec<Vec<(String, Point)>>,
}

/// Evaluates the rules as of `date` and counts what each recorded, overall and per
/// group (`group_of`: each cadre's group index, empty without `--by`) or subject.
fn count_date(
    rules: &RuleSet,
    data: &Dataset,
    date: NaiveDate,
    grouping: bool,
    group_of: &[u32],
    waivers: &Waivers,
) -> DateCounts {
    // The rules' one pass, as `check` makes it, without sorting findings: only their
    // counts are wanted here.
    let outcomes = crate::eval::outcomes(rules, data, date, false);
    crate::trace::stage(&format!("trend {} evaluated", fmt_date(date)));
    let mut groups: Vec<Vec<Point>> = vec![Vec::new(); rules.rules.len()];
    let mut subjects: Vec<HashMap<&str, Point>> = vec![HashMap::new(); rules.rules.len()];
    let mut overall: Vec<Point> = vec![Point::default(); rules.rules.len()];
    let mut count_group = |ri: usize, cadre: u32, status: Option<Status>| {
        if let Some(&g) = group_of.get(cadre as usize) {
            let gs = &mut groups[ri];
            if gs.len() <= g as usize {
                gs.resize(g as usize + 1, Point::default());
            }
            gs[g as usize].add(status);
        }
    };
    for (ri, (out, _)) in outcomes.iter().enumerate() {
        overall[ri].checked += out.met;
        overall[ri].met += out.met;
        // SPEC §9: `forbid` has its overall series only.
        let grouped = grouping && rules.rules[ri].meta.kind != "forbid";
        if grouped {
            for &c in &out.met_cadres {
                count_group(ri, c, None);
            }
            for (s, _) in &out.met_subjects {
                subjects[ri].entry(s.as_str()).or_default().add(None);
            }
        }
        let id = &rules.rules[ri].meta.id;
        for f in &out.findings {
            let status = match f.status {
                Status::Violation | Status::Pending
                    if !waivers.is_empty()
                        && waivers
                            .get(&(id.clone(), f.subject.to_ascii_lowercase(), f.period))
                            .is_some_and(|exp| exp.is_none_or(|e| e >= date)) =>
                {
                    Status::Waived
                }
                s => s,
            };
            overall[ri].add(Some(status));
            if !grouped {
                continue;
            }
            match f.cadre {
                Some(c) => count_group(ri, c, Some(status)),
                None => subjects[ri]
                    .entry(f.subject.as_str())
                    .or_default()
                    .add(Some(status)),
            }
        }
    }
    DateCounts {
        overall,
        groups,
        subjects: subjects
            .into_iter()
            .map(|m| m.into_iter().map(|(s, p)| (s.to_owned(), p)).collect())
            .collect(),
    }
}

/// What a trend is asked for: the dates (from [`dates`]), their step, and the cadres
/// column of `--by` (its position and its name as given).
pub struct Request<'a> {
    pub dates: &'a [NaiveDate],
    pub every: Every,
    pub by: Option<(usize, &'a str)>,
}

/// Evaluates every rule as of each date on the loaded data and gathers the series.
/// The rules must be bound to the data.
pub fn build(
    rules: &RuleSet,
    data: &Dataset,
    request: &Request<'_>,
    waivers: &Waivers,
    lang: Lang,
) -> Trend {
    let dates = request.dates;
    let by = request.by.map(|(col, _)| col);
    // What does not depend on the date is worked out once: each cadre's group.
    let (group_names, group_of): (Vec<String>, Vec<u32>) = match by {
        Some(col) => {
            let mut names: Vec<String> = Vec::new();
            let mut index: HashMap<&str, u32> = HashMap::new();
            let ids = data
                .cadres
                .iter()
                .map(|c| {
                    let v = data.cadres_table.cell(c.row, col).trim();
                    *index.entry(v).or_insert_with(|| {
                        names.push(v.to_owned());
                        (names.len() - 1) as u32
                    })
                })
                .collect();
            (names, ids)
        }
        None => (Vec::new(), Vec::new()),
    };
    let n = dates.len();
    let mut series: BTreeMap<(usize, Key), Vec<Point>> = BTreeMap::new();
    for i in 0..rules.rules.len() {
        series.insert((i, Key::Overall), vec![Point::default(); n]);
    }
    // Dates are independent: a worker per core takes the next date (each evaluation
    // runs its rules on a worker per core too), and the counts are merged in date order.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |c| c.get())
        .min(n)
        .max(1);
    let work = || {
        let mut done = Vec::new();
        loop {
            let di = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&date) = dates.get(di) else {
                return done;
            };
            done.push((
                di,
                count_date(rules, data, date, by.is_some(), &group_of, waivers),
            ));
        }
    };
    let counted: Vec<(usize, DateCounts)> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..workers).map(|_| s.spawn(work)).collect();
        let mut all = work();
        for h in handles {
            all.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        all
    });
    for (
        di,
        DateCounts {
            overall,
            groups,
            subjects,
        },
    ) in counted
    {
        for (ri, p) in overall.into_iter().enumerate() {
            if let Some(s) = series.get_mut(&(ri, Key::Overall)) {
                s[di] = p;
            }
        }
        for (ri, gs) in groups.into_iter().enumerate() {
            for (g, p) in gs.into_iter().enumerate() {
                if p.checked == 0 {
                    continue;
                }
                let name = group_names.get(g).cloned().unwrap_or_default();
                series
                    .entry((ri, Key::Group(name)))
                    .or_insert_with(|| vec![Point::default(); n])[di] = p;
            }
        }
        for (ri, ss) in subjects.into_iter().enumerate() {
            for (s, p) in ss {
                series
                    .entry((ri, Key::Subject(s)))
                    .or_insert_with(|| vec![Point::default(); n])[di] = p;
            }
        }
    }
    let last = dates.last().copied();
    // Notices as `check` gives them as of the last date.
    let last_notices: Vec<crate::notice::Notice> = last
        .map(|d| crate::view::after_as_of(data, d))
        .unwrap_or_default()
        .into_iter()
        .chain(rules.notices.iter().cloned())
        .collect();
    let series = series
        .into_iter()
        .map(|((rule, key), points)| {
            let forecast = match (rules.rules[rule].kind.plan_end_rate(), last) {
                (Some(target), Some(last)) if last < rules.plan.end => {
                    let rates: Vec<(NaiveDate, Option<u32>)> = dates
                        .iter()
                        .zip(&points)
                        .map(|(d, p)| (*d, p.met_rate()))
                        .collect();
                    forecast::projected(&rates, rules.plan.end).map(|projected| Forecast {
                        due: rules.plan.end,
                        projected,
                        target,
                        on_track: projected >= target,
                    })
                }
                _ => None,
            };
            let (group, subject) = match key {
                Key::Overall => (None, None),
                Key::Group(g) => (Some(g), None),
                Key::Subject(s) => (None, Some(s)),
            };
            Series {
                rule,
                group,
                subject,
                points,
                forecast,
            }
        })
        .collect();
    Trend {
        rule_set: rules.plan.id.clone(),
        plan_title: rules.plan.title_in(lang).map(str::to_owned),
        plan_start: rules.plan.start,
        plan_end: rules.plan.end,
        every: request.every,
        by: request.by.map(|(_, name)| name.to_owned()),
        dates: dates.to_vec(),
        rules: rules
            .rules
            .iter()
            .map(|r| RuleInfo {
                id: r.meta.id.clone(),
                title: match (r.approximate, lang) {
                    (false, _) => r.meta.title_in(lang).to_owned(),
                    (true, Lang::Zh) => format!("〔近似〕{}", r.meta.title_in(lang)),
                    (true, Lang::En) => format!("(approximate) {}", r.meta.title_in(lang)),
                },
                severity: r.meta.severity,
                kind: r.meta.kind,
            })
            .collect(),
        series,
        data_errors: crate::report::data_error_entries(data, lang),
        notices: notice_entries(data.notices.iter().chain(&last_notices), lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dates_are_period_ends_and_to() {
        let got: Vec<String> = dates(d("2019-11-15"), d("2020-02-10"), Every::Month)
            .into_iter()
            .map(fmt_date)
            .collect();
        assert_eq!(
            got,
            ["2019-11-30", "2019-12-31", "2020-01-31", "2020-02-10"]
        );
        let got: Vec<String> = dates(d("2019-01-01"), d("2019-12-31"), Every::Quarter)
            .into_iter()
            .map(fmt_date)
            .collect();
        assert_eq!(
            got,
            ["2019-03-31", "2019-06-30", "2019-09-30", "2019-12-31"]
        );
        let got: Vec<String> = dates(d("2018-02-28"), d("2020-02-29"), Every::Year)
            .into_iter()
            .map(fmt_date)
            .collect();
        assert_eq!(got, ["2018-12-31", "2019-12-31", "2020-02-29"]);
        assert_eq!(
            dates(d("2020-02-29"), d("2020-02-29"), Every::Month).len(),
            1
        );
        assert!(dates(d("2020-03-01"), d("2020-02-29"), Every::Month).is_empty());
    }

    #[test]
    fn rates_truncate() {
        let p = Point {
            checked: 3,
            met: 2,
            ..Point::default()
        };
        assert_eq!(p.met_rate(), Some(6666));
        assert_eq!(Point::default().met_rate(), None);
        assert_eq!(percent(6666), "66.66%");
        assert_eq!(percent(5000), "50%");
        assert_eq!(percent(8750), "87.5%");
        assert_eq!(percent(10_000), "100%");
    }
}
