use crate::components::{
    AccessTokenPanel, ApiCallPanel, ClaimsTable, FlowInspector, JsonBlock, KeepSignedIn,
    TokenLifetimes, ValidationReportTable,
};
use crate::flow::profile_sections::{self, is_open, ProfileSection};
use crate::flow::Session;
use crate::pages::home::RestoringSession;
use crate::router::Router;
use crate::session_context::SessionContext;
use leptos::prelude::*;
use ProfileSection::{Api, Claims, Inspector, Tokens, Validation};

/// The signed-in user: who they are, every claim, why the token is trusted, and how it was got.
/// A summary on top; the rest in sections that open on demand (`/profile#claims` opens one).
#[component]
pub fn ProfilePage() -> impl IntoView {
    let context = expect_context::<SessionContext>();
    let router = expect_context::<Router>();
    // The browser looked for the fragment before the profile existed: open and scroll to its
    // section once the profile is shown (it may wait for a kept session), and whenever the
    // fragment changes on this page.
    let open_linked = move || {
        let section = router
            .fragment
            .with_untracked(|f| ProfileSection::from_fragment(f));
        if let Some(section) = section {
            request_animation_frame(move || {
                crate::browser::location::open_and_scroll_to(section.id())
            });
        }
    };
    Effect::new(move |first: Option<()>| {
        router.fragment.track();
        if first.is_some() {
            open_linked();
        }
    });
    let mut linked = false;
    view! {
        {move || match context.session.get() {
            Some(current) => {
                if !std::mem::replace(&mut linked, true) {
                    open_linked();
                }
                view! { <Profile session=current/> }.into_any()
            }
            None if context.restoring.get() => view! { <RestoringSession/> }.into_any(),
            None => signed_out().into_any(),
        }}
    }
}

fn signed_out() -> impl IntoView {
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
    let token = &session.id_token;
    let claims = token.claim_set().clone();
    let report = token.report().clone();
    let header = token.header_json().to_string();
    let payload = token.payload_json().to_string();
    view! {
        {profile_summary(session.clone())}
        <TokenLifetimes session=session.clone()/>
        <Section section=Claims>
            <ClaimsTable id="id-token-claims" claims/>
        </Section>
        <Section section=Validation>
            <ValidationReportTable report/>
        </Section>
        <Section section=Inspector>
            <LastTrace/>
        </Section>
        <Section section=Tokens>
            <h3>"ID token, decoded"</h3>
            <JsonBlock id="id-token-header" title="Header" json=header/>
            <JsonBlock id="id-token-payload" title="Payload" json=payload/>
            <AccessTokenPanel session/>
        </Section>
        <Section section=Api>
            <ApiCallPanel/>
        </Section>
    }
}

/// A section of the profile that opens on demand, open as the user left it. One component for
/// the five: each `<details>` written out in place is its own element type and code.
#[component]
fn Section(section: ProfileSection, children: Children) -> impl IntoView {
    view! {
        <details class="card profile-section" id=section.id() open=is_open(section) on:toggle=keep(section)>
            <summary><h2>{section.title()}</h2></summary>
            {children()}
        </details>
    }
}

/// Keeps a section's open or closed state for the tab when the user toggles it, so that a
/// renewal (which redraws the profile) or a reload leaves it as the user left it.
fn keep(section: ProfileSection) -> impl Fn(leptos::ev::Event) + 'static {
    move |ev| profile_sections::remember(section, crate::browser::details_opened(&ev))
}

/// The first screen: who is signed in, whether the token is trusted, and the way out.
fn profile_summary(session: Session) -> impl IntoView {
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
                <span aria-hidden="true">"✓ "</span>
                {format!("ID token accepted: all {passed} checks passed, signature verified with Web Crypto.")}
            </p>
            <p class="muted" id="sign-in-duration" data-ms=duration_ms.to_string()>
                {format!("Signed in {duration_ms} ms after the page loaded: code exchange, keys, signature and every check.")}
            </p>
            <div class="actions">
                <button id="sign-out" on:click=move |_| context.sign_out()>"Sign out"</button>
                <button class="secondary" id="sign-out-locally" on:click=move |_| context.sign_out_locally()>
                    "Sign out locally"
                </button>
            </div>
            <p class="muted">"Sign out ends the tenant's session too; sign out locally only forgets the tokens in this tab."</p>
            <KeepSignedIn/>
            <table class="kv">
                <tbody>
                    <tr><th scope="row">"Issuer"</th><td><code>{session.issuer.clone()}</code></td></tr>
                    <tr><th scope="row">"Refresh token received"</th><td id="refresh-token-received">{refresh}</td></tr>
                    <tr><th scope="row">"Scopes granted"</th><td><code>{session.scope.clone().unwrap_or_default()}</code></td></tr>
                </tbody>
            </table>
        </section>
    }
}

/// The inspector of the last sign-in, renewal or restore.
#[component]
fn LastTrace() -> impl IntoView {
    let context = expect_context::<SessionContext>();
    view! { {move || context.trace.get().map(|trace| view! { <FlowInspector trace/> }.into_any())} }
}
