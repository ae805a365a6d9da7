//! Sign-in options: what the tester chooses is exactly what the tenant receives, the flow's own
//! parameters are refused, and the choice is remembered until reset.

use crate::support::{
    app_origin, choose, click, click_when_enabled, current_url, fill, goto, is_present, js,
    new_email, open_section, open_step, pass_email_code, tenant, text_of, wait_for, wait_for_attr,
    wait_gone, with_browser, Build, TenantGuard,
};
use dev_tenant::Lifetimes;
use fantoccini::Client;

/// `(name, value)` of every row of the shown authorization request.
async fn shown_request(client: &Client) -> Vec<(String, String)> {
    // The request is prepared after the click (discovery, PKCE): its rows appear a moment later.
    wait_for(client, "#authorize-params tbody tr").await;
    let rows = js(
        client,
        "return [...document.querySelectorAll('#authorize-params tbody tr')]
            .map(r => [r.cells[0].textContent, r.cells[1].textContent]);",
        vec![],
    )
    .await;
    serde_json::from_value(rows).expect("rows of names and values")
}

fn received_by_the_tenant() -> Vec<(String, String)> {
    let query = tenant()
        .tenant()
        .latest_authorize_query()
        .expect("an authorization request reached the tenant");
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn value_of<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn the_chosen_options_reach_the_tenant_exactly_and_are_remembered_until_reset() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        goto(&client, &format!("{origin}/")).await;
        click(&client, "#sign-in-options summary").await;
        let email = new_email("options");
        // Not the build's SCOPES, so that a renewal asking for those would show.
        fill(&client, "#option-scopes", "offline_access email").await;
        fill(&client, "#option-login-hint", &email).await;
        fill(&client, "#option-domain-hint", "google").await;
        let note = text_of(&client, "#domain-hint-note").await;
        assert!(
            note.contains("AADSTS90023") && note.contains("\"Google\""),
            "{note}"
        );
        fill(&client, "#option-domain-hint", "Google").await;
        wait_gone(&client, "#domain-hint-note").await;
        fill(&client, "#option-ui-locales", "fr-FR").await;
        choose(&client, "#option-prompt", "create").await;

        // A parameter the flow owns is refused, in the panel and if sent anyway.
        click(&client, "#add-extra-parameter").await;
        fill(&client, "#extra-parameters .extra-name", "state").await;
        fill(&client, "#extra-parameters .extra-value", "mine").await;
        let refused = text_of(&client, "#sign-in-options-error").await;
        assert!(
            refused.contains("\"state\" is set by the flow itself"),
            "{refused}"
        );
        click(&client, "#sign-in").await;
        assert_eq!(
            text_of(&client, "#error-title").await,
            "The sign-in options cannot be sent"
        );
        fill(&client, "#extra-parameters .extra-name", "acr_values").await;
        wait_gone(&client, "#sign-in-options-error").await;

        // Shown first, then sent exactly as shown.
        click(&client, "#option-show-request").await;
        click(&client, "#sign-in").await;
        let shown = shown_request(&client).await;
        let names: Vec<&str> = shown.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names[9..],
            [
                "prompt",
                "login_hint",
                "domain_hint",
                "ui_locales",
                "acr_values"
            ],
            "{shown:?}"
        );
        assert_eq!(
            value_of(&shown, "scope"),
            Some("openid offline_access email")
        );
        let url = text_of(&client, "#authorize-url").await;
        click(&client, "#continue-sign-in").await;
        pass_email_code(&client, &email, true).await;
        assert_eq!(text_of(&client, "#profile-email").await, email);
        let received = received_by_the_tenant();
        assert_eq!(received, shown, "the tenant received other parameters");
        assert!(url.ends_with("acr_values=mine"), "{url}");

        // A renewal asks for the scope the sign-in asked for (Entra: the same or fewer).
        click_when_enabled(&client, "#refresh-tokens").await;
        wait_for_attr(&client, "#renewal-count", "data-count", |n| n == "1").await;
        open_section(&client, "inspector").await;
        open_step(
            &client,
            "#flow-inspector[data-kind='refresh']",
            "token-request",
        )
        .await;
        let renewal_scope = text_of(
            &client,
            "#flow-inspector[data-kind='refresh'] .trace-step[data-step='token-request'] \
             .trace-field[data-field='scope'] td",
        )
        .await;
        assert_eq!(renewal_scope, "openid offline_access email");

        // Remembered across a reload, forgotten on reset.
        click(&client, "#sign-out-locally").await;
        goto(&client, &format!("{origin}/")).await;
        click(&client, "#sign-in-options summary").await;
        let kept = wait_for(&client, "#option-login-hint")
            .await
            .prop("value")
            .await
            .ok()
            .flatten();
        assert_eq!(kept.as_deref(), Some(email.as_str()));
        click(&client, "#reset-sign-in-options").await;
        let cleared = js(
            &client,
            "return [document.querySelector('#option-login-hint').value, localStorage.getItem('entra-signin.options')];",
            vec![],
        )
        .await;
        assert_eq!(cleared, serde_json::json!(["", null]));
        assert!(!is_present(&client, "#extra-parameters .extra-name").await);
    });
}

#[test]
fn prompt_none_with_a_tenant_session_answers_in_the_fragment_without_a_page() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        let email = new_email("silent");
        goto(&client, &format!("{origin}/")).await;
        click(&client, "#sign-up").await;
        pass_email_code(&client, &email, true).await;
        assert_eq!(text_of(&client, "#profile-email").await, email);
        click(&client, "#sign-out-locally").await;

        goto(&client, &format!("{origin}/")).await;
        click(&client, "#sign-in-options summary").await;
        choose(&client, "#option-prompt", "none").await;
        choose(&client, "#option-response-mode", "fragment").await;
        click(&client, "#sign-in").await;
        // No tenant page: straight back with the code in the fragment, then the profile.
        assert_eq!(text_of(&client, "#profile-email").await, email);
        let received = received_by_the_tenant();
        assert_eq!(value_of(&received, "prompt"), Some("none"));
        assert_eq!(value_of(&received, "response_mode"), Some("fragment"));
        let url = current_url(&client).await;
        assert!(!url.contains("code="), "{url}");
    });
}
