//! The clipboard, for the copy buttons.

use super::BrowserError;
use wasm_bindgen_futures::JsFuture;

pub async fn copy_text(text: &str) -> Result<(), BrowserError> {
    let window = web_sys::window().ok_or(BrowserError::NoWindow)?;
    JsFuture::from(window.navigator().clipboard().write_text(text))
        .await
        .map(|_| ())
        .map_err(|e| BrowserError::js("the clipboard refused the text", e))
}
