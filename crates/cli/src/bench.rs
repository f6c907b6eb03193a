//! `diaodu bench`: measures the main paths against the database in `--db` (fill it with `diaodu gen`) and
//! shows each figure beside the engine's own floor for the same work, timed in the same run, and their
//! ratio — on a shared, noisy machine a ratio holds where an absolute time does not.
//!
//! The HTTP load comes from this process while the server runs as a separate process (the same binary,
//! `serve`), on loopback only, with a bounded duration per step.

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use diaodu_domain::access::{Role, Scope};
use diaodu_domain::indicator::StatPeriod;
use diaodu_store::reporting::unit_table;
use diaodu_store::{Actor, ProjectFilter, Store, SumsVia};
use serde::Serialize;
use time::Date;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Options of a run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Seconds per HTTP step.
    pub seconds: f64,
    /// Rows for the import measurement.
    pub import_rows: usize,
    /// HTTP concurrency levels.
    pub clients: Vec<usize>,
    /// The database (passed to the server process).
    pub db: String,
    /// Status date.
    pub today: Date,
    /// Documents in the library for its search measurement (0: none).
    pub documents: usize,
    /// Searches of each shape.
    pub searches: usize,
    /// Server processes for the HTTP load.
    pub instances: usize,
}

/// One measured figure with its floor.
#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    /// What.
    pub name: String,
    /// The figure.
    pub value: f64,
    /// Its unit.
    pub unit: String,
    /// The engine's floor for the same work, same unit.
    pub floor: Option<f64>,
    /// value ÷ floor for times, floor ÷ value for rates (≥ 1 means slower than the floor).
    pub ratio: Option<f64>,
    /// What the floor is.
    pub floor_is: String,
}

/// One HTTP load step.
#[derive(Debug, Clone, Serialize)]
pub struct HttpStep {
    /// Endpoint name.
    pub endpoint: String,
    /// Concurrent clients.
    pub clients: usize,
    /// Requests completed.
    pub requests: usize,
    /// Requests per second.
    pub rps: f64,
    /// Median latency.
    pub p50_ms: f64,
    /// 99th percentile latency.
    pub p99_ms: f64,
    /// Non-2xx/3xx answers or I/O errors.
    pub errors: usize,
    /// p99 ÷ the p99 of the static stylesheet at the same concurrency (the server's floor).
    pub p99_ratio_to_floor: Option<f64>,
}

/// Everything measured.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    /// Engine.
    pub engine: String,
    /// Projects in the database.
    pub projects: i64,
    /// Reports in the database.
    pub reports: i64,
    /// Figures.
    pub measures: Vec<Measure>,
    /// HTTP steps.
    pub http: Vec<HttpStep>,
    /// Peak resident memory of the server process (MiB; the largest, with several).
    pub server_peak_rss_mb: Option<f64>,
    /// Server processes of the HTTP load.
    pub instances: usize,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The median of three runs of an async measurement.
async fn median3<F, Fut>(mut f: F) -> Result<f64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<f64>>,
{
    Ok(median(vec![f().await?, f().await?, f().await?]))
}

/// Vacuums what a dry run of an import touched (PostgreSQL): it leaves its rolled-back rows behind,
/// and the edits mark the pages of the reports they touched as no longer all-visible; until a vacuum,
/// reads of those periods visit the table instead of answering from their index (the next run's
/// existing-report check would measure that, not the import), and the next dry run steps over the
/// dead entries.
async fn vacuum_after_dry_run(store: &Store) -> Result<()> {
    if store.engine() == diaodu_store::Engine::Postgres {
        sqlx::raw_sql("VACUUM reports, report_year_totals, audit")
            .execute(store.pool())
            .await?;
    }
    Ok(())
}

/// Lets the writes before the imports settle, so that none of them is still being written out while
/// an import is measured.
///
/// - The operating system's dirty pages are written out (`sync`, where there is one): after `gen`, or
///   a copy of the province database (3 GB, logged in full by PostgreSQL 15), the kernel was still
///   writing gigabytes back when the imports ran, and slowed the engine's own writes — the likely cause
///   of the runs, three in twelve after a copy, that measured PostgreSQL's corrected week 15 – 20 % low
///   (45 – 47k against 52 – 58k rows/s); with a `sync` first, twelve runs measured 52.6 – 60.5k.
/// - PostgreSQL is asked for a checkpoint first (a superuser or the `pg_checkpoint` role; without, the
///   run goes on): a checkpoint falling between two rounds of an import makes the next round write
///   every page it touches whole into the WAL. Checkpointed here, the imports' few hundred MB of WAL
///   stay within `max_wal_size` and the run within `checkpoint_timeout`; the first round of each
///   import still writes whole the pages it is the first to touch, as a live import after a
///   checkpoint does.
async fn settle_before_imports(store: &Store) {
    if store.engine() == diaodu_store::Engine::Postgres {
        if let Err(e) = sqlx::raw_sql("CHECKPOINT").execute(store.pool()).await {
            eprintln!("注意：无法执行 CHECKPOINT（{e}）；若测量期间发生检查点，导入的数字会偏低。");
        }
    }
    // Blocking, but nothing else runs in the bench meanwhile.
    let _ = std::process::Command::new("sync").status();
}

/// The rate of an import of `n` rows from the CSV text `csv` through the real path (rows/s).
async fn import_rate(
    store: &Store,
    actor: &Actor,
    tree: &diaodu_store::UnitTree,
    kind: diaodu_web::service::imports::ImportKind,
    csv: &str,
    n: usize,
) -> Result<f64> {
    let up = diaodu_web::service::imports::Upload {
        kind,
        name: "bench.csv".into(),
        bytes: csv.as_bytes().to_vec(),
        confirm_unusual: false,
    };
    let t = Instant::now();
    let r = diaodu_web::service::imports::run_import(store, actor, tree, Scope::All, &up).await?;
    let rate = n as f64 / t.elapsed().as_secs_f64();
    anyhow::ensure!(
        r.is_ok(),
        "bench import failed: {:?}",
        r.err().map(|e| e.into_iter().take(3).collect::<Vec<_>>())
    );
    Ok(rate)
}

/// The rate of a dry run of a report import (checked, written, rolled back; rows/s), the median of
/// three, PostgreSQL vacuumed after each.
async fn dry_run_rate(
    store: &Store,
    actor: &Actor,
    tree: &diaodu_store::UnitTree,
    rows: &[diaodu_domain::import::ReportRow],
    what: &str,
) -> Result<f64> {
    let mut rates = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let r = store
            .reports()
            .import_dry_run(actor, tree, Scope::All, rows, Vec::new(), false)
            .await?;
        rates.push(rows.len() as f64 / t.elapsed().as_secs_f64());
        anyhow::ensure!(
            r.is_ok(),
            "bench {what} import failed: {:?}",
            r.err().map(|e| e.into_iter().take(3).collect::<Vec<_>>())
        );
        vacuum_after_dry_run(store).await?;
    }
    Ok(median(rates))
}

/// The next figure an HTTP load's submission brings (万元), from the run's counter: below 97 万, as
/// a week's investment is, and different for 9,700 submissions in a row — a project is submitted to
/// every few hundred, so it never gets the figure it has filed.
fn submitted_figure(counter: &std::sync::atomic::AtomicUsize) -> String {
    let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}.{:02}", n % 97, (n / 97) % 100)
}

/// A number from the clock (milliseconds), where the HTTP load's figure counter starts, so that runs
/// on the same data do not repeat each other's figures.
fn clock_seed() -> usize {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as usize)
        .unwrap_or(0)
}

/// The median of a few measurements (the middle one of three).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn time_measure(name: &str, value: f64, floor: f64, floor_is: &str) -> Measure {
    Measure {
        name: name.into(),
        value,
        unit: "ms".into(),
        floor: Some(floor),
        ratio: Some(value / floor.max(1e-6)),
        floor_is: floor_is.into(),
    }
}

/// Runs every measurement.
pub async fn run(store: &Store, o: &Options) -> Result<Results> {
    let d = o.today;
    let tree = store.units().await?;
    let projects = store.projects().count().await?;
    let reports = store.reports().count().await?;
    let mut measures = Vec::new();
    let jan1 = Date::from_calendar_date(d.year(), time::Month::January, 1)?;
    let fmt = diaodu_domain::period::fmt_date;

    // The floor of every status computation, run directly and summed inside the engine so that no
    // driver cost is counted: reading each project with the running-totals row the status starts from,
    // and the reports of the same window the status reads (`status_window`: at most about two weeks).
    let due_through = store.reports().calendar().await?.weekly_due_through(d);
    let w =
        diaodu_domain::totals::status_window(d, store.reports().open_from().await?, due_through);
    let base_inv = match w.base_month {
        None => "0".to_string(),
        Some(m) => format!("COALESCE(t.inv_{m}, 0)"),
    };
    let (lo, hi) = (w.scan_from, w.scan_to);
    let floor = median3(|| async {
        let t = Instant::now();
        let a: (i64, Option<i64>) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*), CAST(SUM(p.annual_plan + {base_inv}) AS BIGINT) FROM projects p \
                 LEFT JOIN report_year_totals t ON t.project_id = p.id AND t.year = $1"
        )))
        .bind(i64::from(d.year()))
        .fetch_one(store.pool())
        .await?;
        let b = sum_reports(store, lo, hi).await?;
        std::hint::black_box((a, b));
        Ok(ms(t.elapsed()))
    })
    .await?;
    let floor_is =
        "each project with its totals row, and the same window of reports, summed in the engine";
    let settings = store.status_settings().await?;
    // Computed afresh each time (the pages reuse a scope's statuses until the data changes; that
    // reuse is measured apart below).
    let status =
        median3(|| time_statuses(store, &tree, d, &settings, Some(SumsVia::Totals))).await?;
    measures.push(time_measure(
        "status of every project",
        status,
        floor,
        floor_is,
    ));
    let reused = median3(|| time_statuses(store, &tree, d, &settings, None)).await?;
    measures.push(time_measure(
        "status of every project, reused while the data is unchanged",
        reused,
        floor,
        floor_is,
    ));
    // The same from every report of the year (the reference way, and how it was done before the
    // running totals), against its own floor: one grouped sum over the year's reports.
    let year_floor = median3(|| async {
        let t = Instant::now();
        std::hint::black_box(sum_reports(store, jan1, d).await?);
        Ok(ms(t.elapsed()))
    })
    .await?;
    let from_reports =
        median3(|| time_statuses(store, &tree, d, &settings, Some(SumsVia::Reports))).await?;
    measures.push(time_measure(
        "status of every project, summed from every report (reference)",
        from_reports,
        year_floor,
        "the year's reports up to D, summed in the engine",
    ));
    let root = tree
        .children(None)
        .first()
        .map(|u| u.id)
        .context("no units")?;
    let ranking = median3(|| async {
        let t = Instant::now();
        let rows = store
            .projects()
            .statuses_via(
                &tree,
                Scope::All,
                &ProjectFilter::default(),
                d,
                &settings,
                SumsVia::Totals,
            )
            .await?;
        let lines = unit_table(&tree, &rows, root, d);
        std::hint::black_box(lines.len());
        Ok(ms(t.elapsed()))
    })
    .await?;
    measures.push(time_measure("unit ranking", ranking, floor, floor_is));

    // Scorecards of every region that has values for the newest period.
    let period = store
        .indicators()
        .value_periods()
        .await?
        .iter()
        .filter_map(|p| StatPeriod::parse(p).ok())
        .max_by_key(|p| (p.year(), p.to_string()));
    if let Some(p) = period {
        let inds = store.indicators().list().await?;
        let sc_floor = median3(|| async {
            let t = Instant::now();
            for i in &inds {
                for q in p.history(6) {
                    std::hint::black_box(store.indicators().indicator_values(i.id, q).await?.len());
                }
            }
            Ok(ms(t.elapsed()))
        })
        .await?;
        let regions: Vec<i64> = tree
            .units
            .iter()
            .filter(|u| u.parent_id.is_some())
            .map(|u| u.id)
            .collect();
        let t = Instant::now();
        std::hint::black_box(
            store
                .indicators()
                .scorecards(&tree, &regions, p)
                .await?
                .len(),
        );
        measures.push(time_measure(
            &format!("scorecards of every region ({} regions)", regions.len()),
            ms(t.elapsed()),
            sc_floor,
            "reading every value of the six periods once",
        ));
    }

    // The assessment of every unit below the top one, scored from live data on D and on the end of
    // the previous quarter, as `/assessment` and the quarterly notice compute it.
    // The first run computes the statuses of both days afresh; the later ones reuse them while the
    // data is unchanged, as a page does.
    // A province's office scores its cities too: the scheme in force with 市 added to every item.
    let (mut scheme, version) = store.assessment().scheme(d.year()).await?;
    if tree
        .get(root)
        .is_some_and(|u| u.kind == diaodu_domain::access::UnitKind::Province)
    {
        for item in &mut scheme.items {
            if !item
                .applies_to
                .contains(&diaodu_domain::access::UnitKind::City)
            {
                item.applies_to.push(diaodu_domain::access::UnitKind::City);
            }
        }
    }
    let mut runs = Vec::new();
    let mut assessed = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let out = diaodu_web::service::assessment::assessment_with(
            store,
            &tree,
            root,
            d.year(),
            d,
            scheme.clone(),
            version,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        assessed = out.units.len();
        runs.push(ms(t.elapsed()));
    }
    measures.push(time_measure(
        &format!("assessment of every unit ({assessed} units, with the previous quarter), first"),
        runs[0],
        floor,
        floor_is,
    ));
    measures.push(time_measure(
        "assessment of every unit, statuses reused while the data is unchanged",
        median(runs[1..].to_vec()),
        floor,
        floor_is,
    ));

    // The reminder pass over the whole library, and the outbox delivering to a receiver on loopback.
    measures.extend(reminders_and_outbox(store, &tree, d).await?);

    // Imports through the real path (parse, check, write), against a raw bulk insert of as many rows.
    // They go to a unit of their own and are removed afterwards, so runs do not change the data set.
    settle_before_imports(store).await;
    let bench_unit = match tree.find("BENCH-IMPORT") {
        Some(u) => u.clone(),
        None => {
            store
                .create_unit(
                    &Actor::cli(),
                    diaodu_store::NewUnit {
                        code: "BENCH-IMPORT".into(),
                        name: "基准测试导入".into(),
                        parent_id: Some(root),
                        kind: diaodu_domain::access::UnitKind::Department,
                    },
                )
                .await?
        }
    };
    let tree = store.units().await?;
    let district = &bench_unit;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs()
        % 1_000_000;
    let n = o.import_rows.max(10);
    let actor = Actor::cli();
    // Three rounds, each with codes of its own, and the median of each figure: one import of 20,000
    // rows takes well under a second, and a single one moved by 20 – 40 % from run to run on a
    // shared machine.
    let mut proj_rates = Vec::new();
    let mut rep_rates = Vec::new();
    for round in 0..3 {
        let code = |i: usize| format!("BX{stamp}-{round}{i:06}");
        let mut csv = String::from("项目编码,项目名称,责任单位,项目类别,建设阶段,总投资(万元),计划年度,年度计划投资(万元),实际开工日期\n");
        for i in 0..n {
            csv += &format!(
                "{},基准测试项目{i},{},工业,续建,1000,{},200,{}\n",
                code(i),
                district.code,
                d.year(),
                fmt(jan1)
            );
        }
        let period = diaodu_domain::Period::week_of(d).prev();
        let mut rcsv = String::from("项目编码,填报期,本期完成投资(万元),形象进度,存在问题\n");
        for i in 0..n {
            rcsv += &format!("{},{period},3.5,主体施工,\n", code(i));
        }
        use diaodu_web::service::imports::ImportKind;
        proj_rates.push(import_rate(store, &actor, &tree, ImportKind::Projects, &csv, n).await?);
        rep_rates.push(import_rate(store, &actor, &tree, ImportKind::Reports, &rcsv, n).await?);
        store.projects().delete_of_unit(district.id).await?;
        if store.engine() == diaodu_store::Engine::Postgres {
            // The clean-up leaves 20,000 dead rows in each table it touched; where autovacuum is off
            // (as on the machines these figures come from) they would stay, and every later run and
            // the HTTP load below would scan them.
            sqlx::raw_sql("VACUUM (ANALYZE) projects, reports, report_year_totals")
                .execute(store.pool())
                .await?;
        }
    }
    let proj_rate = median(proj_rates);
    let rep_rate = median(rep_rates);
    // A week of reports for projects already in the library — the import a province makes every
    // week: each report lands among its project's earlier ones in the status index, and, this week
    // being open, writes no running totals (docs/status.md). Checked and written, then rolled back
    // (a dry run), so the data set stays the same; the commit it leaves out is a few milliseconds on
    // PostgreSQL (on SQLite the pages the import dirtied are written out meanwhile, once the page
    // cache is full, as a commit would write them). Three times, the median.
    let mut codes: Vec<String> = store
        .projects()
        .ids()
        .await?
        .into_keys()
        .filter(|c| !c.starts_with("BX"))
        .collect();
    codes.sort_unstable();
    codes.truncate(n);
    let week = diaodu_domain::Period::week_of(d);
    let week_rows: Vec<diaodu_domain::import::ReportRow> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| diaodu_domain::import::ReportRow {
            row: i + 2,
            project_code: c.clone(),
            period: week,
            investment: diaodu_domain::Yuan(35_000),
            progress: "主体施工".into(),
            problems: String::new(),
        })
        .collect();
    let week_rate = dry_run_rate(store, &actor, &tree, &week_rows, "weekly").await?;
    // The same projects' last week again — filed by `gen` for every started project — as a corrected
    // file would bring it: every project that filed it (about five in six) makes its row an edit; dry
    // run as well.
    let last_week = week.prev();
    let corrected: Vec<diaodu_domain::import::ReportRow> = week_rows
        .iter()
        .map(|r| diaodu_domain::import::ReportRow {
            period: last_week,
            ..r.clone()
        })
        .collect();
    let corrected_rate = dry_run_rate(store, &actor, &tree, &corrected, "corrected-week").await?;
    // Closing a week: each Monday the week before last goes into the running totals (see
    // docs/status.md, "The open days"). Timed by reopening the last closed week and closing it again,
    // which leaves the data as it was; the floor sums that week's reports in the engine.
    let close = match store.reports().open_from().await? {
        Some(c) => {
            let week_before = c - time::Duration::days(7);
            store.reports().move_open_from(week_before).await?;
            let t = Instant::now();
            store.reports().move_open_from(c).await?;
            let ms_close = ms(t.elapsed());
            // Reopening rewrote the rows of the week's projects (PostgreSQL: dead row versions).
            vacuum_after_dry_run(store).await?;
            let floor = median3(|| async {
                let t = Instant::now();
                std::hint::black_box(
                    sum_reports(store, week_before, c.previous_day().unwrap_or(c)).await?,
                );
                Ok(ms(t.elapsed()))
            })
            .await?;
            Some((ms_close, floor))
        }
        None => None,
    };
    if let Some((value, floor)) = close {
        measures.push(time_measure(
            "closing a week into the running totals (each Monday)",
            value,
            floor,
            "the week's reports summed in the engine",
        ));
    }
    let floor_rate = raw_insert_rate(store, n).await?;
    for (name, rate) in [
        ("import projects", proj_rate),
        ("import reports", rep_rate),
        (
            "import reports, a week of existing projects (dry run)",
            week_rate,
        ),
        (
            "import reports, last week again, mostly edits (dry run)",
            corrected_rate,
        ),
    ] {
        measures.push(Measure {
            name: name.into(),
            value: rate,
            unit: "rows/s".into(),
            floor: Some(floor_rate),
            ratio: Some(floor_rate / rate.max(1e-6)),
            floor_is: "the engine inserting as many rows it generates, one statement, no indexes"
                .into(),
        });
    }

    if o.documents > 0 {
        measures
            .extend(crate::bench_library::measure(store, o.documents, o.searches.max(1), d).await?);
    }

    // `--clients 0` skips the HTTP load (quick runs of the in-process figures).
    let (http, rss) = if o.clients.is_empty() {
        (Vec::new(), None)
    } else {
        http_load(store, o, &tree).await?
    };
    Ok(Results {
        engine: format!("{:?}", store.engine()),
        projects,
        reports,
        measures,
        http,
        server_peak_rss_mb: rss,
        instances: o.instances,
    })
}

/// How many synthetic webhook deliveries the outbox measure sends.
const OUTBOX_DELIVERIES: usize = 2_000;

/// The reminder pass at `d` (this time of day) over every unit: planned — the status of every project,
/// the weeks reported, the tasks — against computing the statuses alone; then written, each unit's
/// digest with a webhook delivery, the once-keys and the audit. Each unit owning projects is given a
/// reporter to tell (once; they stay). Then the outbox delivers those and [`OUTBOX_DELIVERIES`] more to
/// a webhook receiver on loopback, against posting as many straight to it. What the pass and the
/// outbox wrote is removed afterwards.
async fn reminders_and_outbox(
    store: &Store,
    tree: &diaodu_store::UnitTree,
    d: Date,
) -> Result<Vec<Measure>> {
    use diaodu_web::notify::{deliver_due_with, Config, Sender};
    let owners: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT unit_id FROM projects")
        .fetch_all(store.pool())
        .await?;
    let logins: std::collections::HashSet<String> = store
        .users()
        .list()
        .await?
        .into_iter()
        .map(|u| u.login)
        .collect();
    for u in &owners {
        let Some(unit) = tree.get(*u) else { continue };
        let login = format!("bench-rem-{}", unit.code.to_lowercase());
        if !logins.contains(&login) {
            store
                .users()
                .create(
                    &Actor::cli(),
                    &login,
                    "基准测试填报员",
                    *u,
                    Role::Reporter,
                    "Bench@2026-Rem",
                )
                .await?;
        }
    }
    // A webhook receiver on loopback that takes every post.
    let app = axum::Router::new().route("/hook", axum::routing::post(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let mut cfg = Config::load(store).await?;
    cfg.set("reminder.quiet_start", "0");
    cfg.set("reminder.quiet_end", "0");
    cfg.set("notify.webhook.url", &url);
    for k in [
        "notify.email.smtp_url",
        "notify.dingtalk.webhook",
        "notify.wecom.webhook",
    ] {
        cfg.set(k, "");
    }
    let bj = time::UtcOffset::from_hms(8, 0, 0)?;
    let now = d
        .with_time(time::OffsetDateTime::now_utc().to_offset(bj).time())
        .assume_offset(bj);
    let settings = store.status_settings().await?;
    let floor = time_statuses(store, tree, d, &settings, Some(SumsVia::Totals)).await?;
    let t = Instant::now();
    let (planned, mut sends) = diaodu_web::service::reminders::plan_with(store, &cfg, now).await?;
    let plan_ms = ms(t.elapsed());
    let stamp = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    for s in &mut sends {
        s.kind = "bench-reminder".into();
        s.once_key = s.once_key.take().map(|k| format!("bench:{stamp}:{k}"));
        s.messages
            .iter_mut()
            .for_each(|m| m.kind = "bench-reminder".into());
        s.deliveries
            .iter_mut()
            .for_each(|x| x.kind = "bench-reminder".into());
    }
    let items: usize = planned.planned.iter().map(|p| p.items).sum();
    let t = Instant::now();
    let written = store.messages().dispatch(&Actor::cli(), &sends).await?;
    let send_ms = ms(t.elapsed());
    let extra = diaodu_store::Dispatch {
        kind: "bench-reminder".into(),
        deliveries: (0..OUTBOX_DELIVERIES)
            .map(|i| diaodu_store::NewDelivery {
                channel: "webhook".into(),
                target: String::new(),
                unit_id: None,
                kind: "bench-reminder".into(),
                title: format!("基准测试消息 {i}"),
                body: "基准测试".into(),
                link: "/".into(),
                mentions: Vec::new(),
                not_before: None,
            })
            .collect(),
        ..Default::default()
    };
    store.messages().dispatch(&Actor::cli(), &[extra]).await?;
    let to_deliver = written.deliveries + OUTBOX_DELIVERIES;
    let sender = Sender::new();
    let t = Instant::now();
    let mut delivered = 0;
    loop {
        let r = deliver_due_with(store, &sender, &cfg, 200).await?;
        delivered += r.delivered;
        if r.delivered + r.failed == 0 {
            break;
        }
    }
    let rate = delivered as f64 / t.elapsed().as_secs_f64();
    // The floor: as many posts straight to the receiver, eight at a time, as the worker sends them.
    let client = reqwest::Client::new();
    let t = Instant::now();
    use futures_util::StreamExt;
    futures_util::stream::iter(0..to_deliver)
        .map(|_| {
            let c = client.clone();
            let u = url.clone();
            async move { c.post(&u).body("{}").send().await.map(|_| ()) }
        })
        .buffer_unordered(8)
        .for_each(|_| async {})
        .await;
    let floor_rate = to_deliver as f64 / t.elapsed().as_secs_f64();
    server.abort();
    for sql in [
        "DELETE FROM messages WHERE kind = 'bench-reminder'",
        "DELETE FROM outbox WHERE kind = 'bench-reminder'",
        "DELETE FROM reminder_log WHERE key LIKE 'bench:%'",
    ] {
        sqlx::query(sql).execute(store.pool()).await?;
    }
    anyhow::ensure!(
        delivered == to_deliver,
        "the outbox delivered {delivered} of {to_deliver}"
    );
    Ok(vec![
        time_measure(
            &format!(
                "reminder pass, planned ({} units, {items} items missing)",
                planned.planned.len()
            ),
            plan_ms,
            floor,
            "the status of every project, afresh (the pass's first step)",
        ),
        Measure {
            name: format!(
                "reminder pass, written ({} digests, {} messages, {} deliveries)",
                written.sent, written.messages, written.deliveries
            ),
            value: send_ms,
            unit: "ms".into(),
            floor: None,
            ratio: None,
            floor_is: String::new(),
        },
        Measure {
            name: format!("outbox delivery to a webhook on loopback ({to_deliver} messages)"),
            value: rate,
            unit: "msg/s".into(),
            floor: Some(floor_rate),
            ratio: Some(floor_rate / rate.max(1e-6)),
            floor_is: "the same posts straight to the receiver, eight at a time".into(),
        },
    ])
}

/// The count and sum of the reports ending in [lo, hi], summed inside the engine (a floor).
async fn sum_reports(store: &Store, lo: Date, hi: Date) -> Result<(i64, Option<i64>)> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), CAST(SUM(r.investment) AS BIGINT) FROM projects p CROSS JOIN reports r \
         WHERE r.project_id = p.id AND r.period_end >= $1 AND r.period_end <= $2",
    )
    .bind(diaodu_domain::period::fmt_date(lo))
    .bind(diaodu_domain::period::fmt_date(hi))
    .fetch_one(store.pool())
    .await?)
}

/// Milliseconds to compute the status of every project: afresh the way `via` says, or (`None`) as the
/// pages get it, reused while the data is unchanged.
async fn time_statuses(
    store: &Store,
    tree: &diaodu_store::UnitTree,
    d: Date,
    settings: &diaodu_domain::status::StatusSettings,
    via: Option<SumsVia>,
) -> Result<f64> {
    let t = Instant::now();
    let all = ProjectFilter::default();
    let rows = match via {
        Some(via) => {
            store
                .projects()
                .statuses_via(tree, Scope::All, &all, d, settings, via)
                .await?
        }
        None => store.projects().statuses(tree, Scope::All, &all, d).await?,
    };
    std::hint::black_box(rows.len());
    Ok(ms(t.elapsed()))
}

/// Rows per second of the engine inserting rows it generates itself, in one statement and one
/// transaction, into a table without indexes: the floor of any import (no client, no parsing, no
/// checks, no indexes, no audit).
async fn raw_insert_rate(store: &Store, n: usize) -> Result<f64> {
    let pool = store.pool();
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS bench_floor (a BIGINT, b TEXT, c TEXT, d BIGINT, e TEXT)",
    )
    .execute(pool)
    .await?;
    sqlx::raw_sql("DELETE FROM bench_floor")
        .execute(pool)
        .await?;
    let t = Instant::now();
    let mut tx = pool.begin().await?;
    sqlx::query(
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1) \
         INSERT INTO bench_floor (a, b, c, d, e) \
         SELECT i, 'BX' || CAST(i AS TEXT), '2026-W47', 35000, '主体施工' FROM s",
    )
    .bind(n as i64)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let rate = n as f64 / t.elapsed().as_secs_f64();
    sqlx::raw_sql("DROP TABLE bench_floor")
        .execute(pool)
        .await?;
    Ok(rate)
}

/// A minimal HTTP/1.1 keep-alive client, enough for measuring our own server on loopback.
struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    async fn open(addr: &str) -> Result<Conn> {
        let s = TcpStream::connect(addr).await?;
        s.set_nodelay(true)?;
        Ok(Conn {
            reader: BufReader::new(s),
        })
    }

    /// Sends a request and reads the whole answer; returns the status.
    async fn send(&mut self, method: &str, path: &str, headers: &str, body: &str) -> Result<u16> {
        let req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Content-Length: {}\r\n\r\n{body}", body.len());
        self.reader.get_mut().write_all(req.as_bytes()).await?;
        let mut line = String::new();
        self.reader.read_line(&mut line).await?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .context("bad status line")?;
        let mut len = 0usize;
        let mut chunked = false;
        loop {
            line.clear();
            self.reader.read_line(&mut line).await?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let lower = l.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
            if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
        }
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
                let mut buf = vec![0u8; size + 2];
                self.reader.read_exact(&mut buf).await?;
                if size == 0 {
                    break;
                }
            }
        } else {
            let mut buf = vec![0u8; len];
            self.reader.read_exact(&mut buf).await?;
        }
        Ok(status)
    }
}

/// Makes the i-th request of a load step.
type MakeReq = Box<dyn Fn(usize) -> Req + Send + Sync>;

/// A request of a load step.
#[derive(Clone)]
struct Req {
    method: &'static str,
    path: String,
    headers: String,
    body: String,
}

async fn load_step(
    addrs: &[String],
    name: &str,
    clients: usize,
    seconds: f64,
    make: impl Fn(usize) -> Req + Send + Sync + Clone + 'static,
) -> Result<HttpStep> {
    // One request first, not measured: a step's first request after the data changed computes the
    // scope's statuses afresh (timed in-process above, as "status of every project"), and in a window
    // of a few seconds the clients waiting for it would be the step's whole 99th percentile.
    // With several instances, one such request to each.
    for addr in addrs {
        let r = make(0);
        let mut conn = Conn::open(addr).await?;
        conn.send(r.method, &r.path, &r.headers, &r.body).await?;
    }
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut handles = Vec::new();
    for c in 0..clients {
        // Each client keeps to one instance, the clients taking turns among them.
        let addr = addrs[c % addrs.len()].clone();
        let make = make.clone();
        handles.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0usize;
            let mut conn = match Conn::open(&addr).await {
                Ok(c) => c,
                Err(_) => return (lat, 1),
            };
            let mut i = c;
            while Instant::now() < deadline {
                let r = make(i);
                i += clients;
                let t = Instant::now();
                match conn.send(r.method, &r.path, &r.headers, &r.body).await {
                    Ok(s) if s < 400 => lat.push(t.elapsed()),
                    Ok(_) => {
                        errors += 1;
                        lat.push(t.elapsed());
                    }
                    Err(_) => {
                        errors += 1;
                        match Conn::open(&addr).await {
                            Ok(c) => conn = c,
                            Err(_) => break,
                        }
                    }
                }
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for h in handles {
        let (l, e) = h.await?;
        all.extend(l);
        errors += e;
    }
    all.sort();
    let pick = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
            .map(|d| ms(*d))
            .unwrap_or(0.0)
    };
    Ok(HttpStep {
        endpoint: name.into(),
        clients,
        requests: all.len(),
        rps: all.len() as f64 / seconds,
        p50_ms: pick(0.5),
        p99_ms: pick(0.99),
        errors,
        p99_ratio_to_floor: None,
    })
}

/// Logs `login` in through the API (the bench users' password) and returns the session token.
async fn login_token(addr: &str, login: &str) -> Result<String> {
    let body = format!(r#"{{"login":"{login}","password":"Bench-Passw0rd"}}"#);
    let s = TcpStream::connect(addr).await?;
    let mut r = BufReader::new(s);
    let req = format!("POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    r.get_mut().write_all(req.as_bytes()).await?;
    let mut all = String::new();
    r.read_to_string(&mut all).await?;
    let json = all.split("\r\n\r\n").nth(1).unwrap_or("");
    Ok(serde_json::from_str::<serde_json::Value>(json)?["token"]
        .as_str()
        .context("login failed")?
        .to_string())
}

async fn http_load(
    store: &Store,
    o: &Options,
    tree: &diaodu_store::UnitTree,
) -> Result<(Vec<HttpStep>, Option<f64>)> {
    // A district reporter: the heaviest everyday user of the pages.
    let district = tree
        .units
        .iter()
        .find(|u| {
            u.parent_id.is_some()
                && u.code != "BENCH-IMPORT"
                && tree.children(Some(u.id)).is_empty()
        })
        .context("no district")?;
    let login = format!("bench-{}", district.code.to_lowercase());
    if !store.users().list().await?.iter().any(|u| u.login == login) {
        store
            .users()
            .create(
                &Actor::cli(),
                &login,
                "基准测试",
                district.id,
                Role::Reporter,
                "Bench-Passw0rd",
            )
            .await?;
    }
    // A city's leader, for the cockpit: the city's whole scope on one page.
    let city = tree
        .units
        .iter()
        .find(|u| u.kind == diaodu_domain::access::UnitKind::City)
        .unwrap_or(district);
    let leader = format!("bench-lead-{}", city.code.to_lowercase());
    if !store
        .users()
        .list()
        .await?
        .iter()
        .any(|u| u.login == leader)
    {
        store
            .users()
            .create(
                &Actor::cli(),
                &leader,
                "基准测试领导",
                city.id,
                Role::Leader,
                "Bench-Passw0rd",
            )
            .await?;
    }
    // The cockpit draws the city's units on its map: boundaries as detailed as a real district's
    // simplified for a screen (about 1,000 points each), uploaded when the data has none.
    if store.unit_shapes().await?.is_empty() {
        let codes: Vec<String> = tree
            .children(Some(city.id))
            .iter()
            .map(|u| u.code.clone())
            .collect();
        if !codes.is_empty() {
            diaodu_web::service::map::apply(
                store,
                &Actor::cli(),
                tree,
                "基准测试边界.geojson",
                &crate::demo::invented_boundaries(&codes, 250),
            )
            .await
            .map_err(|e| anyhow::anyhow!("the bench's boundaries: {e}"))?;
        }
    }
    let rows = store
        .projects()
        .statuses(
            tree,
            Scope::Subtree(district.id),
            &ProjectFilter::default(),
            o.today,
        )
        .await?;
    let ids: Vec<i64> = rows
        .iter()
        .filter(|r| r.project.fields.actual_start.is_some())
        .map(|r| r.project.id)
        .collect();
    anyhow::ensure!(
        !ids.is_empty(),
        "the benchmark district has no started project"
    );

    let mut children = Vec::new();
    let mut addrs = Vec::new();
    let mut dirs = Vec::new();
    for _ in 0..o.instances {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0")?;
            l.local_addr()?.port()
        };
        let addr = format!("127.0.0.1:{port}");
        let files = std::env::temp_dir().join(format!("diaodu-bench-files-{port}"));
        let child = tokio::process::Command::new(std::env::current_exe()?)
            .args(["--db", &o.db, "serve", "--addr", &addr, "--files-dir"])
            .arg(&files)
            .arg("--as-of")
            .arg(diaodu_domain::period::fmt_date(o.today))
            .stdout(Stdio::null())
            // `DIAODU_BENCH_SERVER_LOG=file` keeps the server's log (with `DIAODU_SLOW_MS`, its
            // slow statements under load).
            .stderr(match std::env::var_os("DIAODU_BENCH_SERVER_LOG") {
                Some(path) => Stdio::from(std::fs::File::create(path)?),
                None => Stdio::null(),
            })
            .kill_on_drop(true)
            .spawn()?;
        let mut up = false;
        for _ in 0..300 {
            if let Ok(mut c) = Conn::open(&addr).await {
                if c.send("GET", "/login", "", "").await.is_ok() {
                    up = true;
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::ensure!(up, "the server did not start");
        children.push(child);
        addrs.push(addr);
        dirs.push(files);
    }
    let addr = addrs[0].clone();
    // Log in through the API for a bearer token (no CSRF needed) and through the form for a cookie.
    let mut c = Conn::open(&addr).await?;
    let token = login_token(&addr, &login).await?;
    let leader_token = login_token(&addr, &leader).await?;
    let _ = c.send("GET", "/login", "", "").await?;
    let cookie = format!("Cookie: diaodu_session={token}\r\n");
    let leader_cookie = format!("Cookie: diaodu_session={leader_token}\r\n");
    // The cockpit reads the statuses a city's pages share; one visit first, as a running server has
    // had (the load below measures the page, not that first computation).
    for a in &addrs {
        let status = Conn::open(a)
            .await?
            .send("GET", "/cockpit", &leader_cookie, "")
            .await?;
        anyhow::ensure!(status == 200, "the cockpit answered {status}");
    }
    let bearer = format!("Authorization: Bearer {token}\r\nContent-Type: application/json\r\n");
    let period = diaodu_domain::Period::week_of(o.today).to_string();
    let get = |path: String, headers: String| Req {
        method: "GET",
        path,
        headers,
        body: String::new(),
    };

    // Every submission of the run — the submission step's at each concurrency level and the writer's
    // — brings its project a figure it has not filed: one repeating the filed report is not written
    // (nor audited), a lighter load than a real one. One counter for the run gives each its figure
    // (`submitted_figure`); it starts where the clock is, so that runs on the same data do not repeat
    // each other's figures either.
    let figures = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(clock_seed()));
    let mut steps = Vec::new();
    for &n in &o.clients {
        let floor = load_step(&addrs, "static stylesheet (floor)", n, o.seconds, {
            let h = String::new();
            move |_| get("/static/app.css".into(), h.clone())
        })
        .await?;
        let floor_p99 = floor.p99_ms;
        steps.push(floor);
        let endpoints: Vec<(&str, MakeReq)> = vec![
            (
                "home page",
                Box::new({
                    let h = cookie.clone();
                    move |_| get("/".into(), h.clone())
                }),
            ),
            (
                "cockpit (a city's leader)",
                Box::new({
                    let h = leader_cookie.clone();
                    move |_| get("/cockpit".into(), h.clone())
                }),
            ),
            (
                "project list, red filter",
                Box::new({
                    let h = cookie.clone();
                    move |_| get("/projects?light=red".into(), h.clone())
                }),
            ),
            (
                // Each request asks another date, so each computes its statuses afresh: misses of
                // different keys, which run side by side (one per core).
                "project list as of another date (afresh)",
                Box::new({
                    let h = cookie.clone();
                    let today = o.today;
                    move |i| {
                        let d = today - time::Duration::days(1 + (i % 300) as i64);
                        get(
                            format!("/projects?as_of={}", diaodu_domain::period::fmt_date(d)),
                            h.clone(),
                        )
                    }
                }),
            ),
            (
                "project detail",
                Box::new({
                    let h = cookie.clone();
                    let ids = ids.clone();
                    move |i| get(format!("/projects/{}", ids[i % ids.len()]), h.clone())
                }),
            ),
            (
                "status API (district)",
                Box::new({
                    let h = bearer.clone();
                    let u = district.id;
                    move |_| get(format!("/api/v1/status?unit={u}"), h.clone())
                }),
            ),
            (
                "report submission",
                Box::new({
                    let h = bearer.clone();
                    let ids = ids.clone();
                    let p = period.clone();
                    let figures = figures.clone();
                    move |i| Req {
                        method: "POST",
                        path: format!("/api/v1/projects/{}/reports", ids[i % ids.len()]),
                        headers: h.clone(),
                        body: format!(
                            r#"{{"period":"{p}","investment_wan":"{}"}}"#,
                            submitted_figure(&figures)
                        ),
                    }
                }),
            ),
        ];
        for (name, f) in endpoints {
            let f = std::sync::Arc::new(f);
            let mut s = load_step(&addrs, name, n, o.seconds, move |i| f(i)).await?;
            s.p99_ratio_to_floor = Some(s.p99_ms / floor_p99.max(1e-3));
            steps.push(s);
        }
        // The home page, then the cockpit, while reports arrive: every committed report changes
        // the data version, so the reused statuses and due list are brought up to date after each
        // one, and the cockpit derived again (a deadline afternoon).
        for (name, page, h) in [
            ("home page, 10 reports/s arriving", "/", cookie.clone()),
            (
                "cockpit, 10 reports/s arriving",
                "/cockpit",
                leader_cookie.clone(),
            ),
        ] {
            let writer = tokio::spawn({
                let addr = addr.clone();
                let h = bearer.clone();
                let ids = ids.clone();
                let p = period.clone();
                let seconds = o.seconds;
                let figures = figures.clone();
                async move {
                    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
                    let mut conn = Conn::open(&addr).await.ok()?;
                    let mut i = 0usize;
                    while Instant::now() < deadline {
                        let body = format!(
                            r#"{{"period":"{p}","investment_wan":"{}"}}"#,
                            submitted_figure(&figures)
                        );
                        let path = format!("/api/v1/projects/{}/reports", ids[(i * 7) % ids.len()]);
                        conn.send("POST", &path, &h, &body).await.ok()?;
                        i += 1;
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    Some(i)
                }
            });
            let mut s = load_step(&addrs, name, n, o.seconds, move |_| {
                get(page.into(), h.clone())
            })
            .await?;
            anyhow::ensure!(
                writer.await?.is_some_and(|k| k > 0),
                "the report writer of the mixed step failed"
            );
            s.p99_ratio_to_floor = Some(s.p99_ms / floor_p99.max(1e-3));
            steps.push(s);
        }
    }
    let rss = children
        .iter()
        .filter_map(|c| c.id())
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/status")).ok())
        .filter_map(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
                .map(|kb| kb / 1024.0)
        })
        .reduce(f64::max);
    for mut c in children {
        let _ = c.kill().await;
    }
    for d in dirs {
        let _ = std::fs::remove_dir_all(d);
    }
    Ok((steps, rss))
}

/// Prints the results as a table.
pub fn print_table(r: &Results) {
    println!(
        "引擎 {}，项目 {}，周报 {}，服务进程 {} 个",
        r.engine, r.projects, r.reports, r.instances
    );
    println!(
        "{:<44} {:>12} {:>8} {:>12} {:>8}  底线",
        "测量", "结果", "单位", "底线", "倍数"
    );
    for m in &r.measures {
        // A figure without a floor shows dashes, not a zero that reads as one.
        let floor = m.floor.map_or("—".to_string(), |f| format!("{f:.1}"));
        let ratio = m.ratio.map_or("—".to_string(), |r| format!("{r:.2}"));
        println!(
            "{:<44} {:>12.1} {:>8} {:>12} {:>8}  {}",
            m.name, m.value, m.unit, floor, ratio, m.floor_is
        );
    }
    println!(
        "\n{:<30} {:>7} {:>9} {:>9} {:>9} {:>9} {:>7} {:>10}",
        "HTTP", "并发", "请求数", "请求/秒", "p50(ms)", "p99(ms)", "错误", "p99/底线"
    );
    for s in &r.http {
        println!(
            "{:<30} {:>7} {:>9} {:>9.0} {:>9.2} {:>9.2} {:>7} {:>10}",
            s.endpoint,
            s.clients,
            s.requests,
            s.rps,
            s.p50_ms,
            s.p99_ms,
            s.errors,
            s.p99_ratio_to_floor
                .map(|x| format!("{x:.1}"))
                .unwrap_or_default()
        );
    }
    if let Some(m) = r.server_peak_rss_mb {
        println!("\n服务进程峰值内存 {m:.1} MiB");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 9,700 submissions in a row bring different figures, each a valid amount below 97 万, and the
    /// counter may start anywhere.
    #[test]
    fn submitted_figures_do_not_repeat_within_a_run() {
        for start in [0, 12_345, usize::MAX - 20_000] {
            let counter = std::sync::atomic::AtomicUsize::new(start);
            let figures: Vec<String> = (0..9_700).map(|_| submitted_figure(&counter)).collect();
            let distinct: std::collections::HashSet<&String> = figures.iter().collect();
            assert_eq!(distinct.len(), figures.len());
            for f in &figures {
                let y = diaodu_domain::Yuan::parse_wan(f).unwrap();
                assert!(y.0 >= 0 && y.0 < 970_000, "{f}");
            }
        }
    }
}
