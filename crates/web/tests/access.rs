//! Who may do what, tried through the front door: pages, forms and the API.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn anonymous_is_sent_to_login() {
    let app = TestApp::new().await;
    let r = app
        .send(
            axum::http::Request::get("/projects")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/login"));
    let r = app.api(Method::GET, "/api/v1/projects", None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"]["code"], "unauthenticated");
    assert_eq!(r.json()["error"]["message"], "请先登录");
}

#[tokio::test]
async fn reporter_of_one_district_cannot_touch_another() {
    let app = TestApp::new().await;
    let b = app.login("rep1").await;
    // Own project: readable, report form opens.
    assert_eq!(
        app.get(&b, &format!("/projects/{}", app.p1)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&b, &format!("/projects/{}/report", app.p1))
            .await
            .status,
        StatusCode::OK
    );
    // Other district's project: 403 on page, form, submission, edit, list filter and API.
    for path in [
        format!("/projects/{}", app.p2),
        format!("/projects/{}/report", app.p2),
        format!("/projects?unit={}", app.d2),
        format!("/ranking?unit={}", app.d2),
        format!("/api/v1/projects/{}", app.p2),
        format!("/api/v1/projects/{}/reports", app.p2),
        format!("/api/v1/status?unit={}", app.d2),
    ] {
        assert_eq!(
            app.get(&b, &path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let r = app
        .post_form(
            &b,
            &format!("/projects/{}/report", app.p2),
            &[("period", "2026-W07"), ("investment", "10")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("无权访问"));
    let token = app.token("rep1").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/projects/{}/reports", app.p2),
            Some(&token),
            Some(json!({"period": "2026-W07", "investment_wan": 10})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "forbidden");
    assert_eq!(
        app.store.reports().count().await.unwrap(),
        0,
        "nothing written"
    );
    // The project list only shows the own district.
    let list = app
        .api(Method::GET, "/api/v1/projects", Some(&token), None)
        .await
        .json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["code"], "A001");
    // A reporter may not edit projects or read the audit log.
    assert_eq!(
        app.get(&b, &format!("/projects/{}/edit", app.p1))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get(&b, "/audit").await.status, StatusCode::FORBIDDEN);
    let r = app.api(Method::PUT, &format!("/api/v1/projects/{}", app.p1), Some(&token), Some(json!({
        "unit_id": app.d1, "code": "A001", "name": "x", "category": "industry", "stage": "continuing",
        "total_investment_wan": 1, "plan_year": 2026, "annual_plan_wan": 1, "actual_start": "2026-02-10", "version": 1
    }))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn city_roles_see_the_whole_city_and_only_their_actions() {
    let app = TestApp::new().await;
    let leader = app.login("leader").await;
    assert_eq!(
        app.get(&leader, &format!("/projects/{}", app.p2))
            .await
            .status,
        StatusCode::OK
    );
    let r = app
        .post_form(
            &leader,
            &format!("/projects/{}/report", app.p2),
            &[("period", "2026-W07"), ("investment", "1")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a leader reads but does not report"
    );
    let comm = app.login("comm").await;
    let r = app
        .post_form(
            &comm,
            &format!("/projects/{}/visits", app.p2),
            &[
                ("visit_date", "2026-03-01"),
                ("findings", "现场无人施工"),
                ("coordination", "请区政府协调"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&comm, &format!("/projects/{}", app.p2)).await.body;
    assert!(page.contains("现场无人施工"));
    let sup = app.login("sup").await;
    assert_eq!(app.get(&sup, "/audit").await.status, StatusCode::OK);
    assert_eq!(
        app.get(&sup, "/projects/new").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let app = TestApp::new().await;
    let b = app.login("rep1").await;
    let path = format!("/projects/{}/report", app.p1);
    // No token.
    let r = app
        .post_raw(Some(&b), &path, "period=2026-W07&investment=10")
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("CSRF"));
    // Another session's token.
    let other = app.login("rep2").await;
    let r = app
        .post_raw(
            Some(&b),
            &path,
            &format!("period=2026-W07&investment=10&_csrf={}", other.csrf),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Log-out is a state change too.
    let r = app.post_raw(Some(&b), "/logout", "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.reports().count().await.unwrap(), 0);
    // API with the cookie but without the header.
    let r = app
        .send(
            axum::http::Request::post(format!("/api/v1/projects/{}/reports", app.p1))
                .header("cookie", &b.cookie)
                .header("content-type", "application/json")
                .body(axum::body::Body::from(
                    r#"{"period":"2026-W07","investment_wan":1}"#,
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "csrf");
    // With the token everything works.
    let r = app
        .post_form(&b, &path, &[("period", "2026-W07"), ("investment", "10")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.store.reports().count().await.unwrap(), 1);
    let r = app.post_form(&b, "/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&b, "/").await.status,
        StatusCode::SEE_OTHER,
        "session ended"
    );
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled() {
    let app = TestApp::new().await;
    for _ in 0..5 {
        let r = app
            .post_raw(None, "/login", "login=rep1&password=wrong-password")
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("用户名或密码错误"));
    }
    let r = app
        .post_raw(
            None,
            "/login",
            &format!("login=rep1&password={}", common::PASSWORD),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("登录失败次数过多"));
    let r = app
        .api(
            Method::POST,
            "/api/v1/login",
            None,
            Some(json!({"login": "rep1", "password": common::PASSWORD})),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Other logins are not affected.
    app.login("rep2").await;
}

#[tokio::test]
async fn security_headers_are_set() {
    let app = TestApp::new().await;
    let r = app
        .send(
            axum::http::Request::get("/login")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers.get("x-frame-options").unwrap(), "DENY");
    assert!(r.headers.get("content-security-policy").is_some());
}
