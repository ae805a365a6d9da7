//! The only code that touches browser APIs: Web Crypto, storage, fetch, location and history.

pub mod clipboard;
pub mod crypto;
pub mod http;
pub mod location;
pub mod storage;
pub mod time;

pub use time::now_secs;

use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// A browser API that failed, with what we were doing and what the browser said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrowserError {
    /// No `window`: the code runs outside a page (a worker, or the host).
    NoWindow,
    Js {
        context: &'static str,
        detail: String,
    },
}

impl BrowserError {
    pub(crate) fn js(context: &'static str, value: JsValue) -> Self {
        let detail = value
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| value.as_string())
            .unwrap_or_else(|| format!("{value:?}"));
        BrowserError::Js { context, detail }
    }
}

impl fmt::Display for BrowserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrowserError::NoWindow => f.write_str("this code needs a browser window"),
            BrowserError::Js { context, detail } => write!(f, "{context}: {detail}"),
        }
    }
}

impl std::error::Error for BrowserError {}

/// Whether the `<details>` an `ontoggle` event came from is now open.
pub fn details_opened(event: &web_sys::Event) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
        .is_some_and(|details| details.open())
}

/// Whether the tab is shown (`document.visibilityState`); outside a page, it counts as shown.
pub fn page_is_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}
