use crate::config::BuildConfig;
use crate::flow::{self, Departure, FailureNotice, Trace};
use crate::oidc::{Prompt, SignInOptions};
use crate::session_context::SessionContext;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{AuthorizeRequestPreview, FlowInspector, SignInError};

/// "Sign in" and "Sign up": start the flow with the chosen options and leave for the tenant.
#[component]
pub fn SignInButtons(options: RwSignal<SignInOptions>) -> impl IntoView {
    let config = expect_context::<SessionContext>().config();
    let start = SignInStart::new();
    let sign_up_config = config.clone();
    let failure = move || start.failure.get();
    let sign_up = move || SignInOptions {
        prompt: Some(Prompt::Create),
        ..options.get()
    };
    view! {
        <div class="actions">
            <button id="sign-in" disabled=move || start.busy.get() on:click=move |_| start.dispatch(config.clone(), options.get())>"Sign in"</button>
            <button id="sign-up" class="secondary" disabled=move || start.busy.get() on:click=move |_| start.dispatch(sign_up_config.clone(), sign_up())>
                "Sign up"
            </button>
        </div>
        {move || start.busy.get().then(|| view! {
            <p class="muted" id="sign-in-starting">"Reading the tenant's metadata and preparing PKCE…"</p>
        }.into_any())}
        <AuthorizeRequestPreview start/>
        {move || failure().map(|(error, trace)| view! { <SignInError error/> <FlowInspector trace/> }.into_any())}
    }
}

/// Starting a sign-in (discovery, PKCE, the redirect): busy until the page leaves for the
/// tenant, or until it failed, with the failure and its trace; with "show the request", the
/// prepared request waits in `ready` for "Continue". (Not a Leptos `Action`: that costs about
/// 5.7 KB gzip of the bundle for what these signals do.)
#[derive(Clone, Copy)]
pub struct SignInStart {
    pub busy: RwSignal<bool>,
    pub failure: RwSignal<Option<(FailureNotice, Trace)>>,
    pub ready: RwSignal<Option<Departure>>,
}

impl SignInStart {
    pub fn new() -> SignInStart {
        SignInStart {
            busy: RwSignal::new(false),
            failure: RwSignal::new(None),
            ready: RwSignal::new(None),
        }
    }

    /// Starts; a failure is kept in `failure`.
    pub fn dispatch(self, config: BuildConfig, options: SignInOptions) {
        self.dispatch_or(config, options, move |failure| {
            self.failure.set(Some(failure))
        });
    }

    /// Starts; `failed` hears why the page did not leave for the tenant.
    pub fn dispatch_or(
        self,
        config: BuildConfig,
        options: SignInOptions,
        failed: impl FnOnce((FailureNotice, Trace)) + 'static,
    ) {
        self.busy.set(true);
        self.failure.set(None);
        self.ready.set(None);
        spawn_local(async move {
            let prepared = flow::prepare_sign_in(&config, &options).await;
            // On success the page is leaving for the tenant; only a failure or a request to
            // show comes back here.
            let left = match prepared {
                Ok(departure) if options.show_request => {
                    self.ready.set(Some(departure));
                    self.busy.set(false);
                    return;
                }
                Ok(departure) => departure.leave(),
                Err(failure) => Err(failure),
            };
            if let Err((failure, trace)) = left {
                failed((FailureNotice::of(&failure), trace));
                self.busy.set(false);
            }
        });
    }

    /// Leaves for the tenant with the request shown.
    pub fn proceed(self) {
        let Some(departure) = self.ready.try_update(Option::take).flatten() else {
            return;
        };
        if let Err((failure, trace)) = departure.leave() {
            self.failure.set(Some((FailureNotice::of(&failure), trace)));
        }
    }
}
