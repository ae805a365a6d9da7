use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

#[component]
fn Home() -> impl IntoView {
    let count = RwSignal::new(0);
    view! {
        <h1>"Home"</h1>
        <button on:click=move |_| count.update(|c| *c += 1)>{move || count.get()}</button>
        <A href="/about">"About"</A>
    }
}

#[component]
fn About() -> impl IntoView {
    view! { <h1>"About"</h1> <A href="/">"Home"</A> }
}

fn main() {
    leptos::mount::mount_to_body(|| {
        view! {
            <Router>
                <Routes fallback=|| "Not found">
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/about") view=About/>
                </Routes>
            </Router>
        }
    });
}
