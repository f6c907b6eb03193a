//! Running totals of a project's reports (进度累计), month by month.
//!
//! Status as of a date D needs, per project, sums over the periods ending from 1 January to D (see
//! `docs/status.md`). Summing every report of the year at each request made the province-wide status
//! cost seconds; instead the store keeps, for every month of every year in which a project reported,
//! the sums from 1 January to that month's last day — rewritten in the same transaction as any report
//! of that year — so that status as of D reads one totals row per project (the month before D's) plus
//! the few reports of D's own month. [`combine`] states how the two parts add up; the store's tests
//! check it against summing the reports directly for every day of two years.

use time::{Date, Month};

use crate::status::ReportPoint;

/// The running totals of one project for one month of one year: sums over the periods whose last day
/// is from 1 January of the year to the last day of the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MonthTotal {
    /// Month, 1–12.
    pub month: u8,
    /// Investment of those periods, in yuan.
    pub investment: i64,
    /// Investment of those periods ending by 30 June.
    pub by_june_30: i64,
    /// Weekly reports among them first submitted on time and ending on or after the actual start.
    pub on_time: i64,
    /// The latest period end among them with investment > 0.
    pub last_investment_end: Option<Date>,
}

/// The running totals of `year` from a project's reports (reports of other years are ignored): one per
/// month from the first month with a report to December, none when the year has no report. A month
/// without a row therefore means "nothing reported this year up to that month", which readers take as
/// zero. `on_time_weekly` of each report must already say "weekly, on time, and ending on or after the
/// project's actual start", the rule of the on-time share.
pub fn month_totals(year: i32, reports: &[ReportPoint]) -> Vec<MonthTotal> {
    month_totals_from(year, 1, None, reports)
}

/// The running totals of `year` from month `from` on, continuing `base` — the total of the month before
/// `from`, or `None` when the year has no report before `from` — with the reports ending in months
/// `from`..=12 of `year` (others are ignored). A report added or edited in month M changes only the
/// totals of M and later, so a submission rewrites those from the month before's row and the reports
/// since, not from the whole year.
pub fn month_totals_from(
    year: i32,
    from: u8,
    base: Option<MonthTotal>,
    reports: &[ReportPoint],
) -> Vec<MonthTotal> {
    let mut per_month = [MonthTotal::default(); 12];
    let mut seen = [false; 12];
    for r in reports
        .iter()
        .filter(|r| r.period_end.year() == year && u8::from(r.period_end.month()) >= from)
    {
        let k = usize::from(u8::from(r.period_end.month())) - 1;
        seen[k] = true;
        let m = &mut per_month[k];
        m.investment += r.investment.0;
        if r.period_end.month() <= Month::June {
            m.by_june_30 += r.investment.0;
        }
        if r.on_time_weekly {
            m.on_time += 1;
        }
        if r.investment.0 > 0 && m.last_investment_end.is_none_or(|l| r.period_end > l) {
            m.last_investment_end = Some(r.period_end);
        }
    }
    let mut started = base.is_some();
    let mut acc = base.unwrap_or_default();
    let mut out = Vec::new();
    for k in usize::from(from.max(1)) - 1..12 {
        let m = &per_month[k];
        started |= seen[k];
        acc.month = k as u8 + 1;
        acc.investment += m.investment;
        acc.by_june_30 += m.by_june_30;
        acc.on_time += m.on_time;
        if m.last_investment_end.is_some() {
            acc.last_investment_end = m.last_investment_end;
        }
        if started {
            out.push(acc);
        }
    }
    out
}

/// The reports of D's own month (and of the day before it when D is the 1st), summed by the database
/// under the conditions named on each field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecentSums {
    /// Investment of periods ending from the 1st of D's month to D.
    pub investment: i64,
    /// The same, only periods ending by 30 June.
    pub by_june_30: i64,
    /// On-time weekly reports (as in [`month_totals`]) ending from the 1st of D's month to D − 2.
    pub on_time_added: i64,
    /// On-time weekly reports ending in D's year, before the 1st of D's month and after D − 2: counted
    /// by the previous month's total but not yet due as of D.
    pub on_time_not_yet_due: i64,
    /// The latest period end from the scan's first day to D with investment > 0.
    pub last_investment_end: Option<Date>,
}

/// The first day of the recent scan as of `d`: the 1st of D's month, or the end of the first week not
/// yet due by D when that is earlier (reports ending after the last Sunday due by D are not yet due, and the previous
/// month's total may hold them).
pub fn recent_scan_from(d: Date, due_through: Date) -> Date {
    let first = d.replace_day(1).expect("day 1 exists");
    first.min(not_due_from(d, due_through))
}

/// Where the weekly reports not yet due by D begin: the Sunday after `due_through` (weekly reports end
/// on Sundays), and D − 1 at the latest.
fn not_due_from(d: Date, due_through: Date) -> Date {
    let before_d = d.previous_day().unwrap_or(d);
    before_d.min(due_through + time::Duration::days(7))
}

/// The report sums as of `d` from the previous month's running total of D's year (`None` when D is in
/// January or the project reported nothing earlier that year), December's total of the year before
/// (only its latest investment date is used) and the recent sums:
/// `(ytd, by 30 June, on-time weekly reports due by D, latest period end ≤ D with investment)`.
pub fn combine(
    prev_month: Option<&MonthTotal>,
    prev_december: Option<&MonthTotal>,
    recent: &RecentSums,
) -> (i64, i64, i64, Option<Date>) {
    let base = prev_month.copied().unwrap_or_default();
    let last = [
        recent.last_investment_end,
        base.last_investment_end,
        prev_december.and_then(|t| t.last_investment_end),
    ]
    .into_iter()
    .flatten()
    .max();
    (
        base.investment + recent.investment,
        base.by_june_30 + recent.by_june_30,
        base.on_time + recent.on_time_added - recent.on_time_not_yet_due,
        last,
    )
}

/// The reports after D in D's own month (and from D − 1 on), summed by the database: what the month's
/// running total holds beyond D. Used when D is in the second half of its month, where this window is
/// shorter than the month's first days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TailSums {
    /// Investment of periods ending after D, up to the month's last day.
    pub investment: i64,
    /// The same, only periods ending by 30 June.
    pub by_june_30: i64,
    /// On-time weekly reports (as in [`month_totals`]) ending in D's year after D − 2, up to the month's
    /// last day: counted by the month's total but not yet due as of D.
    pub on_time_not_yet_due: i64,
    /// The latest period end in (D − 2, D] with investment > 0.
    pub last_investment_end_to_d: Option<Date>,
}

/// The latest period end ≤ D with investment, as far as the totals can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastInvestment {
    /// Known (`None`: no investment in D's year or the year before).
    Known(Option<Date>),
    /// The month's latest investment ends after D and none ends in (D − 2, D]: the reports must say.
    Unknown,
}

/// As [`combine`], from the running total of D's own month less what it holds after D.
pub fn combine_tail(
    month: Option<&MonthTotal>,
    prev_december: Option<&MonthTotal>,
    d: Date,
    tail: &TailSums,
) -> (i64, i64, i64, LastInvestment) {
    let base = month.copied().unwrap_or_default();
    let last = match base.last_investment_end {
        None => LastInvestment::Known(prev_december.and_then(|t| t.last_investment_end)),
        Some(l) if l <= d => LastInvestment::Known(Some(l)),
        Some(_) => match tail.last_investment_end_to_d {
            Some(l) => LastInvestment::Known(Some(l)),
            None => LastInvestment::Unknown,
        },
    };
    (
        base.investment - tail.investment,
        base.by_june_30 - tail.by_june_30,
        base.on_time - tail.on_time_not_yet_due,
        last,
    )
}

/// How a status as of D is read from the running totals, which hold the reports ending before the first
/// open day C (`None`: all of them; see docs/status.md): which month's total of D's year, and which
/// reports beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusWindow {
    /// `true`: D's own month's total less the reports after D ([`combine_tail`]); `false`: a total plus
    /// the reports from [`StatusWindow::from`] to D ([`combine`]).
    pub tail: bool,
    /// The month of D's year whose total is read; `None`: the year starts from nothing (January, or no
    /// closed day in D's year).
    pub base_month: Option<u8>,
    /// With `combine`, the first day whose reports add to the base (the sums of [`RecentSums`] start
    /// here); with the tail, D.
    pub from: Date,
    /// The reports read: those ending from `scan_from` to `scan_to`.
    pub scan_from: Date,
    /// See `scan_from`.
    pub scan_to: Date,
}

/// The window of a status as of `d` when the totals hold the reports ending before `open_from`:
/// - D on or after the first open day C: D's month's total (the closed reports of D's year; a row's
///   months after the last closed day carry its totals) plus the reports from C — from 1 January when
///   C is in an earlier year, though the scan reads the year before's open days too, for the latest
///   investment date;
/// - D before C: the month's total less the reports after D up to the month's last closed day, or the
///   month before's total plus the reports from the 1st up to D — whichever reads fewer days.
///
/// The scan starts at the end of the first week not yet due by D (the Sunday after `due_through`) and
/// the day before D at the latest: a weekly report ending after that Sunday is not yet due, though the total
/// counts it as on time.
pub fn status_window(d: Date, open_from: Option<Date>, due_through: Date) -> StatusWindow {
    let jan1 = Date::from_calendar_date(d.year(), Month::January, 1).expect("valid");
    let first = d.replace_day(1).expect("day 1 exists");
    let before_d = not_due_from(d, due_through);
    if let Some(c) = open_from.filter(|c| d >= *c) {
        return StatusWindow {
            tail: false,
            base_month: (c > jan1).then(|| u8::from(d.month())),
            from: c.max(jan1),
            scan_from: c.min(before_d),
            scan_to: d,
        };
    }
    let month_end = d
        .replace_day(d.month().length(d.year()))
        .expect("last day exists");
    let closed_end = open_from
        .and_then(|c| c.previous_day())
        .map_or(month_end, |l| l.min(month_end));
    if (closed_end - d).whole_days() < i64::from(d.day()) {
        StatusWindow {
            tail: true,
            base_month: Some(u8::from(d.month())),
            from: d,
            scan_from: before_d,
            scan_to: closed_end,
        }
    } else {
        StatusWindow {
            tail: false,
            base_month: (d.month() != Month::January).then(|| u8::from(d.month()) - 1),
            from: first,
            scan_from: recent_scan_from(d, due_through),
            scan_to: d,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Yuan;
    use time::macros::date;

    fn rp(d: Date, inv: i64, on_time: bool) -> ReportPoint {
        ReportPoint {
            period_end: d,
            investment: Yuan(inv),
            on_time_weekly: on_time,
        }
    }

    #[test]
    fn totals_accumulate_from_january_and_keep_the_latest_investment_date() {
        let rs = [
            rp(date!(2025 - 12 - 28), 999, true), // another year: ignored
            rp(date!(2026 - 01 - 04), 100, true),
            rp(date!(2026 - 03 - 31), 50, false),
            rp(date!(2026 - 06 - 28), 10, true),
            rp(date!(2026 - 07 - 05), 7, true),
            rp(date!(2026 - 07 - 12), 0, true),
        ];
        let t = month_totals(2026, &rs);
        assert_eq!(t.len(), 12);
        assert_eq!(t[0].investment, 100);
        assert_eq!(t[1].investment, 100);
        assert_eq!(t[1].last_investment_end, Some(date!(2026 - 01 - 04)));
        assert_eq!(t[2].investment, 150);
        assert_eq!(t[5].by_june_30, 160);
        assert_eq!(t[6].investment, 167);
        assert_eq!(t[6].by_june_30, 160, "July does not count towards 30 June");
        assert_eq!(t[6].on_time, 4);
        // The zero report of 12 July does not move the latest investment date.
        assert_eq!(t[11].last_investment_end, Some(date!(2026 - 07 - 05)));
        assert_eq!(t[11].month, 12);
    }

    #[test]
    fn rows_start_at_the_first_report_and_continue_from_a_base() {
        let rs = [
            rp(date!(2026 - 03 - 08), 10, true),
            rp(date!(2026 - 05 - 03), 0, false),
            rp(date!(2026 - 11 - 01), 5, true),
        ];
        let all = month_totals(2026, &rs);
        assert_eq!(
            all.first().map(|t| t.month),
            Some(3),
            "nothing before March"
        );
        assert_eq!(all.len(), 10);
        assert!(month_totals(2027, &rs).is_empty());
        // Rewriting from May on, from April's row, gives the same rows as the whole year.
        let april = all[1];
        assert_eq!(april.month, 4);
        assert_eq!(
            month_totals_from(2026, 5, Some(april), &rs),
            all[2..].to_vec()
        );
        // Without a base, rows start at the first report from `from` on.
        let late = month_totals_from(2026, 4, None, &rs);
        assert_eq!(late.first().map(|t| (t.month, t.investment)), Some((5, 0)));
    }

    #[test]
    fn tail_takes_back_what_ends_after_d() {
        let d = date!(2026 - 11 - 26);
        let nov = MonthTotal {
            month: 11,
            investment: 1_000,
            by_june_30: 400,
            on_time: 40,
            last_investment_end: Some(date!(2026 - 11 - 29)),
        };
        let tail = TailSums {
            investment: 30,
            by_june_30: 0,
            on_time_not_yet_due: 1,
            last_investment_end_to_d: None,
        };
        assert_eq!(
            combine_tail(Some(&nov), None, d, &tail),
            (970, 400, 39, LastInvestment::Unknown)
        );
        let found = TailSums {
            last_investment_end_to_d: Some(date!(2026 - 11 - 25)),
            ..tail
        };
        assert_eq!(
            combine_tail(Some(&nov), None, d, &found).3,
            LastInvestment::Known(Some(date!(2026 - 11 - 25)))
        );
        let early = MonthTotal {
            last_investment_end: Some(date!(2026 - 11 - 22)),
            ..nov
        };
        assert_eq!(
            combine_tail(Some(&early), None, d, &tail).3,
            LastInvestment::Known(Some(date!(2026 - 11 - 22)))
        );
    }

    #[test]
    fn the_window_reads_the_fewest_days_the_totals_allow() {
        let w = |d, c| status_window(d, c, dt(d));
        // Every day closed: the tail in the month's second half, the head in its first.
        assert!(w(date!(2026 - 11 - 26), None).tail);
        assert!(!w(date!(2026 - 11 - 15), None).tail);
        assert!(w(date!(2026 - 11 - 16), None).tail);
        assert!(w(date!(2026 - 02 - 28), None).tail);
        assert_eq!(
            w(date!(2026 - 11 - 26), None).scan_to,
            date!(2026 - 11 - 30)
        );
        // A first open day later in the month shortens the tail: the total holds nothing after it.
        let t = w(date!(2026 - 11 - 20), Some(date!(2026 - 11 - 23)));
        assert!(t.tail);
        assert_eq!(
            (t.scan_from, t.scan_to),
            (date!(2026 - 11 - 19), date!(2026 - 11 - 22))
        );
        // From the first open day on: D's month's total plus the open days.
        let o = w(date!(2026 - 11 - 27), Some(date!(2026 - 11 - 16)));
        assert_eq!(
            o,
            StatusWindow {
                tail: false,
                base_month: Some(11),
                from: date!(2026 - 11 - 16),
                scan_from: date!(2026 - 11 - 16),
                scan_to: date!(2026 - 11 - 27),
            }
        );
        // On the first open day itself the scan starts the day before (not yet due, yet counted).
        assert_eq!(
            w(date!(2026 - 11 - 16), Some(date!(2026 - 11 - 16))).scan_from,
            date!(2026 - 11 - 15)
        );
        // Open days across New Year: D's year has no closed day; the scan still reads December's.
        let n = w(date!(2027 - 01 - 03), Some(date!(2026 - 12 - 21)));
        assert_eq!(n.base_month, None);
        assert_eq!(n.from, date!(2027 - 01 - 01));
        assert_eq!(n.scan_from, date!(2026 - 12 - 21));
        assert_eq!(
            w(date!(2027 - 01 - 03), Some(date!(2027 - 01 - 01))).base_month,
            None
        );
        assert_eq!(
            w(date!(2027 - 01 - 03), Some(date!(2027 - 01 - 02))).base_month,
            Some(1)
        );
    }

    fn dt(d: Date) -> Date {
        crate::calendar::ReportCalendar::default().weekly_due_through(d)
    }

    /// A later deadline (the Friday after, 国庆 moving it further) leaves more weeks not yet due: the
    /// scan reaches back to the first of them.
    #[test]
    fn the_scan_reaches_back_to_the_first_week_not_yet_due() {
        let cal = crate::calendar::ReportCalendar::new(
            crate::calendar::parse_year(2026, crate::calendar::EXAMPLE_2026).unwrap(),
            crate::calendar::DeadlineRules {
                weekly_day: 12,
                ..Default::default()
            },
        );
        // Week 40 (ends Sunday 4 October) is due Friday 9 October; as of 10 October it is due and
        // week 41's is not.
        let d = date!(2026 - 10 - 10);
        assert_eq!(cal.weekly_due_through(d), date!(2026 - 10 - 04));
        assert_eq!(
            recent_scan_from(d, cal.weekly_due_through(d)),
            date!(2026 - 10 - 01)
        );
        // As of 2 October: week 39 (ends 27 September) is due Friday 2 October, not yet; week 38's
        // was due 25 September (中秋), moved to Monday 28 September.
        let d = date!(2026 - 10 - 02);
        assert_eq!(cal.weekly_due_through(d), date!(2026 - 09 - 20));
        assert_eq!(
            recent_scan_from(d, cal.weekly_due_through(d)),
            date!(2026 - 09 - 27)
        );
        assert_eq!(
            status_window(d, None, cal.weekly_due_through(d)).scan_from,
            date!(2026 - 09 - 27)
        );
    }

    #[test]
    fn the_scan_reaches_back_one_day_only_on_the_first() {
        assert_eq!(
            recent_scan_from(date!(2026 - 11 - 26), dt(date!(2026 - 11 - 26))),
            date!(2026 - 11 - 01)
        );
        assert_eq!(
            recent_scan_from(date!(2026 - 11 - 02), dt(date!(2026 - 11 - 02))),
            date!(2026 - 11 - 01)
        );
        assert_eq!(
            recent_scan_from(date!(2026 - 11 - 01), dt(date!(2026 - 11 - 01))),
            date!(2026 - 10 - 31)
        );
        assert_eq!(
            recent_scan_from(date!(2026 - 01 - 01), dt(date!(2026 - 01 - 01))),
            date!(2025 - 12 - 31)
        );
    }

    #[test]
    fn combine_adds_the_month_and_takes_back_what_is_not_yet_due() {
        let prev = MonthTotal {
            month: 10,
            investment: 1_000,
            by_june_30: 400,
            on_time: 40,
            last_investment_end: Some(date!(2026 - 10 - 25)),
        };
        let dec = MonthTotal {
            month: 12,
            last_investment_end: Some(date!(2025 - 12 - 28)),
            ..MonthTotal::default()
        };
        let recent = RecentSums {
            investment: 30,
            by_june_30: 0,
            on_time_added: 0,
            on_time_not_yet_due: 1,
            last_investment_end: None,
        };
        assert_eq!(
            combine(Some(&prev), Some(&dec), &recent),
            (1_030, 400, 39, Some(date!(2026 - 10 - 25)))
        );
        assert_eq!(
            combine(None, Some(&dec), &RecentSums::default()),
            (0, 0, 0, Some(date!(2025 - 12 - 28)))
        );
    }
}
