//! Indicators (指标) and their statistical periods: the catalogue entries the province ranks cities on,
//! and the year-to-date periods their values are published for.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::project::coded_enum;

coded_enum! {
    /// How an indicator is ranked (类型).
    IndicatorKind {
        /// 增速: a cumulative growth rate; ranked on the growth.
        Growth = ("growth", "增速"),
        /// 总量: ranked on the value itself.
        Level = ("level", "总量"),
    }
}

coded_enum! {
    /// Which way is better (方向).
    Direction {
        /// 正向: higher is better.
        Higher = ("higher", "正向"),
        /// 逆向: lower is better (e.g. energy use per unit of GDP).
        Lower = ("lower", "逆向"),
    }
}

impl Direction {
    /// Whether metric `a` is strictly better than `b`.
    pub fn better(self, a: f64, b: f64) -> bool {
        match self {
            Direction::Higher => a > b,
            Direction::Lower => a < b,
        }
    }
}

/// An indicator of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// 指标编码.
    pub code: String,
    /// 指标名称.
    pub name: String,
    /// 计量单位 (亿元, %, 万千瓦时 …).
    pub unit: String,
    /// 类型.
    pub kind: IndicatorKind,
    /// 方向.
    pub direction: Direction,
}

/// A statistical period (期别). Values are cumulative from the start of the year: `2026-03` means
/// January–March, `2026-Q2` the first half, `2026-H2` the whole year, `2026` the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatPeriod {
    /// Month `YYYY-MM`.
    Month { year: i32, month: u8 },
    /// Quarter `YYYY-Qn`.
    Quarter { year: i32, quarter: u8 },
    /// Half year `YYYY-H1` / `YYYY-H2`.
    Half { year: i32, half: u8 },
    /// Year `YYYY`.
    Year { year: i32 },
}

/// Growth rates a value may carry, in percent: from a fall to nothing to an elevenfold rise.
pub const GROWTH_PCT: std::ops::RangeInclusive<f64> = -100.0..=1000.0;
/// The largest level a value may carry (in its indicator's unit).
pub const LEVEL_MAX: f64 = 1e15;

/// Checks one value before it is kept: a period that has begun by `today`, a finite level within
/// ±[`LEVEL_MAX`], a growth within [`GROWTH_PCT`]. Returns (field, reason) pairs.
pub fn check_value(
    period: StatPeriod,
    level: Option<f64>,
    growth: Option<f64>,
    today: time::Date,
) -> Vec<(&'static str, String)> {
    let mut errs = Vec::new();
    // A huge figure reads better in exponent form than as its 309 digits.
    let show = |v: f64| {
        if v.abs() >= 1e9 {
            format!("{v:e}")
        } else {
            format!("{v}")
        }
    };
    if period.first_day() > today {
        errs.push(("期别", format!("{period} 尚未开始，不能录入数值")));
    }
    if let Some(l) = level.filter(|l| !l.is_finite() || l.abs() > LEVEL_MAX) {
        errs.push((
            "数值",
            format!("{} 超出范围（绝对值不超过 10^15）", show(l)),
        ));
    }
    if let Some(g) = growth.filter(|g| !g.is_finite() || !GROWTH_PCT.contains(g)) {
        errs.push(("增速(%)", format!("{} 超出范围（-100 至 1000）", show(g))));
    }
    errs
}

/// Why a period string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("期别“{0}”格式不正确，应为 YYYY-MM（月）、YYYY-Qn（季）、YYYY-H1/H2（半年）或 YYYY（年）")]
pub struct StatPeriodError(pub String);

impl StatPeriod {
    /// Parses `2026-03`, `2026-Q1`, `2026-H1`, `2026`.
    pub fn parse(s: &str) -> Result<StatPeriod, StatPeriodError> {
        let t = s.trim();
        let err = || StatPeriodError(s.to_string());
        let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        let (y, rest) = match t.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (t.trim_end_matches('年'), None),
        };
        if y.len() != 4 || !digits(y) {
            return Err(err());
        }
        let year: i32 = y.parse().map_err(|_| err())?;
        if !(2000..=2100).contains(&year) {
            return Err(err());
        }
        let Some(rest) = rest else {
            return Ok(StatPeriod::Year { year });
        };
        let upper = rest.to_ascii_uppercase();
        if let Some(q) = upper.strip_prefix('Q') {
            match q {
                "1" | "2" | "3" | "4" => Ok(StatPeriod::Quarter {
                    year,
                    quarter: q.parse().map_err(|_| err())?,
                }),
                _ => Err(err()),
            }
        } else if let Some(h) = upper.strip_prefix('H') {
            match h {
                "1" | "2" => Ok(StatPeriod::Half {
                    year,
                    half: h.parse().map_err(|_| err())?,
                }),
                _ => Err(err()),
            }
        } else if rest.len() == 2 && digits(rest) {
            let month: u8 = rest.parse().map_err(|_| err())?;
            if (1..=12).contains(&month) {
                Ok(StatPeriod::Month { year, month })
            } else {
                Err(err())
            }
        } else {
            Err(err())
        }
    }

    /// The first day of the period.
    pub fn first_day(self) -> time::Date {
        let (year, month) = match self {
            StatPeriod::Month { year, month } => (year, month),
            StatPeriod::Quarter { year, quarter } => (year, quarter * 3 - 2),
            StatPeriod::Half { year, half } => (year, half * 6 - 5),
            StatPeriod::Year { year } => (year, 1),
        };
        time::Month::try_from(month)
            .ok()
            .and_then(|m| time::Date::from_calendar_date(year, m, 1).ok())
            .unwrap_or(time::Date::MIN)
    }

    /// The year.
    pub fn year(self) -> i32 {
        match self {
            StatPeriod::Month { year, .. }
            | StatPeriod::Quarter { year, .. }
            | StatPeriod::Half { year, .. }
            | StatPeriod::Year { year } => year,
        }
    }

    /// The previous period of the same kind: the month before, the quarter before (Q1 follows last
    /// year's Q4), the half before (H1 follows last year's H2), the year before.
    pub fn prev(self) -> StatPeriod {
        match self {
            StatPeriod::Month { year, month: 1 } => StatPeriod::Month {
                year: year - 1,
                month: 12,
            },
            StatPeriod::Month { year, month } => StatPeriod::Month {
                year,
                month: month - 1,
            },
            StatPeriod::Quarter { year, quarter: 1 } => StatPeriod::Quarter {
                year: year - 1,
                quarter: 4,
            },
            StatPeriod::Quarter { year, quarter } => StatPeriod::Quarter {
                year,
                quarter: quarter - 1,
            },
            StatPeriod::Half { year, half: 1 } => StatPeriod::Half {
                year: year - 1,
                half: 2,
            },
            StatPeriod::Half { year, .. } => StatPeriod::Half { year, half: 1 },
            StatPeriod::Year { year } => StatPeriod::Year { year: year - 1 },
        }
    }

    /// The `n` periods of the same kind ending with this one, oldest first.
    pub fn history(self, n: usize) -> Vec<StatPeriod> {
        let mut v = vec![self];
        while v.len() < n {
            let p = v.last().expect("non-empty").prev();
            v.push(p);
        }
        v.reverse();
        v
    }

    /// Storage code of the kind: `M`, `Q`, `H`, `Y`.
    pub fn kind_code(self) -> &'static str {
        match self {
            StatPeriod::Month { .. } => "M",
            StatPeriod::Quarter { .. } => "Q",
            StatPeriod::Half { .. } => "H",
            StatPeriod::Year { .. } => "Y",
        }
    }

    /// How a notice names the period: 2026年1—3月, 2026年一季度, 2026年上半年, 2026年.
    pub fn zh(self) -> String {
        const Q: [&str; 4] = ["一", "二", "三", "四"];
        match self {
            StatPeriod::Month { year, month: 1 } => format!("{year}年1月"),
            StatPeriod::Month { year, month } => format!("{year}年1—{month}月"),
            StatPeriod::Quarter { year, quarter: 4 } => format!("{year}年全年"),
            StatPeriod::Quarter { year, quarter: 1 } => format!("{year}年一季度"),
            StatPeriod::Quarter { year, quarter } => {
                format!("{year}年前{}季度", Q[quarter as usize - 1])
            }
            StatPeriod::Half { year, half: 1 } => format!("{year}年上半年"),
            StatPeriod::Half { year, .. } => format!("{year}年全年"),
            StatPeriod::Year { year } => format!("{year}年"),
        }
    }
}

impl fmt::Display for StatPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatPeriod::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            StatPeriod::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            StatPeriod::Half { year, half } => write!(f, "{year:04}-H{half}"),
            StatPeriod::Year { year } => write!(f, "{year:04}"),
        }
    }
}

impl Serialize for StatPeriod {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Parses a decimal number as users type it in a statistics sheet (`8.5`, `-2.1`, `1,234.5`), also
/// with the full-width digits and the typographic minus sign (−) that Chinese documents carry.
pub fn parse_number(s: &str) -> Option<f64> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '−' | '－' => '-',
            '＋' => '+',
            '％' => '%',
            c => c,
        })
        .collect();
    let t = t.trim_end_matches('%');
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind() {
        for s in ["2026-03", "2026-Q1", "2026-H2", "2026"] {
            assert_eq!(StatPeriod::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(StatPeriod::parse("2026-q3").unwrap().to_string(), "2026-Q3");
        for bad in [
            "2026-Q5", "2026-H3", "2026-13", "26", "2026-3", "2026Q1", "",
        ] {
            assert!(StatPeriod::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn previous_periods() {
        let p = |s| StatPeriod::parse(s).unwrap();
        assert_eq!(p("2026-Q1").prev(), p("2025-Q4"));
        assert_eq!(p("2026-Q3").prev(), p("2026-Q2"));
        assert_eq!(p("2026-01").prev(), p("2025-12"));
        assert_eq!(p("2026-07").prev(), p("2026-06"));
        assert_eq!(p("2026-H1").prev(), p("2025-H2"));
        assert_eq!(p("2026-H2").prev(), p("2026-H1"));
        assert_eq!(p("2026").prev(), p("2025"));
        assert_eq!(
            p("2026-Q2").history(3),
            [p("2025-Q4"), p("2026-Q1"), p("2026-Q2")]
        );
    }

    #[test]
    fn chinese_names() {
        let p = |s| StatPeriod::parse(s).unwrap().zh();
        assert_eq!(p("2026-Q1"), "2026年一季度");
        assert_eq!(p("2026-Q3"), "2026年前三季度");
        assert_eq!(p("2026-05"), "2026年1—5月");
        assert_eq!(p("2026-H1"), "2026年上半年");
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("8.5"), Some(8.5));
        assert_eq!(parse_number("-2.1%"), Some(-2.1));
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("1e5"), None);
        assert_eq!(parse_number("−3.5"), Some(-3.5));
        assert_eq!(parse_number("６．２％"), Some(6.2));
    }

    #[test]
    fn direction() {
        assert!(Direction::Higher.better(2.0, 1.0));
        assert!(Direction::Lower.better(1.0, 2.0));
        assert!(!Direction::Lower.better(1.0, 1.0));
    }
}
