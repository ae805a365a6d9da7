//! The key set (`oidc/jwks.rs`) and the key selection that reads its members (`oidc/id_token.rs`).

use crate::mutate::{config, content_type, mutated, status};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use entra_signin::oidc::{
    process_jwks_response, HttpResponse, JwkSet, JwksError, UnverifiedIdToken, MAX_JSON_BODY_BYTES,
};
use proptest::prelude::*;
use serde_json::json;

fn key_set() -> serde_json::Value {
    let n = URL_SAFE_NO_PAD.encode([0xc5u8; 256]);
    json!({ "keys": [
        { "kty": "RSA", "use": "sig", "kid": "k1", "x5t": "k1", "n": n, "e": "AQAB", "alg": "RS256",
          "x5c": ["MIIC"], "issuer": "https://x.ciamlogin.com/x/v2.0" },
        { "kty": "RSA", "use": "enc", "kid": "k2", "n": "AAAA", "e": "AQAB" },
        { "kty": "EC", "crv": "P-256", "x": "AA", "y": "AA", "kid": "ec" },
        { "kty": "OKP", "crv": "Ed25519", "x": "AA", "kid": "okp" },
    ]})
}

/// ID tokens (signature irrelevant) naming each `kid`, and none.
fn tokens() -> Vec<UnverifiedIdToken> {
    let claims = URL_SAFE_NO_PAD.encode(r#"{"sub":"s"}"#);
    [r#""kid":"k1","#, r#""kid":"k2","#, r#""kid":"ec","#, ""]
        .iter()
        .filter_map(|kid| {
            let header = URL_SAFE_NO_PAD.encode(format!(r#"{{{kid}"alg":"RS256"}}"#));
            UnverifiedIdToken::parse(&format!("{header}.{claims}.AAAA")).ok()
        })
        .collect()
}

/// Whether a key's `alg`, `kty` or `crv` is a JSON object: serde's externally tagged form of its
/// enums (`{"RS256": null}`), which jsonwebtoken's derive reads and no JWK (RFC 7517) has. The hand
/// reader wants strings: such an `alg` refuses the set, such a `kty` or `crv` makes the key `Other`.
fn enum_as_object(body: &str) -> bool {
    let Ok(set) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    let keys = set.get("keys").and_then(|k| k.as_array());
    keys.into_iter().flatten().any(|key| {
        ["alg", "kty", "crv"]
            .iter()
            .any(|m| key.get(m).is_some_and(|v| v.is_object()))
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_key_set_answer_is_keys_or_a_typed_error_and_key_selection_never_panics(
        status in status(),
        content_type in content_type(),
        body in mutated(key_set()),
    ) {
        let response = HttpResponse::new(status, content_type.as_deref(), &body);
        let result = process_jwks_response(response);
        if status == 200 && body.len() <= MAX_JSON_BODY_BYTES && !enum_as_object(&body) {
            // The hand reader keeps the data model and the verdict of jsonwebtoken's derive.
            let derived = serde_json::from_str::<JwkSet>(&body).ok();
            prop_assert_eq!(result.as_ref().ok(), derived.as_ref(), "{}", body);
        }
        match result {
            Ok(jwks) => {
                prop_assert_eq!(status, 200);
                prop_assert!(body.len() <= MAX_JSON_BODY_BYTES);
                for token in tokens() {
                    let _ = token.select_key(&jwks);
                    let _ = token.select_key_after_refetch(&jwks);
                }
            }
            Err(err) => {
                if body.len() > MAX_JSON_BODY_BYTES {
                    prop_assert!(matches!(err, JwksError::TooLarge(_)), "{:?}", err);
                }
                let _ = err.to_string();
            }
        }
    }
}
