//! Log-in and log-out, the caller's own account, and the office's log-in log and unlock.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use diaodu_domain::access::Action;
use diaodu_store::{LoginAttempt, LoginError, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::types::{LoginErrors, ReadErrors, WriteErrors};
use crate::auth::ApiCurrent;
use crate::error::{ApiError, AppError};
use crate::forms::nonempty;
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login).layer(axum::extract::DefaultBodyLimit::max(
            crate::auth::UNAUTHENTICATED_BODY_BYTES,
        )))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(my_sessions))
        .routes(routes!(end_my_session))
        .routes(routes!(change_password))
        .routes(routes!(unlock_user))
        .routes(routes!(login_log))
        .routes(routes!(list_settings))
        .routes(routes!(put_setting))
}

/// Log-in body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginBody {
    /// Login (at most 64 characters).
    pub login: String,
    /// Password.
    pub password: String,
}

/// A new session: the bearer token, the CSRF token for browser calls, and who it is.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginOut {
    /// Bearer token (`Authorization: Bearer …`).
    pub token: String,
    /// CSRF token (`X-CSRF-Token`) for calls made with the session cookie.
    pub csrf: String,
    /// The user.
    pub user: User,
    /// The password was set by an administrator: only `POST /api/v1/me/password` is open until
    /// it is changed.
    pub must_change_password: bool,
}

/// 登录，返回 token。
#[utoipa::path(post, path = "/api/v1/login", tag = "账户", security(()),
    request_body = LoginBody,
    responses((status = 200, description = "已登录", body = LoginOut), LoginErrors))]
async fn login(
    State(state): State<AppState>,
    crate::auth::ClientAddr(addr): crate::auth::ClientAddr,
    headers: axum::http::HeaderMap,
    Json(b): Json<LoginBody>,
) -> Result<Json<LoginOut>, ApiError> {
    let ok = match state
        .store
        .users()
        .authenticate(&b.login, &b.password, &addr)
        .await
    {
        Ok(ok) => ok,
        Err(LoginError::Store(e)) => return Err(e.into()),
        Err(e @ LoginError::Throttled(_)) => return Err(AppError::Throttled(e.to_string()).into()),
        Err(LoginError::Malformed(m)) => return Err(AppError::invalid("登录", m).into()),
        Err(e @ LoginError::Disabled) => {
            return Err(AppError::Status(StatusCode::FORBIDDEN, "disabled", e.to_string()).into())
        }
        Err(LoginError::Invalid) => {
            return Err(AppError::invalid("登录", "用户名或密码错误").into())
        }
    };
    let agent = crate::auth::user_agent(&headers);
    let (token, csrf) = state
        .store
        .users()
        .create_session(ok.user.id, &addr, &agent)
        .await?;
    Ok(Json(LoginOut {
        token,
        csrf,
        user: ok.user,
        must_change_password: ok.must_change_password,
    }))
}

/// 退出：结束本会话（带 token 或会话 cookie）。
#[utoipa::path(post, path = "/api/v1/logout", tag = "账户",
    responses((status = 204, description = "已退出")))]
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
        state.store.users().delete_session(&t).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeOut {
    /// The user.
    pub user: User,
    /// CSRF token of the session.
    pub csrf: String,
    /// The password must be changed before anything else.
    pub must_change_password: bool,
}

/// 当前用户。
#[utoipa::path(get, path = "/api/v1/me", tag = "账户",
    responses((status = 200, description = "当前用户", body = MeOut), ReadErrors))]
async fn me(ApiCurrent(c): ApiCurrent) -> Json<MeOut> {
    Json(MeOut {
        user: c.user,
        csrf: c.csrf,
        must_change_password: c.must_change_password,
    })
}

/// A change of the caller's own password.
#[derive(Debug, Deserialize, ToSchema)]
struct PasswordBody {
    /// The password now.
    current_password: String,
    /// 8–128 characters from three of: lower case, upper case, digits, others; not containing
    /// the login.
    #[schema(min_length = 8, max_length = 128)]
    new_password: String,
}

/// 修改本人密码（管理员设置的密码须先修改）。
#[utoipa::path(post, path = "/api/v1/me/password", tag = "账户",
    request_body = PasswordBody,
    responses((status = 204, description = "已修改"), WriteErrors))]
async fn change_password(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .users()
        .change_password(c.user.id, &b.current_password, &b.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 解除登录锁定（系统管理员）。
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", tag = "账户",
    params(("id" = i64, Path, description = "用户 id")),
    responses((status = 204, description = "已解除"), WriteErrors))]
async fn unlock_user(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    crate::service::users::unlock(&state, &c, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Filters of the log-in log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LoginLogQuery {
    /// Only this login.
    login: Option<String>,
    /// Only attempts with a smaller id (the next page).
    #[serde(default, deserialize_with = "crate::params::opt_usize")]
    #[param(value_type = Option<u64>)]
    before: Option<usize>,
}

/// A page of the log-in log.
#[derive(Debug, Serialize, ToSchema)]
struct LoginLog {
    /// Attempts, newest first, at most 100.
    items: Vec<LoginAttempt>,
}

/// 登录日志（系统管理员），新的在前，每次 100 条。
#[utoipa::path(get, path = "/api/v1/logins", tag = "账户", params(LoginLogQuery),
    responses((status = 200, description = "登录尝试", body = LoginLog), ReadErrors))]
async fn login_log(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<LoginLogQuery>,
) -> Result<Json<LoginLog>, ApiError> {
    c.require(Action::ManageUsers)?;
    let items = state
        .store
        .users()
        .login_log(
            nonempty(&q.login),
            q.before.map(|b| b.min(i64::MAX as usize) as i64),
            100,
        )
        .await?;
    Ok(Json(LoginLog { items }))
}

/// A setting with its meaning, default, range and the value in force.
#[derive(Debug, Serialize, ToSchema)]
struct SettingOut {
    /// Key.
    key: &'static str,
    /// Group, in Chinese.
    group: &'static str,
    /// Name, in Chinese.
    name: &'static str,
    /// What it does, in Chinese.
    meaning: &'static str,
    /// Unit of the value, in Chinese.
    unit: &'static str,
    /// Default.
    default: &'static str,
    /// The value stored; none while the default holds. A secret (`*.secret`, the SMTP address) reads
    /// `******` when set.
    value: Option<String>,
}

/// 系统设置：每项的含义、默认值与现值（系统管理员）。
#[utoipa::path(get, path = "/api/v1/settings", tag = "账户",
    responses((status = 200, description = "全部设置", body = Vec<SettingOut>), ReadErrors))]
async fn list_settings(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
) -> Result<Json<Vec<SettingOut>>, ApiError> {
    c.require(Action::ManageSettings)?;
    let list = state
        .store
        .settings()
        .await?
        .into_iter()
        .map(|(s, value)| SettingOut {
            key: s.key,
            group: s.group,
            name: s.name,
            meaning: s.meaning,
            unit: s.unit,
            default: s.default,
            // A secret is said to be set, never shown.
            value: value.map(|v| {
                if diaodu_domain::settings::is_secret(s.key) && !v.is_empty() {
                    "******".to_string()
                } else {
                    v
                }
            }),
        })
        .collect();
    Ok(Json(list))
}

/// A setting's new value.
#[derive(Debug, Deserialize, ToSchema)]
struct SettingBody {
    /// The value, as `GET /api/v1/settings` describes it.
    value: String,
}

/// 修改一项设置（系统管理员；校验取值与各项之间的关系，记入操作留痕）。
#[utoipa::path(put, path = "/api/v1/settings/{key}", tag = "账户",
    params(("key" = String, Path, description = "设置键，如 status.red_lag")),
    request_body = SettingBody,
    responses((status = 204, description = "已修改"), WriteErrors))]
async fn put_setting(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(key): Path<String>,
    Json(b): Json<SettingBody>,
) -> Result<StatusCode, ApiError> {
    c.require(Action::ManageSettings)?;
    state.store.set_setting(&c.actor(), &key, &b.value).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 本人的在线会话（新的在前），标出当前会话。
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "账户",
    responses((status = 200, description = "会话", body = Vec<MySession>), ReadErrors))]
async fn my_sessions(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
) -> Result<Json<Vec<MySession>>, ApiError> {
    let list = state
        .store
        .users()
        .sessions_of(c.user.id)
        .await?
        .into_iter()
        .map(|s| MySession {
            current: s.id == c.session,
            session: s,
        })
        .collect();
    Ok(Json(list))
}

/// One of the caller's sessions.
#[derive(Debug, Serialize, ToSchema)]
struct MySession {
    /// The session.
    #[serde(flatten)]
    session: diaodu_store::SessionRecord,
    /// The session of this request.
    current: bool,
}

/// 结束本人的一个会话（`all-others`：除当前外全部）。
#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "账户",
    params(("id" = String, Path, description = "会话键，或 all-others")),
    responses((status = 204, description = "已结束"), WriteErrors))]
async fn end_my_session(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let n = if id == "all-others" {
        state
            .store
            .users()
            .end_sessions(c.user.id, None, Some(&c.session))
            .await?
    } else {
        state
            .store
            .users()
            .end_sessions(c.user.id, Some(&id), None)
            .await?
    };
    if n == 0 && id != "all-others" {
        return Err(AppError::NotFound("会话".into()).into());
    }
    Ok(StatusCode::NO_CONTENT)
}
