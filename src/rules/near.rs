//! Near misses (SPEC §8 `near`): the classes that met every condition of a rule's
//! `class` table but one, listed in a finding's evidence so a clerk sees why a class
//! that was held did not count. Computed for findings only, never for a subject that
//! met its requirement.

use chrono::NaiveDate;

use super::condition::{Conditions, Env, Row};
use crate::view::{Context, Failed, MAX_NEAR, Near};

/// The near misses among a cadre's attendance at classes dated within `from..=to`: a
/// completed attendance at a class failing exactly one clause of `class`, or an
/// attendance not completed at a class meeting them all (`failed: completed`), in date
/// order (ties by class id), at most [`MAX_NEAR`].
pub fn attended(
    cx: &Context<'_>,
    cadre: u32,
    class: &Conditions,
    env: &Env<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Near> {
    let within = |k: u32| {
        let d = cx.class(k).start_on;
        d >= from && d <= to
    };
    let done = cx.attended(cadre);
    let mut near: Vec<Near> = Vec::new();
    for &k in done.iter().filter(|&&k| within(k)) {
        if let Some(i) = class.only_failure(Row::Class(cx.class(k)), env, |_| true) {
            near.push(Near {
                class: k,
                failed: Failed::Clause(i as u16),
            });
        }
    }
    for k in cx.not_completed(cadre).filter(|&k| within(k)) {
        // A class also completed (another row) was attended, not missed.
        if !done.contains(&k) && class.matches(Row::Class(cx.class(k)), env) {
            near.push(Near {
                class: k,
                failed: Failed::Completed,
            });
        }
    }
    in_date_order(cx, &mut near);
    near
}

/// Sorts near misses by class date, then id, and keeps the first [`MAX_NEAR`].
pub fn in_date_order(cx: &Context<'_>, near: &mut Vec<Near>) {
    near.sort_by(|a, b| {
        let (x, y) = (cx.class(a.class), cx.class(b.class));
        x.start_on
            .cmp(&y.start_on)
            .then_with(|| cx.data.class_id(x).cmp(cx.data.class_id(y)))
    });
    near.truncate(MAX_NEAR);
}
