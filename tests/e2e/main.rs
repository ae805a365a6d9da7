//! End-to-end tests: the release build in headless Chromium. Run by `cargo xtask test`.

#![cfg(not(target_arch = "wasm32"))]

mod support;

mod sign_in;

mod session;

mod inspector;

mod timing;

mod bench;

mod conformance;
mod csp;

mod a11y;
mod api;
mod decode;
mod options;
mod tenant;

use entra_signin::config::{DEV_SPA_CLIENT_ID, DEV_TENANT_AUTHORITY, DEV_TENANT_ID};
use support::{
    app_origin, attr_now, attr_of, click, current_url, goto, is_present, js, text_of, wait_for,
    with_browser, Build,
};

fn tenant_port() -> String {
    std::env::var("E2E_TENANT_PORT").expect("E2E_TENANT_PORT is set by `cargo xtask test`")
}

#[test]
fn home_shows_the_configuration_of_the_build() {
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        goto(&client, &format!("{origin}/")).await;
        let authority = text_of(&client, "#config-authority").await;
        assert_eq!(
            authority,
            format!("http://127.0.0.1:{}/{DEV_TENANT_ID}/v2.0", tenant_port())
        );
        assert_eq!(
            text_of(&client, "#config-client-id").await,
            DEV_SPA_CLIENT_ID
        );
        let redirect = text_of(&client, "#config-redirect-uri").await;
        assert!(
            redirect.starts_with(&format!("{origin}/callback")),
            "{redirect}"
        );
        assert_eq!(
            text_of(&client, "#config-scopes").await,
            "openid profile email offline_access"
        );
        assert!(text_of(&client, "#config-secret").await.starts_with("no"));
        assert!(text_of(&client, "#tenant-source")
            .await
            .contains("custom authority"));
        assert!(!is_present(&client, "#secret-banner").await);
    });
}

#[test]
fn default_build_signs_in_to_the_local_dev_tenant_and_says_so() {
    let origin = app_origin(Build::Default);
    with_browser(|client| async move {
        goto(&client, &format!("{origin}/")).await;
        assert_eq!(
            text_of(&client, "#config-authority").await,
            DEV_TENANT_AUTHORITY
        );
        assert_eq!(
            text_of(&client, "#config-client-id").await,
            DEV_SPA_CLIENT_ID
        );
        let source = text_of(&client, "#tenant-source").await;
        assert!(source.contains("local dev tenant"), "{source}");
    });
}

#[test]
fn callback_without_a_sign_in_says_so_and_links_home() {
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        goto(&client, &format!("{origin}/callback")).await;
        let text = text_of(&client, "#callback-idle").await;
        assert!(text.contains("No sign-in in progress"), "{text}");
        let home = client
            .find(fantoccini::Locator::Css("#callback-idle a"))
            .await
            .expect("a link home");
        assert_eq!(home.attr("href").await.ok().flatten().as_deref(), Some("/"));
    });
}

#[test]
fn links_back_and_forward_move_between_pages_without_a_reload() {
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        let stayed = || js(&client, "return window.__stayed === true;", vec![]);
        goto(&client, &format!("{origin}/callback")).await;
        wait_for(&client, "#callback-idle").await;
        js(&client, "window.__stayed = true;", vec![]).await;

        click(&client, "#callback-idle a").await;
        wait_for(&client, "section.intro").await;
        assert_eq!(current_url(&client).await, format!("{origin}/"));
        click(&client, ".site-header a[href='/decode']").await;
        wait_for(&client, "#decoder").await;
        assert_eq!(current_url(&client).await, format!("{origin}/decode"));
        let link = ".site-header a[href='/decode']";
        assert_eq!(attr_of(&client, link, "aria-current").await, "page");
        assert_eq!(
            attr_now(&client, ".site-header a[href='/tenant']", "aria-current").await,
            None
        );

        client.back().await.expect("history back");
        wait_for(&client, "section.intro").await;
        assert!(
            !is_present(&client, "#decoder").await,
            "the decoder stays after back"
        );
        assert_eq!(current_url(&client).await, format!("{origin}/"));
        client.forward().await.expect("history forward");
        wait_for(&client, "#decoder").await;
        assert_eq!(
            stayed().await,
            serde_json::Value::Bool(true),
            "a move reloaded the page"
        );
    });
}

#[test]
fn unknown_path_shows_not_found() {
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        goto(&client, &format!("{origin}/no/such/page")).await;
        let text = text_of(&client, "#not-found").await;
        assert!(text.contains("Page not found"), "{text}");
        assert!(text.contains("/no/such/page"), "{text}");
    });
}

#[test]
fn build_with_a_client_secret_shows_the_banner_on_every_page() {
    let origin = app_origin(Build::WebWithSecret);
    with_browser(|client| async move {
        for path in ["/", "/callback", "/elsewhere"] {
            goto(&client, &format!("{origin}{path}")).await;
            let banner = text_of(&client, "#secret-banner").await;
            assert!(
                banner.contains("embeds a client secret"),
                "{path}: {banner}"
            );
            assert!(
                banner.contains("Anyone who loads this app can read it"),
                "{path}: {banner}"
            );
        }
        goto(&client, &format!("{origin}/")).await;
        assert!(text_of(&client, "#config-secret").await.starts_with("yes"));
    });
}
