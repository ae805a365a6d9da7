use crate::flow::{self, Failure, FailureNotice, RegistrationOutcome};
use crate::session_context::SessionContext;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// "Check my app registration": the probe's answer, read and raw.
#[component]
pub fn RegistrationCheckPanel() -> impl IntoView {
    let config = expect_context::<SessionContext>().config();
    // None: not run; Some(None): running.
    let result = RwSignal::new(None::<Option<Result<RegistrationOutcome, FailureNotice>>>);
    let run = move |_| {
        result.set(Some(None));
        let config = config.clone();
        spawn_local(async move {
            let outcome = flow::check_registration(&config)
                .await
                .map_err(|f| FailureNotice::of(&f as &dyn Failure));
            result.set(Some(Some(outcome)));
        });
    };
    view! {
        <section class="card" id="registration-check">
            <h2>"Check my app registration"</h2>
            <p class="muted">
                "Reads the tenant's discovery document and keys from this browser, then redeems a made-up code "
                "with this app's client ID, redirect URI and a fresh PKCE verifier: the tenant's refusal tells "
                "whether the registration lets this page sign in."
            </p>
            <button id="check-registration" on:click=run disabled=move || result.with(|r| matches!(r, Some(None)))>
                "Check my app registration"
            </button>
            {move || result.with(|r| r.as_ref().map(|r| match r {
                None => view! { <p id="registration-result" data-finding="running">"Checking…"</p> }.into_any(),
                Some(Err(notice)) => view! {
                    <p id="registration-result" data-finding="failed" class="fail">
                        {notice.title} ": " {notice.explanation.clone()} " What to do: " {notice.next_step.clone()}
                    </p>
                }.into_any(),
                Some(Ok(outcome)) => outcome_view(outcome).into_any(),
            }))}
        </section>
    }
}

/// The probe's answer: what it means for the registration, and the answer read raw.
fn outcome_view(outcome: &RegistrationOutcome) -> impl IntoView {
    let check = &outcome.check;
    let class = match (check.finding, check.certain) {
        (crate::oidc::Finding::Accepted, true) => "pass",
        (_, true) => "fail",
        _ => "",
    };
    let certainty = (!check.certain).then_some(
        "Not certain: the answer does not settle what it means for the registration; read it raw below.",
    );
    let codes = check
        .codes
        .iter()
        .map(|c| format!("AADSTS{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = [
        (
            "Discovery and keys",
            format!(
                "read from this browser: {} keys, {} usable",
                outcome.keys, outcome.usable_keys
            ),
        ),
        ("Redirect URI", outcome.redirect_uri.clone()),
        ("Status", check.status.to_string()),
        ("error", check.error.clone()),
        ("Codes", codes),
        ("Description", check.headline.clone().unwrap_or_default()),
    ];
    view! {
        <div id="registration-result" data-finding=check.finding.id()>
            <p id="registration-meaning" class=class>{check.finding.meaning()}</p>
            {certainty.map(|c| view! { <p id="registration-uncertain">{c}</p> }.into_any())}
            <table class="kv" id="registration-answer">
                <tbody>
                    {rows.into_iter().map(|(label, value)| view! {
                        <tr><th scope="row">{label}</th><td><code>{value}</code></td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
