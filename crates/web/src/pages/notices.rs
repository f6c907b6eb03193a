//! Supervision notices (督办单): the unit's inbox with the time left, the office's list, issuing, signing,
//! replying, verifying, and accountability records.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use diaodu_domain::access::Action;
use diaodu_domain::notice::{time_left_zh, Escalation, NoticeState};
use diaodu_domain::period::{fmt_date, parse_date};
use diaodu_store::{NewNotice, Notice};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, flash, local_time, page};
use super::projects::unit_options;
use super::sort::{self, Key, Sorting};
use super::{nonempty, redirect_saved, Ctx};
use crate::auth::Current;
use crate::service::scope::load_notice;
use crate::{AppError, AppState};

fn escalation_tag(e: Escalation) -> Markup {
    html! {
        @match e.level() {
            0 => span.muted { "—" },
            1 | 2 => span.tag.warn { (e.zh()) },
            _ => span.tag.red { (e.zh()) },
        }
    }
}

/// The columns the notice list sorts by.
pub const NOTICE_COLUMNS: &[&str] = &[
    "code", "title", "unit", "reply_by", "overdue", "state", "step",
];

fn notice_key(n: &&Notice, col: &str) -> Key {
    match col {
        "code" => Key::text(&n.code),
        "title" => Key::text(&n.title),
        "unit" => Key::text(&n.unit_name),
        "reply_by" => Key::text(fmt_date(n.reply_by)),
        "overdue" => Key::Num(n.days_overdue as f64),
        "state" => Key::text(n.state.zh()),
        _ => Key::Num(f64::from(n.escalation.level())),
    }
}

/// The notices table; its headers sort the list when `sorting` is given.
pub fn notice_table(list: &[&Notice], d: time::Date, sorting: Option<&Sorting>) -> Markup {
    let th = |col, label, numeric| sort::th(sorting, col, label, numeric);
    html! {
        div.tablewrap { table.notices {
            thead { tr { th { (th("code", "编号", false)) } th { (th("title", "督办事项", false)) } th { (th("unit", "承办单位", false)) } th { (th("reply_by", "反馈期限", false)) } th { (th("overdue", "时限", true)) } th { (th("state", "状态", false)) } th { (th("step", "升级", true)) } } }
            tbody {
                @for n in list { tr {
                    td.nw { (n.code) } td { a href={"/notices/" (n.id)} { (n.title) } } td { (n.unit_name) }
                    td.nw { (fmt_date(n.reply_by)) }
                    td.nw { @if n.state.awaiting_reply() {
                        @if n.days_overdue > 0 { span.tag.red { (time_left_zh(n.reply_by, d)) } } @else { span.tag { (time_left_zh(n.reply_by, d)) } }
                    } @else { span.muted { "—" } } }
                    td.nw { (n.state.zh()) } td { (escalation_tag(n.escalation)) }
                } }
                @if list.is_empty() { tr { td colspan="7" { span.muted { "没有督办单。" } } } }
            }
        } }
    }
}

/// Query of the list.
#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    /// open / overdue / closed.
    pub show: Option<String>,
    /// Confirmation.
    pub saved: Option<String>,
    /// `xlsx`: the list as an Excel download, with the same filter.
    pub format: Option<String>,
    /// Column to sort by (see [`NOTICE_COLUMNS`]), `-` before it for descending.
    pub sort: Option<String>,
    /// Only notices in this state (code), as the cockpit's figures open them.
    pub state: Option<String>,
    /// Only notices that reached this ladder step (code).
    pub escalation: Option<String>,
    /// Only notices to this unit or the units below it (id).
    pub unit: Option<String>,
    /// Only notices issued in this year, as the cockpit's figures of the year open them.
    pub year: Option<String>,
}

/// The `year` of a list's query, if given: a four-digit year or a 400 naming 年度.
fn year_param(year: &Option<String>) -> Result<Option<i32>, AppError> {
    nonempty(year)
        .map(|s| {
            s.parse::<i32>()
                .ok()
                .filter(|y| (1990..=2100).contains(y))
                .ok_or_else(|| AppError::invalid("年度", "应为四位年份"))
        })
        .transpose()
}

/// GET /notices
pub async fn list(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    let d = state.today();
    let all = state.store.notices().list(&ctx.tree, c.scope, d).await?;
    let ladder = state.store.notices().ladder().await?;
    let state_filter = match nonempty(&q.state) {
        Some(s) => Some(NoticeState::parse(s).ok_or_else(|| AppError::invalid("状态", "无效"))?),
        None => None,
    };
    let escalation_filter = match nonempty(&q.escalation) {
        Some(s) => Some(
            diaodu_domain::notice::Escalation::parse(s)
                .ok_or_else(|| AppError::invalid("升级", "无效"))?,
        ),
        None => None,
    };
    let unit_filter = match nonempty(&q.unit) {
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| AppError::invalid("单位", "无效"))?,
        ),
        None => None,
    };
    let year_filter = year_param(&q.year)?;
    // A drill-down names what it counts; it is read among all notices, not only the open ones.
    let drill = state_filter.is_some()
        || escalation_filter.is_some()
        || unit_filter.is_some()
        || year_filter.is_some();
    let show = nonempty(&q.show).unwrap_or(if drill { "all" } else { "open" });
    let mut shown: Vec<&Notice> = all
        .iter()
        .filter(|n| match show {
            "overdue" => n.days_overdue > 0,
            "closed" => n.state == NoticeState::Closed,
            "all" => true,
            _ => n.state != NoticeState::Closed,
        })
        .filter(|n| state_filter.is_none_or(|s| n.state == s))
        .filter(|n| escalation_filter.is_none_or(|e| n.escalation == e))
        .filter(|n| {
            unit_filter.is_none_or(|u| {
                ctx.tree
                    .in_scope(n.unit_id, diaodu_domain::access::Scope::Subtree(u))
            })
        })
        .filter(|n| {
            // The year of issue in Beijing time, as the cockpit counts it.
            year_filter.is_none_or(|y| {
                crate::service::documents::local_day(&n.issued_at).is_some_and(|d| d.year() == y)
            })
        })
        .collect();
    // The drill-down's filters, kept in the sort links, the export and the form.
    let kept: Vec<(&str, String)> = [
        ("state", nonempty(&q.state)),
        ("escalation", nonempty(&q.escalation)),
        ("unit", nonempty(&q.unit)),
        ("year", nonempty(&q.year)),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v.trim().to_string())))
    .collect();
    let mut params: Vec<(&str, &str)> = vec![("show", show)];
    params.extend(kept.iter().map(|(k, v)| (*k, v.as_str())));
    let sorting = Sorting::new("/notices", nonempty(&q.sort), NOTICE_COLUMNS, &params);
    let mut export: Vec<(&str, &str)> = params.clone();
    export.push(("sort", sorting.value()));
    export.push(("format", "xlsx"));
    let export = format!(
        "/notices?{}",
        serde_urlencoded::to_string(&export).unwrap_or_default()
    );
    // What the drill-down counts, in words.
    let mut narrowed: Vec<String> = Vec::new();
    if let Some(y) = year_filter {
        narrowed.push(format!("{y}年下发"));
    }
    if let Some(u) = unit_filter.and_then(|u| ctx.tree.get(u)) {
        narrowed.push(format!("{}（含下级）", u.name));
    }
    if let Some(s) = state_filter {
        narrowed.push(format!("状态：{}", s.zh()));
    }
    if let Some(e) = escalation_filter {
        narrowed.push(format!("升级：{}", e.zh()));
    }
    sorting.apply(&mut shown, notice_key);
    let title = if c.can(Action::IssueNotices) {
        "督办单"
    } else {
        "督办单收件箱"
    };
    if nonempty(&q.format) == Some("xlsx") {
        use diaodu_office::xlsx::Cell::{Int, Text};
        let rows: Vec<_> = shown
            .iter()
            .map(|n| {
                vec![
                    Text(n.code.clone()),
                    Text(n.title.clone()),
                    Text(n.unit_name.clone()),
                    Text(super::layout::local_time(&n.issued_at)),
                    Text(fmt_date(n.reply_by)),
                    Int(n.days_overdue),
                    Text(n.state.zh().to_string()),
                    Text(n.escalation.zh().to_string()),
                ]
            })
            .collect();
        let heads = [
            "编号",
            "督办事项",
            "承办单位",
            "下发时间",
            "反馈期限",
            "逾期天数",
            "状态",
            "升级",
        ];
        return super::list_xlsx("督办单", d, &heads, &rows);
    }
    let body = html! {
        (flash(nonempty(&q.saved), None))
        h1 { (title) span.muted.small { "　未办结 " (all.iter().filter(|n| n.state != NoticeState::Closed).count()) " 件，逾期 " (all.iter().filter(|n| n.days_overdue > 0).count()) " 件" } }
        form.filters method="get" action="/notices" {
            label { "范围" select name="show" {
                @for (k, v) in [("open", "未办结"), ("overdue", "已逾期"), ("closed", "已办结"), ("all", "全部")] { option value=(k) selected[show == k] { (v) } } } }
            @for (k, v) in &kept { input type="hidden" name=(k) value=(v); }
            button type="submit" { "查询" }
            a.btn.light-btn href=(export) { "导出 Excel" }
            @if c.can(Action::IssueNotices) { a.btn.light-btn href="/notices/new" { "下发督办单" } a.btn.light-btn href="/accountability" { "问责记录" } }
        }
        @if !narrowed.is_empty() {
            p.small { "筛选：" (narrowed.join("，")) "，共 " (shown.len()) " 件　" a href={"/notices?show=" (show)} { "清除筛选" } }
        }
        (notice_table(&shown, d, Some(&sorting)))
        p.small.muted {
            "逾期未反馈按天数逐级升级："
            @for (i, step) in diaodu_domain::notice::Escalation::LADDER.iter().enumerate() {
                @if i > 0 { " → " }
                (step.zh()) "（逾期 " (ladder.days[i]) " 天）"
            }
            "。天数由系统管理员在系统设置中设定。"
        }
    };
    Ok(page(&c, &ctx.unit_name, "/notices", title, body).into_response())
}

/// Query of the new-notice form.
#[derive(Debug, Default, Deserialize)]
pub struct NewNoticeQuery {
    /// A task the notice is about.
    pub task: Option<i64>,
    /// A project the notice is about.
    pub project: Option<i64>,
}

/// The new-notice form.
#[derive(Debug, Default, Deserialize)]
pub struct NoticeForm {
    /// Unit id.
    pub unit_id: String,
    /// Title.
    pub title: String,
    /// Content.
    pub content: String,
    /// Reply deadline.
    pub reply_by: String,
    /// task / project / other.
    #[serde(default)]
    pub subject_kind: String,
    /// Subject id.
    #[serde(default)]
    pub subject_id: Option<i64>,
}

/// GET /notices/new
pub async fn new_form(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<NewNoticeQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::IssueNotices)?;
    let ctx = Ctx::load(&state, &c).await?;
    let mut f = NoticeForm {
        reply_by: fmt_date(state.today() + time::Duration::days(7)),
        subject_kind: "other".into(),
        ..Default::default()
    };
    if let Some(t) = q.task {
        let (t, _, tree) = crate::service::scope::load_task(&state, &c, t).await?;
        let reasons = state
            .store
            .tasks()
            .rows(&tree, c.scope, state.today())
            .await?
            .into_iter()
            .find(|r| r.task.id == t.id)
            .map(|r| r.status.reasons)
            .unwrap_or_default();
        f = NoticeForm {
            unit_id: t.lead_unit_id.to_string(),
            title: format!("关于加快推进“{}”的督办通知", t.title),
            content: if reasons.is_empty() {
                String::new()
            } else {
                format!(
                    "该任务{}，请于期限内说明原因、提出整改措施并反馈。",
                    reasons.join("，")
                )
            },
            subject_kind: "task".into(),
            subject_id: Some(t.id),
            ..f
        };
    } else if let Some(p) = q.project {
        let (p, tree) = crate::service::scope::load_in_scope(&state, &c, p).await?;
        // The content starts from what the project's light says, so that the unit reads why.
        let reasons = state
            .store
            .projects()
            .statuses(
                &tree,
                c.scope,
                &diaodu_store::ProjectFilter {
                    project_id: Some(p.id),
                    ..Default::default()
                },
                state.today(),
            )
            .await?
            .into_iter()
            .next()
            .map(|r| r.status.reasons)
            .unwrap_or_default();
        let content = if reasons.is_empty() {
            String::new()
        } else {
            format!(
                "该项目{}，请于期限内说明原因、提出整改措施并反馈。",
                reasons.join("，")
            )
        };
        f = NoticeForm {
            unit_id: p.unit_id.to_string(),
            title: format!("关于加快推进“{}”的督办通知", p.fields.name),
            content,
            subject_kind: "project".into(),
            subject_id: Some(p.id),
            ..f
        };
    }
    let body = html! {
        h1 { "下发督办单" }
        form.panel method="post" action="/notices/new" {
            (csrf(&c))
            input type="hidden" name="subject_kind" value=(f.subject_kind);
            @if let Some(s) = f.subject_id { input type="hidden" name="subject_id" value=(s); }
            div.form-grid {
                label { span.req { "承办单位" } select name="unit_id" { option value="" { "请选择" }
                    @for (v, l) in unit_options(&ctx.tree, &c) { option value=(v) selected[f.unit_id == v] { (l) } } } }
                label { span.req { "反馈期限" } input type="date" name="reply_by" value=(f.reply_by) required; }
                label.wide { span.req { "标题" } input name="title" value=(f.title) required; }
                label.wide { span.req { "督办内容" } textarea name="content" required { (f.content) } }
            }
            p { button type="submit" { "下发" } }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/notices", "下发督办单", body))
}

/// POST /notices/new
pub async fn create(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<NoticeForm>,
) -> Result<Response, AppError> {
    c.require(Action::IssueNotices)?;
    let unit_id: i64 = f
        .unit_id
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("承办单位", "请选择"))?;
    let reply_by =
        parse_date(&f.reply_by).map_err(|e| AppError::invalid("反馈期限", e.to_string()))?;
    let kind = match f.subject_kind.as_str() {
        k @ ("task" | "project" | "finding") => k.to_string(),
        _ => "other".to_string(),
    };
    let n = NewNotice {
        subject_kind: kind,
        subject_id: f.subject_id,
        unit_id,
        title: f.title,
        content: f.content,
        reply_by,
    };
    let id = crate::service::issue_notice(&state, &c, n).await?;
    Ok(redirect_saved(&format!("/notices/{id}"), "督办单已下发").into_response())
}

fn event_zh(kind: &str) -> String {
    match kind {
        "issue" => "下发".into(),
        "sign" => "签收".into(),
        "reply" => "反馈".into(),
        "send_back" => "退回".into(),
        "close" => "办结".into(),
        "accountability" => "问责".into(),
        k => k
            .strip_prefix("escalate:")
            .and_then(Escalation::parse)
            .map(|e| format!("升级：{}", e.zh()))
            .unwrap_or_else(|| k.to_string()),
    }
}

/// GET /notices/{id}
pub async fn detail(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Markup, AppError> {
    let (n, events, tree) = load_notice(&state, &c, id).await?;
    let unit_name = tree
        .get(c.user.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let d = state.today();
    let answer = c.can(Action::AnswerNotices)
        && crate::service::acts_for(&c, n.unit_id)
        && n.state.awaiting_reply();
    let office = c.can(Action::IssueNotices);
    let acc = state.store.notices().accountability(Some(id)).await?;
    let files = state.store.notices().attachments("notice", id).await?;
    let can_attach = ((c.can(Action::AnswerNotices) && crate::service::acts_for(&c, n.unit_id))
        || c.can(Action::IssueNotices))
        && n.state != NoticeState::Closed;
    let instructions = crate::service::instructions::about(
        &state,
        &c,
        diaodu_domain::instruction::InstructionSubject::Notice,
        id,
    )
    .await?;
    let body = html! {
        (flash(nonempty(&q.saved), None))
        h1 { (n.title) " " span.muted.small { (n.code) } }
        p { span.tag { (n.state.zh()) } " " (escalation_tag(n.escalation)) " "
            @if n.state.awaiting_reply() { @if n.days_overdue > 0 { span.tag.red { (time_left_zh(n.reply_by, d)) } } @else { span.tag { (time_left_zh(n.reply_by, d)) } } } }
        p { a.btn.light-btn href={"/notices/" (n.id) "/notice.docx"} title="带红头和文号的督办通知书（Word），可打印" { "督办通知书" }
            @if n.state == NoticeState::Closed { " " a.btn.light-btn href={"/notices/" (n.id) "/closing.docx"} { "办结报告" } }
            " " a #library-link href={"/documents?record=notice:" (n.id)} { "材料库中的相关材料" } }
        div.panel {
            dl.kv {
                dt { "承办单位" } dd { (tree.display_path(n.unit_id)) }
                dt { "反馈期限" } dd { (fmt_date(n.reply_by)) }
                dt { "下发时间" } dd { (local_time(&n.issued_at)) }
                @match (n.subject_kind.as_str(), n.subject_id) {
                    ("task", Some(t)) => { dt { "督办任务" } dd { a href={"/tasks/" (t)} { "查看任务" } } },
                    ("project", Some(p)) => { dt { "督办项目" } dd { a href={"/projects/" (p)} { "查看项目" } } },
                    _ => {},
                }
            }
            p style="white-space:pre-wrap" { (n.content) }
        }
        @if answer {
            div.split {
                @if n.state == NoticeState::Issued {
                    form.panel method="post" action={"/notices/" (id) "/sign"} { (csrf(&c)) p { "收到督办单后请先签收。" } button type="submit" { "签收" } }
                }
                form.panel #reply method="post" action={"/notices/" (id) "/reply"} {
                    (csrf(&c))
                    label { span.req { "办理情况反馈" } textarea name="text" required {} }
                    p { button type="submit" { "提交反馈" } }
                }
            }
        }
        @if office && n.state == NoticeState::Replied {
            form.panel #verify method="post" action={"/notices/" (id) "/verify"} {
                (csrf(&c))
                h2 style="margin-top:0" { "核查反馈" }
                label { "核查意见 / 退回理由" textarea name="note" {} }
                p { button type="submit" name="decision" value="accept" { "核查通过，办结" } " " button.danger type="submit" name="decision" value="send_back" { "退回" } }
            }
        }
        (super::instructions::panel(&c, diaodu_domain::instruction::InstructionSubject::Notice, id, &instructions, state.today(), true))
        (super::inspections::attachments_panel(&c, "notice", id, &files, can_attach, state.cfg.max_upload_mb))
        h2 { "办理过程" }
        div.tablewrap { table #events {
            thead { tr { th { "时间" } th { "环节" } th { "内容" } th { "操作人" } } }
            tbody { @for e in &events { tr {
                td.small.nw {
                    @if let Some(day) = &e.effective_on { (day) " 生效" br; span.muted { "记录于 " (local_time(&e.at)) } }
                    @else { (local_time(&e.at)) }
                }
                td.nw { (event_zh(&e.kind)) } td { (e.body) } td { (e.user_name) }
            } } }
        } }
        @if office || !acc.is_empty() {
            h2 { "问责记录" }
            @for a in &acc { p { b { (a.person) } "：" (a.decision) "（" (a.what) "，" (fmt_date(a.decided_on)) "）" } }
            @if office {
                form.panel method="post" action={"/notices/" (id) "/accountability"} {
                    (csrf(&c))
                    div.form-grid {
                        label { span.req { "被问责人（姓名、职务）" } input name="person" required; }
                        label { span.req { "处理决定" } input name="decision" required placeholder="如 诫勉谈话、通报批评"; }
                        label { span.req { "决定日期" } input type="date" name="decided_on" value=(fmt_date(d)) required; }
                        label.wide { span.req { "问责事由" } input name="what" required; }
                    }
                    p { button type="submit" { "记录问责" } }
                }
            }
        }
    };
    Ok(page(&c, &unit_name, "/notices", &n.title, body))
}

/// POST /notices/{id}/sign
pub async fn sign(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    crate::service::sign_notice(&state, &c, id).await?;
    Ok(redirect_saved(&format!("/notices/{id}"), "已签收").into_response())
}

/// The reply form.
#[derive(Debug, Deserialize)]
pub struct ReplyForm {
    /// Reply text.
    pub text: String,
}

/// POST /notices/{id}/reply
pub async fn reply(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<ReplyForm>,
) -> Result<Response, AppError> {
    crate::service::reply_notice(&state, &c, id, &f.text).await?;
    Ok(redirect_saved(&format!("/notices/{id}"), "已提交反馈").into_response())
}

/// POST /notices/{id}/verify
pub async fn verify(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<super::VerifyForm>,
) -> Result<Response, AppError> {
    let accept = f.accept("核查结论")?;
    crate::service::verify_notice(&state, &c, id, accept, &f.note).await?;
    Ok(redirect_saved(
        &format!("/notices/{id}"),
        if accept { "已办结" } else { "已退回" },
    )
    .into_response())
}

/// The accountability form.
#[derive(Debug, Deserialize)]
pub struct AccountabilityForm {
    /// Person.
    pub person: String,
    /// What for.
    pub what: String,
    /// Decision.
    pub decision: String,
    /// Date.
    pub decided_on: String,
}

/// POST /notices/{id}/accountability
pub async fn accountability(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<AccountabilityForm>,
) -> Result<Response, AppError> {
    crate::service::add_accountability(&state, &c, id, f.person, f.what, f.decision, &f.decided_on)
        .await?;
    Ok(redirect_saved(&format!("/notices/{id}"), "问责记录已保存").into_response())
}

/// GET /accountability
pub async fn accountability_list(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let mut list = crate::service::accountability_in_scope(&state, &c).await?;
    let ctx = Ctx::load(&state, &c).await?;
    let year = year_param(&q.year)?;
    list.retain(|a| year.is_none_or(|y| a.decided_on.year() == y));
    let year_text = year.map(|y| y.to_string()).unwrap_or_default();
    let unit = |a: &diaodu_store::Accountability| {
        a.unit_id
            .and_then(|u| ctx.tree.get(u))
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let sorting = Sorting::new(
        "/accountability",
        nonempty(&q.sort),
        &["date", "unit", "person"],
        &[("year", year_text.as_str())],
    );
    sorting.apply(&mut list, |a, col| match col {
        "date" => Key::text(fmt_date(a.decided_on)),
        "unit" => Key::text(unit(a)),
        _ => Key::text(&a.person),
    });
    if nonempty(&q.format) == Some("xlsx") {
        use diaodu_office::xlsx::Cell::Text;
        let rows: Vec<_> = list
            .iter()
            .map(|a| {
                vec![
                    Text(fmt_date(a.decided_on)),
                    Text(unit(a)),
                    Text(a.person.clone()),
                    Text(a.what.clone()),
                    Text(a.decision.clone()),
                ]
            })
            .collect();
        let heads = ["决定日期", "单位", "被问责人", "事由", "处理决定"];
        return super::list_xlsx("问责记录", state.today(), &heads, &rows);
    }
    let body = html! {
        h1 { "问责记录" @if let Some(y) = year { span.muted.small { "　" (y) "年，共 " (list.len()) " 人次　" a href="/accountability" { "全部年度" } } } }
        p { a.btn.light-btn href={"/accountability?year=" (year_text) "&sort=" (sorting.value()) "&format=xlsx"} { "导出 Excel" } }
        div.tablewrap { table {
            thead { tr { th { (sorting.th("date", "决定日期", false)) } th { (sorting.th("unit", "单位", false)) } th { (sorting.th("person", "被问责人", false)) } th { "事由" } th { "处理决定" } th { "督办单" } } }
            tbody {
                @for a in &list { tr { td.nw { (fmt_date(a.decided_on)) } td { (a.unit_id.and_then(|u| ctx.tree.get(u)).map(|u| u.name.clone()).unwrap_or_default()) }
                    td { (a.person) } td { (a.what) } td { (a.decision) } td { @if let Some(n) = a.notice_id { a href={"/notices/" (n)} { "查看" } } } } }
                @if list.is_empty() { tr { td colspan="6" { span.muted { "暂无问责记录。" } } } }
            }
        } }
    };
    Ok(page(&c, &ctx.unit_name, "/notices", "问责记录", body).into_response())
}

/// GET /notices/{id}/notice.docx — the notice as the document sent to its unit (督办通知书).
pub async fn notice_docx(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, AppError> {
    let issued = crate::service::documents::notice_document_for(&state, &c, id, false).await?;
    Ok(crate::files::docx(issued))
}

/// GET /notices/{id}/closing.docx — the closing report of a closed notice (办结报告).
pub async fn closing_docx(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, AppError> {
    let issued = crate::service::documents::notice_document_for(&state, &c, id, true).await?;
    Ok(crate::files::docx(issued))
}
