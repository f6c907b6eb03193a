//! Reminding units to report (催报): the supervision office sees which units owe reports and
//! reminds one with a click; each reporter of that unit gets one digest in the inbox behind the
//! header's bell, naming the projects; opening it leads to the due list and marks it read. Units
//! with nothing due, or no reporter, are named back; a reporter may not remind; every reminder is
//! audited.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn the_office_reminds_a_district_and_its_reporter_reads_it_from_the_bell() {
    let app = TestApp::new().await;
    let sup = app.login("sup").await;
    let page = app.get(&sup, "/reports/chase").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("甲区"),
        "the district owing reports is listed: {}",
        page.body
    );
    // One click on the district's row.
    let r = app
        .post_form(&sup, "/reports/chase", &[("unit_one", &app.d1.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let done = app.get(&sup, r.location.as_deref().unwrap()).await;
    assert!(
        done.body.contains("已向 1 个单位的 1 名填报员发出催报"),
        "{}",
        done.body
    );

    // The district's reporter sees one unread message at the bell.
    let rep1 = app.login("rep1").await;
    let home = app.get(&rep1, "/").await;
    assert!(
        home.body.contains("class=\"count\">1<"),
        "the bell counts one unread"
    );
    let inbox = app.get(&rep1, "/inbox").await;
    assert!(inbox.body.contains("催报：请填报项目进度"));
    assert!(
        inbox.body.contains("A001") || inbox.body.contains("项目甲"),
        "{}",
        inbox.body
    );
    let token = app.token("rep1").await;
    let api = app
        .api(Method::GET, "/api/v1/me/inbox", Some(&token), None)
        .await
        .json();
    assert_eq!(api["unread"], 1);
    let id = api["messages"][0]["id"].as_i64().unwrap();
    assert_eq!(api["messages"][0]["kind"], "chase");
    // Opening it follows its link and marks it read.
    let r = app.get(&rep1, &format!("/inbox/{id}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/reports/due"));
    let home = app.get(&rep1, "/").await;
    assert!(!home.body.contains("class=\"count\""), "nothing unread");
    // Another user cannot open it.
    let rep2 = app.login("rep2").await;
    assert_eq!(
        app.get(&rep2, &format!("/inbox/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!app
        .get(&rep2, "/inbox")
        .await
        .body
        .contains("催报：请填报项目进度"));

    // The audit log records the reminder against the unit.
    let admin = app.login("admin").await;
    let audit = app.get(&admin, "/audit?entity=unit").await;
    assert!(audit.body.contains("接收人数：1"), "{}", audit.body);
}

#[tokio::test]
async fn several_units_at_once_and_the_ones_that_cannot_be_reminded_are_named() {
    let app = TestApp::new().await;
    let token = app.token("sup").await;
    // The city owns no project itself (its districts do, and are reminded on their own).
    let r = app
        .api(
            Method::POST,
            "/api/v1/reports/chase",
            Some(&token),
            Some(json!({"unit_ids": [app.d1, app.d2, app.city]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let out = r.json();
    assert_eq!(out["units"], 2, "{out}");
    assert_eq!(out["recipients"], 2);
    assert_eq!(out["nothing_due"][0], "测试市", "{out}");
    // Reminding twice sends a second digest, not one message a project; a unit named three times is
    // reminded once.
    let r = app
        .api(
            Method::POST,
            "/api/v1/reports/chase",
            Some(&token),
            Some(json!({"unit_ids": [app.d1, app.d1, app.d1]})),
        )
        .await;
    assert_eq!(r.json()["recipients"], 1);
    let rep1 = app.token("rep1").await;
    let inbox = app
        .api(Method::GET, "/api/v1/me/inbox", Some(&rep1), None)
        .await
        .json();
    assert_eq!(inbox["unread"], 2);
    let r = app
        .api(Method::POST, "/api/v1/me/inbox/read-all", Some(&rep1), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let inbox = app
        .api(Method::GET, "/api/v1/me/inbox", Some(&rep1), None)
        .await
        .json();
    assert_eq!(inbox["unread"], 0);
    // A district whose only reporter is disabled has no one to tell, and is named.
    let admin = app.token("admin").await;
    let users = app
        .api(Method::GET, "/api/v1/users?q=rep2", Some(&admin), None)
        .await
        .json();
    let rep2 = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["login"] == "rep2")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/users/{rep2}"),
            Some(&admin),
            Some(json!({"disabled": true})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let r = app
        .api(
            Method::POST,
            "/api/v1/reports/chase",
            Some(&token),
            Some(json!({"unit_ids": [app.d2]})),
        )
        .await;
    assert_eq!(r.json()["without_reporters"][0], "乙区", "{}", r.body);
    assert_eq!(r.json()["recipients"], 0);
    // No unit, an unknown one, or a reporter reminding: refused.
    let r = app
        .api(
            Method::POST,
            "/api/v1/reports/chase",
            Some(&token),
            Some(json!({"unit_ids": []})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .api(
            Method::POST,
            "/api/v1/reports/chase",
            Some(&token),
            Some(json!({"unit_ids": [99999]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("不存在"));
    let r = app
        .api(
            Method::POST,
            "/api/v1/reports/chase",
            Some(&rep1),
            Some(json!({"unit_ids": [app.d1]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let b = app.login("rep1").await;
    assert_eq!(
        app.get(&b, "/reports/chase").await.status,
        StatusCode::FORBIDDEN
    );
}
