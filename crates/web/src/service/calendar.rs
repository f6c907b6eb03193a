//! The reporting calendar of a unit (填报日历): the days of a span with their holidays, and every
//! deadline in it — weekly project reports, task reports by their cadence, notices' reply dates,
//! indicator values by the statistics calendar — each with what was filed and what is late. The page
//! `/calendar` and `GET /api/v1/calendar` show the same.

use super::Error;
use std::collections::HashSet;

use diaodu_domain::access::{Action, Scope};
use diaodu_domain::calendar::{DayKind, Deadline, ReportCalendar};
use diaodu_domain::indicator::StatPeriod;
use diaodu_domain::notice::NoticeState;
use diaodu_domain::period::fmt_date;
use diaodu_domain::status::stage_reports_weekly;
use diaodu_domain::task::TaskState;
use diaodu_domain::Period;
use diaodu_store::{ProjectFilter, UnitTree};
use serde::Serialize;
use time::{Date, Duration};

use crate::auth::Current;
use crate::AppState;

/// The longest span one request may ask for, in days.
pub const MAX_SPAN_DAYS: i64 = 366;

/// A day of the span.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CalendarDay {
    /// The date.
    #[schema(example = "2026-10-01")]
    pub date: String,
    /// A working day.
    pub working: bool,
    /// `off` (放假) or `work` (调休上班) when the holiday arrangement names the day.
    pub special: Option<DayKind>,
    /// The holiday it belongs to (国庆节).
    pub holiday: Option<String>,
}

/// What a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// 项目周报: the unit's projects under construction, one week.
    ProjectReport,
    /// 任务进展: one task's report for one period of its cadence.
    TaskReport,
    /// 督办反馈: a notice's reply date.
    NoticeReply,
    /// 指标数据: the values of a statistical month.
    IndicatorValues,
}

impl DeadlineKind {
    /// In Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            DeadlineKind::ProjectReport => "项目周报",
            DeadlineKind::TaskReport => "任务进展",
            DeadlineKind::NoticeReply => "督办反馈",
            DeadlineKind::IndicatorValues => "指标数据",
        }
    }
}

/// Where a deadline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// Everything asked for is in.
    Done,
    /// Not yet due, something still to file.
    Open,
    /// Due today, something still to file.
    Today,
    /// Past, something missing.
    Late,
}

impl DeadlineState {
    /// In Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            DeadlineState::Done => "已报",
            DeadlineState::Open => "待报",
            DeadlineState::Today => "今日截止",
            DeadlineState::Late => "逾期",
        }
    }
}

/// A deadline in the span.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CalendarDeadline {
    /// The day it falls on (moved past days off).
    #[schema(example = "2026-12-07")]
    pub date: String,
    /// The hour of that day (1–24; 24: by the end of the day).
    pub hour: u8,
    /// In words: `12月7日（周一）17:00`.
    pub due_zh: String,
    /// Moved from a day off.
    pub moved: bool,
    /// What it is for.
    pub kind: DeadlineKind,
    /// The period (`2026-W49`, `2026-11`), or the notice's number.
    pub period: String,
    /// What is asked for, in Chinese.
    pub title: String,
    /// How many items are asked for (projects for a week's reports, else 1).
    pub expected: usize,
    /// How many are in.
    pub filed: usize,
    /// Where it stands.
    pub state: DeadlineState,
    /// Where to file or look.
    pub link: String,
}

/// A unit's calendar for a span.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitCalendar {
    /// The unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Every day of the span.
    pub days: Vec<CalendarDay>,
    /// The deadlines in it, by date.
    pub deadlines: Vec<CalendarDeadline>,
    /// The rules in force, in words.
    pub rules_zh: String,
    /// Years of the span without a holiday arrangement entered (weekends only are days off then).
    pub years_without_holidays: Vec<i32>,
}

/// The deadline rules in words, for the page's note.
pub fn rules_zh(cal: &ReportCalendar) -> String {
    let r = cal.rules;
    let week = match r.weekly_day {
        d @ 1..=7 => format!(
            "本周{}",
            ["一", "二", "三", "四", "五", "六", "日"][d as usize - 1]
        ),
        d => format!(
            "下周{}",
            ["一", "二", "三", "四", "五", "六", "日"][(d as usize - 8).min(6)]
        ),
    };
    let hour = if r.hour >= 24 {
        "当日".to_string()
    } else {
        format!("{} 时前", r.hour)
    };
    format!(
        "项目周报{week}{hour}截止；按月报送的进度次月 {} 日{hour}截止；指标数据次月 {} 日前录入；遇法定节假日顺延至下一个工作日",
        r.monthly_day, r.indicator_day
    )
}

/// Checks a span: `from` not after `to`, at most [`MAX_SPAN_DAYS`].
pub fn check_span(from: Date, to: Date) -> Result<(), Error> {
    if from > to {
        return Err(Error::invalid("from", "开始日期不能晚于结束日期"));
    }
    if (to - from).whole_days() >= MAX_SPAN_DAYS {
        return Err(Error::invalid(
            "to",
            format!("一次最多查看 {MAX_SPAN_DAYS} 天"),
        ));
    }
    Ok(())
}

/// The unit's calendar from `from` to `to` as of `today`. The unit must be in the caller's scope.
pub async fn unit_calendar(
    state: &AppState,
    tree: &UnitTree,
    c: &Current,
    unit_id: i64,
    from: Date,
    to: Date,
    today: Date,
) -> Result<UnitCalendar, Error> {
    check_span(from, to)?;
    let unit = tree
        .get(unit_id)
        .ok_or_else(|| Error::NotFound("单位".into()))?;
    if !tree.in_scope(unit_id, c.scope) {
        return Err(Error::Forbidden);
    }
    let scope = Scope::Subtree(unit_id);
    let cal = state.store.reports().calendar().await?;
    let mut days = Vec::new();
    let mut d = from;
    while d <= to {
        let special = cal.special(d);
        days.push(CalendarDay {
            date: fmt_date(d),
            working: cal.is_working(d),
            special: special.map(|s| s.0),
            holiday: special.map(|s| s.1.to_string()),
        });
        d += Duration::days(1);
    }
    let mut out = Vec::new();
    let state_of = |dl: Deadline, expected: usize, filed: usize| {
        if filed >= expected {
            DeadlineState::Done
        } else if dl.day < today {
            DeadlineState::Late
        } else if dl.day == today {
            DeadlineState::Today
        } else {
            DeadlineState::Open
        }
    };
    let push = |out: &mut Vec<CalendarDeadline>,
                dl: Deadline,
                kind: DeadlineKind,
                period: String,
                title: String,
                expected: usize,
                filed: usize,
                link: String| {
        out.push(CalendarDeadline {
            date: fmt_date(dl.day),
            hour: dl.hour,
            due_zh: dl.zh(),
            moved: dl.moved,
            kind,
            period,
            title,
            expected,
            filed,
            state: state_of(dl, expected, filed),
            link,
        });
    };

    // Weekly project reports: every week whose deadline falls in the span (a deadline can be up to
    // a fortnight and a holiday after the week's Monday).
    let mut weeks = Vec::new();
    let mut w = Period::week_of(from - Duration::days(50));
    while w.first_day() <= to {
        let dl = cal.deadline(w);
        if dl.day >= from && dl.day <= to {
            weeks.push((w, dl));
        }
        w = w.next();
    }
    if !weeks.is_empty() {
        let rows = state
            .store
            .projects()
            .statuses(tree, scope, &ProjectFilter::default(), today.max(from))
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.project.id).collect();
        let periods: Vec<String> = weeks.iter().map(|(w, _)| w.to_string()).collect();
        let done = state
            .store
            .reports()
            .reported_in_scope(tree, scope, &ids, &periods)
            .await?;
        for (w, dl) in &weeks {
            let asked: Vec<i64> = rows
                .iter()
                .filter(|r| {
                    let f = &r.project.fields;
                    stage_reports_weekly(f.stage)
                        && f.actual_start.is_some_and(|a| a <= w.last_day())
                })
                .map(|r| r.project.id)
                .collect();
            if asked.is_empty() {
                continue;
            }
            let filed = asked
                .iter()
                .filter(|id| done.contains(&(**id, w.to_string())))
                .count();
            push(
                &mut out,
                *dl,
                DeadlineKind::ProjectReport,
                w.to_string(),
                format!(
                    "{} 周（{}—{}）在建项目周报",
                    w,
                    md(w.first_day()),
                    md(w.last_day())
                ),
                asked.len(),
                filed,
                "/reports/due".into(),
            );
        }
    }

    // Task reports, by each open task's cadence.
    let tasks = state
        .store
        .tasks()
        .rows(tree, scope, today.max(from))
        .await?;
    for t in &tasks {
        let task = &t.task;
        if task.state != TaskState::Open {
            continue;
        }
        let reported: HashSet<Period> = t.reported.iter().copied().collect();
        let mut p = task.cadence.period_of(task.start);
        while p.first_day() <= task.deadline.min(to) {
            let dl = cal.deadline(p);
            if dl.day >= from && dl.day <= to {
                push(
                    &mut out,
                    dl,
                    DeadlineKind::TaskReport,
                    p.to_string(),
                    format!("{}（{}）", task.title, p),
                    1,
                    usize::from(reported.contains(&p)),
                    format!("/tasks/{}", task.id),
                );
            }
            p = p.next();
        }
    }

    // Notices addressed to the unit or below it, by their reply date.
    for n in state.store.notices().list(tree, scope, today).await? {
        if n.reply_by < from || n.reply_by > to {
            continue;
        }
        let replied = matches!(n.state, NoticeState::Replied | NoticeState::Closed);
        let dl = Deadline {
            day: n.reply_by,
            hour: 24,
            moved: false,
        };
        push(
            &mut out,
            dl,
            DeadlineKind::NoticeReply,
            n.code.clone(),
            format!("{}（{}）", n.title, n.unit_name),
            1,
            usize::from(replied),
            format!("/notices/{}", n.id),
        );
    }

    // Indicator values, for those who enter them: each month's values by the statistics calendar.
    if c.can(Action::ManageIndicators) {
        let have: HashSet<String> = state
            .store
            .indicators()
            .value_periods()
            .await?
            .into_iter()
            .collect();
        let mut m = Period::month_of(from - Duration::days(60));
        while m.first_day() <= to {
            let dl = cal.indicator_deadline(m.last_day());
            if dl.day >= from && dl.day <= to {
                let (year, month) = (m.last_day().year(), m.last_day().month() as u8);
                let sp = StatPeriod::Month { year, month };
                push(
                    &mut out,
                    dl,
                    DeadlineKind::IndicatorValues,
                    sp.to_string(),
                    format!("{year} 年 1—{month} 月主要指标数据"),
                    1,
                    usize::from(have.contains(&sp.to_string())),
                    "/indicators/values".into(),
                );
            }
            m = m.next();
        }
    }
    out.sort_by(|a, b| {
        (a.date.as_str(), a.hour, a.kind as u8, a.period.as_str()).cmp(&(
            b.date.as_str(),
            b.hour,
            b.kind as u8,
            b.period.as_str(),
        ))
    });
    let years_without_holidays = (from.year()..=to.year())
        .filter(|y| !cal.has_year(*y))
        .collect();
    Ok(UnitCalendar {
        unit_id,
        unit_name: unit.name.clone(),
        from: fmt_date(from),
        to: fmt_date(to),
        days,
        deadlines: out,
        rules_zh: rules_zh(&cal),
        years_without_holidays,
    })
}

/// `12月7日`.
fn md(d: Date) -> String {
    format!("{}月{}日", d.month() as u8, d.day())
}

/// The years a holiday arrangement may be entered for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Replaces a year's holiday arrangement with the entry lines of `text` (see
/// [`diaodu_domain::calendar::parse_year`]); `field` names a line in the errors (`第 3 行`,
/// `days[2]`). Administrators only (`ManageSettings`). Gives the number of days entered.
pub async fn save_year(
    state: &AppState,
    c: &Current,
    year: i32,
    text: &str,
    field: impl Fn(usize) -> String,
) -> Result<usize, Error> {
    c.require(Action::ManageSettings)?;
    if !YEARS.contains(&year) {
        return Err(Error::invalid("年份", "应在 2000 至 2100 之间"));
    }
    let days = diaodu_domain::calendar::parse_year(year, text)
        .map_err(|errs| Error::Invalid(errs.into_iter().map(|(n, e)| (field(n), e)).collect()))?;
    state
        .store
        .reports()
        .set_calendar_year(&c.actor(), year, &days)
        .await?;
    Ok(days.len())
}
