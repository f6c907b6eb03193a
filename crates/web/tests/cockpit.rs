//! 领导驾驶舱 as a leader meets it: the city's figures on one page with every figure opening the
//! list behind it — here the red projects of one district, and the notices that reached a ladder
//! step — a projector mode that refreshes itself, and nothing of another city for a district.

mod common;

use axum::http::StatusCode;
use common::TestApp;

#[tokio::test]
async fn a_leader_reads_the_cockpit_and_follows_a_figure_to_its_list() {
    let app = TestApp::new().await;
    let leader = app.login("leader").await;
    let page = app.get(&leader, "/cockpit?as_of=2026-06-30").await;
    assert_eq!(page.status, StatusCode::OK);
    for part in [
        "测试市 · 领导驾驶舱",
        "id=\"projects\"",
        "id=\"supervision\"",
        "本年投资累计与时序进度线",
        "各单位项目亮灯",
        "数据表",
    ] {
        assert!(page.body.contains(part), "{part}");
    }
    // The lights by unit: each district's bar opens its projects of that light; 甲区's one project
    // has filed nothing by 30 June: red.
    let link = format!(
        "/projects?unit={}&amp;light=red&amp;as_of=2026-06-30",
        app.d1
    );
    assert!(page.body.contains(&link), "{}", page.body);
    let list = app.get(&leader, &link.replace("&amp;", "&")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("A001") && !list.body.contains("B001"));
    // Notices by ladder step open the notices that reached it.
    assert!(page.body.contains("/notices?escalation=urging"));
    let r = app.get(&leader, "/notices?escalation=urging").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.get(&leader, "/notices?escalation=nope").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The projector mode: no menu, refreshed every five minutes.
    let screen = app.get(&leader, "/cockpit?mode=screen").await;
    assert!(
        screen.body.contains("http-equiv=\"refresh\"")
            && screen.body.contains("body class=\"screen\"")
    );
    assert!(!screen.body.contains("<nav"));
    // A district's reporter sees its own district only.
    let rep = app.login("rep1").await;
    let page = app.get(&rep, "/cockpit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("甲区 · 领导驾驶舱") && !page.body.contains("乙区"));
}

/// The administrator uploads the units' boundaries: matched by code or name, the unmatched feature
/// named, a bad file refused with nothing changed; the cockpit then draws the map, each unit a link.
#[tokio::test]
async fn the_map_is_drawn_from_the_boundaries_the_administrator_uploads() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let geo = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"code":"D1"},"geometry":{"type":"Polygon","coordinates":[[[112,30],[112.2,30],[112.2,30.2],[112,30.2],[112,30]]]}},
        {"type":"Feature","properties":{"name":"乙区"},"geometry":{"type":"Polygon","coordinates":[[[112.2,30],[112.4,30],[112.4,30.2],[112.2,30.2],[112.2,30]]]}},
        {"type":"Feature","properties":{"name":"丙县"},"geometry":{"type":"Polygon","coordinates":[[[112.4,30],[112.6,30],[112.6,30.2],[112.4,30]]]}}
    ]}"#;
    let r = app
        .post_multipart(&admin, "/admin/map", &[], "city.geojson", geo.as_bytes())
        .await;
    assert!(r.status.is_redirection(), "{}", r.body);
    let page = app.get(&admin, "/admin/map").await;
    assert!(
        page.body.contains("匹配 2 个单位") && page.body.contains("丙县"),
        "{}",
        page.body
    );
    for bad in [&b"{not json"[..], br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"ZZ"},"geometry":{"type":"Polygon","coordinates":[[[1,2],[2,2],[2,3]]]}}]}"#] {
        let r = app
            .post_multipart(&admin, "/admin/map", &[], "bad.geojson", bad)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    }
    let page = app.get(&admin, "/admin/map").await;
    assert!(
        page.body.contains("city.geojson"),
        "the bad files changed nothing"
    );
    let leader = app.login("leader").await;
    let page = app.get(&leader, "/cockpit?map=red").await;
    assert!(page.body.contains("各单位红灯项目数"));
    assert!(page
        .body
        .contains(&format!("href=\"/projects?unit={}&amp;light=red", app.d1)));
    assert!(page.body.contains("<path d=\"M"));
    let r = app
        .post_multipart(&leader, "/admin/map", &[], "city.geojson", geo.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// The cockpit's 开而未建 and 逾期未开工 open the project list narrowed to exactly those projects.
#[tokio::test]
async fn the_flag_figures_open_exactly_their_projects() {
    let app = TestApp::new().await;
    // A project in preparation whose planned start has passed.
    let mut f = common::fields("L001", diaodu_domain::project::Stage::Preparation);
    f.planned_start = Some(time::macros::date!(2026 - 03 - 01));
    app.store
        .projects()
        .create(&diaodu_store::Actor::cli(), app.d1, f)
        .await
        .unwrap();
    let leader = app.login("leader").await;
    let page = app.get(&leader, "/cockpit?as_of=2026-06-30").await;
    assert!(page
        .body
        .contains("/projects?flag=late_start&amp;as_of=2026-06-30"));
    let list = app
        .get(&leader, "/projects?flag=late_start&as_of=2026-06-30")
        .await;
    assert!(
        list.body.contains("L001") && !list.body.contains("A001"),
        "{}",
        list.body
    );
    let r = app.get(&leader, "/projects?flag=nope").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// The trend of the last twelve weeks: each Sunday's figures computed once and kept, each point a
/// link to the list as of that Sunday.
#[tokio::test]
async fn the_twelve_week_trend_is_kept_sunday_by_sunday() {
    let app = TestApp::new().await;
    let mut f = common::fields("L002", diaodu_domain::project::Stage::Preparation);
    f.planned_start = Some(time::macros::date!(2026 - 05 - 01));
    app.store
        .projects()
        .create(&diaodu_store::Actor::cli(), app.d1, f)
        .await
        .unwrap();
    let leader = app.login("leader").await;
    // 30 June 2026 is a Tuesday: the twelve weeks end 12 April … 28 June; L002 is late from 1 May.
    let page = app.get(&leader, "/cockpit?as_of=2026-06-30").await;
    assert!(page.body.contains("近 12 周"));
    assert!(page
        .body
        .contains("/projects?flag=late_start&amp;as_of=2026-06-28"));
    assert!(page
        .body
        .contains("/projects?flag=late_start&amp;as_of=2026-04-12"));
    let kept = app
        .store
        .reports()
        .snapshots(
            &app.store.units().await.unwrap(),
            &[
                time::macros::date!(2026 - 04 - 26),
                time::macros::date!(2026 - 05 - 03),
            ],
        )
        .await
        .unwrap();
    let late = |d| {
        kept[&d]
            .get(&app.d1)
            .map_or(0, |s: &diaodu_store::snapshots::Snapshot| s.late_start)
    };
    assert_eq!(late(time::macros::date!(2026 - 04 - 26)), 0);
    assert_eq!(late(time::macros::date!(2026 - 05 - 03)), 1);
}
