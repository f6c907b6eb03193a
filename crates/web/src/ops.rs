//! Operations (运维): health and readiness for load balancers, Prometheus metrics, request ids and
//! one log line per request.
//!
//! - `GET /healthz` answers 200 while the process serves at all (no database asked): a supervisor
//!   restarts the process when it does not.
//! - `GET /readyz` answers 200 when the database answers and its schema is exactly this build's,
//!   and 503 otherwise, or once the process has begun to shut down: a load balancer sends it no
//!   new requests then.
//! - `GET /metrics` (on the main address, or only on `--metrics-addr` when one is given): requests
//!   by route and status with latency histograms, requests in flight, the database pool, background
//!   rounds run, skipped and failed, and the outbox's messages by state.
//!
//! Every request carries an id: the `X-Request-Id` the proxy sent when it is a plain token, else a
//! new one; it is sent back in the response and stands in every log line written while the request
//! is served. The request's own line is at debug level (`DIAODU_LOG=info,diaodu::request=debug`
//! for one line per request): formatting and writing it costs a fifth of the floor's throughput,
//! and nginx's access log has every request with the same id.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use tracing::Instrument;

use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    job: String,
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

/// How a background round ended.
#[derive(Debug, Clone, Copy)]
pub enum RoundResult {
    /// It ran to its end.
    Ok,
    /// It ran and failed (logged).
    Failed,
    /// Another instance was running it.
    Skipped,
}

/// The process's metrics, and whether it is shutting down.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    jobs: Family<JobLabels, Counter>,
    pool: Family<StateLabels, Gauge>,
    pool_max: Gauge,
    outbox: Family<StateLabels, Gauge>,
    draining: AtomicBool,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 10 s.
    Histogram::new([
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    ])
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("diaodu");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let in_flight = Gauge::default();
        let jobs = Family::<JobLabels, Counter>::default();
        let pool = Family::<StateLabels, Gauge>::default();
        let pool_max = Gauge::default();
        let outbox = Family::<StateLabels, Gauge>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route",
            latency.clone(),
        );
        registry.register(
            "http_requests_in_flight",
            "HTTP requests being answered now",
            in_flight.clone(),
        );
        registry.register(
            "job_rounds",
            "Background rounds by job and result (ok, failed, skipped: another instance ran it)",
            jobs.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database connections of this process, by state (idle, busy)",
            pool.clone(),
        );
        registry.register(
            "db_pool_max_connections",
            "The most database connections this process opens",
            pool_max.clone(),
        );
        registry.register(
            "outbox_messages",
            "Messages of the outbox by state (pending, sending, delivered, failed), all instances",
            outbox.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            in_flight,
            jobs,
            pool,
            pool_max,
            outbox,
            draining: AtomicBool::new(false),
        }
    }
}

impl Metrics {
    /// Counts a background round.
    pub fn round(&self, job: &str, result: RoundResult) {
        let result = match result {
            RoundResult::Ok => "ok",
            RoundResult::Failed => "failed",
            RoundResult::Skipped => "skipped",
        };
        self.jobs
            .get_or_create(&JobLabels {
                job: job.into(),
                result: result.into(),
            })
            .inc();
    }

    /// Marks the process as shutting down: `/readyz` answers 503 from now on.
    pub fn begin_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    fn draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }
}

/// `GET /healthz`: the process is alive.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: the database answers and its schema is this build's; not while shutting down.
pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.metrics.draining() {
        return (StatusCode::SERVICE_UNAVAILABLE, "正在停止服务\n").into_response();
    }
    if let Err(e) = state.store.ping().await {
        tracing::warn!(error = %e, "readiness: the database does not answer");
        return (StatusCode::SERVICE_UNAVAILABLE, "数据库无法连接\n").into_response();
    }
    match state.store.migration_state().await {
        Ok(m) if m.current() => "ok\n".into_response(),
        Ok(m) => {
            let msg = m.newer_message().unwrap_or_else(|| {
                format!(
                    "数据库结构未更新：尚有 {} 个迁移未执行（diaodu migrate --dry-run 可查看）",
                    m.pending.len()
                )
            });
            (StatusCode::SERVICE_UNAVAILABLE, format!("{msg}\n")).into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the migrations cannot be read");
            (StatusCode::SERVICE_UNAVAILABLE, "无法读取数据库结构版本\n").into_response()
        }
    }
}

/// `GET /metrics`: Prometheus's text format (OpenMetrics).
pub async fn metrics(State(state): State<AppState>) -> Response {
    let m = &state.metrics;
    let (size, idle, max) = state.store.pool_stats();
    m.pool
        .get_or_create(&StateLabels {
            state: "idle".into(),
        })
        .set(i64::from(idle));
    m.pool
        .get_or_create(&StateLabels {
            state: "busy".into(),
        })
        .set(i64::from(size.saturating_sub(idle)));
    m.pool_max.set(i64::from(max));
    match state.store.messages().delivery_counts().await {
        Ok(counts) => {
            for s in ["pending", "sending", "delivered", "failed"] {
                let n = counts.iter().find(|(k, _)| k == s).map_or(0, |c| c.1);
                m.outbox
                    .get_or_create(&StateLabels { state: s.into() })
                    .set(n);
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: the outbox cannot be counted"),
    }
    let mut body = String::new();
    if prometheus_client::encoding::text::encode(&mut body, &m.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// The request's id: the proxy's when it is a plain token of at most 64 characters, else new.
fn request_id(req: &Request) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map(str::to_string)
        .unwrap_or_else(|| {
            use rand::RngCore;
            let mut b = [0u8; 12];
            rand::thread_rng().fill_bytes(&mut b);
            hex::encode(b)
        })
}

/// Middleware (outermost): the request id, the request's span and log line, and its metrics.
pub async fn observe(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let id = request_id(&req);
    // Known methods only: any other (a client may send any token) would make a series of its own.
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS") => m,
        _ => "OTHER",
    }
    .to_string();
    // The route's pattern (`/projects/{id}`), not the path: one series per route, whatever the ids.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let span = tracing::info_span!("request", id = %id, method = %method, path = %req.uri().path());
    let start = Instant::now();
    // Counted down also when the client goes away and the request is dropped half-way.
    struct InFlight(Gauge);
    impl Drop for InFlight {
        fn drop(&mut self) {
            self.0.dec();
        }
    }
    metrics.in_flight.inc();
    let guard = InFlight(metrics.in_flight.clone());
    let mut resp = next.run(req).instrument(span.clone()).await;
    drop(guard);
    let secs = start.elapsed().as_secs_f64();
    let status = resp.status().as_u16();
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method: method.clone(),
            route: route.clone(),
            status,
        })
        .inc();
    metrics
        .latency
        .get_or_create(&RouteLabels {
            method,
            route: route.clone(),
        })
        .observe(secs);
    // One line per request at debug level (nginx keeps the access log, with the same id); a
    // server error or a request slower than a second at warn and info, whatever the level.
    let ms = (secs * 1000.0 * 10.0).round() / 10.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(target: "diaodu::request", route = %route, status, ms, "answered");
        } else if secs >= 1.0 {
            tracing::info!(target: "diaodu::request", route = %route, status, ms, "answered slowly");
        } else {
            tracing::debug!(target: "diaodu::request", route = %route, status, ms, "answered");
        }
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}
