//! The search box in the header finds projects, tasks and notices by code or words — within the
//! user's scope only.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn the_header_search_finds_within_the_scope() {
    let app = TestApp::new().await;
    let rep = app.login("rep1").await;
    assert!(app
        .get(&rep, "/")
        .await
        .body
        .contains(r#"action="/search""#));
    let own = app.get(&rep, "/search?q=a001").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(
        own.body.contains(&format!("/projects/{}", app.p1)),
        "{}",
        own.body
    );
    // Another district's project is not found, and says so.
    let other = app.get(&rep, "/search?q=B001").await;
    assert!(!other.body.contains(&format!("/projects/{}", app.p2)));
    assert!(other.body.contains(r#"id="nothing""#));
    // A notice by its number, for the office that issued it and the unit it was sent to.
    let admin = app.token("admin").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/notices",
            Some(&admin),
            Some(
                json!({"unit_id": app.d1, "title": "关于食堂改造的督办通知", "content": "请反馈",
                "reply_by": diaodu_domain::period::fmt_date(
                    time::OffsetDateTime::now_utc().date() + time::Duration::days(7))}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let code = r.json()["notice"]["code"].as_str().unwrap().to_string();
    for who in ["sup", "rep1"] {
        let b = app.login(who).await;
        let found = app.get(&b, &format!("/search?q={code}")).await;
        assert!(
            found.body.contains("关于食堂改造的督办通知"),
            "{who}: {}",
            found.body
        );
    }
    let rep2 = app.login("rep2").await;
    let found = app.get(&rep2, "/search?q=食堂").await;
    assert!(
        !found.body.contains("关于食堂改造的督办通知"),
        "another district's notice"
    );
}

/// The project list sorts by its column headers, both ways (the export takes the same order).
#[tokio::test]
async fn the_project_list_sorts_by_its_columns() {
    let app = TestApp::new().await;
    let token = app.token("admin").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/projects/{}/reports", app.p1),
            Some(&token),
            Some(json!({"period": "2026-W10", "investment_wan": "500"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let admin = app.login("admin").await;
    let pos = |body: &str, id: i64| body.find(&format!(r#"href="/projects/{id}""#)).unwrap();
    let desc = app.get(&admin, "/projects?sort=-ytd").await.body;
    assert!(pos(&desc, app.p1) < pos(&desc, app.p2), "largest first");
    let asc = app.get(&admin, "/projects?sort=ytd").await.body;
    assert!(pos(&asc, app.p2) < pos(&asc, app.p1), "smallest first");
    assert!(
        desc.contains("sort=ytd"),
        "the header turns the order round"
    );
    assert!(desc.contains("本年完成(万元) ▼"));
}
