//! Shared shapes of an import: the error a user sees (row, column, reason) and the parsed rows.

use serde::Serialize;
use time::Date;

use crate::access::UnitKind;
use crate::money::Yuan;
use crate::period::Period;
use crate::project::ProjectFields;

/// One problem with an import file: the spreadsheet row number (as Excel shows it, header = 1), the
/// column header, and the reason in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportError {
    /// Row number as shown by Excel (the header row is 1); 0 for a file-level problem.
    pub row: usize,
    /// Column header, or empty for a whole-row problem.
    pub column: String,
    /// Reason, in Chinese.
    pub message: String,
}

/// Whether `c` may not appear in any text the platform keeps: a control character other than tab,
/// line feed and carriage return (which multi-line text needs). NUL above all: PostgreSQL cannot
/// store it in text.
pub fn forbidden_char(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

impl ImportError {
    /// Builds an error.
    pub fn new(row: usize, column: &str, message: impl Into<String>) -> ImportError {
        ImportError {
            row,
            column: column.to_string(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.row, self.column.is_empty()) {
            (0, true) => write!(f, "{}", self.message),
            (0, false) => write!(f, "列“{}”：{}", self.column, self.message),
            (r, true) => write!(f, "第{r}行：{}", self.message),
            (r, false) => write!(f, "第{r}行，列“{}”：{}", self.column, self.message),
        }
    }
}

/// The rows of a file that parsed, and the errors of those that did not. The store adds its own
/// checks to the same list, so the user gets every error of the file at once.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    /// Rows that parsed.
    pub rows: Vec<T>,
    /// Errors of rows that did not.
    pub errors: Vec<ImportError>,
    /// The references of rows that did not parse, for the checks against the library.
    pub refs: Vec<RowRef>,
}

/// What a row that did not parse refers to — its project code or its unit, as written — so the
/// checks against the library still run on it and the user hears of every error of the row at once,
/// not of the unreadable cells first and of the unknown project on the next try.
#[derive(Debug, Clone, PartialEq)]
pub struct RowRef {
    /// Row number in the file.
    pub row: usize,
    /// The text of the reference (a project code in a report file, a unit in a project file).
    pub text: String,
}

/// Sorts errors by row (stable, so each row's errors keep their column order).
pub fn sort_errors(errors: &mut [ImportError]) {
    errors.sort_by_key(|e| e.row);
}

/// A unit row from an import file.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    /// Row number.
    pub row: usize,
    /// 单位编码.
    pub code: String,
    /// 单位名称.
    pub name: String,
    /// 上级单位编码 (code or exact name), empty for the root.
    pub parent: String,
    /// 单位类型.
    pub kind: UnitKind,
}

/// A project row from an import file; the unit is still a reference (code or exact name).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectRow {
    /// Row number.
    pub row: usize,
    /// 责任单位 as written.
    pub unit: String,
    /// The fields.
    pub fields: ProjectFields,
}

/// A planning quota row from an import file; the unit is still a reference (code or exact name).
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaRow {
    /// Row number.
    pub row: usize,
    /// 单位编码 as written.
    pub unit: String,
    /// 年度.
    pub year: i32,
    /// 策划项目数, 策划总投资, 大块头项目数.
    pub quota: crate::planning::Quota,
}

/// A progress report row from an import file.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    /// Row number.
    pub row: usize,
    /// 项目编码.
    pub project_code: String,
    /// 填报期.
    pub period: Period,
    /// 本期完成投资.
    pub investment: Yuan,
    /// 形象进度.
    pub progress: String,
    /// 存在问题.
    pub problems: String,
}

/// An indicator row of the catalogue import.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorImportRow {
    /// Row number.
    pub row: usize,
    /// The indicator.
    pub indicator: crate::indicator::Indicator,
}

/// A target row: indicator code, year, target.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    /// Row number.
    pub row: usize,
    /// 指标编码.
    pub code: String,
    /// 年度.
    pub year: i32,
    /// 目标值.
    pub target: f64,
}

/// An indicator value row: region, indicator, period, level, growth.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorValueRow {
    /// Row number.
    pub row: usize,
    /// 地区 (unit code or exact name).
    pub region: String,
    /// 指标 (code or exact name).
    pub indicator: String,
    /// 期别.
    pub period: crate::indicator::StatPeriod,
    /// 数值.
    pub level: Option<f64>,
    /// 增速(%).
    pub growth: Option<f64>,
}

/// Formats an optional date for messages.
pub fn date_text(d: Option<Date>) -> String {
    d.map(crate::period::fmt_date).unwrap_or_default()
}
