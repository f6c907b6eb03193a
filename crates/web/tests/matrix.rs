//! The role × route × scope matrix of docs/roles.md, through the front door: a user of every role at
//! the city and at a district, every route, against records of the own district and of another one.
//! Each answer is 403 exactly where the documented rules say so, and never a server error. Writes
//! are sent with plausible bodies; what they change does not matter here, only who was let in.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::TestApp;
use diaodu_domain::access::{allows, Action, Role};
use serde_json::{json, Value};

/// Who may use a route.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Anyone logged in.
    Any,
    /// A role with the action.
    Act(Action),
    /// Either action.
    Either(Action, Action),
    /// The action, on a record of a unit within the user's scope.
    InScope(Action, i64),
    /// A record of a unit within the user's scope, whatever the role.
    Sees(i64),
    /// The action, for a record of the user's own unit (acting in the unit's name).
    Own(Action, i64),
}

struct User {
    login: String,
    role: Role,
    unit: i64,
    token: String,
    cookie: String,
    csrf: String,
}

impl User {
    fn in_scope(&self, unit: i64, app: &TestApp) -> bool {
        self.role == Role::Admin || self.unit == app.city || self.unit == unit
    }

    fn forbidden(&self, rule: Rule, app: &TestApp) -> bool {
        match rule {
            Rule::Any => false,
            Rule::Act(a) => !allows(self.role, a),
            Rule::Either(a, b) => !allows(self.role, a) && !allows(self.role, b),
            Rule::InScope(a, u) => !allows(self.role, a) || !self.in_scope(u, app),
            Rule::Sees(u) => !self.in_scope(u, app),
            Rule::Own(a, u) => !allows(self.role, a) || self.unit != u,
        }
    }
}

enum Body_ {
    None,
    Json(Value),
    Form(Vec<(&'static str, String)>),
}

#[tokio::test]
async fn every_role_at_city_and_district_gets_the_documented_answer_on_every_route() {
    let app = TestApp::new().await;
    let (c, d1, d2) = (app.city, app.d1, app.d2);
    let admin = app.token("admin").await;
    let today = diaodu_store::today_local();
    let fmt = diaodu_domain::period::fmt_date;
    let day = |n: i64| fmt(today + time::Duration::days(n));
    // Records of 甲区 (D1), 乙区 (D2) and the city.
    let notice = |unit: i64| json!({"unit_id": unit, "title": "督办", "content": "请反馈", "reply_by": day(5)});
    let n2 = app
        .api(
            Method::POST,
            "/api/v1/notices",
            Some(&admin),
            Some(notice(d2)),
        )
        .await
        .json()["notice"]["id"]
        .as_i64()
        .unwrap();
    let task = |unit: i64| json!({"title": "任务", "lead_unit_id": unit.to_string(), "start": day(-5), "deadline": day(200), "cadence": "weekly"});
    let t2 = app
        .api(Method::POST, "/api/v1/tasks", Some(&admin), Some(task(d2)))
        .await
        .json()["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("task fixture"));
    let m = app
        .api(
            Method::POST,
            "/api/v1/meetings",
            Some(&admin),
            Some(json!({"title": "调度会", "date": day(-1), "review_period": "上月", "attendees": "", "agenda": ""})),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let (p1, p2) = (app.p1, app.p2);
    let week = diaodu_domain::Period::week_of(today).to_string();
    // 乙区's supervision notice as issued, kept in the library.
    let (status, _) = app
        .api_bytes(
            Method::GET,
            &format!("/api/v1/documents/supervision-notice?notice={n2}"),
            Some(&admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let doc2 = app
        .store
        .documents()
        .of_subject("supervision_notice", &format!("notice:{n2}"))
        .await
        .unwrap()
        .unwrap()
        .id;

    // Users of every role at the city and at 甲区.
    let mut users = Vec::new();
    for role in Role::ALL {
        for (level, unit) in [("c", c), ("d", d1)] {
            let login = format!("{}-{level}", role.code());
            app.store
                .users()
                .create(
                    &diaodu_store::Actor::cli(),
                    &login,
                    &login,
                    unit,
                    *role,
                    common::PASSWORD,
                )
                .await
                .unwrap();
            let token = app.token(&login).await;
            let b = app.login(&login).await;
            users.push(User {
                login,
                role: *role,
                unit,
                token,
                cookie: b.cookie,
                csrf: b.csrf,
            });
        }
    }
    let admin_id = app
        .store
        .users()
        .list()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.login == "admin")
        .unwrap()
        .id;

    use Action::*;
    use Rule::*;
    let api: Vec<(Method, String, Body_, Rule)> = vec![
        (Method::GET, "/api/v1/me".into(), Body_::None, Any),
        (Method::GET, "/api/v1/units".into(), Body_::None, Any),
        (Method::GET, "/api/v1/projects".into(), Body_::None, Any),
        (
            Method::GET,
            format!("/api/v1/projects/{p1}"),
            Body_::None,
            Sees(d1),
        ),
        (
            Method::GET,
            format!("/api/v1/projects/{p2}"),
            Body_::None,
            Sees(d2),
        ),
        (
            Method::PUT,
            format!("/api/v1/projects/{p2}"),
            Body_::Json(
                json!({"version": 1, "code": "B001", "name": "乙区项目", "category": "industry", "stage": "continuing", "total_investment_wan": 50000, "plan_year": 2026, "annual_plan_wan": 10000, "actual_start": "2026-02-10"}),
            ),
            InScope(EditProject, d2),
        ),
        (
            Method::GET,
            format!("/api/v1/projects/{p2}/reports"),
            Body_::None,
            Sees(d2),
        ),
        (
            Method::POST,
            format!("/api/v1/projects/{p2}/reports"),
            Body_::Json(json!({"period": week, "investment_wan": 1})),
            InScope(SubmitReport, d2),
        ),
        (
            Method::POST,
            format!("/api/v1/projects/{p1}/reports"),
            Body_::Json(json!({"period": week, "investment_wan": 1})),
            InScope(SubmitReport, d1),
        ),
        (Method::GET, "/api/v1/status".into(), Body_::None, Any),
        (Method::GET, "/api/v1/status/units".into(), Body_::None, Any),
        (
            Method::GET,
            "/api/v1/indicators".into(),
            Body_::None,
            Act(ViewScorecard),
        ),
        (
            Method::POST,
            "/api/v1/indicators/values".into(),
            Body_::Json(
                json!({"indicator": "GDP", "period": "2026-Q1", "values": [{"region": "D2", "growth_pct": 5.0}]}),
            ),
            InScope(ManageIndicators, d2),
        ),
        (Method::GET, "/api/v1/notices".into(), Body_::None, Any),
        (
            Method::POST,
            "/api/v1/notices".into(),
            Body_::Json(notice(d2)),
            InScope(IssueNotices, d2),
        ),
        (
            Method::POST,
            "/api/v1/notices/escalate".into(),
            Body_::None,
            Act(IssueNotices),
        ),
        (
            Method::GET,
            format!("/api/v1/notices/{n2}"),
            Body_::None,
            Sees(d2),
        ),
        (
            Method::POST,
            format!("/api/v1/notices/{n2}/sign"),
            Body_::None,
            Own(AnswerNotices, d2),
        ),
        (
            Method::POST,
            format!("/api/v1/notices/{n2}/reply"),
            Body_::Json(json!({"text": "已整改"})),
            Own(AnswerNotices, d2),
        ),
        (
            Method::POST,
            format!("/api/v1/notices/{n2}/verify"),
            Body_::Json(json!({"accept": false, "note": "补充材料"})),
            InScope(IssueNotices, d2),
        ),
        (
            Method::POST,
            format!("/api/v1/notices/{n2}/accountability"),
            Body_::Json(
                json!({"person": "张三", "what": "逾期", "decision": "约谈", "decided_on": day(0)}),
            ),
            InScope(IssueNotices, d2),
        ),
        (
            Method::GET,
            "/api/v1/meetings".into(),
            Body_::None,
            Act(ViewMeetings),
        ),
        (
            Method::POST,
            "/api/v1/meetings".into(),
            Body_::Json(json!({"title": "区调度会", "date": day(-1)})),
            Act(ManageTasks),
        ),
        (
            Method::GET,
            format!("/api/v1/meetings/{m}"),
            Body_::None,
            InScope(ViewMeetings, c),
        ),
        (
            Method::POST,
            format!("/api/v1/meetings/{m}/decisions"),
            Body_::Json(
                json!({"content": "甲区完成", "lead_unit_id": d1.to_string(), "deadline": day(30), "cadence": "weekly", "leader": ""}),
            ),
            InScope(ManageTasks, c),
        ),
        (
            Method::GET,
            "/api/v1/inspections".into(),
            Body_::None,
            Either(Inspect, ViewMeetings),
        ),
        (Method::GET, "/api/v1/tasks".into(), Body_::None, Any),
        (
            Method::POST,
            "/api/v1/tasks".into(),
            Body_::Json(task(d2)),
            InScope(ManageTasks, d2),
        ),
        (
            Method::GET,
            format!("/api/v1/tasks/{t2}"),
            Body_::None,
            Sees(d2),
        ),
        (
            Method::POST,
            format!("/api/v1/tasks/{t2}/reports"),
            Body_::Json(json!({"period": week, "percent": 100})),
            Own(ReportTasks, d2),
        ),
        (
            Method::POST,
            format!("/api/v1/tasks/{t2}/verify"),
            Body_::Json(json!({"accept": false, "note": "补充"})),
            InScope(VerifyTasks, d2),
        ),
        (
            Method::GET,
            "/api/v1/logins".into(),
            Body_::None,
            Act(ManageUsers),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{admin_id}/unlock"),
            Body_::None,
            Act(ManageUsers),
        ),
    ];
    let pages: Vec<(Method, String, Body_, Rule)> = vec![
        (Method::GET, "/".into(), Body_::None, Any),
        (Method::GET, "/projects".into(), Body_::None, Any),
        (
            Method::GET,
            "/projects/new".into(),
            Body_::None,
            Act(EditProject),
        ),
        (
            Method::GET,
            format!("/projects/{p2}"),
            Body_::None,
            Sees(d2),
        ),
        (
            Method::GET,
            format!("/projects/{p2}/edit"),
            Body_::None,
            InScope(EditProject, d2),
        ),
        (
            Method::GET,
            format!("/projects/{p2}/report"),
            Body_::None,
            InScope(SubmitReport, d2),
        ),
        (
            Method::POST,
            format!("/projects/{p2}/visits"),
            Body_::Form(vec![("visit_date", day(0)), ("findings", "现场".into())]),
            InScope(LogSiteVisit, d2),
        ),
        (
            Method::GET,
            "/reports/due".into(),
            Body_::None,
            Act(SubmitReport),
        ),
        (Method::GET, "/ranking".into(), Body_::None, Any),
        (Method::GET, "/data".into(), Body_::None, Any),
        (
            Method::GET,
            "/data/export/projects?format=csv".into(),
            Body_::None,
            Act(Export),
        ),
        (
            Method::GET,
            "/data/export/ranking".into(),
            Body_::None,
            Act(Export),
        ),
        (
            Method::GET,
            "/admission".into(),
            Body_::None,
            Act(ViewRefusals),
        ),
        (Method::GET, "/audit".into(), Body_::None, Act(ViewAudit)),
        (
            Method::GET,
            "/indicators".into(),
            Body_::None,
            Act(ViewScorecard),
        ),
        (
            Method::GET,
            "/indicators/values".into(),
            Body_::None,
            Act(ManageIndicators),
        ),
        (Method::GET, "/notices".into(), Body_::None, Any),
        (Method::GET, "/documents".into(), Body_::None, Any),
        (Method::GET, "/cockpit".into(), Body_::None, Any),
        (
            Method::GET,
            "/admin/map".into(),
            Body_::None,
            Act(ManageUnits),
        ),
        (Method::GET, "/cockpit?mode=screen".into(), Body_::None, Any),
        (Method::GET, "/planning".into(), Body_::None, Any),
        (
            Method::GET,
            "/api/v1/planning/progress?year=2026".into(),
            Body_::None,
            Any,
        ),
        (
            Method::POST,
            "/api/v1/planning/quotas".into(),
            Body_::Json(
                json!({"unit_id": d2, "year": 2026, "projects": 3, "investment_wan": 100, "big_projects": 1}),
            ),
            InScope(ManagePlanning, d2),
        ),
        (
            Method::GET,
            "/planning/notice.docx?month=2026-01".into(),
            Body_::None,
            Act(ManagePlanning),
        ),
        (Method::GET, "/assessment".into(), Body_::None, Any),
        (Method::GET, "/assessment/scheme".into(), Body_::None, Any),
        (
            Method::GET,
            "/api/v1/assessment?year=2026".into(),
            Body_::None,
            Any,
        ),
        (
            Method::POST,
            "/api/v1/assessment/adjustments".into(),
            Body_::Json(
                json!({"unit_id": d2, "points": 1, "reason": "表彰", "document": "测政发〔2026〕1号"}),
            ),
            InScope(ManageAssessment, d2),
        ),
        (
            Method::PUT,
            "/api/v1/assessment/scheme?year=2026".into(),
            Body_::Json(
                serde_json::to_value(diaodu_domain::assessment::Scheme::default_scheme()).unwrap(),
            ),
            InScope(ManageAssessment, c),
        ),
        (
            Method::GET,
            "/assessment/notice.docx?quarter=2026-Q1".into(),
            Body_::None,
            Act(ManageAssessment),
        ),
        (
            Method::GET,
            format!("/documents/{doc2}"),
            Body_::None,
            Sees(d2),
        ),
        (
            Method::GET,
            format!("/documents/{doc2}/file"),
            Body_::None,
            Sees(d2),
        ),
        (
            Method::GET,
            "/notices/new".into(),
            Body_::None,
            Act(IssueNotices),
        ),
        (Method::GET, format!("/notices/{n2}"), Body_::None, Sees(d2)),
        (
            Method::POST,
            format!("/notices/{n2}/sign"),
            Body_::Form(vec![]),
            Own(AnswerNotices, d2),
        ),
        (
            Method::POST,
            format!("/notices/{n2}/reply"),
            Body_::Form(vec![("text", "已整改".into())]),
            Own(AnswerNotices, d2),
        ),
        (
            Method::GET,
            "/meetings".into(),
            Body_::None,
            Act(ViewMeetings),
        ),
        (
            Method::GET,
            format!("/meetings/{m}"),
            Body_::None,
            InScope(ViewMeetings, c),
        ),
        (
            Method::GET,
            format!("/meetings/{m}/briefing.docx"),
            Body_::None,
            InScope(ViewMeetings, c),
        ),
        (
            Method::POST,
            format!("/meetings/{m}/decisions"),
            Body_::Form(vec![
                ("content", "甲区完成".into()),
                ("lead_unit_id", d1.to_string()),
                ("deadline", day(30)),
                ("cadence", "weekly".into()),
                ("leader", String::new()),
            ]),
            InScope(ManageTasks, c),
        ),
        (
            Method::GET,
            "/inspections".into(),
            Body_::None,
            Either(Inspect, ViewMeetings),
        ),
        (Method::GET, "/tasks".into(), Body_::None, Any),
        (
            Method::GET,
            "/tasks/new".into(),
            Body_::None,
            Act(ManageTasks),
        ),
        (Method::GET, format!("/tasks/{t2}"), Body_::None, Sees(d2)),
        (
            Method::GET,
            format!("/tasks/{t2}/report"),
            Body_::None,
            Own(ReportTasks, d2),
        ),
        (
            Method::POST,
            format!("/tasks/{t2}/report"),
            Body_::Form(vec![("period", week.clone()), ("percent", "100".into())]),
            Own(ReportTasks, d2),
        ),
        (
            Method::GET,
            "/scorecard".into(),
            Body_::None,
            Act(ViewScorecard),
        ),
        (
            Method::GET,
            "/admin/logins".into(),
            Body_::None,
            Act(ManageUsers),
        ),
        (
            Method::GET,
            "/admin/settings".into(),
            Body_::None,
            Act(ManageSettings),
        ),
        (
            Method::GET,
            "/admin/users".into(),
            Body_::None,
            Act(ManageUsers),
        ),
        (
            Method::GET,
            "/admin/units".into(),
            Body_::None,
            Act(ManageUnits),
        ),
        (Method::GET, "/account".into(), Body_::None, Any),
        (Method::GET, "/account/password".into(), Body_::None, Any),
    ];
    let mut wrong = Vec::new();
    let mut requests = 0;
    for u in &users {
        for (is_api, routes) in [(true, &api), (false, &pages)] {
            for (method, path, body, rule) in routes.iter() {
                let mut req = Request::builder().method(method.clone()).uri(path.as_str());
                req = if is_api {
                    req.header(header::AUTHORIZATION, format!("Bearer {}", u.token))
                } else {
                    req.header(header::COOKIE, &u.cookie)
                        .header("x-csrf-token", &u.csrf)
                };
                let body = match body {
                    Body_::None => Body::empty(),
                    Body_::Json(v) => {
                        req = req.header(header::CONTENT_TYPE, "application/json");
                        Body::from(v.to_string())
                    }
                    Body_::Form(f) => {
                        req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                        let mut f = f.clone();
                        f.push(("_csrf", u.csrf.clone()));
                        Body::from(serde_urlencoded::to_string(&f).unwrap())
                    }
                };
                let r = app.send(req.body(body).unwrap()).await;
                requests += 1;
                let expect_forbidden = u.forbidden(*rule, &app);
                let got_forbidden = r.status == StatusCode::FORBIDDEN;
                if r.status.is_server_error() || expect_forbidden != got_forbidden {
                    wrong.push(format!(
                        "{} {method} {path}: {} (expected {})",
                        u.login,
                        r.status,
                        if expect_forbidden { "403" } else { "not 403" }
                    ));
                }
            }
        }
    }
    assert!(requests >= 14 * 60, "{requests} requests");
    assert!(
        wrong.is_empty(),
        "{} of {requests} answers differ from docs/roles.md:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn a_district_office_escalates_only_its_own_notices_and_never_into_the_future() {
    let app = TestApp::new().await;
    let admin = app.token("admin").await;
    let today = diaodu_store::today_local();
    let fmt = diaodu_domain::period::fmt_date;
    app.store
        .users()
        .create(
            &diaodu_store::Actor::cli(),
            "dsup",
            "甲区督查室",
            app.d1,
            Role::Supervision,
            common::PASSWORD,
        )
        .await
        .unwrap();
    let dsup = app.token("dsup").await;
    let mut ids = Vec::new();
    for unit in [app.d1, app.d2] {
        let r = app
            .api(
                Method::POST,
                "/api/v1/notices",
                Some(&admin),
                Some(json!({"unit_id": unit, "title": "督办", "content": "请反馈", "reply_by": fmt(today)})),
            )
            .await;
        ids.push(r.json()["notice"]["id"].as_i64().unwrap());
    }
    // Eight days overdue, both.
    sqlx::query("UPDATE notices SET reply_by = $1")
        .bind(fmt(today - time::Duration::days(8)))
        .execute(app.store.pool())
        .await
        .unwrap();
    // Next month's date is refused: events may not be dated in the future.
    let r = app
        .api(
            Method::POST,
            &format!(
                "/api/v1/notices/escalate?as_of={}",
                fmt(today + time::Duration::days(30))
            ),
            Some(&dsup),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = app
        .api(Method::POST, "/api/v1/notices/escalate", Some(&dsup), None)
        .await;
    assert_eq!(r.json()["steps"], 3, "甲区's notice only: 提醒, 催办, 通报");
    let level = |id: i64| {
        let admin = admin.clone();
        let app = &app;
        async move {
            app.api(
                Method::GET,
                &format!("/api/v1/notices/{id}"),
                Some(&admin),
                None,
            )
            .await
            .json()["notice"]["escalation"]
                .clone()
        }
    };
    assert_eq!(level(ids[0]).await, "notice");
    assert_eq!(
        level(ids[1]).await,
        "none",
        "乙区's notice is outside 甲区's office"
    );
    // The city's office climbs the rest.
    let r = app
        .api(Method::POST, "/api/v1/notices/escalate", Some(&admin), None)
        .await;
    assert_eq!(r.json()["steps"], 3);
    // Accountability: decided today or before, and read only within the office's scope.
    let record = |date: String| json!({"person": "乙区某局长", "what": "逾期未反馈", "decision": "约谈", "decided_on": date});
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{}/accountability", ids[1]),
            Some(&admin),
            Some(record(fmt(today + time::Duration::days(3)))),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{}/accountability", ids[1]),
            Some(&admin),
            Some(record(fmt(today))),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let b = app.login("dsup").await;
    let page = app.get(&b, "/accountability").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("乙区某局长"),
        "another district's record is not shown"
    );
    let b = app.login("admin").await;
    assert!(app
        .get(&b, "/accountability")
        .await
        .body
        .contains("乙区某局长"));
}
