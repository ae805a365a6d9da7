use crate::components::{
    AccessTokenPanel, ClaimsTable, FlowInspector, JsonBlock, KeepSignedIn, TokenLifetimes,
    ValidationReportTable,
};
use crate::flow::Session;
use crate::pages::home::RestoringSession;
use crate::session_context::SessionContext;
use leptos::prelude::*;

/// The signed-in user: who they are, every claim, why the token is trusted, and how it was got.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let context = expect_context::<SessionContext>();
    move || match context.session.get() {
        Some(current) => view! { <Profile session=current/> }.into_any(),
        None if context.restoring.get() => view! { <RestoringSession/> }.into_any(),
        None => view! { <SignedOut/> }.into_any(),
    }
}

#[component]
fn SignedOut() -> impl IntoView {
    view! {
        <section class="card" id="signed-out">
            <h1>"Not signed in"</h1>
            <p>"Tokens live in this tab's memory unless you opt in to keep them for this tab, so a reload or a new tab starts signed out."</p>
            <p><a href="/">"Sign in from the home page"</a></p>
        </section>
    }
}

#[component]
fn Profile(session: Session) -> impl IntoView {
    // When the profile is built, for `cargo xtask bench` (the last mark wins on a re-render).
    crate::browser::time::mark("profile-shown");
    let context = expect_context::<SessionContext>();
    let token = session.id_token.clone();
    let claims = token.claims().clone();
    let name = claims
        .name
        .clone()
        .unwrap_or_else(|| "(no name claim)".into());
    let email = claims
        .email
        .clone()
        .or(claims.preferred_username.clone())
        .unwrap_or_else(|| "(no email claim)".into());
    let refresh = if session.refresh_token.is_some() {
        "yes (kept in memory, never shown)"
    } else {
        "no (ask for the offline_access scope to get one)"
    };
    let passed = token.report().checks().len();
    // Whole milliseconds: an integer keeps float formatting out of the bundle.
    let duration_ms = session.completed_after_ms.round() as u64;
    view! {
        <section class="card" id="profile">
            <h1 id="profile-name">{name}</h1>
            <p id="profile-email">{email}</p>
            <p class="pass" id="validation-verdict">
                "ID token accepted: all " {passed} " checks passed, signature verified with Web Crypto."
            </p>
            <p class="muted" id="sign-in-duration" data-ms=duration_ms.to_string()>
                "Signed in " {duration_ms} " ms after the page loaded: code exchange, keys, signature and every check."
            </p>
            <table class="kv">
                <tbody>
                    <tr><th scope="row">"Issuer"</th><td><code>{session.issuer.clone()}</code></td></tr>
                    <tr><th scope="row">"Refresh token received"</th><td id="refresh-token-received">{refresh}</td></tr>
                    <tr><th scope="row">"Scopes granted"</th><td><code>{session.scope.clone().unwrap_or_default()}</code></td></tr>
                </tbody>
            </table>
            <KeepSignedIn/>
            <div class="actions">
                <button id="sign-out" on:click=move |_| context.sign_out()>"Sign out"</button>
                <button class="secondary" id="sign-out-locally" on:click=move |_| context.sign_out_locally()>
                    "Sign out locally"
                </button>
            </div>
            <p class="muted">"Sign out ends the tenant's session too; sign out locally only forgets the tokens in this tab."</p>
        </section>
        <TokenLifetimes session=session.clone()/>
        {move || context.trace.get().map(|trace| view! { <FlowInspector trace/> })}
        <section class="card">
            <h2>"Validation report"</h2>
            <ValidationReportTable report=token.report().clone()/>
        </section>
        <section class="card">
            <h2>"ID token claims"</h2>
            <ClaimsTable claims=token.claim_set().clone()/>
        </section>
        <section class="card">
            <h2>"ID token, decoded"</h2>
            <JsonBlock id="id-token-header" title="Header" json=token.header_json().to_string()/>
            <JsonBlock id="id-token-payload" title="Payload" json=token.payload_json().to_string()/>
        </section>
        <AccessTokenPanel session/>
        <crate::components::ApiCallPanel/>
    }
}
