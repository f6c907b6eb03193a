//! Photos of a progress report or a site visit (现场照片): taken with the phone's camera or chosen
//! from its album, several at once, kept as attachments with the time they were uploaded, and shown
//! as thumbnails with the record they document.

use axum::extract::{Path, Query, State};
use diaodu_domain::access::Action;
use diaodu_domain::period::fmt_date;
use maud::{html, Markup};

use super::layout::{flash, local_time, page, wan};
use super::{nonempty, SavedQuery};
use crate::auth::Current;
use crate::service::scope::{attachment_access, photo_owner_zh};
use crate::{AppError, AppState};

/// A row of thumbnails, each opening the photo.
pub fn thumbnails(list: &[diaodu_store::Attachment]) -> Markup {
    html! {
        div.photos {
            @for a in list {
                figure {
                    a href={"/attachments/" (a.id) "?inline=1"} target="_blank" {
                        img src={"/attachments/" (a.id) "?inline=1"} alt=(a.file_name) loading="lazy";
                    }
                    figcaption.small.muted { (local_time(&a.uploaded_at)) }
                }
            }
        }
    }
}

/// GET /photos/{kind}/{id}: `report` or `site_visit`.
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    Path((kind, id)): Path<(String, i64)>,
    Query(q): Query<SavedQuery>,
) -> Result<Markup, AppError> {
    if !matches!(kind.as_str(), "report" | "site_visit") {
        return Err(AppError::NotFound("页面".into()));
    }
    attachment_access(&state, &c, &kind, id, false).await?;
    let project_id = state
        .store
        .notices()
        .project_of(&kind, id)
        .await?
        .ok_or_else(|| AppError::NotFound(photo_owner_zh(&kind).into()))?;
    let (p, tree) = crate::service::scope::load_in_scope(&state, &c, project_id).await?;
    let unit_name = tree
        .get(c.user.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let photos = state.store.notices().attachments(&kind, id).await?;
    let may_add = if kind == "report" {
        c.can(Action::SubmitReport)
    } else {
        c.can(Action::LogSiteVisit)
    };
    let record = if kind == "report" {
        let r = state
            .store
            .reports()
            .list(project_id)
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| AppError::NotFound("进度填报".into()))?;
        html! {
            dl.kv {
                dt { "填报期" } dd { (r.period) "（截至 " (fmt_date(r.period_end)) "）" }
                dt { "本期完成投资" } dd { (wan(r.investment)) " 万元" }
                dt { "形象进度" } dd { (r.progress) }
                @if !r.problems.is_empty() { dt { "存在问题" } dd { (r.problems) } }
            }
        }
    } else {
        let v = state
            .store
            .reports()
            .site_visits(project_id)
            .await?
            .into_iter()
            .find(|v| v.id == id)
            .ok_or_else(|| AppError::NotFound("现场督导记录".into()))?;
        html! {
            dl.kv {
                dt { "督导日期" } dd { (fmt_date(v.visit_date)) }
                dt { "督导发现" } dd { (v.findings) }
                @if !v.coordination.is_empty() { dt { "需协调事项" } dd { (v.coordination) } }
            }
        }
    };
    let title = format!("{}现场照片", photo_owner_zh(&kind));
    let body = html! {
        (flash(nonempty(&q.saved), None))
        h1 { (title) }
        p { a href={"/projects/" (p.id)} { "← " (p.fields.name) } " " span.muted.small { (p.fields.code) } }
        div.panel { (record) }
        h2 { "照片" span.muted.small { "　共 " (photos.len()) " 张" } }
        @if photos.is_empty() { p.muted { "暂无照片。" } } @else { (thumbnails(&photos)) }
        @if may_add {
            form.panel #photo-upload method="post" enctype="multipart/form-data" action={"/attachments?owner_kind=" (kind) "&owner_id=" (id)} {
                input type="hidden" name="_csrf" value=(c.csrf);
                label { span.req { "拍照或从相册选择（可多选）" }
                    input type="file" name="file" accept="image/jpeg,image/png" multiple required; }
                p { button type="submit" { "上传照片" } }
                p.small.muted { "JPEG 或 PNG，单张不超过 " (state.cfg.max_upload_mb) " MB，一次最多 " (super::inspections::MAX_FILES_AT_ONCE) " 张；上传时间即照片记录时间。" }
            }
        }
    };
    Ok(page(&c, &unit_name, "/projects", &title, body))
}
