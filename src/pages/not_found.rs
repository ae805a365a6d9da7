use crate::router::Router;
use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let path = expect_context::<Router>().path;
    view! {
        <section class="card" id="not-found">
            <h1>"Page not found"</h1>
            <p>"There is no page at " <code>{move || path.get()}</code> "."</p>
            <p><a href="/">"Go to the home page"</a></p>
        </section>
    }
}
