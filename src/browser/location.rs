//! The page's address.

/// The page's origin, e.g. `http://127.0.0.1:8080`; `None` outside a browser window.
pub fn origin() -> Option<String> {
    web_sys::window()?.location().origin().ok()
}

/// The redirect URI this page uses: the configured one, else its own origin + `/callback`.
pub fn redirect_uri(configured: Option<&str>) -> Option<String> {
    match configured {
        Some(uri) => Some(uri.to_string()),
        None => origin().map(|o| format!("{o}/callback")),
    }
}

/// Where the tenant sends the browser after sign-out: the configured URI, else this origin + `/`.
pub fn post_logout_redirect_uri(configured: Option<&str>) -> Option<String> {
    match configured {
        Some(uri) => Some(uri.to_string()),
        None => origin().map(|o| format!("{o}/")),
    }
}

/// The path of the page, e.g. `/callback`.
pub fn pathname() -> Option<String> {
    web_sys::window()?.location().pathname().ok()
}

/// The fragment of the address without `#` (`claims` for `/profile#claims`), left in place.
pub fn fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    Some(hash.strip_prefix('#').unwrap_or(&hash).to_string())
}

/// Opens the `<details>` with `id` and scrolls it to the top of the window, if it is on the page.
pub fn open_and_scroll_to(id: &str) {
    use wasm_bindgen::JsCast;
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id));
    if let Some(element) = element {
        if let Some(details) = element.dyn_ref::<web_sys::HtmlDetailsElement>() {
            details.set_open(true);
        }
        element.scroll_into_view();
    }
}

/// The full address of the page.
pub fn href() -> Option<String> {
    web_sys::window()?.location().href().ok()
}

/// Replaces the address in the bar and the history entry without loading anything, so that a
/// one-time `code` does not stay visible, bookmarkable or in the history.
pub fn replace_address(url: &str) -> Result<(), super::BrowserError> {
    let window = web_sys::window().ok_or(super::BrowserError::NoWindow)?;
    let history = window
        .history()
        .map_err(|e| super::BrowserError::js("history is unavailable", e))?;
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url))
        .map_err(|e| super::BrowserError::js("history.replaceState failed", e))
}

/// Leaves the app for `url` (the tenant's authorize or logout endpoint). The browser's error
/// would quote the URL, and a logout URL carries the ID token: the error names neither.
pub fn navigate_away(url: &str) -> Result<(), super::BrowserError> {
    let window = web_sys::window().ok_or(super::BrowserError::NoWindow)?;
    window.location().assign(url).map_err(|e| {
        let detail = match super::BrowserError::js("", e) {
            super::BrowserError::Js { detail, .. } => detail.replace(url, "(the address)"),
            other => other.to_string(),
        };
        super::BrowserError::Js {
            context: "cannot leave the page",
            detail,
        }
    })
}

/// The fragment of the address (without `#`), removed from the address bar and the history
/// entry at once, so that a token it carries is neither visible nor kept in the history; with
/// the browser's refusal, if it refused the removal. `None` when there is no fragment.
pub fn take_fragment() -> Option<(String, Result<(), super::BrowserError>)> {
    let location = web_sys::window()?.location();
    let hash = location.hash().ok()?;
    let fragment = hash.strip_prefix('#').unwrap_or(&hash).to_string();
    if fragment.is_empty() {
        return None;
    }
    let path = location.pathname().unwrap_or_default();
    let query = location.search().unwrap_or_default();
    let cleared = replace_address(&format!("{path}{query}"));
    Some((fragment, cleared))
}
