//! Unit administration (单位管理): the tree with each unit's users and projects, adding a unit, and
//! one unit's page to rename, move, change the kind, retire or restore it.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use diaodu_domain::access::{Action, UnitKind};
use diaodu_store::{UnitChange, UnitTree};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, flash, page};
use super::{redirect_saved, refusal, Ctx, SavedQuery};
use crate::auth::Current;
use crate::{AppError, AppState};

fn kind_options(selected: Option<UnitKind>) -> Markup {
    html! {
        @for k in UnitKind::ALL { option value=(k.code()) selected[selected == Some(*k)] { (k.zh()) } }
    }
}

/// Units in service a unit may be put under (not itself nor one below it), indented.
fn parent_options(tree: &UnitTree, moving: Option<i64>) -> Vec<(i64, String)> {
    let below = moving.and_then(|m| tree.get(m)).map(|u| u.path.clone());
    tree.units
        .iter()
        .filter(|u| u.retired_on.is_none())
        .filter(|u| {
            below
                .as_ref()
                .is_none_or(|p| !u.path.starts_with(p.as_str()))
        })
        .map(|u| (u.id, format!("{}{}", "　".repeat(tree.depth(u.id)), u.name)))
        .collect()
}

/// Counts of users and projects by unit (own, not below).
async fn counts(
    state: &AppState,
) -> Result<std::collections::HashMap<i64, (usize, usize)>, AppError> {
    let mut m: std::collections::HashMap<i64, (usize, usize)> = Default::default();
    for u in state.store.users().records().await? {
        if u.active {
            m.entry(u.unit_id).or_default().0 += 1;
        }
    }
    for (unit, n) in state.store.projects().counts_by_unit().await? {
        m.entry(unit).or_default().1 += n;
    }
    Ok(m)
}

/// The form adding a unit.
#[derive(Debug, Default, Deserialize)]
pub struct NewUnitForm {
    /// Code.
    #[serde(default)]
    pub code: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Parent id.
    #[serde(default)]
    pub parent_id: String,
    /// Kind code.
    #[serde(default)]
    pub kind: String,
}

async fn list_page(
    state: &AppState,
    c: &Current,
    saved: Option<&str>,
    form: Option<(&NewUnitForm, String)>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(state, c).await?;
    let tree = state.store.units().await?;
    let counts = counts(state).await?;
    let blank = NewUnitForm::default();
    let (nf, err) = match &form {
        Some((f, e)) => (*f, Some(e.as_str())),
        None => (&blank, None),
    };
    let parents = parent_options(&tree, None);
    let body = html! {
        h1 { "单位管理" span.muted.small { "　单位不删除：撤销后其项目、任务与留痕仍可查" } }
        p { a href="/admin/map" { "地图边界（驾驶舱地图）→" } }
        (flash(saved, err))
        div.tablewrap { table #units {
            thead { tr { th { "单位" } th { "编码" } th { "类型" } th.n { "用户" } th.n { "项目" } th { "状态" } th {} } }
            tbody {
                @for u in &tree.units {
                    @let (users, projects) = counts.get(&u.id).copied().unwrap_or_default();
                    tr class=[u.retired_on.as_ref().map(|_| "retired")] {
                        td { (("　".repeat(tree.depth(u.id)))) b { (u.name) } }
                        td { code.small { (u.code) } }
                        td.nw { (u.kind.zh()) }
                        td.n { (users) } td.n { (projects) }
                        td.nw { @match &u.retired_on { Some(d) => { span.tag.off { "已撤销" } " " span.small.muted { (d) } }, None => { span.tag { "正常" } } } }
                        td.nw { a href={"/admin/units/" (u.id)} { "管理" } }
                    }
                }
            }
        } }
        h2 { "新增单位" }
        form.panel method="post" action="/admin/units" {
            (csrf(c))
            div.form-grid {
                label { span.req { "单位编码" } input name="code" required maxlength="20" value=(nf.code) placeholder="字母、数字、- 或 _"; }
                label { span.req { "单位名称" } input name="name" required maxlength="50" value=(nf.name); }
                label { span.req { "上级单位" } select name="parent_id" required {
                    @if nf.parent_id.is_empty() { option value="" selected disabled { "请选择上级单位" } }
                    @for (id, label) in &parents { option value=(id) selected[nf.parent_id == id.to_string()] { (label) } }
                } }
                label { span.req { "类型" } select name="kind" { (kind_options(UnitKind::parse(&nf.kind).or(Some(UnitKind::Department)))) } }
            }
            p { button type="submit" { "新增单位" } }
        }
    };
    Ok(page(c, &ctx.unit_name, "/admin/units", "单位管理", body))
}

/// GET /admin/units
pub async fn list(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<SavedQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::ManageUnits)?;
    list_page(&state, &c, q.saved.as_deref(), None).await
}

/// POST /admin/units
pub async fn create(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<NewUnitForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageUnits)?;
    let r = match (f.parent_id.trim().parse::<i64>(), UnitKind::parse(&f.kind)) {
        (Ok(parent), Some(kind)) => {
            crate::service::units::create(&state, &c, &f.code, &f.name, Some(parent), kind)
                .await
                .map_err(AppError::from)
        }
        (Err(_), _) => Err(AppError::invalid("上级单位", "请选择")),
        (_, None) => Err(AppError::invalid("类型", "请选择")),
    };
    match r {
        Ok(u) => Ok(redirect_saved(
            "/admin/units",
            &format!("已新增单位 {}（{}）", u.name, u.code),
        )
        .into_response()),
        Err(e) => match refusal(&e) {
            Some(msg) => {
                let page = list_page(&state, &c, None, Some((&f, msg))).await?;
                Ok((StatusCode::BAD_REQUEST, page).into_response())
            }
            None => Err(e),
        },
    }
}

async fn unit_page(
    state: &AppState,
    c: &Current,
    id: i64,
    saved: Option<&str>,
    err: Option<&str>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(state, c).await?;
    let tree = state.store.units().await?;
    let u = tree
        .get(id)
        .ok_or_else(|| AppError::NotFound("单位".into()))?;
    let parents = parent_options(&tree, Some(id));
    let (users, projects) = counts(state).await?.get(&id).copied().unwrap_or_default();
    let body = html! {
        p { a href="/admin/units" { "‹ 单位管理" } }
        h1 { (u.name) span.muted.small { "　" (u.code) " · " (tree.display_path(id)) } }
        (flash(saved, err))
        div.split {
            form.panel method="post" action={"/admin/units/" (id)} {
                h2 { "名称、类型与上级" }
                (csrf(c))
                div.form-grid {
                    label { span.req { "单位名称" } input name="name" required maxlength="50" value=(u.name); }
                    label { span.req { "类型" } select name="kind" { (kind_options(Some(u.kind))) } }
                    @if u.parent_id.is_some() {
                        label { span.req { "上级单位" } select name="parent_id" {
                            @for (pid, label) in &parents { option value=(pid) selected[u.parent_id == Some(*pid)] { (label) } }
                        } }
                    }
                }
                p.muted.small { "移到其他上级时，其下级单位一并移动；各用户的权限范围随之变化。单位编码不可修改（导入文件以编码识别单位）。" }
                p { button type="submit" { "保存" } }
            }
            form.panel method="post" action={"/admin/units/" (id) "/retire"} {
                @if u.retired_on.is_none() {
                    h2 { "撤销单位" }
                    (csrf(c))
                    input type="hidden" name="retired" value="1";
                    p.muted.small { "撤销后不再用于新项目、新任务和新用户；已有的 " (projects) " 个项目及其填报、任务、督办和留痕保留可查。须先撤销或移走下级单位，并停用或调整本单位的 " (users) " 个用户。" }
                    p { button.danger type="submit" { "撤销单位" } }
                } @else {
                    h2 { "恢复单位" }
                    (csrf(c))
                    input type="hidden" name="retired" value="0";
                    p.muted.small { "已于 " (u.retired_on.as_deref().unwrap_or("")) " 撤销。恢复后重新可用于新记录。" }
                    p { button type="submit" { "恢复单位" } }
                }
            }
        }
    };
    Ok(page(c, &ctx.unit_name, "/admin/units", &u.name, body))
}

/// GET /admin/units/{id}
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::ManageUnits)?;
    unit_page(&state, &c, id, q.saved.as_deref(), None).await
}

/// The unit form.
#[derive(Debug, Deserialize)]
pub struct UnitForm {
    /// Name.
    pub name: String,
    /// Kind code.
    pub kind: String,
    /// Parent id (absent for the top unit).
    pub parent_id: Option<String>,
}

async fn done(
    state: &AppState,
    c: &Current,
    id: i64,
    r: Result<(), crate::service::Error>,
    ok: &str,
) -> Result<Response, AppError> {
    let r = r.map_err(AppError::from);
    match r {
        Ok(()) => Ok(redirect_saved(&format!("/admin/units/{id}"), ok).into_response()),
        Err(e) => match refusal(&e) {
            Some(msg) => {
                let page = unit_page(state, c, id, None, Some(&msg)).await?;
                Ok((StatusCode::BAD_REQUEST, page).into_response())
            }
            None => Err(e),
        },
    }
}

/// POST /admin/units/{id}
pub async fn update(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<UnitForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageUnits)?;
    let change = UnitChange {
        name: Some(f.name),
        kind: Some(UnitKind::parse(&f.kind).ok_or_else(|| AppError::invalid("类型", "请选择"))?),
        parent_id: match f
            .parent_id
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(p) => Some(
                p.parse()
                    .map_err(|_| AppError::invalid("上级单位", "请选择"))?,
            ),
            None => None,
        },
        retired: None,
    };
    let r = crate::service::units::update(&state, &c, id, &change)
        .await
        .map(|_| ());
    done(&state, &c, id, r, "已保存").await
}

/// The retire/restore form.
#[derive(Debug, Deserialize)]
pub struct RetireForm {
    /// `1` retire, `0` restore.
    pub retired: String,
}

/// POST /admin/units/{id}/retire
pub async fn retire(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<RetireForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageUnits)?;
    let retire = f.retired.trim() != "0";
    let change = UnitChange {
        retired: Some(retire),
        ..Default::default()
    };
    let r = crate::service::units::update(&state, &c, id, &change)
        .await
        .map(|_| ());
    done(&state, &c, id, r, if retire { "已撤销" } else { "已恢复" }).await
}
