//! diaodu storage: one contract over two engines.
//!
//! The engine is chosen once from the database URL: `postgres://…` for PostgreSQL, anything else is an
//! SQLite file. SQL is written once in the portable subset both accept (`$1` placeholders, TEXT
//! dates, BIGINT money, `CAST(SUM(…) AS BIGINT)` because PostgreSQL sums BIGINT into NUMERIC); the
//! statements that must differ live in `dialect.rs`, each with its reason. The schema is one
//! migration directory per engine (`migrations/sqlite`, `migrations/postgres`), the same tables and
//! declared references in both.
//!
//! [`Store`] holds the pool, the engine and what every capability shares (settings, the unit tree,
//! the status cache, write transactions). What the store does is reached by capability, each a
//! handle that borrows the store: `store.projects()`, `store.reports()` (with the running totals and
//! the reporting calendar), `store.indicators()` (with the scorecards), `store.tasks()`,
//! `store.notices()` (supervision: notices, inspections, accountability, leaders' instructions),
//! `store.meetings()`, `store.messages()` (the inbox and the outbox), `store.users()` (with log-ins
//! and sessions), `store.audit()` and `store.documents()` (official documents' numbers). Each handle's methods live in the files it names.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

mod admission;
pub mod assessment;
mod audit;
pub mod backup;
mod bulk;
mod cache;
mod calendar;
mod copy;
mod dialect;
mod documents;
mod indicators;
mod inspections;
mod instructions;
mod jobs;
pub mod library;
pub mod map;
mod meetings;
mod messages;
mod notices;
mod outbox;
mod pack;
pub mod planning;
mod projects;
pub mod reporting;
mod reports;
pub mod scorecard;
pub mod snapshots;
mod tasks;
pub mod testing;
mod totals;
mod units;
mod users;

pub use admission::{split_keywords, Refusal};
pub use audit::{AuditFilter, AuditRecord};
pub use documents::DocNumber;
pub use indicators::{IndicatorRow, ValueInput};
pub use inspections::{severity_zh, Attachment, Inspection, InspectionItem, NewInspection};
pub use instructions::{Instruction, NewInstruction, Outstanding};
pub use library::{
    kind_zh, DocHit, DocPage, DocSearch, LibraryDoc, NewDocument, PassagePart, Record, Related,
    Viewer,
};
pub use meetings::{Decision, Meeting, NewMeeting};
pub use messages::{Message, NewMessage, INBOX_SIZE};
pub use notices::{Accountability, NewNotice, Notice, NoticeEvent};
pub use outbox::{
    backoff, Delivery, Dispatch, Dispatched, Escalated, NewDelivery, Notifier, MAX_ATTEMPTS,
};
pub use projects::{Project, ProjectFilter, ProjectStatusRow, StatusFlag, SumsVia};
pub use reports::{RawReport, ReportImport, ReportInput, ReportRow, SiteVisit, MAX_LISTED_ERRORS};
pub use tasks::{NewTask, Task, TaskDetail, TaskReport, TaskReportInput, TaskRow};
pub use units::{check_unit_name, NewUnit, Unit, UnitChange, UnitTree};
pub use users::{
    check_display_name, check_email, check_phone, LoginAttempt, LoginError, LoginOk, PasswordCost,
    SessionInfo, SessionRecord, User, UserChange, UserRecord,
};

/// Which database engine a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Errors from the store. The web layer maps each to a status code and a Chinese message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist.
    #[error("{0}不存在")]
    NotFound(String),
    /// A uniqueness or version conflict the user can resolve.
    #[error("{0}")]
    Conflict(String),
    /// Input the domain rules refuse: (field, reason) pairs.
    #[error("输入有误：{}", .0.iter().map(|(f, m)| format!("{f}：{m}")).collect::<Vec<_>>().join("；"))]
    Invalid(Vec<(String, String)>),
    /// Refused by an admission rule; the refusal has been recorded.
    #[error("项目未通过准入审查：{rule_name}")]
    Refused {
        /// Rule code.
        rule_code: String,
        /// Rule name, quoted to the user.
        rule_name: String,
    },
    /// A value out of the ordinary that the user must confirm before it is written (a report above
    /// the year's plan): (field, reason).
    #[error("{1}")]
    Unusual(String, String),
    /// Any database error.
    #[error("数据库错误：{0}")]
    Db(#[from] sqlx::Error),
}

impl StoreError {
    /// An `Invalid` error with one field.
    pub fn invalid(field: &str, msg: impl Into<String>) -> StoreError {
        StoreError::Invalid(vec![(field.to_string(), msg.into())])
    }
}

/// Result alias.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Who makes a change, for the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user's id; `None` for an operator at the command line.
    pub user_id: Option<i64>,
    /// The login (or `cli` / `demo`).
    pub login: String,
}

impl Actor {
    /// The command-line operator.
    pub fn cli() -> Actor {
        Actor {
            user_id: None,
            login: "cli".into(),
        }
    }
}

/// Declares a capability handle: a borrowed store offering one capability's methods (see the crate's
/// doc), and the store's method that hands it out. The handle dereferences to the store, so the
/// capability's statements reach the pool, the engine and the shared helpers as before.
macro_rules! capability {
    ($(#[$doc:meta])* $accessor:ident => $handle:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $handle<'a>(&'a Store);

        impl std::ops::Deref for $handle<'_> {
            type Target = Store;
            fn deref(&self) -> &Store {
                self.0
            }
        }

        impl Store {
            $(#[$doc])*
            pub fn $accessor(&self) -> $handle<'_> {
                $handle(self)
            }
        }
    };
}

capability!(
    /// The project library: projects, their statuses, imports, and the admission rules
    /// (`projects.rs`, `admission.rs`).
    projects => Projects
);
capability!(
    /// Progress reports and site visits, the running totals, and the reporting calendar
    /// (`reports.rs`, `totals.rs`, `calendar.rs`).
    reports => Reports
);
capability!(
    /// The indicator catalogue, targets and values, and the scorecards (`indicators.rs`,
    /// `scorecard.rs`).
    indicators => Indicators
);
capability!(
    /// Key-work tasks and their periodic reports (`tasks.rs`).
    tasks => Tasks
);
capability!(
    /// Supervision: notices and their ladder, inspections and findings, accountability, and leaders'
    /// instructions (`notices.rs`, `inspections.rs`, `instructions.rs`).
    notices => Notices
);
capability!(
    /// The units' assessment: the yearly scheme's versions and the office's bonuses and deductions
    /// (`assessment.rs`).
    assessment => Assessment
);
capability!(
    /// Project planning: the units' planning quotas and the investment plans (`planning.rs`).
    planning => Planning
);
capability!(
    /// Dispatch meetings, their minutes and decisions (`meetings.rs`).
    meetings => Meetings
);
capability!(
    /// In-app messages, the outbox of messages for outside channels, and the units' channel settings
    /// (`messages.rs`, `outbox.rs`).
    messages => Messages
);
capability!(
    /// Users, log-ins and sessions (`users.rs`).
    users => Users
);
capability!(
    /// The audit log (`audit.rs`).
    audit => Audit
);
capability!(
    /// Official documents: their numbers, 发文字号 (`documents.rs`), and the library of documents
    /// issued and uploaded with its full-text search, 材料库 (`library.rs`).
    documents => Documents
);

/// How long a value derived apart from reports (see [`Store::derive_apart_from_reports`]) is
/// reused across reports before it is derived again.
pub const APART_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(300);

/// The version of the data a derived value was computed at (opaque; see [`Store::derived`]).
#[derive(Debug, Clone, Copy)]
pub struct DataVersion(cache::Version);

/// One schema migration of this build.
#[derive(Debug, Clone)]
pub struct Migration {
    /// Its number (0001, 0002, …).
    pub version: i64,
    /// Its name, from the file name.
    pub description: &'static str,
    /// Its statements.
    pub sql: &'static str,
}

/// Where a database's schema stands against this build (see [`Store::migration_state`]).
#[derive(Debug, Clone)]
pub struct MigrationState {
    /// The migrations applied, by number.
    pub applied: Vec<i64>,
    /// This build's migrations not yet applied, in order: what an upgrade does.
    pub pending: Vec<Migration>,
    /// Migrations applied that this build does not know: a newer version migrated the database.
    pub unknown: Vec<(i64, String)>,
}

impl MigrationState {
    /// The refusal to run on a database a newer version migrated, naming its migrations.
    pub fn newer_message(&self) -> Option<String> {
        if self.unknown.is_empty() {
            return None;
        }
        let names: Vec<String> = self
            .unknown
            .iter()
            .map(|(v, d)| format!("{v:04} {d}"))
            .collect();
        Some(format!(
            "数据库已由更新版本的 diaodu 迁移（本程序 {} 不认识的迁移：{}）。请使用该版本或更新的程序；\
             如需回到本版本，请从升级前的备份恢复",
            env!("CARGO_PKG_VERSION"),
            names.join("、")
        ))
    }

    /// Whether the schema is exactly this build's.
    pub fn current(&self) -> bool {
        self.pending.is_empty() && self.unknown.is_empty()
    }
}

/// The storage handle: a connection pool and the engine behind it.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    password_cost: PasswordCost,
    /// SQLite has one writer at a time, and a transaction that reads before it writes cannot wait its
    /// turn (the upgrade fails at once with SQLITE_BUSY). Write transactions therefore queue here first;
    /// PostgreSQL needs no such queue.
    write_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Statuses computed for a scope, reused until the data changes (see `cache.rs`).
    status_cache: std::sync::Arc<cache::StatusCache>,
    /// The URL connected to.
    url: String,
    /// PostgreSQL's staging through `COPY` for bulk writes (`copy.rs`); `None` on SQLite.
    stager: Option<copy::Stager>,
    /// The in-process locks of background jobs on SQLite (`jobs.rs`).
    local_jobs: std::sync::Arc<jobs::LocalJobs>,
}

/// A write transaction: the SQLite writer's turn (if any) and the transaction. It derefs to the
/// connection, so statements run on `&mut *tx`.
///
/// Dropped without a commit or a rollback (an error returned half-way), it rolls back before the
/// SQLite writer's turn passes on: dropping the transaction alone only queues its rollback, and a
/// next writer that reached its first write before the rollback ran would be refused at once
/// ("database is locked": SQLite does not wait for a lock a read transaction needs to upgrade).
pub(crate) struct WriteTx {
    /// Always `Some` until the transaction ends (taken by commit, rollback or drop).
    tx: Option<sqlx::Transaction<'static, sqlx::Any>>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    cache: std::sync::Arc<cache::StatusCache>,
    /// What the transaction changed, when it says it changed only that (see [`WriteTx::changes_only`]).
    known: Option<cache::Change>,
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        self.tx.as_ref().expect("an open transaction")
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        self.tx.as_mut().expect("an open transaction")
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        let (Some(tx), Some(turn)) = (self.tx.take(), self._turn.take()) else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move {
                    let _ = tx.rollback().await;
                    drop(turn);
                });
            }
            Err(_) => drop((tx, turn)),
        }
    }
}

impl WriteTx {
    /// Rolls back and gives the writer's turn back (nothing written is kept; the data version does not
    /// change).
    pub(crate) async fn rollback(mut self) -> Result<()> {
        if let Some(tx) = self.tx.take() {
            tx.rollback().await?;
        }
        Ok(())
    }

    /// Declares that the transaction changes only these reports (and their audit records), so
    /// that statuses computed before it can be patched rather than computed afresh (see `cache.rs`).
    /// Nothing else may be written after it.
    pub(crate) fn changes_only(&mut self, change: cache::Change) {
        self.known = Some(change);
    }

    /// Commits without raising the data version: for writes to tables no cached value reads (the
    /// outbox's delivery states, changed every few seconds by the delivery worker), so that they
    /// do not make every instance compute its statuses afresh.
    pub(crate) async fn commit_outside_cache(mut self) -> Result<()> {
        let tx = self.tx.take().expect("an open transaction");
        tx.commit().await?;
        self.cache.bump();
        Ok(())
    }

    /// Raises the data version (see `cache.rs`) and commits; gives the writer's turn back.
    pub(crate) async fn commit(mut self) -> Result<()> {
        let mut tx = self.tx.take().expect("an open transaction");
        // The last statement before the commit: the row stays locked from here to the commit, so
        // that writers take their numbers in the order they commit.
        // A known change of one report is logged for the other instances under its number
        // (`cache.rs`) — on PostgreSQL in the same statement, so that the row is held no longer.
        let one_report = self
            .known
            .as_ref()
            .filter(|c| c.reports.len() == 1)
            .map(|c| c.reports[0].clone());
        let n: i64 = match (&one_report, crate::dialect::engine_of(&tx)) {
            (Some((pid, period)), Engine::Postgres) => {
                sqlx::query_scalar(
                    "WITH v AS (UPDATE data_version SET n = n + 1 WHERE id = 1 RETURNING n) \
                     INSERT INTO data_changes (n, project_id, period) \
                     SELECT n, $1, $2 FROM v RETURNING n",
                )
                .bind(pid)
                .bind(period)
                .fetch_one(&mut *tx)
                .await?
            }
            _ => {
                let n: i64 = sqlx::query_scalar(
                    "UPDATE data_version SET n = n + 1 WHERE id = 1 RETURNING n",
                )
                .fetch_one(&mut *tx)
                .await?;
                if let Some(change) = &self.known {
                    for (pid, period) in &change.reports {
                        sqlx::query(
                            "INSERT INTO data_changes (n, project_id, period) VALUES ($1, $2, $3)",
                        )
                        .bind(n)
                        .bind(pid)
                        .bind(period)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                n
            }
        };
        if n % 1_000 == 0 {
            sqlx::query("DELETE FROM data_changes WHERE n <= $1")
                .bind(n - cache::SHARED_CHANGES)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        // Statuses computed before this commit are out of date (or, for a known change, out of date
        // in the projects it names).
        match self.known.take() {
            Some(change) => self.cache.bump_known(n, change),
            None => self.cache.bump(),
        }
        Ok(())
    }
}

tokio::task_local! {
    /// The data version read first in the current request, with the cache it belongs to.
    static REQUEST_VERSION: std::cell::Cell<Option<(usize, u64, cache::Version)>>;
}

/// Runs `f` as one request: the data version (see `cache.rs`) is read from the database at its first
/// use and reused for the rest of the request, unless this process commits meanwhile. A page asks it
/// several times — the unit tree, the statuses, the due list — and each was a round trip; a write by
/// another process during the request is seen by the next one, as it would have been had the request
/// run a moment earlier.
pub async fn in_request<F: std::future::Future>(f: F) -> F::Output {
    REQUEST_VERSION.scope(std::cell::Cell::new(None), f).await
}

/// Turns what a user passes as `--db` into a URL: a `postgres://` URL stays, `sqlite:` URLs stay, and a
/// plain path becomes an SQLite file created on first use.
pub fn database_url(db: &str) -> String {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") || db.starts_with("sqlite:")
    {
        db.to_string()
    } else {
        format!("sqlite://{db}?mode=rwc")
    }
}

impl Store {
    /// Connects to `db` (a URL or an SQLite path) and runs the migrations.
    pub async fn connect(db: &str) -> Result<Store> {
        let store = Store::open(db).await?;
        store.migrate().await?;
        // A week that ended while no process was connected closes now.
        store.reports().keep_open_from_current().await?;
        Ok(store)
    }

    /// Opens the database without bringing its schema up to date (`diaodu migrate --dry-run`, which
    /// only reads what an upgrade would do). Everything else connects with [`Store::connect`].
    pub async fn open(db: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let url = database_url(db);
        let engine = if url.starts_with("postgres") {
            Engine::Postgres
        } else {
            Engine::Sqlite
        };
        // Statements are not logged one by one: an import's batches would flood the log.
        let opts = AnyConnectOptions::from_str(&url)?
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(
                tracing::log::LevelFilter::Warn,
                // `DIAODU_SLOW_MS` lowers the threshold when looking for slow statements.
                std::env::var("DIAODU_SLOW_MS")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .map(Duration::from_millis)
                    .unwrap_or(Duration::from_secs(5)),
            );
        let pool = AnyPoolOptions::new()
            .max_connections(if engine == Engine::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // WAL lets readers go on while a report is written; foreign keys are off by
                        // default in SQLite and must be switched on per connection.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        if let Ok(v) = std::env::var("DIAODU_SQLITE_PRAGMA") {
                            for p in v.split(';').filter(|p| !p.trim().is_empty()) {
                                conn.execute(sqlx::AssertSqlSafe(format!("PRAGMA {p}")))
                                    .await?;
                            }
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await?;
        let store = Store {
            pool,
            engine,
            password_cost: PasswordCost::Standard,
            write_lock: std::sync::Arc::new(tokio::sync::Mutex::new(())),
            status_cache: Default::default(),
            url: url.clone(),
            stager: match engine {
                Engine::Postgres => Some(copy::Stager::new(&url)?),
                Engine::Sqlite => None,
            },
            local_jobs: Default::default(),
        };
        Ok(store)
    }

    /// A value derived from the data and kept under `key` (see [`Store::keep_derived`]), if it is
    /// still of the data's version — the rule of the statuses' cache (`cache.rs`): any write, by this
    /// process or another, makes it out of date — with the version to keep a fresh one under.
    async fn derived<T: Send + Sync + 'static>(
        &self,
        key: &str,
    ) -> Result<(DataVersion, Option<std::sync::Arc<T>>)> {
        let v = self.data_version().await?;
        let hit = self
            .status_cache
            .derived
            .get(key, v)
            .and_then(|a| a.downcast::<T>().ok());
        Ok((DataVersion(v), hit))
    }

    /// The value derived from the data under `key`, computed by `compute` when there is none of the
    /// data's version (see [`Store::derived`]). One request computes a key at a time: those that miss
    /// it meanwhile wait and take its result (after a write, thirty leaders' phones and the meeting
    /// room's screen ask for the same cockpit at once).
    pub async fn derive<T, E, F, Fut>(
        &self,
        key: &str,
        compute: F,
    ) -> std::result::Result<std::sync::Arc<T>, E>
    where
        T: Send + Sync + 'static,
        E: From<StoreError>,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, E>>,
    {
        if let (_, Some(hit)) = self.derived::<T>(key).await? {
            return Ok(hit);
        }
        let _turn = self.status_cache.deriving.key_turn(key).await;
        let (version, hit) = self.derived::<T>(key).await?;
        if let Some(hit) = hit {
            return Ok(hit);
        }
        let value = std::sync::Arc::new(compute().await?);
        self.keep_derived(key.to_string(), version, value.clone());
        Ok(value)
    }

    /// As [`Store::derive`], for a value that filing and editing reports does not change (a scope's
    /// tasks and notices): one derived at an earlier version is taken, and kept again under the
    /// present one, when every commit since was a known change of reports only — while reports
    /// arrive every few hundred milliseconds it is not derived again for each. Taken so, it is kept
    /// afresh for up to [`APART_MAX_AGE`] from when it was derived (a value derived anew every
    /// thirty seconds would stall the requests waiting on it each time); past that it is derived
    /// again, which bounds how long it is trusted.
    pub async fn derive_apart_from_reports<T, E, F, Fut>(
        &self,
        key: &str,
        compute: F,
    ) -> std::result::Result<std::sync::Arc<T>, E>
    where
        T: Send + Sync + 'static,
        E: From<StoreError>,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, E>>,
    {
        /// A derived value with when it was derived.
        struct Apart<T> {
            value: std::sync::Arc<T>,
            derived_at: std::time::Instant,
        }
        // The value of the data's version, or one of an earlier version that only reports have
        // changed since (kept again under this version), if there is one.
        let reuse = |version: DataVersion| async move {
            let (_, hit) = self.derived::<Apart<T>>(key).await?;
            if let Some(hit) = hit {
                return Ok::<_, StoreError>(Some(hit.value.clone()));
            }
            let Some((from, value, _)) = self.status_cache.derived.stale(key) else {
                return Ok(None);
            };
            let Ok(apart) = value.downcast::<Apart<T>>() else {
                return Ok(None);
            };
            let current = from >= version.0 || self.known_changes(from, version.0).await?.is_some();
            if !current || apart.derived_at.elapsed() >= APART_MAX_AGE {
                return Ok(None);
            }
            let value = apart.value.clone();
            if from < version.0 {
                self.status_cache
                    .derived
                    .put(key.to_string(), version.0, apart);
            }
            Ok(Some(value))
        };
        let (version, _) = self.derived::<Apart<T>>(key).await?;
        if let Some(value) = reuse(version).await? {
            return Ok(value);
        }
        let _turn = self.status_cache.deriving.key_turn(key).await;
        // Another request may have derived it while this one waited.
        let (version, _) = self.derived::<Apart<T>>(key).await?;
        if let Some(value) = reuse(version).await? {
            return Ok(value);
        }
        let value = std::sync::Arc::new(compute().await?);
        self.keep_derived(
            key.to_string(),
            version,
            std::sync::Arc::new(Apart {
                value: value.clone(),
                derived_at: std::time::Instant::now(),
            }),
        );
        Ok(value)
    }

    /// Keeps `value`, computed from the data at `version`, under `key`.
    fn keep_derived<T: Send + Sync + 'static>(
        &self,
        key: String,
        version: DataVersion,
        value: std::sync::Arc<T>,
    ) {
        self.status_cache.derived.put(key, version.0, value);
    }

    /// The version of the data for reusing computed results (see `cache.rs`): the number of the
    /// last commit, of any process.
    pub(crate) async fn data_version(&self) -> Result<cache::Version> {
        let commits = self.status_cache.commits();
        // Within a request (see [`in_request`]), the version read first serves the rest of it while
        // this process commits nothing.
        let cache_id = std::sync::Arc::as_ptr(&self.status_cache) as usize;
        if let Ok(Some((id, c, v))) = REQUEST_VERSION.try_with(|c| c.get()) {
            if id == cache_id && c == commits {
                return Ok(v);
            }
        }
        let v: i64 = sqlx::query_scalar("SELECT n FROM data_version WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        let _ = REQUEST_VERSION.try_with(|c| c.set(Some((cache_id, commits, v))));
        Ok(v)
    }

    /// The known changes between a cached value's version and `to` (see `cache.rs`): this
    /// process's own from memory, the others' from the shared log; `None` when a commit in between
    /// changed something else — compute afresh.
    pub(crate) async fn known_changes(
        &self,
        from: cache::Version,
        to: cache::Version,
    ) -> Result<Option<Vec<cache::Change>>> {
        if let Some(local) = self.status_cache.changes_since(from, to) {
            return Ok(Some(local));
        }
        if to - from > cache::SHARED_CHANGES {
            return Ok(None);
        }
        let rows: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT n, project_id, period FROM data_changes WHERE n > $1 AND n <= $2 ORDER BY n",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        let mut by_n: std::collections::BTreeMap<i64, cache::Change> = Default::default();
        for (n, pid, period) in rows {
            by_n.entry(n)
                .or_insert_with(|| cache::Change {
                    reports: Vec::new(),
                })
                .reports
                .push((pid, period));
        }
        // Every commit in between must be one.
        if by_n.len() as i64 != to - from {
            return Ok(None);
        }
        Ok(Some(by_n.into_values().collect()))
    }

    /// A second, independent handle on the same database, as another process would have (its own
    /// pool, cache and writer queue).
    pub async fn connect_again(&self) -> Result<Store> {
        Ok(Store::connect(&self.url)
            .await?
            .with_password_cost(self.password_cost))
    }

    /// Begins a write transaction (on SQLite, after waiting for the writer's turn).
    pub(crate) async fn begin(&self) -> Result<WriteTx> {
        let turn = match self.engine {
            Engine::Sqlite => Some(self.write_lock.clone().lock_owned().await),
            Engine::Postgres => None,
        };
        Ok(WriteTx {
            tx: Some(self.pool.begin().await?),
            _turn: turn,
            cache: self.status_cache.clone(),
            known: None,
        })
    }

    /// Uses cheap password hashing (tests only: argon2 with minimal memory).
    pub fn with_password_cost(mut self, cost: PasswordCost) -> Store {
        self.password_cost = cost;
        self
    }

    /// The connection pool now: connections open, of which idle, and the most it opens.
    pub fn pool_stats(&self) -> (u32, u32, u32) {
        (
            self.pool.size(),
            self.pool.num_idle() as u32,
            self.pool.options().get_max_connections(),
        )
    }

    /// Whether the database answers (readiness).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query_scalar::<_, i64>("SELECT 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(())
    }

    /// The engine in use.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Whether the database server has autovacuum turned off (PostgreSQL only): rows replaced or
    /// deleted then stay in the tables until someone runs `VACUUM`, and every scan reads them (the
    /// bench vacuums what it changed, so that its figures measure the code, not the dead rows).
    pub async fn autovacuum_off(&self) -> Result<bool> {
        if self.engine != Engine::Postgres {
            return Ok(false);
        }
        let v: String = sqlx::query_scalar("SELECT current_setting('autovacuum')")
            .fetch_one(&self.pool)
            .await?;
        Ok(v == "off")
    }

    /// Refreshes the planner's statistics (`ANALYZE`, the same statement on both engines); run after
    /// bulk writes such as generated data.
    pub async fn analyze(&self) -> Result<()> {
        sqlx::raw_sql("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    /// The pool, for the few callers (benchmarks) that run raw SQL.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Brings the schema up to date with the engine's migrations (`migrations/sqlite`,
    /// `migrations/postgres`: one baseline each, then numbered changes with the same versions on both),
    /// run by sqlx's migrator, which records each in `_sqlx_migrations` with its checksum and, on
    /// PostgreSQL, holds an advisory lock so that two instances starting together migrate once.
    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
        static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");
        match self.engine {
            Engine::Sqlite => &SQLITE,
            Engine::Postgres => &POSTGRES,
        }
    }

    /// Where the database's schema stands against this build's migrations: which are applied,
    /// which this build would apply, and which the database has that this build does not know (a
    /// newer version migrated it).
    pub async fn migration_state(&self) -> Result<MigrationState> {
        let exists: Option<String> = sqlx::query_scalar(dialect::table_exists(self.engine))
            .bind("_sqlx_migrations")
            .fetch_optional(&self.pool)
            .await?;
        // `success` is a boolean, which the Any driver reads on PostgreSQL only: compared, it is
        // an integer on both.
        let applied: Vec<(i64, String, i64)> = if exists.is_some() {
            sqlx::query_as(
                "SELECT version, description, CASE WHEN success THEN 1 ELSE 0 END \
                 FROM _sqlx_migrations ORDER BY version",
            )
            .fetch_all(&self.pool)
            .await?
        } else {
            Vec::new()
        };
        let known: Vec<Migration> = self
            .migrator()
            .iter()
            .map(|m| Migration {
                version: m.version,
                description: m.description.as_ref(),
                sql: m.sql.as_str(),
            })
            .collect();
        let done: std::collections::HashSet<i64> = applied.iter().map(|a| a.0).collect();
        Ok(MigrationState {
            applied: applied.iter().filter(|a| a.2 == 1).map(|a| a.0).collect(),
            pending: known
                .iter()
                .filter(|m| !done.contains(&m.version))
                .cloned()
                .collect(),
            unknown: applied
                .iter()
                .filter(|a| !known.iter().any(|m| m.version == a.0))
                .map(|a| (a.0, a.1.clone()))
                .collect(),
        })
    }

    /// Brings the schema up to date; refuses a database migrated by a newer version (its tables may
    /// hold what this build would misread) or made before the baseline.
    async fn migrate(&self) -> Result<()> {
        // A database made before the baseline (its own runner's `schema_migrations` table) cannot be
        // brought forward: no production database predates it, and the schema differs in declared
        // references on PostgreSQL.
        let old: Option<String> = sqlx::query_scalar(dialect::table_exists(self.engine))
            .bind("schema_migrations")
            .fetch_optional(&self.pool)
            .await?;
        if old.is_some() {
            return Err(StoreError::Invalid(vec![(
                "数据库".into(),
                "该数据库由早期版本创建（有表 schema_migrations），结构已不兼容：请换用新的空数据库（SQLite 可删除该文件后重新运行），再导入数据".into(),
            )]));
        }
        let state = self.migration_state().await?;
        if let Some(msg) = state.newer_message() {
            return Err(StoreError::Invalid(vec![("数据库".into(), msg)]));
        }
        self.migrator()
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Db(sqlx::Error::Migrate(Box::new(e))))?;
        Ok(())
    }

    /// Reads a setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Writes a setting (audited), after the check of `diaodu_domain::settings::check`: an unknown key,
    /// a value out of range, or one that breaks the order between settings is refused with the
    /// setting's Chinese name and the reason.
    pub async fn set_setting(&self, actor: &Actor, key: &str, value: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        // Checked against the others as they stand in this transaction (writers take turns on
        // SQLite; on PostgreSQL two administrators changing both thresholds at once is left to the
        // later read, which falls back to the defaults when they disagree).
        let stored = stored_settings(&mut tx).await?;
        let name = diaodu_domain::settings::find(key).map_or(key, |s| s.name);
        let value = diaodu_domain::settings::check(key, value, |k| {
            stored.get(k).cloned().unwrap_or_else(|| {
                diaodu_domain::settings::find(k).map_or(String::new(), |s| s.default.to_string())
            })
        })
        .map_err(|reason| StoreError::invalid(name, reason))?;
        let value = value.as_str();
        let before = setting_in(&mut tx, key).await?;
        put_setting(&mut tx, key, value, before.is_some()).await?;
        // A secret is audited as set or cleared, never by value.
        let shown = |v: String| {
            if diaodu_domain::settings::is_secret(key) && !v.is_empty() {
                serde_json::Value::String("（已设置）".into())
            } else {
                serde_json::Value::String(v)
            }
        };
        audit::record(
            &mut tx,
            actor,
            if before.is_some() { "update" } else { "create" },
            "setting",
            key,
            before.map(shown),
            Some(shown(value.to_string())),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every setting of `diaodu_domain::settings::SETTINGS`, with its stored value if one is set.
    pub async fn settings(
        &self,
    ) -> Result<Vec<(&'static diaodu_domain::settings::Setting, Option<String>)>> {
        let stored = stored_settings(&mut *self.pool.acquire().await?).await?;
        Ok(diaodu_domain::settings::SETTINGS
            .iter()
            .map(|s| (s, stored.get(s.key).cloned()))
            .collect())
    }

    /// The light thresholds in force (settings `status.red_lag`, `status.yellow_lag`,
    /// `status.stall_days`, defaults 15, 5, 28).
    pub async fn status_settings(&self) -> Result<diaodu_domain::status::StatusSettings> {
        let mut s = diaodu_domain::status::StatusSettings::default();
        let centi = diaodu_domain::status::parse_centi_pp;
        // One statement for the three: every page that shows a light asks them.
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT key, value FROM settings \
             WHERE key IN ('status.red_lag', 'status.yellow_lag', 'status.stall_days')",
        )
        .fetch_all(&self.pool)
        .await?;
        for (key, v) in rows {
            match key.as_str() {
                "status.red_lag" => {
                    if let Some(v) = centi(&v) {
                        s.red_lag_centi_pp = v;
                    }
                }
                "status.yellow_lag" => {
                    if let Some(v) = centi(&v) {
                        s.yellow_lag_centi_pp = v;
                    }
                }
                _ => {
                    if let Ok(v) = v.trim().parse() {
                        s.stall_days = v;
                    }
                }
            }
        }
        Ok(s)
    }
}

/// Now as an RFC 3339 UTC timestamp with microseconds (fixed width, so text order is time order).
pub fn now_ts() -> String {
    ts(time::OffsetDateTime::now_utc())
}

/// Formats a timestamp in the storage form.
pub fn ts(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// A setting as read inside a transaction.
pub(crate) async fn setting_in(
    conn: &mut sqlx::AnyConnection,
    key: &str,
) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Writes a setting inside a transaction (not audited): `exists` says whether it is stored already,
/// as the caller read it.
pub(crate) async fn put_setting(
    conn: &mut sqlx::AnyConnection,
    key: &str,
    value: &str,
    exists: bool,
) -> Result<()> {
    let sql = if exists {
        "UPDATE settings SET value = $2 WHERE key = $1"
    } else {
        "INSERT INTO settings (key, value) VALUES ($1, $2)"
    };
    sqlx::query(sql)
        .bind(key)
        .bind(value)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Today's date in the city's time zone (Asia/Shanghai, UTC+8, no daylight saving).
pub fn today_local() -> time::Date {
    local_date(time::OffsetDateTime::now_utc())
}

/// The Beijing time of an instant, as a date and time of day (deadlines are set in it).
pub fn local_datetime(t: time::OffsetDateTime) -> time::PrimitiveDateTime {
    let l = t.to_offset(time::UtcOffset::from_hms(8, 0, 0).expect("valid offset"));
    time::PrimitiveDateTime::new(l.date(), l.time())
}

/// The Beijing-time calendar date of an instant.
pub fn local_date(t: time::OffsetDateTime) -> time::Date {
    t.to_offset(time::UtcOffset::from_hms(8, 0, 0).expect("valid offset"))
        .date()
}

/// The Beijing-time calendar date of a stored UTC time stamp (`2026-12-06T01:30:00.000000Z`), if it
/// reads.
pub fn local_day(ts: &str) -> Option<time::Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(ts.get(..19)?, &fmt)
        .ok()
        .map(|t| local_date(t.assume_utc()))
}

pub(crate) fn d2s(d: Option<time::Date>) -> Option<String> {
    d.map(diaodu_domain::period::fmt_date)
}

pub(crate) fn s2d(s: Option<String>) -> Option<time::Date> {
    s.and_then(|s| diaodu_domain::period::parse_date(&s).ok())
}

/// Escapes `%`, `_` and `\` for a LIKE pattern (used with `ESCAPE '\'`).
pub(crate) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Every stored setting by key.
async fn stored_settings(
    conn: &mut sqlx::AnyConnection,
) -> Result<std::collections::HashMap<String, String>> {
    Ok(
        sqlx::query_as::<_, (String, String)>("SELECT key, value FROM settings")
            .fetch_all(conn)
            .await?
            .into_iter()
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Within a request the data version is read once: another process's write during it is left to
    /// the next request, and this process's own write is seen at once.
    #[tokio::test]
    async fn a_request_reads_the_data_version_once_unless_it_commits() {
        let store = testing::fresh_store().await;
        let other = store.connect_again().await.unwrap();
        let actor = Actor::cli();
        in_request(async {
            let v0 = store.data_version().await.unwrap();
            other
                .set_setting(&actor, "status.stall_days", "30")
                .await
                .unwrap();
            assert_eq!(
                store.data_version().await.unwrap(),
                v0,
                "the request's own version"
            );
            store
                .set_setting(&actor, "status.stall_days", "31")
                .await
                .unwrap();
            let v1 = store.data_version().await.unwrap();
            assert_eq!(v1, v0 + 2, "both commits counted");
        })
        .await;
        // Outside a request, every read asks the database.
        let v2 = store.data_version().await.unwrap();
        other
            .set_setting(&actor, "status.stall_days", "32")
            .await
            .unwrap();
        assert_eq!(store.data_version().await.unwrap(), v2 + 1);
    }

    /// A write whose audit record took the smaller id but committed last is seen at once by another
    /// instance: the largest audit id would not have moved. Two writers at once need PostgreSQL:
    /// SQLite has one writer at a time.
    #[tokio::test]
    async fn a_commit_out_of_id_order_is_seen_by_the_next_read() {
        let reader = testing::fresh_store().await;
        if reader.engine() != Engine::Postgres {
            return;
        }
        let slow = reader.connect_again().await.unwrap();
        let quick = reader.connect_again().await.unwrap();
        let actor = Actor::cli();
        let (v, hit) = reader.derived::<u32>("k").await.unwrap();
        assert!(hit.is_none());
        reader.keep_derived("k".into(), v, std::sync::Arc::new(1u32));
        // The slow writer takes the smaller audit id and waits.
        let mut tx = slow.begin().await.unwrap();
        audit::record(&mut tx, &actor, "update", "setting", "slow", None, None)
            .await
            .unwrap();
        quick
            .set_setting(&actor, "status.stall_days", "30")
            .await
            .unwrap();
        let (v, hit) = reader.derived::<u32>("k").await.unwrap();
        assert!(hit.is_none(), "the quick write is seen");
        reader.keep_derived("k".into(), v, std::sync::Arc::new(2u32));
        assert_eq!(*reader.derived::<u32>("k").await.unwrap().1.unwrap(), 2);
        tx.commit().await.unwrap();
        let (_, hit) = reader.derived::<u32>("k").await.unwrap();
        assert!(hit.is_none(), "the slow write, committed last, is seen too");
    }

    /// A database a newer version migrated is refused with the migration it does not know; one
    /// this build migrated is current.
    #[tokio::test]
    async fn a_database_migrated_by_a_newer_version_is_refused() {
        let store = testing::fresh_store().await;
        assert!(store.migration_state().await.unwrap().current());
        let checksum = match store.engine() {
            Engine::Sqlite => "X'00'",
            Engine::Postgres => "'\\x00'::bytea",
        };
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (9001, 'meeting rooms', TRUE, {checksum}, 1)"
        )))
        .execute(&store.pool)
        .await
        .unwrap();
        let e = store.connect_again().await.err().expect("refused");
        let msg = e.to_string();
        assert!(
            msg.contains("更新版本") && msg.contains("9001 meeting rooms"),
            "{msg}"
        );
    }
}
