//! The in-app inbox (消息) behind the header's bell, and the office's reminder to report (催报):
//! the units with reports due, each reminded with one click, or several at once.

use std::collections::{HashMap, HashSet};

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use diaodu_domain::access::Action;
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, flash, local_time, page};
use super::{nonempty, redirect_saved, Ctx, SavedQuery};
use crate::auth::Current;
use crate::service::reporting::{chase_reports, due_items, ChaseOutcome};
use crate::{AppError, AppState};

/// GET /inbox
pub async fn inbox(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<SavedQuery>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    let list = state.store.messages().inbox(c.user.id).await?;
    let unread = list.iter().filter(|m| m.read_at.is_none()).count();
    let body = html! {
        (flash(nonempty(&q.saved), None))
        h1 { "消息" span.muted.small { "　未读 " (unread) " 条" } }
        @if unread > 0 {
            form method="post" action="/inbox/read-all" { (csrf(&c)) button.light-btn type="submit" { "全部标为已读" } }
        }
        @if list.is_empty() { p.muted { "暂无消息。" } }
        div #messages {
            @for m in &list {
                a.message.panel.unread[m.read_at.is_none()] href={"/inbox/" (m.id)} {
                    div { b { (m.title) } @if m.read_at.is_none() { " " span.tag.red { "未读" } } }
                    div { (m.body) }
                    div.small.muted { (m.sender_name) " · " (local_time(&m.created_at)) }
                }
            }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/inbox", "消息", body))
}

/// GET /inbox/{id}: marks the message read and follows its link.
pub async fn open(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let link = state
        .store
        .messages()
        .mark_read(c.user.id, Some(id))
        .await?
        .ok_or_else(|| AppError::NotFound("消息".into()))?;
    // Only a path of this site is followed (not `//host` nor `/\\host`, which browsers read as
    // another site).
    let local = link.starts_with('/') && !matches!(link.as_bytes().get(1), Some(b'/' | b'\\'));
    let to = if local { link } else { "/inbox".into() };
    Ok(Redirect::to(&to).into_response())
}

/// POST /inbox/read-all
pub async fn read_all(State(state): State<AppState>, c: Current) -> Result<Response, AppError> {
    state.store.messages().mark_read(c.user.id, None).await?;
    Ok(redirect_saved("/inbox", "已全部标为已读").into_response())
}

/// Query of the chase page: the outcome of the last reminder.
#[derive(Debug, Default, Deserialize)]
pub struct ChaseQuery {
    /// Confirmation.
    pub saved: Option<String>,
    /// Units with nothing due, named.
    pub none_due: Option<String>,
    /// Units without reporters, named.
    pub no_reporters: Option<String>,
}

/// A unit's reports due, for the chase page.
#[derive(Debug, Default)]
struct UnitDue {
    id: i64,
    name: String,
    /// Periods past their deadline.
    overdue: usize,
    /// Periods due, not yet late.
    pending: usize,
    /// The projects concerned.
    projects: HashSet<i64>,
}

/// GET /reports/chase
pub async fn chase_page(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<ChaseQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::ChaseReports)?;
    let ctx = Ctx::load(&state, &c).await?;
    let d = state.today();
    let due = due_items(&state, &ctx.tree, &c, d).await?;
    let mut by_unit: HashMap<i64, UnitDue> = HashMap::new();
    for i in &due {
        let u = by_unit.entry(i.unit_id).or_insert_with(|| UnitDue {
            id: i.unit_id,
            name: i.unit.clone(),
            ..Default::default()
        });
        if i.overdue {
            u.overdue += 1;
        } else {
            u.pending += 1;
        }
        u.projects.insert(i.project_id);
    }
    let mut units: Vec<UnitDue> = by_unit.into_values().collect();
    // Most overdue first.
    units.sort_by(|a, b| {
        (b.overdue, b.pending)
            .cmp(&(a.overdue, a.pending))
            .then(a.name.cmp(&b.name))
    });
    let last = state.store.messages().last_sent("chase").await?;
    let mut projects = crate::service::reporting::by_project(due.iter());
    projects.sort_by_key(|(_, periods)| !periods.iter().any(|i| i.overdue));
    let warn = [
        nonempty(&q.none_due).map(|n| format!("{n}本期没有待填报的项目，未催报。")),
        nonempty(&q.no_reporters)
            .map(|n| format!("{n}没有填报员账号，未能催报，请在用户管理中添加。")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let body = html! {
        (flash(nonempty(&q.saved), (!warn.is_empty()).then_some(warn.as_str())))
        h1 { "催报" span.muted.small { "　统计日期 " (diaodu_domain::period::fmt_date(d)) "，" (units.len()) " 个单位有待填报的进度" } }
        p.muted { "向单位的填报员发送消息（站内消息，并经已设置的邮件、钉钉、企业微信群发出）：每个单位一条汇总，列出其待填报和已逾期的项目。" }
        @if units.is_empty() { p { "本期进度均已填报，无需催报。" } } @else {
            form #chase method="post" action="/reports/chase" {
                (csrf(&c))
                div.tablewrap { table {
                    thead { tr { th { "选择" } th { "单位" } th.n { "已逾期（期）" } th.n { "待填报（期）" } th.n { "涉及项目" } th { "上次催报" } th {} } }
                    tbody {
                        @for u in &units { tr {
                            td { input type="checkbox" name="unit" value=(u.id) aria-label={ "选择" (u.name) }; }
                            td { (u.name) }
                            td.n { @if u.overdue > 0 { span style="color:var(--red)" { (u.overdue) } } @else { "0" } }
                            td.n { (u.pending) }
                            td.n { (u.projects.len()) }
                            td.small.muted.nw { (last.get(&u.id).map(|t| local_time(t)).unwrap_or_else(|| "—".into())) }
                            td { button.light-btn type="submit" name="unit_one" value=(u.id) { "催报" } }
                        } }
                    }
                } }
                p { button type="submit" { "催报所选单位" } }
            }
            details.by-project {
            summary { h2 style="display:inline-block" { "按项目催报" } span.muted.small { "　" (projects.len()) " 个项目有待填报，展开后勾选" } }
            p.muted.small { "只就勾选的项目提醒其责任单位的填报员（每个单位一条消息，只列所选项目）。" }
            form #chase-projects method="post" action="/reports/chase" {
                (csrf(&c))
                div.tablewrap.cardable { table {
                    thead { tr { th { "选择" } th { "项目" } th { "责任单位" } th { "待填报" } } }
                    tbody {
                        @for (p, periods) in projects.iter().take(PROJECTS_LISTED) { tr {
                            td { input type="checkbox" name="project" value=(p.project_id) aria-label={ "选择" (p.name) }; }
                            td { (p.name) br; span.small.muted { (p.code) } }
                            td.unit { (p.unit) }
                            td { @for it in periods { span.nw { (it.period) " " } @if it.overdue { span.tag.red { "已逾期" } " " } } }
                        } }
                    }
                } }
                @if projects.len() > PROJECTS_LISTED { p.small.muted { "仅列出前 " (PROJECTS_LISTED) " 个项目（已逾期的在前）；其余请按单位催报。" } }
                p { button type="submit" { "催报所选项目" } }
            }
            }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/reports/chase", "催报", body))
}

/// How many projects the chase page lists for a reminder by project.
const PROJECTS_LISTED: usize = 200;

/// POST /reports/chase: `unit_one` (a row's button), the ticked `unit`s, or the ticked `project`s
/// (also a project page's 催报).
pub async fn chase(
    State(state): State<AppState>,
    c: Current,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    // Repeated `unit` fields: read as pairs, not into a struct.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let pick = |k: &str| -> Result<Vec<i64>, AppError> {
        pairs
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| AppError::invalid("单位", format!("“{v}”不是单位编号")))
            })
            .collect()
    };
    let one = pick("unit_one")?;
    let units = if one.is_empty() { pick("unit")? } else { one };
    let projects = pick("project")?;
    let out: ChaseOutcome = chase_reports(&state, &c, &units, &projects).await?;
    let mut link = serde_urlencoded::to_string([
        (
            "saved",
            format!(
                "已向 {} 个单位的 {} 名填报员发出催报",
                out.units, out.recipients
            ),
        ),
        ("none_due", out.nothing_due.join("、")),
        ("no_reporters", out.without_reporters.join("、")),
    ])
    .unwrap_or_default();
    link.insert_str(0, "/reports/chase?");
    Ok(Redirect::to(&link).into_response())
}

/// POST /tasks/{id}/chase
pub async fn chase_task(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let out = crate::service::reporting::chase_task(&state, &c, id).await?;
    let msg = if out.units > 0 {
        format!("已向牵头单位的 {} 名填报员发出催报", out.recipients)
    } else if !out.without_reporters.is_empty() {
        format!(
            "{}没有填报员账号，未能催报",
            out.without_reporters.join("、")
        )
    } else {
        "任务已不在办理中，未催报".to_string()
    };
    Ok(super::redirect_saved(&format!("/tasks/{id}"), &msg).into_response())
}
