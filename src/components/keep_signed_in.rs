use crate::session_context::SessionContext;
use leptos::prelude::*;

/// The opt-in to keep the session in this tab's sessionStorage across reloads.
#[component]
pub fn KeepSignedIn() -> impl IntoView {
    let context = expect_context::<SessionContext>();
    view! {
        <label class="keep">
            <input type="checkbox" id="keep-signed-in"
                prop:checked=move || context.keep.get()
                on:change=move |ev| context.set_keep(event_target_checked(&ev))/>
            " Keep me signed in for this tab"
            <span class="muted">
                " (tokens go to this tab's sessionStorage, readable by any script on this origin; off: a reload signs you out)"
            </span>
        </label>
    }
}
