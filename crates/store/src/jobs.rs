//! Background work done once across instances (后台任务互斥).
//!
//! Several instances may serve one PostgreSQL database; each runs the same timers (the escalation
//! ladder, the outbox, reminders, closing the week), and each round must run on one instance only.
//! A round takes a PostgreSQL session advisory lock named after its job, on a connection of its own
//! opened for the round: another instance that finds the lock taken skips its round, and an instance
//! that dies mid-round loses its connection and with it the lock, so no round is ever stuck. On
//! SQLite (one process per database file) a lock in the process does the same for its own timers
//! and the commands run beside them.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

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
    /// round of it: `Ok(None)` then, without waiting.
    pub async fn exclusively<T, F>(&self, job: &str, round: F) -> Result<Option<T>>
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
                if !got {
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
                round.await.map(Some)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two instances start the same round at once: one runs it, the other skips; afterwards the
    /// next round runs again.
    #[tokio::test]
    async fn a_round_runs_on_one_instance() {
        let a = crate::testing::fresh_store().await;
        let b = if a.engine() == Engine::Postgres {
            a.connect_again().await.unwrap()
        } else {
            a.clone()
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let first = a.exclusively("test-job", async {
            let _ = rx.await;
            Ok(1)
        });
        let second = async {
            // Give the first round time to take the lock.
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            let r = b.exclusively("test-job", async { Ok(2) }).await.unwrap();
            let other = b.exclusively("other-job", async { Ok(3) }).await.unwrap();
            let _ = tx.send(());
            (r, other)
        };
        let (r1, (r2, r3)) = tokio::join!(first, second);
        assert_eq!(r1.unwrap(), Some(1));
        assert_eq!(r2, None, "skipped while the other instance runs it");
        assert_eq!(r3, Some(3), "another job is not held up");
        assert_eq!(
            b.exclusively("test-job", async { Ok(4) }).await.unwrap(),
            Some(4)
        );
        assert_ne!(lock_key("outbox"), lock_key("reminders"));
    }
}
