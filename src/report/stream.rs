//! Findings written as they are made: report entries built from the evaluation's
//! outcomes a share at a time, on every core, formatted and written in order, then
//! dropped. A report of many findings is then never in memory whole, neither as entries
//! nor as text: at most a window of shares is.
//!
//! `--mask-ids` and `--due-within` touch one finding at a time, so they are applied here
//! as each entry is made. Waivers and a baseline match the whole list (an unused waiver
//! or a resolved finding is known only once every finding is), so `check` builds the
//! list for them ([`super::Report::new`]).

use std::io::Write;
use std::ops::Range;

use chrono::NaiveDate;

use super::FindingEntry;
use super::mask::People;
use crate::eval::Evaluation;
use crate::i18n::Lang;
use crate::model::Dataset;
use crate::rules::RuleSet;
use crate::view::Status;

/// Findings per share: entries of one share are made, printed and dropped together.
const SHARE: usize = 2048;

/// The findings of an evaluation, as report entries made on demand.
pub struct Findings<'a> {
    rules: &'a RuleSet,
    data: &'a Dataset,
    ev: &'a Evaluation,
    lang: Lang,
    /// Each cadre's name, unit and county (all formats but JSON).
    who: bool,
    /// `--mask-ids`.
    people: Option<People<'a>>,
    /// `--due-within`: pending findings due on or before this date are due soon.
    horizon: Option<NaiveDate>,
}

impl<'a> Findings<'a> {
    pub fn new(
        rules: &'a RuleSet,
        data: &'a Dataset,
        ev: &'a Evaluation,
        lang: Lang,
        who: bool,
    ) -> Findings<'a> {
        Findings {
            rules,
            data,
            ev,
            lang,
            who,
            people: None,
            horizon: None,
        }
    }

    /// Masks ids and names (`--mask-ids`).
    pub fn masked(mut self) -> Findings<'a> {
        self.people = Some(People::new(self.data));
        self
    }

    /// Marks pending findings due on or before `horizon` (`--due-within`).
    pub fn due_within(mut self, horizon: Option<NaiveDate>) -> Findings<'a> {
        self.horizon = horizon;
        self
    }

    pub fn len(&self) -> usize {
        self.ev.findings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ev.findings.is_empty()
    }

    /// Each rule's findings: one range each, in rule order (the evaluation sorts them
    /// by rule).
    pub fn by_rule(&self) -> Vec<Range<usize>> {
        let fs = &self.ev.findings;
        (0..self.rules.rules.len())
            .map(|r| fs.partition_point(|f| f.rule < r)..fs.partition_point(|f| f.rule <= r))
            .collect()
    }

    /// Whether any finding of `range` is about a cadre (has a name, unit and county).
    pub fn any_cadre(&self, range: Range<usize>) -> bool {
        self.who && self.ev.findings[range].iter().any(|f| f.cadre.is_some())
    }

    /// The `i`-th finding's entry, as the report of the whole list would hold it.
    fn entry(&self, i: usize) -> FindingEntry {
        let f = &self.ev.findings[i];
        let mut e = super::finding_entry(f, self.rules, self.data, self.lang, self.who);
        if let Some(horizon) = self.horizon {
            e.due_soon = f.status == Status::Pending && f.due <= horizon;
        }
        if let Some(people) = &self.people {
            people.mask_finding(&mut e);
        }
        e
    }

    /// Writes the findings of `range` in order: `print` appends one entry's text (it is
    /// given the entry's place in `range`, from 0), on whichever core makes the entry's
    /// share. Shares are printed a window at a time, a share per core and one more, and
    /// written before the next window is made.
    pub fn write(
        &self,
        range: Range<usize>,
        print: &Print<'_>,
        w: &mut dyn Write,
    ) -> std::io::Result<()> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        let starts: Vec<usize> = range.clone().step_by(SHARE).collect();
        let share = |from: usize| -> Vec<u8> {
            let to = (from + SHARE).min(range.end);
            let mut out = Vec::with_capacity((to - from) * 256);
            for i in from..to {
                print(i - range.start, &self.entry(i), &mut out);
            }
            out
        };
        for window in starts.chunks(threads * 2) {
            if let [from] = window {
                w.write_all(&share(*from))?;
                continue;
            }
            let texts: Vec<Vec<u8>> = std::thread::scope(|s| {
                let handles: Vec<_> = window
                    .iter()
                    .map(|&from| s.spawn(move || share(from)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            });
            for text in texts {
                w.write_all(&text)?;
            }
        }
        Ok(())
    }
}

impl Findings<'_> {
    /// Hands the entries of `range` to `f` in order, on this thread, the entries made a
    /// window of shares at a time on every core (for a writer that is not `Sync`, as a
    /// worksheet is).
    pub fn visit(&self, range: Range<usize>, f: &mut dyn FnMut(&FindingEntry)) {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        let starts: Vec<usize> = range.clone().step_by(SHARE).collect();
        let share = |from: usize| -> Vec<FindingEntry> {
            (from..(from + SHARE).min(range.end))
                .map(|i| self.entry(i))
                .collect()
        };
        for window in starts.chunks(threads * 2) {
            let made: Vec<Vec<FindingEntry>> = std::thread::scope(|s| {
                let handles: Vec<_> = window
                    .iter()
                    .map(|&from| s.spawn(move || share(from)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            });
            for e in made.iter().flatten() {
                f(e);
            }
        }
    }
}

/// A printer of one finding's text: given its place among the findings written
/// together (from 0) and its entry.
pub type Print<'p> = dyn Fn(usize, &FindingEntry, &mut Vec<u8>) + Sync + 'p;

/// The findings of each rule, for formats that write them rule by rule (Markdown,
/// JUnit): the report's list, or the evaluation's outcomes streamed.
pub trait ByRule {
    /// Per rule, in rule order: how many findings, and whether any is about a cadre.
    fn sizes(&self) -> Vec<(usize, bool)>;
    /// Writes rule `rule`'s findings in report order.
    fn write_rule(&self, rule: usize, print: &Print<'_>, w: &mut dyn Write) -> std::io::Result<()>;
    /// Hands rule `rule`'s first `limit` findings to `f`, in report order.
    fn visit_rule(&self, rule: usize, limit: usize, f: &mut dyn FnMut(&FindingEntry));
}

impl ByRule for Findings<'_> {
    fn sizes(&self) -> Vec<(usize, bool)> {
        self.by_rule()
            .into_iter()
            .map(|r| (r.len(), self.any_cadre(r)))
            .collect()
    }

    fn write_rule(&self, rule: usize, print: &Print<'_>, w: &mut dyn Write) -> std::io::Result<()> {
        match self.by_rule().into_iter().nth(rule) {
            Some(range) => self.write(range, print, w),
            None => Ok(()),
        }
    }

    fn visit_rule(&self, rule: usize, limit: usize, f: &mut dyn FnMut(&FindingEntry)) {
        if let Some(range) = self.by_rule().into_iter().nth(rule) {
            self.visit(range.start..range.end.min(range.start + limit), f);
        }
    }
}

/// A report's own findings, grouped by rule ([`super::Report::findings_by_rule`]).
pub struct Listed<'r>(pub Vec<Vec<&'r FindingEntry>>);

impl ByRule for Listed<'_> {
    fn sizes(&self) -> Vec<(usize, bool)> {
        self.0
            .iter()
            .map(|fs| (fs.len(), fs.iter().any(|f| f.who.is_some())))
            .collect()
    }

    fn write_rule(&self, rule: usize, print: &Print<'_>, w: &mut dyn Write) -> std::io::Result<()> {
        let mut out = Vec::new();
        for (i, f) in self.0.get(rule).into_iter().flatten().enumerate() {
            print(i, f, &mut out);
        }
        w.write_all(&out)
    }

    fn visit_rule(&self, rule: usize, limit: usize, f: &mut dyn FnMut(&FindingEntry)) {
        for e in self.0.get(rule).into_iter().flatten().take(limit) {
            f(e);
        }
    }
}
