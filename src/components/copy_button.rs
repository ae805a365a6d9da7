use crate::browser::clipboard::copy_text;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A button that puts `text` on the clipboard and says whether it worked.
#[component]
pub fn CopyButton(
    text: String,
    #[prop(default = "Copy")] label: &'static str,
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
    let copied = RwSignal::new(None::<&'static str>);
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
        <button class="secondary small copy" id=id on:click=copy>{label}</button>
        " " <span class="muted">{move || copied.get().unwrap_or("")}</span>
    }
}
