//! CORS: any origin for discovery, JWKS and userinfo, the requesting origin for token; preflights; exposed request ids.

use super::headers::set_header;
use super::request_log::{noted, LogNote};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};

/// The response headers a browser app may read besides the CORS-safelisted ones: the request ids.
const EXPOSED_HEADERS: &str = "x-ms-request-id, client-request-id";

/// The `Origin` request header.
pub(super) fn origin(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// CORS for everyone (discovery, JWKS, userinfo).
pub(super) fn allow_any_origin(mut response: Response) -> Response {
    set_header(&mut response, header::ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    set_header(
        &mut response,
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        EXPOSED_HEADERS,
    );
    response
}

/// CORS for one origin (the token endpoint).
pub(super) fn allow_origin(mut response: Response, origin: &str) -> Response {
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
pub(super) fn preflight(
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

/// `OPTIONS` on discovery, the JWKS and userinfo.
pub(super) async fn preflight_any_origin(headers: HeaderMap) -> Response {
    preflight(&headers, "*", &[Method::GET, Method::POST, Method::OPTIONS])
}
