//! The server's background work (后台任务): the escalation ladder, the outbox, reminders and closing
//! the week, each on its own timer. Each round runs through [`Store::exclusively`], so that with
//! several instances on one database a round runs on one of them; the others count it as skipped.
//! On shutdown the timers stop, and a round under way is let finish.

use std::future::Future;
use std::time::Duration;

use diaodu_store::{Actor, Store, StoreError};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::ops::RoundResult;
use crate::AppState;

/// The running timers.
pub struct Jobs {
    stop: std::sync::Arc<watch::Sender<bool>>,
    handles: Vec<JoinHandle<()>>,
}

/// Stops the timers from elsewhere (the shutdown signal): no round starts after it.
#[derive(Clone)]
pub struct Halt(std::sync::Arc<watch::Sender<bool>>);

impl Halt {
    /// No new round from now on; rounds under way go on.
    pub fn halt(&self) {
        let _ = self.0.send(true);
    }
}

/// How a job's timer starts: a round at once, or after the first wait.
#[derive(Clone, Copy, PartialEq)]
enum First {
    Now,
    AfterWait,
}

impl Jobs {
    /// Starts the timers of the server behind `state`.
    pub fn start(state: &AppState) -> Jobs {
        let (stop, _) = watch::channel(false);
        let mut jobs = Jobs {
            stop: std::sync::Arc::new(stop),
            handles: Vec::new(),
        };
        let as_of = state.cfg.as_of;
        // The escalation ladder climbs by itself: once at start and every hour.
        jobs.every(
            state,
            "escalation",
            Duration::from_secs(3600),
            First::Now,
            move |store| async move {
                let actor = Actor {
                    user_id: None,
                    login: "system".into(),
                };
                let today = as_of.unwrap_or_else(diaodu_store::today_local);
                crate::notify::escalate_and_tell(&store, &actor, today, None)
                    .await
                    .map(|_| false)
            },
        );
        // The outbox: what is due goes out every few seconds (at once again while batches are
        // full); a channel that is down keeps its messages pending, with its answer.
        let sender = crate::notify::Sender::new();
        jobs.every(
            state,
            "outbox",
            Duration::from_secs(5),
            First::Now,
            move |store| {
                let sender = sender.clone();
                async move {
                    let r = crate::notify::deliver_due(&store, &sender, 100).await?;
                    Ok(r.delivered + r.failed == 100)
                }
            },
        );
        // Reminders every five minutes (each reminder is sent once; see `service::reminders`);
        // not with `--as-of` (a demo at another date).
        if as_of.is_none() {
            jobs.every(
                state,
                "reminders",
                Duration::from_secs(300),
                First::AfterWait,
                |store| async move {
                    crate::service::reminders::run(&store, time::OffsetDateTime::now_utc(), false)
                        .await
                        .map(|_| false)
                },
            );
        }
        // A week closes within a minute of Monday 00:00: the reports of the week before last go
        // into the running totals (see `Reports::keep_open_from_current`).
        jobs.every(
            state,
            "week-close",
            Duration::from_secs(60),
            First::AfterWait,
            |store| async move {
                store
                    .reports()
                    .keep_open_from_current()
                    .await
                    .map(|_| false)
            },
        );
        jobs
    }

    /// Runs `round` every `period` until stopped; a round that returns `true` has more to do and
    /// the next one follows at once.
    fn every<F, Fut>(
        &mut self,
        state: &AppState,
        job: &'static str,
        period: Duration,
        first: First,
        round: F,
    ) where
        F: Fn(Store) -> Fut + Send + 'static,
        Fut: Future<Output = Result<bool, StoreError>> + Send,
    {
        let store = state.store.clone();
        let metrics = state.metrics.clone();
        let mut stop = self.stop.subscribe();
        self.handles.push(tokio::spawn(async move {
            let mut wait = first == First::AfterWait;
            // A round that follows one with more to do does not wait for its period.
            let mut follow_up = false;
            loop {
                if wait {
                    tokio::select! {
                        _ = tokio::time::sleep(period) => {}
                        _ = stop.changed() => return,
                    }
                }
                if *stop.borrow() {
                    return;
                }
                let every = if follow_up { Duration::ZERO } else { period };
                let (result, more) = match store.exclusively(job, every, round(store.clone())).await
                {
                    Ok(Some(more)) => (RoundResult::Ok, more),
                    Ok(None) => (RoundResult::Skipped, false),
                    Err(e) => {
                        tracing::warn!(job, error = %e, "background round failed");
                        (RoundResult::Failed, false)
                    }
                };
                metrics.round(job, result);
                follow_up = more;
                wait = !more;
            }
        }));
    }

    /// A handle that stops the timers.
    pub fn halt_handle(&self) -> Halt {
        Halt(self.stop.clone())
    }

    /// Stops the timers and waits, at most `within`, for the rounds under way to finish.
    pub async fn stop(self, within: Duration) {
        let _ = self.stop.send(true);
        let all = futures_util::future::join_all(self.handles);
        if tokio::time::timeout(within, all).await.is_err() {
            tracing::warn!("background rounds still running at shutdown were cut short");
        }
    }
}
