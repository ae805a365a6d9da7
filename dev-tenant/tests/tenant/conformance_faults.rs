//! The conformance faults: what each changes in the ID token, the JWKS, discovery, the token response or the
//! authorization response, and that the next answer is Entra-like again.

use crate::support::*;
use axum::http::StatusCode;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use dev_tenant::{SPA_CLIENT_ID, TENANT_ID};
use serde_json::Value;

/// Arms `fault`, signs in with the SPA client and redeems: the token response.
async fn tokens_with(h: &Harness, fault: &str) -> Value {
    h.arm(&format!(r#"{{"faults":["{fault}"]}}"#)).await;
    h.spa_tokens(&email(fault)).await.0
}

fn id_token(tokens: &Value) -> &str {
    tokens["id_token"].as_str().expect("an id_token")
}

#[tokio::test]
async fn claim_faults_drop_nonce_or_aud_and_name_another_azp() {
    let h = Harness::new();
    let (_, claims) = parts(id_token(&tokens_with(&h, "missing_nonce").await));
    assert!(claims.get("nonce").is_none() && claims["aud"] == SPA_CLIENT_ID);
    let (_, claims) = parts(id_token(&tokens_with(&h, "missing_aud").await));
    assert!(claims.get("aud").is_none() && claims["nonce"].is_string());
    let (_, claims) = parts(id_token(&tokens_with(&h, "azp_not_client").await));
    assert!(claims["azp"].is_string() && claims["azp"] != SPA_CLIENT_ID);
    let (_, claims) = parts(id_token(&tokens_with(&h, "with_auth_time").await));
    assert!(claims["auth_time"]
        .as_i64()
        .is_some_and(|t| t <= claims["iat"].as_i64().unwrap_or(0)));
    let (_, claims) = parts(id_token(&h.spa_tokens(&email("clean")).await.0));
    assert!(
        claims.get("auth_time").is_none() && claims.get("azp").is_none(),
        "Entra-like again"
    );
}

#[tokio::test]
async fn header_faults_add_crit_or_declare_an_access_token_type() {
    let h = Harness::new();
    let (header, _) = parts(id_token(&tokens_with(&h, "crit_header").await));
    let extension = header["crit"][0]
        .as_str()
        .expect("a crit extension")
        .to_string();
    assert_eq!(header[&extension], true);
    let (header, _) = parts(id_token(&tokens_with(&h, "typ_not_jwt").await));
    assert_eq!(header["typ"], "at+jwt");
    let (header, _) = parts(id_token(&h.spa_tokens(&email("clean")).await.0));
    assert_eq!(header["typ"], "JWT");
    assert!(header.get("crit").is_none());
}

#[tokio::test]
async fn duplicate_sub_names_sub_twice_in_the_signed_payload() {
    let h = Harness::new();
    let tokens = tokens_with(&h, "duplicate_sub").await;
    let payload = id_token(&tokens).split('.').nth(1).expect("a payload");
    let json =
        String::from_utf8(URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("UTF-8");
    assert_eq!(json.matches("\"sub\":").count(), 2, "{json}");
}

#[tokio::test]
async fn id_token_jwe_has_five_parts() {
    let h = Harness::new();
    let tokens = tokens_with(&h, "id_token_jwe").await;
    assert_eq!(id_token(&tokens).split('.').count(), 5);
    assert!(tokens["access_token"].is_string());
}

#[tokio::test]
async fn token_response_faults_drop_the_id_token_or_change_the_token_type() {
    let h = Harness::new();
    let tokens = tokens_with(&h, "token_without_id_token").await;
    assert!(tokens.get("id_token").is_none() && tokens["access_token"].is_string());
    let tokens = tokens_with(&h, "token_type_pop").await;
    assert_eq!(tokens["token_type"], "pop");
    assert_eq!(
        h.spa_tokens(&email("clean")).await.0["token_type"],
        "Bearer"
    );
}

fn signing_key(jwks: &Value) -> &Value {
    &jwks["keys"][0]
}

#[tokio::test]
async fn jwks_key_faults_change_the_signing_key_entry_for_one_fetch() {
    let h = Harness::new();
    let clean = h.jwks().await;
    let kid = signing_key(&clean)["kid"].clone();
    for (fault, member, value) in [
        ("jwks_key_kty_ec", "kty", "EC"),
        ("jwks_key_use_enc", "use", "enc"),
        ("jwks_key_alg_rs384", "alg", "RS384"),
    ] {
        h.arm(&format!(r#"{{"faults":["{fault}"]}}"#)).await;
        let jwks = h.jwks().await;
        assert_eq!(signing_key(&jwks)[member], value, "{fault}");
        assert_eq!(signing_key(&jwks)["kid"], kid, "{fault}");
    }
    h.arm(r#"{"faults":["jwks_key_1024_bits"]}"#).await;
    let n = h.jwks().await["keys"][0]["n"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let n = URL_SAFE_NO_PAD.decode(n).expect("base64url n");
    assert_eq!((n.len(), n[0] & 0x80), (128, 0x80));
    h.arm(r#"{"faults":["jwks_duplicate_kid"]}"#).await;
    let jwks = h.jwks().await;
    let same: Vec<&Value> = jwks["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|k| k["kid"] == kid)
        .collect();
    assert_eq!(same.len(), 2);
    assert_ne!(same[0]["n"], same[1]["n"]);
    assert_eq!(h.jwks().await, clean, "Entra-like again");
}

#[tokio::test]
async fn jwks_body_faults_truncate_it_or_drop_cors() {
    let h = Harness::new();
    let path = format!("/{TENANT_ID}/discovery/v2.0/keys");
    h.arm(r#"{"faults":["jwks_malformed"]}"#).await;
    let cut = h.get(&path, &[]).await;
    assert_eq!(cut.status, StatusCode::OK);
    assert!(
        serde_json::from_str::<Value>(&cut.body).is_err(),
        "{}",
        cut.body
    );
    h.arm(r#"{"faults":["jwks_no_cors"]}"#).await;
    let hidden = h.get(&path, &[("origin", APP_ORIGIN)]).await;
    assert_eq!(hidden.status, StatusCode::OK);
    assert_eq!(hidden.header("access-control-allow-origin"), None);
    let clean = h.get(&path, &[("origin", APP_ORIGIN)]).await;
    assert_eq!(clean.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn discovery_faults_change_the_issuer_an_endpoint_or_the_algorithms_once() {
    let h = Harness::new();
    let path = format!("/{TENANT_ID}/v2.0/.well-known/openid-configuration");
    h.arm(r#"{"faults":["discovery_other_issuer"]}"#).await;
    let issuer = h.get(&path, &[]).await.json()["issuer"].clone();
    assert!(
        issuer.is_string()
            && issuer != h.issuer().as_str()
            && !issuer.to_string().contains(TENANT_ID)
    );
    h.arm(r#"{"faults":["discovery_http_endpoint"]}"#).await;
    let endpoint = h.get(&path, &[]).await.json()["token_endpoint"].clone();
    assert!(endpoint
        .as_str()
        .is_some_and(|e| e.starts_with("http://login.dev-tenant.example/")));
    h.arm(r#"{"faults":["discovery_without_rs256"]}"#).await;
    let algs = h.get(&path, &[]).await.json()["id_token_signing_alg_values_supported"].clone();
    assert_eq!(algs, serde_json::json!(["PS256"]));
    let clean = h.get(&path, &[]).await.json();
    assert_eq!(clean["issuer"], h.issuer().as_str());
    assert_eq!(
        clean["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256"])
    );
}

#[tokio::test]
async fn authorize_wrong_iss_adds_another_tenants_iss_to_the_answer_once() {
    let h = Harness::new();
    h.arm(r#"{"faults":["authorize_wrong_iss"]}"#).await;
    let browser = Browser::default();
    let email = email("mix-up");
    let params = h.sign_in(&browser, &Authorization::spa(), &email).await;
    let iss = params.get("iss").expect("an iss");
    assert!(iss != &h.issuer() && !iss.contains(TENANT_ID), "{iss}");
    let params = h.sign_in(&browser, &Authorization::spa(), &email).await;
    assert_eq!(params.get("iss"), None, "Entra sends no iss");
}
