//! The authorize endpoint's validation: error pages, error redirects, response modes.

use crate::support::*;
use axum::http::StatusCode;
use dev_tenant::{SPA_CLIENT_ID, TENANT_ID, WEB_CLIENT_ID};

fn authorize_path(query: &str) -> String {
    format!("/{TENANT_ID}/oauth2/v2.0/authorize?{query}")
}

#[tokio::test]
async fn unknown_client_gets_an_error_page_with_aadsts700016() {
    let h = Harness::new();
    let mut auth = Authorization::spa();
    auth.client_id = "99999999-9999-4999-8999-999999999999".into();
    let reply = h.get(&auth.url(), &[]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.header("location").is_none());
    let error = reply.element_text("error").expect("#error");
    assert!(error.starts_with("AADSTS700016:"), "{error}");
    assert!(reply.has_element("dev-tenant-marker"));
}

#[tokio::test]
async fn unregistered_redirect_uri_gets_an_error_page_not_a_redirect_aadsts50011() {
    let h = Harness::new();
    let mut auth = Authorization::spa();
    auth.redirect_uri = "https://evil.example/callback".into();
    let reply = h.get(&auth.url(), &[]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.header("location").is_none());
    assert!(reply
        .element_text("error")
        .unwrap()
        .starts_with("AADSTS50011:"));
}

#[tokio::test]
async fn missing_client_id_gets_an_error_page_with_aadsts900144() {
    let h = Harness::new();
    let reply = h.get(&authorize_path("response_type=code"), &[]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply
        .element_text("error")
        .unwrap()
        .starts_with("AADSTS900144:"));
}

#[tokio::test]
async fn spa_without_code_challenge_is_redirected_with_aadsts9002325() {
    let h = Harness::new();
    let mut auth = Authorization::spa();
    auth.pkce = None;
    let reply = h.get(&auth.url(), &[]).await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert!(reply.location().as_str().starts_with(REDIRECT_URI));
    let params = reply.redirect_params();
    assert_eq!(params["error"], "invalid_request");
    assert!(params["error_description"].starts_with("AADSTS9002325:"));
    assert_eq!(params["state"], auth.state);
}

#[tokio::test]
async fn spa_with_plain_code_challenge_method_is_redirected_with_invalid_request() {
    let h = Harness::new();
    let pkce = Pkce::new();
    let query = format!(
        "client_id={SPA_CLIENT_ID}&response_type=code&redirect_uri={REDIRECT_URI}&scope=openid&state=s1&code_challenge={}&code_challenge_method=plain",
        pkce.verifier
    );
    let params = h.get(&authorize_path(&query), &[]).await.redirect_params();
    assert_eq!(params["error"], "invalid_request");
    assert!(params["error_description"].starts_with("AADSTS9002325:"));
    assert_eq!(params["state"], "s1");
}

#[tokio::test]
async fn web_client_may_sign_in_without_pkce() {
    let h = Harness::new();
    let mut auth = Authorization::web();
    auth.pkce = None;
    let reply = h.get(&auth.url(), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.has_element("email"));
}

#[tokio::test]
async fn nonce_without_openid_scope_is_redirected_with_invalid_scope() {
    let h = Harness::new();
    let mut auth = Authorization::spa();
    auth.scope = "profile offline_access".into();
    let params = h.get(&auth.url(), &[]).await.redirect_params();
    assert_eq!(params["error"], "invalid_scope");
    assert!(params["error_description"].starts_with("AADSTS70011:"));
}

#[tokio::test]
async fn unsupported_response_type_is_redirected_with_aadsts700054() {
    let h = Harness::new();
    let query = format!("client_id={SPA_CLIENT_ID}&response_type=id_token&redirect_uri={REDIRECT_URI}&scope=openid&state=s2");
    let params = h.get(&authorize_path(&query), &[]).await.redirect_params();
    assert_eq!(params["error"], "unsupported_response_type");
    assert!(params["error_description"].starts_with("AADSTS700054:"));
    assert_eq!(params["state"], "s2");
}

#[tokio::test]
async fn error_redirects_carry_entras_description_lines_and_error_uri() {
    let h = Harness::new();
    let mut auth = Authorization::spa();
    auth.pkce = None;
    let params = h.get(&auth.url(), &[]).await.redirect_params();
    let description = &params["error_description"];
    let lines: Vec<&str> = description.split("\r\n").collect();
    assert_eq!(lines.len(), 4, "{description}");
    assert!(lines[1].starts_with("Trace ID: "));
    assert!(lines[2].starts_with("Correlation ID: "));
    assert!(lines[3].starts_with("Timestamp: ") && lines[3].ends_with('Z'));
    assert_eq!(
        params["error_uri"],
        "http://127.0.0.1:8081/error?code=9002325"
    );
    let page = h.get("/error?code=9002325", &[]).await;
    assert_eq!(
        page.element_text("error-code").as_deref(),
        Some("AADSTS9002325")
    );
}

#[tokio::test]
async fn fragment_response_mode_sends_the_error_in_the_fragment() {
    let h = Harness::new();
    let mut auth = Authorization::spa().with("response_mode", "fragment");
    auth.pkce = None;
    let reply = h.get(&auth.url(), &[]).await;
    let location = reply.location();
    assert!(location.query().is_none());
    assert!(location
        .fragment()
        .unwrap()
        .contains("error=invalid_request"));
}

#[tokio::test]
async fn unknown_response_mode_and_prompt_are_invalid_requests() {
    let h = Harness::new();
    for (name, value) in [("response_mode", "telepathy"), ("prompt", "consent_maybe")] {
        let auth = Authorization::spa().with(name, value);
        let params = h.get(&auth.url(), &[]).await.redirect_params();
        assert_eq!(params["error"], "invalid_request", "{name}");
    }
}

#[tokio::test]
async fn prompt_none_without_a_session_returns_login_required() {
    let h = Harness::new();
    let auth = Authorization::spa().with("prompt", "none");
    let params = h.get(&auth.url(), &[]).await.redirect_params();
    assert_eq!(params["error"], "login_required");
    assert!(params["error_description"].starts_with("AADSTS50058:"));
}

#[tokio::test]
async fn authorize_shows_the_email_page_with_stable_ids_and_the_dev_marker() {
    let h = Harness::new();
    let reply = h.get(&Authorization::spa().url(), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    for id in ["email", "next", "cancel", "dev-tenant-marker"] {
        assert!(reply.has_element(id), "#{id} missing: {}", reply.body);
    }
    assert!(reply.body.contains("local dev tenant"));
    assert!(
        reply.body.contains("<label for=\"email\">"),
        "inputs are labelled"
    );
    assert!(!reply.request_id().is_empty());
}

#[tokio::test]
async fn login_hint_prefills_the_email() {
    let h = Harness::new();
    let reply = h
        .get(
            &Authorization::spa()
                .with("login_hint", "ada@example.com")
                .url(),
            &[],
        )
        .await;
    assert!(
        reply.body.contains("value=\"ada@example.com\""),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn added_redirect_uris_are_accepted() {
    let h = Harness::with(|c| {
        *c = std::mem::take(c).with_redirect_uri("http://127.0.0.1:45678/callback")
    });
    let mut auth = Authorization::spa();
    auth.redirect_uri = "http://127.0.0.1:45678/callback".into();
    assert_eq!(h.get(&auth.url(), &[]).await.status, StatusCode::OK);
}

#[tokio::test]
async fn loopback_any_port_accepts_a_registered_loopback_uri_on_another_port() {
    let mut auth = Authorization::spa();
    auth.redirect_uri = "http://127.0.0.1:45679/callback".into();
    let strict = Harness::new();
    assert_eq!(
        strict.get(&auth.url(), &[]).await.status,
        StatusCode::BAD_REQUEST
    );
    let lenient = Harness::with(|c| c.loopback_any_port = true);
    assert_eq!(lenient.get(&auth.url(), &[]).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_web_client_shares_the_default_redirect_uris() {
    let h = Harness::new();
    let query = format!(
        "client_id={WEB_CLIENT_ID}&response_type=code&redirect_uri=http://localhost:8080/callback&scope=openid&state=s"
    );
    assert_eq!(
        h.get(&authorize_path(&query), &[]).await.status,
        StatusCode::OK
    );
}
