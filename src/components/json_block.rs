use crate::display::pretty_json;
use leptos::prelude::*;

use super::CopyButton;

/// Pretty-printed JSON with a copy button.
#[component]
pub fn JsonBlock(id: &'static str, title: &'static str, json: String) -> impl IntoView {
    let pretty = pretty_json(&json);
    view! {
        <div class="json-block">
            <h3>{title} " " <CopyButton text=pretty.clone()/></h3>
            <pre id=id><code>{pretty}</code></pre>
        </div>
    }
}
