//! Reporting: which reports are due, and the office's reminder to report (催报) — for the pages, the
//! API and the home page alike.

use super::Error;
use diaodu_domain::access::Action;
use diaodu_domain::status::stage_reports_weekly;
use diaodu_domain::Period;
use diaodu_store::{ProjectFilter, UnitTree};
use time::Date;

use crate::auth::Current;
use crate::notify::{compose, Tell};
use crate::AppState;

/// A report that is due.
#[derive(Debug, Clone)]
pub struct DueItem {
    /// Project id.
    pub project_id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Owner unit.
    pub unit: String,
    /// Its id.
    pub unit_id: i64,
    /// The period due.
    pub period: Period,
    /// Its deadline under the reporting calendar.
    pub deadline: diaodu_domain::calendar::Deadline,
    /// Past its deadline.
    pub overdue: bool,
}

/// Weekly reports due for projects under construction in the user's scope: last week's if missing
/// (overdue once its deadline day under the reporting calendar has passed) and this week's.
pub async fn due_items(
    state: &AppState,
    tree: &UnitTree,
    c: &Current,
    d: Date,
) -> Result<Vec<DueItem>, Error> {
    let rows = state
        .store
        .projects()
        .statuses(tree, c.scope, &ProjectFilter::default(), d)
        .await?;
    due_items_of(state, tree, c.scope, &rows, d).await
}

/// As [`due_items`], for status rows already loaded.
pub async fn due_items_of(
    state: &AppState,
    tree: &UnitTree,
    scope: diaodu_domain::access::Scope,
    rows: &[diaodu_store::ProjectStatusRow],
    d: Date,
) -> Result<Vec<DueItem>, Error> {
    let this_week = Period::week_of(d);
    let last_week = this_week.prev();
    let ids: Vec<i64> = rows.iter().map(|r| r.project.id).collect();
    let done = state
        .store
        .reports()
        .reported_in_scope(
            tree,
            scope,
            &ids,
            &[this_week.to_string(), last_week.to_string()],
        )
        .await?;
    let calendar = state.store.reports().calendar().await?;
    let mut out = Vec::new();
    for period in [last_week, this_week] {
        let deadline = calendar.deadline(period);
        let overdue = deadline.day < d;
        for r in rows {
            let f = &r.project.fields;
            if !stage_reports_weekly(f.stage)
                || f.actual_start.is_none_or(|a| a > period.last_day())
            {
                continue;
            }
            if done.contains(&(r.project.id, period.to_string())) {
                continue;
            }
            out.push(DueItem {
                project_id: r.project.id,
                code: f.code.clone(),
                name: f.name.clone(),
                unit: r.unit_name.clone(),
                unit_id: r.project.unit_id,
                period,
                deadline,
                overdue,
            });
        }
    }
    Ok(out)
}

/// Due reports by project, in the order the projects first come: each project's first item (its
/// code, name and unit) with all its items, periods in date order.
pub fn by_project<'a>(
    items: impl IntoIterator<Item = &'a DueItem>,
) -> Vec<(&'a DueItem, Vec<&'a DueItem>)> {
    let mut at: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    let mut out: Vec<(&DueItem, Vec<&DueItem>)> = Vec::new();
    for it in items {
        match at.get(&it.project_id) {
            Some(&k) => out[k].1.push(it),
            None => {
                at.insert(it.project_id, out.len());
                out.push((it, vec![it]));
            }
        }
    }
    for (_, periods) in &mut out {
        periods.sort_by_key(|it| it.period.first_day());
    }
    out
}

/// How many due projects a reminder names; the rest are counted.
const NAMED_IN_REMINDER: usize = 10;

/// What a reminder to report did.
#[derive(Debug, Default, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ChaseOutcome {
    /// Units reminded.
    pub units: usize,
    /// Messages sent (one to each reporter of each unit reminded).
    pub recipients: usize,
    /// Units with reports due but no reporter to tell (by name).
    pub without_reporters: Vec<String>,
    /// Units asked for that have nothing due (by name).
    pub nothing_due: Vec<String>,
}

/// Reminds units to report (催报): each reporter of each of `unit_ids` (the users of that unit who
/// file reports) gets one message naming the unit's own projects whose reports are due or overdue —
/// one digest, however many projects — in the inbox and through the channels configured. With
/// `projects`, only those projects are named, and their units are the ones reminded. Units or
/// projects outside the caller's scope are refused; units with nothing due are reported back, not
/// told. Offices that follow reporting up may do it (`ChaseReports`).
pub async fn chase_reports(
    state: &AppState,
    c: &Current,
    unit_ids: &[i64],
    projects: &[i64],
) -> Result<ChaseOutcome, Error> {
    c.require(Action::ChaseReports)?;
    let mut unit_ids = unit_ids.to_vec();
    for &p in projects {
        let (project, _) = crate::service::scope::load_in_scope(state, c, p).await?;
        unit_ids.push(project.unit_id);
    }
    if unit_ids.is_empty() {
        return Err(Error::invalid("单位", "请选择要催报的单位或项目"));
    }
    // Each unit once, however often it is named.
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let tree = state.store.units().await?;
    for &u in &unit_ids {
        if tree.get(u).is_none() {
            return Err(Error::invalid("单位", format!("编号 {u} 的单位不存在")));
        }
        if !tree.in_scope(u, c.scope) {
            return Err(Error::Forbidden);
        }
    }
    let d = state.today();
    let due = due_items(state, &tree, c, d).await?;
    let sender = match tree.get(c.user.unit_id) {
        Some(u) => format!("{} {}", u.name, c.user.name),
        None => c.user.name.clone(),
    };
    let mut out = ChaseOutcome::default();
    let cfg = crate::notify::Config::load(&state.store).await?;
    let now = time::OffsetDateTime::now_utc();
    let mut sends = Vec::new();
    for &u in &unit_ids {
        let name = tree.get(u).map(|x| x.name.clone()).unwrap_or_default();
        // The unit's own projects: a unit below it with projects is reminded on its own.
        let items: Vec<&DueItem> = due
            .iter()
            .filter(|i| i.unit_id == u && (projects.is_empty() || projects.contains(&i.project_id)))
            .collect();
        if items.is_empty() {
            out.nothing_due.push(name);
            continue;
        }
        // Disabled accounts are not told.
        let reporters = crate::notify::reporters(&state.store, u).await?;
        if reporters.is_empty() {
            out.without_reporters.push(name);
            continue;
        }
        let overdue = items.iter().filter(|i| i.overdue).count();
        // Each project once, with its periods (the overdue ones marked), overdue projects first.
        let mut projects = by_project(items.iter().copied());
        projects.sort_by_key(|(_, periods)| !periods.iter().any(|i| i.overdue));
        let named = projects.len().min(NAMED_IN_REMINDER);
        let rest = projects.len() - named;
        let list: Vec<String> = projects[..named]
            .iter()
            .map(|(p, periods)| {
                let periods: Vec<String> = periods
                    .iter()
                    .map(|i| {
                        if i.overdue {
                            format!("{} 已逾期", i.period)
                        } else {
                            i.period.to_string()
                        }
                    })
                    .collect();
                format!("{}（{}）", p.name, periods.join("、"))
            })
            .collect();
        let body = format!(
            "{name}有 {} 个项目的 {} 期进度尚未填报{}：{}{}。请尽快填报。",
            projects.len(),
            items.len(),
            if overdue > 0 {
                format!("，其中 {overdue} 期已逾期")
            } else {
                String::new()
            },
            list.join("；"),
            if rest > 0 {
                format!("；另有 {rest} 个项目")
            } else {
                String::new()
            }
        );
        let tell = Tell {
            kind: "chase".into(),
            title: "催报：请填报项目进度".into(),
            body,
            link: "/reports/due".into(),
            unit_id: Some(u),
            sender_name: sender.clone(),
        };
        out.recipients += reporters.len();
        sends.push(compose(&cfg, &tree, &tell, &reporters, now));
        out.units += 1;
    }
    // The in-app messages and the deliveries to the channels in one transaction; the channels are
    // sent to afterwards, by the outbox's worker.
    state.store.messages().dispatch(&c.actor(), &sends).await?;
    Ok(out)
}

/// Reminds a task's lead unit to report its progress (催报): its reporters get one message naming the
/// periods due and missing under the reporting calendar, or, when none is missing, the next deadline.
pub async fn chase_task(
    state: &AppState,
    c: &Current,
    task_id: i64,
) -> Result<ChaseOutcome, Error> {
    c.require(Action::ChaseReports)?;
    let (task, _, tree) = crate::service::scope::load_task(state, c, task_id).await?;
    let d = state.today();
    let cal = state.store.reports().calendar().await?;
    let rows = state
        .store
        .tasks()
        .rows(&tree, diaodu_domain::access::Scope::All, d)
        .await?;
    let reported: Vec<Period> = rows
        .iter()
        .find(|r| r.task.id == task_id)
        .map(|r| r.reported.clone())
        .unwrap_or_default();
    let missing: Vec<String> =
        diaodu_domain::task::due_periods(task.start, task.deadline, task.cadence, d, &cal)
            .into_iter()
            .filter(|p| !reported.contains(p))
            .map(|p| p.to_string())
            .collect();
    let unit = task.lead_unit_id;
    let name = tree.get(unit).map_or_else(String::new, |u| u.name.clone());
    let mut out = ChaseOutcome::default();
    if task.state != diaodu_domain::task::TaskState::Open {
        out.nothing_due.push(name);
        return Ok(out);
    }
    let reporters = crate::notify::reporters(&state.store, unit).await?;
    if reporters.is_empty() {
        out.without_reporters.push(name);
        return Ok(out);
    }
    let body = if missing.is_empty() {
        let next = task.cadence.period_of(d);
        format!(
            "请按时报送任务“{}”的进展：{} 期于 {} 截止。",
            task.title,
            next,
            cal.deadline(next).zh()
        )
    } else {
        format!(
            "任务“{}”有 {} 期进展未报送：{}。请尽快报送。",
            task.title,
            missing.len(),
            missing.join("、")
        )
    };
    let sender = match tree.get(c.user.unit_id) {
        Some(u) => format!("{} {}", u.name, c.user.name),
        None => c.user.name.clone(),
    };
    let tell = Tell {
        kind: "chase".into(),
        title: "催报：请报送任务进展".into(),
        body,
        link: format!("/tasks/{task_id}"),
        unit_id: Some(unit),
        sender_name: sender,
    };
    let cfg = crate::notify::Config::load(&state.store).await?;
    let send = compose(
        &cfg,
        &tree,
        &tell,
        &reporters,
        time::OffsetDateTime::now_utc(),
    );
    state.store.messages().dispatch(&c.actor(), &[send]).await?;
    out.units = 1;
    out.recipients = reporters.len();
    Ok(out)
}
