use crate::flow::{progress_label, StepKind, StepStatus};
use leptos::prelude::*;

/// The steps of completing a sign-in, each marked pending, running, done or failed.
#[component]
pub fn SignInProgress(steps: RwSignal<Vec<(StepKind, StepStatus)>>) -> impl IntoView {
    view! {
        <section class="card" id="sign-in-progress" aria-live="polite">
            <h1>"Completing sign-in"</h1>
            <ol class="steps">
                    {move || steps.get().into_iter().map(|(step, status)| view! {
                    <li data-status=status.as_str()>{progress_label(step)}</li>
                }).collect_view().into_any()}
            </ol>
        </section>
    }
}
