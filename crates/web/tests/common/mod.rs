//! The test app: the real router on a fresh database (SQLite, or PostgreSQL when `DIAODU_TEST_DB` is
//! set), with a small city, users of every role, and a project in each of two districts.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use diaodu_domain::access::{Role, UnitKind};
use diaodu_domain::project::{Category, EnvApproval, ProjectFields, Stage};
use diaodu_domain::Yuan;
use diaodu_store::{Actor, NewUnit, Store};
use diaodu_web::{AppState, WebConfig};
use http_body_util::BodyExt;
use serde_json::Value;
use time::macros::date;
use tower::ServiceExt;

pub const PASSWORD: &str = "Passw0rd-123";

pub struct TestApp {
    pub router: Router,
    pub store: Store,
    pub city: i64,
    pub d1: i64,
    pub d2: i64,
    /// Project in district 1.
    pub p1: i64,
    /// Project in district 2.
    pub p2: i64,
}

/// A logged-in browser: its session cookie and CSRF token.
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

pub struct Resp {
    pub status: StatusCode,
    pub body: String,
    pub location: Option<String>,
    pub headers: axum::http::HeaderMap,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub fn fields(code: &str, stage: Stage) -> ProjectFields {
    let started = stage.requires_actual_start();
    ProjectFields {
        code: code.into(),
        name: format!("测试项目{code}"),
        leader: "李副市长".into(),
        category: Category::Industry,
        stage,
        total_investment: Yuan(500_000_000),
        plan_year: 2026,
        annual_plan: Yuan(100_000_000),
        planned_start: Some(date!(2026 - 02 - 01)),
        planned_finish: Some(date!(2027 - 12 - 31)),
        actual_start: started.then_some(date!(2026 - 02 - 10)),
        batch: "2026年第一批".into(),
        industry: "装备制造".into(),
        env_approval: EnvApproval::Approved,
        planning_year: None,
        entered_on: None,
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_today(None).await
    }

    pub async fn with_today(today: Option<time::Date>) -> TestApp {
        let store = diaodu_store::testing::fresh_store().await;
        let a = Actor::cli();
        let unit = |code: &str, name: &str, parent: Option<i64>, kind| NewUnit {
            code: code.into(),
            name: name.into(),
            parent_id: parent,
            kind,
        };
        let city = store
            .create_unit(&a, unit("C", "测试市", None, UnitKind::City))
            .await
            .unwrap()
            .id;
        let d1 = store
            .create_unit(&a, unit("D1", "甲区", Some(city), UnitKind::District))
            .await
            .unwrap()
            .id;
        let d2 = store
            .create_unit(&a, unit("D2", "乙区", Some(city), UnitKind::District))
            .await
            .unwrap()
            .id;
        for (login, u, role) in [
            ("admin", city, Role::Admin),
            ("drc", city, Role::Drc),
            ("sup", city, Role::Supervision),
            ("leader", city, Role::Leader),
            ("comm", city, Role::Commissioner),
            ("rep1", d1, Role::Reporter),
            ("rep2", d2, Role::Reporter),
        ] {
            store
                .users()
                .create(&a, login, login, u, role, PASSWORD)
                .await
                .unwrap();
        }
        let p1 = store
            .projects()
            .create(&a, d1, fields("A001", Stage::Continuing))
            .await
            .unwrap()
            .id;
        let p2 = store
            .projects()
            .create(&a, d2, fields("B001", Stage::Continuing))
            .await
            .unwrap()
            .id;
        let router = diaodu_web::router(AppState::new(
            store.clone(),
            WebConfig {
                secure_cookies: false,
                as_of: today,
                files_dir: std::env::temp_dir().join("diaodu-test-files"),
                max_upload_mb: 1,
                trusted_proxies: Vec::new(),
                metrics_on_main: true,
            },
        ));
        TestApp {
            router,
            store,
            city,
            d1,
            d2,
            p1,
            p2,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let location = headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            location,
            headers,
        }
    }

    /// Logs in through the form and returns the browser (cookie + CSRF token from /api/v1/me).
    pub async fn login(&self, login: &str) -> Browser {
        let r = self
            .post_raw(
                None,
                "/login",
                &format!("login={login}&password={PASSWORD}"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login {login}: {}", r.body);
        let set = r
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Lax"),
            "{set}"
        );
        let cookie = set.split(';').next().unwrap().to_string();
        let mut b = Browser {
            cookie,
            csrf: String::new(),
        };
        let me = self.get(&b, "/api/v1/me").await.json();
        b.csrf = me["csrf"].as_str().unwrap().to_string();
        b
    }

    /// A download: status, headers and the bytes as sent.
    pub async fn get_bytes(
        &self,
        b: &Browser,
        path: &str,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let req = Request::get(path)
            .header(header::COOKIE, &b.cookie)
            .body(Body::empty())
            .unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, headers, bytes.to_vec())
    }

    pub async fn get(&self, b: &Browser, path: &str) -> Resp {
        self.send(
            Request::get(path)
                .header(header::COOKIE, &b.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub async fn post_raw(&self, b: Option<&Browser>, path: &str, body: &str) -> Resp {
        let mut req =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(b) = b {
            req = req.header(header::COOKIE, &b.cookie);
        }
        self.send(req.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// Posts a form with the browser's CSRF token.
    pub async fn post_form(&self, b: &Browser, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut v: Vec<(&str, &str)> = fields.to_vec();
        v.push(("_csrf", &b.csrf));
        self.post_raw(Some(b), path, &serde_urlencoded::to_string(&v).unwrap())
            .await
    }

    /// Uploads a file to the import page.
    pub async fn upload(&self, b: &Browser, kind: &str, name: &str, bytes: &[u8]) -> Resp {
        self.post_multipart(b, "/data/import", &[("kind", kind)], name, bytes)
            .await
    }

    /// Posts a page's multipart form: the CSRF token first (where the forms put it), then `fields`,
    /// then the file `name` with `bytes`.
    #[allow(dead_code)]
    pub async fn post_multipart(
        &self,
        b: &Browser,
        path: &str,
        fields: &[(&str, &str)],
        name: &str,
        bytes: &[u8],
    ) -> Resp {
        let boundary = "XdiaoduBoundary";
        let mut body = csrf_part(boundary, &b.csrf);
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send(
            Request::post(path)
                .header(header::COOKIE, &b.cookie)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// An API call with a bearer token.
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }

    /// An API download: status and the bytes as sent.
    #[allow(dead_code)]
    pub async fn api_bytes(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
    ) -> (StatusCode, Vec<u8>) {
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, bytes.to_vec())
    }

    /// Adds a user of `role` attached to `unit` (password [`PASSWORD`]) and returns its id.
    pub async fn add_user(&self, login: &str, unit: i64, role: Role) -> i64 {
        self.store
            .users()
            .create(&Actor::cli(), login, login, unit, role, PASSWORD)
            .await
            .unwrap()
            .id
    }

    /// The id of a user.
    pub async fn user_id(&self, login: &str) -> i64 {
        self.store
            .users()
            .list()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.login == login)
            .unwrap()
            .id
    }

    /// Logs in through the API and returns the bearer token.
    pub async fn token(&self, login: &str) -> String {
        let r = self
            .api(
                Method::POST,
                "/api/v1/login",
                None,
                Some(serde_json::json!({"login": login, "password": PASSWORD})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()["token"].as_str().unwrap().to_string()
    }
}

/// The first part of a multipart upload from a page: the session's CSRF token, where the forms put it.
pub fn csrf_part(boundary: &str, token: &str) -> Vec<u8> {
    format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n")
        .into_bytes()
}

/// The body part (`word/document.xml`) of a .docx.
pub fn docx_xml(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a .docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("the body part")
        .read_to_string(&mut xml)
        .unwrap();
    xml
}
