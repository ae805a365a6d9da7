//! The router and the parts of the page every route shares.

use crate::components::{ConfigErrorPanel, SecretBanner, SessionEndedPanel, SignedOutNotice};
use crate::config::BuildConfig;
use crate::pages::{CallbackPage, DecodePage, HomePage, NotFoundPage, ProfilePage, TenantPage};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::display::PRODUCT_NAME;
use crate::session_context::SessionContext;

#[component]
pub fn App() -> impl IntoView {
    match BuildConfig::compiled() {
        Ok(config) => {
            let secret_embedded = config.client_secret.is_some();
            provide_context(config.clone());
            SessionContext::provide(config);
            view! {
                <Router>
                    <Header/>
                    <Show when=move || secret_embedded>
                        <SecretBanner/>
                    </Show>
                    <main>
                        <SignedOutNotice/>
                        <SessionEndedPanel/>
                        <Routes fallback=NotFoundPage>
                            <Route path=path!("/") view=HomePage/>
                            <Route path=path!("/callback") view=CallbackPage/>
                            <Route path=path!("/profile") view=ProfilePage/>
                            <Route path=path!("/decode") view=DecodePage/>
                            <Route path=path!("/tenant") view=TenantPage/>
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
            <A href="/decode">"Token decoder"</A>
            <A href="/tenant">"Tenant"</A>
        </header>
    }
}
