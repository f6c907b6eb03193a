//! Key tasks (重点工作任务) handed out at the dispatch meeting, and their light as of a date D
//! (`docs/tasks.md` states each rule). A unit's own "finished" is a claim; only the supervision office's
//! verification closes a task (销号).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::ReportCalendar;
use crate::indicator::Direction;
use crate::period::Period;
use crate::project::coded_enum;

coded_enum! {
    /// How often the lead unit reports (填报频次).
    Cadence {
        /// 每周
        Weekly = ("weekly", "每周"),
        /// 每月
        Monthly = ("monthly", "每月"),
    }
}

coded_enum! {
    /// Where a task stands in its life.
    TaskState {
        /// 推进中
        Open = ("open", "推进中"),
        /// 申请销号: the lead unit says it is finished; the supervision office has yet to verify.
        Claimed = ("claimed", "待核验销号"),
        /// 已销号: verified and closed by the supervision office.
        Closed = ("closed", "已销号"),
    }
}

/// The light of a task. Same colours as projects, without "not lit".
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
pub enum TaskLight {
    /// Overdue, a milestone missed, or reports missing.
    Red,
    /// Behind time or the deadline is near.
    Yellow,
    /// On track.
    Green,
    /// Verified and closed (销号).
    Done,
}

impl TaskLight {
    /// Every light, worst first.
    pub const ALL: [TaskLight; 4] = [
        TaskLight::Red,
        TaskLight::Yellow,
        TaskLight::Green,
        TaskLight::Done,
    ];

    /// Code.
    pub fn code(self) -> &'static str {
        match self {
            TaskLight::Red => "red",
            TaskLight::Yellow => "yellow",
            TaskLight::Green => "green",
            TaskLight::Done => "done",
        }
    }

    /// Chinese label.
    pub fn zh(self) -> &'static str {
        match self {
            TaskLight::Red => "红灯",
            TaskLight::Yellow => "黄灯",
            TaskLight::Green => "绿灯",
            TaskLight::Done => "已销号",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<TaskLight> {
        TaskLight::ALL.into_iter().find(|l| l.code() == s.trim())
    }
}

impl Cadence {
    /// The period of this cadence that holds `d`.
    pub fn period_of(self, d: Date) -> Period {
        match self {
            Cadence::Weekly => Period::week_of(d),
            Cadence::Monthly => Period::month_of(d),
        }
    }
}

/// Thresholds of the task light rules (settings `task.yellow_gap`, `task.due_soon_days`,
/// `task.missing_reports`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskSettings {
    /// Yellow when the share of time elapsed exceeds percent done by more than this many points.
    pub yellow_gap_pp: i64,
    /// Yellow when the deadline is within this many days.
    pub due_soon_days: i64,
    /// Red when this many due reports in a row are missing.
    pub missing_reports: u32,
}

impl Default for TaskSettings {
    fn default() -> Self {
        TaskSettings {
            yellow_gap_pp: 10,
            due_soon_days: 7,
            missing_reports: 2,
        }
    }
}

/// A milestone (节点): a date and what must be true by then.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Milestone {
    /// Due date.
    pub due: Date,
    /// What must be true.
    pub what: String,
    /// The date it was reported met, if it was.
    pub met_on: Option<Date>,
}

/// A quantitative target (量化目标): at least / at most `value` of `unit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuantTarget {
    /// The number, e.g. 300 (days of good air) or 85 (% survival).
    pub value: f64,
    /// Its unit: 天, %.
    pub unit: String,
    /// Higher (at least) or lower (at most) is better.
    pub direction: Direction,
}

impl QuantTarget {
    /// Whether an actual value meets the target.
    pub fn met_by(&self, actual: f64) -> bool {
        match self.direction {
            Direction::Higher => actual >= self.value,
            Direction::Lower => actual <= self.value,
        }
    }
}

/// What the light rules need about one task as of D.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskFacts {
    /// Life state.
    pub state: TaskState,
    /// Start date.
    pub start: Date,
    /// Deadline.
    pub deadline: Date,
    /// Reporting cadence.
    pub cadence: Cadence,
    /// Percent done, 0–100 (the latest report's, or rolled up from sub-tasks).
    pub percent_done: u8,
    /// Milestones.
    pub milestones: Vec<Milestone>,
    /// Periods (`2026-W07`, `2026-03`) that have a report.
    pub reported: Vec<Period>,
}

/// The computed status of a task as of D.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TaskStatus {
    /// The light.
    pub light: TaskLight,
    /// Share of the time from start to deadline elapsed by D, in percent (0–100).
    pub time_elapsed_pct: f64,
    /// Percent done.
    pub percent_done: u8,
    /// Days past the deadline (0 when not past).
    pub days_overdue: i64,
    /// Reasons for red or yellow, in Chinese.
    pub reasons: Vec<String>,
}

/// The periods of the cadence whose report was due by D: periods ending on or after the start and due
/// by D under the reporting calendar (ended, and the deadline day passed before D), most recent last.
pub fn due_periods(
    start: Date,
    end: Date,
    cadence: Cadence,
    d: Date,
    cal: &ReportCalendar,
) -> Vec<Period> {
    let mut out = Vec::new();
    let mut p = cadence.period_of(start);
    let last = end.min(d);
    while cal.due_by(p, d) && p.first_day() <= last {
        out.push(p);
        p = p.next();
    }
    out
}

/// Computes the light of a task as of `d` (rules in `docs/tasks.md`).
pub fn task_status(f: &TaskFacts, d: Date, s: &TaskSettings, cal: &ReportCalendar) -> TaskStatus {
    let span = (f.deadline - f.start).whole_days().max(1);
    let elapsed = (d - f.start).whole_days().clamp(0, span);
    let time_elapsed_pct = elapsed as f64 / span as f64 * 100.0;
    let days_overdue = (d - f.deadline).whole_days().max(0);
    let mut reasons = Vec::new();
    if f.state == TaskState::Closed {
        return TaskStatus {
            light: TaskLight::Done,
            time_elapsed_pct,
            percent_done: f.percent_done,
            days_overdue: 0,
            reasons,
        };
    }
    // Red: past the deadline, a milestone past its date and not met, or the last N due reports missing.
    if d > f.deadline {
        reasons.push(format!("已超期{days_overdue}天"));
    }
    for m in &f.milestones {
        if m.due < d && m.met_on.is_none_or(|met| met > d) {
            reasons.push(format!(
                "节点“{}”（{}）未按期完成",
                m.what,
                crate::period::fmt_date(m.due)
            ));
        }
    }
    // Reports are owed while the task is open: once the unit claims completion it has nothing more to
    // report until the office decides.
    let due = due_periods(f.start, f.deadline, f.cadence, d, cal);
    let n = s.missing_reports as usize;
    if f.state == TaskState::Open
        && n > 0
        && due.len() >= n
        && due[due.len() - n..].iter().all(|p| !f.reported.contains(p))
    {
        reasons.push(format!("连续{n}期未报送进度"));
    }
    if !reasons.is_empty() {
        return TaskStatus {
            light: TaskLight::Red,
            time_elapsed_pct,
            percent_done: f.percent_done,
            days_overdue,
            reasons,
        };
    }
    // Yellow: time elapsed exceeds percent done by more than the gap (exactly: 100·elapsed − pct·span >
    // gap·span), or the deadline is within the due-soon window.
    let behind = 100 * elapsed - i64::from(f.percent_done) * span > s.yellow_gap_pp * span;
    let days_left = (f.deadline - d).whole_days();
    if behind {
        reasons.push(format!(
            "进度{}%落后于时间进度{:.1}%",
            f.percent_done, time_elapsed_pct
        ));
    }
    if days_left <= s.due_soon_days && f.percent_done < 100 {
        reasons.push(format!("距截止日期仅剩{days_left}天"));
    }
    let light = if reasons.is_empty() {
        TaskLight::Green
    } else {
        TaskLight::Yellow
    };
    TaskStatus {
        light,
        time_elapsed_pct,
        percent_done: f.percent_done,
        days_overdue,
        reasons,
    }
}

/// The parent's percent done from its sub-tasks: their mean, rounded down (a parent is not done
/// before every part is).
pub fn rolled_up_percent(children: &[u8]) -> Option<u8> {
    if children.is_empty() {
        return None;
    }
    let sum: u32 = children.iter().map(|&c| u32::from(c)).sum();
    Some((sum / children.len() as u32) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn facts() -> TaskFacts {
        TaskFacts {
            state: TaskState::Open,
            start: date!(2026 - 01 - 01),
            deadline: date!(2026 - 12 - 31),
            cadence: Cadence::Monthly,
            percent_done: 50,
            milestones: Vec::new(),
            reported: Vec::new(),
        }
    }

    fn s() -> TaskSettings {
        TaskSettings::default()
    }

    fn months(v: &[&str]) -> Vec<Period> {
        v.iter().map(|p| Period::parse(p).unwrap()).collect()
    }

    #[test]
    fn deadline_edges() {
        let mut f = facts();
        f.reported = months(&[
            "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08",
            "2026-09", "2026-10", "2026-11", "2026-12",
        ]);
        f.percent_done = 99;
        // On the deadline: not overdue, but due soon → yellow.
        let st = task_status(&f, date!(2026 - 12 - 31), &s(), &ReportCalendar::default());
        assert_eq!(st.light, TaskLight::Yellow);
        assert_eq!(st.days_overdue, 0);
        // The day after: red, one day overdue.
        let st = task_status(&f, date!(2027 - 01 - 01), &s(), &ReportCalendar::default());
        assert_eq!(st.light, TaskLight::Red);
        assert_eq!(st.days_overdue, 1);
        // Seven days before the deadline is "within 7 days"; eight days before is not.
        assert_eq!(
            task_status(&f, date!(2026 - 12 - 24), &s(), &ReportCalendar::default()).light,
            TaskLight::Yellow
        );
        assert_eq!(
            task_status(&f, date!(2026 - 12 - 23), &s(), &ReportCalendar::default()).light,
            TaskLight::Green
        );
        // A claimed task is still red when overdue; only closing makes it done.
        f.state = TaskState::Claimed;
        assert_eq!(
            task_status(&f, date!(2027 - 01 - 05), &s(), &ReportCalendar::default()).light,
            TaskLight::Red
        );
        f.state = TaskState::Closed;
        assert_eq!(
            task_status(&f, date!(2027 - 01 - 05), &s(), &ReportCalendar::default()).light,
            TaskLight::Done
        );
    }

    #[test]
    fn behind_by_exactly_ten_points_is_not_yellow() {
        let mut f = facts();
        f.deadline = date!(2026 - 01 - 31);
        f.start = date!(2026 - 01 - 01);
        f.cadence = Cadence::Monthly;
        // Span 30 days; D = 01-16 → 15/30 = 50 %; 40 % done → gap exactly 10 → green.
        f.percent_done = 40;
        let st = task_status(&f, date!(2026 - 01 - 16), &s(), &ReportCalendar::default());
        assert_eq!(st.light, TaskLight::Green, "{:?}", st.reasons);
        f.percent_done = 39;
        assert_eq!(
            task_status(&f, date!(2026 - 01 - 16), &s(), &ReportCalendar::default()).light,
            TaskLight::Yellow
        );
    }

    #[test]
    fn milestone_past_and_not_met() {
        let mut f = facts();
        f.milestones.push(Milestone {
            due: date!(2026 - 03 - 31),
            what: "完成方案编制".into(),
            met_on: None,
        });
        f.reported = months(&["2026-01", "2026-02", "2026-03"]);
        f.percent_done = 30;
        // On the due date itself it is not yet past.
        assert_eq!(
            task_status(&f, date!(2026 - 03 - 31), &s(), &ReportCalendar::default()).light,
            TaskLight::Green
        );
        let st = task_status(&f, date!(2026 - 04 - 01), &s(), &ReportCalendar::default());
        assert_eq!(st.light, TaskLight::Red);
        assert!(st.reasons[0].contains("完成方案编制"));
        // Met on time → fine; met after D (a later report) does not count yet.
        f.milestones[0].met_on = Some(date!(2026 - 03 - 30));
        assert_eq!(
            task_status(&f, date!(2026 - 04 - 01), &s(), &ReportCalendar::default()).light,
            TaskLight::Green
        );
        f.milestones[0].met_on = Some(date!(2026 - 04 - 05));
        assert_eq!(
            task_status(&f, date!(2026 - 04 - 02), &s(), &ReportCalendar::default()).light,
            TaskLight::Red
        );
    }

    #[test]
    fn two_missing_reports_make_red_one_does_not() {
        let mut f = facts();
        f.percent_done = 20;
        // By 2026-04-02 the reports for January, February and March are due (deadline = next day).
        assert_eq!(
            due_periods(
                f.start,
                f.deadline,
                f.cadence,
                date!(2026 - 04 - 02),
                &ReportCalendar::default()
            ),
            months(&["2026-01", "2026-02", "2026-03"])
        );
        // On 04-01 March's deadline (04-01) has not passed yet.
        assert_eq!(
            due_periods(
                f.start,
                f.deadline,
                f.cadence,
                date!(2026 - 04 - 01),
                &ReportCalendar::default()
            )
            .len(),
            2
        );
        f.reported = months(&["2026-01", "2026-02"]);
        assert_eq!(
            task_status(&f, date!(2026 - 04 - 02), &s(), &ReportCalendar::default()).light,
            TaskLight::Green,
            "one missing"
        );
        f.reported = months(&["2026-01"]);
        let st = task_status(&f, date!(2026 - 04 - 02), &s(), &ReportCalendar::default());
        assert_eq!(st.light, TaskLight::Red);
        assert!(st.reasons.iter().any(|r| r.contains("连续2期未报送")));
        // A claimed task owes no more reports.
        f.state = TaskState::Claimed;
        assert_eq!(
            task_status(&f, date!(2026 - 04 - 02), &s(), &ReportCalendar::default()).light,
            TaskLight::Green
        );
        f.state = TaskState::Open;
        // Weekly cadence counts ISO weeks.
        f.cadence = Cadence::Weekly;
        f.reported = Vec::new();
        assert_eq!(
            due_periods(
                date!(2026 - 01 - 05),
                f.deadline,
                Cadence::Weekly,
                date!(2026 - 01 - 20),
                &ReportCalendar::default()
            )
            .len(),
            2
        );
    }

    #[test]
    fn quant_targets_and_roll_up() {
        let t = QuantTarget {
            value: 85.0,
            unit: "%".into(),
            direction: Direction::Higher,
        };
        assert!(t.met_by(85.0) && !t.met_by(84.9));
        let t = QuantTarget {
            value: 35.0,
            unit: "微克/立方米".into(),
            direction: Direction::Lower,
        };
        assert!(t.met_by(35.0) && !t.met_by(35.1));
        assert_eq!(rolled_up_percent(&[100, 50, 0]), Some(50));
        assert_eq!(rolled_up_percent(&[100, 99]), Some(99));
        assert_eq!(rolled_up_percent(&[]), None);
    }
}
