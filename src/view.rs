//! The as-of view of SPEC §2 and what rules record against it: the plan and the measure
//! a rule counts by, the view of the data every rule kind evaluates (built once per
//! as-of date), and the outcomes, findings and statuses a rule records. Below both the
//! evaluator (`eval`) and the rule kinds (`rules`), which import it and nothing else of
//! each other's.

use std::sync::Arc;

use chrono::NaiveDate;
use thin_vec::ThinVec;

use crate::i18n::Lang;
use crate::model::{Cadre, Class, Dataset, Field, Table, TableKind};
use crate::notice::{Detail, MAX_EXAMPLES, Notice, NoticeKind};

/// `[plan]`.
#[derive(Clone, Debug)]
pub struct Plan {
    pub id: String,
    pub title: Option<String>,
    /// The title in English (SPEC §6 "Text for people").
    pub title_en: Option<String>,
    pub document: Option<String>,
    pub authority: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Lowest first.
    pub levels: Vec<String>,
}

impl Plan {
    /// The title in `lang` (`title_en` in English when given), if any.
    pub fn title_in(&self, lang: Lang) -> Option<&str> {
        crate::i18n::written(lang, self.title.as_ref(), self.title_en.as_ref())
    }
}

/// What counts toward a requirement: classes, their days (`measure = "days"`), their
/// hours (`"hours"`, SPEC §6), or the cadres who attended them (`"attendees"`, quota).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    Classes,
    Days,
    Hours,
    Attendees,
}

impl Measure {
    /// The name a rule file and the evidence's `amounts` use.
    pub fn name(self) -> &'static str {
        match self {
            Measure::Classes => "classes",
            Measure::Days => "days",
            Measure::Hours => "hours",
            Measure::Attendees => "attendees",
        }
    }
}

/// Words for a measure and an amount: "2 期" / "1.5 天".
pub fn amount(n: f64, measure: Measure, lang: Lang) -> String {
    let num = crate::load::cell::number_text(n);
    match (measure, lang) {
        (Measure::Classes, Lang::Zh) => format!("{num} 期"),
        (Measure::Days, Lang::Zh) => format!("{num} 天"),
        (Measure::Hours, Lang::Zh) => format!("{num} 学时"),
        (Measure::Attendees, Lang::Zh) => format!("{num} 人"),
        (Measure::Classes, Lang::En) => format!("{num} class(es)"),
        (Measure::Days, Lang::En) => format!("{num} day(s)"),
        (Measure::Hours, Lang::En) => format!("{num} hour(s)"),
        (Measure::Attendees, Lang::En) => format!("{num} attendee(s)"),
    }
}

/// An amount a rule asks for: the main `measure` and `min`, and the `or` alternatives
/// (SPEC §6 "12 days or 90 hours").
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    pub measure: Measure,
    pub min: f64,
    pub or: Vec<(Measure, f64)>,
}

impl Requirement {
    /// Does the rule count by this measure, as its main one or an alternative?
    pub fn uses(&self, m: Measure) -> bool {
        self.measure == m || self.or.iter().any(|&(x, _)| x == m)
    }

    /// Met when the main amount or any alternative is reached.
    pub fn met(&self, t: &Tally) -> bool {
        t.get(self.measure) >= self.min || self.or.iter().any(|&(m, n)| t.get(m) >= n)
    }

    /// The totals the evidence's `amounts` gives: every measure's, main first; none
    /// without `or`.
    pub fn amounts(&self, t: &Tally) -> Vec<(Measure, f64)> {
        if self.or.is_empty() {
            return Vec::new();
        }
        let mut out = vec![(self.measure, t.get(self.measure))];
        for &(m, _) in &self.or {
            if !out.iter().any(|&(x, _)| x == m) {
                out.push((m, t.get(m)));
            }
        }
        out
    }

    /// The alternatives in words: "，或 90 学时" / " or 90 hour(s)".
    pub fn alternatives(&self, lang: Lang) -> String {
        self.or
            .iter()
            .map(|&(m, n)| format!("{}{}", lang.pick("或 ", " or "), amount(n, m, lang)))
            .collect()
    }
}

/// The totals of one subject by each measure a rule counts by.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub classes: f64,
    pub days: f64,
    pub hours: f64,
    /// Classes counted for hours that have none (SPEC §6 `no_hours`).
    pub no_hours: Vec<u32>,
}

impl Tally {
    /// Adds a class (attended by `cadre`, when one is the subject) for the measures
    /// `req` uses: days and hours are summed only when asked for.
    pub fn add(&mut self, cx: &Context<'_>, cadre: Option<u32>, k: u32, req: &Requirement) {
        self.classes += 1.0;
        if req.uses(Measure::Days) {
            self.days = tidy(self.days + cx.class(k).days);
        }
        if req.uses(Measure::Hours) {
            match cx.hours(cadre, k) {
                Some(h) => self.hours = tidy(self.hours + h),
                None => self.no_hours.push(k),
            }
        }
    }

    pub fn get(&self, m: Measure) -> f64 {
        match m {
            Measure::Classes | Measure::Attendees => self.classes,
            Measure::Days => self.days,
            Measure::Hours => self.hours,
        }
    }
}

/// A finding's status (SPEC §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Violation,
    Pending,
    Waived,
}

impl Status {
    /// The status a JSON report names (`previous_status` of a baseline).
    pub fn parse(s: &str) -> Option<Status> {
        [Status::Violation, Status::Pending, Status::Waived]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Violation => "violation",
            Status::Pending => "pending",
            Status::Waived => "waived",
        }
    }
}

/// The most near misses a finding lists (SPEC §8 `near`).
pub const MAX_NEAR: usize = 5;

/// A near miss (SPEC §8 `near`): a class that met every condition of the rule's `class`
/// table but one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Near {
    /// Index into `Dataset::classes`.
    pub class: u32,
    pub failed: Failed,
}

/// What a near miss failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failed {
    /// The clause of the `class` table at this index (one column's condition).
    Clause(u16),
    /// The class met every condition, but the attendance was not completed.
    Completed,
}

/// What a finding rests on; class references are indices into `Dataset::classes`. Its
/// lists are `ThinVec`s (one word, no allocation when empty, as most are): a report of
/// hundreds of thousands of findings holds them all until it is written.
#[derive(Clone, Debug)]
pub enum Evidence {
    Deadline {
        from: NaiveDate,
        required: f64,
        counted: f64,
        late: Option<u32>,
        measure: Measure,
        near: ThinVec<Near>,
        /// With `or`: every measure's total, main first (SPEC §6 `amounts`).
        amounts: ThinVec<(Measure, f64)>,
        /// When the rule counts hours: the classes that had none.
        no_hours: Option<ThinVec<u32>>,
    },
    Quota {
        count: f64,
        min: Option<f64>,
        max: Option<f64>,
        classes: ThinVec<u32>,
        measure: Measure,
        period_start: NaiveDate,
        period_end: NaiveDate,
        near: ThinVec<Near>,
        amounts: ThinVec<(Measure, f64)>,
        no_hours: Option<ThinVec<u32>>,
    },
    Coverage {
        required: f64,
        count: f64,
        classes: ThinVec<u32>,
        measure: Measure,
        reference: NaiveDate,
        near: ThinVec<Near>,
        amounts: ThinVec<(Measure, f64)>,
        no_hours: Option<ThinVec<u32>>,
    },
    /// A coverage rate not reached by a group (SPEC §6 `rate`).
    Rate {
        checked: u64,
        met: u64,
        /// `rate` as written, in ten-thousandths.
        required: u32,
        /// The unmet cadres' ids, first 200, in code-point order.
        unmet: ThinVec<String>,
    },
    Forbid {
        class: u32,
        values: ThinVec<(String, Option<String>)>,
    },
}

/// One requirement not met, or one prohibition broken.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: usize,
    pub subject: String,
    /// The cadre, when the subject is one (for name, unit, county in reports).
    pub cadre: Option<u32>,
    pub period: Option<i32>,
    pub due: NaiveDate,
    pub status: Status,
    pub evidence: Evidence,
}

/// What one rule's evaluation recorded.
#[derive(Debug, Default)]
pub struct Outcomes {
    pub met: u64,
    pub findings: Vec<Finding>,
    /// Cadres that met the requirement (deadline, coverage).
    pub met_cadres: Vec<u32>,
    /// For a coverage rule with periods (`every = "year"`): the period of each entry
    /// of `met_cadres`, in the same order; empty for rules without periods.
    pub met_cadre_periods: Vec<i32>,
    /// Classes checked and allowed (forbid).
    pub met_classes: Vec<u32>,
    /// Subjects and periods that met the requirement (quota).
    pub met_subjects: Vec<(String, Option<i32>)>,
    rule: usize,
}

impl Outcomes {
    /// The outcomes of the rule at `rule` in the rule set, none recorded yet.
    pub fn for_rule(rule: usize) -> Self {
        Outcomes {
            rule,
            ..Outcomes::default()
        }
    }

    /// A cadre that met the requirement.
    pub fn met_cadre(&mut self, cadre: u32) {
        self.met += 1;
        self.met_cadres.push(cadre);
    }

    /// A cadre that met the requirement for a period (`None`: the whole plan).
    pub fn met_cadre_in(&mut self, cadre: u32, period: Option<i32>) {
        self.met_cadre(cadre);
        if let Some(p) = period {
            self.met_cadre_periods.push(p);
        }
    }

    /// A class that broke no prohibition.
    pub fn met_class(&mut self, class: u32) {
        self.met += 1;
        self.met_classes.push(class);
    }

    /// A subject and period that met the requirement.
    pub fn met_subject(&mut self, subject: &str, period: Option<i32>) {
        self.met += 1;
        self.met_subjects.push((subject.to_owned(), period));
    }

    /// A subject that did not.
    pub fn finding(
        &mut self,
        subject: String,
        cadre: Option<u32>,
        period: Option<i32>,
        due: NaiveDate,
        status: Status,
        evidence: Evidence,
    ) {
        self.findings.push(Finding {
            rule: self.rule,
            subject,
            cadre,
            period,
            due,
            status,
            evidence,
        });
    }
}

/// The as-of view every rule kind evaluates against.
pub struct Context<'a> {
    pub data: &'a Dataset,
    pub plan: &'a Plan,
    pub as_of: NaiveDate,
    /// Cadres appointed on or before the as-of date (indices).
    pub cadres: Vec<u32>,
    /// Classes dated on or before the as-of date, in date order, ties by id.
    pub classes: Vec<u32>,
    /// For a rule that uses a units form, run exactly (SPEC §6): only cadres whose unit
    /// is in the units table are in `cadres`, and only they give quota subjects.
    pub exact_units: bool,
    // Shared with the view a units rule runs in (`with_units_only`), never copied.
    att_offsets: Arc<Vec<u32>>,
    att_classes: Arc<Vec<u32>>,
    /// Attendance not completed at visible classes: (cadre, class), by cadre, then class
    /// date order, each pair once (looked up only for findings' near misses).
    not_completed: Arc<Vec<(u32, u32)>>,
}

impl<'a> Context<'a> {
    /// Builds the view: visible cadres and classes, completed attendance per cadre in
    /// class date order.
    pub fn new(data: &'a Dataset, plan: &'a Plan, as_of: NaiveDate) -> Self {
        // Two cores: the classes in date order on one, attendance grouped by cadre on
        // the other (visible classes are known without their order).
        let visible = |k: u32| data.classes[k as usize].start_on <= as_of;
        let ((cadres, classes, rank, not_completed), (counts, mut att)) = std::thread::scope(|s| {
            let order = s.spawn(|| {
                let cadres: Vec<u32> = (0..data.cadres.len() as u32)
                    .filter(|&i| data.cadres[i as usize].appointed_on <= as_of)
                    .collect();
                let mut classes: Vec<u32> = (0..data.classes.len() as u32)
                    .filter(|&k| visible(k))
                    .collect();
                classes.sort_by(|&a, &b| {
                    let (ca, cb) = (&data.classes[a as usize], &data.classes[b as usize]);
                    ca.start_on
                        .cmp(&cb.start_on)
                        .then_with(|| data.class_id(ca).cmp(data.class_id(cb)))
                });
                let mut rank = vec![u32::MAX; data.classes.len()];
                for (r, &c) in classes.iter().enumerate() {
                    rank[c as usize] = r as u32;
                }
                // Few rows: sorted, not grouped with offsets.
                let mut missed: Vec<(u32, u32)> = data
                    .not_completed
                    .iter()
                    .copied()
                    .filter(|&(_, k)| visible(k))
                    .collect();
                missed.sort_unstable_by_key(|&(c, k)| (c, rank[k as usize]));
                missed.dedup();
                (cadres, classes, rank, missed)
            });
            // Counting sort of attendance by cadre.
            let mut counts = vec![0u32; data.cadres.len() + 1];
            for &(c, k) in &data.attended {
                if visible(k) {
                    counts[c as usize + 1] += 1;
                }
            }
            for i in 1..counts.len() {
                counts[i] += counts[i - 1];
            }
            let mut fill = counts.clone();
            let mut att = vec![0u32; *counts.last().unwrap_or(&0) as usize];
            for &(c, k) in &data.attended {
                if visible(k) {
                    att[fill[c as usize] as usize] = k;
                    fill[c as usize] += 1;
                }
            }
            let order = order
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (order, (counts, att))
        });
        // Each cadre's classes in date order, a class attended twice (two rows of the
        // attendance file) kept once, in two halves of the cadres on two cores; the
        // second half's classes then close up behind the first's.
        let sort_range = |att: &mut [u32], cadres: std::ops::Range<usize>| -> Vec<u32> {
            let base = counts[cadres.start] as usize;
            let mut ends = Vec::with_capacity(cadres.len());
            let mut kept = 0usize;
            for i in cadres {
                let (from, to) = (counts[i] as usize - base, counts[i + 1] as usize - base);
                att[from..to].sort_unstable_by_key(|&k| rank[k as usize]);
                let mut last = u32::MAX;
                for j in from..to {
                    let k = att[j];
                    if k != last {
                        att[kept] = k;
                        kept += 1;
                        last = k;
                    }
                }
                ends.push(kept as u32);
            }
            ends
        };
        let n = data.cadres.len();
        let mid = n / 2;
        let (low, high) = att.split_at_mut(counts[mid] as usize);
        let (low_ends, high_ends) = std::thread::scope(|s| {
            let h = s.spawn(|| sort_range(high, mid..n));
            let l = sort_range(low, 0..mid);
            (l, h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
        });
        let low_kept = low_ends.last().copied().unwrap_or(0);
        let high_kept = high_ends.last().copied().unwrap_or(0);
        let high_start = counts[mid] as usize;
        att.copy_within(
            high_start..high_start + high_kept as usize,
            low_kept as usize,
        );
        att.truncate((low_kept + high_kept) as usize);
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0u32);
        offsets.extend(low_ends);
        offsets.extend(high_ends.into_iter().map(|e| e + low_kept));
        Context {
            data,
            plan,
            as_of,
            cadres,
            classes,
            exact_units: false,
            att_offsets: Arc::new(offsets),
            att_classes: Arc::new(att),
            not_completed: Arc::new(not_completed),
        }
    }

    /// The view for rules that use a units form, run exactly (SPEC §6): a cadre whose
    /// unit is missing or names no unit is left out, counted nowhere in such a rule.
    pub fn with_units_only(&self) -> Context<'a> {
        let units = self.data.units.as_ref();
        Context {
            data: self.data,
            plan: self.plan,
            as_of: self.as_of,
            cadres: self
                .cadres
                .iter()
                .copied()
                .filter(|&i| units.is_some_and(|u| u.of_cadre(self.cadre(i).row).is_some()))
                .collect(),
            classes: self.classes.clone(),
            exact_units: true,
            att_offsets: Arc::clone(&self.att_offsets),
            att_classes: Arc::clone(&self.att_classes),
            not_completed: Arc::clone(&self.not_completed),
        }
    }

    /// Whether a cadre of the dataset counts in this view's rule: every cadre, or for
    /// a rule run exactly with the units table, those with a unit.
    pub fn counts_cadre(&self, cadre: &Cadre) -> bool {
        !self.exact_units
            || self
                .data
                .units
                .as_ref()
                .is_some_and(|u| u.of_cadre(cadre.row).is_some())
    }

    /// Completed attendance of a cadre at visible classes, in class date order.
    pub fn attended(&self, cadre: u32) -> &[u32] {
        let (a, b) = (
            self.att_offsets[cadre as usize],
            self.att_offsets[cadre as usize + 1],
        );
        &self.att_classes[a as usize..b as usize]
    }

    /// Attendance not completed of a cadre at visible classes, in class date order.
    pub fn not_completed(&self, cadre: u32) -> impl Iterator<Item = u32> + '_ {
        let from = self.not_completed.partition_point(|&(c, _)| c < cadre);
        self.not_completed[from..]
            .iter()
            .take_while(move |&&(c, _)| c == cadre)
            .map(|&(_, k)| k)
    }

    pub fn cadre(&self, i: u32) -> &'a Cadre {
        &self.data.cadres[i as usize]
    }

    pub fn class(&self, i: u32) -> &'a Class {
        &self.data.classes[i as usize]
    }

    /// SPEC §2: a `left_on` after the as-of date is treated as missing.
    pub fn left_on(&self, c: &Cadre) -> Option<NaiveDate> {
        c.left_on.filter(|&d| d <= self.as_of)
    }

    /// A class's contribution to an amount: 1, or its days.
    pub fn weight(&self, class: u32, measure: Measure) -> f64 {
        match measure {
            Measure::Classes | Measure::Attendees => 1.0,
            Measure::Days => self.class(class).days,
            Measure::Hours => self.class(class).hours.unwrap_or(0.0),
        }
    }

    /// SPEC §6 `hours`: the attendance row's hours when given (the cadre's first
    /// completed row at the class), else the class's; `None` when neither gives any.
    /// Without a cadre (a quota), the class's.
    pub fn hours(&self, cadre: Option<u32>, class: u32) -> Option<f64> {
        if let Some(c) = cadre {
            let rows = &self.data.attended_hours;
            if let Ok(i) = rows.binary_search_by(|&(a, k, _)| (a, k).cmp(&(c, class)))
                && !rows[i].2.is_nan()
            {
                return Some(rows[i].2);
            }
        }
        self.class(class).hours
    }
}

/// A sum of days as the decimal a person would write: 0.1 + 0.7 is 0.8, not
/// 0.7999999999999999 (days are given with a few decimals at most).
pub fn tidy(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// The status of an unmet requirement due on `due`: pending through the due date.
pub fn unmet_status(as_of: NaiveDate, due: NaiveDate) -> Status {
    if as_of > due {
        Status::Violation
    } else {
        Status::Pending
    }
}

/// SPEC §8 `after_as_of`: the rows the view leaves out because they are dated after the
/// as-of date — cadres appointed, classes starting — one notice per table. Its examples
/// are the latest rows first (a class typed 2091 heads the list), ties in line order.
pub fn after_as_of(data: &Dataset, as_of: NaiveDate) -> Vec<Notice> {
    let cadres = data
        .cadres
        .iter()
        .filter(|c| c.appointed_on > as_of)
        .map(|c| (c.appointed_on, c.row));
    let classes = data
        .classes
        .iter()
        .filter(|c| c.start_on > as_of)
        .map(|c| (c.start_on, c.row));
    let mut out = Vec::new();
    out.extend(later_rows(&data.cadres_table, Field::AppointedOn, cadres));
    out.extend(later_rows(&data.classes_table, Field::StartOn, classes));
    out
}

/// The notice for rows (date, table row) of one table dated after the as-of date.
fn later_rows(
    table: &Table,
    field: Field,
    rows: impl Iterator<Item = (NaiveDate, u32)>,
) -> Option<Notice> {
    let mut count = 0u64;
    // The latest rows: date descending, then line.
    let mut latest: Vec<(std::cmp::Reverse<NaiveDate>, u32, u32)> = Vec::new();
    for (date, row) in rows {
        count += 1;
        let key = (std::cmp::Reverse(date), table.line(row), row);
        if latest.len() < MAX_EXAMPLES || key < latest[MAX_EXAMPLES - 1] {
            let at = latest.partition_point(|k| *k < key);
            latest.insert(at, key);
            latest.truncate(MAX_EXAMPLES);
        }
    }
    let (std::cmp::Reverse(date), line, _) = *latest.first()?;
    let kind = match field {
        Field::AppointedOn => TableKind::Cadres,
        _ => TableKind::Classes,
    };
    let mut n = Notice::new(NoticeKind::AfterAsOf, Some(kind), count);
    n.detail = Detail::Latest { date, line };
    let col = table.col_of(field);
    for &(_, line, row) in &latest {
        n.example(&table.source, line, col.map(|c| table.cell(row, c)));
    }
    Some(n)
}
