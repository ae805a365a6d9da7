//! The dev API (`/_dev/api/…`): the Bearer token's signature, `aud` and `scp` checked, RFC 6750 refusals in Entra's
//! challenge shape, CORS for loopback pages only, and an API without CORS.

use crate::support::*;
use axum::http::StatusCode;
use dev_tenant::{DEV_API_AUDIENCE, DEV_API_SCOPE};

/// An access token for the dev API, as a sign-in with its scope gets it.
async fn api_token(h: &Harness, label: &str) -> String {
    let auth = Authorization {
        scope: format!("{SCOPES} {DEV_API_SCOPE}"),
        ..Authorization::spa()
    };
    let params = h.sign_in(&Browser::default(), &auth, &email(label)).await;
    let reply = h.redeem(&auth, &params["code"]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()["access_token"].as_str().unwrap().to_string()
}

async fn call(h: &Harness, path: &str, token: Option<&str>) -> Reply {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("origin", APP_ORIGIN)];
    if let Some(bearer) = &bearer {
        headers.push(("authorization", bearer));
    }
    h.get(path, &headers).await
}

fn challenge(reply: &Reply) -> &str {
    reply
        .header("www-authenticate")
        .expect("a WWW-Authenticate challenge")
}

#[tokio::test]
async fn me_answers_a_token_for_the_dev_api_with_its_scope_readable_from_the_page() {
    let h = Harness::new();
    let token = api_token(&h, "api-me").await;
    let reply = call(&h, "/_dev/api/me", Some(&token)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["aud"], DEV_API_AUDIENCE);
    assert!(reply.json()["scp"]
        .as_str()
        .unwrap()
        .contains("access_as_user"));
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
    assert_eq!(
        reply.header("access-control-expose-headers"),
        Some("WWW-Authenticate, request-id")
    );
    assert_eq!(reply.header("request-id").map(str::len), Some(36));
}

#[tokio::test]
async fn admin_refuses_a_token_without_its_scope_with_a_403_naming_it() {
    let h = Harness::new();
    let token = api_token(&h, "api-admin").await;
    let reply = call(&h, "/_dev/api/admin", Some(&token)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    let found = challenge(&reply);
    assert!(
        found.starts_with("Bearer realm=\"\", authorization_uri=\"http://"),
        "{found}"
    );
    assert!(found.contains(", error=\"insufficient_scope\", error_description=\"the token's scp (openid profile email access_as_user) lacks api://dev-tenant-api/Admin.ReadWrite\""), "{found}");
    assert!(
        found.ends_with(", scope=\"api://dev-tenant-api/Admin.ReadWrite\""),
        "{found}"
    );
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
}

#[tokio::test]
async fn a_tampered_absent_or_foreign_token_gets_a_401_challenge() {
    let h = Harness::new();
    let token = api_token(&h, "api-401").await;
    let (kept, signature) = token.rsplit_once('.').unwrap();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let tampered = format!("{kept}.{flipped}{}", &signature[1..]);
    let reply = call(&h, "/_dev/api/me", Some(&tampered)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(challenge(&reply).contains(
        "error=\"invalid_token\", error_description=\"the token is not one this tenant signed\""
    ));

    let reply = call(&h, "/_dev/api/me", None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(
        !challenge(&reply).contains("error="),
        "RFC 6750 §3.1: no error code without a token"
    );

    let (graph, _) = h.spa_tokens(&email("api-graph")).await;
    let reply = call(&h, "/_dev/api/me", graph["access_token"].as_str()).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(challenge(&reply).contains(
        "the token is for the audience 00000003-0000-0000-c000-000000000000, not this API"
    ));
}

#[tokio::test]
async fn other_methods_get_405_and_preflights_allow_loopback_pages_only() {
    let h = Harness::new();
    let reply = h
        .send_json(axum::http::Method::POST, "/_dev/api/me", "{}")
        .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.header("allow"), Some("GET"));

    let preflight = h
        .preflight("/_dev/api/me", "DELETE", "authorization,content-type")
        .await;
    assert_eq!(preflight.status, StatusCode::NO_CONTENT);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
    assert_eq!(
        preflight.header("access-control-allow-headers"),
        Some("Authorization, Content-Type")
    );
    assert_eq!(
        preflight.header("access-control-allow-methods"),
        Some("GET, POST, PUT, PATCH, DELETE")
    );
    let foreign = h
        .get("/_dev/api/me", &[("origin", "https://app.example.com")])
        .await;
    assert_eq!(foreign.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn no_cors_answers_without_any_cors_header() {
    let h = Harness::new();
    let reply = h.get("/_dev/api/no-cors", &[("origin", APP_ORIGIN)]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("access-control-allow-origin"), None);
    let preflight = h
        .preflight("/_dev/api/no-cors", "GET", "authorization")
        .await;
    assert_eq!(preflight.header("access-control-allow-origin"), None);
}
