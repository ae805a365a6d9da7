use crate::browser::location;
use crate::config::{BuildConfig, TenantSource};
use leptos::prelude::*;

/// The table of what this build signs in to.
#[component]
pub fn ConfigSummary(config: BuildConfig) -> impl IntoView {
    let redirect_uri = location::redirect_uri(config.redirect_uri.as_deref())
        .unwrap_or_else(|| "(this page's origin)/callback".to_string());
    let redirect_note = if config.redirect_uri.is_some() {
        "configured"
    } else {
        "this page's origin + /callback"
    };
    let post_logout =
        location::post_logout_redirect_uri(config.post_logout_redirect_uri.as_deref())
            .unwrap_or_else(|| "(this page's origin)/".to_string());
    let secret = if config.client_secret.is_some() {
        "yes: embedded in the bundle (test tenants only)"
    } else {
        "no (public client, as a single-page app should be)"
    };
    view! {
        <section class="card" id="config">
            <h2>"This build signs in to"</h2>
            <p id="tenant-source">{source_sentence(config.source)}</p>
            <table class="kv">
                <tbody>
                    <tr><th scope="row">"Authority"</th><td id="config-authority"><code>{config.authority}</code></td></tr>
                    <tr><th scope="row">"Client ID"</th><td id="config-client-id"><code>{config.client_id}</code></td></tr>
                    <tr>
                        <th scope="row">"Redirect URI"</th>
                        <td id="config-redirect-uri"><code>{redirect_uri}</code>" "<span class="muted">"(" {redirect_note} ")"</span></td>
                    </tr>
                    <tr><th scope="row">"Post-logout redirect URI"</th><td id="config-post-logout-redirect-uri"><code>{post_logout}</code></td></tr>
                    <tr><th scope="row">"Scopes"</th><td id="config-scopes"><code>{config.scopes}</code></td></tr>
                    <tr><th scope="row">"Client secret"</th><td id="config-secret">{secret}</td></tr>
                </tbody>
            </table>
        </section>
    }
}

fn source_sentence(source: TenantSource) -> &'static str {
    match source {
        TenantSource::LocalDevTenant => {
            "The local dev tenant (no tenant configured). Start it with `cargo xtask serve`; set TENANT_NAME, TENANT_GUID and CLIENT_ID to use a real Entra External ID tenant."
        }
        TenantSource::CiamLogin => "An Entra External ID tenant on ciamlogin.com (TENANT_NAME and TENANT_GUID).",
        TenantSource::Authority => "A custom authority (AUTHORITY).",
    }
}
