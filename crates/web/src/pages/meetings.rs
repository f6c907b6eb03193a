//! Dispatch meetings (调度会): the list, the meeting page with its decisions (each becomes a task in one
//! step), the briefing assembled from live data, and the briefing and minutes as official documents.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use diaodu_domain::access::{Action, Scope};
use diaodu_domain::period::{fmt_date, parse_date};
use diaodu_domain::task::Cadence;
use diaodu_office::docx::{Block, OfficialDoc};
use diaodu_store::{Meeting, NewMeeting, UnitTree};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, flash, page};
use super::projects::unit_options;
use super::{nonempty, redirect_saved, Ctx};
use crate::auth::Current;
pub use crate::service::documents::{briefing, minutes};
use crate::service::scope::DecisionForm;
use crate::{AppError, AppState};

/// An official document rendered as HTML for the page (same blocks as the .docx).
pub fn doc_html(doc: &OfficialDoc) -> Markup {
    html! {
        div.panel.doc style="font-family:'Noto Serif CJK SC','FangSong',serif;font-size:16px;line-height:1.9" {
            @for b in &doc.blocks {
                @match b {
                    Block::Title(t) => h1 style="text-align:center;font-size:22px" { (t) },
                    Block::Addressee(t) => p { (t) "：" },
                    Block::Heading1(t) => h2 { (t) },
                    Block::Heading2(t) => h3 style="font-size:16px" { (t) },
                    Block::Para(t) => p style="text-indent:2em" { (t) },
                    Block::Table { headers, rows } => div.tablewrap style="margin:8px 0" { table {
                        thead { tr { @for h in headers { th { (h) } } } }
                        tbody { @for r in rows { tr { @for c in r { td { (c) } } } } }
                    } },
                    Block::Signature { org, date } => p style="text-align:right" { (org) br; (date) },
                    Block::Blank => br;,
                }
            }
        }
    }
}

/// The meeting form.
#[derive(Debug, Default, Deserialize)]
pub struct MeetingForm {
    /// Title.
    pub title: String,
    /// Date.
    pub date: String,
    /// Period under review.
    #[serde(default)]
    pub review_period: String,
    /// Attendees.
    #[serde(default)]
    pub attendees: String,
    /// Agenda.
    #[serde(default)]
    pub agenda: String,
}

/// GET /meetings
pub async fn list(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<super::tasks::TaskQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::ViewMeetings)?;
    let ctx = Ctx::load(&state, &c).await?;
    let list = state.store.meetings().list().await?;
    let d = state.today();
    let body = html! {
        (flash(nonempty(&q.saved), None))
        h1 { "调度会" }
        div.tablewrap { table #meetings {
            thead { tr { th { "日期" } th { "会议" } th { "调度期" } th {} } }
            tbody {
                @for m in &list { tr { td.nw { (fmt_date(m.date)) } td { a href={"/meetings/" (m.id)} { (m.title) } } td { (m.review_period) }
                    td { a href={"/meetings/" (m.id) "/briefing.docx"} { "会议材料" } " · " a href={"/meetings/" (m.id) "/minutes.docx"} { "纪要" } } } }
                @if list.is_empty() { tr { td colspan="4" { span.muted { "尚未召开调度会。" } } } }
            }
        } }
        @if c.can(Action::ManageTasks) {
            form.panel method="post" action="/meetings" style="margin-top:14px" {
                h2 style="margin-top:0" { "新建调度会" }
                (csrf(&c))
                div.form-grid {
                    label.wide { span.req { "会议名称" } input name="title" required placeholder="如 第47周重点工作调度会"; }
                    label { span.req { "会议日期" } input type="date" name="date" value=(fmt_date(d)) required; }
                    label { "调度期" input name="review_period" placeholder="如 2026年第47周"; }
                    label.wide { "参会人员" input name="attendees"; }
                    label.wide { "会议议程" textarea name="agenda" {} }
                }
                p { button type="submit" { "保存" } }
            }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/meetings", "调度会", body))
}

/// POST /meetings
pub async fn create(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<MeetingForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageTasks)?;
    let date = parse_date(&f.date).map_err(|e| AppError::invalid("会议日期", e.to_string()))?;
    let id = crate::service::create_meeting(
        &state,
        &c,
        NewMeeting {
            title: f.title,
            date,
            review_period: f.review_period,
            unit_id: 0,
            attendees: f.attendees,
            agenda: f.agenda,
        },
    )
    .await?;
    Ok(redirect_saved(&format!("/meetings/{id}"), "调度会已保存").into_response())
}

async fn load(state: &AppState, c: &Current, id: i64) -> Result<(Meeting, UnitTree), AppError> {
    Ok(crate::service::scope::load_meeting(state, c, id).await?)
}

/// GET /meetings/{id}
pub async fn detail(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Query(q): Query<super::tasks::TaskQuery>,
) -> Result<Markup, AppError> {
    let (m, tree) = load(&state, &c, id).await?;
    let unit_name = tree
        .get(c.user.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let decisions = state.store.meetings().decisions(id).await?;
    let tasks = state
        .store
        .tasks()
        .rows(&tree, Scope::All, state.today())
        .await?;
    let doc = briefing(&state.store, &tree, &m).await?;
    let manage = c.can(Action::ManageTasks);
    let body = html! {
        (flash(nonempty(&q.saved), None))
        h1 { (m.title) span.muted.small { "　" (fmt_date(m.date)) "　调度期：" (m.review_period) } }
        p { a.btn href={"/meetings/" (id) "/briefing.docx"} { "下载会议材料（Word）" } " " a.btn.light-btn href={"/meetings/" (id) "/minutes.docx"} { "下载会议纪要（Word）" } " " a #library-link href={"/documents?record=meeting:" (id)} { "材料库中的本会材料" } }
        div.panel { dl.kv { dt { "参会人员" } dd { (m.attendees) } dt { "会议议程" } dd { (m.agenda) } } }
        h2 { "议定事项" span.muted.small { "　每项议定事项即为一项重点工作任务" } }
        div.tablewrap { table #decisions {
            thead { tr { th { "议定事项" } th { "任务" } th { "牵头单位" } th { "截止日期" } th { "亮灯" } } }
            tbody {
                @for x in &decisions { @let t = tasks.iter().find(|t| t.task.id == x.task_id); tr {
                    td { (x.content) }
                    td { a href={"/tasks/" (x.task_id)} { (t.map(|t| t.task.code.clone()).unwrap_or_default()) } }
                    td { (t.map(|t| t.lead_unit.clone()).unwrap_or_default()) }
                    td.nw { (t.map(|t| fmt_date(t.task.deadline)).unwrap_or_default()) }
                    td { @if let Some(t) = t { (super::tasks::task_light(t.status.light)) } }
                } }
                @if decisions.is_empty() { tr { td colspan="5" { span.muted { "尚无议定事项。" } } } }
            }
        } }
        @if manage {
            form.panel method="post" action={"/meetings/" (id) "/decisions"} style="margin-top:12px" {
                h2 style="margin-top:0" { "记录议定事项（同时生成任务）" }
                (csrf(&c))
                div.form-grid {
                    label.wide { span.req { "议定事项" } textarea name="content" required {} }
                    label { span.req { "牵头单位" } select name="lead_unit_id" { option value="" { "请选择" } @for (v, l) in unit_options(&tree, &c) { option value=(v) { (l) } } } }
                    label { span.req { "完成时限" } input type="date" name="deadline" required; }
                    label { "填报频次" select name="cadence" { @for k in Cadence::ALL { option value=(k.code()) { (k.zh()) } } } }
                    label { "责任领导" input name="leader"; }
                }
                p { button type="submit" { "记录并生成任务" } }
            }
            form.panel method="post" action={"/meetings/" (id) "/minutes"} {
                h2 style="margin-top:0" { "会议纪要正文" }
                (csrf(&c))
                textarea name="minutes" style="min-height:120px" { (m.minutes) }
                p { button type="submit" { "保存纪要" } }
            }
        }
        h2 { "会议材料（按会议日期的实时数据生成）" }
        (doc_html(&doc))
    };
    Ok(page(&c, &unit_name, "/meetings", &m.title, body))
}

/// POST /meetings/{id}/decisions
pub async fn add_decision(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, AppError> {
    crate::service::add_decision(&state, &c, id, &f).await?;
    Ok(redirect_saved(&format!("/meetings/{id}"), "议定事项已记录，并已生成任务").into_response())
}

/// The minutes form.
#[derive(Debug, Deserialize)]
pub struct MinutesForm {
    /// Minutes text.
    pub minutes: String,
}

/// POST /meetings/{id}/minutes
pub async fn save_minutes(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<MinutesForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageTasks)?;
    load(&state, &c, id).await?;
    state
        .store
        .meetings()
        .set_minutes(&c.actor(), id, &f.minutes)
        .await?;
    Ok(redirect_saved(&format!("/meetings/{id}"), "纪要已保存").into_response())
}

/// GET /meetings/{id}/briefing.docx
pub async fn briefing_docx(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let issued = crate::service::documents::meeting_document_for(&state, &c, id, false).await?;
    Ok(crate::files::docx(issued))
}

/// GET /meetings/{id}/minutes.docx
pub async fn minutes_docx(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let issued = crate::service::documents::meeting_document_for(&state, &c, id, true).await?;
    Ok(crate::files::docx(issued))
}
