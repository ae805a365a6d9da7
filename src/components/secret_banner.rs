use leptos::prelude::*;

/// Shown on every page of a build that embeds a client secret.
#[component]
pub fn SecretBanner() -> impl IntoView {
    view! {
        <div id="secret-banner" class="banner banner-danger" role="alert">
            <strong>"This build embeds a client secret. "</strong>
            "Anyone who loads this app can read it from the bundle. Use such a build only with a test tenant, "
            "and never deploy it."
        </div>
    }
}
