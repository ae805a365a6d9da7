use crate::config::ConfigError;
use leptos::prelude::*;

/// Stands in for the app when its compiled configuration is unusable (the build normally stops first).
#[component]
pub fn ConfigErrorPanel(error: ConfigError) -> impl IntoView {
    view! {
        <main>
            <section class="card error" id="config-error">
                <h1>"This build's configuration is invalid"</h1>
                <p>{error.to_string()}</p>
                <p>"Fix the variable and build again (" <code>"cargo xtask build"</code> ")."</p>
            </section>
        </main>
    }
}
