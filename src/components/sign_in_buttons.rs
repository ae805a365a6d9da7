use crate::config::BuildConfig;
use crate::flow::{self, SignInFailure, Trace};
use crate::oidc::Prompt;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{FlowInspector, SignInError};

/// "Sign in" and "Sign up": start the flow and leave for the tenant.
#[component]
pub fn SignInButtons() -> impl IntoView {
    let config = expect_context::<BuildConfig>();
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<(SignInFailure, Trace)>);
    let start = move |prompt: Option<Prompt>| {
        let config = config.clone();
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            // On success the page is leaving for the tenant; only a failure comes back here.
            if let Err(error) = flow::start_sign_in(&config, prompt).await {
                failure.set(Some(error));
                busy.set(false);
            }
        });
    };
    let start_sign_up = start.clone();
    view! {
        <div class="actions">
            <button id="sign-in" disabled=move || busy.get() on:click=move |_| start(None)>"Sign in"</button>
            <button id="sign-up" class="secondary" disabled=move || busy.get() on:click=move |_| start_sign_up(Some(Prompt::Create))>
                "Sign up"
            </button>
        </div>
        <Show when=move || busy.get()>
            <p class="muted" id="sign-in-starting">"Reading the tenant's metadata and preparing PKCE…"</p>
        </Show>
        {move || failure.get().map(|(error, trace)| view! { <SignInError error/> <FlowInspector trace/> })}
    }
}
