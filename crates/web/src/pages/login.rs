//! Log-in and log-out, the change of a password an administrator set, and the log-in log.

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use diaodu_domain::access::Action;
use diaodu_store::LoginError;
use maud::html;
use serde::Deserialize;

use super::layout::{bare, page};
use super::{nonempty, Ctx};
use crate::auth::{clear_cookie, cookie, session_cookie, session_cookie_name, ClientAddr, Current};
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
    // A refused login may be anything the client sent: it is echoed only when it could be a login.
    let login = if diaodu_domain::password::check_login(login.trim()).is_ok() {
        login.trim()
    } else {
        ""
    };
    bare(
        "登录",
        html! {
            form.login method="post" action="/login" {
                h1 { "调度" br; small.muted style="font-size:14px;font-weight:400" { "重点工作调度督办平台" } }
                @if let Some(m) = msg { div.flash.err { (m) } }
                label for="login" { "用户名" }
                input #login name="login" value=(login) autocomplete="username" maxlength="64" required autofocus;
                label for="password" { "密码" }
                input #password type="password" name="password" autocomplete="current-password" maxlength="128" required;
                button type="submit" { "登 录" }
                p.small.muted style="text-align:center;margin-top:16px" { "同一地址连续 5 次密码错误，该账号在此地址锁定 15 分钟" }
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
    ClientAddr(addr): ClientAddr,
    headers: axum::http::HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    match state
        .store
        .users()
        .authenticate(&f.login, &f.password, &addr)
        .await
    {
        Ok(ok) => {
            let agent = crate::auth::user_agent(&headers);
            let (token, _) = state
                .store
                .users()
                .create_session(ok.user.id, &addr, &agent)
                .await?;
            let to = if ok.must_change_password {
                "/account/password"
            } else {
                "/"
            };
            Ok((
                [(
                    header::SET_COOKIE,
                    session_cookie(&token, state.cfg.secure_cookies),
                )],
                Redirect::to(to),
            )
                .into_response())
        }
        Err(LoginError::Store(e)) => Err(e.into()),
        Err(e) => {
            let status = match e {
                LoginError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
                LoginError::Malformed(_) => StatusCode::BAD_REQUEST,
                LoginError::Disabled => StatusCode::FORBIDDEN,
                _ => StatusCode::UNAUTHORIZED,
            };
            Ok((status, login_page(Some(&e.to_string()), &f.login)).into_response())
        }
    }
}

/// POST /logout (CSRF-checked by the middleware).
pub async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    if let Some(t) = cookie(&headers, session_cookie_name(state.cfg.secure_cookies)) {
        state.store.users().delete_session(t).await?;
    }
    Ok((
        [(header::SET_COOKIE, clear_cookie(state.cfg.secure_cookies))],
        Redirect::to("/login"),
    )
        .into_response())
}

fn password_page(c: &Current, msg: Option<&str>) -> maud::Markup {
    bare(
        "修改密码",
        html! {
            form.login method="post" action="/account/password" {
                h1 { "修改密码" }
                @if c.must_change_password {
                    div.flash { "您的密码由管理员设置，请先修改密码再继续使用。" }
                }
                @if let Some(m) = msg { div.flash.err { (m) } }
                input type="hidden" name="_csrf" value=(c.csrf);
                label for="current" { "当前密码" }
                input #current type="password" name="current" autocomplete="current-password" maxlength="128" required;
                label for="new" { "新密码" }
                input #new type="password" name="new" autocomplete="new-password" maxlength="128" required;
                label for="confirm" { "再次输入新密码" }
                input #confirm type="password" name="confirm" autocomplete="new-password" maxlength="128" required;
                p.small.muted { "8 至 128 位，须包含大写字母、小写字母、数字、符号中的至少三类，且不能包含登录名。" }
                button type="submit" { "确 定" }
                @if !c.must_change_password { p.small style="text-align:center" { a href="/" { "返回首页" } } }
            }
        },
    )
}

/// GET /account/password
pub async fn password_form(c: Current) -> maud::Markup {
    password_page(&c, None)
}

/// The password change form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    /// The current password.
    pub current: String,
    /// The new password.
    pub new: String,
    /// The new password again.
    pub confirm: String,
}

/// POST /account/password
pub async fn change_password(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    if f.new != f.confirm {
        return Ok((
            StatusCode::BAD_REQUEST,
            password_page(&c, Some("两次输入的新密码不一致")),
        )
            .into_response());
    }
    match state
        .store
        .users()
        .change_password(c.user.id, &f.current, &f.new)
        .await
    {
        Ok(()) => Ok(Redirect::to("/").into_response()),
        Err(diaodu_store::StoreError::Invalid(v)) => {
            let msg = v
                .iter()
                .map(|(f, m)| format!("{f}：{m}"))
                .collect::<Vec<_>>()
                .join("；");
            Ok((StatusCode::BAD_REQUEST, password_page(&c, Some(&msg))).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Filters of the log-in log.
#[derive(Debug, Default, Deserialize)]
pub struct LoginLogQuery {
    /// One login.
    pub login: Option<String>,
    /// Older than this attempt (paging).
    pub before: Option<String>,
}

/// What each result of the log-in log means.
pub const RESULTS: &[(&str, &str)] = &[
    ("ok", "成功"),
    ("wrong_password", "密码错误"),
    ("unknown_login", "用户名不存在"),
    ("disabled", "账号已停用"),
    ("throttled", "已锁定（失败次数过多）"),
    ("unlocked", "管理员解除锁定"),
    ("pending", "校验中"),
];

/// GET /admin/logins — the log-in log, newest first.
pub async fn login_log(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<LoginLogQuery>,
) -> Result<maud::Markup, AppError> {
    c.require(Action::ManageUsers)?;
    let ctx = Ctx::load(&state, &c).await?;
    let before = nonempty(&q.before).and_then(|b| b.parse::<i64>().ok());
    let recs = state
        .store
        .users()
        .login_log(nonempty(&q.login), before, 100)
        .await?;
    let next = (recs.len() == 100)
        .then(|| recs.last().map(|r| r.id))
        .flatten();
    let body = html! {
        h1 { "登录日志" span.muted.small { "　每次登录尝试的时间、用户名、来源地址和结果，保存 190 天" } }
        form.filters method="get" action="/admin/logins" {
            label { "用户名" input name="login" value=[nonempty(&q.login)] maxlength="64"; }
            button type="submit" { "查询" }
        }
        div.tablewrap { table #logins {
            thead { tr { th { "时间（北京时间）" } th { "用户名" } th { "来源地址" } th { "结果" } } }
            tbody {
                @for r in &recs { tr {
                    td.small.nw { (super::layout::local_time(&r.at)) }
                    td { (r.login) } td { (r.address) }
                    td { (RESULTS.iter().find(|x| x.0 == r.result).map(|x| x.1).unwrap_or(&r.result)) }
                } }
                @if recs.is_empty() { tr { td colspan="4" { span.muted { "没有记录。" } } } }
            }
        } }
        @if let Some(n) = next {
            div.pager { a href={"/admin/logins?" (serde_urlencoded::to_string([("login", nonempty(&q.login).unwrap_or("")), ("before", &n.to_string())]).unwrap_or_default())} { "更早的记录 ›" } }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/admin/logins", "登录日志", body))
}

/// GET /account — 我的账号: who the user is, the password, and the live sessions, each of which can
/// be ended (a session on a shared computer, or one the user does not recognise).
pub async fn account(
    State(state): State<AppState>,
    c: Current,
    axum::extract::Query(q): axum::extract::Query<super::SavedQuery>,
) -> Result<maud::Markup, AppError> {
    let ctx = super::Ctx::load(&state, &c).await?;
    let me = state.store.users().record(c.user.id).await?;
    let sessions = state.store.users().sessions_of(c.user.id).await?;
    let body = html! {
        h1 { "我的账号" }
        (super::layout::flash(q.saved.as_deref(), None))
        div.split {
            div.panel {
                dl.kv {
                    dt { "姓名" } dd { (me.name) }
                    dt { "登录名" } dd { (me.login) }
                    dt { "单位" } dd { (ctx.unit_name) }
                    dt { "角色" } dd { (me.role.zh()) }
                    dt { "电话" } dd { @if me.phone.is_empty() { "—" } @else { (me.phone) } }
                    dt { "电子邮箱" } dd { @if me.email.is_empty() { "—" } @else { (me.email) } }
                }
                p.muted.small { "姓名、单位、角色与联系方式由系统管理员维护。" }
            }
            div.panel {
                p { a.btn href="/account/password" { "修改密码" } }
                p.muted.small { "密码至少 8 位，含大写字母、小写字母、数字、符号中的三类，且不含登录名。" }
            }
        }
        h2 { "在线会话" span.muted.small { "　不认识的会话请立即结束并修改密码" } }
        div.tablewrap { table #sessions {
            thead { tr { th { "登录时间" } th { "最近使用" } th { "来源地址" } th { "浏览器" } th {} } }
            tbody {
                @for s in &sessions { tr {
                    td.nw { (super::layout::local_time(&s.created_at)) }
                    td.nw { @if let Some(l) = &s.last_seen { (super::layout::local_time(l)) } @else { "—" } }
                    td.nw { (s.address) }
                    td.small title=(s.agent) { (browser_of(&s.agent)) }
                    td.nw {
                        @if s.id == c.session { span.tag { "当前会话" } }
                        @else {
                            form method="post" action="/account/sessions/end" {
                                (super::layout::csrf(&c))
                                input type="hidden" name="id" value=(s.id);
                                button.danger type="submit" { "结束" }
                            }
                        }
                    }
                } }
            }
        } }
        @if sessions.len() > 1 {
            form method="post" action="/account/sessions/end" style="margin-top:10px" {
                (super::layout::csrf(&c))
                input type="hidden" name="id" value="all-others";
                button.danger type="submit" { "结束其他全部会话" }
            }
        }
    };
    Ok(super::layout::page(
        &c,
        &ctx.unit_name,
        "/account",
        "我的账号",
        body,
    ))
}

/// The form ending a session.
#[derive(Debug, Deserialize)]
pub struct EndSessionForm {
    /// A session's key, or `all-others`.
    pub id: String,
}

/// POST /account/sessions/end
pub async fn end_session(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<EndSessionForm>,
) -> Result<Response, AppError> {
    let n = if f.id == "all-others" {
        state
            .store
            .users()
            .end_sessions(c.user.id, None, Some(&c.session))
            .await?
    } else {
        state
            .store
            .users()
            .end_sessions(c.user.id, Some(&f.id), None)
            .await?
    };
    Ok(super::redirect_saved("/account", &format!("已结束 {n} 个会话")).into_response())
}

/// A browser's description in a few words (`钉钉 · Android`, `Edge · Windows`), from its
/// User-Agent; the whole text is the cell's title.
fn browser_of(agent: &str) -> String {
    let has = |w: &str| agent.contains(w);
    let app = if has("DingTalk") {
        "钉钉"
    } else if has("wxwork") {
        "企业微信"
    } else if has("MicroMessenger") {
        "微信"
    } else if has("Edg/") {
        "Edge"
    } else if has("Firefox/") {
        "Firefox"
    } else if has("Chrome/") || has("Chromium/") {
        "Chrome"
    } else if has("Safari/") {
        "Safari"
    } else if agent.is_empty() {
        "未知"
    } else {
        "其他程序"
    };
    let os = if has("Android") {
        " · Android"
    } else if has("iPhone") || has("iPad") {
        " · iOS"
    } else if has("Windows") {
        " · Windows"
    } else if has("Mac OS X") {
        " · macOS"
    } else if has("Linux") {
        " · Linux"
    } else {
        ""
    };
    format!("{app}{os}")
}
