//! The reporting calendar (填报日历): which days are working days, and when each report is due.
//!
//! Working days are Monday to Friday, except the days the State Council's holiday arrangement gives
//! off (放假), plus the weekend days it makes working days (调休上班). A year's arrangement is data the
//! administrator enters ([`parse_year`]); [`EXAMPLE_2026`] is shipped as the example.
//!
//! A period's deadline is set by the office ([`DeadlineRules`]): weekly reports on a day counted from
//! the week's Monday (the Friday of the week, the Monday after …), monthly reports on a day of the next
//! month, indicator values on a day of the month after their period; all by the same hour. A deadline
//! that falls on a day off moves to the next working day. The rules in force when a report arrives
//! decide whether it was on time; that flag is stored with it and is not recomputed when the rules or
//! the holidays change later.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, PrimitiveDateTime, Time, Weekday};

use crate::period::{fmt_date, parse_date};
use crate::Period;

/// What the arrangement says of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DayKind {
    /// 放假: a day off (a holiday, or a weekday given off in exchange).
    Off,
    /// 调休上班: a weekend day worked.
    Work,
}

impl DayKind {
    /// Storage code: `off` or `work`.
    pub fn code(self) -> &'static str {
        match self {
            DayKind::Off => "off",
            DayKind::Work => "work",
        }
    }

    /// From the storage code.
    pub fn from_code(s: &str) -> Option<DayKind> {
        match s {
            "off" => Some(DayKind::Off),
            "work" => Some(DayKind::Work),
            _ => None,
        }
    }

    /// The word used in the arrangement and in the entry lines: 休 or 班.
    pub fn zh(self) -> &'static str {
        match self {
            DayKind::Off => "休",
            DayKind::Work => "班",
        }
    }
}

/// One day of the arrangement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SpecialDay {
    /// The date.
    #[schema(value_type = String, example = "2026-10-01")]
    #[serde(serialize_with = "crate::calendar::ser_date")]
    pub day: Date,
    /// Off or worked.
    pub kind: DayKind,
    /// The holiday it belongs to (国庆节), in Chinese.
    pub name: String,
}

pub(crate) fn ser_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&fmt_date(*d))
}

/// The office's deadline rules (settings `reporting.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeadlineRules {
    /// Weekly reports: the day counted from the week's Monday (1 = that Monday, 5 = its Friday, 8 = the
    /// Monday after, up to 14).
    pub weekly_day: u8,
    /// Monthly reports: the day of the next month (1–28).
    pub monthly_day: u8,
    /// Indicator values: the day of the month after their period (1–28).
    pub indicator_day: u8,
    /// Reports are on time when they arrive before this hour of the deadline day (1–24; 24 = by the
    /// end of the day).
    pub hour: u8,
}

impl Default for DeadlineRules {
    /// The rules before they were settings: a week's report by the end of the Monday after, a month's by
    /// the end of the 1st of the next month; indicator values by the 15th.
    fn default() -> Self {
        DeadlineRules {
            weekly_day: 8,
            monthly_day: 1,
            indicator_day: 15,
            hour: 24,
        }
    }
}

/// A deadline: the day, and the hour of it by which a report is on time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Deadline {
    /// The working day it falls on.
    pub day: Date,
    /// The hour (1–24).
    pub hour: u8,
    /// Moved off a day off onto this day.
    pub moved: bool,
}

impl Deadline {
    /// The instant (local time) from which a report is late.
    pub fn instant(self) -> PrimitiveDateTime {
        if self.hour >= 24 {
            PrimitiveDateTime::new(self.day + Duration::days(1), Time::MIDNIGHT)
        } else {
            PrimitiveDateTime::new(
                self.day,
                Time::from_hms(self.hour, 0, 0).expect("hour below 24"),
            )
        }
    }

    /// Whether something that arrived at `at` (local time) met it.
    pub fn met_by(self, at: PrimitiveDateTime) -> bool {
        at < self.instant()
    }

    /// `12月7日（周一）17:00`, or `12月7日（周一）` when the whole day counts.
    pub fn zh(self) -> String {
        let day = format!(
            "{}月{}日（{}）",
            self.day.month() as u8,
            self.day.day(),
            weekday_zh(self.day.weekday())
        );
        if self.hour >= 24 {
            day
        } else {
            format!("{day}{:02}:00", self.hour)
        }
    }
}

/// 周一 … 周日.
pub fn weekday_zh(w: Weekday) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][w.number_days_from_monday() as usize]
}

/// Working days and deadlines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportCalendar {
    special: BTreeMap<Date, (DayKind, String)>,
    /// The deadline rules.
    pub rules: DeadlineRules,
}

/// How far a deadline is moved at most in search of a working day: a calendar that gives a whole
/// month off is a data error, and the deadline then stays where it was.
const MAX_MOVE_DAYS: i64 = 31;

impl ReportCalendar {
    /// A calendar with these special days and rules.
    pub fn new(days: impl IntoIterator<Item = SpecialDay>, rules: DeadlineRules) -> Self {
        ReportCalendar {
            special: days
                .into_iter()
                .map(|s| (s.day, (s.kind, s.name)))
                .collect(),
            rules,
        }
    }

    /// Whether `d` is a working day.
    pub fn is_working(&self, d: Date) -> bool {
        match self.special.get(&d) {
            Some((DayKind::Off, _)) => false,
            Some((DayKind::Work, _)) => true,
            None => !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }

    /// The arrangement's entry for `d`, if any.
    pub fn special(&self, d: Date) -> Option<(DayKind, &str)> {
        self.special.get(&d).map(|(k, n)| (*k, n.as_str()))
    }

    /// The special days from `from` to `to`.
    pub fn special_between(&self, from: Date, to: Date) -> Vec<SpecialDay> {
        if from > to {
            return Vec::new();
        }
        self.special
            .range(from..=to)
            .map(|(d, (k, n))| SpecialDay {
                day: *d,
                kind: *k,
                name: n.clone(),
            })
            .collect()
    }

    /// Whether any day of `year` is entered.
    pub fn has_year(&self, year: i32) -> bool {
        self.special.keys().any(|d| d.year() == year)
    }

    /// `d` if it is a working day, else the next working day (and whether it moved).
    pub fn next_working(&self, d: Date) -> (Date, bool) {
        let mut x = d;
        for _ in 0..=MAX_MOVE_DAYS {
            if self.is_working(x) {
                return (x, x != d);
            }
            x = x.next_day().unwrap_or(x);
        }
        (d, false)
    }

    fn deadline_from(&self, nominal: Date) -> Deadline {
        let (day, moved) = self.next_working(nominal);
        Deadline {
            day,
            hour: self.rules.hour,
            moved,
        }
    }

    /// A report period's deadline.
    pub fn deadline(&self, p: Period) -> Deadline {
        let nominal = match p {
            Period::Week { .. } => {
                p.first_day() + Duration::days(i64::from(self.rules.weekly_day.clamp(1, 14)) - 1)
            }
            Period::Month { .. } => {
                let next = p.last_day() + Duration::days(1);
                next + Duration::days(i64::from(self.rules.monthly_day.clamp(1, 28)) - 1)
            }
        };
        self.deadline_from(nominal)
    }

    /// The deadline of indicator values for a period ending on `period_end`.
    pub fn indicator_deadline(&self, period_end: Date) -> Deadline {
        let next = period_end + Duration::days(1);
        self.deadline_from(
            next + Duration::days(i64::from(self.rules.indicator_day.clamp(1, 28)) - 1),
        )
    }

    /// Whether a report for `p` that arrived at `at` (local time) was on time.
    pub fn on_time(&self, p: Period, at: PrimitiveDateTime) -> bool {
        self.deadline(p).met_by(at)
    }

    /// Whether the report of `p` is due by `d`: the period has ended before D and its deadline day has
    /// passed.
    pub fn due_by(&self, p: Period, d: Date) -> bool {
        p.last_day() < d && self.deadline(p).day < d
    }

    /// The last Sunday whose week's report is due by `d` (see [`ReportCalendar::due_by`]). Deadlines
    /// never go back as weeks go on, so the weeks due by D are exactly those ending on or before it.
    pub fn weekly_due_through(&self, d: Date) -> Date {
        let before = d.previous_day().unwrap_or(d);
        let back = (before.weekday().number_days_from_monday() + 1) % 7;
        let mut sunday = before - Duration::days(i64::from(back));
        // 14 days of rule and a month of days off at most: a few weeks back.
        for _ in 0..8 {
            if self.deadline(Period::week_of(sunday)).day < d {
                return sunday;
            }
            sunday -= Duration::days(7);
        }
        sunday
    }
}

/// The State Council's arrangement for 2026 (国务院办公厅关于2026年部分节假日安排的通知), in the entry
/// lines [`parse_year`] reads: shipped as the example (`docs/examples/holidays-2026.txt`, the file
/// `diaodu calendar import` takes) and loaded by the demo.
pub const EXAMPLE_2026: &str = include_str!("../../../docs/examples/holidays-2026.txt");

/// The longest holiday name.
pub const NAME_MAX_CHARS: usize = 20;

/// Reads a year's arrangement, one entry a line: `日期 休|班 名称`, the date a day (`2026-10-01`) or a
/// span (`2026-10-01~2026-10-07`, also `至`), the parts separated by spaces, commas or tabs. Blank lines
/// and lines starting with `#` are skipped. Every line is checked; the errors name the line.
pub fn parse_year(year: i32, text: &str) -> Result<Vec<SpecialDay>, Vec<(usize, String)>> {
    let mut out: BTreeMap<Date, (DayKind, String, usize)> = BTreeMap::new();
    let mut errs = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、'))
            .filter(|s| !s.is_empty())
            .collect();
        if parts.len() < 3 {
            errs.push((
                n,
                "应为“日期 休/班 名称”三项，如 2026-10-01~2026-10-07 休 国庆节".into(),
            ));
            continue;
        }
        let (from_s, to_s) = match parts[0].split_once(['~', '～', '至']) {
            Some((a, b)) => (a, b),
            None => (parts[0], parts[0]),
        };
        let (from, to) = match (parse_date(from_s), parse_date(to_s)) {
            (Ok(a), Ok(b)) => (a, b),
            _ => {
                errs.push((
                    n,
                    format!("日期“{}”应为 2026-10-01 或 2026-10-01~2026-10-07", parts[0]),
                ));
                continue;
            }
        };
        if from > to {
            errs.push((
                n,
                format!("起日 {} 晚于止日 {}", fmt_date(from), fmt_date(to)),
            ));
            continue;
        }
        if from.year() != year || to.year() != year {
            errs.push((n, format!("日期应在 {year} 年内")));
            continue;
        }
        if (to - from).whole_days() > 31 {
            errs.push((n, "一段假期不能超过 31 天".into()));
            continue;
        }
        let kind = match parts[1] {
            "休" | "放假" | "off" => DayKind::Off,
            "班" | "上班" | "work" => DayKind::Work,
            other => {
                errs.push((n, format!("类型“{other}”应为“休”或“班”")));
                continue;
            }
        };
        let name = parts[2..].join(" ");
        if name.chars().count() > NAME_MAX_CHARS || name.chars().any(char::is_control) {
            errs.push((n, format!("名称不能超过 {NAME_MAX_CHARS} 个字")));
            continue;
        }
        let mut d = from;
        loop {
            if kind == DayKind::Work && !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
            {
                errs.push((
                    n,
                    format!(
                        "{}是{}，本就上班：调休上班日应为周六或周日",
                        fmt_date(d),
                        weekday_zh(d.weekday())
                    ),
                ));
                break;
            }
            if let Some((_, _, other)) = out.get(&d) {
                errs.push((n, format!("{} 与第 {other} 行重复", fmt_date(d))));
                break;
            }
            out.insert(d, (kind, name.clone(), n));
            if d == to {
                break;
            }
            d = d.next_day().expect("within the year");
        }
    }
    if errs.is_empty() {
        Ok(out
            .into_iter()
            .map(|(day, (kind, name, _))| SpecialDay { day, kind, name })
            .collect())
    } else {
        Err(errs)
    }
}

/// A year's arrangement written as entry lines, consecutive days of one kind and name as a span: what
/// [`parse_year`] reads back.
pub fn format_year(days: &[SpecialDay]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < days.len() {
        let mut j = i;
        while j + 1 < days.len()
            && days[j + 1].kind == days[i].kind
            && days[j + 1].name == days[i].name
            && days[j + 1].day == days[j].day + Duration::days(1)
        {
            j += 1;
        }
        let span = if i == j {
            fmt_date(days[i].day)
        } else {
            format!("{}~{}", fmt_date(days[i].day), fmt_date(days[j].day))
        };
        out.push_str(&format!("{span} {} {}\n", days[i].kind.zh(), days[i].name));
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn cn2026(rules: DeadlineRules) -> ReportCalendar {
        ReportCalendar::new(parse_year(2026, EXAMPLE_2026).unwrap(), rules)
    }

    #[test]
    fn the_example_reads_and_writes_back() {
        let days = parse_year(2026, EXAMPLE_2026).unwrap();
        assert_eq!(
            days.iter().filter(|d| d.kind == DayKind::Off).count(),
            3 + 9 + 3 + 5 + 3 + 3 + 7
        );
        assert_eq!(days.iter().filter(|d| d.kind == DayKind::Work).count(), 6);
        assert_eq!(format_year(&days), EXAMPLE_2026);
    }

    #[test]
    fn working_days_follow_the_arrangement() {
        let c = cn2026(DeadlineRules::default());
        assert!(!c.is_working(date!(2026 - 10 - 05)), "国庆 Monday off");
        assert!(c.is_working(date!(2026 - 10 - 10)), "调休 Saturday worked");
        assert!(!c.is_working(date!(2026 - 10 - 11)), "a plain Sunday");
        assert!(c.is_working(date!(2026 - 10 - 12)));
        assert_eq!(
            c.next_working(date!(2026 - 10 - 01)),
            (date!(2026 - 10 - 08), true)
        );
        assert_eq!(
            c.next_working(date!(2026 - 10 - 08)),
            (date!(2026 - 10 - 08), false)
        );
    }

    #[test]
    fn deadlines_move_past_days_off() {
        // Default: the Monday after. Week 40 ends Sunday 4 October; Monday 5 October is off, so
        // the deadline is Thursday 8 October.
        let c = cn2026(DeadlineRules::default());
        let w40 = Period::parse("2026-W40").unwrap();
        assert_eq!(c.deadline(w40).day, date!(2026 - 10 - 08));
        assert!(c.deadline(w40).moved);
        // Friday 17:00 of the week: week 49's Friday is 4 December.
        let fri = cn2026(DeadlineRules {
            weekly_day: 5,
            hour: 17,
            ..DeadlineRules::default()
        });
        let w49 = Period::parse("2026-W49").unwrap();
        let dl = fri.deadline(w49);
        assert_eq!((dl.day, dl.hour), (date!(2026 - 12 - 04), 17));
        assert!(fri.on_time(w49, datetime!(2026-12-04 16:59)));
        assert!(!fri.on_time(w49, datetime!(2026-12-04 17:00)));
        assert_eq!(dl.zh(), "12月4日（周五）17:00");
        // Friday 25 September (中秋) is off: the weekend follows, then Monday 28 September.
        let w39 = Period::parse("2026-W39").unwrap();
        assert_eq!(fri.deadline(w39).day, date!(2026 - 09 - 28));
        // The whole day counts by default.
        assert!(c.on_time(w49, datetime!(2026-12-07 23:59)));
        assert!(!c.on_time(w49, datetime!(2026-12-08 00:00)));
        // Monthly: the 1st of the next month, or the 5th; January's 5th is fine, but 1 February 2026
        // is a Sunday.
        let jan = Period::parse("2026-01").unwrap();
        assert_eq!(c.deadline(jan).day, date!(2026 - 02 - 02));
        let fifth = cn2026(DeadlineRules {
            monthly_day: 5,
            ..DeadlineRules::default()
        });
        let sep = Period::parse("2026-09").unwrap();
        assert_eq!(
            fifth.deadline(sep).day,
            date!(2026 - 10 - 08),
            "5 October is 国庆"
        );
        // Indicator values of 2026-09 by the 15th of October.
        assert_eq!(
            c.indicator_deadline(date!(2026 - 09 - 30)).day,
            date!(2026 - 10 - 15)
        );
    }

    /// The weeks due by D are exactly the weeks ending before D whose deadline day passed before it,
    /// on every day of two years and for every weekly rule.
    #[test]
    fn weekly_due_through_agrees_with_due_by() {
        for weekly_day in 1..=14 {
            let c = cn2026(DeadlineRules {
                weekly_day,
                ..DeadlineRules::default()
            });
            let mut d = date!(2026 - 01 - 01);
            while d <= date!(2027 - 01 - 31) {
                let through = c.weekly_due_through(d);
                assert_eq!(through.weekday(), Weekday::Sunday);
                let mut s = through;
                assert!(c.due_by(Period::week_of(s), d), "{weekly_day} {d} {s}");
                for _ in 0..6 {
                    s += Duration::days(7);
                    assert!(!c.due_by(Period::week_of(s), d), "{weekly_day} {d} {s}");
                }
                d = d.next_day().unwrap();
            }
        }
    }

    #[test]
    fn the_default_rule_is_the_old_one_on_plain_weeks() {
        let c = ReportCalendar::default();
        // A Monday deadline: the week ending Sunday 15 March is due from Tuesday 17 March.
        assert_eq!(
            c.weekly_due_through(date!(2026 - 03 - 16)),
            date!(2026 - 03 - 08)
        );
        assert_eq!(
            c.weekly_due_through(date!(2026 - 03 - 17)),
            date!(2026 - 03 - 15)
        );
    }

    #[test]
    fn bad_lines_are_named() {
        let e = parse_year(
            2026,
            "2026-10-01~2026-10-07 休 国庆节\n\n2026-10-05 休 重复\n2026-10-12 班 周一\n2025-01-01 休 元旦\nabc\n2026-10-20 歇 x\n",
        )
        .unwrap_err();
        let lines: Vec<usize> = e.iter().map(|(n, _)| *n).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7], "{e:?}");
        assert!(e[0].1.contains("第 1 行"), "{e:?}");
        assert!(e[1].1.contains("周六或周日"), "{e:?}");
        assert!(parse_year(
            2026,
            "2026-10-01，休，国庆节\n# 注释\n2026-10-02至2026-10-03 休 国庆节"
        )
        .is_ok());
    }
}
