//! 领导驾驶舱: the whole scope on one screen — indicators as small multiples, the year's investment
//! against the time line, lights by unit, tasks and supervision — every figure a link to the list
//! behind it; a 16:9 projector mode that refreshes itself, and a one-page A4 landscape print.

use axum::extract::{Query, State};
use diaodu_domain::notice::Escalation;
use diaodu_domain::period::fmt_date;
use diaodu_domain::status::time_progress_pct;
use diaodu_domain::task::TaskLight;
use diaodu_domain::Yuan;
use diaodu_office::svg::{investment_chart, rank_line, stacked_bars, Segment};
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

use super::layout::{page, pct, svg, yi};
use super::{as_of, Ctx};
use crate::auth::Current;
use crate::service::cockpit::Cockpit;
use crate::{AppError, AppState};

/// Query of the cockpit.
#[derive(Debug, Default, Deserialize)]
pub struct CockpitQuery {
    /// The day (default today).
    pub as_of: Option<String>,
    /// `screen`: the projector mode.
    pub mode: Option<String>,
    /// The map's figure: `completion` (default), `red` or `overdue`.
    pub map: Option<String>,
}

const RED: &str = "#cf222e";
const YELLOW: &str = "#d4a72c";
const GREEN: &str = "#2da44e";
const GREY: &str = "#8c959f";

/// A figure that opens the list behind it.
fn figure(k: &str, v: Markup, sub: Markup, href: &str) -> Markup {
    html! {
        a.card.link href=(href) {
            div.k { (k) } div.v { (v) } div.sub { (sub) }
        }
    }
}

/// The map of the region's units coloured by `figure`, each unit opening its list; `pinned` is
/// the `&as_of=` of a day asked for, kept when another figure is chosen.
fn map(
    k: &Cockpit,
    tree: &diaodu_store::UnitTree,
    figure: &str,
    mode: &str,
    pinned: &str,
) -> Markup {
    let date = fmt_date(k.d);
    let lines: Vec<&diaodu_store::reporting::UnitLine> = k.units.iter().skip(1).collect();
    let units: Vec<(i64, crate::service::map::AreaFigure)> = tree
        .children(Some(k.region.id))
        .into_iter()
        .map(|u| {
            let line = lines.iter().find(|l| l.unit.id == u.id);
            match figure {
                "red" => {
                    let n = line.map_or(0, |l| l.figures.red);
                    (
                        u.id,
                        (
                            Some(f64::from(n)),
                            format!("红灯 {n} 个"),
                            format!("/projects?unit={}&light=red&as_of={date}", u.id),
                        ),
                    )
                }
                "overdue" => {
                    let n = k
                        .overdue
                        .iter()
                        .find(|o| o.unit.id == u.id)
                        .map_or(0, |o| o.overdue);
                    (
                        u.id,
                        (
                            Some(f64::from(n)),
                            format!("逾期 {n} 件"),
                            format!("/notices?show=overdue&unit={}", u.id),
                        ),
                    )
                }
                _ => {
                    let v = line.and_then(|l| l.figures.completion_pct);
                    (
                        u.id,
                        (
                            v,
                            v.map_or_else(|| "—".into(), |v| format!("{v:.1}%")),
                            format!("/projects?unit={}&as_of={date}", u.id),
                        ),
                    )
                }
            }
        })
        .collect();
    let figures: std::collections::HashMap<i64, crate::service::map::AreaFigure> =
        units.iter().cloned().collect();
    let areas = crate::service::map::areas(&k.map.0, &figures);
    let h = k.map.1;
    let (title, worse) = match figure {
        "red" => ("各单位红灯项目数", true),
        "overdue" => ("各单位逾期未反馈督办单", true),
        _ => ("各单位年度投资完成率", false),
    };
    let link = |f: &str| {
        format!(
            "/cockpit?map={f}{pinned}{}",
            if mode == "screen" { "&mode=screen" } else { "" }
        )
    };
    html! {
        figure.chart-box #map {
            figcaption { (title) span.small { "　"
                a href=(link("completion")) { "完成率" } " · " a href=(link("red")) { "红灯项目" } " · " a href=(link("overdue")) { "逾期督办" } } }
            @if areas.is_empty() { p.muted { "尚无单位边界：系统管理员可在“单位管理 › 地图边界”上传 GeoJSON 文件。" } }
            @else { (svg(diaodu_office::svg::choropleth(title, &areas, crate::service::cockpit::MAP_WIDTH, h, worse))) }
            details { summary { "数据表" } table {
                thead { tr { th { "单位" } th.n { (title.trim_start_matches("各单位")) } } }
                tbody { @for (id, (_, text, href)) in &units { tr {
                    td { a href=(href) { (tree.get(*id).map(|u| u.name.as_str()).unwrap_or("")) } } td.n { (text) }
                } } }
            } }
        }
    }
}

/// The cockpit's parts; `records` says whether the caller may open the accountability records
/// (the supervision office, the leaders), else the year's figure is shown without a link.
fn body(k: &Cockpit, map_part: Markup, records: bool) -> Markup {
    let d = k.d;
    let year = d.year();
    let t = &k.total;
    let tp = time_progress_pct(d);
    let date = fmt_date(d);
    // The chart draws a year's points as increments.
    let mut prev = Yuan::ZERO;
    let increments: Vec<(time::Date, Yuan)> = k
        .investment
        .iter()
        .map(|(day, cum)| {
            let inc = Yuan(cum.0 - prev.0);
            prev = *cum;
            (*day, inc)
        })
        .collect();
    let lines: Vec<&diaodu_store::reporting::UnitLine> = k.units.iter().skip(1).collect();
    let bars: Vec<(String, Vec<Segment>)> = lines
        .iter()
        .map(|l| {
            let f = &l.figures;
            let href =
                |light: &str| format!("/projects?unit={}&light={light}&as_of={date}", l.unit.id);
            (
                l.unit.name.clone(),
                vec![
                    Segment {
                        count: f.red,
                        color: RED,
                        label: "红灯",
                        href: href("red"),
                    },
                    Segment {
                        count: f.yellow,
                        color: YELLOW,
                        label: "黄灯",
                        href: href("yellow"),
                    },
                    Segment {
                        count: f.green,
                        color: GREEN,
                        label: "绿灯",
                        href: href("green"),
                    },
                    Segment {
                        count: f.done,
                        color: GREY,
                        label: "已竣工",
                        href: href("done"),
                    },
                ],
            )
        })
        .collect();
    let task = |l: TaskLight| k.tasks.get(&l).copied().unwrap_or(0);
    let tasks_total: u32 = k.tasks.values().sum();
    let notices_total: u32 = k.notices_by_state.iter().map(|(_, n)| n).sum();
    let escalated: u32 = k
        .notices_by_step
        .iter()
        .filter(|(e, _)| *e != Escalation::None)
        .map(|(_, n)| n)
        .sum();
    html! {
        @if k.scorecard.is_none() {
            section.cockpit-part #indicators {
                h2 { "主要指标" }
                p.muted { "本年尚无与同级地区比较的指标排名：统计部门录入本期各地区指标数值后，此处显示各项指标的排名与增速。" a href="/scorecard" { "指标成绩单 →" } }
            }
        }
        @if let Some(sc) = &k.scorecard {
            section.cockpit-part #indicators {
                h2 { "主要指标" span.muted.small { "　" (sc.period.zh()) "，在同级中的排名" } }
                div.multiples {
                    @for c in &sc.indicators {
                        @let card = &c.card;
                        a.multiple href={"/scorecard?region=" (k.region.id) "&period=" (sc.period)} title=(card.text) {
                            div.k { (card.name) }
                            div.v {
                                @match card.rank { Some(r) => { "第 " (r) small { " / " (card.peer_count) } }, None => small { "无排名" } }
                                @match card.rank_change {
                                    Some(x) if x > 0 => span.up { " ↑" (x) },
                                    Some(x) if x < 0 => span.down { " ↓" (-x) },
                                    _ => {},
                                }
                            }
                            div.sub {
                                @if let Some(g) = card.growth_pct { "增速 " (format!("{g:.1}%")) }
                                @else if let Some(v) = card.value { (format!("{v:.1}")) " " (card.unit) }
                                @if let (Some(th), Some(src)) = (card.threshold, card.threshold_source) {
                                    "，" (if src == "target" { "目标 " } else { "上级 " }) (format!("{th:.1}"))
                                }
                            }
                            (svg(rank_line(&c.card.name, &c.history.iter().map(|(p, r, n)| (p.to_string(), *r, *n)).collect::<Vec<_>>())))
                        }
                    }
                }
                details { summary { "数据表" } table {
                    thead { tr { th { "指标" } th.n { "数值" } th.n { "增速" } th.n { "目标/上级" } th.n { "排名" } th.n { "较上期" } th { "历次排名" } } }
                    tbody { @for c in &sc.indicators { @let card = &c.card; tr {
                        td { a href={"/scorecard?region=" (k.region.id) "&period=" (sc.period)} { (card.name) } }
                        td.n { @if let Some(v) = card.value { (format!("{v:.1}")) " " (card.unit) } @else { "—" } }
                        td.n { @if let Some(g) = card.growth_pct { (format!("{g:.1}%")) } @else { "—" } }
                        td.n { @if let Some(th) = card.threshold { (format!("{th:.1}")) } @else { "—" } }
                        td.n { @match card.rank { Some(r) => { (r) " / " (card.peer_count) }, None => "—" } }
                        td.n { @match card.rank_change { Some(x) if x > 0 => { "上升 " (x) }, Some(x) if x < 0 => { "下降 " (-x) }, Some(_) => "持平", None => "—" } }
                        td { (c.history.iter().map(|(p, r, n)| format!("{p}：{}", r.map_or("—".to_string(), |r| format!("{r}/{n}")))).collect::<Vec<_>>().join("，")) }
                    } } }
                } }
            }
        }
        section.cockpit-part #projects {
            h2 { "重点项目" span.muted.small { "　时序进度 " (format!("{tp:.1}%")) } }
            div.cards {
                (figure("年度投资完成率", html! { (pct(t.completion_pct)) }, html! { "完成 " (yi(t.ytd_investment)) " / 计划 " (yi(t.annual_plan)) " 亿元" }, &format!("/ranking?as_of={date}")))
                (figure("开工率", html! { (pct(t.start_rate_pct)) }, html! { "已开工 " (t.started) " / 应开工 " (t.start_base) " 个" }, &format!("/ranking?as_of={date}")))
                (figure("双过半", html! { @match t.double_half { Some(true) => "已实现", Some(false) => span.down { "未实现" }, None => small { "6月30日评价" } } }, html! { "上半年完成 " (yi(t.by_june_30)) " 亿元" }, &format!("/ranking?as_of={date}")))
                (figure("红灯项目", html! { span.down { (t.red) } small { " 个" } }, html! { "黄灯 " (t.yellow) "，绿灯 " (t.green) }, &format!("/projects?light=red&as_of={date}")))
                (figure("开而未建", html! { (k.stalled) small { " 个" } }, html! { "已开工、连续无投资" }, &format!("/projects?flag=stalled&as_of={date}")))
                (figure("逾期未开工", html! { (k.late_start) small { " 个" } }, html! { "计划开工日期已过" }, &format!("/projects?flag=late_start&as_of={date}")))
            }
            div.charts {
                (map_part)
                figure.chart-box #invest {
                    figcaption { "本年投资累计与时序进度线" }
                    a href={"/ranking?as_of=" (date)} { (svg(investment_chart(d.year(), t.annual_plan, &increments, None, d))) }
                    details { summary { "数据表" } table {
                        thead { tr { th { "截至" } th.n { "累计完成(亿元)" } th.n { "时序计划(亿元)" } } }
                        tbody { @for (day, cum) in &k.investment { tr {
                            td { (fmt_date(*day)) } td.n { (yi(*cum)) }
                            td.n { (yi(Yuan((t.annual_plan.0 as f64 * time_progress_pct(*day) / 100.0).round() as i64))) }
                        } } }
                    } }
                }
                figure.chart-box #trend {
                    figcaption { "开而未建、逾期未开工：近 12 周" span.muted.small { "　每周日，点圆点看当周项目" } }
                    @let labels: Vec<String> = k.trend.iter().map(|(day, _, _)| format!("{}/{}", day.month() as u8, day.day())).collect();
                    @let href = |flag: &str| k.trend.iter().map(|(day, _, _)| format!("/projects?flag={flag}&as_of={}", fmt_date(*day))).collect::<Vec<_>>();
                    (svg(diaodu_office::svg::trend_lines("开而未建、逾期未开工近 12 周", &labels, &[
                        ("开而未建", RED, k.trend.iter().map(|t| t.1).collect(), href("stalled")),
                        ("逾期未开工", YELLOW, k.trend.iter().map(|t| t.2).collect(), href("late_start")),
                    ])))
                    details { summary { "数据表" } table {
                        thead { tr { th { "周日" } th.n { "开而未建" } th.n { "逾期未开工" } } }
                        tbody { @for (day, st, late) in &k.trend { tr { td { (fmt_date(*day)) } td.n { (st) } td.n { (late) } } } }
                    } }
                }
                figure.chart-box #lights {
                    figcaption { "各单位项目亮灯" span.muted.small { "　红 · 黄 · 绿 · 已竣工，点色块看项目" } }
                    (svg(stacked_bars("各单位项目亮灯", &bars)))
                    details { summary { "数据表" } table {
                        thead { tr { th { "单位" } th.n { "红灯" } th.n { "黄灯" } th.n { "绿灯" } th.n { "已竣工" } th.n { "完成率" } } }
                        tbody { @for l in &lines { tr {
                            td { a href={"/projects?unit=" (l.unit.id) "&as_of=" (date)} { (l.unit.name) } }
                            td.n { (l.figures.red) } td.n { (l.figures.yellow) } td.n { (l.figures.green) } td.n { (l.figures.done) }
                            td.n { (pct(l.figures.completion_pct)) }
                        } } }
                    } }
                }
            }
        }
        section.cockpit-part #supervision {
            h2 { "重点任务与督办" }
            div.cards {
                // Each light opens its own list, so the figure is not one link.
                div.card {
                    div.k { a href={"/tasks?as_of=" (date)} { "重点任务" } } div.v { (tasks_total) small { " 项" } }
                    div.sub {
                        a href={"/tasks?light=red&as_of=" (date)} { span.down { "红 " (task(TaskLight::Red)) } } "　"
                        a href={"/tasks?light=yellow&as_of=" (date)} { "黄 " (task(TaskLight::Yellow)) } "　"
                        a href={"/tasks?light=green&as_of=" (date)} { "绿 " (task(TaskLight::Green)) } "　"
                        a href={"/tasks?light=done&as_of=" (date)} { "销号 " (task(TaskLight::Done)) }
                    }
                }
                (figure("本年督办单", html! { (notices_total) small { " 件" } }, html! { "已升级 " (escalated) " 件" }, &format!("/notices?show=all&year={year}")))
                (figure("逾期未反馈", html! { span.down { (k.overdue.iter().map(|o| o.overdue).sum::<u32>()) } small { " 件" } }, html! { (k.overdue.len()) " 个单位" }, "/notices?show=overdue"))
                @if records {
                    (figure("本年问责", html! { (k.accountability) small { " 人次" } }, html! { "问责记录" }, &format!("/accountability?year={year}")))
                } @else {
                    div.card { div.k { "本年问责" } div.v { (k.accountability) small { " 人次" } } div.sub { "问责记录" } }
                }
            }
            div.charts {
                figure.chart-box #notice-states {
                    figcaption { "督办单：状态与升级" }
                    table.compact {
                        thead { tr { th { "状态" } th.n { "件" } th { "升级" } th.n { "件" } } }
                        tbody {
                            @for i in 0..k.notices_by_state.len().max(k.notices_by_step.len()) { tr {
                                @if let Some((s, n)) = k.notices_by_state.get(i) {
                                    td { a href={"/notices?state=" (s.code()) "&year=" (year)} { (s.zh()) } } td.n { (n) }
                                } @else { td {} td {} }
                                @if let Some((e, n)) = k.notices_by_step.get(i) {
                                    td { a href={"/notices?escalation=" (e.code()) "&year=" (year)} { (e.zh()) } } td.n { (n) }
                                } @else { td {} td {} }
                            } }
                        }
                    }
                }
                figure.chart-box #overdue {
                    figcaption { "逾期未反馈（按单位）" }
                    @if k.overdue.is_empty() { p.muted { "没有逾期未反馈的督办单。" } } @else {
                        table.compact {
                            thead { tr { th { "单位" } th.n { "逾期件数" } th.n { "最长逾期(天)" } } }
                            tbody { @for o in &k.overdue { tr {
                                td { a href={"/notices?show=overdue&unit=" (o.unit.id)} { (o.unit.name) } }
                                td.n { b.down { (o.overdue) } } td.n { (o.longest_days) }
                            } } }
                        }
                    }
                }
            }
        }
    }
}

/// GET /cockpit
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<CockpitQuery>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let ctx = Ctx::load(&state, &c).await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    if d > state.today() {
        // The cockpit shows what has happened: its trend reads the weeks before the day.
        return Err(AppError::invalid("as_of", "统计日期不能晚于今天"));
    }
    // A day asked for stays in the links; without one the page (and the meeting room's screen,
    // refreshed every five minutes) follows today.
    let pinned = q
        .as_of
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|_| format!("&as_of={}", fmt_date(d)))
        .unwrap_or_default();
    let k = crate::service::cockpit::cockpit(&state, &c, d).await?;
    let figure = match q.map.as_deref() {
        Some("red") => "red",
        Some("overdue") => "overdue",
        _ => "completion",
    };
    let map_part = map(
        &k,
        &ctx.tree,
        figure,
        q.mode.as_deref().unwrap_or(""),
        &pinned,
    );
    let title = format!("{} · 领导驾驶舱", k.region.name);
    let screen = q.mode.as_deref() == Some("screen");
    let head = html! {
        h1 { (title) span.muted.small { "　统计日期 " (fmt_date(d)) "，时序进度 " (format!("{:.1}%", time_progress_pct(d))) } }
    };
    if screen {
        // The meeting room's screen: no menu, large type, 16:9, refreshed every five minutes.
        return Ok(html! {
            (DOCTYPE)
            html lang="zh-CN" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta http-equiv="refresh" content="300";
                    title { (title) " · 调度" }
                    link rel="stylesheet" href="/static/app.css";
                }
                body.screen {
                    main.stage { div.cockpit {
                        header.screen-head { (head) p.small.muted { "每 5 分钟自动刷新　" a href={"/cockpit?" (pinned.trim_start_matches('&'))} { "退出投屏" } } }
                        (body(&k, map_part.clone(), crate::service::sees_accountability(&c)))
                    } }
                }
            }
        }
        .into_response());
    }
    // A leader lands here: the instructions written and not yet closed come first, as they did on
    // the home page.
    let instructions: Vec<diaodu_store::Instruction> = if c
        .can(diaodu_domain::access::Action::Instruct)
        && c.user.role != diaodu_domain::access::Role::Admin
    {
        state
            .store
            .notices()
            .outstanding_instructions(
                &ctx.tree,
                diaodu_store::Outstanding::WrittenBy(c.user.id),
                d,
            )
            .await?
            .into_iter()
            .filter(|i| ctx.tree.in_scope(i.unit_id, c.scope))
            .collect()
    } else {
        Vec::new()
    };
    let page_body = html! {
        @if !instructions.is_empty() { div.screen-only {
            h2 { "我的批示（未办结）" span.muted.small { "　（" (instructions.len()) " 件）　" a href="/instructions" { "全部批示 →" } } }
            (super::instructions::table(&instructions.iter().collect::<Vec<_>>(), d, None))
        } }
        div.cockpit {
            (head)
            form.filters method="get" action="/cockpit" {
                label { "统计日期" input type="date" name="as_of" value=(fmt_date(d)); }
                button type="submit" { "查询" }
                a.btn.light-btn href={"/cockpit?mode=screen" (pinned)} { "投屏模式" }
                button.light-btn type="button" onclick="window.print()" { "打印（A4 横向）" }
            }
            (body(&k, map_part.clone(), crate::service::sees_accountability(&c)))
        }
    };
    Ok(page(&c, &ctx.unit_name, "/cockpit", "领导驾驶舱", page_body).into_response())
}
