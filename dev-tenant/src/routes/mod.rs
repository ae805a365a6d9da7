//! The HTTP surface: the route table, Entra's request ids, CORS, the request log, and helpers the endpoints share.

mod authorize;
mod dev;
mod discovery;
mod logout;
mod signin;
mod token;

use crate::errors::{EntraError, ErrorContext};
use crate::html;
use crate::tenant::Shared;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;
use std::time::Instant;

pub(crate) type AppState = State<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let tenant = Router::new()
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(discovery::openid_configuration).options(preflight_any_origin),
        )
        .route(
            "/{tenant}/discovery/v2.0/keys",
            get(discovery::jwks).options(preflight_any_origin),
        )
        .route(
            "/{tenant}/openid/v2.0/userinfo",
            get(discovery::userinfo)
                .post(discovery::userinfo)
                .options(preflight_any_origin),
        )
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize::authorize))
        .route(
            "/{tenant}/oauth2/v2.0/token",
            post(token::token).options(token::preflight),
        )
        .route("/{tenant}/oauth2/v2.0/logout", get(logout::logout))
        .route("/{tenant}/signin/email", post(signin::email))
        .route("/{tenant}/signin/code", post(signin::code))
        .route("/{tenant}/signin/resend", get(signin::resend))
        .route("/{tenant}/signin/signup", post(signin::sign_up))
        .route("/{tenant}/signin/continue", post(signin::continue_as))
        .route("/{tenant}/signin/another", get(signin::another))
        .route("/{tenant}/signin/cancel", get(signin::cancel))
        .route_layer(middleware::from_fn(request_ids));
    Router::new()
        .merge(tenant)
        .route("/_dev/mailbox", get(dev::mailbox))
        .route(
            "/_dev/faults",
            get(dev::list_faults)
                .post(dev::arm_faults)
                .delete(dev::clear_faults),
        )
        .route(
            "/_dev/lifetimes",
            get(dev::lifetimes)
                .put(dev::set_lifetimes)
                .delete(dev::reset_lifetimes),
        )
        .route("/error", get(dev::error_code))
        .route("/", get(dev::home))
        .layer(middleware::from_fn_with_state(shared.clone(), log_request))
        .with_state(shared)
}

/// What a handler tells the request log about its request.
#[derive(Clone, Debug, Default)]
pub(crate) struct LogNote {
    pub(crate) client: Option<String>,
    pub(crate) outcome: String,
    pub(crate) aadsts: Option<u32>,
}

impl LogNote {
    pub(crate) fn new(client: Option<&str>, outcome: impl Into<String>) -> LogNote {
        LogNote {
            client: client.map(str::to_string),
            outcome: outcome.into(),
            aadsts: None,
        }
    }

    pub(crate) fn error(client: Option<&str>, error: &EntraError) -> LogNote {
        LogNote {
            client: client.map(str::to_string),
            outcome: error.error.to_string(),
            aadsts: Some(error.code),
        }
    }
}

/// Attaches `note` to `response` for the request log.
pub(crate) fn noted(mut response: Response, note: LogNote) -> Response {
    response.extensions_mut().insert(note);
    response
}

/// Entra's request ids, on every response of the tenant's endpoints: a fresh GUID in `x-ms-request-id` (also the
/// trace id of the errors, see [`error_context`]), and the client's `client-request-id` echoed when it is a GUID.
async fn request_ids(mut request: Request, next: Next) -> Response {
    let request_id = crate::ids::guid();
    let client_request_id = client_request_id(request.headers());
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        // Handlers read the id from here, as they read the rest of the request.
        request.headers_mut().insert(X_MS_REQUEST_ID, value);
    }
    let mut response = next.run(request).await;
    set_header(
        &mut response,
        header::HeaderName::from_static(X_MS_REQUEST_ID),
        &request_id,
    );
    if let Some(id) = client_request_id {
        set_header(
            &mut response,
            header::HeaderName::from_static(CLIENT_REQUEST_ID),
            &id,
        );
    }
    response
}

/// `x-ms-request-id`: the tenant's id of one request.
const X_MS_REQUEST_ID: &str = "x-ms-request-id";
/// `client-request-id`: the client's id of one request.
const CLIENT_REQUEST_ID: &str = "client-request-id";

/// The `client-request-id` request header, lower case, when it is shaped like a GUID (`8-4-4-4-12` hex digits).
fn client_request_id(headers: &HeaderMap) -> Option<String> {
    let id = headers.get(CLIENT_REQUEST_ID)?.to_str().ok()?;
    let groups: Vec<&str> = id.split('-').collect();
    let shaped = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()));
    shaped.then(|| id.to_ascii_lowercase())
}

/// The structured request log: one `key=value` line per request on stdout. Paths only: query strings (codes,
/// hints, states) and bodies (secrets, tokens) are never logged; the tenant's request id is.
async fn log_request(State(shared): AppState, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let note = response
        .extensions()
        .get::<LogNote>()
        .cloned()
        .unwrap_or_default();
    let request_id = response
        .headers()
        .get(X_MS_REQUEST_ID)
        .and_then(|v| v.to_str().ok());
    shared.say(&log_line(
        &method,
        &path,
        response.status(),
        &note,
        request_id,
        started.elapsed().as_millis(),
    ));
    response
}

/// `dev-tenant request method=… path=… status=… client=… outcome=… aadsts=… request_id=… ms=…`, leaving out what
/// is not known.
fn log_line(
    method: &Method,
    path: &str,
    status: StatusCode,
    note: &LogNote,
    request_id: Option<&str>,
    ms: u128,
) -> String {
    let mut line = format!(
        "dev-tenant request method={method} path={path} status={}",
        status.as_u16()
    );
    if let Some(client) = &note.client {
        line.push_str(&format!(" client={client}"));
    }
    if !note.outcome.is_empty() {
        line.push_str(&format!(" outcome={}", note.outcome));
    }
    if let Some(code) = note.aadsts {
        line.push_str(&format!(" aadsts={code}"));
    }
    if let Some(id) = request_id {
        line.push_str(&format!(" request_id={id}"));
    }
    line.push_str(&format!(" ms={ms}"));
    line
}

/// An error's trace id (the request's `x-ms-request-id`) and correlation id (the client's `client-request-id` when
/// it is a GUID, which Entra echoes as the correlation id).
pub(crate) fn error_context(shared: &Shared, headers: &HeaderMap) -> ErrorContext {
    let request_id = headers.get(X_MS_REQUEST_ID).and_then(|v| v.to_str().ok());
    ErrorContext::new(
        request_id,
        client_request_id(headers).as_deref(),
        shared.clock.now(),
        &shared.urls.base,
    )
}

/// The `Origin` request header.
pub(crate) fn origin(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The query string as name/value pairs; the first of repeated names wins.
pub(crate) fn query_params(query: Option<&str>) -> std::collections::HashMap<String, String> {
    let mut params = std::collections::HashMap::new();
    for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        params
            .entry(k.into_owned())
            .or_insert_with(|| v.into_owned());
    }
    params
}

/// A non-empty parameter.
pub(crate) fn param<'a>(
    params: &'a std::collections::HashMap<String, String>,
    name: &str,
) -> Option<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

/// The JSON error of an unknown tenant, for the API endpoints.
pub(crate) fn tenant_error_json(shared: &Shared, headers: &HeaderMap, tenant: &str) -> Response {
    let error = crate::errors::tenant_not_found(tenant);
    let ctx = error_context(shared, headers);
    let response = (error.status, axum::Json(error.to_json(&ctx))).into_response();
    noted(allow_any_origin(response), LogNote::error(None, &error))
}

/// An HTML error page for what cannot be sent back to the app.
pub(crate) fn error_page(
    shared: &Shared,
    headers: &HeaderMap,
    error: &EntraError,
    client: Option<&str>,
) -> Response {
    let ctx = error_context(shared, headers);
    let timestamp = crate::clock::entra_timestamp(ctx.now);
    let html = html::error_page(
        &shared.config.subdomain,
        &error.headline(),
        &[
            ("Request Id", &ctx.trace_id),
            ("Correlation Id", &ctx.correlation_id),
            ("Timestamp", &timestamp),
            (
                "App name",
                client
                    .and_then(|c| shared.client(c))
                    .map(|c| c.display_name.as_str())
                    .unwrap_or(""),
            ),
            ("App id", client.unwrap_or("")),
        ],
    );
    let status = if error.status == StatusCode::NOT_FOUND {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::BAD_REQUEST
    };
    noted(
        (status, Html(html)).into_response(),
        LogNote::error(client, error),
    )
}

/// A page for a sign-in form whose pending request is gone.
pub(crate) fn expired_request_page(shared: &Shared) -> Response {
    let html = html::error_page(
        &shared.config.subdomain,
        "This sign-in request has expired or is unknown. Go back to the application and sign in again.",
        &[],
    );
    noted(
        (StatusCode::BAD_REQUEST, Html(html)).into_response(),
        LogNote::new(None, "unknown_request"),
    )
}

fn set_header(response: &mut Response, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

/// The response headers a browser app may read besides the CORS-safelisted ones: the request ids.
const EXPOSED_HEADERS: &str = "x-ms-request-id, client-request-id";

/// CORS for everyone (discovery, JWKS, userinfo).
pub(crate) fn allow_any_origin(mut response: Response) -> Response {
    set_header(&mut response, header::ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    set_header(
        &mut response,
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        EXPOSED_HEADERS,
    );
    response
}

/// CORS for one origin (the token endpoint).
pub(crate) fn allow_origin(mut response: Response, origin: &str) -> Response {
    set_header(&mut response, header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    set_header(
        &mut response,
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        EXPOSED_HEADERS,
    );
    set_header(&mut response, header::VARY, "Origin");
    response
}

/// The headers a preflight asked for, or the ones the endpoints use.
fn requested_headers(headers: &HeaderMap) -> String {
    headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(|| "authorization, content-type, client-request-id".into())
}

/// A preflight answer.
pub(crate) fn preflight(
    headers: &HeaderMap,
    allow_origin_value: &str,
    methods: &[Method],
) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    set_header(
        &mut response,
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        allow_origin_value,
    );
    let methods: Vec<&str> = methods.iter().map(Method::as_str).collect();
    set_header(
        &mut response,
        header::ACCESS_CONTROL_ALLOW_METHODS,
        &methods.join(", "),
    );
    set_header(
        &mut response,
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        &requested_headers(headers),
    );
    set_header(&mut response, header::ACCESS_CONTROL_MAX_AGE, "86400");
    if allow_origin_value != "*" {
        set_header(&mut response, header::VARY, "Origin");
    }
    noted(response, LogNote::new(None, "preflight"))
}

async fn preflight_any_origin(headers: HeaderMap) -> Response {
    preflight(&headers, "*", &[Method::GET, Method::POST, Method::OPTIONS])
}

/// `Cache-Control: no-store, no-cache` and `Pragma: no-cache`, as Entra's token responses have them; also on
/// discovery and the JWKS, so that the faults that change them are seen.
pub(crate) fn no_store(mut response: Response) -> Response {
    set_header(&mut response, header::CACHE_CONTROL, "no-store, no-cache");
    set_header(&mut response, header::PRAGMA, "no-cache");
    response
}

/// A 500 with an HTML body, as a failing proxy would answer (the `token_server_error` and `jwks_unavailable`
/// faults).
pub(crate) fn html_server_error(what: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>{}</p><p>(an injected fault of the local dev tenant)</p></body></html>",
        html::escape(what)
    );
    (StatusCode::INTERNAL_SERVER_ERROR, Html(body)).into_response()
}

/// The session cookie's value, if the browser sent one.
pub(crate) fn session_cookie(shared: &Shared, headers: &HeaderMap) -> Option<String> {
    let prefix = format!("{}=", shared.cookie_name);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .find_map(|c| c.strip_prefix(&prefix).map(str::to_string))
}

/// `Set-Cookie` for a session (or, with `None`, one that ends it).
pub(crate) fn set_session_cookie(shared: &Shared, response: &mut Response, value: Option<&str>) {
    let cookie = match value {
        Some(value) => format!(
            "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
            shared.cookie_name,
            shared.lifetimes().session.as_secs()
        ),
        None => format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
            shared.cookie_name
        ),
    };
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_line_names_the_request_id_and_leaves_out_what_is_unknown() {
        let note = LogNote {
            client: Some("c".into()),
            outcome: "invalid_grant".into(),
            aadsts: Some(70000),
        };
        assert_eq!(
            log_line(&Method::POST, "/t/oauth2/v2.0/token", StatusCode::BAD_REQUEST, &note, Some("r"), 3),
            "dev-tenant request method=POST path=/t/oauth2/v2.0/token status=400 client=c outcome=invalid_grant aadsts=70000 request_id=r ms=3"
        );
        assert_eq!(
            log_line(
                &Method::GET,
                "/",
                StatusCode::OK,
                &LogNote::default(),
                None,
                0
            ),
            "dev-tenant request method=GET path=/ status=200 ms=0"
        );
    }

    #[test]
    fn only_guid_shaped_client_request_ids_are_read() {
        let read = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(CLIENT_REQUEST_ID, HeaderValue::from_str(value).unwrap());
            client_request_id(&headers)
        };
        assert_eq!(
            read("0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D").as_deref(),
            Some("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
        );
        for other in [
            "",
            "x",
            "0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d",
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4",
        ] {
            assert_eq!(read(other), None, "{other}");
        }
    }
}
