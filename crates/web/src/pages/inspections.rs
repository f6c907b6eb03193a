//! Inspection campaigns (督查活动) and attachments (附件).

use std::path::PathBuf;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Form;
use diaodu_domain::access::Action;
use diaodu_domain::period::{fmt_date, parse_date};
use diaodu_store::{Attachment, NewInspection};
use maud::{html, Markup};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::layout::{csrf, flash, local_time, page};
use super::projects::unit_options;
use super::sort::{Key, Sorting};
use super::{nonempty, redirect_saved, Ctx};
use crate::auth::Current;
use crate::service::scope::attachment_access;
use crate::{AppError, AppState};

fn sev_options(current: &str) -> Markup {
    html! {
        @for (k, v) in [("none", "无问题"), ("minor", "一般问题"), ("major", "较重问题"), ("critical", "严重问题")] {
            option value=(k) selected[current == k] { (v) }
        }
    }
}

/// What an inspection covers, in words: `集中开工批次：第一批`, `红灯项目：云东区`, `指定项目：…`.
fn scope_text(tree: &diaodu_store::UnitTree, kind: &str, value: &str) -> String {
    match kind {
        "batch" => format!("集中开工批次：{value}"),
        "red" => {
            let unit = value
                .parse::<i64>()
                .ok()
                .and_then(|u| tree.get(u))
                .map_or(value.to_string(), |u| u.name.clone());
            format!("红灯项目：{unit}")
        }
        "projects" => format!("指定项目：{value}"),
        "tasks" => format!("指定任务：{value}"),
        other => format!("{other}：{value}"),
    }
}

/// GET /inspections
pub async fn list(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<super::tasks::TaskQuery>,
) -> Result<Response, AppError> {
    if !(c.can(Action::Inspect) || c.can(Action::ViewMeetings)) {
        return Err(AppError::Forbidden);
    }
    let ctx = Ctx::load(&state, &c).await?;
    let mut list: Vec<_> = state
        .store
        .notices()
        .inspections()
        .await?
        .into_iter()
        .filter(|i| ctx.tree.in_scope(i.unit_id, c.scope))
        .collect();
    let sorting = Sorting::new(
        "/inspections",
        nonempty(&q.sort),
        &["title", "scope", "start", "inspectors", "state"],
        &[],
    );
    sorting.apply(&mut list, |i, col| match col {
        "title" => Key::text(&i.title),
        "scope" => Key::text(scope_text(&ctx.tree, &i.scope_kind, &i.scope_value)),
        "start" => Key::text(fmt_date(i.start)),
        "inspectors" => Key::text(&i.inspectors),
        _ => Key::text(&i.state),
    });
    if nonempty(&q.format) == Some("xlsx") {
        use diaodu_office::xlsx::Cell::Text;
        let rows: Vec<_> = list
            .iter()
            .map(|i| {
                vec![
                    Text(i.title.clone()),
                    Text(scope_text(&ctx.tree, &i.scope_kind, &i.scope_value)),
                    Text(fmt_date(i.start)),
                    Text(fmt_date(i.end)),
                    Text(i.inspectors.clone()),
                    Text(
                        if i.state == "finished" {
                            "已结束"
                        } else {
                            "进行中"
                        }
                        .into(),
                    ),
                ]
            })
            .collect();
        let heads = ["督查活动", "范围", "开始", "结束", "督查人员", "状态"];
        return super::list_xlsx("督查活动", state.today(), &heads, &rows);
    }
    let batches = state.store.projects().batches().await?;
    let d = state.today();
    let body = html! {
        (flash(nonempty(&q.saved), None))
        h1 { "督查活动" }
        p { a.btn.light-btn href={"/inspections?sort=" (sorting.value()) "&format=xlsx"} { "导出 Excel" } }
        div.tablewrap { table {
            thead { tr { th { (sorting.th("title", "督查活动", false)) } th { (sorting.th("scope", "范围", false)) } th { (sorting.th("start", "时间", false)) } th { (sorting.th("inspectors", "督查人员", false)) } th { (sorting.th("state", "状态", false)) } } }
            tbody {
                @for i in &list { tr { td { a href={"/inspections/" (i.id)} { (i.title) } } td { (scope_text(&ctx.tree, &i.scope_kind, &i.scope_value)) }
                    td.nw { (fmt_date(i.start)) " 至 " (fmt_date(i.end)) } td { (i.inspectors) } td { @if i.state == "finished" { "已结束" } @else { "进行中" } } } }
                @if list.is_empty() { tr { td colspan="5" { span.muted { "暂无督查活动。" } } } }
            }
        } }
        @if c.can(Action::ManageTasks) {
            form.panel method="post" action="/inspections" style="margin-top:14px" {
                h2 style="margin-top:0" { "发起督查活动" }
                (csrf(&c))
                div.form-grid {
                    label.wide { span.req { "督查名称" } input name="title" required placeholder="如 重点项目拉网式督查"; }
                    label { "范围类型" select name="scope_kind" {
                        option value="batch" { "集中开工批次的全部项目" } option value="red" { "某单位的全部红灯项目" }
                        option value="projects" { "指定项目（编码）" } option value="tasks" { "指定任务（编号）" } } }
                    label { "批次" select name="batch" { option value="" { "—" } @for b in &batches { option value=(b) { (b) } } } }
                    label { "单位（红灯项目）" select name="unit" { option value="" { "—" } @for (v, l) in unit_options(&ctx.tree, &c) { option value=(v) { (l) } } } }
                    label { "编码（逗号分隔）" input name="codes"; }
                    label { span.req { "开始日期" } input type="date" name="start" value=(fmt_date(d)) required; }
                    label { span.req { "结束日期" } input type="date" name="end" value=(fmt_date(d + time::Duration::days(14))) required; }
                    label.wide { "督查人员" input name="inspectors"; }
                    label.wide { "检查清单（每行一项）" textarea name="checklist" { "是否实质性开工\n现场施工人员与机械\n形象进度与填报是否一致\n存在问题及需协调事项" } }
                }
                p { button type="submit" { "发起" } }
            }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/inspections", "督查活动", body).into_response())
}

/// The launch form.
#[derive(Debug, Deserialize)]
pub struct LaunchForm {
    /// Title.
    pub title: String,
    /// Scope kind.
    pub scope_kind: String,
    /// Batch.
    #[serde(default)]
    pub batch: String,
    /// Unit id.
    #[serde(default)]
    pub unit: String,
    /// Codes.
    #[serde(default)]
    pub codes: String,
    /// Start.
    pub start: String,
    /// End.
    pub end: String,
    /// Inspectors.
    #[serde(default)]
    pub inspectors: String,
    /// Checklist.
    #[serde(default)]
    pub checklist: String,
}

/// POST /inspections
pub async fn create(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<LaunchForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageTasks)?;
    let tree = state.store.units().await?;
    let value = match f.scope_kind.as_str() {
        "batch" => f.batch.clone(),
        "red" => {
            let u: i64 = f
                .unit
                .trim()
                .parse()
                .map_err(|_| AppError::invalid("单位", "请选择"))?;
            if !tree.in_scope(u, c.scope) {
                return Err(AppError::Forbidden);
            }
            u.to_string()
        }
        _ => f.codes.clone(),
    };
    let start = parse_date(&f.start).map_err(|e| AppError::invalid("开始日期", e.to_string()))?;
    let end = parse_date(&f.end).map_err(|e| AppError::invalid("结束日期", e.to_string()))?;
    let n = NewInspection {
        title: f.title,
        scope_kind: f.scope_kind,
        scope_value: value,
        checklist: f.checklist,
        inspectors: f.inspectors,
        start,
        end,
        unit_id: crate::service::scope::scope_root(&c),
    };
    let id = state
        .store
        .notices()
        .create_inspection(&c.actor(), &tree, n, state.today())
        .await?;
    Ok(redirect_saved(&format!("/inspections/{id}"), "督查活动已发起").into_response())
}

/// GET /inspections/{id}
pub async fn detail(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Query(q): Query<super::tasks::TaskQuery>,
) -> Result<Markup, AppError> {
    if !(c.can(Action::Inspect) || c.can(Action::ViewMeetings)) {
        return Err(AppError::Forbidden);
    }
    let ctx = Ctx::load(&state, &c).await?;
    let (insp, items) = state.store.notices().inspection(id).await?;
    if !ctx.tree.in_scope(insp.unit_id, c.scope) {
        return Err(AppError::Forbidden);
    }
    let open = insp.state != "finished";
    let can_record = c.can(Action::Inspect) && open;
    let manage = c.can(Action::ManageTasks);
    let checked = items.iter().filter(|i| i.checked_at.is_some()).count();
    let problems = items
        .iter()
        .filter(|i| matches!(i.severity.as_str(), "minor" | "major" | "critical"))
        .count();
    let body = html! {
        (flash(nonempty(&q.saved), None))
        h1 { (insp.title) span.muted.small { "　" (fmt_date(insp.start)) " 至 " (fmt_date(insp.end)) "，" @if open { "进行中" } @else { "已结束" } } }
        div.cards {
            div.card { div.k { "督查对象" } div.v { (items.len()) } }
            div.card { div.k { "已检查" } div.v { (checked) } }
            div.card { div.k { "发现问题" } div.v { (problems) } }
            div.card { div.k { "已督办" } div.v { (items.iter().filter(|i| i.notice_id.is_some()).count()) } }
        }
        div.panel style="margin-top:12px" { dl.kv { dt { "督查人员" } dd { (insp.inspectors) } dt { "检查清单" } dd style="white-space:pre-wrap" { (insp.checklist) } } }
        form #bulk method="post" action={"/inspections/" (id) "/notices"} {}
        div.tablewrap { table #items {
            thead { tr { @if manage { th {} } th { "督查对象" } th { "单位" } th { "督查发现" } th { "问题等级" } th { "督办" } } }
            tbody { @for it in &items { tr {
                @if manage { td { @if it.notice_id.is_none() && matches!(it.severity.as_str(), "minor" | "major" | "critical") {
                    input type="checkbox" name="item" value=(it.id) form="bulk" checked; } } }
                td { @if it.subject_kind == "project" { a href={"/projects/" (it.subject_id)} { (it.label) } } @else { a href={"/tasks/" (it.subject_id)} { (it.label) } } }
                td { (ctx.tree.get(it.unit_id).map(|u| u.name.clone()).unwrap_or_default()) }
                td { @if can_record {
                    form method="post" action={"/inspections/items/" (it.id)} style="display:flex;gap:6px;flex-wrap:wrap" {
                        (csrf(&c))
                        input name="findings" value=(it.findings) placeholder="发现的问题" style="min-width:240px;flex:1";
                        select name="severity" { (sev_options(&it.severity)) }
                        button type="submit" { "保存" }
                    }
                } @else { (it.findings) } }
                td.nw { (diaodu_store::severity_zh(&it.severity)) }
                td { @if let Some(n) = it.notice_id { a href={"/notices/" (n)} { "查看督办单" } } }
            } } }
        } }
        @if manage && open {
            div.split style="margin-top:12px" {
                div.panel {
                    h2 style="margin-top:0" { "将勾选的问题转为督办单" }
                    input type="hidden" name="_csrf" value=(c.csrf) form="bulk";
                    label { "反馈期限 " input type="date" name="reply_by" value=(fmt_date(state.today() + time::Duration::days(10))) form="bulk"; }
                    p { button type="submit" form="bulk" { "批量下发督办单" } }
                }
                form.panel method="post" action={"/inspections/" (id) "/finish"} {
                    h2 style="margin-top:0" { "结束督查" }
                    (csrf(&c))
                    p.muted { "结束后不能再记录督查发现。" }
                    button.danger type="submit" { "结束督查活动" }
                }
            }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/inspections", &insp.title, body))
}

/// The finding form.
#[derive(Debug, Deserialize)]
pub struct FindingForm {
    /// Findings.
    #[serde(default)]
    pub findings: String,
    /// Severity.
    pub severity: String,
}

/// POST /inspections/items/{id}
pub async fn record(
    State(state): State<AppState>,
    c: Current,
    Path(item): Path<i64>,
    Form(f): Form<FindingForm>,
) -> Result<Response, AppError> {
    let id = crate::service::record_finding(&state, &c, item, &f.findings, &f.severity).await?;
    Ok(redirect_saved(&format!("/inspections/{id}"), "督查发现已记录").into_response())
}

/// POST /inspections/{id}/notices: fields `item` (repeated) and `reply_by`.
pub async fn bulk_notices(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    c.require(Action::ManageTasks)?;
    c.require(Action::IssueNotices)?;
    let (insp, _) = state.store.notices().inspection(id).await?;
    let tree = state.store.units().await?;
    if !tree.in_scope(insp.unit_id, c.scope) {
        return Err(AppError::Forbidden);
    }
    let items: Vec<i64> = f
        .iter()
        .filter(|(k, _)| k == "item")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let reply_by = f
        .iter()
        .find(|(k, _)| k == "reply_by")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let reply_by =
        parse_date(reply_by).map_err(|e| AppError::invalid("反馈期限", e.to_string()))?;
    let n = state
        .store
        .notices()
        .notices_from_findings(&c.actor(), id, &items, reply_by, state.today())
        .await?;
    Ok(
        redirect_saved(&format!("/inspections/{id}"), &format!("已下发督办单{n}件"))
            .into_response(),
    )
}

/// POST /inspections/{id}/finish
pub async fn finish(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    c.require(Action::ManageTasks)?;
    let (insp, _) = state.store.notices().inspection(id).await?;
    let tree = state.store.units().await?;
    if !tree.in_scope(insp.unit_id, c.scope) {
        return Err(AppError::Forbidden);
    }
    state
        .store
        .notices()
        .finish_inspection(&c.actor(), id)
        .await?;
    Ok(redirect_saved(&format!("/inspections/{id}"), "督查活动已结束").into_response())
}

/// The attachment list and upload form of a record.
pub fn attachments_panel(
    c: &Current,
    kind: &str,
    owner: i64,
    list: &[Attachment],
    can_add: bool,
    max_mb: usize,
) -> Markup {
    html! {
        div.panel.attachments {
            h2 style="margin-top:0" { "附件" }
            @if list.is_empty() { p.muted { "暂无附件。" } }
            ul { @for a in list { li { a href={"/attachments/" (a.id)} { (a.file_name) } span.small.muted { "　" (a.size / 1024 + 1) " KB · SHA-256 " (a.sha256.get(..12).unwrap_or("")) "… · " (local_time(&a.uploaded_at)) } } } }
            @if can_add {
                form method="post" enctype="multipart/form-data" action={"/attachments?owner_kind=" (kind) "&owner_id=" (owner)} {
                    input type="hidden" name="_csrf" value=(c.csrf);
                    input type="file" name="file" accept=".pdf,.png,.jpg,.jpeg,.doc,.docx,.xls,.xlsx" required;
                    " " button type="submit" { "上传" }
                    span.small.muted { "　PDF、图片、Word、Excel，单个不超过 " (max_mb) " MB" }
                }
            }
        }
    }
}

/// Query of an upload.
#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    /// Owner kind.
    pub owner_kind: String,
    /// Owner id.
    pub owner_id: i64,
}

/// POST /attachments?owner_kind=&owner_id=
pub async fn upload(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<UploadQuery>,
    mut mp: Multipart,
) -> Result<Response, AppError> {
    let back = attachment_access(&state, &c, &q.owner_kind, q.owner_id, true).await?;
    let limit = state.cfg.max_upload_mb * 1024 * 1024;
    let too_large = || {
        AppError::invalid(
            "文件",
            format!("文件过大或上传中断（上限 {} MB）", state.cfg.max_upload_mb),
        )
    };
    // Every file is read and checked before any is kept: one bad photo of five keeps none.
    let mut files: Vec<(String, axum::body::Bytes, &'static str)> = Vec::new();
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| AppError::invalid("文件", e.to_string()))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload").to_string();
        let bytes = field.bytes().await.map_err(|_| too_large())?;
        if bytes.is_empty() {
            continue;
        }
        if bytes.len() > limit {
            return Err(AppError::invalid(
                "文件",
                format!("“{name}”超过 {} MB", state.cfg.max_upload_mb),
            ));
        }
        if files.len() == MAX_FILES_AT_ONCE {
            return Err(AppError::invalid(
                "文件",
                format!("一次最多上传 {MAX_FILES_AT_ONCE} 个文件"),
            ));
        }
        let ct = diaodu_office::files::sniff(&name, &bytes)
            .map_err(|m| AppError::invalid("文件", format!("“{name}”：{m}")))?;
        files.push((name, bytes, ct));
    }
    if files.is_empty() {
        return Err(AppError::invalid("文件", "请选择文件"));
    }
    let photos = matches!(q.owner_kind.as_str(), "report" | "site_visit");
    if photos {
        if let Some((name, ..)) = files.iter().find(|f| !f.2.starts_with("image/")) {
            return Err(AppError::invalid(
                "照片",
                format!("“{name}”不是照片：请上传 JPEG 或 PNG 图片"),
            ));
        }
    }
    let dir: PathBuf = state.cfg.files_dir.clone();
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // Every file on disk first, then their records in one transaction; a failure on the way
    // removes the files already written, so an upload is kept whole or not at all.
    let mut records = Vec::with_capacity(files.len());
    let mut written: Vec<PathBuf> = Vec::with_capacity(files.len());
    let n = files.len();
    for (name, bytes, ct) in files {
        let sha = hex::encode(Sha256::digest(&bytes));
        let mut rnd = [0u8; 8];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut rnd);
        // The name on disk is ours (hash and a random suffix): nothing of the uploaded name reaches
        // the path.
        let stored = format!("{}-{}", &sha[..16], hex::encode(rnd));
        let path = dir.join(&stored);
        if let Err(e) = tokio::fs::write(&path, &bytes).await {
            remove_all(&written).await;
            return Err(AppError::Internal(e.to_string()));
        }
        written.push(path);
        let safe_name: String = name
            .chars()
            .filter(|ch| !matches!(ch, '/' | '\\' | '"' | '\r' | '\n'))
            .take(200)
            .collect();
        records.push(Attachment {
            id: 0,
            owner_kind: q.owner_kind.clone(),
            owner_id: q.owner_id,
            file_name: safe_name,
            content_type: ct.into(),
            size: bytes.len() as i64,
            sha256: sha,
            stored_name: stored,
            uploaded_at: String::new(),
        });
    }
    if let Err(e) = state
        .store
        .notices()
        .add_attachments(&c.actor(), &records)
        .await
    {
        remove_all(&written).await;
        return Err(e.into());
    }
    let what = if photos { "照片" } else { "附件" };
    Ok(redirect_saved(&back, &format!("已上传 {n} 个{what}")).into_response())
}

/// Removes files written for an upload that is not kept.
async fn remove_all(paths: &[PathBuf]) {
    for p in paths {
        let _ = tokio::fs::remove_file(p).await;
    }
}

/// The most files one upload keeps.
pub const MAX_FILES_AT_ONCE: usize = 20;

/// Query of a download.
#[derive(Debug, Default, Deserialize)]
pub struct DownloadQuery {
    /// `1`: shown in the page (a photo's thumbnail) rather than saved; images only.
    pub inline: Option<String>,
}

/// GET /attachments/{id}
pub async fn download(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Query(q): Query<DownloadQuery>,
) -> Result<Response, AppError> {
    let a = state
        .store
        .notices()
        .attachment(id)
        .await?
        .ok_or_else(|| AppError::NotFound("附件".into()))?;
    attachment_access(&state, &c, &a.owner_kind, a.owner_id, false).await?;
    let bytes = tokio::fs::read(state.cfg.files_dir.join(&a.stored_name))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let encoded: String = serde_urlencoded::to_string([("n", a.file_name.as_str())])
        .unwrap_or_default()
        .trim_start_matches("n=")
        .to_string();
    Ok((
        [
            (header::CONTENT_TYPE, a.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "{}; filename=\"attachment-{}\"; filename*=UTF-8''{encoded}",
                    // Only an image whose type was read from its content is shown in the page.
                    if q.inline.as_deref() == Some("1") && a.content_type.starts_with("image/") {
                        "inline"
                    } else {
                        "attachment"
                    },
                    a.id
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}
