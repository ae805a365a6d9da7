use crate::browser::clipboard::copy_text;
use crate::display::pretty_json;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Pretty-printed JSON with a copy button.
#[component]
pub fn JsonBlock(id: &'static str, title: &'static str, json: String) -> impl IntoView {
    let pretty = pretty_json(&json);
    let copied = RwSignal::new(None::<&'static str>);
    let text = pretty.clone();
    let copy = move |_| {
        let text = text.clone();
        spawn_local(async move {
            let outcome = match copy_text(&text).await {
                Ok(()) => "copied",
                Err(_) => "the browser refused the clipboard",
            };
            copied.set(Some(outcome));
        });
    };
    view! {
        <div class="json-block">
            <h3>{title} " "
                <button class="secondary small" on:click=copy>"Copy"</button>
                " " <span class="muted">{move || copied.get().unwrap_or("")}</span>
            </h3>
            <pre id=id><code>{pretty}</code></pre>
        </div>
    }
}
