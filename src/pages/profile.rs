use crate::app::CurrentSession;
use crate::components::{AccessTokenPanel, ClaimsTable, JsonBlock, ValidationReportTable};
use crate::flow::Session;
use leptos::prelude::*;
use leptos_router::components::A;

/// The signed-in user: who they are, every claim, and why the token is trusted.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let session = expect_context::<CurrentSession>().0;
    move || match session.get() {
        Some(current) => view! { <Profile session=current/> }.into_any(),
        None => view! { <SignedOut/> }.into_any(),
    }
}

#[component]
fn SignedOut() -> impl IntoView {
    view! {
        <section class="card" id="signed-out">
            <h1>"Not signed in"</h1>
            <p>"Tokens live in this tab's memory only, so a reload or a new tab starts signed out."</p>
            <p><A href="/">"Sign in from the home page"</A></p>
        </section>
    }
}

#[component]
fn Profile(session: Session) -> impl IntoView {
    let current = expect_context::<CurrentSession>().0;
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
                "Signed in " {duration_ms} " ms after the tenant redirected back: code exchange, keys, signature and every check."
            </p>
            <table class="kv">
                <tbody>
                    <tr><th scope="row">"Issuer"</th><td><code>{session.issuer.clone()}</code></td></tr>
                    <tr><th scope="row">"Refresh token received"</th><td id="refresh-token-received">{refresh}</td></tr>
                    <tr><th scope="row">"Scopes granted"</th><td><code>{session.scope.clone().unwrap_or_default()}</code></td></tr>
                </tbody>
            </table>
            <div class="actions">
                <button class="secondary" id="sign-out-locally" on:click=move |_| current.set(None)>
                    "Sign out locally"
                </button>
            </div>
        </section>
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
    }
}
