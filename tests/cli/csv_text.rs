//! The CSV report keeps ids a spreadsheet would turn into numbers as text (a tab after
//! them), leaves other ids as they are, and still neutralises formulas.

use crate::util::{run, tables};

const CLASSES: &str = "id,name,organizer,organizer_level,county,category,start_on,end_on,days,fee\n\
K1,业务培训班,绵阳市总工会,市,市直,业务培训,2019-03-01,,1,\n";

/// New chairs with no training: each is a `new-chair-training` violation with the cadre
/// id as its subject.
fn cadres(ids: &[&str]) -> String {
    let mut s = String::from("id,name,unit,county,unit_level,post,kind,appointed_on,left_on\n");
    for (i, id) in ids.iter().enumerate() {
        s.push_str(&format!(
            "{id},干部{i},某工会,市直,基层,工会主席,专职,2019-01-10,\n"
        ));
    }
    s
}

/// The CSV report's records (BOM stripped), read back by a CSV reader.
fn records(bytes: &[u8]) -> Vec<Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn ids_a_spreadsheet_would_make_numbers_are_text() {
    let dir = tempfile::tempdir().unwrap();
    let ids = [
        "510703198107010061",
        "51070319860901004X",
        "123456789012",
        "12345678901",
        "0123",
        "1234",
        "E02",
        "=1+2",
    ];
    tables(
        dir.path(),
        &cadres(&ids),
        CLASSES,
        "cadre_id,class_id,completed\n",
    );
    let out = dir.path().join("r.csv");
    let args = [
        "check",
        dir.path().to_str().unwrap(),
        "--as-of",
        "2021-03-01",
        "-o",
        out.to_str().unwrap(),
    ];
    let (code, stdout, stderr) = run(&args, None);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    let bytes = std::fs::read(&out).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    // The raw bytes: the tab sits inside the field, after the digits; no formula.
    assert!(text.contains(",510703198107010061\t,"), "{text}");
    assert!(text.contains(",123456789012\t,"), "{text}");
    assert!(text.contains(",0123\t,"), "{text}");
    assert!(text.contains(",51070319860901004X,"), "{text}");
    assert!(text.contains(",12345678901,"), "{text}");
    assert!(text.contains(",1234,"), "{text}");
    assert!(!text.contains("=\""), "no =\"…\" formula: {text}");
    let rows = records(&bytes);
    let subjects: Vec<&str> = rows[1..]
        .iter()
        .filter(|r| r[1] == "new-chair-training")
        .map(|r| r[5].as_str())
        .collect();
    for cell in [
        "510703198107010061\t",
        "123456789012\t",
        "0123\t",
        "51070319860901004X",
        "12345678901",
        "1234",
        "E02",
        "'=1+2",
    ] {
        assert!(subjects.contains(&cell), "{cell:?} in {subjects:?}");
    }
    assert_eq!(subjects.len(), 8, "{subjects:?}");
    // The finding id holds the subject inside other text: a spreadsheet keeps it as text.
    assert!(
        rows.iter()
            .any(|r| r[0] == "new-chair-training:510703198107010061")
    );
    for r in &rows {
        assert_eq!(r.len(), rows[0].len());
        for cell in r {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
        }
    }
}
