//! Importing a file: what kinds there are and who may import each, and the import itself, all or
//! nothing with every error's row, column and reason — for the import page, `POST
//! /api/v1/imports/{kind}` and `diaodu import` alike. Reading the upload is the web's
//! (`read_upload`, below); the rules are here and in the store.

use super::Error;
use diaodu_domain::access::{Action, Scope};
use diaodu_domain::import::ImportError;
use diaodu_office::import::{
    parse_indicator_values, parse_indicators, parse_projects, parse_quotas, parse_reports,
    parse_targets, parse_units, ReportStream,
};
use diaodu_store::{Actor, Store, UnitTree};

use axum::extract::Multipart;
use axum::http::StatusCode;

use crate::auth::Current;

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
    /// The units' planning quotas (策划包装任务).
    PlanningQuotas,
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
        ImportKind::PlanningQuotas,
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
            "planning-quotas" => Some(ImportKind::PlanningQuotas),
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
            ImportKind::PlanningQuotas => Action::ManagePlanning,
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
            ImportKind::PlanningQuotas => "项目策划包装任务",
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
            ImportKind::PlanningQuotas => "planning-quotas",
        }
    }

    fn first_header(self) -> &'static str {
        match self {
            ImportKind::Units | ImportKind::PlanningQuotas => "单位编码",
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
) -> Result<Result<usize, Vec<ImportError>>, Error> {
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
                // A unit outside the importer's scope is refused like an unknown one (the store
                // reports unknown units of the rows that parsed); the unit of a row that did not
                // parse is checked here too, so the row's errors come at once.
                let mut errors = p.errors;
                let outside = |unit: &str| format!("无权为“{unit}”导入项目");
                for r in &p.rows {
                    if tree
                        .find(&r.unit)
                        .is_some_and(|u| !tree.in_scope(u.id, scope))
                    {
                        errors.push(ImportError::new(r.row, "责任单位", outside(&r.unit)));
                    }
                }
                for r in &p.refs {
                    let message = match tree.resolve(&r.text) {
                        Err(m) => m,
                        Ok(u) if !tree.in_scope(u.id, scope) => outside(&r.text),
                        Ok(_) => continue,
                    };
                    errors.push(ImportError::new(r.row, "责任单位", message));
                }
                diaodu_domain::import::sort_errors(&mut errors);
                store.projects().import(actor, &p.rows, errors).await?
            }
            Err(e) => Err(e),
        },
        ImportKind::Reports => match parse_reports(&table) {
            Ok(p) => {
                let mut import = store
                    .reports()
                    .report_import(actor, tree, scope, confirm_unusual)
                    .await?;
                import.check_refs(&p.refs).await?;
                import.add(&p.rows, p.errors).await?;
                import.finish(true).await?
            }
            Err(e) => Err(e),
        },
        ImportKind::Indicators => match parse_indicators(&table) {
            Ok(p) => {
                store
                    .indicators()
                    .import_indicators(actor, &p.rows, p.errors)
                    .await?
            }
            Err(e) => Err(e),
        },
        ImportKind::Targets => match parse_targets(&table) {
            Ok(p) => {
                store
                    .indicators()
                    .import_targets(actor, &p.rows, p.errors)
                    .await?
            }
            Err(e) => Err(e),
        },
        ImportKind::PlanningQuotas => match parse_quotas(&table) {
            Ok(p) => {
                store
                    .planning()
                    .import_quotas(actor, tree, scope, &p.rows, p.errors)
                    .await?
            }
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
) -> Result<Result<usize, Vec<ImportError>>, Error> {
    let mut import = store
        .reports()
        .report_import(actor, tree, scope, confirm_unusual)
        .await?;
    let mut any = false;
    loop {
        match stream.next_chunk() {
            Ok(Some(chunk)) => {
                any = true;
                import.check_refs(&chunk.refs).await?;
                import.add(&chunk.rows, chunk.errors).await?;
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

/// An import's upload: the file and what it holds (read by [`read_upload`]).
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

/// Reads an import's upload: the kind (from the path, or the form's `kind` field, which the form puts
/// before the file) and the file. The role is checked before any of the file is read: a user who may
/// import nothing gets 403 at once, and one who may not import this kind gets it when the kind is
/// known, so a refused upload is never held in memory.
pub async fn read_upload(
    c: &Current,
    mut kind: Option<ImportKind>,
    mut mp: Multipart,
) -> Result<Upload, Error> {
    if !ImportKind::ALL.iter().any(|k| c.can(k.action())) {
        return Err(Error::Forbidden);
    }
    if let Some(k) = kind {
        c.require(k.action())?;
    }
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut confirm_unusual = false;
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Error::invalid("文件", "文件过大")
        } else {
            Error::invalid("文件", format!("上传内容无法读取：{}", e.body_text()))
        }
    };
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        match field.name() {
            Some("kind") if kind.is_none() => {
                let text = field.text().await.map_err(bad)?;
                let k = ImportKind::parse(text.trim())
                    .ok_or_else(|| Error::invalid("导入内容", "不是可导入的内容"))?;
                c.require(k.action())?;
                kind = Some(k);
            }
            Some("confirm_unusual") => {
                let v = field.text().await.map_err(bad)?;
                confirm_unusual = matches!(v.trim(), "1" | "true" | "on");
            }
            Some("file") => {
                if kind.is_none() {
                    return Err(Error::invalid("导入内容", "请先选择导入内容，再选择文件"));
                }
                let name = field.file_name().unwrap_or("upload.xlsx").to_string();
                let bytes = field.bytes().await.map_err(bad)?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let kind = kind.ok_or_else(|| Error::invalid("导入内容", "请选择"))?;
    let (name, bytes) = file
        .filter(|f| !f.1.is_empty())
        .ok_or_else(|| Error::invalid("文件", "请选择要导入的文件"))?;
    Ok(Upload {
        kind,
        name,
        bytes,
        confirm_unusual,
    })
}
