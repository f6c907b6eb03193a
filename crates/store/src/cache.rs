//! Computed statuses kept between requests (状态缓存).
//!
//! The pages of a unit — home, project list with its filters, the status API, the ranking — all start
//! from the status of every project in the user's scope as of D. Between two changes of the data that
//! set is the same for every request, so it is computed once per (scope, D, settings) and reused until
//! the data changes. A change is seen through the data's version (`data_version`, migration 0016): one
//! row whose number every writing transaction, of any process, raises by one just before it commits.
//! Writers queue on that row, so the numbers follow the order of the commits, and a process that reads
//! number n has seen exactly the commits 1..=n — whichever instance made them. An entry is kept under
//! the number read before its data, and is up to date while the number stays. Entries also go after
//! [`MAX_AGE`], which keeps the memory of scopes no one asks for any more from lingering.
//!
//! A report submission changes one project's status. Its commit says so ([`Change`]), and an entry it
//! made out of date is then patched — that project's status computed again and put in place — instead
//! of the whole scope computed afresh: while reports arrive every few hundred milliseconds, a
//! district's home page would otherwise compute its 500 statuses for nearly every request. The commit
//! also logs its change under its number in `data_changes` (migration 0018), in the same transaction,
//! so another instance finds it too. An entry is patched only when every commit since its number is
//! such a change — this process's own from memory, any instance's from the log; a commit of any
//! other kind in between means computing afresh.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::{ProjectStatusRow, UnitTree};

/// How long an entry is kept without being computed again.
pub const MAX_AGE: Duration = Duration::from_secs(30);

/// Entries kept at most (one per scope, date and settings); the oldest goes first.
const MAX_ENTRIES: usize = 12;

/// The data version an entry was computed at: the number of the last commit it saw.
pub(crate) type Version = i64;

struct Entry<T> {
    version: Version,
    at: Instant,
    value: T,
}

impl<T> Entry<T> {
    fn new(version: Version, value: T) -> Entry<T> {
        Entry {
            version,
            at: Instant::now(),
            value,
        }
    }

    /// Computed at exactly `version`, and young enough.
    fn fresh(&self, version: Version) -> bool {
        self.version == version && self.at.elapsed() < MAX_AGE
    }

    /// Young enough, whatever its version.
    fn young(&self) -> bool {
        self.at.elapsed() < MAX_AGE
    }
}

/// One reused value (the unit tree, the batch list).
pub(crate) struct Slot<T>(Mutex<Option<Entry<T>>>);

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot(Mutex::new(None))
    }
}

impl<T: Clone> Slot<T> {
    /// The value read at exactly `version`, if young enough.
    pub(crate) fn get(&self, version: Version) -> Option<T> {
        let e = self.0.lock().expect("cache lock");
        e.as_ref()
            .filter(|e| e.fresh(version))
            .map(|e| e.value.clone())
    }

    /// Stores the value read at `version`.
    pub(crate) fn put(&self, version: Version, value: T) {
        *self.0.lock().expect("cache lock") = Some(Entry::new(version, value));
    }
}

/// Values reused per key (a scope, a date, settings…), each while the data is unchanged; at most
/// [`MAX_ENTRIES`], the oldest going first.
pub(crate) struct Map<T>(Mutex<HashMap<String, Entry<T>>>);

impl<T> Default for Map<T> {
    fn default() -> Self {
        Map(Mutex::new(HashMap::new()))
    }
}

impl<T: Clone> Map<T> {
    /// The value stored under `key` at exactly `version`, if young enough.
    pub(crate) fn get(&self, key: &str, version: Version) -> Option<T> {
        let entries = self.0.lock().expect("cache lock");
        entries
            .get(key)
            .filter(|e| e.fresh(version))
            .map(|e| e.value.clone())
    }

    /// The value stored under `key` at whatever version, if young enough: its version, the value and
    /// when it was computed (to patch it up to the present, see [`StatusCache::changes_since`]).
    pub(crate) fn stale(&self, key: &str) -> Option<(Version, T, Instant)> {
        let entries = self.0.lock().expect("cache lock");
        entries
            .get(key)
            .filter(|e| e.young())
            .map(|e| (e.version, e.value.clone(), e.at))
    }

    /// Stores a value computed at `version`.
    pub(crate) fn put(&self, key: String, version: Version, value: T) {
        self.put_computed_at(key, version, value, Instant::now());
    }

    /// As [`Map::put`], for a value patched from one computed at `at`: it keeps that age, so that
    /// [`MAX_AGE`] still bounds how long the unpatched part is trusted. Entries of other keys computed
    /// at older versions stay while young (another scope's may yet be patched up), within
    /// [`MAX_ENTRIES`].
    pub(crate) fn put_computed_at(&self, key: String, version: Version, value: T, at: Instant) {
        let mut entries = self.0.lock().expect("cache lock");
        // A request that read the version before another's commit may finish after a request that
        // read it after: the newer entry stays.
        if entries
            .get(&key)
            .is_some_and(|e| e.young() && covers(e.version, version) && e.version != version)
        {
            return;
        }
        entries.retain(|_, e| e.young());
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
        entries.insert(key, Entry { version, at, value });
    }
}

/// Which (project, period) pairs have a report.
pub(crate) type Reported = Arc<HashSet<(i64, String)>>;

/// Whether data read at version `a` is at least as new as version `b` asks.
pub(crate) fn covers(a: Version, b: Version) -> bool {
    a >= b
}

/// What a commit of this process changed, when that is only reports of known projects.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    /// The (project, period) pairs whose report was filed or edited.
    pub(crate) reports: Vec<(i64, String)>,
}

/// Known changes kept, by commit number (a few seconds of submissions at the benchmark's rate).
const MAX_CHANGES: usize = 1_024;

/// Versions the shared log of changes (`data_changes`) keeps at least, and the most an entry is
/// patched across: beyond, computing afresh costs less than reading the log.
pub(crate) const SHARED_CHANGES: i64 = 5_000;

/// The cache, shared by the clones of a [`crate::Store`].
#[derive(Default)]
pub(crate) struct StatusCache {
    /// This process's commits, counted (a request's version is read again after one).
    commits: AtomicU64,
    /// The recent commits of this process that were known changes, by the data version they took.
    changes: Mutex<BTreeMap<Version, Change>>,
    /// Statuses of every project of a scope, per (scope, D, settings).
    pub(crate) statuses: Map<Arc<Vec<ProjectStatusRow>>>,
    /// Which of a scope's projects reported for given periods (the due list of the home page).
    pub(crate) reported: Map<Reported>,
    /// The unit tree.
    pub(crate) units: Slot<UnitTree>,
    /// The concentrated-start batches.
    pub(crate) batches: Slot<Vec<String>>,
    /// Turns to compute statuses: one at a time per key, as many keys at once as there are cores.
    pub(crate) computing: Flights,
    /// Values the web derives from the data (a scope's cockpit), kept by the same rule.
    pub(crate) derived: Map<Arc<dyn std::any::Any + Send + Sync>>,
    /// Turns to derive them: one at a time per key (no core is held: deriving computes statuses,
    /// which take their own).
    pub(crate) deriving: Flights,
}

/// Single flight per key: when many requests miss the same entry at once (the first requests after a
/// change), one computes and the others wait for its result instead of all computing the same.
/// Misses of different keys (other scopes, other dates) compute side by side, up to one per core:
/// beyond that they would only share the cores and hold more rows in memory at once.
pub(crate) struct Flights {
    keys: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    cores: Arc<tokio::sync::Semaphore>,
}

impl Default for Flights {
    fn default() -> Self {
        Flights::with_cores(std::thread::available_parallelism().map_or(2, |n| n.get()))
    }
}

/// A turn to compute the entry of one key; given back when dropped.
pub(crate) struct Turn<'a> {
    flights: &'a Flights,
    key: String,
    key_turn: tokio::sync::OwnedMutexGuard<()>,
    _core: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Flights {
    /// Turns for `cores` computations at once.
    fn with_cores(cores: usize) -> Flights {
        Flights {
            keys: Mutex::new(HashMap::new()),
            cores: Arc::new(tokio::sync::Semaphore::new(cores.max(1))),
        }
    }

    /// Waits for the turn of `key`: after any computation of the same key (whose result the caller
    /// should then look for), and for a free core.
    pub(crate) async fn turn(&self, key: &str) -> Turn<'_> {
        let mut turn = self.key_turn(key).await;
        turn._core = Some(
            self.cores
                .clone()
                .acquire_owned()
                .await
                .expect("the semaphore is never closed"),
        );
        turn
    }

    /// Waits for the turn of `key` only, after any computation of the same key, holding no core.
    pub(crate) async fn key_turn(&self, key: &str) -> Turn<'_> {
        let flight = {
            let mut keys = self.keys.lock().expect("cache lock");
            // A waiter cancelled before its turn (a client that went away) leaves its key behind,
            // held by the map alone.
            keys.retain(|_, m| Arc::strong_count(m) > 1);
            keys.entry(key.to_string()).or_default().clone()
        };
        let key_turn = flight.lock_owned().await;
        Turn {
            flights: self,
            key: key.to_string(),
            key_turn,
            _core: None,
        }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        // The key's entry goes once no one else holds or waits for it (the map's and this turn's
        // references are the only ones left; a newcomer takes its reference under the same lock).
        let mut keys = self.flights.keys.lock().expect("cache lock");
        if Arc::strong_count(tokio::sync::OwnedMutexGuard::mutex(&self.key_turn)) == 2 {
            keys.remove(&self.key);
        }
    }
}

impl StatusCache {
    /// Counts a committed write of this process.
    pub(crate) fn bump(&self) {
        self.commits.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts a committed write of this process that took data version `n` and changed only what
    /// `change` says. It is logged after the commit: a reader that reads `n` before the log has it
    /// computes afresh, which is always right.
    pub(crate) fn bump_known(&self, n: Version, change: Change) {
        let mut log = self.changes.lock().expect("cache lock");
        log.insert(n, change);
        while log.len() > MAX_CHANGES {
            log.pop_first();
        }
        drop(log);
        self.commits.fetch_add(1, Ordering::SeqCst);
    }

    /// The changes of the commits between two versions, if every one of them is a known change of
    /// this process; otherwise `None`, and the entry must be computed afresh.
    pub(crate) fn changes_since(&self, from: Version, to: Version) -> Option<Vec<Change>> {
        // An entry newer than asked needs nothing (its data is at least as new).
        if covers(from, to) {
            return Some(Vec::new());
        }
        if to - from > MAX_CHANGES as i64 {
            return None;
        }
        let log = self.changes.lock().expect("cache lock");
        (from + 1..=to).map(|n| log.get(&n).cloned()).collect()
    }

    /// This process's commit count.
    pub(crate) fn commits(&self) -> u64 {
        self.commits.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A miss of the same key waits for the computation under way; misses of other keys compute
    /// side by side, as many as there are cores; a key leaves the map with its last turn.
    #[tokio::test]
    async fn one_flight_per_key_and_one_per_core() {
        let f = Flights::with_cores(2);
        let soon = Duration::from_millis(50);
        let a = f.turn("scope A|2026-11-27").await;
        let b = tokio::time::timeout(soon, f.turn("scope B|2026-11-27")).await;
        assert!(b.is_ok(), "another key computes beside the first");
        let again = tokio::time::timeout(soon, f.turn("scope A|2026-11-27")).await;
        assert!(
            again.is_err(),
            "the same key waits for the first computation"
        );
        let third = tokio::time::timeout(soon, f.turn("scope C|2026-11-27")).await;
        assert!(third.is_err(), "no more computations at once than cores");
        drop(b);
        drop(a);
        let again = tokio::time::timeout(soon, f.turn("scope A|2026-11-27")).await;
        assert!(again.is_ok(), "the key's turn is free again");
        drop(again);
        let last = f.turn("scope D|2026-11-27").await;
        assert_eq!(
            f.keys.lock().unwrap().len(),
            1,
            "a cancelled waiter's key is gone at the next turn"
        );
        drop(last);
        assert!(
            f.keys.lock().unwrap().is_empty(),
            "no key kept after its last turn"
        );
    }
}
