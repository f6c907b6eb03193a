//! Who is asking, and may they? Sessions (cookie or bearer token), the CSRF check on every
//! state-changing request, security headers, and the `Current` user extractor.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use diaodu_domain::access::{allows, Action, Scope};
use diaodu_store::User;

use crate::error::{ApiError, AppError};
use crate::AppState;

/// Name of the session cookie over plain HTTP.
pub const SESSION_COOKIE: &str = "diaodu_session";
/// Name of the session cookie when cookies are marked `Secure`: the `__Host-` prefix makes the
/// browser refuse it unless it is Secure, for the whole host (`Path=/`) and set by the host itself
/// (no `Domain`), so a sibling subdomain cannot plant or overwrite it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-diaodu_session";
/// Largest body of a request made without a session (the log-in): a login and a password.
pub const UNAUTHENTICATED_BODY_BYTES: usize = 16 * 1024;
/// Largest form or JSON body (uploads are multipart, with their own limit).
pub const BODY_BYTES: usize = 4 * 1024 * 1024;

/// The session cookie's name for this server.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}
/// Header carrying the CSRF token for API calls authenticated by cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";

/// The logged-in user of a request.
#[derive(Debug, Clone)]
pub struct Current {
    /// The user.
    pub user: User,
    /// The session's CSRF token (to embed in forms).
    pub csrf: String,
    /// What the user may see.
    pub scope: Scope,
    /// Authenticated by a bearer token rather than the cookie.
    pub bearer: bool,
    /// The password was set by an administrator: nothing else until it is changed.
    pub must_change_password: bool,
    /// The key of this session (to mark it among the user's sessions).
    pub session: String,
    /// Unread in-app messages, for the bell in a page's header (pages only; 0 for the API).
    pub unread: i64,
}

impl Current {
    /// Whether the role allows an action.
    pub fn can(&self, a: Action) -> bool {
        allows(self.user.role, a)
    }

    /// Fails as forbidden (403 at the web edge) unless the role allows the action.
    pub fn require(&self, a: Action) -> Result<(), crate::service::Error> {
        if self.can(a) {
            Ok(())
        } else {
            Err(crate::service::Error::Forbidden)
        }
    }

    /// The actor for the audit log.
    pub fn actor(&self) -> diaodu_store::Actor {
        diaodu_store::Actor {
            user_id: Some(self.user.id),
            login: self.user.login.clone(),
        }
    }
}

impl FromRequestParts<AppState> for Current {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Current>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

/// The logged-in user of an API request (401 JSON instead of a redirect).
#[derive(Debug, Clone)]
pub struct ApiCurrent(pub Current);

impl FromRequestParts<AppState> for ApiCurrent {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Current>()
            .cloned()
            .map(ApiCurrent)
            .ok_or(ApiError(AppError::Unauthenticated))
    }
}

/// Reads a cookie from the request headers.
pub fn cookie<'a>(parts: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    parts
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Middleware: resolves the session, enforces CSRF on state-changing requests, adds security headers.
///
/// CSRF rule: a POST/PUT/PATCH/DELETE authenticated by the session cookie must carry the session's
/// token — as the `_csrf` field of a url-encoded form, as the first field of a multipart upload, or
/// as the `X-CSRF-Token` header (API). Never in the URL, which proxies and logs keep. Requests with a bearer token carry no ambient credentials and
/// need none. The log-in form is the one exception: it has no session yet.
pub async fn session_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let cookie_name = session_cookie_name(state.cfg.secure_cookies);
    let token = bearer
        .clone()
        .or_else(|| cookie(&parts.headers, cookie_name).map(str::to_string));
    let mut current = None;
    if let Some(t) = token.filter(|t| !t.is_empty()) {
        match state.store.users().session(&t).await {
            Ok(Some(s)) => {
                current = Some(Current {
                    scope: Scope::of(s.user.role, s.user.unit_id),
                    user: s.user,
                    csrf: s.csrf,
                    bearer: bearer.is_some(),
                    must_change_password: s.must_change_password,
                    session: s.id,
                    unread: 0,
                })
            }
            Ok(None) => {}
            Err(e) => return AppError::from(e).into_response(),
        }
    }
    let path = parts.uri.path();
    let is_api = path.starts_with("/api/");
    let mut body = body;
    let changes_state = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let is_login = path == "/login" || path == "/api/v1/login";
    // A state-changing request without a session is refused before its body is read: only the
    // log-in takes input from someone unknown.
    if changes_state && !is_login && current.is_none() {
        return if is_api {
            ApiError(AppError::Unauthenticated).into_response()
        } else {
            AppError::Unauthenticated.into_response()
        };
    }
    // A password set by an administrator is changed before anything else is done.
    if let Some(c) = current.as_ref().filter(|c| c.must_change_password) {
        let allowed = matches!(
            path,
            "/account/password"
                | "/logout"
                | "/api/v1/me"
                | "/api/v1/me/password"
                | "/api/v1/logout"
                | "/static/app.css"
        );
        if !allowed {
            let _ = c;
            return if is_api {
                ApiError(AppError::PasswordChange).into_response()
            } else {
                axum::response::Redirect::to("/account/password").into_response()
            };
        }
    }
    let fail = |e: AppError| {
        if is_api {
            ApiError(e).into_response()
        } else {
            e.into_response()
        }
    };
    // No text anywhere in the request may hold a control character: the path, the query string,
    // and a form or JSON body (read here, within a bound, and handed on).
    let decoded_path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    if decoded_path.chars().any(crate::input::forbidden) {
        return fail(crate::input::refusal("路径"));
    }
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    if let Some(field) = crate::input::in_pairs(&query) {
        return fail(crate::input::refusal(&field));
    }
    let ct = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let is_form = ct.starts_with("application/x-www-form-urlencoded");
    let is_json = ct.starts_with("application/json");
    let mut form: Vec<(String, String)> = Vec::new();
    if changes_state && (is_form || is_json) {
        let limit = if is_login {
            UNAUTHENTICATED_BODY_BYTES
        } else {
            BODY_BYTES
        };
        let bytes = match axum::body::to_bytes(body, limit).await {
            Ok(b) => b,
            Err(_) => {
                return fail(AppError::Status(
                    axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    "请求内容过大".into(),
                ))
            }
        };
        let bad = if is_form {
            form = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
            crate::input::in_pairs(&form)
        } else {
            // A body that is not JSON is left to the handler's extractor, which says so.
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| crate::input::in_json(&v))
        };
        if let Some(field) = bad {
            return fail(crate::input::refusal(&field));
        }
        body = Body::from(bytes);
    }
    if changes_state && !is_login {
        if let Some(c) = current.as_ref().filter(|c| !c.bearer) {
            let header_token = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let field = |pairs: &[(String, String)]| {
                pairs
                    .iter()
                    .find(|(k, _)| k == CSRF_FIELD)
                    .map(|(_, v)| v.clone())
            };
            let mut given = header_token.or(field(&form));
            if given.is_none() && ct.starts_with("multipart/form-data") {
                let (token, rebuilt) = multipart_first_field(body, &ct, CSRF_FIELD).await;
                given = token;
                body = rebuilt;
            }
            if !given.is_some_and(|g| constant_time_eq(&g, &c.csrf)) {
                return fail(AppError::Csrf);
            }
        }
    }
    if let Some(mut c) = current {
        // The header's bell: counted for a page a person looks at, not for the API or the stylesheet.
        if parts.method == Method::GET && !is_api && !path.starts_with("/static/") {
            match state.store.messages().unread_count(c.user.id).await {
                Ok(n) => c.unread = n,
                Err(e) => return fail(AppError::from(e)),
            }
        }
        parts.extensions.insert(c);
    }
    let mut resp = next.run(Request::from_parts(parts, body)).await;
    let h = resp.headers_mut();
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'self'; frame-ancestors 'none'",
        ),
    );
    resp
}

/// Largest prefix of a multipart body read to find its first field.
const FIRST_FIELD_BYTES: usize = 8 * 1024;

/// The value of a multipart body's first part when that part is named `name`, and the body whole
/// again for the handler. Only the first part is looked at — the page's forms put the token first —
/// so an upload is never read further than a few kilobytes before the request is known to be genuine.
async fn multipart_first_field(
    body: Body,
    content_type: &str,
    name: &str,
) -> (Option<String>, Body) {
    use futures_util::StreamExt;
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return (None, body);
    };
    let mut stream = body.into_data_stream();
    let mut buf: Vec<u8> = Vec::new();
    let mut value = None;
    loop {
        match first_part(&buf, &boundary, name) {
            FirstPart::Value(v) => {
                value = Some(v);
                break;
            }
            FirstPart::Other => break,
            FirstPart::Incomplete if buf.len() >= FIRST_FIELD_BYTES => break,
            FirstPart::Incomplete => {}
        }
        match stream.next().await {
            Some(Ok(chunk)) => buf.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let head =
        futures_util::stream::once(
            async move { Ok::<_, axum::Error>(axum::body::Bytes::from(buf)) },
        );
    (value, Body::from_stream(head.chain(stream)))
}

/// What the start of a multipart body says about its first part.
#[derive(Debug, PartialEq)]
enum FirstPart {
    /// The first part is the named field, with this text.
    Value(String),
    /// The first part is something else, or the body is not multipart as declared.
    Other,
    /// More bytes are needed to tell.
    Incomplete,
}

fn first_part(buf: &[u8], boundary: &str, name: &str) -> FirstPart {
    let opening = format!("--{boundary}\r\n");
    if buf.len() < opening.len() {
        return if opening.as_bytes().starts_with(buf) {
            FirstPart::Incomplete
        } else {
            FirstPart::Other
        };
    }
    if !buf.starts_with(opening.as_bytes()) {
        return FirstPart::Other;
    }
    let rest = &buf[opening.len()..];
    let Some(end) = find(rest, b"\r\n\r\n") else {
        return FirstPart::Incomplete;
    };
    let Ok(headers) = std::str::from_utf8(&rest[..end]) else {
        return FirstPart::Other;
    };
    let wanted = format!("name=\"{name}\"");
    let named = headers
        .lines()
        .any(|l| l.to_ascii_lowercase().starts_with("content-disposition:") && l.contains(&wanted));
    if !named {
        return FirstPart::Other;
    }
    let content = &rest[end + 4..];
    let closing = format!("\r\n--{boundary}");
    match find(content, closing.as_bytes()) {
        Some(n) => match std::str::from_utf8(&content[..n]) {
            Ok(v) => FirstPart::Value(v.to_string()),
            Err(_) => FirstPart::Other,
        },
        None => FirstPart::Incomplete,
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The `Set-Cookie` value for a new session. The browser keeps it for the session's longest life; the
/// server ends it earlier when it is left idle.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800{}",
        session_cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends the session in the browser.
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        session_cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// The client's address: the socket's peer, or — when that peer is a proxy the operator named in
/// `trusted_proxies` — the last address in `X-Forwarded-For` that is not one of those proxies
/// (addresses further left were written by the client and prove nothing).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddr(client_address(
            peer,
            &parts.headers,
            &state.cfg.trusted_proxies,
        )))
    }
}

/// See [`ClientAddr`].
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> String {
    let Some(peer) = peer else {
        return "unknown".into();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .copied()
        .unwrap_or(peer)
        .to_string()
}

/// The browser's description (User-Agent) of a request, for the list of a user's sessions.
pub fn user_agent(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() {
        let mut h = axum::http::HeaderMap::new();
        h.insert("x-forwarded-for", "6.6.6.6, 10.0.0.5".parse().unwrap());
        let peer: std::net::IpAddr = "10.0.0.1".parse().unwrap();
        // No proxy named: the header is the client's own words.
        assert_eq!(client_address(Some(peer), &h, &[]), "10.0.0.1");
        // The named proxy appended the address it saw; what the client wrote before is ignored.
        assert_eq!(client_address(Some(peer), &h, &[peer]), "10.0.0.5");
        let inner: std::net::IpAddr = "10.0.0.5".parse().unwrap();
        assert_eq!(client_address(Some(peer), &h, &[peer, inner]), "6.6.6.6");
        assert_eq!(client_address(None, &h, &[peer]), "unknown");
    }

    #[test]
    fn a_secure_session_cookie_is_host_prefixed() {
        let c = session_cookie("t", true);
        assert!(c.starts_with("__Host-diaodu_session=t;"), "{c}");
        assert!(c.contains("; Secure") && c.contains("Path=/") && !c.contains("Domain"));
        assert!(session_cookie("t", false).starts_with("diaodu_session=t;"));
    }

    #[test]
    fn the_token_is_read_from_the_first_part_only() {
        let body = b"--B\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--B\r\n";
        assert_eq!(
            first_part(body, "B", "_csrf"),
            FirstPart::Value("abc".into())
        );
        for n in 0..body.len() - 6 {
            assert_eq!(
                first_part(&body[..n], "B", "_csrf"),
                FirstPart::Incomplete,
                "{n}"
            );
        }
        let later = b"--B\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nx\r\n--B\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--B--";
        assert_eq!(first_part(later, "B", "_csrf"), FirstPart::Other);
        assert_eq!(first_part(b"garbage", "B", "_csrf"), FirstPart::Other);
    }
}
