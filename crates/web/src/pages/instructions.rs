//! Leaders' instructions (领导批示): the list (a leader's own, a unit's to answer, the office's to
//! follow up), one instruction with its answer and decision, and the panel on a project, task or
//! notice where a leader writes one.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use diaodu_domain::access::Action;
use diaodu_domain::instruction::{InstructionState, InstructionSubject};
use diaodu_domain::notice::time_left_zh;
use diaodu_domain::period::{fmt_date, parse_date};
use diaodu_store::{Instruction, NewInstruction};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, flash, local_time, page};
use super::sort::{Key, Sorting};
use super::{nonempty, redirect_saved, Ctx};
use crate::auth::Current;
use crate::service::instructions as service;
use crate::{AppError, AppState};

/// Where an instruction stands, as a tag; the days left or overdue while the answer is owed.
pub fn state_tag(i: &Instruction, d: time::Date) -> Markup {
    html! {
        @match i.state {
            InstructionState::Closed => span.tag { (i.state.zh()) },
            InstructionState::Replied => span.tag.warn { (i.state.zh()) },
            InstructionState::Open => {
                span.tag { (i.state.zh()) } " "
                @if i.days_overdue > 0 { span.tag.red { (time_left_zh(i.due_on, d)) } }
                @else { span.muted.small { (time_left_zh(i.due_on, d)) } }
            },
        }
    }
}

/// The page of an instruction's subject.
fn subject_path(subject: InstructionSubject, id: i64) -> String {
    let kind = match subject {
        InstructionSubject::Project => "projects",
        InstructionSubject::Task => "tasks",
        InstructionSubject::Notice => "notices",
    };
    format!("/{kind}/{id}")
}

fn subject_link(i: &Instruction) -> Markup {
    html! {
        span.muted.small { (i.subject.zh()) " " (i.subject_code) } br;
        a href=(subject_path(i.subject, i.subject_id)) { (i.subject_title) }
    }
}

/// The instructions table; its headers sort the list when `sorting` is given.
pub fn table(list: &[&Instruction], d: time::Date, sorting: Option<&Sorting>) -> Markup {
    let th = |col, label, numeric| super::sort::th(sorting, col, label, numeric);
    html! {
        div.tablewrap { table #instructions {
            thead { tr { th { (th("subject", "批示对象", false)) } th { "批示内容" } th { (th("unit", "责任单位", false)) } th { (th("leader", "批示领导", false)) } th { (th("due", "办理期限", false)) } th { (th("state", "状态", false)) } th {} } }
            tbody {
                @for i in list { tr {
                    td { (subject_link(i)) }
                    td { (i.body) }
                    td { (i.unit_name) }
                    td.nw { (i.leader_name) }
                    td.nw { (fmt_date(i.due_on)) }
                    td.nw { (state_tag(i, d)) }
                    td.nw { a href={"/instructions/" (i.id)} { "查看" } }
                } }
                @if list.is_empty() { tr { td colspan="7" { span.muted { "没有领导批示。" } } } }
            }
        } }
    }
}

/// Query of the list.
#[derive(Debug, Default, Deserialize)]
pub struct InstructionQuery {
    /// open (办理中 and 已反馈), overdue, closed, mine (written by me), all.
    pub show: Option<String>,
    /// Column to sort by, `-` before it for descending.
    pub sort: Option<String>,
    /// Confirmation.
    pub saved: Option<String>,
}

/// GET /instructions
pub async fn list(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<InstructionQuery>,
) -> Result<Response, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    let d = state.today();
    let all = state
        .store
        .notices()
        .instructions(&ctx.tree, c.scope, d)
        .await?;
    let leader = c.can(Action::Instruct);
    let default = if leader { "mine" } else { "open" };
    let show = nonempty(&q.show).unwrap_or(default);
    let mut shown: Vec<&Instruction> = all
        .iter()
        .filter(|i| match show {
            "mine" => i.leader_id == Some(c.user.id),
            "overdue" => i.days_overdue > 0,
            "closed" => i.state == InstructionState::Closed,
            "all" => true,
            _ => i.state != InstructionState::Closed,
        })
        .collect();
    let sorting = Sorting::new(
        "/instructions",
        nonempty(&q.sort),
        &["subject", "unit", "leader", "due", "state"],
        &[("show", show)],
    );
    sorting.apply(&mut shown, |i, col| match col {
        "subject" => Key::text(&i.subject_title),
        "unit" => Key::text(&i.unit_name),
        "leader" => Key::text(&i.leader_name),
        "due" => Key::text(fmt_date(i.due_on)),
        _ => Key::Num(i.state as u8 as f64),
    });
    let count = |s: InstructionState| all.iter().filter(|i| i.state == s).count();
    let overdue = all.iter().filter(|i| i.days_overdue > 0).count();
    let mut choices = vec![
        ("open", "未办结"),
        ("overdue", "已逾期"),
        ("closed", "已办结"),
        ("all", "全部"),
    ];
    if leader {
        choices.insert(0, ("mine", "我的批示"));
    }
    let body = html! {
        (flash(nonempty(&q.saved), None))
        h1 { "领导批示" span.muted.small { "　办理中 " (count(InstructionState::Open)) " 件，已反馈待办结 " (count(InstructionState::Replied)) " 件，逾期 " (overdue) " 件" } }
        form.filters method="get" action="/instructions" {
            label { "范围" select name="show" {
                @for (k, v) in &choices { option value=(k) selected[show == *k] { (v) } } } }
            button type="submit" { "查询" }
        }
        (table(&shown, d, Some(&sorting)))
        p.small.muted {
            @if leader { "在项目、任务或督办单页面的“领导批示”栏作出批示；" }
            "责任单位在办理期限前反馈办理情况，批示领导或督查室办结或退回。"
        }
    };
    Ok(page(&c, &ctx.unit_name, "/instructions", "领导批示", body).into_response())
}

/// The instructions on a subject, for its page: each with its state and link, and the form to write
/// one for a leader whose scope holds the subject's unit (`unit_in_scope`: a task seen through a
/// cooperating unit only is not the leader's to instruct).
pub fn panel(
    c: &Current,
    subject: InstructionSubject,
    id: i64,
    list: &[Instruction],
    d: time::Date,
    unit_in_scope: bool,
) -> Markup {
    let writer = c.can(Action::Instruct) && unit_in_scope;
    if list.is_empty() && !writer {
        return html! {};
    }
    html! {
        div.panel #instructions-panel {
            h2 style="margin-top:0" { "领导批示" }
            @if list.is_empty() { p.muted { "暂无批示。" } }
            @for i in list {
                div.instruction {
                    p style="white-space:pre-wrap;margin:4px 0" { b { (i.leader_name) "：" } (i.body) }
                    p.small.muted style="margin:0 0 8px" {
                        (local_time(&i.created_at)) " · 请" (i.unit_name) "于 " (fmt_date(i.due_on)) " 前反馈 · "
                        (state_tag(i, d)) " " a href={"/instructions/" (i.id)} { "查看" }
                    }
                }
            }
            @if writer {
                form method="post" action="/instructions" {
                    (csrf(c))
                    input type="hidden" name="subject_kind" value=(subject.code());
                    input type="hidden" name="subject_id" value=(id);
                    div.form-grid {
                        label.wide { span.req { "批示内容" } textarea name="body" required maxlength="2000" placeholder="如：请加快推进，本周内协调解决用地问题。" {} }
                        label { span.req { "办理期限" } input type="date" name="due_on" required value=(fmt_date(d + time::Duration::days(7))); }
                    }
                    p { button type="submit" { "作出批示" } }
                }
            }
        }
    }
}

/// The form writing an instruction.
#[derive(Debug, Deserialize)]
pub struct WriteForm {
    /// project, task or notice.
    pub subject_kind: String,
    /// Its id.
    pub subject_id: String,
    /// The instruction.
    pub body: String,
    /// Answer by.
    pub due_on: String,
}

impl WriteForm {
    /// The instruction the form describes; every field's error at once.
    pub fn parse(&self) -> Result<NewInstruction, AppError> {
        let mut errs = Vec::new();
        let subject = InstructionSubject::parse(&self.subject_kind);
        if subject.is_none() {
            errs.push((
                "批示对象".to_string(),
                "应为 project、task 或 notice".to_string(),
            ));
        }
        let id = self.subject_id.trim().parse::<i64>().ok();
        if id.is_none() {
            errs.push(("批示对象".to_string(), "编号应为整数".to_string()));
        }
        let due = parse_date(self.due_on.trim()).ok();
        if due.is_none() {
            errs.push((
                "办理期限".to_string(),
                "请填写日期，如 2026-12-31".to_string(),
            ));
        }
        match (subject, id, due) {
            (Some(subject), Some(subject_id), Some(due_on)) => Ok(NewInstruction {
                subject,
                subject_id,
                body: self.body.clone(),
                due_on,
            }),
            _ => Err(AppError::Invalid(errs)),
        }
    }
}

/// POST /instructions
pub async fn write(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<WriteForm>,
) -> Result<Response, AppError> {
    let n = f.parse()?;
    service::write(&state, &c, &n).await?;
    Ok(redirect_saved(&subject_path(n.subject, n.subject_id), "已作出批示").into_response())
}

/// GET /instructions/{id}
pub async fn detail(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Query(q): Query<InstructionQuery>,
) -> Result<Markup, AppError> {
    let (i, tree) = service::load(&state, &c, id).await?;
    let unit_name = tree
        .get(c.user.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let d = state.today();
    let answer = c.can(Action::AnswerNotices)
        && crate::service::acts_for(&c, i.unit_id)
        && i.state != InstructionState::Closed;
    let decide = service::may_decide(&c, &i) && i.state == InstructionState::Replied;
    let body = html! {
        (flash(nonempty(&q.saved), None))
        h1 { "领导批示" " " span.muted.small { (i.leader_name) " · " (local_time(&i.created_at)) } }
        p { (state_tag(&i, d)) }
        div.panel {
            dl.kv {
                dt { "批示对象" } dd { (subject_link(&i)) }
                dt { "责任单位" } dd { (tree.display_path(i.unit_id)) }
                dt { "办理期限" } dd { (fmt_date(i.due_on)) }
            }
            p style="white-space:pre-wrap;font-size:1.05em" { (i.body) }
        }
        @if !i.reply.is_empty() {
            div.panel {
                h2 style="margin-top:0" { "办理情况反馈" }
                p style="white-space:pre-wrap" { (i.reply) }
                p.small.muted { (i.replied_by) " · " (i.replied_at.as_deref().map(local_time).unwrap_or_default()) }
            }
        }
        @if !i.closed_note.is_empty() {
            div.panel {
                h2 style="margin-top:0" { @if i.state == InstructionState::Closed { "办结意见" } @else { "退回意见" } }
                p style="white-space:pre-wrap" { (i.closed_note) }
            }
        }
        @if answer {
            form.panel #reply method="post" action={"/instructions/" (id) "/reply"} {
                (csrf(&c))
                label { span.req { "办理情况反馈" } textarea name="text" required maxlength="2000" { (i.reply) } }
                p { button type="submit" { @if i.reply.is_empty() { "提交反馈" } @else { "修改反馈" } } }
            }
        }
        @if decide {
            form.panel #decide method="post" action={"/instructions/" (id) "/decision"} {
                (csrf(&c))
                label { "意见（退回时必填）" textarea name="note" {} }
                p { button type="submit" name="decision" value="accept" { "办结" } " " button.danger type="submit" name="decision" value="send_back" { "退回" } }
            }
        }
    };
    Ok(page(&c, &unit_name, "/instructions", "领导批示", body))
}

/// The answer form.
#[derive(Debug, Deserialize)]
pub struct ReplyForm {
    /// The answer.
    pub text: String,
}

/// POST /instructions/{id}/reply
pub async fn reply(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<ReplyForm>,
) -> Result<Response, AppError> {
    service::reply(&state, &c, id, &f.text).await?;
    Ok(redirect_saved(&format!("/instructions/{id}"), "已提交反馈").into_response())
}

/// POST /instructions/{id}/decision
pub async fn decision(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<super::VerifyForm>,
) -> Result<Response, AppError> {
    let accept = f.accept("意见")?;
    service::decide(&state, &c, id, accept, &f.note).await?;
    Ok(redirect_saved(
        &format!("/instructions/{id}"),
        if accept { "已办结" } else { "已退回" },
    )
    .into_response())
}
