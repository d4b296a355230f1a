//! Tests of reading text block by block: characters, rows and bad bytes cut by blocks
//! of any size, in every encoding, and GB18030 decoded in parts.

use super::*;

const LIMITS: (usize, usize) = (
    crate::limits::MAX_RECORD_BYTES,
    crate::limits::MAX_HEADER_BYTES,
);

fn file(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("t.csv");
    std::fs::write(&p, bytes).unwrap();
    (d, p)
}

/// GB18030 decoded in parts reads exactly as decoded whole, four-byte characters,
/// line ends and all; a file with a bad byte is left to the block reader.
#[test]
fn gb18030_in_parts_reads_like_whole() {
    let line = "身份证号,姓名,单位\r\n510703198001010011,王€𠀀,绵阳市总工会\n";
    let text: String = (0..5000).map(|i| format!("{i},{line}")).collect();
    let (bytes, _, lossy) = encoding_rs::GB18030.encode(&text);
    assert!(!lossy);
    assert!(std::str::from_utf8(&bytes).is_err());
    assert_eq!(
        decode_gb18030_in_parts(bytes.to_vec()).as_deref(),
        Some(text.as_str())
    );
    let (_d, p) = file(&bytes);
    let (read, enc) = read_all(&p, None).unwrap();
    assert_eq!((read.as_str(), enc), (text.as_str(), TextEncoding::Gb18030));
    let mut bad = bytes.to_vec();
    let at = bad.len() * 3 / 4;
    bad[at] = 0xFF;
    assert_eq!(decode_gb18030_in_parts(bad), None);
}

#[test]
fn blocks_split_characters_and_still_decode() {
    let text = "姓名,职务\n张三,工会主席\n李四,委员\n";
    for block in [1, 2, 3, 5, 7, 64] {
        let (_d, p) = file(text.as_bytes());
        assert_eq!(
            read_all_in_blocks(&p, None, block, None, LIMITS).unwrap(),
            (text.to_owned(), TextEncoding::Utf8),
            "{block}"
        );
        let gbk = GB18030.encode(text).0.into_owned();
        let (_d, p) = file(&gbk);
        assert_eq!(
            read_all_in_blocks(&p, None, block, None, LIMITS).unwrap(),
            (text.to_owned(), TextEncoding::Gb18030),
            "{block}"
        );
        let mut u16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            u16.extend_from_slice(&u.to_le_bytes());
        }
        let (_d, p) = file(&u16);
        assert_eq!(
            read_all_in_blocks(&p, None, block, None, LIMITS).unwrap().0,
            text,
            "{block}"
        );
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let (_d, p) = file(&bom);
        assert_eq!(
            read_all_in_blocks(&p, None, block, None, LIMITS).unwrap().0,
            text,
            "{block}"
        );
    }
}

/// UTF-8 characters of every width cut by block ends anywhere are read whole; a bad
/// byte after them, or a character the file's end cuts, is still found where it is.
#[test]
fn utf8_characters_cut_by_blocks_of_any_size() {
    let text = "id,名\na,é𠀀x\n\"b\nc\",€€\n".repeat(9);
    for block in (1..=24).chain([4096]) {
        let (_d, p) = file(text.as_bytes());
        assert_eq!(
            read_all_in_blocks(&p, Some(TextEncoding::Utf8), block, None, LIMITS).unwrap(),
            (text.clone(), TextEncoding::Utf8),
            "{block}"
        );
        let at = text.len() - 4;
        let mut bad = text.clone().into_bytes();
        bad[at] = 0xFF;
        let (_d, p) = file(&bad);
        match read_all_in_blocks(&p, Some(TextEncoding::Utf8), block, None, LIMITS) {
            Err(ReadError::Bad { offset, line, .. }) => {
                assert_eq!((offset, line), (at as u64, 27), "{block}")
            }
            other => panic!("{block}: {other:?}"),
        }
        let (_d, p) = file(&text.as_bytes()[..text.len() - 2]);
        match read_all_in_blocks(&p, Some(TextEncoding::Utf8), block, None, LIMITS) {
            Err(ReadError::Bad { offset, .. }) => {
                assert_eq!(offset, text.len() as u64 - 4, "{block}")
            }
            other => panic!("{block}: {other:?}"),
        }
    }
}

#[test]
fn bad_bytes_give_offset_and_line() {
    let bytes = b"a,b\n\"x\ny\",1\n\xFF\xFF,2\n";
    for block in [1, 4, 64] {
        let (_d, p) = file(bytes);
        match read_all_in_blocks(&p, None, block, None, LIMITS) {
            Err(ReadError::Bad { offset, line, .. }) => {
                assert_eq!((offset, line), (12, 3), "{block}")
            }
            other => panic!("{other:?}"),
        }
    }
}
