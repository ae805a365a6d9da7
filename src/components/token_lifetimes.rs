use crate::browser::time::local_date_time;
use crate::display::relative_time;
use crate::flow::renewal::Decision;
use crate::flow::{Session, Trigger};
use crate::session_context::SessionContext;
use leptos::prelude::*;

/// When the tokens expire and when they are renewed next, counting down; the renewal buttons.
#[component]
pub fn TokenLifetimes(session: Session) -> impl IntoView {
    let context = expect_context::<SessionContext>();
    let now = context.now;
    let access_expires = session.access_token_expires_at;
    let id_expires = session.id_token_expires_at();
    let countdown = move |at: Option<i64>| match at {
        Some(at) => format!("{} ({})", relative_time(at, now.get()), local_date_time(at)),
        None => "unknown (no expires_in)".to_string(),
    };
    let next_renewal = move || match context.renewal_decision() {
        Decision::Wait { until } => (
            Some(until),
            format!(
                "{} ({})",
                relative_time(until, now.get()),
                local_date_time(until)
            ),
        ),
        Decision::Paused { due_at } => (
            Some(due_at),
            format!(
                "paused while this tab is hidden; due {}",
                relative_time(due_at, now.get())
            ),
        ),
        Decision::RenewNow | Decision::Busy => (None, "renewing now…".to_string()),
        Decision::Idle => (
            None,
            "none scheduled (no refresh token, or no expiry)".to_string(),
        ),
    };
    let last = session.last_renewal.map(|r| {
        let how = match r.trigger {
            Trigger::Manual => "by the Refresh button",
            Trigger::Automatic => "automatically",
        };
        view! {
            <tr><th scope="row">"Last renewal"</th>
                <td id="last-renewal" data-trigger=r.trigger.id() data-ms=r.took_ms.to_string()>
                    {format!("{} {how}, in {} ms", local_date_time(r.at), r.took_ms)}
                </td></tr>
        }
    });
    let has_refresh_token = session.refresh_token.is_some();
    let renewals = session.renewals.to_string();
    view! {
        <section class="card" id="token-lifetimes">
            <h2>"Token lifetimes and renewal"</h2>
            <table class="kv">
                <tbody>
                    <tr><th scope="row">"Access token expires"</th>
                        <td id="access-token-countdown" data-expires-at=access_expires.map(|a| a.to_string()).unwrap_or_default()>{move || countdown(access_expires)}</td></tr>
                    <tr><th scope="row">"ID token expires"</th>
                        <td id="id-token-countdown" data-expires-at=id_expires.map(|a| a.to_string()).unwrap_or_default()>{move || countdown(id_expires)}</td></tr>
                    <tr><th scope="row">"Next automatic renewal"</th>
                        <td id="next-renewal" data-due-at=move || next_renewal().0.map(|a| a.to_string()).unwrap_or_default()>{move || next_renewal().1}</td></tr>
                    <tr><th scope="row">"Renewals"</th>
                        <td id="renewal-count" data-count=renewals.clone()>{renewals.clone()}</td></tr>
                    {last}
                </tbody>
            </table>
            <p class="muted">{crate::flow::renewal::policy()}</p>
            {move || context.retry.get().map(|r| view! {
                <p class="fail" id="renewal-status">
                    {format!(
                        "Renewal attempt {} failed: {}. {} Next try {} s after the failure ({}).",
                        r.failures,
                        r.failure.title,
                        r.failure.explanation,
                        r.delay_secs,
                        relative_time(r.retry_at, now.get())
                    )}
                </p>
            }.into_any())}
            <div class="actions">
                <button id="refresh-tokens" disabled=move || !has_refresh_token || context.renewing.get()
                    on:click=move |_| context.refresh(Trigger::Manual)>
                    {move || if context.renewing.get() { "Refreshing…" } else { "Refresh tokens" }}
                </button>
            </div>
        </section>
    }
}
