//! The discovery document (`oidc/discovery.rs`) under every issuer rule, and the authority rules.

use crate::mutate::{config, content_type, mutated, odd_string, status};
use entra_signin::oidc::{
    discovery_url, process_discovery_response, DiscoveryError, HttpResponse, IssuerRule,
    MAX_JSON_BODY_BYTES,
};
use proptest::prelude::*;
use serde_json::json;

const TENANT: &str = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

fn metadata() -> serde_json::Value {
    let base = format!("https://{TENANT}.ciamlogin.com/{TENANT}");
    json!({
        "issuer": format!("{base}/v2.0"),
        "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}/oauth2/v2.0/token"),
        "jwks_uri": format!("{base}/discovery/v2.0/keys"),
        "end_session_endpoint": format!("{base}/oauth2/v2.0/logout"),
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce"],
        "subject_types_supported": ["pairwise"],
        "request_uri_parameter_supported": false,
    })
}

fn rules() -> Vec<IssuerRule> {
    [
        ("https://contoso.ciamlogin.com/", Some(TENANT)),
        ("https://login.contoso.com/", Some(TENANT)),
        ("https://login.contoso.com/", None),
        ("http://127.0.0.1:8081/", None),
    ]
    .iter()
    .filter_map(|(authority, tenant)| IssuerRule::for_authority(authority, *tenant).ok())
    .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_discovery_answer_is_checked_metadata_or_a_typed_error(
        status in status(),
        content_type in content_type(),
        body in mutated(metadata()),
    ) {
        let response = HttpResponse::new(status, content_type.as_deref(), &body);
        for rule in rules() {
            match process_discovery_response(response, &rule) {
                Ok(found) => {
                    prop_assert_eq!(status, 200);
                    prop_assert!(body.len() <= MAX_JSON_BODY_BYTES);
                    prop_assert!(found.id_token_signing_alg_values_supported.iter().any(|a| a == "RS256"));
                }
                Err(err) => {
                    if body.len() > MAX_JSON_BODY_BYTES {
                        prop_assert!(matches!(err, DiscoveryError::TooLarge(_)), "{:?}", err);
                    }
                    let _ = err.to_string();
                }
            }
        }
    }

    #[test]
    fn any_authority_gives_a_rule_and_a_url_or_a_typed_error(
        authority in prop_oneof![
            odd_string(),
            ("https?://", odd_string(), odd_string()).prop_map(|(s, h, p)| format!("{s}{h}/{p}")),
            odd_string().prop_map(|p| format!("https://contoso.ciamlogin.com/{p}")),
        ],
        tenant in prop::option::of(prop_oneof![Just(TENANT.to_owned()), odd_string()]),
    ) {
        let _ = discovery_url(&authority).map_err(|e| e.to_string());
        if let Ok(rule) = IssuerRule::for_authority(&authority, tenant.as_deref()) {
            let _ = rule.check(&authority).map_err(|e| e.to_string());
        }
    }
}
