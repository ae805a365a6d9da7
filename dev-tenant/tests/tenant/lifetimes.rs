//! Lifetimes changed while the tenant runs: `Tenant::set_lifetimes` and `/_dev/lifetimes`.

use crate::support::*;
use axum::http::{Method, StatusCode};
use dev_tenant::Lifetimes;
use serde_json::Value;
use std::time::Duration;

/// `expires_in` of a token response, checked against its access token's `exp - iat`.
fn access_lifetime(body: &Value) -> i64 {
    let (_, claims) = parts(body["access_token"].as_str().expect("an access token"));
    let lifetime = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert_eq!(body["expires_in"].as_i64(), Some(lifetime), "{body}");
    assert_eq!(body["ext_expires_in"].as_i64(), Some(lifetime), "{body}");
    lifetime
}

fn seconds(secs: u64) -> Duration {
    Duration::from_secs(secs)
}

#[tokio::test]
async fn set_lifetimes_shortens_the_access_tokens_of_the_next_code_and_refresh_responses() {
    let h = Harness::new();
    let (before, _) = h.spa_tokens(&email("access-before")).await;
    assert!((3600..=5400).contains(&access_lifetime(&before)));

    h.tenant
        .set_lifetimes(Lifetimes::with_access_token(seconds(10)));
    let (issued, _) = h.spa_tokens(&email("access-short")).await;
    assert_eq!(access_lifetime(&issued), 10);
    let refreshed = h
        .spa_refresh(issued["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    assert_eq!(access_lifetime(&refreshed.json()), 10);
    let (_, id_claims) = parts(issued["id_token"].as_str().unwrap());
    assert_eq!(
        id_claims["exp"].as_i64().unwrap() - id_claims["iat"].as_i64().unwrap(),
        3600,
        "the ID token keeps its own lifetime"
    );
}

#[tokio::test]
async fn access_token_lifetime_is_drawn_between_min_and_max() {
    let h = Harness::new();
    h.tenant.set_lifetimes(Lifetimes {
        access_token_min: seconds(100),
        access_token_max: seconds(103),
        ..Lifetimes::default()
    });
    let (tokens, _) = h.spa_tokens(&email("drawn")).await;
    let token = tokens["refresh_token"].as_str().unwrap();
    let mut drawn = vec![access_lifetime(&tokens)];
    for _ in 0..15 {
        let reply = h.spa_refresh(token).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        drawn.push(access_lifetime(&reply.json()));
    }
    assert!(drawn.iter().all(|d| (100..=103).contains(d)), "{drawn:?}");
    assert!(
        drawn.iter().any(|&d| d != drawn[0]),
        "drawn per token, not fixed: {drawn:?}"
    );
}

#[tokio::test]
async fn default_access_tokens_last_60_to_90_minutes_and_id_tokens_60() {
    let h = Harness::new();
    let (tokens, _) = h.spa_tokens(&email("entra-defaults")).await;
    assert!((3600..=5400).contains(&access_lifetime(&tokens)));
    let (_, id_claims) = parts(tokens["id_token"].as_str().unwrap());
    assert_eq!(
        id_claims["exp"].as_i64().unwrap() - id_claims["iat"].as_i64().unwrap(),
        3600
    );
}

#[tokio::test]
async fn put_dev_lifetimes_refuses_a_minimum_above_the_maximum_naming_both() {
    let h = Harness::new();
    for body in [
        r#"{"access_token_min": 6000}"#,
        r#"{"access_token_min": 20, "access_token_max": 10}"#,
        r#"{"access_token_max": 60}"#,
    ] {
        let reply = h.send_json(Method::PUT, "/_dev/lifetimes", body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        let error = reply.json()["error"].as_str().unwrap().to_string();
        assert!(
            error.contains("`access_token_min`") && error.contains("`access_token_max`"),
            "{body}: {error}"
        );
    }
    assert_eq!(
        h.tenant.lifetimes(),
        Lifetimes::default(),
        "a refused request changes nothing"
    );
}

#[tokio::test]
async fn set_lifetimes_expires_spa_refresh_tokens_from_their_sign_in_with_aadsts700084() {
    let h = Harness::new();
    let (signed_in_before, _) = h.spa_tokens(&email("spa-before")).await;
    h.tenant.set_lifetimes(Lifetimes {
        spa_refresh_token: seconds(2),
        ..Lifetimes::default()
    });
    let (signed_in_after, _) = h.spa_tokens(&email("spa-after")).await;
    assert_eq!(signed_in_after["refresh_token_expires_in"], 2);

    h.tenant.advance_clock(seconds(3));
    for tokens in [&signed_in_before, &signed_in_after] {
        let reply = h
            .spa_refresh(tokens["refresh_token"].as_str().unwrap())
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(reply.json()["error"], "invalid_grant");
        assert_eq!(aadsts(&reply), 700084);
        let description = reply.json()["error_description"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            description.contains("fixed, limited lifetime of 0.00:00:02"),
            "the message states the lifetime in force: {description}"
        );
    }
}

#[tokio::test]
async fn setting_the_default_lifetimes_back_restores_the_normal_expiry() {
    let h = Harness::new();
    h.tenant.set_lifetimes(Lifetimes {
        spa_refresh_token: seconds(2),
        ..Lifetimes::with_access_token(seconds(10))
    });
    let (short, _) = h.spa_tokens(&email("restore-short")).await;
    h.tenant.set_lifetimes(Lifetimes::default());
    assert_eq!(h.tenant.lifetimes(), Lifetimes::default());

    let (tokens, _) = h.spa_tokens(&email("restore")).await;
    assert!((3600..=5400).contains(&access_lifetime(&tokens)));
    assert_eq!(tokens["refresh_token_expires_in"], 86_400);
    h.tenant.advance_clock(seconds(3));
    for token in [&tokens, &short] {
        let reply = h
            .spa_refresh(token["refresh_token"].as_str().unwrap())
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!((3600..=5400).contains(&access_lifetime(&reply.json())));
    }
}

#[tokio::test]
async fn set_lifetimes_leaves_the_configured_lifetimes_in_the_config() {
    let h = Harness::with(|c| c.lifetimes = Lifetimes::with_access_token(seconds(1234)));
    assert_eq!(h.tenant.lifetimes().access_token_max, seconds(1234));
    let short = Lifetimes::with_access_token(seconds(10));
    h.tenant.set_lifetimes(short);
    assert_eq!(h.tenant.lifetimes(), short);
    assert_eq!(
        h.tenant.config().lifetimes,
        Lifetimes::with_access_token(seconds(1234))
    );
}

#[tokio::test]
async fn get_dev_lifetimes_lists_every_lifetime_in_seconds() {
    let h = Harness::new();
    let reply = h.get("/_dev/lifetimes", &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        serde_json::json!({
            "id_token": 3600,
            "access_token_min": 3600,
            "access_token_max": 5400,
            "authorization_code": 600,
            "spa_refresh_token": 86_400,
            "web_refresh_token": 86_400,
            "otp_code": 600,
            "session": 86_400,
        })
    );
}

#[tokio::test]
async fn put_dev_lifetimes_changes_only_the_named_lifetimes() {
    let h = Harness::new();
    let reply = h
        .send_json(
            Method::PUT,
            "/_dev/lifetimes",
            r#"{"access_token_min": 10, "access_token_max": 10, "spa_refresh_token": 2}"#,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let listed = reply.json();
    assert_eq!(listed["access_token_min"], 10);
    assert_eq!(listed["access_token_max"], 10);
    assert_eq!(listed["spa_refresh_token"], 2);
    assert_eq!(listed["id_token"], 3600, "unnamed lifetimes stay");
    assert_eq!(h.get("/_dev/lifetimes", &[]).await.json(), listed);
    assert_eq!(
        h.tenant.lifetimes(),
        Lifetimes {
            spa_refresh_token: seconds(2),
            ..Lifetimes::with_access_token(seconds(10))
        }
    );

    let (tokens, _) = h.spa_tokens(&email("put-lifetimes")).await;
    assert_eq!(access_lifetime(&tokens), 10);
    assert_eq!(tokens["refresh_token_expires_in"], 2);
}

#[tokio::test]
async fn put_dev_lifetimes_rejects_an_unknown_or_non_integer_field_naming_it() {
    let h = Harness::new();
    for (body, named) in [
        (r#"{"access_token": 10}"#, "`access_token`"),
        (r#"{"access_token_max": 1.5}"#, "`access_token_max`"),
        (r#"{"session": "60"}"#, "`session`"),
        (r#"{"otp_code": -1}"#, "`otp_code`"),
    ] {
        let reply = h.send_json(Method::PUT, "/_dev/lifetimes", body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        let error = reply.json()["error"].as_str().unwrap().to_string();
        assert!(error.contains(named), "{body}: {error}");
    }
    let not_an_object = h.send_json(Method::PUT, "/_dev/lifetimes", "[10]").await;
    assert_eq!(not_an_object.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        h.tenant.lifetimes(),
        Lifetimes::default(),
        "a refused request changes nothing"
    );
}

#[tokio::test]
async fn delete_dev_lifetimes_restores_the_configured_lifetimes() {
    let h = Harness::with(|c| c.lifetimes = Lifetimes::with_access_token(seconds(1234)));
    h.send_json(
        Method::PUT,
        "/_dev/lifetimes",
        r#"{"access_token_min": 10, "access_token_max": 10}"#,
    )
    .await;
    let reply = h.send_json(Method::DELETE, "/_dev/lifetimes", "").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["access_token_min"], 1234);
    assert_eq!(reply.json()["access_token_max"], 1234);
    assert_eq!(h.tenant.lifetimes(), h.tenant.config().lifetimes);
    let (tokens, _) = h.spa_tokens(&email("delete-lifetimes")).await;
    assert_eq!(access_lifetime(&tokens), 1234);
}
