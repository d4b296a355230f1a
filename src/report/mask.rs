//! `--mask-ids` (SPEC §8 "Privacy and text"): cadres' ids and names masked in every
//! format, for reports handed upward (个人信息保护法: no more personal information than
//! the purpose needs).
//!
//! - An 18-character 身份证号 keeps its first 6 and last 4 characters
//!   (510703********0058); any other id its last 4 (an id of 4 characters or fewer only
//!   its last, so something is always hidden).
//! - A name keeps its first character and, with 3 or more, its last (吕*远, 陈*).
//! - A finding's `id` becomes `rule:masked subject[:period]#` and the first 8 hex digits
//!   of the SHA-256 of the unmasked subject: ids stay unique, and a masked report used
//!   as a baseline still matches (the baseline compares these ids).
//!
//! The report is masked last, after sorting, waivers and the baseline, which all use
//! the unmasked values. Subjects that are not cadres (a county, a class, the plan's
//! authority) are not masked.

use std::borrow::Cow;
use std::collections::HashSet;

use sha2::{Digest, Sha256};

use super::{EvidenceEntry, FindingEntry, Report, finding_id};
use crate::model::Dataset;

/// An id as masked output shows it.
pub fn mask_id(id: &str) -> String {
    if is_resident_id(id) {
        // All ASCII: the byte positions are the characters'.
        return format!("{}{}{}", &id[..6], "*".repeat(8), &id[14..]);
    }
    let chars: Vec<char> = id.chars().collect();
    let shown = match chars.len() {
        0 | 1 => 0,
        2..=4 => 1,
        _ => 4,
    };
    let hidden = chars.len() - shown;
    let mut out = "*".repeat(hidden);
    out.extend(&chars[hidden..]);
    out
}

/// A name as masked output shows it: the first character and, with 3 or more, the last.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_owned(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// An 18-character 身份证号: 17 digits and a digit or X.
fn is_resident_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x')
}

/// The first 8 hex digits of the SHA-256 of a subject.
pub fn subject_hash(subject: &str) -> String {
    Sha256::digest(subject.as_bytes())[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether a finding id is already masked (ends with `#` and 8 hex digits): an entry of
/// a masked baseline.
pub fn is_masked_id(id: &str) -> bool {
    id.len() > 9
        && id.as_bytes()[id.len() - 9] == b'#'
        && id[id.len() - 8..]
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Which subjects are cadres: ids of the roster, and anything shaped like a 身份证号.
pub struct People<'d> {
    ids: HashSet<&'d str>,
}

impl<'d> People<'d> {
    pub fn new(data: &'d Dataset) -> People<'d> {
        People {
            ids: data.cadres.iter().map(|c| data.cadre_id(c)).collect(),
        }
    }

    pub fn is_cadre(&self, subject: &str) -> bool {
        self.ids.contains(subject) || is_resident_id(subject)
    }

    /// A subject as masked output shows it: masked when it is a cadre.
    pub fn subject<'s>(&self, subject: &'s str) -> Cow<'s, str> {
        if self.is_cadre(subject) {
            Cow::Owned(mask_id(subject))
        } else {
            Cow::Borrowed(subject)
        }
    }

    /// Masks one finding: its id, a cadre subject and name (in the message too), and
    /// the ids a coverage rate lists.
    pub fn mask_finding(&self, f: &mut FindingEntry) {
        f.id = self.finding_id(&f.rule, &f.subject, f.period);
        if self.is_cadre(&f.subject) {
            let masked = mask_id(&f.subject);
            f.message = f.message.replace(f.subject.as_str(), &masked);
            f.subject = masked;
        }
        if let Some((name, _, _)) = &mut f.who {
            let masked = mask_name(name);
            if name.chars().count() >= 2 {
                f.message = f.message.replace(name.as_str(), &masked);
            }
            *name = masked;
        }
        if let EvidenceEntry::Rate { unmet, .. } = &mut f.evidence {
            for id in unmet {
                *id = mask_id(id);
            }
        }
    }

    /// A finding's id in masked output.
    pub fn finding_id(&self, rule: &str, subject: &str, period: Option<i32>) -> String {
        format!(
            "{}#{}",
            finding_id(rule, &self.subject(subject), period),
            subject_hash(subject)
        )
    }
}

/// Masks the report's ids and names everywhere (SPEC §8), and marks it `masked`.
pub fn apply(report: &mut Report, data: &Dataset) {
    let people = People::new(data);
    // Rules whose findings are about cadres: a resolved finding of one is about a cadre
    // too, even one no longer on the roster.
    let cadre_rules: HashSet<String> = report
        .findings
        .iter()
        .filter(|f| people.is_cadre(&f.subject))
        .map(|f| f.rule.clone())
        .collect();
    for f in &mut report.findings {
        people.mask_finding(f);
    }
    if let Some(resolved) = &mut report.resolved {
        for r in resolved {
            // From a masked baseline: masked already.
            if is_masked_id(&r.id) {
                continue;
            }
            let cadre = people.is_cadre(&r.subject) || cadre_rules.contains(&r.rule);
            r.id = if cadre {
                format!(
                    "{}#{}",
                    finding_id(&r.rule, &mask_id(&r.subject), r.period),
                    subject_hash(&r.subject)
                )
            } else {
                format!("{}#{}", r.id, subject_hash(&r.subject))
            };
            if cadre {
                r.subject = mask_id(&r.subject);
            }
        }
    }
    for w in &mut report.warnings {
        if people.is_cadre(&w.subject) || cadre_rules.contains(&w.rule) {
            let masked = mask_id(&w.subject);
            w.message = w.message.replace(w.subject.as_str(), &masked);
            w.subject = masked;
        }
    }
    // Data errors: the cells of the id and name columns of the roster, of the
    // attendance's cadre ids, and a waiver's subject that is a cadre.
    let cadres = &data.cadres_table.source;
    let attendance = &data.attendance.0;
    for e in &mut report.data_errors {
        let from = |s: &crate::model::Source| s.file == e.file && s.sheet == e.sheet;
        let mask: Option<fn(&str) -> String> = match e.column.as_deref() {
            Some("id") if from(cadres) => Some(mask_id),
            Some("name") if from(cadres) => Some(mask_name),
            Some("cadre_id") if from(attendance) => Some(mask_id),
            Some("subject") if !from(cadres) && !from(attendance) => e
                .value
                .as_deref()
                .is_some_and(|v| people.is_cadre(v))
                .then_some(mask_id as fn(&str) -> String),
            _ => None,
        };
        if let (Some(mask), Some(value)) = (mask, &mut e.value) {
            let masked = mask(value);
            if value.chars().count() >= 2 {
                e.reason = e.reason.replace(value.as_str(), &masked);
            }
            *value = masked;
        }
    }
    // Notices about the roster's ids or names, or the attendance's cadre ids.
    for n in &mut report.notices {
        let mask: Option<fn(&str) -> String> = match (n.table, n.column.as_deref()) {
            (Some("cadres"), Some("id")) | (Some("attendance"), Some("cadre_id")) => Some(mask_id),
            (Some("cadres"), Some("name")) => Some(mask_name),
            _ => None,
        };
        let Some(mask) = mask else { continue };
        if let Some(value) = &mut n.value {
            let masked = mask(value);
            if value.chars().count() >= 2 {
                n.message = n.message.replace(value.as_str(), &masked);
            }
            *value = masked;
        }
        for e in &mut n.examples {
            if let Some(value) = &mut e.value {
                *value = mask(value);
            }
        }
    }
    for d in &mut report.details {
        for g in &mut d.grid {
            if people.is_cadre(&g.subject) {
                g.subject = mask_id(&g.subject);
            }
        }
    }
    report.masked = true;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_what_spec_says() {
        let cases = [
            ("510703197505010058", "510703********0058"),
            ("51070319860901004X", "510703********004X"),
            ("E0002", "*0002"),
            ("12345678", "****5678"),
            ("E002", "***2"),
            ("E02", "**2"),
            ("7", "*"),
            ("", ""),
            ("51070319750501005", "*************1005"),
        ];
        for (id, want) in cases {
            assert_eq!(mask_id(id), want, "{id}");
        }
    }

    #[test]
    fn names_keep_the_first_and_last() {
        for (name, want) in [
            ("吕志远", "吕*远"),
            ("陈静", "陈*"),
            ("欧阳明远", "欧**远"),
            ("明", "*"),
            ("", ""),
        ] {
            assert_eq!(mask_name(name), want, "{name}");
        }
    }

    #[test]
    fn masked_ids_are_recognised() {
        let id = format!(
            "r:510703********0058#{}",
            subject_hash("510703197505010058")
        );
        assert!(is_masked_id(&id), "{id}");
        assert!(!is_masked_id("r:510703197505010058"));
        assert!(!is_masked_id("r:abc#ABCDEF12"));
        assert_eq!(subject_hash("abc"), "ba7816bf");
    }
}
