//! Files crafted to exhaust memory or confuse the readers, kept in `tests/corpus`: each must give a
//! clear refusal (or a table of what it really holds) in bounded memory.

use diaodu_office::read_table;
use diaodu_office::table::limits;

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/corpus/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn a_cell_at_the_last_column_and_row_costs_one_cell() {
    // 1.6 KB: the header row and one cell at XFD1048576, with a dimension to match.
    let t = read_table("far.xlsx", &corpus("far-cell.xlsx"), "项目编码").unwrap();
    assert_eq!(t.headers, ["项目编码", "填报期", "本期完成投资(万元)"]);
    assert!(
        t.rows.is_empty(),
        "a cell beyond the read columns is not stored"
    );
}

#[test]
fn a_part_inflating_beyond_its_cap_is_refused_before_it_is_read() {
    // 1 MB on disk, one 1 GB string once inflated.
    let e = read_table("big.xlsx", &corpus("one-gigabyte-string.xlsx"), "项目编码").unwrap_err();
    assert!(e.message.contains("解压后超过"), "{e}");
    assert!(e.message.contains("sheet1.xml"), "{e}");
}

#[test]
fn a_part_that_lies_about_its_size_is_measured() {
    // The sheet declares 100 bytes and inflates to 600 MB.
    let e = read_table("lie.xlsx", &corpus("lying-size.xlsx"), "项目编码").unwrap_err();
    assert!(e.message.contains("损坏"), "{e}");
}

#[test]
fn a_shared_string_count_beyond_the_part_is_refused() {
    // `uniqueCount="99999999999"`: the reader would reserve 2.4 TB for it.
    let e = read_table("sst.xlsx", &corpus("shared-strings-count.xlsx"), "项目编码").unwrap_err();
    assert!(e.message.contains("共享字符串"), "{e}");
}

#[test]
fn a_long_cell_is_refused_with_its_row_and_column() {
    let long = "长".repeat(limits::CELL_CHARS + 1);
    let csv = format!("项目编码,填报期,本期完成投资(万元)\nP1,2026-W01,{long}\n");
    let e = read_table("r.csv", csv.as_bytes(), "项目编码").unwrap_err();
    assert_eq!((e.row, e.column.as_str()), (2, "C列"));
    assert!(e.message.contains("32767"), "{e}");
    // At the limit it is read.
    let ok = "长".repeat(limits::CELL_CHARS);
    let csv = format!("项目编码,填报期,本期完成投资(万元)\nP1,2026-W01,{ok}\n");
    assert_eq!(
        read_table("r.csv", csv.as_bytes(), "项目编码")
            .unwrap()
            .rows
            .len(),
        1
    );
}

#[test]
fn an_endless_csv_field_stops_at_the_record_limit() {
    // One quoted field that never ends: the reader stops once a record passes its bound.
    let mut csv = b"\xEF\xBB\xBF\xE9\xA1\xB9\xE7\x9B\xAE\xE7\xBC\x96\xE7\xA0\x81\nP1,\"".to_vec();
    csv.resize(csv.len() + 3 * limits::CSV_RECORD_BYTES as usize, b'x');
    let e = read_table("r.csv", &csv, "项目编码").unwrap_err();
    assert!(e.message.contains("一行超过"), "{e}");
    assert_eq!(e.row, 2);
}

#[test]
fn far_columns_of_a_csv_are_not_stored() {
    let mut csv = String::from("项目编码,填报期\nP1,2026-W01");
    csv.push_str(&",".repeat(100_000));
    csv.push_str("x\n");
    let t = read_table("r.csv", csv.as_bytes(), "项目编码").unwrap();
    assert_eq!(t.rows[0].cells.len(), limits::COLUMNS);
}

#[test]
fn column_names_are_excels() {
    use diaodu_office::table::column_name;
    assert_eq!(column_name(0), "A");
    assert_eq!(column_name(25), "Z");
    assert_eq!(column_name(26), "AA");
    assert_eq!(column_name(16_383), "XFD");
}
