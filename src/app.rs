//! The page for the address, and the parts every page shares.

use crate::components::{
    ConfigErrorPanel, LiveStatus, SecretBanner, SessionEndedPanel, SignedOutNotice,
};
use crate::config::BuildConfig;
use crate::pages::{CallbackPage, DecodePage, HomePage, NotFoundPage, ProfilePage, TenantPage};
use leptos::prelude::*;

use crate::display::{authority_host, PRODUCT_NAME};
use crate::router::{Page, Router};
use crate::session_context::SessionContext;

#[component]
pub fn App() -> impl IntoView {
    match BuildConfig::compiled() {
        Ok(config) => {
            let secret_embedded = config.client_secret.is_some();
            SessionContext::provide(config);
            let router = Router::provide();
            view! {
                    <Header/>
                    // Fixed at build time: nothing to react to (and `<Show>` is a kilobyte of wasm).
                    {secret_embedded.then(|| view! { <SecretBanner/> }.into_any())}
                    <main>
                        <LiveStatus/>
                        <SignedOutNotice/>
                        <SessionEndedPanel/>
                        {move || match router.page() {
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

/// Every page one link away, and in one line who is signed in to which tenant.
#[component]
fn Header() -> impl IntoView {
    let context = expect_context::<SessionContext>();
    let config = context.config();
    let tenant = authority_host(&config.authority);
    let signed_in = move || context.session.with(Option::is_some);
    let router = expect_context::<Router>();
    view! {
        <header class="site-header">
            <nav aria-label="Pages">
                <span class="brand">{PRODUCT_NAME}</span>
                <a href="/" aria-current=move || router.current("/")>"Home"</a>
                // Hidden rather than removed while signed out: the cheaper way for the bundle.
                <a href="/profile" hidden=move || !signed_in() aria-current=move || router.current("/profile")>"Profile"</a>
                <a href="/decode" aria-current=move || router.current("/decode")>"Token decoder"</a>
                <a href="/tenant" aria-current=move || router.current("/tenant")>"Tenant"</a>
            </nav>
            <p class="who" id="header-who">
                {move || if signed_in() { "Signed in as " } else { "Not signed in" }}
                <strong>{move || context.signed_in_name().unwrap_or_default()}</strong>
                " · tenant " <code id="header-tenant">{tenant}</code>
            </p>
        </header>
    }
}
