//! The router and the parts of the page every route shares.

use crate::components::{
    ConfigErrorPanel, LiveStatus, SecretBanner, SessionEndedPanel, SignedOutNotice,
};
use crate::config::BuildConfig;
use crate::pages::{CallbackPage, DecodePage, HomePage, NotFoundPage, ProfilePage, TenantPage};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::display::{authority_host, signed_in_name, PRODUCT_NAME};
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
                        <LiveStatus/>
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

/// Every page one link away, and in one line who is signed in to which tenant.
#[component]
fn Header() -> impl IntoView {
    let config = expect_context::<BuildConfig>();
    let context = expect_context::<SessionContext>();
    let tenant = authority_host(&config.authority).to_string();
    let who = move || {
        context.session.with(|s| {
            s.as_ref()
                .map(|s| signed_in_name(s.id_token.claims()))
                .unwrap_or_default()
        })
    };
    let signed_in = move || context.session.with(Option::is_some);
    view! {
        <header class="site-header">
            <nav aria-label="Pages">
                <span class="brand">{PRODUCT_NAME}</span>
                <A href="/" exact=true>"Home"</A>
                // Hidden rather than removed while signed out: the cheaper way for the bundle.
                <A href="/profile" attr:hidden=move || !signed_in()>"Profile"</A>
                <A href="/decode">"Token decoder"</A>
                <A href="/tenant">"Tenant"</A>
            </nav>
            <p class="who" id="header-who">
                {move || if signed_in() { "Signed in as " } else { "Not signed in" }}
                <strong>{who}</strong>
                " · tenant " <code id="header-tenant">{tenant}</code>
            </p>
        </header>
    }
}
