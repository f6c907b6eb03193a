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

/// The office may remind about chosen projects only — the unit's reporter reads just those — or about
/// one task, whose lead unit is told which periods are missing.
#[tokio::test]
async fn the_office_chases_chosen_projects_or_one_task() {
    let app = TestApp::new().await;
    let actor = diaodu_store::Actor::cli();
    app.store
        .projects()
        .create(
            &actor,
            app.d1,
            common::fields("A002", diaodu_domain::project::Stage::Continuing),
        )
        .await
        .unwrap();
    let sup = app.token("sup").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/reports/chase",
            Some(&sup),
            Some(json!({"project_ids": [app.p1]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["units"], 1);
    let rep1 = app.token("rep1").await;
    let m = app
        .api(Method::GET, "/api/v1/me/inbox", Some(&rep1), None)
        .await
        .json();
    let body = m["messages"][0]["body"].as_str().unwrap();
    assert!(
        body.contains("测试项目A001") && !body.contains("测试项目A002"),
        "{body}"
    );
    let rep2 = app.token("rep2").await;
    let m2 = app
        .api(Method::GET, "/api/v1/me/inbox", Some(&rep2), None)
        .await
        .json();
    assert_eq!(m2["unread"], 0, "乙区 is not told");
    // A reporter may not chase; a project that does not exist is not found.
    let r = app
        .api(
            Method::POST,
            "/api/v1/reports/chase",
            Some(&rep1),
            Some(json!({"project_ids": [app.p1]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .api(
            Method::POST,
            "/api/v1/reports/chase",
            Some(&sup),
            Some(json!({"project_ids": [999999]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = app
        .api(
            Method::POST,
            "/api/v1/reports/chase",
            Some(&sup),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // From the project's page.
    let b = app.login("sup").await;
    let page = app.get(&b, &format!("/projects/{}", app.p1)).await;
    assert!(
        page.body.contains("action=\"/reports/chase\""),
        "the project page offers 催报"
    );
    let r = app
        .post_form(&b, "/reports/chase", &[("project", &app.p1.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // A weekly task of 甲区 started eight weeks ago, never reported.
    let today = diaodu_store::today_local();
    let task = app
        .store
        .tasks()
        .create(
            &actor,
            diaodu_store::NewTask {
                code: "RW-1".into(),
                title: "城区道路提升".into(),
                content: "完成主干道提升改造".into(),
                lead_unit_id: app.d1,
                cooperating: Vec::new(),
                leader: "李副市长".into(),
                start: today - time::Duration::days(56),
                deadline: today + time::Duration::days(120),
                cadence: diaodu_domain::task::Cadence::Weekly,
                target: None,
                parent_id: None,
                milestones: Vec::new(),
            },
        )
        .await
        .unwrap();
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{}/chase", task.id),
            Some(&sup),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["recipients"], 1);
    let m = app
        .api(Method::GET, "/api/v1/me/inbox", Some(&rep1), None)
        .await
        .json();
    assert_eq!(m["messages"][0]["title"], "催报：请报送任务进展");
    assert!(m["messages"][0]["body"]
        .as_str()
        .unwrap()
        .contains("期进展未报送"));
    let page = app.get(&b, &format!("/tasks/{}", task.id)).await;
    assert!(page.body.contains(&format!("/tasks/{}/chase", task.id)));
    let r = app
        .post_form(&b, &format!("/tasks/{}/chase", task.id), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.api(
            Method::POST,
            &format!("/api/v1/tasks/{}/chase", task.id),
            Some(&rep1),
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}
