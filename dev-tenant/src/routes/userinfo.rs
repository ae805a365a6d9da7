//! `GET|POST /{tenant}/openid/v2.0/userinfo` with `Authorization: Bearer {access token}` (Entra's is
//! `https://graph.microsoft.com/oidc/userinfo`).

use super::cors::allow_any_origin;
use super::request_log::{noted, LogNote};
use super::responses::tenant_error_json;
use crate::shared::{Shared, SharedTenant};
use crate::store::User;
use crate::tokens::verify;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

pub(crate) async fn userinfo(
    State(shared): Shared,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !shared.is_this_tenant(&tenant) {
        return tenant_error_json(&shared, &headers, &tenant);
    }
    let Some(token) = bearer_token(&headers) else {
        return unauthorized("no bearer token");
    };
    let (claims, user) = match check_access_token(&shared, token) {
        Ok(found) => found,
        Err(why) => return unauthorized(why),
    };
    let client = claims.get("azp").and_then(|v| v.as_str());
    let body = json!({
        "sub": claims.get("sub"),
        "name": user.display_name,
        "given_name": user.given_name,
        "family_name": user.surname,
        "email": user.email,
    });
    noted(
        allow_any_origin(Json(body).into_response()),
        LogNote::new(client, "ok"),
    )
}

/// The token of `Authorization: Bearer {token}` (or `bearer`).
pub(super) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
}

/// The claims of an unexpired access token this tenant signed, and its user; or why not.
pub(super) fn check_access_token(
    shared: &SharedTenant,
    token: &str,
) -> Result<(Map<String, Value>, User), &'static str> {
    let keys = shared.lock().keys.verification_keys();
    let claims = verify(token.trim(), &keys).ok_or("the token is not one this tenant signed")?;
    let now = shared.clock.now();
    if claims
        .get("exp")
        .and_then(|v| v.as_i64())
        .is_none_or(|exp| exp <= now)
    {
        return Err("the token has expired");
    }
    if claims.get("scp").is_none() {
        return Err("not an access token");
    }
    let oid = claims
        .get("oid")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let user = shared
        .lock()
        .user(oid)
        .cloned()
        .ok_or("the user no longer exists")?;
    Ok((claims, user))
}

/// A 401 `invalid_token`, with its `WWW-Authenticate` challenge.
fn unauthorized(why: &str) -> Response {
    let mut response = (
        StatusCode::UNAUTHORIZED,
        Json(json!({"error": "invalid_token", "error_description": why})),
    )
        .into_response();
    if let Ok(value) =
        format!("Bearer error=\"invalid_token\", error_description=\"{why}\"").parse()
    {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    noted(
        allow_any_origin(response),
        LogNote::new(None, "invalid_token"),
    )
}
