//! Channels outside the platform (消息推送): the outbox's deliveries, a channel's test, a unit's own
//! group robot. Administrator only.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use diaodu_domain::access::Action;
use diaodu_store::Delivery;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::types::{ReadErrors, WriteErrors};
use crate::auth::ApiCurrent;
use crate::error::{ApiError, AppError};
use crate::forms::nonempty;
use crate::notify::{test_channel, Channel};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(deliveries))
        .routes(routes!(retry))
        .routes(routes!(test))
        .routes(routes!(unit_robot))
}

/// Query of `GET /api/v1/deliveries`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// pending, sending, delivered or failed (default: all).
    pub state: Option<String>,
}

/// 消息推送记录（新者在前，最多 500 条）：渠道、发往、状态、尝试次数与渠道答复（系统管理员）。
#[utoipa::path(get, path = "/api/v1/deliveries", tag = "消息推送", params(DeliveriesQuery),
    responses((status = 200, description = "推送记录", body = Vec<Delivery>), ReadErrors))]
async fn deliveries(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<DeliveriesQuery>,
) -> Result<Json<Vec<Delivery>>, ApiError> {
    c.require(Action::ManageSettings)?;
    let st = match nonempty(&q.state) {
        Some(s) if ["pending", "sending", "delivered", "failed"].contains(&s) => Some(s),
        Some(_) => {
            return Err(
                AppError::invalid("state", "应为 pending、sending、delivered 或 failed").into(),
            )
        }
        None => None,
    };
    Ok(Json(state.store.messages().deliveries(st, 500).await?))
}

/// 将一条发送失败的推送重新排队（系统管理员）。
#[utoipa::path(post, path = "/api/v1/deliveries/{id}/retry", tag = "消息推送",
    params(("id" = i64, Path, description = "推送记录 id")),
    responses((status = 204, description = "已重新排队"), WriteErrors))]
async fn retry(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    c.require(Action::ManageSettings)?;
    state
        .store
        .messages()
        .retry_delivery(&c.actor(), id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of `POST /api/v1/notify/test`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TestBody {
    /// email, dingtalk, wecom or webhook.
    pub channel: String,
    /// A test e-mail's address.
    #[serde(default)]
    pub to: Option<String>,
    /// A unit whose own group robot to test (default: the city's).
    #[serde(default)]
    pub unit_id: Option<i64>,
}

/// A test's outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct TestOut {
    /// The channel took it.
    pub delivered: bool,
    /// What the channel answered, or why it was not sent.
    pub answer: String,
}

/// 立即经一个渠道发一条测试消息，返回渠道的答复（系统管理员）。
#[utoipa::path(post, path = "/api/v1/notify/test", tag = "消息推送", request_body = TestBody,
    responses((status = 200, description = "测试结果", body = TestOut), WriteErrors))]
async fn test(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<TestBody>,
) -> Result<Json<TestOut>, ApiError> {
    c.require(Action::ManageSettings)?;
    let ch = Channel::parse(&b.channel)
        .ok_or_else(|| AppError::invalid("channel", "应为 email、dingtalk、wecom 或 webhook"))?;
    if let Some(u) = b.unit_id {
        if state.store.units().await?.get(u).is_none() {
            return Err(AppError::invalid("unit_id", "单位不存在").into());
        }
    }
    let o = test_channel(&state.store, ch, b.to.as_deref(), b.unit_id).await?;
    Ok(Json(TestOut {
        delivered: o.delivered,
        answer: o.answer,
    }))
}

/// Body of `PUT /api/v1/units/{id}/notify/{key}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RobotBody {
    /// The value; empty removes the unit's own.
    pub value: String,
}

/// 设置单位自己的群机器人（notify.dingtalk.webhook、notify.dingtalk.secret、notify.wecom.webhook；值为空即删除；系统管理员）。
#[utoipa::path(put, path = "/api/v1/units/{id}/notify/{key}", tag = "消息推送",
    params(("id" = i64, Path, description = "单位 id"), ("key" = String, Path, description = "设置键")),
    request_body = RobotBody,
    responses((status = 204, description = "已保存"), WriteErrors))]
async fn unit_robot(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path((id, key)): Path<(i64, String)>,
    Json(b): Json<RobotBody>,
) -> Result<StatusCode, ApiError> {
    crate::service::notify::set_unit_robot(&state, &c, &id.to_string(), &key, &b.value).await?;
    Ok(StatusCode::NO_CONTENT)
}
