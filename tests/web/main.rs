//! Browser API tests: run in headless Chromium by `wasm-bindgen-test` (`cargo xtask test`).

#![cfg(target_arch = "wasm32")]

use entra_signin::browser::crypto::{random_bytes, sha256, verify_rs256, RsaPublicJwk};
use entra_signin::flow::{PendingStore, Trace, TraceKind, Unclaimed};
use entra_signin::oidc::{
    CodeChallenge, CodeVerifier, JwkSet, KeySelection, PendingSignIn, RedirectUri, SignatureJob,
    UnverifiedIdToken,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn subtle_digest_computes_sha256() {
    // FIPS 180-2 test vector for "abc".
    let digest = sha256(b"abc").await.expect("digest");
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[wasm_bindgen_test]
fn get_random_values_fills_distinct_buffers() {
    let a = random_bytes(32).expect("random bytes");
    let b = random_bytes(32).expect("random bytes");
    assert_eq!(a.len(), 32);
    assert_ne!(a, b, "two 32-byte draws from the CSPRNG must differ");
}

#[wasm_bindgen_test]
async fn pkce_challenge_from_web_crypto_matches_rfc7636_appendix_b() {
    // The host test checks the same vector with the sha2 crate.
    let verifier =
        CodeVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").expect("verifier");
    let digest = sha256(verifier.ascii_bytes()).await.expect("digest");
    let challenge = CodeChallenge::from_sha256_digest(&digest).expect("challenge");
    assert_eq!(
        challenge.as_str(),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[wasm_bindgen_test]
fn code_verifier_comes_from_the_browser_csprng() {
    let a = CodeVerifier::generate().expect("getrandom in the browser");
    let b = CodeVerifier::generate().expect("getrandom in the browser");
    assert_eq!(a.secret().len(), 43);
    assert_ne!(a.secret(), b.secret());
}

/// An ID token signed on the host by the dev tenant's key code (`cargo xtask test` passes it in).
fn host_signed_job() -> SignatureJob {
    let Some(fixture) = option_env!("RS256_FIXTURE_JSON") else {
        panic!("RS256_FIXTURE_JSON is not set: run the browser tests with `cargo xtask test`");
    };
    let fixture: serde_json::Value = serde_json::from_str(fixture).expect("fixture JSON");
    let token = fixture["id_token"].as_str().expect("id_token");
    let jwks: JwkSet = serde_json::from_value(fixture["jwks"].clone()).expect("JWKS");
    let token = UnverifiedIdToken::parse(token).expect("a JWT");
    match token.select_key(&jwks) {
        KeySelection::Selected(job) => job,
        other => panic!("the fixture's key was not selected: {other:?}"),
    }
}

async fn verify(job: &SignatureJob, signed: &[u8], signature: &[u8]) -> bool {
    let key = RsaPublicJwk {
        n: &job.key().n,
        e: &job.key().e,
    };
    verify_rs256(key, signed, signature)
        .await
        .expect("Web Crypto answers")
}

#[wasm_bindgen_test]
async fn web_crypto_accepts_an_rs256_signature_made_on_the_host() {
    let job = host_signed_job();
    assert!(verify(&job, job.signing_input(), job.signature()).await);
}

#[wasm_bindgen_test]
async fn web_crypto_rejects_the_token_with_one_signature_byte_changed() {
    let job = host_signed_job();
    let mut signature = job.signature().to_vec();
    signature[17] ^= 0x01;
    assert!(!verify(&job, job.signing_input(), &signature).await);
}

#[wasm_bindgen_test]
async fn web_crypto_rejects_the_token_with_one_payload_byte_changed() {
    let job = host_signed_job();
    let mut signed = job.signing_input().to_vec();
    let last = signed.len() - 1;
    signed[last] = if signed[last] == b'A' { b'B' } else { b'A' };
    assert!(!verify(&job, &signed, job.signature()).await);
}

#[wasm_bindgen_test]
fn a_pending_sign_in_round_trips_through_session_storage_once() {
    let store = PendingStore;
    let now = entra_signin::browser::now_secs();
    let pending = PendingSignIn::generate(RedirectUri::new("http://127.0.0.1:1/callback"), now)
        .expect("pending");
    let trace = Trace::new(TraceKind::SignIn, now);
    store.save(&pending, &trace).expect("saved");
    // The inspector's trace survives the redirect with its sign-in, and is read once.
    assert_eq!(store.take_trace(pending.state.as_str()), Some(trace));
    assert_eq!(store.take_trace(pending.state.as_str()), None);
    let claimed = store
        .claim(pending.state.as_str(), now)
        .expect("claimed once");
    assert_eq!(claimed, pending);
    match store.claim(pending.state.as_str(), now) {
        Err(Unclaimed::UnknownState) => {}
        other => panic!("a second claim must fail as unknown, got {other:?}"),
    }
    store.mark_used(pending.state.as_str(), now);
    assert!(matches!(
        store.claim(pending.state.as_str(), now),
        Err(Unclaimed::CodeAlreadyUsed)
    ));
}

#[wasm_bindgen_test]
fn an_expired_pending_sign_in_is_refused_and_deleted() {
    let store = PendingStore;
    let now = entra_signin::browser::now_secs();
    let pending =
        PendingSignIn::generate(RedirectUri::new("http://127.0.0.1:1/callback"), now - 3_600)
            .expect("pending");
    store
        .save(&pending, &Trace::new(TraceKind::SignIn, now))
        .expect("saved");
    assert!(matches!(
        store.claim(pending.state.as_str(), now),
        Err(Unclaimed::Expired { .. })
    ));
    assert!(matches!(
        store.claim(pending.state.as_str(), now),
        Err(Unclaimed::UnknownState)
    ));
    // Its trace goes with it.
    store.forget_expired(now);
    assert_eq!(store.take_trace(pending.state.as_str()), None);
}

#[wasm_bindgen_test]
fn leaving_for_an_invalid_address_fails_without_quoting_it() {
    let url = "http://[::1/logout?id_token_hint=eyJhbGciOiJSUzI1NiJ9.secret-payload.signature";
    let error = entra_signin::browser::location::navigate_away(url)
        .expect_err("the browser refuses an address it cannot parse");
    let text = error.to_string();
    assert!(text.starts_with("cannot leave the page"), "{text}");
    assert!(!text.contains("secret-payload"), "{text}");
    // The browser did quote it: the quote is replaced.
    assert!(text.contains("(the address)"), "{text}");
}
