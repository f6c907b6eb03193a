//! The reporting calendar (填报日历): a unit's deadlines over a span, and the holiday arrangement the
//! administrator keeps.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use diaodu_domain::calendar::{format_year, DayKind, SpecialDay};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::types::{ReadErrors, WriteErrors};
use crate::auth::ApiCurrent;
use crate::error::{ApiError, AppError};
use crate::forms::nonempty;
use crate::service::calendar::{save_year, unit_calendar, UnitCalendar, YEARS};
use crate::service::scope::scope_root;
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(calendar))
        .routes(routes!(year_days, put_year_days))
}

/// Query of `GET /api/v1/calendar`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// Unit id (default: the top of the caller's scope); its deadlines and those of the units below it.
    pub unit: Option<String>,
    /// First day, YYYY-MM-DD (default: the 1st of this month).
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (default: the last day of `from`'s month); at most 366 days in all.
    pub to: Option<String>,
}

/// 单位的填报日历：区间内每天是否工作日（含法定节假日与调休），以及区间内的每个截止日——项目周报、任务进展、督办反馈、指标数据——已报与逾期情况。
#[utoipa::path(get, path = "/api/v1/calendar", tag = "填报日历", params(CalendarQuery),
    responses((status = 200, description = "填报日历", body = UnitCalendar), ReadErrors))]
async fn calendar(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<CalendarQuery>,
) -> Result<Json<UnitCalendar>, ApiError> {
    let tree = state.store.units().await?;
    let today = state.today();
    let unit = match nonempty(&q.unit) {
        Some(u) => u
            .parse::<i64>()
            .ok()
            .filter(|id| tree.get(*id).is_some())
            .ok_or_else(|| AppError::invalid("unit", "无效的单位"))?,
        None => scope_root(&c),
    };
    let date = |field: &str, s: &str| {
        diaodu_domain::period::parse_date(s).map_err(|e| AppError::invalid(field, e.to_string()))
    };
    let from = match nonempty(&q.from) {
        Some(s) => date("from", s)?,
        None => today.replace_day(1).expect("day 1"),
    };
    let to = match nonempty(&q.to) {
        Some(s) => date("to", s)?,
        None => from
            .replace_day(from.month().length(from.year()))
            .expect("last day"),
    };
    Ok(Json(
        unit_calendar(&state, &tree, &c, unit, from, to, today).await?,
    ))
}

/// A year's holiday arrangement.
#[derive(Debug, Serialize, ToSchema)]
pub struct YearDays {
    /// The year.
    pub year: i32,
    /// Its days off and weekend days worked, by date.
    pub days: Vec<SpecialDay>,
    /// The same as entry lines (`2026-10-01~2026-10-07 休 国庆节`).
    pub text: String,
}

fn check_year(year: i32) -> Result<(), AppError> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(AppError::invalid("year", "应在 2000 至 2100 之间"))
    }
}

/// 某年的法定节假日与调休安排。
#[utoipa::path(get, path = "/api/v1/calendar/days/{year}", tag = "填报日历",
    params(("year" = i32, Path, description = "年份")),
    responses((status = 200, description = "节假日安排", body = YearDays), ReadErrors))]
async fn year_days(
    State(state): State<AppState>,
    ApiCurrent(_c): ApiCurrent,
    Path(year): Path<i32>,
) -> Result<Json<YearDays>, ApiError> {
    check_year(year)?;
    let days = state.store.reports().calendar_year(year).await?;
    Ok(Json(YearDays {
        year,
        text: format_year(&days),
        days,
    }))
}

/// One day of an arrangement as sent.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DayIn {
    /// The date, YYYY-MM-DD, or a span `2026-10-01~2026-10-07`.
    #[schema(example = "2026-10-01~2026-10-07")]
    pub date: String,
    /// `off` (休) or `work` (班).
    pub kind: DayKind,
    /// The holiday (国庆节).
    pub name: String,
}

/// Body of `PUT /api/v1/calendar/days/{year}`: the whole year's arrangement.
#[derive(Debug, Deserialize, ToSchema)]
pub struct YearIn {
    /// Every day off and weekend day worked of the year (an empty list clears it).
    pub days: Vec<DayIn>,
}

/// 录入某年的法定节假日与调休安排，整年替换（系统管理员；逐项校验，记入操作留痕）。
#[utoipa::path(put, path = "/api/v1/calendar/days/{year}", tag = "填报日历",
    params(("year" = i32, Path, description = "年份")),
    request_body = YearIn,
    responses((status = 204, description = "已保存"), WriteErrors))]
async fn put_year_days(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(year): Path<i32>,
    Json(b): Json<YearIn>,
) -> Result<StatusCode, ApiError> {
    check_year(year)?;
    // Each entry becomes one line of the arrangement, so the API and the page share one check; a line
    // break inside a name would split it, and is refused as the control character it is.
    let mut lines = String::new();
    for (i, d) in b.days.iter().enumerate() {
        if d.name.chars().any(char::is_control) || d.date.chars().any(char::is_control) {
            return Err(AppError::invalid(&format!("days[{i}]"), "不能含有换行等控制字符").into());
        }
        // The date is one field of the line: a space or a comma in it would make the rest another.
        if d.date
            .trim()
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, ',' | '，' | '、'))
        {
            return Err(AppError::invalid(
                &format!("days[{i}]"),
                format!(
                    "日期“{}”应为 2026-10-01 或 2026-10-01~2026-10-07",
                    d.date.trim()
                ),
            )
            .into());
        }
        let name = if d.name.trim().is_empty() {
            ""
        } else {
            d.name.trim()
        };
        lines.push_str(&format!("{} {} {}\n", d.date.trim(), d.kind.zh(), name));
    }
    save_year(&state, &c, year, &lines, |n| format!("days[{}]", n - 1)).await?;
    Ok(StatusCode::NO_CONTENT)
}
