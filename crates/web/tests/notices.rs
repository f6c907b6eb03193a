//! Supervision notices through the front door: issue, the ladder by days overdue, sign, reply, send
//! back once, close; and who may see and do what.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn a_notice_climbs_the_ladder_and_is_closed_after_one_send_back() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let today = diaodu_store::today_local();
    let fmt = diaodu_domain::period::fmt_date;
    let r = app
        .api(Method::POST, "/api/v1/notices", Some(&sup), Some(json!({
            "unit_id": app.d1, "title": "关于加快A001项目建设的督办通知", "content": "请说明进度滞后原因并提出整改措施", "reply_by": fmt(today),
            "subject_kind": "project", "subject_id": app.p1
        })))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["notice"]["id"].as_i64().unwrap();
    // A past reply deadline is refused.
    let r = app
        .api(Method::POST, "/api/v1/notices", Some(&sup), Some(json!({"unit_id": app.d1, "title": "x", "content": "y", "reply_by": fmt(today - time::Duration::days(1))})))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // Nobody replies. The ladder climbs with the days overdue, each step recorded once. The days
    // pass by moving the deadline back (no write may be dated after today).
    let after = |days: i64| {
        let store = app.store.clone();
        let sup = sup.clone();
        let app = &app;
        async move {
            sqlx::query("UPDATE notices SET reply_by = $1 WHERE id = $2")
                .bind(fmt(today - time::Duration::days(days)))
                .bind(id)
                .execute(store.pool())
                .await
                .unwrap();
            app.api(Method::POST, "/api/v1/notices/escalate", Some(&sup), None)
                .await
                .json()["steps"]
                .clone()
        }
    };
    assert_eq!(after(0).await, 0, "due today is not overdue");
    assert_eq!(after(1).await, 1, "提醒");
    assert_eq!(after(2).await, 0);
    assert_eq!(after(7).await, 2, "催办 and 通报");
    assert_eq!(after(7).await, 0, "idempotent");
    let rep1 = app.token("rep1").await;
    let n = app
        .api(
            Method::GET,
            &format!("/api/v1/notices/{id}"),
            Some(&rep1),
            None,
        )
        .await
        .json();
    assert_eq!(n["notice"]["escalation"], "notice");
    let kinds: Vec<&str> = n["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "issue",
            "escalate:reminder",
            "escalate:urging",
            "escalate:notice"
        ]
    );

    // Another district neither sees it nor answers it.
    let rep2 = app.token("rep2").await;
    assert_eq!(
        app.api(
            Method::GET,
            &format!("/api/v1/notices/{id}"),
            Some(&rep2),
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.api(
            Method::POST,
            &format!("/api/v1/notices/{id}/sign"),
            Some(&rep2),
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.api(Method::GET, "/api/v1/notices", Some(&rep2), None)
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let b2 = app.login("rep2").await;
    assert_eq!(
        app.get(&b2, &format!("/notices/{id}")).await.status,
        StatusCode::FORBIDDEN
    );

    // Back to the day the reply is due.
    assert_eq!(after(0).await, 0);
    // The district signs and replies; it cannot verify its own reply.
    let b1 = app.login("rep1").await;
    let inbox = app.get(&b1, "/notices").await.body;
    assert!(inbox.contains("关于加快A001项目建设的督办通知"));
    let home = app.get(&b1, "/").await.body;
    assert!(
        home.contains("待办督办单") && home.contains("今日到期"),
        "the home page shows the inbox with the time left"
    );
    assert_eq!(
        app.post_form(&b1, &format!("/notices/{id}/sign"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.post_form(&b1, &format!("/notices/{id}/sign"), &[])
            .await
            .status,
        StatusCode::CONFLICT,
        "signed already"
    );
    let r = app
        .post_form(
            &b1,
            &format!("/notices/{id}/reply"),
            &[("text", "已协调解决用地问题，本月复工")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.post_form(
            &b1,
            &format!("/notices/{id}/verify"),
            &[("decision", "accept")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // A replied notice no longer climbs.
    assert_eq!(after(40).await, 0);

    // The office sends it back once (a reason is required), the district replies again, the office closes.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{id}/verify"),
            Some(&sup),
            Some(json!({"accept": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{id}/verify"),
            Some(&sup),
            Some(json!({"accept": false, "note": "未附复工证明"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{id}/reply"),
            Some(&rep1),
            Some(json!({"text": "补充复工证明，已于本周复工"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let bs = app.login("sup").await;
    let r = app
        .post_form(
            &bs,
            &format!("/notices/{id}/verify"),
            &[("decision", "accept"), ("note", "同意办结")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .api(Method::POST, &format!("/api/v1/notices/{id}/accountability"), Some(&sup), Some(json!({"person": "张某（甲区住建局局长）", "what": "督办事项逾期未反馈", "decision": "诫勉谈话", "decided_on": fmt(today)})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let n = app
        .api(
            Method::GET,
            &format!("/api/v1/notices/{id}"),
            Some(&rep1),
            None,
        )
        .await
        .json();
    assert_eq!(n["notice"]["state"], "closed");
    let kinds: Vec<&str> = n["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "issue",
            "escalate:reminder",
            "escalate:urging",
            "escalate:notice",
            "sign",
            "reply",
            "send_back",
            "reply",
            "close",
            "accountability"
        ]
    );
    assert_eq!(n["accountability"][0]["decision"], "诫勉谈话");
    let page = app.get(&bs, &format!("/notices/{id}")).await.body;
    assert!(page.contains("已办结") && page.contains("未附复工证明") && page.contains("诫勉谈话"));
    assert_eq!(app.get(&bs, "/accountability").await.status, StatusCode::OK);
    // Every step is audited.
    let log = app
        .store
        .audit()
        .list(&diaodu_store::AuditFilter {
            entity: Some("notice".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        log.len(),
        8,
        "{:?}",
        log.iter().map(|r| &r.action).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn the_office_cannot_verify_a_reply_it_wrote() {
    let app = TestApp::new().await;
    // The city's administrator may not reply in 乙区's name at all; an administrator attached to 乙区
    // may reply for it, and then may not verify that reply.
    app.add_user("admin2", app.d2, diaodu_domain::access::Role::Admin)
        .await;
    let city_admin = app.token("admin").await;
    let admin = app.token("admin2").await;
    let today = diaodu_domain::period::fmt_date(diaodu_store::today_local());
    let r = app
        .api(
            Method::POST,
            "/api/v1/notices",
            Some(&admin),
            Some(
                json!({"unit_id": app.d2, "title": "督办", "content": "请反馈", "reply_by": today}),
            ),
        )
        .await;
    let id = r.json()["notice"]["id"].as_i64().unwrap();
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{id}/reply"),
            Some(&city_admin),
            Some(json!({"text": "代为反馈"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("不能代为反馈督办单"), "{}", r.body);
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{id}/reply"),
            Some(&admin),
            Some(json!({"text": "本单位反馈"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{id}/verify"),
            Some(&admin),
            Some(json!({"accept": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("不能核查本人的反馈"));
    // Reporters cannot issue.
    let rep = app.token("rep2").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/notices",
            Some(&rep),
            Some(json!({"unit_id": app.d2, "title": "x", "content": "y", "reply_by": today})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let b = app.login("sup").await;
    for p in [
        "/notices",
        "/notices?show=all",
        "/notices/new",
        &format!("/notices/new?project={}", app.p1),
        &format!("/notices/{id}"),
    ] {
        assert_eq!(app.get(&b, p).await.status, StatusCode::OK, "{p}");
    }
}
