//! Tokens: ID and access token claims as Entra writes them, JWT signing, the claim faults, and verification of
//! tokens this tenant issued.

use crate::clock::UnixTime;
use crate::faults::Fault;
use crate::ids::{aio, b64url, guid, opaque, rh};
use crate::keys::{rs256, KeyError, SigningKey};
use crate::store::User;
use jsonwebtoken::{Algorithm, EncodingKey, Validation};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The application id of Microsoft Graph: the audience of access tokens requested with OIDC scopes only.
pub(crate) const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The scopes of OpenID Connect itself; the others name an API.
const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// The pairwise `sub` (Entra's is per user and application): base64url SHA-256 of the user's oid and the client id.
pub(crate) fn pairwise_sub(user_oid: &str, client_id: &str, salt: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(salt.as_bytes());
    hash.update(user_oid.as_bytes());
    hash.update(b"|");
    hash.update(client_id.to_ascii_lowercase().as_bytes());
    b64url(&hash.finalize())
}

/// What the claims of one token response are made from.
pub(crate) struct Grant<'a> {
    pub(crate) issuer: &'a str,
    pub(crate) tenant_id: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) user: &'a User,
    pub(crate) scopes: &'a [String],
    pub(crate) nonce: Option<&'a str>,
    pub(crate) sid: &'a str,
    pub(crate) now: UnixTime,
    /// When the user signed in: the start of the refresh-token chain.
    pub(crate) authenticated_at: UnixTime,
    pub(crate) id_token_lifetime: i64,
    pub(crate) access_token_lifetime: i64,
}

impl Grant<'_> {
    fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// The claims both tokens start with, in Entra's order: `ver`, `iss`, `sub`, `aud`, `exp`, `iat`, `nbf`.
    fn common_claims(&self, audience: Value, lifetime: i64) -> Map<String, Value> {
        let mut claims = Map::new();
        claims.insert("ver".into(), json!("2.0"));
        claims.insert("iss".into(), json!(self.issuer));
        claims.insert(
            "sub".into(),
            json!(pairwise_sub(&self.user.oid, self.client_id, "")),
        );
        claims.insert("aud".into(), audience);
        claims.insert("exp".into(), json!(self.now + lifetime));
        claims.insert("iat".into(), json!(self.now));
        claims.insert("nbf".into(), json!(self.now));
        claims
    }

    /// ID token claims (Entra v2.0, "ID token claims reference"): the opaque `aio` and `rh` always; `oid`, `name`
    /// and `preferred_username` with the `profile` scope; `email` with `email`.
    pub(crate) fn id_token_claims(&self) -> Map<String, Value> {
        let mut claims = self.common_claims(json!(self.client_id), self.id_token_lifetime);
        claims.insert("aio".into(), json!(aio()));
        if let Some(nonce) = self.nonce {
            claims.insert("nonce".into(), json!(nonce));
        }
        if self.has_scope("profile") {
            claims.insert("oid".into(), json!(self.user.oid));
        }
        claims.insert("rh".into(), json!(rh()));
        claims.insert("tid".into(), json!(self.tenant_id));
        claims.insert("sid".into(), json!(self.sid));
        claims.insert("uti".into(), json!(&opaque()[..22]));
        if self.has_scope("profile") {
            claims.insert("name".into(), json!(self.user.display_name));
            claims.insert("preferred_username".into(), json!(self.user.email));
        }
        if self.has_scope("email") {
            claims.insert("email".into(), json!(self.user.email));
        }
        claims
    }

    /// Access token claims: for the API named by a non-OIDC scope, else for Microsoft Graph.
    pub(crate) fn access_token_claims(&self) -> Map<String, Value> {
        let api_scope = self
            .scopes
            .iter()
            .find(|s| !OIDC_SCOPES.contains(&s.as_str()));
        let audience = match api_scope {
            Some(scope) if scope.contains('/') => {
                scope.rsplit_once('/').map(|(aud, _)| aud).unwrap_or(scope)
            }
            _ => GRAPH_APP_ID,
        };
        let scp: Vec<&str> = self
            .scopes
            .iter()
            .map(|s| s.rsplit_once('/').map(|(_, name)| name).unwrap_or(s))
            .filter(|s| *s != "offline_access")
            .collect();
        let mut claims = self.common_claims(json!(audience), self.access_token_lifetime);
        claims.insert("azp".into(), json!(self.client_id));
        claims.insert("oid".into(), json!(self.user.oid));
        claims.insert("tid".into(), json!(self.tenant_id));
        claims.insert("sid".into(), json!(self.sid));
        claims.insert("scp".into(), json!(scp.join(" ")));
        claims.insert("name".into(), json!(self.user.display_name));
        claims.insert("preferred_username".into(), json!(self.user.email));
        claims.insert("uti".into(), json!(&opaque()[..22]));
        claims
    }
}

/// Changes ID token claims as the claim faults say.
pub(crate) fn apply_claim_faults(
    claims: &mut Map<String, Value>,
    faults: &[Fault],
    grant: &Grant<'_>,
) {
    for &fault in faults {
        apply_identity_fault(claims, fault, grant);
        apply_time_fault(claims, fault, grant);
        apply_nonce_fault(claims, fault);
    }
}

/// The faults of who issued the token, for whom and about whom: `iss`, `aud`, `azp`, `sub`.
fn apply_identity_fault(claims: &mut Map<String, Value>, fault: Fault, grant: &Grant<'_>) {
    match fault {
        Fault::WrongIss => {
            let other = guid();
            claims.insert(
                "iss".into(),
                json!(grant.issuer.replace(grant.tenant_id, &other)),
            );
        }
        Fault::WrongAud => {
            claims.insert("aud".into(), json!(guid()));
        }
        Fault::ExtraAudWithoutAzp => {
            claims.insert("aud".into(), json!([grant.client_id, guid()]));
            claims.remove("azp");
        }
        Fault::MissingSub => {
            claims.remove("sub");
        }
        Fault::MissingAud => {
            claims.remove("aud");
        }
        Fault::AzpNotClient | Fault::RefreshChangedAzp => {
            claims.insert("azp".into(), json!(guid()));
        }
        Fault::RefreshDifferentSub => {
            claims.insert(
                "sub".into(),
                json!(pairwise_sub(
                    &grant.user.oid,
                    grant.client_id,
                    "another-user"
                )),
            );
        }
        _ => {}
    }
}

/// The faults of when the token is valid: `iat`, `exp`, `nbf`.
fn apply_time_fault(claims: &mut Map<String, Value>, fault: Fault, grant: &Grant<'_>) {
    match fault {
        Fault::MissingIat => {
            claims.remove("iat");
        }
        Fault::ExpiredExp => {
            let exp = grant.now - 600;
            claims.insert("exp".into(), json!(exp));
            claims.insert("iat".into(), json!(exp - grant.id_token_lifetime));
            claims.insert("nbf".into(), json!(exp - grant.id_token_lifetime));
        }
        Fault::NbfInFuture => {
            claims.insert("nbf".into(), json!(grant.now + 3600));
        }
        Fault::IatInFuture => {
            claims.insert("iat".into(), json!(grant.now + 3600));
        }
        Fault::WithAuthTime => {
            claims.insert("auth_time".into(), json!(grant.authenticated_at));
        }
        Fault::RefreshChangedAuthTime => {
            claims.insert("auth_time".into(), json!(grant.authenticated_at + 60));
        }
        _ => {}
    }
}

/// The faults of the `nonce`.
fn apply_nonce_fault(claims: &mut Map<String, Value>, fault: Fault) {
    match fault {
        Fault::WrongNonce => {
            claims.insert(
                "nonce".into(),
                json!(format!("not-your-nonce-{}", &opaque()[..16])),
            );
        }
        Fault::RefreshNonceOmitted | Fault::MissingNonce => {
            claims.remove("nonce");
        }
        Fault::RefreshNonceChanged => {
            claims.insert("nonce".into(), json!(opaque()));
        }
        _ => {}
    }
}

/// How a token is signed.
pub(crate) enum Signature {
    /// RS256 with `key`, announcing `kid` (which may name another key, or be absent).
    Rs256 {
        key: SigningKey,
        kid: Option<String>,
    },
    /// `alg: none`, empty signature.
    None,
    /// HS256 keyed with `secret`.
    Hs256 {
        secret: Vec<u8>,
        kid: Option<String>,
    },
}

/// The `crit` extension of the `crit_header` fault: a name no client can understand.
const UNKNOWN_CRITICAL_EXTENSION: &str = "urn:dev-tenant:must-understand";

/// A compact JWS: `header.claims.signature`.
pub(crate) fn encode(
    claims: &Map<String, Value>,
    signature: &Signature,
) -> Result<String, KeyError> {
    encode_shaped(claims, signature, &[])
}

/// [`encode`], with what the encoding faults among `faults` change: the header's `typ` and `crit`, a repeated
/// `sub`, or five JWE-shaped parts instead of a JWS.
pub(crate) fn encode_shaped(
    claims: &Map<String, Value>,
    signature: &Signature,
    faults: &[Fault],
) -> Result<String, KeyError> {
    let (alg, kid) = match signature {
        Signature::Rs256 { kid, .. } => ("RS256", kid.as_deref()),
        Signature::None => ("none", None),
        Signature::Hs256 { kid, .. } => ("HS256", kid.as_deref()),
    };
    if faults.contains(&Fault::IdTokenJwe) {
        return Ok(jwe_shaped(kid));
    }
    let mut header = Map::new();
    let typ = match faults.contains(&Fault::TypNotJwt) {
        true => "at+jwt",
        false => "JWT",
    };
    header.insert("typ".into(), json!(typ));
    header.insert("alg".into(), json!(alg));
    if let Some(kid) = kid {
        header.insert("kid".into(), json!(kid));
    }
    if faults.contains(&Fault::CritHeader) {
        header.insert("crit".into(), json!([UNKNOWN_CRITICAL_EXTENSION]));
        header.insert(UNKNOWN_CRITICAL_EXTENSION.into(), json!(true));
    }
    let mut payload = Value::Object(claims.clone()).to_string();
    if faults.contains(&Fault::DuplicateSub) {
        payload = with_repeated_member(
            &payload,
            "sub",
            &json!(format!("another-user-{}", &opaque()[..16])),
        );
    }
    let header = b64url(Value::Object(header).to_string().as_bytes());
    let payload = b64url(payload.as_bytes());
    let signing_input = format!("{header}.{payload}");
    let signature = match signature {
        Signature::Rs256 { key, .. } => {
            b64url(&rs256(signing_input.as_bytes(), &key.encoding_key())?)
        }
        Signature::None => String::new(),
        Signature::Hs256 { secret, .. } => {
            let key = EncodingKey::from_secret(secret)
                .map_err(|e| KeyError::from_message(format!("HMAC key: {e}")))?;
            jsonwebtoken::crypto::sign(signing_input.as_bytes(), &key, Algorithm::HS256)
                .map_err(|e| KeyError::from_message(format!("HMAC: {e}")))?
        }
    };
    Ok(format!("{signing_input}.{signature}"))
}

/// `object` (a serialized JSON object) with one more member `name`: serde_json cannot write a repeated name.
fn with_repeated_member(object: &str, name: &str, value: &Value) -> String {
    let body = object.strip_suffix('}').unwrap_or(object);
    let separator = if body.ends_with('{') { "" } else { "," };
    format!("{body}{separator}{}:{value}}}", json!(name))
}

/// Five base64url parts shaped like a compact JWE (RFC 7516 §7.1): a header naming RSA-OAEP, then random bytes.
fn jwe_shaped(kid: Option<&str>) -> String {
    let header = json!({"alg": "RSA-OAEP", "enc": "A256GCM", "kid": kid});
    let random = |len: usize| b64url(&crate::ids::random_bytes(len));
    format!(
        "{}.{}.{}.{}.{}",
        b64url(header.to_string().as_bytes()),
        random(256),
        random(12),
        random(64),
        random(16)
    )
}

/// The claims of a token this tenant signed with one of `keys` (RS256, by `kid`), whatever its `exp` and `aud`.
pub(crate) fn verify(token: &str, keys: &[SigningKey]) -> Option<Map<String, Value>> {
    let header = jsonwebtoken::decode_header(token).ok()?;
    if header.alg != Algorithm::RS256 {
        return None;
    }
    let key = keys
        .iter()
        .find(|k| Some(k.kid()) == header.kid.as_deref())?;
    let decoding = key.decoding_key();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    jsonwebtoken::decode::<Map<String, Value>>(token, &decoding, &validation)
        .ok()
        .map(|data| data.claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_sub_differs_per_client_and_is_43_chars() {
        let a = pairwise_sub("oid", "client-a", "");
        assert_eq!(a.len(), 43);
        assert_ne!(a, pairwise_sub("oid", "client-b", ""));
        assert_eq!(a, pairwise_sub("oid", "CLIENT-A", ""));
    }

    #[test]
    fn a_repeated_member_is_written_twice_in_the_payload() {
        let repeated = with_repeated_member(r#"{"sub":"a","aud":"c"}"#, "sub", &json!("b"));
        assert_eq!(repeated, r#"{"sub":"a","aud":"c","sub":"b"}"#);
        assert_eq!(
            with_repeated_member("{}", "sub", &json!("b")),
            r#"{"sub":"b"}"#
        );
    }

    #[test]
    fn a_jwe_shaped_token_has_five_parts_and_an_encryption_header() {
        let token = encode_shaped(&Map::new(), &Signature::None, &[Fault::IdTokenJwe]).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 5);
        let header =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, parts[0])
                .unwrap();
        let header: Value = serde_json::from_slice(&header).unwrap();
        assert_eq!(header["enc"], "A256GCM");
    }

    #[test]
    fn alg_none_tokens_have_an_empty_signature() {
        let token = encode(&Map::new(), &Signature::None).unwrap();
        assert!(token.ends_with('.'));
        assert_eq!(token.matches('.').count(), 2);
    }
}
