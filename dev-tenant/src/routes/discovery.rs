//! OpenID Connect discovery and the JWKS.

use super::cors::allow_any_origin;
use super::headers::no_store;
use super::request_log::{noted, LogNote};
use super::responses::{html_server_error, tenant_error_json};
use crate::faults::{Fault, Phase};
use crate::ids::{b64url, guid};
use crate::keys::jwks as jwks_document;
use crate::shared::Shared;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

/// `GET /{tenant}/v2.0/.well-known/openid-configuration`: Entra's field set for a CIAM tenant.
pub(crate) async fn openid_configuration(
    State(shared): Shared,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !shared.is_this_tenant(&tenant) {
        return tenant_error_json(&shared, &headers, &tenant);
    }
    let faults = shared.lock().faults.take(Phase::Discovery);
    let urls = &shared.urls;
    let mut document = json!({
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
    let names: Vec<&str> = faults.iter().map(|a| a.fault.name()).collect();
    for armed in &faults {
        discovery_fault(&mut document, armed.fault, &shared.config.tenant_id);
    }
    match names.is_empty() {
        true => public_document(document),
        false => {
            let note = format!("fault={}", names.join(","));
            noted(public_response(document), LogNote::new(None, note))
        }
    }
}

/// Changes the discovery document as `fault` says.
fn discovery_fault(document: &mut Value, fault: Fault, tenant_id: &str) {
    match fault {
        Fault::DiscoveryOtherIssuer => {
            let issuer = document["issuer"].as_str().unwrap_or_default();
            document["issuer"] = json!(issuer.replace(tenant_id, &guid()));
        }
        Fault::DiscoveryHttpEndpoint => {
            document["token_endpoint"] = json!(format!(
                "http://login.dev-tenant.example/{tenant_id}/oauth2/v2.0/token"
            ));
        }
        Fault::DiscoveryWithoutRs256 => {
            document["id_token_signing_alg_values_supported"] = json!(["PS256"]);
        }
        _ => {}
    }
}

/// A document any origin may read, never cached (the faults change it).
fn public_document(document: Value) -> Response {
    noted(public_response(document), LogNote::new(None, "ok"))
}

fn public_response(document: Value) -> Response {
    allow_any_origin(no_store(Json(document).into_response()))
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
    let (faults, keys) = {
        let mut memory = shared.lock();
        let faults: Vec<Fault> = memory
            .faults
            .take(Phase::Jwks)
            .iter()
            .map(|a| a.fault)
            .collect();
        // A failed fetch is still a fetch: withheld keys count it.
        (faults, memory.keys.fetch())
    };
    if faults.contains(&Fault::JwksUnavailable) {
        let response = allow_any_origin(html_server_error("The key set is unavailable."));
        return noted(response, LogNote::new(None, "fault=jwks_unavailable"));
    }
    let mut document = jwks_document(&keys, &shared.urls.issuer);
    if faults.is_empty() {
        return public_document(document);
    }
    let names: Vec<&str> = faults.iter().map(|f| f.name()).collect();
    let note = LogNote::new(None, format!("fault={}", names.join(",")));
    if let Some(Value::Array(listed)) = document.get_mut("keys") {
        for &fault in &faults {
            jwks_fault(listed, fault);
        }
    }
    let response = match faults.contains(&Fault::JwksMalformed) {
        true => {
            let text = document.to_string();
            let cut = &text[..text.len() / 2];
            no_store(([(header::CONTENT_TYPE, "application/json")], cut.to_owned()).into_response())
        }
        false => no_store(Json(document).into_response()),
    };
    match faults.contains(&Fault::JwksNoCors) {
        true => noted(response, note),
        false => noted(allow_any_origin(response), note),
    }
}

/// The modulus bytes of a listed RSA key (empty if it has none).
fn modulus(key: &Value) -> Vec<u8> {
    let n = key["n"].as_str().unwrap_or_default();
    URL_SAFE_NO_PAD.decode(n).unwrap_or_default()
}

/// Changes the listed keys as `fault` says; the first is the signing key.
fn jwks_fault(keys: &mut Vec<Value>, fault: Fault) {
    let Some(signing) = keys.first_mut() else {
        return;
    };
    match fault {
        Fault::JwksKeyKtyEc => {
            let kid = signing["kid"].clone();
            // P-256's generator point: a well-formed EC key that is not the signing key.
            *signing = json!({
                "kty": "EC", "use": "sig", "kid": kid, "crv": "P-256",
                "x": "axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY",
                "y": "T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU",
            });
        }
        Fault::JwksKeyUseEnc => signing["use"] = json!("enc"),
        Fault::JwksKeyAlgRs384 => signing["alg"] = json!("RS384"),
        Fault::JwksKey1024Bits => {
            // The first 128 bytes of a 2048-bit modulus: 1024 bits, the top one set.
            let n = modulus(signing);
            signing["n"] = json!(b64url(&n[..n.len().min(128)]));
        }
        Fault::JwksDuplicateKid => {
            let mut other = signing.clone();
            // Another modulus of the same size: the key's own bytes from the other end, the top bit set.
            let mut n = modulus(signing);
            n.reverse();
            if let Some(first) = n.first_mut() {
                *first |= 0x80;
            }
            other["n"] = json!(b64url(&n));
            keys.push(other);
        }
        _ => {}
    }
}
