//! Findings written as they are made: report entries built from the evaluation's
//! outcomes a share at a time, on every core, formatted and written in order, then
//! dropped. A report of many findings is then never in memory whole, neither as entries
//! nor as text: at most a window of shares is.
//!
//! `--mask-ids` and `--due-within` touch one finding at a time, so they are applied here
//! as each entry is made; so are waivers and a baseline, matched against the whole list
//! first ([`super::overlay`]: an unused waiver or a resolved finding is known only once
//! every finding is) without making its entries.

use std::io::Write;
use std::ops::Range;

use chrono::NaiveDate;

use super::FindingEntry;
use super::mask::People;
use super::overlay::Overlay;
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
    /// `--waivers`, `--baseline`.
    overlay: Option<&'a Overlay<'a>>,
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
            overlay: None,
        }
    }

    /// Puts waivers and the comparison with a baseline on the entries.
    pub fn overlaid(mut self, overlay: &'a Overlay<'a>) -> Findings<'a> {
        self.overlay = Some(overlay);
        self
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
        if let Some(overlay) = self.overlay {
            overlay.apply(i, &mut e);
        }
        if let Some(horizon) = self.horizon {
            e.due_soon = e.status == Status::Pending && f.due <= horizon;
        }
        if let Some(people) = &self.people {
            people.mask_finding(&mut e);
        }
        e
    }

    /// Every entry, in order, made on every core: the whole list, for the formats that
    /// need it (the terminal table, and `rules test`).
    pub fn entries(&self) -> Vec<FindingEntry> {
        let mut all = Vec::with_capacity(self.len());
        self.visit_owned(0..self.len(), &mut |share| all.extend(share));
        all
    }

    /// Writes the findings of `range` in order: `print` appends one entry's text (it is
    /// given the entry's place in `range`, from 0), on whichever core makes the entry's
    /// share. The shares are printed on every core while this thread writes the ones
    /// already printed, in order ([`in_order`]).
    pub fn write(
        &self,
        range: Range<usize>,
        print: &Print<'_>,
        w: &mut dyn Write,
    ) -> std::io::Result<()> {
        // Buffers written go back to be printed into again: a share's text (about half a
        // megabyte) in fresh memory each time would cost a page fault every 4 KiB.
        let spent = std::sync::Mutex::new(Vec::<Vec<u8>>::new());
        let share = |k: usize| -> Vec<u8> {
            let from = range.start + k * SHARE;
            let to = (from + SHARE).min(range.end);
            let mut out = spent
                .lock()
                .ok()
                .and_then(|mut s| s.pop())
                .unwrap_or_else(|| Vec::with_capacity((to - from) * 256));
            for i in from..to {
                print(i - range.start, &self.entry(i), &mut out);
            }
            out
        };
        in_order(range.len().div_ceil(SHARE), &share, &mut |mut text| {
            w.write_all(&text)?;
            text.clear();
            if let Ok(mut s) = spent.lock() {
                s.push(text);
            }
            Ok(())
        })
    }
}

impl Findings<'_> {
    /// Hands the entries of `range` to `f` in order, on this thread, the entries made a
    /// share at a time on every core meanwhile (for a writer that is not `Sync`, as a
    /// worksheet is).
    pub fn visit(&self, range: Range<usize>, f: &mut dyn FnMut(&FindingEntry)) {
        self.visit_owned(range, &mut |made| made.iter().for_each(&mut *f));
    }

    /// Hands the entries of `range` to `f` a share at a time, in order, on this thread.
    fn visit_owned(&self, range: Range<usize>, f: &mut dyn FnMut(Vec<FindingEntry>)) {
        let share = |k: usize| -> Vec<FindingEntry> {
            let from = range.start + k * SHARE;
            (from..(from + SHARE).min(range.end))
                .map(|i| self.entry(i))
                .collect()
        };
        let _ = in_order(range.len().div_ceil(SHARE), &share, &mut |made| {
            f(made);
            Ok(())
        });
    }
}

/// Makes shares `0..count` with `make` on every core and hands each to `take` on this
/// thread, in order, as soon as it and the ones before it are made: making and taking
/// overlap, and at most two shares per core wait made and not yet taken. Stops at the
/// first error `take` returns (the shares being made are finished and dropped). A
/// panic while making a share is raised again here.
pub(super) fn in_order<T: Send>(
    count: usize,
    make: &(dyn Fn(usize) -> T + Sync),
    take: &mut dyn FnMut(T) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::collections::BTreeMap;
    use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
    use std::sync::{Condvar, Mutex, PoisonError};

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if count < 2 || threads < 2 {
        return (0..count).try_for_each(|k| take(make(k)));
    }
    struct State<T> {
        /// The next share a maker takes up.
        next: usize,
        /// How many shares were taken, in order.
        taken: usize,
        /// Shares made and not yet taken.
        made: BTreeMap<usize, T>,
        /// A panic's payload while making a share.
        failed: Option<Box<dyn std::any::Any + Send>>,
        /// Taking stopped (an error): makers stop too.
        stop: bool,
    }
    let ahead = threads * 2;
    let state = Mutex::new(State {
        next: 0,
        taken: 0,
        made: BTreeMap::new(),
        failed: None,
        stop: false,
    });
    // `ready`: a share was made (or making failed); `room`: a share was taken.
    let (ready, room) = (Condvar::new(), Condvar::new());
    let lock = || state.lock().unwrap_or_else(PoisonError::into_inner);
    let maker = || {
        loop {
            let k = {
                let mut s = lock();
                while !s.stop && s.next < count && s.next >= s.taken + ahead {
                    s = room.wait(s).unwrap_or_else(PoisonError::into_inner);
                }
                if s.stop || s.next >= count {
                    return;
                }
                s.next += 1;
                s.next - 1
            };
            let made = catch_unwind(AssertUnwindSafe(|| make(k)));
            let mut s = lock();
            match made {
                Ok(v) => {
                    s.made.insert(k, v);
                }
                Err(payload) => {
                    s.failed.get_or_insert(payload);
                    s.stop = true;
                    room.notify_all();
                }
            }
            ready.notify_one();
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(maker);
        }
        let mut result = Ok(());
        for k in 0..count {
            let share = {
                let mut s = lock();
                loop {
                    if let Some(payload) = s.failed.take() {
                        drop(s);
                        resume_unwind(payload);
                    }
                    if let Some(v) = s.made.remove(&k) {
                        s.taken += 1;
                        room.notify_all();
                        break v;
                    }
                    s = ready.wait(s).unwrap_or_else(PoisonError::into_inner);
                }
            };
            if let Err(e) = take(share) {
                result = Err(e);
                break;
            }
        }
        let mut s = lock();
        s.stop = true;
        room.notify_all();
        drop(s);
        result
    })
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
    fn write_rule(&self, rule: usize, print: &Print<'_>, w: &mut dyn Write) -> std::io::Result<()> {
        self.write_rule_upto(rule, usize::MAX, print, w)
    }
    /// Writes rule `rule`'s first `limit` findings in report order.
    fn write_rule_upto(
        &self,
        rule: usize,
        limit: usize,
        print: &Print<'_>,
        w: &mut dyn Write,
    ) -> std::io::Result<()>;
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

    fn write_rule_upto(
        &self,
        rule: usize,
        limit: usize,
        print: &Print<'_>,
        w: &mut dyn Write,
    ) -> std::io::Result<()> {
        match self.by_rule().into_iter().nth(rule) {
            Some(range) => self.write(
                range.start..range.end.min(range.start.saturating_add(limit)),
                print,
                w,
            ),
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

    fn write_rule_upto(
        &self,
        rule: usize,
        limit: usize,
        print: &Print<'_>,
        w: &mut dyn Write,
    ) -> std::io::Result<()> {
        let mut out = Vec::new();
        for (i, f) in self
            .0
            .get(rule)
            .into_iter()
            .flatten()
            .take(limit)
            .enumerate()
        {
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

#[cfg(test)]
mod tests {
    use super::Findings;
    use super::in_order;
    use crate::report::overlay::{Baseline, Overlay};
    use crate::report::{Format, Report, WaiverEntry, write};

    /// Every format written as the findings are made has the bytes of the report built
    /// whole and rendered, on the demo data, with and without waivers and a baseline laid
    /// over the findings, in both languages.
    #[test]
    fn streamed_formats_write_what_the_whole_report_renders() {
        use crate::i18n::Lang;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
        let mut rules = crate::rules::parse::parse("rules", crate::rules::DEFAULT_RULES).unwrap();
        let located = crate::load::locate::locate_all(&dir, [None, None, None]).unwrap();
        let opts = crate::load::options::ReadOptions::default();
        let mut data = crate::load::load(&located.paths, &opts, &rules.plan.levels).unwrap();
        let units = crate::load::units::locate_units(&dir, None, &located.paths).unwrap();
        crate::load::units::add_units(&mut data, &units.unwrap(), &opts, &rules.plan.levels)
            .unwrap();
        assert!(rules.bind(&data).is_empty());
        let as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
        let ev = crate::eval::run(&rules, &data, as_of);
        assert!(ev.findings.len() > 20, "{} findings", ev.findings.len());
        // Every third finding waived; the baseline knows every other finding, as
        // pending, and one finding that is gone.
        let plain = Overlay::default();
        let mut laid = Overlay {
            waived: (0..ev.findings.len())
                .step_by(3)
                .map(|i| {
                    let w = WaiverEntry {
                        reason: format!("理由 {i}"),
                        approved_by: "市总工会".to_owned(),
                        expires_on: None,
                    };
                    (i, w)
                })
                .collect(),
            baseline: None,
        };
        let mut known: std::collections::HashMap<String, _> = ev
            .findings
            .iter()
            .step_by(2)
            .map(|f| {
                let rule = &rules.rules[f.rule].meta.id;
                let id = crate::report::finding_id(rule, &f.subject, f.period);
                (id, (crate::view::Status::Pending, false))
            })
            .collect();
        known.insert("gone:x".to_owned(), (crate::view::Status::Violation, false));
        let waived_only = Overlay {
            waived: laid.waived.clone(),
            baseline: None,
        };
        laid.baseline = Some(Baseline {
            known,
            people: None,
        });
        for (overlay, lang) in [
            (&plain, Lang::Zh),
            (&waived_only, Lang::En),
            (&laid, Lang::Zh),
            (&laid, Lang::En),
        ] {
            for format in [
                Format::Json,
                Format::Csv,
                Format::Junit,
                Format::Markdown,
                Format::Html,
                Format::Xlsx,
                Format::Table,
            ] {
                let report = Report::frame(&rules, &data, &ev, lang, format);
                let findings = Findings::new(&rules, &data, &ev, lang, format != Format::Json)
                    .overlaid(overlay)
                    .due_within(Some(as_of + chrono::Days::new(200)));
                let columns = overlay.columns(findings.len());
                let mut streamed = Vec::new();
                let w: &mut dyn std::io::Write = &mut streamed;
                match format {
                    Format::Json => crate::report::json::write_streamed(&report, &findings, w),
                    Format::Csv => crate::report::csv::write_streamed(&report, &findings, lang, w),
                    Format::Junit => crate::report::junit::write(&report, &findings, lang, w),
                    Format::Markdown => {
                        crate::report::markdown::write(&report, &findings, columns, lang, w)
                    }
                    Format::Xlsx => {
                        crate::report::xlsx::write_streamed(&report, &findings, columns, lang, w)
                    }
                    Format::Table => {
                        let keep = crate::report::table::KEEP;
                        crate::report::table::write(&report, &findings, keep, lang, 80, false, w)
                    }
                    _ => crate::report::html::write(&report, &findings, columns, lang, w),
                }
                .unwrap();
                let mut whole = report;
                whole.findings = findings.entries();
                let rendered = write::render(&whole, format, lang, 80, false);
                assert!(
                    streamed == rendered,
                    "{format:?} {lang:?}: {} and {} bytes",
                    streamed.len(),
                    rendered.len()
                );
                let text = String::from_utf8_lossy(&streamed);
                assert!(
                    format == Format::Xlsx || text.contains("违规") || text.contains("violation")
                );
                assert_eq!(
                    text.contains("理由 3"),
                    !std::ptr::eq(overlay, &plain) && format != Format::Xlsx,
                    "{format:?}: the waiver's reason"
                );
            }
        }
    }

    /// Shares made out of order (later ones faster) are still taken in order, each once.
    #[test]
    fn shares_are_taken_in_order() {
        let make = |k: usize| {
            if k.is_multiple_of(7) {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            k * 10
        };
        let mut taken = Vec::new();
        in_order(100, &make, &mut |v| {
            taken.push(v);
            Ok(())
        })
        .unwrap();
        assert_eq!(taken, (0..100).map(|k| k * 10).collect::<Vec<_>>());
    }

    /// An error taking a share (a closed pipe) ends the run with that error, and no
    /// share after it is taken.
    #[test]
    fn an_error_stops_taking() {
        let mut taken = 0;
        let r = in_order(1000, &|k: usize| k, &mut |k| {
            taken += 1;
            if k == 5 {
                Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            } else {
                Ok(())
            }
        });
        assert_eq!(r.unwrap_err().kind(), std::io::ErrorKind::BrokenPipe);
        assert_eq!(taken, 6);
    }

    /// A panic while making a share is raised on the taking thread, not lost or hung.
    #[test]
    fn a_panic_making_a_share_is_raised_again() {
        let r = std::panic::catch_unwind(|| {
            in_order(
                50,
                &|k: usize| {
                    assert!(k != 20, "share 20");
                    k
                },
                &mut |_| Ok(()),
            )
        });
        assert!(r.is_err());
    }
}
