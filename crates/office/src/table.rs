//! Reading a spreadsheet or CSV file into a plain table of cells, whatever the user's tool wrote:
//! .xlsx (Excel, WPS), CSV in UTF-8 with or without BOM, or CSV in GBK/GB18030 (what Excel on Chinese
//! Windows writes when "CSV" is chosen).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
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

/// The kind of file, from its name.
fn is_xlsx(name: &str, bytes: &[u8]) -> bool {
    let lower = name.to_lowercase();
    lower.ends_with(".xlsx") || lower.ends_with(".xlsm") || bytes.starts_with(b"PK\x03\x04")
}

/// Decodes CSV bytes: UTF-8 (a BOM is dropped), otherwise GB18030, the superset of GBK.
pub fn decode_text(bytes: &[u8]) -> String {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (s, _, _) = encoding_rs::GB18030.decode(b);
            s.into_owned()
        }
    }
}

/// Reads a file into rows of cells. `first_header` is a column that must appear in the header row: the
/// header is the first of the first ten rows containing it, so a title row above the header is allowed.
pub fn read_table(name: &str, bytes: &[u8], first_header: &str) -> Result<Table, ImportError> {
    let grid: Vec<Vec<Cell>> = if is_xlsx(name, bytes) {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    let header_idx = grid
        .iter()
        .take(10)
        .position(|r| r.iter().any(|c| c.text().trim() == first_header))
        .ok_or_else(|| {
            ImportError::new(
                0,
                first_header,
                "找不到表头行（前 10 行中没有这一列），请使用下载的模板",
            )
        })?;
    let headers: Vec<String> = grid[header_idx]
        .iter()
        .map(|c| c.text().trim().replace(['\n', '\r'], ""))
        .collect();
    let width = headers.len();
    let rows = grid
        .into_iter()
        .enumerate()
        .skip(header_idx + 1)
        .filter(|(_, r)| r.iter().any(|c| !c.is_blank()))
        .map(|(i, mut cells)| {
            cells.resize(width.max(cells.len()), Cell::Empty);
            TableRow {
                number: i + 1,
                cells,
            }
        })
        .collect();
    Ok(Table { headers, rows })
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, ImportError> {
    let text = decode_text(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| ImportError::new(i + 1, "", format!("CSV 格式错误：{e}")))?;
        grid.push(
            rec.iter()
                .map(|s| {
                    let t = s.trim();
                    if t.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(t.to_string())
                    }
                })
                .collect(),
        );
    }
    Ok(grid)
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, ImportError> {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| ImportError::new(0, "", format!("无法读取 Excel 文件：{e}")))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| ImportError::new(0, "", "Excel 文件中没有工作表"))?
        .map_err(|e| ImportError::new(0, "", format!("无法读取工作表：{e}")))?;
    // Row numbers must match what Excel shows, so pad the rows above the used range.
    let (start_row, start_col) = range.start().unwrap_or((0, 0));
    let mut grid: Vec<Vec<Cell>> = vec![Vec::new(); start_row as usize];
    for row in range.rows() {
        let mut cells = vec![Cell::Empty; start_col as usize];
        cells.extend(row.iter().map(|d| {
            match d {
                Data::Empty => Cell::Empty,
                Data::String(s) => {
                    let t = s.trim();
                    if t.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(t.to_string())
                    }
                }
                Data::Int(i) => Cell::Number(*i as f64),
                Data::Float(f) => Cell::Number(*f),
                Data::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
                Data::DateTime(dt) => diaodu_domain::period::from_excel_serial(dt.as_f64())
                    .map(Cell::Date)
                    .unwrap_or_else(|| Cell::Text(dt.as_f64().to_string())),
                Data::DateTimeIso(s) => diaodu_domain::period::parse_date(s.get(..10).unwrap_or(s))
                    .map(Cell::Date)
                    .unwrap_or_else(|_| Cell::Text(s.clone())),
                Data::DurationIso(s) => Cell::Text(s.clone()),
                Data::Error(e) => Cell::Text(format!("#{e:?}")),
            }
        }));
        grid.push(cells);
    }
    Ok(grid)
}

#[cfg(test)]
mod tests {
    use super::*;

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
