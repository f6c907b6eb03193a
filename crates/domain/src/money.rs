//! Money. Stored as an integer number of yuan; entered and shown in 万元 (ten thousand yuan) with at most
//! two decimals, i.e. in steps of 100 yuan. Parsing is done on the decimal text, never through a float,
//! so "0.07" is exactly 700 yuan.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount of money in yuan.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Yuan(pub i64);

/// Yuan in one 万元.
pub const YUAN_PER_WAN: i64 = 10_000;

/// The largest amount any money field holds: 1 万亿元 (10^12 yuan), above any single project. With
/// every amount bounded so, a sum of all reports of a province for decades stays far inside `i64`
/// (4.6 million reports × 10^12 < 9.2 × 10^18); the arithmetic below saturates rather than wraps
/// all the same, so no input can turn a total negative.
pub const MAX_YUAN: i64 = 1_000_000_000_000;

/// Why a money value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not a number at all.
    #[error("“{0}”不是数字")]
    NotANumber(String),
    /// Below zero.
    #[error("金额不能为负数（{0}）")]
    Negative(String),
    /// More than two decimals of 万元.
    #[error("金额“{0}”最多保留两位小数（单位：万元）")]
    TooPrecise(String),
    /// Too large to be a real amount.
    #[error("金额“{0}”超过上限 1 万亿元（100000000 万元）")]
    TooLarge(String),
    /// Thousands separators not in groups of three.
    #[error("金额“{0}”的千分位分隔符位置不对（应为 1,234.5 这样每三位一个）")]
    BadSeparators(String),
}

impl Yuan {
    /// Zero.
    pub const ZERO: Yuan = Yuan(0);

    /// Parses an amount in 万元 from text: `1234`, `1,234.5`, `0.07`. Negative amounts are refused.
    pub fn parse_wan(s: &str) -> Result<Yuan, MoneyError> {
        let trimmed = s.trim();
        // Separators only between groups of three digits of the integer part: "1,234.5", not "1,2,3".
        if trimmed.contains([',', '，']) {
            let int_part = trimmed
                .trim_start_matches(['-', '+'])
                .split('.')
                .next()
                .unwrap_or("");
            let groups: Vec<&str> = int_part.split([',', '，']).collect();
            let ok = groups.len() > 1
                && (1..=3).contains(&groups[0].len())
                && groups[1..].iter().all(|g| g.len() == 3)
                && !trimmed
                    .split('.')
                    .nth(1)
                    .is_some_and(|f| f.contains([',', '，']));
            if !ok {
                return Err(MoneyError::BadSeparators(s.to_string()));
            }
        }
        let t: String = trimmed
            .chars()
            .filter(|c| *c != ',' && *c != '，')
            .collect();
        if t.is_empty() {
            return Err(MoneyError::NotANumber(s.to_string()));
        }
        let (neg, body) = match t.strip_prefix('-') {
            Some(b) => (true, b),
            None => (false, t.strip_prefix('+').unwrap_or(&t)),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty() && frac.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(MoneyError::NotANumber(s.to_string()));
        }
        let frac_trimmed = frac.trim_end_matches('0');
        if frac_trimmed.len() > 2 {
            return Err(MoneyError::TooPrecise(s.to_string()));
        }
        if neg && (int.bytes().any(|b| b != b'0') || !frac_trimmed.is_empty()) {
            return Err(MoneyError::Negative(s.to_string()));
        }
        let int_v: i64 = if int.is_empty() {
            0
        } else if int.len() > 12 {
            return Err(MoneyError::TooLarge(s.to_string()));
        } else {
            int.parse()
                .map_err(|_| MoneyError::NotANumber(s.to_string()))?
        };
        let mut cents: i64 = 0;
        for (i, b) in frac_trimmed.bytes().enumerate() {
            cents += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
        }
        let v = int_v * YUAN_PER_WAN + cents * 100;
        if v > MAX_YUAN {
            return Err(MoneyError::TooLarge(s.to_string()));
        }
        Ok(Yuan(v))
    }

    /// Converts a spreadsheet number in 万元. A cell holds a binary float, so a value within 1e-6 of a
    /// multiple of 0.01 is taken as that multiple; anything else has too many decimals.
    pub fn from_wan_f64(v: f64) -> Result<Yuan, MoneyError> {
        if !v.is_finite() {
            return Err(MoneyError::NotANumber(v.to_string()));
        }
        if v < 0.0 {
            return Err(MoneyError::Negative(v.to_string()));
        }
        if v > (MAX_YUAN / YUAN_PER_WAN) as f64 {
            return Err(MoneyError::TooLarge(v.to_string()));
        }
        let hundredths = (v * 100.0).round();
        if (v * 100.0 - hundredths).abs() > 1e-6 {
            return Err(MoneyError::TooPrecise(v.to_string()));
        }
        Ok(Yuan(hundredths as i64 * 100))
    }

    /// The amount in 万元 as a float, for JSON and charts.
    pub fn wan(self) -> f64 {
        self.0 as f64 / YUAN_PER_WAN as f64
    }

    /// The amount in 万元 with exactly two decimals, as text: `1234.50`.
    pub fn wan_text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        let w = a / YUAN_PER_WAN as u64;
        let rest = a % YUAN_PER_WAN as u64;
        // Round half up to hundredths of 万元 (100 yuan).
        let mut cents = (rest + 50) / 100;
        let mut w = w;
        if cents == 100 {
            w += 1;
            cents = 0;
        }
        format!("{sign}{w}.{cents:02}")
    }
}

impl fmt::Display for Yuan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.wan_text())
    }
}

impl std::ops::Add for Yuan {
    type Output = Yuan;
    fn add(self, o: Yuan) -> Yuan {
        Yuan(self.0.saturating_add(o.0))
    }
}

impl std::ops::AddAssign for Yuan {
    fn add_assign(&mut self, o: Yuan) {
        self.0 = self.0.saturating_add(o.0);
    }
}

impl std::ops::Sub for Yuan {
    type Output = Yuan;
    fn sub(self, o: Yuan) -> Yuan {
        Yuan(self.0.saturating_sub(o.0))
    }
}

impl std::iter::Sum for Yuan {
    fn sum<I: Iterator<Item = Yuan>>(it: I) -> Yuan {
        it.fold(Yuan::ZERO, |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_wan_exactly() {
        assert_eq!(Yuan::parse_wan("1234").unwrap(), Yuan(12_340_000));
        assert_eq!(Yuan::parse_wan("0.07").unwrap(), Yuan(700));
        assert_eq!(Yuan::parse_wan("1,234.5").unwrap(), Yuan(12_345_000));
        assert_eq!(Yuan::parse_wan(".5").unwrap(), Yuan(5_000));
        assert_eq!(Yuan::parse_wan("12.340").unwrap(), Yuan(123_400));
        assert_eq!(Yuan::parse_wan("0").unwrap(), Yuan(0));
        assert_eq!(Yuan::parse_wan("-0").unwrap(), Yuan(0));
    }

    #[test]
    fn refuses_bad_money() {
        assert!(matches!(
            Yuan::parse_wan("-1"),
            Err(MoneyError::Negative(_))
        ));
        assert!(matches!(
            Yuan::parse_wan("1.234"),
            Err(MoneyError::TooPrecise(_))
        ));
        assert!(matches!(
            Yuan::parse_wan("一百"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Yuan::parse_wan(""),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Yuan::parse_wan("1e5"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Yuan::parse_wan("."),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Yuan::parse_wan("9999999999999"),
            Err(MoneyError::TooLarge(_))
        ));
        // The largest amount is 1 万亿元.
        assert_eq!(
            Yuan::parse_wan("100000000").unwrap(),
            Yuan(MAX_YUAN),
            "1 万亿元 itself"
        );
        assert!(matches!(
            Yuan::parse_wan("100000000.01"),
            Err(MoneyError::TooLarge(_))
        ));
        assert!(matches!(
            Yuan::parse_wan("999,999,999,999.99"),
            Err(MoneyError::TooLarge(_))
        ));
        assert!(Yuan::from_wan_f64(100_000_000.01).is_err());
        // Separators in groups of three only.
        assert!(matches!(
            Yuan::parse_wan("1,2,3"),
            Err(MoneyError::BadSeparators(_))
        ));
        assert!(matches!(
            Yuan::parse_wan("12,34"),
            Err(MoneyError::BadSeparators(_))
        ));
        assert!(matches!(
            Yuan::parse_wan(",123"),
            Err(MoneyError::BadSeparators(_))
        ));
        assert_eq!(
            Yuan::parse_wan("1,234,567.5").unwrap(),
            Yuan(12_345_675_000)
        );
        assert_eq!(Yuan::parse_wan("1，234").unwrap(), Yuan(12_340_000));
    }

    #[test]
    fn sums_never_wrap() {
        let big = Yuan(i64::MAX - 1);
        assert_eq!(big + Yuan(10), Yuan(i64::MAX));
        assert_eq!([big, big, big].into_iter().sum::<Yuan>(), Yuan(i64::MAX));
        let mut t = big;
        t += big;
        assert!(t.0 > 0);
    }

    #[test]
    fn spreadsheet_floats() {
        assert_eq!(Yuan::from_wan_f64(0.07).unwrap(), Yuan(700));
        assert_eq!(Yuan::from_wan_f64(1234.56).unwrap(), Yuan(12_345_600));
        assert!(Yuan::from_wan_f64(1.005).is_err());
        assert!(Yuan::from_wan_f64(-0.01).is_err());
    }

    #[test]
    fn prints_two_decimals() {
        assert_eq!(Yuan(12_345_600).wan_text(), "1234.56");
        assert_eq!(Yuan(700).wan_text(), "0.07");
        assert_eq!(Yuan(9_999_950).wan_text(), "1000.00");
        assert_eq!(Yuan(0).to_string(), "0.00");
    }
}
