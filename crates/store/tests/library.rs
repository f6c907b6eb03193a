//! 材料库: documents kept, searched in Chinese and listed by what their readers may see. Run on
//! SQLite by default and on PostgreSQL when `DIAODU_TEST_DB` names a server: both engines must
//! find the same documents in the same order.

mod common;

use diaodu_domain::access::UnitKind;
use diaodu_domain::fulltext::Query;
use diaodu_store::testing::fresh_store;
use diaodu_store::{Actor, DocSearch, NewDocument, Record, Store, Viewer};
use time::macros::date;
use time::Date;

fn doc(kind: &str, title: &str, date: Date, unit: i64, body: &str) -> NewDocument {
    NewDocument {
        kind: kind.into(),
        subject: None,
        number: String::new(),
        title: title.into(),
        date,
        issuer: "测试市人民政府督查室".into(),
        recipients: "各区县人民政府".into(),
        unit_id: unit,
        meeting_id: None,
        project_id: None,
        task_id: None,
        notice_id: None,
        series: String::new(),
        file_name: format!("{title}.docx"),
        content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            .into(),
        size: body.len() as i64,
        sha256: format!("{:x}", body.len() * 7919 + title.len()),
        stored_name: "x".into(),
        body: body.into(),
        summary: String::new(),
    }
}

async fn titles(store: &Store, viewer: &Viewer, s: DocSearch) -> Vec<String> {
    store
        .documents()
        .search(viewer, &DocSearch { limit: 50, ..s })
        .await
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.doc.title)
        .collect()
}

fn words(q: &str) -> DocSearch {
    DocSearch {
        query: Query::parse(q),
        ..DocSearch::default()
    }
}

struct Library {
    store: Store,
    city: i64,
    d1: i64,
    d2: i64,
}

async fn library() -> Library {
    let store = fresh_store().await;
    let city = common::unit(&store, "C", "测试市", None, UnitKind::City).await;
    let d1 = common::unit(&store, "D1", "甲区", Some(city), UnitKind::District).await;
    let d2 = common::unit(&store, "D2", "乙区", Some(city), UnitKind::District).await;
    let a = Actor::cli();
    let docs = store.documents();
    for d in [
        doc(
            "minutes",
            "第12次重点工作调度会会议纪要",
            date!(2026 - 11 - 02),
            city,
            "会议研究了征地拆迁工作。要求甲区加快G318国道改造项目征地进度。",
        ),
        doc(
            "reference",
            "关于征地拆迁补偿标准的通知",
            date!(2026 - 03 - 15),
            city,
            "各市：现将补偿标准印发给你们。",
        ),
        doc(
            "supervision_notice",
            "关于加快乙区污水处理厂建设的督办通知",
            date!(2026 - 11 - 20),
            d2,
            "乙区：污水处理厂项目征收土地工作滞后，请于12月10日前反馈。",
        ),
        doc(
            "scorecard_notice",
            "甲区2026年三季度主要经济指标运行情况通报",
            date!(2026 - 10 - 28),
            d1,
            "甲区地区生产总值增长5.2%，征地拆迁对固定资产投资形成支撑。",
        ),
        doc(
            "reference",
            "2025年城建工作要点",
            date!(2025 - 02 - 01),
            d1,
            "推进征地拆迁，完善城市功能。",
        ),
    ] {
        docs.keep(&a, &d).await.unwrap();
    }
    Library {
        store,
        city,
        d1,
        d2,
    }
}

/// A two-character word finds the documents whose text contains it inside longer words, titles
/// first, each newest first; a document with both characters apart is not found.
#[tokio::test]
async fn a_two_character_word_finds_it_inside_longer_words() {
    let l = library().await;
    let all = Viewer::all();
    assert_eq!(
        titles(&l.store, &all, words("征地")).await,
        [
            "关于征地拆迁补偿标准的通知",
            "第12次重点工作调度会会议纪要",
            "甲区2026年三季度主要经济指标运行情况通报",
            "2025年城建工作要点",
        ]
    );
    // 征收土地 has 征 and 地, not 征地.
    assert_eq!(
        titles(&l.store, &all, words("征收土地")).await,
        ["关于加快乙区污水处理厂建设的督办通知"]
    );
    // Words are all required; Latin letters match whatever their case, a last part as a prefix.
    assert_eq!(
        titles(&l.store, &all, words("征地 g318国道")).await,
        ["第12次重点工作调度会会议纪要"]
    );
    assert_eq!(
        titles(&l.store, &all, words("G31")).await,
        ["第12次重点工作调度会会议纪要"]
    );
    // One character: every document containing it.
    assert_eq!(titles(&l.store, &all, words("厂")).await.len(), 1);
    assert!(titles(&l.store, &all, words("土地征")).await.is_empty());
    // The passage around the first match, with the matches marked.
    let page = l
        .store
        .documents()
        .search(
            &all,
            &DocSearch {
                limit: 10,
                ..words("征地")
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 4);
    let minutes = page.hits.iter().find(|h| h.doc.kind == "minutes").unwrap();
    let marked: Vec<&str> = minutes
        .passage
        .iter()
        .filter(|p| p.matched)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(marked, ["征地", "征地"]);
    assert!(page.hits[0].in_title && !page.hits[1].in_title);
}

/// A reader sees the documents of the units in their scope, scorecard notices of the units in
/// their indicator scope, and meetings' documents only when their role sees meetings.
#[tokio::test]
async fn readers_see_what_their_scope_covers() {
    let l = library().await;
    let district = Viewer {
        units: Some(vec![l.d1]),
        indicator_units: Some(vec![l.city, l.d1, l.d2]),
        meetings: false,
    };
    assert_eq!(
        titles(&l.store, &district, words("征地")).await,
        [
            "甲区2026年三季度主要经济指标运行情况通报",
            "2025年城建工作要点"
        ]
    );
    let peer = Viewer {
        units: Some(vec![l.d2]),
        indicator_units: Some(vec![l.city, l.d1, l.d2]),
        meetings: false,
    };
    assert_eq!(
        titles(&l.store, &peer, DocSearch::default()).await,
        [
            "关于加快乙区污水处理厂建设的督办通知",
            "甲区2026年三季度主要经济指标运行情况通报",
        ]
    );
    let leader = Viewer {
        units: Some(vec![l.city, l.d1, l.d2]),
        indicator_units: Some(vec![l.city, l.d1, l.d2]),
        meetings: true,
    };
    assert_eq!(titles(&l.store, &leader, words("征地")).await.len(), 4);
    // The rule the search's tags express is the one `sees` applies.
    let everything = titles(&l.store, &Viewer::all(), DocSearch::default()).await;
    for v in [&district, &peer, &leader] {
        let page = l
            .store
            .documents()
            .search(
                &Viewer::all(),
                &DocSearch {
                    limit: 50,
                    ..DocSearch::default()
                },
            )
            .await
            .unwrap();
        let by_rule: Vec<String> = page
            .hits
            .into_iter()
            .filter(|h| v.sees(&h.doc))
            .map(|h| h.doc.title)
            .collect();
        assert_eq!(by_rule, titles(&l.store, v, DocSearch::default()).await);
    }
    assert_eq!(everything.len(), 5);
}

/// Lists filter on kind, year, units and the record a document concerns.
#[tokio::test]
async fn lists_filter_on_kind_year_unit_and_record() {
    let l = library().await;
    let a = Actor::cli();
    let all = Viewer::all();
    let mut with_notice = doc(
        "closing_report",
        "关于污水处理厂督办事项的办结报告",
        date!(2026 - 12 - 01),
        l.d2,
        "已办结。",
    );
    // Any id: the test's notice is not in the database, so the record is a meeting of none.
    with_notice.series = "notice".into();
    l.store.documents().keep(&a, &with_notice).await.unwrap();
    let kind = DocSearch {
        kind: Some("reference".into()),
        ..DocSearch::default()
    };
    assert_eq!(titles(&l.store, &all, kind).await.len(), 2);
    let year = DocSearch {
        year: Some(2025),
        ..DocSearch::default()
    };
    assert_eq!(titles(&l.store, &all, year).await, ["2025年城建工作要点"]);
    let unit = DocSearch {
        units: Some(vec![l.d2]),
        ..words("污水")
    };
    assert_eq!(
        titles(&l.store, &all, unit).await,
        [
            "关于污水处理厂督办事项的办结报告",
            "关于加快乙区污水处理厂建设的督办通知",
        ]
    );
    let none = DocSearch {
        record: Some(Record::Meeting(999)),
        ..DocSearch::default()
    };
    assert!(titles(&l.store, &all, none).await.is_empty());
    assert_eq!(Record::parse("meeting:12"), Some(Record::Meeting(12)));
    assert_eq!(Record::parse("meeting:x"), None);
}

/// A generated document kept again under its kind and subject replaces the earlier text: the old
/// words are no longer found, the new ones are, and the id stays.
#[tokio::test]
async fn a_document_issued_again_replaces_its_text() {
    let l = library().await;
    let a = Actor::cli();
    let docs = l.store.documents();
    let mut d = doc(
        "monthly_notice",
        "2026年11月重点项目建设情况通报",
        date!(2026 - 11 - 20),
        l.city,
        "开工率达到八成。",
    );
    d.subject = Some(format!("monthly:{}:2026-11", l.city));
    let id = docs.keep(&a, &d).await.unwrap();
    d.body = "开工率达到九成，征迁全部完成。".into();
    d.sha256 = "other".into();
    d.date = date!(2026 - 11 - 30);
    assert_eq!(docs.keep(&a, &d).await.unwrap(), id);
    let all = Viewer::all();
    assert!(titles(&l.store, &all, words("八成")).await.is_empty());
    assert_eq!(
        titles(&l.store, &all, words("九成")).await,
        ["2026年11月重点项目建设情况通报"]
    );
    let kept = docs.get(id).await.unwrap().unwrap();
    assert_eq!(kept.doc_date, "2026-11-30");
    assert_eq!(docs.count().await.unwrap(), 6);
    // The newest of the library is first.
    assert_eq!(
        titles(&l.store, &all, DocSearch::default()).await[0],
        "2026年11月重点项目建设情况通报"
    );
}

/// A long document is found by a word at its very end, on both engines alike.
#[tokio::test]
async fn a_word_at_the_end_of_a_long_document_is_found() {
    let l = library().await;
    let mut body = String::new();
    for i in 0..4000 {
        body += &format!("第{i}段：推进重点项目建设，强化要素保障。");
    }
    body += "最后要求做好防汛抗旱准备。";
    l.store
        .documents()
        .keep(
            &Actor::cli(),
            &doc("reference", "长文档", date!(2026 - 01 - 05), l.city, &body),
        )
        .await
        .unwrap();
    assert_eq!(
        titles(&l.store, &Viewer::all(), words("防汛抗旱")).await,
        ["长文档"]
    );
}

/// Related documents: of the same series, and with similar titles.
#[tokio::test]
async fn related_documents_share_series_or_title_words() {
    let l = library().await;
    let a = Actor::cli();
    let docs = l.store.documents();
    let mut ids = Vec::new();
    for (i, day) in [
        date!(2026 - 09 - 07),
        date!(2026 - 10 - 12),
        date!(2026 - 11 - 02),
    ]
    .into_iter()
    .enumerate()
    {
        let mut d = doc(
            "briefing",
            &format!("第{}次调度会会议材料", i + 10),
            day,
            l.city,
            "各单位重点项目进展。",
        );
        d.series = format!("meetings:{}", l.city);
        ids.push(docs.keep(&a, &d).await.unwrap());
    }
    let me = docs.get(ids[2]).await.unwrap().unwrap();
    let r = docs.related(&me, 5).await.unwrap();
    let series: Vec<i64> = r.same_series.iter().map(|d| d.id).collect();
    assert_eq!(series, [ids[1], ids[0]]);
    docs.keep(
        &a,
        &doc(
            "closing_report",
            "关于污水处理厂督办事项的办结报告",
            date!(2026 - 12 - 01),
            l.d2,
            "已办结。",
        ),
    )
    .await
    .unwrap();
    let notice = l
        .store
        .documents()
        .search(&Viewer::all(), &words("乙区污水处理厂"))
        .await
        .unwrap()
        .hits[0]
        .doc
        .clone();
    let similar: Vec<String> = docs
        .related(&notice, 5)
        .await
        .unwrap()
        .similar
        .into_iter()
        .map(|d| d.title)
        .collect();
    assert_eq!(similar, ["关于污水处理厂督办事项的办结报告"]);
}

/// The same document issued many times at once (impatient clicks) is kept once.
#[tokio::test]
async fn a_document_issued_at_once_many_times_is_kept_once() {
    let l = library().await;
    let mut d = doc(
        "minutes",
        "第13次重点工作调度会会议纪要",
        date!(2026 - 11 - 30),
        l.city,
        "会议纪要正文。",
    );
    d.subject = Some("meeting:13".into());
    let mut handles = Vec::new();
    for i in 0..8 {
        let store = l.store.clone();
        let mut d = d.clone();
        d.sha256 = format!("v{i}");
        handles.push(tokio::spawn(async move {
            store.documents().keep(&Actor::cli(), &d).await.unwrap()
        }));
    }
    let mut ids = Vec::new();
    for h in handles {
        ids.push(h.await.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(l.store.documents().count().await.unwrap(), 6);
    assert_eq!(
        titles(&l.store, &Viewer::all(), words("会议纪要正文")).await,
        ["第13次重点工作调度会会议纪要"]
    );
}

/// Many documents with the words' terms (PostgreSQL then walks the library's order): the page is
/// still the newest documents containing the words themselves, and the count theirs.
#[tokio::test]
async fn a_common_word_pages_through_the_newest_documents_containing_it() {
    let l = library().await;
    let mut docs = Vec::new();
    for i in 0..700i64 {
        let day = date!(2024 - 01 - 01) + time::Duration::days((i * 7919) % 900);
        // Every document has the terms of 占补平衡 (占补 补平 平衡); every third has the word.
        let body = if i % 3 == 0 {
            format!("第{i}号：落实占补平衡。")
        } else {
            format!("第{i}号：占补工作，补平缺口，平衡收支。")
        };
        docs.push((
            day,
            i,
            doc("reference", &format!("材料{i}"), day, l.d1, &body),
        ));
    }
    let kept: Vec<NewDocument> = docs.iter().map(|d| d.2.clone()).collect();
    l.store
        .documents()
        .keep_all(&Actor::cli(), &kept)
        .await
        .unwrap();
    let mut expect: Vec<(Date, i64)> = docs
        .iter()
        .filter(|d| d.1 % 3 == 0)
        .map(|d| (d.0, d.1))
        .collect();
    // Newest first; on the same day the later kept first.
    expect.sort_by(|a, b| b.cmp(a));
    let all = Viewer::all();
    for (page, offset) in [(0, 0), (1, 20), (2, 220)] {
        let s = DocSearch {
            offset,
            limit: 20,
            ..words("占补平衡")
        };
        let got: Vec<String> = l
            .store
            .documents()
            .search(&all, &s)
            .await
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.doc.title)
            .collect();
        let want: Vec<String> = expect
            .iter()
            .skip(offset as usize)
            .take(20)
            .map(|(_, i)| format!("材料{i}"))
            .collect();
        assert_eq!(got, want, "page {page}");
    }
    let page = l
        .store
        .documents()
        .search(&all, &words("占补平衡"))
        .await
        .unwrap();
    assert_eq!(page.total, 234);
    assert_eq!(
        l.store
            .documents()
            .search(&all, &words("占补"))
            .await
            .unwrap()
            .total,
        700
    );
}
