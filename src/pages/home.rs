use crate::components::{ConfigSummary, KeepSignedIn, SignInButtons, SignInOptionsPanel};
use crate::display::PRODUCT_NAME;
use crate::flow;
use crate::session_context::SessionContext;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let context = expect_context::<SessionContext>();
    let config = context.config();
    let options = RwSignal::new(flow::options::remembered());
    view! {
        <section class="intro">
            <h1>{PRODUCT_NAME}</h1>
            <p class="lead">
                "Signs you in to a Microsoft Entra External ID tenant with the authorization code flow and PKCE, "
                "validates the ID token in your browser, and shows every step and every check."
            </p>
            <crate::components::OriginWarning/>
            {move || match context.signed_in_name() {
                Some(name) => view! {
                    <p id="signed-in-as">"Signed in as " <strong>{name}</strong> ". " <a href="/profile">"See your claims"</a></p>
                }.into_any(),
                None if context.restoring.get() => view! { <RestoringSession/> }.into_any(),
                None => view! { <SignInButtons options/> <SignInOptionsPanel options/> <KeepSignedIn/> }.into_any(),
            }}
        </section>
        <ConfigSummary config/>
        <crate::components::RegistrationCheckPanel/>
    }
}

#[component]
pub fn RestoringSession() -> impl IntoView {
    view! {
        <p class="muted" id="restoring-session">
            "Restoring the session kept in this tab: checking the ID token's signature and times again…"
        </p>
    }
}
