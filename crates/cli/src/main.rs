//! `diaodu` — the one binary: serve the web UI and API, fill demo data, import and export files,
//! print project status, manage users.

use std::io::Read;
use std::net::SocketAddr;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use diaodu_domain::access::{Role, Scope};
use diaodu_domain::period::{fmt_date, parse_date};
use diaodu_store::reporting::unit_table;
use diaodu_store::{Actor, ProjectFilter, Store};
use diaodu_web::service::documents::ledger_rows;
use diaodu_web::service::imports::{run_import, ImportKind, Upload};
use diaodu_web::{AppState, WebConfig};

mod bench;
mod bench_library;
mod demo;
mod gen;

#[derive(Parser)]
#[command(
    name = "diaodu",
    version,
    about = "调度 — 重点工作调度督办平台 (key-work dispatch and supervision platform)"
)]
struct Cli {
    /// Database: an SQLite file path (default diaodu.db) or a postgres:// URL.
    #[arg(long, global = true, env = "DIAODU_DB", default_value = "diaodu.db")]
    db: String,
    /// Log lines as text (default) or as JSON objects, one per line, with the request's id.
    #[arg(long, global = true, env = "DIAODU_LOG_FORMAT", default_value = "text")]
    log_format: LogFormat,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the web UI and the API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "DIAODU_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Fill an empty database with the demo data first.
        #[arg(long)]
        demo: bool,
        /// Treat this date as today (YYYY-MM-DD), e.g. to replay a data set.
        #[arg(long, env = "DIAODU_AS_OF")]
        as_of: Option<String>,
        /// Mark the session cookie Secure (when served behind HTTPS).
        #[arg(long, env = "DIAODU_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Directory for attachments (never served as static files).
        #[arg(long, env = "DIAODU_FILES", default_value = "diaodu-files")]
        files_dir: std::path::PathBuf,
        /// Largest accepted attachment, in MiB.
        #[arg(long, env = "DIAODU_MAX_UPLOAD_MB", default_value_t = 20)]
        max_upload_mb: usize,
        /// A reverse proxy whose X-Forwarded-For names the client (repeat, or comma-separated in
        /// the variable). Without one, the client address is the connection's peer.
        #[arg(
            long = "trusted-proxy",
            env = "DIAODU_TRUSTED_PROXIES",
            value_delimiter = ','
        )]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Serve /metrics (and the probes) on this address only, not on the main one.
        #[arg(long, env = "DIAODU_METRICS_ADDR")]
        metrics_addr: Option<SocketAddr>,
        /// On SIGTERM or Ctrl-C: seconds to let requests and background rounds under way finish.
        #[arg(long, env = "DIAODU_SHUTDOWN_GRACE", default_value_t = 30)]
        shutdown_grace: u64,
    },
    /// Bring the database's schema up to this version (every start does it too); with --dry-run,
    /// list what it would do and change nothing.
    Migrate {
        /// List the migrations to apply, with what each does, and stop.
        #[arg(long)]
        dry_run: bool,
    },
    /// Back up the database and the attachments into one archive while the server runs.
    Backup {
        /// The archive to write (.zip).
        #[arg(long)]
        out: std::path::PathBuf,
        /// The attachments directory.
        #[arg(long, env = "DIAODU_FILES", default_value = "diaodu-files")]
        files_dir: std::path::PathBuf,
    },
    /// Restore an archive of `diaodu backup` into an empty database of either engine (SQLite to
    /// PostgreSQL is the way to move up).
    Restore {
        /// The archive.
        file: std::path::PathBuf,
        /// The attachments directory to fill.
        #[arg(long, env = "DIAODU_FILES", default_value = "diaodu-files")]
        files_dir: std::path::PathBuf,
    },
    /// Fill an empty database with the demo data.
    Demo {
        /// Treat this date as today.
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Import from .xlsx or .csv, all or nothing.
    Import {
        /// units, projects, reports, indicators, targets or indicator-values.
        kind: String,
        /// The file.
        file: std::path::PathBuf,
        /// Reports above their year's plan have been checked: import them (otherwise each is an
        /// error; above the total investment is always one).
        #[arg(long)]
        confirm_unusual: bool,
    },
    /// Export the project ledger.
    Export {
        /// What to export: projects.
        what: String,
        /// xlsx, csv or json.
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// Output file (default: standard output for csv/json, projects.xlsx for xlsx).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Status date (default today).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Print or write the indicator scorecard of a region for a period.
    Scorecard {
        /// Region: unit code or exact name.
        #[arg(long)]
        region: String,
        /// Period: YYYY-MM, YYYY-Qn, YYYY-H1|H2 or YYYY.
        #[arg(long)]
        period: String,
        /// json, text or docx.
        #[arg(long, default_value = "text")]
        format: String,
        /// Output file (required for docx; default standard output otherwise).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Generate deterministic synthetic data into an empty database (benchmarks).
    Gen {
        /// city (≈2,000 projects), province (≈50,000 projects, 3 years of weekly reports) or a number of
        /// projects.
        #[arg(long, default_value = "city")]
        scale: String,
        /// Seed of the generator.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Treat this date as today.
        #[arg(long)]
        as_of: Option<String>,
        /// Also write the data as import files (.csv, .xlsx) into this directory.
        #[arg(long)]
        files: Option<std::path::PathBuf>,
    },
    /// Measure the speed of the main paths against this database (see docs/benchmarks.md).
    Bench {
        /// Seconds per HTTP load step.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// Rows of the import measurement.
        #[arg(long, default_value_t = 20_000)]
        import_rows: usize,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Concurrency levels of the HTTP load (`0`: no HTTP load).
        #[arg(long, default_value = "1,8,32")]
        clients: String,
        /// Treat this date as today.
        #[arg(long)]
        as_of: Option<String>,
        /// Documents the library holds for its search measurement (filled with synthetic documents
        /// when it holds fewer; `0`: no library measurement).
        #[arg(long, default_value_t = 100_000)]
        documents: usize,
        /// Searches of each shape in the library measurement.
        #[arg(long, default_value_t = 200)]
        searches: usize,
        /// Server processes for the HTTP load, on the one database; the clients take turns
        /// among them, as a load balancer would (see docs/benchmarks.md: two instances against
        /// one).
        #[arg(long, default_value_t = 1)]
        instances: usize,
    },
    /// Meeting documents.
    Report {
        #[command(subcommand)]
        cmd: ReportCmd,
    },
    /// Supervision notices.
    Notices {
        #[command(subcommand)]
        cmd: NoticeCmd,
    },
    /// Messages to channels outside the platform: test one, or deliver what is due now.
    Notify {
        #[command(subcommand)]
        cmd: NotifyCmd,
    },
    /// The holiday arrangement of the reporting calendar (节假日安排).
    Calendar {
        #[command(subcommand)]
        cmd: CalendarCmd,
    },
    /// The reminder pass of the reporting calendar (the server runs it every five minutes).
    Reminders {
        #[command(subcommand)]
        cmd: RemindersCmd,
    },
    /// Read or change a setting (status.red_lag, status.yellow_lag, status.stall_days).
    Setting {
        #[command(subcommand)]
        cmd: SettingCmd,
    },
    /// Print the status of every project (or, with --units, the unit table) as of a date.
    Status {
        /// Status date (default today, Beijing time).
        #[arg(long)]
        as_of: Option<String>,
        /// json or table.
        #[arg(long, default_value = "table")]
        format: String,
        /// Print the unit table instead of projects.
        #[arg(long)]
        units: bool,
        /// The parent unit (code) whose children are ranked; default: the first unit from the top
        /// with more than one child holding projects.
        #[arg(long)]
        unit: Option<String>,
        /// Instead: compare every project's running totals (进度累计) with a recomputation from its
        /// reports, list the projects that differ and fail if any does.
        #[arg(long, conflicts_with = "rebuild_totals")]
        check_totals: bool,
        /// Instead: rewrite every project's running totals from its reports.
        #[arg(long)]
        rebuild_totals: bool,
    },
}

#[derive(Subcommand)]
enum ReportCmd {
    /// The briefing (会议材料) of a dispatch meeting as .docx, from live data as of the meeting date.
    Briefing {
        /// Meeting id.
        #[arg(long)]
        meeting: Option<i64>,
        /// Or the meeting held on this date.
        #[arg(long)]
        date: Option<String>,
        /// Output file.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// The minutes (会议纪要) of a dispatch meeting as .docx.
    Minutes {
        /// Meeting id.
        #[arg(long)]
        meeting: Option<i64>,
        /// Or the meeting held on this date.
        #[arg(long)]
        date: Option<String>,
        /// Output file.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// The monthly notice on the key projects (重点项目建设情况月度通报) as .docx.
    Monthly {
        /// The month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// The unit whose projects it covers (code or exact name); default the city, when the
        /// tree has one.
        #[arg(long)]
        unit: Option<String>,
        /// Output file.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// The monthly planning notice (项目策划包装情况通报) as .docx: the units' planning quotas and
    /// their progress to the month's last day.
    Planning {
        /// The month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// The unit whose subtree it covers (code or exact name); default the city, when the tree
        /// has one.
        #[arg(long)]
        unit: Option<String>,
        /// Output file.
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum NoticeCmd {
    /// Climb the escalation ladder for every overdue notice (the server also does this hourly).
    Escalate {
        /// Treat this date as today.
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(Subcommand)]
enum NotifyCmd {
    /// Send a test message on one channel at once and print its answer.
    Test {
        /// email, dingtalk, wecom or webhook.
        #[arg(long)]
        channel: String,
        /// The address of a test e-mail.
        #[arg(long)]
        to: Option<String>,
        /// A unit (code) whose own group robot to test (default: the city's).
        #[arg(long)]
        unit: Option<String>,
    },
    /// Deliver the messages due in the outbox now (the server does this every few seconds).
    Deliver,
}

#[derive(Subcommand)]
enum CalendarCmd {
    /// Replace a year's arrangement with a file of entry lines (`2026-10-01~2026-10-07 休 国庆节`, one a
    /// line, UTF-8; docs/examples/holidays-2026.txt), all or nothing, audited.
    Import {
        /// The year.
        #[arg(long)]
        year: i32,
        /// The file.
        file: std::path::PathBuf,
    },
    /// Print a year's arrangement as entry lines.
    Show {
        /// The year.
        #[arg(long)]
        year: i32,
    },
}

#[derive(Subcommand)]
enum RemindersCmd {
    /// Remind the units with reports still missing: before a deadline, on its day and after it.
    Run {
        /// Run as at this date (the current time of day), e.g. to replay a missed day.
        #[arg(long)]
        as_of: Option<String>,
        /// Print what would be sent; send nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum SettingCmd {
    /// Print every setting: its value in force, its default and what it means.
    Show,
    /// Change a setting (checked and audited; `setting show` lists them).
    Set {
        /// The key, e.g. status.red_lag (percentage points, up to two decimals), status.stall_days,
        /// ladder.urging or session.idle_minutes.
        key: String,
        /// The value.
        value: String,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a user; the password is read from standard input.
    Add {
        /// Unit code.
        #[arg(long)]
        unit: String,
        /// admin, supervision, drc, statistics, reporter, leader, commissioner.
        #[arg(long)]
        role: String,
        /// Login name.
        #[arg(long)]
        login: String,
        /// Display name (default: the login).
        #[arg(long)]
        name: Option<String>,
    },
    /// List users.
    List,
}

/// SIGTERM (systemd, a rolling restart) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// `diaodu migrate --dry-run`: what an upgrade of this database to this build would do, without
/// doing it.
async fn migrate_dry_run(db: &str) -> Result<()> {
    let store = Store::open(db)
        .await
        .with_context(|| format!("无法打开数据库 {}", redact(db)))?;
    let state = store.migration_state().await?;
    if let Some(msg) = state.newer_message() {
        bail!("{msg}");
    }
    println!(
        "数据库 {}：已执行 {} 个迁移；本程序（版本 {}）将执行 {} 个：",
        redact(db),
        state.applied.len(),
        env!("CARGO_PKG_VERSION"),
        state.pending.len()
    );
    if state.pending.is_empty() {
        println!("  （无，数据库结构已是最新）");
    }
    for m in &state.pending {
        println!("\n{:04} {}", m.version, m.description);
        // What it does: the comment that opens each migration, then its statements in one line each.
        for line in m.sql.lines().take_while(|l| l.starts_with("--")) {
            println!("    {}", line.trim_start_matches("--").trim());
        }
        let statements: Vec<String> = m
            .sql
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join(" ")
            .split(';')
            .map(|st| st.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|st| !st.is_empty())
            .collect();
        for st in statements {
            let short: String = st.chars().take(100).collect();
            let more = if st.chars().count() > 100 { " …" } else { "" };
            println!("    · {short}{more}");
        }
    }
    Ok(())
}

fn date_arg(s: Option<&str>) -> Result<time::Date> {
    match s {
        Some(s) => parse_date(s).map_err(|e| anyhow::anyhow!("--as-of: {e}")),
        None => Ok(diaodu_store::today_local()),
    }
}

/// mimalloc instead of the system allocator: an import builds and drops hundreds of thousands of short
/// strings, and glibc's malloc spent more than half of an import's client time freeing and consolidating
/// them (docs/benchmarks.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_env("DIAODU_LOG")
            .unwrap_or_else(|_| "info,sqlx=warn".into())
    };
    match cli.log_format {
        LogFormat::Text => tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .init(),
        // One object a line; the fields of the request's span (its id, method and path) stand in
        // every line written while it is served.
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .init(),
    }
    match &cli.cmd {
        Cmd::Migrate { dry_run: true } => return migrate_dry_run(&cli.db).await,
        // Neither migrates the database first: a backup is taken by the database's own version,
        // and a restore refuses a target holding data before changing anything in it.
        Cmd::Backup { out, files_dir } => {
            let store = Store::open(&cli.db)
                .await
                .with_context(|| format!("无法打开数据库 {}", redact(&cli.db)))?;
            let started = std::time::Instant::now();
            let c = store.backup(files_dir, out).await?;
            println!(
                "备份完成：{}（{} 张表 {} 行，附件 {} 个 {:.1} MB，用时 {:.1} 秒）",
                out.display(),
                c.tables,
                c.rows,
                c.files,
                c.file_bytes as f64 / 1_048_576.0,
                started.elapsed().as_secs_f64()
            );
            return Ok(());
        }
        Cmd::Restore { file, files_dir } => {
            let store = Store::open(&cli.db)
                .await
                .with_context(|| format!("无法打开数据库 {}", redact(&cli.db)))?;
            let started = std::time::Instant::now();
            let c = store.restore(file, files_dir).await?;
            println!(
                "恢复完成：{} 张表 {} 行，附件 {} 个（{}），用时 {:.1} 秒。请用户重新登录。",
                c.tables,
                c.rows,
                c.files,
                files_dir.display(),
                started.elapsed().as_secs_f64()
            );
            return Ok(());
        }
        _ => {}
    }
    let store = Store::connect(&cli.db)
        .await
        .with_context(|| format!("无法打开数据库 {}", redact(&cli.db)))?;
    match cli.cmd {
        Cmd::Serve {
            addr,
            demo,
            as_of,
            secure_cookies,
            files_dir,
            max_upload_mb,
            trusted_proxies,
            metrics_addr,
            shutdown_grace,
        } => {
            let as_of = as_of
                .as_deref()
                .map(|s| parse_date(s).map_err(|e| anyhow::anyhow!("--as-of: {e}")))
                .transpose()?;
            if demo {
                let filled = demo::fill(
                    &store,
                    as_of.unwrap_or_else(diaodu_store::today_local),
                    &files_dir,
                )
                .await?;
                if !filled {
                    eprintln!("数据库已有数据，未重复填充演示数据。");
                }
            }
            if store.autovacuum_off().await? {
                tracing::warn!(
                    "PostgreSQL 的 autovacuum 已关闭：更新和删除留下的旧行不会自动清理，查询会越来越慢；\
                     请开启 autovacuum，或定期执行 VACUUM ANALYZE"
                );
            }
            let state = AppState::new(
                store,
                WebConfig {
                    secure_cookies,
                    as_of,
                    files_dir,
                    max_upload_mb,
                    trusted_proxies,
                    metrics_on_main: metrics_addr.is_none(),
                },
            );
            let jobs = diaodu_web::jobs::Jobs::start(&state);
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("无法监听 {addr}"))?;
            println!(
                "diaodu 调度 已启动：http://{addr}/  （数据库 {}）",
                redact(&cli.db)
            );
            if demo {
                println!("演示账号（密码均为 {}）：", demo::DEMO_PASSWORD);
                for (login, name, _, role, what) in demo::DEMO_USERS {
                    println!("  {login:<10} {name}（{}）— {what}", role.zh());
                }
            }
            if let Some(maddr) = metrics_addr {
                let mlistener = tokio::net::TcpListener::bind(maddr)
                    .await
                    .with_context(|| format!("无法监听 {maddr}"))?;
                let router = diaodu_web::metrics_router(state.clone());
                tokio::spawn(async move {
                    if let Err(e) = axum::serve(mlistener, router).await {
                        tracing::warn!(error = %e, "the metrics listener stopped");
                    }
                });
                println!("监控指标：http://{maddr}/metrics");
            }
            let metrics = state.metrics.clone();
            let halt = jobs.halt_handle();
            let grace = std::time::Duration::from_secs(shutdown_grace);
            let (stopped_tx, stopped_rx) = tokio::sync::oneshot::channel::<std::time::Instant>();
            let signalled = std::sync::Arc::new(std::sync::OnceLock::<std::time::Instant>::new());
            let server = axum::serve(
                listener,
                diaodu_web::router(state).into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                // No new connections and no new background rounds from here; requests and rounds
                // under way finish. /readyz says so.
                metrics.begin_draining();
                halt.halt();
                tracing::info!("shutting down: finishing the requests under way");
                let _ = stopped_tx.send(std::time::Instant::now());
            });
            // Requests and rounds under way get `grace` from the signal, together; then the process
            // ends regardless.
            tokio::select! {
                r = std::future::IntoFuture::into_future(server) => r?,
                _ = async {
                    if let Ok(at) = stopped_rx.await {
                        let _ = signalled.set(at);
                    }
                    tokio::time::sleep(grace).await;
                } => tracing::warn!("requests still under way after the grace period were cut short"),
            }
            let left = signalled
                .get()
                .map_or(grace, |at| grace.saturating_sub(at.elapsed()));
            jobs.stop(left).await;
            tracing::info!("stopped");
        }
        Cmd::Backup { .. } | Cmd::Restore { .. } => unreachable!("handled before connecting"),
        Cmd::Migrate { .. } => {
            // Store::connect has brought the schema up to date.
            let state = store.migration_state().await?;
            println!(
                "数据库结构已是最新（{} 个迁移，最新 {:04}）。",
                state.applied.len(),
                state.applied.last().copied().unwrap_or(0)
            );
        }
        Cmd::Demo { as_of } => {
            let files = std::env::var_os("DIAODU_FILES")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| "diaodu-files".into());
            if demo::fill(&store, date_arg(as_of.as_deref())?, &files).await? {
                println!("演示数据已写入。");
            } else {
                println!("数据库已有数据，未重复填充演示数据。");
            }
        }
        Cmd::User {
            cmd:
                UserCmd::Add {
                    unit,
                    role,
                    login,
                    name,
                },
        } => {
            let role = Role::parse(&role).with_context(|| format!("未知角色“{role}”，应为 admin、supervision、drc、statistics、reporter、leader、commissioner"))?;
            let tree = store.units().await?;
            let u = tree
                .find(&unit)
                .with_context(|| format!("找不到单位“{unit}”"))?;
            let mut pw = String::new();
            std::io::stdin().read_to_string(&mut pw)?;
            let pw = pw.trim_end_matches(['\n', '\r']);
            let user = store
                .users()
                .create(
                    &Actor::cli(),
                    &login,
                    name.as_deref().unwrap_or(&login),
                    u.id,
                    role,
                    pw,
                )
                .await?;
            // A password chosen by the administrator is the user's to change at the first log-in.
            store.users().require_password_change(user.id).await?;
            println!(
                "已创建用户 {}（{}，{}），首次登录时须修改密码",
                user.login,
                role.zh(),
                u.name
            );
        }
        Cmd::User { cmd: UserCmd::List } => {
            let tree = store.units().await?;
            for u in store.users().list().await? {
                println!(
                    "{:<16} {:<12} {:<10} {}",
                    u.login,
                    u.name,
                    u.role.code(),
                    tree.get(u.unit_id).map(|x| x.name.as_str()).unwrap_or("")
                );
            }
        }
        Cmd::Gen {
            scale,
            seed,
            as_of,
            files,
        } => {
            let scale = gen::Scale::parse(&scale)?;
            let s = gen::generate(
                &store,
                scale,
                seed,
                date_arg(as_of.as_deref())?,
                files.as_deref(),
            )
            .await?;
            println!(
                "已生成：{} 个单位、{} 个项目、{} 条周报、{} 项任务、{} 条指标数值，用时 {:.1} 秒",
                s.units, s.projects, s.reports, s.tasks, s.values, s.seconds
            );
        }
        Cmd::Bench {
            seconds,
            import_rows,
            json,
            clients,
            as_of,
            documents,
            searches,
            instances,
        } => {
            let clients: Vec<usize> = clients
                .split(',')
                .filter_map(|c| c.trim().parse().ok())
                .filter(|&c| c > 0)
                .collect();
            let opts = bench::Options {
                seconds,
                import_rows,
                clients,
                db: cli.db.clone(),
                today: date_arg(as_of.as_deref())?,
                documents,
                searches,
                instances: instances.max(1),
            };
            if store.autovacuum_off().await? {
                eprintln!(
                    "注意：PostgreSQL 的 autovacuum 已关闭；基准测试在清理后自行 VACUUM 它改动过的表。"
                );
            }
            let results = bench::run(&store, &opts).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&results)?);
            } else {
                bench::print_table(&results);
            }
        }
        Cmd::Report {
            cmd: cmd @ (ReportCmd::Monthly { .. } | ReportCmd::Planning { .. }),
        } => {
            let (planning, month, unit, out) = match cmd {
                ReportCmd::Monthly { month, unit, out } => (false, month, unit, out),
                ReportCmd::Planning { month, unit, out } => (true, month, unit, out),
                _ => unreachable!("matched above"),
            };
            let (year, m) = diaodu_web::service::documents::parse_month(&month)
                .map_err(|_| anyhow::anyhow!("--month 应为 YYYY-MM，如 2026-11"))?;
            let tree = store.units().await?;
            let unit = match unit {
                Some(u) => tree.resolve(&u).map_err(|m| anyhow::anyhow!(m))?.id,
                // The city, when there is one; else the unit must be named.
                None => {
                    let cities: Vec<_> = tree
                        .within(Scope::All)
                        .into_iter()
                        .filter(|u| u.kind == diaodu_domain::access::UnitKind::City)
                        .collect();
                    match cities.as_slice() {
                        [one] => one.id,
                        [] => bail!("没有“市”级单位：请用 --unit 指定单位"),
                        _ => bail!("有多个市级单位，请用 --unit 指定（编码或名称）"),
                    }
                }
            };
            let today = diaodu_store::today_local();
            let (doc, f) = if planning {
                let doc = diaodu_web::service::planning::notice(
                    &store,
                    &Actor::cli(),
                    &tree,
                    unit,
                    (year, m),
                    today,
                )
                .await?;
                (
                    doc,
                    diaodu_web::service::planning::filing(unit, (year, m), today),
                )
            } else {
                let doc = diaodu_web::service::documents::monthly_notice(
                    &store,
                    &Actor::cli(),
                    &tree,
                    unit,
                    (year, m),
                    today,
                )
                .await?;
                (
                    doc,
                    diaodu_web::service::documents::monthly_filing(unit, (year, m), today),
                )
            };
            let bytes = doc.to_docx();
            std::fs::write(&out, &bytes)?;
            // Kept in the library as the server keeps what it issues, its file beside the server's.
            let files = std::env::var_os("DIAODU_FILES")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| "diaodu-files".into());
            let number = doc.number().unwrap_or("").to_string();
            let issued = diaodu_web::service::documents::Issued::titled(doc);
            diaodu_web::service::library::keep_issued(
                &store,
                &files,
                &Actor::cli(),
                &issued,
                &bytes,
                &f,
            )
            .await?;
            eprintln!("已写入 {}（{number}），并存入材料库", out.display());
        }
        Cmd::Report { cmd } => {
            let (meeting, date, out, is_briefing) = match cmd {
                ReportCmd::Briefing { meeting, date, out } => (meeting, date, out, true),
                ReportCmd::Minutes { meeting, date, out } => (meeting, date, out, false),
                ReportCmd::Monthly { .. } | ReportCmd::Planning { .. } => {
                    unreachable!("handled above")
                }
            };
            let m = match (meeting, date) {
                (Some(id), _) => store
                    .meetings()
                    .get(id)
                    .await?
                    .with_context(|| format!("没有编号为 {id} 的调度会"))?,
                (None, Some(d)) => {
                    let d = parse_date(&d).map_err(|e| anyhow::anyhow!("--date: {e}"))?;
                    store
                        .meetings()
                        .on(d)
                        .await?
                        .with_context(|| format!("{} 没有召开调度会", fmt_date(d)))?
                }
                (None, None) => bail!("请用 --meeting ID 或 --date YYYY-MM-DD 指定调度会"),
            };
            let tree = store.units().await?;
            let doc = if is_briefing {
                diaodu_web::service::documents::briefing_issued(&store, &tree, &m).await
            } else {
                diaodu_web::service::documents::minutes_issued(&store, &Actor::cli(), &tree, &m)
                    .await
            }?;
            std::fs::write(&out, doc.to_docx())?;
            eprintln!("已写入 {}", out.display());
        }
        Cmd::Notices {
            cmd: NoticeCmd::Escalate { as_of },
        } => {
            // The same date rule as the API's: no step dated after today.
            let d = diaodu_web::service::write_date(diaodu_store::today_local(), as_of.as_deref())?;
            let n = diaodu_web::notify::escalate_and_tell(&store, &Actor::cli(), d, None).await?;
            println!("督办单升级 {n} 步");
        }
        Cmd::Notify {
            cmd: NotifyCmd::Test { channel, to, unit },
        } => {
            let c = diaodu_web::notify::Channel::parse(&channel).ok_or_else(|| {
                anyhow::anyhow!("--channel 应为 email、dingtalk、wecom 或 webhook")
            })?;
            let unit = match unit {
                Some(u) => Some(
                    store
                        .units()
                        .await?
                        .resolve(&u)
                        .map_err(|m| anyhow::anyhow!(m))?
                        .id,
                ),
                None => None,
            };
            let o = diaodu_web::notify::test_channel(&store, c, to.as_deref(), unit).await?;
            if o.delivered {
                println!("{}：已送达。答复：{}", c.zh(), o.answer);
            } else {
                anyhow::bail!("{}：未送达。{}", c.zh(), o.answer);
            }
        }
        Cmd::Notify {
            cmd: NotifyCmd::Deliver,
        } => {
            let sender = diaodu_web::notify::Sender::new();
            let mut total = diaodu_web::notify::Delivered::default();
            loop {
                let r = diaodu_web::notify::deliver_due(&store, &sender, 200).await?;
                total.delivered += r.delivered;
                total.failed += r.failed;
                if r.delivered + r.failed == 0 {
                    break;
                }
            }
            println!(
                "送达 {} 条，未送达 {} 条（稍后重试或已放弃，见“消息推送”页）",
                total.delivered, total.failed
            );
        }
        Cmd::Calendar {
            cmd: CalendarCmd::Import { year, file },
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("无法读取 {}（应为 UTF-8 文本）", file.display()))?;
            let days = diaodu_domain::calendar::parse_year(year, &text).map_err(|errs| {
                let lines: Vec<String> = errs
                    .iter()
                    .map(|(n, e)| format!("第 {n} 行：{e}"))
                    .collect();
                anyhow::anyhow!("未导入：\n{}", lines.join("\n"))
            })?;
            store
                .reports()
                .set_calendar_year(&Actor::cli(), year, &days)
                .await?;
            println!("已导入 {year} 年节假日安排，共 {} 天", days.len());
        }
        Cmd::Calendar {
            cmd: CalendarCmd::Show { year },
        } => {
            let days = store.reports().calendar_year(year).await?;
            if days.is_empty() {
                eprintln!("{year} 年的节假日安排尚未录入");
            }
            print!("{}", diaodu_domain::calendar::format_year(&days));
        }
        Cmd::Reminders {
            cmd: RemindersCmd::Run { as_of, dry_run },
        } => {
            let mut now = time::OffsetDateTime::now_utc();
            if let Some(s) = as_of.as_deref() {
                let d = parse_date(s).map_err(|e| anyhow::anyhow!("--as-of: {e}"))?;
                let bj = time::UtcOffset::from_hms(8, 0, 0)?;
                now = d.with_time(now.to_offset(bj).time()).assume_offset(bj);
            }
            let o = diaodu_web::service::reminders::run(&store, now, dry_run).await?;
            if o.quiet {
                println!("免打扰时段，未发提醒。");
            }
            for p in &o.planned {
                println!(
                    "{}\t{}\t{} 项\t{} 人\t{}",
                    p.unit_name, p.title, p.items, p.recipients, p.key
                );
            }
            if dry_run {
                println!("共 {} 条提醒（试运行，未发送）", o.planned.len());
            } else {
                println!(
                    "发出 {} 条提醒（此前已发 {} 条），外部渠道待发 {} 条；{} 个单位没有填报员",
                    o.sent, o.skipped, o.deliveries, o.without_reporters
                );
            }
        }
        Cmd::Scorecard {
            region,
            period,
            format,
            out,
        } => {
            let tree = store.units().await?;
            let unit = tree.resolve(&region).map_err(|m| anyhow::anyhow!(m))?;
            let period = diaodu_domain::indicator::StatPeriod::parse(&period)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let sc = store.indicators().scorecard(&tree, unit.id, period).await?;
            use diaodu_web::service::documents::{scorecard_json, scorecard_text};
            let bytes = match format.as_str() {
                "json" => serde_json::to_vec_pretty(&scorecard_json(&sc))?,
                "text" => scorecard_text(&sc).into_bytes(),
                "docx" => diaodu_web::service::documents::scorecard_notice(
                    &store,
                    &Actor::cli(),
                    &sc,
                    diaodu_store::today_local(),
                )
                .await?
                .to_docx(),
                other => bail!("不支持的格式“{other}”，应为 json、text 或 docx"),
            };
            match out {
                Some(p) => {
                    std::fs::write(&p, bytes)?;
                    eprintln!("已写入 {}", p.display());
                }
                None if format == "docx" => bail!("docx 格式需要 --out 文件名"),
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                    println!();
                }
            }
        }
        Cmd::Setting {
            cmd: SettingCmd::Show,
        } => {
            let mut group = "";
            for (s, value) in store.settings().await? {
                if s.group != group {
                    group = s.group;
                    println!("【{group}】");
                }
                let shown = match &value {
                    Some(v) => format!("{v} {}", s.unit),
                    None => format!("{} {}（默认）", s.default, s.unit),
                };
                println!("  {:<24}{} = {shown}", s.key, s.name);
                println!("  {:<24}{}", "", s.meaning);
            }
        }
        Cmd::Setting {
            cmd: SettingCmd::Set { key, value },
        } => {
            store.set_setting(&Actor::cli(), &key, &value).await?;
            println!("已设置 {key} = {}", value.trim());
        }
        Cmd::Import {
            kind,
            file,
            confirm_unusual,
        } => {
            let k = ImportKind::parse(&kind).with_context(|| {
                format!("未知导入类型“{kind}”，应为 units、projects、reports、indicators、targets、indicator-values 或 planning-quotas")
            })?;
            let tree = store.units().await?;
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("import");
            let open = || {
                std::fs::File::open(&file).with_context(|| format!("无法读取 {}", file.display()))
            };
            let mut head = [0u8; 4];
            let is_xlsx = {
                use std::io::Read;
                let n = open()?.read(&mut head)?;
                diaodu_office::table::is_xlsx(name, &head[..n])
            };
            let result = if k == ImportKind::Reports && !is_xlsx {
                // A report file is read as it is imported, a chunk at a time: the province's
                // millions of rows are never held at once.
                let gb = diaodu_office::table::is_gb18030_stream(std::io::BufReader::new(open()?))?;
                let stream = diaodu_office::import::ReportStream::new(
                    std::io::BufReader::with_capacity(1 << 20, open()?),
                    gb,
                    diaodu_web::service::imports::REPORT_CHUNK,
                );
                diaodu_web::service::imports::import_report_stream(
                    &store,
                    &Actor::cli(),
                    &tree,
                    Scope::All,
                    stream,
                    confirm_unusual,
                )
                .await
            } else {
                let bytes =
                    std::fs::read(&file).with_context(|| format!("无法读取 {}", file.display()))?;
                let up = Upload {
                    kind: k,
                    name: name.to_string(),
                    bytes,
                    confirm_unusual,
                };
                run_import(&store, &Actor::cli(), &tree, Scope::All, &up).await
            };
            match result? {
                Ok(n) => println!("导入成功：{n} 行{}", k.zh()),
                Err(errors) => {
                    eprintln!("导入失败，共 {} 处错误，未写入任何数据：", errors.len());
                    for e in &errors {
                        eprintln!("  {e}");
                    }
                    std::process::exit(1);
                }
            }
        }
        Cmd::Export {
            what,
            format,
            out,
            as_of,
        } => {
            if what != "projects" {
                bail!("目前可导出：projects");
            }
            let d = date_arg(as_of.as_deref())?;
            let tree = store.units().await?;
            let rows = store
                .projects()
                .statuses(&tree, Scope::All, &ProjectFilter::default(), d)
                .await?;
            let bytes = match format.as_str() {
                "xlsx" => diaodu_office::xlsx::ledger_xlsx("项目台账", &ledger_rows(&rows))?,
                "csv" => diaodu_office::xlsx::ledger_csv(&ledger_rows(&rows)),
                "json" => {
                    let v: Vec<serde_json::Value> = rows
                        .iter()
                        .map(|r| {
                            let mut v = diaodu_web::api::project_json(&r.project, &r.unit_name);
                            v["status"] = diaodu_web::api::status_json(r);
                            v
                        })
                        .collect();
                    serde_json::to_vec_pretty(&v)?
                }
                other => bail!("不支持的格式“{other}”，应为 xlsx、csv 或 json"),
            };
            let out = out.or_else(|| (format == "xlsx").then(|| "projects.xlsx".into()));
            match out {
                Some(p) => {
                    std::fs::write(&p, bytes)?;
                    eprintln!("已导出 {} 个项目到 {}", rows.len(), p.display());
                }
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
        }
        Cmd::Status {
            check_totals: true, ..
        } => {
            let bad = store.reports().check_totals().await?;
            anyhow::ensure!(
                bad.is_empty(),
                "{} 个项目的进度累计与周报不一致（项目 id：{:?}），可用 --rebuild-totals 按周报重算",
                bad.len(),
                bad
            );
            println!("进度累计与周报一致");
        }
        Cmd::Status {
            rebuild_totals: true,
            ..
        } => {
            let n = store.reports().rebuild_totals().await?;
            println!("已按周报重算 {n} 个项目的进度累计");
        }
        Cmd::Status {
            as_of,
            format,
            units,
            unit,
            ..
        } => {
            let d = date_arg(as_of.as_deref())?;
            let tree = store.units().await?;
            let rows = store
                .projects()
                .statuses(&tree, Scope::All, &ProjectFilter::default(), d)
                .await?;
            if units {
                let parent = match unit {
                    Some(code) => {
                        tree.find(&code)
                            .with_context(|| format!("找不到单位“{code}”"))?
                            .id
                    }
                    None => default_parent(&tree, &rows).context("没有单位")?,
                };
                let lines = unit_table(&tree, &rows, parent, d);
                if format == "json" {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&diaodu_web::api::unit_lines_json(&lines))?
                    );
                } else {
                    println!(
                        "{}  统计日期 {}",
                        tree.get(parent).map(|u| u.name.as_str()).unwrap_or(""),
                        fmt_date(d)
                    );
                    println!("{:>4} {:<14} {:>5} {:>5} {:>7} {:>14} {:>14} {:>7} {:>3} {:>3} {:>3} {:>7} {:>5}", "排名", "单位", "项目", "开工", "开工率", "年度计划(万元)", "本年完成(万元)", "完成率", "红", "黄", "绿", "按时率", "双过半");
                    for (i, l) in lines.iter().enumerate() {
                        let f = &l.figures;
                        let p = |v: Option<f64>| {
                            v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
                        };
                        println!(
                            "{:>4} {:<14} {:>5} {:>5} {:>7} {:>14} {:>14} {:>7} {:>3} {:>3} {:>3} {:>7} {:>5}",
                            if i == 0 { "合计".into() } else { l.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into()) },
                            l.unit.name, f.projects, f.started, p(f.start_rate_pct), f.annual_plan.wan_text(), f.ytd_investment.wan_text(),
                            p(f.completion_pct), f.red, f.yellow, f.green, p(f.on_time_pct),
                            match f.double_half { Some(true) => "是", Some(false) => "否", None => "—" }
                        );
                    }
                }
            } else if format == "json" {
                let v: Vec<serde_json::Value> =
                    rows.iter().map(diaodu_web::api::status_json).collect();
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else if format == "table" {
                println!(
                    "{:<14} {:<6} {:>8} {:>14} {:>8} {:>8} {:<5} {:<5} {:<5} 名称",
                    "项目编码",
                    "亮灯",
                    "时序进度",
                    "本年完成(万元)",
                    "完成率",
                    "滞后",
                    "开工",
                    "逾期",
                    "停滞"
                );
                for r in &rows {
                    let s = &r.status;
                    let p =
                        |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into());
                    let yn = |b: bool| if b { "是" } else { "否" };
                    println!(
                        "{:<14} {:<6} {:>8.1} {:>14} {:>8} {:>8} {:<5} {:<5} {:<5} {}",
                        r.project.fields.code,
                        s.light.code(),
                        s.time_progress_pct,
                        s.ytd_investment.wan_text(),
                        p(s.annual_completion_pct),
                        p(s.lag_pp),
                        yn(s.started),
                        yn(s.not_started_past_plan),
                        yn(s.stalled),
                        r.project.fields.name
                    );
                }
            } else {
                bail!("不支持的格式“{format}”，应为 json 或 table");
            }
        }
    }
    Ok(())
}

/// The unit whose children make the most useful default ranking: walk down from the top while only
/// one child holds projects.
fn default_parent(
    tree: &diaodu_store::UnitTree,
    rows: &[diaodu_store::ProjectStatusRow],
) -> Option<i64> {
    let holds = |id: i64| {
        rows.iter()
            .any(|r| tree.in_scope(r.project.unit_id, Scope::Subtree(id)))
    };
    let mut cur = tree.children(None).first()?.id;
    loop {
        let with: Vec<i64> = tree
            .children(Some(cur))
            .iter()
            .map(|u| u.id)
            .filter(|id| holds(*id))
            .collect();
        if with.len() == 1 {
            cur = with[0];
        } else {
            return Some(cur);
        }
    }
}

/// Hides a password in a database URL before printing it.
fn redact(db: &str) -> String {
    match (db.find("://"), db.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let cred = &db[s + 3..at];
            match cred.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &db[..s + 3], user, &db[at..]),
                None => db.to_string(),
            }
        }
        _ => db.to_string(),
    }
}
