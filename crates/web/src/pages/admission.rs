//! Admission rules (项目准入) and the record of refusals.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use diaodu_domain::access::Action;
use diaodu_domain::project::{AdmissionRule, AdmissionTest};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, page};
use super::Ctx;
use crate::auth::Current;
use crate::{AppError, AppState};

/// GET /admission
pub async fn show(State(state): State<AppState>, c: Current) -> Result<Markup, AppError> {
    c.require(Action::ViewRefusals)?;
    let ctx = Ctx::load(&state, &c).await?;
    let rules = state.store.projects().admission_rules().await?;
    let refusals = state.store.projects().refusals(200).await?;
    let can_edit = c.can(Action::ManageAdmissionRules);
    let body = html! {
        h1 { "项目准入" }
        p.muted { "新项目入库（新增或导入）时逐条检查以下拒绝规则；未通过的项目不入库，拒绝记录留存备查。" }
        h2 { "拒绝规则" }
        div.tablewrap { table #rules {
            thead { tr { th { "编码" } th { "规则名称" } th { "检查内容" } @if can_edit { th {} } } }
            tbody {
                @for r in &rules { tr {
                    td { (r.code) } td { b { (r.name) } }
                    td { @match &r.test {
                        AdmissionTest::EnvRejected => "环评状态为“未通过”",
                        AdmissionTest::IndustryIn(w) => { "所属行业包含：" (w.join("、")) },
                    } }
                    @if can_edit { td {
                        form method="post" action={"/admission/rules/" (r.code) "/delete"} {
                            (csrf(&c)) button.danger type="submit" { "删除" }
                        }
                    } }
                } }
                @if rules.is_empty() { tr { td colspan="4" { span.muted { "尚未配置准入规则。" } } } }
            }
        } }
        @if can_edit {
            form.panel method="post" action="/admission/rules" style="margin-top:12px" {
                (csrf(&c))
                div.form-grid {
                    label { span.req { "规则编码" } input name="code" required placeholder="如 backward"; }
                    label { span.req { "规则名称" } input name="name" required placeholder="如 落后产能"; }
                    label { "检查方式" select name="kind" {
                        option value="industry_in" { "所属行业包含关键词" }
                        option value="env_rejected" { "环评未通过" }
                    } }
                    label { "关键词（用顿号或逗号分隔）" input name="keywords" placeholder="如 小钢铁、小水泥、小火电"; }
                }
                p { button type="submit" { "新增规则" } }
            }
        }
        h2 { "拒绝记录" span.muted.small { "　最近 " (refusals.len()) " 条" } }
        div.tablewrap { table #refusals {
            thead { tr { th { "时间" } th { "项目编码" } th { "项目名称" } th { "责任单位" } th { "拒绝规则" } th { "操作人" } } }
            tbody {
                @for r in &refusals { tr {
                    td.small.nw { (super::layout::local_time(&r.at)) }
                    td { (r.project_code) } td { (r.project_name) }
                    td { (r.unit_id.and_then(|u| ctx.tree.get(u)).map(|u| u.name.clone()).unwrap_or_default()) }
                    td { span.tag.red { (r.rule_name) } } td { (r.user_login) }
                } }
                @if refusals.is_empty() { tr { td colspan="6" { span.muted { "暂无拒绝记录。" } } } }
            }
        } }
    };
    Ok(page(&c, &ctx.unit_name, "/admission", "项目准入", body))
}

/// The new-rule form.
#[derive(Debug, Deserialize)]
pub struct RuleForm {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// industry_in or env_rejected.
    pub kind: String,
    /// Keywords.
    #[serde(default)]
    pub keywords: String,
}

/// POST /admission/rules
pub async fn add_rule(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<RuleForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageAdmissionRules)?;
    let test = match f.kind.as_str() {
        "env_rejected" => AdmissionTest::EnvRejected,
        "industry_in" => AdmissionTest::IndustryIn(diaodu_store::split_keywords(&f.keywords)),
        _ => return Err(AppError::invalid("检查方式", "无效")),
    };
    state
        .store
        .projects()
        .add_admission_rule(
            &c.actor(),
            &AdmissionRule {
                code: f.code.trim().into(),
                name: f.name.trim().into(),
                test,
            },
        )
        .await?;
    Ok(Redirect::to("/admission").into_response())
}

/// POST /admission/rules/{code}/delete
pub async fn delete_rule(
    State(state): State<AppState>,
    c: Current,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    c.require(Action::ManageAdmissionRules)?;
    state
        .store
        .projects()
        .delete_admission_rule(&c.actor(), &code)
        .await?;
    Ok(Redirect::to("/admission").into_response())
}
