//! Property tests of the readers on stable Rust: whatever bytes arrive — random, a valid file with
//! bytes flipped, cut short or stretched — reading and parsing end with a table or a refusal, never a
//! panic. CI runs them with more cases (`PROPTEST_CASES`); the crafted files in `tests/corpus` are
//! the regression cases (`hostile.rs`).

use diaodu_office::import::{parse_projects, parse_reports};
use diaodu_office::read_table;
use diaodu_office::xlsx::{template, TemplateKind};
use proptest::prelude::*;

const REPORTS: &str = "项目编码,填报期,本期完成投资(万元),形象进度,存在问题\nP1,2026-W07,12.5,\"主体\n完工\",无\nP2,2026-03,1,,\n";

fn read_all(name: &str, bytes: &[u8]) {
    if let Ok(t) = read_table(name, bytes, "项目编码") {
        let _ = parse_reports(&t);
        let _ = parse_projects(&t);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_as_csv(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        read_all("x.csv", &bytes);
    }

    #[test]
    fn a_report_csv_with_bytes_changed(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..16),
        cut in any::<usize>(),
    ) {
        let mut b = REPORTS.as_bytes().to_vec();
        for (at, v) in edits {
            let i = at % b.len();
            b[i] = v;
        }
        b.truncate(cut % (b.len() + 1));
        read_all("r.csv", &b);
    }

    #[test]
    fn a_report_csv_with_text_inserted(
        at in any::<usize>(),
        text in "[\\x00-\\x7f\"',\\r\\n=+@\\u{3000}-\\u{303f}\\u{4e00}-\\u{4e20}]{0,64}",
    ) {
        let mut s = REPORTS.to_string();
        let mut i = at % (s.len() + 1);
        while !s.is_char_boundary(i) { i -= 1; }
        s.insert_str(i, &text);
        read_all("r.csv", s.as_bytes());
    }

    #[test]
    fn an_xlsx_with_bytes_changed(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let mut b = template(TemplateKind::Reports).unwrap();
        for (at, v) in edits {
            let i = at % b.len();
            b[i] = v;
        }
        if cut % 4 == 0 {
            let n = b.len();
            b.truncate(cut % n);
        }
        read_all("r.xlsx", &b);
    }
}

/// The template with one part's text changed, zipped again: reaches the XML readers, which byte
/// flips in a compressed stream mostly do not.
fn with_part_changed(part: &str, change: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    use std::io::{Read, Write};
    let src = template(TemplateKind::Reports).unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(src)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == part {
            change(&mut data);
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn an_xlsx_whose_xml_is_changed(
        part in prop_oneof![
            Just("xl/worksheets/sheet1.xml"),
            Just("xl/sharedStrings.xml"),
            Just("xl/workbook.xml"),
            Just("xl/styles.xml"),
            Just("[Content_Types].xml"),
        ],
        at in any::<usize>(),
        text in prop_oneof![
            Just("<c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c>".to_string()),
            Just("<row r=\"0\">".to_string()),
            Just("<dimension ref=\"A1:XFD1048576\"/>".to_string()),
            Just(" count=\"99999999999\" uniqueCount=\"99999999999\"".to_string()),
            Just("<c r=\"A2\" s=\"9999\"><v>1e308</v></c>".to_string()),
            Just("&#0;".to_string()),
            "[<>/=\"a-z0-9 ]{0,24}",
        ],
    ) {
        let b = with_part_changed(part, |data| {
            let i = at % (data.len() + 1);
            data.splice(i..i, text.bytes());
        });
        read_all("r.xlsx", &b);
    }
}
