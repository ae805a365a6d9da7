//! The flow inspector: every step of a sign-in in order, credentials masked until revealed, tokens
//! shortened until expanded, and a Markdown copy for bug reports that leaks none of them.

use crate::support::{
    app_origin, assert_trace_all_ok, click, js, new_email, number_attr_of, open_section, open_step,
    pass_email_code, screenshot, sign_up_at, start_sign_up, step_outcomes, stored_session,
    string_field, text_content, text_of, wait_for, wait_until, with_browser, Build, TenantGuard,
    PAGE_TIMEOUT, SIGN_IN_STEPS,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use dev_tenant::Lifetimes;
use entra_signin::flow::TraceKind;
use fantoccini::Client;
use sha2::{Digest, Sha256};

const INSPECTOR: &str = "#flow-inspector[data-kind='sign-in']";

/// The field `name` of the inspector, in step `step` when given.
fn field(step: Option<&str>, name: &str) -> String {
    let step = step.map_or(String::new(), |s| format!(" .trace-step[data-step='{s}']"));
    format!("{INSPECTOR}{step} .trace-field[data-field='{name}']")
}

/// Reveals the secret field `css` and returns its value, after checking that it was masked.
async fn reveal(client: &Client, css: &str) -> String {
    let masked = text_of(client, &format!("{css} .masked")).await;
    click(client, &format!("{css} button.reveal")).await;
    let revealed = text_content(client, &format!("{css} .revealed")).await;
    let revealed = revealed.trim().to_string();
    assert!(!revealed.is_empty(), "{css}: nothing revealed");
    assert!(
        !masked.contains(&revealed),
        "{css}: the masked text shows the value: {masked}"
    );
    revealed
}

/// Expands the token field `css` and returns the whole token, after checking that it was shortened.
async fn expand(client: &Client, css: &str) -> String {
    let short = text_of(client, &format!("{css} .token-short")).await;
    click(client, &format!("{css} button.expand")).await;
    let full = text_content(client, &format!("{css} .token-full")).await;
    let full = full.trim().to_string();
    assert!(
        !short.contains(&full),
        "{css}: the short form is the whole token"
    );
    full
}

/// Replaces `navigator.clipboard.writeText` with a recorder, so that copies can be read back.
async fn record_clipboard(client: &Client) {
    js(
        client,
        "navigator.clipboard.writeText = t => { window.__copied = t; return Promise.resolve(); };",
        vec![],
    )
    .await;
}

/// Clicks `button` and returns what it handed to the clipboard (see [`record_clipboard`]).
async fn copied_by(client: &Client, button: &str) -> String {
    js(client, "window.__copied = null;", vec![]).await;
    click(client, button).await;
    let what = format!("{button} to copy something");
    wait_until(client, &what, PAGE_TIMEOUT, move || async move {
        let copied = js(client, "return window.__copied;", vec![]).await;
        copied.as_str().map(str::to_string)
    })
    .await
}

#[test]
fn the_inspector_of_a_sign_in_shows_every_step_and_keeps_credentials_out_of_the_markdown() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        sign_up_at(&client, &origin, &new_email("inspector"), true).await;
        assert_trace_all_ok(&client, "", "sign-in", &SIGN_IN_STEPS).await;
        for step in SIGN_IN_STEPS {
            let css = format!("{INSPECTOR} .trace-step[data-step='{step}'] .trace-duration");
            let ms = number_attr_of(&client, &css, "data-ms").await;
            assert!(ms >= 0.0, "{step}: {ms} ms");
        }
        let stored = stored_session(&client).await;
        open_section(&client, "inspector").await;
        for step in SIGN_IN_STEPS {
            open_step(&client, INSPECTOR, step).await;
        }

        let verifier = reveal(&client, &field(Some("pkce"), "code_verifier")).await;
        assert_eq!(verifier.len(), 43, "{verifier}");
        assert!(
            verifier
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "not base64url: {verifier}"
        );
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let shown = text_content(&client, &field(Some("pkce"), "code_challenge")).await;
        assert!(
            shown.contains(&challenge),
            "S256 {challenge} not in {shown}"
        );

        let code = reveal(&client, &field(None, "code")).await;
        let refresh_token = reveal(&client, &field(None, "refresh_token")).await;
        assert_eq!(refresh_token, string_field(&stored, "refresh_token"));
        let id_token = expand(&client, &field(None, "id_token")).await;
        assert_eq!(id_token, string_field(&stored, "id_token"));
        let access_token = expand(&client, &field(None, "access_token")).await;
        assert_eq!(access_token, string_field(&stored, "access_token"));
        screenshot(&client, "inspector-revealed").await;

        record_clipboard(&client).await;
        let copy_token = format!("{} button.copy", field(None, "id_token"));
        assert_eq!(copied_by(&client, &copy_token).await, id_token);
        let copied = copied_by(&client, "#copy-trace-markdown").await;
        let markdown = text_content(&client, "#trace-markdown").await;
        assert_eq!(copied.trim(), markdown.trim());
        for kind in TraceKind::SignIn.steps() {
            assert!(
                markdown.contains(kind.title()),
                "no {:?}:\n{markdown}",
                kind.title()
            );
        }
        assert!(markdown.contains(&challenge), "no challenge:\n{markdown}");
        for (name, secret) in [
            ("code_verifier", &verifier),
            ("code", &code),
            ("refresh_token", &refresh_token),
            ("id_token", &id_token),
            ("access_token", &access_token),
        ] {
            assert!(
                !markdown.contains(secret.as_str()),
                "{name} in:\n{markdown}"
            );
        }
    });
}

#[test]
fn the_inspector_of_a_refused_code_exchange_shows_where_it_stopped() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::WebWithSecret);
    with_browser(|client| async move {
        start_sign_up(&client, &origin, false).await;
        pass_email_code(&client, &new_email("web-inspector"), true).await;
        wait_for(&client, INSPECTOR).await;
        open_step(&client, INSPECTOR, "token-request").await;

        let secret = reveal(&client, &field(Some("token-request"), "client_secret")).await;
        assert_eq!(secret, dev_tenant::WEB_CLIENT_SECRET);
        let steps = step_outcomes(&client, &format!("{INSPECTOR} .trace-step")).await;
        assert!(
            steps.contains(&("token-response".to_string(), "failed".to_string())),
            "{steps:?}"
        );
        let diagram =
            step_outcomes(&client, &format!("{INSPECTOR} #flow-diagram li[data-step]")).await;
        let expected: Vec<(String, String)> = SIGN_IN_STEPS
            .iter()
            .map(|step| {
                let outcome = match *step {
                    "token-response" => "failed",
                    "jwks" | "validation" => "not-reached",
                    _ => "ok",
                };
                (step.to_string(), outcome.to_string())
            })
            .collect();
        assert_eq!(diagram, expected);
        screenshot(&client, "inspector-9002326").await;

        let markdown = text_content(&client, "#trace-markdown").await;
        assert!(markdown.contains("9002326"), "{markdown}");
        assert!(
            !markdown.contains(dev_tenant::WEB_CLIENT_SECRET),
            "the secret is in:\n{markdown}"
        );
        println!("{markdown}");
    });
}
