//! Reporting periods (填报期) and calendar helpers.
//!
//! A progress report is filed for an ISO week (`2026-W07`) or a calendar month (`2026-03`). Every status
//! rule dates a period by its **last day**: the Sunday of an ISO week, the last day of a month. Note that
//! an ISO week belongs to its ISO year, so `2026-W01` starts on Monday 2025-12-29 and ends on Sunday
//! 2026-01-04 — its last day, and therefore the year it counts in, is 2026.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Month, Weekday};

/// A period a report can be filed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// ISO week `YYYY-Www` (ISO year, week 1..=52 or 53).
    Week { year: i32, week: u8 },
    /// Calendar month `YYYY-MM`.
    Month { year: i32, month: u8 },
}

/// The kind of a period, stored next to it so that queries can tell weekly from monthly reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    /// ISO week.
    Week,
    /// Calendar month.
    Month,
}

impl PeriodKind {
    /// Storage code: `W` or `M`.
    pub fn code(self) -> &'static str {
        match self {
            PeriodKind::Week => "W",
            PeriodKind::Month => "M",
        }
    }
}

/// Why a period string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "填报期“{0}”格式不正确，应为 YYYY-Www（ISO 周，如 2026-W07）或 YYYY-MM（月份，如 2026-03），年份在 2000 至 2100 之间"
)]
pub struct PeriodError(pub String);

impl Period {
    /// Parses `YYYY-Www` or `YYYY-MM`; rejects week numbers the ISO year does not have and months out of
    /// range.
    pub fn parse(s: &str) -> Result<Period, PeriodError> {
        let t = s.trim();
        let err = || PeriodError(s.to_string());
        let (y, rest) = t.split_once('-').ok_or_else(err)?;
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let year: i32 = y.parse().map_err(|_| err())?;
        if !(2000..=2100).contains(&year) {
            return Err(err());
        }
        if let Some(w) = rest.strip_prefix('W').or_else(|| rest.strip_prefix('w')) {
            if w.len() != 2 || !w.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            let week: u8 = w.parse().map_err(|_| err())?;
            if week == 0 || week > time::util::weeks_in_year(year) {
                return Err(err());
            }
            Ok(Period::Week { year, week })
        } else {
            if rest.len() != 2 || !rest.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            let month: u8 = rest.parse().map_err(|_| err())?;
            if !(1..=12).contains(&month) {
                return Err(err());
            }
            Ok(Period::Month { year, month })
        }
    }

    /// The kind of this period.
    pub fn kind(self) -> PeriodKind {
        match self {
            Period::Week { .. } => PeriodKind::Week,
            Period::Month { .. } => PeriodKind::Month,
        }
    }

    /// First day of the period.
    pub fn first_day(self) -> Date {
        match self {
            Period::Week { year, week } => {
                Date::from_iso_week_date(year, week, Weekday::Monday).expect("validated ISO week")
            }
            Period::Month { year, month } => {
                Date::from_calendar_date(year, month_of(month), 1).expect("validated month")
            }
        }
    }

    /// Last day of the period: the date every status rule uses for it.
    pub fn last_day(self) -> Date {
        match self {
            Period::Week { year, week } => {
                Date::from_iso_week_date(year, week, Weekday::Sunday).expect("validated ISO week")
            }
            Period::Month { year, month } => {
                let m = month_of(month);
                Date::from_calendar_date(year, m, m.length(year)).expect("validated month")
            }
        }
    }

    /// The ISO week containing `d`.
    pub fn week_of(d: Date) -> Period {
        let (year, week, _) = d.to_iso_week_date();
        Period::Week { year, week }
    }

    /// The month containing `d`.
    pub fn month_of(d: Date) -> Period {
        Period::Month {
            year: d.year(),
            month: d.month() as u8,
        }
    }

    /// The period of the same kind right after this one.
    pub fn next(self) -> Period {
        let after = self.last_day() + time::Duration::days(1);
        match self {
            Period::Week { .. } => Period::week_of(after),
            Period::Month { .. } => Period::month_of(after),
        }
    }

    /// The period of the same kind right before this one.
    pub fn prev(self) -> Period {
        match self {
            Period::Week { .. } => Period::week_of(self.first_day() - time::Duration::days(1)),
            Period::Month { .. } => Period::month_of(self.first_day() - time::Duration::days(1)),
        }
    }
}

fn month_of(m: u8) -> Month {
    Month::try_from(m).expect("validated month")
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Week { year, week } => write!(f, "{year:04}-W{week:02}"),
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s)
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Period::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Why a date string was refused: not written as a date, or a date that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not in a date's form.
    #[error("日期“{0}”格式不正确，应为 YYYY-MM-DD 或 YYYY/M/D")]
    Format(String),
    /// In a date's form, but no such day (`2026/2/30`).
    #[error("日期“{0}”不存在：{1}年{2}月只有{3}天")]
    NoSuchDay(String, i32, u8, u8),
}

/// Parses a calendar date as users type it: `2026-03-05`, `2026/3/5`, `2026-3-5`, `2026.3.5`.
pub fn parse_date(s: &str) -> Result<Date, DateError> {
    let t = s.trim();
    let err = || DateError::Format(s.to_string());
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    if parts.len() != 3 || parts[0].len() != 4 {
        return Err(err());
    }
    let num = |p: &str| -> Result<u32, DateError> {
        if p.is_empty() || p.len() > 2 && p.len() != 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        p.parse().map_err(|_| err())
    };
    let y = num(parts[0])? as i32;
    let m = num(parts[1])?;
    let d = num(parts[2])?;
    if parts[1].len() > 2 || parts[2].len() > 2 || !(1..=12).contains(&m) {
        return Err(err());
    }
    let month = Month::try_from(m as u8).map_err(|_| err())?;
    if d == 0 {
        return Err(err());
    }
    Date::from_calendar_date(y, month, d as u8)
        .map_err(|_| DateError::NoSuchDay(s.trim().to_string(), y, m as u8, month.length(y)))
}

/// Formats a date as `YYYY-MM-DD`, the storage and display form.
pub fn fmt_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// Formats a date the way official documents write it: `2026年4月20日`.
pub fn fmt_date_zh(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month() as u8, d.day())
}

/// Converts an Excel serial date (1900 date system, with Excel's phantom 1900-02-29) to a date.
pub fn from_excel_serial(serial: f64) -> Option<Date> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Serial 60 is the non-existent 1900-02-29; from 61 on, day 0 is 1899-12-30.
    let base = if days >= 61 {
        Date::from_calendar_date(1899, Month::December, 30).ok()?
    } else {
        Date::from_calendar_date(1899, Month::December, 31).ok()?
    };
    base.checked_add(time::Duration::days(days))
}

/// Number of days in year `y` (366 in a leap year).
pub fn days_in_year(y: i32) -> u16 {
    time::util::days_in_year(y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn parses_and_prints_weeks_and_months() {
        assert_eq!(Period::parse("2026-W07").unwrap().to_string(), "2026-W07");
        assert_eq!(Period::parse("2026-03").unwrap().to_string(), "2026-03");
        assert_eq!(
            Period::parse(" 2026-w7 ").ok(),
            None,
            "week needs two digits"
        );
        for bad in [
            "2026-W00", "2025-W53", "2026-13", "2026-00", "26-03", "2026/03", "2026-W", "abc",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad} should be refused");
        }
        // 2026 has 53 ISO weeks (it starts on a Thursday).
        assert!(Period::parse("2026-W53").is_ok());
    }

    #[test]
    fn iso_week_one_can_start_in_december() {
        let w = Period::parse("2026-W01").unwrap();
        assert_eq!(w.first_day(), date!(2025 - 12 - 29));
        assert_eq!(w.last_day(), date!(2026 - 01 - 04));
        // And the last week of 2026 ends in January 2027.
        let w53 = Period::parse("2026-W53").unwrap();
        assert_eq!(w53.last_day(), date!(2027 - 01 - 03));
        assert_eq!(Period::week_of(date!(2025 - 12 - 31)), w);
    }

    #[test]
    fn month_last_days_respect_leap_years() {
        assert_eq!(
            Period::parse("2024-02").unwrap().last_day(),
            date!(2024 - 02 - 29)
        );
        assert_eq!(
            Period::parse("2026-02").unwrap().last_day(),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            Period::parse("2026-12").unwrap().last_day(),
            date!(2026 - 12 - 31)
        );
        assert_eq!(
            Period::parse("2026-01").unwrap().prev().to_string(),
            "2025-12"
        );
        assert_eq!(
            Period::parse("2026-W01").unwrap().prev().to_string(),
            "2025-W52"
        );
    }

    #[test]
    fn dates_in_user_forms() {
        assert_eq!(parse_date("2026-03-05").unwrap(), date!(2026 - 03 - 05));
        assert_eq!(parse_date("2026/3/5").unwrap(), date!(2026 - 03 - 05));
        assert_eq!(parse_date("2024/2/29").unwrap(), date!(2024 - 02 - 29));
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "20260305",
            "2026-3",
            "",
            "2026-03-05x",
        ] {
            assert!(parse_date(bad).is_err(), "{bad} should be refused");
        }
        // A date in the right form that does not exist says so, not that the form is wrong.
        assert_eq!(
            parse_date("2026/2/30").unwrap_err().to_string(),
            "日期“2026/2/30”不存在：2026年2月只有28天"
        );
        assert!(parse_date("2026/2/x")
            .unwrap_err()
            .to_string()
            .contains("格式不正确"));
    }

    #[test]
    fn excel_serials() {
        assert_eq!(from_excel_serial(1.0), Some(date!(1900 - 01 - 01)));
        assert_eq!(from_excel_serial(59.0), Some(date!(1900 - 02 - 28)));
        assert_eq!(from_excel_serial(61.0), Some(date!(1900 - 03 - 01)));
        assert_eq!(from_excel_serial(46082.0), Some(date!(2026 - 03 - 01)));
        assert_eq!(from_excel_serial(-3.0), None);
    }
}
