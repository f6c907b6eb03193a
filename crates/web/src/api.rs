//! The JSON API under `/api/v1`, with the same permissions as the pages, and its OpenAPI document.
//!
//! Authentication: `POST /api/v1/login` returns a bearer token for scripts; a browser session cookie
//! also works, in which case state-changing calls need the `X-CSRF-Token` header. Errors are
//! `{"error": {"code", "message", "details"}}` with a Chinese message.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use diaodu_domain::access::Action;
use diaodu_domain::period::fmt_date;
use diaodu_store::reporting::unit_table;
use diaodu_store::{LoginError, Project, ProjectFilter, ProjectStatusRow};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::ApiCurrent;
use crate::error::{ApiError, AppError};
use crate::pages::projects::{ListQuery, ProjectForm};
use crate::pages::reports::ReportForm;
use crate::pages::{as_of, nonempty};
use crate::AppState;

/// API routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route(
            "/api/v1/login",
            post(login).layer(axum::extract::DefaultBodyLimit::max(
                crate::auth::UNAUTHENTICATED_BODY_BYTES,
            )),
        )
        .route("/api/v1/me/password", post(change_password))
        .route("/api/v1/users/{id}/unlock", post(unlock_user))
        .route("/api/v1/logins", get(login_log))
        .route("/api/v1/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/units", get(units))
        .route("/api/v1/projects", get(list_projects).post(create_project))
        .route(
            "/api/v1/projects/{id}",
            get(get_project).put(update_project),
        )
        .route(
            "/api/v1/projects/{id}/reports",
            get(list_reports).post(submit_report),
        )
        .route("/api/v1/status", get(status))
        .route("/api/v1/status/units", get(status_units))
        .route("/api/v1/indicators", get(indicators))
        .route("/api/v1/indicators/values", post(save_values))
        .route("/api/v1/scorecard", get(scorecard))
        .route("/api/v1/notices", get(list_notices).post(issue_notice))
        .route("/api/v1/notices/escalate", post(escalate_notices))
        .route("/api/v1/notices/{id}", get(get_notice))
        .route("/api/v1/notices/{id}/sign", post(sign_notice))
        .route("/api/v1/notices/{id}/reply", post(reply_notice))
        .route("/api/v1/notices/{id}/verify", post(verify_notice))
        .route(
            "/api/v1/notices/{id}/accountability",
            post(notice_accountability),
        )
        .route("/api/v1/meetings", get(list_meetings).post(create_meeting))
        .route("/api/v1/meetings/{id}", get(get_meeting))
        .route("/api/v1/meetings/{id}/decisions", post(add_decision))
        .route("/api/v1/inspections", get(list_inspections))
        .route("/api/v1/inspections/{id}", get(get_inspection))
        .route("/api/v1/inspections/items/{id}", post(record_finding))
        .route("/api/v1/attachments", get(list_attachments))
        .route("/api/v1/tasks", get(list_tasks).post(create_task))
        .route("/api/v1/tasks/{id}", get(get_task))
        .route("/api/v1/tasks/{id}/reports", post(report_task))
        .route("/api/v1/tasks/{id}/verify", post(verify_task))
        .route("/api/v1/imports/{kind}", post(import_file))
}

/// POST /api/v1/imports/{kind} — multipart `file`; the same rules and answers as the import page:
/// all or nothing, `{"imported": n}` or 400 with every error's row, column and reason.
async fn import_file(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(kind): Path<String>,
    mp: axum::extract::Multipart,
) -> Result<Json<Value>, ApiError> {
    use crate::pages::data::{read_upload, run_import, ImportKind};
    let kind =
        ImportKind::parse(&kind).ok_or_else(|| AppError::NotFound(format!("导入类型“{kind}”")))?;
    let up = read_upload(&c, Some(kind), mp).await?;
    let tree = state.store.units().await?;
    // Every kind, indicator values included, is written within the own unit and those below it.
    let scope = c.scope;
    match run_import(&state.store, &c.actor(), &tree, scope, &up).await? {
        Ok(n) => Ok(Json(json!({"imported": n, "kind": up.kind.code()}))),
        Err(errors) => Err(AppError::Import(errors).into()),
    }
}

fn opt_pct(v: Option<f64>) -> Value {
    v.map(|x| json!(x)).unwrap_or(Value::Null)
}

/// The status of one project as JSON (the same shape as `diaodu status --format json`).
pub fn status_json(r: &ProjectStatusRow) -> Value {
    serde_json::to_value(StatusItem::of(r)).unwrap_or(Value::Null)
}

/// One project's status as the API gives it. A typed record, serialised straight to the response:
/// building a `Value` map per project first cost more than everything else of a district's status
/// call (500 projects).
#[derive(serde::Serialize)]
pub struct StatusItem<'a> {
    id: i64,
    code: &'a str,
    name: &'a str,
    unit: &'a str,
    stage: &'static str,
    light: &'static str,
    started: bool,
    not_started_past_plan: bool,
    stalled: bool,
    time_progress_pct: f64,
    ytd_investment_wan: f64,
    annual_completion_pct: Option<f64>,
    lag_pp: Option<f64>,
    reasons: &'a [String],
    reports_due: u32,
    reports_on_time: u32,
}

impl<'a> StatusItem<'a> {
    /// The record of one status row.
    pub fn of(r: &'a ProjectStatusRow) -> StatusItem<'a> {
        let s = &r.status;
        StatusItem {
            id: r.project.id,
            code: &r.project.fields.code,
            name: &r.project.fields.name,
            unit: &r.unit_name,
            stage: r.project.fields.stage.code(),
            light: s.light.code(),
            started: s.started,
            not_started_past_plan: s.not_started_past_plan,
            stalled: s.stalled,
            time_progress_pct: s.time_progress_pct,
            ytd_investment_wan: s.ytd_investment.wan(),
            annual_completion_pct: s.annual_completion_pct,
            lag_pp: s.lag_pp,
            reasons: &s.reasons,
            reports_due: s.reports_due,
            reports_on_time: s.reports_on_time,
        }
    }
}

/// A project as JSON.
pub fn project_json(p: &Project, unit_name: &str) -> Value {
    let f = &p.fields;
    let d = |d: Option<time::Date>| d.map(fmt_date);
    json!({
        "id": p.id,
        "code": f.code,
        "name": f.name,
        "unit_id": p.unit_id,
        "unit_name": unit_name,
        "leader": f.leader,
        "category": f.category.code(),
        "stage": f.stage.code(),
        "total_investment_wan": f.total_investment.wan_text(),
        "plan_year": f.plan_year,
        "annual_plan_wan": f.annual_plan.wan_text(),
        "planned_start": d(f.planned_start),
        "planned_finish": d(f.planned_finish),
        "actual_start": d(f.actual_start),
        "batch": f.batch,
        "industry": f.industry,
        "env_approval": f.env_approval.code(),
        "version": p.version,
        "updated_at": p.updated_at,
    })
}

/// Log-in body.
#[derive(Debug, Deserialize)]
pub struct LoginBody {
    /// Login.
    pub login: String,
    /// Password.
    pub password: String,
}

async fn login(
    State(state): State<AppState>,
    crate::auth::ClientAddr(addr): crate::auth::ClientAddr,
    Json(b): Json<LoginBody>,
) -> Result<Json<Value>, ApiError> {
    let ok = match state.store.authenticate(&b.login, &b.password, &addr).await {
        Ok(ok) => ok,
        Err(LoginError::Store(e)) => return Err(e.into()),
        Err(e @ LoginError::Throttled(_)) => return Err(AppError::Throttled(e.to_string()).into()),
        Err(LoginError::Malformed(m)) => return Err(AppError::invalid("登录", m).into()),
        Err(e @ LoginError::Disabled) => {
            return Err(AppError::Status(StatusCode::FORBIDDEN, "disabled", e.to_string()).into())
        }
        Err(LoginError::Invalid) => {
            return Err(ApiError(AppError::Invalid(vec![(
                "登录".into(),
                "用户名或密码错误".into(),
            )])))
        }
    };
    let (token, csrf) = state.store.create_session(ok.user.id).await?;
    Ok(Json(
        json!({"token": token, "csrf": csrf, "user": ok.user, "must_change_password": ok.must_change_password}),
    ))
}

/// A change of the caller's own password.
#[derive(Debug, Deserialize)]
struct PasswordBody {
    current_password: String,
    new_password: String,
}

/// POST /api/v1/me/password
async fn change_password(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .change_password(c.user.id, &b.current_password, &b.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// POST /api/v1/users/{id}/unlock — the office lifts a throttled login (administrator).
async fn unlock_user(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    c.require(Action::ManageUsers)?;
    state.store.unlock_login(&c.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Filters of the log-in log.
#[derive(Debug, Deserialize)]
struct LoginLogQuery {
    login: Option<String>,
    #[serde(default, deserialize_with = "crate::params::opt_usize")]
    before: Option<usize>,
}

/// GET /api/v1/logins — the log-in log, newest first, 100 at a time (administrator).
async fn login_log(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<LoginLogQuery>,
) -> Result<Json<Value>, ApiError> {
    c.require(Action::ManageUsers)?;
    let items = state
        .store
        .login_log(
            nonempty(&q.login),
            q.before.map(|b| b.min(i64::MAX as usize) as i64),
            100,
        )
        .await?;
    Ok(Json(json!({"items": items})))
}

async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(String::from)
        .or_else(|| {
            crate::auth::cookie(
                &headers,
                crate::auth::session_cookie_name(state.cfg.secure_cookies),
            )
            .map(String::from)
        });
    if let Some(t) = token {
        state.store.delete_session(&t).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn me(ApiCurrent(c): ApiCurrent) -> Json<Value> {
    Json(json!({"user": c.user, "csrf": c.csrf, "must_change_password": c.must_change_password}))
}

async fn units(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
) -> Result<Json<Value>, ApiError> {
    let tree = state.store.units().await?;
    let list: Vec<Value> = tree
        .within(c.scope)
        .iter()
        .map(|u| json!({"id": u.id, "code": u.code, "name": u.name, "parent_id": u.parent_id, "kind": u.kind.code()}))
        .collect();
    Ok(Json(json!(list)))
}

/// Query of the API project list.
#[derive(Debug, Default, Deserialize)]
pub struct ApiListQuery {
    /// Filters as in the page.
    #[serde(flatten)]
    pub list: ListQuery,
    /// Page size (default 50, at most 500).
    #[serde(default, deserialize_with = "crate::params::opt_usize")]
    pub per_page: Option<usize>,
}

async fn list_projects(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<ApiListQuery>,
) -> Result<Json<Value>, ApiError> {
    let tree = state.store.units().await?;
    let d = as_of(&state, q.list.as_of.as_deref())?;
    let filter = q.list.filter(&tree, &c)?;
    let rows = state
        .store
        .project_statuses(&tree, c.scope, &filter, d)
        .await?;
    let per = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = q.list.page.unwrap_or(1).max(1);
    let items: Vec<Value> = rows
        .iter()
        .skip((page - 1) * per)
        .take(per)
        .map(|r| {
            let mut v = project_json(&r.project, &r.unit_name);
            v["status"] = status_json(r);
            v
        })
        .collect();
    Ok(Json(
        json!({"as_of": fmt_date(d), "total": rows.len(), "page": page, "per_page": per, "items": items}),
    ))
}

/// A number given as a JSON number or a string (money in 万元).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum NumOrText {
    /// A JSON number.
    Num(serde_json::Number),
    /// Text.
    Text(String),
}

impl NumOrText {
    fn text(&self) -> String {
        match self {
            NumOrText::Num(n) => n.to_string(),
            NumOrText::Text(s) => s.clone(),
        }
    }
}

/// Project body of the API.
#[derive(Debug, Deserialize)]
pub struct ProjectBody {
    /// Owner unit id (or give `unit`, a code or exact name).
    pub unit_id: Option<i64>,
    /// Owner unit code or exact name.
    pub unit: Option<String>,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Leader.
    #[serde(default)]
    pub leader: String,
    /// Category code or Chinese name.
    pub category: String,
    /// Stage code or Chinese name.
    pub stage: String,
    /// 总投资 in 万元.
    pub total_investment_wan: NumOrText,
    /// 计划年度.
    pub plan_year: i32,
    /// 年度计划投资 in 万元.
    pub annual_plan_wan: NumOrText,
    /// Dates, YYYY-MM-DD.
    pub planned_start: Option<String>,
    /// Dates.
    pub planned_finish: Option<String>,
    /// Dates.
    pub actual_start: Option<String>,
    /// Batch.
    #[serde(default)]
    pub batch: String,
    /// Industry.
    #[serde(default)]
    pub industry: String,
    /// approved, pending, rejected (or Chinese).
    #[serde(default)]
    pub env_approval: String,
    /// Version (updates).
    pub version: Option<i64>,
}

impl ProjectBody {
    fn into_form(self, tree: &diaodu_store::UnitTree) -> Result<ProjectForm, AppError> {
        let unit_id = match (self.unit_id, self.unit.as_deref()) {
            (Some(id), _) => id,
            (None, Some(u)) => tree
                .find(u)
                .map(|x| x.id)
                .ok_or_else(|| AppError::invalid("unit", format!("找不到单位“{u}”")))?,
            (None, None) => return Err(AppError::invalid("unit_id", "缺少责任单位")),
        };
        Ok(ProjectForm {
            unit_id: unit_id.to_string(),
            code: self.code,
            name: self.name,
            leader: self.leader,
            category: self.category,
            stage: self.stage,
            total_investment: self.total_investment_wan.text(),
            plan_year: self.plan_year.to_string(),
            annual_plan: self.annual_plan_wan.text(),
            planned_start: self.planned_start.unwrap_or_default(),
            planned_finish: self.planned_finish.unwrap_or_default(),
            actual_start: self.actual_start.unwrap_or_default(),
            batch: self.batch,
            industry: self.industry,
            env_approval: self.env_approval,
            version: self.version,
        })
    }
}

async fn create_project(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<ProjectBody>,
) -> Result<Response, ApiError> {
    c.require(Action::EditProject)?;
    let tree = state.store.units().await?;
    let (unit_id, fields) = b.into_form(&tree)?.parse().map_err(AppError::Invalid)?;
    let p = crate::service::create_project(&state, &c, unit_id, fields)
        .await
        .map_err(AppError::from)?;
    let name = tree
        .get(p.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    Ok((StatusCode::CREATED, Json(project_json(&p, &name))).into_response())
}

async fn one(
    state: &AppState,
    c: &crate::auth::Current,
    id: i64,
) -> Result<(ProjectStatusRow, diaodu_store::UnitTree), AppError> {
    let (p, tree) = crate::pages::projects::load_in_scope(state, c, id).await?;
    let row = state
        .store
        .project_statuses(
            &tree,
            c.scope,
            &ProjectFilter {
                project_id: Some(p.id),
                ..Default::default()
            },
            state.today(),
        )
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::NotFound("项目".into()))?;
    Ok((row, tree))
}

async fn get_project(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let (row, _) = one(&state, &c, id).await?;
    let mut v = project_json(&row.project, &row.unit_name);
    v["status"] = status_json(&row);
    Ok(Json(v))
}

async fn update_project(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<ProjectBody>,
) -> Result<Json<Value>, ApiError> {
    c.require(Action::EditProject)?;
    let (row, tree) = one(&state, &c, id).await?;
    let version = b.version.ok_or_else(|| {
        AppError::invalid(
            "version",
            "修改时必须给出读取时的 version，防止覆盖他人的修改",
        )
    })?;
    let (unit_id, fields) = b.into_form(&tree)?.parse().map_err(AppError::Invalid)?;
    let p = crate::service::update_project(&state, &c, row.project.id, version, unit_id, fields)
        .await
        .map_err(AppError::from)?;
    let name = tree
        .get(p.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    Ok(Json(project_json(&p, &name)))
}

fn report_value(r: &diaodu_store::ReportRow) -> Value {
    json!({
        "period": r.period,
        "period_end": fmt_date(r.period_end),
        "investment_wan": r.investment.wan_text(),
        "progress": r.progress,
        "problems": r.problems,
        "on_time": r.on_time,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    })
}

async fn list_reports(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    crate::pages::projects::load_in_scope(&state, &c, id).await?;
    let reports = state.store.reports(id).await?;
    Ok(Json(json!(reports
        .iter()
        .map(report_value)
        .collect::<Vec<_>>())))
}

/// Report body of the API.
#[derive(Debug, Deserialize)]
pub struct ReportBody {
    /// `YYYY-Www` or `YYYY-MM`.
    pub period: String,
    /// Investment in 万元.
    pub investment_wan: NumOrText,
    /// 形象进度.
    #[serde(default)]
    pub progress: String,
    /// 存在问题.
    #[serde(default)]
    pub problems: String,
    /// Confirms a figure above the year's plan (the answer without it is 400 `confirm_required`).
    #[serde(default)]
    pub confirm_unusual: bool,
}

async fn submit_report(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<ReportBody>,
) -> Result<Response, ApiError> {
    let input = ReportForm {
        period: b.period,
        investment: b.investment_wan.text(),
        progress: b.progress,
        problems: b.problems,
        confirm_unusual: None,
    }
    .parse()
    .map_err(AppError::Invalid)?;
    let (row, created) =
        crate::service::submit_report(&state, &c, id, &input, b.confirm_unusual).await?;
    let code = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, Json(report_value(&row))).into_response())
}

/// Query of the status calls.
#[derive(Debug, Default, Deserialize)]
pub struct StatusQuery {
    /// Status date.
    pub as_of: Option<String>,
    /// Parent unit (for the unit table).
    pub unit: Option<String>,
}

async fn status(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<StatusQuery>,
) -> Result<axum::response::Response, ApiError> {
    let tree = state.store.units().await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    let filter = ProjectFilter {
        unit_id: match nonempty(&q.unit) {
            Some(u) => Some(
                u.parse()
                    .map_err(|_| AppError::invalid("unit", "无效的单位"))?,
            ),
            None => None,
        },
        ..Default::default()
    };
    if filter.unit_id.is_some_and(|u| !tree.in_scope(u, c.scope)) {
        return Err(AppError::Forbidden.into());
    }
    let rows = state
        .store
        .project_statuses(&tree, c.scope, &filter, d)
        .await?;
    let items: Vec<StatusItem> = rows.iter().map(StatusItem::of).collect();
    let body = serde_json::to_vec(&items).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

/// The unit table as JSON.
pub fn unit_lines_json(lines: &[diaodu_store::reporting::UnitLine]) -> Value {
    json!(lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let f = &l.figures;
            json!({
                "unit_id": l.unit.id,
                "code": l.unit.code,
                "name": l.unit.name,
                "is_total": i == 0,
                "rank": l.rank,
                "projects": f.projects,
                "started": f.started,
                "start_base": f.start_base,
                "start_rate_pct": opt_pct(f.start_rate_pct),
                "annual_plan_wan": f.annual_plan.wan(),
                "ytd_investment_wan": f.ytd_investment.wan(),
                "completion_pct": opt_pct(f.completion_pct),
                "red": f.red, "yellow": f.yellow, "green": f.green, "done": f.done, "unlit": f.unlit,
                "reports_due": f.reports_due,
                "reports_on_time": f.reports_on_time,
                "on_time_pct": opt_pct(f.on_time_pct),
                "by_june_30_wan": f.by_june_30.wan(),
                "double_half": f.double_half,
            })
        })
        .collect::<Vec<_>>())
}

async fn status_units(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<StatusQuery>,
) -> Result<Json<Value>, ApiError> {
    let tree = state.store.units().await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    let parent = crate::pages::ranking_parent(&tree, &c, &q.unit)?;
    let rows = state
        .store
        .project_statuses(
            &tree,
            c.scope,
            &ProjectFilter {
                unit_id: Some(parent),
                ..Default::default()
            },
            d,
        )
        .await?;
    Ok(Json(unit_lines_json(&unit_table(&tree, &rows, parent, d))))
}

async fn indicators(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
) -> Result<Json<Value>, ApiError> {
    c.require(Action::ViewScorecard)?;
    let targets = state.store.targets().await?;
    let list: Vec<Value> = state
        .store
        .indicators()
        .await?
        .iter()
        .map(|r| {
            let mut t: Vec<(i32, f64)> = targets.iter().filter(|(k, _)| k.0 == r.id).map(|(k, v)| (k.1, *v)).collect();
            t.sort_by_key(|x| x.0);
            json!({
                "id": r.id, "code": r.indicator.code, "name": r.indicator.name, "unit": r.indicator.unit,
                "kind": r.indicator.kind.code(), "direction": r.indicator.direction.code(),
                "targets": t.iter().map(|(y, v)| json!({"year": y, "target": v})).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!(list)))
}

/// Body of `POST /api/v1/indicators/values`.
#[derive(Debug, Deserialize)]
pub struct ValuesBody {
    /// Indicator code or name.
    pub indicator: String,
    /// Period.
    pub period: String,
    /// One entry per region.
    pub values: Vec<ValueEntry>,
}

/// One region's value.
#[derive(Debug, Deserialize)]
pub struct ValueEntry {
    /// Unit code or exact name.
    pub region: String,
    /// The level value.
    pub value: Option<f64>,
    /// The growth rate in percent.
    pub growth_pct: Option<f64>,
}

async fn save_values(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<ValuesBody>,
) -> Result<Json<Value>, ApiError> {
    c.require(Action::ManageIndicators)?;
    let tree = state.store.units().await?;
    let scope = crate::pages::indicators::indicator_write_scope(&c);
    let period = diaodu_domain::indicator::StatPeriod::parse(&b.period)
        .map_err(|e| AppError::invalid("period", e.to_string()))?;
    let rows: Vec<diaodu_domain::import::IndicatorValueRow> = b
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| diaodu_domain::import::IndicatorValueRow {
            row: i + 1,
            region: v.region.clone(),
            indicator: b.indicator.clone(),
            period,
            level: v.value,
            growth: v.growth_pct,
        })
        .collect();
    let errors: Vec<_> = rows
        .iter()
        .filter(|r| {
            tree.find(&r.region)
                .is_some_and(|u| !tree.in_scope(u.id, scope))
        })
        .map(|r| {
            diaodu_domain::import::ImportError::new(
                r.row,
                "region",
                format!("无权录入“{}”的指标数值", r.region),
            )
        })
        .collect();
    match state
        .store
        .import_indicator_values(&c.actor(), &tree, &rows, errors)
        .await?
    {
        Ok(n) => Ok(Json(json!({"saved": n}))),
        Err(e) if e.iter().any(|x| x.message.starts_with("无权")) => {
            Err(AppError::Forbidden.into())
        }
        Err(e) => Err(AppError::Import(e).into()),
    }
}

/// Query of the scorecard call.
#[derive(Debug, Default, Deserialize)]
pub struct ScorecardQuery {
    /// Unit id, code or exact name.
    pub region: Option<String>,
    /// Period (default: the newest with data).
    pub period: Option<String>,
}

async fn scorecard(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<ScorecardQuery>,
) -> Result<Json<Value>, ApiError> {
    c.require(Action::ViewScorecard)?;
    let tree = state.store.units().await?;
    let region = crate::pages::scorecard::resolve_region(&tree, &c, nonempty(&q.region))?;
    let period = crate::pages::scorecard::resolve_period(&state, nonempty(&q.period)).await?;
    let sc = state.store.scorecard(&tree, region, period).await?;
    Ok(Json(crate::pages::scorecard::scorecard_json(&sc)))
}

/// Query of the task list.
#[derive(Debug, Default, Deserialize)]
pub struct TaskListQuery {
    /// Status date.
    pub as_of: Option<String>,
    /// Light code.
    pub light: Option<String>,
}

async fn list_tasks(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<TaskListQuery>,
) -> Result<Json<Value>, ApiError> {
    let tree = state.store.units().await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    let rows = state.store.task_rows(&tree, c.scope, d).await?;
    let light = nonempty(&q.light).map(|l| {
        diaodu_domain::task::TaskLight::parse(l)
            .ok_or_else(|| AppError::invalid("light", "无效的亮灯"))
    });
    let light = light.transpose()?;
    let v: Vec<Value> = rows
        .iter()
        .filter(|r| light.is_none_or(|l| r.status.light == l))
        .map(|r| serde_json::to_value(r).unwrap_or(Value::Null))
        .collect();
    Ok(Json(json!({"as_of": fmt_date(d), "items": v})))
}

/// Body of `POST /api/v1/tasks`: the form's fields, dates as YYYY-MM-DD.
pub type TaskBody = crate::pages::tasks::TaskForm;

async fn create_task(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<TaskBody>,
) -> Result<Response, ApiError> {
    c.require(Action::ManageTasks)?;
    let tree = state.store.units().await?;
    let t = b.parse(&tree).map_err(AppError::Invalid)?;
    let t = crate::service::create_task(&state, &c, t)
        .await
        .map_err(AppError::from)?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::to_value(&t).unwrap_or(Value::Null)),
    )
        .into_response())
}

async fn get_task(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Query(q): Query<TaskListQuery>,
) -> Result<Json<Value>, ApiError> {
    let (_, _, tree) = crate::pages::tasks::load_task(&state, &c, id).await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    let det = state.store.task_detail(&tree, id, d).await?;
    Ok(Json(serde_json::to_value(&det).unwrap_or(Value::Null)))
}

/// Body of a task progress report.
#[derive(Debug, Deserialize)]
pub struct TaskReportBody {
    /// Period of the task's cadence.
    pub period: String,
    /// What was done.
    #[serde(default)]
    pub body: String,
    /// Percent done (100 claims completion).
    pub percent: u8,
    /// Actual value against the target.
    pub actual_value: Option<NumOrText>,
    /// Milestone ids met.
    #[serde(default)]
    pub milestones_met: Vec<i64>,
}

async fn report_task(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<TaskReportBody>,
) -> Result<StatusCode, ApiError> {
    let period = diaodu_domain::Period::parse(&b.period)
        .map_err(|e| AppError::invalid("period", e.to_string()))?;
    let input = diaodu_store::TaskReportInput {
        period,
        body: b.body,
        percent: b.percent,
        actual_value: b.actual_value.map(|v| v.text()),
        milestones_met: b.milestones_met,
    };
    crate::service::report_task(&state, &c, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of a verification.
#[derive(Debug, Deserialize)]
pub struct VerifyBody {
    /// true: close (销号); false: send back.
    pub accept: bool,
    /// Note, or the reason for sending back.
    #[serde(default)]
    pub note: String,
}

async fn verify_task(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<VerifyBody>,
) -> Result<Json<Value>, ApiError> {
    let t = crate::service::verify_task(&state, &c, id, b.accept, &b.note).await?;
    Ok(Json(serde_json::to_value(&t).unwrap_or(Value::Null)))
}

async fn list_notices(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
) -> Result<Json<Value>, ApiError> {
    let tree = state.store.units().await?;
    let list = state.store.notices(&tree, c.scope, state.today()).await?;
    Ok(Json(serde_json::to_value(&list).unwrap_or(Value::Null)))
}

/// Body of `POST /api/v1/notices`.
#[derive(Debug, Deserialize)]
pub struct NoticeBody {
    /// Unit id.
    pub unit_id: i64,
    /// Title.
    pub title: String,
    /// Content.
    pub content: String,
    /// Reply deadline, YYYY-MM-DD.
    pub reply_by: String,
    /// task / project / finding / other.
    #[serde(default)]
    pub subject_kind: Option<String>,
    /// Subject id.
    #[serde(default)]
    pub subject_id: Option<i64>,
}

async fn issue_notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<NoticeBody>,
) -> Result<Response, ApiError> {
    let reply_by = diaodu_domain::period::parse_date(&b.reply_by)
        .map_err(|e| AppError::invalid("reply_by", e.to_string()))?;
    let n = diaodu_store::NewNotice {
        subject_kind: b.subject_kind.unwrap_or_else(|| "other".into()),
        subject_id: b.subject_id,
        unit_id: b.unit_id,
        title: b.title,
        content: b.content,
        reply_by,
    };
    let id = crate::service::issue_notice(&state, &c, n).await?;
    let tree = state.store.units().await?;
    let (n, ev) = state.store.notice(&tree, id, state.today()).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"notice": n, "events": ev})),
    )
        .into_response())
}

async fn get_notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let (n, ev, _) = crate::pages::notices::load_notice(&state, &c, id).await?;
    let acc = state.store.accountability(Some(id)).await?;
    Ok(Json(
        json!({"notice": n, "events": ev, "accountability": acc}),
    ))
}

async fn sign_notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    crate::service::sign_notice(&state, &c, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of a reply.
#[derive(Debug, Deserialize)]
pub struct ReplyBody {
    /// The reply.
    pub text: String,
}

async fn reply_notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<ReplyBody>,
) -> Result<StatusCode, ApiError> {
    crate::service::reply_notice(&state, &c, id, &b.text).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn verify_notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<VerifyBody>,
) -> Result<StatusCode, ApiError> {
    crate::service::verify_notice(&state, &c, id, b.accept, &b.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of an accountability record.
#[derive(Debug, Deserialize)]
pub struct AccountabilityBody {
    /// Person (name and post).
    pub person: String,
    /// For what.
    pub what: String,
    /// Decision.
    pub decision: String,
    /// Date, YYYY-MM-DD.
    pub decided_on: String,
}

async fn notice_accountability(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<AccountabilityBody>,
) -> Result<Response, ApiError> {
    let aid = crate::service::add_accountability(
        &state,
        &c,
        id,
        b.person,
        b.what,
        b.decision,
        &b.decided_on,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": aid}))).into_response())
}

/// Query of the escalation run.
#[derive(Debug, Default, Deserialize)]
pub struct EscalateQuery {
    /// Treat this date as today.
    pub as_of: Option<String>,
}

async fn escalate_notices(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<EscalateQuery>,
) -> Result<Json<Value>, ApiError> {
    let n = crate::service::escalate_notices(&state, &c, q.as_of.as_deref()).await?;
    Ok(Json(json!({"steps": n})))
}

async fn list_meetings(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
) -> Result<Json<Value>, ApiError> {
    c.require(Action::ViewMeetings)?;
    let tree = state.store.units().await?;
    let list: Vec<_> = state
        .store
        .meetings()
        .await?
        .into_iter()
        .filter(|m| tree.in_scope(m.unit_id, c.scope))
        .collect();
    Ok(Json(serde_json::to_value(&list).unwrap_or(Value::Null)))
}

/// Body of `POST /api/v1/meetings`.
#[derive(Debug, Deserialize)]
pub struct MeetingBody {
    /// Title.
    pub title: String,
    /// Date, YYYY-MM-DD.
    pub date: String,
    /// Period under review.
    #[serde(default)]
    pub review_period: String,
    /// Attendees.
    #[serde(default)]
    pub attendees: String,
    /// Agenda.
    #[serde(default)]
    pub agenda: String,
}

async fn create_meeting(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<MeetingBody>,
) -> Result<Response, ApiError> {
    c.require(Action::ManageTasks)?;
    let date = diaodu_domain::period::parse_date(&b.date)
        .map_err(|e| AppError::invalid("date", e.to_string()))?;
    let id = crate::service::create_meeting(
        &state,
        &c,
        diaodu_store::NewMeeting {
            title: b.title,
            date,
            review_period: b.review_period,
            unit_id: 0,
            attendees: b.attendees,
            agenda: b.agenda,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))).into_response())
}

async fn get_meeting(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    c.require(Action::ViewMeetings)?;
    let m = state
        .store
        .meeting(id)
        .await?
        .ok_or_else(|| AppError::NotFound("调度会".into()))?;
    let tree = state.store.units().await?;
    if !tree.in_scope(m.unit_id, c.scope) {
        return Err(AppError::Forbidden.into());
    }
    let decisions = state.store.decisions(id).await?;
    let briefing = crate::pages::meetings::briefing(&state.store, &tree, &m).await?;
    Ok(Json(
        json!({"meeting": m, "decisions": decisions, "briefing_text": briefing.plain_text()}),
    ))
}

async fn add_decision(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<crate::pages::meetings::DecisionForm>,
) -> Result<Response, ApiError> {
    let (did, tid) = crate::service::add_decision(&state, &c, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": did, "task_id": tid})),
    )
        .into_response())
}

async fn list_inspections(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
) -> Result<Json<Value>, ApiError> {
    if !(c.can(Action::Inspect) || c.can(Action::ViewMeetings)) {
        return Err(AppError::Forbidden.into());
    }
    let tree = state.store.units().await?;
    let list: Vec<_> = state
        .store
        .inspections()
        .await?
        .into_iter()
        .filter(|i| tree.in_scope(i.unit_id, c.scope))
        .collect();
    Ok(Json(serde_json::to_value(&list).unwrap_or(Value::Null)))
}

async fn get_inspection(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    if !(c.can(Action::Inspect) || c.can(Action::ViewMeetings)) {
        return Err(AppError::Forbidden.into());
    }
    let (i, items) = state.store.inspection(id).await?;
    let tree = state.store.units().await?;
    if !tree.in_scope(i.unit_id, c.scope) {
        return Err(AppError::Forbidden.into());
    }
    Ok(Json(json!({"inspection": i, "items": items})))
}

/// Body of a finding.
#[derive(Debug, Deserialize)]
pub struct FindingBody {
    /// Findings.
    #[serde(default)]
    pub findings: String,
    /// none / minor / major / critical.
    pub severity: String,
}

async fn record_finding(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(item): Path<i64>,
    Json(b): Json<FindingBody>,
) -> Result<StatusCode, ApiError> {
    crate::service::record_finding(&state, &c, item, &b.findings, &b.severity).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Query of the attachment list.
#[derive(Debug, Deserialize)]
pub struct AttachmentQuery {
    /// notice / task / inspection_item.
    pub owner_kind: String,
    /// The record.
    pub owner_id: i64,
}

async fn list_attachments(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<AttachmentQuery>,
) -> Result<Json<Value>, ApiError> {
    crate::pages::inspections::attachment_access(&state, &c, &q.owner_kind, q.owner_id, false)
        .await?;
    let list = state.store.attachments(&q.owner_kind, q.owner_id).await?;
    Ok(Json(serde_json::to_value(&list).unwrap_or(Value::Null)))
}

async fn openapi() -> Json<Value> {
    Json(openapi_doc())
}

/// The OpenAPI 3.0 document of the API.
pub fn openapi_doc() -> Value {
    let err = json!({"description": "错误：{\"error\": {\"code\", \"message\", \"details\"}}", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let asof = json!({"name": "as_of", "in": "query", "required": false, "schema": {"type": "string", "format": "date"}, "description": "统计日期，默认今天（北京时间）"});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let ok = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"type": "object"}}}});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "diaodu 调度 API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "重点工作调度督办平台 JSON API。先 POST /api/v1/login 取得 token，之后以 Authorization: Bearer <token> 调用；浏览器会话调用写接口需带 X-CSRF-Token。"},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "array", "items": {}}}}}},
                "Status": {"type": "object", "required": ["code", "light", "started", "not_started_past_plan", "stalled", "time_progress_pct", "ytd_investment_wan", "annual_completion_pct", "lag_pp"],
                    "properties": {
                        "code": {"type": "string"}, "light": {"type": "string", "enum": ["red", "yellow", "green", "done", "none"]},
                        "started": {"type": "boolean"}, "not_started_past_plan": {"type": "boolean"}, "stalled": {"type": "boolean"},
                        "time_progress_pct": {"type": "number"}, "ytd_investment_wan": {"type": "number"},
                        "annual_completion_pct": {"type": "number", "nullable": true}, "lag_pp": {"type": "number", "nullable": true}}},
                "ProjectInput": {"type": "object", "required": ["code", "name", "category", "stage", "total_investment_wan", "plan_year", "annual_plan_wan"],
                    "properties": {
                        "unit_id": {"type": "integer"}, "unit": {"type": "string", "description": "单位编码或准确名称"},
                        "code": {"type": "string"}, "name": {"type": "string"}, "leader": {"type": "string"},
                        "category": {"type": "string", "enum": ["industry", "tourism", "ecology", "infrastructure", "livelihood", "other"]},
                        "stage": {"type": "string", "enum": ["reserve", "preparation", "new_start", "continuing", "completed", "halted"]},
                        "total_investment_wan": {"oneOf": [{"type": "number"}, {"type": "string"}]}, "plan_year": {"type": "integer"},
                        "annual_plan_wan": {"oneOf": [{"type": "number"}, {"type": "string"}]},
                        "planned_start": {"type": "string", "format": "date"}, "planned_finish": {"type": "string", "format": "date"},
                        "actual_start": {"type": "string", "format": "date"}, "batch": {"type": "string"}, "industry": {"type": "string"},
                        "env_approval": {"type": "string", "enum": ["approved", "pending", "rejected"]}, "version": {"type": "integer"}}},
                "ReportInput": {"type": "object", "required": ["period", "investment_wan"], "properties": {
                    "period": {"type": "string", "example": "2026-W07"}, "investment_wan": {"oneOf": [{"type": "number"}, {"type": "string"}]},
                    "progress": {"type": "string"}, "problems": {"type": "string"}}}
            }
        },
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/login": {"post": {"summary": "登录，返回 token", "security": [], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["login", "password"], "properties": {"login": {"type": "string"}, "password": {"type": "string"}}}}}}, "responses": {"200": ok("token、csrf 与用户"), "400": err, "429": err}}},
            "/api/v1/logout": {"post": {"summary": "退出", "responses": {"204": {"description": "已退出"}}}},
            "/api/v1/me": {"get": {"summary": "当前用户", "responses": {"200": ok("用户"), "401": err}}},
            "/api/v1/units": {"get": {"summary": "权限范围内的单位", "responses": {"200": ok("单位列表"), "401": err}}},
            "/api/v1/projects": {
                "get": {"summary": "项目列表（含状态）", "parameters": [asof,
                    {"name": "unit", "in": "query", "schema": {"type": "integer"}}, {"name": "stage", "in": "query", "schema": {"type": "string"}},
                    {"name": "category", "in": "query", "schema": {"type": "string"}}, {"name": "batch", "in": "query", "schema": {"type": "string"}},
                    {"name": "light", "in": "query", "schema": {"type": "string"}}, {"name": "q", "in": "query", "schema": {"type": "string"}},
                    {"name": "page", "in": "query", "schema": {"type": "integer"}}, {"name": "per_page", "in": "query", "schema": {"type": "integer"}}],
                    "responses": {"200": ok("分页结果"), "400": err, "401": err, "403": err}},
                "post": {"summary": "新增项目（含准入审查）", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProjectInput"}}}},
                    "responses": {"201": ok("项目"), "400": err, "403": err, "409": err, "422": err}}},
            "/api/v1/projects/{id}": {
                "get": {"summary": "项目详情（含状态）", "parameters": [id], "responses": {"200": ok("项目"), "403": err, "404": err}},
                "put": {"summary": "修改项目（须带 version）", "parameters": [id], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProjectInput"}}}},
                    "responses": {"200": ok("项目"), "400": err, "403": err, "409": err}}},
            "/api/v1/projects/{id}/reports": {
                "get": {"summary": "项目的进度填报", "parameters": [id], "responses": {"200": ok("填报列表"), "403": err}},
                "post": {"summary": "提交进度填报（同期再次提交为修改）", "parameters": [id], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportInput"}}}},
                    "responses": {"201": ok("新填报"), "200": ok("已修改"), "400": err, "403": err}}},
            "/api/v1/status": {"get": {"summary": "全部项目状态", "parameters": [asof, {"name": "unit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "状态数组", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Status"}}}}}, "401": err}}},
            "/api/v1/status/units": {"get": {"summary": "下级单位统计与排名（首行为合计）", "parameters": [asof, {"name": "unit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": ok("单位表"), "401": err, "403": err}}},
            "/api/v1/indicators": {"get": {"summary": "指标目录与年度目标", "responses": {"200": ok("指标列表"), "401": err}}},
            "/api/v1/indicators/values": {"post": {"summary": "录入一个指标、一个期别的多个地区数值（全部成功或全部不写）",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["indicator", "period", "values"], "properties": {
                    "indicator": {"type": "string"}, "period": {"type": "string", "example": "2026-Q1"},
                    "values": {"type": "array", "items": {"type": "object", "required": ["region"], "properties": {
                        "region": {"type": "string"}, "value": {"type": "number", "nullable": true}, "growth_pct": {"type": "number", "nullable": true}}}}}}}}},
                "responses": {"200": ok("保存条数"), "400": err, "403": err}}},
            "/api/v1/notices": {
                "get": {"summary": "权限范围内的督办单（含逾期天数、升级步骤）", "responses": {"200": ok("督办单列表"), "401": err}},
                "post": {"summary": "下发督办单（督查室）", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                    "required": ["unit_id", "title", "content", "reply_by"], "properties": {"unit_id": {"type": "integer"}, "title": {"type": "string"}, "content": {"type": "string"},
                    "reply_by": {"type": "string", "format": "date"}, "subject_kind": {"type": "string", "enum": ["task", "project", "finding", "other"]}, "subject_id": {"type": "integer"}}}}}},
                    "responses": {"201": ok("督办单"), "400": err, "403": err}}},
            "/api/v1/notices/escalate": {"post": {"summary": "按逾期天数逐级升级（服务每小时自动执行）", "parameters": [asof], "responses": {"200": ok("{steps}"), "403": err}}},
            "/api/v1/notices/{id}": {"get": {"summary": "督办单及办理过程、问责记录", "parameters": [id], "responses": {"200": ok("督办单"), "403": err, "404": err}}},
            "/api/v1/notices/{id}/sign": {"post": {"summary": "签收", "parameters": [id], "responses": {"204": {"description": "已签收"}, "403": err, "409": err}}},
            "/api/v1/notices/{id}/reply": {"post": {"summary": "反馈", "parameters": [id], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}}}},
                "responses": {"204": {"description": "已反馈"}, "400": err, "403": err, "409": err}}},
            "/api/v1/notices/{id}/verify": {"post": {"summary": "核查：办结或退回", "parameters": [id], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["accept"], "properties": {"accept": {"type": "boolean"}, "note": {"type": "string"}}}}}},
                "responses": {"204": {"description": "已核查"}, "403": err, "409": err}}},
            "/api/v1/notices/{id}/accountability": {"post": {"summary": "记录问责", "parameters": [id], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "required": ["person", "what", "decision", "decided_on"], "properties": {"person": {"type": "string"}, "what": {"type": "string"}, "decision": {"type": "string"}, "decided_on": {"type": "string", "format": "date"}}}}}},
                "responses": {"201": ok("{id}"), "400": err, "403": err}}},
            "/api/v1/meetings": {
                "get": {"summary": "调度会列表", "responses": {"200": ok("会议列表"), "403": err}},
                "post": {"summary": "新建调度会（督查室）", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["title", "date"],
                    "properties": {"title": {"type": "string"}, "date": {"type": "string", "format": "date"}, "review_period": {"type": "string"}, "attendees": {"type": "string"}, "agenda": {"type": "string"}}}}}},
                    "responses": {"201": ok("{id}"), "400": err, "403": err}}},
            "/api/v1/meetings/{id}": {"get": {"summary": "调度会、议定事项及按会议日期生成的会议材料文本", "parameters": [id], "responses": {"200": ok("会议"), "403": err, "404": err}}},
            "/api/v1/meetings/{id}/decisions": {"post": {"summary": "记录议定事项并生成任务", "parameters": [id], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "required": ["content", "lead_unit_id", "deadline"], "properties": {"content": {"type": "string"}, "lead_unit_id": {"type": "string"}, "deadline": {"type": "string", "format": "date"},
                "cadence": {"type": "string", "enum": ["weekly", "monthly"]}, "leader": {"type": "string"}}}}}},
                "responses": {"201": ok("{id, task_id}"), "400": err, "403": err}}},
            "/api/v1/inspections": {"get": {"summary": "督查活动列表", "responses": {"200": ok("督查活动"), "403": err}}},
            "/api/v1/inspections/{id}": {"get": {"summary": "督查活动及其督查对象、发现", "parameters": [id], "responses": {"200": ok("督查活动"), "403": err, "404": err}}},
            "/api/v1/inspections/items/{id}": {"post": {"summary": "记录督查发现", "parameters": [id], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "required": ["severity"], "properties": {"findings": {"type": "string"}, "severity": {"type": "string", "enum": ["none", "minor", "major", "critical"]}}}}}},
                "responses": {"204": {"description": "已记录"}, "400": err, "403": err, "409": err}}},
            "/api/v1/attachments": {"get": {"summary": "记录的附件（上传：POST /attachments?owner_kind=&owner_id=，multipart 字段 file；下载：GET /attachments/{id}）",
                "parameters": [{"name": "owner_kind", "in": "query", "required": true, "schema": {"type": "string", "enum": ["notice", "task", "inspection_item"]}},
                    {"name": "owner_id", "in": "query", "required": true, "schema": {"type": "integer"}}],
                "responses": {"200": ok("附件列表（含 sha256）"), "403": err}}},
            "/api/v1/tasks": {
                "get": {"summary": "重点工作任务及亮灯", "parameters": [asof, {"name": "light", "in": "query", "schema": {"type": "string", "enum": ["red", "yellow", "green", "done"]}}], "responses": {"200": ok("{as_of, items}"), "401": err}},
                "post": {"summary": "下达任务（督查室）", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                    "required": ["title", "lead_unit_id", "start", "deadline", "cadence"], "properties": {
                        "title": {"type": "string"}, "content": {"type": "string"}, "lead_unit_id": {"type": "string"}, "cooperating": {"type": "string"},
                        "leader": {"type": "string"}, "start": {"type": "string", "format": "date"}, "deadline": {"type": "string", "format": "date"},
                        "cadence": {"type": "string", "enum": ["weekly", "monthly"]}, "target_value": {"type": "string"}, "target_unit": {"type": "string"},
                        "target_direction": {"type": "string", "enum": ["higher", "lower"]}, "milestones": {"type": "string", "description": "每行：日期 内容"},
                        "parent_id": {"type": "integer"}}}}}}, "responses": {"201": ok("任务"), "400": err, "403": err}}},
            "/api/v1/tasks/{id}": {"get": {"summary": "任务详情：节点、分解任务、进度报送", "parameters": [id, asof], "responses": {"200": ok("任务"), "403": err, "404": err}}},
            "/api/v1/tasks/{id}/reports": {"post": {"summary": "牵头单位报送进度（100% 即申请销号）", "parameters": [id], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "required": ["period", "percent"], "properties": {"period": {"type": "string"}, "body": {"type": "string"}, "percent": {"type": "integer"},
                "actual_value": {"oneOf": [{"type": "number"}, {"type": "string"}]}, "milestones_met": {"type": "array", "items": {"type": "integer"}}}}}}},
                "responses": {"204": {"description": "已报送"}, "400": err, "403": err, "409": err}}},
            "/api/v1/tasks/{id}/verify": {"post": {"summary": "督查室核验：销号或退回", "parameters": [id], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "required": ["accept"], "properties": {"accept": {"type": "boolean"}, "note": {"type": "string"}}}}}},
                "responses": {"200": ok("任务"), "403": err, "409": err}}},
            "/api/v1/me/password": {"post": {"summary": "修改本人密码（管理员设置的密码须先修改）", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "required": ["current_password", "new_password"], "properties": {"current_password": {"type": "string"}, "new_password": {"type": "string", "minLength": 8, "maxLength": 128}}}}}},
                "responses": {"204": {"description": "已修改"}, "400": err, "401": err}}},
            "/api/v1/logins": {"get": {"summary": "登录日志（系统管理员）", "parameters": [
                {"name": "login", "in": "query", "schema": {"type": "string"}}, {"name": "before", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": ok("登录尝试，新的在前"), "403": err}}},
            "/api/v1/users/{id}/unlock": {"post": {"summary": "解除登录锁定（系统管理员）", "parameters": [id], "responses": {"204": {"description": "已解除"}, "403": err, "404": err}}},
            "/api/v1/imports/{kind}": {"post": {"summary": "导入文件（与导入页面同一规则：整表校验，全部或全不写入）", "parameters": [
                {"name": "kind", "in": "path", "required": true, "schema": {"type": "string", "enum": ["units", "projects", "reports", "indicators", "targets", "indicator-values"]}}],
                "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                    "file": {"type": "string", "format": "binary"}, "confirm_unusual": {"type": "string", "enum": ["1", "true"]}}}}}},
                "responses": {"200": ok("导入行数"), "400": err, "403": err, "404": err}}},
            "/api/v1/scorecard": {"get": {"summary": "地区某期的指标成绩单", "parameters": [
                {"name": "region", "in": "query", "schema": {"type": "string"}, "description": "单位 id、编码或名称"},
                {"name": "period", "in": "query", "schema": {"type": "string"}, "description": "YYYY-MM / YYYY-Qn / YYYY-H1|H2 / YYYY"}],
                "responses": {"200": ok("{region, period, summary, indicators:[…]}"), "400": err, "403": err, "404": err}}}
        }
    })
}
