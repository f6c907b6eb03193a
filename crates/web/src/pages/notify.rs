//! 消息推送 (administrator): each channel's state with a test, the units' own group robots, and the
//! outbox — every delivery with its channel's answer, failed ones retried with a click.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use diaodu_domain::access::Action;
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, flash, local_time, page};
use super::{nonempty, redirect_saved, Ctx};
use crate::auth::Current;
use crate::notify::{test_channel, Channel, Config, UNIT_KEYS};
use crate::{AppError, AppState};

/// Query of the page.
#[derive(Debug, Default, Deserialize)]
pub struct NotifyQuery {
    /// Only deliveries in this state.
    pub state: Option<String>,
    /// Confirmation of a change, or a test's answer.
    pub saved: Option<String>,
    /// A test that failed, with the channel's answer.
    pub failed: Option<String>,
}

fn state_zh(s: &str) -> &'static str {
    match s {
        "pending" => "待发送",
        "sending" => "发送中",
        "delivered" => "已送达",
        "failed" => "失败",
        _ => "—",
    }
}

fn key_zh(k: &str) -> &'static str {
    diaodu_domain::settings::find(k).map_or("", |s| s.name)
}

/// GET /admin/notify
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<NotifyQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::ManageSettings)?;
    let ctx = Ctx::load(&state, &c).await?;
    let cfg = Config::load(&state.store).await?;
    let filter =
        nonempty(&q.state).filter(|s| ["pending", "sending", "delivered", "failed"].contains(s));
    let list = state.store.messages().deliveries(filter, 200).await?;
    let counts = state.store.messages().delivery_counts().await?;
    let count = |s: &str| counts.iter().find(|c| c.0 == s).map_or(0, |c| c.1);
    let overrides = state.store.messages().unit_settings().await?;
    let unit_name = |id: i64| {
        ctx.tree
            .get(id)
            .map_or_else(|| id.to_string(), |u| u.name.clone())
    };
    let target = |t: &str| match t.strip_prefix("unit:").and_then(|u| u.parse::<i64>().ok()) {
        Some(u) => format!("{}的群", unit_name(u)),
        None if t.is_empty() => "全市的群".to_string(),
        None => t.to_string(),
    };
    let units = ctx.tree.within(c.scope);
    let body = html! {
        h1 { "消息推送" span.muted.small { "　站内消息之外，经邮件、钉钉、企业微信和对外推送发出的消息" } }
        (flash(nonempty(&q.saved), nonempty(&q.failed)))
        h2 { "渠道" }
        p.small.muted { "地址、密钥和免打扰时段在 " a href="/admin/settings#提醒与推送" { "系统设置·提醒与推送" } " 中设置。每条消息与触发它的事件（催报、自动提醒、督办升级）一同写入待发队列，由后台逐条发送，失败的按 1、5、15、60、240 分钟后重试，最多 6 次。" }
        div.tablewrap { table {
            thead { tr { th { "渠道" } th { "状态" } th { "发一条测试消息" } } }
            tbody {
                @for ch in Channel::ALL {
                    tr {
                        td.nw { b { (ch.zh()) } }
                        td.nw { @if cfg.configured(ch) { span.tag.done { "已设置" } } @else { span.tag.off { "未设置" } } }
                        td {
                            @if !cfg.configured(ch) { span.small.muted { "先在系统设置中填写地址" } } @else {
                            form.inline method="post" action="/admin/notify/test" {
                                (csrf(&c))
                                input type="hidden" name="channel" value=(ch.code());
                                @match ch {
                                    Channel::Email => { input name="to" type="email" placeholder="收件地址" aria-label="测试邮件收件地址" required; " " },
                                    Channel::DingTalk | Channel::WeCom => {
                                        select name="unit" aria-label="发到哪个群" {
                                            option value="" { "全市的群" }
                                            @let key = if ch == Channel::DingTalk { "notify.dingtalk.webhook" } else { "notify.wecom.webhook" };
                                            @for (u, _, _) in overrides.iter().filter(|o| o.1 == key) {
                                                option value=(u) { (unit_name(*u)) "的群" }
                                            }
                                        }
                                        " "
                                    },
                                    Channel::Webhook => {},
                                }
                                button type="submit" { "测试" }
                            }
                            }
                        }
                    }
                }
            }
        } }
        h2 { "各单位的群机器人" }
        p.small.muted { "区县有自己的钉钉群或企业微信群时在此设置；该单位及其下级单位的消息发到它的群，其他单位的发到全市的群。值留空保存即删除。" }
        @if !overrides.is_empty() {
            div.tablewrap { table {
                thead { tr { th { "单位" } th { "设置" } th { "值" } } }
                tbody {
                    @for (u, k, v) in &overrides {
                        tr {
                            td { (unit_name(*u)) }
                            td { (key_zh(k)) }
                            td { @if diaodu_domain::settings::is_secret(k) { "（已设置）" } @else { code.small { (v) } } }
                        }
                    }
                }
            } }
        }
        form.filters method="post" action="/admin/notify/unit" {
            (csrf(&c))
            label { "单位" select name="unit" { @for u in &units { option value=(u.id) { (u.name) } } } }
            label { "设置" select name="key" { @for k in UNIT_KEYS { option value=(k) { (key_zh(k)) } } } }
            label { "值" input name="value" size="48" maxlength="300"; }
            button type="submit" { "保存" }
        }
        h2 { "发送记录" }
        div.filters {
            a href="/admin/notify" { "全部" }
            @for s in ["pending", "sending", "delivered", "failed"] {
                " · " a href={ "/admin/notify?state=" (s) } class=[(filter == Some(s)).then_some("on")] { (state_zh(s)) " " (count(s)) }
            }
        }
        @if list.is_empty() { p.muted { "暂无记录。" } } @else {
            div.tablewrap.cardable { table.deliveries {
                thead { tr { th { "写入" } th { "渠道" } th { "发往" } th { "内容" } th { "状态" } th.n { "次数" } th { "渠道答复" } th {} } }
                tbody {
                    @for d in &list {
                        tr {
                            td.nw { (local_time(&d.created_at)) }
                            td.nw { (Channel::parse(&d.channel).map_or(d.channel.as_str(), |c| c.zh())) }
                            td { (target(&d.target)) }
                            td { b { (d.title) } br; span.small.muted { (d.body.chars().take(60).collect::<String>()) @if d.body.chars().count() > 60 { "…" } } }
                            td.nw {
                                span class={ "tag " (match d.state.as_str() { "delivered" => "done", "failed" => "late", _ => "open" }) } { (state_zh(&d.state)) }
                                @if d.state == "pending" && d.attempts > 0 { br; span.small.muted { "下次 " (local_time(&d.next_at)) } }
                            }
                            td.n { (d.attempts) }
                            td { span.small { (d.answer) } }
                            td.nw {
                                @if d.state == "failed" {
                                    form.inline method="post" action="/admin/notify/retry" {
                                        (csrf(&c)) input type="hidden" name="id" value=(d.id); button type="submit" { "重试" }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/admin/notify", "消息推送", body))
}

/// A test of one channel.
#[derive(Debug, Deserialize)]
pub struct TestForm {
    /// The channel's code.
    pub channel: String,
    /// A test e-mail's address.
    pub to: Option<String>,
    /// The unit whose own robot to test.
    pub unit: Option<String>,
}

/// POST /admin/notify/test — sends at once and shows the channel's answer.
pub async fn test(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<TestForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageSettings)?;
    let ch = Channel::parse(&f.channel).ok_or_else(|| AppError::invalid("渠道", "未知渠道"))?;
    let unit = match nonempty(&f.unit) {
        Some(u) => Some(
            u.parse::<i64>()
                .map_err(|_| AppError::invalid("单位", "无效的单位"))?,
        ),
        None => None,
    };
    let o = test_channel(&state.store, ch, nonempty(&f.to), unit).await?;
    let (key, msg) = if o.delivered {
        (
            "saved",
            format!("{}测试消息已送达。答复：{}", ch.zh(), o.answer),
        )
    } else {
        ("failed", format!("{}测试消息未送达：{}", ch.zh(), o.answer))
    };
    let q = serde_urlencoded::to_string([(key, msg)]).unwrap_or_default();
    Ok(axum::response::Redirect::to(&format!("/admin/notify?{q}")).into_response())
}

/// A unit's own robot setting.
#[derive(Debug, Deserialize)]
pub struct UnitForm {
    /// Unit id.
    pub unit: String,
    /// One of [`UNIT_KEYS`].
    pub key: String,
    /// The value (empty: remove).
    pub value: String,
}

/// POST /admin/notify/unit
pub async fn save_unit(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<UnitForm>,
) -> Result<Response, AppError> {
    let saved =
        crate::service::notify::set_unit_robot(&state, &c, &f.unit, &f.key, &f.value).await?;
    Ok(redirect_saved("/admin/notify", &saved).into_response())
}

/// A delivery to retry.
#[derive(Debug, Deserialize)]
pub struct RetryForm {
    /// Its id.
    pub id: i64,
}

/// POST /admin/notify/retry
pub async fn retry(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<RetryForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageSettings)?;
    state
        .store
        .messages()
        .retry_delivery(&c.actor(), f.id)
        .await?;
    Ok(redirect_saved("/admin/notify?state=pending", "已重新排队，稍后发送").into_response())
}
