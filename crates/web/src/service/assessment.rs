//! The units' assessment (目标责任考核) computed from live data on any day, as the page, the API, the
//! Excel export, the quarterly notice and the bench read it: what the platform knows of each unit
//! (its own records and those of the units below it) gathered once for the whole scope, scored by
//! the year's scheme (`diaodu_domain::assessment`), ranked among peers — the units of the same kind
//! under the same parent — and set against the end of the previous quarter.

use std::collections::HashMap;

use diaodu_domain::access::{Action, Scope, UnitKind};
use diaodu_domain::assessment::{
    self as rules, points_text, Adjustment, Centi, ItemKind, ItemScore, Scheme, TaskOutcome,
    UnitData,
};
use diaodu_domain::indicator::StatPeriod;
use diaodu_domain::task::TaskLight;
use diaodu_store::reporting::figures_by_unit;
use diaodu_store::{ProjectFilter, Store, UnitTree};
use serde::{Deserialize, Serialize};
use time::{Date, Month};
use utoipa::{IntoParams, ToSchema};

use super::documents::local_day;
use super::Error;
use crate::auth::Current;
use crate::AppState;

/// Query of the assessment.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssessmentQuery {
    /// 考核年度 (default: this year).
    pub year: Option<String>,
    /// The day scored, YYYY-MM-DD within the year (default: today, or the year's last day for a
    /// past year).
    pub as_of: Option<String>,
    /// One unit (id) to show; default every unit in the caller's scope.
    pub unit: Option<String>,
}

/// An item's result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemOut {
    /// What it scores.
    pub kind: ItemKind,
    /// Its name.
    pub name: String,
    /// Full points (0 for bonuses and deductions).
    pub full: f64,
    /// Points scored; null when it does not apply to the unit.
    pub points: Option<f64>,
    /// The figures and the rule in words.
    pub text: String,
}

/// A unit's assessment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitAssessment {
    /// The unit.
    pub unit_id: i64,
    /// Its name.
    pub unit: String,
    /// Its kind (its peers are the units of this kind under the same parent).
    pub kind: UnitKind,
    /// The peer group, in words (`云川市 · 区县`).
    pub peer_group: String,
    /// Rank among peers (ties share); null without a score.
    pub rank: Option<u32>,
    /// How many peers are ranked.
    pub peers: u32,
    /// The score: points of the items that apply scaled to 100, plus bonuses and deductions.
    pub total: Option<f64>,
    /// Points earned on the items that apply.
    pub earned: f64,
    /// Their full points.
    pub possible: f64,
    /// Bonuses and deductions.
    pub adjustment: f64,
    /// The score at the end of the previous quarter of the year (null in the first quarter).
    pub previous_total: Option<f64>,
    /// The rank then.
    pub previous_rank: Option<u32>,
    /// The score's change since.
    pub change: Option<f64>,
    /// Places moved up since (negative: down).
    pub rank_change: Option<i64>,
    /// Each item.
    pub items: Vec<ItemOut>,
}

/// The assessment of a scope on a day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentOut {
    /// 考核年度.
    pub year: i32,
    /// The day scored.
    pub as_of: Date,
    /// The end of the previous quarter compared with (null in the first quarter).
    pub previous_as_of: Option<Date>,
    /// The version of the year's scheme in force (null: the default scheme, never edited).
    pub scheme_version: Option<i64>,
    /// The day's time progress, %.
    pub time_progress_pct: f64,
    /// The units, by peer group, then rank.
    pub units: Vec<UnitAssessment>,
}

/// The year and day a query asks for: the day must fall in the year.
pub fn year_and_day(today: Date, q: &AssessmentQuery) -> Result<(i32, Date), Error> {
    let pq = super::planning::PlanningQuery {
        year: q.year.clone(),
        as_of: q.as_of.clone(),
    };
    let (year, d) = super::planning::year_and_day(today, &pq)?;
    if d.year() != year {
        return Err(Error::invalid(
            "as_of",
            format!("统计日期应在 {year} 年内（考核按年度累计计算）"),
        ));
    }
    Ok((year, d))
}

/// The last day of the quarter before the one holding `d`, in `d`'s year; none in the first quarter.
pub fn previous_quarter_end(d: Date) -> Option<Date> {
    let q = (d.month() as u8 - 1) / 3;
    (q > 0).then(|| {
        let m = Month::try_from(q * 3).expect("month");
        Date::from_calendar_date(d.year(), m, m.length(d.year())).expect("valid")
    })
}

/// The last day of a statistical period.
fn period_end(p: StatPeriod) -> Date {
    let (y, m) = match p {
        StatPeriod::Month { year, month } => (year, month),
        StatPeriod::Quarter { year, quarter } => (year, quarter * 3),
        StatPeriod::Half { year, half } => (year, half * 6),
        StatPeriod::Year { year } => (year, 12),
    };
    let m = Month::try_from(m).unwrap_or(Month::December);
    Date::from_calendar_date(y, m, m.length(y)).expect("valid")
}

/// One unit scored.
#[derive(Debug, Clone)]
pub struct Scored {
    /// The unit.
    pub unit_id: i64,
    /// The domain's result.
    pub score: rules::UnitScore,
    /// Rank among peers.
    pub rank: Option<u32>,
    /// Peers ranked.
    pub peers: u32,
}

/// Every unit below `root` (not retired, with at least one item of the scheme for its kind), scored
/// on day `d` of `year` and ranked among its peers, in the tree's order.
pub async fn compute(
    store: &Store,
    tree: &UnitTree,
    root: i64,
    year: i32,
    d: Date,
    scheme: &Scheme,
) -> Result<Vec<Scored>, Error> {
    let scope = Scope::Subtree(root);
    let jan1 = Date::from_calendar_date(year, Month::January, 1).expect("valid");
    let units: Vec<&diaodu_store::Unit> = tree
        .within(scope)
        .into_iter()
        .filter(|u| u.id != root && u.retired_on.is_none())
        .filter(|u| scheme.items.iter().any(|i| i.applies_to.contains(&u.kind)))
        .collect();
    // Every id on a unit's path gets what the unit has: a unit counts its own and those below it.
    let path = |unit_id: i64| -> Vec<i64> {
        tree.get(unit_id)
            .map(|u| {
                u.path
                    .split('/')
                    .filter_map(|s| s.parse::<i64>().ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut data: HashMap<i64, UnitData> = HashMap::new();

    let rows = store
        .projects()
        .statuses(tree, scope, &ProjectFilter::default(), d)
        .await?;
    for (id, f) in figures_by_unit(tree, &rows, d) {
        let e = data.entry(id).or_default();
        e.start = Some((f.started, f.start_base));
        e.investment = Some((f.ytd_investment, f.annual_plan));
        e.reports = Some((f.reports_on_time, f.reports_due));
    }

    for t in store.tasks().rows(tree, scope, d).await? {
        let task = &t.task;
        let closed = task.closed_at.as_deref().and_then(local_day);
        // The year's tasks, and earlier years' still open (or verified only this year): a task
        // left undone does not drop out of the score when the year turns.
        if task.start > d || closed.is_some_and(|c| c < jan1) {
            continue;
        }
        let outcome = match t.status.light {
            TaskLight::Done => {
                if closed.is_some_and(|c| c <= task.deadline) {
                    TaskOutcome::DoneOnTime
                } else {
                    TaskOutcome::DoneLate
                }
            }
            TaskLight::Green => TaskOutcome::Green,
            TaskLight::Yellow => TaskOutcome::Yellow,
            TaskLight::Red => TaskOutcome::Red,
        };
        for id in path(task.lead_unit_id) {
            data.entry(id).or_default().tasks.push(outcome);
        }
    }

    // A notice as it stood at the end of D: answered late when its first reply came after its
    // reply date, or, still unanswered on D, when D is past it; the ladder step reached is the one
    // its days late call for (the hourly round records the same step, perhaps later) or a higher
    // one recorded as in effect by D.
    let ladder = store.notices().ladder().await?;
    let history = store
        .notices()
        .replies_and_steps(&format!("{}-12-31", year - 1))
        .await?;
    for n in store.notices().list(tree, scope, d).await? {
        let issued = local_day(&n.issued_at);
        if !issued.is_some_and(|i| i >= jan1 && i <= d) {
            continue;
        }
        let (replies, steps) = history
            .get(&n.id)
            .map(|(r, s)| (r.as_slice(), s.as_slice()))
            .unwrap_or_default();
        let recorded = steps
            .iter()
            .filter(|(_, on)| *on <= d)
            .map(|(s, _)| s.level())
            .max()
            .unwrap_or(0);
        let (level, late) = match replies.iter().filter_map(|at| local_day(at)).min() {
            // Answered with no reply on record (data brought in from elsewhere): as far as it
            // is recorded to have climbed.
            None if !n.state.awaiting_reply() => (recorded, recorded > 0),
            first_reply => {
                let until = first_reply.filter(|r| *r <= d).unwrap_or(d);
                let days_late = (until - n.reply_by).whole_days().max(0);
                // A notice sent back and escalated again counts late by the step it reached,
                // though its first reply came in time.
                (
                    ladder.step_for(days_late).level().max(recorded),
                    days_late > 0 || recorded > 0,
                )
            }
        };
        for id in path(n.unit_id) {
            let e = data.entry(id).or_default().notices.get_or_insert_default();
            e.0 += 1;
            if late {
                e.1.push(level);
            }
        }
    }

    for a in store.notices().accountability(None).await? {
        let Some(u) = a.unit_id else { continue };
        if a.decided_on < jan1 || a.decided_on > d || !tree.in_scope(u, scope) {
            continue;
        }
        for id in path(u) {
            data.entry(id).or_default().accountability += 1;
        }
    }

    let planning = store.planning().progress(tree, root, year, d).await?;
    for u in &planning.units {
        data.entry(u.unit_id).or_default().planning = Some((u.projects_pct, u.investment_pct));
    }

    // Indicator ranks: the newest statistical period of the year ended by D, for the regions that
    // are scored on them.
    let regions: Vec<i64> = units
        .iter()
        .filter(|u| {
            scheme
                .items
                .iter()
                .any(|i| i.kind == ItemKind::IndicatorRanks && i.applies_to.contains(&u.kind))
        })
        .map(|u| u.id)
        .collect();
    if !regions.is_empty() {
        let period = store
            .indicators()
            .value_periods()
            .await?
            .iter()
            .filter_map(|p| StatPeriod::parse(p).ok())
            .filter(|p| p.year() == year && period_end(*p) <= d)
            .max_by_key(|p| (period_end(*p), p.kind_code()));
        if let Some(period) = period {
            for sc in store
                .indicators()
                .scorecards(tree, &regions, period)
                .await?
            {
                let ranks: Vec<(u32, u32)> = sc
                    .indicators
                    .iter()
                    .filter_map(|c| c.card.rank.map(|r| (r, c.card.peer_count)))
                    .collect();
                data.entry(sc.region.id).or_default().indicators = ranks;
            }
        }
    }

    for a in store.assessment().adjustments(year).await? {
        let on = diaodu_store::assessment::adjustment_day(&a);
        if on.is_some_and(|o| o <= d) {
            data.entry(a.unit_id)
                .or_default()
                .adjustments
                .push(Adjustment {
                    points: a.points,
                    reason: a.reason,
                });
        }
    }

    let time_tenths = diaodu_domain::planning::pct_tenths(
        i64::from(d.ordinal()),
        i64::from(diaodu_domain::period::days_in_year(year)),
    )
    .unwrap_or(0);
    let empty = UnitData::default();
    let mut scored: Vec<Scored> = units
        .iter()
        .map(|u| Scored {
            unit_id: u.id,
            score: rules::score(
                scheme,
                u.kind,
                data.get(&u.id).unwrap_or(&empty),
                time_tenths,
            ),
            rank: None,
            peers: 0,
        })
        .collect();
    // Ranks among peers: the same parent, the same kind.
    let mut groups: HashMap<(Option<i64>, UnitKind), Vec<usize>> = HashMap::new();
    for (i, u) in units.iter().enumerate() {
        groups.entry((u.parent_id, u.kind)).or_default().push(i);
    }
    for idx in groups.values() {
        let totals: Vec<Option<Centi>> = idx.iter().map(|i| scored[*i].score.total).collect();
        let ranked = totals.iter().filter(|t| t.is_some()).count() as u32;
        for (i, r) in idx.iter().zip(rules::ranks(&totals)) {
            scored[*i].rank = r;
            scored[*i].peers = ranked;
        }
    }
    Ok(scored)
}

fn f(c: Centi) -> f64 {
    c as f64 / 100.0
}

/// The assessment of the units in the caller's scope (or of one of them) for `year` on `d`, ranked
/// among their peers and set against the end of the previous quarter; for everyone who views
/// projects.
pub async fn assessment(
    state: &AppState,
    c: &Current,
    year: i32,
    d: Date,
    unit: Option<i64>,
) -> Result<AssessmentOut, Error> {
    c.require(Action::ViewProjects)?;
    let root = super::scope::scope_root(c);
    let tree = state.store.units().await?;
    if let Some(u) = unit {
        if tree.get(u).is_none() || !tree.in_scope(u, c.scope) {
            return Err(Error::Forbidden);
        }
    }
    // A unit is ranked among its peers: a caller whose own unit is assessed (a district) is scored
    // with its peers under its parent, then shown alone — its own score and rank, not its peers'
    // details. A city's offices score the units below the city (the statuses their pages already
    // hold); the administrator, everything below the top.
    let (scheme, _) = state.store.assessment().scheme(year).await?;
    let from = match (c.scope, tree.get(root)) {
        (Scope::All, _) => tree.children(None).first().map_or(root, |u| u.id),
        (_, Some(u)) if scheme.items.iter().any(|i| i.applies_to.contains(&u.kind)) => {
            u.parent_id.unwrap_or(root)
        }
        _ => root,
    };
    let mut out = assessment_of(&state.store, &tree, from, year, d).await?;
    out.units
        .retain(|x| tree.in_scope(x.unit_id, c.scope) && unit.is_none_or(|u| x.unit_id == u));
    Ok(out)
}

/// The assessment of `root`'s subtree (callers check scope): the page, the API, the notice and the
/// command line.
pub async fn assessment_of(
    store: &Store,
    tree: &UnitTree,
    root: i64,
    year: i32,
    d: Date,
) -> Result<AssessmentOut, Error> {
    let (scheme, version) = store.assessment().scheme(year).await?;
    assessment_with(store, tree, root, year, d, scheme, version).await
}

/// The assessment of `root`'s subtree under `scheme` (of `version`): [`assessment_of`] with the
/// scheme in force, or the bench with a province's.
pub async fn assessment_with(
    store: &Store,
    tree: &UnitTree,
    root: i64,
    year: i32,
    d: Date,
    scheme: Scheme,
    version: Option<i64>,
) -> Result<AssessmentOut, Error> {
    let prev_d = previous_quarter_end(d);
    // The previous quarter's end is scored beside the day itself, on another worker: each reads
    // its own statuses (the day's usually reused from the pages', the quarter's end computed).
    let earlier = prev_d.map(|p| {
        let (store, tree, scheme) = (store.clone(), tree.clone(), scheme.clone());
        tokio::spawn(async move { compute(&store, &tree, root, year, p, &scheme).await })
    });
    let now = compute(store, tree, root, year, d, &scheme).await?;
    let before: HashMap<i64, Scored> = match earlier {
        Some(h) => h
            .await
            .map_err(|e| Error::Internal(e.to_string()))??
            .into_iter()
            .map(|s| (s.unit_id, s))
            .collect(),
        None => HashMap::new(),
    };
    let kind_zh = |k: UnitKind| k.zh();
    let mut units: Vec<UnitAssessment> = now
        .into_iter()
        .map(|s| {
            let u = tree.get(s.unit_id).expect("in the tree");
            let parent = u
                .parent_id
                .and_then(|p| tree.get(p))
                .map(|p| p.name.clone())
                .unwrap_or_default();
            let prev = before.get(&s.unit_id);
            let previous_total = prev.and_then(|p| p.score.total).map(f);
            let total = s.score.total.map(f);
            UnitAssessment {
                unit_id: u.id,
                unit: u.name.clone(),
                kind: u.kind,
                peer_group: format!("{parent} · {}", kind_zh(u.kind)),
                rank: s.rank,
                peers: s.peers,
                total,
                earned: f(s.score.earned),
                possible: f(s.score.possible),
                adjustment: f(s.score.adjustment),
                previous_total,
                previous_rank: prev.and_then(|p| p.rank),
                change: match (s.score.total, prev.and_then(|p| p.score.total)) {
                    (Some(a), Some(b)) => Some(f(a - b)),
                    _ => None,
                },
                rank_change: match (s.rank, prev.and_then(|p| p.rank)) {
                    (Some(a), Some(b)) => Some(i64::from(b) - i64::from(a)),
                    _ => None,
                },
                items: s.score.items.iter().map(item_out).collect(),
            }
        })
        .collect();
    // By peer group in the tree's order of their first unit, then rank.
    let order: HashMap<i64, usize> = tree
        .within(Scope::Subtree(root))
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id, i))
        .collect();
    let mut first: HashMap<String, usize> = HashMap::new();
    for u in &units {
        let o = order.get(&u.unit_id).copied().unwrap_or(usize::MAX);
        let e = first.entry(u.peer_group.clone()).or_insert(o);
        *e = (*e).min(o);
    }
    units.sort_by_key(|u| {
        (
            first.get(&u.peer_group).copied().unwrap_or(usize::MAX),
            u.rank.unwrap_or(u32::MAX),
            order.get(&u.unit_id).copied().unwrap_or(usize::MAX),
        )
    });
    Ok(AssessmentOut {
        year,
        as_of: d,
        previous_as_of: prev_d,
        scheme_version: version,
        time_progress_pct: (diaodu_domain::status::time_progress_pct(d) * 10.0).round() / 10.0,
        units,
    })
}

fn item_out(i: &ItemScore) -> ItemOut {
    ItemOut {
        kind: i.kind,
        name: i.name.clone(),
        full: f(i.full),
        points: i.points.map(f),
        text: i.text.clone(),
    }
}

/// Saves `year`'s scheme as its next version: the assessment office's at the city (or province).
pub async fn save_scheme(
    state: &AppState,
    c: &Current,
    year: i32,
    scheme: &Scheme,
) -> Result<i64, Error> {
    c.require(Action::ManageAssessment)?;
    // The scheme holds for every unit assessed: it is the city's (or province's) office's to keep,
    // not a district's.
    let tree = state.store.units().await?;
    let top = tree
        .get(super::scope::scope_root(c))
        .is_some_and(|u| matches!(u.kind, UnitKind::City | UnitKind::Province));
    if c.scope != Scope::All && !top {
        return Err(Error::Forbidden);
    }
    Ok(state
        .store
        .assessment()
        .save_scheme(&c.actor(), year, scheme)
        .await?)
}

/// A bonus or deduction as the API and the page take it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AdjustmentIn {
    /// The unit (within the caller's scope).
    pub unit_id: i64,
    /// The day it counts from, YYYY-MM-DD, not after today (default: today).
    pub on_date: Option<String>,
    /// Points: positive a bonus, negative a deduction, at most two decimals, within ±100.
    #[schema(value_type = f64)]
    pub points: crate::api::types::NumOrText,
    /// 事由.
    pub reason: String,
    /// 依据文件 (文号 or title).
    #[serde(default)]
    pub document: String,
}

/// Parses points with at most two decimals into hundredths.
pub fn parse_points(s: &str) -> Result<Centi, Error> {
    let t = s.trim();
    let bad = || Error::invalid("分值", format!("“{t}”应为最多两位小数的分数，如 2 或 -0.5"));
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || int.len() > 4
    {
        return Err(bad());
    }
    let whole: i64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| bad())?
    };
    let cents: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let v = whole * 100 + cents;
    Ok(if neg { -v } else { v })
}

/// Enters a bonus or deduction: the assessment office's, for a unit within its scope, dated today
/// or before.
pub async fn add_adjustment(state: &AppState, c: &Current, a: &AdjustmentIn) -> Result<i64, Error> {
    c.require(Action::ManageAssessment)?;
    let tree = state.check_scope(c.scope, a.unit_id).await?;
    // An office scores the units below it: a district's office does not give its own district
    // points (the administrator, above every unit, may correct any).
    if a.unit_id == c.user.unit_id && c.scope != Scope::All {
        return Err(Error::ForbiddenBecause(
            "不能为本单位录入加减分：本单位的加减分由上级考核办录入".into(),
        ));
    }
    let on = super::write_date(state.today(), a.on_date.as_deref())?;
    let points = parse_points(&a.points.text())?;
    Ok(state
        .store
        .assessment()
        .add_adjustment(
            &c.actor(),
            &tree,
            &diaodu_store::assessment::NewAdjustment {
                unit_id: a.unit_id,
                on,
                points,
                reason: a.reason.clone(),
                document: a.document.clone(),
            },
        )
        .await?)
}

/// Withdraws a bonus or deduction of a unit within the caller's scope.
pub async fn withdraw_adjustment(state: &AppState, c: &Current, id: i64) -> Result<bool, Error> {
    c.require(Action::ManageAssessment)?;
    let a = state
        .store
        .assessment()
        .adjustment(id)
        .await?
        .ok_or_else(|| Error::NotFound("加减分记录".into()))?;
    state.check_scope(c.scope, a.unit_id).await?;
    if a.unit_id == c.user.unit_id && c.scope != Scope::All {
        return Err(Error::ForbiddenBecause(
            "不能撤销本单位的加减分：本单位的加减分由上级考核办处理".into(),
        ));
    }
    Ok(state
        .store
        .assessment()
        .withdraw_adjustment(&c.actor(), id)
        .await?)
}

/// The full table as .xlsx rows: one line per unit with every item's points.
pub fn table_rows(out: &AssessmentOut) -> (Vec<String>, Vec<Vec<diaodu_office::xlsx::Cell>>) {
    use diaodu_office::xlsx::Cell;
    let mut all_names: Vec<String> = Vec::new();
    for u in &out.units {
        for i in &u.items {
            if !all_names.contains(&i.name) {
                all_names.push(i.name.clone());
            }
        }
    }
    let mut headers: Vec<String> = [
        "同级组",
        "名次",
        "单位",
        "综合得分",
        "上季末得分",
        "变化",
        "名次变化",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    headers.extend(all_names.iter().cloned());
    let num = |v: Option<f64>| v.map_or(Cell::Empty, Cell::Num);
    let rows = out
        .units
        .iter()
        .map(|u| {
            let mut r = vec![
                Cell::Text(u.peer_group.clone()),
                u.rank.map_or(Cell::Empty, |r| Cell::Int(i64::from(r))),
                Cell::Text(u.unit.clone()),
                num(u.total),
                num(u.previous_total),
                num(u.change),
                u.rank_change.map_or(Cell::Empty, Cell::Int),
            ];
            for n in &all_names {
                r.push(
                    u.items
                        .iter()
                        .find(|i| &i.name == n)
                        .map_or(Cell::Empty, |i| num(i.points)),
                );
            }
            r
        })
        .collect();
    (headers, rows)
}

/// A unit's points as text, for documents.
pub fn total_text(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |t| points_text((t * 100.0).round() as Centi))
}

/// The quarterly assessment notice of `quarter` (YYYY-Qn) for the top of the caller's scope: the
/// assessment office's, for a quarter begun; kept in the library, one per unit and quarter.
pub async fn notice_for(
    state: &AppState,
    c: &Current,
    quarter: &str,
) -> Result<super::documents::Issued, Error> {
    c.require(Action::ManageAssessment)?;
    let (year, q) = match StatPeriod::parse(quarter.trim()) {
        Ok(StatPeriod::Quarter { year, quarter }) => (year, quarter),
        _ => return Err(Error::invalid("季度", "应为 YYYY-Qn，如 2026-Q3")),
    };
    let root = super::scope::scope_root(c);
    let tree = state.check_scope(c.scope, root).await?;
    let today = state.today();
    let doc = notice(&state.store, &c.actor(), &tree, root, (year, q), today).await?;
    let end = period_end(StatPeriod::Quarter { year, quarter: q });
    let f = super::library::Filing {
        kind: "assessment_notice",
        subject: format!("assessment:{root}:{year}-Q{q}"),
        date: Some(end.min(today)),
        unit_id: root,
        series: format!("assessment:{root}"),
        ..Default::default()
    };
    super::documents::Issued::titled(doc)
        .kept(state, c, f)
        .await
}

/// The quarterly assessment notice (目标责任考核情况通报) of `unit`'s subtree for quarter `q` of
/// `year`, as of the quarter's last day or `today` while it runs: how the units were scored, each
/// peer group's ranking with the scores, their change since the previous quarter and where each
/// lost most, the first of each group commended and the last named; under the supervision office's
/// mark (`document.issuer`) with its next 发文字号 (`document.prefix`), the same number each time
/// this quarter's notice is produced.
pub async fn notice(
    store: &Store,
    actor: &diaodu_store::Actor,
    tree: &UnitTree,
    unit_id: i64,
    (year, q): (i32, u8),
    today: Date,
) -> Result<diaodu_office::docx::OfficialDoc, Error> {
    use diaodu_domain::period::fmt_date_zh;
    use diaodu_office::docx::OfficialDoc;
    let unit = tree
        .get(unit_id)
        .cloned()
        .ok_or_else(|| Error::NotFound("单位".into()))?;
    if !(1..=4).contains(&q) {
        return Err(Error::invalid("季度", "应为 1 至 4"));
    }
    let start = StatPeriod::Quarter { year, quarter: q }.first_day();
    if start > today {
        return Err(Error::invalid("季度", "尚未开始，不能通报"));
    }
    let d = period_end(StatPeriod::Quarter { year, quarter: q }).min(today);
    let out = assessment_of(store, tree, unit.id, year, d).await?;
    let q_zh = ["一", "二", "三", "四"][usize::from(q - 1)];
    let title = format!("关于{year}年第{q_zh}季度目标责任考核情况的通报");
    let mut doc = OfficialDoc::new();
    doc.title(title.clone());
    doc.addressee("各县区人民政府、园区管委会，市直各有关部门");
    let (_, version) = store.assessment().scheme(year).await?;
    doc.para(format!(
        "根据{year}年度目标责任考核方案{}，依据重点工作调度督办平台截至{}的项目建设、重点任务、督办落实、项目策划、主要指标等实时数据，对各单位{year}年1—{}月工作进行了考核计分。现将考核情况通报如下。",
        version.map_or_else(String::new, |v| format!("（第{v}版）")),
        fmt_date_zh(d),
        u32::from(q) * 3,
    ));
    doc.h1("计分办法");
    doc.para("各考核项按实际数据计分，不涉及的考核项不计入，适用考核项得分折算为百分制后加上加减分为综合得分；同一上级下的同类单位（区县与区县、园区与园区、部门与部门）之间排名，得分相同者名次并列。各单位每项得分的数据依据和计算过程可在平台“目标考核”页面查看。");
    let mut groups: Vec<(String, Vec<&UnitAssessment>)> = Vec::new();
    for u in &out.units {
        match groups.iter_mut().find(|(g, _)| *g == u.peer_group) {
            Some((_, v)) => v.push(u),
            None => groups.push((u.peer_group.clone(), vec![u])),
        }
    }
    let pts = |v: Option<f64>| total_text(v);
    let change = |u: &UnitAssessment| match u.change {
        Some(c) if c > 0.0 => format!("+{}", pts(Some(c))),
        Some(c) => pts(Some(c)),
        None => "—".into(),
    };
    // Where a unit lost most: the two items with the most points short of full.
    let lost = |u: &UnitAssessment| {
        let mut v: Vec<(f64, &str)> = u
            .items
            .iter()
            .filter_map(|i| i.points.map(|p| (i.full - p, i.name.as_str())))
            .filter(|(l, _)| *l > 0.0)
            .collect();
        v.sort_by(|a, b| b.0.total_cmp(&a.0));
        let s: Vec<String> = v
            .iter()
            .take(2)
            .map(|(l, n)| format!("{n}−{}", pts(Some(*l))))
            .collect();
        if s.is_empty() {
            "—".to_string()
        } else {
            s.join("、")
        }
    };
    for (group, units) in &groups {
        doc.h1(format!("{}考核结果", group.replace(" · ", "")));
        doc.table(
            ["名次", "单位", "综合得分", "较上季度", "主要失分项"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            units
                .iter()
                .map(|u| {
                    vec![
                        u.rank.map_or_else(|| "—".into(), |r| r.to_string()),
                        u.unit.clone(),
                        pts(u.total),
                        change(u),
                        lost(u),
                    ]
                })
                .collect(),
        );
        let ranked: Vec<&&UnitAssessment> = units.iter().filter(|u| u.rank.is_some()).collect();
        if ranked.len() >= 2 {
            let first: Vec<&str> = ranked
                .iter()
                .filter(|u| u.rank == Some(1))
                .map(|u| u.unit.as_str())
                .collect();
            let worst = ranked.iter().filter_map(|u| u.rank).max().unwrap_or(0);
            let last: Vec<&str> = ranked
                .iter()
                .filter(|u| u.rank == Some(worst) && worst > 1)
                .map(|u| u.unit.as_str())
                .collect();
            let mut p = format!("{}得分居同级首位，予以通报表扬", first.join("、"));
            if !last.is_empty() {
                p.push_str(&format!(
                    "；{}得分居同级末位，请对照失分项查找原因、限期整改",
                    last.join("、")
                ));
            }
            p.push('。');
            doc.para(p);
        }
    }
    doc.h1("有关要求");
    doc.para("各单位要对照考核计分明细，逐项分析失分原因，制定整改措施；对考核中反映出的项目开工滞后、投资完成落后于时序进度、督办事项逾期反馈等问题，要明确责任人和完成时限，确保年度目标任务全面完成。");
    let issuer = super::documents::doc_setting(store, "document.issuer", || {
        format!("{}人民政府督查室", unit.name)
    })
    .await?;
    let prefix = super::documents::doc_setting(store, "document.prefix", || {
        format!("{}政督", unit.name.chars().next().unwrap_or('市'))
    })
    .await?;
    super::documents::sign_and_number(
        store,
        actor,
        &mut doc,
        super::documents::Issuer {
            name: issuer,
            prefix,
        },
        ("assessment_notice", &format!("{}/{year}-Q{q}", unit.code)),
        today,
    )
    .await?;
    Ok(doc)
}
