use crate::oidc::{param_meaning, AuthorizationUrl};
use leptos::prelude::*;

use super::sign_in_buttons::SignInStart;
use super::CopyButton;

/// The authorization request before it is sent (with "Show the request before leaving"): the
/// exact URL to copy, each parameter with its meaning, and "Continue to the tenant".
#[component]
pub fn AuthorizeRequestPreview(start: SignInStart) -> impl IntoView {
    let request = move || start.ready.with(|d| d.as_ref().map(|d| d.url().clone()));
    view! { {move || request().map(|request| request_card(start, request).into_any())} }
}

fn request_card(start: SignInStart, request: AuthorizationUrl) -> impl IntoView {
    let rows = request
        .params
        .into_iter()
        .map(|(name, value)| {
            let meaning = param_meaning(&name);
            view! {
                <tr><th scope="row"><code>{name}</code></th><td><code class="wrap">{value}</code></td><td>{meaning}</td></tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="authorize-request">
            <h2>"The sign-in request"</h2>
            <p>"Nothing was sent yet. The browser will open this URL; the PKCE verifier, state and nonce wait in this tab."</p>
            <pre class="wrap"><code id="authorize-url">{request.url.clone()}</code></pre>
            <CopyButton text=request.url label="Copy the URL" id="copy-authorize-url"/>
            <table class="kv" id="authorize-params">
                <thead><tr><th scope="col">"Parameter"</th><th scope="col">"Value"</th><th scope="col">"Meaning"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <div class="actions">
                <button id="continue-sign-in" on:click=move |_| start.proceed()>"Continue to the tenant"</button>
                <button id="cancel-sign-in" class="secondary" on:click=move |_| start.ready.set(None)>"Cancel"</button>
            </div>
        </section>
    }
}
