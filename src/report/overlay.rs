//! Waivers and a baseline laid over the evaluation's findings (SPEC §8): which findings
//! a waiver covers, and the statuses of the baseline's findings by id. Kept beside the
//! findings, by their position in the evaluation's list, so that each entry carries its
//! waiver and change when it is made, as it is written ([`super::stream::Findings`]):
//! a check with `--waivers` or `--baseline` streams like any other.

use std::borrow::Cow;
use std::collections::HashMap;

use super::mask::People;
use super::{Change, FindingEntry, WaiverEntry};
use crate::view::{Finding, Status};

/// What `--waivers` and `--baseline` change in the findings.
#[derive(Default)]
pub struct Overlay<'d> {
    /// The findings a waiver covers (by position in the evaluation's list), with it.
    pub waived: HashMap<usize, WaiverEntry>,
    /// With `--baseline`: each baseline finding's status by id.
    pub baseline: Option<Baseline<'d>>,
}

/// A baseline's findings, as [`Overlay`] compares with them.
pub struct Baseline<'d> {
    /// Status by id, and whether a finding of this run has the id (read once every
    /// finding was compared: a baseline finding not seen is resolved).
    pub known: HashMap<String, (Status, bool)>,
    /// For a masked baseline: the roster this run's ids are masked with to compare.
    pub people: Option<People<'d>>,
}

impl Baseline<'_> {
    /// Finding `f`'s id as the baseline has it (`rule` is its rule's id).
    pub fn id_of(&self, rule: &str, f: &Finding) -> String {
        match &self.people {
            Some(p) => p.finding_id(rule, &f.subject, f.period),
            None => super::finding_id(rule, &f.subject, f.period),
        }
    }

    /// How a finding with id `id` and status `now` compares with the baseline: its
    /// change, and its status there when it was different.
    pub fn compare(&self, id: &str, now: Status) -> (Change, Option<Status>) {
        match self.known.get(id) {
            Some(&(was, _)) => (Change::between(was, now), (was != now).then_some(was)),
            None => (Change::New, None),
        }
    }
}

impl Overlay<'_> {
    /// Finding `i`'s status once waivers apply.
    pub fn status(&self, i: usize, f: &Finding) -> Status {
        if self.waived.contains_key(&i) {
            Status::Waived
        } else {
            f.status
        }
    }

    /// Puts finding `i`'s waiver and its comparison with the baseline on its entry
    /// (made from the finding, not yet masked).
    pub fn apply(&self, i: usize, e: &mut FindingEntry) {
        if let Some(w) = self.waived.get(&i) {
            e.status = Status::Waived;
            e.waiver = Some(w.clone());
        }
        if let Some(b) = &self.baseline {
            let id = match &b.people {
                Some(p) => Cow::Owned(p.finding_id(&e.rule, &e.subject, e.period)),
                None => Cow::Borrowed(e.id.as_str()),
            };
            let (change, was) = b.compare(&id, e.status);
            e.change = Some(change);
            e.previous_status = was.map(|s| s.as_str().to_owned());
        }
    }

    /// Whether reports with columns by choice show a waiver column and a change
    /// column, for `count` findings: any finding waived; a baseline and any finding.
    pub fn columns(&self, count: usize) -> (bool, bool) {
        (
            !self.waived.is_empty(),
            self.baseline.is_some() && count > 0,
        )
    }
}
