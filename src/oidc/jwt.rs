//! Compact JWS decoding (RFC 7515 §7.1, RFC 7519 §7.2) without any crypto: header and claims in
//! token order, the signing input and the signature bytes. Validation lives in `id_token`.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::values::AccessToken;

/// Which part of the token a decoding error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtPart {
    /// The JOSE header (first part).
    Header,
    /// The claims (second part).
    Payload,
    /// The signature (third part).
    Signature,
}

impl fmt::Display for JwtPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Header => "header",
            Self::Payload => "payload",
            Self::Signature => "signature",
        })
    }
}

/// Why a token could not be decoded at all (before any validation report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtError {
    /// RFC 7515 §7.1: a compact JWS has three dot-separated parts.
    NotCompactJws { parts: usize },
    /// RFC 7516 §7.1: five parts is an encrypted JWE, which this app cannot read.
    Encrypted,
    /// RFC 7515 §2: each part is base64url without padding.
    Base64 { part: JwtPart },
    /// RFC 7519 §7.2: header and claims are JSON objects.
    NotJsonObject { part: JwtPart },
    /// RFC 7519 §4 / RFC 7515 §4: member names must be unique; a repeated one is refused.
    DuplicateMember { part: JwtPart, name: String },
    /// RFC 7515 §4.1.1: the header MUST have a string `alg`.
    MissingAlg,
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotCompactJws { parts } => write!(
                f,
                "not a JWT: expected 3 dot-separated parts (RFC 7515 §7.1), found {parts}"
            ),
            Self::Encrypted => f.write_str(
                "the token is encrypted (JWE, 5 parts): this app reads only signed tokens; turn \
                 off token encryption for the app registration",
            ),
            Self::Base64 { part } => {
                write!(
                    f,
                    "JWT {part} is not base64url without padding (RFC 7515 §2)"
                )
            }
            Self::NotJsonObject { part } => {
                write!(f, "JWT {part} is not a JSON object (RFC 7519 §7.2)")
            }
            Self::DuplicateMember { part, name } => write!(
                f,
                "JWT {part} repeats the member {name:?} (RFC 7519 §4): refused as ambiguous"
            ),
            Self::MissingAlg => f.write_str("JWT header lacks a string \"alg\" (RFC 7515 §4.1.1)"),
        }
    }
}

impl std::error::Error for JwtError {}

/// JSON object members in the order the token has them, names unique.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClaimSet(Vec<(String, Value)>);

impl ClaimSet {
    /// The value of a member.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// `(name, value)` in token order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// How many members.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A string member, if it is a string.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// `from_str`, as every other JSON reader: one instantiation of serde_json's parser.
    fn parse(json: &str, part: JwtPart) -> Result<Self, JwtError> {
        let ordered: OrderedObject =
            serde_json::from_str(json).map_err(|_| JwtError::NotJsonObject { part })?;
        match ordered.duplicate {
            Some(name) => Err(JwtError::DuplicateMember { part, name }),
            None => Ok(Self(ordered.members)),
        }
    }
}

struct OrderedObject {
    members: Vec<(String, Value)>,
    duplicate: Option<String>,
}

impl<'de> Deserialize<'de> for OrderedObject {
    /// `deserialize_any` with every other JSON type refused here: `deserialize_map` would word
    /// its refusal with serde's "invalid type" machinery, code the bundle needs for nothing else.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OrderedVisitor)
    }
}

fn not_an_object<E: serde::de::Error>() -> E {
    E::custom("not a JSON object")
}

struct OrderedVisitor;

impl<'de> Visitor<'de> for OrderedVisitor {
    type Value = OrderedObject;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<OrderedObject, E> {
        Err(not_an_object())
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<OrderedObject, E> {
        Err(not_an_object())
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<OrderedObject, E> {
        Err(not_an_object())
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<OrderedObject, E> {
        Err(not_an_object())
    }

    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<OrderedObject, E> {
        Err(not_an_object())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<OrderedObject, E> {
        Err(not_an_object())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<OrderedObject, A::Error> {
        Err(not_an_object())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedObject, A::Error> {
        let mut members: Vec<(String, Value)> = Vec::new();
        let mut duplicate = None;
        while let Some((name, value)) = map.next_entry::<String, Value>()? {
            if duplicate.is_none() && members.iter().any(|(n, _)| *n == name) {
                duplicate = Some(name.clone());
            }
            members.push((name, value));
        }
        Ok(OrderedObject { members, duplicate })
    }
}

/// The JOSE header (RFC 7515 §4): `alg`, `kid`, `typ`, and every member in order.
#[derive(Debug, Clone, PartialEq)]
pub struct JoseHeader {
    /// `alg`, as written (`none`, `HS256`, `RS256`…).
    pub alg: String,
    /// `kid`, if a string.
    pub kid: Option<String>,
    /// `typ`, if a string.
    pub typ: Option<String>,
    /// All members, in order.
    pub members: ClaimSet,
}

/// A decoded compact JWS. Nothing in it has been verified.
#[derive(Clone, PartialEq)]
pub struct DecodedJwt {
    /// The header.
    pub header: JoseHeader,
    /// The header JSON text, as decoded.
    pub header_json: String,
    /// The claims, in order.
    pub claims: ClaimSet,
    /// The claims JSON text, as decoded.
    pub payload_json: String,
    /// `BASE64URL(header) '.' BASE64URL(payload)`: the ASCII bytes the signature covers.
    pub signing_input: String,
    /// The signature bytes (empty for `alg: none`).
    pub signature: Vec<u8>,
}

impl fmt::Debug for DecodedJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodedJwt")
            .field("header", &self.header)
            .field("claims", &self.claims)
            .field("signature_len", &self.signature.len())
            .finish()
    }
}

fn b64(part: JwtPart, text: &str) -> Result<Vec<u8>, JwtError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| JwtError::Base64 { part })
}

fn text(part: JwtPart, bytes: Vec<u8>) -> Result<String, JwtError> {
    String::from_utf8(bytes).map_err(|_| JwtError::NotJsonObject { part })
}

/// Decodes a compact JWS: three base64url parts, JSON-object header with `alg`, JSON-object claims.
pub fn decode_jwt(token: &str) -> Result<DecodedJwt, JwtError> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let [header_b64, payload_b64, signature_b64] = parts.as_slice() else {
        return Err(match parts.len() {
            5 => JwtError::Encrypted,
            parts => JwtError::NotCompactJws { parts },
        });
    };
    let header_json = text(JwtPart::Header, b64(JwtPart::Header, header_b64)?)?;
    let members = ClaimSet::parse(&header_json, JwtPart::Header)?;
    let payload_json = text(JwtPart::Payload, b64(JwtPart::Payload, payload_b64)?)?;
    let claims = ClaimSet::parse(&payload_json, JwtPart::Payload)?;
    let signature = b64(JwtPart::Signature, signature_b64)?;
    let alg = members.str("alg").ok_or(JwtError::MissingAlg)?.to_owned();
    let header = JoseHeader {
        alg,
        kid: members.str("kid").map(str::to_owned),
        typ: members.str("typ").map(str::to_owned),
        members,
    };
    Ok(DecodedJwt {
        header,
        header_json,
        claims,
        payload_json,
        signing_input: format!("{header_b64}.{payload_b64}"),
        signature,
    })
}

/// What the page shows about the access token.
pub const ACCESS_TOKEN_NOTE: &str = "The access token is for the API, not for this app to \
    validate: its header and claims are shown decoded, without any check.";

/// The access token's header and claims, decoded without validation.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedAccessToken {
    /// The header.
    pub header: JoseHeader,
    /// The header JSON text.
    pub header_json: String,
    /// The claims, in order.
    pub claims: ClaimSet,
    /// The claims JSON text.
    pub payload_json: String,
}

/// Decodes the access token for display — for the API, not for this app to validate. An opaque
/// (non-JWT) access token is an error the page can show as "opaque".
pub fn decode_access_token(token: &AccessToken) -> Result<DecodedAccessToken, JwtError> {
    let jwt = decode_jwt(token.secret())?;
    Ok(DecodedAccessToken {
        header: jwt.header,
        header_json: jwt.header_json,
        claims: jwt.claims,
        payload_json: jwt.payload_json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    fn token(header: &str, payload: &str) -> String {
        format!("{}.{}.{}", enc(header), enc(payload), enc("sig"))
    }

    #[test]
    fn decodes_header_claims_in_token_order_and_the_signing_input() {
        let t = token(
            r#"{"typ":"JWT","alg":"RS256","kid":"k1"}"#,
            r#"{"sub":"s","aud":"a","iss":"i","exp":2}"#,
        );
        let jwt = decode_jwt(&t).unwrap();
        assert_eq!(jwt.header.alg, "RS256");
        assert_eq!(jwt.header.kid.as_deref(), Some("k1"));
        let names: Vec<&str> = jwt.claims.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["sub", "aud", "iss", "exp"]);
        assert_eq!(jwt.signature, b"sig");
        let dot = t.rfind('.').unwrap();
        assert_eq!(jwt.signing_input, &t[..dot]);
    }

    #[test]
    fn decodes_an_alg_none_token_with_empty_signature() {
        let t = format!("{}.{}.", enc(r#"{"alg":"none"}"#), enc("{}"));
        let jwt = decode_jwt(&t).unwrap();
        assert_eq!(jwt.header.alg, "none");
        assert!(jwt.signature.is_empty());
    }

    #[test]
    fn rejects_wrong_part_counts_and_names_encrypted_tokens() {
        assert_eq!(decode_jwt("abc"), Err(JwtError::NotCompactJws { parts: 1 }));
        assert_eq!(decode_jwt("a.b.c.d.e"), Err(JwtError::Encrypted));
    }

    #[test]
    fn rejects_bad_base64_non_json_and_missing_alg() {
        assert_eq!(
            decode_jwt("!!.e30.c2ln"),
            Err(JwtError::Base64 {
                part: JwtPart::Header
            })
        );
        assert_eq!(
            decode_jwt(&format!("{}.{}.", enc(r#"{"alg":"RS256"}"#), enc("[1]"))),
            Err(JwtError::NotJsonObject {
                part: JwtPart::Payload
            })
        );
        assert_eq!(
            decode_jwt(&format!("{}.{}.", enc(r#"{"alg":5}"#), enc("{}"))),
            Err(JwtError::MissingAlg)
        );
        for not_object in [
            "null",
            "true",
            "-1",
            "18446744073709551615",
            "1.5",
            "\"x\"",
            "[]",
            "{",
        ] {
            assert_eq!(
                decode_jwt(&format!("{}.{}.", enc(not_object), enc("{}"))),
                Err(JwtError::NotJsonObject {
                    part: JwtPart::Header
                }),
                "{not_object}"
            );
        }
    }

    #[test]
    fn rejects_a_repeated_claim_name() {
        let t = token(r#"{"alg":"RS256"}"#, r#"{"sub":"a","sub":"b"}"#);
        assert_eq!(
            decode_jwt(&t),
            Err(JwtError::DuplicateMember {
                part: JwtPart::Payload,
                name: "sub".to_owned()
            })
        );
    }

    #[test]
    fn decodes_an_access_token_without_validation() {
        let t = token(
            r#"{"typ":"JWT","alg":"RS256","nonce":"abc"}"#,
            r#"{"aud":"api://x","scp":"read"}"#,
        );
        let decoded = decode_access_token(&AccessToken::new(t)).unwrap();
        assert_eq!(decoded.claims.str("scp"), Some("read"));
        assert!(matches!(
            decode_access_token(&AccessToken::new("opaque")),
            Err(JwtError::NotCompactJws { parts: 1 })
        ));
    }
}
