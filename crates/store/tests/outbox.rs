//! The outbox on one database shared by several server instances: each delivery is taken by one
//! worker only, a lease that runs out is taken again, and the backoff and the give-up follow the
//! attempts. Runs on SQLite and, with `DIAODU_TEST_DB`, on PostgreSQL.

use diaodu_store::testing::fresh_store;
use diaodu_store::{Actor, Dispatch, NewDelivery, MAX_ATTEMPTS};
use time::{Duration, OffsetDateTime};

fn delivery(n: usize) -> NewDelivery {
    NewDelivery {
        channel: "webhook".into(),
        target: String::new(),
        unit_id: None,
        kind: "test".into(),
        title: format!("第 {n} 条"),
        body: "正文".into(),
        link: String::new(),
        mentions: Vec::new(),
        not_before: None,
    }
}

#[tokio::test]
async fn two_instances_never_take_the_same_delivery() {
    let a = fresh_store().await;
    let b = a.connect_again().await.unwrap();
    let sends = vec![Dispatch {
        kind: "test".into(),
        deliveries: (0..60).map(delivery).collect(),
        ..Dispatch::default()
    }];
    a.messages().dispatch(&Actor::cli(), &sends).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let lease = Duration::minutes(2);
    // Both instances claim at once, in rounds, until nothing is left.
    let mut taken: Vec<i64> = Vec::new();
    loop {
        let (x, y) = tokio::join!(
            a.messages().claim_deliveries(7, lease, now),
            b.messages().claim_deliveries(7, lease, now)
        );
        let (x, y) = (x.unwrap(), y.unwrap());
        if x.is_empty() && y.is_empty() {
            break;
        }
        taken.extend(x.iter().chain(&y).map(|d| d.id));
    }
    let mut unique = taken.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), taken.len(), "a delivery taken twice");
    assert_eq!(taken.len(), 60);

    // An instance that stopped mid-send: its lease runs out and another takes the delivery again.
    let later = now + Duration::minutes(3);
    let again = b
        .messages()
        .claim_deliveries(100, lease, later)
        .await
        .unwrap();
    assert_eq!(again.len(), 60);
    assert!(again.iter().all(|d| d.attempts == 2));
}

#[tokio::test]
async fn failures_back_off_then_give_up_and_delivered_ones_stay_delivered() {
    let s = fresh_store().await;
    s.messages()
        .dispatch(
            &Actor::cli(),
            &[Dispatch {
                kind: "test".into(),
                deliveries: vec![delivery(1), delivery(2)],
                ..Dispatch::default()
            }],
        )
        .await
        .unwrap();
    let mut now = OffsetDateTime::now_utc();
    let lease = Duration::minutes(2);
    let first = s.messages().claim_deliveries(10, lease, now).await.unwrap();
    s.messages()
        .finish_delivery(&first[0], true, "HTTP 200", false, now)
        .await
        .unwrap();
    let mut d = first[1].clone();
    s.messages()
        .finish_delivery(&d, false, "HTTP 502", false, now)
        .await
        .unwrap();
    for attempt in 2..=MAX_ATTEMPTS {
        // Not due before its backoff has passed.
        assert!(s
            .messages()
            .claim_deliveries(10, lease, now)
            .await
            .unwrap()
            .is_empty());
        now += diaodu_store::backoff(attempt - 1) + Duration::seconds(1);
        let got = s.messages().claim_deliveries(10, lease, now).await.unwrap();
        assert_eq!(got.len(), 1, "attempt {attempt}");
        d = got[0].clone();
        assert_eq!(d.attempts, attempt);
        s.messages()
            .finish_delivery(&d, false, "HTTP 502", false, now)
            .await
            .unwrap();
    }
    let failed = s.messages().deliveries(Some("failed"), 10).await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].answer, "HTTP 502");
    assert!(s
        .messages()
        .claim_deliveries(10, lease, now + Duration::days(1))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.messages()
            .deliveries(Some("delivered"), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    // Put back by hand, it is due at once.
    s.messages()
        .retry_delivery(&Actor::cli(), failed[0].id)
        .await
        .unwrap();
    assert_eq!(
        s.messages()
            .claim_deliveries(10, lease, OffsetDateTime::now_utc() + Duration::seconds(1))
            .await
            .unwrap()
            .len(),
        1
    );
}

/// A send keyed once (the reminder pass) is written the first time only, messages and deliveries
/// alike, however often it is sent.
#[tokio::test]
async fn a_once_key_sends_once() {
    let s = fresh_store().await;
    let unit = s
        .create_unit(
            &Actor::cli(),
            diaodu_store::NewUnit {
                code: "C".into(),
                name: "测试市".into(),
                parent_id: None,
                kind: diaodu_domain::access::UnitKind::City,
            },
        )
        .await
        .unwrap()
        .id;
    let send = Dispatch {
        unit_id: Some(unit),
        kind: "reminder".into(),
        once_key: Some("late:2026-12-07".into()),
        deliveries: vec![delivery(1)],
        ..Dispatch::default()
    };
    let first = s
        .messages()
        .dispatch(&Actor::cli(), std::slice::from_ref(&send))
        .await
        .unwrap();
    assert_eq!((first.sent, first.skipped, first.deliveries), (1, 0, 1));
    let second = s.messages().dispatch(&Actor::cli(), &[send]).await.unwrap();
    assert_eq!((second.sent, second.skipped, second.deliveries), (0, 1, 0));
    assert_eq!(s.messages().deliveries(None, 10).await.unwrap().len(), 1);
}
