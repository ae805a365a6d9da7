//! The token decoder: a dev-tenant token verified, a tampered one rejected, a Graph-style one
//! explained, garbage refused, and a token arriving in the fragment taken out of the address.

use crate::support::{
    app_origin, click, current_url, goto, is_present, js, new_email, screenshot, sign_up_at,
    stored_session, string_field, text_of, wait_for, wait_gone, with_browser, Build, TenantGuard,
    PAGE_TIMEOUT,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use dev_tenant::Lifetimes;
use fantoccini::Client;
use serde_json::{json, Value};

/// Puts `text` in the decoder's field as a paste does: one `input` event.
async fn paste(client: &Client, text: &str) {
    wait_for(client, "#token-input").await;
    js(
        client,
        "const field = document.querySelector('#token-input');
         field.value = arguments[0];
         field.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![text.into()],
    )
    .await;
}

/// Waits for the verdict `kind` and returns its headline.
async fn verdict(client: &Client, kind: &str) -> String {
    let css = format!("#signature-verdict[data-verdict='{kind}']");
    wait_for(client, &css).await;
    text_of(client, &format!("{css} #verdict-headline")).await
}

/// The names of the checks in the report with this result class.
async fn checks(client: &Client, class: &str) -> Vec<String> {
    let names = js(
        client,
        "return Array.from(document.querySelectorAll(`#validation-report tr.${arguments[0]}`),
             row => row.dataset.check);",
        vec![class.into()],
    )
    .await;
    serde_json::from_value(names).unwrap_or_default()
}

/// The token with its payload (or header) JSON changed by `change`; the signature kept.
fn altered(token: &str, part: usize, change: impl FnOnce(&mut Value)) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let json = URL_SAFE_NO_PAD.decode(&parts[part]).expect("base64url");
    let mut value: Value = serde_json::from_slice(&json).expect("JSON");
    change(&mut value);
    parts[part] = URL_SAFE_NO_PAD.encode(value.to_string());
    parts.join(".")
}

/// Every value in the page's sessionStorage and localStorage.
async fn stored_values(client: &Client) -> String {
    let values = js(
        client,
        "return [sessionStorage, localStorage]
             .flatMap(s => Object.keys(s).map(k => s.getItem(k))).join('\\n');",
        vec![],
    )
    .await;
    values.as_str().unwrap_or_default().to_string()
}

#[test]
fn the_decoder_verifies_rejects_and_explains_tokens_and_takes_one_from_the_fragment() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        sign_up_at(&client, &origin, &new_email("decoder"), true).await;
        let stored = stored_session(&client).await;
        let id_token = string_field(&stored, "id_token");
        let access_token = string_field(&stored, "access_token");
        click(&client, "#sign-out-locally").await;
        wait_gone(&client, "#profile").await;
        let signature = id_token.rsplit('.').next().unwrap_or_default().to_string();
        assert!(!stored_values(&client).await.contains(&signature));

        goto(&client, &format!("{origin}/decode")).await;
        paste(&client, &format!("  Bearer {id_token}\n")).await;
        let headline = verdict(&client, "verified").await;
        assert!(headline.contains("Signature verified"), "{headline}");
        let keys = text_of(&client, "#verdict-more").await;
        let issuer = crate::support::tenant().issuer();
        assert!(
            keys.contains(&format!("Keys of {issuer} (this app's tenant)")),
            "{keys}"
        );
        assert_eq!(checks(&client, "check-fail").await, Vec::<String>::new());
        let passed = checks(&client, "check-pass").await;
        assert_eq!(
            passed,
            ["iss", "signature", "alg", "exp", "iat", "nbf", "crit"]
        );
        assert!(is_present(&client, "#claims tr[data-claim='sub']").await);
        let exp = text_of(&client, "#claims tr[data-claim='exp'] .claim-time").await;
        assert!(exp.contains("in 59 min") || exp.contains("in 1 h"), "{exp}");
        screenshot(&client, "decoder-verified").await;

        paste(&client, &access_token).await;
        verdict(&client, "verified").await;

        let tampered = altered(&id_token, 1, |claims| claims["name"] = json!("Mallory"));
        paste(&client, &tampered).await;
        let headline = verdict(&client, "invalid-signature").await;
        assert!(headline.contains("Do not trust"), "{headline}");
        assert_eq!(checks(&client, "check-fail").await, ["signature"]);
        let name = text_of(&client, "#claims tr[data-claim='name'] .claim-value").await;
        assert_eq!(name, "Mallory");

        let graph_style = altered(&access_token, 0, |header| {
            header["nonce"] = json!("hashed-before-signing");
        });
        paste(&client, &graph_style).await;
        let headline = verdict(&client, "not-by-design").await;
        assert!(headline.contains("Microsoft Graph"), "{headline}");
        assert_eq!(checks(&client, "check-pass").await, ["exp", "iat", "nbf"]);

        paste(&client, "this is not a token").await;
        let error = verdict(&client, "not-a-token").await;
        assert!(error.contains("three base64url parts"), "{error}");
        assert!(!error.contains("this is not a token"), "{error}");
        assert!(!is_present(&client, "#claims").await);

        // From another page: a load of /decode, as the reply of "Run user flow".
        goto(&client, &format!("{origin}/")).await;
        goto(
            &client,
            &format!("{origin}/decode#id_token={id_token}&state=run-user-flow"),
        )
        .await;
        arrived(&client, "#id_token").await;
        assert!(
            field_value(&client).await == id_token,
            "the field does not hold the ID token"
        );

        // On /decode already: a fragment navigation, with no load.
        goto(
            &client,
            &format!("{origin}/decode#access_token={access_token}"),
        )
        .await;
        arrived(&client, "#access_token").await;
        assert!(
            field_value(&client).await == access_token,
            "the field does not hold the access token"
        );
        assert!(!stored_values(&client).await.contains(&signature));
    });
}

/// Waits until the token from the fragment `parameter` is verified and the address has no
/// fragment. Never prints the address, which held the token.
async fn arrived(client: &Client, parameter: &str) {
    let start = std::time::Instant::now();
    loop {
        let url = current_url(client).await;
        let verified = is_present(client, "#signature-verdict[data-verdict='verified']").await;
        if verified && !url.contains('#') {
            break;
        }
        assert!(
            start.elapsed() < PAGE_TIMEOUT,
            "{parameter}: verified {verified}, fragment still in the address: {}",
            url.contains('#')
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(current_url(client).await.ends_with("/decode"));
    let source = text_of(client, "#token-source").await;
    assert!(
        source.contains(parameter) && source.contains("removed from the address bar"),
        "{source}"
    );
}

async fn field_value(client: &Client) -> String {
    let value = js(
        client,
        "return document.querySelector('#token-input').value;",
        vec![],
    )
    .await;
    value.as_str().unwrap_or_default().to_string()
}
