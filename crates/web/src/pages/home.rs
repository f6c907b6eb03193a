//! The home page: headline project figures for the user's scope, what is due, the red list.

use axum::extract::{Query, State};
use diaodu_domain::access::{Action, Role};
use diaodu_domain::status::{time_progress_pct, Light};
use diaodu_store::reporting::unit_table;
use diaodu_store::Outstanding;
use diaodu_store::ProjectFilter;
use maud::html;

use super::layout::{light, page, pct, yi};
use super::{as_of, Ctx};
use crate::auth::Current;
use crate::{AppError, AppState};

/// Query of the home page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct HomeQuery {
    /// The status date.
    pub as_of: Option<String>,
    /// `overview`: a leader's table page instead of the cockpit.
    pub view: Option<String>,
}

/// GET / — the home of a leader and of a unit's head (负责人) is the cockpit (`/cockpit`);
/// `?view=overview` keeps this page.
pub async fn home(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<HomeQuery>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    if (c.user.role == Role::Leader || c.user.head) && q.view.as_deref() != Some("overview") {
        let to = match q.as_of.as_deref() {
            Some(d) if !d.trim().is_empty() => format!(
                "/cockpit?{}",
                serde_urlencoded::to_string([("as_of", d.trim())]).unwrap_or_default()
            ),
            _ => "/cockpit".to_string(),
        };
        return Ok(axum::response::Redirect::to(&to).into_response());
    }
    let ctx = Ctx::load(&state, &c).await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    let rows = state
        .store
        .projects()
        .statuses(&ctx.tree, c.scope, &ProjectFilter::default(), d)
        .await?;
    let root = crate::service::scope::scope_root(&c);
    let mut total = diaodu_domain::status::UnitFigures::default();
    for r in &rows {
        total.add(&r.facts, &r.status, d);
    }
    total.finish(d);
    let due = if c.can(Action::SubmitReport) {
        super::reports::due_items_of(&state, &ctx.tree, c.scope, &rows, d).await?
    } else {
        Vec::new()
    };
    let reds: Vec<_> = rows
        .iter()
        .filter(|r| r.status.light == Light::Red)
        .take(12)
        .collect();
    let table = unit_table(&ctx.tree, &rows, root, d);
    let title = format!(
        "{} · 项目建设总览",
        ctx.tree.get(root).map(|u| u.name.as_str()).unwrap_or("")
    );
    // A unit's inbox: the notices it still owes a reply to, with the time left.
    let inbox: Vec<diaodu_store::Notice> =
        if c.can(Action::AnswerNotices) && c.user.role != Role::Admin {
            state
                .store
                .notices()
                .list(&ctx.tree, c.scope, d)
                .await?
                .into_iter()
                .filter(|n| n.state.awaiting_reply())
                .collect()
        } else {
            Vec::new()
        };
    // A leader's own instructions still open; a unit's instructions still to answer.
    let outstanding = if c.user.role == Role::Admin {
        None
    } else if c.can(Action::Instruct) {
        Some(Outstanding::WrittenBy(c.user.id))
    } else if c.can(Action::AnswerNotices) {
        Some(Outstanding::AddressedTo(c.user.unit_id))
    } else {
        None
    };
    let instructions = match outstanding {
        Some(of) => state
            .store
            .notices()
            .outstanding_instructions(&ctx.tree, of, d)
            .await?
            .into_iter()
            .filter(|i| ctx.tree.in_scope(i.unit_id, c.scope))
            .collect(),
        None => Vec::new(),
    };
    let instruction_title = if c.can(Action::Instruct) {
        "我的批示（未办结）"
    } else {
        "待办领导批示"
    };
    let inbox_section = html! {
        @if !instructions.is_empty() {
            h2 { (instruction_title) span.muted.small { "　（" (instructions.len()) " 件）　" a href="/instructions" { "全部批示 →" } } }
            (super::instructions::table(&instructions.iter().collect::<Vec<_>>(), d, None))
        }
        @if !inbox.is_empty() {
            h2 { "待办督办单" span.muted.small { "　（" (inbox.len()) " 件）" } }
            (super::notices::notice_table(&inbox.iter().collect::<Vec<_>>(), d, None))
        }
    };
    let due_section = html! {
        @if c.can(Action::SubmitReport) {
            h2 { "本期待填报" span.muted.small { "　（" (due.len()) " 项）"
                @if c.can(Action::ChaseReports) && !due.is_empty() { "　" a href="/reports/chase" { "催报 →" } } } }
            @if due.is_empty() {
                p.muted { "本期进度均已填报。" }
            } @else {
                (super::reports::due_table(&due, 20))
            }
        }
    };
    let body = html! {
        @if c.user.role == Role::Reporter { (due_section) }
        (inbox_section)
        h1 { (title) span.muted.small { "　统计日期 " (diaodu_domain::period::fmt_date(d)) "，时序进度 " (format!("{:.1}%", time_progress_pct(d))) } }
        div.cards {
            div.card { div.k { "项目总数" } div.v { (total.projects) small { "个" } } }
            div.card { div.k { "开工率" } div.v { (pct(total.start_rate_pct)) }
                div.sub { "已开工 " (total.started) " / 应开工 " (total.start_base) " 个" } }
            div.card { div.k { "年度计划投资" } div.v { (yi(total.annual_plan)) small { "亿元" } } }
            div.card { div.k { "本年完成投资" } div.v { (yi(total.ytd_investment)) small { "亿元" } } }
            div.card { div.k { "年度投资完成率" } div.v { (pct(total.completion_pct)) }
                div.sub { "时序进度 " (format!("{:.1}%", time_progress_pct(d))) } }
            div.card { div.k { "红 / 黄 / 绿灯" } div.v {
                span style="color:var(--red)" { (total.red) } " / " span style="color:var(--yellow)" { (total.yellow) } " / " span style="color:var(--green)" { (total.green) } }
                div.sub { "已竣工 " (total.done) "，未亮灯（储备、前期） " (total.unlit) "，共 " (total.projects) " 个" } }
            div.card { div.k { "周报按时率" } div.v { (pct(total.on_time_pct)) }
                div.sub { "按时 " (total.reports_on_time) " / 应报 " (total.reports_due) " 期" } }
            div.card { div.k { "双过半（6月30日）" } div.v { @match total.double_half { Some(true) => "已实现", Some(false) => "未实现", None => small { "6月30日后评价" } } }
                div.sub { "上半年完成投资 " (yi(total.by_june_30)) " 亿元，过年度计划一半为实现" } }
        }
        @if c.user.role != Role::Reporter { (due_section) }
        @if c.user.role != Role::Reporter || table.len() > 2 {
            h2 { "下级单位排名（按年度投资完成率）" }
            (super::ranking::table(&table, d, false, None))
        }
        h2 { "红灯项目" span.muted.small { "　共 " (total.red) " 个" @if reds.len() < total.red as usize { "，显示前 " (reds.len()) " 个" } } }
        @if reds.is_empty() { p.muted { "暂无红灯项目。" } } @else {
            div.tablewrap { table {
                thead { tr { th { "亮灯" } th { "项目" } th { "责任单位" } th { "建设阶段" } th { "原因" } } }
                tbody { @for r in reds { tr {
                    td { (light(r.status.light)) }
                    td { a href={"/projects/" (r.project.id)} { (r.project.fields.name) } br; span.small.muted { (r.project.fields.code) } }
                    td { (r.unit_name) } td { (r.project.fields.stage.zh()) }
                    td { @for why in &r.status.reasons { span.tag.red { (why) } " " } }
                } } }
            } }
            p { a href="/projects?light=red" { "查看全部红灯项目 →" } }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/", "首页", body).into_response())
}
