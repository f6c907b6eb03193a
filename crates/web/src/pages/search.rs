//! Search from the header (全局搜索): projects by code or name, key tasks by code or title, notices
//! by number or title — each within the user's scope, the first 20 of each.

use axum::extract::{Query, State};
use diaodu_store::ProjectFilter;
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{light, page};
use super::{nonempty, Ctx};
use crate::auth::Current;
use crate::{AppError, AppState};

/// Query of the search page.
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    /// The words.
    pub q: Option<String>,
}

const SHOWN: usize = 20;

/// GET /search
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<SearchQuery>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    let words = nonempty(&q.q).map(|w| w.chars().take(64).collect::<String>());
    let d = state.today();
    let (projects, tasks, notices) = match &words {
        None => (Vec::new(), Vec::new(), Vec::new()),
        Some(w) => {
            let lower = w.to_lowercase();
            let has = |s: &str| s.to_lowercase().contains(&lower);
            let projects = state
                .store
                .projects()
                .statuses(
                    &ctx.tree,
                    c.scope,
                    &ProjectFilter {
                        q: Some(w.clone()),
                        ..Default::default()
                    },
                    d,
                )
                .await?;
            let tasks: Vec<_> = state
                .store
                .tasks()
                .rows(&ctx.tree, c.scope, d)
                .await?
                .into_iter()
                .filter(|t| has(&t.task.code) || has(&t.task.title))
                .collect();
            let notices: Vec<_> = state
                .store
                .notices()
                .list(&ctx.tree, c.scope, d)
                .await?
                .into_iter()
                .filter(|n| has(&n.code) || has(&n.title))
                .collect();
            (projects, tasks, notices)
        }
    };
    let body = html! {
        h1 { "搜索" }
        form.filters method="get" action="/search" {
            label { "编码、名称或督办单号" input name="q" value=[words.as_deref()] maxlength="64" autofocus; }
            button type="submit" { "搜索" }
        }
        @if let Some(w) = &words {
            @if projects.is_empty() && tasks.is_empty() && notices.is_empty() {
                p.muted #nothing { "在您的权限范围内没有找到与“" (w) "”相关的项目、任务或督办单。" }
            }
            @if !projects.is_empty() {
                h2 { "项目" span.muted.small { "　" (projects.len()) " 个" @if projects.len() > SHOWN { "，显示前 " (SHOWN) " 个 · " a href={"/projects?q=" (w)} { "在项目库中查看全部" } } } }
                div.tablewrap { table #found-projects { tbody {
                    @for r in projects.iter().take(SHOWN) { tr {
                        td.nw { (light(r.status.light)) }
                        td { a href={"/projects/" (r.project.id)} { (r.project.fields.name) } br; span.small.muted { (r.project.fields.code) } }
                        td { (r.unit_name) }
                    } }
                } } }
            }
            @if !tasks.is_empty() {
                h2 { "重点任务" span.muted.small { "　" (tasks.len()) " 项" } }
                div.tablewrap { table #found-tasks { tbody {
                    @for t in tasks.iter().take(SHOWN) { tr {
                        td.nw { (t.status.light.zh()) }
                        td { a href={"/tasks/" (t.task.id)} { (t.task.title) } br; span.small.muted { (t.task.code) } }
                        td { (t.lead_unit) }
                    } }
                } } }
            }
            @if !notices.is_empty() {
                h2 { "督办单" span.muted.small { "　" (notices.len()) " 件" } }
                (super::notices::notice_table(&notices.iter().take(SHOWN).collect::<Vec<_>>(), d, None))
            }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/search", "搜索", body))
}
