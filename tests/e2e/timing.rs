//! Ten sign-ins, then ten manual refreshes, in a row: each one validated, and how long each took
//! reported (a measurement, not an assertion).

use crate::support::{
    app_origin, assert_trace_all_ok, attr_of, click, click_when_enabled, goto, new_email,
    number_attr_of, pass_email_code, sign_up_at, text_of, wait_for_attr, with_browser, Build,
    TenantGuard, REFRESH_STEPS,
};
use dev_tenant::Lifetimes;
use fantoccini::Locator;

const RUNS: usize = 10;

#[test]
fn ten_sign_ins_in_a_row_each_validate_and_report_their_duration() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        let email = new_email("timing");
        goto(&client, &format!("{origin}/")).await;
        click(&client, "#sign-up").await;
        pass_email_code(&client, &email, true).await;
        let mut durations = Vec::new();
        for run in 0..RUNS {
            if run > 0 {
                click(&client, "#sign-out-locally").await;
                goto(&client, &format!("{origin}/")).await;
                click(&client, "#sign-in").await;
            }
            assert_eq!(text_of(&client, "#profile-email").await, email, "run {run}");
            let element = client
                .find(Locator::Css("#sign-in-duration"))
                .await
                .expect("the duration line");
            let ms: f64 = element
                .attr("data-ms")
                .await
                .ok()
                .flatten()
                .and_then(|v| v.parse().ok())
                .expect("a duration in ms");
            assert!(ms > 0.0, "run {run}: {ms} ms");
            durations.push(ms);
        }
        report(
            "callback page load to validated profile (headless Chromium, release build)",
            durations,
        );
    });
}

#[test]
fn ten_manual_refreshes_in_a_row_each_validate_and_report_their_duration() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        sign_up_at(&client, &origin, &new_email("refresh-timing"), false).await;
        let client = &client;
        let mut durations = Vec::new();
        for run in 1..=RUNS {
            click_when_enabled(client, "#refresh-tokens").await;
            let count = run.to_string();
            wait_for_attr(client, "#renewal-count", "data-count", |n| n == count).await;
            assert_eq!(
                attr_of(client, "#last-renewal", "data-trigger").await,
                "manual",
                "run {run}"
            );
            assert_trace_all_ok(client, "", "refresh", &REFRESH_STEPS).await;
            let ms = number_attr_of(client, "#last-renewal", "data-ms").await;
            assert!(ms >= 0.0, "run {run}: {ms} ms");
            durations.push(ms);
        }
        report(
            "refresh: click to validated tokens (headless Chromium, release build)",
            durations,
        );
    });
}

/// Prints the median, min and max of the runs: a measurement, never an assertion.
fn report(what: &str, mut durations: Vec<f64>) {
    durations.sort_by(f64::total_cmp);
    let n = durations.len();
    let median = (durations[(n - 1) / 2] + durations[n / 2]) / 2.0;
    println!(
        "{what}, {n} runs: median {median:.0} ms, min {:.0} ms, max {:.0} ms",
        durations[0],
        durations[n - 1]
    );
}
