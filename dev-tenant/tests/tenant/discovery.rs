//! Discovery and JWKS.

use crate::support::*;
use axum::http::StatusCode;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use dev_tenant::{IssuerMode, TENANT_ID};
use sha1::{Digest, Sha1};

fn discovery_path() -> String {
    format!("/{TENANT_ID}/v2.0/.well-known/openid-configuration")
}

#[tokio::test]
async fn discovery_document_has_entras_fields_and_a_tenant_host_issuer() {
    let h = Harness::new();
    let reply = h.get(&discovery_path(), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    let base = format!("http://127.0.0.1:8081/{TENANT_ID}");
    assert_eq!(
        doc["issuer"],
        format!("http://{TENANT_ID}.localhost:8081/{TENANT_ID}/v2.0")
    );
    assert_eq!(
        doc["authorization_endpoint"],
        format!("{base}/oauth2/v2.0/authorize")
    );
    assert_eq!(doc["token_endpoint"], format!("{base}/oauth2/v2.0/token"));
    assert_eq!(doc["jwks_uri"], format!("{base}/discovery/v2.0/keys"));
    assert_eq!(
        doc["end_session_endpoint"],
        format!("{base}/oauth2/v2.0/logout")
    );
    assert_eq!(
        doc["userinfo_endpoint"],
        format!("{base}/openid/v2.0/userinfo")
    );
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256"])
    );
    assert_eq!(
        doc["response_modes_supported"],
        serde_json::json!(["query", "fragment", "form_post"])
    );
    assert_eq!(
        doc["subject_types_supported"],
        serde_json::json!(["pairwise"])
    );
    for field in [
        "scopes_supported",
        "claims_supported",
        "token_endpoint_auth_methods_supported",
        "response_types_supported",
    ] {
        assert!(doc[field].is_array(), "{field}");
    }
    assert_eq!(h.issuer(), doc["issuer"]);
    assert_eq!(
        h.authority(),
        format!("http://127.0.0.1:8081/{TENANT_ID}/v2.0")
    );
}

#[tokio::test]
async fn issuer_equals_the_authority_when_configured() {
    let h = Harness::with(|c| c.issuer_mode = IssuerMode::Authority);
    let doc = h.get(&discovery_path(), &[]).await.json();
    assert_eq!(doc["issuer"], h.authority());
}

#[tokio::test]
async fn discovery_and_jwks_allow_any_origin_and_answer_preflights() {
    let h = Harness::new();
    for path in [
        discovery_path(),
        format!("/{TENANT_ID}/discovery/v2.0/keys"),
    ] {
        let reply = h.get(&path, &[("origin", APP_ORIGIN)]).await;
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some("*"),
            "{path}"
        );
        let preflight = h.preflight(&path, "GET", "x-custom").await;
        assert_eq!(preflight.status, StatusCode::NO_CONTENT, "{path}");
        assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
        assert!(preflight
            .header("access-control-allow-methods")
            .unwrap_or("")
            .contains("GET"));
        assert_eq!(
            preflight.header("access-control-allow-headers"),
            Some("x-custom")
        );
    }
}

#[tokio::test]
async fn unknown_tenant_gets_aadsts90002() {
    let h = Harness::new();
    let reply = h
        .get(
            "/11111111-2222-3333-4444-555555555555/v2.0/.well-known/openid-configuration",
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(aadsts(&reply), 90002);
}

#[tokio::test]
async fn discovery_accepts_the_onmicrosoft_domain_in_place_of_the_tenant_id() {
    let h = Harness::new();
    let reply = h
        .get(
            "/devtenant.onmicrosoft.com/v2.0/.well-known/openid-configuration",
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn jwks_publishes_an_rsa_signing_key_with_kid_x5t_and_its_certificate() {
    let h = Harness::new();
    let jwks = h.jwks().await;
    let keys = jwks["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 1);
    let key = &keys[0];
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["use"], "sig");
    assert_eq!(key["e"], "AQAB");
    let n = URL_SAFE_NO_PAD
        .decode(key["n"].as_str().unwrap())
        .expect("base64url n");
    assert_eq!(n.len(), 256, "a 2048-bit modulus");
    let cert = STANDARD
        .decode(key["x5c"][0].as_str().unwrap())
        .expect("base64 certificate");
    let thumbprint = URL_SAFE_NO_PAD.encode(Sha1::digest(&cert));
    assert_eq!(key["x5t"], thumbprint);
    assert_eq!(
        key["kid"], thumbprint,
        "like Entra, kid is the certificate thumbprint"
    );
    assert_eq!(h.tenant.published_kids(), vec![thumbprint]);
    assert!(
        cert.windows(n.len()).any(|w| w == n.as_slice()),
        "the certificate carries the published public key"
    );
}
