//! Entra's request ids: a fresh `x-ms-request-id` per response, the client's `client-request-id` echoed, error ids.

use super::headers::set_header;
use crate::errors::ErrorContext;
use crate::shared::SharedTenant;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// `x-ms-request-id`: the tenant's id of one request.
pub(super) const X_MS_REQUEST_ID: &str = "x-ms-request-id";
/// `client-request-id`: the client's id of one request.
const CLIENT_REQUEST_ID: &str = "client-request-id";

/// Entra's request ids, on every response of the tenant's endpoints: a fresh GUID in `x-ms-request-id` (also the
/// trace id of the errors, see [`error_context`]), and the client's `client-request-id` echoed when it is a GUID.
pub(super) async fn request_ids(mut request: Request, next: Next) -> Response {
    let request_id = crate::ids::guid();
    let client_request_id = client_request_id(request.headers());
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        // Handlers read the id from here, as they read the rest of the request.
        request.headers_mut().insert(X_MS_REQUEST_ID, value);
    }
    let mut response = next.run(request).await;
    set_header(
        &mut response,
        HeaderName::from_static(X_MS_REQUEST_ID),
        &request_id,
    );
    if let Some(id) = client_request_id {
        set_header(
            &mut response,
            HeaderName::from_static(CLIENT_REQUEST_ID),
            &id,
        );
    }
    response
}

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

/// An error's trace id (the request's `x-ms-request-id`) and correlation id (the client's `client-request-id` when
/// it is a GUID, which Entra echoes as the correlation id).
pub(super) fn error_context(shared: &SharedTenant, headers: &HeaderMap) -> ErrorContext {
    let request_id = headers.get(X_MS_REQUEST_ID).and_then(|v| v.to_str().ok());
    ErrorContext::new(
        request_id,
        client_request_id(headers).as_deref(),
        shared.clock.now(),
        &shared.urls.base,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
