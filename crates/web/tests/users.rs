//! The administrator manages users in the browser and through the API: adds one (who must change
//! the password at the first log-in), finds it by unit and role, exports the list, moves it,
//! disables it (its session ends at once, and it cannot log in), resets its password. Nobody else may.

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, PASSWORD};
use serde_json::json;

#[tokio::test]
async fn the_administrator_adds_finds_disables_and_resets_a_user() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let d1 = app.d1.to_string();
    // A refused form keeps what was typed and says why.
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &[
                ("login", "zhangsan"),
                ("name", "张三"),
                ("unit_id", &d1),
                ("role", "reporter"),
                ("password", "short"),
                ("phone", "0871-6512 3456"),
                ("email", "not-an-address"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("电子邮箱"), "{}", r.body);
    assert!(r.body.contains(r#"value="zhangsan""#));
    // Added, with its contact.
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &[
                ("login", "zhangsan"),
                ("name", "张三"),
                ("unit_id", &d1),
                ("role", "reporter"),
                ("password", "Start-2026x"),
                ("phone", "0871-6512 3456"),
                ("email", "zhangsan@example.gov.cn"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&admin, r.location.as_deref().unwrap()).await;
    assert!(
        page.body.contains("已新增用户 张三（zhangsan）"),
        "{}",
        page.body
    );
    assert!(page.body.contains("zhangsan@example.gov.cn"));
    // The same login in other letters is taken.
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &[
                ("login", "ZhangSan"),
                ("name", "张三"),
                ("unit_id", &d1),
                ("role", "reporter"),
                ("password", "Start-2026x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("已存在"));
    // Found by unit and role, and in the export.
    let id = app.user_id("zhangsan").await;
    let list = app
        .get(
            &admin,
            &format!("/admin/users?unit={}&role=reporter", app.d1),
        )
        .await;
    assert!(list.body.contains("zhangsan") && list.body.contains("rep1"));
    assert!(!list.body.contains("rep2"), "another district's reporter");
    let csv = app.get(&admin, "/admin/users/export?q=张三").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("zhangsan,张三"), "{}", csv.body);
    assert!(
        csv.body.contains("'-") || !csv.body.contains(",-"),
        "no formula starts"
    );
    // The new user logs in and must first change the password.
    let r = app
        .post_raw(None, "/login", "login=zhangsan&password=Start-2026x")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = r.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let user = common::Browser {
        cookie,
        csrf: String::new(),
    };
    let home = app.get(&user, "/").await;
    assert!(
        home.status == StatusCode::SEE_OTHER || home.status == StatusCode::FORBIDDEN,
        "{:?}",
        home.status
    );
    // Disabled: the session it holds ends at once, and it cannot log in again.
    let r = app
        .post_form(
            &admin,
            &format!("/admin/users/{id}"),
            &[
                ("name", "张三"),
                ("unit_id", &d1),
                ("role", "reporter"),
                ("phone", ""),
                ("email", ""),
                ("active", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let me = app.get(&user, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    let r = app
        .post_raw(None, "/login", "login=zhangsan&password=Start-2026x")
        .await;
    assert_ne!(
        r.status,
        StatusCode::SEE_OTHER,
        "a disabled user cannot log in"
    );
    assert!(app
        .get(&admin, "/admin/users")
        .await
        .body
        .contains("已停用"));
    // The administrator cannot disable itself.
    let own = app.user_id("admin").await;
    let r = app
        .post_form(
            &admin,
            &format!("/admin/users/{own}"),
            &[
                ("name", "admin"),
                ("unit_id", &app.city.to_string()),
                ("role", "admin"),
                ("active", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("不能停用自己的账号"));
    // Reset: an existing password of rep1 stops working, the new one must be changed first.
    let rep1 = app.user_id("rep1").await;
    let r = app
        .post_form(
            &admin,
            &format!("/admin/users/{rep1}/reset-password"),
            &[("password", "Reset-2026y")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let old = app
        .post_raw(None, "/login", &format!("login=rep1&password={PASSWORD}"))
        .await;
    assert_ne!(old.status, StatusCode::SEE_OTHER);
    // Everything above is in the audit log under the users' logins.
    let audit = app.get(&admin, "/audit?entity=user").await;
    for what in ["zhangsan", "rep1"] {
        assert!(audit.body.contains(what), "{what} audited");
    }
    // Others may not.
    let drc = app.login("drc").await;
    assert_eq!(
        app.get(&drc, "/admin/users").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&drc, "/admin/users/export").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn users_through_the_api() {
    let app = TestApp::new().await;
    let admin = app.token("admin").await;
    let body = json!({"login": "lisi", "display_name": "李四", "unit_id": app.d2, "role": "drc",
        "password": "Start-2026x", "phone": "13800000000", "email": "lisi@example.gov.cn"});
    let r = app
        .api(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let u = r.json();
    assert_eq!(
        (u["role"].as_str(), u["must_change_password"].as_bool()),
        (Some("drc"), Some(true))
    );
    let id = u["id"].as_i64().unwrap();
    let again = app
        .api(Method::POST, "/api/v1/users", Some(&admin), Some(body))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let bad = app
        .api(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(json!({"login": "wangwu", "display_name": "王五", "unit_id": app.d2, "role": "boss", "password": "Start-2026x"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"]["details"][0]["field"], "role");
    let list = app
        .api(
            Method::GET,
            &format!("/api/v1/users?unit_id={}&role=drc", app.d2),
            Some(&admin),
            None,
        )
        .await
        .json();
    let logins: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap())
        .collect();
    assert_eq!(logins, ["lisi"]);
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            Some(json!({"unit_id": app.d1, "disabled": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.json()["unit_id"].as_i64(), r.json()["active"].as_bool()),
        (Some(app.d1), Some(false))
    );
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/users/{id}/reset-password"),
            Some(&admin),
            Some(json!({"password": "lisi-lisi-1A"})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a password containing the login"
    );
    let drc = app.token("drc").await;
    let r = app
        .api(Method::GET, "/api/v1/users", Some(&drc), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
