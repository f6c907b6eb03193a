//! Import and export: templates, all-or-nothing imports with every error listed, ledger and ranking
//! exports. The same functions serve the command line.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use diaodu_domain::access::{Action, Scope};
use diaodu_domain::import::ImportError;
use diaodu_domain::period::fmt_date;
use diaodu_office::import::{
    parse_indicator_values, parse_indicators, parse_projects, parse_reports, parse_targets,
    parse_units, ReportStream,
};
use diaodu_office::xlsx::{
    ledger_csv, ledger_xlsx, ranking_xlsx, LedgerRow, RankingRow, TemplateKind,
};
use diaodu_store::reporting::UnitLine;
use diaodu_store::{Actor, ProjectStatusRow, Store, UnitTree};
use maud::{html, Markup};

use super::layout::csrf;
use super::projects::ListQuery;
use super::ranking::RankingQuery;
use super::{as_of, nonempty, Ctx};
use crate::auth::Current;
use crate::{AppError, AppState};

/// What can be imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// Units.
    Units,
    /// Projects.
    Projects,
    /// Progress reports.
    Reports,
    /// The indicator catalogue.
    Indicators,
    /// Yearly targets.
    Targets,
    /// Indicator values.
    IndicatorValues,
}

impl ImportKind {
    /// Every kind, in the order the import page offers them.
    pub const ALL: &'static [ImportKind] = &[
        ImportKind::Projects,
        ImportKind::Reports,
        ImportKind::Units,
        ImportKind::IndicatorValues,
        ImportKind::Indicators,
        ImportKind::Targets,
    ];

    /// Parses `units`, `projects`, `reports`.
    pub fn parse(s: &str) -> Option<ImportKind> {
        match s {
            "units" => Some(ImportKind::Units),
            "projects" => Some(ImportKind::Projects),
            "reports" => Some(ImportKind::Reports),
            "indicators" => Some(ImportKind::Indicators),
            "targets" => Some(ImportKind::Targets),
            "indicator-values" => Some(ImportKind::IndicatorValues),
            _ => None,
        }
    }

    /// The permission needed.
    pub fn action(self) -> Action {
        match self {
            ImportKind::Units => Action::ManageUnits,
            ImportKind::Projects => Action::ImportProjects,
            ImportKind::Reports => Action::ImportReports,
            ImportKind::Indicators | ImportKind::Targets | ImportKind::IndicatorValues => {
                Action::ManageIndicators
            }
        }
    }

    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            ImportKind::Units => "单位",
            ImportKind::Projects => "项目",
            ImportKind::Reports => "进度填报",
            ImportKind::Indicators => "指标目录",
            ImportKind::Targets => "指标目标",
            ImportKind::IndicatorValues => "指标数值",
        }
    }

    /// The code used in forms and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Units => "units",
            ImportKind::Projects => "projects",
            ImportKind::Reports => "reports",
            ImportKind::Indicators => "indicators",
            ImportKind::Targets => "targets",
            ImportKind::IndicatorValues => "indicator-values",
        }
    }

    fn first_header(self) -> &'static str {
        match self {
            ImportKind::Units => "单位编码",
            ImportKind::Indicators | ImportKind::Targets => "指标编码",
            ImportKind::IndicatorValues => "地区",
            _ => "项目编码",
        }
    }
}

/// Runs an import from file bytes: read, parse every row, then let the store check and write all or
/// nothing. `Ok(Err(errors))` lists every problem; nothing was written.
pub async fn run_import(
    store: &Store,
    actor: &Actor,
    tree: &UnitTree,
    scope: Scope,
    up: &Upload,
) -> Result<Result<usize, Vec<ImportError>>, AppError> {
    let (kind, confirm_unusual) = (up.kind, up.confirm_unusual);
    if kind == ImportKind::Reports && !diaodu_office::table::is_xlsx(&up.name, &up.bytes) {
        let gb = diaodu_office::table::is_gb18030(&up.bytes);
        let stream = ReportStream::new(&up.bytes[..], gb, REPORT_CHUNK);
        return import_report_stream(store, actor, tree, scope, stream, confirm_unusual).await;
    }
    let table = match diaodu_office::read_table(&up.name, &up.bytes, kind.first_header()) {
        Ok(t) => t,
        Err(e) => return Ok(Err(vec![e])),
    };
    if table.rows.is_empty() {
        return Ok(Err(vec![ImportError::new(0, "", "文件中没有数据行")]));
    }
    Ok(match kind {
        ImportKind::Units => match parse_units(&table) {
            Ok(p) => store.import_units(actor, &p.rows, p.errors).await?,
            Err(e) => Err(e),
        },
        ImportKind::Projects => match parse_projects(&table) {
            Ok(p) => {
                // A unit outside the importer's scope is refused like an unknown one.
                let mut errors = p.errors;
                errors.extend(p.rows.iter().filter_map(|r| {
                    tree.find(&r.unit)
                        .filter(|u| !tree.in_scope(u.id, scope))
                        .map(|_| {
                            ImportError::new(
                                r.row,
                                "责任单位",
                                format!("无权为“{}”导入项目", r.unit),
                            )
                        })
                }));
                store.import_projects(actor, &p.rows, errors).await?
            }
            Err(e) => Err(e),
        },
        ImportKind::Reports => match parse_reports(&table) {
            Ok(p) => {
                store
                    .import_reports(actor, tree, scope, &p.rows, p.errors, confirm_unusual)
                    .await?
            }
            Err(e) => Err(e),
        },
        ImportKind::Indicators => match parse_indicators(&table) {
            Ok(p) => store.import_indicators(actor, &p.rows, p.errors).await?,
            Err(e) => Err(e),
        },
        ImportKind::Targets => match parse_targets(&table) {
            Ok(p) => store.import_targets(actor, &p.rows, p.errors).await?,
            Err(e) => Err(e),
        },
        ImportKind::IndicatorValues => match parse_indicator_values(&table) {
            Ok(p) => {
                // `scope` is the importer's indicator write scope for this kind (see `import`).
                crate::service::write_indicator_values(store, actor, tree, scope, &p.rows, p.errors)
                    .await?
            }
            Err(e) => Err(e),
        },
    })
}

/// Rows of a report file checked and written at a time: the file is held a chunk at a time.
pub const REPORT_CHUNK: usize = 50_000;

/// Imports reports from a CSV stream, a chunk at a time, in one transaction, all or nothing: memory
/// is a chunk of rows (and eight bytes a row to find repeats), whatever the file's length — the
/// province's 4.6 million reports included.
pub async fn import_report_stream(
    store: &Store,
    actor: &Actor,
    tree: &UnitTree,
    scope: Scope,
    mut stream: ReportStream<'_>,
    confirm_unusual: bool,
) -> Result<Result<usize, Vec<ImportError>>, AppError> {
    let mut import = store
        .report_import(actor, tree, scope, confirm_unusual)
        .await?;
    let mut any = false;
    loop {
        match stream.next_chunk() {
            Ok(Some((rows, errors))) => {
                any = true;
                import.add(&rows, errors).await?;
            }
            Ok(None) => break,
            Err(errors) => {
                // Nothing of it is kept.
                let _ = import.finish(false).await?;
                return Ok(Err(errors));
            }
        }
    }
    if !any {
        let _ = import.finish(false).await?;
        return Ok(Err(vec![ImportError::new(0, "", "文件中没有数据行")]));
    }
    Ok(import.finish(true).await?)
}

/// Ledger lines for export.
pub fn ledger_rows(rows: &[ProjectStatusRow]) -> Vec<LedgerRow> {
    rows.iter()
        .map(|r| LedgerRow {
            unit: r.unit_name.clone(),
            fields: r.project.fields.clone(),
            light: r.status.light.zh(),
            time_progress_pct: r.status.time_progress_pct,
            ytd: r.status.ytd_investment,
            completion_pct: r.status.annual_completion_pct,
            lag_pp: r.status.lag_pp,
            reasons: r.status.reasons.join("；"),
        })
        .collect()
}

/// Ranking lines for export (the first, the parent's total, is left out).
pub fn ranking_rows(lines: &[UnitLine]) -> Vec<RankingRow> {
    lines
        .iter()
        .skip(1)
        .map(|l| RankingRow {
            rank: l.rank,
            unit: l.unit.name.clone(),
            projects: l.figures.projects,
            started: l.figures.started,
            start_rate_pct: l.figures.start_rate_pct,
            annual_plan: l.figures.annual_plan,
            ytd: l.figures.ytd_investment,
            completion_pct: l.figures.completion_pct,
            red: l.figures.red,
            yellow: l.figures.yellow,
            green: l.figures.green,
            on_time_pct: l.figures.on_time_pct,
            double_half: l.figures.double_half,
        })
        .collect()
}

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
                    form method="post" action={"/data/import?_csrf=" (c.csrf)} enctype="multipart/form-data" {
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
                h2 { "下载模板" }
                ul {
                    li { a href="/data/template/projects" { "项目导入模板.xlsx" } }
                    li { a href="/data/template/reports" { "进度填报导入模板.xlsx" } }
                    li { a href="/data/template/units" { "单位导入模板.xlsx" } }
                    li { a href="/data/template/indicators" { "指标目录导入模板.xlsx" } }
                    li { a href="/data/template/targets" { "指标目标导入模板.xlsx" } }
                    li { a href="/data/template/indicator-values" { "指标数值导入模板.xlsx" } }
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

/// Reads an import's upload: the kind (from the path, or the form's `kind` field, which the form puts
/// before the file) and the file. The role is checked before any of the file is read: a user who may
/// import nothing gets 403 at once, and one who may not import this kind gets it when the kind is
/// known, so a refused upload is never held in memory.
pub async fn read_upload(
    c: &Current,
    mut kind: Option<ImportKind>,
    mut mp: Multipart,
) -> Result<Upload, AppError> {
    if !ImportKind::ALL.iter().any(|k| c.can(k.action())) {
        return Err(AppError::Forbidden);
    }
    if let Some(k) = kind {
        c.require(k.action())?;
    }
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut confirm_unusual = false;
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::invalid("文件", "文件过大")
        } else {
            AppError::invalid("文件", format!("上传内容无法读取：{}", e.body_text()))
        }
    };
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        match field.name() {
            Some("kind") if kind.is_none() => {
                let text = field.text().await.map_err(bad)?;
                let k = ImportKind::parse(text.trim())
                    .ok_or_else(|| AppError::invalid("导入内容", "不是可导入的内容"))?;
                c.require(k.action())?;
                kind = Some(k);
            }
            Some("confirm_unusual") => {
                let v = field.text().await.map_err(bad)?;
                confirm_unusual = matches!(v.trim(), "1" | "true" | "on");
            }
            Some("file") => {
                if kind.is_none() {
                    return Err(AppError::invalid(
                        "导入内容",
                        "请先选择导入内容，再选择文件",
                    ));
                }
                let name = field.file_name().unwrap_or("upload.xlsx").to_string();
                let bytes = field.bytes().await.map_err(bad)?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let kind = kind.ok_or_else(|| AppError::invalid("导入内容", "请选择"))?;
    let (name, bytes) = file
        .filter(|f| !f.1.is_empty())
        .ok_or_else(|| AppError::invalid("文件", "请选择要导入的文件"))?;
    Ok(Upload {
        kind,
        name,
        bytes,
        confirm_unusual,
    })
}

/// An import's upload, read by [`read_upload`].
pub struct Upload {
    /// What is imported.
    pub kind: ImportKind,
    /// The file's name (its extension says .xlsx or .csv).
    pub name: String,
    /// The file.
    pub bytes: Vec<u8>,
    /// The importer has checked figures above the year's plan (`confirm_unusual`).
    pub confirm_unusual: bool,
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
    let rows = state
        .store
        .project_statuses(&tree, c.scope, &filter, d)
        .await?;
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
    let parent = super::ranking_parent(&tree, &c, &q.unit)?;
    let rows = state
        .store
        .project_statuses(
            &tree,
            c.scope,
            &diaodu_store::ProjectFilter {
                unit_id: Some(parent),
                ..Default::default()
            },
            d,
        )
        .await?;
    let lines = diaodu_store::reporting::unit_table(&tree, &rows, parent, d);
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
