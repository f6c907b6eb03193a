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
