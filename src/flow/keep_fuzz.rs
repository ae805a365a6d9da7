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

#[test]
fn the_kept_json_reads_back_as_the_same_session() {
    let stored = parse(&kept().to_string()).unwrap_or_else(|_| panic!("the valid session"));
    let again = parse(&stored.to_json()).unwrap_or_else(|_| panic!("its own JSON"));
    assert_eq!(again.to_json(), stored.to_json());
    assert_eq!(again.original, stored.original);
    assert_eq!(again.received_at, 1_700_000_000);
    assert_eq!(again.access_token_expires_at, Some(1_700_003_600));
    assert_eq!(
        again.refresh_token.as_deref(),
        Some(secret("refresh").as_str())
    );
    assert_eq!(again.original.azp, None);
}

/// The refusal's text, which must name the member and never the value.
fn refusal(kept: serde_json::Value) -> String {
    match parse(&kept.to_string()) {
        Ok(_) => panic!("read: {kept}"),
        Err(failure) => failure.explanation(),
    }
}

#[test]
fn a_missing_member_or_one_of_the_wrong_type_is_refused_naming_it() {
    let mut missing = kept();
    missing.as_object_mut().map(|m| m.remove("access_token"));
    assert!(refusal(missing).contains("missing field `access_token`"));
    let mut wrong = kept();
    wrong["received_at"] = json!(secret("access"));
    let text = refusal(wrong);
    assert!(
        text.contains("`received_at` is a string, expected a whole number"),
        "{text}"
    );
    assert!(!text.contains(&secret("access")), "{text}");
    let mut nested = kept();
    nested["original"]["sub"] = json!(null);
    assert!(refusal(nested).contains("missing field `sub`"));
    let mut negative = kept();
    negative["renewals"] = json!(-1);
    assert!(refusal(negative).contains("`renewals`"));
    assert!(refusal(json!([1])).contains("`the kept session` is an array, expected an object"));
}

#[test]
fn unknown_members_are_ignored() {
    let mut extra = kept();
    extra["from_a_later_build"] = json!({"x": [1, 2]});
    extra["original"]["acr"] = json!("1");
    assert!(parse(&extra.to_string()).is_ok());
}
