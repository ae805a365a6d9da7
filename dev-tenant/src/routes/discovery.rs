//! OpenID Connect discovery, the JWKS and userinfo.

use super::{
    allow_any_origin, html_server_error, no_store, noted, tenant_error_json, AppState, LogNote,
};
use crate::faults::Phase;
use crate::keys::jwks as jwks_document;
use crate::tokens::verify;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// `GET /{tenant}/v2.0/.well-known/openid-configuration`: Entra's field set for a CIAM tenant.
pub(crate) async fn openid_configuration(
    State(shared): AppState,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !shared.is_this_tenant(&tenant) {
        return tenant_error_json(&shared, &headers, &tenant);
    }
    let urls = &shared.urls;
    let document = json!({
        "token_endpoint": urls.token,
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": urls.jwks,
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": urls.issuer,
        "request_uri_parameter_supported": false,
        "userinfo_endpoint": urls.userinfo,
        "authorization_endpoint": urls.authorize,
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": urls.logout,
        "claims_supported": [
            "sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host",
            "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash",
            "c_hash", "email"
        ],
        "tenant_region_scope": null,
        "cloud_instance_name": "ciamlogin.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net"
    });
    public_document(document)
}

/// A document any origin may read, never cached (the faults change it).
fn public_document(document: serde_json::Value) -> Response {
    noted(
        allow_any_origin(no_store(Json(document).into_response())),
        LogNote::new(None, "ok"),
    )
}

/// `GET /{tenant}/discovery/v2.0/keys`.
pub(crate) async fn jwks(
    State(shared): AppState,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !shared.is_this_tenant(&tenant) {
        return tenant_error_json(&shared, &headers, &tenant);
    }
    let (failing, keys) = {
        let mut state = shared.lock();
        let failing = state
            .faults
            .take(Phase::Jwks)
            .iter()
            .any(|a| a.fault == crate::Fault::JwksUnavailable);
        // A failed fetch is still a fetch: withheld keys count it.
        (failing, state.keys.fetch())
    };
    if failing {
        let response = allow_any_origin(html_server_error("The key set is unavailable."));
        return noted(response, LogNote::new(None, "fault=jwks_unavailable"));
    }
    let document = jwks_document(&keys, &shared.urls.issuer);
    public_document(document)
}

/// `GET|POST /{tenant}/openid/v2.0/userinfo` with `Authorization: Bearer {access token}` (Entra's is
/// `https://graph.microsoft.com/oidc/userinfo`).
pub(crate) async fn userinfo(
    State(shared): AppState,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !shared.is_this_tenant(&tenant) {
        return tenant_error_json(&shared, &headers, &tenant);
    }
    let unauthorized = |why: &str| {
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
    };
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
    else {
        return unauthorized("no bearer token");
    };
    let keys = shared.lock().keys.verification_keys();
    let Some(claims) = verify(token.trim(), &keys) else {
        return unauthorized("the token is not one this tenant signed");
    };
    let now = shared.clock.now();
    if claims
        .get("exp")
        .and_then(|v| v.as_i64())
        .is_none_or(|exp| exp <= now)
    {
        return unauthorized("the token has expired");
    }
    if claims.get("scp").is_none() {
        return unauthorized("not an access token");
    }
    let oid = claims
        .get("oid")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let client = claims
        .get("azp")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let Some(user) = shared.lock().user(oid).cloned() else {
        return unauthorized("the user no longer exists");
    };
    let body = json!({
        "sub": claims.get("sub"),
        "name": user.display_name,
        "given_name": user.given_name,
        "family_name": user.surname,
        "email": user.email,
    });
    noted(
        allow_any_origin(Json(body).into_response()),
        LogNote::new(client.as_deref(), "ok"),
    )
}
