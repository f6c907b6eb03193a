//! Log-in and log-out.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use diaodu_store::LoginError;
use maud::html;
use serde::Deserialize;

use super::layout::bare;
use crate::auth::{clear_cookie, cookie, session_cookie, SESSION_COOKIE};
use crate::{AppError, AppState};

/// The log-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    /// Login name.
    pub login: String,
    /// Password.
    pub password: String,
}

fn login_page(msg: Option<&str>, login: &str) -> maud::Markup {
    bare(
        "登录",
        html! {
            form.login method="post" action="/login" {
                h1 { "调度" br; small.muted style="font-size:14px;font-weight:400" { "重点工作调度督办平台" } }
                @if let Some(m) = msg { div.flash.err { (m) } }
                label for="login" { "用户名" }
                input #login name="login" value=(login) autocomplete="username" required autofocus;
                label for="password" { "密码" }
                input #password type="password" name="password" autocomplete="current-password" required;
                button type="submit" { "登 录" }
                p.small.muted style="text-align:center;margin-top:16px" { "连续 5 次密码错误将锁定 15 分钟" }
            }
        },
    )
}

/// GET /login
pub async fn form() -> maud::Markup {
    login_page(None, "")
}

/// POST /login
pub async fn submit(
    State(state): State<AppState>,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    match state.store.authenticate(&f.login, &f.password).await {
        Ok(user) => {
            let (token, _) = state.store.create_session(user.id).await?;
            Ok((
                [(
                    header::SET_COOKIE,
                    session_cookie(&token, state.cfg.secure_cookies),
                )],
                Redirect::to("/"),
            )
                .into_response())
        }
        Err(LoginError::Store(e)) => Err(e.into()),
        Err(e @ LoginError::Throttled(_)) => Ok((
            StatusCode::TOO_MANY_REQUESTS,
            login_page(Some(&e.to_string()), &f.login),
        )
            .into_response()),
        Err(e) => Ok((
            StatusCode::UNAUTHORIZED,
            login_page(Some(&e.to_string()), &f.login),
        )
            .into_response()),
    }
}

/// POST /logout (CSRF-checked by the middleware).
pub async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    if let Some(t) = cookie(&headers, SESSION_COOKIE) {
        state.store.delete_session(t).await?;
    }
    Ok((
        [(header::SET_COOKIE, clear_cookie(state.cfg.secure_cookies))],
        Redirect::to("/login"),
    )
        .into_response())
}
