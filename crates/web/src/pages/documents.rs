//! 材料库: the library's list and search, a document's page with its related documents, its file,
//! and the upload of references.

use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Response};
use diaodu_domain::access::{allows, Action};
use diaodu_store::library::{kind_zh, KINDS, MAX_RESULTS};
use diaodu_store::{DocHit, LibraryDoc, UnitTree};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{flash, page};
use super::{nonempty, redirect_saved, Ctx};
use crate::auth::Current;
use crate::service::library::{self, LibraryQuery, PER_PAGE};
use crate::{AppError, AppState};

/// The query string of a list page with `page` changed.
fn link(q: &LibraryQuery, page: i64) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    for (k, v) in [
        ("q", &q.q),
        ("kind", &q.kind),
        ("year", &q.year),
        ("unit", &q.unit),
        ("record", &q.record),
    ] {
        if let Some(v) = nonempty(v) {
            pairs.push((k, v.to_string()));
        }
    }
    pairs.push(("page", page.to_string()));
    format!(
        "/documents?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// The passage of a hit, its matches marked.
pub fn passage(h: &DocHit) -> Markup {
    html! {
        @if !h.passage.is_empty() {
            p.small.passage { @for p in &h.passage { @if p.matched { mark { (p.text) } } @else { (p.text) } } }
        } @else if !h.doc.summary.is_empty() {
            p.small.muted { (h.doc.summary) }
        }
    }
}

fn unit_name(tree: &UnitTree, id: i64) -> String {
    tree.get(id).map(|u| u.name.clone()).unwrap_or_default()
}

/// A record filter as read: `meeting:12` → 第 12 号调度会.
fn record_zh(r: &str) -> String {
    match diaodu_store::Record::parse(r) {
        Some(diaodu_store::Record::Meeting(i)) => format!("调度会（编号 {i}）"),
        Some(diaodu_store::Record::Notice(i)) => format!("督办单（编号 {i}）"),
        Some(diaodu_store::Record::Project(i)) => format!("项目（编号 {i}）"),
        Some(diaodu_store::Record::Task(i)) => format!("任务（编号 {i}）"),
        None => r.to_string(),
    }
}

/// What a document concerns, as links.
fn concerns(d: &LibraryDoc) -> Markup {
    html! {
        @if let Some(m) = d.meeting_id { a href={"/meetings/" (m)} { "调度会" } " " }
        @if let Some(n) = d.notice_id { a href={"/notices/" (n)} { "督办单" } " " }
        @if let Some(p) = d.project_id { a href={"/projects/" (p)} { "项目" } " " }
        @if let Some(t) = d.task_id { a href={"/tasks/" (t)} { "任务" } }
    }
}

/// Query of the list page.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(flatten)]
    search: LibraryQuery,
    /// Confirmation of an upload.
    saved: Option<String>,
}

/// GET /documents
pub async fn list(
    State(state): State<AppState>,
    c: Current,
    Query(lq): Query<ListQuery>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    let q = &lq.search;
    let found = library::search(&state, &c, q).await?;
    let page_no: i64 = nonempty(&q.page).and_then(|p| p.parse().ok()).unwrap_or(1);
    let pages = ((found.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let searching = nonempty(&q.q).is_some();
    let this_year = state.today().year();
    let units = super::projects::unit_options(&ctx.tree, &c);
    let can_upload = allows(c.user.role, Action::UploadDocuments);
    let body = html! {
        h1 { "材料库" }
        (flash(nonempty(&lq.saved), None))
        p.muted.small { "平台生成的通报、会议材料、纪要、督办通知书和办结报告自动存入材料库；也可上传上级文件、领导讲话等参考材料。全文检索支持中文词语，如“征地”可检索到含“征地拆迁”的材料。" }
        form.filters method="get" action="/documents" {
            label { "关键词" input name="q" type="search" value=[nonempty(&q.q)] maxlength="64" placeholder="如：征地拆迁" autofocus; }
            label { "种类" select name="kind" {
                option value="" { "全部" }
                @for (k, z) in KINDS { option value=(k) selected[nonempty(&q.kind) == Some(k)] { (z) } }
            } }
            label { "年度" select name="year" {
                option value="" { "全部" }
                @for y in ((this_year - 5)..=this_year).rev() { option value=(y) selected[nonempty(&q.year) == Some(y.to_string().as_str())] { (y) "年" } }
            } }
            label { "单位" select name="unit" {
                option value="" { "全部" }
                @for (id, name) in &units { option value=(id) selected[nonempty(&q.unit) == Some(id.as_str())] { (name) } }
            } }
            @if let Some(r) = nonempty(&q.record) {
                input type="hidden" name="record" value=(r);
                span.small.muted #record-filter { "仅显示涉及" (record_zh(r)) "的材料" }
            }
            button type="submit" { "检索" }
            @if searching || nonempty(&q.kind).is_some() || nonempty(&q.year).is_some() || nonempty(&q.unit).is_some() || nonempty(&q.record).is_some() {
                a href="/documents" { "清除条件" }
            }
        }
        p.small #found-count {
            @if found.more { "共 " (MAX_RESULTS) " 份以上，显示前 " (MAX_RESULTS) " 份；请加上年度、种类或更多词语缩小范围。" }
            @else { "共 " (found.total) " 份" }
            @if searching { "（标题含检索词的排在前面，其余按成文日期从新到旧）" } @else { "，按成文日期从新到旧" }
        }
        @if !found.hits.is_empty() { ol.doclist #documents {
            @for h in &found.hits { li {
                a.doctitle href={"/documents/" (h.doc.id)} { (h.doc.title) }
                div.small.muted.docmeta {
                    span.kind { (kind_zh(&h.doc.kind)) }
                    @if !h.doc.number.is_empty() { " · " (h.doc.number) }
                    " · " (h.doc.doc_date)
                    " · " (unit_name(&ctx.tree, h.doc.unit_id))
                    @if !h.doc.issuer.is_empty() { " · " (h.doc.issuer) }
                    " " (concerns(&h.doc))
                }
                (passage(h))
            } }
        } }
        @if found.hits.is_empty() { p.muted #nothing {
            @if searching { "在您的权限范围内没有找到含“" (nonempty(&q.q).unwrap_or("")) "”的材料。" } @else { "暂无材料。" }
        } }
        @if pages > 1 {
            div.pager {
                @if page_no > 1 { a href=(link(q, page_no - 1)) { "‹ 上一页" } }
                span.muted { "第 " (page_no) " / " (pages) " 页" }
                @if page_no < pages { a href=(link(q, page_no + 1)) { "下一页 ›" } }
            }
        }
        @if can_upload {
            details.panel #upload open[found.total == 0] {
                summary { strong { "上传参考材料" } }
                form method="post" action="/documents" enctype="multipart/form-data" {
                    input type="hidden" name="_csrf" value=(c.csrf);
                    div.uploadgrid {
                        label { "文件（Word .docx、PDF 或 .txt）" input type="file" name="file" accept=".docx,.pdf,.txt" required; }
                        label { "标题（默认为文件名）" input name="title" maxlength="200"; }
                        label { "成文日期" input type="date" name="date"; }
                        label { "发文机关" input name="issuer" maxlength="100" placeholder="如：省人民政府办公厅"; }
                        label { "涉及单位" select name="unit" {
                            @for (id, name) in &units { option value=(id) selected[id == &c.user.unit_id.to_string()] { (name) } }
                        } }
                        label { "涉及事项（可选）" input name="record" maxlength="40" value=[nonempty(&q.record)] placeholder="从调度会、督办单页面进入时自动填写"; }
                    }
                    button type="submit" { "上传" }
                    span.small.muted { "　单个文件不超过 " (state.cfg.max_upload_mb) " MB；正文将提取文字用于检索" }
                }
            }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/documents", "材料库", body))
}

/// POST /documents (multipart: file, title, date, issuer, unit, record)
pub async fn upload(
    State(state): State<AppState>,
    c: Current,
    mut mp: Multipart,
) -> Result<Response, AppError> {
    let u = library::read_upload(&mut mp, state.cfg.max_upload_mb).await?;
    let id = library::upload(&state, &c, u).await?;
    Ok(redirect_saved(&format!("/documents/{id}"), "材料已上传并存入材料库").into_response())
}

/// Query of a document's page.
#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    saved: Option<String>,
}

/// GET /documents/{id}
pub async fn detail(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    let (d, related, tree) = library::document(&state, &c, id).await?;
    let text = library::text(&state, &c, id).await?;
    let excerpt: String = text.chars().take(3000).collect();
    let cut = text.chars().count() > 3000;
    let list = |title: &str, id: &str, docs: &[LibraryDoc]| {
        html! {
            @if !docs.is_empty() {
                h3 { (title) }
                ul #(id) { @for r in docs { li {
                    a href={"/documents/" (r.id)} { (r.title) }
                    span.small.muted { "　" (kind_zh(&r.kind)) " · " (r.doc_date) @if !r.number.is_empty() { " · " (r.number) } }
                } } }
            }
        }
    };
    let none = related.same_records.is_empty()
        && related.same_series.is_empty()
        && related.similar.is_empty();
    let body = html! {
        p.small { a href="/documents" { "‹ 材料库" } }
        (flash(nonempty(&q.saved), None))
        h1 { (d.title) }
        div.panel {
            dl.kv {
                dt { "种类" } dd { (kind_zh(&d.kind)) }
                @if !d.number.is_empty() { dt { "发文字号" } dd #doc-number { (d.number) } }
                dt { "成文日期" } dd { (d.doc_date) }
                @if !d.issuer.is_empty() { dt { "发文机关" } dd { (d.issuer) } }
                @if !d.recipients.is_empty() { dt { "主送" } dd { (d.recipients) } }
                dt { "涉及单位" } dd { (unit_name(&tree, d.unit_id)) }
                @if d.meeting_id.is_some() || d.notice_id.is_some() || d.project_id.is_some() || d.task_id.is_some() {
                    dt { "涉及事项" } dd { (concerns(&d)) }
                }
                dt { "字数" } dd { (d.chars) " 字" }
                dt { "文件" } dd { (d.file_name) span.small.muted { "　" (d.size / 1024 + 1) " KB · SHA-256 " (d.sha256.get(..16).unwrap_or("")) "…" } }
            }
            a.btn #download href={"/documents/" (d.id) "/file"} { "下载原文件" }
        }
        div.doccols {
            div {
                h2 { "正文" }
                div.panel.doctext { pre { (excerpt) @if cut { "\n……（全文共 " (d.chars) " 字，请下载原文件阅读）" } } }
            }
            div #related {
                h2 { "相关材料" }
                @if none { p.muted { "暂无相关材料。" } }
                (list("同一事项", "related-records", &related.same_records))
                (list("同一系列", "related-series", &related.same_series))
                (list("内容相近", "related-similar", &related.similar))
            }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/documents", &d.title, body))
}

/// GET /documents/{id}/file
pub async fn file(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (d, bytes) = library::file(&state, &c, id).await?;
    Ok(crate::files::download(&d.file_name, &d.content_type, bytes))
}
