//! The structured request log: what a handler notes about its request, and one `key=value` line per request.

use super::request_ids::X_MS_REQUEST_ID;
use crate::errors::EntraError;
use crate::shared::Shared;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// What a handler tells the request log about its request.
#[derive(Clone, Debug, Default)]
pub(super) struct LogNote {
    pub(super) client: Option<String>,
    pub(super) outcome: String,
    pub(super) aadsts: Option<u32>,
}

impl LogNote {
    pub(super) fn new(client: Option<&str>, outcome: impl Into<String>) -> LogNote {
        LogNote {
            client: client.map(str::to_string),
            outcome: outcome.into(),
            aadsts: None,
        }
    }

    pub(super) fn error(client: Option<&str>, error: &EntraError) -> LogNote {
        LogNote {
            client: client.map(str::to_string),
            outcome: error.error.to_string(),
            aadsts: Some(error.code),
        }
    }
}

/// Attaches `note` to `response` for the request log.
pub(super) fn noted(mut response: Response, note: LogNote) -> Response {
    response.extensions_mut().insert(note);
    response
}

/// The structured request log: one `key=value` line per request on stdout. Paths only: query strings (codes,
/// hints, states) and bodies (secrets, tokens) are never logged; the tenant's request id is.
pub(super) async fn log_request(State(shared): Shared, request: Request, next: Next) -> Response {
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
}
