//! Header matching (SPEC §1): canonical names and Chinese aliases, ignoring case,
//! surrounding white space and a BOM. The first-listed header wins a field; the others
//! stay as extra columns that rules name by their header as written.

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
/// which wins over the built-in names.
pub fn map_headers_with(
    kind: TableKind,
    headers: &[String],
    custom: &[(String, Field)],
) -> Result<Vec<Column>, Vec<HeaderError>> {
    let norm: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    let mut errors = Vec::new();
    for (i, h) in norm.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        if let Some(j) = norm[..i].iter().position(|x| x == h) {
            errors.push(HeaderError::Duplicate {
                header: trim(&headers[i]).to_owned(),
                first: j + 1,
                second: i + 1,
            });
        }
    }
    let mut columns: Vec<Column> = headers
        .iter()
        .map(|h| Column {
            header: trim(h).to_owned(),
            field: None,
        })
        .collect();
    for (header, field) in custom {
        let key = normalize(header);
        if let Some(i) = norm.iter().position(|h| *h == key)
            && !columns.iter().any(|c| c.field == Some(*field))
        {
            columns[i].field = Some(*field);
        }
    }
    let mut missing = Vec::new();
    for spec in fields_of(kind) {
        if columns.iter().any(|c| c.field == Some(spec.field)) {
            continue;
        }
        let candidates = std::iter::once(spec.name).chain(spec.aliases.iter().copied());
        let found = candidates.map(normalize).find_map(|cand| {
            norm.iter()
                .position(|h| *h == cand)
                .filter(|&i| columns[i].field.is_none())
        });
        match found {
            Some(i) => columns[i].field = Some(spec.field),
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

/// The closest header to a field's names, for "did you mean" hints.
pub fn closest<'a>(spec: &FieldSpec, found: &'a [String]) -> Option<&'a str> {
    let names: Vec<String> = std::iter::once(spec.name)
        .chain(spec.aliases.iter().copied())
        .map(normalize)
        .collect();
    found
        .iter()
        .filter_map(|h| {
            let hn = normalize(h);
            // Close: at most half of a name's characters changed.
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
}
