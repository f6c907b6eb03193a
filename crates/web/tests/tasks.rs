//! Key tasks through the front door: the office hands out a task, the district reports, claims it
//! finished, is sent back once, then the office closes it; and who may do what.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::json;

fn today() -> time::Date {
    diaodu_store::today_local()
}

#[tokio::test]
async fn a_task_from_hand_out_to_closing() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let d = today();
    let start = diaodu_domain::period::fmt_date(d - time::Duration::days(70));
    let deadline = diaodu_domain::period::fmt_date(d + time::Duration::days(120));
    let milestone = format!(
        "{} 完成方案编制",
        diaodu_domain::period::fmt_date(d - time::Duration::days(10))
    );
    let r = app
        .api(
            Method::POST,
            "/api/v1/tasks",
            Some(&sup),
            Some(json!({
                "title": "甲区老旧小区改造", "content": "年内完成12个小区改造", "lead_unit_id": app.d1.to_string(),
                "cooperating": "D2", "leader": "李副市长", "start": start, "deadline": deadline, "cadence": "monthly",
                "target_value": "12", "target_unit": "个", "target_direction": "higher", "milestones": milestone
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();

    // Nothing reported for two due months and a milestone missed: red.
    let rep1 = app.token("rep1").await;
    let t = app
        .api(
            Method::GET,
            &format!("/api/v1/tasks/{id}"),
            Some(&rep1),
            None,
        )
        .await
        .json();
    assert_eq!(t["status"]["light"], "red", "{t}");
    let reasons = t["status"]["reasons"].to_string();
    assert!(
        reasons.contains("完成方案编制") && reasons.contains("连续2期未报送"),
        "{reasons}"
    );

    // 乙区 cooperates and may read it, but only the lead unit reports.
    let rep2 = app.token("rep2").await;
    assert_eq!(
        app.api(
            Method::GET,
            &format!("/api/v1/tasks/{id}"),
            Some(&rep2),
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    let month = diaodu_domain::Period::month_of(d).to_string();
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{id}/reports"),
            Some(&rep2),
            Some(json!({"period": month, "percent": 10})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The district reports the missed months and the milestone; wrong cadence is refused.
    let week = diaodu_domain::Period::week_of(d).to_string();
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{id}/reports"),
            Some(&rep1),
            Some(json!({"period": week, "percent": 10})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let milestone_id = t["milestones"][0][0].as_i64().unwrap();
    let prev = diaodu_domain::Period::month_of(d).prev();
    for (p, pct) in [(prev.prev().to_string(), 20), (prev.to_string(), 40)] {
        let r = app
            .api(Method::POST, &format!("/api/v1/tasks/{id}/reports"), Some(&rep1), Some(json!({"period": p, "percent": pct, "body": "推进中", "actual_value": 4, "milestones_met": [milestone_id]})))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    }
    // The milestone is now reported met (today, after its date): the red rule asks whether a past
    // milestone is still unmet as of D, so it no longer lights red; the reports are in, too.
    let t = app
        .api(
            Method::GET,
            &format!("/api/v1/tasks/{id}"),
            Some(&rep1),
            None,
        )
        .await
        .json();
    assert_ne!(t["status"]["light"], "red", "{t}");
    assert_eq!(t["status"]["percent_done"], 40);

    // A reporter cannot close its own task, through the API or the form.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{id}/verify"),
            Some(&rep1),
            Some(json!({"accept": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let b1 = app.login("rep1").await;
    let r = app
        .post_form(
            &b1,
            &format!("/tasks/{id}/verify"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The office cannot verify before a claim.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{id}/verify"),
            Some(&sup),
            Some(json!({"accept": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // 100 % is a claim, not a closure.
    let r = app
        .post_form(
            &b1,
            &format!("/tasks/{id}/report"),
            &[
                ("period", &month),
                ("percent", "100"),
                ("body", "全部完成"),
                ("actual_value", "12"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let t = app
        .api(
            Method::GET,
            &format!("/api/v1/tasks/{id}"),
            Some(&sup),
            None,
        )
        .await
        .json();
    assert_eq!(t["state"], "claimed");
    assert_ne!(t["status"]["light"], "done");
    assert_eq!(t["latest_actual"], 12.0);

    // Sent back once, with a reason (a reason is required).
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{id}/verify"),
            Some(&sup),
            Some(json!({"accept": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{id}/verify"),
            Some(&sup),
            Some(json!({"accept": false, "note": "现场核查仍有2个小区未完工"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["state"], "open");

    // Claimed again, then closed by the office through the form.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{id}/reports"),
            Some(&rep1),
            Some(json!({"period": month, "percent": 100, "body": "已整改完成"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let bs = app.login("sup").await;
    let r = app
        .post_form(
            &bs,
            &format!("/tasks/{id}/verify"),
            &[("decision", "accept"), ("note", "经现场核查，同意销号")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let t = app
        .api(
            Method::GET,
            &format!("/api/v1/tasks/{id}"),
            Some(&rep1),
            None,
        )
        .await
        .json();
    assert_eq!(t["state"], "closed");
    assert_eq!(t["status"]["light"], "done");
    let page = app.get(&b1, &format!("/tasks/{id}")).await.body;
    assert!(page.contains("已销号") && page.contains("经现场核查，同意销号"));

    // Every step is in the audit log.
    let log = app
        .store
        .audit()
        .list(&diaodu_store::AuditFilter {
            entity: Some("task".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().rev().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        ["create", "update", "send_back", "update", "close"],
        "{actions:?}"
    );
}

#[tokio::test]
async fn task_visibility_and_separation_of_duties() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let d = today();
    let r = app
        .api(
            Method::POST,
            "/api/v1/tasks",
            Some(&sup),
            Some(json!({
                "title": "乙区河道整治", "lead_unit_id": app.d2.to_string(), "start": diaodu_domain::period::fmt_date(d - time::Duration::days(5)),
                "deadline": diaodu_domain::period::fmt_date(d + time::Duration::days(200)), "cadence": "weekly"
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    // 甲区 neither leads nor cooperates: 403 on page, API and report.
    let b1 = app.login("rep1").await;
    assert_eq!(
        app.get(&b1, &format!("/tasks/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&b1, &format!("/tasks/{id}/report")).await.status,
        StatusCode::FORBIDDEN
    );
    let rep1 = app.token("rep1").await;
    assert_eq!(
        app.api(
            Method::GET,
            &format!("/api/v1/tasks/{id}"),
            Some(&rep1),
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let list = app
        .api(Method::GET, "/api/v1/tasks", Some(&rep1), None)
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    // A reporter cannot hand out tasks.
    assert_eq!(
        app.get(&b1, "/tasks/new").await.status,
        StatusCode::FORBIDDEN
    );
    // The city's administrator may not claim in 乙区's name; an administrator attached to 乙区 claims
    // for it, and may not verify that claim.
    let week = diaodu_domain::Period::week_of(d).to_string();
    let city_admin = app.token("admin").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{id}/reports"),
            Some(&city_admin),
            Some(json!({"period": week, "percent": 100})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    app.add_user("admin2", app.d2, diaodu_domain::access::Role::Admin)
        .await;
    let admin = app.token("admin2").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{id}/reports"),
            Some(&admin),
            Some(json!({"period": week, "percent": 100})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{id}/verify"),
            Some(&admin),
            Some(json!({"accept": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("不能核验本人"));
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{id}/verify"),
            Some(&sup),
            Some(json!({"accept": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // Pages render.
    let bs = app.login("sup").await;
    for p in [
        "/tasks",
        "/tasks?light=done",
        &format!("/tasks/{id}"),
        "/tasks/new",
        &format!("/tasks/new?parent={id}"),
    ] {
        assert_eq!(app.get(&bs, p).await.status, StatusCode::OK, "{p}");
    }
}
