//! Log-in as an attacker and as the rightful user would meet it: the throttle cannot be raced or
//! turned against the user from elsewhere, unauthenticated input is bounded, a password an
//! administrator set is changed first, and idle sessions end.

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use common::{TestApp, PASSWORD};
use tower::ServiceExt;

fn login_from(addr: &str, login: &str, password: &str) -> Request<Body> {
    let mut req = Request::post("/api/v1/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            serde_json::json!({"login": login, "password": password}).to_string(),
        ))
        .unwrap();
    let peer: SocketAddr = format!("{addr}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(peer));
    req
}

#[tokio::test]
async fn sixty_parallel_guesses_check_at_most_five_passwords() {
    let app = TestApp::new().await;
    let mut handles = Vec::new();
    for i in 0..60 {
        // The right password is the 46th guess.
        let pw = if i == 45 {
            PASSWORD.to_string()
        } else {
            format!("Wrong-{i}a")
        };
        let router = app.router.clone();
        handles.push(tokio::spawn(async move {
            router
                .oneshot(login_from("10.9.9.9", "rep1", &pw))
                .await
                .unwrap()
                .status()
        }));
    }
    let mut checked = 0;
    let mut throttled = 0;
    for h in handles {
        match h.await.unwrap() {
            StatusCode::OK | StatusCode::BAD_REQUEST => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => throttled += 1,
            s => panic!("unexpected {s}"),
        }
    }
    assert!(checked <= 5, "{checked} passwords were checked");
    assert_eq!(checked + throttled, 60);
    // The rightful user, from the own address, is not locked out by them.
    let r = app.send(login_from("10.1.1.1", "rep1", PASSWORD)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Without a trusted proxy, a forged X-Forwarded-For changes nothing: still the socket's peer.
    for i in 0..6 {
        app.send(login_from("10.7.7.7", "rep1", &format!("Wrong-{i}b")))
            .await;
    }
    let mut forged = login_from("10.7.7.7", "rep1", PASSWORD);
    forged
        .headers_mut()
        .insert("x-forwarded-for", "10.1.1.1".parse().unwrap());
    assert_eq!(app.send(forged).await.status, StatusCode::TOO_MANY_REQUESTS);
    // The administrator reads the attempts and unlocks the login.
    let admin = app.token("admin").await;
    let log = app
        .api(Method::GET, "/api/v1/logins?login=rep1", Some(&admin), None)
        .await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    let items = log.json()["items"].as_array().unwrap().clone();
    assert!(items
        .iter()
        .any(|i| i["address"] == "10.7.7.7" && i["result"] == "throttled"));
    assert!(items
        .iter()
        .any(|i| i["address"] == "10.1.1.1" && i["result"] == "ok"));
    let rep1 = app.user_id("rep1").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/users/{rep1}/unlock"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(
        app.send(login_from("10.7.7.7", "rep1", PASSWORD))
            .await
            .status,
        StatusCode::OK
    );
    // Only the administrator may.
    let drc = app.token("drc").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/users/{rep1}/unlock"),
            Some(&drc),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let b = app.login("admin").await;
    let page = app.get(&b, "/admin/logins").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("10.7.7.7") && page.body.contains("已锁定"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn huge_unauthenticated_input_is_refused_and_not_kept() {
    let app = TestApp::new().await;
    let huge = "x".repeat(10 * 1024 * 1024);
    // 10 MB login names, through the API and the form: refused at the body limit.
    for _ in 0..5 {
        let r = app.send(login_from("10.2.2.2", &huge, "x")).await;
        assert_eq!(
            r.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{}",
            &r.body[..r.body.len().min(300)]
        );
        assert_eq!(r.json()["error"]["code"], "too_large");
    }
    let r = app
        .post_raw(None, "/login", &format!("login={huge}&password=x"))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Within the body limit but beyond a login's length: refused, nothing logged.
    let r = app.send(login_from("10.2.2.2", &"x".repeat(65), "x")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = app
        .send(login_from("10.2.2.2", "rep1", &"y".repeat(300)))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(app
        .store
        .users()
        .login_log(None, None, 10)
        .await
        .unwrap()
        .is_empty());
    // A state-changing request without a session is refused before its body is read.
    let r = app
        .api(
            Method::POST,
            "/api/v1/projects",
            None,
            Some(serde_json::json!({"code": huge})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_password_set_by_the_administrator_is_changed_first() {
    let app = TestApp::new().await;
    let rep1 = app.user_id("rep1").await;
    app.store
        .users()
        .require_password_change(rep1)
        .await
        .unwrap();
    // The form sends the user to the change page, and every other page there too.
    let r = app
        .post_raw(None, "/login", &format!("login=rep1&password={PASSWORD}"))
        .await;
    assert_eq!(r.location.as_deref(), Some("/account/password"));
    let b = app.login("rep1").await;
    let r = app.get(&b, "/projects").await;
    assert_eq!(r.location.as_deref(), Some("/account/password"));
    let r = app.get(&b, "/account/password").await;
    assert!(r.body.contains("请先修改密码"), "{}", r.body);
    // The API says why, in the documented shape.
    let token = app.token("rep1").await;
    let r = app
        .api(Method::GET, "/api/v1/projects", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "password_change_required");
    let me = app.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.json()["must_change_password"], true);
    // A weak new password is refused with the rule; a good one frees the account.
    let r = app
        .api(
            Method::POST,
            "/api/v1/me/password",
            Some(&token),
            Some(serde_json::json!({"current_password": PASSWORD, "new_password": "password"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("至少三类"), "{}", r.body);
    let r = app
        .api(
            Method::POST,
            "/api/v1/me/password",
            Some(&token),
            Some(
                serde_json::json!({"current_password": PASSWORD, "new_password": "Fresh-Pw-2026"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = app
        .api(Method::GET, "/api/v1/projects", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn an_idle_session_ends() {
    let app = TestApp::new().await;
    let token = app.token("rep1").await;
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", Some(&token), None)
            .await
            .status,
        StatusCode::OK
    );
    // Thirty-one minutes without a request (the default idle timeout is 30).
    let past = diaodu_store::ts(time::OffsetDateTime::now_utc() - time::Duration::minutes(1));
    sqlx::query("UPDATE sessions SET idle_until = $1, last_seen = $1")
        .bind(&past)
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}
