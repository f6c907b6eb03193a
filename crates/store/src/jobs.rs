//! Background work done once across instances (后台任务互斥).
//!
//! Several instances may serve one PostgreSQL database; each runs the same timers (the escalation
//! ladder, the outbox, reminders, closing the week), and each round must run on one instance only,
//! once per period across them all.
//!
//! - A round takes a PostgreSQL session advisory lock named after its job, on a connection of its
//!   own opened for the round: another instance that finds the lock taken skips its round, and an
//!   instance that dies mid-round loses its connection and with it the lock, so no round is ever
//!   stuck. On SQLite (one process per database file) a lock in the process does the same for its
//!   own timers and the commands run beside them.
//! - Holding the lock, the round claims its period in `job_runs` (migration 0017): it starts only
//!   when the job's last round, on any instance, started at least nine tenths of a period ago, by
//!   the database's clock (the hosts' own clocks may differ). The
//!   other instances' timers, ticking at their own moments, find the period taken and skip.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::Connection;

use crate::{Engine, Result, Store};

/// The advisory lock key of a job: a fixed prefix ("dd") and a hash of its name, so that keys of
/// different jobs differ and stay the same from one version to the next.
fn lock_key(job: &str) -> i64 {
    // FNV-1a, 48 bits, under the prefix.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in job.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0x6464_i64 << 48) | (h & 0xffff_ffff_ffff) as i64
}

/// The in-process locks of the jobs (SQLite).
#[derive(Default)]
pub(crate) struct LocalJobs(Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl Store {
    /// Runs one round of `job` unless another instance (or another task of this one) is running a
    /// round of it, or one started less than `every` ago (nine tenths of it, for the timers'
    /// jitter): `Ok(None)` then, without waiting. `every` zero: the round follows one that had more
    /// to do.
    pub async fn exclusively<T, F>(&self, job: &str, every: Duration, round: F) -> Result<Option<T>>
    where
        F: Future<Output = Result<T>>,
    {
        match self.engine {
            Engine::Postgres => {
                let mut conn = sqlx::AnyConnection::connect(&self.url).await?;
                let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(lock_key(job))
                    .fetch_one(&mut conn)
                    .await?;
                if !got || !self.claim_period(job, every).await? {
                    let _ = conn.close().await;
                    return Ok(None);
                }
                let out = round.await;
                // Closing the connection gives the lock back (also if this fails).
                let _ = conn.close().await;
                out.map(Some)
            }
            Engine::Sqlite => {
                let lock = {
                    let mut m = self.local_jobs.0.lock().expect("jobs lock");
                    m.entry(job.to_string()).or_default().clone()
                };
                let Ok(_held) = lock.try_lock() else {
                    return Ok(None);
                };
                if !self.claim_period(job, every).await? {
                    return Ok(None);
                }
                round.await.map(Some)
            }
        }
    }
}

impl Store {
    /// Marks a round of `job` started now, unless one started less than nine tenths of `every` ago.
    /// "Now" is the database's clock, the one clock every instance shares.
    async fn claim_period(&self, job: &str, every: Duration) -> Result<bool> {
        let now_ms = match self.engine {
            Engine::Postgres => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
            Engine::Sqlite => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
        };
        sqlx::query(
            "INSERT INTO job_runs (job, started_ms) VALUES ($1, 0) ON CONFLICT (job) DO NOTHING",
        )
        .bind(job)
        .execute(&self.pool)
        .await?;
        let claimed = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE job_runs SET started_ms = {now_ms} WHERE job = $1 AND started_ms <= {now_ms} - $2"
        )))
        .bind(job)
        .bind((every.as_millis() as i64) * 9 / 10)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(claimed == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two instances start the same round at once: one runs it, the other skips; a round of
    /// another job is not held up; within the period no instance runs it again, a follow-up round
    /// (period zero) runs at once, and after the period it runs again.
    #[tokio::test]
    async fn a_round_runs_on_one_instance_once_a_period() {
        let a = crate::testing::fresh_store().await;
        let b = if a.engine() == Engine::Postgres {
            a.connect_again().await.unwrap()
        } else {
            a.clone()
        };
        let hour = Duration::from_secs(3600);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let first = a.exclusively("test-job", hour, async {
            let _ = rx.await;
            Ok(1)
        });
        let second = async {
            // Give the first round time to take the lock.
            tokio::time::sleep(Duration::from_millis(200)).await;
            let r = b
                .exclusively("test-job", hour, async { Ok(2) })
                .await
                .unwrap();
            let other = b
                .exclusively("other-job", hour, async { Ok(3) })
                .await
                .unwrap();
            let _ = tx.send(());
            (r, other)
        };
        let (r1, (r2, r3)) = tokio::join!(first, second);
        assert_eq!(r1.unwrap(), Some(1));
        assert_eq!(r2, None, "skipped while the other instance runs it");
        assert_eq!(r3, Some(3), "another job is not held up");
        assert_eq!(
            b.exclusively("test-job", hour, async { Ok(4) })
                .await
                .unwrap(),
            None,
            "the hour is taken"
        );
        assert_eq!(
            b.exclusively("test-job", Duration::ZERO, async { Ok(5) })
                .await
                .unwrap(),
            Some(5),
            "a follow-up round"
        );
        let short = Duration::from_millis(300);
        assert_eq!(
            a.exclusively("test-job", short, async { Ok(6) })
                .await
                .unwrap(),
            None,
            "the follow-up started just now"
        );
        tokio::time::sleep(short).await;
        assert_eq!(
            a.exclusively("test-job", short, async { Ok(7) })
                .await
                .unwrap(),
            Some(7)
        );
        assert_ne!(lock_key("outbox"), lock_key("reminders"));
    }
}
