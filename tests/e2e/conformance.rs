//! Every case of the conformance table (`dev_tenant::conformance::CASES`) in one browser: arm the fault, sign in
//! (or sign in cleanly and renew), and check what the app shows and keeps. All cases run; the failures are reported
//! together, and each case's result goes to `$E2E_CONFORMANCE_RESULTS` for `cargo xtask test` to print.

use crate::support::{
    app_origin, click, click_when_enabled, current_url, goto, is_present, js, new_email,
    pass_email_code, screenshot, session_storage, step_outcomes, stored_session, string_field,
    tenant, text_of, wait_for, wait_for_attr, wait_until, with_browser, Build, TenantGuard,
    PAGE_TIMEOUT,
};
use dev_tenant::conformance::{Case, Expect, Flow, CASES};
use dev_tenant::faults::{Fault, FaultRequest};
use dev_tenant::Lifetimes;
use fantoccini::Client;
use futures::FutureExt;
use std::time::Instant;

/// The kept session and the pending sign-ins (`src/flow/storage_keys.rs`).
const KEPT_SESSION: &str = "entra-signin.session";
const PENDING_SIGN_IN: &str = "entra-signin.pending.";

/// A case that did not do what the table says: why.
type Outcome = Result<(), String>;

fn fail(why: impl Into<String>) -> Outcome {
    Err(why.into())
}

fn ensure(holds: bool, why: impl FnOnce() -> String) -> Outcome {
    if holds {
        Ok(())
    } else {
        Err(why())
    }
}

#[test]
fn every_conformance_case_in_one_browser() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        let started = Instant::now();
        let mut results = Vec::new();
        for case in CASES {
            let began = Instant::now();
            // A case that panics (an element never shows) is a failed case, not the end of the run.
            let outcome = std::panic::AssertUnwindSafe(run_case(&client, &origin, &case))
                .catch_unwind()
                .await
                .unwrap_or_else(|panic| fail(panic_text(&*panic)));
            tenant().tenant().clear_faults();
            if outcome.is_err() {
                screenshot(&client, &format!("conformance-{}", case.name())).await;
            }
            println!(
                "conformance {:<28} {:>5.1}s {}",
                case.name(),
                began.elapsed().as_secs_f64(),
                outcome.as_ref().err().map_or("pass", String::as_str)
            );
            results.push((case, outcome));
        }
        println!(
            "conformance: {} cases in {:.0}s",
            results.len(),
            started.elapsed().as_secs_f64()
        );
        write_results(&results);
        let failures: Vec<String> = results
            .iter()
            .filter_map(|(case, outcome)| {
                outcome
                    .as_ref()
                    .err()
                    .map(|e| format!("{}: {e}", case.name()))
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{} of {} conformance cases failed:\n{}",
            failures.len(),
            results.len(),
            failures.join("\n")
        );
    });
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    let text = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panicked".into());
    // The page source that `wait_for` adds is for a single test; here the first lines say enough.
    text.lines().take(3).collect::<Vec<_>>().join(" / ")
}

/// One line per case for `cargo xtask test`: case, RP test, host test, browser test, result (tab-separated).
fn write_results(results: &[(Case, Outcome)]) {
    let Ok(path) = std::env::var("E2E_CONFORMANCE_RESULTS") else {
        return;
    };
    let mut text = String::new();
    for (case, outcome) in results {
        let result = match outcome {
            Ok(()) => "pass".to_string(),
            Err(why) => format!("FAIL: {}", why.replace(['\t', '\n'], " ")),
        };
        let [name, rp, host, browser] = case.columns();
        text.push_str(&format!("{name}\t{rp}\t{host}\t{browser}\t{result}\n"));
    }
    if let Err(e) = std::fs::write(&path, text) {
        println!("cannot write {path}: {e}");
    }
}

/// A fresh tab state: no session, no cached discovery, no pending sign-in.
async fn fresh_start(client: &Client, origin: &str) {
    goto(client, &format!("{origin}/")).await;
    js(client, "sessionStorage.clear();", vec![]).await;
    goto(client, &format!("{origin}/")).await;
    wait_for(client, "#sign-in").await;
}

fn arm(fault: Fault) {
    let request = FaultRequest {
        faults: vec![fault],
        count: 1,
        // token_stall: long enough to be seen, short of the app's 30 s timeout.
        stall_seconds: 3,
        // kid_not_yet_published: the key is published at the first fetch after the token response, as when a
        // tenant rotates to a key that the client's JWKS copy lacks.
        withheld_fetches: 0,
    };
    if let Err(e) = tenant().tenant().arm_faults(&request) {
        panic!("cannot arm {fault}: {e}");
    }
}

async fn run_case(client: &Client, origin: &str, case: &Case) -> Outcome {
    fresh_start(client, origin).await;
    match case.flow {
        Flow::SignIn => {
            if let Some(fault) = case.fault {
                arm(fault);
            }
            sign_in(client, origin).await;
            check_sign_in(client, case).await
        }
        Flow::Refresh {
            before,
            redeemed_elsewhere,
        } => {
            if let Some(fault) = before {
                arm(fault);
            }
            sign_in_kept(client, origin).await;
            if let Some(fault) = case.fault {
                arm(fault);
            }
            if redeemed_elsewhere {
                let stored = string_field(&stored_session(client).await, "refresh_token");
                redeem_elsewhere(client, &stored).await?;
            }
            click_when_enabled(client, "#refresh-tokens").await;
            check_renewal(client, case).await
        }
    }
}

/// Signs in from the home page: the first time a sign-up, later the tenant's session cookie brings the browser
/// straight back.
async fn sign_in(client: &Client, origin: &str) {
    static SIGNED_UP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if SIGNED_UP.swap(true, std::sync::atomic::Ordering::Relaxed) {
        click(client, "#sign-in").await;
        return;
    }
    goto(client, &format!("{origin}/")).await;
    click(client, "#sign-up").await;
    pass_email_code(client, &new_email("conformance"), true).await;
}

/// A clean sign-in with "Keep me signed in for this tab", so that what is kept can be checked after.
async fn sign_in_kept(client: &Client, origin: &str) {
    goto(client, &format!("{origin}/")).await;
    click(client, "#keep-signed-in").await;
    sign_in(client, origin).await;
    wait_for(client, "#profile-name").await;
}

/// Redeems `refresh_token` from the page, as another tab of the app would.
async fn redeem_elsewhere(client: &Client, refresh_token: &str) -> Outcome {
    let (status, _) = crate::session::redeem_from_page(client, refresh_token).await;
    ensure(status == 200, || {
        format!("the other redemption answered {status}")
    })
}

async fn check_sign_in(client: &Client, case: &Case) -> Outcome {
    let (steps, title) = match case.expect {
        Expect::Accepted => return signed_in_then_out(client).await,
        Expect::FailedCheck {
            check,
            found,
            steps,
        } => {
            failed_row(client, "#validation-report", check, found).await?;
            (steps.to_vec(), "The ID token failed validation")
        }
        Expect::Failed { step, title, says } => {
            let explanation = text_of(client, "#error-explanation").await;
            ensure(explanation.contains(says), || {
                format!("the explanation does not say {says:?}: {explanation}")
            })?;
            (vec![step], title)
        }
    };
    let shown = text_of(client, "#error-title").await;
    ensure(shown == title, || {
        format!("title {shown:?}, expected {title:?}")
    })?;
    failed_steps(client, "#flow-inspector[data-kind='sign-in']", &steps).await?;
    let url = current_url(client).await;
    ensure(!url.contains("code="), || {
        format!("the address keeps the code: {url}")
    })?;
    nothing_kept(client).await?;
    // The way home offers a sign-in: no session was made.
    click(client, "#sign-in-error a").await;
    wait_for(client, "#sign-in").await;
    ensure(!is_present(client, "#signed-in-as").await, || {
        "signed in after a refused sign-in".into()
    })
}

async fn check_renewal(client: &Client, case: &Case) -> Outcome {
    let (steps, title) = match case.expect {
        Expect::Accepted => {
            wait_for_attr(client, "#renewal-count", "data-count", |n| n == "1").await;
            ensure(!is_present(client, "#session-ended").await, || {
                "the session ended".into()
            })?;
            return signed_in_then_out(client).await;
        }
        Expect::FailedCheck {
            check,
            found,
            steps,
        } => {
            let inspector = "#session-ended #flow-inspector[data-kind='refresh']";
            failed_row(client, inspector, check, found).await?;
            let explanation = text_of(client, "#session-ended-explanation").await;
            ensure(explanation.contains(check), || {
                format!("the explanation does not name {check:?}: {explanation}")
            })?;
            (steps.to_vec(), "The ID token failed validation")
        }
        Expect::Failed { step, title, says } => {
            let explanation = text_of(client, "#session-ended-explanation").await;
            ensure(explanation.contains(says), || {
                format!("the explanation does not say {says:?}: {explanation}")
            })?;
            (vec![step], title)
        }
    };
    let shown = text_of(client, "#session-ended-title").await;
    ensure(shown.ends_with(title), || {
        format!("title {shown:?}, expected {title:?}")
    })?;
    let inspector = "#session-ended #flow-inspector[data-kind='refresh']";
    failed_steps(client, inspector, &steps).await?;
    wait_for(client, "#session-ended #sign-in-again").await;
    ensure(!is_present(client, "#profile-name").await, || {
        "the profile is still shown".into()
    })?;
    nothing_kept(client).await
}

/// The accepted sign-in shows the profile; "Sign out locally" leaves the next case a clean tab.
async fn signed_in_then_out(client: &Client) -> Outcome {
    wait_for(client, "#profile-name").await;
    let url = current_url(client).await;
    ensure(!url.contains("code="), || {
        format!("the address keeps the code: {url}")
    })?;
    click(client, "#sign-out-locally").await;
    wait_for(client, "#signed-out").await;
    Ok(())
}

/// The failed check row `check` under `scope`, with what it expected and found.
async fn failed_row(client: &Client, scope: &str, check: &str, found: &str) -> Outcome {
    let row = format!("{scope} [data-check='{check}'].check-fail");
    wait_for(client, &row).await;
    let cells = js(
        client,
        "const row = document.querySelector(arguments[0]);
         return row ? Array.from(row.querySelectorAll('td'), td => td.textContent) : null;",
        vec![row.clone().into()],
    )
    .await;
    let Some(cells) = cells.as_array().filter(|c| c.len() >= 4) else {
        let failed = js(
            client,
            "return Array.from(document.querySelectorAll('.check-fail'), r => r.dataset.check);",
            vec![],
        )
        .await;
        return fail(format!("no failed `{check}` row; failed rows: {failed}"));
    };
    // The report and the inspector's rows both end with expected, found and the verdict.
    let text = |from_end: usize| {
        cells[cells.len() - from_end]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let (expected, shown) = (text(3), text(2));
    ensure(!expected.trim().is_empty(), || {
        format!("`{check}` names no expectation")
    })?;
    ensure(!shown.trim().is_empty() && shown.contains(found), || {
        format!("`{check}` found {shown:?}, which lacks {found:?}")
    })
}

/// The inspector under `inspector` marks exactly `expected` as failed.
async fn failed_steps(client: &Client, inspector: &str, expected: &[&str]) -> Outcome {
    wait_for(client, inspector).await;
    let steps = step_outcomes(client, &format!("{inspector} .trace-step")).await;
    let failed: Vec<&str> = steps
        .iter()
        .filter(|(_, outcome)| outcome == "failed")
        .map(|(s, _)| s.as_str())
        .collect();
    ensure(failed == expected, || {
        format!("failed steps {failed:?}, expected {expected:?}: {steps:?}")
    })
}

/// No tokens and no pending sign-in in this tab's storage.
async fn nothing_kept(client: &Client) -> Outcome {
    wait_until(
        client,
        "the kept session removed",
        PAGE_TIMEOUT,
        move || async move {
            session_storage(client, KEPT_SESSION)
                .await
                .is_none()
                .then_some(())
        },
    )
    .await;
    let kept = js(
        client,
        "const found = [];
         for (let i = 0; i < sessionStorage.length; i++) {
             const key = sessionStorage.key(i);
             const value = sessionStorage.getItem(key) || '';
             if (key.startsWith(arguments[0]) || /eyJ[\\w-]*\\.eyJ/.test(value)) found.push(key);
         }
         return found;",
        vec![PENDING_SIGN_IN.into()],
    )
    .await;
    ensure(kept.as_array().is_some_and(Vec::is_empty), || {
        format!("sessionStorage keeps a pending sign-in or a token under {kept}")
    })
}
