//! Who is asking, and may they? Sessions (cookie or bearer token), the CSRF check on every
//! state-changing request, security headers, and the `Current` user extractor.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use diaodu_domain::access::{allows, Action, Scope};
use diaodu_store::User;

use crate::error::{ApiError, AppError};
use crate::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "diaodu_session";
/// Header carrying the CSRF token for API calls authenticated by cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";

/// The logged-in user of a request.
#[derive(Debug, Clone)]
pub struct Current {
    /// The user.
    pub user: User,
    /// The session's CSRF token (to embed in forms).
    pub csrf: String,
    /// What the user may see.
    pub scope: Scope,
    /// Authenticated by a bearer token rather than the cookie.
    pub bearer: bool,
}

impl Current {
    /// Whether the role allows an action.
    pub fn can(&self, a: Action) -> bool {
        allows(self.user.role, a)
    }

    /// Fails with 403 unless the role allows the action.
    pub fn require(&self, a: Action) -> Result<(), AppError> {
        if self.can(a) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The actor for the audit log.
    pub fn actor(&self) -> diaodu_store::Actor {
        diaodu_store::Actor {
            user_id: Some(self.user.id),
            login: self.user.login.clone(),
        }
    }
}

impl FromRequestParts<AppState> for Current {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Current>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

/// The logged-in user of an API request (401 JSON instead of a redirect).
#[derive(Debug, Clone)]
pub struct ApiCurrent(pub Current);

impl FromRequestParts<AppState> for ApiCurrent {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Current>()
            .cloned()
            .map(ApiCurrent)
            .ok_or(ApiError(AppError::Unauthenticated))
    }
}

/// Reads a cookie from the request headers.
pub fn cookie<'a>(parts: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    parts
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Middleware: resolves the session, enforces CSRF on state-changing requests, adds security headers.
///
/// CSRF rule: a POST/PUT/PATCH/DELETE authenticated by the session cookie must carry the session's
/// token — as the `_csrf` field of a url-encoded form, as `?_csrf=` on a multipart upload's URL, or
/// as the `X-CSRF-Token` header (API). Requests with a bearer token carry no ambient credentials and
/// need none. The log-in form is the one exception: it has no session yet.
pub async fn session_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let token = bearer
        .clone()
        .or_else(|| cookie(&parts.headers, SESSION_COOKIE).map(str::to_string));
    let mut current = None;
    if let Some(t) = token.filter(|t| !t.is_empty()) {
        match state.store.session(&t).await {
            Ok(Some(s)) => {
                current = Some(Current {
                    scope: Scope::of(s.user.role, s.user.unit_id),
                    user: s.user,
                    csrf: s.csrf,
                    bearer: bearer.is_some(),
                })
            }
            Ok(None) => {}
            Err(e) => return AppError::from(e).into_response(),
        }
    }
    let is_api = parts.uri.path().starts_with("/api/");
    let mut body = body;
    let changes_state = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state && parts.uri.path() != "/login" && parts.uri.path() != "/api/v1/login" {
        if let Some(c) = current.as_ref().filter(|c| !c.bearer) {
            let ct = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let header_token = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let query_token = parts.uri.query().and_then(|q| {
                serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                    .ok()?
                    .into_iter()
                    .find(|(k, _)| k == CSRF_FIELD)
                    .map(|(_, v)| v)
            });
            let mut form_token = None;
            if ct.starts_with("application/x-www-form-urlencoded") {
                let bytes = match axum::body::to_bytes(body, 4 * 1024 * 1024).await {
                    Ok(b) => b,
                    Err(_) => return AppError::invalid("表单", "内容过大").into_response(),
                };
                form_token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                    .ok()
                    .and_then(|v| v.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v));
                body = Body::from(bytes);
            }
            let given = header_token.or(form_token).or(query_token);
            if !given.is_some_and(|g| constant_time_eq(&g, &c.csrf)) {
                return if is_api {
                    ApiError(AppError::Csrf).into_response()
                } else {
                    AppError::Csrf.into_response()
                };
            }
        }
    }
    if let Some(c) = current {
        parts.extensions.insert(c);
    }
    let mut resp = next.run(Request::from_parts(parts, body)).await;
    let h = resp.headers_mut();
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'self'; frame-ancestors 'none'",
        ),
    );
    resp
}

/// The `Set-Cookie` value for a new session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends the session in the browser.
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}
