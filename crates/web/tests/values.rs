//! Careless values, each refused with the field named in Chinese and nothing written.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{json, Value};

/// Posts `body` and expects a 400 naming `field`.
async fn refused(app: &TestApp, token: &str, path: &str, body: Value, field: &str) {
    let before = app.store.audit().count().await.unwrap();
    let r = app
        .api(Method::POST, path, Some(token), Some(body.clone()))
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "{path} {body}: {}",
        r.body
    );
    let e = r.json();
    let named = e["error"]["message"].as_str().unwrap().contains(field)
        || e["error"]["details"].as_array().unwrap().iter().any(|d| {
            d["field"]
                .as_str()
                .or(d["column"].as_str())
                .unwrap_or("")
                .contains(field)
        });
    assert!(
        named,
        "{path} {body}: the refusal names {field}: {}",
        r.body
    );
    assert_eq!(
        app.store.audit().count().await.unwrap(),
        before,
        "nothing written"
    );
}

#[tokio::test]
async fn careless_values_are_refused_by_name() {
    let app = TestApp::new().await;
    let today = diaodu_store::today_local();
    let fmt = diaodu_domain::period::fmt_date;
    let sup = app.token("sup").await;
    let rep = app.token("rep1").await;
    let drc = app.token("drc").await;
    // A report for 1900.
    refused(
        &app,
        &rep,
        &format!("/api/v1/projects/{}/reports", app.p1),
        json!({"period": "1900-01", "investment_wan": 1}),
        "填报期",
    )
    .await;
    // Notices: an unknown subject kind, a subject that does not exist, another unit's project, a
    // reply date in 9999.
    let notice = |extra: Value| {
        let mut n = json!({"unit_id": app.d1, "title": "督办", "content": "请反馈", "reply_by": fmt(today)});
        n.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        n
    };
    for (extra, field) in [
        (
            json!({"subject_kind": "zzz", "subject_id": app.p1}),
            "督办对象",
        ),
        (
            json!({"subject_kind": "project", "subject_id": 999999}),
            "督办对象",
        ),
        (
            json!({"subject_kind": "project", "subject_id": app.p2}),
            "督办对象",
        ),
        (
            json!({"subject_kind": "task", "subject_id": -1}),
            "督办对象",
        ),
        (json!({"reply_by": "9999-12-31"}), "反馈期限"),
    ] {
        refused(&app, &sup, "/api/v1/notices", notice(extra), field).await;
    }
    // The same notice about 甲区's own project goes out.
    let r = app
        .api(
            Method::POST,
            "/api/v1/notices",
            Some(&sup),
            Some(notice(
                json!({"subject_kind": "project", "subject_id": app.p1}),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // Projects: a start in the future, a plan in year 0, an unknown environmental approval, a
    // leader of a million characters.
    let project = |extra: Value| {
        let mut p = json!({"unit_id": app.d1, "code": "V001", "name": "校验项目", "category": "industry", "stage": "continuing",
            "total_investment_wan": 1000, "plan_year": 2026, "annual_plan_wan": 100, "actual_start": "2026-02-01"});
        p.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        p
    };
    for (extra, field) in [
        (
            json!({"actual_start": fmt(today + time::Duration::days(10))}),
            "实际开工日期",
        ),
        (json!({"planned_start": "0000-01-01"}), "计划开工日期"),
        (json!({"env_approval": "zzz"}), "环评状态"),
        (json!({"leader": "长".repeat(1_000_000)}), "包抓领导"),
    ] {
        refused(&app, &drc, "/api/v1/projects", project(extra), field).await;
    }
    // Indicator values: growth of 1e308, a period in the future.
    let stats_unit = app.city;
    app.store
        .users()
        .create(
            &diaodu_store::Actor::cli(),
            "stat",
            "市统计局",
            stats_unit,
            diaodu_domain::access::Role::Statistics,
            common::PASSWORD,
        )
        .await
        .unwrap();
    let stat = app.token("stat").await;
    let b = app.login("stat").await;
    let r = app
        .upload(
            &b,
            "indicators",
            "i.csv",
            "指标编码,指标名称,计量单位,类型,方向\nGDP,地区生产总值,亿元,增速,正向\n".as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let next_year = today.year() + 1;
    for (period, growth, field) in [
        ("2026-Q1".to_string(), 1e308, "增速"),
        (format!("{next_year}-Q1"), 5.0, "期别"),
    ] {
        refused(
            &app,
            &stat,
            "/api/v1/indicators/values",
            json!({"indicator": "GDP", "period": period, "values": [{"region": "D1", "growth_pct": growth}]}),
            field,
        )
        .await;
    }
    // Task reports: milestones that are not the task's.
    let r = app
        .api(
            Method::POST,
            "/api/v1/tasks",
            Some(&sup),
            Some(json!({"title": "任务", "lead_unit_id": app.d1.to_string(), "start": fmt(today - time::Duration::days(5)),
                "deadline": fmt(today + time::Duration::days(100)), "cadence": "weekly"})),
        )
        .await;
    let task = r.json()["id"].as_i64().unwrap();
    refused(
        &app,
        &rep,
        &format!("/api/v1/tasks/{task}/reports"),
        json!({"period": diaodu_domain::Period::week_of(today).to_string(), "percent": 10, "milestones_met": [999999, -1]}),
        "已完成节点",
    )
    .await;
}
