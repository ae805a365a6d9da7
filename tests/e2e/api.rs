//! Call an API: the dev API answers the access token, and each refusal is explained: a missing
//! scope (403), a tampered or absent token (401 with its challenge parsed), no CORS (TypeError).

use crate::support::{
    app_origin, attr_of, choose, click, fill, goto, new_email, open_section, pass_email_code,
    screenshot, text_of, wait_for_attr, with_browser, Build, TenantGuard,
};
use crate::tenant_port;
use dev_tenant::{Lifetimes, DEV_API_AUDIENCE, DEV_API_SCOPE};
use fantoccini::Client;

/// Sends `url` with the credential `credential` and waits for an answer with `status`.
async fn call(client: &Client, url: &str, credential: &str, status: &str) {
    fill(client, "#api-url", url).await;
    choose(client, "#api-credential", credential).await;
    click(client, "#api-send").await;
    wait_for_attr(client, "#api-status", "data-status", |s| s == status).await;
}

#[test]
fn the_api_panel_shows_the_dev_apis_answer_and_explains_each_refusal() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    let api = format!("http://127.0.0.1:{}/_dev/api", tenant_port());
    with_browser(|client| async move {
        goto(&client, &format!("{origin}/")).await;
        click(&client, "#sign-in-options summary").await;
        let scopes = format!("profile email offline_access {DEV_API_SCOPE}");
        fill(&client, "#option-scopes", &scopes).await;
        click(&client, "#sign-up").await;
        let email = new_email("api");
        pass_email_code(&client, &email, true).await;
        assert_eq!(text_of(&client, "#profile-email").await, email);
        open_section(&client, "tokens").await;
        open_section(&client, "api").await;
        assert_eq!(
            text_of(&client, "#access-token-aud").await,
            DEV_API_AUDIENCE
        );
        let scp = text_of(&client, "#access-token-scp").await;
        assert!(scp.contains("access_as_user"), "{scp}");

        call(&client, &format!("{api}/me"), "token", "200").await;
        let body = text_of(&client, "#api-response-body").await;
        assert!(body.contains(&format!("\"email\": \"{email}\"")), "{body}");
        let headers = text_of(&client, "#api-headers").await;
        assert!(headers.contains("request-id"), "exposed: {headers}");
        assert_eq!(attr_of(&client, "#api-status", "class").await, "pass");
        screenshot(&client, "api-200").await;

        call(&client, &format!("{api}/admin"), "token", "403").await;
        let verdict = text_of(&client, "#api-verdict").await;
        assert_eq!(
            verdict,
            "403: the token lacks the scope api://dev-tenant-api/Admin.ReadWrite: add it to the \
             sign-in's scopes (Sign-in options) and grant it to the app"
        );
        let explained = text_of(&client, "#api-explanation").await;
        for part in [
            "error: \"insufficient_scope\"",
            "scope (needed): api://dev-tenant-api/Admin.ReadWrite",
            "The token's scp: openid profile email access_as_user",
            "The token's roles: (none)",
        ] {
            assert!(explained.contains(part), "{part:?} in {explained}");
        }

        call(&client, &format!("{api}/me"), "tampered", "401").await;
        assert_eq!(
            text_of(&client, "#api-verdict").await,
            "401 invalid_token: the API refused the token (the token is not one this tenant signed)"
        );
        let explained = text_of(&client, "#api-explanation").await;
        assert!(explained.contains("realm: \"\""), "{explained}");
        assert!(
            explained.contains("authorization_uri: \"http://"),
            "{explained}"
        );

        // No CORS: the browser hides everything, the page says what the API must allow.
        fill(&client, "#api-url", &format!("{api}/no-cors")).await;
        choose(&client, "#api-credential", "token").await;
        click(&client, "#api-send").await;
        let error = text_of(&client, "#api-error").await;
        assert!(error.contains("failed before any HTTP answer"), "{error}");
        let advice = text_of(&client, "#api-explanation").await;
        for part in [
            format!("Access-Control-Allow-Origin: {origin}"),
            "Access-Control-Allow-Headers: Authorization".to_string(),
            "CORS refusal".to_string(),
        ] {
            assert!(advice.contains(&part), "{part:?} in {advice}");
        }

        call(&client, &format!("{api}/me"), "none", "401").await;
        let verdict = text_of(&client, "#api-verdict").await;
        assert!(verdict.contains("none was sent"), "{verdict}");

        // Refused before sending: the body is checked as JSON.
        choose(&client, "#api-method", "POST").await;
        fill(&client, "#api-body", "{\"a\": }").await;
        click(&client, "#api-send").await;
        let refused = text_of(&client, "#api-error").await;
        assert!(
            refused.starts_with("Not sent: the body is not valid JSON (line 1, column 7"),
            "{refused}"
        );
    });
}
