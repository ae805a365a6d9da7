//! The development endpoints: the mailbox of emailed codes, fault injection, the lifetimes in force, the error-code
//! page and a home page.

use super::cors::allow_any_origin;
use super::params::{param, query_params};
use super::request_log::{noted, LogNote};
use crate::errors::explain;
use crate::faults::FaultRequest;
use crate::html::{self, escape, MailRow};
use crate::shared::Shared;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// `GET /_dev/mailbox`: newest first; JSON with `?format=json` or `Accept: application/json`; `?to=` filters.
pub(crate) async fn mailbox(
    State(shared): Shared,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = query_params(query.as_deref());
    let wants_json = param(&params, "format") == Some("json")
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("application/json"));
    let to = param(&params, "to");
    let messages: Vec<_> = {
        let memory = shared.lock();
        memory
            .mailbox
            .iter()
            .rev()
            .filter(|m| to.is_none_or(|to| m.to.eq_ignore_ascii_case(to)))
            .cloned()
            .collect()
    };
    let response = if wants_json {
        Json(json!(messages)).into_response()
    } else {
        let rows: Vec<MailRow<'_>> = messages
            .iter()
            .map(|m| MailRow {
                to: &m.to,
                code: &m.code,
                sent_at: m.sent_at_unix,
            })
            .collect();
        Html(html::mailbox(&shared.config.subdomain, &rows)).into_response()
    };
    noted(allow_any_origin(response), LogNote::new(None, "ok"))
}

/// `GET /_dev/faults`: what is armed.
pub(crate) async fn list_faults(State(shared): Shared) -> Response {
    let body = shared.lock().faults.to_json();
    noted(Json(body).into_response(), LogNote::new(None, "ok"))
}

/// `POST /_dev/faults`: arms faults (see [`crate::faults`]).
pub(crate) async fn arm_faults(State(shared): Shared, body: Bytes) -> Response {
    let request = match FaultRequest::from_json(&body) {
        Ok(request) => request,
        Err(e) => {
            let response = (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": e.to_string()})),
            )
                .into_response();
            return noted(response, LogNote::new(None, "bad_fault_request"));
        }
    };
    let arming = shared.clone();
    let armed =
        tokio::task::spawn_blocking(move || arming.arm_faults(&request).map(|()| request)).await;
    match armed {
        Ok(Ok(request)) => {
            let names: Vec<&str> = request.faults.iter().map(|f| f.name()).collect();
            let body = shared.lock().faults.to_json();
            noted(
                Json(body).into_response(),
                LogNote::new(None, format!("armed={}", names.join(","))),
            )
        }
        Ok(Err(e)) => {
            let response =
                (StatusCode::CONFLICT, Json(json!({"error": e.to_string()}))).into_response();
            noted(response, LogNote::new(None, "fault_conflict"))
        }
        Err(e) => {
            let response = (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"error": e.to_string()})),
            )
                .into_response();
            noted(response, LogNote::new(None, "fault_error"))
        }
    }
}

/// `DELETE /_dev/faults`: disarms everything.
pub(crate) async fn clear_faults(State(shared): Shared) -> Response {
    shared.lock().faults.clear();
    let body = shared.lock().faults.to_json();
    noted(Json(body).into_response(), LogNote::new(None, "cleared"))
}

/// `GET /_dev/lifetimes`: every lifetime in force, in seconds.
pub(crate) async fn lifetimes(State(shared): Shared) -> Response {
    let body = shared.lifetimes().to_json();
    noted(Json(body).into_response(), LogNote::new(None, "ok"))
}

/// `PUT /_dev/lifetimes`: `{"access_token_max": 10, ...}` (seconds) replaces the lifetimes it names; the others
/// stay. A result with `access_token_min` > `access_token_max` is refused.
pub(crate) async fn set_lifetimes(State(shared): Shared, body: Bytes) -> Response {
    let changed = {
        let mut lifetimes = shared.lifetimes_mut();
        lifetimes
            .with_json(&body)
            .inspect(|&changed| *lifetimes = changed)
    };
    match changed {
        Ok(lifetimes) => noted(
            Json(lifetimes.to_json()).into_response(),
            LogNote::new(None, "lifetimes_set"),
        ),
        Err(e) => {
            let response = (StatusCode::BAD_REQUEST, Json(json!({"error": e}))).into_response();
            noted(response, LogNote::new(None, "bad_lifetimes_request"))
        }
    }
}

/// `DELETE /_dev/lifetimes`: back to the configured lifetimes.
pub(crate) async fn reset_lifetimes(State(shared): Shared) -> Response {
    let configured = shared.config.lifetimes;
    *shared.lifetimes_mut() = configured;
    noted(
        Json(configured.to_json()).into_response(),
        LogNote::new(None, "lifetimes_reset"),
    )
}

/// `GET /error?code=N`: what `error_uri` points to.
pub(crate) async fn error_code(State(shared): Shared, RawQuery(query): RawQuery) -> Response {
    let params = query_params(query.as_deref());
    let code =
        param(&params, "code").and_then(|c| c.trim_start_matches("AADSTS").parse::<u32>().ok());
    let text = match code.and_then(|c| explain(c).map(|e| (c, e))) {
        Some((code, explanation)) => format!(
            "<p id=\"error-code\">AADSTS{code}</p><p>{}</p>",
            escape(explanation)
        ),
        None => "<p>This code is not one the local dev tenant uses.</p>".to_string(),
    };
    let html = html::page("Error code", &shared.config.subdomain, &text);
    noted(Html(html).into_response(), LogNote::new(None, "ok"))
}

/// `GET /`: the tenant's URLs and clients.
pub(crate) async fn home(State(shared): Shared) -> Response {
    let urls = &shared.urls;
    let mut body = String::from("<dl>");
    for (name, value) in [
        ("Authority", &urls.authority),
        ("Issuer", &urls.issuer),
        ("Discovery", &urls.discovery),
        ("JWKS", &urls.jwks),
        ("Mailbox", &urls.mailbox),
        ("Faults", &urls.faults),
        ("Lifetimes", &urls.lifetimes),
    ] {
        body.push_str(&format!(
            "<dt>{name}</dt><dd><code>{}</code></dd>",
            escape(value)
        ));
    }
    body.push_str("</dl><h2>App registrations</h2><ul>");
    for client in &shared.config.clients {
        body.push_str(&format!(
            "<li>{} <code>{}</code> ({}), redirect URIs: {}</li>",
            escape(&client.display_name),
            escape(&client.client_id),
            client.kind.label(),
            escape(&client.redirect_uris.join(", "))
        ));
    }
    body.push_str("</ul>");
    let html = html::page("Local dev tenant", &shared.config.subdomain, &body);
    noted(Html(html).into_response(), LogNote::new(None, "ok"))
}
