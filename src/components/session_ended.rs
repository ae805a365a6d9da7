use crate::flow;
use crate::oidc::SignInOptions;
use crate::session_context::{EndedSession, SessionContext};
use leptos::prelude::*;

use super::sign_in_buttons::SignInStart;
use super::FlowInspector;

/// A session that ended without the user asking (the tenant refused a renewal, or a renewed or
/// kept ID token failed its checks): why, what to do, and the trace.
#[component]
pub fn SessionEndedPanel() -> impl IntoView {
    let context = expect_context::<SessionContext>();
    view! { {move || context.ended.get().map(|ended| session_ended(ended).into_any())} }
}

fn session_ended(ended: EndedSession) -> impl IntoView {
    let context = expect_context::<SessionContext>();
    let config = context.config();
    let EndedSession {
        failure,
        trace,
        tokens_kept,
    } = ended;
    let tokens = match tokens_kept {
        true => {
            "The kept tokens stay in this tab's storage and are checked again on the next reload."
        }
        false => "The tokens were removed from this tab.",
    };
    let restart = SignInStart::new();
    // A failed restart becomes what this panel tells, with that attempt's trace: no error is
    // dropped, and no second failure view is needed (one costs 0.7 KB gzip).
    let sign_in_again = move |_| {
        // The options chosen on the home page, except a request to show the URL first: this button
        // promises to leave.
        let options = SignInOptions {
            show_request: false,
            ..flow::options::remembered()
        };
        restart.dispatch_or(config.clone(), options, move |(failure, trace)| {
            context.ended.set(Some(EndedSession {
                failure,
                trace,
                tokens_kept,
            }))
        })
    };
    let advice = failure.advice;
    view! {
        <div id="session-ended">
        <section class="card error" role="alert">
            <h1 id="session-ended-title">"Your session ended: " {failure.title}</h1>
            <p id="session-ended-explanation">{failure.explanation}</p>
            {advice.map(|a| view! {
                <p><strong>{format!("AADSTS{}", a.code)}</strong>": " {a.meaning}". " <strong>"Fix: "</strong>{a.fix}</p>
            }.into_any())}
            <p>{tokens} " Nothing is retried: sign in again when you are ready."</p>
            <div class="actions">
                <button id="sign-in-again" disabled=move || restart.busy.get() on:click=sign_in_again>"Sign in again"</button>
            </div>
        </section>
        <FlowInspector trace/>
        </div>
    }
}
