//! The session cookie: read from the request, set or ended on the response.

use crate::shared::SharedTenant;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;

/// The session cookie's value, if the browser sent one.
pub(super) fn session_cookie(shared: &SharedTenant, headers: &HeaderMap) -> Option<String> {
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
pub(super) fn set_session_cookie(
    shared: &SharedTenant,
    response: &mut Response,
    value: Option<&str>,
) {
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
