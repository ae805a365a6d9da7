//! Browser API tests: run in headless Chromium by `wasm-bindgen-test` (`cargo xtask test`).

#![cfg(target_arch = "wasm32")]

use entra_signin::browser::crypto::{random_bytes, sha256};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn subtle_digest_computes_sha256() {
    // FIPS 180-2 test vector for "abc".
    let digest = sha256(b"abc").await.expect("digest");
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

#[wasm_bindgen_test]
fn get_random_values_fills_distinct_buffers() {
    let a = random_bytes(32).expect("random bytes");
    let b = random_bytes(32).expect("random bytes");
    assert_eq!(a.len(), 32);
    assert_ne!(a, b, "two 32-byte draws from the CSPRNG must differ");
    assert!(a.iter().any(|&x| x != 0));
}
