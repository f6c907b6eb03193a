//! Hostile and careless input (docs/security.md): crafted spreadsheets, uploads by users who may not
//! import, and the import route of the API. Each answer is a clear refusal with nothing written.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::TestApp;

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../office/tests/corpus/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[tokio::test]
async fn a_reporter_uploading_a_crafted_sheet_gets_a_refusal_and_the_server_stays_small() {
    let app = TestApp::new().await;
    let b = app.login("rep1").await;
    let before = app.store.reports().count().await.unwrap();
    // A header row and one cell at XFD1048576: read as the header alone.
    let r = app
        .upload(&b, "reports", "far.xlsx", &corpus("far-cell.xlsx"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("文件中没有数据行"), "{}", r.body);
    // A 1 MB file holding a 1 GB string: refused before it is inflated.
    let r = app
        .upload(
            &b,
            "reports",
            "big.xlsx",
            &corpus("one-gigabyte-string.xlsx"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("解压后超过"), "{}", r.body);
    assert_eq!(app.store.reports().count().await.unwrap(), before);
}

/// A multipart body that sends its first parts (the CSRF token when given, then the kind) and then
/// never ends: a handler that reads the upload before checking the role would wait for ever.
fn endless_upload(csrf: Option<&str>, kind: &str) -> Body {
    use futures_util::stream::{self, StreamExt};
    let token = csrf
        .map(|t| format!("--B\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{token}--B\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n项目编码\r\n"
    );
    let first = stream::iter([Ok::<_, std::io::Error>(axum::body::Bytes::from(head))]);
    Body::from_stream(first.chain(stream::pending()))
}

async fn send_within(app: &TestApp, req: Request<Body>, what: &str) -> common::Resp {
    tokio::time::timeout(std::time::Duration::from_secs(20), app.send(req))
        .await
        .unwrap_or_else(|_| panic!("{what}: the upload was read before the request was judged"))
}

#[tokio::test]
async fn a_leader_is_refused_an_upload_before_it_is_read() {
    let app = TestApp::new().await;
    let b = app.login("leader").await;
    for path in ["/data/import", "/api/v1/imports/reports"] {
        let req = Request::post(path)
            .header(header::COOKIE, &b.cookie)
            .header("x-csrf-token", &b.csrf)
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=B")
            .body(endless_upload(None, "reports"))
            .unwrap();
        let r = send_within(&app, req, path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
    }
    // A reporter may import reports but not units: refused as soon as the kind is read.
    let b = app.login("rep1").await;
    let req = Request::post("/data/import")
        .header(header::COOKIE, &b.cookie)
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=B")
        .body(endless_upload(Some(&b.csrf), "units"))
        .unwrap();
    let r = send_within(&app, req, "kind").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("权限"), "{}", r.body);
}

#[tokio::test]
async fn an_upload_from_a_page_carries_its_token_in_the_body_not_the_url() {
    let app = TestApp::new().await;
    let b = app.login("rep1").await;
    // Without the token, or with the token only in the URL (where logs and proxies keep it), the
    // upload is refused after its first few kilobytes.
    for (path, csrf) in [
        ("/data/import".to_string(), None),
        (format!("/data/import?_csrf={}", b.csrf), None),
        ("/data/import".to_string(), Some("not-the-token")),
    ] {
        let req = Request::post(&path)
            .header(header::COOKIE, &b.cookie)
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=B")
            .body(endless_upload(csrf, "reports"))
            .unwrap();
        let r = send_within(&app, req, &path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
        assert!(r.body.contains("请刷新页面"), "{path}: {}", r.body);
    }
    // The page's own form puts the token first and imports.
    let page = app.get(&b, "/data").await;
    assert!(
        !page.body.contains("_csrf="),
        "no token in a URL of the page"
    );
    let r = app
        .upload(
            &b,
            "reports",
            "r.csv",
            "项目编码,填报期,本期完成投资(万元)\nA001,2026-W05,12.5\n".as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

fn multipart(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--B--\r\n");
    body
}

#[tokio::test]
async fn another_system_pushes_a_file_through_the_api() {
    let app = TestApp::new().await;
    let token = app.token("rep1").await;
    let send = |csv: &str| {
        Request::post("/api/v1/imports/reports")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=B")
            .body(Body::from(multipart("r.csv", csv.as_bytes())))
            .unwrap()
    };
    let r = app
        .send(send(
            "项目编码,填报期,本期完成投资(万元)\nA001,2026-W05,12.5\nB001,2026-W05,1\n",
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let e = r.json();
    assert_eq!(e["error"]["code"], "import_failed");
    assert_eq!(e["error"]["details"][0]["row"], 3);
    assert_eq!(e["error"]["details"][0]["column"], "项目编码");
    let before = app.store.reports().count().await.unwrap();
    let r = app
        .send(send(
            "项目编码,填报期,本期完成投资(万元)\nA001,2026-W05,12.5\n",
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["imported"], 1);
    assert_eq!(app.store.reports().count().await.unwrap(), before + 1);
    // An unknown kind is a 404, and a request that is not an upload a 400, in the documented shape.
    let r = app
        .send(
            Request::post("/api/v1/imports/zzz")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=B")
                .body(Body::from(multipart("r.csv", b"x")))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "not_found");
    let r = app
        .api(Method::POST, "/api/v1/imports/reports", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "invalid");
}

#[tokio::test]
async fn every_rejection_comes_in_the_documented_shape() {
    let app = TestApp::new().await;
    let token = app.token("drc").await;
    // Paging beyond the first page, by the API and by the list's export button.
    let r = app
        .api(
            Method::GET,
            "/api/v1/projects?page=2&per_page=1",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["page"], 2);
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 1);
    let b = app.login("drc").await;
    let r = app
        .get(&b, "/data/export/projects?format=xlsx&page=1&stage=&q=")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A bad query, a bad body, a missing field, a wrong content type, an unknown route and method.
    for (method, path, ct, body, status) in [
        (Method::GET, "/api/v1/projects?page=abc", None, "", 400),
        (
            Method::POST,
            "/api/v1/projects",
            Some("application/json"),
            "{",
            400,
        ),
        (
            Method::POST,
            "/api/v1/projects",
            Some("application/json"),
            "{}",
            400,
        ),
        (
            Method::POST,
            "/api/v1/projects",
            Some("text/plain"),
            "x",
            415,
        ),
        (Method::GET, "/api/v1/nothing-here", None, "", 404),
        (Method::DELETE, "/api/v1/projects", None, "", 405),
    ] {
        let mut req = Request::builder()
            .method(method.clone())
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        if let Some(ct) = ct {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let r = app.send(req.body(Body::from(body)).unwrap()).await;
        assert_eq!(r.status.as_u16(), status, "{method} {path}: {}", r.body);
        let e = r.json();
        let msg = e["error"]["message"]
            .as_str()
            .unwrap_or_else(|| panic!("{}", r.body));
        assert!(
            msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{method} {path}: a Chinese message, not {msg}"
        );
    }
    // The pages answer with a Chinese page.
    let r = app.get(&b, "/projects?page=abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("出错了") && r.body.contains("查询参数"),
        "{}",
        r.body
    );
    let r = app.get(&b, "/no-such-page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("页面不存在"), "{}", r.body);
}

#[tokio::test]
async fn a_nul_byte_anywhere_is_refused_on_both_engines() {
    let app = TestApp::new().await;
    let rep = app.token("rep1").await;
    let sup = app.token("sup").await;
    let before = app.store.audit().count().await.unwrap();
    let r = app
        .api(
            Method::POST,
            "/api/v1/login",
            None,
            Some(serde_json::json!({"login": "a\u{0}", "password": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    for (token, path, body) in [
        (
            &rep,
            format!("/api/v1/projects/{}/reports", app.p1),
            serde_json::json!({"period": "2026-W05", "investment_wan": 1, "progress": "进度\u{0}", "problems": ""}),
        ),
        (
            &sup,
            "/api/v1/notices".to_string(),
            serde_json::json!({"title": "督办\u{0}", "content": "x", "unit_id": app.d1}),
        ),
        (
            &sup,
            "/api/v1/meetings".to_string(),
            serde_json::json!({"title": "会\u{1}", "date": "2026-03-01"}),
        ),
        (
            &sup,
            "/api/v1/tasks".to_string(),
            serde_json::json!({"title": "任务", "notes": ["a", "b\u{7f}"]}),
        ),
    ] {
        let r = app.api(Method::POST, &path, Some(token), Some(body)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
        assert!(r.body.contains("控制字符"), "{path}: {}", r.body);
    }
    // In a query string and a path.
    let b = app.login("sup").await;
    let r = app.get(&b, "/audit?entity=%00").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = app
        .api(Method::GET, "/api/v1/notices/%00", Some(&sup), None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // In a form.
    let r = app
        .post_form(&b, "/notices/new", &[("title", "督办\u{0}单")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // In an imported cell: its row and column.
    let rb = app.login("rep1").await;
    let r = app
        .upload(
            &rb,
            "reports",
            "r.csv",
            "项目编码,填报期,本期完成投资(万元),形象进度\nA001,2026-W05,1,正常\u{0}施工\n"
                .as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("D列") && r.body.contains("控制字符"),
        "{}",
        r.body
    );
    // Tabs and new lines are text.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/projects/{}/reports", app.p1),
            Some(&rep),
            Some(serde_json::json!({"period": "2026-W05", "investment_wan": 1, "progress": "第一行\n第二行\t完", "problems": ""})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    assert_eq!(app.store.audit().count().await.unwrap(), before + 1);
}

#[tokio::test]
async fn a_formula_in_a_project_name_leaves_the_csv_export_as_text() {
    let app = TestApp::new().await;
    let mut f = common::fields("F001", diaodu_domain::project::Stage::Continuing);
    f.name = "=HYPERLINK(\"http://evil.example/\",\"点我\")".into();
    app.store
        .projects()
        .create(&diaodu_store::Actor::cli(), app.d1, f)
        .await
        .unwrap();
    let b = app.login("drc").await;
    let r = app.get(&b, "/data/export/projects?format=csv").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("'=HYPERLINK(\"\"http://evil.example/\"\",\"\"点我\"\")"),
        "{}",
        r.body
    );
}
