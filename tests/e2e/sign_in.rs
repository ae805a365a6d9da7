//! Sign-in end to end: the release build in headless Chromium against the in-process dev tenant.

use crate::support::{
    app_origin, click, current_url, goto, new_email, open_section, pass_email_code, screenshot,
    text_of, with_browser, Build, TenantGuard,
};
use dev_tenant::Lifetimes;
use fantoccini::{Client, Locator};

/// Signs up a new user from the home page of `origin` and waits for the profile.
async fn sign_up(client: &Client, origin: &str, email: &str) {
    goto(client, &format!("{origin}/")).await;
    click(client, "#sign-up").await;
    pass_email_code(client, email, true).await;
}

async fn failed_checks(client: &Client) -> Vec<String> {
    let rows = client
        .find_all(Locator::Css("#validation-report tr.check-fail"))
        .await
        .unwrap_or_default();
    let mut names = Vec::new();
    for row in rows {
        names.push(
            row.attr("data-check")
                .await
                .ok()
                .flatten()
                .unwrap_or_default(),
        );
    }
    names
}

#[test]
fn sign_up_shows_the_validated_claims_and_removes_the_code_from_the_address() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        let email = new_email("signup");
        sign_up(&client, &origin, &email).await;
        assert_eq!(text_of(&client, "#profile-name").await, "Ada Lovelace");
        assert_eq!(text_of(&client, "#profile-email").await, email);
        let verdict = text_of(&client, "#validation-verdict").await;
        assert!(verdict.contains("checks passed"), "{verdict}");
        open_section(&client, "validation").await;
        open_section(&client, "claims").await;
        assert!(failed_checks(&client).await.is_empty());
        let checks = client
            .find_all(Locator::Css("#validation-report tbody tr"))
            .await
            .expect("report rows");
        assert!(
            checks.len() >= 10,
            "only {} checks in the report",
            checks.len()
        );
        let claims = text_of(&client, "#claims").await;
        for claim in ["iss", "aud", "nonce", "sub", "oid", "tid", "exp"] {
            assert!(
                client
                    .find(Locator::Css(&format!("#claims tr[data-claim='{claim}']")))
                    .await
                    .is_ok(),
                "claim {claim} missing:\n{claims}"
            );
        }
        assert!(text_of(&client, "#refresh-token-received")
            .await
            .starts_with("yes"));
        screenshot(&client, "profile").await;
        let url = current_url(&client).await;
        assert_eq!(url, format!("{origin}/profile"));
        assert!(!url.contains("code="));
    });
}

#[test]
fn a_second_sign_in_reuses_the_tenant_session_and_a_reload_of_the_callback_says_the_code_was_used()
{
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        let email = new_email("again");
        sign_up(&client, &origin, &email).await;
        text_of(&client, "#profile-name").await;
        click(&client, "#sign-out-locally").await;
        assert!(text_of(&client, "#signed-out")
            .await
            .contains("Not signed in"));

        goto(&client, &format!("{origin}/")).await;
        click(&client, "#sign-in").await;
        // The tenant's session cookie skips the email and code pages.
        assert_eq!(text_of(&client, "#profile-email").await, email);

        goto(&client, &format!("{origin}/callback")).await;
        let used = text_of(&client, "#code-already-used").await;
        assert!(used.contains("used once"), "{used}");
    });
}

#[test]
fn sign_up_asks_the_tenant_for_the_create_prompt() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        goto(&client, &format!("{origin}/")).await;
        click(&client, "#sign-up").await;
        text_of(&client, "#email").await;
        let url = current_url(&client).await;
        assert!(url.contains("prompt=create"), "{url}");
        assert!(url.contains("code_challenge_method=S256"), "{url}");
        assert!(url.contains("response_type=code"), "{url}");
    });
}

#[test]
fn a_cancelled_sign_in_says_so() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        goto(&client, &format!("{origin}/")).await;
        click(&client, "#sign-in").await;
        click(&client, "#cancel").await;
        assert_eq!(text_of(&client, "#error-title").await, "Sign-in cancelled");
        let explanation = text_of(&client, "#error-explanation").await;
        assert!(explanation.contains("access_denied"), "{explanation}");
        assert!(!current_url(&client).await.contains("error="));
    });
}

#[test]
fn a_crafted_error_answer_for_no_sign_in_of_this_tab_shows_none_of_its_text() {
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        let crafted = "error=invalid_request&error_description=AADSTS50011%3A+Your+account+is+\
            locked.+Call+0800-FAKE-HELP&error_uri=https%3A%2F%2Fevil.example%2F&state=unknown";
        goto(&client, &format!("{origin}/callback?{crafted}")).await;
        assert_eq!(
            text_of(&client, "#error-title").await,
            "An unexpected sign-in answer arrived"
        );
        screenshot(&client, "unexpected-answer").await;
        let page = client.source().await.unwrap_or_default();
        for injected in ["FAKE-HELP", "AADSTS50011", "evil.example", "locked"] {
            assert!(!page.contains(injected), "{injected} is on the page");
        }
        assert!(!current_url(&client).await.contains("error="));
    });
}

#[test]
fn a_tampered_state_is_refused_before_any_token_request() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        goto(&client, &format!("{origin}/")).await;
        click(&client, "#sign-in").await;
        text_of(&client, "#email").await;
        goto(
            &client,
            &format!("{origin}/callback?code=stolen-code&state=forged-state"),
        )
        .await;
        let title = text_of(&client, "#error-title").await;
        assert_eq!(
            title,
            "This answer does not belong to a sign-in from this tab"
        );
        let exchange = client
            .find(Locator::XPath(
                "//ol[@class='steps']/li[contains(., 'Exchanging the code')]",
            ))
            .await
            .expect("the exchange step");
        assert_eq!(
            exchange.attr("data-status").await.ok().flatten().as_deref(),
            Some("pending")
        );
        assert!(!current_url(&client).await.contains("stolen-code"));
    });
}

#[test]
fn a_web_client_build_explains_aadsts9002326() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::WebWithSecret);
    with_browser(|client| async move {
        let email = new_email("web");
        sign_up(&client, &origin, &email).await;
        let advice = text_of(&client, "#error-advice").await;
        screenshot(&client, "aadsts9002326").await;
        let explanation = text_of(&client, "#error-explanation").await;
        assert!(
            explanation.starts_with(
                "The token endpoint answered HTTP 400 \"invalid_request\": AADSTS9002326"
            ),
            "{explanation}"
        );
        assert!(advice.contains("AADSTS9002326"), "{advice}");
        assert!(advice.contains("Single-page application"), "{advice}");
        let page = client.source().await.unwrap_or_default();
        assert!(
            !page.contains(dev_tenant::config::WEB_CLIENT_SECRET),
            "the secret is on the page"
        );
        let details = text_of(&client, "#error-details").await;
        assert!(details.contains("trace_id"), "{details}");
    });
}

#[test]
fn a_malformed_answer_is_refused_and_its_code_removed_from_the_address() {
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        goto(
            &client,
            &format!("{origin}/callback?code=first&code=second&state=s"),
        )
        .await;
        assert_eq!(
            text_of(&client, "#error-title").await,
            "The tenant's answer is malformed"
        );
        let explanation = text_of(&client, "#error-explanation").await;
        assert!(explanation.contains("code"), "{explanation}");
        let url = current_url(&client).await;
        assert!(!url.contains("first") && !url.contains("second"), "{url}");
    });
}
