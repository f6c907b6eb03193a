//! The audit log page (留痕): filter by entity, user, action and dates; newest first.

use axum::extract::{Query, State};
use diaodu_domain::access::Action;
use diaodu_store::AuditFilter;
use maud::{html, Markup};
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
}

const ENTITIES: &[(&str, &str)] = &[
    ("project", "项目"),
    ("report", "进度填报"),
    ("site_visit", "现场督导"),
    ("unit", "单位"),
    ("user", "用户"),
    ("admission_rule", "准入规则"),
    ("setting", "设置"),
];
const ACTIONS: &[(&str, &str)] = &[
    ("create", "新增"),
    ("update", "修改"),
    ("delete", "删除"),
    ("refuse", "准入拒绝"),
    ("unlock", "解除登录锁定"),
    ("password", "修改密码"),
];

fn zh<'a>(table: &'a [(&str, &'a str)], k: &'a str) -> &'a str {
    table
        .iter()
        .find(|(a, _)| *a == k)
        .map(|(_, b)| *b)
        .unwrap_or(k)
}

/// One side of a change as `key: value` lines. For an update only the keys whose value changed are
/// shown, so a reader sees at once what was altered.
fn json_cell(v: &Option<serde_json::Value>, other: &Option<serde_json::Value>) -> String {
    let Some(v) = v else { return String::new() };
    let text = |x: &serde_json::Value| match x {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "（空）".into(),
        x => x.to_string(),
    };
    match (v, other) {
        (serde_json::Value::Object(m), Some(serde_json::Value::Object(o))) => m
            .iter()
            .filter(|(k, x)| o.get(*k) != Some(*x))
            .map(|(k, x)| format!("{k}: {}", text(x)))
            .collect::<Vec<_>>()
            .join("\n"),
        (serde_json::Value::Object(m), _) => m
            .iter()
            .map(|(k, x)| format!("{k}: {}", text(x)))
            .collect::<Vec<_>>()
            .join("\n"),
        (x, _) => text(x),
    }
}

/// GET /audit
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<AuditQuery>,
) -> Result<Markup, AppError> {
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
    let recs = state.store.audit_list(&filter).await?;
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
        }
        div.tablewrap { table #audit {
            thead { tr { th { "时间（北京时间）" } th { "操作人" } th { "操作" } th { "对象" } th { "编码" } th { "修改前" } th { "修改后" } } }
            tbody {
                @for r in &recs { tr {
                    td.small.nw { (super::layout::local_time(&r.at)) }
                    td { (r.user_login) } td { (zh(ACTIONS, &r.action)) } td { (zh(ENTITIES, &r.entity)) } td { (r.entity_id) }
                    td { pre.small style="margin:0;white-space:pre-wrap;max-width:360px" { (json_cell(&r.before, &r.after)) } }
                    td { pre.small style="margin:0;white-space:pre-wrap;max-width:360px" { (json_cell(&r.after, &r.before)) } }
                } }
                @if recs.is_empty() { tr { td colspan="7" { span.muted { "没有符合条件的记录。" } } } }
            }
        } }
        @if let Some(n) = next { div.pager { a href={"/audit?" (qs(n))} { "更早的记录 ›" } } }
    };
    Ok(page(&c, &ctx.unit_name, "/audit", "操作留痕", body))
}
