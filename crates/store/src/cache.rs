//! Computed statuses kept between requests (状态缓存).
//!
//! The pages of a unit — home, project list with its filters, the status API, the ranking — all start
//! from the status of every project in the user's scope as of D. Between two changes of the data that
//! set is the same for every request, so it is computed once per (scope, D, settings) and reused until
//! the data changes. A change is seen two ways: every write transaction of this process bumps
//! [`StatusCache::bump`] when it commits, and every change by any process leaves an audit record (the
//! audit log is written in the same transaction as the change), so a new largest audit id means another
//! process wrote. Entries also expire after [`MAX_AGE`], which bounds how long a write by another
//! process committing out of id order could go unseen.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::{ProjectStatusRow, UnitTree};

/// How long an entry is trusted without a change being seen.
pub const MAX_AGE: Duration = Duration::from_secs(30);

/// Entries kept at most (one per scope, date and settings); the oldest goes first.
const MAX_ENTRIES: usize = 12;

/// The data version an entry was computed at: this process's commits, and the largest audit id.
pub(crate) type Version = (u64, i64);

struct Entry {
    version: Version,
    at: Instant,
    rows: Arc<Vec<ProjectStatusRow>>,
}

/// The cache, shared by the clones of a [`crate::Store`].
#[derive(Default)]
pub(crate) struct StatusCache {
    commits: AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
    units: Mutex<Option<(Version, Instant, UnitTree)>>,
    batches: Mutex<Option<(Version, Instant, Vec<String>)>>,
    /// Held while statuses are computed: when many requests miss at once (the first requests after a
    /// change), one computes and the others wait for its result instead of all computing the same.
    pub(crate) computing: tokio::sync::Mutex<()>,
}

impl StatusCache {
    /// Counts a committed write of this process.
    pub(crate) fn bump(&self) {
        self.commits.fetch_add(1, Ordering::SeqCst);
    }

    /// This process's commit count (read before the audit id, so a version never runs ahead of the
    /// data read after it).
    pub(crate) fn commits(&self) -> u64 {
        self.commits.load(Ordering::SeqCst)
    }

    /// The unit tree read at exactly `version`, if young enough.
    pub(crate) fn units(&self, version: Version) -> Option<UnitTree> {
        let u = self.units.lock().expect("cache lock");
        u.as_ref()
            .filter(|(v, at, _)| *v == version && at.elapsed() < MAX_AGE)
            .map(|(_, _, t)| t.clone())
    }

    /// Stores the unit tree read at `version`.
    pub(crate) fn put_units(&self, version: Version, tree: UnitTree) {
        *self.units.lock().expect("cache lock") = Some((version, Instant::now(), tree));
    }

    /// The concentrated-start batches read at exactly `version`, if young enough.
    pub(crate) fn batches(&self, version: Version) -> Option<Vec<String>> {
        let b = self.batches.lock().expect("cache lock");
        b.as_ref()
            .filter(|(v, at, _)| *v == version && at.elapsed() < MAX_AGE)
            .map(|(_, _, b)| b.clone())
    }

    /// Stores the batches read at `version`.
    pub(crate) fn put_batches(&self, version: Version, batches: Vec<String>) {
        *self.batches.lock().expect("cache lock") = Some((version, Instant::now(), batches));
    }

    /// The rows stored under `key` at exactly `version`, if young enough.
    pub(crate) fn get(&self, key: &str, version: Version) -> Option<Arc<Vec<ProjectStatusRow>>> {
        let entries = self.entries.lock().expect("cache lock");
        entries
            .get(key)
            .filter(|e| e.version == version && e.at.elapsed() < MAX_AGE)
            .map(|e| e.rows.clone())
    }

    /// Stores rows computed at `version`.
    pub(crate) fn put(&self, key: String, version: Version, rows: Arc<Vec<ProjectStatusRow>>) {
        let mut entries = self.entries.lock().expect("cache lock");
        entries.retain(|_, e| e.version == version && e.at.elapsed() < MAX_AGE);
        while entries.len() >= MAX_ENTRIES {
            let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, e)| e.at)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            entries.remove(&oldest);
        }
        entries.insert(
            key,
            Entry {
                version,
                at: Instant::now(),
                rows,
            },
        );
    }
}
