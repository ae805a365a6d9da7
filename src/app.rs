//! The router and the parts of the page every route shares.

use crate::components::{ConfigErrorPanel, SecretBanner};
use crate::config::BuildConfig;
use crate::flow::Session;
use crate::pages::{CallbackPage, HomePage, NotFoundPage, ProfilePage};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

pub const PRODUCT_NAME: &str = "Entra Sign-in Inspector";

/// The signed-in session of this tab, in memory only: a reload signs out.
#[derive(Clone, Copy)]
pub struct CurrentSession(pub RwSignal<Option<Session>>);

#[component]
pub fn App() -> impl IntoView {
    match BuildConfig::compiled() {
        Ok(config) => {
            let secret_embedded = config.client_secret.is_some();
            provide_context(config);
            provide_context(CurrentSession(RwSignal::new(None)));
            view! {
                <Router>
                    <Header/>
                    <Show when=move || secret_embedded>
                        <SecretBanner/>
                    </Show>
                    <main>
                        <Routes fallback=NotFoundPage>
                            <Route path=path!("/") view=HomePage/>
                            <Route path=path!("/callback") view=CallbackPage/>
                            <Route path=path!("/profile") view=ProfilePage/>
                        </Routes>
                    </main>
                </Router>
            }
            .into_any()
        }
        Err(error) => view! { <ConfigErrorPanel error/> }.into_any(),
    }
}

#[component]
fn Header() -> impl IntoView {
    view! {
        <header class="site-header">
            <A href="/" attr:class="brand">{PRODUCT_NAME}</A>
        </header>
    }
}
