//! The audit log page (操作留痕): filter by entity, user, action and dates; newest first; every
//! label, value and user in Chinese as an office reads them (money in 万元, units and people by
//! name); the page exports to Excel.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use diaodu_domain::access::Action;
use diaodu_store::{AuditFilter, UnitTree};
use maud::html;
use serde::Deserialize;

use super::layout::page;
use super::{nonempty, Ctx};
use crate::auth::Current;
use crate::{AppError, AppState};

/// Query of the audit page.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    /// Entity kind.
    pub entity: Option<String>,
    /// Entity id/code.
    pub entity_id: Option<String>,
    /// Login.
    pub user: Option<String>,
    /// Action.
    pub action: Option<String>,
    /// From date.
    pub from: Option<String>,
    /// To date.
    pub to: Option<String>,
    /// Keyset cursor.
    pub before: Option<i64>,
    /// `xlsx`: this page of records as an Excel download.
    pub format: Option<String>,
}

const ENTITIES: &[(&str, &str)] = &[
    ("project", "项目"),
    ("report", "进度填报"),
    ("site_visit", "现场督导"),
    ("notice", "督办单"),
    ("accountability", "问责"),
    ("instruction", "领导批示"),
    ("task", "重点任务"),
    ("task_report", "任务进度"),
    ("task_milestone", "任务节点"),
    ("meeting", "调度会"),
    ("decision", "议定事项"),
    ("inspection", "督查活动"),
    ("inspection_item", "督查发现"),
    ("indicator", "指标"),
    ("indicator_value", "指标数值"),
    ("target", "指标目标"),
    ("attachment", "附件"),
    ("unit", "单位"),
    ("user", "用户"),
    ("admission_rule", "准入规则"),
    ("setting", "系统设置"),
    ("planning_quota", "策划包装任务"),
    ("investment_plan", "投资计划"),
    ("assessment_scheme", "考核方案"),
    ("assessment_adjustment", "考核加减分"),
];
const ACTIONS: &[(&str, &str)] = &[
    ("create", "新增"),
    ("update", "修改"),
    ("delete", "删除"),
    ("bulk", "批量导入"),
    ("refuse", "准入拒绝"),
    ("issue", "下发"),
    ("sign", "签收"),
    ("reply", "反馈"),
    ("send_back", "退回"),
    ("close", "办结"),
    ("escalate", "逐级升级"),
    ("claim", "申请销号"),
    ("verify", "核验"),
    ("unlock", "解除登录锁定"),
    ("password", "修改密码"),
    ("reset_password", "重置密码"),
    ("disable", "停用"),
    ("enable", "启用"),
    ("move", "移动"),
    ("retire", "撤销"),
    ("restore", "恢复"),
    ("chase", "催报"),
    ("withdraw", "撤回"),
];

/// The Chinese label of a field of a recorded change.
const FIELDS: &[(&str, &str)] = &[
    ("code", "编码"),
    ("name", "名称"),
    ("title", "标题"),
    ("content", "内容"),
    ("unit_id", "单位"),
    ("lead_unit_id", "牵头单位"),
    ("parent_id", "上级"),
    ("leader", "包抓领导"),
    ("category", "项目类别"),
    ("stage", "建设阶段"),
    ("total_investment", "总投资"),
    ("plan_year", "计划年度"),
    ("annual_plan", "年度计划投资"),
    ("planned_start", "计划开工"),
    ("planned_finish", "计划竣工"),
    ("actual_start", "实际开工"),
    ("batch", "集中开工批次"),
    ("industry", "所属行业"),
    ("env_approval", "环评状态"),
    ("planning_year", "策划年度"),
    ("entered_on", "入库日期"),
    ("year", "年度"),
    ("projects", "项目数"),
    ("quota_investment_wan", "策划总投资（万元）"),
    ("big_projects", "大块头项目数"),
    ("target_projects", "目标项目数"),
    ("target_investment_wan", "目标总投资（万元）"),
    ("added", "列入项目"),
    ("points", "分值"),
    ("reason", "事由"),
    ("document", "依据文件"),
    ("on_date", "计分日期"),
    ("items", "考核项"),
    ("removed", "移出项目"),
    ("period", "填报期"),
    ("investment", "本期完成投资"),
    ("investment_wan", "本期完成投资（万元）"),
    ("progress", "形象进度"),
    ("problems", "存在问题"),
    ("login", "登录名"),
    ("role", "角色"),
    ("phone", "电话"),
    ("email", "电子邮箱"),
    ("active", "状态"),
    ("must_change_password", "须改密码"),
    ("head", "单位负责人"),
    ("kind", "类型"),
    ("retired_on", "撤销日期"),
    ("escalation", "升级步骤"),
    ("as_of", "统计日期"),
    ("reply_by", "反馈期限"),
    ("state", "状态"),
    ("subject", "督办对象"),
    ("person", "被问责人"),
    ("what", "事由"),
    ("decision", "处理决定"),
    ("decided_on", "决定日期"),
    ("percent", "完成进度"),
    ("deadline", "完成时限"),
    ("start", "开始日期"),
    ("rows", "行数"),
    ("text", "说明"),
    ("recipients", "接收人数"),
    ("message", "消息内容"),
    ("body", "批示内容"),
    ("due_on", "办理期限"),
    ("reply", "反馈内容"),
    ("note", "说明"),
];

fn zh<'a>(table: &'a [(&str, &'a str)], k: &'a str) -> &'a str {
    table
        .iter()
        .find(|(a, _)| *a == k)
        .map(|(_, b)| *b)
        .unwrap_or(k)
}

/// A recorded value as an office reads it: money in 万元, codes as their Chinese names, units by
/// name, yes and no.
fn value_zh(tree: &UnitTree, key: &str, x: &serde_json::Value) -> String {
    use diaodu_domain::project::{Category, EnvApproval, Stage};
    use serde_json::Value;
    match (key, x) {
        (_, Value::Null) => "（空）".into(),
        ("total_investment" | "annual_plan" | "investment", Value::Number(n)) => n
            .as_i64()
            .map(|y| format!("{} 万元", diaodu_domain::Yuan(y).wan_text()))
            .unwrap_or_else(|| n.to_string()),
        ("unit_id" | "lead_unit_id" | "parent_id", Value::Number(n)) => n
            .as_i64()
            .and_then(|u| tree.get(u))
            .map_or_else(|| n.to_string(), |u| u.name.clone()),
        ("category", Value::String(v)) => Category::parse(v).map_or(v.clone(), |c| c.zh().into()),
        ("stage", Value::String(v)) => Stage::parse(v).map_or(v.clone(), |c| c.zh().into()),
        ("env_approval", Value::String(v)) => {
            EnvApproval::parse(v).map_or(v.clone(), |c| c.zh().into())
        }
        ("role", Value::String(v)) => {
            diaodu_domain::access::Role::parse(v).map_or(v.clone(), |r| r.zh().into())
        }
        ("kind", Value::String(v)) => {
            diaodu_domain::access::UnitKind::parse(v).map_or(v.clone(), |k| k.zh().into())
        }
        ("escalation", Value::String(v)) => {
            diaodu_domain::notice::Escalation::parse(v).map_or(v.clone(), |e| e.zh().into())
        }
        ("active", Value::Bool(b)) => if *b { "正常" } else { "已停用" }.into(),
        ("state", Value::String(v)) => diaodu_domain::notice::NoticeState::parse(v)
            .map(|st| st.zh().to_string())
            .or_else(|| diaodu_domain::task::TaskState::parse(v).map(|st| st.zh().to_string()))
            .unwrap_or_else(|| v.clone()),
        ("subject", Value::Array(a)) => {
            let kind = a.first().and_then(|k| k.as_str()).unwrap_or("");
            let id = a.get(1).map(|i| i.to_string()).unwrap_or_default();
            format!("{} #{id}", zh(ENTITIES, kind))
        }
        (_, Value::Bool(b)) => if *b { "是" } else { "否" }.into(),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Array(a)) => a
            .iter()
            .map(|v| value_zh(tree, "", v))
            .collect::<Vec<_>>()
            .join("、"),
        (_, x) => x.to_string(),
    }
}

/// One side of a change as `字段：值` lines. For an update only the fields whose value changed are
/// shown, so a reader sees at once what was altered.
fn json_cell(
    tree: &UnitTree,
    v: &Option<serde_json::Value>,
    other: &Option<serde_json::Value>,
) -> String {
    let Some(v) = v else { return String::new() };
    let line =
        |k: &str, x: &serde_json::Value| format!("{}：{}", zh(FIELDS, k), value_zh(tree, k, x));
    match (v, other) {
        (serde_json::Value::Object(m), Some(serde_json::Value::Object(o))) => m
            .iter()
            .filter(|(k, x)| o.get(*k) != Some(*x))
            .map(|(k, x)| line(k, x))
            .collect::<Vec<_>>()
            .join("\n"),
        (serde_json::Value::Object(m), _) => m
            .iter()
            .map(|(k, x)| line(k, x))
            .collect::<Vec<_>>()
            .join("\n"),
        (x, _) => value_zh(tree, "", x),
    }
}

/// Who acted, by name and unit (`张三（云东区）`); the server's own runs and the command line by
/// what they are.
fn actor_zh(users: &HashMap<String, (String, String)>, login: &str) -> String {
    match login {
        "system" => "系统自动".into(),
        "cli" => "命令行".into(),
        l => users
            .get(l)
            .map_or_else(|| l.to_string(), |(name, unit)| format!("{name}（{unit}）")),
    }
}

/// GET /audit
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    c.require(Action::ViewAudit)?;
    let ctx = Ctx::load(&state, &c).await?;
    let filter = AuditFilter {
        entity: nonempty(&q.entity).map(String::from),
        entity_id: nonempty(&q.entity_id).map(String::from),
        user_login: nonempty(&q.user).map(String::from),
        action: nonempty(&q.action).map(String::from),
        from: nonempty(&q.from).map(String::from),
        to: nonempty(&q.to).map(String::from),
        before_id: q.before,
        limit: 50,
    };
    let recs = state.store.audit().list(&filter).await?;
    let users: HashMap<String, (String, String)> = state
        .store
        .users()
        .records()
        .await?
        .into_iter()
        .map(|u| {
            let unit = ctx
                .tree
                .get(u.unit_id)
                .map(|x| x.name.clone())
                .unwrap_or_default();
            (u.login, (u.name, unit))
        })
        .collect();
    if nonempty(&q.format) == Some("xlsx") {
        use diaodu_office::xlsx::Cell::Text;
        let rows: Vec<_> = recs
            .iter()
            .map(|r| {
                vec![
                    Text(super::layout::local_time(&r.at)),
                    Text(actor_zh(&users, &r.user_login)),
                    Text(zh(ACTIONS, &r.action).to_string()),
                    Text(zh(ENTITIES, &r.entity).to_string()),
                    Text(r.entity_id.clone()),
                    Text(json_cell(&ctx.tree, &r.before, &r.after)),
                    Text(json_cell(&ctx.tree, &r.after, &r.before)),
                ]
            })
            .collect();
        let heads = [
            "时间（北京时间）",
            "操作人",
            "操作",
            "对象",
            "编码",
            "修改前",
            "修改后",
        ];
        return super::list_xlsx("操作留痕", state.today(), &heads, &rows);
    }
    let next = (recs.len() == 50)
        .then(|| recs.last().map(|r| r.id))
        .flatten();
    let qs = |before: i64| {
        let v: Vec<(&str, String)> = [
            ("entity", &q.entity),
            ("entity_id", &q.entity_id),
            ("user", &q.user),
            ("action", &q.action),
            ("from", &q.from),
            ("to", &q.to),
        ]
        .into_iter()
        .filter_map(|(k, v)| nonempty(v).map(|s| (k, s.to_string())))
        .chain(std::iter::once(("before", before.to_string())))
        .collect();
        serde_urlencoded::to_string(&v).unwrap_or_default()
    };
    let export = {
        let v: Vec<(&str, String)> = [
            ("entity", &q.entity),
            ("entity_id", &q.entity_id),
            ("user", &q.user),
            ("action", &q.action),
            ("from", &q.from),
            ("to", &q.to),
        ]
        .into_iter()
        .filter_map(|(k, v)| nonempty(v).map(|s| (k, s.to_string())))
        .chain(q.before.map(|b| ("before", b.to_string())))
        .chain(std::iter::once(("format", "xlsx".to_string())))
        .collect();
        serde_urlencoded::to_string(&v).unwrap_or_default()
    };
    let body = html! {
        h1 { "操作留痕" span.muted.small { "　只增不改：记录一经写入，数据库拒绝修改或删除" } }
        form.filters method="get" action="/audit" {
            label { "对象" select name="entity" { option value="" { "全部" } @for (k, v) in ENTITIES { option value=(k) selected[nonempty(&q.entity) == Some(*k)] { (v) } } } }
            label { "编码" input name="entity_id" value=[nonempty(&q.entity_id)] placeholder="项目编码，含其填报与督导记录"; }
            label { "操作人" input name="user" value=[nonempty(&q.user)]; }
            label { "操作" select name="action" { option value="" { "全部" } @for (k, v) in ACTIONS { option value=(k) selected[nonempty(&q.action) == Some(*k)] { (v) } } } }
            label { "起始日期" input type="date" name="from" value=[nonempty(&q.from)]; }
            label { "截止日期" input type="date" name="to" value=[nonempty(&q.to)]; }
            button type="submit" { "查询" }
            a.btn.light-btn href={"/audit?" (export)} { "导出本页 Excel" }
        }
        div.tablewrap { table #audit {
            thead { tr { th { "时间（北京时间）" } th { "操作人" } th { "操作" } th { "对象" } th { "编码" } th { "修改前" } th { "修改后" } } }
            tbody {
                @for r in &recs { tr {
                    td.small.nw { (super::layout::local_time(&r.at)) }
                    td { (actor_zh(&users, &r.user_login)) } td.nw { (zh(ACTIONS, &r.action)) } td.nw { (zh(ENTITIES, &r.entity)) } td { (r.entity_id) }
                    td { pre.small style="margin:0;white-space:pre-wrap;max-width:360px" { (json_cell(&ctx.tree, &r.before, &r.after)) } }
                    td { pre.small style="margin:0;white-space:pre-wrap;max-width:360px" { (json_cell(&ctx.tree, &r.after, &r.before)) } }
                } }
                @if recs.is_empty() { tr { td colspan="7" { span.muted { "没有符合条件的记录。" } } } }
            }
        } }
        @if let Some(n) = next { div.pager { a href={"/audit?" (qs(n))} { "更早的记录 ›" } } }
    };
    Ok(page(&c, &ctx.unit_name, "/audit", "操作留痕", body).into_response())
}
