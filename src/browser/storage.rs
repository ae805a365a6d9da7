//! `sessionStorage`: per tab, gone when the tab closes. `localStorage` only for what holds no
//! credential and should outlive the tab (the sign-in options): [`remembered`], [`remember`].

use super::BrowserError;

fn session_storage() -> Result<web_sys::Storage, BrowserError> {
    web_sys::window()
        .ok_or(BrowserError::NoWindow)?
        .session_storage()
        .map_err(|e| {
            BrowserError::js(
                "sessionStorage is unavailable (private mode or blocked storage?)",
                e,
            )
        })?
        .ok_or(BrowserError::Js {
            context: "sessionStorage is unavailable",
            detail: "the browser returned none".into(),
        })
}

pub fn get(key: &str) -> Result<Option<String>, BrowserError> {
    session_storage()?
        .get_item(key)
        .map_err(|e| BrowserError::js("sessionStorage read failed", e))
}

pub fn set(key: &str, value: &str) -> Result<(), BrowserError> {
    session_storage()?
        .set_item(key, value)
        .map_err(|e| BrowserError::js("sessionStorage write failed (storage full?)", e))
}

pub fn remove(key: &str) -> Result<(), BrowserError> {
    session_storage()?
        .remove_item(key)
        .map_err(|e| BrowserError::js("sessionStorage delete failed", e))
}

/// Reads and deletes `key` in one step, so that a value is used at most once.
pub fn take(key: &str) -> Result<Option<String>, BrowserError> {
    let value = get(key)?;
    if value.is_some() {
        remove(key)?;
    }
    Ok(value)
}

/// Every key that starts with `prefix`.
pub fn keys_with_prefix(prefix: &str) -> Result<Vec<String>, BrowserError> {
    let storage = session_storage()?;
    let len = storage
        .length()
        .map_err(|e| BrowserError::js("sessionStorage read failed", e))?;
    Ok((0..len)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .collect())
}

fn local_storage() -> Result<web_sys::Storage, BrowserError> {
    web_sys::window()
        .ok_or(BrowserError::NoWindow)?
        .local_storage()
        .map_err(|e| BrowserError::js("localStorage is unavailable (blocked storage?)", e))?
        .ok_or(BrowserError::Js {
            context: "localStorage is unavailable",
            detail: "the browser returned none".into(),
        })
}

/// A value kept across tabs and visits; never a credential.
pub fn remembered(key: &str) -> Option<String> {
    local_storage().ok()?.get_item(key).ok().flatten()
}

/// Keeps a value across tabs and visits (`None` forgets it); never a credential.
pub fn remember(key: &str, value: Option<&str>) -> Result<(), BrowserError> {
    let storage = local_storage()?;
    match value {
        Some(value) => storage
            .set_item(key, value)
            .map_err(|e| BrowserError::js("localStorage write failed (storage full?)", e)),
        None => storage
            .remove_item(key)
            .map_err(|e| BrowserError::js("localStorage delete failed", e)),
    }
}
