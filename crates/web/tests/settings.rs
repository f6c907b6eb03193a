//! The administrator changes the system settings in the browser and through the API: each shown
//! with its meaning and default, checked, audited; nobody else may.

mod common;

use axum::http::{Method, StatusCode};
use common::{docx_xml, TestApp};
use serde_json::json;

#[tokio::test]
async fn the_administrator_changes_a_threshold_and_a_refusal_says_why() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let page = app.get(&admin, "/admin/settings").await;
    assert_eq!(page.status, StatusCode::OK);
    for s in diaodu_domain::settings::SETTINGS {
        assert!(page.body.contains(s.key), "{} listed", s.key);
        assert!(page.body.contains(s.meaning), "{} explained", s.key);
    }
    assert!(page.body.contains("（默认）"));
    // A value out of order is refused on its row, with the value typed kept and nothing written.
    let r = app
        .post_form(
            &admin,
            "/admin/settings",
            &[("key", "status.yellow_lag"), ("value", "20")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("黄灯阈值不能大于红灯阈值"), "{}", r.body);
    assert!(r.body.contains(r#"value="20""#));
    assert_eq!(
        app.store
            .settings()
            .await
            .unwrap()
            .iter()
            .find(|(s, _)| s.key == "status.yellow_lag")
            .unwrap()
            .1,
        None
    );
    // A good one is saved, said so, and the lights follow it.
    let r = app
        .post_form(
            &admin,
            "/admin/settings",
            &[("key", "status.red_lag"), ("value", "12.5")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let back = app.get(&admin, r.location.as_deref().unwrap()).await;
    assert!(back.body.contains("已保存：红灯滞后阈值 = 12.5"));
    assert_eq!(
        app.store.status_settings().await.unwrap().red_lag_centi_pp,
        1250
    );
    let audit = app.get(&admin, "/audit?entity=setting").await;
    assert!(audit.body.contains("status.red_lag"), "{}", audit.body);
    // Others may not see or change the settings.
    let drc = app.login("drc").await;
    assert_eq!(
        app.get(&drc, "/admin/settings").await.status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .post_form(
            &drc,
            "/admin/settings",
            &[("key", "status.red_lag"), ("value", "30")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!app.get(&drc, "/").await.body.contains("系统设置"));
}

#[tokio::test]
async fn settings_through_the_api() {
    let app = TestApp::new().await;
    let admin = app.token("admin").await;
    let list = app
        .api(Method::GET, "/api/v1/settings", Some(&admin), None)
        .await;
    assert_eq!(list.status, StatusCode::OK);
    let items = list.json();
    let idle = items
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "session.idle_minutes")
        .unwrap()
        .clone();
    assert_eq!(
        (idle["default"].as_str(), idle["value"].is_null()),
        (Some("30"), true)
    );
    let r = app
        .api(
            Method::PUT,
            "/api/v1/settings/session.idle_minutes",
            Some(&admin),
            Some(json!({"value": "3"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["details"][0]["field"], "空闲退出");
    let r = app
        .api(
            Method::PUT,
            "/api/v1/settings/session.idle_minutes",
            Some(&admin),
            Some(json!({"value": "45"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let drc = app.token("drc").await;
    let r = app
        .api(
            Method::PUT,
            "/api/v1/settings/session.idle_minutes",
            Some(&drc),
            Some(json!({"value": "60"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let items = app
        .api(Method::GET, "/api/v1/settings", Some(&admin), None)
        .await
        .json();
    assert!(items
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["key"] == "session.idle_minutes" && s["value"] == "45"));
}

#[tokio::test]
async fn the_issuing_authority_set_by_the_administrator_signs_the_documents() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/meetings",
            Some(&sup),
            Some(json!({"title": "重点工作调度会", "date": diaodu_domain::period::fmt_date(diaodu_store::today_local())})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let m = r.json()["id"].as_i64().unwrap();
    let b = app.login("sup").await;
    let path = format!("/meetings/{m}/minutes.docx");
    // Unset: derived from the city's name.
    assert!(docx_xml(&app.get_bytes(&b, &path).await.2).contains("测试市人民政府督查室"));
    let admin = app.token("admin").await;
    let r = app
        .api(
            Method::PUT,
            "/api/v1/settings/document.issuer",
            Some(&admin),
            Some(json!({"value": "测试市重点工作督查办公室"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let text = docx_xml(&app.get_bytes(&b, &path).await.2);
    assert!(text.contains("测试市重点工作督查办公室") && !text.contains("测试市人民政府督查室"));
    // Too long, or with a line break: refused with the reason; empty: back to the derived name.
    let r = app
        .api(
            Method::PUT,
            "/api/v1/settings/document.issuer",
            Some(&admin),
            Some(json!({"value": "长".repeat(41)})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("不能超过 40 个字"), "{}", r.body);
    let r = app
        .api(
            Method::PUT,
            "/api/v1/settings/document.issuer",
            Some(&admin),
            Some(json!({"value": ""})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert!(docx_xml(&app.get_bytes(&b, &path).await.2).contains("测试市人民政府督查室"));
    // The settings page shows it in its group, with what an empty value means.
    let page = app.get(&app.login("admin").await, "/admin/settings").await;
    assert!(page.body.contains("督查督办发文机关") && page.body.contains("人民政府督查室"));
}
