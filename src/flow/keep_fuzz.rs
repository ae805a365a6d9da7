//! Property tests of the kept session's parser ([`super::parse`]): whatever sessionStorage holds,
//! a session or a typed refusal that never echoes a token. Run with `tests/fuzz/` (same cases).

#[path = "../../tests/fuzz/mutate.rs"]
mod mutate;

use super::parse;
use crate::flow::Failure;
use mutate::{config, mutated, secret};
use proptest::prelude::*;
use serde_json::json;

fn kept() -> serde_json::Value {
    json!({
        "id_token": secret("idtoken"),
        "access_token": secret("access"),
        "refresh_token": secret("refresh"),
        "scope": "openid profile email offline_access",
        "received_at": 1_700_000_000,
        "access_token_expires_at": 1_700_003_600,
        "issuer": "http://127.0.0.1:8081/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9/v2.0",
        "renewals": 0,
        "original": {
            "iss": "http://127.0.0.1:8081/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9/v2.0",
            "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
            "aud": "6a1c3f2e-9b8d-4e7f-a0c1-d2e3f4a5b6c7",
            "azp": null,
            "auth_time": 1_700_000_000,
            "nonce": "n-0S6_WzA2Mj",
        },
    })
}

/// What a tab's storage may hold: the kept session mutated, or a bare token (an older format, or
/// another app's value under the key).
fn stored() -> impl Strategy<Value = String> {
    prop_oneof![
        20 => mutated(kept()),
        1 => Just(json!(secret("refresh")).to_string()),
        1 => Just(json!([secret("access"), secret("refresh")]).to_string()),
    ]
}

fn assert_unreadable_without_tokens(json: &str) -> Result<(), TestCaseError> {
    if let Err(failure) = parse(json) {
        // Debug: everything the failure holds; and what the page renders of it.
        let text = format!("{failure:?} {}", failure.explanation());
        for kind in ["idtoken", "access", "refresh"] {
            prop_assert!(!text.contains(&secret(kind)), "{kind} echoed: {text}");
        }
        prop_assert!(text.contains("not readable"), "{text}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_kept_session_is_read_or_refused_without_echoing_a_token(json in stored()) {
        assert_unreadable_without_tokens(&json)?;
    }
}

#[test]
fn a_bare_token_under_the_key_is_refused_without_echoing_it() {
    let json = json!(secret("refresh")).to_string();
    assert!(parse(&json).is_err());
    let text = parse(&json)
        .err()
        .map(|f| format!("{f:?} {}", f.explanation()))
        .unwrap_or_default();
    assert!(!text.contains(&secret("refresh")), "{text}");
    assert!(text.contains("not readable"), "{text}");
}

#[test]
fn the_valid_kept_session_is_read() {
    let parsed = parse(&kept().to_string());
    assert!(parsed.is_ok());
    assert_eq!(parsed.ok().map(|s| s.renewals), Some(0));
}
