//! Entra's response headers: `x-ms-request-id`, the echoed `client-request-id`, the token responses' caching
//! headers, and the CORS that lets a browser app read them.

use crate::support::*;
use axum::http::StatusCode;
use dev_tenant::{SPA_CLIENT_ID, TENANT_ID};

const CLIENT_REQUEST_ID: &str = "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D";

/// Whether `value` is a GUID: `8-4-4-4-12` lower-case hex digits.
fn is_guid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, len)| {
            g.len() == len
                && g.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

fn request_id(reply: &Reply) -> String {
    let id = reply
        .header("x-ms-request-id")
        .unwrap_or_else(|| panic!("no x-ms-request-id: {:?}", reply.headers));
    assert!(is_guid(id), "{id}");
    id.to_string()
}

#[tokio::test]
async fn token_response_carries_request_id_and_echoes_client_request_id() {
    let h = Harness::new();
    let auth = Authorization::spa();
    let params = h.sign_in(&Browser::default(), &auth, &email("ids")).await;
    let pkce = auth.pkce.as_ref().unwrap();
    let fields = [
        ("client_id", SPA_CLIENT_ID),
        ("grant_type", "authorization_code"),
        ("code", params["code"].as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", pkce.verifier.as_str()),
    ];
    let reply = h
        .post_form(
            &token_path(),
            &fields,
            &[
                ("origin", APP_ORIGIN),
                ("client-request-id", CLIENT_REQUEST_ID),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let first = request_id(&reply);
    assert_eq!(
        reply.header("client-request-id"),
        Some(CLIENT_REQUEST_ID.to_ascii_lowercase().as_str())
    );
    assert_eq!(reply.header("cache-control"), Some("no-store, no-cache"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));

    let again = h.spa_token(&[("grant_type", "authorization_code")]).await;
    assert_ne!(request_id(&again), first, "a fresh id per request");
    assert!(
        again.header("client-request-id").is_none(),
        "nothing to echo"
    );
}

#[tokio::test]
async fn token_error_names_its_request_id_as_trace_id_and_the_client_request_id_as_correlation_id()
{
    let h = Harness::new();
    let reply = h
        .post_form(
            &token_path(),
            &[
                ("client_id", SPA_CLIENT_ID),
                ("grant_type", "authorization_code"),
            ],
            &[
                ("origin", APP_ORIGIN),
                ("client-request-id", CLIENT_REQUEST_ID),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let body = reply.json();
    assert_eq!(body["trace_id"], request_id(&reply).as_str());
    let echoed = reply.header("client-request-id").expect("echoed");
    assert_eq!(body["correlation_id"], echoed);
    assert_eq!(reply.header("cache-control"), Some("no-store, no-cache"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));
}

#[tokio::test]
async fn a_client_request_id_that_is_not_a_guid_is_not_echoed() {
    let h = Harness::new();
    let path = format!("/{TENANT_ID}/v2.0/.well-known/openid-configuration");
    for id in [
        "not-a-guid",
        "{0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d}",
        "0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d",
        "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4g",
    ] {
        let reply = h.get(&path, &[("client-request-id", id)]).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(reply.header("client-request-id").is_none(), "{id}");
        request_id(&reply);
    }
}

#[tokio::test]
async fn every_tenant_endpoint_carries_a_fresh_request_id() {
    let h = Harness::new();
    let (tokens, auth) = h.spa_tokens(&email("every")).await;
    let bearer = format!("Bearer {}", tokens["access_token"].as_str().unwrap());
    let replies = [
        (
            "discovery",
            h.get(
                &format!("/{TENANT_ID}/v2.0/.well-known/openid-configuration"),
                &[],
            )
            .await,
        ),
        (
            "keys",
            h.get(&format!("/{TENANT_ID}/discovery/v2.0/keys"), &[])
                .await,
        ),
        ("authorize", h.get(&auth.url(), &[]).await),
        (
            "logout",
            h.get(&format!("/{TENANT_ID}/oauth2/v2.0/logout"), &[])
                .await,
        ),
        (
            "userinfo",
            h.get(
                &format!("/{TENANT_ID}/openid/v2.0/userinfo"),
                &[("authorization", &bearer)],
            )
            .await,
        ),
        ("token", h.spa_token(&[]).await),
        (
            "unknown tenant",
            h.get(
                "/11111111-2222-3333-4444-555555555555/discovery/v2.0/keys",
                &[],
            )
            .await,
        ),
    ];
    let mut ids = std::collections::HashSet::new();
    for (name, reply) in &replies {
        let id = reply
            .header("x-ms-request-id")
            .unwrap_or_else(|| panic!("{name}: no x-ms-request-id"));
        assert!(is_guid(id), "{name}: {id}");
        assert!(ids.insert(id.to_string()), "{name}: the id repeats");
        assert!(
            reply.header("client-request-id").is_none(),
            "{name}: nothing to echo"
        );
    }
    let faults = h.get("/_dev/faults", &[]).await;
    assert!(
        faults.header("x-ms-request-id").is_none(),
        "the development endpoints are not Entra's"
    );
}

#[tokio::test]
async fn a_browser_app_may_read_the_request_ids_of_cross_origin_responses() {
    let h = Harness::new();
    let (tokens, _) = h.spa_tokens(&email("expose")).await;
    let bearer = format!("Bearer {}", tokens["access_token"].as_str().unwrap());
    let origin = [("origin", APP_ORIGIN)];
    let replies = [
        h.get(
            &format!("/{TENANT_ID}/v2.0/.well-known/openid-configuration"),
            &origin,
        )
        .await,
        h.get(&format!("/{TENANT_ID}/discovery/v2.0/keys"), &origin)
            .await,
        h.get(
            &format!("/{TENANT_ID}/openid/v2.0/userinfo"),
            &[("origin", APP_ORIGIN), ("authorization", &bearer)],
        )
        .await,
        h.spa_token(&[("grant_type", "refresh_token")]).await,
    ];
    for reply in &replies {
        assert!(reply.header("access-control-allow-origin").is_some());
        let exposed = reply
            .header("access-control-expose-headers")
            .unwrap_or_else(|| panic!("no Access-Control-Expose-Headers: {:?}", reply.headers));
        let names: Vec<&str> = exposed.split(',').map(str::trim).collect();
        assert!(
            names.contains(&"x-ms-request-id") && names.contains(&"client-request-id"),
            "{exposed}"
        );
    }
}
