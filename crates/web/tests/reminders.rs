//! The reminder pass of the reporting calendar: each unit with reports missing gets one digest per
//! stage (before the deadline, on its day, after it — daily), sent once however often the pass runs;
//! a dry run sends nothing; quiet hours compose nothing; a unit that has filed is not reminded.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use diaodu_domain::Period;
use diaodu_web::service::reminders::{run, Stage};
use serde_json::json;
use time::{Duration, OffsetDateTime};

async fn set(app: &TestApp, key: &str, value: &str) {
    let admin = app.token("admin").await;
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/settings/{key}"),
            Some(&admin),
            Some(json!({ "value": value })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
}

#[tokio::test]
async fn late_reports_are_chased_once_a_day_until_filed() {
    let app = TestApp::new().await;
    set(&app, "reminder.quiet_start", "0").await;
    set(&app, "reminder.quiet_end", "0").await;
    let now = OffsetDateTime::now_utc();

    // A dry run plans 甲区's overdue weeks and sends nothing.
    let plan = run(&app.store, now, true).await.unwrap();
    let d1 = plan
        .planned
        .iter()
        .find(|p| p.unit_id == app.d1 && p.stage == Stage::Late)
        .unwrap_or_else(|| panic!("{:?}", plan.planned));
    assert!(d1.body.contains("测试项目A001"), "{}", d1.body);
    assert!(d1.body.contains("已逾期"));
    assert_eq!(d1.recipients, 1);
    let rep1 = app.token("rep1").await;
    let inbox = |t: String| {
        let app = &app;
        async move {
            app.api(Method::GET, "/api/v1/me/inbox", Some(&t), None)
                .await
                .json()
        }
    };
    assert_eq!(inbox(rep1.clone()).await["unread"], 0);

    // The pass sends; run again, it sends nothing more.
    let first = run(&app.store, now, false).await.unwrap();
    assert!(first.sent >= 2, "甲区 and 乙区: {first:?}");
    let m = inbox(rep1.clone()).await;
    let titles: Vec<&str> = m["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"催报：填报已逾期"), "{titles:?}");
    let again = run(&app.store, now, false).await.unwrap();
    assert_eq!((again.sent, again.skipped), (0, first.sent));

    // 甲区 files every week back to the chase window's start: nothing is planned for it any more.
    let today = diaodu_store::today_local();
    for back in 0..=6 {
        let p = Period::week_of(today - Duration::days(7 * back));
        let r = app
            .api(
                Method::POST,
                &format!("/api/v1/projects/{}/reports", app.p1),
                Some(&rep1),
                Some(json!({"period": p.to_string(), "investment_wan": "5", "progress": "按计划推进"})),
            )
            .await;
        assert!(r.status.is_success(), "{p}: {}", r.body);
    }
    let plan = run(&app.store, now, true).await.unwrap();
    assert!(
        plan.planned.iter().all(|p| p.unit_id != app.d1),
        "{:?}",
        plan.planned
    );
    assert!(plan.planned.iter().any(|p| p.unit_id == app.d2));

    // A unit with a project due and nobody to tell is counted, not told.
    let d3 = app
        .store
        .create_unit(
            &diaodu_store::Actor::cli(),
            diaodu_store::NewUnit {
                code: "D3".into(),
                name: "丙区".into(),
                parent_id: Some(app.city),
                kind: diaodu_domain::access::UnitKind::District,
            },
        )
        .await
        .unwrap()
        .id;
    app.store
        .projects()
        .create(
            &diaodu_store::Actor::cli(),
            d3,
            common::fields("C001", diaodu_domain::project::Stage::Continuing),
        )
        .await
        .unwrap();
    let plan = run(&app.store, now, true).await.unwrap();
    assert!(plan.without_reporters >= 1);

    // In quiet hours the pass composes nothing.
    let h = now
        .to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap())
        .hour();
    set(&app, "reminder.quiet_start", &h.to_string()).await;
    set(&app, "reminder.quiet_end", &((h + 1) % 24).to_string()).await;
    let quiet = run(&app.store, now, false).await.unwrap();
    assert!(quiet.quiet && quiet.planned.is_empty());
}
