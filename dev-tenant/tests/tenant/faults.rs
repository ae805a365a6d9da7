//! Fault injection: one test per fault, plus arming, counting, listing and clearing.

use crate::support::*;
use axum::http::{Method, StatusCode};
use dev_tenant::{Fault, FaultRequest, SPA_CLIENT_ID};
use jsonwebtoken::{Algorithm, DecodingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use serde_json::Value;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Arms `fault` for the next response, signs in and redeems: the ID token's header, claims and the whole token.
async fn faulty_id_token(h: &Harness, fault: &str) -> (Value, Value, String, Authorization) {
    h.arm(&format!(r#"{{"faults":["{fault}"]}}"#)).await;
    let (tokens, auth) = h.spa_tokens(&email(fault)).await;
    let id_token = tokens["id_token"]
        .as_str()
        .expect("an id_token")
        .to_string();
    let (header, claims) = parts(&id_token);
    (header, claims, id_token, auth)
}

/// Whether the token verifies with the published key its header names.
async fn verifies_with_published_kid(h: &Harness, id_token: &str) -> bool {
    let (header, _) = parts(id_token);
    let jwks = h.jwks().await;
    jwk_for(&jwks, header["kid"].as_str().unwrap_or(""))
        .is_some_and(|jwk| rs256_verifies(id_token, jwk))
}

#[tokio::test]
async fn wrong_iss_names_another_tenant() {
    let h = Harness::new();
    let (_, claims, token, _) = faulty_id_token(&h, "wrong_iss").await;
    let iss = claims["iss"].as_str().unwrap();
    assert_ne!(iss, h.issuer());
    assert!(
        iss.ends_with("/v2.0") && !iss.contains(dev_tenant::TENANT_ID),
        "{iss}"
    );
    assert!(
        verifies_with_published_kid(&h, &token).await,
        "only the claim is wrong"
    );
}

#[tokio::test]
async fn wrong_aud_names_another_application_and_leaves_the_access_token_alone() {
    let h = Harness::new();
    h.arm(r#"{"faults":["wrong_aud"]}"#).await;
    let (tokens, _) = h.spa_tokens(&email("wrong-aud")).await;
    let (_, claims) = parts(tokens["id_token"].as_str().unwrap());
    assert!(claims["aud"].is_string());
    assert_ne!(claims["aud"], SPA_CLIENT_ID);
    let (_, access) = parts(tokens["access_token"].as_str().unwrap());
    assert_eq!(access["azp"], SPA_CLIENT_ID);
}

#[tokio::test]
async fn extra_aud_without_azp_adds_an_audience_and_no_azp() {
    let h = Harness::new();
    let (_, claims, _, _) = faulty_id_token(&h, "extra_aud_without_azp").await;
    let aud = claims["aud"].as_array().expect("an array aud");
    assert_eq!(aud.len(), 2);
    assert_eq!(aud[0], SPA_CLIENT_ID);
    assert!(claims.get("azp").is_none());
}

#[tokio::test]
async fn missing_sub_drops_sub() {
    let h = Harness::new();
    let (_, claims, token, _) = faulty_id_token(&h, "missing_sub").await;
    assert!(claims.get("sub").is_none());
    assert!(verifies_with_published_kid(&h, &token).await);
}

#[tokio::test]
async fn missing_iat_drops_iat() {
    let h = Harness::new();
    let (_, claims, _, _) = faulty_id_token(&h, "missing_iat").await;
    assert!(claims.get("iat").is_none());
    assert!(claims.get("exp").is_some());
}

#[tokio::test]
async fn expired_exp_is_in_the_past() {
    let h = Harness::new();
    let (_, claims, _, _) = faulty_id_token(&h, "expired_exp").await;
    let exp = claims["exp"].as_i64().unwrap();
    assert!(exp <= now() - 300, "exp {exp} is not well in the past");
    assert!(claims["iat"].as_i64().unwrap() < exp);
}

#[tokio::test]
async fn nbf_in_future_is_an_hour_ahead() {
    let h = Harness::new();
    let (_, claims, _, _) = faulty_id_token(&h, "nbf_in_future").await;
    assert!(claims["nbf"].as_i64().unwrap() >= now() + 3000);
}

#[tokio::test]
async fn iat_in_future_is_an_hour_ahead() {
    let h = Harness::new();
    let (_, claims, _, _) = faulty_id_token(&h, "iat_in_future").await;
    assert!(claims["iat"].as_i64().unwrap() >= now() + 3000);
}

#[tokio::test]
async fn wrong_nonce_differs_from_the_request() {
    let h = Harness::new();
    let (_, claims, _, auth) = faulty_id_token(&h, "wrong_nonce").await;
    let nonce = claims["nonce"].as_str().expect("a nonce");
    assert_ne!(Some(nonce), auth.nonce.as_deref());
}

#[tokio::test]
async fn alg_none_has_no_signature() {
    let h = Harness::new();
    let (header, claims, token, _) = faulty_id_token(&h, "alg_none").await;
    assert_eq!(header["alg"], "none");
    assert!(token.ends_with('.'));
    assert_eq!(claims["aud"], SPA_CLIENT_ID);
}

#[tokio::test]
async fn alg_hs256_public_key_is_an_hmac_keyed_with_the_public_key_pem() {
    let h = Harness::new();
    let (header, _, token, _) = faulty_id_token(&h, "alg_hs256_public_key").await;
    assert_eq!(header["alg"], "HS256");
    let jwks = h.jwks().await;
    let jwk = jwk_for(&jwks, header["kid"].as_str().unwrap()).expect("the published kid");
    let pem = shared_keys()[0].public_key_pem().to_string();
    assert!(
        pem.starts_with("-----BEGIN PUBLIC KEY-----\n")
            && pem.ends_with("-----END PUBLIC KEY-----\n")
    );
    let public = rsa::PublicKey::from_public_key_pem(&pem).expect("SPKI PEM");
    let n = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        public.n_bytes(),
    );
    assert_eq!(jwk["n"], n, "the PEM is the published key's");
    let (message, signature) = token.rsplit_once('.').unwrap();
    let key = DecodingKey::from_secret(pem.as_bytes()).unwrap();
    assert!(
        jsonwebtoken::crypto::verify(signature, message.as_bytes(), &key, Algorithm::HS256)
            .unwrap()
    );
}

#[tokio::test]
async fn unpublished_signing_key_keeps_the_published_kid_but_fails_verification() {
    let h = Harness::new();
    let (header, _, token, _) = faulty_id_token(&h, "unpublished_signing_key").await;
    assert_eq!(header["kid"], h.tenant.published_kids()[0]);
    assert!(!verifies_with_published_kid(&h, &token).await);
}

#[tokio::test]
async fn unknown_kid_is_never_published() {
    let h = Harness::new();
    let (header, _, _, _) = faulty_id_token(&h, "unknown_kid").await;
    let kid = header["kid"].as_str().unwrap();
    for _ in 0..3 {
        assert!(jwk_for(&h.jwks().await, kid).is_none());
    }
}

#[tokio::test]
async fn kid_not_yet_published_appears_on_the_next_jwks_fetch() {
    let h = Harness::new();
    let before = h.jwks().await;
    let (header, _, token, _) = faulty_id_token(&h, "kid_not_yet_published").await;
    let kid = header["kid"].as_str().unwrap();
    assert!(jwk_for(&before, kid).is_none());
    let first = h.jwks().await;
    assert!(
        jwk_for(&first, kid).is_none(),
        "left out of the first fetch after the token"
    );
    let second = h.jwks().await;
    let jwk = jwk_for(&second, kid).expect("published on the next fetch");
    assert!(rs256_verifies(&token, jwk));
    assert!(
        jwk_for(&second, &h.tenant.published_kids()[0]).is_some(),
        "the old key stays published"
    );
}

#[tokio::test]
async fn missing_kid_single_key_has_no_kid_and_one_published_key() {
    let h = Harness::new();
    let (header, _, token, _) = faulty_id_token(&h, "missing_kid_single_key").await;
    assert!(header.get("kid").is_none());
    let jwks = h.jwks().await;
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert!(rs256_verifies(&token, &keys[0]));
}

#[tokio::test]
async fn missing_kid_single_key_cannot_be_armed_with_several_keys() {
    let h = Harness::with(|c| c.rotate_keys = true);
    let reply = h
        .send_json(
            Method::POST,
            "/_dev/faults",
            r#"{"faults":["missing_kid_single_key"]}"#,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.json()["error"]
        .as_str()
        .unwrap()
        .contains("exactly one key"));
}

#[tokio::test]
async fn missing_kid_several_keys_has_no_kid_and_several_published_keys() {
    let h = Harness::new();
    let (header, _, token, _) = faulty_id_token(&h, "missing_kid_several_keys").await;
    assert!(header.get("kid").is_none());
    let jwks = h.jwks().await;
    let keys = jwks["keys"].as_array().unwrap();
    assert!(keys.len() >= 2);
    assert_eq!(keys.iter().filter(|k| rs256_verifies(&token, k)).count(), 1);
}

#[tokio::test]
async fn token_server_error_answers_500_with_html_then_recovers() {
    let h = Harness::new();
    let auth = Authorization::spa();
    let params = h.sign_in(&Browser::default(), &auth, &email("500")).await;
    h.arm(r#"{"faults":["token_server_error"]}"#).await;
    let reply = h.redeem(&auth, &params["code"]).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(reply.body.contains("<html"));
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some(APP_ORIGIN),
        "the browser can see the failure"
    );
    assert_eq!(
        h.redeem(&auth, &params["code"]).await.status,
        StatusCode::OK,
        "the code was not used"
    );
}

#[tokio::test]
async fn token_stall_waits_before_answering() {
    let h = Harness::new();
    let auth = Authorization::spa();
    let params = h.sign_in(&Browser::default(), &auth, &email("stall")).await;
    h.arm(r#"{"faults":["token_stall"],"stall_seconds":1}"#)
        .await;
    let started = Instant::now();
    let reply = h.redeem(&auth, &params["code"]).await;
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn jwks_unavailable_fails_the_next_fetch_only() {
    let h = Harness::new();
    h.arm(r#"{"faults":["jwks_unavailable"]}"#).await;
    let path = format!("/{}/discovery/v2.0/keys", dev_tenant::TENANT_ID);
    let failed = h.get(&path, &[]).await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(failed
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(h.get(&path, &[]).await.status, StatusCode::OK);
}

/// Arms the refresh-grant `fault`, signs in and checks that the code grant's ID token is not faulted: the tokens,
/// those claims and the request's nonce.
async fn signed_in_with_refresh_fault(
    h: &Harness,
    fault: &str,
    count: u32,
) -> (Value, Value, String) {
    h.arm(&format!(r#"{{"faults":["{fault}"],"count":{count}}}"#))
        .await;
    let (tokens, auth) = h.spa_tokens(&email(fault)).await;
    let nonce = auth.nonce.expect("a nonce in the request");
    let claims = id_claims(&tokens);
    assert_eq!(
        claims["nonce"],
        nonce.as_str(),
        "the code grant is not faulted"
    );
    (tokens, claims, nonce)
}

/// The claims of the ID token the refresh grant with the refresh token of `tokens` returns, and the new tokens.
async fn refreshed_id_claims(h: &Harness, tokens: &Value) -> (Value, Value) {
    let refreshed = h
        .spa_refresh(tokens["refresh_token"].as_str().expect("a refresh token"))
        .await
        .json();
    (id_claims(&refreshed), refreshed)
}

#[tokio::test]
async fn refresh_different_sub_changes_only_the_refreshed_id_token() {
    let h = Harness::new();
    let (tokens, original, _) = signed_in_with_refresh_fault(&h, "refresh_different_sub", 1).await;
    let (claims, refreshed) = refreshed_id_claims(&h, &tokens).await;
    assert_ne!(claims["sub"], original["sub"]);
    assert_eq!(claims["oid"], original["oid"]);
    let (again, _) = refreshed_id_claims(&h, &refreshed).await;
    assert_eq!(again["sub"], original["sub"], "used up");
}

#[tokio::test]
async fn refresh_single_use_fault_rejects_a_reused_refresh_token() {
    let h = Harness::new();
    let (tokens, _) = h.spa_tokens(&email("single-use")).await;
    let first = tokens["refresh_token"].as_str().unwrap();
    let redeemed = h.spa_refresh(first).await;
    assert_eq!(redeemed.status, StatusCode::OK, "{}", redeemed.body);
    let second = redeemed.json()["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();

    h.arm(r#"{"faults":["refresh_single_use"]}"#).await;
    let reused = h.spa_refresh(first).await;
    assert_eq!(reused.status, StatusCode::BAD_REQUEST);
    assert_eq!(reused.json()["error"], "invalid_grant");
    assert_eq!(aadsts(&reused), 70000);
    assert_eq!(
        h.get("/_dev/faults", &[]).await.json()["armed"],
        serde_json::json!([]),
        "one rejection uses up a count of 1"
    );
    assert_eq!(
        h.spa_refresh(first).await.status,
        StatusCode::OK,
        "disarmed, the reused token is accepted again, as in Entra"
    );

    h.arm(r#"{"faults":["refresh_single_use"]}"#).await;
    assert_eq!(
        h.spa_refresh(&second).await.status,
        StatusCode::OK,
        "a token not redeemed before is accepted while armed"
    );
    assert_eq!(aadsts(&h.spa_refresh(&second).await), 70000);
}

#[tokio::test]
async fn refresh_nonce_omitted_drops_the_nonce_of_the_refreshed_id_token_only() {
    let h = Harness::new();
    let (tokens, _, nonce) = signed_in_with_refresh_fault(&h, "refresh_nonce_omitted", 1).await;
    let (claims, refreshed) = refreshed_id_claims(&h, &tokens).await;
    assert!(claims.get("nonce").is_none(), "{claims}");
    assert!(verifies_with_published_kid(&h, refreshed["id_token"].as_str().unwrap()).await);
    let (again, _) = refreshed_id_claims(&h, &refreshed).await;
    assert_eq!(again["nonce"], nonce.as_str(), "used up");
}

#[tokio::test]
async fn refresh_nonce_changed_gives_the_refreshed_id_token_a_new_random_nonce() {
    let h = Harness::new();
    let (tokens, _, nonce) = signed_in_with_refresh_fault(&h, "refresh_nonce_changed", 2).await;
    let mut seen = Vec::new();
    for _ in 0..2 {
        let (claims, _) = refreshed_id_claims(&h, &tokens).await;
        let changed = claims["nonce"].as_str().expect("a nonce").to_string();
        assert!(!changed.is_empty() && changed != nonce, "{changed}");
        seen.push(changed);
    }
    assert_ne!(seen[0], seen[1], "random each time");
    let (after, _) = refreshed_id_claims(&h, &tokens).await;
    assert_eq!(after["nonce"], nonce.as_str(), "used up");
}

#[tokio::test]
async fn count_applies_faults_to_that_many_token_responses() {
    let h = Harness::new();
    h.arm(r#"{"faults":["wrong_aud","missing_iat"],"count":2}"#)
        .await;
    for round in 0..3 {
        let (tokens, _) = h.spa_tokens(&email("count")).await;
        let (_, claims) = parts(tokens["id_token"].as_str().unwrap());
        let faulty = round < 2;
        assert_eq!(claims["aud"] != SPA_CLIENT_ID, faulty, "round {round}");
        assert_eq!(claims.get("iat").is_none(), faulty, "round {round}");
    }
}

#[tokio::test]
async fn faults_are_listed_and_cleared() {
    let h = Harness::new();
    h.arm(r#"{"faults":["wrong_iss"],"count":3}"#).await;
    let listed = h.get("/_dev/faults", &[]).await.json();
    assert_eq!(listed["armed"][0]["fault"], "wrong_iss");
    assert_eq!(listed["armed"][0]["remaining"], 3);
    let cleared = h.send_json(Method::DELETE, "/_dev/faults", "").await;
    assert_eq!(cleared.status, StatusCode::OK);
    assert_eq!(cleared.json()["armed"], serde_json::json!([]));
    let (tokens, _) = h.spa_tokens(&email("cleared")).await;
    assert_eq!(
        parts(tokens["id_token"].as_str().unwrap()).1["iss"],
        h.issuer()
    );
}

#[tokio::test]
async fn unknown_fault_names_are_rejected_with_the_known_ones() {
    let h = Harness::new();
    let reply = h
        .send_json(
            Method::POST,
            "/_dev/faults",
            r#"{"faults":["wrong_audience"]}"#,
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let error = reply.json()["error"].as_str().unwrap().to_string();
    assert!(
        error.contains("wrong_audience") && error.contains("wrong_aud,"),
        "{error}"
    );
    let reply = h.send_json(Method::POST, "/_dev/faults", "not json").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn faults_can_be_armed_through_the_library() {
    let h = Harness::new();
    h.tenant
        .arm_faults(&FaultRequest::new([Fault::MissingSub]))
        .expect("armed");
    let (tokens, _) = h.spa_tokens(&email("library")).await;
    assert!(parts(tokens["id_token"].as_str().unwrap())
        .1
        .get("sub")
        .is_none());
    h.tenant
        .arm_faults(&FaultRequest::new([Fault::MissingSub]))
        .expect("armed");
    h.tenant.clear_faults();
    let (tokens, _) = h.spa_tokens(&email("library2")).await;
    assert!(parts(tokens["id_token"].as_str().unwrap())
        .1
        .get("sub")
        .is_some());
}
