//! Property tests: no input panics the loaders, every accepted date spelling parses
//! back to its date, and GB18030 text round-trips.

use std::fs;

use chrono::{Datelike, NaiveDate};
use peixun::load::values::{check_id, parse_completed, parse_date, parse_number};
use peixun::load::{ReadOptions, TablePath, load};
use proptest::prelude::*;

fn levels() -> Vec<String> {
    ["基层", "县区", "市", "省", "全国"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

const CADRES: &str = "id,name,post,appointed_on,county\nA1,张三,工会主席,2019-03-15,涪城区\n";
const CLASSES: &str = "id,organizer_level,category,start_on\nK1,市,业务培训,2019-06-01\n";
const ATTENDANCE: &str = "cadre_id,class_id\nA1,K1\n";

/// Loads the three tables with `bytes` in place of one of them.
fn load_with(table: usize, bytes: &[u8], block: usize) {
    let dir = tempfile::tempdir().unwrap();
    let names = ["cadres.csv", "classes.csv", "attendance.csv"];
    for (i, (name, text)) in names.iter().zip([CADRES, CLASSES, ATTENDANCE]).enumerate() {
        let content = if i == table {
            bytes.to_vec()
        } else {
            text.as_bytes().to_vec()
        };
        fs::write(dir.path().join(name), content).unwrap();
    }
    let paths = names.map(|n| TablePath::Csv(dir.path().join(n)));
    let opts = ReadOptions {
        block,
        ..ReadOptions::default()
    };
    // Ok or a clear error: never a panic.
    let _ = load(&paths, &opts, &levels());
}

fn csvish() -> impl Strategy<Value = Vec<u8>> {
    // Bytes biased towards what breaks CSV readers: quotes, separators, line ends,
    // multi-byte and invalid sequences.
    let piece = prop_oneof![
        Just(b"\"".to_vec()),
        Just(b",".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\r\n".to_vec()),
        Just("是".as_bytes().to_vec()),
        Just("2019-03-15".as_bytes().to_vec()),
        Just(b"\xFF\xFE".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(vec![0u8]),
        Just(vec![0xB9, 0xA4]), // 工 in GBK
        prop::collection::vec(any::<u8>(), 0..8),
        "[a-zA-Z0-9 ]{0,6}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn arbitrary_bytes_never_panic_the_loaders(bytes in csvish(), table in 0usize..3, block in prop_oneof![Just(0usize), 1usize..16]) {
        let header = ["id,name,post,appointed_on\n", "id,organizer_level,category,start_on\n", "cadre_id,class_id,completed\n"][table];
        let mut with_header = header.as_bytes().to_vec();
        with_header.extend_from_slice(&bytes);
        load_with(table, &with_header, block);
        load_with(table, &bytes, block);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_cell_text_never_panics(s in "\\PC{0,24}") {
        let _ = parse_date(&s);
        let _ = parse_number(&s);
        let _ = parse_completed(&s);
        let _ = check_id(&s);
    }

    #[test]
    fn every_date_spelling_parses_back(days in 0i64..73_000, time in any::<bool>()) {
        let d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(days as u64);
        let (y, m, day) = (d.year(), d.month(), d.day());
        let spellings = [
            format!("{y:04}-{m:02}-{day:02}"),
            format!("{y}-{m}-{day}"),
            format!("{y}/{m}/{day}"),
            format!("{y}.{m}.{day}"),
            format!("{y}年{m}月{day}日"),
            format!("{y:04}{m:02}{day:02}"),
        ];
        for s in spellings {
            let s = if time { format!("{s} 0:00") } else { s };
            prop_assert_eq!(parse_date(&s), Ok(d), "{}", s);
        }
    }

    #[test]
    fn gb18030_text_round_trips(text in "[\\u{4e00}-\\u{9fa5}a-z0-9,，。（）]{1,40}") {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        let (bytes, _, lossy) = encoding_rs::GB18030.encode(&text);
        prop_assume!(!lossy);
        // SPEC §1: a file that is valid UTF-8 as a whole is UTF-8. A few short GBK strings
        // are (膜 is C4 A4, also Ĥ in UTF-8); a real export's headers never are.
        prop_assume!(text.is_ascii() || std::str::from_utf8(&bytes).is_err());
        fs::write(&p, &bytes).unwrap();
        let (decoded, _) = peixun::load::stream::read_all(&p, None).unwrap();
        // Pure ASCII is valid UTF-8 too and reads the same either way.
        prop_assert_eq!(decoded.as_str(), text.as_str());
    }
}
