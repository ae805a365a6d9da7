//! ID token validation, OpenID Connect Core §3.1.3.7 step by step, sans-IO:
//!
//! 1. [`UnverifiedIdToken::parse`] decodes the token (a token that cannot be decoded is an error
//!    before any report).
//! 2. [`UnverifiedIdToken::select_key`] picks the JWK by `kid` and yields a [`SignatureJob`]: the
//!    browser verifies it with Web Crypto (`RSASSA-PKCS1-v1_5`, `SHA-256`); an unknown `kid`
//!    asks the browser to refetch the JWKS once and call
//!    [`UnverifiedIdToken::select_key_after_refetch`].
//! 3. [`validate`] runs every check — even after one fails — records each in a
//!    [`ValidationReport`], and returns a [`ValidatedIdToken`] only if all passed. Only a
//!    `ValidatedIdToken` exposes typed claims, so unverified claims cannot reach the profile view.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse};
use serde_json::Value;

use super::claims::{numeric_date, Audience, IdTokenClaims};
use super::json::compact;
use super::jwt::{decode_jwt, ClaimSet, DecodedJwt, JoseHeader, JwtError};
use super::report::ValidationReport;
use super::values::{ClientId, IssuerUrl, Nonce, RawIdToken};

/// Clock skew tolerated on `exp`, `iat` and `nbf`: 5 minutes.
pub const CLOCK_SKEW_LEEWAY_SECS: i64 = 300;

/// The only accepted signing algorithm (Discovery §3 default; what Entra uses).
pub const EXPECTED_ALG: &str = "RS256";

/// Web Crypto's name for RS256: `RSASSA-PKCS1-v1_5` with hash `SHA-256`.
pub const WEB_CRYPTO_ALGORITHM: &str = "RSASSA-PKCS1-v1_5";

/// The hash for [`WEB_CRYPTO_ALGORITHM`].
pub const WEB_CRYPTO_HASH: &str = "SHA-256";

/// RFC 7518 §3.3: RSA keys of 2048 bits or larger.
pub const MIN_RSA_BITS: usize = 2048;

/// An ID token as received: decoded, nothing verified. Its claims are not exposed as typed
/// values; only the JSON text, for showing next to a failed report.
#[derive(Debug, Clone)]
pub struct UnverifiedIdToken {
    raw: RawIdToken,
    jwt: DecodedJwt,
}

/// The public RSA key to import with `subtle.importKey("jwk", …)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RsaVerificationKey {
    /// `kid`, if the JWK has one.
    pub kid: Option<String>,
    /// `n`: modulus, base64url.
    pub n: String,
    /// `e`: exponent, base64url.
    pub e: String,
    /// The modulus size in bits.
    pub modulus_bits: usize,
}

impl RsaVerificationKey {
    /// The JWK JSON for `subtle.importKey("jwk", JSON.parse(..), {name: "RSASSA-PKCS1-v1_5",
    /// hash: "SHA-256"}, false, ["verify"])`.
    pub fn web_crypto_jwk_json(&self) -> String {
        serde_json::json!({
            "kty": "RSA",
            "n": self.n,
            "e": self.e,
            "alg": EXPECTED_ALG,
            "ext": true,
        })
        .to_string()
    }
}

/// What the browser must verify: `subtle.verify(alg, key, signature, signing_input)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureJob {
    signing_input: Vec<u8>,
    signature: Vec<u8>,
    key: RsaVerificationKey,
}

impl SignatureJob {
    /// The ASCII bytes `BASE64URL(header) '.' BASE64URL(payload)` (RFC 7515 §5.2 step 8).
    pub fn signing_input(&self) -> &[u8] {
        &self.signing_input
    }

    /// The decoded signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The selected key.
    pub fn key(&self) -> &RsaVerificationKey {
        &self.key
    }
}

/// Why no key can verify this token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRejection {
    /// Core §3.1.3.7 step 7, RFC 8725 §3.1: only RS256; never `none`, HS*, or others.
    AlgorithmNotAllowed { found: String },
    /// RFC 7515 §4.1.4: the `kid` is not in the JWKS, even after refetching it.
    UnknownKid { kid: String },
    /// RFC 7517 §4.5: several keys share the `kid`.
    AmbiguousKid { kid: String, count: usize },
    /// Core §10.1: without `kid`, the JWKS must hold exactly one key.
    NoKidWithSeveralKeys { count: usize },
    /// The JWKS is empty.
    EmptyKeySet,
    /// RFC 7517 §4.2: `use` is present and is not `sig`.
    NotForSignatures { kid: Option<String>, found: String },
    /// RFC 7517 §4.4: the JWK's `alg` is present and is not RS256.
    KeyAlgorithm { kid: Option<String>, found: String },
    /// RFC 7517 §4.1: `kty` is not `RSA`.
    NotRsa { kid: Option<String>, found: String },
    /// RFC 7518 §6.3.1: `n`/`e` are not base64url.
    BadKeyEncoding { kid: Option<String> },
    /// RFC 7518 §3.3: the key is smaller than 2048 bits.
    KeyTooSmall { kid: Option<String>, bits: usize },
}

fn kid_text(kid: &Option<String>) -> String {
    kid.as_ref()
        .map_or("(no kid)".to_owned(), |k| format!("kid {k:?}"))
}

impl fmt::Display for KeyRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AlgorithmNotAllowed { found } => {
                write!(f, "alg {found:?} is not allowed; only RS256 is accepted")
            }
            Self::UnknownKid { kid } => {
                write!(f, "kid {kid:?} is not in the issuer's JWKS, even after refetching it")
            }
            Self::AmbiguousKid { kid, count } => {
                write!(f, "{count} keys in the JWKS share kid {kid:?}")
            }
            Self::NoKidWithSeveralKeys { count } => write!(
                f,
                "the token has no kid and the JWKS holds {count} keys (Core §10.1 requires a kid)"
            ),
            Self::EmptyKeySet => f.write_str("the issuer's JWKS holds no keys"),
            Self::NotForSignatures { kid, found } => {
                write!(f, "key {} has use {found:?}, not \"sig\"", kid_text(kid))
            }
            Self::KeyAlgorithm { kid, found } => {
                write!(f, "key {} is for alg {found:?}, not RS256", kid_text(kid))
            }
            Self::NotRsa { kid, found } => {
                write!(f, "key {} has kty {found:?}, not \"RSA\"", kid_text(kid))
            }
            Self::BadKeyEncoding { kid } => {
                write!(f, "key {} has n or e that is not base64url", kid_text(kid))
            }
            Self::KeyTooSmall { kid, bits } => write!(
                f,
                "key {} has {bits} bits; RSA keys must have at least {MIN_RSA_BITS} (RFC 7518 §3.3)",
                kid_text(kid)
            ),
        }
    }
}

/// The outcome of key selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySelection {
    /// A usable key: verify the job with Web Crypto.
    Selected(SignatureJob),
    /// The `kid` is not in this JWKS: refetch the JWKS once, then call
    /// [`UnverifiedIdToken::select_key_after_refetch`].
    UnknownKid(String),
    /// No key can verify this token: pass `SignatureOutcome::NoUsableKey` to [`validate`].
    Rejected(KeyRejection),
}

/// What Web Crypto answered, as the browser layer reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureOutcome {
    /// `subtle.verify` resolved `true`.
    Verified,
    /// `subtle.verify` resolved `false`.
    Invalid,
    /// `subtle.importKey` or `subtle.verify` rejected; the message.
    Error(String),
    /// Key selection found no usable key, so nothing was verified.
    NoUsableKey(KeyRejection),
}

impl SignatureOutcome {
    /// From Web Crypto's answer: `Ok(true)`, `Ok(false)`, or the exception's message.
    pub fn from_web_crypto(result: Result<bool, String>) -> Self {
        match result {
            Ok(true) => Self::Verified,
            Ok(false) => Self::Invalid,
            Err(message) => Self::Error(message),
        }
    }
}

impl UnverifiedIdToken {
    /// Decodes a compact JWS ID token. Fails only if it cannot be decoded at all.
    pub fn parse(token: &str) -> Result<Self, JwtError> {
        Ok(Self {
            jwt: decode_jwt(token)?,
            raw: RawIdToken::new(token.trim()),
        })
    }

    /// The JOSE header.
    pub fn header(&self) -> &JoseHeader {
        &self.jwt.header
    }

    /// The header JSON text.
    pub fn header_json(&self) -> &str {
        &self.jwt.header_json
    }

    /// The payload JSON text, NOT verified: only for showing next to a failed report.
    pub fn unverified_payload_json(&self) -> &str {
        &self.jwt.payload_json
    }

    /// Selects the verification key by `kid` (RFC 7515 §4.1.4) after checking `alg` is RS256.
    pub fn select_key(&self, jwks: &JwkSet) -> KeySelection {
        match self.find_key(jwks) {
            Ok(key) => KeySelection::Selected(self.job(key)),
            Err(KeyRejection::UnknownKid { kid }) => KeySelection::UnknownKid(kid),
            Err(rejection) => KeySelection::Rejected(rejection),
        }
    }

    /// Key selection with the refetched JWKS: an unknown `kid` is now final.
    pub fn select_key_after_refetch(&self, jwks: &JwkSet) -> Result<SignatureJob, KeyRejection> {
        self.find_key(jwks).map(|key| self.job(key))
    }

    fn job(&self, key: RsaVerificationKey) -> SignatureJob {
        SignatureJob {
            signing_input: self.jwt.signing_input.as_bytes().to_vec(),
            signature: self.jwt.signature.clone(),
            key,
        }
    }

    fn find_key(&self, jwks: &JwkSet) -> Result<RsaVerificationKey, KeyRejection> {
        let alg = &self.jwt.header.alg;
        if alg != EXPECTED_ALG {
            return Err(KeyRejection::AlgorithmNotAllowed { found: alg.clone() });
        }
        match &self.jwt.header.kid {
            Some(kid) => key_by_kid(jwks, kid),
            None => only_key(jwks),
        }
        .and_then(usable_rsa_key)
    }
}

fn key_by_kid<'a>(jwks: &'a JwkSet, kid: &str) -> Result<&'a Jwk, KeyRejection> {
    let matching: Vec<&Jwk> = jwks
        .keys
        .iter()
        .filter(|k| k.common.key_id.as_deref() == Some(kid))
        .collect();
    match matching.as_slice() {
        [] => Err(KeyRejection::UnknownKid {
            kid: kid.to_owned(),
        }),
        [key] => Ok(key),
        several => Err(KeyRejection::AmbiguousKid {
            kid: kid.to_owned(),
            count: several.len(),
        }),
    }
}

fn only_key(jwks: &JwkSet) -> Result<&Jwk, KeyRejection> {
    match jwks.keys.as_slice() {
        [] => Err(KeyRejection::EmptyKeySet),
        [key] => Ok(key),
        several => Err(KeyRejection::NoKidWithSeveralKeys {
            count: several.len(),
        }),
    }
}

pub(crate) fn kty_name(params: &AlgorithmParameters) -> String {
    match params {
        AlgorithmParameters::RSA(_) => "RSA".to_owned(),
        AlgorithmParameters::EllipticCurve(_) => "EC".to_owned(),
        AlgorithmParameters::OctetKey(_) => "oct".to_owned(),
        AlgorithmParameters::OctetKeyPair(_) => "OKP".to_owned(),
        AlgorithmParameters::Other(other) => {
            other.fields.get("kty").map_or("(none)".to_owned(), compact)
        }
        _ => "(unknown)".to_owned(),
    }
}

pub(crate) fn usable_rsa_key(jwk: &Jwk) -> Result<RsaVerificationKey, KeyRejection> {
    let kid = jwk.common.key_id.clone();
    match &jwk.common.public_key_use {
        None | Some(PublicKeyUse::Signature) => {}
        Some(PublicKeyUse::Encryption) => {
            let found = "enc".to_owned();
            return Err(KeyRejection::NotForSignatures { kid, found });
        }
        Some(PublicKeyUse::Other(found)) => {
            let found = found.clone();
            return Err(KeyRejection::NotForSignatures { kid, found });
        }
    }
    if let Some(alg) = jwk
        .common
        .key_algorithm
        .filter(|a| *a != KeyAlgorithm::RS256)
    {
        let found = alg.to_string();
        return Err(KeyRejection::KeyAlgorithm { kid, found });
    }
    let AlgorithmParameters::RSA(rsa) = &jwk.algorithm else {
        let found = kty_name(&jwk.algorithm);
        return Err(KeyRejection::NotRsa { kid, found });
    };
    let bits = match (
        URL_SAFE_NO_PAD.decode(&rsa.n),
        URL_SAFE_NO_PAD.decode(&rsa.e),
    ) {
        (Ok(n), Ok(e)) if !e.is_empty() => modulus_bits(&n),
        _ => return Err(KeyRejection::BadKeyEncoding { kid }),
    };
    if bits < MIN_RSA_BITS {
        return Err(KeyRejection::KeyTooSmall { kid, bits });
    }
    Ok(RsaVerificationKey {
        kid,
        n: rsa.n.clone(),
        e: rsa.e.clone(),
        modulus_bits: bits,
    })
}

pub(crate) fn modulus_bits(n: &[u8]) -> usize {
    match n.iter().position(|b| *b != 0) {
        Some(i) => (n.len() - i) * 8 - n[i].leading_zeros() as usize,
        None => 0,
    }
}

/// What a refreshed ID token must repeat of the session's original one (Core §12.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalIdentity {
    /// `iss` of the original ID token.
    pub iss: Value,
    /// `sub` of the original ID token.
    pub sub: Value,
    /// `aud` of the original ID token.
    pub aud: Value,
    /// `azp` of the original ID token; when it had none, a refreshed one must have none.
    pub azp: Option<Value>,
    /// `auth_time` of the original ID token: the time of the original authentication.
    pub auth_time: Option<Value>,
    /// The nonce of the original authorization request: a refreshed ID token that carries a
    /// `nonce` (Entra repeats it) must carry this one.
    pub nonce: Option<Nonce>,
}

/// What the ID token must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectations {
    /// The discovered issuer.
    pub issuer: IssuerUrl,
    /// This app's client ID.
    pub client_id: ClientId,
    /// The nonce sent in the authorization request; `None` after a refresh (no nonce sent).
    pub nonce: Option<Nonce>,
    /// After a refresh: what the original ID token said, which must not change (Core §12.2).
    pub original: Option<OriginalIdentity>,
    /// The `max_age` of the authorization request: `auth_time` must be present and recent.
    pub max_age: Option<u64>,
}

impl Expectations {
    /// A sign-in's ID token: the nonce sent with the authorization request (§3.1.3.7).
    pub fn sign_in(issuer: IssuerUrl, client_id: ClientId, nonce: Nonce) -> Expectations {
        Expectations {
            issuer,
            client_id,
            nonce: Some(nonce),
            original: None,
            max_age: None,
        }
    }

    /// The request asked for `max_age` (Core §3.1.2.1): `auth_time` is checked against it.
    pub fn with_max_age(self, max_age: Option<u64>) -> Expectations {
        Expectations { max_age, ..self }
    }

    /// A renewed ID token: no nonce was sent; it must repeat the original (§12.2).
    pub fn renewal(
        issuer: IssuerUrl,
        client_id: ClientId,
        original: OriginalIdentity,
    ) -> Expectations {
        Expectations {
            issuer,
            client_id,
            nonce: None,
            original: Some(original),
            max_age: None,
        }
    }
}

/// An ID token whose every check passed. Only [`validate`] makes one.
#[derive(Debug, Clone)]
pub struct ValidatedIdToken {
    raw: RawIdToken,
    header: JoseHeader,
    header_json: String,
    payload_json: String,
    claim_set: ClaimSet,
    claims: IdTokenClaims,
    report: ValidationReport,
}

impl ValidatedIdToken {
    /// The typed claims, for the profile view.
    pub fn claims(&self) -> &IdTokenClaims {
        &self.claims
    }

    /// Every claim in token order, for the claims table.
    pub fn claim_set(&self) -> &ClaimSet {
        &self.claim_set
    }

    /// The report: every check, all passed.
    pub fn report(&self) -> &ValidationReport {
        &self.report
    }

    /// The JOSE header.
    pub fn header(&self) -> &JoseHeader {
        &self.header
    }

    /// The header JSON text.
    pub fn header_json(&self) -> &str {
        &self.header_json
    }

    /// The payload JSON text.
    pub fn payload_json(&self) -> &str {
        &self.payload_json
    }

    /// The token as received, e.g. for `id_token_hint` at sign-out. Masked in `Debug`.
    pub fn raw(&self) -> &RawIdToken {
        &self.raw
    }

    /// What a refreshed ID token must repeat (Core §12.2): this token's `iss`, `sub`, `aud`,
    /// `azp` and `auth_time`, and `nonce`, the nonce of the original authorization request.
    pub fn identity(&self, nonce: Option<Nonce>) -> OriginalIdentity {
        let get = |name| self.claim_set.get(name).cloned();
        OriginalIdentity {
            iss: get("iss").unwrap_or(Value::Null),
            sub: get("sub").unwrap_or(Value::Null),
            aud: get("aud").unwrap_or(Value::Null),
            azp: get("azp"),
            auth_time: get("auth_time"),
            nonce,
        }
    }
}

/// The token was rejected: the report says which checks failed, expected vs found.
#[derive(Debug, Clone)]
pub struct ValidationFailure {
    /// Every check, with at least one failed.
    pub report: ValidationReport,
    /// The header JSON text.
    pub header_json: String,
    /// The payload JSON text: NOT trustworthy, shown only to explain the failure.
    pub unverified_payload_json: String,
}

/// The checks that compare a time claim with now.
const TIME_CHECKS: [&str; 3] = ["exp", "iat", "nbf"];

impl ValidationFailure {
    /// Whether every failed check compares a time claim with now: the token is authentic and
    /// meant for this client, only no longer (or not yet) current.
    pub fn failed_only_on_time(&self) -> bool {
        let mut failures = self.report.failures().peekable();
        failures.peek().is_some() && failures.all(|c| TIME_CHECKS.contains(&c.name))
    }
}

impl fmt::Display for ValidationFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failed: Vec<String> = self
            .report
            .failures()
            .map(|c| format!("{} (expected {}, found {})", c.name, c.expected, c.found))
            .collect();
        write!(
            f,
            "ID token rejected: {} of {} checks failed: {}",
            failed.len(),
            self.report.checks().len(),
            failed.join("; ")
        )
    }
}

impl std::error::Error for ValidationFailure {}

/// Runs every check of Core §3.1.3.7 (and §12.2 after a refresh) and accepts the token only if
/// all pass. `now` is Unix seconds from the caller (`Date.now() / 1000`).
pub fn validate(
    token: UnverifiedIdToken,
    signature: SignatureOutcome,
    expected: &Expectations,
    now: i64,
) -> Result<ValidatedIdToken, ValidationFailure> {
    let claims = &token.jwt.claims;
    let mut report = ValidationReport::default();
    check_iss(&mut report, claims, &expected.issuer);
    check_aud(&mut report, claims, &expected.client_id);
    check_azp(&mut report, claims, &expected.client_id);
    check_signature(&mut report, &token.jwt.header, &signature);
    check_alg(&mut report, &token.jwt.header);
    time_checks(&mut report, claims, now);
    check_nonce(&mut report, claims, expected.nonce.as_ref());
    check_sub(&mut report, claims);
    check_crit(&mut report, &token.jwt.header);
    check_typ(&mut report, &token.jwt.header);
    if let Some(max_age) = expected.max_age {
        check_auth_time(&mut report, claims, now, max_age);
    }
    if let Some(original) = &expected.original {
        check_refresh_identity(&mut report, claims, original);
    }
    if !report.all_passed() {
        return Err(ValidationFailure {
            report,
            header_json: token.jwt.header_json,
            unverified_payload_json: token.jwt.payload_json,
        });
    }
    Ok(ValidatedIdToken {
        claims: IdTokenClaims::from_claim_set(&token.jwt.claims),
        raw: token.raw,
        header: token.jwt.header,
        header_json: token.jwt.header_json,
        payload_json: token.jwt.payload_json,
        claim_set: token.jwt.claims,
        report,
    })
}

fn shown(value: Option<&Value>) -> String {
    value.map_or("(absent)".to_owned(), compact)
}

fn quoted(s: &str) -> String {
    compact(&Value::from(s))
}

/// `1700000000 (2023-11-14 22:13:20 UTC)`.
pub fn format_unix_time(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (H. Hinnant), proleptic Gregorian calendar.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    format!("{secs} ({year:04}-{month:02}-{day:02} {h:02}:{m:02}:{s:02} UTC)")
}

fn check_iss(report: &mut ValidationReport, claims: &ClaimSet, issuer: &IssuerUrl) {
    let found = claims.get("iss");
    let passed = found.and_then(Value::as_str) == Some(issuer.as_str());
    report.push(
        "iss",
        "OpenID Connect Core §3.1.3.7 step 2: iss exactly equals the discovered issuer",
        quoted(issuer.as_str()),
        shown(found),
        passed,
    );
}

fn check_aud(report: &mut ValidationReport, claims: &ClaimSet, client_id: &ClientId) {
    let found = claims.get("aud");
    let audiences = found.and_then(Audience::from_value);
    let passed = audiences.is_some_and(|a| a.as_slice().iter().any(|x| x == client_id.as_str()));
    report.push(
        "aud",
        "OpenID Connect Core §3.1.3.7 step 3: aud contains the client ID",
        format!("contains {}", quoted(client_id.as_str())),
        shown(found),
        passed,
    );
}

fn check_azp(report: &mut ValidationReport, claims: &ClaimSet, client_id: &ClientId) {
    let several = claims
        .get("aud")
        .and_then(Audience::from_value)
        .is_some_and(|a| a.as_slice().len() > 1);
    let found = claims.get("azp");
    let (expected, passed) = match (several, found) {
        (false, None) => ("absent or the client ID (single audience)".to_owned(), true),
        (_, Some(azp)) => (
            quoted(client_id.as_str()),
            azp.as_str() == Some(client_id.as_str()),
        ),
        (true, None) => (
            format!(
                "present and {} (several audiences)",
                quoted(client_id.as_str())
            ),
            false,
        ),
    };
    report.push(
        "azp",
        "OpenID Connect Core §3.1.3.7 steps 4–5: azp with several audiences, equal to client ID",
        expected,
        shown(found),
        passed,
    );
}

fn check_signature(report: &mut ValidationReport, header: &JoseHeader, outcome: &SignatureOutcome) {
    let key = kid_text(&header.kid);
    let (found, passed) = match outcome {
        SignatureOutcome::Verified => ("verified by Web Crypto".to_owned(), true),
        SignatureOutcome::Invalid => ("INVALID: the signature does not match".to_owned(), false),
        SignatureOutcome::Error(e) => (format!("not verified: Web Crypto failed: {e}"), false),
        SignatureOutcome::NoUsableKey(r) => (format!("not verified: {r}"), false),
    };
    report.push(
        "signature",
        "OpenID Connect Core §3.1.3.7 step 6; RFC 7515 §5.2: signature by the issuer's key",
        format!("valid RSASSA-PKCS1-v1_5 SHA-256 signature by the JWKS key with {key}"),
        found,
        passed,
    );
}

fn check_alg(report: &mut ValidationReport, header: &JoseHeader) {
    report.push(
        "alg",
        "OpenID Connect Core §3.1.3.7 steps 7–8; RFC 8725 §3.1: alg is RS256 (no none, no HS*)",
        quoted(EXPECTED_ALG),
        quoted(&header.alg),
        header.alg == EXPECTED_ALG,
    );
}

/// A NumericDate claim compared with a time limit.
struct TimeRule {
    claim: &'static str,
    citation: &'static str,
    /// The expectation, completed with `= <limit>`.
    expected: String,
    limit: i64,
    absent_passes: bool,
    holds: fn(value: i64, limit: i64) -> bool,
}

fn check_time(report: &mut ValidationReport, claims: &ClaimSet, rule: TimeRule) {
    let found = claims.get(rule.claim);
    let value = found.and_then(numeric_date);
    let passed = match (found, value) {
        (None, _) => rule.absent_passes,
        (Some(_), value) => value.is_some_and(|v| (rule.holds)(v, rule.limit)),
    };
    report.push(
        rule.claim,
        rule.citation,
        format!("{} = {}", rule.expected, format_unix_time(rule.limit)),
        value.map_or_else(|| shown(found), format_unix_time),
        passed,
    );
}

fn check_exp(report: &mut ValidationReport, claims: &ClaimSet, now: i64) {
    let rule = TimeRule {
        claim: "exp",
        citation: "OpenID Connect Core §3.1.3.7 step 9: the current time is before exp",
        expected: format!("after now − {CLOCK_SKEW_LEEWAY_SECS} s"),
        limit: now.saturating_sub(CLOCK_SKEW_LEEWAY_SECS),
        absent_passes: false,
        holds: |exp, limit| exp > limit,
    };
    check_time(report, claims, rule);
}

fn check_iat(report: &mut ValidationReport, claims: &ClaimSet, now: i64) {
    let rule = TimeRule {
        claim: "iat",
        citation: "OpenID Connect Core §3.1.3.7 step 10, §2: iat present and not in the future",
        expected: format!("present, at or before now + {CLOCK_SKEW_LEEWAY_SECS} s"),
        limit: now.saturating_add(CLOCK_SKEW_LEEWAY_SECS),
        absent_passes: false,
        holds: |iat, limit| iat <= limit,
    };
    check_time(report, claims, rule);
}

fn check_nbf(report: &mut ValidationReport, claims: &ClaimSet, now: i64) {
    let rule = TimeRule {
        claim: "nbf",
        citation: "RFC 7519 §4.1.5: the token is not used before nbf",
        expected: format!("absent, or at or before now + {CLOCK_SKEW_LEEWAY_SECS} s"),
        limit: now.saturating_add(CLOCK_SKEW_LEEWAY_SECS),
        absent_passes: true,
        holds: |nbf, limit| nbf <= limit,
    };
    check_time(report, claims, rule);
}

fn check_auth_time(report: &mut ValidationReport, claims: &ClaimSet, now: i64, max_age: u64) {
    let max_age = i64::try_from(max_age).unwrap_or(i64::MAX);
    let rule = TimeRule {
        claim: "auth_time",
        citation: "OpenID Connect Core §3.1.3.7 step 13, §2: with max_age, auth_time is present \
                   and at most max_age seconds ago",
        expected: format!(
            "present, at or after now − max_age {max_age} s − {CLOCK_SKEW_LEEWAY_SECS} s"
        ),
        limit: now
            .saturating_sub(max_age)
            .saturating_sub(CLOCK_SKEW_LEEWAY_SECS),
        absent_passes: false,
        holds: |auth_time, limit| auth_time >= limit,
    };
    check_time(report, claims, rule);
}

fn check_nonce(report: &mut ValidationReport, claims: &ClaimSet, expected: Option<&Nonce>) {
    let found = claims.get("nonce");
    let (expected_text, passed) = match expected {
        Some(nonce) => (
            quoted(nonce.as_str()),
            found.and_then(Value::as_str) == Some(nonce.as_str()),
        ),
        None => ("not checked: no nonce was sent (refresh)".to_owned(), true),
    };
    report.push(
        "nonce",
        "OpenID Connect Core §3.1.3.7 step 11: nonce equals the one sent",
        expected_text,
        shown(found),
        passed,
    );
}

fn check_sub(report: &mut ValidationReport, claims: &ClaimSet) {
    let found = claims.get("sub");
    let passed = found
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty() && s.len() <= 255 && s.is_ascii());
    report.push(
        "sub",
        "OpenID Connect Core §2: sub present, at most 255 ASCII characters",
        "a non-empty string",
        shown(found),
        passed,
    );
}

fn check_crit(report: &mut ValidationReport, header: &JoseHeader) {
    let found = header.members.get("crit");
    report.push(
        "crit",
        "RFC 7515 §4.1.11: reject critical header extensions this app does not understand",
        "absent",
        shown(found),
        found.is_none(),
    );
}

/// `typ` values that declare a plain JWT (RFC 7519 §5.1; RFC 7515 §4.1.9 lets `application/` be left out, and
/// media types compare case-insensitively). Entra's ID tokens say `JWT`.
const JWT_TYPES: [&str; 2] = ["jwt", "application/jwt"];

/// Another declared type (`at+jwt`, an RFC 9068 access token; `logout+jwt`) means a token made for another
/// purpose: accepting it as an ID token is the cross-JWT confusion of RFC 8725 §2.8, §3.11. An absent `typ` passes:
/// OpenID Connect does not require one.
fn check_typ(report: &mut ValidationReport, header: &JoseHeader) {
    let found = header.members.get("typ");
    let passed = match found {
        None => true,
        Some(typ) => typ
            .as_str()
            .is_some_and(|t| JWT_TYPES.iter().any(|j| t.eq_ignore_ascii_case(j))),
    };
    report.push(
        "typ",
        "RFC 8725 §3.11, RFC 7519 §5.1: an explicit typ declares a JWT, not another kind of token",
        "absent, or \"JWT\"",
        shown(found),
        passed,
    );
}

/// The checks that hold for any token of `issuer`, whoever it was issued to (the token
/// decoder's report): the audience and nonce are for the recipient to check.
pub(crate) fn issuer_checks(
    report: &mut ValidationReport,
    jwt: &DecodedJwt,
    issuer: &IssuerUrl,
    signature: &SignatureOutcome,
    now: i64,
) {
    check_iss(report, &jwt.claims, issuer);
    check_signature(report, &jwt.header, signature);
    check_alg(report, &jwt.header);
    time_checks(report, &jwt.claims, now);
    check_crit(report, &jwt.header);
}

/// `exp`, `iat` and `nbf` against `now`, with [`CLOCK_SKEW_LEEWAY_SECS`].
pub(crate) fn time_checks(report: &mut ValidationReport, claims: &ClaimSet, now: i64) {
    check_exp(report, claims, now);
    check_iat(report, claims, now);
    check_nbf(report, claims, now);
}

fn check_refresh_identity(
    report: &mut ValidationReport,
    claims: &ClaimSet,
    original: &OriginalIdentity,
) {
    let same = |name: &'static str, before: &Value| {
        let found = claims.get(name);
        let passed = found == Some(before) && !before.is_null();
        (compact(before), shown(found), passed)
    };
    let rows = [
        ("refresh: iss", "OpenID Connect Core §12.2: iss is the same as in the original ID token", same("iss", &original.iss)),
        ("refresh: sub", "OpenID Connect Core §12.2: sub is the same as in the original ID token", same("sub", &original.sub)),
        ("refresh: aud", "OpenID Connect Core §12.2: aud is the same as in the original ID token", same("aud", &original.aud)),
        (
            "refresh: azp",
            "OpenID Connect Core §12.2: azp is the same as in the original ID token; absent if it was absent",
            refreshed_azp(claims.get("azp"), original.azp.as_ref()),
        ),
        (
            "refresh: auth_time",
            "OpenID Connect Core §12.2: auth_time, when present, is the time of the original authentication",
            refreshed_auth_time(claims.get("auth_time"), original.auth_time.as_ref()),
        ),
        (
            "refresh: nonce",
            "OpenID Connect Core §12.2 (Entra repeats the nonce): a present nonce is the original one",
            refreshed_nonce(claims.get("nonce"), original.nonce.as_ref()),
        ),
    ];
    for (name, citation, (expected, found, passed)) in rows {
        report.push(name, citation, expected, found, passed);
    }
}

/// `(expected, found, passed)` of a §12.2 row.
type Row = (String, String, bool);

fn refreshed_azp(found: Option<&Value>, before: Option<&Value>) -> Row {
    match before {
        Some(before) => (compact(before), shown(found), found == Some(before)),
        None => (
            "absent (the original had none)".to_owned(),
            shown(found),
            found.is_none(),
        ),
    }
}

fn refreshed_auth_time(found: Option<&Value>, before: Option<&Value>) -> Row {
    match (found, before) {
        (None, _) => ("absent, or the original's".to_owned(), shown(found), true),
        (Some(found), Some(before)) => (compact(before), compact(found), found == before),
        // The original did not say when the user authenticated: nothing to compare with.
        (Some(found), None) => (
            "any: the original ID token had no auth_time".to_owned(),
            compact(found),
            true,
        ),
    }
}

fn refreshed_nonce(found: Option<&Value>, original: Option<&Nonce>) -> Row {
    let expected = match original {
        Some(nonce) => format!("absent, or {}", quoted(nonce.as_str())),
        None => "absent (the original request had no nonce)".to_owned(),
    };
    let passed = match found {
        None => true,
        Some(found) => original.is_some_and(|n| found.as_str() == Some(n.as_str())),
    };
    (expected, shown(found), passed)
}

#[cfg(test)]
#[path = "id_token_tests.rs"]
mod tests;
