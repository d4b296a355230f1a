//! The one list of rule kinds: name, accepted keys, parser and explanation. "Unknown
//! kind" errors and `rules list/explain` read it. A new kind is a file and a line here.

use super::{Plan, RuleKind, coverage, deadline, forbid, parse::Keys, quota};
use crate::diag::Diagnostic;

/// Turns a kind's `///` comment into a `const EXPLAIN: &str`.
#[macro_export]
macro_rules! explained_kind {
    ($(#[doc = $d:expr])* $vis:vis struct $name:ident $body:tt) => {
        $(#[doc = $d])*
        #[derive(Debug)]
        $vis struct $name $body
        impl $name {
            /// The kind's documentation, shown by `rules explain`.
            pub const EXPLAIN: &'static str = concat!($($d, "\n"),*);
        }
    };
}

/// Parses a kind's own keys.
pub type ParseFn = fn(&mut Keys<'_, '_>, &Plan, &mut Vec<Diagnostic>) -> Option<Box<dyn RuleKind>>;

/// One rule kind.
pub struct KindEntry {
    pub name: &'static str,
    /// Keys beyond the common ones.
    pub keys: &'static [&'static str],
    pub parse: ParseFn,
    pub explain: &'static str,
}

/// Every rule kind.
pub static KINDS: &[KindEntry] = &[
    KindEntry {
        name: "deadline",
        keys: &["who", "from", "within", "class", "min", "measure"],
        parse: deadline::parse,
        explain: deadline::Deadline::EXPLAIN,
    },
    KindEntry {
        name: "quota",
        keys: &[
            "group_by", "groups", "every", "class", "min", "max", "measure",
        ],
        parse: quota::parse,
        explain: quota::Quota::EXPLAIN,
    },
    KindEntry {
        name: "coverage",
        keys: &["who", "class", "min", "measure"],
        parse: coverage::parse,
        explain: coverage::Coverage::EXPLAIN,
    },
    KindEntry {
        name: "forbid",
        keys: &["class"],
        parse: forbid::parse,
        explain: forbid::Forbid::EXPLAIN,
    },
];

pub fn find_kind(name: &str) -> Option<&'static KindEntry> {
    KINDS.iter().find(|k| k.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_documented() {
        for k in KINDS {
            assert!(
                k.explain.trim().len() > 40,
                "kind `{}` needs a doc comment",
                k.name
            );
        }
    }
}
