//! ID token claims: the standard ones (OpenID Connect Core §2, §5.1) and Entra's, typed for the
//! profile view, plus one-line meanings for the claims table.

use serde_json::Value;

use super::jwt::ClaimSet;

/// `aud`: one audience or several (RFC 7519 §4.1.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// A single string.
    Single(String),
    /// An array of strings.
    Many(Vec<String>),
}

impl Audience {
    /// The audiences as a list.
    pub fn as_slice(&self) -> &[String] {
        match self {
            Self::Single(a) => std::slice::from_ref(a),
            Self::Many(list) => list,
        }
    }

    /// Reads `aud`: a string, or an array made only of strings.
    pub(crate) fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::String(s) => Some(Self::Single(s.clone())),
            Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(Self::Many),
            _ => None,
        }
    }
}

/// A NumericDate (RFC 7519 §2): seconds since the epoch; fractions are truncated.
pub(crate) fn numeric_date(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        _ => None,
    }
}

/// The claims of an ID token, typed. A claim of the wrong JSON type reads as absent here; the
/// validation report says what was found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdTokenClaims {
    /// `iss`: issuer.
    pub iss: Option<String>,
    /// `sub`: subject, the user's identifier for this app.
    pub sub: Option<String>,
    /// `aud`: audience.
    pub aud: Option<Audience>,
    /// `exp`: expiry.
    pub exp: Option<i64>,
    /// `iat`: issued at.
    pub iat: Option<i64>,
    /// `nbf`: not before.
    pub nbf: Option<i64>,
    /// `auth_time`: when the user authenticated.
    pub auth_time: Option<i64>,
    /// `nonce`.
    pub nonce: Option<String>,
    /// `azp`: authorized party.
    pub azp: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `given_name`.
    pub given_name: Option<String>,
    /// `family_name`.
    pub family_name: Option<String>,
    /// `preferred_username`.
    pub preferred_username: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `oid`: the user's object ID in the tenant.
    pub oid: Option<String>,
    /// `tid`: the tenant ID.
    pub tid: Option<String>,
    /// `sid`: the session ID.
    pub sid: Option<String>,
    /// `ver`: token version, `2.0`.
    pub ver: Option<String>,
    /// `idp`: the identity provider that authenticated the user.
    pub idp: Option<String>,
}

impl IdTokenClaims {
    /// The typed view of a claim set.
    pub fn from_claim_set(claims: &ClaimSet) -> Self {
        let s = |name: &str| claims.str(name).map(str::to_owned);
        let date = |name: &str| claims.get(name).and_then(numeric_date);
        Self {
            iss: s("iss"),
            sub: s("sub"),
            aud: claims.get("aud").and_then(Audience::from_value),
            exp: date("exp"),
            iat: date("iat"),
            nbf: date("nbf"),
            auth_time: date("auth_time"),
            nonce: s("nonce"),
            azp: s("azp"),
            name: s("name"),
            given_name: s("given_name"),
            family_name: s("family_name"),
            preferred_username: s("preferred_username"),
            email: s("email"),
            oid: s("oid"),
            tid: s("tid"),
            sid: s("sid"),
            ver: s("ver"),
            idp: s("idp"),
        }
    }
}

const MEANINGS: [(&str, &str); 40] = [
    (
        "iss",
        "Issuer: who issued the token; must equal the discovered issuer",
    ),
    ("sub", "Subject: the user's stable, app-specific identifier"),
    ("aud", "Audience: the client ID(s) the token is meant for"),
    (
        "exp",
        "Expiry time (Unix seconds); the token is invalid after it",
    ),
    ("iat", "Issued-at time (Unix seconds)"),
    (
        "nbf",
        "Not-before time (Unix seconds); the token is invalid before it",
    ),
    (
        "auth_time",
        "When the user actually authenticated (Unix seconds)",
    ),
    (
        "nonce",
        "Echo of the nonce this app sent; binds the token to this sign-in",
    ),
    (
        "azp",
        "Authorized party: the client the token was issued to",
    ),
    ("acr", "Authentication context class reference"),
    ("amr", "Authentication methods used (e.g. pwd, otp, mfa)"),
    (
        "at_hash",
        "Hash of the access token, binding it to this ID token",
    ),
    (
        "c_hash",
        "Hash of the authorization code, binding it to this ID token",
    ),
    ("name", "The user's display name"),
    ("given_name", "The user's first name"),
    ("family_name", "The user's last name"),
    (
        "preferred_username",
        "The name the user signs in with (email or UPN); may change",
    ),
    (
        "email",
        "The user's email address; may be unverified and may change",
    ),
    ("email_verified", "Whether the email address was verified"),
    ("phone_number", "The user's phone number"),
    ("locale", "The user's locale"),
    ("picture", "URL of the user's picture"),
    ("updated_at", "When the user's profile was last updated"),
    (
        "sid",
        "Session ID: the user's sign-in session, used for sign-out",
    ),
    (
        "oid",
        "Object ID: the user's immutable ID in this Entra tenant",
    ),
    (
        "tid",
        "Tenant ID: the Entra tenant (directory) the user signed in to",
    ),
    (
        "ver",
        "Token version: 2.0 for the Microsoft identity platform v2 endpoint",
    ),
    (
        "aio",
        "Entra internal data for token reuse; opaque, ignore it",
    ),
    ("uti", "Unique token identifier (Entra internal); opaque"),
    (
        "rh",
        "Refresh handle (Entra internal, for token revalidation); opaque",
    ),
    (
        "idp",
        "Identity provider that authenticated the user (e.g. google.com)",
    ),
    ("idtyp", "Token identity type: user or app"),
    (
        "login_hint",
        "Opaque hint to sign the same user in again (e.g. for sign-out)",
    ),
    ("upn", "User principal name"),
    ("unique_name", "Human-readable name of the user (v1 tokens)"),
    ("roles", "App roles assigned to the user"),
    ("groups", "Group object IDs the user is a member of"),
    ("wids", "Directory role template IDs assigned to the user"),
    ("xms_pl", "User's preferred language"),
    ("scp", "Scopes granted to the client (access tokens)"),
];

/// One-line meaning of a standard or Entra claim, for the claims table.
pub fn claim_meaning(name: &str) -> Option<&'static str> {
    MEANINGS.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claim_set(value: Value) -> ClaimSet {
        let token_part = serde_json::to_vec(&value).unwrap();
        let header = br#"{"alg":"RS256"}"#;
        let enc = |b: &[u8]| {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
        };
        let t = format!("{}.{}.", enc(header), enc(&token_part));
        super::super::jwt::decode_jwt(&t).unwrap().claims
    }

    #[test]
    fn reads_standard_and_entra_claims() {
        let claims = IdTokenClaims::from_claim_set(&claim_set(json!({
            "iss": "i", "sub": "s", "aud": ["a", "b"], "exp": 10, "iat": 5.9,
            "name": "Ada", "oid": "o", "tid": "t", "ver": "2.0"
        })));
        assert_eq!(
            claims.aud,
            Some(Audience::Many(vec!["a".into(), "b".into()]))
        );
        assert_eq!(claims.iat, Some(5));
        assert_eq!(claims.name.as_deref(), Some("Ada"));
        assert_eq!(claims.oid.as_deref(), Some("o"));
        assert_eq!(claims.nbf, None);
    }

    #[test]
    fn a_claim_of_the_wrong_type_reads_as_absent() {
        let claims = IdTokenClaims::from_claim_set(&claim_set(json!({"exp": "soon", "aud": [1]})));
        assert_eq!(claims.exp, None);
        assert_eq!(claims.aud, None);
    }

    #[test]
    fn single_audience_is_a_one_element_slice() {
        assert_eq!(Audience::Single("a".into()).as_slice(), ["a".to_owned()]);
    }

    #[test]
    fn knows_the_meaning_of_standard_and_entra_claims() {
        for name in [
            "iss", "sub", "oid", "tid", "sid", "ver", "aio", "uti", "rh", "idp", "at_hash",
            "c_hash",
        ] {
            assert!(claim_meaning(name).is_some(), "{name}");
        }
        assert_eq!(claim_meaning("made_up"), None);
    }
}
