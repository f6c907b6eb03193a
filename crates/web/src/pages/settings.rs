//! System settings (系统设置): every setting of `diaodu_domain::settings` with its meaning, default and
//! value in force, changed one at a time, checked and audited by the store.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use diaodu_domain::access::Action;
use diaodu_domain::settings::{Kind, Setting};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, flash, page};
use super::{redirect_saved, Ctx, SavedQuery};
use crate::auth::Current;
use crate::{AppError, AppState};

/// One setting's change.
#[derive(Debug, Deserialize)]
pub struct SettingForm {
    /// The key.
    pub key: String,
    /// The new value.
    pub value: String,
    /// `1`: clear a secret (an empty secret field otherwise leaves it as it is).
    pub clear: Option<String>,
}

/// A setting and the value stored, if any.
type SettingValue = (&'static Setting, Option<String>);

fn range(s: &Setting) -> String {
    match s.kind {
        Kind::Points { max_centi } => format!("0 – {}，最多两位小数", max_centi / 100),
        Kind::Whole { min, max } => format!("{min} – {max} 的整数"),
        Kind::Text { max_chars } => format!(
            "不超过 {max_chars} 个字；留空为{}",
            diaodu_domain::settings::derived_default(s.key).unwrap_or("默认")
        ),
    }
}

fn text_max(s: &Setting) -> usize {
    match s.kind {
        Kind::Text { max_chars } => max_chars,
        _ => 40,
    }
}

/// The page: one row per setting, each with its own form; `error` is a refused change (the key, the
/// value typed and the reason), shown on its row with the value kept.
async fn settings_page(
    state: &AppState,
    c: &Current,
    saved: Option<&str>,
    error: Option<(&str, &str, &str)>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(state, c).await?;
    let list = state.store.settings().await?;
    let mut groups: Vec<(&str, Vec<SettingValue>)> = Vec::new();
    for (s, v) in list {
        match groups.last_mut() {
            Some((g, items)) if *g == s.group => items.push((s, v)),
            _ => groups.push((s.group, vec![(s, v)])),
        }
    }
    let body = html! {
        h1 { "系统设置" span.muted.small { "　每项修改即时生效，并记入操作留痕" } }
        (flash(saved, error.map(|e| e.2)))
        @for (group, items) in &groups {
            h2 { (group) }
            @if *group == "提醒与推送" {
                p.small.muted { "区县自己的群机器人和发送记录在 " a href="/admin/notify" { "消息推送" } " 页。密钥类设置只显示是否已设置。" }
                form.inline.notify-test method="post" action="/admin/notify/test" {
                    (csrf(c))
                    "保存后测试："
                    select name="channel" aria-label="测试哪个渠道" {
                        @for ch in crate::notify::Channel::ALL { option value=(ch.code()) { (ch.zh()) } }
                    }
                    " "
                    input name="to" type="email" placeholder="测试邮件的收件地址" aria-label="测试邮件的收件地址";
                    " " button type="submit" { "发送测试消息" }
                }
            }
            @if *group == "填报时限" {
                p.small.muted { "截止日遇法定节假日顺延至下一个工作日；节假日与调休在 " a href="/admin/calendar" { "节假日安排" } " 中录入。各单位在 " a href="/calendar" { "填报日历" } " 中查看本单位的截止事项。" }
            }
            div.tablewrap { table.settings {
                thead { tr { th { "设置" } th { "现值" } th { "默认" } th { "说明" } th { "修改" } } }
                tbody {
                    @for (s, v) in items {
                        @let refused = error.filter(|e| e.0 == s.key);
                        tr class=[refused.map(|_| "refused")] {
                            td { b { (s.name) } br; code.small { (s.key) } }
                            @let text = matches!(s.kind, Kind::Text { .. });
                            @let secret = diaodu_domain::settings::is_secret(s.key);
                            td.nw {
                                @match v.as_deref().filter(|v| !v.is_empty()) {
                                    Some(_) if secret => { span.tag.done { "已设置" } },
                                    Some(v) if text => { span.setting-text { (v) } },
                                    Some(v) => { (v) " " (s.unit) },
                                    None if text => { span.muted.small { "（默认）" } },
                                    None => { (s.default) " " (s.unit) span.muted.small { "（默认）" } },
                                }
                            }
                            td { @if text { span.small { (diaodu_domain::settings::derived_default(s.key).unwrap_or("—")) } } @else { span.nw { (s.default) " " (s.unit) } } }
                            td { (s.meaning) br; span.muted.small { "取值：" (range(s)) } }
                            td.nw {
                                form.inline method="post" action="/admin/settings" {
                                    (csrf(c))
                                    input type="hidden" name="key" value=(s.key);
                                    @let shown = refused.map(|e| e.1.to_string()).or_else(|| v.clone()).unwrap_or_else(|| s.default.to_string());
                                    @if secret {
                                        input name="value" type="password" size="24" autocomplete="new-password"
                                            maxlength=(text_max(s)) aria-label=(s.name)
                                            placeholder=@if v.as_deref().is_some_and(|v| !v.is_empty()) { "已设置，输入新值替换" } @else { "" };
                                    } @else if text {
                                        input name="value" size=(text_max(s).min(36)) maxlength=(text_max(s)) aria-label=(s.name) value=(shown);
                                    } @else {
                                        input name="value" inputmode="decimal" size="6" required
                                            aria-label={ (s.name) "（" (s.unit) "）" } value=(shown);
                                    }
                                    " " (s.unit) " "
                                    button type="submit" { "保存" }
                                    @if secret && v.as_deref().is_some_and(|v| !v.is_empty()) {
                                        " " button.light-btn type="submit" name="clear" value="1" { "清除" }
                                    }
                                }
                                @if let Some(e) = refused { div.field-error { (e.2) } }
                            }
                        }
                    }
                }
            } }
        }
    };
    Ok(page(c, &ctx.unit_name, "/admin/settings", "系统设置", body))
}

/// GET /admin/settings
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<SavedQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::ManageSettings)?;
    settings_page(&state, &c, q.saved.as_deref(), None).await
}

/// POST /admin/settings — one setting; a refusal shows the page again with the reason on its row.
pub async fn save(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<SettingForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageSettings)?;
    let secret = diaodu_domain::settings::is_secret(&f.key);
    let name = diaodu_domain::settings::find(&f.key).map_or("设置", |s| s.name);
    let clear = f.clear.as_deref() == Some("1");
    // A secret is never shown, so its field starts empty: left empty, it stays as it is.
    if secret && f.value.trim().is_empty() && !clear {
        return Ok(redirect_saved("/admin/settings", &format!("{name}未修改")).into_response());
    }
    let value = if clear { "" } else { f.value.as_str() };
    match state.store.set_setting(&c.actor(), &f.key, value).await {
        Ok(()) => {
            let shown = if secret {
                if clear {
                    "（已清除）".to_string()
                } else {
                    "（已设置）".to_string()
                }
            } else {
                value.trim().to_string()
            };
            Ok(
                redirect_saved("/admin/settings", &format!("已保存：{name} = {shown}"))
                    .into_response(),
            )
        }
        Err(diaodu_store::StoreError::Invalid(v)) => {
            let reason = v
                .iter()
                .map(|(field, m)| format!("{field}：{m}"))
                .collect::<Vec<_>>()
                .join("；");
            let page = settings_page(&state, &c, None, Some((&f.key, &f.value, &reason))).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
