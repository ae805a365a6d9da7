use crate::config::BuildConfig;
use crate::flow::{self, FailureNotice, Trace};
use crate::oidc::Prompt;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{FlowInspector, SignInError};

/// "Sign in" and "Sign up": start the flow and leave for the tenant.
#[component]
pub fn SignInButtons() -> impl IntoView {
    let config = expect_context::<BuildConfig>();
    let start = SignInStart::new();
    let sign_up_config = config.clone();
    let busy = move || start.busy.get();
    let failure = move || start.failure.get();
    view! {
        <div class="actions">
            <button id="sign-in" disabled=busy on:click=move |_| start.dispatch(config.clone(), None)>"Sign in"</button>
            <button id="sign-up" class="secondary" disabled=busy on:click=move |_| start.dispatch(sign_up_config.clone(), Some(Prompt::Create))>
                "Sign up"
            </button>
        </div>
        <Show when=busy>
            <p class="muted" id="sign-in-starting">"Reading the tenant's metadata and preparing PKCE…"</p>
        </Show>
        {move || failure().map(|(error, trace)| view! { <SignInError error/> <FlowInspector trace/> })}
    }
}

/// Starting a sign-in (discovery, PKCE, the redirect): busy until the page leaves for the
/// tenant, or until it failed, with the failure and its trace. (Not a Leptos `Action`: that costs
/// about 5.7 KB gzip of the bundle for what two signals do.)
#[derive(Clone, Copy)]
pub struct SignInStart {
    pub busy: RwSignal<bool>,
    pub failure: RwSignal<Option<(FailureNotice, Trace)>>,
}

impl SignInStart {
    pub fn new() -> SignInStart {
        SignInStart {
            busy: RwSignal::new(false),
            failure: RwSignal::new(None),
        }
    }

    /// Starts; a failure is kept in `failure`.
    pub fn dispatch(self, config: BuildConfig, prompt: Option<Prompt>) {
        self.dispatch_or(config, prompt, move |failure| {
            self.failure.set(Some(failure))
        });
    }

    /// Starts; `failed` hears why the page did not leave for the tenant.
    pub fn dispatch_or(
        self,
        config: BuildConfig,
        prompt: Option<Prompt>,
        failed: impl FnOnce((FailureNotice, Trace)) + 'static,
    ) {
        self.busy.set(true);
        self.failure.set(None);
        spawn_local(async move {
            // On success the page is leaving for the tenant; only a failure comes back here.
            if let Err((failure, trace)) = flow::start_sign_in(&config, prompt).await {
                failed((FailureNotice::of(&failure), trace));
                self.busy.set(false);
            }
        });
    }
}
