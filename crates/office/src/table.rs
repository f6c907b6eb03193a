//! Reading a spreadsheet or CSV file into a plain table of cells, whatever the user's tool wrote:
//! .xlsx (Excel, WPS), CSV in UTF-8 with or without BOM, or CSV in GBK/GB18030 (what Excel on Chinese
//! Windows writes when "CSV" is chosen).

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use diaodu_domain::import::ImportError;
use time::Date;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text (trimmed).
    Text(String),
    /// A number.
    Number(f64),
    /// A date cell (Excel date, or ISO date-time text stored as a date).
    Date(Date),
}

impl Cell {
    /// The cell as text, numbers without a spurious `.0`.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", *n as i64)
                } else {
                    format!("{n}")
                }
            }
            Cell::Date(d) => diaodu_domain::period::fmt_date(*d),
        }
    }

    /// Whether the cell is empty or blank text.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A data row with its spreadsheet row number (header row = 1 when the header is the first row).
#[derive(Debug, Clone)]
pub struct TableRow {
    /// Row number as Excel shows it.
    pub number: usize,
    /// Cells, one per header column.
    pub cells: Vec<Cell>,
}

/// A table: a header row and the data rows under it.
#[derive(Debug, Clone)]
pub struct Table {
    /// Column headers (trimmed).
    pub headers: Vec<String>,
    /// Data rows, blank rows skipped.
    pub rows: Vec<TableRow>,
}

/// What a file given to an import may hold. Every reader stops at these before allocating more, so a
/// small hostile file (a cell at the last column of the last row, a 1 GB string compressed to 1 MB, a
/// zip part that says it is small and is not) costs a bounded amount of memory and a clear refusal.
pub mod limits {
    /// Longest cell, in characters: what Excel itself allows in a cell.
    pub const CELL_CHARS: usize = 32_767;
    /// Columns read. Templates have at most 15; cells further right are ignored, not stored.
    pub const COLUMNS: usize = 64;
    /// Data rows in a CSV file: above the province's three years of weekly reports (4.6 million).
    pub const CSV_ROWS: usize = 10_000_000;
    /// Data rows in an .xlsx sheet: a worksheet's own limit.
    pub const XLSX_ROWS: usize = 1_048_576;
    /// Bytes of one CSV record: enough for every column at its longest.
    pub const CSV_RECORD_BYTES: u64 = 4 * 1024 * 1024;
    /// Parts in an .xlsx package (a workbook from Excel or WPS has a few dozen).
    pub const XLSX_PARTS: usize = 1_000;
    /// Uncompressed bytes of one part of an .xlsx package: a worksheet of a million template rows.
    pub const XLSX_PART_BYTES: u64 = 512 * 1024 * 1024;
    /// Uncompressed bytes of the shared strings, which are held in memory while the sheet is read.
    pub const XLSX_SHARED_STRINGS_BYTES: u64 = 64 * 1024 * 1024;
    /// Uncompressed bytes of every other part (styles, workbook, relationships).
    pub const XLSX_OTHER_PART_BYTES: u64 = 16 * 1024 * 1024;
    /// Uncompressed bytes of the whole package.
    pub const XLSX_TOTAL_BYTES: u64 = 768 * 1024 * 1024;
}

/// Whether a file is an .xlsx workbook (by its name, or its zip signature) rather than CSV.
pub fn is_xlsx(name: &str, bytes: &[u8]) -> bool {
    let lower = name.to_lowercase();
    lower.ends_with(".xlsx") || lower.ends_with(".xlsm") || bytes.starts_with(b"PK\x03\x04")
}

/// Excel's name of a column: 0 → A, 26 → AA.
pub fn column_name(mut idx: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (idx % 26) as u8);
        if idx < 26 {
            break;
        }
        idx = idx / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A cell's text, trimmed, refused when longer than [`limits::CELL_CHARS`].
fn text_cell(s: &str, row: usize, col: usize) -> Result<Cell, ImportError> {
    let mut t = s.trim();
    // The apostrophe an export puts before text that a spreadsheet would take for a formula
    // (`crate::xlsx::csv_text`) is not part of the value.
    if let Some(rest) = t.strip_prefix('\'') {
        if rest.starts_with(crate::xlsx::FORMULA_STARTS) {
            t = rest.trim();
        }
    }
    if t.is_empty() {
        return Ok(Cell::Empty);
    }
    if t.chars().any(diaodu_domain::import::forbidden_char) {
        return Err(ImportError::new(
            row,
            &format!("{}列", column_name(col)),
            "含有不允许的控制字符（如 NUL），请删除后重新导入",
        ));
    }
    // Bytes bound characters from above: only a long cell pays for counting.
    if t.len() > limits::CELL_CHARS && t.chars().count() > limits::CELL_CHARS {
        return Err(ImportError::new(
            row,
            &format!("{}列", column_name(col)),
            format!("单元格内容超过 {} 个字符", limits::CELL_CHARS),
        ));
    }
    Ok(Cell::Text(t.to_string()))
}

/// A sheet read row by row: each non-empty row with its number as Excel shows it.
type Rows = Vec<(usize, Vec<Cell>)>;

/// Reads a file into rows of cells. `first_header` is a column that must appear in the header row: the
/// header is the first of the first ten rows containing it, so a title row above the header is allowed.
pub fn read_table(name: &str, bytes: &[u8], first_header: &str) -> Result<Table, ImportError> {
    let rows = if is_xlsx(name, bytes) {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    into_table(rows, first_header)
}

fn into_table(rows: Rows, first_header: &str) -> Result<Table, ImportError> {
    let header_at = rows
        .iter()
        .take_while(|(n, _)| *n <= 10)
        .position(|(_, r)| r.iter().any(|c| c.text().trim() == first_header))
        .ok_or_else(|| {
            // Say what the file has instead, so that a renamed or misplaced column is seen at once.
            let seen = rows
                .iter()
                .take_while(|(n, _)| *n <= 10)
                .find(|(_, r)| r.iter().any(|c| !c.is_blank()))
                .map(|(n, r)| {
                    let cells: Vec<String> = r
                        .iter()
                        .filter(|c| !c.is_blank())
                        .take(8)
                        .map(|c| c.text().trim().chars().take(20).collect())
                        .collect();
                    format!("；第 {n} 行为：{}", cells.join("、"))
                })
                .unwrap_or_else(|| "；前 10 行都是空行".into());
            ImportError::new(
                0,
                first_header,
                format!("找不到表头行：前 10 行中没有“{first_header}”列{seen}。请使用下载的模板"),
            )
        })?;
    let headers: Vec<String> = rows[header_at]
        .1
        .iter()
        .map(|c| c.text().trim().replace(['\n', '\r'], ""))
        .collect();
    let width = headers.len();
    let rows = rows
        .into_iter()
        .skip(header_at + 1)
        .filter(|(_, r)| r.iter().any(|c| !c.is_blank()))
        .map(|(number, mut cells)| {
            cells.resize(width.max(cells.len()), Cell::Empty);
            TableRow { number, cells }
        })
        .collect();
    Ok(Table { headers, rows })
}

/// A reader that fails once one CSV record has taken more than [`limits::CSV_RECORD_BYTES`]: the csv
/// crate grows its record buffer without bound, so a file of one endless field would otherwise be
/// held whole. `mark` is the byte offset where the current record began, set by the caller.
struct RecordBound<R> {
    inner: R,
    read: u64,
    mark: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: std::io::Read> std::io::Read for RecordBound<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mark = self.mark.load(std::sync::atomic::Ordering::Relaxed);
        if self.read.saturating_sub(mark) > limits::CSV_RECORD_BYTES {
            return Err(std::io::Error::other("record too long"));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// The records of a CSV stream (UTF-8, or GB18030), one non-blank row at a time with its number.
/// Memory is one record, whatever the file's size.
pub struct CsvRows<'a> {
    rdr: csv::Reader<RecordBound<Box<dyn std::io::Read + Send + 'a>>>,
    mark: std::sync::Arc<std::sync::atomic::AtomicU64>,
    rec: csv::StringRecord,
    number: usize,
    done: bool,
}

impl<'a> CsvRows<'a> {
    /// Reads `input`, UTF-8 (a BOM is dropped) or, when `gb18030`, GB18030.
    pub fn new(input: impl std::io::Read + Send + 'a, gb18030: bool) -> CsvRows<'a> {
        let encoding = if gb18030 {
            encoding_rs::GB18030
        } else {
            encoding_rs::UTF_8
        };
        let decoded: Box<dyn std::io::Read + Send + 'a> = Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding))
                .bom_sniffing(!gb18030)
                .build(input),
        );
        let mark = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(RecordBound {
                inner: decoded,
                read: 0,
                mark: mark.clone(),
            });
        CsvRows {
            rdr,
            mark,
            rec: csv::StringRecord::new(),
            number: 0,
            done: false,
        }
    }
}

impl Iterator for CsvRows<'_> {
    type Item = Result<(usize, Vec<Cell>), ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let at = self.rdr.position().clone();
            self.mark
                .store(at.byte(), std::sync::atomic::Ordering::Relaxed);
            match self.rdr.read_record(&mut self.rec) {
                Ok(false) => self.done = true,
                Ok(true) => {
                    self.number += 1;
                    let number = self.number;
                    if number > limits::CSV_ROWS + 1 {
                        self.done = true;
                        return Some(Err(ImportError::new(
                            number,
                            "",
                            format!("文件超过 {} 行，请分成几个文件导入", limits::CSV_ROWS),
                        )));
                    }
                    let mut cells = Vec::with_capacity(self.rec.len().min(limits::COLUMNS));
                    for (col, s) in self.rec.iter().enumerate().take(limits::COLUMNS) {
                        match text_cell(s, number, col) {
                            Ok(c) => cells.push(c),
                            Err(e) => {
                                self.done = true;
                                return Some(Err(e));
                            }
                        }
                    }
                    if cells.iter().any(|c| !c.is_blank()) {
                        return Some(Ok((number, cells)));
                    }
                }
                Err(e) => {
                    self.done = true;
                    let msg = if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        format!(
                            "一行超过 {} MB，不是有效的导入文件",
                            limits::CSV_RECORD_BYTES / 1024 / 1024
                        )
                    } else {
                        format!("CSV 格式错误：{e}")
                    };
                    let line = at.line() as usize;
                    return Some(Err(ImportError::new(line.max(self.number + 1), "", msg)));
                }
            }
        }
        None
    }
}

/// Whether CSV bytes are GB18030 rather than UTF-8: anything that is not valid UTF-8 (after a BOM)
/// is taken for what Excel on Chinese Windows writes.
pub fn is_gb18030(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).is_err()
}

/// [`is_gb18030`] for a stream, read once in pieces (the caller opens it again to read the rows).
pub fn is_gb18030_stream(mut input: impl std::io::Read) -> std::io::Result<bool> {
    let mut buf = vec![0u8; 1 << 20];
    let mut carry = 0usize;
    loop {
        let n = input.read(&mut buf[carry..])?;
        if n == 0 {
            return Ok(carry > 0);
        }
        let len = carry + n;
        match std::str::from_utf8(&buf[..len]) {
            Ok(_) => carry = 0,
            // An incomplete character at the end of the piece: keep its bytes for the next one.
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..len, 0);
                carry = len - valid;
            }
            Err(_) => return Ok(true),
        }
    }
}

fn read_csv(bytes: &[u8]) -> Result<Rows, ImportError> {
    CsvRows::new(bytes, is_gb18030(bytes)).collect()
}

/// Checks an .xlsx package before a reader inflates it: the number of parts, each part's declared and
/// actual uncompressed size (inflated into nothing, never held), and the shared strings' declared
/// count, which the reader would reserve memory for.
fn check_package(bytes: &[u8]) -> Result<(), ImportError> {
    let bad = |m: String| ImportError::new(0, "", m);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| bad(format!("无法读取 Excel 文件：{e}")))?;
    if zip.len() > limits::XLSX_PARTS {
        return Err(bad(format!(
            "Excel 文件包含 {} 个部件，超过 {} 个，不是有效的工作簿",
            zip.len(),
            limits::XLSX_PARTS
        )));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|e| bad(format!("无法读取 Excel 文件：{e}")))?;
        let name = part
            .name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        let cap = if name.starts_with("xl/worksheets/") {
            limits::XLSX_PART_BYTES
        } else if name.ends_with("sharedstrings.xml") {
            limits::XLSX_SHARED_STRINGS_BYTES
        } else {
            limits::XLSX_OTHER_PART_BYTES
        };
        let too_big = || {
            bad(format!(
                "Excel 文件的部件“{}”解压后超过 {} MB，请删去无关内容或分成几个文件导入",
                part_name(&name),
                cap / 1024 / 1024
            ))
        };
        if part.size() > cap {
            return Err(too_big());
        }
        // The declared size may lie: inflate at most one byte more than the cap, keeping nothing but
        // the start of the shared strings (for their declared count).
        let mut head = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        let mut n_part = 0u64;
        loop {
            let n = std::io::Read::read(&mut part, &mut buf)
                .map_err(|e| bad(format!("Excel 文件已损坏：{e}")))?;
            if n == 0 {
                break;
            }
            if head.len() < HEAD {
                head.extend_from_slice(&buf[..n.min(HEAD - head.len())]);
            }
            n_part += n as u64;
            if n_part > cap {
                return Err(too_big());
            }
        }
        total += n_part;
        if total > limits::XLSX_TOTAL_BYTES {
            return Err(bad(format!(
                "Excel 文件解压后超过 {} MB，请分成几个文件导入",
                limits::XLSX_TOTAL_BYTES / 1024 / 1024
            )));
        }
        if name.ends_with(".xml") {
            check_xml_head(&head, n_part)?;
        }
    }
    Ok(())
}

fn part_name(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// How much of each part [`check_xml_head`] sees: its root element is within the first few hundred
/// bytes of any file Excel or WPS writes.
const HEAD: usize = 64 * 1024;

/// Looks at the root element of an XML part. A shared strings table (`sst`, wherever the package puts
/// it) declares how many strings it has, and the reader reserves room for that many: the count cannot
/// exceed what the part could hold (each string takes at least `<si/>`, five bytes).
fn check_xml_head(head: &[u8], part_bytes: u64) -> Result<(), ImportError> {
    let mut r = quick_xml::Reader::from_reader(head);
    let mut buf = Vec::new();
    loop {
        match r.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e)) | Ok(quick_xml::events::Event::Empty(e)) => {
                if e.local_name().as_ref() != "sst" {
                    return Ok(());
                }
                for a in e.attributes().flatten() {
                    let key = a.key.local_name();
                    if key.as_ref() == "uniqueCount" || key.as_ref() == "count" {
                        let n: u64 = a.value.trim().parse().unwrap_or(u64::MAX);
                        if n > part_bytes / 5 + 1 {
                            return Err(ImportError::new(
                                0,
                                "",
                                "Excel 文件的共享字符串表声明的数量与内容不符，文件已损坏",
                            ));
                        }
                    }
                }
                return Ok(());
            }
            Ok(quick_xml::events::Event::Eof) if part_bytes <= head.len() as u64 => return Ok(()),
            Ok(quick_xml::events::Event::Eof) | Err(_) => {
                return Err(ImportError::new(
                    0,
                    "",
                    "Excel 文件的部件无法解析，文件已损坏",
                ))
            }
            _ => buf.clear(),
        }
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Rows, ImportError> {
    check_package(bytes)?;
    // A workbook that makes the reader itself fail in a way it did not foresee is a damaged file
    // to the user, not a reason to end the request.
    std::panic::catch_unwind(|| read_sheet(bytes)).unwrap_or_else(|_| {
        Err(ImportError::new(
            0,
            "",
            "Excel 文件已损坏，无法读取，请在 Excel 或 WPS 中另存后再导入",
        ))
    })
}

fn read_sheet(bytes: &[u8]) -> Result<Rows, ImportError> {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| ImportError::new(0, "", format!("无法读取 Excel 文件：{e}")))?;
    let first = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| ImportError::new(0, "", "Excel 文件中没有工作表"))?;
    let sheet_err =
        |e: calamine::XlsxError| ImportError::new(0, "", format!("无法读取工作表：{e}"));
    // Cells are read one at a time, in the sheet's order; the sheet's declared extent is never used,
    // so a cell at XFD1048576 costs one cell, not the rectangle up to it.
    let mut cells = wb.worksheet_cells_reader(&first).map_err(sheet_err)?;
    let mut rows: Rows = Vec::new();
    while let Some(c) = cells.next_cell().map_err(sheet_err)? {
        let (r, col) = c.get_position();
        let (number, col) = (r as usize + 1, col as usize);
        if col >= limits::COLUMNS {
            continue;
        }
        let cell = data_cell(c.get_value(), number, col)?;
        if cell == Cell::Empty {
            continue;
        }
        match rows.last_mut() {
            Some((n, row)) if *n == number => {
                if row.len() <= col {
                    row.resize(col + 1, Cell::Empty);
                }
                row[col] = cell;
            }
            Some((n, _)) if *n > number => {
                return Err(ImportError::new(
                    number,
                    "",
                    "工作表的行顺序错乱，请在 Excel 或 WPS 中另存后再导入",
                ))
            }
            _ => {
                if rows.len() >= limits::XLSX_ROWS + 10 {
                    return Err(ImportError::new(
                        number,
                        "",
                        format!("工作表超过 {} 行，请分成几个文件导入", limits::XLSX_ROWS),
                    ));
                }
                let mut row = vec![Cell::Empty; col + 1];
                row[col] = cell;
                rows.push((number, row));
            }
        }
    }
    Ok(rows)
}

fn data_cell(d: &DataRef<'_>, row: usize, col: usize) -> Result<Cell, ImportError> {
    Ok(match d {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => text_cell(s, row, col)?,
        DataRef::SharedString(s) => text_cell(s, row, col)?,
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
        DataRef::DateTime(dt) => diaodu_domain::period::from_excel_serial(dt.as_f64())
            .map(Cell::Date)
            .unwrap_or_else(|| Cell::Text(dt.as_f64().to_string())),
        DataRef::DateTimeIso(s) => diaodu_domain::period::parse_date(s.get(..10).unwrap_or(s))
            .map(Cell::Date)
            .or_else(|_| text_cell(s, row, col))?,
        DataRef::DurationIso(s) => text_cell(s, row, col)?,
        DataRef::Error(e) => Cell::Text(format!("#{e:?}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file without the expected first column says which column is missing and what its first
    /// row holds instead.
    #[test]
    fn a_missing_header_says_what_the_file_has() {
        let csv = "编码,名称,单位\nGP1,项目,东城区\n".as_bytes();
        let e = read_table("x.csv", csv, "项目编码").unwrap_err();
        assert_eq!(e.row, 0);
        assert!(e.message.contains("没有“项目编码”列"), "{}", e.message);
        assert!(
            e.message.contains("第 1 行为：编码、名称、单位"),
            "{}",
            e.message
        );
    }

    #[test]
    fn csv_in_utf8_bom_and_gbk() {
        let utf8 = "\u{feff}单位编码,单位名称\nC,云川市\n,\n";
        let t = read_table("u.csv", utf8.as_bytes(), "单位编码").unwrap();
        assert_eq!(t.headers, ["单位编码", "单位名称"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].number, 2);
        let (gbk, _, _) = encoding_rs::GBK.encode("标题行\n单位编码,单位名称\nC,云川市\n");
        let t = read_table("u.csv", &gbk, "单位编码").unwrap();
        assert_eq!(t.rows[0].cells[1], Cell::Text("云川市".into()));
        assert_eq!(t.rows[0].number, 3, "row numbers count the title row");
    }

    #[test]
    fn missing_header_is_reported() {
        let e = read_table("u.csv", "a,b\n1,2\n".as_bytes(), "单位编码").unwrap_err();
        assert_eq!(e.column, "单位编码");
    }

    #[test]
    fn numbers_print_plainly() {
        assert_eq!(Cell::Number(1001.0).text(), "1001");
        assert_eq!(Cell::Number(12.5).text(), "12.5");
    }
}
