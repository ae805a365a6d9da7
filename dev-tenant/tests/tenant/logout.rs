//! The logout endpoint: the `post_logout_redirect_uri` must be one of the client's redirect URIs, as in Entra.

use crate::support::*;
use axum::http::StatusCode;
use dev_tenant::{SPA_CLIENT_ID, TENANT_ID, WEB_CLIENT_ID};

fn logout_path(query: &str) -> String {
    format!("/{TENANT_ID}/oauth2/v2.0/logout?{query}")
}

/// The "signed out" page that says the `post_logout_redirect_uri` is not a registered redirect URI, where Entra
/// also stays on its signed-out page, instead of a redirect.
fn assert_signed_out_without_redirect(reply: &Reply) {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.header("location").is_none());
    assert!(reply.has_element("signed-out"));
    let info = reply.element_text("info").unwrap_or_default();
    assert!(info.contains("not registered as a redirect URI"), "{info}");
}

#[tokio::test]
async fn logout_ends_the_session_and_returns_to_a_registered_uri_with_state() {
    let h = Harness::new();
    let browser = Browser::default();
    h.sign_in(&browser, &Authorization::spa(), &email("logout"))
        .await;
    assert!(browser.has_session());
    let reply = browser
        .get(&h, &logout_path("post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2F&state=bye&client_id=6a1c3f2e-9b8d-4e7f-a0c1-d2e3f4a5b6c7"))
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(
        reply.location().as_str(),
        "http://127.0.0.1:8080/?state=bye"
    );
    assert!(!browser.has_session(), "the cookie is cleared");
    let silent = browser
        .get(&h, &Authorization::spa().with("prompt", "none").url())
        .await;
    assert_eq!(silent.redirect_params()["error"], "login_required");
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server_too() {
    let h = Harness::new();
    let browser = Browser::default();
    h.sign_in(&browser, &Authorization::spa(), &email("stale"))
        .await;
    let old_cookie = browser.cookie().expect("a session cookie");
    browser.get(&h, &logout_path("")).await;
    let replayed = h
        .get(&Authorization::spa().url(), &[("cookie", &old_cookie)])
        .await;
    assert_eq!(
        replayed.status,
        StatusCode::OK,
        "a replayed cookie no longer skips the sign-in"
    );
    assert!(replayed.has_element("email"));
}

#[tokio::test]
async fn logout_with_an_id_token_hint_finds_the_client() {
    let h = Harness::new();
    let (tokens, _) = h.spa_tokens(&email("hint")).await;
    let query = format!(
        "post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A8080%2F&id_token_hint={}",
        tokens["id_token"].as_str().unwrap()
    );
    let reply = h.get(&logout_path(&query), &[]).await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.location().as_str(), "http://localhost:8080/");
}

#[tokio::test]
async fn logout_to_an_unregistered_uri_shows_the_signed_out_page() {
    let h = Harness::new();
    let reply = h
        .get(
            &logout_path(&format!(
                "post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F&client_id={SPA_CLIENT_ID}"
            )),
            &[],
        )
        .await;
    assert_signed_out_without_redirect(&reply);
    assert!(reply.header("set-cookie").unwrap().contains("Max-Age=0"));
}

#[tokio::test]
async fn logout_without_a_uri_shows_the_signed_out_page() {
    let h = Harness::new();
    let reply = h.get(&logout_path(""), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.has_element("signed-out"));
    assert!(reply.has_element("dev-tenant-marker"));
}

#[tokio::test]
async fn logout_rejects_a_post_logout_uri_that_is_not_a_redirect_uri() {
    let h = Harness::with(|c| {
        let spa = c.client_mut(SPA_CLIENT_ID).expect("the SPA client");
        spa.redirect_uris
            .retain(|uri| uri != "http://127.0.0.1:8080/");
    });
    let browser = Browser::default();
    h.sign_in(&browser, &Authorization::spa(), &email("notredirect"))
        .await;
    let query = |client_id: &str| {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("post_logout_redirect_uri", "http://127.0.0.1:8080/")
            .append_pair("client_id", client_id)
            .finish()
    };
    let reply = browser.get(&h, &logout_path(&query(SPA_CLIENT_ID))).await;
    assert_signed_out_without_redirect(&reply);
    assert!(!browser.has_session(), "signed out all the same");
    let web = h.get(&logout_path(&query(WEB_CLIENT_ID)), &[]).await;
    assert_eq!(
        web.location().as_str(),
        "http://127.0.0.1:8080/",
        "a redirect URI of the Web client"
    );
}

#[tokio::test]
async fn logout_returns_to_any_redirect_uri_of_the_client() {
    let h = Harness::new();
    let reply = h
        .get(
            &logout_path(&format!(
                "post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fcallback&client_id={SPA_CLIENT_ID}"
            )),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
    assert_eq!(reply.location().as_str(), "http://localhost:8080/callback");
}

#[tokio::test]
async fn a_redirect_uri_added_by_a_test_is_a_post_logout_uri_too() {
    let h =
        Harness::with(|c| *c = std::mem::take(c).with_redirect_uri("http://127.0.0.1:45680/bye"));
    let reply = h
        .get(
            &logout_path("post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A45680%2Fbye"),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.location().as_str(), "http://127.0.0.1:45680/bye");
}

/// `post_logout_redirect_uri=http://127.0.0.1:{port}{path}&state=xyz` for the SPA client.
fn loopback_logout_query(port: u16, path: &str) -> String {
    let uri = format!("http://127.0.0.1:{port}{path}");
    form_urlencoded::Serializer::new(String::new())
        .append_pair("post_logout_redirect_uri", &uri)
        .append_pair("state", "xyz")
        .append_pair("client_id", SPA_CLIENT_ID)
        .finish()
}

#[tokio::test]
async fn logout_accepts_a_registered_loopback_uri_on_another_port() {
    let h = Harness::with(|c| c.loopback_any_port = true);
    let reply = h
        .get(&logout_path(&loopback_logout_query(45123, "/")), &[])
        .await;
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
    assert_eq!(
        reply.location().as_str(),
        "http://127.0.0.1:45123/?state=xyz"
    );
}

#[tokio::test]
async fn logout_refuses_a_loopback_uri_on_another_port_without_loopback_any_port() {
    let h = Harness::new();
    let reply = h
        .get(&logout_path(&loopback_logout_query(45123, "/")), &[])
        .await;
    assert_signed_out_without_redirect(&reply);
}

#[tokio::test]
async fn logout_refuses_another_path_on_a_loopback_port_even_with_loopback_any_port() {
    let h = Harness::with(|c| c.loopback_any_port = true);
    for port in [8080, 45123] {
        let reply = h
            .get(
                &logout_path(&loopback_logout_query(port, "/elsewhere")),
                &[],
            )
            .await;
        assert_signed_out_without_redirect(&reply);
    }
}

#[tokio::test]
async fn logout_to_another_loopback_port_ends_the_session_so_authorize_asks_for_the_email_again() {
    let h = Harness::with(|c| c.loopback_any_port = true);
    let browser = Browser::default();
    h.sign_in(&browser, &Authorization::spa(), &email("anyport"))
        .await;
    let cookie = browser.cookie().expect("a session cookie");
    let silent = h
        .get(&Authorization::spa().url(), &[("cookie", &cookie)])
        .await;
    assert_eq!(
        silent.status,
        StatusCode::FOUND,
        "before logout the cookie signs in without a page"
    );
    assert!(silent.redirect_params().contains_key("code"));

    let reply = browser
        .get(&h, &logout_path(&loopback_logout_query(45124, "/")))
        .await;
    assert_eq!(
        reply.location().as_str(),
        "http://127.0.0.1:45124/?state=xyz"
    );
    assert!(!browser.has_session(), "the cookie is cleared");
    let replayed = h
        .get(&Authorization::spa().url(), &[("cookie", &cookie)])
        .await;
    assert_eq!(
        replayed.status,
        StatusCode::OK,
        "no code is issued silently"
    );
    assert!(replayed.has_element("email"), "{}", replayed.body);
}
