//! A user sees its own live sessions on 我的账号 — where each was opened from, the current one
//! marked — and ends one it does not recognise, or all the others; nobody ends another's session.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;

#[tokio::test]
async fn a_user_ends_a_session_it_does_not_recognise() {
    let app = TestApp::new().await;
    let here = app.login("rep1").await;
    let there = app.login("rep1").await;
    let page = app.get(&here, "/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("当前会话"));
    assert_eq!(
        page.body.matches("<tr>").count(),
        3,
        "a header and two sessions"
    );
    // The API lists the same two, the current one marked.
    let list = app.get(&here, "/api/v1/me/sessions").await.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    let other = list.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Another user cannot end it.
    let token = app.token("rep2").await;
    let r = app
        .api(
            Method::DELETE,
            &format!("/api/v1/me/sessions/{other}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&there, "/api/v1/me").await.status, StatusCode::OK);
    // Its user can, from the page; the other browser is logged out at once.
    let r = app
        .post_form(&here, "/account/sessions/end", &[("id", &other)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&there, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.get(&here, "/api/v1/me").await.status, StatusCode::OK);
    // All the others at once, through the API, keeps the caller's.
    let again = app.login("rep1").await;
    let r = app
        .send(
            axum::http::Request::delete("/api/v1/me/sessions/all-others")
                .header("cookie", &here.cookie)
                .header("x-csrf-token", &here.csrf)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(
        app.get(&again, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.get(&here, "/api/v1/me").await.status, StatusCode::OK);
    // The header links to the page.
    assert!(app
        .get(&here, "/")
        .await
        .body
        .contains(r#"href="/account""#));
}
