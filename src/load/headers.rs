//! Header matching (SPEC §1): canonical names and Chinese aliases, ignoring case,
//! surrounding white space and a BOM. The first-listed header wins a field; the others
//! stay as extra columns that rules name by their header as written.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::model::{Column, Field, FieldSpec, TableKind, fields_of, normalize, trim};

/// Why a header row cannot be used (fatal, exit 2).
#[derive(Debug)]
pub enum HeaderError {
    /// The same header twice: both 1-based positions.
    Duplicate {
        header: String,
        first: usize,
        second: usize,
    },
    /// A required field has no column: every header found, and those mapped to nothing
    /// (the only ones worth suggesting).
    Missing {
        field: &'static FieldSpec,
        found: Vec<String>,
        unmapped: Vec<String>,
    },
}

/// Maps a header row to columns; a field's winning header is the first in SPEC order.
pub fn map_headers(kind: TableKind, headers: &[String]) -> Result<Vec<Column>, Vec<HeaderError>> {
    map_headers_with(kind, headers, &[])
}

/// Like [`map_headers`], with a clerk's own mapping (`--columns`): header → field,
/// which wins over the built-in names. Linear in the number of headers (SPEC §8): each
/// header is looked up by its normalised text, never compared with every other.
pub fn map_headers_with(
    kind: TableKind,
    headers: &[String],
    custom: &[(String, Field)],
) -> Result<Vec<Column>, Vec<HeaderError>> {
    let norm: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    let mut errors = Vec::new();
    // Each normalised header's first position.
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(norm.len());
    for (i, h) in norm.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        match first.entry(h.as_str()) {
            Entry::Occupied(j) => errors.push(HeaderError::Duplicate {
                header: trim(&headers[i]).to_owned(),
                first: j.get() + 1,
                second: i + 1,
            }),
            Entry::Vacant(v) => {
                v.insert(i);
            }
        }
    }
    let mut columns: Vec<Column> = headers
        .iter()
        .map(|h| Column {
            header: trim(h).to_owned(),
            field: None,
        })
        .collect();
    let mut mapped = [false; Field::COUNT];
    for (header, field) in custom {
        let key = normalize(header);
        if let Some(&i) = first.get(key.as_str())
            && !mapped[field.index()]
        {
            // A header named twice in the columns file takes the later field.
            if let Some(old) = columns[i].field {
                mapped[old.index()] = false;
            }
            columns[i].field = Some(*field);
            mapped[field.index()] = true;
        }
    }
    let mut missing = Vec::new();
    for spec in fields_of(kind) {
        if mapped[spec.field.index()] {
            continue;
        }
        let candidates = std::iter::once(spec.name).chain(spec.aliases.iter().copied());
        let found = candidates.map(normalize).find_map(|cand| {
            first
                .get(cand.as_str())
                .copied()
                .filter(|&i| columns[i].field.is_none())
        });
        match found {
            Some(i) => {
                columns[i].field = Some(spec.field);
                mapped[spec.field.index()] = true;
            }
            None if spec.required => missing.push(spec),
            None => {}
        }
    }
    for field in missing {
        errors.push(HeaderError::Missing {
            field,
            found: columns
                .iter()
                .map(|c| c.header.clone())
                .filter(|h| !h.is_empty())
                .collect(),
            unmapped: columns
                .iter()
                .filter(|c| c.field.is_none() && !c.header.is_empty())
                .map(|c| c.header.clone())
                .collect(),
        });
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(errors)
    }
}

/// The closest header to a field's names, for "did you mean" hints. A header much
/// longer than every name is not close, and is not compared (SPEC §8: a long header
/// costs no more than its length).
pub fn closest<'a>(spec: &FieldSpec, found: &'a [String]) -> Option<&'a str> {
    let names: Vec<String> = std::iter::once(spec.name)
        .chain(spec.aliases.iter().copied())
        .map(normalize)
        .collect();
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    found
        .iter()
        .filter_map(|h| {
            let hn = normalize(h);
            // Close: at most half of a name's characters changed, so at most one and
            // a half times as long.
            if hn.chars().take(longest * 3 / 2 + 2).count() > longest * 3 / 2 + 1 {
                return None;
            }
            names
                .iter()
                .map(|n| (distance(n, &hn), n.chars().count()))
                .filter(|&(d, len)| d * 2 <= len)
                .map(|(d, _)| d)
                .min()
                .map(|d| (d, h.as_str()))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, h)| h)
}

/// Levenshtein distance over chars.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A 1-based column position as a spreadsheet letter: 1 → A, 27 → AA.
pub fn column_letter(mut n: usize) -> String {
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn aliases_and_precedence() {
        let cols = map_headers(
            TableKind::Cadres,
            &h(&[
                "\u{feff}姓名",
                " ID ",
                "人员编号",
                "职务",
                "任职时间",
                "政治面貌",
            ]),
        )
        .unwrap();
        assert_eq!(cols[0].field, Some(Field::Name));
        assert_eq!(cols[1].field, Some(Field::CadreId));
        assert_eq!(
            cols[2].field, None,
            "人员编号 loses to the canonical id and stays extra"
        );
        assert_eq!(cols[4].field, Some(Field::AppointedOn));
        assert_eq!(cols[5].header, "政治面貌");
    }

    #[test]
    fn alias_order_decides() {
        let cols = map_headers(
            TableKind::Cadres,
            &h(&["人员编号", "身份证号", "姓名", "职务", "任职日期"]),
        )
        .unwrap();
        assert_eq!(cols[1].field, Some(Field::CadreId));
        assert_eq!(cols[0].field, None);
    }

    #[test]
    fn custom_mapping_wins() {
        let custom = vec![
            ("任职时期".to_owned(), Field::AppointedOn),
            ("证件号".to_owned(), Field::CadreId),
        ];
        let cols = map_headers_with(
            TableKind::Cadres,
            &h(&["证件号", "姓名", "职务", "任职时期", "id"]),
            &custom,
        )
        .unwrap();
        assert_eq!(cols[0].field, Some(Field::CadreId));
        assert_eq!(cols[3].field, Some(Field::AppointedOn));
        assert_eq!(
            cols[4].field, None,
            "the mapped header wins over the canonical one"
        );
    }

    #[test]
    fn duplicates_and_missing() {
        let errs = map_headers(TableKind::Cadres, &h(&["id", "ID", "name", "post"])).unwrap_err();
        assert!(matches!(
            errs[0],
            HeaderError::Duplicate {
                first: 1,
                second: 2,
                ..
            }
        ));
        assert!(
            matches!(&errs[1], HeaderError::Missing { field, .. } if field.name == "appointed_on")
        );
    }

    #[test]
    fn hints() {
        let spec = &crate::model::CADRE_FIELDS[7];
        assert_eq!(closest(spec, &h(&["姓名", "任职时期"])), Some("任职时期"));
        assert_eq!(closest(spec, &h(&["姓名"])), None);
        assert_eq!(column_letter(1), "A");
        assert_eq!(column_letter(28), "AB");
    }

    /// SPEC §8: a header row of many columns, many of them duplicates, is mapped in
    /// time linear in its length; a very long header is no "did you mean" candidate.
    #[test]
    fn wide_header_rows_are_linear() {
        let mut row = h(&["身份证号", "姓名", "职务", "任职日期"]);
        row.extend((0..200_000).map(|i| format!("列{i}")));
        let cols = map_headers(TableKind::Cadres, &row).unwrap();
        assert_eq!(cols.len(), 200_004);
        row.extend((0..100_000).map(|i| format!("列{i}")));
        let errs = map_headers(TableKind::Cadres, &row).unwrap_err();
        assert_eq!(errs.len(), 100_000);
        assert!(matches!(
            errs[7],
            HeaderError::Duplicate {
                first: 12,
                second: 200_012,
                ..
            }
        ));
        let spec = &crate::model::CADRE_FIELDS[7];
        let long = format!("任职时期{}", "x".repeat(1 << 20));
        assert_eq!(closest(spec, &[long]), None);
    }

    /// SPEC §8: 身份证号码, 公民身份号码 and 证件号码 name the id too, after 身份证号
    /// and before the other numbers.
    #[test]
    fn id_card_headers() {
        for (headers, winner) in [
            (&["编号", "证件号码", "姓名", "职务", "任职日期"][..], 1),
            (
                &["人员编号", "公民身份号码", "姓名", "职务", "任职日期"][..],
                1,
            ),
            (
                &["身份证号码", "身份证号", "姓名", "职务", "任职日期"][..],
                1,
            ),
            (
                &["证件号码", "身份证号码", "姓名", "职务", "任职日期"][..],
                1,
            ),
        ] {
            let cols = map_headers(TableKind::Cadres, &h(headers)).unwrap();
            let id = cols.iter().position(|c| c.field == Some(Field::CadreId));
            assert_eq!(id, Some(winner), "{headers:?}");
        }
        for headers in [
            ["学员编号", "公民身份号码", "班次编号"],
            ["人员编号", "证件号码", "班次编号"],
        ] {
            let cols = map_headers(TableKind::Attendance, &h(&headers)).unwrap();
            assert_eq!(cols[1].field, Some(Field::AttCadreId), "{headers:?}");
        }
    }
}
