//! `cargo xtask bench`: measurements in headless Chromium, never assertions on time (ignored by
//! `cargo xtask test`). The home page until its Sign-in button is usable against the minimal
//! Leptos app, cold, interleaved; and where a sign-in's time goes, from the callback HTML to the
//! profile, by the app's `performance.mark`s, the resource timings and the inspector's steps.

use crate::support::{
    app_origin, click, devtools, goto, js, new_email, pass_email_code, text_of, with_browser,
    Build, TenantGuard,
};
use dev_tenant::Lifetimes;
use fantoccini::Client;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const LOADS: usize = 12;

/// Notes `performance.now()` when the page's first button is in the document and enabled: the
/// app's Sign-in, the minimal app's counter.
const USABLE: &str = "(() => {
    const usable = () => {
        const button = document.querySelector('#sign-in') ||
            (document.title === 'baseline' && document.querySelector('button'));
        if (button && !button.disabled && window.__usableAt === undefined) {
            window.__usableAt = performance.now();
        }
    };
    new MutationObserver(usable).observe(document, { childList: true, subtree: true });
})();";

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

async fn usable_after_ms(client: &Client, url: &str) -> f64 {
    goto(client, url).await;
    let started = Instant::now();
    loop {
        let at = js(client, "return window.__usableAt ?? null;", vec![]).await;
        if let Some(ms) = at.as_f64() {
            return ms;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{url}: no usable button"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
#[ignore = "a benchmark: `cargo xtask bench`"]
fn bench_home_page_until_sign_in_is_usable_against_the_minimal_leptos_app() {
    let app = app_origin(Build::Default);
    let baseline = app_origin(Build::Baseline);
    with_browser(|client| async move {
        devtools(&client, "Network.enable", json!({})).await;
        devtools(
            &client,
            "Network.setCacheDisabled",
            json!({ "cacheDisabled": true }),
        )
        .await;
        devtools(
            &client,
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": USABLE }),
        )
        .await;
        let (mut app_ms, mut baseline_ms) = (Vec::new(), Vec::new());
        // Interleaved, so that a slower moment of the machine costs both alike.
        for load in 0..LOADS {
            app_ms.push(usable_after_ms(&client, &format!("{app}/?load={load}")).await);
            baseline_ms.push(usable_after_ms(&client, &format!("{baseline}/?load={load}")).await);
        }
        let (app, baseline) = (median(app_ms.clone()), median(baseline_ms.clone()));
        println!("\nhome page until the first button is usable, cold cache, median of {LOADS} interleaved loads:");
        println!("  app              {app:>7.1} ms   {app_ms:.0?}");
        println!("  minimal Leptos   {baseline:>7.1} ms   {baseline_ms:.0?}");
        println!(
            "  ratio            {:>7.3} (goal: at most 1.15)",
            app / baseline
        );
    });
}

/// The timeline of one sign-in's callback page, in ms from its navigation start.
const TIMELINE: &str = "const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? null;
    const nav = performance.getEntriesByType('navigation')[0];
    const wasm = performance.getEntriesByType('resource').find(r => r.name.endsWith('.wasm'));
    const step = (s) => Number(document.querySelector(
        `#flow-inspector .trace-step[data-step='${s}'] .trace-duration`)?.dataset.ms ?? NaN);
    return {
        html: nav ? nav.responseEnd : null,
        wasm_start: wasm ? wasm.startTime : null,
        wasm_end: wasm ? wasm.responseEnd : null,
        app_start: mark('app-start'),
        signature_start: mark('signature-start'),
        signature_end: mark('signature-end'),
        session: Number(document.querySelector('#sign-in-duration').dataset.ms),
        profile: performance.getEntriesByName('profile-shown').at(-1)?.startTime ?? null,
        token: step('token-request'),
        jwks: step('jwks'),
        validation: step('validation'),
    };";

#[test]
#[ignore = "a benchmark: `cargo xtask bench`"]
fn bench_where_a_sign_in_spends_its_time_from_the_callback_to_the_profile() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        let email = new_email("bench");
        goto(&client, &format!("{origin}/")).await;
        click(&client, "#sign-up").await;
        pass_email_code(&client, &email, true).await;
        let mut rows: Vec<Value> = Vec::new();
        for _ in 0..LOADS {
            click(&client, "#sign-out-locally").await;
            goto(&client, &format!("{origin}/")).await;
            click(&client, "#sign-in").await;
            assert_eq!(text_of(&client, "#profile-email").await, email);
            rows.push(js(&client, TIMELINE, vec![]).await);
        }
        let of = |f: &dyn Fn(&Value) -> Option<f64>| median(rows.iter().filter_map(f).collect());
        let get = |r: &Value, k: &str| r[k].as_f64();
        let signature = |r: &Value| Some(get(r, "signature_end")? - get(r, "signature_start")?);
        let parts: [(&str, f64); 8] = [
            ("callback HTML", of(&|r| get(r, "html"))),
            (
                "JS glue until the wasm is requested",
                of(&|r| Some(get(r, "wasm_start")? - get(r, "html")?)),
            ),
            (
                "wasm fetch",
                of(&|r| Some(get(r, "wasm_end")? - get(r, "wasm_start")?)),
            ),
            (
                "wasm compile + start-up",
                of(&|r| Some(get(r, "app_start")? - get(r, "wasm_end")?)),
            ),
            (
                "token round trip (JWKS fetched alongside)",
                of(&|r| get(r, "token")),
            ),
            ("signature (Web Crypto)", of(&signature)),
            (
                "checks after the signature",
                of(&|r| Some(get(r, "validation")? - signature(r)?)),
            ),
            (
                "render (session ready to profile built)",
                of(&|r| Some(get(r, "profile")? - get(r, "session")?)),
            ),
        ];
        println!("\ncallback page to the validated profile, median of {LOADS} sign-ins (ms from navigation start):");
        for (name, ms) in parts {
            println!("  {name:<45} {ms:>7.1}");
        }
        let total = of(&|r| get(r, "profile"));
        let listed: f64 = parts.iter().map(|(_, ms)| ms).sum();
        println!(
            "  {:<45} {:>7.1}",
            "other (discovery cache, callback, key import)",
            total - listed
        );
        println!(
            "  {:<45} {:>7.1}",
            "total: navigation start to profile built", total
        );
    });
}
