//! The refresh token grant: rotation, reuse, SPA lifetime, scopes.

use crate::support::*;
use axum::http::StatusCode;
use std::time::Duration;

async fn refresh(h: &Harness, token: &str) -> Reply {
    h.spa_token(&[("grant_type", "refresh_token"), ("refresh_token", token)])
        .await
}

#[tokio::test]
async fn refresh_rotates_the_token_and_rejects_the_old_one_with_invalid_grant() {
    let h = Harness::new();
    let (tokens, _) = h.spa_tokens(&email("rotate")).await;
    let first = tokens["refresh_token"].as_str().unwrap();
    let reply = refresh(&h, first).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let second = reply.json()["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(second, first);

    let reused = refresh(&h, first).await;
    assert_eq!(reused.status, StatusCode::BAD_REQUEST);
    assert_eq!(reused.json()["error"], "invalid_grant");
    assert_eq!(aadsts(&reused), 70000);
    assert_eq!(
        refresh(&h, &second).await.status,
        StatusCode::OK,
        "the newest token still works"
    );
}

#[tokio::test]
async fn refreshed_id_token_keeps_the_subject_and_has_no_nonce() {
    let h = Harness::new();
    let (tokens, _) = h.spa_tokens(&email("nonce")).await;
    let (_, original) = parts(tokens["id_token"].as_str().unwrap());
    assert!(original.get("nonce").is_some());
    let body = refresh(&h, tokens["refresh_token"].as_str().unwrap())
        .await
        .json();
    let id_token = body["id_token"].as_str().unwrap();
    let (header, claims) = parts(id_token);
    assert!(claims.get("nonce").is_none());
    assert_eq!(claims["sub"], original["sub"]);
    assert_eq!(claims["sid"], original["sid"]);
    let jwks = h.jwks().await;
    assert!(rs256_verifies(
        id_token,
        jwk_for(&jwks, header["kid"].as_str().unwrap()).unwrap()
    ));
}

#[tokio::test]
async fn spa_refresh_tokens_expire_24_hours_after_sign_in_with_aadsts700084() {
    let h = Harness::new();
    let (tokens, _) = h.spa_tokens(&email("spa24h")).await;
    assert_eq!(tokens["refresh_token_expires_in"], 86_400);
    h.tenant.advance_clock(Duration::from_secs(23 * 3600));
    let reply = refresh(&h, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(reply.status, StatusCode::OK);
    let rotated = reply.json();
    let left = rotated["refresh_token_expires_in"].as_i64().unwrap();
    assert!(
        (3590..=3600).contains(&left),
        "rotation does not extend the lifetime: {left}"
    );
    h.tenant.advance_clock(Duration::from_secs(3600));
    let expired = refresh(&h, rotated["refresh_token"].as_str().unwrap()).await;
    assert_eq!(expired.json()["error"], "invalid_grant");
    assert_eq!(aadsts(&expired), 700084);
}

#[tokio::test]
async fn refresh_token_lifetime_is_configurable() {
    let h = Harness::with(|c| c.lifetimes.spa_refresh_token = Duration::from_secs(5));
    let (tokens, _) = h.spa_tokens(&email("short")).await;
    h.tenant.advance_clock(Duration::from_secs(6));
    assert_eq!(
        aadsts(&refresh(&h, tokens["refresh_token"].as_str().unwrap()).await),
        700084
    );
}

#[tokio::test]
async fn web_refresh_tokens_renew_on_rotation_and_need_the_secret() {
    let h = Harness::new();
    let auth = Authorization::web();
    let params = h.sign_in(&Browser::default(), &auth, &email("webrt")).await;
    let tokens = h.redeem(&auth, &params["code"]).await.json();
    let token = tokens["refresh_token"].as_str().unwrap();
    assert!(tokens.get("refresh_token_expires_in").is_none());
    let fields = [("grant_type", "refresh_token"), ("refresh_token", token)];
    let without_secret = h
        .post_form(
            &token_path(),
            &[
                ("client_id", dev_tenant::WEB_CLIENT_ID),
                fields[0],
                fields[1],
            ],
            &[],
        )
        .await;
    assert_eq!(aadsts(&without_secret), 7000218);
    let reply = h.web_token(&fields).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test]
async fn a_spa_refresh_token_is_not_accepted_from_the_web_client() {
    let h = Harness::new();
    let (tokens, _) = h.spa_tokens(&email("crossclient")).await;
    let reply = h
        .web_token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ])
        .await;
    assert_eq!(aadsts(&reply), 70000);
}

#[tokio::test]
async fn refresh_may_narrow_the_scopes_but_not_widen_them() {
    let h = Harness::new();
    let (tokens, _) = h.spa_tokens(&email("scopes")).await;
    let narrowed = h
        .spa_token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
            ("scope", "openid offline_access"),
        ])
        .await
        .json();
    assert_eq!(narrowed["scope"], "openid offline_access");
    let widened = h
        .spa_token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", narrowed["refresh_token"].as_str().unwrap()),
            ("scope", "openid User.Read"),
        ])
        .await;
    assert_eq!(
        (widened.json()["error"].as_str(), aadsts(&widened)),
        (Some("invalid_scope"), 70011)
    );
}
