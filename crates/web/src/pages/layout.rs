//! The page frame, navigation and small shared pieces of markup.

use axum::http::StatusCode;
use diaodu_domain::access::Action;
use diaodu_domain::status::Light;
use maud::{html, Markup, PreEscaped, DOCTYPE};

pub use crate::format::{pct, pp, wan, yi};

use crate::auth::Current;

/// Navigation entries: (path, label, who may see it). The last [`ADMIN_ENTRIES`] are grouped under
/// 系统管理.
const NAV: &[(&str, &str, Option<Action>)] = &[
    ("/", "首页", None),
    // Everyone reads the cockpit of their own scope (a district's users, their district's).
    ("/cockpit", "驾驶舱", None),
    ("/projects", "项目库", None),
    ("/tasks", "重点任务", None),
    ("/notices", "督办单", None),
    ("/instructions", "领导批示", None),
    ("/meetings", "调度会", Some(Action::ViewMeetings)),
    ("/documents", "材料库", None),
    ("/inspections", "督查活动", Some(Action::Inspect)),
    ("/ranking", "单位排名", None),
    ("/planning", "项目策划", None),
    ("/assessment", "目标考核", None),
    ("/scorecard", "指标成绩单", None),
    // Everyone may read the catalogue (linked from the scorecard); the menu names it for those who
    // keep it.
    ("/indicators", "指标目录", Some(Action::ManageIndicators)),
    ("/reports/due", "进度填报", Some(Action::SubmitReport)),
    ("/reports/chase", "催报", Some(Action::ChaseReports)),
    ("/calendar", "填报日历", None),
    ("/data", "导入导出", None),
    ("/admission", "项目准入", Some(Action::ViewRefusals)),
    ("/admin/users", "用户管理", Some(Action::ManageUsers)),
    ("/admin/units", "单位管理", Some(Action::ManageUnits)),
    ("/audit", "操作留痕", Some(Action::ViewAudit)),
    ("/admin/logins", "登录日志", Some(Action::ManageUsers)),
    ("/admin/settings", "系统设置", Some(Action::ManageSettings)),
    (
        "/admin/calendar",
        "节假日安排",
        Some(Action::ManageSettings),
    ),
];

/// How many of [`NAV`]'s last entries are the system management group.
const ADMIN_ENTRIES: usize = 6;

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · 调度" }
            link rel="stylesheet" href="/static/app.css";
        }
    }
}

/// A full page for a logged-in user.
pub fn page(c: &Current, unit_name: &str, active: &str, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            (head(title))
            body {
                header.top {
                    a.brand href="/" { "调度" small { "重点工作调度督办平台" } }
                    // On a phone the menu folds behind this toggle (no script: a checkbox and its
                    // label); the label names the section the page is in.
                    input #menu-open type="checkbox" aria-hidden="true";
                    label.menu-toggle for="menu-open" {
                        "☰ " (NAV.iter().find(|n| n.0 == active).map_or("菜单", |n| n.1))
                    }
                    @let (main_nav, admin_nav) = NAV.split_at(NAV.len() - ADMIN_ENTRIES);
                    @let admin_nav: Vec<_> = admin_nav.iter().filter(|n| n.2.is_none_or(|a| c.can(a))).collect();
                    nav {
                        @for (href, label, need) in main_nav {
                            // Who files reports reaches 催报 and 填报日历 from the 进度填报 page,
                            // keeping the menu to one row.
                            @if need.is_none_or(|a| c.can(a)) && !(matches!(*href, "/reports/chase" | "/calendar") && c.can(Action::SubmitReport)) {
                                a href=(href) class=@if *href == active { "on" } { (label) }
                            }
                        }
                        @if !admin_nav.is_empty() {
                            details.group {
                                summary class=@if admin_nav.iter().any(|n| n.0 == active) { "on" } { "系统管理" }
                                div.sub {
                                    @for (href, label, _) in &admin_nav {
                                        a href=(href) class=@if *href == active { "on" } { (label) }
                                    }
                                }
                            }
                        }
                    }
                    form.search method="get" action="/search" role="search" {
                        input name="q" type="search" placeholder="搜索编码、名称、督办单号" aria-label="搜索" maxlength="64";
                    }
                    div.who {
                        a.bell href="/inbox" title={ "消息" @if c.unread > 0 { "：" (c.unread) " 条未读" } } aria-label={ "消息，" (c.unread) " 条未读" } {
                            "消息" @if c.unread > 0 { span.count { (c.unread.min(99)) } }
                        }
                        a.me href="/account" title={ "我的账号：" (c.user.name) " · " (unit_name) " · " (c.user.role.zh()) } {
                            (c.user.name) span.x { " · " (unit_name) " · " (c.user.role.zh()) }
                        }
                        form method="post" action="/logout" {
                            input type="hidden" name="_csrf" value=(c.csrf);
                            button type="submit" { "退出" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A bare page (log-in, errors without a session).
pub fn bare(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            (head(title))
            body { (body) }
        }
    }
}

/// The error page.
pub fn error_page(status: StatusCode, msg: &str, details: &[String]) -> Markup {
    bare(
        "出错了",
        html! {
            main {
                div.panel style="max-width:760px;margin:8vh auto" {
                    h1 { "出错了（" (status.as_u16()) "）" }
                    div.flash.err {
                        (msg)
                        @if !details.is_empty() {
                            ul { @for d in details { li { (d) } } }
                        }
                    }
                    p { a href="/" { "回到首页" } }
                }
            }
        },
    )
}

/// A light with its colour dot.
pub fn light(l: Light) -> Markup {
    html! { span class={"light " (l.code())} { (l.zh()) } }
}

/// A light's reason tag class: red reasons in red, yellow ones in amber.
pub fn reason_class(l: Light) -> &'static str {
    if l == Light::Red {
        "tag red small"
    } else {
        "tag warn small"
    }
}

/// A stored UTC timestamp shown in Beijing time, to the minute: `2026-03-09 18:05`.
pub fn local_time(ts: &str) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    match time::PrimitiveDateTime::parse(ts.get(..19).unwrap_or(ts), &fmt) {
        Ok(t) => {
            let t = t + time::Duration::hours(8);
            format!(
                "{} {:02}:{:02}",
                diaodu_domain::period::fmt_date(t.date()),
                t.hour(),
                t.minute()
            )
        }
        Err(_) => ts.to_string(),
    }
}

/// A hidden CSRF field.
pub fn csrf(c: &Current) -> Markup {
    html! { input type="hidden" name="_csrf" value=(c.csrf); }
}

/// A success or error banner.
pub fn flash(ok: Option<&str>, err: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = ok { div.flash.ok { (m) } }
        @if let Some(m) = err { div.flash.err { (m) } }
    }
}

/// Raw SVG markup produced by our own chart code (already escaped there).
pub fn svg(s: String) -> Markup {
    PreEscaped(s)
}
