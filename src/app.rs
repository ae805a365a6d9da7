//! The page for the address, and the parts every page shares.

use crate::components::{ConfigErrorPanel, SecretBanner, SessionEndedPanel, SignedOutNotice};
use crate::config::BuildConfig;
use crate::pages::{CallbackPage, DecodePage, HomePage, NotFoundPage, ProfilePage, TenantPage};
use leptos::prelude::*;

use crate::display::PRODUCT_NAME;
use crate::router::{Page, Router};
use crate::session_context::SessionContext;

#[component]
pub fn App() -> impl IntoView {
    match BuildConfig::compiled() {
        Ok(config) => {
            let secret_embedded = config.client_secret.is_some();
            provide_context(config.clone());
            SessionContext::provide(config);
            let router = Router::provide();
            // Only a change of page renders another page, not a change of fragment or slash.
            let page = Memo::new(move |_| router.page());
            view! {
                    <Header/>
                    <Show when=move || secret_embedded>
                        <SecretBanner/>
                    </Show>
                    <main>
                        <SignedOutNotice/>
                        <SessionEndedPanel/>
                        {move || match page.get() {
                            Page::Home => view! { <HomePage/> }.into_any(),
                            Page::Callback => view! { <CallbackPage/> }.into_any(),
                            Page::Profile => view! { <ProfilePage/> }.into_any(),
                            Page::Decode => view! { <DecodePage/> }.into_any(),
                            Page::Tenant => view! { <TenantPage/> }.into_any(),
                            Page::NotFound => view! { <NotFoundPage/> }.into_any(),
                        }}
                    </main>
            }
            .into_any()
        }
        Err(error) => view! { <ConfigErrorPanel error/> }.into_any(),
    }
}

#[component]
fn Header() -> impl IntoView {
    let router = expect_context::<Router>();
    view! {
        <header class="site-header">
            <a href="/" class="brand" aria-current=move || router.current("/")>{PRODUCT_NAME}</a>
            <a href="/decode" aria-current=move || router.current("/decode")>"Token decoder"</a>
            <a href="/tenant" aria-current=move || router.current("/tenant")>"Tenant"</a>
        </header>
    }
}
