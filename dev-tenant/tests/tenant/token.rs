//! The token endpoint: the authorization code grant, client-type rules, CORS, Entra's error shape, userinfo.

use crate::support::*;
use axum::http::StatusCode;
use base64::Engine;
use dev_tenant::{SPA_CLIENT_ID, TENANT_ID, WEB_CLIENT_ID, WEB_CLIENT_SECRET};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use std::time::Duration;

/// A signed-in SPA authorization and its fresh code.
async fn spa_code(h: &Harness) -> (Authorization, String) {
    let auth = Authorization::spa();
    let params = h.sign_in(&Browser::default(), &auth, &email("token")).await;
    (auth, params["code"].clone())
}

#[tokio::test]
async fn spa_redeems_a_code_with_pkce_and_its_tokens_verify_against_the_served_jwks() {
    let h = Harness::new();
    let address = email("happy");
    let auth = Authorization::spa();
    let params = h.sign_in(&Browser::default(), &auth, &address).await;
    let reply = h.redeem(&auth, &params["code"]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
    assert_eq!(reply.header("cache-control"), Some("no-store, no-cache"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));
    let body = reply.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], SCOPES);
    let expires_in = body["expires_in"].as_i64().unwrap();
    assert!((3600..=5400).contains(&expires_in), "{expires_in}");
    assert_eq!(body["ext_expires_in"], expires_in);
    assert!(body["refresh_token"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));

    let jwks = h.jwks().await;
    let id_token = body["id_token"].as_str().expect("an id_token");
    let (header, _) = parts(id_token);
    assert_eq!(header["alg"], "RS256");
    let kid = header["kid"].as_str().expect("a kid");
    let jwk = jwk_for(&jwks, kid).expect("the kid is published");
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[SPA_CLIENT_ID]);
    validation.set_issuer(&[h.issuer()]);
    validation.validate_nbf = true;
    let claims = jsonwebtoken::decode::<Value>(id_token, &key, &validation)
        .expect("a valid ID token")
        .claims;
    assert_eq!(claims["nonce"], auth.nonce.clone().unwrap().as_str());
    assert_eq!(claims["tid"], TENANT_ID);
    assert_eq!(claims["ver"], "2.0");
    assert_eq!(claims["email"], address.as_str());
    assert_eq!(claims["preferred_username"], address.as_str());
    assert_eq!(claims["sid"], params["session_state"].as_str());
    assert_eq!(claims["sub"].as_str().unwrap().len(), 43);
    assert_eq!(claims["oid"].as_str().unwrap().len(), 36);
    assert!(claims["name"].is_string());
    assert!(claims["aio"].as_str().is_some_and(|aio| aio.len() > 20));
    assert!(claims["rh"]
        .as_str()
        .is_some_and(|rh| rh.starts_with("0.A")));
    let (iat, nbf, exp) = (
        claims["iat"].as_i64().unwrap(),
        claims["nbf"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    assert_eq!(iat, nbf);
    assert_eq!(exp - iat, 3600);

    let access = body["access_token"].as_str().unwrap();
    assert!(rs256_verifies(access, jwk));
    let (_, access_claims) = parts(access);
    assert_eq!(access_claims["azp"], SPA_CLIENT_ID);
    assert_eq!(access_claims["oid"], claims["oid"]);
    assert_eq!(
        access_claims["exp"].as_i64().unwrap() - access_claims["iat"].as_i64().unwrap(),
        expires_in
    );
}

#[tokio::test]
async fn sub_is_pairwise_per_application() {
    let h = Harness::new();
    let address = email("pairwise");
    let (spa, _) = h.spa_tokens(&address).await;
    let auth = Authorization::web();
    let params = h.sign_in(&Browser::default(), &auth, &address).await;
    let web = h.redeem(&auth, &params["code"]).await.json();
    let (_, spa_claims) = parts(spa["id_token"].as_str().unwrap());
    let (_, web_claims) = parts(web["id_token"].as_str().unwrap());
    assert_eq!(spa_claims["oid"], web_claims["oid"]);
    assert_ne!(spa_claims["sub"], web_claims["sub"]);
}

#[tokio::test]
async fn web_client_redeems_a_code_with_its_secret_from_a_server() {
    let h = Harness::new();
    let auth = Authorization::web();
    let params = h.sign_in(&Browser::default(), &auth, &email("web")).await;
    let reply = h.redeem(&auth, &params["code"]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.header("access-control-allow-origin").is_none());
    let (_, claims) = parts(reply.json()["id_token"].as_str().unwrap());
    assert_eq!(claims["aud"], WEB_CLIENT_ID);
}

#[tokio::test]
async fn web_client_may_authenticate_with_http_basic() {
    let h = Harness::new();
    let mut auth = Authorization::web();
    auth.pkce = None;
    let params = h.sign_in(&Browser::default(), &auth, &email("basic")).await;
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{WEB_CLIENT_ID}:{WEB_CLIENT_SECRET}"));
    let fields = [
        ("grant_type", "authorization_code"),
        ("code", &params["code"]),
        ("redirect_uri", REDIRECT_URI),
    ];
    let reply = h
        .post_form(
            &token_path(),
            &fields,
            &[("authorization", &format!("Basic {basic}"))],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test]
async fn rejects_reused_code_with_aadsts54005() {
    let h = Harness::new();
    let (auth, code) = spa_code(&h).await;
    assert_eq!(h.redeem(&auth, &code).await.status, StatusCode::OK);
    let again = h.redeem(&auth, &code).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.json()["error"], "invalid_grant");
    assert_eq!(aadsts(&again), 54005);
}

#[tokio::test]
async fn rejects_expired_code_with_aadsts70008() {
    let h = Harness::new();
    let (auth, code) = spa_code(&h).await;
    h.tenant.advance_clock(Duration::from_secs(601));
    let reply = h.redeem(&auth, &code).await;
    assert_eq!(reply.json()["error"], "invalid_grant");
    assert_eq!(aadsts(&reply), 70008);
}

#[tokio::test]
async fn rejects_wrong_code_verifier_with_aadsts501481() {
    let h = Harness::new();
    let (mut auth, code) = spa_code(&h).await;
    auth.pkce = Some(Pkce::new());
    let reply = h.redeem(&auth, &code).await;
    assert_eq!(reply.json()["error"], "invalid_grant");
    assert_eq!(aadsts(&reply), 501481);
}

#[tokio::test]
async fn rejects_missing_code_verifier_with_aadsts900144() {
    let h = Harness::new();
    let (mut auth, code) = spa_code(&h).await;
    auth.pkce = None;
    let reply = h.redeem(&auth, &code).await;
    assert_eq!(reply.json()["error"], "invalid_request");
    assert_eq!(aadsts(&reply), 900144);
}

#[tokio::test]
async fn rejects_a_code_redeemed_with_another_redirect_uri_or_client_with_aadsts70000() {
    let h = Harness::new();
    let (mut auth, code) = spa_code(&h).await;
    auth.redirect_uri = "http://localhost:8080/callback".into();
    let reply = h.redeem(&auth, &code).await;
    assert_eq!(
        (reply.json()["error"].as_str(), aadsts(&reply)),
        (Some("invalid_grant"), 70000)
    );

    let (auth, code) = spa_code(&h).await;
    let fields = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        (
            "code_verifier",
            auth.pkce.as_ref().unwrap().verifier.as_str(),
        ),
    ];
    let reply = h.web_token(&fields).await;
    assert_eq!(
        (reply.json()["error"].as_str(), aadsts(&reply)),
        (Some("invalid_grant"), 70000)
    );
}

#[tokio::test]
async fn rejects_an_unknown_code_with_aadsts9002313() {
    let h = Harness::new();
    let fields = [
        ("grant_type", "authorization_code"),
        ("code", "made-up"),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", "x"),
    ];
    let reply = h.spa_token(&fields).await;
    assert_eq!(
        (reply.json()["error"].as_str(), aadsts(&reply)),
        (Some("invalid_grant"), 9002313)
    );
}

#[tokio::test]
async fn rejects_spa_redemption_without_origin_with_aadsts9002327() {
    let h = Harness::new();
    let (auth, code) = spa_code(&h).await;
    let fields = [
        ("client_id", SPA_CLIENT_ID),
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        (
            "code_verifier",
            auth.pkce.as_ref().unwrap().verifier.as_str(),
        ),
    ];
    let reply = h.post_form(&token_path(), &fields, &[]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        (reply.json()["error"].as_str(), aadsts(&reply)),
        (Some("invalid_request"), 9002327)
    );
}

#[tokio::test]
async fn rejects_a_secret_sent_by_the_public_spa_client_with_aadsts700025() {
    let h = Harness::new();
    let (auth, code) = spa_code(&h).await;
    let fields = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        (
            "code_verifier",
            auth.pkce.as_ref().unwrap().verifier.as_str(),
        ),
        ("client_secret", "anything"),
    ];
    let reply = h.spa_token(&fields).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        (reply.json()["error"].as_str(), aadsts(&reply)),
        (Some("invalid_client"), 700025)
    );
}

#[tokio::test]
async fn rejects_web_redemption_without_a_secret_with_aadsts7000218() {
    let h = Harness::new();
    let fields = [
        ("client_id", WEB_CLIENT_ID),
        ("grant_type", "authorization_code"),
        ("code", "c"),
        ("redirect_uri", REDIRECT_URI),
    ];
    let reply = h.post_form(&token_path(), &fields, &[]).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        (reply.json()["error"].as_str(), aadsts(&reply)),
        (Some("invalid_client"), 7000218)
    );
}

#[tokio::test]
async fn rejects_a_wrong_web_secret_with_aadsts7000215() {
    let h = Harness::new();
    let fields = [
        ("client_id", WEB_CLIENT_ID),
        ("client_secret", "wrong"),
        ("grant_type", "authorization_code"),
        ("code", "c"),
        ("redirect_uri", REDIRECT_URI),
    ];
    let reply = h.post_form(&token_path(), &fields, &[]).await;
    assert_eq!(
        (reply.json()["error"].as_str(), aadsts(&reply)),
        (Some("invalid_client"), 7000215)
    );
}

#[tokio::test]
async fn rejects_cross_origin_web_redemption_with_aadsts9002326_readable_by_the_browser() {
    let h = Harness::new();
    let fields = [
        ("client_id", WEB_CLIENT_ID),
        ("client_secret", WEB_CLIENT_SECRET),
        ("grant_type", "authorization_code"),
        ("code", "c"),
        ("redirect_uri", REDIRECT_URI),
    ];
    let reply = h
        .post_form(&token_path(), &fields, &[("origin", APP_ORIGIN)])
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
    let body = reply.json();
    assert_eq!(
        (body["error"].as_str(), aadsts(&reply)),
        (Some("invalid_request"), 9002326)
    );
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type"));
}

#[tokio::test]
async fn rejects_an_unknown_client_with_aadsts700016() {
    let h = Harness::new();
    let fields = [
        ("client_id", "nobody"),
        ("grant_type", "authorization_code"),
    ];
    let reply = h
        .post_form(&token_path(), &fields, &[("origin", APP_ORIGIN)])
        .await;
    assert_eq!(
        (reply.json()["error"].as_str(), aadsts(&reply)),
        (Some("unauthorized_client"), 700016)
    );
}

#[tokio::test]
async fn rejects_an_unsupported_grant_type_with_aadsts70003() {
    let h = Harness::new();
    let reply = h.spa_token(&[("grant_type", "password")]).await;
    assert_eq!(
        (reply.json()["error"].as_str(), aadsts(&reply)),
        (Some("unsupported_grant_type"), 70003)
    );
}

#[tokio::test]
async fn missing_parameters_get_aadsts900144_naming_them() {
    let h = Harness::new();
    let reply = h.spa_token(&[]).await;
    assert_eq!(aadsts(&reply), 900144);
    assert!(reply.json()["error_description"]
        .as_str()
        .unwrap()
        .contains("'grant_type'"));
    let reply = h.spa_token(&[("grant_type", "authorization_code")]).await;
    assert!(reply.json()["error_description"]
        .as_str()
        .unwrap()
        .contains("'code'"));
}

#[tokio::test]
async fn errors_have_entras_json_shape_and_echo_client_request_id() {
    let h = Harness::new();
    let correlation = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    let fields = [
        ("client_id", SPA_CLIENT_ID),
        ("grant_type", "authorization_code"),
    ];
    let reply = h
        .post_form(
            &token_path(),
            &fields,
            &[("origin", APP_ORIGIN), ("client-request-id", correlation)],
        )
        .await;
    let body = reply.json();
    for field in [
        "error",
        "error_description",
        "timestamp",
        "trace_id",
        "correlation_id",
        "error_uri",
    ] {
        assert!(body[field].is_string(), "{field}: {body}");
    }
    assert!(body["error_codes"]
        .as_array()
        .is_some_and(|codes| codes.len() == 1 && codes[0].is_u64()));
    assert_eq!(body["correlation_id"], correlation);
    let description = body["error_description"].as_str().unwrap();
    let expected_tail = format!(
        "\r\nTrace ID: {}\r\nCorrelation ID: {correlation}\r\nTimestamp: {}",
        body["trace_id"].as_str().unwrap(),
        body["timestamp"].as_str().unwrap()
    );
    assert!(description.starts_with("AADSTS900144: "), "{description}");
    assert!(description.ends_with(&expected_tail), "{description}");
}

#[tokio::test]
async fn token_preflight_echoes_the_origin_and_allows_the_client_request_id_header() {
    let h = Harness::new();
    let reply = h
        .preflight(&token_path(), "POST", "content-type, client-request-id")
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
    assert!(reply
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some("content-type, client-request-id")
    );
}

#[tokio::test]
async fn no_refresh_token_without_offline_access() {
    let h = Harness::new();
    let mut auth = Authorization::spa();
    auth.scope = "openid profile".into();
    let params = h
        .sign_in(&Browser::default(), &auth, &email("offline"))
        .await;
    let body = h.redeem(&auth, &params["code"]).await.json();
    assert!(body.get("refresh_token").is_none());
    let (_, claims) = parts(body["id_token"].as_str().unwrap());
    assert!(claims.get("email").is_none(), "email needs the email scope");
    assert!(claims.get("name").is_some());
}

#[tokio::test]
async fn oid_only_with_profile_scope() {
    let h = Harness::new();
    let address = email("oid");
    let mut auth = Authorization::spa();
    auth.scope = "openid email".into();
    let params = h.sign_in(&Browser::default(), &auth, &address).await;
    let body = h.redeem(&auth, &params["code"]).await.json();
    let (_, without_profile) = parts(body["id_token"].as_str().unwrap());
    for claim in ["oid", "name", "preferred_username"] {
        assert!(
            without_profile.get(claim).is_none(),
            "{claim} needs the profile scope: {without_profile}"
        );
    }
    for claim in ["aio", "rh", "sub", "tid", "email"] {
        assert!(
            without_profile[claim].is_string(),
            "{claim}: {without_profile}"
        );
    }
    let (_, access) = parts(body["access_token"].as_str().unwrap());
    assert!(access["oid"].is_string(), "the access token keeps oid");

    let (with_profile, _) = h.spa_tokens(&address).await;
    let (_, claims) = parts(with_profile["id_token"].as_str().unwrap());
    assert_eq!(claims["oid"], access["oid"]);
}

#[tokio::test]
async fn userinfo_answers_for_a_valid_access_token() {
    let h = Harness::new();
    let address = email("userinfo");
    let (tokens, _) = h.spa_tokens(&address).await;
    let bearer = format!("Bearer {}", tokens["access_token"].as_str().unwrap());
    let path = format!("/{TENANT_ID}/openid/v2.0/userinfo");
    let reply = h
        .get(&path, &[("authorization", &bearer), ("origin", APP_ORIGIN)])
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    let (_, id_claims) = parts(tokens["id_token"].as_str().unwrap());
    assert_eq!(reply.json()["sub"], id_claims["sub"]);
    assert_eq!(reply.json()["email"], address.as_str());
    let refused = h.get(&path, &[("authorization", "Bearer nonsense")]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused
        .header("www-authenticate")
        .unwrap()
        .starts_with("Bearer error=\"invalid_token\""));
}
