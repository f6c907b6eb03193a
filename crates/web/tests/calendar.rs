//! The reporting calendar (填报日历): the administrator enters the year's holidays with their make-up
//! working days and sets the deadline rules; each unit sees its deadlines, moved past days off, with
//! what is filed and what is late; a report's on-time flag and a notice's reply date follow the same
//! calendar. Bad lines and bad spans are refused with the line or field named, and nothing is saved.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use diaodu_domain::calendar::EXAMPLE_2026;
use diaodu_domain::Period;
use serde_json::json;
use time::macros::date;
use time::Duration;

#[tokio::test]
async fn the_office_enters_the_holidays_and_each_unit_sees_its_deadlines_moved() {
    let app = TestApp::with_today(Some(date!(2026 - 12 - 06))).await;
    let admin = app.login("admin").await;
    let page = app.get(&admin, "/admin/calendar?year=2026").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("尚未录入"), "{}", page.body);
    assert!(page.body.contains("载入国务院办公厅 2026 年部分节假日安排"));

    // A Monday entered as a make-up working day, and a date of another year: both lines named,
    // nothing saved.
    let bad = format!("{EXAMPLE_2026}2026-10-12 班 国庆节\n2025-12-31 休 元旦\n");
    let r = app
        .post_form(
            &admin,
            "/admin/calendar",
            &[("year", "2026"), ("text", bad.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("第 14 行"), "{}", r.body);
    assert!(r.body.contains("周六或周日"), "{}", r.body);
    assert!(r.body.contains("第 15 行"), "{}", r.body);
    assert!(r.body.contains("2026-10-12 班 国庆节"), "the text is kept");
    assert!(app
        .store
        .reports()
        .calendar_year(2026)
        .await
        .unwrap()
        .is_empty());

    // The shipped arrangement, loaded with the page's button.
    let r = app
        .post_form(
            &admin,
            "/admin/calendar",
            &[("year", "2026"), ("text", EXAMPLE_2026)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let done = app.get(&admin, r.location.as_deref().unwrap()).await;
    assert!(
        done.body.contains("已保存 2026 年安排，共 39 天"),
        "{}",
        done.body
    );
    assert!(done
        .body
        .contains("国庆节</b>：10月1日至10月7日放假，共 7 天；9月20日、10月10日上班"));

    // A district's reporter may read the calendar, not change it.
    let rep1 = app.login("rep1").await;
    assert_eq!(
        app.get(&rep1, "/admin/calendar").await.status,
        StatusCode::FORBIDDEN
    );
    let token = app.token("rep1").await;
    let cal = app
        .api(
            Method::GET,
            &format!(
                "/api/v1/calendar?unit={}&from=2026-10-01&to=2026-10-31",
                app.d1
            ),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(cal.status, StatusCode::OK, "{}", cal.body);
    let cal = cal.json();
    assert_eq!(cal["days"].as_array().unwrap().len(), 31);
    assert_eq!(
        cal["days"][0],
        json!({"date": "2026-10-01", "working": false, "special": "off", "holiday": "国庆节"})
    );
    assert_eq!(cal["days"][9]["working"], true, "10 October is worked");
    assert_eq!(cal["days"][9]["special"], "work");
    assert_eq!(cal["days"][10]["working"], false, "a plain Sunday");
    // Week 40's report, due Monday 5 October by default, moves to Thursday 8 October; A001 has
    // not filed it.
    let w40 = cal["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "project_report" && d["period"] == "2026-W40")
        .unwrap_or_else(|| panic!("{cal}"));
    assert_eq!(w40["date"], "2026-10-08");
    assert_eq!(w40["moved"], true);
    assert_eq!(w40["due_zh"], "10月8日（周四）");
    assert_eq!(
        (w40["expected"].as_u64(), w40["filed"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(w40["state"], "late");
    assert!(cal["rules_zh"].as_str().unwrap().contains("顺延"));
    assert_eq!(cal["years_without_holidays"], json!([]));

    // Another district's calendar, a span back to front, one too long, a date that is not one.
    for (q, status, text) in [
        (format!("unit={}", app.d2), StatusCode::FORBIDDEN, ""),
        (
            "from=2026-10-31&to=2026-10-01".to_string(),
            StatusCode::BAD_REQUEST,
            "开始日期不能晚于结束日期",
        ),
        (
            "from=2026-01-01&to=2027-06-30".to_string(),
            StatusCode::BAD_REQUEST,
            "一次最多查看 366 天",
        ),
        (
            "from=2026-02-30".to_string(),
            StatusCode::BAD_REQUEST,
            "日期",
        ),
    ] {
        let r = app
            .api(
                Method::GET,
                &format!("/api/v1/calendar?{q}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(r.status, status, "{q}: {}", r.body);
        assert!(r.body.contains(text), "{q}: {}", r.body);
    }

    // The month page: the holiday on its day, the moved deadline in the list.
    let page = app.get(&rep1, "/calendar?month=2026-10").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("国庆节·休"), "{}", page.body);
    assert!(page.body.contains("国庆节·班"));
    assert!(page.body.contains("10月8日（周四）"));
    assert!(page.body.contains("遇节假日顺延"));
    // A year without an arrangement is pointed out.
    let page = app.get(&rep1, "/calendar?month=2027-01").await;
    assert!(
        page.body.contains("2027 年的法定节假日安排尚未录入"),
        "{}",
        page.body
    );
    assert_eq!(
        app.get(&rep1, "/calendar?month=2026-13").await.status,
        StatusCode::BAD_REQUEST
    );

    // The API takes a year as a list; a make-up day on a weekday is refused by its index.
    let admin_token = app.token("admin").await;
    let r = app
        .api(
            Method::PUT,
            "/api/v1/calendar/days/2027",
            Some(&admin_token),
            Some(json!({"days": [
                {"date": "2027-01-01", "kind": "off", "name": "元旦"},
                {"date": "2027-01-04", "kind": "work", "name": "元旦"}
            ]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("days[1]"), "{}", r.body);
    // A kind smuggled in with the date is a bad date, not a make-up day.
    let r = app
        .api(
            Method::PUT,
            "/api/v1/calendar/days/2027",
            Some(&admin_token),
            Some(json!({"days": [{"date": "2027-01-02 班", "kind": "off", "name": "元旦"}]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("days[0]"), "{}", r.body);
    let r = app
        .api(
            Method::PUT,
            "/api/v1/calendar/days/2027",
            Some(&admin_token),
            Some(
                json!({"days": [{"date": "2027-01-01~2027-01-03", "kind": "off", "name": "元旦"}]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let y = app
        .api(
            Method::GET,
            "/api/v1/calendar/days/2027",
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(y["text"], "2027-01-01~2027-01-03 休 元旦\n");
    assert_eq!(y["days"].as_array().unwrap().len(), 3);
    let r = app
        .api(
            Method::PUT,
            "/api/v1/calendar/days/2027",
            Some(&token),
            Some(json!({"days": []})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// The weekly deadline is the office's setting: moved to the Sunday after next, a week the default rule
/// counts late is on time; moved to the week's own Monday, a week the default counts on time is late.
/// The due page says the deadline in force.
#[tokio::test]
async fn the_office_sets_the_weekly_deadline_and_on_time_follows_it() {
    let app = TestApp::new().await;
    let admin = app.token("admin").await;
    let rep1 = app.token("rep1").await;
    let set = |v: &'static str| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.api(
                Method::PUT,
                "/api/v1/settings/reporting.weekly_due_day",
                Some(&admin),
                Some(json!({ "value": v })),
            )
            .await
        }
    };
    let r = set("15").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("1 到 14"), "{}", r.body);
    assert_eq!(set("14").await.status, StatusCode::NO_CONTENT);

    // Weeks chosen so that each rule gives the opposite of the default (the Monday after the week):
    // on a Monday the default's deadline for last week is today itself.
    let today = diaodu_store::today_local();
    let monday = today.weekday() == time::Weekday::Monday;
    let week = |back: i64| Period::week_of(today - Duration::days(7 * back));
    let (late_by_default, on_time_by_default) = if monday {
        (week(2), week(1))
    } else {
        (week(1), week(0))
    };
    let file = |p: Period| {
        let app = &app;
        let rep1 = rep1.clone();
        async move {
            let r = app
                .api(
                    Method::POST,
                    &format!("/api/v1/projects/{}/reports", app.p1),
                    Some(&rep1),
                    Some(json!({"period": p.to_string(), "investment_wan": "10", "progress": "按计划推进"})),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{p}: {}", r.body);
            r.json()
        }
    };
    // Due the Sunday after next (moved to the Monday): still on time.
    assert_eq!(file(late_by_default).await["on_time"], true);
    // Due the week's own Monday: already late.
    assert_eq!(set("1").await.status, StatusCode::NO_CONTENT);
    assert_eq!(file(on_time_by_default).await["on_time"], false);

    // Friday 17:00 of the week, as the due page says.
    app.api(
        Method::PUT,
        "/api/v1/settings/reporting.weekly_due_day",
        Some(&admin),
        Some(json!({"value": "5"})),
    )
    .await;
    app.api(
        Method::PUT,
        "/api/v1/settings/reporting.due_hour",
        Some(&admin),
        Some(json!({"value": "17"})),
    )
    .await;
    let b = app.login("rep1").await;
    let due = app.get(&b, "/reports/due").await;
    assert!(due.body.contains("17:00 前提交为按时"), "{}", due.body);
    assert!(
        due.body.contains("（周五）") || due.body.contains("（周"),
        "{}",
        due.body
    );
    let settings = app.get(&app.login("admin").await, "/admin/settings").await;
    assert!(settings.body.contains("填报时限"));
    assert!(settings.body.contains("周报截止日"));
}

/// A notice whose reply date falls on a weekend is given until the next working day.
#[tokio::test]
async fn a_reply_date_on_a_day_off_moves_to_the_next_working_day() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let today = diaodu_store::today_local();
    // The first Saturday at least a week away.
    let mut sat = today + Duration::days(7);
    while sat.weekday() != time::Weekday::Saturday {
        sat += Duration::days(1);
    }
    let r = app
        .api(
            Method::POST,
            "/api/v1/notices",
            Some(&sup),
            Some(json!({
                "unit_id": app.d1, "title": "关于加快推进A001的督办通知", "content": "请于期限内反馈。",
                "reply_by": diaodu_domain::period::fmt_date(sat),
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        r.json()["notice"]["reply_by"],
        diaodu_domain::period::fmt_date(sat + Duration::days(2))
    );
}
