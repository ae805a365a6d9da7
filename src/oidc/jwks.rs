//! The issuer's signing keys (RFC 7517 §5), fetched from the discovered `jwks_uri`.
//! Read into jsonwebtoken's data model only (no crypto provider is involved), by hand from the
//! parsed JSON: its derived `Deserialize` (flattened, untagged) cost the bundle about 35 KB.

use std::fmt;
use std::str::FromStr;

use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, EllipticCurve, EllipticCurveKeyParameters,
    EllipticCurveKeyType, Jwk, JwkSet, KeyAlgorithm, KeyOperations, OctetKeyPairParameters,
    OctetKeyPairType, OctetKeyParameters, OctetKeyType, OtherKeyParameters, PublicKeyUse,
    RSAKeyParameters, RSAKeyType,
};
use serde_json::Value;

use super::http::{BodyTooLarge, HttpResponse, UnexpectedBody};
use super::json::{JsonError, JsonType, Members};

/// Why the key set could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksError {
    /// The request did not answer 200.
    HttpStatus(UnexpectedBody),
    /// RFC 7517 §5: a JWK Set is a JSON object with a `keys` array.
    NotJwkSet(UnexpectedBody),
    /// JSON, but a member of the set or of a key has the wrong type (RFC 7517 §4, §5).
    MalformedMember {
        body: UnexpectedBody,
        cause: JsonError,
    },
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
            Self::MalformedMember { body, cause } => write!(
                f,
                "signing keys are not a JWK Set with a \"keys\" array (RFC 7517 §5): {cause}: {body}"
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
    let value: Value = serde_json::from_str(response.body)
        .map_err(|_| JwksError::NotJwkSet(response.describe_unexpected()))?;
    read_key_set(&value).map_err(|cause| JwksError::MalformedMember {
        body: response.describe_unexpected(),
        cause,
    })
}

/// The members every key may carry (RFC 7517 §4): jsonwebtoken's `CommonParameters`.
const COMMON_MEMBERS: [&str; 8] = [
    "use", "key_ops", "alg", "kid", "x5u", "x5c", "x5t", "x5t#S256",
];

fn read_key_set(value: &Value) -> Result<JwkSet, JsonError> {
    let keys = match Members::of(value, "the key set")?.value("keys")? {
        Value::Array(keys) => keys,
        other => {
            return Err(JsonError::WrongType {
                field: "keys",
                expected: "an array",
                found: JsonType::of(other),
            })
        }
    };
    let keys = keys.iter().map(read_key).collect::<Result<_, _>>()?;
    Ok(JwkSet { keys })
}

/// One key: the common members must have their types; the key type's own members select
/// jsonwebtoken's variant, and a key that fits none (an unknown `kty`, a missing `n`) is `Other`.
fn read_key(value: &Value) -> Result<Jwk, JsonError> {
    let key = Members::of(value, "keys[]")?;
    let common = CommonParameters {
        public_key_use: key.opt_str("use")?.map(|found| match found {
            "sig" => PublicKeyUse::Signature,
            "enc" => PublicKeyUse::Encryption,
            other => PublicKeyUse::Other(other.to_owned()),
        }),
        key_operations: key
            .opt_strings("key_ops")?
            .map(|ops| ops.into_iter().map(key_operation).collect()),
        key_algorithm: key
            .opt_str("alg")?
            .map(|alg| KeyAlgorithm::from_str(alg).unwrap_or(KeyAlgorithm::UNKNOWN_ALGORITHM)),
        key_id: key.opt_string("kid")?,
        x509_url: key.opt_string("x5u")?,
        x509_chain: key.opt_strings("x5c")?,
        x509_sha1_fingerprint: key.opt_string("x5t")?,
        x509_sha256_fingerprint: key.opt_string("x5t#S256")?,
    };
    Ok(Jwk {
        common,
        algorithm: key_parameters(key),
    })
}

fn key_operation(op: String) -> KeyOperations {
    match op.as_str() {
        "sign" => KeyOperations::Sign,
        "verify" => KeyOperations::Verify,
        "encrypt" => KeyOperations::Encrypt,
        "decrypt" => KeyOperations::Decrypt,
        "wrapKey" => KeyOperations::WrapKey,
        "unwrapKey" => KeyOperations::UnwrapKey,
        "deriveKey" => KeyOperations::DeriveKey,
        "deriveBits" => KeyOperations::DeriveBits,
        _ => KeyOperations::Other(op),
    }
}

fn key_parameters(key: Members<'_>) -> AlgorithmParameters {
    let text = |field| key.get(field).and_then(Value::as_str).map(str::to_owned);
    let curve = || match key.get("crv").and_then(Value::as_str)? {
        "P-256" => Some(EllipticCurve::P256),
        "P-384" => Some(EllipticCurve::P384),
        "P-521" => Some(EllipticCurve::P521),
        "Ed25519" => Some(EllipticCurve::Ed25519),
        _ => None,
    };
    let known = match key.get("kty").and_then(Value::as_str) {
        Some("EC") => (|| {
            Some(AlgorithmParameters::EllipticCurve(
                EllipticCurveKeyParameters {
                    key_type: EllipticCurveKeyType::EC,
                    curve: curve()?,
                    x: text("x")?,
                    y: text("y")?,
                },
            ))
        })(),
        Some("RSA") => (|| {
            Some(AlgorithmParameters::RSA(RSAKeyParameters {
                key_type: RSAKeyType::RSA,
                n: text("n")?,
                e: text("e")?,
            }))
        })(),
        Some("oct") => text("k").map(|value| {
            AlgorithmParameters::OctetKey(OctetKeyParameters {
                key_type: OctetKeyType::Octet,
                value,
            })
        }),
        Some("OKP") => (|| {
            Some(AlgorithmParameters::OctetKeyPair(OctetKeyPairParameters {
                key_type: OctetKeyPairType::OctetKeyPair,
                curve: curve()?,
                x: text("x")?,
            }))
        })(),
        _ => None,
    };
    known.unwrap_or_else(|| {
        // Inserted one by one: `collect` into the map would sort first (~3 KB of wasm).
        let mut fields = std::collections::BTreeMap::new();
        for (name, value) in key.0 {
            if !COMMON_MEMBERS.contains(&name.as_str()) {
                fields.insert(name.clone(), value.clone());
            }
        }
        AlgorithmParameters::Other(OtherKeyParameters { fields })
    })
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
    fn reads_every_key_type_as_jsonwebtoken_does_and_an_incomplete_key_as_other() {
        let body = r#"{"keys":[{"kty":"EC","crv":"P-384","x":"AA","y":"BB","use":"enc","alg":"ES384"},
            {"kty":"oct","k":"c2VjcmV0","key_ops":["sign","verify","frob"]},
            {"kty":"OKP","crv":"Ed25519","x":"AA","alg":"EdDSA"},
            {"kty":"RSA","e":"AQAB","kid":"no-n","alg":"RS9000","x5t#S256":"t"},
            {"kty":"EC","crv":"secp256k1","x":"AA","y":"BB"},
            {"kty":"RSA","n":null,"e":"AQAB"},
            {"crv":"P-256"}],"extra":1}"#;
        let set = process_jwks_response(HttpResponse::new(200, None, body)).unwrap();
        let expected: JwkSet = serde_json::from_str(body).unwrap();
        assert_eq!(set, expected);
        assert!(matches!(
            set.keys[0].algorithm,
            AlgorithmParameters::EllipticCurve(_)
        ));
        assert!(matches!(
            set.keys[3].algorithm,
            AlgorithmParameters::Other(_)
        ));
        assert_eq!(
            set.keys[3].common.key_algorithm,
            Some(KeyAlgorithm::UNKNOWN_ALGORITHM)
        );
    }

    #[test]
    fn a_common_member_of_the_wrong_type_is_refused_naming_it() {
        for (body, named) in [
            (
                r#"{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","kid":7}]}"#,
                "`kid` is a number, expected a string",
            ),
            (
                r#"{"keys":[{"kty":"RSA","x5c":"MIIC"}]}"#,
                "`x5c` is a string, expected an array of strings",
            ),
            (
                r#"{"keys":{"kty":"RSA"}}"#,
                "`keys` is an object, expected an array",
            ),
            (
                r#"{"keys":["RSA"]}"#,
                "`keys[]` is a string, expected an object",
            ),
            (
                r#"["keys"]"#,
                "`the key set` is an array, expected an object",
            ),
            (r#"{"key":[]}"#, "missing field `keys`"),
        ] {
            assert!(serde_json::from_str::<JwkSet>(body).is_err(), "{body}");
            let error = process_jwks_response(HttpResponse::new(200, None, body)).unwrap_err();
            assert!(
                matches!(error, JwksError::MalformedMember { .. }),
                "{error:?}"
            );
            let text = error.to_string();
            assert!(
                text.contains("not a JWK Set") && text.contains(named),
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_a_body_without_keys_and_a_failed_request() {
        assert!(matches!(
            process_jwks_response(HttpResponse::new(200, None, r#"{"key":[]}"#)),
            Err(JwksError::MalformedMember { .. })
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
