//! The JWT segments (`oidc/jwt.rs`) and what reads them next: the ID token's key selection and
//! the §3.1.3.7 report (`oidc/id_token.rs`), the access token's display decoding, the claims view.

use crate::mutate::{config, mutated, mutated_value, odd_string};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use entra_signin::oidc::{
    decode_access_token, decode_jwt, validate, AccessToken, ClientId, Expectations, IdTokenClaims,
    IssuerUrl, JwkSet, Nonce, OriginalIdentity, SignatureOutcome, UnverifiedIdToken,
};
use proptest::prelude::*;
use serde_json::{json, Value};

const ISSUER: &str = "https://0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.ciamlogin.com/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9/v2.0";
const CLIENT: &str = "6a1c3f2e-9b8d-4e7f-a0c1-d2e3f4a5b6c7";

fn header() -> Value {
    json!({ "typ": "JWT", "alg": "RS256", "kid": "k1" })
}

fn claims() -> Value {
    json!({
        "aud": CLIENT, "iss": ISSUER, "iat": 1_700_000_000, "nbf": 1_700_000_000,
        "exp": 1_700_003_600, "auth_time": 1_700_000_000, "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        "oid": "00000000-0000-0000-66f3-3332eca7ea81", "name": "Ada Lovelace", "email": "ada@example.com",
        "nonce": "n-0S6_WzA2Mj", "azp": CLIENT, "tid": "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "ver": "2.0",
        "aio": "Df2UVXL1ix!lMCWMSOJBcFatzcGfvFGhjKv8q5g0x732dR5MB5BisvGQO7YWByjd8iQDLq!eGbIDakyp5mnOrcdqHeYSnltepQmRp6AIZ8jY",
    })
}

/// A JWKS with one usable RSA key (`k1`), a small one, an EC key and one without `n`.
fn jwks() -> JwkSet {
    let n = URL_SAFE_NO_PAD.encode([0xc5u8; 256]);
    let small = URL_SAFE_NO_PAD.encode([0xc5u8; 64]);
    serde_json::from_value(json!({ "keys": [
        { "kty": "RSA", "use": "sig", "kid": "k1", "n": n, "e": "AQAB" },
        { "kty": "RSA", "use": "sig", "kid": "small", "n": small, "e": "AQAB" },
        { "kty": "EC", "crv": "P-256", "kid": "ec", "x": "AA", "y": "AA" },
    ]}))
    .unwrap_or(JwkSet { keys: Vec::new() })
}

/// One segment: the mutated JSON as base64url, or broken base64 of several kinds.
fn segment(valid: Value) -> BoxedStrategy<String> {
    prop_oneof![
        8 => mutated(valid.clone()).prop_map(|json| URL_SAFE_NO_PAD.encode(json)),
        1 => prop::collection::vec(any::<u8>(), 0..200).prop_map(|b| URL_SAFE_NO_PAD.encode(b)),
        1 => mutated(valid.clone()).prop_map(|json| STANDARD.encode(json)),
        1 => odd_string(),
        1 => mutated_value(valid)
            .prop_map(|v| URL_SAFE_NO_PAD.encode(v.to_string()).chars().skip(1).collect()),
    ]
    .boxed()
}

/// A compact JWS, or something with the wrong number of parts or stray whitespace.
fn token() -> BoxedStrategy<String> {
    let signature = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300).prop_map(|b| URL_SAFE_NO_PAD.encode(b)),
        Just(String::new()),
        odd_string(),
    ];
    (segment(header()), segment(claims()), signature, 0u8..8)
        .prop_map(|(h, c, s, shape)| match shape {
            0 => format!("{h}.{c}"),
            1 => format!("{h}.{c}.{s}.{s}.{s}"),
            2 => format!(" {h}.{c}.{s}\n"),
            3 => format!("{h}..{c}.{s}"),
            _ => format!("{h}.{c}.{s}"),
        })
        .boxed()
}

fn now() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(1_700_000_100i64),
        Just(i64::MIN),
        Just(i64::MAX),
        Just(0i64),
        any::<i64>(),
    ]
}

fn expectations() -> Vec<Expectations> {
    let (issuer, client) = (IssuerUrl::new(ISSUER), ClientId::new(CLIENT));
    let original = OriginalIdentity {
        iss: json!(ISSUER),
        sub: json!("AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ"),
        aud: json!(CLIENT),
        azp: Some(json!(CLIENT)),
        auth_time: Some(json!(1_700_000_000)),
        nonce: Some(Nonce::new("n-0S6_WzA2Mj")),
    };
    vec![
        Expectations::sign_in(issuer.clone(), client.clone(), Nonce::new("n-0S6_WzA2Mj")),
        Expectations::renewal(issuer, client, original),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_token_decodes_or_is_a_typed_error_and_its_checks_never_panic(
        token in token(),
        now in now(),
        verified in any::<bool>(),
    ) {
        let decoded = decode_jwt(&token);
        if let Err(err) = &decoded {
            let text = err.to_string();
            // The length is the trimmed token's, the text compared: `.` plus 15 tabs trims to `.`,
            // which any sentence contains.
            let shown = token.trim();
            prop_assert!(shown.len() < 16 || !text.contains(shown), "token echoed: {text}");
        }
        let _ = decode_access_token(&AccessToken::new(token.clone()));
        let Ok(unverified) = UnverifiedIdToken::parse(&token) else {
            prop_assert!(decoded.is_err());
            return Ok(());
        };
        let jwt = decoded.map_err(|e| TestCaseError::fail(e.to_string()))?;
        let _ = IdTokenClaims::from_claim_set(&jwt.claims);
        let _ = unverified.select_key(&jwks());
        let _ = unverified.select_key_after_refetch(&jwks());
        let outcome = match verified {
            true => SignatureOutcome::Verified,
            false => SignatureOutcome::Invalid,
        };
        for expected in expectations() {
            match validate(unverified.clone(), outcome.clone(), &expected, now) {
                Ok(valid) => prop_assert!(verified, "validated without a signature: {valid:?}"),
                Err(failure) => {
                    let text = failure.to_string();
                    prop_assert!(!text.contains(token.trim()), "token echoed: {text}");
                }
            }
        }
    }
}
