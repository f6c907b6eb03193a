//! The whole loop as a story: a meeting records a decision → a task for a district → the district
//! reports → it slips → a notice climbs the ladder → the district replies → the office sends it back
//! once, then accepts → the task closes → the next meeting's briefing shows it closed.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn from_decision_to_closed_in_the_next_briefing() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let rep = app.token("rep1").await;
    let today = diaodu_store::today_local();
    let fmt = diaodu_domain::period::fmt_date;
    let days = |n: i64| today + time::Duration::days(n);

    // The first meeting, 30 days ago, decides that 甲区 finishes the school canteen renovation.
    let r = app
        .api(Method::POST, "/api/v1/meetings", Some(&sup), Some(json!({"title": "第一次重点工作调度会", "date": fmt(days(-30)), "review_period": "上月", "attendees": "市长、各区区长", "agenda": "调度重点项目"})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let m1 = r.json()["id"].as_i64().unwrap();
    let r = app
        .api(Method::POST, &format!("/api/v1/meetings/{m1}/decisions"), Some(&sup), Some(json!({
            "content": "甲区完成中小学食堂改造", "lead_unit_id": app.d1.to_string(), "deadline": fmt(days(60)), "cadence": "monthly", "leader": "李副市长"
        })))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let task = r.json()["task_id"].as_i64().unwrap();

    // The district reports 10 %; a third of the time has gone: the task slips.
    let month = diaodu_domain::Period::month_of(today).to_string();
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{task}/reports"),
            Some(&rep),
            Some(json!({"period": month, "percent": 10, "body": "完成方案设计"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let t = app
        .api(
            Method::GET,
            &format!("/api/v1/tasks/{task}"),
            Some(&sup),
            None,
        )
        .await
        .json();
    assert!(
        ["yellow", "red"].contains(&t["status"]["light"].as_str().unwrap()),
        "{}",
        t["status"]
    );

    // The office issues a notice; nobody replies for 8 days; the ladder climbs.
    let r = app
        .api(Method::POST, "/api/v1/notices", Some(&sup), Some(json!({"unit_id": app.d1, "title": "关于加快食堂改造的督办通知", "content": "请说明滞后原因", "reply_by": fmt(today), "subject_kind": "task", "subject_id": task})))
        .await;
    let notice = r.json()["notice"]["id"].as_i64().unwrap();
    // A ladder date after today is refused: no step may be dated in the future.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/escalate?as_of={}", fmt(days(8))),
            Some(&sup),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // Eight days pass (the deadline moves back by as much).
    sqlx::query("UPDATE notices SET reply_by = $1 WHERE id = $2")
        .bind(fmt(days(-8)))
        .bind(notice)
        .execute(app.store.pool())
        .await
        .unwrap();
    let r = app
        .api(Method::POST, "/api/v1/notices/escalate", Some(&sup), None)
        .await;
    assert_eq!(r.json()["steps"], 3, "提醒, 催办, 通报");
    // Each step is dated by when it took effect (deadline + its days), beside when it was recorded,
    // and by whom by name.
    let n = app
        .api(
            Method::GET,
            &format!("/api/v1/notices/{notice}"),
            Some(&sup),
            None,
        )
        .await
        .json();
    let steps: Vec<(&str, &str)> = n["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"].as_str().unwrap().starts_with("escalate:"))
        .map(|e| {
            (
                e["kind"].as_str().unwrap(),
                e["effective_on"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("escalate:reminder", fmt(days(-7)).as_str()),
            ("escalate:urging", fmt(days(-5)).as_str()),
            ("escalate:notice", fmt(days(-1)).as_str()),
        ]
    );
    assert!(n["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["user_name"] == "sup"));

    // The district replies; the office sends it back once, then accepts.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{notice}/reply"),
            Some(&rep),
            Some(json!({"text": "已增派施工队伍"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{notice}/verify"),
            Some(&sup),
            Some(json!({"accept": false, "note": "请附施工计划"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{notice}/reply"),
            Some(&rep),
            Some(json!({"text": "附施工计划，月底完工"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{notice}/verify"),
            Some(&sup),
            Some(json!({"accept": true, "note": "同意"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    // The district finishes; the office verifies and closes the task.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{task}/reports"),
            Some(&rep),
            Some(json!({"period": month, "percent": 100, "body": "改造完成并投入使用"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tasks/{task}/verify"),
            Some(&sup),
            Some(json!({"accept": true, "note": "现场核查通过"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // The next meeting's briefing reports the decision closed.
    let r = app.api(Method::POST, "/api/v1/meetings", Some(&sup), Some(json!({"title": "第二次重点工作调度会", "date": fmt(today), "review_period": "本月"}))).await;
    let m2 = r.json()["id"].as_i64().unwrap();
    let m = app
        .api(
            Method::GET,
            &format!("/api/v1/meetings/{m2}"),
            Some(&sup),
            None,
        )
        .await
        .json();
    let text = m["briefing_text"].as_str().unwrap();
    assert!(text.contains("上次会议议定事项落实情况"), "{text}");
    assert!(text.contains("议定事项1项，已办结销号1项"), "{text}");
    assert!(
        text.contains("甲区完成中小学食堂改造") && text.contains("已销号"),
        "{text}"
    );
    assert!(
        text.contains("重点项目建设情况") && text.contains("督办事项办理情况"),
        "{text}"
    );

    // The page and the Word documents; a reporter may not read the city's briefing.
    let b = app.login("sup").await;
    let page = app.get(&b, &format!("/meetings/{m2}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("上次会议议定事项落实情况"));
    for p in [
        format!("/meetings/{m2}/briefing.docx"),
        format!("/meetings/{m1}/minutes.docx"),
    ] {
        let r = app.get(&b, &p).await;
        assert_eq!(r.status, StatusCode::OK, "{p}");
        assert_eq!(
            r.headers.get("content-type").unwrap(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
    }
    let b1 = app.login("rep1").await;
    assert_eq!(
        app.get(&b1, &format!("/meetings/{m2}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.api(
            Method::GET,
            &format!("/api/v1/meetings/{m2}"),
            Some(&rep),
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}
