//! `/_dev/api/…`: a small API protected by this tenant's access tokens, for the app's "Call an API": it checks the
//! Bearer token's signature, expiry, `aud` and `scp` and refuses as RFC 6750 §3 says, in Entra's challenge shape.

use super::cors::{allow_origin, origin};
use super::headers::set_header;
use super::request_log::{noted, LogNote};
use super::userinfo::{bearer_token, check_access_token};
use crate::ids::guid;
use crate::shared::{Shared, SharedTenant};
use crate::store::User;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// The `aud` of an access token for the dev API: what the tenant writes for a scope `api://dev-tenant-api/…`.
pub const DEV_API_AUDIENCE: &str = "api://dev-tenant-api";
/// The scope `GET /_dev/api/me` requires (`scp` `access_as_user`); ask for it at sign-in.
pub const DEV_API_SCOPE: &str = "api://dev-tenant-api/access_as_user";
/// The scope `GET /_dev/api/admin` requires (`scp` `Admin.ReadWrite`): a sign-in asks for it only on purpose.
pub const DEV_API_ADMIN_SCOPE: &str = "api://dev-tenant-api/Admin.ReadWrite";

/// What a browser app may read besides the safelisted headers: the challenge, and the request id.
const EXPOSED_HEADERS: &str = "WWW-Authenticate, request-id";
const ALLOWED_METHODS: &str = "GET, POST, PUT, PATCH, DELETE";
const ALLOWED_HEADERS: &str = "Authorization, Content-Type";

/// `GET /_dev/api/me`: who the token is about, with [`DEV_API_SCOPE`].
pub(crate) async fn me(State(shared): Shared, headers: HeaderMap) -> Response {
    answer(&shared, &headers, DEV_API_SCOPE, |claims, user| {
        json!({
            "oid": user.oid,
            "name": user.display_name,
            "email": user.email,
            "aud": claims.get("aud"),
            "scp": claims.get("scp"),
        })
    })
}

/// `GET /_dev/api/admin`: requires [`DEV_API_ADMIN_SCOPE`], which the app's default scopes do not ask for.
pub(crate) async fn admin(State(shared): Shared, headers: HeaderMap) -> Response {
    answer(
        &shared,
        &headers,
        DEV_API_ADMIN_SCOPE,
        |_, user| json!({ "admin": true, "oid": user.oid }),
    )
}

/// Any other method on a dev API path: 405 with `Allow`, readable cross-origin.
pub(crate) async fn method_not_allowed(headers: HeaderMap) -> Response {
    let mut response = (
        StatusCode::METHOD_NOT_ALLOWED,
        Json(json!({"error": "method_not_allowed", "allowed": ["GET"]})),
    )
        .into_response();
    set_header(&mut response, header::ALLOW, "GET");
    noted(
        with_cors(response, &headers),
        LogNote::new(None, "method_not_allowed"),
    )
}

/// `OPTIONS`: the preflight an `Authorization` header causes, for loopback origins only.
pub(crate) async fn preflight(headers: HeaderMap) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    if loopback_origin(&headers).is_some() {
        set_header(
            &mut response,
            header::ACCESS_CONTROL_ALLOW_METHODS,
            ALLOWED_METHODS,
        );
        set_header(
            &mut response,
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            ALLOWED_HEADERS,
        );
        set_header(&mut response, header::ACCESS_CONTROL_MAX_AGE, "600");
    }
    noted(
        with_cors(response, &headers),
        LogNote::new(None, "preflight"),
    )
}

/// `GET /_dev/api/no-cors`: an API that never answers with CORS headers (nor a preflight), as one not configured
/// for browser apps: a page on another origin gets a fetch `TypeError`.
pub(crate) async fn no_cors() -> Response {
    noted(
        Json(json!({"cors": false})).into_response(),
        LogNote::new(None, "ok"),
    )
}

fn answer(
    shared: &SharedTenant,
    headers: &HeaderMap,
    scope: &str,
    body: impl FnOnce(&Map<String, Value>, &User) -> Value,
) -> Response {
    let (response, outcome) = match authorize(shared, headers, scope) {
        Ok((claims, user)) => (Json(body(&claims, &user)).into_response(), "ok"),
        Err(refusal) => refusal.response(&shared.urls.authorize),
    };
    let mut response = with_cors(response, headers);
    set_header(
        &mut response,
        header::HeaderName::from_static("request-id"),
        &guid(),
    );
    noted(response, LogNote::new(None, outcome))
}

/// Why the API refused (RFC 6750 §3.1).
#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    /// No `Authorization: Bearer`: a challenge without an error code.
    NoToken,
    /// 401 `invalid_token`.
    InvalidToken(String),
    /// 403 `insufficient_scope`, naming the scope needed.
    InsufficientScope { needed: String, found: String },
}

fn authorize(
    shared: &SharedTenant,
    headers: &HeaderMap,
    scope: &str,
) -> Result<(Map<String, Value>, User), Refusal> {
    let token = bearer_token(headers).ok_or(Refusal::NoToken)?;
    let (claims, user) =
        check_access_token(shared, token).map_err(|why| Refusal::InvalidToken(why.into()))?;
    let audience = claims.get("aud").and_then(Value::as_str).unwrap_or("");
    if audience != DEV_API_AUDIENCE {
        return Err(Refusal::InvalidToken(format!(
            "the token is for the audience {audience}, not this API ({DEV_API_AUDIENCE}): sign in with the scope \
             {DEV_API_SCOPE}"
        )));
    }
    let granted = claims.get("scp").and_then(Value::as_str).unwrap_or("");
    let name = scope.rsplit_once('/').map_or(scope, |(_, name)| name);
    if !granted.split_ascii_whitespace().any(|s| s == name) {
        return Err(Refusal::InsufficientScope {
            needed: scope.to_string(),
            found: granted.to_string(),
        });
    }
    Ok((claims, user))
}

impl Refusal {
    fn response(&self, authorization_uri: &str) -> (Response, &'static str) {
        let (status, error, description, scope) = match self {
            Refusal::NoToken => (
                StatusCode::UNAUTHORIZED,
                None,
                "no access token".to_string(),
                None,
            ),
            Refusal::InvalidToken(why) => (
                StatusCode::UNAUTHORIZED,
                Some("invalid_token"),
                why.clone(),
                None,
            ),
            Refusal::InsufficientScope { needed, found } => (
                StatusCode::FORBIDDEN,
                Some("insufficient_scope"),
                format!("the token's scp ({found}) lacks {needed}"),
                Some(needed.as_str()),
            ),
        };
        let mut challenge = format!("Bearer realm=\"\", authorization_uri=\"{authorization_uri}\"");
        if let Some(error) = error {
            challenge.push_str(&format!(
                ", error=\"{error}\", error_description=\"{}\"",
                quoted(&description)
            ));
        }
        if let Some(scope) = scope {
            challenge.push_str(&format!(", scope=\"{scope}\""));
        }
        let mut response = (
            status,
            Json(
                json!({"error": error.unwrap_or("unauthorized"), "error_description": description}),
            ),
        )
            .into_response();
        set_header(&mut response, header::WWW_AUTHENTICATE, &challenge);
        (response, error.unwrap_or("no_token"))
    }
}

/// The text of an RFC 9110 §5.6.4 quoted-string: `"` and `\` escaped.
fn quoted(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The `Origin` if it is a page on this machine (`http(s)` on `localhost`, `127.0.0.1` or `[::1]`).
fn loopback_origin(headers: &HeaderMap) -> Option<String> {
    let origin = origin(headers)?;
    let url = url::Url::parse(&origin).ok()?;
    let loopback = matches!(url.scheme(), "http" | "https")
        && matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    loopback.then_some(origin)
}

/// CORS for a loopback origin, exposing the challenge; none for any other.
fn with_cors(response: Response, headers: &HeaderMap) -> Response {
    let Some(origin) = loopback_origin(headers) else {
        let mut response = response;
        set_header(&mut response, header::VARY, "Origin");
        return response;
    };
    let mut response = allow_origin(response, &origin);
    set_header(
        &mut response,
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        EXPOSED_HEADERS,
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_backslashes_and_quotes_in_a_challenge() {
        assert_eq!(quoted(r#"a "b" \c"#), r#"a \"b\" \\c"#);
    }

    #[test]
    fn only_pages_on_this_machine_get_cors() {
        let with = |origin: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ORIGIN, origin.parse().unwrap());
            loopback_origin(&headers)
        };
        assert!(with("http://localhost:8080").is_some());
        assert!(with("http://127.0.0.1:4321").is_some());
        assert!(with("http://[::1]:8080").is_some());
        assert_eq!(with("https://app.example.com"), None);
        assert_eq!(with("http://localhost.example.com"), None);
        assert_eq!(with("null"), None);
    }
}
