//! The project library through the pages and the API: reports and their history, edits and the audit
//! log, the admission check, stage rules, version conflicts.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn reporter_submits_edits_and_the_audit_keeps_both() {
    let app = TestApp::new().await;
    let b = app.login("rep1").await;
    let path = format!("/projects/{}/report", app.p1);
    let r = app
        .post_form(
            &b,
            &path,
            &[
                ("period", "2026-W07"),
                ("investment", "123.45"),
                ("progress", "主体结构施工"),
                ("problems", "临时用电需协调"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&b, r.location.as_deref().unwrap()).await.body;
    assert!(page.contains("已保存 2026-W07"));
    assert!(
        page.contains("123.45") && page.contains("主体结构施工") && page.contains("临时用电需协调")
    );
    // Second submission for the same period is an edit.
    let r = app
        .post_form(&b, &path, &[("period", "2026-W07"), ("investment", "200")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let reports = app.store.reports().list(app.p1).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].investment.wan_text(), "200.00");
    // Bad input: a clear message, nothing changed.
    let r = app
        .post_form(&b, &path, &[("period", "2026-13"), ("investment", "-5")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("填报期") && r.body.contains("金额不能为负数"),
        "{}",
        r.body
    );
    let r = app
        .post_form(
            &b,
            &path,
            &[("period", "2026-W08"), ("investment", "1.234")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("最多保留两位小数"));
    assert_eq!(app.store.reports().list(app.p1).await.unwrap().len(), 1);
    // The audit log holds the create and the edit, with before and after.
    let admin = app.login("admin").await;
    let audit = app.get(&admin, "/audit?entity=report").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains("A001/2026-W07"));
    // In Chinese: the action, the object, the field and the user by name and unit.
    for words in [
        "修改",
        "进度填报",
        "本期完成投资（万元）：200.00",
        "rep1（甲区）",
    ] {
        assert!(audit.body.contains(words), "{words}: {}", audit.body);
    }
    assert!(!audit.body.contains("investment_wan"));
    let recs = app
        .store
        .audit()
        .list(&diaodu_store::AuditFilter {
            entity: Some("report".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].action, "update");
    assert_eq!(recs[0].user_login, "rep1");
    assert_eq!(recs[0].before.as_ref().unwrap()["investment_wan"], "123.45");
    assert_eq!(recs[0].after.as_ref().unwrap()["investment_wan"], "200.00");
    assert_eq!(recs[1].action, "create");
    assert!(recs[1].before.is_none());
    // Searched by the project's code alone, the log gives what is recorded under it too (its reports);
    // by a report's full id, only that report; a part of a code, nothing.
    let by_code = app
        .store
        .audit()
        .list(&diaodu_store::AuditFilter {
            entity_id: Some("A001".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        by_code
            .iter()
            .filter(|r| r.entity_id == "A001/2026-W07")
            .count(),
        2
    );
    assert!(by_code
        .iter()
        .all(|r| r.entity_id == "A001" || r.entity_id.starts_with("A001/")));
    let page = app.get(&admin, "/audit?entity_id=A001").await.body;
    assert!(page.contains("A001/2026-W07"), "{page}");
    let page = app
        .get(&admin, "/audit?entity_id=A001%2F2026-W07")
        .await
        .body;
    assert!(page.contains("A001/2026-W07"), "{page}");
    for missing in ["A00", "A001/2026-W08"] {
        let page = app
            .get(
                &admin,
                &format!("/audit?entity_id={}", missing.replace('/', "%2F")),
            )
            .await
            .body;
        assert!(!page.contains("A001/2026-W07"), "{missing}: {page}");
    }
}

fn as_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn drc_creates_and_edits_projects_with_the_rules_enforced() {
    let app = TestApp::new().await;
    let b = app.login("drc").await;
    let d1 = app.d1.to_string();
    let base = |code: &'static str, stage: &'static str, actual: &'static str| {
        vec![
            ("unit_id", d1.clone()),
            ("code", code.to_string()),
            ("name", "新建物流园".to_string()),
            ("leader", "王副市长".to_string()),
            ("category", "infrastructure".to_string()),
            ("stage", stage.to_string()),
            ("total_investment", "80000".to_string()),
            ("plan_year", "2026".to_string()),
            ("annual_plan", "20000".to_string()),
            ("planned_start", "2026-03-01".to_string()),
            ("planned_finish", "2027-06-30".to_string()),
            ("actual_start", actual.to_string()),
            ("industry", "物流".to_string()),
            ("env_approval", "approved".to_string()),
        ]
    };
    // New start without an actual start date: refused with the field named.
    let f = base("L001", "new_start", "");
    let r = app.post_form(&b, "/projects/new", &as_refs(&f)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("实际开工日期") && r.body.contains("必须填写"));
    // Preparation with an actual start date: refused.
    let f = base("L001", "preparation", "2026-03-05");
    let r = app.post_form(&b, "/projects/new", &as_refs(&f)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("不应填写实际开工日期"));
    // Valid.
    let f = base("L001", "new_start", "2026-03-05");
    let r = app.post_form(&b, "/projects/new", &as_refs(&f)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r
        .location
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // Duplicate code.
    let r = app.post_form(&b, "/projects/new", &as_refs(&f)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("已存在"));
    // Transition new start → reserve is not allowed.
    let mut e = base("L001", "reserve", "");
    e.push(("version", "1".into()));
    let r = app
        .post_form(&b, &format!("/projects/{id}/edit"), &as_refs(&e))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("不能从“新开工”变更为“储备”"), "{}", r.body);
    // new start → continuing is; then an edit from the stale version 1 is refused.
    let mut e = base("L001", "continuing", "2026-03-05");
    e.push(("version", "1".into()));
    let r = app
        .post_form(&b, &format!("/projects/{id}/edit"), &as_refs(&e))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .post_form(&b, &format!("/projects/{id}/edit"), &as_refs(&e))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("已被他人修改"));
    let log = app
        .store
        .audit()
        .list(&diaodu_store::AuditFilter {
            entity: Some("project".into()),
            entity_id: Some("L001".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].before.as_ref().unwrap()["stage"], "new_start");
    assert_eq!(log[0].after.as_ref().unwrap()["stage"], "continuing");
}

#[tokio::test]
async fn admission_rules_refuse_and_keep_the_refusal() {
    let app = TestApp::new().await;
    let b = app.login("drc").await;
    let r = app
        .post_form(
            &b,
            "/admission/rules",
            &[
                ("code", "overcap"),
                ("name", "产能过剩"),
                ("kind", "industry_in"),
                ("keywords", "电解铝、平板玻璃"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let token = app.token("drc").await;
    let body = json!({
        "unit": "D1", "code": "R001", "name": "电解铝扩能", "category": "工业", "stage": "储备",
        "total_investment_wan": "50000", "plan_year": 2026, "annual_plan_wan": 0, "industry": "电解铝"
    });
    let r = app
        .api(Method::POST, "/api/v1/projects", Some(&token), Some(body))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "admission_refused");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("产能过剩"));
    assert!(app
        .store
        .projects()
        .by_code("R001")
        .await
        .unwrap()
        .is_none());
    let page = app.get(&b, "/admission").await.body;
    assert!(page.contains("R001") && page.contains("产能过剩"));
}

#[tokio::test]
async fn api_round_trip_with_versions() {
    let app = TestApp::new().await;
    let token = app.token("drc").await;
    let body = json!({
        "unit_id": app.d2, "code": "API-1", "name": "接口新建项目", "category": "livelihood", "stage": "new_start",
        "total_investment_wan": 1000.5, "plan_year": 2026, "annual_plan_wan": "300.25",
        "planned_start": "2026-03-01", "actual_start": "2026-03-02"
    });
    let r = app
        .api(
            Method::POST,
            "/api/v1/projects",
            Some(&token),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let p = r.json();
    assert_eq!(p["total_investment_wan"], "1000.50");
    assert_eq!(p["annual_plan_wan"], "300.25");
    let id = p["id"].as_i64().unwrap();
    let mut upd = body.clone();
    upd["name"] = json!("改名");
    upd["version"] = json!(1);
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/projects/{id}"),
            Some(&token),
            Some(upd.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["version"], 2);
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/projects/{id}"),
            Some(&token),
            Some(upd),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["code"], "conflict");
    // Reports through the API: 201 then 200 for the edit.
    let rep = app.token("rep2").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/projects/{id}/reports"),
            Some(&rep),
            Some(json!({"period": "2026-03", "investment_wan": 12.5})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/projects/{id}/reports"),
            Some(&rep),
            Some(json!({"period": "2026-03", "investment_wan": "13"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["investment_wan"], "13.00");
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/projects/{id}/reports"),
            Some(&rep),
            Some(json!({"period": "2026-W99", "investment_wan": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["details"][0]["field"], "填报期");
    // The OpenAPI document describes the paths.
    let doc = app
        .api(Method::GET, "/api/openapi.json", None, None)
        .await
        .json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for p in [
        "/api/v1/projects",
        "/api/v1/projects/{id}/reports",
        "/api/v1/status",
        "/api/v1/status/units",
    ] {
        assert!(doc["paths"][p].is_object(), "{p}");
    }
    // The answers are described by the handlers' types, errors included.
    let list = &doc["paths"]["/api/v1/projects"]["get"]["responses"];
    assert_eq!(
        list["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ProjectPage"
    );
    assert_eq!(
        list["403"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ErrorBody"
    );
    let page = &doc["components"]["schemas"]["ProjectPage"];
    assert!(page["required"]
        .as_array()
        .unwrap()
        .contains(&json!("items")));
}

#[tokio::test]
async fn pages_render_for_every_role() {
    let app = TestApp::new().await;
    for login in ["admin", "drc", "sup", "leader", "comm", "rep1"] {
        let b = app.login(login).await;
        // A leader's home is the cockpit.
        let home = if login == "leader" { "/cockpit" } else { "/" };
        for path in [
            home,
            "/projects",
            "/ranking",
            "/data",
            "/projects?light=red&stage=continuing",
        ] {
            let r = app.get(&b, path).await;
            assert_eq!(r.status, StatusCode::OK, "{login} {path}: {}", r.body);
        }
    }
    let b = app.login("rep1").await;
    let home = app.get(&b, "/").await.body;
    assert!(home.contains("本期待填报"));
    let bad = app.get(&b, "/projects?stage=nonsense").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

/// The due list is reused between requests while the data is unchanged (`cache.rs`); a report filed
/// through the API, or by another process, must take its line off at once.
#[tokio::test]
async fn due_list_follows_each_report() {
    let app = TestApp::with_today(Some(time::macros::date!(2026 - 03 - 18))).await;
    let b = app.login("rep1").await;
    let due = |body: &str, period: &str| {
        body.matches(&format!("/projects/{}/report?period={period}", app.p1))
            .count()
    };
    let r = app.get(&b, "/reports/due").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(due(&r.body, "2026-W11"), 1, "{}", r.body);
    assert_eq!(due(&r.body, "2026-W12"), 1);
    // Asked again unchanged: the same answer (reused).
    let again = app.get(&b, "/reports/due").await;
    assert_eq!(due(&again.body, "2026-W12"), 1);
    let rep = app.token("rep1").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/projects/{}/reports", app.p1),
            Some(&rep),
            Some(json!({"period": "2026-W12", "investment_wan": 5})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app.get(&b, "/reports/due").await;
    assert_eq!(due(&r.body, "2026-W12"), 0, "filed this week");
    assert_eq!(due(&r.body, "2026-W11"), 1);
    // Another process (its own handle on the database) files last week's report.
    let other = app.store.connect_again().await.unwrap();
    other
        .reports()
        .submit(
            &diaodu_store::Actor::cli(),
            app.p1,
            &diaodu_store::ReportInput {
                period: diaodu_domain::Period::parse("2026-W11").unwrap(),
                investment: diaodu_domain::Yuan(10_000),
                progress: String::new(),
                problems: String::new(),
            },
            false,
        )
        .await
        .unwrap();
    let r = app.get(&b, "/reports/due").await;
    assert_eq!(due(&r.body, "2026-W11"), 0, "filed by another process");
    assert!(r.body.contains("本期进度均已填报"));
}
