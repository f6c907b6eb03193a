//! Import and export: templates, all-or-nothing imports with every error listed, ledger and ranking
//! exports. The same functions serve the command line.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use diaodu_domain::access::Action;
use diaodu_domain::period::fmt_date;
use diaodu_office::xlsx::{ledger_csv, ledger_xlsx, ranking_xlsx, TemplateKind};
use maud::{html, Markup};

use super::layout::csrf;
use super::projects::ListQuery;
use super::ranking::RankingQuery;
use super::{as_of, nonempty, Ctx};
use crate::auth::Current;
pub use crate::service::documents::{ledger_rows, ranking_rows};
use crate::service::imports::read_upload;
pub use crate::service::imports::{
    import_report_stream, run_import, ImportKind, Upload, REPORT_CHUNK,
};
use crate::{AppError, AppState};

fn kinds(c: &Current) -> Vec<ImportKind> {
    ImportKind::ALL
        .iter()
        .copied()
        .filter(|k| c.can(k.action()))
        .collect()
}

fn data_page(c: &Current, unit_name: &str, result: Option<Markup>) -> Markup {
    let ks = kinds(c);
    let body = html! {
        h1 { "导入导出" }
        @if let Some(r) = result { (r) }
        div.split {
            div.panel #import {
                h2 style="margin-top:0" { "导入" }
                @if ks.is_empty() { p.muted { "您的角色没有导入权限。" } } @else {
                    form method="post" action="/data/import" enctype="multipart/form-data" {
                        (csrf(c))
                        div.form-grid {
                            label { "导入内容" select name="kind" { @for k in &ks { option value=(k.code()) { (k.zh()) } } } }
                            label { "文件（.xlsx 或 .csv，支持 UTF-8 和 GBK）" input type="file" name="file" accept=".xlsx,.csv" required; }
                            label.confirm.wide { input type="checkbox" name="confirm_unusual" value="1"; " 确认超计划数值（进度填报中超过年度计划投资的数值已核实）" }
                        }
                        p { button type="submit" { "上传并导入" } }
                    }
                    p.small.muted { "整表校验：任一行有误则全部不导入，并列出每个错误的行号、列名和原因。同一项目同一期的填报再次导入视为修改，修改留痕。" }
                }
                // The templates of the kinds this user may import, as the form offers them.
                @if !ks.is_empty() {
                    h2 { "下载模板" }
                    ul {
                        @for k in &ks { li { a href={"/data/template/" (k.code())} { (k.zh()) "导入模板.xlsx" } } }
                    }
                }
            }
            div.panel {
                h2 style="margin-top:0" { "导出" }
                ul {
                    li { a href="/data/export/projects?format=xlsx" { "项目台账（Excel）" } }
                    li { a href="/data/export/projects?format=csv" { "项目台账（CSV）" } }
                    li { a href="/data/export/ranking" { "单位排名（Excel）" } }
                }
                p.small.muted { "台账含本人权限范围内的全部项目及统计日期的亮灯、完成率；可在项目库页面按条件筛选后导出。" }
            }
        }
    };
    super::layout::page(c, unit_name, "/data", "导入导出", body)
}

/// GET /data
pub async fn show(State(state): State<AppState>, c: Current) -> Result<Markup, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    Ok(data_page(&c, &ctx.unit_name, None))
}

/// GET /data/template/{kind}
pub async fn template(Path(kind): Path<String>, _c: Current) -> Result<Response, AppError> {
    let k = TemplateKind::parse(kind.trim_end_matches(".xlsx"))
        .ok_or_else(|| AppError::NotFound("模板".into()))?;
    let bytes = diaodu_office::xlsx::template(k).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(xlsx_response(k.file_name(), bytes))
}

/// An .xlsx download.
pub fn xlsx_response(name: &str, bytes: Vec<u8>) -> Response {
    super::download(
        name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    )
}

/// POST /data/import
pub async fn import(
    State(state): State<AppState>,
    c: Current,
    mp: Multipart,
) -> Result<Response, AppError> {
    let up = read_upload(&c, None, mp).await?;
    let (kind, name) = (up.kind, up.name.clone());
    let ctx = Ctx::load(&state, &c).await?;
    let scope = c.scope;
    let res = run_import(&state.store, &c.actor(), &ctx.tree, scope, &up).await?;
    let (status, markup) = match res {
        Ok(n) => (
            StatusCode::OK,
            html! { div.flash.ok #import-result { "导入成功：" (name) "，共 " (n) " 行" (kind.zh()) "数据已写入。" } },
        ),
        Err(errors) => (
            StatusCode::BAD_REQUEST,
            html! {
                div.flash.err #import-result { "导入失败：" (name) " 共有 " (errors.len()) " 处错误，未写入任何数据。请修改后重新导入。" }
                div.tablewrap style="margin-bottom:14px" { table #import-errors {
                    thead { tr { th.n { "行号" } th { "列" } th { "原因" } } }
                    tbody { @for e in &errors { tr { td.n { @if e.row > 0 { (e.row) } } td { (e.column) } td { (e.message) } } } }
                } }
            },
        ),
    };
    Ok((status, data_page(&c, &ctx.unit_name, Some(markup))).into_response())
}

/// Export format query.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportQuery {
    /// xlsx or csv.
    pub format: Option<String>,
    /// List filters.
    #[serde(flatten)]
    pub list: ListQuery,
}

/// GET /data/export/projects
pub async fn export_projects(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<ExportQuery>,
) -> Result<Response, AppError> {
    c.require(Action::Export)?;
    let tree = state.store.units().await?;
    let d = as_of(&state, q.list.as_of.as_deref())?;
    let filter = q.list.filter(&tree, &c)?;
    let mut rows = state
        .store
        .projects()
        .statuses(&tree, c.scope, &filter, d)
        .await?;
    super::projects::sort_rows(&mut rows, nonempty(&q.list.sort));
    let ledger = ledger_rows(&rows);
    match nonempty(&q.format).unwrap_or("xlsx") {
        "csv" => Ok(super::download(
            &format!("projects-{}.csv", fmt_date(d)),
            "text/csv; charset=utf-8",
            ledger_csv(&ledger),
        )),
        "xlsx" => {
            let bytes =
                ledger_xlsx("项目台账", &ledger).map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(xlsx_response(
                &format!("projects-{}.xlsx", fmt_date(d)),
                bytes,
            ))
        }
        other => Err(AppError::invalid(
            "format",
            format!("不支持的格式“{other}”，应为 xlsx 或 csv"),
        )),
    }
}

/// GET /data/export/ranking
pub async fn export_ranking(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<RankingQuery>,
) -> Result<Response, AppError> {
    c.require(Action::Export)?;
    let tree = state.store.units().await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    let parent = crate::service::scope::ranking_parent(&tree, &c, &q.unit)?;
    let rows = state
        .store
        .projects()
        .statuses(
            &tree,
            c.scope,
            &diaodu_store::ProjectFilter {
                unit_id: Some(parent),
                ..Default::default()
            },
            d,
        )
        .await?;
    let mut lines = diaodu_store::reporting::unit_table(&tree, &rows, parent, d);
    super::ranking::sort_lines(&mut lines, q.sort.as_deref(), parent, d);
    let title = format!(
        "{}下级单位项目建设排名（截至{}）",
        tree.get(parent).map(|u| u.name.as_str()).unwrap_or(""),
        fmt_date(d)
    );
    let bytes = ranking_xlsx(&title, &ranking_rows(&lines))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(xlsx_response(
        &format!("ranking-{}.xlsx", fmt_date(d)),
        bytes,
    ))
}
