//! The session after the sign-in: renewal with the refresh token (manual, automatic, refused),
//! sign-out at the tenant, and the opt-in to keep the session for the tab across a reload.

use crate::support::{
    app_origin, assert_trace_all_ok, attr_now, attr_of, attrs_of_all, click, click_when_enabled,
    current_url, goto, is_present, js, new_email, number_attr_of, screenshot, session_storage,
    short_lived_access_tokens, sign_up_at, stored_session, string_field, tenant, text_of, wait_for,
    wait_for_attr, wait_gone, wait_until, with_browser, Build, TenantGuard, PAGE_TIMEOUT,
    RESTORE_RENEWED_STEPS, RESTORE_STEPS,
};
use dev_tenant::faults::{Fault, FaultRequest};
use dev_tenant::Lifetimes;
use entra_signin::config::DEV_SPA_CLIENT_ID;
use fantoccini::Client;
use std::time::Duration;

const SESSION_KEY: &str = "entra-signin.session";

/// Redeems `refresh_token` at the tenant's token endpoint from the page, as the SPA would (the
/// tenant redeems SPA tokens only cross-origin). Returns the HTTP status and the JSON answer.
pub(crate) async fn redeem_from_page(
    client: &Client,
    refresh_token: &str,
) -> (u64, serde_json::Value) {
    let form = serde_json::json!({
        "client_id": DEV_SPA_CLIENT_ID,
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "scope": "openid offline_access",
    });
    let script = "const [url, form, done] = arguments;
        fetch(url, { method: 'POST', body: new URLSearchParams(form) })
            .then(r => r.text().then(body => done({ status: r.status, body })))
            .catch(e => done({ status: 0, body: String(e) }));";
    let url = tenant().tenant().urls().token.clone();
    let answer = client
        .execute_async(script, vec![url.into(), form])
        .await
        .unwrap_or_else(|e| panic!("the token request from the page failed: {e}"));
    let status = answer["status"].as_u64().unwrap_or_default();
    let body = answer["body"].as_str().unwrap_or_default();
    let json = serde_json::from_str(body)
        .unwrap_or_else(|_| panic!("HTTP {status} from the token endpoint, not JSON: {body}"));
    (status, json)
}

/// Waits for the session to end, and returns the explanation after checking that the page offers
/// a new sign-in and no longer shows the profile.
async fn session_ended(client: &Client) -> String {
    wait_for(client, "#session-ended").await;
    text_of(client, "#session-ended-title").await;
    let explanation = text_of(client, "#session-ended-explanation").await;
    wait_for(client, "#session-ended #sign-in-again").await;
    wait_gone(client, "#profile-name").await;
    explanation
}

#[test]
fn manual_refresh_rotates_the_refresh_token_and_updates_the_expiry() {
    // A fixed lifetime: Entra's are drawn between 60 and 90 minutes, so a renewed access token
    // may expire before the one it replaces.
    let _tenant = TenantGuard::new(Lifetimes::with_access_token(Duration::from_secs(3600)));
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        sign_up_at(&client, &origin, &new_email("refresh"), true).await;
        let before = stored_session(&client).await;
        let old_refresh = string_field(&before, "refresh_token");
        let access_expiry =
            number_attr_of(&client, "#access-token-countdown", "data-expires-at").await;
        let id_expiry = number_attr_of(&client, "#id-token-countdown", "data-expires-at").await;
        // Expiries are whole seconds: let one pass so that new tokens expire later.
        tokio::time::sleep(Duration::from_millis(1100)).await;

        click_when_enabled(&client, "#refresh-tokens").await;
        wait_for_attr(&client, "#renewal-count", "data-count", |n| n == "1").await;
        assert_eq!(
            attr_of(&client, "#last-renewal", "data-trigger").await,
            "manual"
        );
        let later = |old: f64| move |v: &str| v.parse::<f64>().is_ok_and(|v| v > old);
        wait_for_attr(
            &client,
            "#access-token-countdown",
            "data-expires-at",
            later(access_expiry),
        )
        .await;
        wait_for_attr(
            &client,
            "#id-token-countdown",
            "data-expires-at",
            later(id_expiry),
        )
        .await;
        let (page, old) = (&client, old_refresh.as_str());
        wait_until(
            page,
            "a new refresh token stored",
            PAGE_TIMEOUT,
            move || async move {
                let new = string_field(&stored_session(page).await, "refresh_token");
                (new != old).then_some(())
            },
        )
        .await;
        screenshot(&client, "refreshed").await;

        // Entra does not revoke a redeemed refresh token: another tab holding the old one, or a
        // retry after a lost answer, still renews.
        let (status, answer) = redeem_from_page(&client, &old_refresh).await;
        assert_eq!(status, 200, "{answer}");
        assert!(answer["access_token"].is_string(), "{answer}");
    });
}

#[test]
fn a_refresh_token_redeemed_in_two_tabs_renews_both() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        sign_up_at(&client, &origin, &new_email("twotabs"), true).await;
        let stored = string_field(&stored_session(&client).await, "refresh_token");
        // The other tab renews first with the same refresh token.
        let (status, answer) = redeem_from_page(&client, &stored).await;
        assert_eq!(status, 200, "{answer}");

        click_when_enabled(&client, "#refresh-tokens").await;
        wait_for_attr(&client, "#renewal-count", "data-count", |n| n == "1").await;
        assert!(!is_present(&client, "#session-ended").await);
        let inspector = "#flow-inspector[data-kind='refresh']";
        wait_for(&client, inspector).await;
        let checks = attrs_of_all(
            &client,
            &format!("{inspector} [data-check^='refresh: '].check-pass"),
            "data-check",
        )
        .await;
        for check in ["refresh: nonce", "refresh: azp", "refresh: auth_time"] {
            assert!(checks.iter().any(|c| c == check), "{check} in {checks:?}");
        }
    });
}

#[test]
fn an_id_token_that_expires_before_the_access_token_is_renewed_first() {
    // Entra's ID tokens live 60 minutes, its access tokens 60 to 90: here 20 s and an hour.
    let _tenant = TenantGuard::new(Lifetimes {
        id_token: Duration::from_secs(20),
        ..Lifetimes::with_access_token(Duration::from_secs(3600))
    });
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        sign_up_at(&client, &origin, &new_email("idfirst"), false).await;
        let id_expiry = number_attr_of(&client, "#id-token-countdown", "data-expires-at").await;
        let access_expiry =
            number_attr_of(&client, "#access-token-countdown", "data-expires-at").await;
        assert!(
            id_expiry + 3000.0 < access_expiry,
            "{id_expiry} {access_expiry}"
        );
        let due = number_attr_of(&client, "#next-renewal", "data-due-at").await;
        assert!(
            due < id_expiry,
            "renewal due {due}, ID token expires {id_expiry}"
        );

        wait_for_attr(&client, "#last-renewal", "data-trigger", |t| {
            t == "automatic"
        })
        .await;
        let renewed_id_expiry =
            number_attr_of(&client, "#id-token-countdown", "data-expires-at").await;
        assert!(
            renewed_id_expiry > id_expiry,
            "{renewed_id_expiry} {id_expiry}"
        );
        assert!(!is_present(&client, "#session-ended").await);
    });
}

#[test]
fn a_kept_session_reloaded_after_its_id_token_expired_is_renewed_with_its_refresh_token() {
    let _tenant = TenantGuard::new(Lifetimes::with_access_token(Duration::from_secs(7200)));
    // A tenant clock 60 min 50 s behind: this sign-in's ID token expires 290 s before it
    // arrives, inside the 300 s clock-skew leeway now and past it a few seconds later.
    tenant().tenant().set_clock_offset(-3890);
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        let email = new_email("expiredkept");
        sign_up_at(&client, &origin, &email, true).await;
        // Hidden, the tab does not renew the tokens itself before the reload.
        set_tab_hidden(&client, true).await;
        tenant().tenant().set_clock_offset(0);
        let before = stored_session(&client).await;
        let id_expiry = number_attr_of(&client, "#id-token-countdown", "data-expires-at").await;
        let past_leeway = id_expiry + 301.0 - unix_now();
        tokio::time::sleep(Duration::from_secs_f64(past_leeway.max(0.0))).await;
        assert_eq!(attr_of(&client, "#renewal-count", "data-count").await, "0");

        client.refresh().await.expect("reload");
        assert_eq!(text_of(&client, "#profile-email").await, email);
        screenshot(&client, "restored-renewed").await;
        assert_trace_all_ok(&client, "", "restore-renewed", &RESTORE_RENEWED_STEPS).await;
        let inspector = "#flow-inspector[data-kind='restore-renewed']";
        let expired =
            format!("{inspector} .trace-step[data-step='storage'] [data-check='exp'].check-fail");
        wait_for(&client, &expired).await;
        let passed = attrs_of_all(
            &client,
            &format!(
                "{inspector} .trace-step[data-step='validation'] [data-check^='refresh: '].check-pass"
            ),
            "data-check",
        )
        .await;
        assert_eq!(
            passed,
            [
                "refresh: iss",
                "refresh: sub",
                "refresh: aud",
                "refresh: azp",
                "refresh: auth_time",
                "refresh: nonce"
            ]
        );
        let after = stored_session(&client).await;
        assert_ne!(
            string_field(&after, "id_token"),
            string_field(&before, "id_token")
        );
        assert_eq!(attr_of(&client, "#renewal-count", "data-count").await, "1");
    });
}

#[test]
fn automatic_renewal_renews_a_short_lived_access_token_before_it_expires() {
    let _tenant = TenantGuard::new(short_lived_access_tokens());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        sign_up_at(&client, &origin, &new_email("auto"), false).await;
        let expires_at =
            number_attr_of(&client, "#access-token-countdown", "data-expires-at").await;
        let client = &client;
        wait_until(
            client,
            "an automatic renewal (#renewal-count ≥ 1, #last-renewal automatic)",
            Duration::from_secs(30),
            move || async move {
                let count: u32 = attr_now(client, "#renewal-count", "data-count")
                    .await?
                    .parse()
                    .ok()?;
                let trigger = attr_now(client, "#last-renewal", "data-trigger").await?;
                (count >= 1 && trigger == "automatic").then_some(())
            },
        )
        .await;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        // Whole seconds and polling: one second of slack.
        assert!(
            now <= expires_at + 1.0,
            "renewed at {now}, after the access token expired at {expires_at}"
        );
        assert!(is_present(client, "#profile-name").await);
        screenshot(client, "renewed-automatically").await;
    });
}

/// Makes the page believe its tab is hidden (`document.visibilityState`), or shown again.
async fn set_tab_hidden(client: &Client, hidden: bool) {
    let script = match hidden {
        true => "Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });",
        false => "delete document.visibilityState;",
    };
    js(client, script, vec![]).await;
}

fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[test]
fn renewal_waits_while_the_tab_is_hidden_and_catches_up_when_it_is_shown() {
    let _tenant = TenantGuard::new(short_lived_access_tokens());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        sign_up_at(&client, &origin, &new_email("hidden"), false).await;
        set_tab_hidden(&client, true).await;
        let due_at = number_attr_of(&client, "#next-renewal", "data-due-at").await;
        // Past the due time, with the tab hidden: no renewal, and the page says it waits.
        let wait = (due_at + 2.0 - unix_now()).max(0.0);
        tokio::time::sleep(Duration::from_secs_f64(wait)).await;
        assert_eq!(attr_of(&client, "#renewal-count", "data-count").await, "0");
        let next = text_of(&client, "#next-renewal").await;
        assert!(next.contains("paused"), "{next}");

        set_tab_hidden(&client, false).await;
        wait_for_attr(&client, "#last-renewal", "data-trigger", |t| {
            t == "automatic"
        })
        .await;
        assert_eq!(attr_of(&client, "#renewal-count", "data-count").await, "1");
    });
}

#[test]
fn a_renewal_that_meets_a_server_error_is_retried_after_a_back_off() {
    let _tenant = TenantGuard::new(short_lived_access_tokens());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        sign_up_at(&client, &origin, &new_email("retry"), false).await;
        // The next token request (the first automatic renewal) gets an HTML 500.
        tenant()
            .tenant()
            .arm_faults(&FaultRequest::new([Fault::TokenServerError]))
            .expect("arm the fault");
        let status = text_of(&client, "#renewal-status").await;
        assert!(
            status.contains("attempt 1 failed")
                && status.contains("Next try 5 s after the failure"),
            "{status}"
        );
        assert!(is_present(&client, "#profile-name").await);
        assert!(!is_present(&client, "#session-ended").await);
        // The retry, 5 s later, meets a healthy tenant.
        wait_for_attr(&client, "#last-renewal", "data-trigger", |t| {
            t == "automatic"
        })
        .await;
        assert_eq!(attr_of(&client, "#renewal-count", "data-count").await, "1");
        wait_gone(&client, "#renewal-status").await;
    });
}

#[test]
fn an_expired_spa_refresh_token_ends_the_session_with_entras_message() {
    let _tenant = TenantGuard::new(Lifetimes {
        spa_refresh_token: Duration::from_secs(2),
        ..Lifetimes::default()
    });
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        sign_up_at(&client, &origin, &new_email("expired"), true).await;
        stored_session(&client).await;
        // The refresh token's fixed lifetime runs from the sign-in; let it pass.
        tokio::time::sleep(Duration::from_secs(3)).await;

        click_when_enabled(&client, "#refresh-tokens").await;
        let explanation = session_ended(&client).await;
        screenshot(&client, "session-ended-700084").await;
        assert!(explanation.contains("700084"), "{explanation}");
        let client = &client;
        wait_until(
            client,
            "the kept session removed",
            PAGE_TIMEOUT,
            move || async move {
                session_storage(client, SESSION_KEY)
                    .await
                    .is_none()
                    .then_some(())
            },
        )
        .await;
    });
}

#[test]
fn sign_out_lands_on_signed_out_and_ends_the_tenant_session() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        sign_up_at(&client, &origin, &new_email("signout"), false).await;
        click(&client, "#sign-out").await;
        let notice = text_of(&client, "#signed-out-notice").await;
        screenshot(&client, "signed-out").await;
        assert!(notice.contains("Signed out"), "{notice}");
        assert!(!is_present(&client, "#sign-out-state-mismatch").await);
        let page = &client;
        let url = wait_until(
            page,
            "the address without state",
            PAGE_TIMEOUT,
            move || async move { Some(current_url(page).await).filter(|u| !u.contains("state=")) },
        )
        .await;
        assert!(url.starts_with(&format!("{origin}/")), "{url}");

        // The tenant forgot the user: signing in asks for the email again.
        click(&client, "#sign-in").await;
        wait_for(&client, "#email").await;
        assert!(current_url(&client).await.starts_with(&tenant().base_url()));
    });
}

#[test]
fn a_return_with_a_foreign_state_or_none_is_not_taken_for_a_confirmed_sign_out() {
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        goto(&client, &format!("{origin}/?state=forged-by-someone")).await;
        wait_for(&client, "#sign-out-state-mismatch").await;
        assert!(!is_present(&client, "#signed-out-notice").await);
        assert_eq!(current_url(&client).await, format!("{origin}/"));

        // A sign-out this tab started, answered without a state.
        let started = "sessionStorage.setItem('entra-signin.signout.sent-state', String(Math.floor(Date.now() / 1000)));";
        js(&client, started, vec![]).await;
        goto(&client, &format!("{origin}/")).await;
        let notice = text_of(&client, "#signed-out-unconfirmed").await;
        assert!(notice.contains("cannot prove"), "{notice}");
        assert!(!is_present(&client, "#signed-out-notice").await);
        // Reported once: the record is used up.
        goto(&client, &format!("{origin}/")).await;
        wait_for(&client, "#sign-in").await;
        assert!(!is_present(&client, "#signed-out-unconfirmed").await);
    });
}

#[test]
fn without_opting_in_a_reload_signs_out() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        goto(&client, &format!("{origin}/")).await;
        let ticked = wait_for(&client, "#keep-signed-in")
            .await
            .is_selected()
            .await;
        assert!(matches!(ticked, Ok(false)), "ticked by default: {ticked:?}");
        sign_up_at(&client, &origin, &new_email("nokeep"), false).await;
        assert_eq!(session_storage(&client, SESSION_KEY).await, None);

        client.refresh().await.expect("reload");
        assert!(text_of(&client, "#signed-out")
            .await
            .contains("Not signed in"));
    });
}

#[test]
fn a_kept_session_survives_a_reload_and_is_validated_again() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        let email = new_email("keep");
        sign_up_at(&client, &origin, &email, true).await;
        assert_eq!(
            session_storage(&client, "entra-signin.keep")
                .await
                .as_deref(),
            Some("1")
        );
        let stored = stored_session(&client).await;
        for field in ["id_token", "access_token", "refresh_token"] {
            string_field(&stored, field);
        }
        // sessionStorage only: nothing of the session in localStorage.
        let refresh = string_field(&stored, "refresh_token");
        let local = js(
            &client,
            "return JSON.stringify(Object.assign({}, localStorage));",
            vec![],
        )
        .await;
        let local = local.as_str().unwrap_or_default();
        assert!(
            !local.contains(&refresh),
            "a token in localStorage: {local}"
        );

        client.refresh().await.expect("reload");
        assert_eq!(text_of(&client, "#profile-email").await, email);
        text_of(&client, "#profile-name").await;
        screenshot(&client, "restored").await;
        assert_trace_all_ok(&client, "", "restore", &RESTORE_STEPS).await;
    });
}

#[test]
fn a_kept_session_whose_id_token_was_tampered_with_is_refused_and_deleted_on_reload() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        sign_up_at(&client, &origin, &new_email("tampered"), true).await;
        stored_session(&client).await;
        // One character of the kept ID token's signature changed.
        let tamper = "const s = JSON.parse(sessionStorage.getItem('entra-signin.session'));
            const last = s.id_token.slice(-2, -1);
            s.id_token = s.id_token.slice(0, -2) + (last === 'A' ? 'B' : 'A') + s.id_token.slice(-1);
            sessionStorage.setItem('entra-signin.session', JSON.stringify(s));";
        js(&client, tamper, vec![]).await;

        client.refresh().await.expect("reload");
        let explanation = session_ended(&client).await;
        assert!(explanation.contains("signature"), "{explanation}");
        assert_eq!(
            text_of(&client, "#session-ended-title").await,
            "Your session ended: The ID token failed validation"
        );
        wait_for(
            &client,
            "#session-ended #flow-inspector[data-kind='restore'] .trace-step[data-step='validation'][data-outcome='failed']",
        )
        .await;
        assert_eq!(session_storage(&client, SESSION_KEY).await, None);
    });
}

#[test]
fn an_unreadable_kept_session_is_reported_and_deleted_on_reload() {
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        goto(&client, &format!("{origin}/")).await;
        let broken = "sessionStorage.setItem('entra-signin.keep', '1');
            sessionStorage.setItem('entra-signin.session', '{\"id_token\": 42');";
        js(&client, broken, vec![]).await;

        client.refresh().await.expect("reload");
        wait_for(&client, "#session-ended").await;
        assert_eq!(
            text_of(&client, "#session-ended-title").await,
            "Your session ended: The kept session could not be restored"
        );
        let explanation = text_of(&client, "#session-ended-explanation").await;
        assert!(explanation.contains("not readable"), "{explanation}");
        wait_for(
            &client,
            "#session-ended #flow-inspector[data-kind='restore'] .trace-step[data-step='storage'][data-outcome='failed']",
        )
        .await;
        assert_eq!(session_storage(&client, SESSION_KEY).await, None);
        // The opt-in itself stays.
        assert_eq!(
            session_storage(&client, "entra-signin.keep")
                .await
                .as_deref(),
            Some("1")
        );
    });
}
