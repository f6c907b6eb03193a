//! The reporting calendar (填报日历): a unit's month, every deadline on its day with what was filed and
//! what is late, the holidays and the weekend days worked; and the administrator's page for a year's
//! holiday arrangement (节假日安排).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use diaodu_domain::access::Action;
use diaodu_domain::calendar::{format_year, DayKind, SpecialDay, EXAMPLE_2026};
use diaodu_domain::period::parse_date;
use maud::{html, Markup};
use serde::Deserialize;
use time::{Date, Duration};

use super::layout::{csrf, flash, page};
use super::{nonempty, redirect_saved, Ctx};
use crate::auth::Current;
use crate::service::calendar::{
    save_year, unit_calendar, CalendarDeadline, DeadlineKind, DeadlineState, YEARS,
};
use crate::service::scope::scope_root;
use crate::{AppError, AppState};

/// Query of the calendar page.
#[derive(Debug, Default, Deserialize)]
pub struct CalendarQuery {
    /// Unit id (default: the top of the user's scope).
    pub unit: Option<String>,
    /// Month, `YYYY-MM` (default: this month).
    pub month: Option<String>,
}

fn parse_month(s: &str) -> Option<Date> {
    parse_date(&format!("{}-01", s.trim())).ok()
}

fn month_end(first: Date) -> Date {
    first
        .replace_day(first.month().length(first.year()))
        .expect("last day")
}

fn ym(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month() as u8)
}

fn state_class(s: DeadlineState) -> &'static str {
    match s {
        DeadlineState::Done => "done",
        DeadlineState::Open => "open",
        DeadlineState::Today => "today",
        DeadlineState::Late => "late",
    }
}

fn short(k: DeadlineKind) -> &'static str {
    match k {
        DeadlineKind::ProjectReport => "周报",
        DeadlineKind::TaskReport => "任务",
        DeadlineKind::NoticeReply => "督办",
        DeadlineKind::IndicatorValues => "指标",
    }
}

/// One chip in a day's cell: weekly reports of a week counted, other items by name.
fn chip(d: &CalendarDeadline) -> Markup {
    html! {
        a class={ "chip " (state_class(d.state)) } href=(d.link) title={ (d.title) "：" (d.state.zh()) } {
            b { (short(d.kind)) }
            @if d.kind == DeadlineKind::ProjectReport {
                " " (d.filed) "/" (d.expected)
            } @else if d.kind == DeadlineKind::IndicatorValues {
                " " (d.period)
            } @else {
                " " (d.title.chars().take(8).collect::<String>())
            }
        }
    }
}

/// GET /calendar
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<CalendarQuery>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    let today = state.today();
    let unit = match nonempty(&q.unit) {
        Some(u) => u
            .parse::<i64>()
            .ok()
            .filter(|id| ctx.tree.get(*id).is_some())
            .ok_or_else(|| AppError::invalid("单位", "无效的单位"))?,
        None => scope_root(&c),
    };
    let first = match nonempty(&q.month) {
        Some(m) => parse_month(m)
            .filter(|d| YEARS.contains(&d.year()))
            .ok_or_else(|| AppError::invalid("月份", format!("“{m}”应为 YYYY-MM，如 2026-12")))?,
        None => today.replace_day(1).expect("day 1"),
    };
    let last = month_end(first);
    let cal = unit_calendar(&state, &ctx.tree, &c, unit, first, last, today).await?;
    let prev = (first - Duration::days(1)).replace_day(1).expect("day 1");
    let next = last + Duration::days(1);
    let units: Vec<_> = ctx.tree.within(c.scope);
    let late: usize = cal
        .deadlines
        .iter()
        .filter(|d| d.state == DeadlineState::Late)
        .count();
    let open: usize = cal
        .deadlines
        .iter()
        .filter(|d| matches!(d.state, DeadlineState::Open | DeadlineState::Today))
        .count();
    // The grid starts on the Monday of the month's first week.
    let lead = first.weekday().number_days_from_monday() as usize;
    let mut cells: Vec<Option<usize>> = vec![None; lead];
    cells.extend((0..cal.days.len()).map(Some));
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    let link = |m: Date| format!("/calendar?unit={unit}&month={}", ym(m));
    let body = html! {
        h1 { "填报日历" span.muted.small { "　" (cal.unit_name) } }
        form.filters method="get" action="/calendar" {
            label { "单位"
                select name="unit" {
                    @for u in &units {
                        option value=(u.id) selected[u.id == unit] { (u.name) }
                    }
                }
            }
            label { "月份" input name="month" type="month" value=(ym(first)); }
            button type="submit" { "查看" }
            span.monthnav {
                a href=(link(prev)) { "‹ 上月" }
                " " @if ym(first) != ym(today) { a href=(format!("/calendar?unit={unit}")) { "本月" } " " }
                a href=(link(next)) { "下月 ›" }
            }
        }
        p.small.muted { (cal.rules_zh) "。"
            @if c.can(Action::ManageSettings) { a href="/admin/settings" { "修改截止规则" } "　" a href="/admin/calendar" { "节假日安排" } } }
        @for y in &cal.years_without_holidays {
            div.flash.warn { (y) " 年的法定节假日安排尚未录入，暂只按周六、周日休息计算截止日。"
                @if c.can(Action::ManageSettings) { a href={ "/admin/calendar?year=" (y) } { "去录入" } } }
        }
        div.cards.calsum {
            div.card { div.k { "本月截止事项" } div.v { (cal.deadlines.len()) } }
            div.card { div.k { "已逾期" } div class={ "v" @if late > 0 { " red" } } { (late) } }
            div.card { div.k { "待报" } div.v { (open) } }
        }
        h2 { (first.year()) " 年 " (first.month() as u8) " 月" }
        div.tablewrap { table.cal {
            thead { tr { @for w in ["一", "二", "三", "四", "五", "六", "日"] { th { "周" (w) } } } }
            tbody {
                @for week in cells.chunks(7) {
                    tr {
                        @for cell in week {
                            @match cell {
                                None => { td.blank {} },
                                Some(i) => {
                                    @let day = &cal.days[*i];
                                    @let date = first + Duration::days(*i as i64);
                                    @let items: Vec<&CalendarDeadline> = cal.deadlines.iter().filter(|d| d.date == day.date).collect();
                                    td class={
                                        @if !day.working { "off " }
                                        @if day.special == Some(DayKind::Work) { "work " }
                                        @if date == today { "today" }
                                    } {
                                        div.dn {
                                            span.num { (date.day()) }
                                            @if let Some(h) = &day.holiday {
                                                span.hol { (h) @if day.special == Some(DayKind::Work) { "·班" } @else { "·休" } }
                                            }
                                        }
                                        @for d in &items { (chip(d)) }
                                        @if !items.is_empty() {
                                            span.dots { @for d in &items { i class=(state_class(d.state)) {} } }
                                        }
                                    }
                                },
                            }
                        }
                    }
                }
            }
        } }
        h2 { "截止事项" }
        @if cal.deadlines.is_empty() {
            p.muted { "本月没有截止事项。" }
        } @else {
            div.tablewrap.cardable { table.deadlines {
                thead { tr { th { "截止" } th { "类型" } th { "事项" } th.n { "已报 / 应报" } th { "状态" } } }
                tbody {
                    @for d in &cal.deadlines {
                        tr {
                            td.nw { (d.due_zh) @if d.moved { " " span.small.muted { "（遇节假日顺延）" } } }
                            td.nw { (d.kind.zh()) }
                            td { a href=(d.link) { (d.title) } }
                            td.n { span.ph { "已报 / 应报 " } (d.filed) " / " (d.expected) }
                            td.nw { span class={ "tag " (state_class(d.state)) } { (d.state.zh()) } }
                        }
                    }
                }
            } }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/calendar", "填报日历", body))
}

/// Query of the holiday arrangement page.
#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    /// The year (default: this year).
    pub year: Option<String>,
    /// Confirmation of a change.
    pub saved: Option<String>,
}

/// The form of the holiday arrangement page.
#[derive(Debug, Deserialize)]
pub struct YearForm {
    /// The year.
    pub year: String,
    /// Its entry lines.
    pub text: String,
}

/// The holidays of a year in words: `国庆节：10月1日—10月7日休；9月20日、10月10日上班`.
fn summary(days: &[SpecialDay]) -> Vec<(String, String)> {
    // Holidays in the order of their first day off (a make-up day may come weeks before).
    let mut names: Vec<(Date, &str)> = Vec::new();
    for d in days {
        let key = if d.kind == DayKind::Off {
            d.day
        } else {
            Date::MAX
        };
        match names.iter_mut().find(|n| n.1 == d.name) {
            Some(n) => n.0 = n.0.min(key),
            None => names.push((key, &d.name)),
        }
    }
    names.sort();
    let names: Vec<&str> = names.into_iter().map(|n| n.1).collect();
    let md = |d: Date| format!("{}月{}日", d.month() as u8, d.day());
    names
        .into_iter()
        .map(|n| {
            let off: Vec<Date> = days
                .iter()
                .filter(|d| d.name == n && d.kind == DayKind::Off)
                .map(|d| d.day)
                .collect();
            let work: Vec<String> = days
                .iter()
                .filter(|d| d.name == n && d.kind == DayKind::Work)
                .map(|d| md(d.day))
                .collect();
            let mut s = String::new();
            if let (Some(a), Some(b)) = (off.first(), off.last()) {
                s = if a == b {
                    format!("{}放假，共 1 天", md(*a))
                } else {
                    format!("{}至{}放假，共 {} 天", md(*a), md(*b), off.len())
                };
            }
            if !work.is_empty() {
                if !s.is_empty() {
                    s.push('；');
                }
                s.push_str(&format!("{}上班", work.join("、")));
            }
            (n.to_string(), s)
        })
        .collect()
}

async fn year_page(
    state: &AppState,
    c: &Current,
    year: i32,
    saved: Option<&str>,
    refused: Option<(&str, &[(String, String)])>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(state, c).await?;
    let days = state.store.reports().calendar_year(year).await?;
    let text = refused.map_or_else(|| format_year(&days), |r| r.0.to_string());
    let this_year = state.today().year();
    let body = html! {
        h1 { "节假日安排" span.muted.small { "　法定节假日与调休，决定各项填报的截止日" } }
        (flash(saved, refused.map(|_| "未保存：请按下列提示修改后再保存")))
        @if let Some((_, errs)) = refused {
            ul.errors { @for (f, m) in errs.iter() { li { (f) "：" (m) } } }
        }
        form.filters method="get" action="/admin/calendar" {
            label { "年份" input name="year" type="number" min="2000" max="2100" value=(year); }
            button type="submit" { "查看" }
            span.monthnav {
                a href={ "/admin/calendar?year=" (year - 1) } { "‹ " (year - 1) }
                " " a href={ "/admin/calendar?year=" (year + 1) } { (year + 1) " ›" }
            }
        }
        div.split {
            div.panel {
                h2 style="margin-top:0" { (year) " 年" }
                @if days.is_empty() {
                    p.muted { "尚未录入。未录入的年份只按周六、周日休息计算截止日。" }
                } @else {
                    ul.holidays { @for (n, s) in summary(&days) { li { b { (n) } "：" (s) } } }
                }
                @if year == 2026 && days.is_empty() {
                    form method="post" action="/admin/calendar" {
                        (csrf(c))
                        input type="hidden" name="year" value="2026";
                        input type="hidden" name="text" value=(EXAMPLE_2026);
                        button type="submit" { "载入国务院办公厅 2026 年部分节假日安排" }
                    }
                }
                p.small.muted { "截止日落在放假日的，顺延至下一个工作日；调休上班日按工作日计。截止规则在"
                    a href="/admin/settings" { "系统设置·填报时限" } "中设置。" }
            }
            div.panel {
                form method="post" action="/admin/calendar" {
                    (csrf(c))
                    input type="hidden" name="year" value=(year);
                    label for="text" { b { "逐行录入：" } span.small.muted { "日期或日期段、休或班、节日名称，如“2026-10-01~2026-10-07 休 国庆节”“2026-10-10 班 国庆节”。保存时整年替换。" } }
                    textarea #text name="text" rows="16" spellcheck="false" { (text) }
                    div { button type="submit" { "保存 " (year) " 年安排" } }
                }
            }
        }
        @if year != this_year { p { a href="/admin/calendar" { "回到本年" } } }
    };
    Ok(page(
        c,
        &ctx.unit_name,
        "/admin/calendar",
        "节假日安排",
        body,
    ))
}

/// GET /admin/calendar
pub async fn admin(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<YearQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::ManageSettings)?;
    let year = match nonempty(&q.year) {
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| YEARS.contains(y))
            .ok_or_else(|| AppError::invalid("年份", "应在 2000 至 2100 之间"))?,
        None => state.today().year(),
    };
    year_page(&state, &c, year, q.saved.as_deref(), None).await
}

/// POST /admin/calendar — a whole year; a refusal shows the page again with the text kept and each
/// bad line named.
pub async fn save(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<YearForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageSettings)?;
    let year = f
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| AppError::invalid("年份", "应在 2000 至 2100 之间"))?;
    match save_year(&state, &c, year, &f.text, |n| format!("第 {n} 行"))
        .await
        .map_err(AppError::from)
    {
        Ok(n) => Ok(redirect_saved(
            &format!("/admin/calendar?year={year}"),
            &format!("已保存 {year} 年安排，共 {n} 天"),
        )
        .into_response()),
        Err(AppError::Invalid(errs)) => {
            let page = year_page(&state, &c, year, None, Some((&f.text, &errs))).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(e),
    }
}
