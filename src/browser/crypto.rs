//! Web Crypto: the browser's CSPRNG and native SHA-256 / RSA.

use super::BrowserError;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

fn crypto() -> Result<web_sys::Crypto, BrowserError> {
    let window = web_sys::window().ok_or(BrowserError::NoWindow)?;
    window
        .crypto()
        .map_err(|e| BrowserError::js("window.crypto is unavailable", e))
}

pub(crate) fn subtle() -> Result<web_sys::SubtleCrypto, BrowserError> {
    Ok(crypto()?.subtle())
}

/// `n` bytes from `crypto.getRandomValues`.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, BrowserError> {
    let mut bytes = vec![0u8; n];
    crypto()?
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|e| BrowserError::js("crypto.getRandomValues failed", e))?;
    Ok(bytes)
}

/// SHA-256 of `data` with `crypto.subtle.digest`.
pub async fn sha256(data: &[u8]) -> Result<Vec<u8>, BrowserError> {
    let promise = subtle()?
        .digest_with_str_and_u8_array("SHA-256", data)
        .map_err(|e| BrowserError::js("crypto.subtle.digest could not start (is the page served over https or from localhost?)", e))?;
    let digest = JsFuture::from(promise)
        .await
        .map_err(|e| BrowserError::js("crypto.subtle.digest failed", e))?;
    let buffer: js_sys::ArrayBuffer = digest
        .dyn_into()
        .map_err(|e| BrowserError::js("crypto.subtle.digest returned no ArrayBuffer", e))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
