use crate::app::PRODUCT_NAME;
use crate::components::ConfigSummary;
use crate::config::BuildConfig;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let config = expect_context::<BuildConfig>();
    view! {
        <section class="intro">
            <h1>{PRODUCT_NAME}</h1>
            <p class="lead">
                "Signs you in to a Microsoft Entra External ID tenant with the authorization code flow and PKCE, "
                "validates the ID token in your browser, and shows every step and every check."
            </p>
        </section>
        <ConfigSummary config/>
    }
}
