//! The tenant page (the dev tenant's discovery document and keys, marked with the app's checks)
//! and the home page's registration check against three builds: the SPA client (accepted), the
//! Web client (AADSTS9002326) and a client ID the tenant does not know (AADSTS700016). A missing
//! `Origin` (AADSTS9002327) cannot be produced from a browser: it is covered by host tests.

use crate::support::{app_origin, click, goto, js, tenant, text_of, wait_for, with_browser, Build};
use entra_signin::config::DEV_TENANT_ID;
use fantoccini::Client;

/// `[name, mark class, check text]` of each row of the table `id`.
async fn rows(client: &Client, id: &str) -> Vec<(String, String, String)> {
    wait_for(client, &format!("#{id} tbody tr")).await;
    let rows = js(
        client,
        "return Array.from(document.querySelectorAll(`#${arguments[0]} tbody tr`),
             row => [row.dataset.name, row.className, row.lastElementChild.textContent]);",
        vec![id.into()],
    )
    .await;
    serde_json::from_value(rows).unwrap_or_default()
}

/// Runs the home page's registration check and returns its finding and its meaning.
async fn check_registration(client: &Client, origin: &str) -> (String, String) {
    goto(client, &format!("{origin}/")).await;
    click(client, "#check-registration").await;
    wait_for(client, "#registration-result:not([data-finding='running'])").await;
    let finding = js(
        client,
        "return document.querySelector('#registration-result').dataset.finding;",
        vec![],
    )
    .await;
    let meaning = text_of(client, "#registration-result").await;
    (finding.as_str().unwrap_or_default().to_string(), meaning)
}

#[test]
fn the_tenant_page_marks_discovery_and_keys_and_the_registration_check_reads_each_answer() {
    let spa = app_origin(Build::Spa);
    let web = app_origin(Build::WebWithSecret);
    let unknown = app_origin(Build::UnknownClient);
    let kids = tenant().tenant().published_kids();
    with_browser(|client| async move {
        goto(&client, &format!("{spa}/")).await;
        click(&client, "a[href='/tenant']").await;
        let members = rows(&client, "tenant-discovery").await;
        let member = |name: &str| {
            members
                .iter()
                .find(|(n, _, _)| n == name)
                .cloned()
                .unwrap_or_else(|| panic!("no member {name} in {members:?}"))
        };
        let (_, class, note) = member("issuer");
        assert_eq!(class, "check-pass");
        assert!(
            note.contains(&format!("tenant GUID ({DEV_TENANT_ID})"))
                && note.contains("expected for an External ID (CIAM) tenant"),
            "{note}"
        );
        for name in ["token_endpoint", "jwks_uri", "end_session_endpoint"] {
            assert_eq!(member(name).1, "check-pass", "{name}");
        }
        let (_, class, note) = member("id_token_signing_alg_values_supported");
        assert_eq!(
            (class.as_str(), note.as_str()),
            ("check-pass", "includes RS256")
        );
        assert!(text_of(&client, "#tenant-verdict").await.contains("passed"));

        let keys = rows(&client, "tenant-keys").await;
        let listed: Vec<&str> = keys.iter().map(|(kid, _, _)| kid.as_str()).collect();
        assert_eq!(listed, kids);
        let first_key = text_of(&client, "#tenant-keys tbody tr").await;
        assert!(
            first_key.contains("2048") && first_key.contains(" UTC)"),
            "{first_key}"
        );
        assert!(keys
            .iter()
            .all(|(_, class, note)| class == "check-pass" && note.starts_with("usable")));

        let (finding, text) = check_registration(&client, &spa).await;
        assert_eq!(finding, "accepted", "{text}");
        assert!(
            text.contains("Registration accepted") && text.contains("AADSTS9002313"),
            "{text}"
        );

        let (finding, text) = check_registration(&client, &web).await;
        assert_eq!(finding, "not-spa", "{text}");
        assert!(
            text.contains("Web platform") && text.contains("AADSTS9002326"),
            "{text}"
        );

        let (finding, text) = check_registration(&client, &unknown).await;
        assert_eq!(finding, "unknown-application", "{text}");
        assert!(text.contains("AADSTS700016"), "{text}");
        assert!(
            !text.contains("registration-check-not-an-authorization-code"),
            "{text}"
        );
    });
}
