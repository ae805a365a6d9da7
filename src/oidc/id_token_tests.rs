//! ID-token validation tests: tokens minted here with a key generated here, signatures verified
//! the way the browser does (extracted signing input, signature, and JWK `n`/`e`).

use serde_json::{json, Value};

use super::*;
use crate::oidc::report::Check;
use crate::oidc::test_support::{
    mint_alg_none, mint_hs256_with_public_key, mint_rs256, mint_rs256_with_header, test_jwk,
    test_jwks, test_key, verify_like_the_browser, without_crypto_provider,
};
use crate::oidc::values::b64url;

const TENANT: &str = "0e5a1a3b-8b2c-4c8e-9d7f-1a2b3c4d5e6f";
const CLIENT: &str = "11111111-2222-3333-4444-555555555555";
const NOW: i64 = 1_700_000_000;
const KID: &str = "key-1";

fn issuer() -> String {
    format!("https://{TENANT}.ciamlogin.com/{TENANT}/v2.0")
}

fn claims() -> Value {
    json!({
        "ver": "2.0",
        "iss": issuer(),
        "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        "aud": CLIENT,
        "exp": NOW + 3600,
        "iat": NOW - 10,
        "nbf": NOW - 10,
        "nonce": "nonce-1",
        "name": "Ada Lovelace",
        "preferred_username": "ada+test@example.com",
        "oid": "00000000-0000-0000-66f3-3332eca7ea81",
        "tid": TENANT,
        "sid": "sid-1",
        "aio": "opaque"
    })
}

fn with(changes: Value) -> Value {
    let mut c = claims();
    for (name, value) in changes.as_object().into_iter().flatten() {
        match value {
            Value::Null => c.as_object_mut().map(|o| o.remove(name)),
            v => c.as_object_mut().map(|o| o.insert(name.clone(), v.clone())),
        };
    }
    c
}

fn expectations() -> Expectations {
    Expectations {
        issuer: IssuerUrl::new(issuer()),
        client_id: ClientId::new(CLIENT),
        nonce: Some(Nonce::new("nonce-1")),
        original: None,
        max_age: None,
    }
}

/// What the browser layer does: parse, select the key, verify, validate.
fn run_with(token: &str, expected: &Expectations) -> Result<ValidatedIdToken, ValidationFailure> {
    let unverified = UnverifiedIdToken::parse(token).expect("decodable token");
    let outcome = match unverified.select_key(&test_jwks(&[Some(KID)])) {
        KeySelection::Selected(job) => verify_like_the_browser(&job),
        KeySelection::UnknownKid(kid) => {
            SignatureOutcome::NoUsableKey(KeyRejection::UnknownKid { kid })
        }
        KeySelection::Rejected(r) => SignatureOutcome::NoUsableKey(r),
    };
    validate(unverified, outcome, expected, NOW)
}

fn run(claims: &Value) -> Result<ValidatedIdToken, ValidationFailure> {
    run_with(&mint_rs256(Some(KID), claims), &expectations())
}

fn failed(result: &Result<ValidatedIdToken, ValidationFailure>) -> Vec<&'static str> {
    match result {
        Ok(_) => Vec::new(),
        Err(f) => f.report.failures().map(|c| c.name).collect(),
    }
}

#[test]
fn accepts_a_valid_token_and_reports_every_check_in_spec_order() {
    let validated = run(&claims()).expect("valid token");
    let names: Vec<&str> = validated.report().checks().iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "iss",
            "aud",
            "azp",
            "signature",
            "alg",
            "exp",
            "iat",
            "nbf",
            "nonce",
            "sub",
            "crit",
            "typ"
        ]
    );
    assert!(validated.report().all_passed());
    assert_eq!(validated.claims().name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(validated.claims().tid.as_deref(), Some(TENANT));
    let positions: Vec<usize> = validated
        .claim_set()
        .iter()
        .filter_map(|(n, _)| validated.payload_json().find(&format!("\"{n}\":")))
        .collect();
    assert_eq!(positions.len(), validated.claim_set().len());
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "claims keep token order"
    );
    assert!(validated.payload_json().contains("\"oid\""));
    assert!(validated.header_json().contains("RS256"));
}

#[test]
fn every_check_cites_the_spec_and_states_expected_and_found() {
    let validated = run(&claims()).expect("valid token");
    for check in validated.report().checks() {
        assert!(check.citation.contains('§'), "{check}");
        assert!(
            !check.expected.is_empty() && !check.found.is_empty(),
            "{check}"
        );
    }
}

#[test]
fn signature_job_carries_the_signing_input_signature_and_selected_jwk() {
    let token = mint_rs256(Some(KID), &claims());
    let unverified = UnverifiedIdToken::parse(&token).unwrap();
    let KeySelection::Selected(job) =
        unverified.select_key(&test_jwks(&[Some("other"), Some(KID)]))
    else {
        panic!("expected a key");
    };
    let (input, signature) = token.rsplit_once('.').unwrap();
    assert_eq!(job.signing_input(), input.as_bytes());
    assert_eq!(b64url(job.signature()), signature);
    assert_eq!(job.key().kid.as_deref(), Some(KID));
    assert_eq!(
        (job.key().n.as_str(), job.key().e.as_str()),
        (test_key().n.as_str(), test_key().e.as_str())
    );
    assert_eq!(job.key().modulus_bits, 2048);
    assert_eq!(verify_like_the_browser(&job), SignatureOutcome::Verified);
}

#[test]
fn web_crypto_jwk_json_is_an_rs256_rsa_public_key() {
    let token = mint_rs256(Some(KID), &claims());
    let KeySelection::Selected(job) = UnverifiedIdToken::parse(&token)
        .unwrap()
        .select_key(&test_jwks(&[Some(KID)]))
    else {
        panic!("expected a key");
    };
    let jwk: Value = serde_json::from_str(&job.key().web_crypto_jwk_json()).unwrap();
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["alg"], "RS256");
    assert_eq!(jwk["n"], test_key().n.as_str());
    assert_eq!(jwk["e"], test_key().e.as_str());
}

#[test]
fn rejects_a_tampered_payload_as_a_bad_signature() {
    let token = mint_rs256(Some(KID), &claims());
    let parts: Vec<&str> = token.split('.').collect();
    let forged = b64url(with(json!({"sub": "someone-else"})).to_string().as_bytes());
    let tampered = format!("{}.{}.{}", parts[0], forged, parts[2]);
    let result = run_with(&tampered, &expectations());
    assert_eq!(failed(&result), ["signature"]);
    let check = result
        .unwrap_err()
        .report
        .check("signature")
        .cloned()
        .unwrap();
    assert!(check.found.contains("INVALID"), "{check}");
}

#[test]
fn signature_outcome_invalid_or_error_fails_the_report() {
    for outcome in [
        SignatureOutcome::Invalid,
        SignatureOutcome::Error("OperationError".into()),
    ] {
        let unverified = UnverifiedIdToken::parse(&mint_rs256(Some(KID), &claims())).unwrap();
        let result = validate(unverified, outcome, &expectations(), NOW);
        assert_eq!(failed(&result), ["signature"]);
    }
}

#[test]
fn rejects_wrong_issuer_with_expected_and_found() {
    let result = run(&with(json!({"iss": "https://evil.example/v2.0"})));
    assert_eq!(failed(&result), ["iss"]);
    let check = result.unwrap_err().report.check("iss").cloned().unwrap();
    assert_eq!(check.expected, format!("\"{}\"", issuer()));
    assert_eq!(check.found, "\"https://evil.example/v2.0\"");
}

#[test]
fn rejects_wrong_audience() {
    assert_eq!(failed(&run(&with(json!({"aud": "someone-else"})))), ["aud"]);
}

#[test]
fn rejects_extra_audience_without_azp() {
    assert_eq!(
        failed(&run(&with(json!({"aud": [CLIENT, "api://other"]})))),
        ["azp"]
    );
}

#[test]
fn accepts_extra_audience_with_azp_equal_to_the_client_id() {
    assert!(run(&with(
        json!({"aud": [CLIENT, "api://other"], "azp": CLIENT})
    ))
    .is_ok());
}

#[test]
fn rejects_azp_naming_another_client() {
    assert_eq!(failed(&run(&with(json!({"azp": "other-client"})))), ["azp"]);
}

#[test]
fn rejects_an_expired_token() {
    let result = run(&with(json!({"exp": NOW - CLOCK_SKEW_LEEWAY_SECS - 1})));
    assert_eq!(failed(&result), ["exp"]);
}

#[test]
fn accepts_a_token_expired_within_the_leeway() {
    assert!(run(&with(json!({"exp": NOW - CLOCK_SKEW_LEEWAY_SECS + 1}))).is_ok());
}

#[test]
fn rejects_iat_in_the_future_beyond_the_leeway() {
    assert_eq!(
        failed(&run(&with(
            json!({"iat": NOW + CLOCK_SKEW_LEEWAY_SECS + 1})
        ))),
        ["iat"]
    );
}

#[test]
fn accepts_iat_in_the_future_within_the_leeway() {
    assert!(run(&with(json!({"iat": NOW + CLOCK_SKEW_LEEWAY_SECS}))).is_ok());
}

#[test]
fn rejects_nbf_in_the_future_beyond_the_leeway() {
    assert_eq!(
        failed(&run(&with(
            json!({"nbf": NOW + CLOCK_SKEW_LEEWAY_SECS + 1})
        ))),
        ["nbf"]
    );
}

#[test]
fn accepts_nbf_within_the_leeway_and_an_absent_nbf() {
    assert!(run(&with(json!({"nbf": NOW + CLOCK_SKEW_LEEWAY_SECS}))).is_ok());
    assert!(run(&with(json!({"nbf": null}))).is_ok());
}

#[test]
fn rejects_missing_sub() {
    assert_eq!(failed(&run(&with(json!({"sub": null})))), ["sub"]);
}

#[test]
fn rejects_missing_iat() {
    assert_eq!(failed(&run(&with(json!({"iat": null})))), ["iat"]);
}

#[test]
fn rejects_an_exp_that_is_not_a_number() {
    let result = run(&with(json!({"exp": "tomorrow"})));
    assert_eq!(failed(&result), ["exp"]);
    assert_eq!(
        result
            .unwrap_err()
            .report
            .check("exp")
            .map(|c| c.found.as_str()),
        Some("\"tomorrow\"")
    );
}

#[test]
fn rejects_a_wrong_or_missing_nonce() {
    assert_eq!(failed(&run(&with(json!({"nonce": "replayed"})))), ["nonce"]);
    assert_eq!(failed(&run(&with(json!({"nonce": null})))), ["nonce"]);
}

#[test]
fn skips_the_nonce_when_none_is_expected() {
    let mut expected = expectations();
    expected.nonce = None;
    let token = mint_rs256(Some(KID), &with(json!({"nonce": null})));
    assert!(run_with(&token, &expected).is_ok());
}

#[test]
fn runs_every_check_even_after_failures() {
    let result = run(&with(json!({"iss": "x", "exp": NOW - 10_000, "sub": null})));
    let failure = result.unwrap_err();
    assert_eq!(failure.report.checks().len(), 12);
    let names: Vec<&str> = failure.report.failures().map(|c| c.name).collect();
    assert_eq!(names, ["iss", "exp", "sub"]);
    let shown = failure.to_string();
    assert!(
        shown.starts_with("ID token rejected: 3 of 12 checks failed: iss (expected"),
        "{shown}"
    );
}

#[test]
fn rejects_alg_none_before_any_key_and_in_the_report() {
    let token = mint_alg_none(Some(KID), &claims());
    let unverified = UnverifiedIdToken::parse(&token).unwrap();
    assert_eq!(
        unverified.select_key(&test_jwks(&[Some(KID)])),
        KeySelection::Rejected(KeyRejection::AlgorithmNotAllowed {
            found: "none".into()
        })
    );
    let result = run_with(&token, &expectations());
    assert_eq!(failed(&result), ["signature", "alg"]);
}

#[test]
fn rejects_hs256_signed_with_the_rsa_public_key_as_hmac_secret() {
    let token = mint_hs256_with_public_key(Some(KID), &claims());
    let unverified = UnverifiedIdToken::parse(&token).unwrap();
    assert_eq!(
        unverified.select_key(&test_jwks(&[Some(KID)])),
        KeySelection::Rejected(KeyRejection::AlgorithmNotAllowed {
            found: "HS256".into()
        })
    );
    assert_eq!(
        failed(&run_with(&token, &expectations())),
        ["signature", "alg"]
    );
}

#[test]
fn rejects_hs256_even_if_the_browser_wrongly_reports_verified() {
    let token = mint_hs256_with_public_key(Some(KID), &claims());
    let unverified = UnverifiedIdToken::parse(&token).unwrap();
    let result = validate(unverified, SignatureOutcome::Verified, &expectations(), NOW);
    assert_eq!(failed(&result), ["alg"]);
}

#[test]
fn unknown_kid_asks_for_one_refetch_then_is_final() {
    let token = mint_rs256(Some("rotated"), &claims());
    let unverified = UnverifiedIdToken::parse(&token).unwrap();
    assert_eq!(
        unverified.select_key(&test_jwks(&[Some(KID)])),
        KeySelection::UnknownKid("rotated".into())
    );
    let refetched = unverified.select_key_after_refetch(&test_jwks(&[Some(KID), Some("rotated")]));
    assert_eq!(
        refetched.map(|job| verify_like_the_browser(&job)),
        Ok(SignatureOutcome::Verified)
    );
    assert_eq!(
        unverified.select_key_after_refetch(&test_jwks(&[Some(KID)])),
        Err(KeyRejection::UnknownKid {
            kid: "rotated".into()
        })
    );
}

#[test]
fn token_without_kid_uses_the_only_key() {
    let token = mint_rs256(None, &claims());
    let unverified = UnverifiedIdToken::parse(&token).unwrap();
    let KeySelection::Selected(job) = unverified.select_key(&test_jwks(&[Some(KID)])) else {
        panic!("expected the only key");
    };
    let outcome = verify_like_the_browser(&job);
    assert!(validate(unverified, outcome, &expectations(), NOW).is_ok());
}

#[test]
fn token_without_kid_is_rejected_when_there_are_several_keys() {
    let unverified = UnverifiedIdToken::parse(&mint_rs256(None, &claims())).unwrap();
    assert_eq!(
        unverified.select_key(&test_jwks(&[Some(KID), Some("k2")])),
        KeySelection::Rejected(KeyRejection::NoKidWithSeveralKeys { count: 2 })
    );
}

#[test]
fn rejects_keys_that_are_ambiguous_encryption_only_or_not_rsa() {
    let unverified = UnverifiedIdToken::parse(&mint_rs256(Some(KID), &claims())).unwrap();
    assert_eq!(
        unverified.select_key(&test_jwks(&[Some(KID), Some(KID)])),
        KeySelection::Rejected(KeyRejection::AmbiguousKid {
            kid: KID.into(),
            count: 2
        })
    );
    let mut enc = test_jwk(Some(KID));
    enc.common.public_key_use = Some(jsonwebtoken::jwk::PublicKeyUse::Encryption);
    assert!(matches!(
        unverified.select_key(&JwkSet { keys: vec![enc] }),
        KeySelection::Rejected(KeyRejection::NotForSignatures { .. })
    ));
    let ec: JwkSet = serde_json::from_value(json!({"keys": [
        {"kty": "EC", "crv": "P-256", "kid": KID, "x": "AA", "y": "AA"}
    ]}))
    .unwrap();
    assert_eq!(
        unverified.select_key(&ec),
        KeySelection::Rejected(KeyRejection::NotRsa {
            kid: Some(KID.into()),
            found: "EC".into()
        })
    );
}

#[test]
fn rejects_an_rsa_key_smaller_than_2048_bits_and_a_jwk_for_another_alg() {
    let unverified = UnverifiedIdToken::parse(&mint_rs256(Some(KID), &claims())).unwrap();
    let small: JwkSet = serde_json::from_value(json!({"keys": [
        {"kty": "RSA", "kid": KID, "n": b64url(&[0xc5; 128]), "e": "AQAB"}
    ]}))
    .unwrap();
    assert_eq!(
        unverified.select_key(&small),
        KeySelection::Rejected(KeyRejection::KeyTooSmall {
            kid: Some(KID.into()),
            bits: 1024
        })
    );
    let mut ps = test_jwk(Some(KID));
    ps.common.key_algorithm = Some(jsonwebtoken::jwk::KeyAlgorithm::PS256);
    assert!(matches!(
        unverified.select_key(&JwkSet { keys: vec![ps] }),
        KeySelection::Rejected(KeyRejection::KeyAlgorithm { .. })
    ));
}

#[test]
fn a_token_that_cannot_be_decoded_is_an_error_before_any_report() {
    assert!(matches!(
        UnverifiedIdToken::parse("not-a-jwt"),
        Err(JwtError::NotCompactJws { .. })
    ));
    assert!(UnverifiedIdToken::parse("a.b.c").is_err());
}

#[test]
fn validated_token_debug_masks_the_raw_token() {
    let token = mint_rs256(Some(KID), &claims());
    let validated = run_with(&token, &expectations()).unwrap();
    assert_eq!(validated.raw().secret(), token);
    let shown = format!("{validated:?}");
    assert!(!shown.contains(&token));
    let sig = token.rsplit('.').next().unwrap();
    assert!(!shown.contains(sig));
}

#[test]
fn refreshed_token_with_the_same_identity_passes_the_12_2_checks() {
    let original = run(&claims()).unwrap();
    let mut expected = expectations();
    expected.nonce = None;
    expected.original = Some(original.identity(Some(Nonce::new("nonce-1"))));
    let refreshed = mint_rs256(Some(KID), &with(json!({"nonce": null, "iat": NOW})));
    let validated = run_with(&refreshed, &expected).unwrap();
    let names: Vec<&str> = validated.report().checks().iter().map(|c| c.name).collect();
    assert!(names.ends_with(&REFRESH_CHECKS));
}

#[test]
fn refreshed_token_for_another_subject_is_rejected() {
    let original = run(&claims()).unwrap();
    let mut expected = expectations();
    expected.nonce = None;
    expected.original = Some(original.identity(Some(Nonce::new("nonce-1"))));
    let refreshed = mint_rs256(
        Some(KID),
        &with(json!({"nonce": null, "sub": "another-user"})),
    );
    assert_eq!(failed(&run_with(&refreshed, &expected)), ["refresh: sub"]);
}

/// Expectations after a refresh: no nonce was sent, and the original token's identity.
fn refresh_expectations() -> Expectations {
    let original = run(&claims()).expect("original token");
    Expectations {
        nonce: None,
        original: Some(original.identity(Some(Nonce::new("nonce-1")))),
        ..expectations()
    }
}

fn failed_check(result: &Result<ValidatedIdToken, ValidationFailure>, name: &str) -> Check {
    match result {
        Err(f) => f.report.check(name).cloned().expect("check ran"),
        Ok(_) => panic!("expected {name} to fail"),
    }
}

#[test]
fn refreshed_token_for_another_audience_fails_the_12_2_aud_check() {
    let expected = refresh_expectations();
    let other = "99999999-8888-7777-6666-555555555555";
    let refreshed = mint_rs256(Some(KID), &with(json!({"nonce": null, "aud": other})));
    let result = run_with(&refreshed, &expected);
    assert_eq!(failed(&result), ["aud", "refresh: aud"]);
    let check = failed_check(&result, "refresh: aud");
    assert_eq!(check.expected, format!("\"{CLIENT}\""));
    assert_eq!(check.found, format!("\"{other}\""));
    // An audience list that still contains this client passes §3.1.3.7 but not §12.2.
    let widened = mint_rs256(
        Some(KID),
        &with(json!({"nonce": null, "aud": [CLIENT, other], "azp": CLIENT})),
    );
    let result = run_with(&widened, &expected);
    // The original had no azp, so a new one fails §12.2 too.
    assert_eq!(failed(&result), ["refresh: aud", "refresh: azp"]);
    assert_eq!(
        failed_check(&result, "refresh: aud").found,
        format!("[\"{CLIENT}\",\"{other}\"]")
    );
}

#[test]
fn refreshed_token_from_another_issuer_fails_the_12_2_iss_check() {
    let other = format!("https://login.example/{TENANT}/v2.0");
    let refreshed = mint_rs256(Some(KID), &with(json!({"nonce": null, "iss": other})));
    let result = run_with(&refreshed, &refresh_expectations());
    assert_eq!(failed(&result), ["iss", "refresh: iss"]);
    let check = failed_check(&result, "refresh: iss");
    assert_eq!(check.expected, format!("\"{}\"", issuer()));
    assert_eq!(check.found, format!("\"{other}\""));
    // Even when the discovered issuer moved to the new value, §12.2 still holds the original.
    let moved = Expectations {
        issuer: IssuerUrl::new(other.clone()),
        ..refresh_expectations()
    };
    assert_eq!(failed(&run_with(&refreshed, &moved)), ["refresh: iss"]);
}

#[test]
fn refreshed_token_without_nonce_passes_when_no_nonce_was_sent() {
    let refreshed = mint_rs256(Some(KID), &with(json!({"nonce": null, "iat": NOW})));
    let validated = run_with(&refreshed, &refresh_expectations()).expect("refreshed token");
    let nonce = validated.report().check("nonce").expect("nonce check ran");
    assert!(nonce.passed);
    assert_eq!(nonce.found, "(absent)");
    assert!(
        nonce.expected.contains("no nonce was sent"),
        "{}",
        nonce.expected
    );
}

#[test]
fn refreshed_token_report_has_every_refresh_check_passed() {
    let refreshed = mint_rs256(Some(KID), &with(json!({"nonce": null, "iat": NOW})));
    let validated = run_with(&refreshed, &refresh_expectations()).expect("refreshed token");
    let refresh_checks: Vec<&Check> = validated
        .report()
        .checks()
        .iter()
        .filter(|c| c.name.starts_with("refresh: "))
        .collect();
    let names: Vec<&str> = refresh_checks.iter().map(|c| c.name).collect();
    assert_eq!(names, REFRESH_CHECKS);
    for check in refresh_checks {
        assert!(check.passed, "{check}");
        assert!(check.citation.contains("§12.2"), "{check}");
    }
    for name in ["refresh: iss", "refresh: sub", "refresh: aud"] {
        let check = validated.report().check(name).expect("check ran");
        assert_eq!(check.expected, check.found, "{check}");
    }
}

const REFRESH_CHECKS: [&str; 6] = [
    "refresh: iss",
    "refresh: sub",
    "refresh: aud",
    "refresh: azp",
    "refresh: auth_time",
    "refresh: nonce",
];

#[test]
fn refreshed_token_that_repeats_the_original_nonce_passes() {
    let refreshed = mint_rs256(Some(KID), &with(json!({"iat": NOW})));
    let validated = run_with(&refreshed, &refresh_expectations()).expect("refreshed token");
    let check = validated.report().check("refresh: nonce").expect("ran");
    assert_eq!(check.found, "\"nonce-1\"");
}

#[test]
fn refreshed_token_with_another_nonce_fails_the_12_2_nonce_check() {
    let refreshed = mint_rs256(Some(KID), &with(json!({"nonce": "nonce-2"})));
    let result = run_with(&refreshed, &refresh_expectations());
    assert_eq!(failed(&result), ["refresh: nonce"]);
    let check = failed_check(&result, "refresh: nonce");
    assert_eq!(check.expected, "absent, or \"nonce-1\"");
    assert_eq!(check.found, "\"nonce-2\"");
}

#[test]
fn refreshed_token_with_a_nonce_when_the_original_request_had_none_fails() {
    let original = run(&claims()).unwrap();
    let expected = Expectations {
        nonce: None,
        original: Some(original.identity(None)),
        ..expectations()
    };
    let refreshed = mint_rs256(Some(KID), &claims());
    assert_eq!(failed(&run_with(&refreshed, &expected)), ["refresh: nonce"]);
}

#[test]
fn refreshed_token_with_another_azp_fails_the_12_2_azp_check() {
    let with_azp = with(json!({"azp": CLIENT}));
    let original = run(&with_azp).unwrap();
    let expected = Expectations {
        nonce: None,
        original: Some(original.identity(Some(Nonce::new("nonce-1")))),
        ..expectations()
    };
    let same = mint_rs256(Some(KID), &with_azp);
    assert!(run_with(&same, &expected).is_ok());
    let changed = mint_rs256(Some(KID), &with(json!({"azp": "someone-else"})));
    assert_eq!(
        failed(&run_with(&changed, &expected)),
        ["azp", "refresh: azp"]
    );
    let dropped = mint_rs256(Some(KID), &claims());
    let result = run_with(&dropped, &expected);
    assert_eq!(failed(&result), ["refresh: azp"]);
    assert_eq!(failed_check(&result, "refresh: azp").found, "(absent)");
}

#[test]
fn refreshed_token_with_an_azp_the_original_lacked_fails() {
    let refreshed = mint_rs256(Some(KID), &with(json!({"azp": CLIENT})));
    let result = run_with(&refreshed, &refresh_expectations());
    assert_eq!(failed(&result), ["refresh: azp"]);
    assert_eq!(
        failed_check(&result, "refresh: azp").expected,
        "absent (the original had none)"
    );
}

#[test]
fn refreshed_token_with_a_changed_auth_time_fails_and_an_absent_one_passes() {
    let authenticated = with(json!({"auth_time": NOW - 100}));
    let original = run(&authenticated).unwrap();
    let expected = Expectations {
        nonce: None,
        original: Some(original.identity(Some(Nonce::new("nonce-1")))),
        ..expectations()
    };
    let changed = mint_rs256(Some(KID), &with(json!({"auth_time": NOW})));
    let result = run_with(&changed, &expected);
    assert_eq!(failed(&result), ["refresh: auth_time"]);
    assert_eq!(
        failed_check(&result, "refresh: auth_time").expected,
        (NOW - 100).to_string()
    );
    let unchanged = mint_rs256(Some(KID), &authenticated);
    assert!(run_with(&unchanged, &expected).is_ok());
    let absent = mint_rs256(Some(KID), &claims());
    assert!(run_with(&absent, &expected).is_ok());
}

#[test]
fn formats_unix_time_as_utc() {
    assert_eq!(format_unix_time(0), "0 (1970-01-01 00:00:00 UTC)");
    assert_eq!(
        format_unix_time(NOW),
        "1700000000 (2023-11-14 22:13:20 UTC)"
    );
    assert_eq!(
        format_unix_time(951_782_400),
        "951782400 (2000-02-29 00:00:00 UTC)"
    );
}

#[test]
fn core_path_runs_without_a_crypto_provider() {
    let token = mint_rs256(Some(KID), &claims());
    let jwks_json = serde_json::to_string(&test_jwks(&[Some(KID)])).unwrap();
    let job = without_crypto_provider(|| {
        let header = jsonwebtoken::decode_header(&token).expect("decode_header needs no provider");
        assert_eq!(header.kid.as_deref(), Some(KID));
        let jwks = crate::oidc::process_jwks_response(crate::oidc::HttpResponse::new(
            200, None, &jwks_json,
        ))
        .expect("JwkSet parsing needs no provider");
        let unverified = UnverifiedIdToken::parse(&token).unwrap();
        let KeySelection::Selected(job) = unverified.select_key(&jwks) else {
            panic!("expected a key");
        };
        let validated = validate(unverified, SignatureOutcome::Verified, &expectations(), NOW);
        assert!(validated.is_ok());
        let access = crate::oidc::AccessToken::new(token.clone());
        assert!(crate::oidc::decode_access_token(&access).is_ok());
        job
    });
    // The same job verifies with the provider outside the guard.
    assert_eq!(verify_like_the_browser(&job), SignatureOutcome::Verified);
}

#[test]
fn the_provider_guard_catches_a_provider_call() {
    let token = mint_rs256(Some(KID), &claims());
    let unverified = UnverifiedIdToken::parse(&token).unwrap();
    let KeySelection::Selected(job) = unverified.select_key(&test_jwks(&[Some(KID)])) else {
        panic!("expected a key");
    };
    let caught =
        std::panic::catch_unwind(|| without_crypto_provider(|| verify_like_the_browser(&job)));
    assert!(
        caught.is_err(),
        "verification must go through the guarded provider"
    );
}

#[test]
fn an_expired_but_authentic_token_failed_only_on_time() {
    let expired = run(&with(json!({"exp": NOW - 3600}))).unwrap_err();
    assert!(expired.failed_only_on_time());
    let early = run(&with(json!({"nbf": NOW + 3600, "iat": NOW + 3600}))).unwrap_err();
    assert!(early.failed_only_on_time());
}

#[test]
fn a_token_that_also_fails_another_check_did_not_fail_only_on_time() {
    let other = "99999999-8888-7777-6666-555555555555";
    let expired_and_foreign = run(&with(json!({"exp": NOW - 3600, "aud": other}))).unwrap_err();
    assert!(!expired_and_foreign.failed_only_on_time());
    let token = mint_rs256(Some(KID), &with(json!({"exp": NOW - 3600})));
    let unverified = UnverifiedIdToken::parse(&token).unwrap();
    let forged = validate(unverified, SignatureOutcome::Invalid, &expectations(), NOW).unwrap_err();
    assert!(!forged.failed_only_on_time());
}

#[test]
fn extreme_time_claims_are_reported_without_overflow() {
    for claims in [
        with(json!({"exp": i64::MAX, "iat": i64::MIN, "nbf": i64::MIN})),
        with(json!({"exp": i64::MIN, "iat": i64::MAX, "nbf": i64::MAX})),
        with(json!({"exp": u64::MAX, "iat": -1.0e300, "auth_time": 1.0e300})),
    ] {
        let token = mint_rs256(Some(KID), &claims);
        for now in [i64::MIN, 0, NOW, i64::MAX] {
            let unverified = UnverifiedIdToken::parse(&token).unwrap();
            let _ = validate(unverified, SignatureOutcome::Verified, &expectations(), now);
        }
    }
    let result = run(&with(json!({"iat": i64::MIN})));
    assert!(
        result.is_ok(),
        "an iat far in the past is not in the future"
    );
}

#[test]
fn with_max_age_the_id_token_must_carry_a_recent_auth_time() {
    let token = |claims: &Value| mint_rs256(Some(KID), claims);
    let asked = expectations().with_max_age(Some(300));
    let recent = token(&with(json!({ "auth_time": NOW - 300 })));
    assert_eq!(failed(&run_with(&recent, &asked)), Vec::<&str>::new());
    let within_leeway = token(&with(
        json!({ "auth_time": NOW - 300 - CLOCK_SKEW_LEEWAY_SECS }),
    ));
    assert_eq!(
        failed(&run_with(&within_leeway, &asked)),
        Vec::<&str>::new()
    );
    let too_old = token(&with(
        json!({ "auth_time": NOW - 301 - CLOCK_SKEW_LEEWAY_SECS }),
    ));
    let old = failed_check(&run_with(&too_old, &asked), "auth_time");
    assert!(old.expected.contains("max_age 300 s"), "{}", old.expected);
    let absent = failed_check(&run_with(&token(&claims()), &asked), "auth_time");
    assert_eq!(absent.found, "(absent)");
    // Without max_age, auth_time is not required.
    assert_eq!(failed(&run(&claims())), Vec::<&str>::new());
}

#[test]
fn rejects_a_token_without_aud() {
    let result = run(&with(json!({"aud": null})));
    assert_eq!(failed(&result), ["aud"]);
    let check = failed_check(&result, "aud");
    assert_eq!(check.expected, format!("contains \"{CLIENT}\""));
    assert_eq!(check.found, "(absent)");
}

#[test]
fn rejects_a_token_without_nonce_naming_the_one_sent() {
    let result = run(&with(json!({"nonce": null})));
    assert_eq!(failed(&result), ["nonce"]);
    let check = failed_check(&result, "nonce");
    assert_eq!(
        (check.expected.as_str(), check.found.as_str()),
        ("\"nonce-1\"", "(absent)")
    );
}

#[test]
fn rejects_a_critical_header_extension_it_does_not_understand() {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": KID, "crit": ["urn:x:must-understand"], "urn:x:must-understand": true});
    let result = run_with(&mint_rs256_with_header(&header, &claims()), &expectations());
    assert_eq!(failed(&result), ["crit"]);
    let check = failed_check(&result, "crit");
    assert_eq!(
        (check.expected.as_str(), check.found.as_str()),
        ("absent", "[\"urn:x:must-understand\"]")
    );
}

#[test]
fn rejects_a_typ_that_declares_another_kind_of_token() {
    let header = json!({"alg": "RS256", "typ": "at+jwt", "kid": KID});
    let result = run_with(&mint_rs256_with_header(&header, &claims()), &expectations());
    assert_eq!(failed(&result), ["typ"]);
    let check = failed_check(&result, "typ");
    assert_eq!(
        (check.expected.as_str(), check.found.as_str()),
        ("absent, or \"JWT\"", "\"at+jwt\"")
    );
    let not_a_string = json!({"alg": "RS256", "typ": 1, "kid": KID});
    let result = run_with(
        &mint_rs256_with_header(&not_a_string, &claims()),
        &expectations(),
    );
    assert_eq!(failed(&result), ["typ"]);
}

#[test]
fn accepts_typ_jwt_in_any_case_its_media_type_form_and_an_absent_typ() {
    for header in [
        json!({"alg": "RS256", "typ": "jwt", "kid": KID}),
        json!({"alg": "RS256", "typ": "application/JWT", "kid": KID}),
        json!({"alg": "RS256", "kid": KID}),
    ] {
        let result = run_with(&mint_rs256_with_header(&header, &claims()), &expectations());
        assert!(result.is_ok(), "{header}: {:?}", failed(&result));
    }
}
