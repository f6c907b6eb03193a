//! /admin/map: the units' boundaries for the cockpit's map — the last upload, the features that
//! matched no unit, the units without a boundary, a preview, and the upload form.

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Response};
use diaodu_domain::access::{Action, Scope, UnitKind};
use maud::{html, Markup};

use super::layout::{csrf, flash, page, svg};
use super::{redirect_saved, Ctx, SavedQuery};
use crate::auth::Current;
use crate::{AppError, AppState};

/// GET /admin/map
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::ManageUnits)?;
    let ctx = Ctx::load(&state, &c).await?;
    let shapes = state.store.unit_shapes().await?;
    let upload = state.store.map_upload().await?;
    let without: Vec<&diaodu_store::Unit> = ctx
        .tree
        .within(Scope::All)
        .into_iter()
        .filter(|u| matches!(u.kind, UnitKind::District | UnitKind::Park) && u.retired_on.is_none())
        .filter(|u| !shapes.contains_key(&u.id))
        .collect();
    let mut ids: Vec<i64> = shapes.keys().copied().collect();
    ids.sort_unstable();
    let (drawn, h) = crate::service::map::draw(&shapes, &ctx.tree, &ids, 640.0, 420.0);
    let links = ids
        .iter()
        .map(|id| (*id, (None, String::new(), format!("/admin/units/{id}"))))
        .collect();
    let areas = crate::service::map::areas(&drawn, &links);
    let body = html! {
        h1 { "地图边界" }
        (flash(q.saved.as_deref(), None))
        p.muted { "驾驶舱的地图按各单位边界绘制，数据来自管理员上传的 GeoJSON 文件，不访问任何在线地图服务，内网可用。每个要素的属性 code（或 编码、adcode）对应单位编码，或 name（名称）对应单位名称；边界为 Polygon 或 MultiPolygon，坐标为经纬度。再次上传即整体替换。" }
        div.split {
            div.panel {
                h2 style="margin-top:0" { "当前边界" }
                @match &upload {
                    Some(u) => p { (u.file_name) "：" (u.features) " 个要素，匹配 " (u.matched) " 个单位　" span.small.muted { (u.uploaded_at.get(..16).unwrap_or("").replace('T', " ")) "（UTC）" (u.user_login) } },
                    None => p.muted { "尚未上传。" },
                }
                @if let Some(u) = &upload { @if !u.unmatched.is_empty() {
                    p { b { "未匹配的要素：" } (u.unmatched.join("、")) }
                } }
                @if !without.is_empty() {
                    p { b { "没有边界的区县、园区：" } (without.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join("、")) }
                }
                @if !areas.is_empty() { (svg(diaodu_office::svg::choropleth("单位边界预览", &areas, 640.0, h, false))) }
            }
            form.panel #map-form method="post" action="/admin/map" enctype="multipart/form-data" {
                (csrf(&c))
                h2 style="margin-top:0" { "上传边界文件" }
                label { "GeoJSON 文件（.geojson 或 .json，UTF-8，不超过 20 MB、20 万个点）" input type="file" name="file" accept=".geojson,.json" required; }
                p { button type="submit" { "上传并替换" } }
            }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/admin/units", "地图边界", body))
}

/// POST /admin/map
pub async fn upload(
    State(state): State<AppState>,
    c: Current,
    mut mp: Multipart,
) -> Result<Response, AppError> {
    c.require(Action::ManageUnits)?;
    let max_mb = diaodu_domain::map::MAX_BYTES / 1024 / 1024;
    let u = crate::service::library::read_upload(&mut mp, max_mb).await?;
    let s = crate::service::map::upload(&state, &c, &u.file_name, &u.bytes).await?;
    let msg = format!(
        "已上传：{} 个要素，匹配 {} 个单位{}",
        s.features,
        s.matched,
        if s.unmatched.is_empty() {
            String::new()
        } else {
            format!("，{} 个要素未匹配", s.unmatched.len())
        }
    );
    Ok(redirect_saved("/admin/map", &msg).into_response())
}
