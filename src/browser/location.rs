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
    history()?
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
    let fragment = fragment_of(&location);
    if fragment.is_empty() {
        return None;
    }
    let path = location.pathname().unwrap_or_default();
    let query = location.search().unwrap_or_default();
    let cleared = replace_address(&format!("{path}{query}"));
    Some((fragment, cleared))
}

/// The path and the fragment (without `#`) of the page's address, e.g. `("/decode", "id_token=…")`.
pub fn path_and_fragment() -> (String, String) {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return (String::from("/"), String::new());
    };
    (
        location.pathname().unwrap_or_default(),
        fragment_of(&location),
    )
}

/// The fragment of `location`'s address without its `#`; empty when there is none.
fn fragment_of(location: &web_sys::Location) -> String {
    let hash = location.hash().unwrap_or_default();
    hash.strip_prefix('#').map(str::to_owned).unwrap_or(hash)
}

/// Makes `url` (a path of this origin, with its query and fragment) the page's address and a new
/// history entry, without loading anything: the app moving to another of its pages.
pub fn push_address(url: &str) -> Result<(), super::BrowserError> {
    history()?
        .push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url))
        .map_err(|e| super::BrowserError::js("history.pushState failed", e))
}

fn history() -> Result<web_sys::History, super::BrowserError> {
    let window = web_sys::window().ok_or(super::BrowserError::NoWindow)?;
    window
        .history()
        .map_err(|e| super::BrowserError::js("history is unavailable", e))
}

/// Scrolls the window back to the top, as a newly loaded page starts.
pub fn scroll_to_top() {
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Where a click on a link should take the app without a reload, if it should: a plain left
/// click (no modifier key: those open a tab or a window) on a link of this origin that opens in
/// this tab and is no download. A link to a fragment of this very page is left to the browser,
/// which scrolls to it and reports it with `hashchange`.
pub fn in_app_link(event: &web_sys::MouseEvent) -> Option<String> {
    use wasm_bindgen::JsCast;
    let plain = event.button() == 0
        && !(event.meta_key() || event.ctrl_key() || event.shift_key() || event.alt_key());
    if event.default_prevented() || !plain {
        return None;
    }
    let clicked = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let anchor = clicked
        .closest("a[href]")
        .ok()??
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .ok()?;
    let same_tab = matches!(anchor.target().as_str(), "" | "_self");
    if !same_tab || anchor.has_attribute("download") || anchor.origin() != origin()? {
        return None;
    }
    let (path, query, hash) = (anchor.pathname(), anchor.search(), anchor.hash());
    let location = web_sys::window()?.location();
    let this_page = location.pathname().ok()? == path && location.search().ok()? == query;
    if this_page && !hash.is_empty() {
        return None;
    }
    Some(format!("{path}{query}{hash}"))
}
