//! User administration (用户管理): the list with its filters and export, adding a user, and one
//! user's page to change the unit, role and contact, disable or enable, reset the password and lift
//! a log-in throttle. The rules are in `service::users` and the store.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use diaodu_domain::access::{Action, Role};
use diaodu_office::xlsx::csv_text;
use diaodu_store::{UnitTree, UserChange, UserRecord};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, flash, page};
use super::projects::{unit_filter_options, unit_options};
use super::sort::{Key, Sorting};
use super::{nonempty, redirect_saved, refusal, Ctx, SavedQuery};
use crate::auth::Current;
use crate::service::users::{NewUser, UserFilter};
use crate::{AppError, AppState};

/// Filters of the user list (and its export).
#[derive(Debug, Default, Deserialize)]
pub struct UserQuery {
    /// Words in the login or the name.
    pub q: Option<String>,
    /// Unit id: its users and those below it.
    pub unit: Option<String>,
    /// Role code.
    pub role: Option<String>,
    /// Confirmation of a change.
    pub saved: Option<String>,
    /// Column to sort by (`login`, `name`, `unit`, `role`, `state`), `-` before it for descending.
    pub sort: Option<String>,
}

impl UserQuery {
    /// Sorts `users` as the query asks, and says how for the headers' links.
    fn sorted(&self, users: &mut [UserRecord], tree: &UnitTree) -> Sorting {
        let sorting = Sorting::new(
            "/admin/users",
            nonempty(&self.sort),
            &["login", "name", "unit", "role", "state"],
            &[
                ("q", nonempty(&self.q).unwrap_or("")),
                ("unit", nonempty(&self.unit).unwrap_or("")),
                ("role", nonempty(&self.role).unwrap_or("")),
            ],
        );
        sorting.apply(users, |u, col| match col {
            "login" => Key::text(&u.login),
            "name" => Key::text(&u.name),
            "unit" => Key::text(unit_name(tree, u.unit_id)),
            "role" => Key::text(u.role.zh()),
            _ => Key::Num(if u.active { 0.0 } else { 1.0 }),
        });
        sorting
    }

    fn filter(&self) -> Result<UserFilter, AppError> {
        Ok(UserFilter {
            q: nonempty(&self.q).map(str::to_string),
            unit_id: nonempty(&self.unit)
                .map(|u| {
                    u.parse()
                        .map_err(|_| AppError::invalid("单位", "无效的单位"))
                })
                .transpose()?,
            role: nonempty(&self.role)
                .map(|r| Role::parse(r).ok_or_else(|| AppError::invalid("角色", "无效的角色")))
                .transpose()?,
        })
    }
}

fn unit_name(tree: &UnitTree, id: i64) -> String {
    tree.get(id).map(|u| u.name.clone()).unwrap_or_default()
}

fn role_options(selected: Option<Role>, any: bool) -> Markup {
    html! {
        @if any { option value="" { "全部角色" } }
        @else if selected.is_none() { option value="" selected disabled { "请选择角色" } }
        @for r in Role::ALL {
            option value=(r.code()) selected[selected == Some(*r)] { (r.zh()) }
        }
    }
}

fn unit_select(name: &str, opts: &[(String, String)], selected: Option<i64>, any: bool) -> Markup {
    let sel = selected.map(|s| s.to_string());
    html! {
        select name=(name) required[!any] {
            @if any { option value="" { "全部单位" } }
            @else if selected.is_none() { option value="" selected disabled { "请选择单位" } }
            @for (v, label) in opts { option value=(v) selected[sel.as_deref() == Some(v.as_str())] { (label) } }
        }
    }
}

/// The new-user form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct NewUserForm {
    /// Login.
    #[serde(default)]
    pub login: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Unit id.
    #[serde(default)]
    pub unit_id: String,
    /// Role code.
    #[serde(default)]
    pub role: String,
    /// First password.
    #[serde(default)]
    pub password: String,
    /// Telephone.
    #[serde(default)]
    pub phone: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
}

impl NewUserForm {
    fn parse(&self) -> Result<NewUser, AppError> {
        let mut errs = Vec::new();
        let unit_id = self.unit_id.trim().parse::<i64>().map_err(|_| ());
        if unit_id.is_err() {
            errs.push(("单位".to_string(), "请选择".to_string()));
        }
        let role = Role::parse(&self.role);
        if role.is_none() {
            errs.push(("角色".to_string(), "请选择".to_string()));
        }
        match (unit_id, role) {
            (Ok(unit_id), Some(role)) if errs.is_empty() => Ok(NewUser {
                login: self.login.clone(),
                name: self.name.clone(),
                unit_id,
                role,
                password: self.password.clone(),
                phone: self.phone.clone(),
                email: self.email.clone(),
            }),
            _ => Err(AppError::Invalid(errs)),
        }
    }
}

async fn list_page(
    state: &AppState,
    c: &Current,
    q: &UserQuery,
    form: Option<(&NewUserForm, String)>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(state, c).await?;
    let f = q.filter()?;
    let mut users = crate::service::users::list(state, c, &f).await?;
    let tree = state.store.units().await?;
    let sorting = q.sorted(&mut users, &tree);
    let opts = unit_options(&tree, c);
    let filter_opts = unit_filter_options(&tree, c);
    let export = serde_urlencoded::to_string([
        ("q", nonempty(&q.q).unwrap_or("")),
        ("unit", nonempty(&q.unit).unwrap_or("")),
        ("role", nonempty(&q.role).unwrap_or("")),
        ("sort", sorting.value()),
    ])
    .unwrap_or_default();
    let blank = NewUserForm::default();
    let (nf, err) = match &form {
        Some((f, e)) => (*f, Some(e.as_str())),
        None => (&blank, None),
    };
    let body = html! {
        h1 { "用户管理" span.muted.small { "　用户不删除：停用后不能登录，操作留痕仍可查" } }
        (flash(q.saved.as_deref(), err))
        form.filters method="get" action="/admin/users" {
            label { "姓名或登录名" input name="q" value=[nonempty(&q.q)] maxlength="64"; }
            label { "单位" (unit_select("unit", &filter_opts, f.unit_id, true)) }
            label { "角色" select name="role" { (role_options(f.role, true)) } }
            button type="submit" { "查询" }
            a.btn href={"/admin/users/export?" (export)} { "导出 CSV" }
        }
        div.tablewrap { table #users {
            thead { tr { th { (sorting.th("login", "登录名", false)) } th { (sorting.th("name", "姓名", false)) } th { (sorting.th("unit", "单位", false)) } th { (sorting.th("role", "角色", false)) } th { "电话" } th { (sorting.th("state", "状态", false)) } th {} } }
            tbody {
                @for u in &users { tr {
                    td { (u.login) }
                    td { b { (u.name) } }
                    td { (unit_name(&tree, u.unit_id)) }
                    td.nw { (u.role.zh()) }
                    td.nw { @if u.phone.is_empty() { span.muted { "—" } } @else { (u.phone) } }
                    td.nw {
                        @if u.active { span.tag { "正常" } } @else { span.tag.off { "已停用" } }
                        @if u.must_change_password { " " span.muted.small { "待改密码" } }
                        @if u.head { " " span.tag { "负责人" } }
                    }
                    td.nw { a href={"/admin/users/" (u.id)} { "管理" } }
                } }
                @if users.is_empty() { tr { td colspan="7" { span.muted { "没有符合条件的用户。" } } } }
            }
        } }
        p.muted.small { "共 " (users.len()) " 人" }
        h2 { "新增用户" }
        form.panel method="post" action="/admin/users" {
            (csrf(c))
            div.form-grid {
                label { span.req { "登录名" } input name="login" required maxlength="64" value=(nf.login) placeholder="字母、数字、. _ - @"; }
                label { span.req { "姓名" } input name="name" required maxlength="50" value=(nf.name); }
                label { span.req { "单位" } (unit_select("unit_id", &opts, nf.unit_id.parse().ok(), false)) }
                label { span.req { "角色" } select name="role" required { (role_options(Role::parse(&nf.role), false)) } }
                label { span.req { "初始密码" } input name="password" type="password" required autocomplete="new-password" maxlength="128"; }
                label { "电话" input name="phone" maxlength="20" value=(nf.phone); }
                label { "电子邮箱" input name="email" type="email" maxlength="100" value=(nf.email); }
            }
            p.muted.small { "初始密码至少 8 位，含大写字母、小写字母、数字、符号中的三类，且不含登录名；用户首次登录须修改。" }
            p { button type="submit" { "新增用户" } }
        }
    };
    Ok(page(c, &ctx.unit_name, "/admin/users", "用户管理", body))
}

/// GET /admin/users
pub async fn list(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<UserQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::ManageUsers)?;
    list_page(&state, &c, &q, None).await
}

/// POST /admin/users
pub async fn create(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<NewUserForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageUsers)?;
    let result = match f.parse() {
        Ok(n) => crate::service::users::create(&state, &c, &n)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(u) => Ok(redirect_saved(
            &format!("/admin/users/{}", u.id),
            &format!("已新增用户 {}（{}），首次登录须修改密码", u.name, u.login),
        )
        .into_response()),
        Err(e) => match refusal(&e) {
            Some(msg) => {
                let page = list_page(&state, &c, &UserQuery::default(), Some((&f, msg))).await?;
                Ok((StatusCode::BAD_REQUEST, page).into_response())
            }
            None => Err(e),
        },
    }
}

async fn user_page(
    state: &AppState,
    c: &Current,
    id: i64,
    saved: Option<&str>,
    err: Option<&str>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(state, c).await?;
    let u = state.store.users().record(id).await?;
    let tree = state.store.units().await?;
    let opts = unit_options(&tree, c);
    let body = html! {
        p { a href="/admin/users" { "‹ 用户管理" } }
        h1 { (u.name) span.muted.small { "　" (u.login) " · " (unit_name(&tree, u.unit_id)) " · " (u.role.zh()) } }
        (flash(saved, err))
        div.split {
            form.panel method="post" action={"/admin/users/" (u.id)} {
                h2 { "基本信息" }
                (csrf(c))
                div.form-grid {
                    label { span.req { "姓名" } input name="name" required maxlength="50" value=(u.name); }
                    label { span.req { "单位" } (unit_select("unit_id", &opts, Some(u.unit_id), false)) }
                    label { span.req { "角色" } select name="role" required { (role_options(Some(u.role), false)) } }
                    label { "电话" input name="phone" maxlength="20" value=(u.phone); }
                    label { "电子邮箱" input name="email" type="email" maxlength="100" value=(u.email); }
                    label { "状态" select name="active" {
                        option value="1" selected[u.active] { "正常" }
                        option value="0" selected[!u.active] { "停用（不能登录，已登录的会话立即结束）" }
                    } }
                    label.confirm.wide { input type="checkbox" name="head" value="1" checked[u.head]; " 单位负责人（登录后首页为领导驾驶舱）" }
                }
                p { button type="submit" { "保存" } }
            }
            div {
                form.panel method="post" action={"/admin/users/" (u.id) "/reset-password"} {
                    h2 { "重置密码" }
                    (csrf(c))
                    div.form-grid { label { span.req { "新密码" } input name="password" type="password" required autocomplete="new-password" maxlength="128"; } }
                    p.muted.small { "重置后用户须在下次登录时修改密码，其现有会话立即结束。" }
                    p { button type="submit" { "重置密码" } }
                }
                form.panel method="post" action={"/admin/users/" (u.id) "/unlock"} {
                    h2 { "解除登录锁定" }
                    (csrf(c))
                    p.muted.small { "连续输错密码被暂时锁定时，核实身份后可解除。" a href={"/admin/logins?login=" (u.login)} { "查看该用户的登录日志" } }
                    p { button type="submit" { "解除锁定" } }
                }
            }
        }
        p.muted.small { "创建于 " (super::layout::local_time(&u.created_at)) "。" a href={"/audit?entity=user&entity_id=" (u.login)} { "查看对该用户的操作" } " · " a href={"/audit?user=" (u.login)} { "查看该用户的操作" } }
    };
    Ok(page(c, &ctx.unit_name, "/admin/users", &u.name, body))
}

/// GET /admin/users/{id}
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::ManageUsers)?;
    user_page(&state, &c, id, q.saved.as_deref(), None).await
}

/// The user form's fields.
#[derive(Debug, Deserialize)]
pub struct UserForm {
    /// Display name.
    pub name: String,
    /// Unit id.
    pub unit_id: String,
    /// Role code.
    pub role: String,
    /// Telephone.
    #[serde(default)]
    pub phone: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
    /// `1` enabled, `0` disabled.
    pub active: String,
    /// `1`: the head of its unit (an unticked box sends nothing).
    #[serde(default)]
    pub head: Option<String>,
}

/// POST /admin/users/{id}
pub async fn update(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<UserForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageUsers)?;
    let change = UserChange {
        name: Some(f.name),
        unit_id: Some(
            f.unit_id
                .trim()
                .parse()
                .map_err(|_| AppError::invalid("单位", "请选择"))?,
        ),
        role: Some(Role::parse(&f.role).ok_or_else(|| AppError::invalid("角色", "请选择"))?),
        phone: Some(f.phone),
        email: Some(f.email),
        active: Some(f.active.trim() != "0"),
        head: Some(f.head.as_deref().is_some_and(|h| h.trim() == "1")),
    };
    done(
        &state,
        &c,
        id,
        crate::service::users::update(&state, &c, id, &change)
            .await
            .map(|_| ()),
        "已保存",
    )
    .await
}

/// Redirects with `ok`, or shows the user's page again with the refusal.
async fn done(
    state: &AppState,
    c: &Current,
    id: i64,
    r: Result<(), crate::service::Error>,
    ok: &str,
) -> Result<Response, AppError> {
    let r = r.map_err(AppError::from);
    match r {
        Ok(()) => Ok(redirect_saved(&format!("/admin/users/{id}"), ok).into_response()),
        Err(e) => match refusal(&e) {
            Some(msg) => {
                let page = user_page(state, c, id, None, Some(&msg)).await?;
                Ok((StatusCode::BAD_REQUEST, page).into_response())
            }
            None => Err(e),
        },
    }
}

/// The reset-password form.
#[derive(Debug, Deserialize)]
pub struct ResetForm {
    /// The new password.
    pub password: String,
}

/// POST /admin/users/{id}/reset-password
pub async fn reset_password(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<ResetForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageUsers)?;
    let r = crate::service::users::reset_password(&state, &c, id, &f.password).await;
    done(&state, &c, id, r, "密码已重置，用户下次登录时须修改").await
}

/// POST /admin/users/{id}/unlock
pub async fn unlock(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    c.require(Action::ManageUsers)?;
    let r = crate::service::users::unlock(&state, &c, id).await;
    done(&state, &c, id, r, "已解除登录锁定").await
}

/// GET /admin/users/export — the filtered list as CSV (UTF-8 with BOM, for Excel).
pub async fn export(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<UserQuery>,
) -> Result<Response, AppError> {
    c.require(Action::ManageUsers)?;
    let mut users: Vec<UserRecord> = crate::service::users::list(&state, &c, &q.filter()?).await?;
    let tree = state.store.units().await?;
    q.sorted(&mut users, &tree);
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let head = [
        "登录名",
        "姓名",
        "单位",
        "角色",
        "电话",
        "电子邮箱",
        "状态",
        "创建时间",
    ];
    let mut rows = vec![head.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for u in &users {
        rows.push(vec![
            csv_text(&u.login),
            csv_text(&u.name),
            csv_text(&unit_name(&tree, u.unit_id)),
            u.role.zh().to_string(),
            csv_text(&u.phone),
            csv_text(&u.email),
            if u.active { "正常" } else { "已停用" }.to_string(),
            super::layout::local_time(&u.created_at).to_string(),
        ]);
    }
    for r in rows {
        w.write_record(&r)
            .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let today = diaodu_domain::period::fmt_date(state.today());
    Ok(super::download(
        &format!("users-{today}.csv"),
        "text/csv; charset=utf-8",
        bytes,
    ))
}
