//! Fault injection for the client's negative tests: named faults armed for the next token or JWKS responses.
//!
//! `POST /_dev/faults` with a JSON body arms faults, `DELETE /_dev/faults` clears them, `GET /_dev/faults` lists
//! what is armed:
//!
//! ```json
//! {"faults": ["wrong_aud", "missing_iat"], "count": 1}
//! ```
//!
//! - `faults` (required): fault names, below. Several faults in one request apply together to the same responses.
//! - `count` (default 1): how many responses the faults apply to. A token fault counts successful token responses
//!   (`refresh_different_sub`, `refresh_nonce_omitted`, `refresh_nonce_changed`: refresh-grant responses only),
//!   `token_server_error`/`token_stall` count token requests, the `jwks_*` faults count JWKS fetches, the
//!   `discovery_*` faults discovery fetches, `authorize_wrong_iss` the redirects with a code,
//!   `refresh_single_use` counts the reused refresh tokens it rejects.
//! - `stall_seconds` (default 10): how long `token_stall` waits.
//! - `withheld_fetches` (default 1): how many JWKS fetches after the token response leave out the
//!   `kid_not_yet_published` key; the fetch after those lists it.
//!
//! The ID-token faults change the `id_token` only (the access token stays valid). When several signing faults
//! (`alg_none` … `missing_kid_several_keys`) are armed, the first armed one decides how the token is signed.
//!
//! `refresh_single_use` is not an Entra behaviour but the common one of other providers: while it is armed, a
//! refresh token that was redeemed before (armed or not) is rejected with `invalid_grant` AADSTS70000. Entra keeps
//! a redeemed refresh token valid until it expires, which is what the tenant does otherwise.

use serde::Deserialize;
use serde_json::{json, Value};
use std::fmt;

/// One named fault. The JSON name is the snake_case name shown by [`Fault::name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// `iss` names another tenant.
    WrongIss,
    /// `aud` is another application's id.
    WrongAud,
    /// `aud` is an array of the client id and another id, with no `azp`.
    ExtraAudWithoutAzp,
    /// No `sub` claim.
    MissingSub,
    /// No `iat` claim.
    MissingIat,
    /// `exp` ten minutes in the past (`iat`, `nbf` one lifetime before).
    ExpiredExp,
    /// `nbf` an hour in the future.
    NbfInFuture,
    /// `iat` an hour in the future.
    IatInFuture,
    /// `nonce` differs from the authorization request's.
    WrongNonce,
    /// Header `alg: none`, empty signature.
    AlgNone,
    /// Header `alg: HS256` (with the signing key's `kid`), an HMAC-SHA256 whose secret is the bytes of the signing
    /// key's public key as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`, `\n` line endings, final `\n`).
    AlgHs256PublicKey,
    /// The published signing key's `kid`, but signed by a key the JWKS never publishes.
    UnpublishedSigningKey,
    /// Signed by a key the JWKS never publishes, with that key's own `kid`.
    UnknownKid,
    /// Signed by a new key whose `kid` the JWKS leaves out for `withheld_fetches` fetches, then publishes.
    KidNotYetPublished,
    /// No `kid` in the header; the JWKS has exactly one key (arming fails with 409 if it has several).
    MissingKidSingleKey,
    /// No `kid` in the header; the JWKS has several keys (a second one is published if needed).
    MissingKidSeveralKeys,
    /// The token endpoint answers 500 with an HTML body.
    TokenServerError,
    /// The token endpoint waits `stall_seconds` before answering.
    TokenStall,
    /// The JWKS endpoint answers 500 with an HTML body.
    JwksUnavailable,
    /// A refresh-grant ID token whose `sub` differs from the sign-in's.
    RefreshDifferentSub,
    /// A refresh token redeemed before is rejected (`invalid_grant`, AADSTS70000) instead of being accepted again.
    RefreshSingleUse,
    /// A refresh-grant ID token without the `nonce` of the authorization request.
    RefreshNonceOmitted,
    /// A refresh-grant ID token whose `nonce` is a new random value, not the authorization request's.
    RefreshNonceChanged,
    /// No `nonce` claim, though the authorization request sent one.
    MissingNonce,
    /// No `aud` claim.
    MissingAud,
    /// `azp` is present and names another application.
    AzpNotClient,
    /// The header has `crit` naming an extension no client knows.
    CritHeader,
    /// The header's `typ` is `at+jwt` (an RFC 9068 access token), not `JWT`.
    TypNotJwt,
    /// The `id_token` has the five parts of an encrypted JWE.
    IdTokenJwe,
    /// The payload has `sub` twice, the second naming another user.
    DuplicateSub,
    /// The ID token carries `auth_time` (the sign-in's time): not a fault, but what the §12.2 `auth_time` check
    /// needs, as Entra's ID tokens carry none.
    WithAuthTime,
    /// A refresh-grant ID token with an `azp` naming another application.
    RefreshChangedAzp,
    /// A refresh-grant ID token whose `auth_time` is a minute after the sign-in's.
    RefreshChangedAuthTime,
    /// The JWKS lists the signing key's `kid` as an EC key.
    JwksKeyKtyEc,
    /// The JWKS lists the signing key with `use: enc`.
    JwksKeyUseEnc,
    /// The JWKS lists the signing key with `alg: RS384`.
    JwksKeyAlgRs384,
    /// The JWKS lists the signing key's `kid` with a 1024-bit modulus.
    JwksKey1024Bits,
    /// The JWKS lists two different keys with the signing key's `kid`.
    JwksDuplicateKid,
    /// The JWKS answers 200 with a body cut off in the middle of the JSON.
    JwksMalformed,
    /// The JWKS answers without CORS headers, so a browser app cannot read it.
    JwksNoCors,
    /// Discovery names another tenant's issuer.
    DiscoveryOtherIssuer,
    /// Discovery's `token_endpoint` is `http:` on a public host.
    DiscoveryHttpEndpoint,
    /// Discovery's `id_token_signing_alg_values_supported` lacks RS256.
    DiscoveryWithoutRs256,
    /// The token response has no `id_token`.
    TokenWithoutIdToken,
    /// The token response's `token_type` is `pop`, not `Bearer`.
    TokenTypePop,
    /// The authorization response carries an RFC 9207 `iss` naming another tenant.
    AuthorizeWrongIss,
}

/// When a fault takes effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// When a token request arrives, before it is processed.
    TokenRequest,
    /// When a successful token response with an ID token is built.
    IdToken,
    /// When a successful refresh-grant response is built.
    RefreshIdToken,
    /// When a refresh token that was redeemed before is presented again.
    RefreshReuse,
    /// When the JWKS is fetched.
    Jwks,
    /// When the discovery document is fetched.
    Discovery,
    /// When a successful token response is built (its shape, not its ID token's claims).
    TokenResponse,
    /// When the authorization response is sent to the redirect URI with a code.
    Authorize,
}

impl Fault {
    /// Every fault, in the order `--help` lists them.
    pub const ALL: [Fault; 46] = [
        Fault::WrongIss,
        Fault::WrongAud,
        Fault::ExtraAudWithoutAzp,
        Fault::MissingSub,
        Fault::MissingIat,
        Fault::ExpiredExp,
        Fault::NbfInFuture,
        Fault::IatInFuture,
        Fault::WrongNonce,
        Fault::AlgNone,
        Fault::AlgHs256PublicKey,
        Fault::UnpublishedSigningKey,
        Fault::UnknownKid,
        Fault::KidNotYetPublished,
        Fault::MissingKidSingleKey,
        Fault::MissingKidSeveralKeys,
        Fault::TokenServerError,
        Fault::TokenStall,
        Fault::JwksUnavailable,
        Fault::RefreshDifferentSub,
        Fault::RefreshSingleUse,
        Fault::RefreshNonceOmitted,
        Fault::RefreshNonceChanged,
        Fault::MissingNonce,
        Fault::MissingAud,
        Fault::AzpNotClient,
        Fault::CritHeader,
        Fault::TypNotJwt,
        Fault::IdTokenJwe,
        Fault::DuplicateSub,
        Fault::WithAuthTime,
        Fault::RefreshChangedAzp,
        Fault::RefreshChangedAuthTime,
        Fault::JwksKeyKtyEc,
        Fault::JwksKeyUseEnc,
        Fault::JwksKeyAlgRs384,
        Fault::JwksKey1024Bits,
        Fault::JwksDuplicateKid,
        Fault::JwksMalformed,
        Fault::JwksNoCors,
        Fault::DiscoveryOtherIssuer,
        Fault::DiscoveryHttpEndpoint,
        Fault::DiscoveryWithoutRs256,
        Fault::TokenWithoutIdToken,
        Fault::TokenTypePop,
        Fault::AuthorizeWrongIss,
    ];

    /// The name in the JSON body.
    pub fn name(self) -> &'static str {
        match self {
            Fault::WrongIss => "wrong_iss",
            Fault::WrongAud => "wrong_aud",
            Fault::ExtraAudWithoutAzp => "extra_aud_without_azp",
            Fault::MissingSub => "missing_sub",
            Fault::MissingIat => "missing_iat",
            Fault::ExpiredExp => "expired_exp",
            Fault::NbfInFuture => "nbf_in_future",
            Fault::IatInFuture => "iat_in_future",
            Fault::WrongNonce => "wrong_nonce",
            Fault::AlgNone => "alg_none",
            Fault::AlgHs256PublicKey => "alg_hs256_public_key",
            Fault::UnpublishedSigningKey => "unpublished_signing_key",
            Fault::UnknownKid => "unknown_kid",
            Fault::KidNotYetPublished => "kid_not_yet_published",
            Fault::MissingKidSingleKey => "missing_kid_single_key",
            Fault::MissingKidSeveralKeys => "missing_kid_several_keys",
            Fault::TokenServerError => "token_server_error",
            Fault::TokenStall => "token_stall",
            Fault::JwksUnavailable => "jwks_unavailable",
            Fault::RefreshDifferentSub => "refresh_different_sub",
            Fault::RefreshSingleUse => "refresh_single_use",
            Fault::RefreshNonceOmitted => "refresh_nonce_omitted",
            Fault::RefreshNonceChanged => "refresh_nonce_changed",
            Fault::MissingNonce => "missing_nonce",
            Fault::MissingAud => "missing_aud",
            Fault::AzpNotClient => "azp_not_client",
            Fault::CritHeader => "crit_header",
            Fault::TypNotJwt => "typ_not_jwt",
            Fault::IdTokenJwe => "id_token_jwe",
            Fault::DuplicateSub => "duplicate_sub",
            Fault::WithAuthTime => "with_auth_time",
            Fault::RefreshChangedAzp => "refresh_changed_azp",
            Fault::RefreshChangedAuthTime => "refresh_changed_auth_time",
            Fault::JwksKeyKtyEc => "jwks_key_kty_ec",
            Fault::JwksKeyUseEnc => "jwks_key_use_enc",
            Fault::JwksKeyAlgRs384 => "jwks_key_alg_rs384",
            Fault::JwksKey1024Bits => "jwks_key_1024_bits",
            Fault::JwksDuplicateKid => "jwks_duplicate_kid",
            Fault::JwksMalformed => "jwks_malformed",
            Fault::JwksNoCors => "jwks_no_cors",
            Fault::DiscoveryOtherIssuer => "discovery_other_issuer",
            Fault::DiscoveryHttpEndpoint => "discovery_http_endpoint",
            Fault::DiscoveryWithoutRs256 => "discovery_without_rs256",
            Fault::TokenWithoutIdToken => "token_without_id_token",
            Fault::TokenTypePop => "token_type_pop",
            Fault::AuthorizeWrongIss => "authorize_wrong_iss",
        }
    }

    /// One line on what the fault does.
    pub fn describe(self) -> &'static str {
        match self {
            Fault::WrongIss => "id_token `iss` names another tenant",
            Fault::WrongAud => "id_token `aud` is another application's id",
            Fault::ExtraAudWithoutAzp => "id_token `aud` is [client id, another id], no `azp`",
            Fault::MissingSub => "id_token without `sub`",
            Fault::MissingIat => "id_token without `iat`",
            Fault::ExpiredExp => "id_token `exp` 10 minutes in the past",
            Fault::NbfInFuture => "id_token `nbf` 1 hour in the future",
            Fault::IatInFuture => "id_token `iat` 1 hour in the future",
            Fault::WrongNonce => "id_token `nonce` differs from the request's",
            Fault::AlgNone => "id_token header `alg: none`, empty signature",
            Fault::AlgHs256PublicKey => {
                "id_token `alg: HS256`, HMAC keyed with the signing key's public key PEM (SPKI, LF line endings)"
            }
            Fault::UnpublishedSigningKey => "id_token with the published `kid`, signed by an unpublished key",
            Fault::UnknownKid => "id_token signed by an unpublished key, with its own `kid`",
            Fault::KidNotYetPublished => {
                "id_token signed by a new key, left out of the next `withheld_fetches` JWKS fetches, then published"
            }
            Fault::MissingKidSingleKey => "id_token without `kid`, the JWKS has one key",
            Fault::MissingKidSeveralKeys => "id_token without `kid`, the JWKS has several keys",
            Fault::TokenServerError => "token endpoint answers 500 with an HTML body",
            Fault::TokenStall => "token endpoint waits `stall_seconds` before answering",
            Fault::JwksUnavailable => "JWKS endpoint answers 500 with an HTML body",
            Fault::RefreshDifferentSub => "refresh-grant id_token with a different `sub`",
            Fault::RefreshSingleUse => {
                "a refresh token redeemed before is rejected (AADSTS70000); `count` rejections"
            }
            Fault::RefreshNonceOmitted => "refresh-grant id_token without the sign-in's `nonce`",
            Fault::RefreshNonceChanged => "refresh-grant id_token with a new random `nonce`",
            Fault::MissingNonce => "id_token without `nonce`",
            Fault::MissingAud => "id_token without `aud`",
            Fault::AzpNotClient => "id_token `azp` is another application's id",
            Fault::CritHeader => "id_token header `crit` names an unknown extension",
            Fault::TypNotJwt => "id_token header `typ: at+jwt` (an access token's), not `JWT`",
            Fault::IdTokenJwe => "`id_token` has five parts, like an encrypted JWE",
            Fault::DuplicateSub => "id_token payload with `sub` twice, the second another user's",
            Fault::WithAuthTime => "id_token with `auth_time` (Entra's have none); for the auth_time checks",
            Fault::RefreshChangedAzp => "refresh-grant id_token with an `azp` of another application",
            Fault::RefreshChangedAuthTime => {
                "refresh-grant id_token `auth_time` a minute after the sign-in's"
            }
            Fault::JwksKeyKtyEc => "JWKS lists the signing `kid` as an EC key",
            Fault::JwksKeyUseEnc => "JWKS lists the signing key with `use: enc`",
            Fault::JwksKeyAlgRs384 => "JWKS lists the signing key with `alg: RS384`",
            Fault::JwksKey1024Bits => "JWKS lists the signing `kid` with a 1024-bit modulus",
            Fault::JwksDuplicateKid => "JWKS lists two different keys with the signing `kid`",
            Fault::JwksMalformed => "JWKS answers 200 with truncated JSON",
            Fault::JwksNoCors => "JWKS answers without CORS headers",
            Fault::DiscoveryOtherIssuer => "discovery `issuer` names another tenant",
            Fault::DiscoveryHttpEndpoint => "discovery `token_endpoint` is http: on a public host",
            Fault::DiscoveryWithoutRs256 => {
                "discovery `id_token_signing_alg_values_supported` is [\"PS256\"]"
            }
            Fault::TokenWithoutIdToken => "token response without `id_token`",
            Fault::TokenTypePop => "token response `token_type: pop`",
            Fault::AuthorizeWrongIss => "authorization response with an RFC 9207 `iss` of another tenant",
        }
    }

    /// The fault named `name`.
    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }

    pub(crate) fn phase(self) -> Phase {
        match self {
            Fault::TokenServerError | Fault::TokenStall => Phase::TokenRequest,
            Fault::JwksUnavailable
            | Fault::JwksKeyKtyEc
            | Fault::JwksKeyUseEnc
            | Fault::JwksKeyAlgRs384
            | Fault::JwksKey1024Bits
            | Fault::JwksDuplicateKid
            | Fault::JwksMalformed
            | Fault::JwksNoCors => Phase::Jwks,
            Fault::RefreshDifferentSub
            | Fault::RefreshNonceOmitted
            | Fault::RefreshNonceChanged
            | Fault::RefreshChangedAzp
            | Fault::RefreshChangedAuthTime => Phase::RefreshIdToken,
            Fault::DiscoveryOtherIssuer
            | Fault::DiscoveryHttpEndpoint
            | Fault::DiscoveryWithoutRs256 => Phase::Discovery,
            Fault::TokenWithoutIdToken | Fault::TokenTypePop => Phase::TokenResponse,
            Fault::AuthorizeWrongIss => Phase::Authorize,
            Fault::RefreshSingleUse => Phase::RefreshReuse,
            _ => Phase::IdToken,
        }
    }

    /// Whether the fault decides how the ID token is signed.
    pub(crate) fn is_signing(self) -> bool {
        matches!(
            self,
            Fault::AlgNone
                | Fault::AlgHs256PublicKey
                | Fault::UnpublishedSigningKey
                | Fault::UnknownKid
                | Fault::KidNotYetPublished
                | Fault::MissingKidSingleKey
                | Fault::MissingKidSeveralKeys
        )
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What `POST /_dev/faults` accepts (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultRequest {
    /// The faults to arm.
    pub faults: Vec<Fault>,
    /// How many responses they apply to.
    pub count: u32,
    /// For `token_stall`.
    pub stall_seconds: u64,
    /// For `kid_not_yet_published`.
    pub withheld_fetches: u32,
}

impl FaultRequest {
    /// `faults` for the next response, with the default parameters.
    pub fn new(faults: impl IntoIterator<Item = Fault>) -> FaultRequest {
        FaultRequest {
            faults: faults.into_iter().collect(),
            count: 1,
            stall_seconds: 10,
            withheld_fetches: 1,
        }
    }

    /// Reads the JSON body.
    pub fn from_json(body: &[u8]) -> Result<FaultRequest, FaultError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Body {
            faults: Vec<String>,
            count: Option<u32>,
            stall_seconds: Option<u64>,
            withheld_fetches: Option<u32>,
        }
        let body: Body =
            serde_json::from_slice(body).map_err(|e| FaultError::BadJson(e.to_string()))?;
        let faults = body
            .faults
            .iter()
            .map(|name| {
                Fault::from_name(name).ok_or_else(|| FaultError::UnknownFault(name.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let defaults = FaultRequest::new([]);
        let request = FaultRequest {
            faults,
            count: body.count.unwrap_or(defaults.count),
            stall_seconds: body.stall_seconds.unwrap_or(defaults.stall_seconds),
            withheld_fetches: body.withheld_fetches.unwrap_or(defaults.withheld_fetches),
        };
        if request.faults.is_empty() {
            return Err(FaultError::BadJson("`faults` is empty".into()));
        }
        if request.count == 0 {
            return Err(FaultError::BadJson("`count` must be at least 1".into()));
        }
        Ok(request)
    }
}

/// Why faults could not be armed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultError {
    /// The body is not the expected JSON.
    BadJson(String),
    /// No fault has this name.
    UnknownFault(String),
    /// The tenant's state does not allow the fault (e.g. `missing_kid_single_key` with several published keys).
    Conflict(String),
}

impl fmt::Display for FaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultError::BadJson(e) => write!(
                f,
                "bad fault request: {e}; expected {{\"faults\": [names], \"count\": 1}}"
            ),
            FaultError::UnknownFault(name) => {
                let names: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
                write!(
                    f,
                    "unknown fault `{name}`; known faults: {}",
                    names.join(", ")
                )
            }
            FaultError::Conflict(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for FaultError {}

/// One armed fault and how many more responses it applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Armed {
    pub(crate) fault: Fault,
    pub(crate) remaining: u32,
    pub(crate) stall_seconds: u64,
    pub(crate) withheld_fetches: u32,
}

/// The faults armed now.
#[derive(Debug, Default)]
pub(crate) struct ArmedFaults {
    armed: Vec<Armed>,
}

impl ArmedFaults {
    pub(crate) fn arm(&mut self, request: &FaultRequest) {
        for &fault in &request.faults {
            self.armed.retain(|a| a.fault != fault);
            self.armed.push(Armed {
                fault,
                remaining: request.count,
                stall_seconds: request.stall_seconds,
                withheld_fetches: request.withheld_fetches,
            });
        }
    }

    pub(crate) fn clear(&mut self) {
        self.armed.clear();
    }

    /// Whether `fault` is armed.
    pub(crate) fn is_armed(&self, fault: Fault) -> bool {
        self.armed.iter().any(|a| a.fault == fault)
    }

    /// The faults of `phase`, each used once.
    pub(crate) fn take(&mut self, phase: Phase) -> Vec<Armed> {
        let mut taken = Vec::new();
        for armed in &mut self.armed {
            if armed.fault.phase() == phase && armed.remaining > 0 {
                armed.remaining -= 1;
                taken.push(armed.clone());
            }
        }
        self.armed.retain(|a| a.remaining > 0);
        taken
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({
            "armed": self.armed.iter().map(|a| json!({
                "fault": a.fault.name(),
                "remaining": a.remaining,
                "stall_seconds": a.stall_seconds,
                "withheld_fetches": a.withheld_fetches,
            })).collect::<Vec<_>>()
        })
    }
}

/// The fault list for `--help`: the JSON shape and one line per fault.
pub fn help_text() -> String {
    let mut text = String::from(
        "Faults (for the client's negative tests):\n  POST /_dev/faults  {\"faults\": [\"wrong_aud\"], \"count\": 1}  arms faults for the next `count` responses\n  \
         optional fields: \"stall_seconds\" (token_stall, default 10), \"withheld_fetches\" (kid_not_yet_published, default 1)\n  \
         DELETE /_dev/faults clears them; GET /_dev/faults lists them.\n",
    );
    for fault in Fault::ALL {
        text.push_str(&format!("  {:<26} {}\n", fault.name(), fault.describe()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_name_round_trips() {
        for fault in Fault::ALL {
            assert_eq!(Fault::from_name(fault.name()), Some(fault));
            assert!(help_text().contains(fault.name()));
        }
    }

    #[test]
    fn reads_the_documented_json_shape() {
        let request = FaultRequest::from_json(
            br#"{"faults":["wrong_aud","token_stall"],"count":2,"stall_seconds":3}"#,
        );
        assert_eq!(
            request,
            Ok(FaultRequest {
                faults: vec![Fault::WrongAud, Fault::TokenStall],
                count: 2,
                stall_seconds: 3,
                withheld_fetches: 1
            })
        );
    }

    #[test]
    fn rejects_unknown_fault_names_listing_the_known_ones() {
        let error = FaultRequest::from_json(br#"{"faults":["wrong_audience"]}"#).unwrap_err();
        assert_eq!(error, FaultError::UnknownFault("wrong_audience".into()));
        assert!(error.to_string().contains("wrong_aud,"));
    }

    #[test]
    fn armed_faults_are_used_up_per_phase() {
        let mut armed = ArmedFaults::default();
        let mut request = FaultRequest::new([Fault::WrongAud, Fault::JwksUnavailable]);
        request.count = 2;
        armed.arm(&request);
        assert_eq!(armed.take(Phase::IdToken).len(), 1);
        assert_eq!(armed.take(Phase::IdToken).len(), 1);
        assert!(armed.take(Phase::IdToken).is_empty());
        assert!(armed.is_armed(Fault::JwksUnavailable));
        armed.clear();
        assert!(!armed.is_armed(Fault::JwksUnavailable));
    }
}
