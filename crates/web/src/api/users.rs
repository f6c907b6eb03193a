//! User administration (administrator): list with filters, create, change, reset a password.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use diaodu_domain::access::Role;
use diaodu_store::{UserChange, UserRecord};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::types::{ReadErrors, WriteErrors};
use crate::auth::ApiCurrent;
use crate::error::{ApiError, AppError};
use crate::forms::nonempty;
use crate::service::users::{NewUser, UserFilter};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(update_user))
        .routes(routes!(reset_password))
}

/// Filters of the user list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UserQuery {
    /// Words in the login or the name.
    q: Option<String>,
    /// A unit: its users and those of the units below it.
    unit_id: Option<String>,
    /// A role code (`docs/roles.md`).
    role: Option<String>,
}

fn role_of(code: &str) -> Result<Role, AppError> {
    Role::parse(code).ok_or_else(|| {
        let codes: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        AppError::invalid("role", format!("应为 {} 之一", codes.join("、")))
    })
}

/// 用户列表（系统管理员），可按姓名或登录名、单位（含下级）、角色筛选。
#[utoipa::path(get, path = "/api/v1/users", tag = "账户", params(UserQuery),
    responses((status = 200, description = "用户", body = Vec<UserRecord>), ReadErrors))]
async fn list_users(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<UserQuery>,
) -> Result<Json<Vec<UserRecord>>, ApiError> {
    let f = UserFilter {
        q: nonempty(&q.q).map(str::to_string),
        unit_id: nonempty(&q.unit_id)
            .map(|u| {
                u.parse()
                    .map_err(|_| AppError::invalid("unit_id", "应为单位 id"))
            })
            .transpose()?,
        role: nonempty(&q.role).map(role_of).transpose()?,
    };
    Ok(Json(crate::service::users::list(&state, &c, &f).await?))
}

/// A new user.
#[derive(Debug, Deserialize, ToSchema)]
struct NewUserBody {
    /// Login: 1 – 64 of ASCII letters, digits, `. _ - @`; unique regardless of case.
    login: String,
    /// Display name, 1 – 50 characters.
    display_name: String,
    /// Unit id.
    unit_id: i64,
    /// Role code: admin, supervision, drc, statistics, reporter, leader, commissioner.
    #[schema(example = "reporter")]
    role: String,
    /// The first password (rules as for any password); to be changed at the first log-in.
    password: String,
    /// Office telephone.
    #[serde(default)]
    phone: String,
    /// E-mail address.
    #[serde(default)]
    email: String,
}

/// 新增用户（系统管理员）：首次登录须修改密码。
#[utoipa::path(post, path = "/api/v1/users", tag = "账户", request_body = NewUserBody,
    responses((status = 201, description = "用户", body = UserRecord), WriteErrors))]
async fn create_user(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<NewUserBody>,
) -> Result<Response, ApiError> {
    c.require(diaodu_domain::access::Action::ManageUsers)?;
    let n = NewUser {
        login: b.login,
        name: b.display_name,
        unit_id: b.unit_id,
        role: role_of(&b.role)?,
        password: b.password,
        phone: b.phone,
        email: b.email,
    };
    let u = crate::service::users::create(&state, &c, &n).await?;
    Ok((StatusCode::CREATED, Json(u)).into_response())
}

/// A change of a user: any of the fields; those left out stay.
#[derive(Debug, Deserialize, ToSchema)]
struct UserBody {
    /// Display name.
    display_name: Option<String>,
    /// Unit id.
    unit_id: Option<i64>,
    /// Role code.
    role: Option<String>,
    /// Office telephone.
    phone: Option<String>,
    /// E-mail address.
    email: Option<String>,
    /// true: disabled (cannot log in; its sessions end); false: enabled again.
    disabled: Option<bool>,
    /// true: the head (负责人) of its unit, landing on the leaders' cockpit.
    head: Option<bool>,
}

/// 修改用户（系统管理员）：单位、角色、联系方式、停用或启用、是否单位负责人（首页为领导驾驶舱）。
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "账户",
    params(("id" = i64, Path, description = "用户 id")), request_body = UserBody,
    responses((status = 200, description = "修改后的用户", body = UserRecord), WriteErrors))]
async fn update_user(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<UserBody>,
) -> Result<Json<UserRecord>, ApiError> {
    let change = UserChange {
        name: b.display_name,
        unit_id: b.unit_id,
        role: b.role.as_deref().map(role_of).transpose()?,
        phone: b.phone,
        email: b.email,
        active: b.disabled.map(|d| !d),
        head: b.head,
    };
    Ok(Json(
        crate::service::users::update(&state, &c, id, &change).await?,
    ))
}

/// A password set by the administrator.
#[derive(Debug, Deserialize, ToSchema)]
struct ResetBody {
    /// The new password (rules as for any password); to be changed at the next log-in.
    password: String,
}

/// 重置密码（系统管理员）：用户下次登录须修改，现有会话结束。
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "账户",
    params(("id" = i64, Path, description = "用户 id")), request_body = ResetBody,
    responses((status = 204, description = "已重置"), WriteErrors))]
async fn reset_password(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<ResetBody>,
) -> Result<StatusCode, ApiError> {
    crate::service::users::reset_password(&state, &c, id, &b.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
