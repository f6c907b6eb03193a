//! Operations: an IT department's load balancer asks /healthz and /readyz without logging in;
//! Prometheus reads /metrics; every answer carries a request id, the proxy's when it sent a plain
//! one. On SQLite and PostgreSQL.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::TestApp;

#[tokio::test]
async fn probes_metrics_and_request_ids() {
    let app = TestApp::new().await;
    // The probes answer without a session.
    let r = app.api(Method::GET, "/healthz", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.api(Method::GET, "/readyz", None, None).await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ok\n"));

    // A reporter's pages: the proxy's request id comes back; a made-up one is replaced.
    let rep1 = app.login("rep1").await;
    let r = app
        .send(
            Request::get(format!("/projects/{}", app.p1))
                .header("cookie", &rep1.cookie)
                .header("x-request-id", "nginx-7f3a9c")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["x-request-id"], "nginx-7f3a9c");
    let r = app
        .send(
            Request::get("/projects")
                .header("cookie", &rep1.cookie)
                .header("x-request-id", "a b\"<script>")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let id = r.headers["x-request-id"].to_str().unwrap();
    assert!(
        id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    let other = app.get(&rep1, "/projects").await;
    assert_ne!(other.headers["x-request-id"].to_str().unwrap(), id);
    // Another district's project: 403, counted as such.
    let r = app.get(&rep1, &format!("/projects/{}", app.p2)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Prometheus: by route pattern (not by id), status and method; latency histograms; the pool
    // and the outbox.
    let m = app.api(Method::GET, "/metrics", None, None).await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let body = &m.body;
    for want in [
        "diaodu_http_requests_total{method=\"GET\",route=\"/projects/{id}\",status=\"200\"} 1",
        "diaodu_http_requests_total{method=\"GET\",route=\"/projects/{id}\",status=\"403\"} 1",
        "diaodu_http_requests_total{method=\"GET\",route=\"/projects\",status=\"200\"} 2",
        "diaodu_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"} 1",
        "diaodu_http_request_duration_seconds_bucket{le=\"0.001\",method=\"GET\",route=\"/projects\"}",
        "diaodu_http_request_duration_seconds_count{method=\"GET\",route=\"/projects\"} 2",
        "diaodu_http_requests_in_flight 1",
        "diaodu_db_pool_connections{state=\"idle\"}",
        "diaodu_db_pool_max_connections ",
        "diaodu_outbox_messages{state=\"pending\"} 0",
        "# EOF",
    ] {
        assert!(body.contains(want), "{want} missing from:\n{body}");
    }
    assert!(
        !body.contains(&format!("/projects/{}\"", app.p1)),
        "no series per id"
    );
}
