use crate::config::BuildConfig;
use crate::flow::{self, SignInFailure, Trace};
use crate::oidc::Prompt;
use leptos::prelude::*;

use super::{FlowInspector, SignInError};

/// "Sign in" and "Sign up": start the flow and leave for the tenant.
#[component]
pub fn SignInButtons() -> impl IntoView {
    let start = start_sign_in_action(expect_context::<BuildConfig>());
    // On success the page is leaving for the tenant: it stays busy until it is gone.
    let busy = move || start.pending().get() || start.value().with(|v| matches!(v, Some(Ok(()))));
    let failure = move || start.value().get().and_then(Result::err);
    view! {
        <div class="actions">
            <button id="sign-in" disabled=busy on:click=move |_| { start.dispatch(None); }>"Sign in"</button>
            <button id="sign-up" class="secondary" disabled=busy on:click=move |_| { start.dispatch(Some(Prompt::Create)); }>
                "Sign up"
            </button>
        </div>
        <Show when=busy>
            <p class="muted" id="sign-in-starting">"Reading the tenant's metadata and preparing PKCE…"</p>
        </Show>
        {move || failure().map(|(error, trace)| view! { <SignInError error/> <FlowInspector trace/> })}
    }
}

/// Starting a sign-in (discovery, PKCE, the redirect) as an action: its `pending()` is the busy
/// state, its value how the start ended.
pub fn start_sign_in_action(
    config: BuildConfig,
) -> Action<Option<Prompt>, Result<(), (SignInFailure, Trace)>> {
    Action::new_local(move |prompt: &Option<Prompt>| {
        let (config, prompt) = (config.clone(), *prompt);
        async move { flow::start_sign_in(&config, prompt).await }
    })
}
