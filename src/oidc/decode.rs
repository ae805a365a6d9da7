//! The token decoder's core: a pasted string (or an `#id_token=` / `#access_token=` fragment)
//! decoded into header and claims, and told whether, and against whose keys, its signature can
//! be verified; the report of those checks. Pure: the flow fetches the keys.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::discovery::{discovery_url, url_parts, IssuerRule, TenantId, CIAMLOGIN_SUFFIX};
use super::id_token::{issuer_checks, time_checks, SignatureOutcome, EXPECTED_ALG};
use super::jwt::{decode_jwt, ClaimSet, DecodedJwt, JoseHeader, JwtError};
use super::report::ValidationReport;
use super::values::{IssuerUrl, RawIdToken};

/// Entra's v1.0 issuer host (`https://sts.windows.net/{tenant}/`); its metadata is served by
/// [`ENTRA_LOGIN_HOST`], with CORS, under `/{tenant}/.well-known/openid-configuration`.
pub const ENTRA_V1_ISSUER_HOST: &str = "sts.windows.net";

/// Entra ID's v2.0 issuer host (`https://login.microsoftonline.com/{tenant}/v2.0`).
pub const ENTRA_LOGIN_HOST: &str = "login.microsoftonline.com";

/// What the decoder says about the claims it does not check.
pub const DECODER_SCOPE_NOTE: &str = "The decoder checks who signed the token and when it is \
    valid. The audience, nonce and scopes are for the app or API the token was issued to.";

/// The token the address carried: jwt.ms's fragment parameters, so that this page can be the
/// reply URL of a user flow's "Run user flow" with an ID token response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragmentToken {
    IdToken,
    AccessToken,
}

impl FragmentToken {
    /// The fragment parameter's name.
    pub fn parameter(self) -> &'static str {
        match self {
            Self::IdToken => "id_token",
            Self::AccessToken => "access_token",
        }
    }
}

/// The token of a fragment (`id_token=…&state=…`, without `#`): the ID token when there are both.
pub fn token_in_fragment(fragment: &str) -> Option<(FragmentToken, String)> {
    let params: Vec<(String, String)> = form_urlencoded::parse(fragment.as_bytes())
        .into_owned()
        .collect();
    [FragmentToken::IdToken, FragmentToken::AccessToken]
        .into_iter()
        .find_map(|kind| {
            params
                .iter()
                .find(|(name, value)| name == kind.parameter() && !value.is_empty())
                .map(|(_, value)| (kind, value.clone()))
        })
}

/// The token in what was pasted: without the surrounding quotes of a JSON value, a `Bearer `
/// prefix copied from an `Authorization` header, or the line breaks and spaces of a wrapped
/// copy (a JWT has none of its own).
pub fn pasted_token(input: &str) -> String {
    let trimmed = input.trim().trim_matches('"').trim();
    let token = match trimmed.get(..6) {
        Some(scheme) if scheme.eq_ignore_ascii_case("bearer") => {
            match trimmed[6..].strip_prefix(char::is_whitespace) {
                Some(rest) => rest,
                None => trimmed,
            }
        }
        _ => trimmed,
    };
    token.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Why nothing could be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotDecodable {
    /// Nothing was pasted.
    Empty,
    /// RFC 7516 §7.1: five parts, an encrypted JWE; its header when it is readable JSON.
    Encrypted { header_json: Option<String> },
    /// Not a compact JWS (RFC 7515 §7.1).
    NotAJwt(JwtError),
}

impl fmt::Display for NotDecodable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("nothing to decode: paste a JWT"),
            Self::Encrypted { .. } => f.write_str(
                "an encrypted token (JWE, RFC 7516: five parts) cannot be read or verified here, \
                 by design: only the app holding the decryption key can open it. To see its \
                 claims, turn off token encryption on the app registration",
            ),
            Self::NotAJwt(e) => write!(
                f,
                "{e}: paste a whole JWT, three base64url parts separated by dots, the first \
                 starting with \"eyJ\""
            ),
        }
    }
}

impl std::error::Error for NotDecodable {}

/// Why a decoded token cannot be verified by anyone but its intended recipient, by design.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ByDesign {
    /// RFC 7519 §6: `alg: none`, no signature at all.
    Unsigned,
    /// RFC 7518 §3.2: HMAC with a secret shared by issuer and recipient; no public key exists.
    SharedSecret { alg: String },
    /// A `nonce` in the header: Microsoft Graph's access tokens are signed over a hash of that
    /// nonce, so the signature over the token as it is fails for everyone but Graph.
    NonceHeader,
}

impl fmt::Display for ByDesign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unsigned => f.write_str(
                "not verifiable by design: alg \"none\" means the token is not signed (RFC 7519 \
                 §6), so anyone could have written it; never accept one",
            ),
            Self::SharedSecret { alg } => write!(
                f,
                "not verifiable by design: alg {alg:?} is an HMAC with a secret shared by the \
                 issuer and the recipient (RFC 7518 §3.2); without that secret nobody else can \
                 check it, and Entra never signs ID tokens this way"
            ),
            Self::NonceHeader => f.write_str(
                "not verifiable by design: the header has a \"nonce\", as Microsoft Graph's \
                 access tokens do; Graph signs a hash of that nonce, not the token as it is, so \
                 only Graph can validate it. Access tokens are for their API: an app should \
                 never validate a Graph token",
            ),
        }
    }
}

/// Why this page cannot verify a token that its issuer could.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CannotVerify {
    /// RFC 8725 §3.1: this page verifies RS256, Entra's algorithm, and no other.
    UnsupportedAlg { alg: String },
    /// RFC 7519 §4.1.1: without a string `iss` there is no issuer whose keys to fetch.
    NoIssuer,
    /// The issuer is not the configured tenant's, and not one this page fetches keys from.
    Issuer {
        issuer: String,
        refusal: IssuerRefusal,
    },
}

/// Why an issuer's keys are not fetched: a pasted token must not make this page contact a
/// server of the token author's choosing (a tracking beacon, or a probe of the local network).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuerRefusal {
    /// Not `https://host/path` exactly: another scheme, a port, credentials, a query or fragment.
    NotPlainHttps,
    /// Not a Microsoft Entra host.
    NotEntraHost,
    /// No tenant GUID as the first path segment, as every Entra issuer has.
    NoTenantGuid,
}

impl fmt::Display for CannotVerify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedAlg { alg } => write!(
                f,
                "cannot verify: alg {alg:?} is not {EXPECTED_ALG:?}, the only algorithm this page \
                 verifies (Entra signs its tokens with RS256)"
            ),
            Self::NoIssuer => f.write_str(
                "cannot verify: the token has no string \"iss\" claim, so there is no issuer \
                 whose keys could be fetched",
            ),
            Self::Issuer { issuer, refusal } => {
                let why = match refusal {
                    IssuerRefusal::NotPlainHttps => "is not a plain https://host/path URL",
                    IssuerRefusal::NotEntraHost => "is not on a Microsoft Entra host",
                    IssuerRefusal::NoTenantGuid => "names no tenant GUID after its host",
                };
                write!(
                    f,
                    "cannot verify: the issuer {issuer:?} is not this app's tenant and {why}. \
                     Besides the configured tenant, this page fetches keys only from https Entra \
                     issuers (*{CIAMLOGIN_SUFFIX}, {ENTRA_LOGIN_HOST}, {ENTRA_V1_ISSUER_HOST}), \
                     so that a pasted token cannot make it contact another server. Verify the \
                     token with its issuer's keys elsewhere, or build this app for that tenant"
                )
            }
        }
    }
}

impl std::error::Error for CannotVerify {}

/// Whether the signature of a decoded token can be verified, and against whose keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verifiability {
    /// RS256 with an `iss`: verify against that issuer's keys ([`key_source`]).
    AgainstIssuer {
        issuer: String,
    },
    NotByDesign(ByDesign),
    CannotVerify(CannotVerify),
}

/// A pasted token, decoded. Nothing in it has been verified.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedToken {
    raw: RawIdToken,
    jwt: DecodedJwt,
}

impl DecodedToken {
    /// The token as decoded (any JWT, not only an ID token; masked in `Debug`).
    pub fn raw(&self) -> &RawIdToken {
        &self.raw
    }

    /// The JOSE header.
    pub fn header(&self) -> &JoseHeader {
        &self.jwt.header
    }

    /// The header JSON text.
    pub fn header_json(&self) -> &str {
        &self.jwt.header_json
    }

    /// The claims, in token order: unverified.
    pub fn claims(&self) -> &ClaimSet {
        &self.jwt.claims
    }

    /// The payload JSON text: unverified.
    pub fn payload_json(&self) -> &str {
        &self.jwt.payload_json
    }

    /// Whether, and against whose keys, the signature can be verified. The header decides
    /// first: whatever its issuer, a token that is not signed with a public key is not
    /// verifiable.
    pub fn verifiability(&self) -> Verifiability {
        let header = &self.jwt.header;
        if header.alg.eq_ignore_ascii_case("none") {
            return Verifiability::NotByDesign(ByDesign::Unsigned);
        }
        if header.alg.starts_with("HS") {
            let alg = header.alg.clone();
            return Verifiability::NotByDesign(ByDesign::SharedSecret { alg });
        }
        if header.members.get("nonce").is_some() {
            return Verifiability::NotByDesign(ByDesign::NonceHeader);
        }
        if header.alg != EXPECTED_ALG {
            let alg = header.alg.clone();
            return Verifiability::CannotVerify(CannotVerify::UnsupportedAlg { alg });
        }
        match self.jwt.claims.str("iss") {
            Some(issuer) => Verifiability::AgainstIssuer {
                issuer: issuer.to_owned(),
            },
            None => Verifiability::CannotVerify(CannotVerify::NoIssuer),
        }
    }

    /// `exp`, `iat` and `nbf` against `now`, with the app's leeway: for a token whose signature
    /// is not checked.
    pub fn time_report(&self, now: i64) -> ValidationReport {
        let mut report = ValidationReport::default();
        time_checks(&mut report, &self.jwt.claims, now);
        report
    }

    /// `iss` against the discovered `issuer`, the signature, `alg`, the times and `crit`: what
    /// holds for a token of that issuer, whoever it was issued to.
    pub fn issuer_report(
        &self,
        issuer: &IssuerUrl,
        signature: &SignatureOutcome,
        now: i64,
    ) -> ValidationReport {
        let mut report = ValidationReport::default();
        issuer_checks(&mut report, &self.jwt, issuer, signature, now);
        report
    }
}

/// Decodes what was pasted (see [`pasted_token`] for what is tolerated around the token).
pub fn decode_token(input: &str) -> Result<DecodedToken, NotDecodable> {
    let token = pasted_token(input);
    if token.is_empty() {
        return Err(NotDecodable::Empty);
    }
    match decode_jwt(&token) {
        Ok(jwt) => Ok(DecodedToken {
            raw: RawIdToken::new(token),
            jwt,
        }),
        Err(JwtError::Encrypted) => Err(NotDecodable::Encrypted {
            header_json: jwe_header(&token),
        }),
        Err(e) => Err(NotDecodable::NotAJwt(e)),
    }
}

/// A JWE's protected header (RFC 7516 §7.1: the first part), when it is a JSON object.
fn jwe_header(token: &str) -> Option<String> {
    let first = token.split('.').next()?;
    let bytes = URL_SAFE_NO_PAD.decode(first).ok()?;
    let json = String::from_utf8(bytes).ok()?;
    matches!(
        serde_json::from_str::<serde_json::Value>(&json),
        Ok(serde_json::Value::Object(_))
    )
    .then_some(json)
}

/// Where the keys of a token's issuer come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `iss` is the configured tenant's discovered issuer: its keys, as the flows fetch them.
    ConfiguredTenant,
    /// Another Entra issuer: its own metadata, whose issuer must then equal `iss` exactly.
    Issuer {
        discovery_url: String,
        rule: IssuerRule,
    },
}

/// Where to fetch the keys for a token of `issuer`, given the configured tenant's discovered
/// issuer (`None` when its discovery failed).
///
/// Another issuer is fetched only when it is `https://{host}/{tenant GUID}…` exactly, on
/// `*.ciamlogin.com` (External ID), `login.microsoftonline.com` (Entra ID v2.0) or
/// `sts.windows.net` (v1.0 access tokens; its metadata lives on `login.microsoftonline.com`):
/// the hosts Entra issues from, which serve discovery and keys with CORS. Anything else would
/// let a pasted token choose a server for this page to call.
pub fn key_source(issuer: &str, configured: Option<&IssuerUrl>) -> Result<KeySource, CannotVerify> {
    if configured.is_some_and(|c| c.as_str() == issuer) {
        return Ok(KeySource::ConfiguredTenant);
    }
    let refused = |refusal| CannotVerify::Issuer {
        issuer: issuer.to_owned(),
        refusal,
    };
    let parts = url_parts(issuer).ok_or(refused(IssuerRefusal::NotPlainHttps))?;
    if issuer != format!("https://{}{}", parts.host, parts.path) {
        return Err(refused(IssuerRefusal::NotPlainHttps));
    }
    let host = parts.host.to_ascii_lowercase();
    let entra_host = host == ENTRA_LOGIN_HOST
        || host == ENTRA_V1_ISSUER_HOST
        || host
            .strip_suffix(CIAMLOGIN_SUFFIX)
            .is_some_and(|label| !label.is_empty() && !label.contains('.'));
    if !entra_host {
        return Err(refused(IssuerRefusal::NotEntraHost));
    }
    let tenant = parts
        .path
        .split('/')
        .nth(1)
        .and_then(|segment| TenantId::parse(segment).ok())
        .ok_or(refused(IssuerRefusal::NoTenantGuid))?;
    let discovery_url = if host == ENTRA_V1_ISSUER_HOST {
        format!(
            "https://{ENTRA_LOGIN_HOST}/{}/.well-known/openid-configuration",
            tenant.as_str()
        )
    } else {
        discovery_url(issuer).map_err(|_| refused(IssuerRefusal::NotPlainHttps))?
    };
    let rule = IssuerRule::Override {
        authority_host: host,
        tenant_id: Some(tenant),
    };
    Ok(KeySource::Issuer {
        discovery_url,
        rule,
    })
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
