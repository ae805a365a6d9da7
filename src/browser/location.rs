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
