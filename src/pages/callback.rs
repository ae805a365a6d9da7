use crate::components::{FlowInspector, SignInError, SignInProgress};
use crate::flow::{
    self, FailureNotice, PendingStore, SignInFailure, StepKind, StepStatus, Trace, PROGRESS_STEPS,
};
use crate::router::Router;
use crate::session_context::SessionContext;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where the tenant sends the browser back: completes the sign-in and shows each step.
#[component]
pub fn CallbackPage() -> impl IntoView {
    let context = expect_context::<SessionContext>();
    let config = context.config();
    let steps = RwSignal::new(
        PROGRESS_STEPS
            .iter()
            .map(|s| (*s, StepStatus::Pending))
            .collect::<Vec<_>>(),
    );
    let failure = RwSignal::new(None::<(FailureNotice, Trace)>);
    let no_sign_in_in_progress = RwSignal::new(false);
    let router = expect_context::<Router>();
    spawn_local(async move {
        let progress = move |step: StepKind, status: StepStatus| {
            steps.update(|all| {
                if let Some(entry) = all.iter_mut().find(|(s, _)| *s == step) {
                    entry.1 = status;
                }
            })
        };
        match flow::complete_sign_in(&config, &progress).await {
            (Ok(signed_in), trace) => {
                context.signed_in(signed_in, trace);
                router.replace("/profile");
            }
            (Err(SignInFailure::NoSignInInProgress), _) => no_sign_in_in_progress.set(true),
            (Err(error), trace) => failure.set(Some((FailureNotice::of(&error), trace))),
        }
    });
    view! {
        {move || failure.with(|failure| match failure {
            None if no_sign_in_in_progress.get() => idle_callback().into_any(),
            None => view! { <SignInProgress steps/> }.into_any(),
            Some((error, trace)) => view! {
                <SignInProgress steps/>
                <SignInError error=error.clone()/>
                <FlowInspector trace=trace.clone()/>
            }.into_any(),
        })}
    }
}

fn idle_callback() -> impl IntoView {
    let last = PendingStore.last_used_at();
    view! {
        <section class="card" id="callback-idle">
            <h1>"No sign-in in progress"</h1>
            <p>"This address receives the answer of the tenant after you sign in, and no sign-in was started from this tab."</p>
            {last.map(|at| view! {
                <p id="code-already-used">
                    "The last sign-in answer of this tab arrived at " {crate::browser::time::local_date_time(at)}
                    ". Its authorization code was used once and removed from the address bar, so reloading this page cannot "
                    "sign you in again."
                </p>
            }.into_any())}
            <p><a href="/">"Go to the home page"</a></p>
        </section>
    }
}
