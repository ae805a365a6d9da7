//! The issuer's signing keys (RFC 7517 §5), fetched from the discovered `jwks_uri`.
//! Parsed with jsonwebtoken's data model only: no crypto provider is involved.

use std::fmt;

use jsonwebtoken::jwk::JwkSet;

use super::http::{BodyTooLarge, HttpResponse, UnexpectedBody};

/// Why the key set could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksError {
    /// The request did not answer 200.
    HttpStatus(UnexpectedBody),
    /// RFC 7517 §5: a JWK Set is a JSON object with a `keys` array.
    NotJwkSet(UnexpectedBody),
    /// The body is over the 1 MiB limit of a JSON answer: refused unparsed.
    TooLarge(BodyTooLarge),
}

impl fmt::Display for JwksError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::HttpStatus(body) => {
                write!(
                    f,
                    "signing keys request failed: {body}: check jwks_uri in discovery"
                )
            }
            Self::NotJwkSet(body) => write!(
                f,
                "signing keys are not a JWK Set with a \"keys\" array (RFC 7517 §5): {body}"
            ),
            Self::TooLarge(too_large) => too_large.fmt(f),
        }
    }
}

impl std::error::Error for JwksError {}

/// Processes the `jwks_uri` response into a key set.
pub fn process_jwks_response(response: HttpResponse<'_>) -> Result<JwkSet, JwksError> {
    response
        .check_json_size("the jwks_uri")
        .map_err(JwksError::TooLarge)?;
    if response.status != 200 {
        return Err(JwksError::HttpStatus(response.describe_unexpected()));
    }
    serde_json::from_str(response.body)
        .map_err(|_| JwksError::NotJwkSet(response.describe_unexpected()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::jwk::AlgorithmParameters;

    #[test]
    fn reads_an_entra_style_key_set_with_extra_members() {
        let body = r#"{"keys":[{"kty":"RSA","use":"sig","kid":"k1","x5t":"k1","n":"AQAB","e":"AQAB",
            "x5c":["MIIC"],"cloud_instance_name":"microsoftonline.com","issuer":"https://x/v2.0"},
            {"kty":"EC","crv":"P-256","x":"AA","y":"AA","kid":"ec"},{"kty":"OKP","crv":"X448","x":"AA"}]}"#;
        let set = process_jwks_response(HttpResponse::new(200, None, body)).unwrap();
        assert_eq!(set.keys.len(), 3);
        assert!(matches!(set.keys[0].algorithm, AlgorithmParameters::RSA(_)));
        assert_eq!(
            set.find("k1").map(|k| k.common.key_id.is_some()),
            Some(true)
        );
    }

    #[test]
    fn rejects_a_body_without_keys_and_a_failed_request() {
        assert!(matches!(
            process_jwks_response(HttpResponse::new(200, None, r#"{"key":[]}"#)),
            Err(JwksError::NotJwkSet(_))
        ));
        assert!(matches!(
            process_jwks_response(HttpResponse::new(
                503,
                Some("text/html"),
                "<title>down</title>"
            )),
            Err(JwksError::HttpStatus(_))
        ));
    }

    #[test]
    fn rejects_a_truncated_key_set_answered_with_200() {
        let body = r#"{"keys":[{"kty":"RSA","use":"sig","kid":"k1","n":"AQ"#;
        let response = HttpResponse::new(200, Some("application/json"), body);
        let error = process_jwks_response(response).unwrap_err();
        assert!(
            matches!(&error, JwksError::NotJwkSet(b) if b.status == 200),
            "{error:?}"
        );
        assert!(error.to_string().contains("not a JWK Set"), "{error}");
    }
}
