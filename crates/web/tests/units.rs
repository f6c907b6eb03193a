//! The administrator keeps the unit tree in the browser and through the API: adds a unit, renames
//! and moves one (the scope of the users above follows), and retires one — which keeps its records
//! readable but takes no new ones. Nobody else may.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn the_administrator_adds_moves_and_retires_units() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let city = app.city.to_string();
    let r = app
        .post_form(
            &admin,
            "/admin/units",
            &[
                ("code", "X 1"),
                ("name", "新区"),
                ("parent_id", &city),
                ("kind", "district"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("单位编码"), "{}", r.body);
    let r = app
        .post_form(
            &admin,
            "/admin/units",
            &[
                ("code", "D3"),
                ("name", "新区"),
                ("parent_id", &city),
                ("kind", "district"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let tree = app.store.units().await.unwrap();
    let d3 = tree.find("D3").unwrap().id;
    // Renamed and moved under district 1: district 1's reporter now sees it and what is below it.
    let d1 = app.d1.to_string();
    let r = app
        .post_form(
            &admin,
            &format!("/admin/units/{d3}"),
            &[("name", "东城新区"), ("kind", "park"), ("parent_id", &d1)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let tree = app.store.units().await.unwrap();
    assert_eq!(tree.get(d3).unwrap().name, "东城新区");
    assert!(tree.in_scope(d3, diaodu_domain::access::Scope::Subtree(app.d1)));
    // Not under itself or below itself.
    let r = app
        .post_form(
            &admin,
            &format!("/admin/units/{}", app.d1),
            &[
                ("name", "东城区"),
                ("kind", "district"),
                ("parent_id", &d3.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("不能移到本单位或其下级单位之下"));
    // District 2 has a reporter who can log in: it cannot be retired yet.
    let d2 = app.d2;
    let r = app
        .post_form(
            &admin,
            &format!("/admin/units/{d2}/retire"),
            &[("retired", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("1 个可登录的用户"), "{}", r.body);
    let rep2 = app.user_id("rep2").await;
    app.store
        .users()
        .update(
            &diaodu_store::Actor::cli(),
            rep2,
            &diaodu_store::UserChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let r = app
        .post_form(
            &admin,
            &format!("/admin/units/{d2}/retire"),
            &[("retired", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Its project stays readable; it is no longer offered for new projects or users.
    let p2 = app.get(&admin, &format!("/projects/{}", app.p2)).await;
    assert_eq!(p2.status, StatusCode::OK);
    let form = app.get(&admin, "/projects/new").await;
    assert!(
        !form.body.contains(&format!(r#"value="{d2}""#)),
        "not offered"
    );
    let list = app.get(&admin, "/projects").await;
    assert!(list.body.contains("（已撤销）"), "still a filter");
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &[
                ("login", "late"),
                ("name", "迟到"),
                ("unit_id", &d2.to_string()),
                ("role", "reporter"),
                ("password", "Start-2026x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("该单位已撤销"));
    // Restored.
    let r = app
        .post_form(
            &admin,
            &format!("/admin/units/{d2}/retire"),
            &[("retired", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(app
        .store
        .units()
        .await
        .unwrap()
        .get(d2)
        .unwrap()
        .retired_on
        .is_none());
    let audit = app.get(&admin, "/audit?entity=unit").await;
    assert!(audit.body.contains("D3"));
    // Others may not.
    let drc = app.login("drc").await;
    assert_eq!(
        app.get(&drc, "/admin/units").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn units_through_the_api() {
    let app = TestApp::new().await;
    let admin = app.token("admin").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/units",
            Some(&admin),
            Some(json!({"code": "P1", "name": "开发区", "parent_id": app.city, "kind": "park"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let again = app
        .api(
            Method::POST,
            "/api/v1/units",
            Some(&admin),
            Some(json!({"code": "P1", "name": "开发区", "parent_id": app.city, "kind": "park"})),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/units/{id}"),
            Some(&admin),
            Some(json!({"name": "经开区", "retired": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["name"], "经开区");
    assert!(r.json()["retired_on"].is_string());
    // A retired unit takes no new project.
    let r = app
        .api(
            Method::POST,
            "/api/v1/projects",
            Some(&admin),
            Some(json!({"unit_id": id, "code": "GP-R1", "name": "撤销后的项目", "category": "industry",
                "stage": "reserve", "total_investment_wan": 100, "plan_year": 2026, "annual_plan_wan": 10})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("已撤销"), "{}", r.body);
    let drc = app.token("drc").await;
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/units/{id}"),
            Some(&drc),
            Some(json!({"retired": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
