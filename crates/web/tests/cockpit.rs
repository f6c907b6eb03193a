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
        // No indicator values yet: the part says so instead of vanishing.
        "本年尚无与同级地区比较的指标排名",
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
    let tree = app.store.units().await.unwrap();
    let d = |m, day| time::Date::from_calendar_date(2026, m, day).unwrap();
    let (apr26, may3, may10) = (
        d(time::Month::April, 26),
        d(time::Month::May, 3),
        d(time::Month::May, 10),
    );
    let late = |k: &std::collections::HashMap<
        time::Date,
        std::collections::HashMap<i64, diaodu_store::snapshots::Snapshot>,
    >,
                d| { k[&d].get(&app.d1).map_or(0, |s| s.late_start) };
    let all = diaodu_domain::access::Scope::All;
    // The page kept its twelve Sundays (every one before the open days). Asked as if the open days
    // began on 10 May: 26 April and 3 May are read as kept, 10 May is computed.
    let kept = app
        .store
        .reports()
        .snapshots(&tree, all, &[apr26, may3, may10], may10)
        .await
        .unwrap();
    assert_eq!(late(&kept, apr26), 0);
    assert_eq!(late(&kept, may3), 1);
    assert_eq!(late(&kept, may10), 1);

    // L002's planned start moves to 1 June: the kept 3 May still shows it late, as the week stood
    // when it closed; 10 May, an open week, is computed afresh and shows the change.
    let p = app.store.projects().by_code("L002").await.unwrap().unwrap();
    let mut f = p.fields.clone();
    f.planned_start = Some(d(time::Month::June, 1));
    app.store
        .projects()
        .update(&diaodu_store::Actor::cli(), p.id, p.version, p.unit_id, f)
        .await
        .unwrap();
    let again = app
        .store
        .reports()
        .snapshots(&tree, all, &[may3, may10], may10)
        .await
        .unwrap();
    assert_eq!(late(&again, may3), 1, "a closed week is kept as it stood");
    assert_eq!(late(&again, may10), 0, "an open week is computed afresh");
}

/// The cockpit shows what has happened: a day after today is refused, and nothing is kept for it.
#[tokio::test]
async fn a_day_to_come_is_refused() {
    let app = TestApp::with_today(Some(time::macros::date!(2026 - 06 - 30))).await;
    let leader = app.login("leader").await;
    let r = app.get(&leader, "/cockpit?as_of=2026-09-30").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("统计日期不能晚于今天"), "{}", r.body);
    let r = app.get(&leader, "/cockpit?as_of=2026-06-30").await;
    assert_eq!(r.status, StatusCode::OK);
    // The projector's button follows today; a day asked for stays pinned.
    assert!(r
        .body
        .contains("href=\"/cockpit?mode=screen&amp;as_of=2026-06-30\""));
    let r = app.get(&leader, "/cockpit").await;
    assert!(
        r.body.contains("href=\"/cockpit?mode=screen\""),
        "{}",
        r.body
    );
    let screen = app.get(&leader, "/cockpit?mode=screen").await;
    assert!(
        screen.body.contains("http-equiv=\"refresh\"")
            && screen.body.contains("main class=\"stage\"")
    );
}

/// Hostile or careless boundary files are refused in words, naming what is wrong, and change
/// nothing: a truncated file (with its line), a file nested too deep, too many points, a
/// MultiPolygon without polygons, a file not in UTF-8, an empty file, and a file over the size
/// limit, refused as it arrives.
#[tokio::test]
async fn hostile_boundary_files_are_refused_in_words() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let many = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"code":"D1"}},"geometry":{{"type":"Polygon","coordinates":[[{}[0,0]]]}}}}]}}"#,
        "[0,0],".repeat(diaodu_domain::map::MAX_POINTS)
    );
    let empty_multi = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"D1"},"geometry":{"type":"MultiPolygon","coordinates":[]}}]}"#;
    let huge = vec![b' '; diaodu_domain::map::MAX_BYTES + 10];
    let cases: Vec<(&[u8], &str)> = vec![
        (
            b"{\n\"type\": \"FeatureCollection\",\n\"features\": [",
            "第 3 行",
        ),
        (deep.as_bytes(), "嵌套层数过多"),
        (many.as_bytes(), "边界点数超过"),
        (empty_multi.as_bytes(), "第1个要素的边界坐标无效"),
        (b"\xff\xfe{}", "UTF-8"),
        (b"", "请选择文件"),
        (&huge, "上限 20 MB"),
    ];
    for (body, why) in cases {
        let r = app
            .post_multipart(&admin, "/admin/map", &[], "bad.geojson", body)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{why}: {}", r.body);
        assert!(r.body.contains(why), "{why}: {}", r.body);
    }
    let page = app.get(&admin, "/admin/map").await;
    assert!(page.body.contains("尚未上传"), "nothing was kept");
}

/// The supervision figures open lists that count the same things: the year's notices open the
/// notices issued this year (a notice of last year is not among them, though its overdue reply is
/// still counted against its unit), and the year's accountability opens the records of the year —
/// for a leader, who reads them; a district's reporter sees the figure without a link.
#[tokio::test]
async fn the_supervision_figures_open_lists_that_count_the_same() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let today = diaodu_store::today_local();
    let year = today.year();
    let fmt = diaodu_domain::period::fmt_date;
    let mut ids = Vec::new();
    for title in ["去年的督办事项", "今年的督办事项"] {
        let r = app
            .api(
                axum::http::Method::POST,
                "/api/v1/notices",
                Some(&sup),
                Some(serde_json::json!({"unit_id": app.d1, "title": title, "content": "请按期反馈", "reply_by": fmt(today)})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        ids.push(r.json()["notice"]["id"].as_i64().unwrap());
    }
    // The second was issued at 01:00 on New Year's Day, Beijing time (still the old year in UTC):
    // it is this year's.
    sqlx::query("UPDATE notices SET issued_at = $1 WHERE id = $2")
        .bind(format!("{}-12-31T17:00:00Z", year - 1))
        .bind(ids[1])
        .execute(app.store.pool())
        .await
        .unwrap();
    // The first was issued last November and never answered.
    sqlx::query("UPDATE notices SET issued_at = $1, reply_by = $2 WHERE id = $3")
        .bind(format!("{}-11-01T02:00:00Z", year - 1))
        .bind(format!("{}-11-10", year - 1))
        .bind(ids[0])
        .execute(app.store.pool())
        .await
        .unwrap();
    app.store
        .notices()
        .add_accountability(
            &diaodu_store::Actor::cli(),
            &diaodu_store::Accountability {
                id: 0,
                notice_id: Some(ids[0]),
                unit_id: Some(app.d1),
                person: "李某（甲区发改局局长）".into(),
                what: "督办事项逾期未反馈".into(),
                decision: "通报批评".into(),
                decided_on: today,
            },
        )
        .await
        .unwrap();

    let leader = app.login("leader").await;
    let page = app.get(&leader, "/cockpit").await;
    assert_eq!(page.status, StatusCode::OK);
    let notices = format!("/notices?show=all&amp;year={year}");
    assert!(page.body.contains(&notices), "{}", page.body);
    // Overdue by unit: last year's notice counts against 甲区.
    assert!(page
        .body
        .contains(&format!("/notices?show=overdue&amp;unit={}", app.d1)));
    let list = app.get(&leader, &notices.replace("&amp;", "&")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("今年的督办事项") && !list.body.contains("去年的督办事项"),
        "{}",
        list.body
    );
    assert!(list.body.contains(&format!("筛选：{year}年下发")));
    // The filter is kept in the export.
    assert!(list
        .body
        .contains(&format!("year={year}&amp;sort=&amp;format=xlsx")));
    let records = format!("/accountability?year={year}");
    assert!(page.body.contains(&records));
    let r = app.get(&leader, &records).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("李某（甲区发改局局长）"));
    let r = app
        .get(&leader, &format!("/accountability?year={}", year - 1))
        .await;
    assert!(!r.body.contains("李某"));
    let r = app.get(&leader, "/accountability?year=12").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let rep = app.login("rep1").await;
    let page = app.get(&rep, "/cockpit").await;
    assert!(page.body.contains("本年问责") && !page.body.contains("/accountability"));
    assert_eq!(
        app.get(&rep, "/accountability").await.status,
        StatusCode::FORBIDDEN
    );
}

/// The head of the supervision office lands on the cockpit once the administrator marks the user
/// as its unit's head (负责人), in the browser or through the API; unmarked, the office's table page
/// again. The mark is audited with the user's other fields.
#[tokio::test]
async fn an_offices_head_lands_on_the_cockpit() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let id = app.user_id("sup").await;
    let rec = app.store.users().record(id).await.unwrap();
    let sup = app.login("sup").await;
    let home = app.get(&sup, "/").await;
    assert_eq!(
        home.status,
        StatusCode::OK,
        "an office's user keeps its table page"
    );
    let unit = rec.unit_id.to_string();
    let r = app
        .post_form(
            &admin,
            &format!("/admin/users/{id}"),
            &[
                ("name", rec.name.as_str()),
                ("unit_id", unit.as_str()),
                ("role", "supervision"),
                ("active", "1"),
                ("head", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let home = app.get(&sup, "/").await;
    assert_eq!(home.location.as_deref(), Some("/cockpit"), "{}", home.body);
    assert_eq!(
        app.get(&sup, "/?view=overview").await.status,
        StatusCode::OK
    );
    let page = app.get(&admin, &format!("/admin/users/{id}")).await;
    assert!(page.body.contains("name=\"head\" value=\"1\" checked"));
    let token = app.token("admin").await;
    let r = app
        .api(
            axum::http::Method::PUT,
            &format!("/api/v1/users/{id}"),
            Some(&token),
            Some(serde_json::json!({"head": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["head"], false);
    assert_eq!(app.get(&sup, "/").await.status, StatusCode::OK);
}

/// The cockpit follows every change at once: a report filed changes its project figures (its
/// tasks and notices, which reports do not change, are reused), and a notice issued after it is
/// counted on the next visit.
#[tokio::test]
async fn the_cockpit_follows_reports_and_notices_at_once() {
    let app = TestApp::with_today(Some(time::macros::date!(2026 - 06 - 30))).await;
    let leader = app.login("leader").await;
    let notices = "/notices?show=all&amp;year=2026";
    let figure = |body: &str, label: &str| -> String {
        let at = body.find(label).unwrap_or_else(|| panic!("{label}"));
        let v = &body[at..];
        let start = v.find("class=\"v\">").unwrap() + 10;
        v[start..start + v[start..].find('<').unwrap()].to_string()
    };
    let before = app.get(&leader, "/cockpit").await.body;
    assert_eq!(figure(&before, notices), "0");
    let completion = figure(&before, "年度投资完成率");
    let rep = app.token("rep1").await;
    let week = "2026-W25";
    let r = app
        .api(
            axum::http::Method::POST,
            &format!("/api/v1/projects/{}/reports", app.p1),
            Some(&rep),
            Some(serde_json::json!({"period": week, "investment_wan": 5000})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let after = app.get(&leader, "/cockpit").await.body;
    assert_ne!(
        figure(&after, "年度投资完成率"),
        completion,
        "the report is counted"
    );
    let sup = app.token("sup").await;
    let r = app
        .api(
            axum::http::Method::POST,
            "/api/v1/notices",
            Some(&sup),
            Some(serde_json::json!({"unit_id": app.d1, "title": "督办", "content": "请反馈", "reply_by": "2026-07-15"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // Issued in June (the issue's own write made every cached value out of date).
    sqlx::query("UPDATE notices SET issued_at = '2026-06-20T02:00:00Z'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let after = app.get(&leader, "/cockpit").await.body;
    assert_eq!(figure(&after, notices), "1", "the notice is counted");
}
