//! Response headers the endpoints set: one at a time, and the no-store caching headers.

use axum::http::{header, HeaderName, HeaderValue};
use axum::response::Response;

/// Sets `name` to `value`, unless `value` cannot be a header value.
pub(super) fn set_header(response: &mut Response, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

/// `Cache-Control: no-store, no-cache` and `Pragma: no-cache`, as Entra's token responses have them; also on
/// discovery and the JWKS, so that the faults that change them are seen.
pub(super) fn no_store(mut response: Response) -> Response {
    set_header(&mut response, header::CACHE_CONTROL, "no-store, no-cache");
    set_header(&mut response, header::PRAGMA, "no-cache");
    response
}
