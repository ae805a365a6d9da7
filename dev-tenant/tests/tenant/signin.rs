//! The email one-time-passcode user flow: pages, mailbox, tries, expiry, sign-up, sessions, prompts, cancel.

use crate::support::*;
use axum::http::StatusCode;
use std::time::Duration;

/// Opens the email page and submits `email`: the request id and the code page.
async fn to_code_page(
    h: &Harness,
    browser: &Browser,
    auth: &Authorization,
    email: &str,
) -> (String, Reply) {
    let page = browser.get(h, &auth.url()).await;
    let id = page.request_id();
    let reply = browser.submit_email(h, &id, email).await;
    (id, reply)
}

#[tokio::test]
async fn full_flow_signs_up_a_new_email_and_redirects_with_code_state_and_session_state() {
    let h = Harness::new();
    let browser = Browser::default();
    let auth = Authorization::spa();
    let address = email("new");

    let page = browser.get(&h, &auth.url()).await;
    let id = page.request_id();
    let code_page = browser.submit_email(&h, &id, &address).await;
    for element in ["code", "verify", "resend", "cancel"] {
        assert!(
            code_page.has_element(element),
            "#{element}: {}",
            code_page.body
        );
    }

    let mailbox = h
        .get(&format!("/_dev/mailbox?format=json&to={address}"), &[])
        .await
        .json();
    let code = mailbox[0]["code"]
        .as_str()
        .expect("a code in the mailbox JSON")
        .to_string();
    assert_eq!(code.len(), 8);
    assert_eq!(mailbox[0]["to"], address.as_str());

    let sign_up = browser.submit_code(&h, &id, &code).await;
    for element in ["displayName", "givenName", "surname", "create", "cancel"] {
        assert!(sign_up.has_element(element), "#{element}: {}", sign_up.body);
    }
    let fields = [
        ("request_id", id.as_str()),
        ("displayName", "Ada L"),
        ("givenName", "Ada"),
        ("surname", "Lovelace"),
    ];
    let done = browser.post(&h, &signin_path("signup"), &fields).await;
    assert_eq!(done.status, StatusCode::FOUND, "{}", done.body);
    assert!(done
        .location()
        .as_str()
        .starts_with(&format!("{REDIRECT_URI}?")));
    let params = done.redirect_params();
    assert!(!params["code"].is_empty());
    assert_eq!(params["state"], auth.state);
    assert_eq!(params["session_state"].len(), 36, "a GUID");
    assert!(browser.has_session());

    let tokens = h.redeem(&auth, &params["code"]).await.json();
    let (_, claims) = parts(tokens["id_token"].as_str().unwrap());
    assert_eq!(claims["name"], "Ada L");
    assert_eq!(claims["email"], address.as_str());
    assert_eq!(claims["sid"], params["session_state"].as_str());
}

#[tokio::test]
async fn mailbox_lists_codes_newest_first_as_html_and_json() {
    let h = Harness::new();
    let browser = Browser::default();
    let (first, second) = (email("first"), email("second"));
    to_code_page(&h, &browser, &Authorization::spa(), &first).await;
    to_code_page(&h, &browser, &Authorization::spa(), &second).await;

    let json = h
        .get("/_dev/mailbox", &[("accept", "application/json")])
        .await
        .json();
    let messages = json.as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["to"], second.as_str());
    assert_eq!(messages[1]["to"], first.as_str());
    for message in messages {
        assert!(message["sent_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(message["code"].as_str().unwrap().len(), 8);
    }
    assert_eq!(h.get("/_dev/mailbox?format=json", &[]).await.json(), json);

    let html = h.get("/_dev/mailbox", &[]).await;
    assert!(html
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let (at_first, at_second) = (
        html.body.find(&first).unwrap(),
        html.body.find(&second).unwrap(),
    );
    assert!(at_second < at_first, "newest first");
    assert!(html.body.contains(messages[0]["code"].as_str().unwrap()));
}

#[tokio::test]
async fn wrong_code_shows_an_error_and_allows_three_tries() {
    let h = Harness::new();
    let browser = Browser::default();
    let address = email("tries");
    let (id, _) = to_code_page(&h, &browser, &Authorization::spa(), &address).await;
    let code = h.tenant.latest_code(&address).unwrap();
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    let first = browser.submit_code(&h, &id, wrong).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first
        .element_text("error")
        .unwrap()
        .contains("2 tries left"));
    let second = browser.submit_code(&h, &id, wrong).await;
    assert!(second.element_text("error").unwrap().contains("1 try left"));
    let third = browser.submit_code(&h, &id, wrong).await;
    assert!(third.element_text("error").unwrap().contains("last try"));
    let right_too_late = browser.submit_code(&h, &id, &code).await;
    assert_eq!(right_too_late.status, StatusCode::OK);
    assert!(right_too_late
        .element_text("error")
        .unwrap()
        .contains("Too many wrong codes"));

    let resent = browser.resend(&h, &id).await;
    assert!(resent.element_text("info").unwrap().contains("new code"));
    let new_code = h.tenant.latest_code(&address).unwrap();
    let done = browser.submit_code(&h, &id, &new_code).await;
    assert!(done.has_element("displayName"), "{}", done.body);
}

#[tokio::test]
async fn expired_code_is_rejected_and_resend_sends_a_new_one() {
    let h = Harness::new();
    let browser = Browser::default();
    let address = email("expiry");
    let (id, _) = to_code_page(&h, &browser, &Authorization::spa(), &address).await;
    let code = h.tenant.latest_code(&address).unwrap();
    h.tenant.advance_clock(Duration::from_secs(601));
    let reply = browser.submit_code(&h, &id, &code).await;
    assert!(
        reply.element_text("error").unwrap().contains("expired"),
        "{}",
        reply.body
    );

    browser.resend(&h, &id).await;
    assert_eq!(h.tenant.mailbox().len(), 2);
    let fresh = h.tenant.latest_code(&address).unwrap();
    let done = browser.submit_code(&h, &id, &fresh).await;
    assert!(done.has_element("displayName"));
}

#[tokio::test]
async fn returning_user_skips_sign_up() {
    let h = Harness::new();
    let address = email("returning");
    h.sign_in(&Browser::default(), &Authorization::spa(), &address)
        .await;
    let browser = Browser::default();
    let (id, _) = to_code_page(&h, &browser, &Authorization::spa(), &address).await;
    let code = h.tenant.latest_code(&address).unwrap();
    let reply = browser.submit_code(&h, &id, &code).await;
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
    assert!(reply.redirect_params().contains_key("code"));
}

#[tokio::test]
async fn session_cookie_lets_a_second_sign_in_skip_the_code() {
    let h = Harness::new();
    let browser = Browser::default();
    let first = h
        .sign_in(&browser, &Authorization::spa(), &email("session"))
        .await;
    let mails = h.tenant.mailbox().len();
    let again = browser.get(&h, &Authorization::spa().url()).await;
    assert_eq!(again.status, StatusCode::FOUND, "{}", again.body);
    let params = again.redirect_params();
    assert!(params.contains_key("code"));
    assert_eq!(params["session_state"], first["session_state"]);
    assert_eq!(h.tenant.mailbox().len(), mails, "no new code sent");
}

#[tokio::test]
async fn prompt_login_asks_for_the_code_despite_a_session() {
    let h = Harness::new();
    let browser = Browser::default();
    h.sign_in(&browser, &Authorization::spa(), &email("relogin"))
        .await;
    let reply = browser
        .get(&h, &Authorization::spa().with("prompt", "login").url())
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.has_element("email"));
}

#[tokio::test]
async fn prompt_none_with_a_session_returns_a_code() {
    let h = Harness::new();
    let browser = Browser::default();
    h.sign_in(&browser, &Authorization::spa(), &email("silent"))
        .await;
    let reply = browser
        .get(&h, &Authorization::spa().with("prompt", "none").url())
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert!(reply.redirect_params().contains_key("code"));
}

#[tokio::test]
async fn login_hint_for_another_user_does_not_use_the_session() {
    let h = Harness::new();
    let browser = Browser::default();
    h.sign_in(&browser, &Authorization::spa(), &email("hinted"))
        .await;
    let reply = browser
        .get(
            &h,
            &Authorization::spa()
                .with("login_hint", "someone.else@example.com")
                .url(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("value=\"someone.else@example.com\""));
}

#[tokio::test]
async fn prompt_select_account_offers_the_signed_in_account() {
    let h = Harness::new();
    let browser = Browser::default();
    let address = email("picker");
    h.sign_in(&browser, &Authorization::spa(), &address).await;
    let picker = browser
        .get(
            &h,
            &Authorization::spa().with("prompt", "select_account").url(),
        )
        .await;
    assert!(
        picker.has_element("continue") && picker.has_element("use-another"),
        "{}",
        picker.body
    );
    assert!(picker.body.contains(&address));
    let id = picker.request_id();
    let reply = browser
        .post(&h, &signin_path("continue"), &[("request_id", &id)])
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert!(reply.redirect_params().contains_key("code"));

    let picker = browser
        .get(
            &h,
            &Authorization::spa().with("prompt", "select_account").url(),
        )
        .await;
    let other = browser
        .get(
            &h,
            &format!(
                "{}?request_id={}",
                signin_path("another"),
                picker.request_id()
            ),
        )
        .await;
    assert!(other.has_element("email"));
}

#[tokio::test]
async fn prompt_create_shows_the_create_account_page() {
    let h = Harness::new();
    let reply = h
        .get(&Authorization::spa().with("prompt", "create").url(), &[])
        .await;
    assert!(
        reply.body.contains("<h1>Create account</h1>"),
        "{}",
        reply.body
    );
    assert!(reply.has_element("email"));
}

#[tokio::test]
async fn cancel_returns_access_denied_to_the_app() {
    let h = Harness::new();
    let auth = Authorization::spa();
    let page = h.get(&auth.url(), &[]).await;
    let reply = h
        .get(
            &format!("{}?request_id={}", signin_path("cancel"), page.request_id()),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let params = reply.redirect_params();
    assert_eq!(params["error"], "access_denied");
    assert!(params["error_description"].starts_with("AADSTS"));
    assert_eq!(params["state"], auth.state);
}

#[tokio::test]
async fn invalid_email_shows_an_error_on_the_page() {
    let h = Harness::new();
    let page = h.get(&Authorization::spa().url(), &[]).await;
    let reply = h
        .post_form(
            &signin_path("email"),
            &[
                ("request_id", &page.request_id()),
                ("email", "not-an-email"),
            ],
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.element_text("error").unwrap().contains("valid email"));
    assert!(h.tenant.mailbox().is_empty());
}

#[tokio::test]
async fn sign_up_requires_a_display_name() {
    let h = Harness::new();
    let browser = Browser::default();
    let address = email("noname");
    let (id, _) = to_code_page(&h, &browser, &Authorization::spa(), &address).await;
    let code = h.tenant.latest_code(&address).unwrap();
    browser.submit_code(&h, &id, &code).await;
    let reply = browser
        .post(
            &h,
            &signin_path("signup"),
            &[
                ("request_id", &id),
                ("displayName", " "),
                ("givenName", "G"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply
        .element_text("error")
        .unwrap()
        .contains("display name"));
    assert!(
        reply.body.contains("value=\"G\""),
        "entered values are kept"
    );
}

#[tokio::test]
async fn sign_up_cannot_skip_the_code() {
    let h = Harness::new();
    let page = h.get(&Authorization::spa().url(), &[]).await;
    let fields = [
        ("request_id", page.request_id()),
        ("displayName", "Mallory".to_string()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let reply = h.post_form(&signin_path("signup"), &fields, &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.has_element("error"));
    assert!(reply.header("location").is_none());
}

#[tokio::test]
async fn unknown_request_id_shows_an_expired_request_page() {
    let h = Harness::new();
    let reply = h
        .post_form(
            &signin_path("email"),
            &[("request_id", "nope"), ("email", "a@b.example")],
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.element_text("error").unwrap().contains("expired"));
}

#[tokio::test]
async fn fragment_and_form_post_response_modes_carry_the_code() {
    let h = Harness::new();
    let auth = Authorization::spa().with("response_mode", "fragment");
    let reply = h
        .sign_in_reply(&Browser::default(), &auth, &email("fragment"))
        .await;
    let location = reply.location();
    assert!(location.query().is_none());
    assert!(reply.redirect_params().contains_key("code"));

    let auth = Authorization::spa().with("response_mode", "form_post");
    let reply = h
        .sign_in_reply(&Browser::default(), &auth, &email("formpost"))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains(&format!("action=\"{REDIRECT_URI}\"")));
    assert!(reply.body.contains("name=\"code\""));
    assert!(reply
        .body
        .contains(&format!("name=\"state\" value=\"{}\"", auth.state)));
}
