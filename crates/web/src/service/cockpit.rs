//! The leaders' cockpit (领导驾驶舱): the figures of the caller's whole scope on one screen, read
//! from the same cached statuses as the home page — indicators, projects, tasks and supervision.

use std::collections::BTreeMap;

use diaodu_domain::access::{Action, Scope};
use diaodu_domain::indicator::StatPeriod;
use diaodu_domain::notice::{Escalation, NoticeState};
use diaodu_domain::status::UnitFigures;
use diaodu_domain::task::TaskLight;
use diaodu_domain::Yuan;
use diaodu_store::reporting::{unit_table, UnitLine};
use diaodu_store::{ProjectFilter, Unit, UnitTree};
use time::Date;

use super::Error;
use crate::auth::Current;
use crate::AppState;

/// A unit's overdue replies.
#[derive(Clone)]
pub struct OverdueLine {
    /// The unit (a child of the region, counting those below it).
    pub unit: Unit,
    /// Notices past their reply date, not answered.
    pub overdue: u32,
    /// The longest wait, in days.
    pub longest_days: i64,
}

/// Everything the cockpit shows.
pub struct Cockpit {
    /// The region: the top of the caller's scope.
    pub region: Unit,
    /// The day.
    pub d: Date,
    /// The region's project figures.
    pub total: UnitFigures,
    /// Started projects without investment for the stall window (开而未建).
    pub stalled: u32,
    /// Not started though their planned start has passed.
    pub late_start: u32,
    /// The year's investment by month end (from the running totals) and to the day.
    pub investment: Vec<(Date, Yuan)>,
    /// The region's children with their figures, ranked (the first line the region's total).
    pub units: Vec<UnitLine>,
    /// Tasks by light.
    pub tasks: BTreeMap<TaskLight, u32>,
    /// Notices of the year by state.
    pub notices_by_state: Vec<(NoticeState, u32)>,
    /// Notices of the year by the ladder step reached.
    pub notices_by_step: Vec<(Escalation, u32)>,
    /// Units with replies overdue, most first.
    pub overdue: Vec<OverdueLine>,
    /// Accountability records of the year.
    pub accountability: u32,
    /// The region's scorecard for the newest period with values, if it has one.
    pub scorecard: Option<diaodu_store::scorecard::Scorecard>,
    /// The last twelve Sundays before the day: the region's stalled and not-started projects on each.
    pub trend: Vec<(Date, u32, u32)>,
    /// The region's units drawn on the map (those with a boundary), and the drawing's height.
    pub map: (Vec<super::map::Drawn>, f64),
}

/// The map's size on the page.
pub const MAP_WIDTH: f64 = 560.0;
/// The map's greatest height on the page.
pub const MAP_HEIGHT: f64 = 400.0;

/// The cockpit of the caller's scope on day `d`: for everyone who views projects. Kept per scope
/// and day until the data changes, as the statuses it starts from are: a meeting room's screen and
/// thirty leaders' phones read one computation.
pub async fn cockpit(
    state: &AppState,
    c: &Current,
    d: Date,
) -> Result<std::sync::Arc<Cockpit>, Error> {
    c.require(Action::ViewProjects)?;
    let tree = state.store.units().await?;
    let root = super::scope::scope_root(c);
    let key = format!("cockpit|{:?}|{root}|{d}", tree.scope_prefix(c.scope));
    state
        .store
        .derive(&key, || cockpit_of(state, &tree, c.scope, root, d))
        .await
}

async fn cockpit_of(
    state: &AppState,
    tree: &UnitTree,
    scope: Scope,
    root: i64,
    d: Date,
) -> Result<Cockpit, Error> {
    let store = &state.store;
    let region = tree
        .get(root)
        .cloned()
        .ok_or_else(|| Error::NotFound("单位".into()))?;
    let rows = store
        .projects()
        .statuses(tree, scope, &ProjectFilter::default(), d)
        .await?;
    let mut total = UnitFigures::default();
    let (mut stalled, mut late_start) = (0, 0);
    for r in &rows {
        total.add(&r.facts, &r.status, d);
        if r.status.started && r.status.stalled {
            stalled += 1;
        }
        if r.status.not_started_past_plan {
            late_start += 1;
        }
    }
    total.finish(d);
    let mut investment = store
        .reports()
        .monthly_investment(tree, scope, d.year(), d)
        .await?;
    investment.push((d, total.ytd_investment));
    let units = unit_table(tree, &rows, root, d);

    // What reports do not change is derived apart, and reused while only reports arrive.
    let others = store
        .derive_apart_from_reports(
            &format!("cockpit-others|{:?}|{root}|{d}", tree.scope_prefix(scope)),
            || others_of(state, tree, scope, root, d),
        )
        .await?;
    // The trend's open weeks, computed afresh (the closed ones come with the other parts).
    let live: Vec<Date> = trend_days(d)
        .into_iter()
        .filter(|day| *day >= others.keep_before)
        .collect();
    let figures = store
        .reports()
        .snapshots(tree, scope, &live, others.keep_before)
        .await?;
    let mut trend = others.closed_weeks.clone();
    trend.extend(sum_trend(tree, scope, &live, &figures));
    let o = &*others;
    Ok(Cockpit {
        region,
        d,
        total,
        stalled,
        late_start,
        investment,
        units,
        tasks: o.tasks.clone(),
        notices_by_state: o.notices_by_state.clone(),
        notices_by_step: o.notices_by_step.clone(),
        overdue: o.overdue.clone(),
        accountability: o.accountability,
        scorecard: o.scorecard.clone(),
        trend,
        map: o.map.clone(),
    })
}

/// The cockpit's parts that filing reports does not change.
struct Others {
    tasks: BTreeMap<TaskLight, u32>,
    notices_by_state: Vec<(NoticeState, u32)>,
    notices_by_step: Vec<(Escalation, u32)>,
    overdue: Vec<OverdueLine>,
    accountability: u32,
    scorecard: Option<diaodu_store::scorecard::Scorecard>,
    map: (Vec<super::map::Drawn>, f64),
    /// The first day whose reports may still arrive: the trend's weeks before it are closed.
    keep_before: Date,
    /// The trend's closed weeks, as each stood when it closed.
    closed_weeks: Vec<(Date, u32, u32)>,
}

/// The last twelve Sundays before `d`, oldest first.
fn trend_days(d: Date) -> Vec<Date> {
    let mut sunday = d.previous_day().unwrap_or(d);
    while sunday.weekday() != time::Weekday::Sunday {
        sunday = sunday.previous_day().unwrap_or(sunday);
    }
    (0..12)
        .rev()
        .map(|k| sunday - time::Duration::weeks(k))
        .collect()
}

/// The scope's stalled and not-started projects on each of `days`, from the units' figures.
fn sum_trend(
    tree: &UnitTree,
    scope: Scope,
    days: &[Date],
    figures: &std::collections::HashMap<
        Date,
        std::collections::HashMap<i64, diaodu_store::snapshots::Snapshot>,
    >,
) -> Vec<(Date, u32, u32)> {
    days.iter()
        .map(|day| {
            let (mut st, mut late) = (0, 0);
            for (unit, s) in figures.get(day).into_iter().flatten() {
                if tree.in_scope(*unit, scope) {
                    st += s.stalled;
                    late += s.late_start;
                }
            }
            (*day, st, late)
        })
        .collect()
}

async fn others_of(
    state: &AppState,
    tree: &UnitTree,
    scope: Scope,
    root: i64,
    d: Date,
) -> Result<Others, Error> {
    let store = &state.store;
    let mut tasks: BTreeMap<TaskLight, u32> = BTreeMap::new();
    for t in store.tasks().rows(tree, scope, d).await? {
        *tasks.entry(t.status.light).or_default() += 1;
    }

    let jan1 = Date::from_calendar_date(d.year(), time::Month::January, 1).expect("valid");
    let every_notice = store.notices().list(tree, scope, d).await?;
    let notices: Vec<&diaodu_store::Notice> = every_notice
        .iter()
        .filter(|n| {
            // The day of issue in Beijing time, as the assessment and the notice list count it.
            super::documents::local_day(&n.issued_at).is_some_and(|i| i >= jan1 && i <= d)
        })
        .collect();
    let notices_by_state = NoticeState::ALL
        .iter()
        .map(|s| (*s, notices.iter().filter(|n| n.state == *s).count() as u32))
        .collect();
    let notices_by_step = Escalation::ALL
        .iter()
        .map(|e| {
            (
                *e,
                notices.iter().filter(|n| n.escalation == *e).count() as u32,
            )
        })
        .collect();
    let mut overdue: Vec<OverdueLine> = tree
        .children(Some(root))
        .into_iter()
        .map(|u| {
            // Overdue whenever issued: a notice of last year still unanswered is overdue now.
            let mine: Vec<&diaodu_store::Notice> = every_notice
                .iter()
                .filter(|n| {
                    n.days_overdue > 0
                        && n.state.awaiting_reply()
                        && tree.in_scope(n.unit_id, Scope::Subtree(u.id))
                })
                .collect();
            OverdueLine {
                unit: u.clone(),
                overdue: mine.len() as u32,
                longest_days: mine.iter().map(|n| n.days_overdue).max().unwrap_or(0),
            }
        })
        .filter(|l| l.overdue > 0)
        .collect();
    overdue.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(b.longest_days.cmp(&a.longest_days))
    });

    let accountability = store
        .notices()
        .accountability(None)
        .await?
        .iter()
        .filter(|a| {
            a.decided_on >= jan1
                && a.decided_on <= d
                && a.unit_id.is_some_and(|u| tree.in_scope(u, scope))
        })
        .count() as u32;

    let period = store
        .indicators()
        .value_periods()
        .await?
        .iter()
        .filter_map(|p| StatPeriod::parse(p).ok())
        .filter(|p| p.first_day() <= d)
        .max_by_key(|p| (p.year(), p.to_string()));
    let scorecard = match period {
        Some(p) => {
            let sc = store.indicators().scorecard(tree, root, p).await?;
            sc.indicators
                .iter()
                .any(|c| c.card.rank.is_some())
                .then_some(sc)
        }
        None => None,
    };
    let shapes = store.unit_shapes().await?;
    let children: Vec<i64> = tree.children(Some(root)).iter().map(|u| u.id).collect();
    let map = super::map::draw(&shapes, tree, &children, MAP_WIDTH, MAP_HEIGHT);
    // The trend's closed weeks: kept once computed, as each stood when it closed (the weeks from
    // the first open day on, whose reports may still arrive, are computed with the project figures).
    let keep_before = store
        .reports()
        .open_from()
        .await?
        .unwrap_or_else(|| state.today());
    let closed: Vec<Date> = trend_days(d)
        .into_iter()
        .filter(|day| *day < keep_before)
        .collect();
    let kept = store
        .reports()
        .snapshots(tree, scope, &closed, keep_before)
        .await?;
    let closed_weeks = sum_trend(tree, scope, &closed, &kept);
    Ok(Others {
        tasks,
        notices_by_state,
        notices_by_step,
        overdue,
        accountability,
        scorecard,
        map,
        keep_before,
        closed_weeks,
    })
}
