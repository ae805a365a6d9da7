use leptos::prelude::*;
use leptos_router::components::A;

/// Where the tenant sends the browser back after sign-in.
#[component]
pub fn CallbackPage() -> impl IntoView {
    view! {
        <section class="card" id="callback-idle">
            <h1>"No sign-in in progress"</h1>
            <p>"This address receives the answer of the tenant after you sign in, and no sign-in was started from this tab."</p>
            <p><A href="/">"Go to the home page"</A></p>
        </section>
    }
}
