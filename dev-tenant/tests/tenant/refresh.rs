//! The refresh token grant: rotation, reuse (allowed, as in Entra), the nonce of the chain, lifetimes, scopes.

use crate::support::*;
use axum::http::StatusCode;
use std::time::Duration;

#[tokio::test]
async fn refresh_token_stays_valid_after_it_is_redeemed() {
    let h = Harness::new();
    let (tokens, _) = h.spa_tokens(&email("reuse")).await;
    let first = tokens["refresh_token"].as_str().unwrap();
    let reply = h.spa_refresh(first).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let second = reply.json()["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(
        second, first,
        "each redemption still returns a new refresh token"
    );

    let reused = h.spa_refresh(first).await;
    assert_eq!(reused.status, StatusCode::OK, "{}", reused.body);
    let third = reused.json()["refresh_token"].as_str().unwrap().to_string();
    assert!(third != first && third != second);
    for token in [first, second.as_str(), third.as_str()] {
        assert_eq!(
            h.spa_refresh(token).await.status,
            StatusCode::OK,
            "every token of the chain stays valid"
        );
    }
}

#[tokio::test]
async fn refreshed_id_token_repeats_the_original_nonce() {
    let h = Harness::new();
    let (tokens, auth) = h.spa_tokens(&email("nonce")).await;
    let nonce = auth.nonce.clone().expect("a nonce in the request");
    let original = id_claims(&tokens);
    assert_eq!(original["nonce"], nonce.as_str());
    let body = h
        .spa_refresh(tokens["refresh_token"].as_str().unwrap())
        .await
        .json();
    let id_token = body["id_token"].as_str().unwrap();
    let (header, claims) = parts(id_token);
    assert_eq!(claims["nonce"], nonce.as_str());
    assert_eq!(claims["sub"], original["sub"]);
    assert_eq!(claims["sid"], original["sid"]);
    let jwks = h.jwks().await;
    assert!(rs256_verifies(
        id_token,
        jwk_for(&jwks, header["kid"].as_str().unwrap()).unwrap()
    ));
    let again = h
        .spa_refresh(body["refresh_token"].as_str().unwrap())
        .await
        .json();
    assert_eq!(
        id_claims(&again)["nonce"],
        nonce.as_str(),
        "the nonce goes with the whole chain"
    );
}

#[tokio::test]
async fn refreshed_id_token_has_no_nonce_when_the_sign_in_sent_none() {
    let h = Harness::new();
    let mut auth = Authorization::spa();
    auth.nonce = None;
    let params = h
        .sign_in(&Browser::default(), &auth, &email("nononce"))
        .await;
    let tokens = h.redeem(&auth, &params["code"]).await.json();
    let refreshed = h
        .spa_refresh(tokens["refresh_token"].as_str().unwrap())
        .await
        .json();
    let claims = id_claims(&refreshed);
    assert!(claims.get("nonce").is_none(), "{claims}");
}

#[tokio::test]
async fn spa_refresh_tokens_expire_24_hours_after_sign_in_with_aadsts700084() {
    let h = Harness::new();
    let (tokens, _) = h.spa_tokens(&email("spa24h")).await;
    assert_eq!(tokens["refresh_token_expires_in"], 86_400);
    h.tenant.advance_clock(Duration::from_secs(23 * 3600));
    let reply = h
        .spa_refresh(tokens["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let rotated = reply.json();
    let left = rotated["refresh_token_expires_in"].as_i64().unwrap();
    assert!(
        (3590..=3600).contains(&left),
        "rotation does not extend the lifetime: {left}"
    );
    h.tenant.advance_clock(Duration::from_secs(3600));
    let expired = h
        .spa_refresh(rotated["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(expired.json()["error"], "invalid_grant");
    assert_eq!(aadsts(&expired), 700084);
}

#[tokio::test]
async fn refresh_token_lifetime_is_configurable() {
    let h = Harness::with(|c| c.lifetimes.spa_refresh_token = Duration::from_secs(5));
    let (tokens, _) = h.spa_tokens(&email("short")).await;
    h.tenant.advance_clock(Duration::from_secs(6));
    assert_eq!(
        aadsts(
            &h.spa_refresh(tokens["refresh_token"].as_str().unwrap())
                .await
        ),
        700084
    );
}

#[tokio::test]
async fn web_refresh_tokens_need_the_secret_and_expire_24_hours_after_issue_with_aadsts700082() {
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

    h.tenant.advance_clock(Duration::from_secs(23 * 3600));
    let reply = h.web_token(&fields).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let rotated = reply.json()["refresh_token"].as_str().unwrap().to_string();
    h.tenant.advance_clock(Duration::from_secs(3600));
    let expired = h.web_token(&fields).await;
    assert_eq!(expired.json()["error"], "invalid_grant");
    assert_eq!(aadsts(&expired), 700082);
    let fresh = h
        .web_token(&[("grant_type", "refresh_token"), ("refresh_token", &rotated)])
        .await;
    assert_eq!(
        fresh.status,
        StatusCode::OK,
        "the rotated token counts its 24 hours from its own issue"
    );
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
