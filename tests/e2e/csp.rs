//! The page locked down: the release build carries its Content-Security-Policy and referrer
//! policy, and a whole session (sign-in, refresh, sign-out) runs without one CSP violation.

use crate::support::{
    app_origin, click, click_when_enabled, devtools, goto, js, new_email, sign_up_at, tenant,
    text_of, wait_for_attr, with_browser, Build, TenantGuard,
};
use crate::tenant_port;
use dev_tenant::Lifetimes;
use fantoccini::Client;
use serde_json::{json, Value};

/// Where the listener keeps what it heard: sessionStorage survives the navigations to the tenant
/// and back (per origin: the tenant's pages keep theirs apart, and they are not the app's).
const VIOLATIONS_KEY: &str = "e2e.cspViolations";

/// Installed by Chrome in every new document before any of its scripts, so a violation while the
/// page loads is heard too.
const LISTENER: &str = "document.addEventListener('securitypolicyviolation', (e) => {
    const seen = JSON.parse(sessionStorage.getItem('e2e.cspViolations') || '[]');
    seen.push({ page: location.origin + location.pathname, directive: e.effectiveDirective,
                blocked: e.blockedURI, sample: e.sample });
    sessionStorage.setItem('e2e.cspViolations', JSON.stringify(seen));
}, true);";

async fn listen_for_violations(client: &Client) {
    devtools(
        client,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": LISTENER }),
    )
    .await;
}

/// The violations heard on the app's origin so far; forgets them.
async fn take_violations(client: &Client) -> Vec<Value> {
    let script = "const seen = sessionStorage.getItem(arguments[0]) || '[]';
        sessionStorage.removeItem(arguments[0]);
        return JSON.parse(seen);";
    let seen = js(client, script, vec![VIOLATIONS_KEY.into()]).await;
    seen.as_array().cloned().unwrap_or_default()
}

async fn meta(client: &Client, selector: &str) -> String {
    let script = "const m = document.querySelector(arguments[0]); return m ? m.content : '';";
    let found = js(client, script, vec![selector.into()]).await;
    found.as_str().unwrap_or_default().to_string()
}

#[test]
fn the_built_page_carries_its_policy_and_a_whole_session_violates_none_of_it() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    let tenant_origin = format!("http://127.0.0.1:{}", tenant_port());
    with_browser(|client| async move {
        listen_for_violations(&client).await;
        goto(&client, &format!("{origin}/")).await;
        text_of(&client, "#config-authority").await;
        let policy = meta(&client, "meta[http-equiv='Content-Security-Policy']").await;
        for directive in [
            "default-src 'self'".to_string(),
            format!(
                "connect-src 'self' {tenant_origin} https: http://127.0.0.1:* http://localhost:*;"
            ),
            format!("form-action {tenant_origin};"),
            "base-uri 'none'".to_string(),
            "object-src 'none'".to_string(),
            "'wasm-unsafe-eval'".to_string(),
        ] {
            assert!(
                policy.contains(&directive),
                "{directive:?} not in {policy:?}"
            );
        }
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert_eq!(meta(&client, "meta[name='referrer']").await, "no-referrer");
        assert_eq!(
            take_violations(&client).await,
            Vec::<Value>::new(),
            "while loading"
        );

        // The listener hears a violation: a fetch to an origin outside connect-src is refused
        // by the browser before any request leaves it.
        let blocked = "fetch('http://127.0.0.2:9/').catch(() => {}); return true;";
        js(&client, blocked, vec![]).await;
        let heard = wait_for_violation(&client).await;
        assert_eq!(heard[0]["directive"], "connect-src", "{heard:?}");

        sign_up_at(&client, &origin, &new_email("csp"), false).await;
        click_when_enabled(&client, "#refresh-tokens").await;
        wait_for_attr(&client, "#renewal-count", "data-count", |n| n == "1").await;
        let signed_in = take_violations(&client).await;
        assert_eq!(signed_in, Vec::<Value>::new(), "during sign-in and refresh");

        click(&client, "#sign-out").await;
        text_of(&client, "#signed-out-notice").await;
        assert!(tenant().tenant().urls().token.starts_with(&tenant_origin));
        let signed_out = take_violations(&client).await;
        assert_eq!(signed_out, Vec::<Value>::new(), "during sign-out");
    });
}

async fn wait_for_violation(client: &Client) -> Vec<Value> {
    for _ in 0..50 {
        let heard = take_violations(client).await;
        if !heard.is_empty() {
            return heard;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the securitypolicyviolation listener heard nothing of a blocked fetch");
}
