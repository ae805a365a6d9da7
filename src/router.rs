//! The app's pages by address, and the moves between them without a reload. This is all the
//! routing the app needs (six fixed paths, links, back and forward); `leptos_router` did the same
//! for 48.5 KB gzip of the bundle, measured with `cargo xtask size` (334,366 → 285,842 B).

use crate::browser::location;
use leptos::prelude::*;

/// A page of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Home,
    Callback,
    Profile,
    Decode,
    Tenant,
    NotFound,
}

impl Page {
    /// The page at `path`; `/profile/` is `/profile`.
    pub fn at(path: &str) -> Page {
        let path = match path.trim_end_matches('/') {
            "" => "/",
            trimmed => trimmed,
        };
        match path {
            "/" => Page::Home,
            "/callback" => Page::Callback,
            "/profile" => Page::Profile,
            "/decode" => Page::Decode,
            "/tenant" => Page::Tenant,
            _ => Page::NotFound,
        }
    }
}

/// The address the app shows, as signals: the path picks the page, the fragment is read by the
/// pages that take one (`/decode#id_token=…`).
#[derive(Clone, Copy)]
pub struct Router {
    pub path: RwSignal<String>,
    /// Without `#`.
    pub fragment: RwSignal<String>,
    /// Set only when the page changes, so that a new fragment or a trailing slash does not
    /// render the page again.
    page: RwSignal<Page>,
}

impl Router {
    /// Reads the address, provides the router to every page, and follows the address from now
    /// on: the app's own links, back and forward, fragment moves.
    pub fn provide() -> Router {
        let (path, fragment) = location::path_and_fragment();
        let router = Router {
            page: RwSignal::new(Page::at(&path)),
            path: RwSignal::new(path),
            fragment: RwSignal::new(fragment),
        };
        provide_context(router);
        // The listeners live as long as the page: their handles are never removed.
        let _ = window_event_listener(leptos::ev::popstate, move |_| router.follow_address());
        let _ = window_event_listener(leptos::ev::hashchange, move |_| router.follow_address());
        let _ = window_event_listener(leptos::ev::click, move |event| {
            if let Some(url) = location::in_app_link(&event) {
                event.prevent_default();
                router.go(&url);
            }
        });
        router
    }

    /// The page the address shows (reactive).
    pub fn page(&self) -> Page {
        self.page.get()
    }

    /// Moves to `url` (a path of this app) as a new history entry, at the top of the page.
    pub fn go(&self, url: &str) {
        self.move_to(url, location::push_address(url));
    }

    /// Moves to `url` in place of the current history entry (the callback, once used).
    pub fn replace(&self, url: &str) {
        self.move_to(url, location::replace_address(url));
    }

    fn move_to(&self, url: &str, changed: Result<(), crate::browser::BrowserError>) {
        if changed.is_err() {
            // A browser that refuses history changes still gets the page, by a load.
            let _ = location::navigate_away(url);
            return;
        }
        location::scroll_to_top();
        self.follow_address();
    }

    fn follow_address(&self) {
        let (path, fragment) = location::path_and_fragment();
        let page = Page::at(&path);
        self.path.set(path);
        self.fragment.set(fragment);
        if page != self.page.get_untracked() {
            self.page.set(page);
        }
    }

    /// `aria-current="page"` for a link to `path` while its page is shown (reactive).
    pub fn current(&self, path: &'static str) -> Option<&'static str> {
        (self.page() == Page::at(path)).then_some("page")
    }
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn each_path_is_its_page_with_or_without_a_trailing_slash() {
        for (path, page) in [
            ("/", Page::Home),
            ("", Page::Home),
            ("/callback", Page::Callback),
            ("/profile", Page::Profile),
            ("/profile/", Page::Profile),
            ("/decode", Page::Decode),
            ("/tenant/", Page::Tenant),
        ] {
            assert_eq!(Page::at(path), page, "{path}");
        }
    }

    #[test]
    fn any_other_path_is_not_found() {
        for path in ["/profiles", "/callback/x", "/PROFILE", "/index.html"] {
            assert_eq!(Page::at(path), Page::NotFound, "{path}");
        }
    }
}
