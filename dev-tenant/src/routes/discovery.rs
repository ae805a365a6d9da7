//! OpenID Connect discovery and the JWKS.

use super::cors::allow_any_origin;
use super::headers::no_store;
use super::request_log::{noted, LogNote};
use super::responses::{html_server_error, tenant_error_json};
use crate::faults::{Fault, Phase};
use crate::keys::jwks as jwks_document;
use crate::shared::Shared;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// `GET /{tenant}/v2.0/.well-known/openid-configuration`: Entra's field set for a CIAM tenant.
pub(crate) async fn openid_configuration(
    State(shared): Shared,
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
    State(shared): Shared,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !shared.is_this_tenant(&tenant) {
        return tenant_error_json(&shared, &headers, &tenant);
    }
    let (failing, keys) = {
        let mut memory = shared.lock();
        let failing = memory
            .faults
            .take(Phase::Jwks)
            .iter()
            .any(|a| a.fault == Fault::JwksUnavailable);
        // A failed fetch is still a fetch: withheld keys count it.
        (failing, memory.keys.fetch())
    };
    if failing {
        let response = allow_any_origin(html_server_error("The key set is unavailable."));
        return noted(response, LogNote::new(None, "fault=jwks_unavailable"));
    }
    let document = jwks_document(&keys, &shared.urls.issuer);
    public_document(document)
}
