//! Answers several endpoints give: a sign-in page, error pages and JSON, the expired-request page, the faults' 500.

use super::cors::allow_any_origin;
use super::request_ids::error_context;
use super::request_log::{noted, LogNote};
use crate::errors::{self, EntraError};
use crate::html::{self, SignInPage};
use crate::shared::SharedTenant;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};

/// A sign-in page for the pending request `request_id`.
pub(super) fn sign_in_page<'a>(
    shared: &'a SharedTenant,
    client_id: &str,
    request_id: &'a str,
    error: Option<&'a str>,
    info: Option<&'a str>,
) -> SignInPage<'a> {
    SignInPage {
        prefix: &shared.prefix,
        subdomain: &shared.config.subdomain,
        app_name: shared
            .client(client_id)
            .map(|c| c.display_name.as_str())
            .unwrap_or("the application"),
        request_id,
        error,
        info,
    }
}

/// The JSON error of an unknown tenant, for the API endpoints.
pub(super) fn tenant_error_json(
    shared: &SharedTenant,
    headers: &HeaderMap,
    tenant: &str,
) -> Response {
    let error = errors::tenant_not_found(tenant);
    let ctx = error_context(shared, headers);
    let response = (error.status, axum::Json(error.to_json(&ctx))).into_response();
    noted(allow_any_origin(response), LogNote::error(None, &error))
}

/// An HTML error page for what cannot be sent back to the app.
pub(super) fn error_page(
    shared: &SharedTenant,
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
pub(super) fn expired_request_page(shared: &SharedTenant) -> Response {
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

/// A 500 with an HTML body, as a failing proxy would answer (the `token_server_error` and `jwks_unavailable`
/// faults).
pub(super) fn html_server_error(what: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>{}</p><p>(an injected fault of the local dev tenant)</p></body></html>",
        html::escape(what)
    );
    (StatusCode::INTERNAL_SERVER_ERROR, Html(body)).into_response()
}
