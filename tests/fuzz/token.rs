//! The token endpoint's answer (`oidc/token.rs`): tokens, Entra's error JSON, anything else.

use crate::mutate::{config, content_type, mutated, odd_string, secret, status};
use entra_signin::oidc::{
    parse_aadsts_code, process_authorization_code_response, process_refresh_response,
    process_token_response, refresh_error_action, HttpResponse, TokenError, MAX_JSON_BODY_BYTES,
};
use proptest::prelude::*;
use serde_json::json;

fn success() -> serde_json::Value {
    json!({
        "token_type": "Bearer",
        "scope": "openid profile email offline_access",
        "expires_in": 3600,
        "ext_expires_in": "3600",
        "access_token": secret("access"),
        "refresh_token": secret("refresh"),
        "id_token": secret("idtoken"),
    })
}

fn entra_error() -> serde_json::Value {
    json!({
        "error": "invalid_grant",
        "error_description": "AADSTS700084: The refresh token was issued to a single page app \
            (SPA), and therefore has a fixed, limited lifetime of 1.00:00:00.\r\nTrace ID: t",
        "error_codes": [700084],
        "timestamp": "2026-01-01 00:00:00Z",
        "trace_id": "0000aaaa-11bb-cccc-dd22-eeeeee333333",
        "correlation_id": "aaaa0000-bb11-2222-33cc-444444dddddd",
        "error_uri": "https://login.microsoftonline.com/error?code=700084",
    })
}

fn body() -> impl Strategy<Value = String> {
    prop_oneof![3 => mutated(success()), 2 => mutated(entra_error())]
}

/// Every credential of the valid success document: no error message may contain one.
fn assert_no_credential(err: &TokenError) {
    let text = err.to_string();
    for kind in ["access", "refresh", "idtoken"] {
        assert!(!text.contains(&secret(kind)), "{kind} echoed: {text}");
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_token_answer_is_tokens_or_a_typed_error_without_credentials(
        status in status(),
        content_type in content_type(),
        body in body(),
    ) {
        let response = HttpResponse::new(status, content_type.as_deref(), &body);
        match process_token_response(response) {
            Ok(tokens) => {
                prop_assert!(body.len() <= MAX_JSON_BODY_BYTES);
                prop_assert_eq!(status, 200);
                prop_assert!(tokens.token_type.eq_ignore_ascii_case("Bearer"));
                let shown = format!("{tokens:?}");
                prop_assert!(!shown.contains(&secret("access")), "{}", shown);
            }
            Err(err) => {
                if body.len() > MAX_JSON_BODY_BYTES {
                    prop_assert!(matches!(err, TokenError::TooLarge(_)), "{:?}", err);
                }
                assert_no_credential(&err);
                let _ = refresh_error_action(&err);
            }
        }
        for outcome in [
            process_authorization_code_response(response),
            process_refresh_response(response),
        ] {
            if let Err(err) = outcome {
                assert_no_credential(&err);
            }
        }
    }

    #[test]
    fn an_entra_error_answer_is_the_typed_entra_error_or_a_typed_refusal(
        status in prop_oneof![Just(400u16), Just(401u16), Just(500u16), any::<u16>()],
        body in mutated(entra_error()),
    ) {
        let outcome = process_token_response(HttpResponse::new(status, None, &body));
        if let Err(TokenError::Entra(e)) = &outcome {
            prop_assert_eq!(e.status, status);
            let _ = (e.advice(), e.aadsts_codes(), e.to_string());
        }
        prop_assert!(outcome.is_err() || status == 200);
    }

    #[test]
    fn an_aadsts_number_is_read_from_any_description(
        before in odd_string(),
        digits in "[0-9]{0,30}",
        after in odd_string(),
    ) {
        let parsed = parse_aadsts_code(&format!("{before}AADSTS{digits}{after}"));
        let plain = !before.contains("AADSTS") && !after.starts_with(|c: char| c.is_ascii_digit());
        if plain {
            prop_assert_eq!(parsed, digits.parse::<u32>().ok());
        }
    }
}
