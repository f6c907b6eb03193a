//! Computed status of projects and units as of a date D (see `docs/status.md`, which states each rule).
//!
//! Comparisons against the lag thresholds are done in exact integer arithmetic: "lag exactly 5 points"
//! must be yellow-free however the fractions fall, which floats cannot promise.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

use crate::money::Yuan;
use crate::period::days_in_year;
use crate::project::Stage;

/// The thresholds of the light rules. Lags are in hundredths of a percentage point so that settings
/// such as 7.5 stay exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusSettings {
    /// Red when the lag exceeds this (default 15 points = 1500).
    pub red_lag_centi_pp: i64,
    /// Yellow when the lag exceeds this (default 5 points = 500).
    pub yellow_lag_centi_pp: i64,
    /// 开而未建: started at least this many days ago and no investment reported within this window.
    pub stall_days: i64,
}

/// Parses a threshold in percentage points with at most two decimals (`15`, `7.5`) into hundredths.
/// Negative values and more decimals are refused.
pub fn parse_centi_pp(s: &str) -> Option<i64> {
    // 万元 amounts are decimals with two places too; 1 万元 = 10 000 yuan, so yuan / 100 = hundredths.
    crate::money::Yuan::parse_wan(s).ok().map(|y| y.0 / 100)
}

impl Default for StatusSettings {
    fn default() -> Self {
        StatusSettings {
            red_lag_centi_pp: 1500,
            yellow_lag_centi_pp: 500,
            stall_days: 28,
        }
    }
}

/// A project's light (亮灯).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Light {
    /// Serious: halted, not started past plan, stalled, or far behind time.
    Red,
    /// Behind time.
    Yellow,
    /// On track.
    Green,
    /// Completed (竣工投产).
    Done,
    /// Reserve projects are not lit.
    None,
}

impl Light {
    /// Every light, worst first.
    pub const ALL: [Light; 5] = [
        Light::Red,
        Light::Yellow,
        Light::Green,
        Light::Done,
        Light::None,
    ];

    /// Code used in the API and URLs.
    pub fn code(self) -> &'static str {
        match self {
            Light::Red => "red",
            Light::Yellow => "yellow",
            Light::Green => "green",
            Light::Done => "done",
            Light::None => "none",
        }
    }

    /// Chinese label.
    pub fn zh(self) -> &'static str {
        match self {
            Light::Red => "红灯",
            Light::Yellow => "黄灯",
            Light::Green => "绿灯",
            Light::Done => "已竣工",
            Light::None => "未亮灯",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Light> {
        Light::ALL.into_iter().find(|l| l.code() == s.trim())
    }
}

/// What the status rules need to know about one project as of D. The store computes the sums in SQL;
/// [`ProjectFacts::from_reports`] computes them from raw reports for tests and small data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFacts {
    /// Current stage.
    pub stage: Stage,
    /// Year the annual plan is for.
    pub plan_year: i32,
    /// Annual planned investment for `plan_year`.
    pub annual_plan: Yuan,
    /// Planned start date.
    pub planned_start: Option<Date>,
    /// Actual start date.
    pub actual_start: Option<Date>,
    /// Investment over periods whose last day is in D's year and not after D.
    pub ytd: Yuan,
    /// Investment over periods whose last day is in D's year and not after 30 June.
    pub by_june_30: Yuan,
    /// The latest last day, not after D, of a period with investment > 0. Only whether it falls in the
    /// stall window (D − stall days, D] matters: the store leaves it `None` when it does not.
    pub last_investment_end: Option<Date>,
    /// Weekly reports that were due by D (see [`due_weeks`]) and arrived on time.
    pub on_time_reports: u32,
}

/// One report as the status rules see it: the period's last day and the investment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportPoint {
    /// Last day of the period.
    pub period_end: Date,
    /// Investment completed in the period.
    pub investment: Yuan,
    /// Whether it was a weekly report first submitted by its deadline.
    pub on_time_weekly: bool,
}

impl ProjectFacts {
    /// Aggregates raw reports as of `d`.
    #[allow(clippy::too_many_arguments)]
    pub fn from_reports(
        stage: Stage,
        plan_year: i32,
        annual_plan: Yuan,
        planned_start: Option<Date>,
        actual_start: Option<Date>,
        reports: &[ReportPoint],
        d: Date,
        due_through: Date,
    ) -> ProjectFacts {
        let y = d.year();
        let june30 = Date::from_calendar_date(y, Month::June, 30).expect("valid date");
        let (due_lo, due_hi) = due_window(actual_start, d, due_through);
        let mut f = ProjectFacts {
            stage,
            plan_year,
            annual_plan,
            planned_start,
            actual_start,
            ytd: Yuan::ZERO,
            by_june_30: Yuan::ZERO,
            last_investment_end: None,
            on_time_reports: 0,
        };
        for r in reports {
            if r.period_end > d {
                continue;
            }
            if r.period_end.year() == y {
                f.ytd += r.investment;
                if r.period_end <= june30 {
                    f.by_june_30 += r.investment;
                }
            }
            if r.investment.0 > 0 && f.last_investment_end.is_none_or(|l| r.period_end > l) {
                f.last_investment_end = Some(r.period_end);
            }
            if r.on_time_weekly
                && stage_reports_weekly(stage)
                && due_lo.is_some_and(|lo| r.period_end >= lo && r.period_end <= due_hi)
            {
                f.on_time_reports += 1;
            }
        }
        f
    }
}

/// The computed status of a project as of D.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectStatus {
    /// 时序进度: share of D's year elapsed, in percent.
    pub time_progress_pct: f64,
    /// Investment reported this year up to D.
    pub ytd_investment: Yuan,
    /// ytd ÷ annual plan × 100; null without a plan for the year or with a plan of 0.
    pub annual_completion_pct: Option<f64>,
    /// time_progress_pct − annual_completion_pct.
    pub lag_pp: Option<f64>,
    /// Actual start exists and is not after D.
    pub started: bool,
    /// Not started, not completed, and the planned start is not after D.
    pub not_started_past_plan: bool,
    /// 开而未建.
    pub stalled: bool,
    /// The light.
    pub light: Light,
    /// Why the light is red or yellow, in Chinese, for the UI.
    pub reasons: Vec<String>,
    /// Weekly reports due by D.
    pub reports_due: u32,
    /// Of those, submitted on time.
    pub reports_on_time: u32,
}

/// 时序进度 for D: ordinal day ÷ days in the year × 100.
pub fn time_progress_pct(d: Date) -> f64 {
    f64::from(d.ordinal()) / f64::from(days_in_year(d.year())) * 100.0
}

/// Whether `lag = 100·ord/days − 100·ytd/plan` exceeds `centi_pp`/100, exactly:
/// multiply through by 100·days·plan (all positive) and compare integers.
fn lag_exceeds(ord: i128, days: i128, ytd: i128, plan: i128, centi_pp: i128) -> bool {
    10_000 * ord * plan - 10_000 * ytd * days > centi_pp * days * plan
}

/// Computes the status of one project as of `d`.
/// `due_through` is the last Sunday whose weekly report is due by D under the reporting calendar
/// ([`crate::calendar::ReportCalendar::weekly_due_through`]).
pub fn project_status(
    f: &ProjectFacts,
    d: Date,
    due_through: Date,
    s: &StatusSettings,
) -> ProjectStatus {
    let y = d.year();
    let days = i128::from(days_in_year(y));
    let ord = i128::from(d.ordinal());
    let tp = time_progress_pct(d);
    let plan = if f.plan_year == y { f.annual_plan.0 } else { 0 };
    let completion = (plan > 0).then(|| f.ytd.0 as f64 / plan as f64 * 100.0);
    let lag = completion.map(|c| tp - c);
    let started = f.actual_start.is_some_and(|a| a <= d);
    let completed = f.stage == Stage::Completed;
    let not_started_past_plan = !started && !completed && f.planned_start.is_some_and(|p| p <= d);
    // 开而未建: started at least `stall_days` ago, still under way, and no period ending in
    // (D − stall_days, D] carries investment.
    let window_start = d - Duration::days(s.stall_days);
    let stalled = started
        && f.actual_start.is_some_and(|a| a <= window_start)
        && !completed
        && f.last_investment_end.is_none_or(|l| l <= window_start);
    let (exceeds_red, exceeds_yellow) = if plan > 0 {
        (
            lag_exceeds(
                ord,
                days,
                i128::from(f.ytd.0),
                i128::from(plan),
                i128::from(s.red_lag_centi_pp),
            ),
            lag_exceeds(
                ord,
                days,
                i128::from(f.ytd.0),
                i128::from(plan),
                i128::from(s.yellow_lag_centi_pp),
            ),
        )
    } else {
        (false, false)
    };
    let mut reasons = Vec::new();
    let light = match f.stage {
        Stage::Reserve => Light::None,
        Stage::Completed => Light::Done,
        _ => {
            if f.stage == Stage::Halted {
                reasons.push("停工".to_string());
            }
            if not_started_past_plan {
                reasons.push("逾期未开工".to_string());
            }
            if stalled {
                reasons.push(format!("开而未建（{}天无投资）", s.stall_days));
            }
            if exceeds_red {
                reasons.push(format!(
                    "投资进度滞后时序{:.1}个百分点，超过{}",
                    lag.unwrap_or(0.0),
                    fmt_centi(s.red_lag_centi_pp)
                ));
            }
            if !reasons.is_empty() {
                Light::Red
            } else if exceeds_yellow {
                reasons.push(format!(
                    "投资进度滞后时序{:.1}个百分点，超过{}",
                    lag.unwrap_or(0.0),
                    fmt_centi(s.yellow_lag_centi_pp)
                ));
                Light::Yellow
            } else {
                Light::Green
            }
        }
    };
    let reports_due = if stage_reports_weekly(f.stage) {
        due_weeks(f.actual_start, d, due_through)
    } else {
        0
    };
    ProjectStatus {
        time_progress_pct: tp,
        ytd_investment: f.ytd,
        annual_completion_pct: completion,
        lag_pp: lag,
        started,
        not_started_past_plan,
        stalled,
        light,
        reasons,
        reports_due,
        reports_on_time: f.on_time_reports.min(reports_due),
    }
}

fn fmt_centi(c: i64) -> String {
    if c % 100 == 0 {
        format!("{}", c / 100)
    } else {
        format!("{:.2}", c as f64 / 100.0)
    }
}

/// Projects under construction (新开工, 续建) file a weekly report; see `docs/status.md`.
pub fn stage_reports_weekly(stage: Stage) -> bool {
    matches!(stage, Stage::NewStart | Stage::Continuing)
}

/// The window of week-ending Sundays whose weekly report is due by D: from the later of the actual
/// start and 1 January of D's year, to `due_through`, the last Sunday whose week is due by D (see
/// [`crate::calendar::ReportCalendar::weekly_due_through`]). `None` when the project has not started.
fn due_window(actual_start: Option<Date>, d: Date, due_through: Date) -> (Option<Date>, Date) {
    let jan1 = Date::from_calendar_date(d.year(), Month::January, 1).expect("valid date");
    (actual_start.map(|a| a.max(jan1)), due_through)
}

/// Number of weekly reports due by D for a project that started on `actual_start`: ISO weeks whose
/// Sunday lies in D's year (a week belongs to the year of its last day), on or after the start, and
/// not after `due_through` (the last Sunday whose week is due by D under the reporting calendar).
pub fn due_weeks(actual_start: Option<Date>, d: Date, due_through: Date) -> u32 {
    let (Some(lo), hi) = due_window(actual_start, d, due_through) else {
        return 0;
    };
    let days_to_sunday = i64::from(6 - lo.weekday().number_days_from_monday());
    let first_sunday = lo + Duration::days(days_to_sunday);
    if first_sunday > hi {
        return 0;
    }
    ((hi - first_sunday).whole_days() / 7 + 1) as u32
}

/// One project's contribution to its units' figures.
#[derive(Debug, Clone)]
pub struct ProjectForUnit<'a> {
    /// The project's facts.
    pub facts: &'a ProjectFacts,
    /// Its status as of D.
    pub status: &'a ProjectStatus,
}

/// Figures of a unit (its own projects and those of units below it) as of D.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UnitFigures {
    /// Number of projects.
    pub projects: u32,
    /// Started by D.
    pub started: u32,
    /// Started or planned to start by D: the base of the start rate.
    pub start_base: u32,
    /// started ÷ start_base × 100.
    pub start_rate_pct: Option<f64>,
    /// Sum of annual plans for D's year.
    pub annual_plan: Yuan,
    /// Sum of year-to-date investment.
    pub ytd_investment: Yuan,
    /// ytd ÷ plan × 100.
    pub completion_pct: Option<f64>,
    /// Red lights.
    pub red: u32,
    /// Yellow lights.
    pub yellow: u32,
    /// Green lights.
    pub green: u32,
    /// Completed projects.
    pub done: u32,
    /// Reserve projects (not lit).
    pub unlit: u32,
    /// Weekly reports due by D.
    pub reports_due: u32,
    /// Of those, on time.
    pub reports_on_time: u32,
    /// reports_on_time ÷ reports_due × 100.
    pub on_time_pct: Option<f64>,
    /// Investment over periods ending by 30 June of D's year.
    pub by_june_30: Yuan,
    /// 双过半 (investment half): from 30 June on, whether by_june_30 ≥ 50% of the plan; null before
    /// 30 June or without a plan.
    pub double_half: Option<bool>,
}

impl UnitFigures {
    /// Adds one project.
    pub fn add(&mut self, f: &ProjectFacts, st: &ProjectStatus, d: Date) {
        self.projects += 1;
        if st.started {
            self.started += 1;
        }
        if st.started || f.planned_start.is_some_and(|p| p <= d) {
            self.start_base += 1;
        }
        if f.plan_year == d.year() {
            self.annual_plan += f.annual_plan;
            self.by_june_30 += f.by_june_30;
        }
        self.ytd_investment += f.ytd;
        match st.light {
            Light::Red => self.red += 1,
            Light::Yellow => self.yellow += 1,
            Light::Green => self.green += 1,
            Light::Done => self.done += 1,
            Light::None => self.unlit += 1,
        }
        self.reports_due += st.reports_due;
        self.reports_on_time += st.reports_on_time;
    }

    /// Computes the rates once all projects are added.
    pub fn finish(&mut self, d: Date) {
        self.start_rate_pct = (self.start_base > 0)
            .then(|| f64::from(self.started) / f64::from(self.start_base) * 100.0);
        self.completion_pct = (self.annual_plan.0 > 0)
            .then(|| self.ytd_investment.0 as f64 / self.annual_plan.0 as f64 * 100.0);
        self.on_time_pct = (self.reports_due > 0)
            .then(|| f64::from(self.reports_on_time) / f64::from(self.reports_due) * 100.0);
        let june30 = Date::from_calendar_date(d.year(), Month::June, 30).expect("valid date");
        // 双过半: half the year's plan invested by the end of June (2 × invested ≥ plan, exactly).
        self.double_half = (d >= june30 && self.annual_plan.0 > 0)
            .then(|| 2 * self.by_june_30.0 >= self.annual_plan.0);
    }
}

/// Competition ranking, best first: 1 + the number of strictly better values; ties share a rank.
/// `None` values are not ranked.
pub fn rank_desc(values: &[Option<f64>]) -> Vec<Option<u32>> {
    values
        .iter()
        .map(|v| v.map(|x| 1 + values.iter().filter(|o| o.is_some_and(|y| y > x)).count() as u32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const WAN: i64 = 10_000;

    /// The last Sunday due by D under the default rules (the Monday after, no holidays).
    fn dt(d: Date) -> Date {
        crate::calendar::ReportCalendar::default().weekly_due_through(d)
    }

    fn facts(stage: Stage, plan_wan: i64, ytd_wan: i64) -> ProjectFacts {
        ProjectFacts {
            stage,
            plan_year: 2026,
            annual_plan: Yuan(plan_wan * WAN),
            planned_start: Some(date!(2026 - 01 - 10)),
            actual_start: Some(date!(2026 - 01 - 12)),
            ytd: Yuan(ytd_wan * WAN),
            by_june_30: Yuan(ytd_wan * WAN),
            last_investment_end: Some(date!(2026 - 03 - 08)),
            on_time_reports: 0,
        }
    }

    fn s() -> StatusSettings {
        StatusSettings::default()
    }

    #[test]
    fn time_progress() {
        assert!((time_progress_pct(date!(2026 - 12 - 31)) - 100.0).abs() < 1e-12);
        // Leap year: 29 Feb is day 60 of 366.
        assert!((time_progress_pct(date!(2024 - 02 - 29)) - 60.0 / 366.0 * 100.0).abs() < 1e-12);
        assert!((time_progress_pct(date!(2024 - 12 - 31)) - 100.0).abs() < 1e-12);
    }

    #[test]
    fn lag_exactly_at_thresholds() {
        // 2026-03-14 is day 73 of 365: time progress exactly 20 %.
        let d = date!(2026 - 03 - 14);
        assert_eq!(d.ordinal(), 73);
        // Completion 15 % → lag exactly 5: not yellow.
        let st = project_status(&facts(Stage::Continuing, 100, 15), d, dt(d), &s());
        assert_eq!(st.light, Light::Green);
        assert!((st.lag_pp.unwrap() - 5.0).abs() < 1e-9);
        // A hair more lag → yellow.
        let mut f = facts(Stage::Continuing, 100, 15);
        f.ytd = Yuan(15 * WAN - 1);
        assert_eq!(project_status(&f, d, dt(d), &s()).light, Light::Yellow);
        // Completion 5 % → lag exactly 15: yellow, not red.
        let st = project_status(&facts(Stage::Continuing, 100, 5), d, dt(d), &s());
        assert_eq!(st.light, Light::Yellow);
        let mut f = facts(Stage::Continuing, 100, 5);
        f.ytd = Yuan(5 * WAN - 1);
        assert_eq!(project_status(&f, d, dt(d), &s()).light, Light::Red);
    }

    #[test]
    fn lag_with_fractions_that_floats_get_wrong() {
        // Day 30 of 2026: 30/365. Plan 73 万, ytd chosen so that lag is exactly 5:
        // 100·30/365 − 100·ytd/73 = 5  ⇔ ytd = 73·(30/365 − 0.05) = 6 − 3.65 = 2.35 万.
        let d = date!(2026 - 01 - 30);
        let mut f = facts(Stage::Continuing, 73, 0);
        f.ytd = Yuan(23_500);
        f.last_investment_end = Some(date!(2026 - 01 - 25));
        let st = project_status(&f, d, dt(d), &s());
        assert_eq!(st.light, Light::Green, "lag exactly 5 is not yellow");
        f.ytd = Yuan(23_499);
        assert_eq!(project_status(&f, d, dt(d), &s()).light, Light::Yellow);
    }

    #[test]
    fn plan_of_zero_or_other_year_gives_null_completion() {
        let d = date!(2026 - 03 - 14);
        let st = project_status(&facts(Stage::Continuing, 0, 5), d, dt(d), &s());
        assert_eq!(st.annual_completion_pct, None);
        assert_eq!(st.lag_pp, None);
        assert_eq!(st.light, Light::Green);
        let mut f = facts(Stage::Continuing, 100, 5);
        f.plan_year = 2025;
        assert_eq!(
            project_status(&f, d, dt(d), &s()).annual_completion_pct,
            None
        );
    }

    #[test]
    fn stall_window_edges() {
        // D = 2026-04-05. Window (D−28, D] = (2026-03-08, 2026-04-05].
        let d = date!(2026 - 04 - 05);
        let mut f = facts(Stage::Continuing, 0, 0);
        // Last investment on exactly D − 28: outside the window → stalled.
        f.last_investment_end = Some(date!(2026 - 03 - 08));
        assert!(project_status(&f, d, dt(d), &s()).stalled);
        // One day later: inside → not stalled.
        f.last_investment_end = Some(date!(2026 - 03 - 09));
        assert!(!project_status(&f, d, dt(d), &s()).stalled);
        // Started exactly D − 28 with no investment: stalled; started a day later: not yet.
        f.last_investment_end = None;
        f.actual_start = Some(date!(2026 - 03 - 08));
        assert!(project_status(&f, d, dt(d), &s()).stalled);
        assert_eq!(project_status(&f, d, dt(d), &s()).light, Light::Red);
        f.actual_start = Some(date!(2026 - 03 - 09));
        assert!(!project_status(&f, d, dt(d), &s()).stalled);
        // Completed projects are never stalled.
        f.actual_start = Some(date!(2025 - 03 - 09));
        f.stage = Stage::Completed;
        let st = project_status(&f, d, dt(d), &s());
        assert!(!st.stalled);
        assert_eq!(st.light, Light::Done);
    }

    #[test]
    fn stall_uses_period_end_from_reports() {
        let d = date!(2026 - 04 - 05);
        let pts = [
            ReportPoint {
                period_end: date!(2026 - 03 - 08),
                investment: Yuan(WAN),
                on_time_weekly: true,
            },
            ReportPoint {
                period_end: date!(2026 - 03 - 15),
                investment: Yuan(0),
                on_time_weekly: true,
            },
            ReportPoint {
                period_end: date!(2026 - 04 - 12),
                investment: Yuan(WAN),
                on_time_weekly: true,
            },
        ];
        let f = ProjectFacts::from_reports(
            Stage::Continuing,
            2026,
            Yuan(0),
            None,
            Some(date!(2026 - 01 - 01)),
            &pts,
            d,
            dt(d),
        );
        assert_eq!(f.ytd, Yuan(WAN), "the report after D is ignored");
        assert_eq!(f.last_investment_end, Some(date!(2026 - 03 - 08)));
        assert!(project_status(&f, d, dt(d), &s()).stalled);
    }

    #[test]
    fn not_started_and_halted() {
        let d = date!(2026 - 03 - 14);
        let mut f = facts(Stage::Preparation, 100, 0);
        f.actual_start = None;
        f.planned_start = Some(d);
        let st = project_status(&f, d, dt(d), &s());
        assert!(st.not_started_past_plan);
        assert_eq!(st.light, Light::Red);
        f.planned_start = Some(d + Duration::days(1));
        assert!(!project_status(&f, d, dt(d), &s()).not_started_past_plan);
        // A start date after D is not a start.
        f.stage = Stage::NewStart;
        f.actual_start = Some(d + Duration::days(1));
        f.planned_start = Some(d);
        let st = project_status(&f, d, dt(d), &s());
        assert!(!st.started && st.not_started_past_plan);
        let st = project_status(&facts(Stage::Halted, 100, 100), d, dt(d), &s());
        assert_eq!(st.light, Light::Red);
        assert_eq!(st.reasons, ["停工"]);
        let mut f = facts(Stage::Reserve, 100, 0);
        f.actual_start = None;
        assert_eq!(project_status(&f, d, dt(d), &s()).light, Light::None);
    }

    #[test]
    fn ytd_counts_iso_week_one_in_its_own_year() {
        // 2026-W01 ends on 2026-01-04 and counts in 2026; 2025-W52 ends 2025-12-28 and does not.
        let d = date!(2026 - 01 - 10);
        let pts = [
            ReportPoint {
                period_end: date!(2026 - 01 - 04),
                investment: Yuan(3 * WAN),
                on_time_weekly: true,
            },
            ReportPoint {
                period_end: date!(2025 - 12 - 28),
                investment: Yuan(5 * WAN),
                on_time_weekly: true,
            },
        ];
        let f = ProjectFacts::from_reports(
            Stage::Continuing,
            2026,
            Yuan(100 * WAN),
            None,
            Some(date!(2025 - 06 - 01)),
            &pts,
            d,
            dt(d),
        );
        assert_eq!(f.ytd, Yuan(3 * WAN));
        assert_eq!(f.on_time_reports, 1);
        assert_eq!(due_weeks(Some(date!(2025 - 06 - 01)), d, dt(d)), 1);
    }

    #[test]
    fn due_weeks_counts_sundays_with_passed_deadline() {
        // Started Wednesday 2026-03-04; D = Monday 2026-03-16: Sundays 03-08 (deadline 03-09, passed)
        // and 03-15 (deadline 03-16 is D itself, still open) → one is due.
        assert_eq!(
            due_weeks(
                Some(date!(2026 - 03 - 04)),
                date!(2026 - 03 - 16),
                dt(date!(2026 - 03 - 16))
            ),
            1
        );
        assert_eq!(
            due_weeks(
                Some(date!(2026 - 03 - 04)),
                date!(2026 - 03 - 17),
                dt(date!(2026 - 03 - 17))
            ),
            2
        );
        // Started on a Sunday: that week is due.
        assert_eq!(
            due_weeks(
                Some(date!(2026 - 03 - 08)),
                date!(2026 - 03 - 10),
                dt(date!(2026 - 03 - 10))
            ),
            1
        );
        assert_eq!(
            due_weeks(None, date!(2026 - 03 - 10), dt(date!(2026 - 03 - 10))),
            0
        );
        assert_eq!(
            due_weeks(
                Some(date!(2026 - 03 - 10)),
                date!(2026 - 03 - 10),
                dt(date!(2026 - 03 - 10))
            ),
            0
        );
    }

    #[test]
    fn unit_figures_and_double_half() {
        let d = date!(2026 - 06 - 30);
        let mut u = UnitFigures::default();
        let a = facts(Stage::Continuing, 100, 50);
        let mut b = facts(Stage::Preparation, 100, 0);
        b.actual_start = None;
        b.planned_start = Some(date!(2026 - 09 - 01));
        for f in [&a, &b] {
            let st = project_status(f, d, dt(d), &s());
            u.add(f, &st, d);
        }
        u.finish(d);
        assert_eq!(u.projects, 2);
        assert_eq!(u.started, 1);
        assert_eq!(u.start_base, 1);
        assert_eq!(u.start_rate_pct, Some(100.0));
        assert_eq!(u.completion_pct, Some(25.0));
        assert_eq!(u.double_half, Some(false));
        let mut u2 = UnitFigures::default();
        let st = project_status(&a, d, dt(d), &s());
        u2.add(&a, &st, d);
        u2.finish(d);
        assert_eq!(u2.double_half, Some(true), "exactly 50 % passes");
        let mut u3 = UnitFigures::default();
        u3.add(&a, &st, date!(2026 - 06 - 29));
        u3.finish(date!(2026 - 06 - 29));
        assert_eq!(u3.double_half, None, "not judged before 30 June");
    }

    #[test]
    fn ranking_shares_ties() {
        let r = rank_desc(&[Some(50.0), Some(70.0), Some(50.0), None, Some(10.0)]);
        assert_eq!(r, [Some(2), Some(1), Some(2), None, Some(4)]);
    }
}
