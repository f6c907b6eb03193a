//! diaodu web: the axum router serving the Chinese web UI and the JSON API under `/api/v1`.
//!
//! Every page and API call goes through [`auth::session_layer`] (session, CSRF, security headers);
//! permissions are asked of `diaodu_domain::access` in one place; handlers are thin: parse, ask the
//! store, render.

// The OpenAPI document is one large `json!` literal.
#![recursion_limit = "512"]

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use diaodu_domain::access::Scope;
use diaodu_store::Store;
use time::Date;

pub mod api;
pub mod auth;
pub mod error;
pub mod files;
pub mod format;
pub mod forms;
pub mod input;
pub mod jobs;
pub mod notify;
pub mod ops;
pub mod pages;
pub mod params;
pub mod service;

pub use error::{ApiError, AppError};

/// Settings of the web server.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark the session cookie `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// Pretend today is this date (demos, hand-checked data sets); `None` = today in Beijing.
    pub as_of: Option<Date>,
    /// Where attachments are stored (outside anything the server serves as files).
    pub files_dir: std::path::PathBuf,
    /// Largest accepted attachment, in MiB.
    pub max_upload_mb: usize,
    /// Proxies whose `X-Forwarded-For` is believed: the client address is then the last address in
    /// that header that is not one of them. Empty: the socket's peer is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Serve `/metrics` on the main address (off when metrics have an address of their own).
    pub metrics_on_main: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            as_of: None,
            files_dir: "diaodu-files".into(),
            max_upload_mb: 20,
            trusted_proxies: Vec::new(),
            metrics_on_main: true,
        }
    }
}

/// Shared state of all handlers.
#[derive(Clone)]
pub struct AppState {
    /// Storage.
    pub store: Store,
    /// Settings.
    pub cfg: Arc<WebConfig>,
    /// Metrics of the process (`ops.rs`).
    pub metrics: Arc<ops::Metrics>,
}

impl AppState {
    /// Creates the state.
    pub fn new(store: Store, cfg: WebConfig) -> AppState {
        AppState {
            store,
            cfg: Arc::new(cfg),
            metrics: Default::default(),
        }
    }

    /// The default status date: the configured one, or today in Beijing.
    pub fn today(&self) -> Date {
        self.cfg.as_of.unwrap_or_else(diaodu_store::today_local)
    }

    /// Fails as forbidden (403) unless `unit_id` is within `scope` (a unit reporter sees only its
    /// own unit and those below it, whatever id it sends).
    pub async fn check_scope(
        &self,
        scope: Scope,
        unit_id: i64,
    ) -> Result<diaodu_store::UnitTree, service::Error> {
        let tree = self.store.units().await?;
        if tree.in_scope(unit_id, scope) {
            Ok(tree)
        } else {
            Err(service::Error::Forbidden)
        }
    }
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    use pages::*;
    // Probes and metrics ask for no session (a request without one passes the session layer, and
    // these handlers ask for none).
    let mut app = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz));
    if state.cfg.metrics_on_main {
        app = app.route("/metrics", get(ops::metrics));
    }
    app.route("/static/app.css", get(css))
        .route(
            "/login",
            get(login::form)
                .post(login::submit)
                .layer(DefaultBodyLimit::max(auth::UNAUTHENTICATED_BODY_BYTES)),
        )
        .route("/logout", post(login::logout))
        .route(
            "/account/password",
            get(login::password_form).post(login::change_password),
        )
        .route("/admin/logins", get(login::login_log))
        .route("/account", get(login::account))
        .route("/search", get(search::show))
        .route("/account/sessions/end", post(login::end_session))
        .route("/admin/settings", get(settings::show).post(settings::save))
        .route("/admin/calendar", get(calendar::admin).post(calendar::save))
        .route("/calendar", get(calendar::show))
        .route("/admin/notify", get(notify::show))
        .route("/admin/notify/test", post(notify::test))
        .route("/admin/notify/unit", post(notify::save_unit))
        .route("/admin/notify/retry", post(notify::retry))
        .route("/admin/map", get(map::show).post(map::upload))
        .route("/admin/units", get(units::list).post(units::create))
        .route("/admin/units/{id}", get(units::show).post(units::update))
        .route("/admin/units/{id}/retire", post(units::retire))
        .route("/admin/users", get(users::list).post(users::create))
        .route("/admin/users/export", get(users::export))
        .route("/admin/users/{id}", get(users::show).post(users::update))
        .route(
            "/admin/users/{id}/reset-password",
            post(users::reset_password),
        )
        .route("/admin/users/{id}/unlock", post(users::unlock))
        .route("/", get(home::home))
        .route("/projects", get(projects::list))
        .route(
            "/projects/new",
            get(projects::new_form).post(projects::create),
        )
        .route("/projects/{id}", get(projects::detail))
        .route(
            "/projects/{id}/edit",
            get(projects::edit_form).post(projects::update),
        )
        .route(
            "/projects/{id}/report",
            get(reports::form).post(reports::submit),
        )
        .route("/projects/{id}/visits", post(reports::add_visit))
        .route("/reports/due", get(reports::due))
        .route("/ranking", get(ranking::show))
        .route("/assessment", get(assessment::show))
        .route("/assessment/export.xlsx", get(assessment::export))
        .route("/assessment/notice.docx", get(assessment::notice_docx))
        .route(
            "/assessment/scheme",
            get(assessment::scheme).post(assessment::save_scheme),
        )
        .route("/assessment/adjustments", post(assessment::add_adjustment))
        .route(
            "/assessment/adjustments/withdraw",
            post(assessment::withdraw_adjustment),
        )
        .route("/cockpit", get(cockpit::show))
        .route("/planning", get(planning::show))
        .route("/planning/quotas", post(planning::save_quota))
        .route("/planning/quotas/remove", post(planning::remove_quota))
        .route("/planning/plans", post(planning::save_plan))
        .route("/planning/plans/{id}", get(planning::plan))
        .route("/planning/notice.docx", get(planning::notice_docx))
        .route("/ranking/monthly.docx", get(ranking::monthly_docx))
        .route("/data", get(data::show))
        .route("/data/template/{kind}", get(data::template))
        .route("/data/import", post(data::import))
        .route("/data/export/projects", get(data::export_projects))
        .route("/data/export/ranking", get(data::export_ranking))
        .route("/admission", get(admission::show))
        .route("/admission/rules", post(admission::add_rule))
        .route(
            "/admission/rules/{code}/delete",
            post(admission::delete_rule),
        )
        .route("/audit", get(audit::show))
        .route(
            "/indicators",
            get(indicators::catalogue).post(indicators::save_indicator),
        )
        .route("/indicators/targets", post(indicators::save_target))
        .route(
            "/indicators/values",
            get(indicators::grid).post(indicators::save_grid),
        )
        .route("/notices", get(notices::list))
        .route("/notices/new", get(notices::new_form).post(notices::create))
        .route("/notices/{id}", get(notices::detail))
        .route("/notices/{id}/notice.docx", get(notices::notice_docx))
        .route("/notices/{id}/closing.docx", get(notices::closing_docx))
        .route("/notices/{id}/sign", post(notices::sign))
        .route("/notices/{id}/reply", post(notices::reply))
        .route("/notices/{id}/verify", post(notices::verify))
        .route(
            "/notices/{id}/accountability",
            post(notices::accountability),
        )
        .route("/accountability", get(notices::accountability_list))
        .route(
            "/instructions",
            get(instructions::list).post(instructions::write),
        )
        .route("/instructions/{id}", get(instructions::detail))
        .route("/instructions/{id}/reply", post(instructions::reply))
        .route("/instructions/{id}/decision", post(instructions::decision))
        .route("/documents", get(documents::list).post(documents::upload))
        .route("/documents/{id}", get(documents::detail))
        .route("/documents/{id}/file", get(documents::file))
        .route("/meetings", get(meetings::list).post(meetings::create))
        .route("/meetings/{id}", get(meetings::detail))
        .route("/meetings/{id}/decisions", post(meetings::add_decision))
        .route("/meetings/{id}/minutes", post(meetings::save_minutes))
        .route("/meetings/{id}/briefing.docx", get(meetings::briefing_docx))
        .route("/meetings/{id}/minutes.docx", get(meetings::minutes_docx))
        .route(
            "/inspections",
            get(inspections::list).post(inspections::create),
        )
        .route("/inspections/{id}", get(inspections::detail))
        .route("/inspections/{id}/notices", post(inspections::bulk_notices))
        .route("/inspections/{id}/finish", post(inspections::finish))
        .route("/inspections/items/{id}", post(inspections::record))
        .route("/attachments", post(inspections::upload))
        .route("/attachments/{id}", get(inspections::download))
        .route("/photos/{kind}/{id}", get(photos::show))
        .route("/inbox", get(inbox::inbox))
        .route("/inbox/read-all", post(inbox::read_all))
        .route("/inbox/{id}", get(inbox::open))
        .route("/reports/chase", get(inbox::chase_page).post(inbox::chase))
        .route("/tasks/{id}/chase", post(inbox::chase_task))
        .route("/tasks", get(tasks::list))
        .route("/tasks/new", get(tasks::new_form).post(tasks::create))
        .route("/tasks/{id}", get(tasks::detail))
        .route(
            "/tasks/{id}/report",
            get(tasks::report_form).post(tasks::report),
        )
        .route("/tasks/{id}/verify", post(tasks::verify))
        .route("/scorecard", get(scorecard::show))
        .route("/scorecard/docx", get(scorecard::docx))
        .merge(api::routes())
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        .layer(axum::middleware::from_fn(error::shape_rejections))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::session_layer,
        ))
        // The whole request, session check included, reads the data version once.
        .layer(axum::middleware::from_fn(
            |req: axum::extract::Request, next: axum::middleware::Next| {
                diaodu_store::in_request(next.run(req))
            },
        ))
        // A write is not cut short by a client that goes away.
        .layer(axum::middleware::from_fn(detach_writes))
        // Outermost: every request's id, log line and metrics.
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            ops::observe,
        ))
        .with_state(state)
}

/// The router of `--metrics-addr`: the metrics and the probes alone.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(ops::metrics))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .with_state(state)
}

/// Middleware: a state-changing request runs to its end on a task of its own. The server drops a
/// request's future when its client disconnects; a write dropped between two of its statements
/// would roll back at best, and leave a user who pressed 提交 unsure whether it was filed. The
/// client may still leave; the use case finishes all the same (or fails as a whole, in its one
/// transaction).
async fn detach_writes(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::Method;
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    match tokio::spawn(next.run(req)).await {
        Ok(resp) => resp,
        Err(e) => AppError::Internal(format!("请求处理中断：{e}")).into_response(),
    }
}
