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

/// An RSA public key as a JWK gives it: base64url modulus and exponent.
pub struct RsaPublicJwk<'a> {
    pub n: &'a str,
    pub e: &'a str,
}

/// Verifies an RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature with Web Crypto: the key is imported
/// from the JWK, and the browser's native, constant-time code checks `signature` over `signed`.
/// `Ok(false)` is a wrong signature; `Err` is a key or API the browser would not use.
pub async fn verify_rs256(
    key: RsaPublicJwk<'_>,
    signed: &[u8],
    signature: &[u8],
) -> Result<bool, BrowserError> {
    let subtle = subtle()?;
    let jwk = web_sys::JsonWebKey::new("RSA");
    jwk.set_n(key.n);
    jwk.set_e(key.e);
    jwk.set_alg("RS256");
    jwk.set_ext(true);
    let algorithm = js_sys::Object::new();
    set(&algorithm, "name", &"RSASSA-PKCS1-v1_5".into())?;
    set(&algorithm, "hash", &"SHA-256".into())?;
    let usages = js_sys::Array::of1(&"verify".into());
    let import = subtle
        .import_key_with_object("jwk", &jwk, &algorithm, false, &usages)
        .map_err(|e| BrowserError::js("crypto.subtle.importKey refused the JWK", e))?;
    let key: web_sys::CryptoKey = JsFuture::from(import)
        .await
        .map_err(|e| BrowserError::js("crypto.subtle.importKey refused the JWK", e))?
        .dyn_into()
        .map_err(|e| BrowserError::js("crypto.subtle.importKey returned no CryptoKey", e))?;
    let verify = subtle
        .verify_with_str_and_u8_array_and_u8_array("RSASSA-PKCS1-v1_5", &key, signature, signed)
        .map_err(|e| BrowserError::js("crypto.subtle.verify could not start", e))?;
    let verdict = JsFuture::from(verify)
        .await
        .map_err(|e| BrowserError::js("crypto.subtle.verify failed", e))?;
    Ok(verdict.as_bool() == Some(true))
}

fn set(
    object: &js_sys::Object,
    name: &str,
    value: &wasm_bindgen::JsValue,
) -> Result<(), BrowserError> {
    js_sys::Reflect::set(object, &name.into(), value)
        .map(|_| ())
        .map_err(|e| BrowserError::js("cannot build a Web Crypto parameter", e))
}
