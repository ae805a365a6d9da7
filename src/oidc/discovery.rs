//! OpenID Connect Discovery 1.0: the metadata URL from the authority, and the checks on the
//! metadata document before anything else trusts its issuer and endpoints.

use std::fmt;

use super::http::{BodyTooLarge, HttpResponse, UnexpectedBody};
use super::json::{JsonError, Members};
use super::values::IssuerUrl;
/// The one URL splitter, shared with the build-time configuration.
pub(crate) use crate::config::url_parts;
use crate::config::{is_guid, is_loopback_host};

/// The host suffix of Entra External ID (CIAM) authorities.
pub const CIAMLOGIN_SUFFIX: &str = ".ciamlogin.com";

/// Why the authority or the metadata was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiscoveryError {
    /// The configured authority is not an `https://` URL (or `http://localhost` for a dev tenant).
    InvalidAuthority { found: String },
    /// A `*.ciamlogin.com` authority needs the tenant GUID to know the issuer.
    TenantIdRequired { authority: String },
    /// The configured tenant ID is not a GUID.
    InvalidTenantId { found: String },
    /// The metadata request did not answer 200.
    HttpStatus(UnexpectedBody),
    /// The body was not JSON.
    NotJson(UnexpectedBody),
    /// The body is over the 1 MiB limit of a JSON answer: refused unparsed.
    TooLarge(BodyTooLarge),
    /// The JSON did not have the shape of Discovery §3 metadata.
    MalformedJson(JsonError),
    /// Discovery §3: a REQUIRED field is absent.
    MissingField { field: &'static str },
    /// The issuer is not the one the authority implies.
    IssuerMismatch { expected: String, found: String },
    /// Authority override: the discovered issuer does not name the configured tenant GUID as a
    /// whole path segment or as the first label of its host.
    IssuerLacksTenant { tenant_id: String, found: String },
    /// Authority override without a tenant GUID: the discovered issuer is neither on the
    /// authority's host nor Entra's `https://{guid}.ciamlogin.com/{guid}/…`.
    IssuerNotForAuthority {
        authority_host: String,
        found: String,
    },
    /// Discovery §3: endpoints use `https` (loopback `http` allowed for the local dev tenant).
    InsecureEndpoint { field: &'static str, found: String },
    /// Discovery §3: `id_token_signing_alg_values_supported` MUST include RS256.
    Rs256NotOffered { found: Vec<String> },
    /// `response_types_supported` lacks `code`: the Authorization Code flow is not offered.
    CodeFlowNotOffered { found: Vec<String> },
    /// `code_challenge_methods_supported` is listed and lacks `S256`.
    S256NotOffered { found: Vec<String> },
}

impl fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidAuthority { found } => write!(
                f,
                "authority must be an https:// URL (http://localhost for the dev tenant), \
                 found {found:?}: fix the authority in the configuration"
            ),
            Self::TenantIdRequired { authority } => write!(
                f,
                "authority {authority:?} is a ciamlogin.com authority but no tenant ID is \
                 configured: set the tenant ID (Directory (tenant) ID on the tenant overview)"
            ),
            Self::InvalidTenantId { found } => write!(
                f,
                "tenant ID must be a GUID like 00000000-0000-0000-0000-000000000000, found \
                 {found:?}: copy the Directory (tenant) ID from the tenant overview"
            ),
            Self::HttpStatus(body) => write!(
                f,
                "discovery document request failed: {body}: check the authority and tenant"
            ),
            Self::NotJson(body) => write!(
                f,
                "discovery document is not JSON: {body}: the authority does not point at an \
                 OpenID provider"
            ),
            Self::TooLarge(too_large) => too_large.fmt(f),
            Self::MalformedJson(cause) => {
                write!(f, "discovery document is malformed JSON metadata: {cause}")
            }
            Self::MissingField { field } => write!(
                f,
                "discovery document lacks the required {field:?} (OpenID Connect Discovery §3)"
            ),
            Self::IssuerMismatch { .. }
            | Self::IssuerLacksTenant { .. }
            | Self::IssuerNotForAuthority { .. } => self.fmt_issuer(f),
            Self::InsecureEndpoint { field, found } => write!(
                f,
                "discovery {field} must be https (OpenID Connect Discovery §3), found {found:?}"
            ),
            Self::Rs256NotOffered { found } => write!(
                f,
                "id_token_signing_alg_values_supported must include RS256 (OpenID Connect \
                 Discovery §3), found {found:?}"
            ),
            Self::CodeFlowNotOffered { found } => write!(
                f,
                "response_types_supported must include \"code\" for Authorization Code + PKCE, \
                 found {found:?}"
            ),
            Self::S256NotOffered { found } => write!(
                f,
                "code_challenge_methods_supported must include S256 (RFC 8414 §2), found {found:?}"
            ),
        }
    }
}

impl DiscoveryError {
    /// The issuer rule's failures.
    fn fmt_issuer(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::IssuerMismatch { expected, found } => write!(
                f,
                "discovery issuer is wrong: expected {expected:?}, found {found:?}: check the \
                 authority and tenant ID"
            ),
            Self::IssuerLacksTenant { tenant_id, found } => write!(
                f,
                "discovery issuer {found:?} does not name the tenant TENANT_GUID={tenant_id:?}: \
                 expected the GUID as a whole path segment or as the first label of the host, \
                 like \"https://{tenant_id}.ciamlogin.com/{tenant_id}/v2.0\": AUTHORITY points at \
                 another tenant; correct AUTHORITY or TENANT_GUID"
            ),
            Self::IssuerNotForAuthority {
                authority_host,
                found,
            } => write!(
                f,
                "discovery issuer {found:?} is not the AUTHORITY's: expected an https issuer on \
                 {authority_host:?} (http only on a loopback host) or \
                 \"https://{{guid}}.ciamlogin.com/{{guid}}/v2.0\": set TENANT_GUID to the tenant \
                 this issuer must name, or correct AUTHORITY"
            ),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for DiscoveryError {}

/// A Directory (tenant) ID: a GUID, kept in lowercase as Entra writes it in issuers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantId(String);

impl TenantId {
    /// A tenant ID in GUID form `8-4-4-4-12` hexadecimal digits.
    pub fn parse(value: &str) -> Result<Self, DiscoveryError> {
        if is_guid(value) {
            Ok(Self(value.to_ascii_lowercase()))
        } else {
            Err(DiscoveryError::InvalidTenantId {
                found: value.to_owned(),
            })
        }
    }

    /// The GUID, lowercase.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `https`, or `http` on a loopback host (the local dev tenant).
pub(crate) fn is_secure_url(url: &str) -> bool {
    match url_parts(url) {
        Some(p) if p.scheme.eq_ignore_ascii_case("https") => true,
        Some(p) if p.scheme.eq_ignore_ascii_case("http") => is_loopback_host(p.host),
        _ => false,
    }
}

/// The metadata URL: `{authority}/.well-known/openid-configuration` (Discovery §4).
pub fn discovery_url(authority: &str) -> Result<String, DiscoveryError> {
    let trimmed = authority.trim_end_matches('/');
    if !is_secure_url(trimmed) || trimmed.contains(['?', '#']) {
        return Err(DiscoveryError::InvalidAuthority {
            found: authority.to_owned(),
        });
    }
    Ok(format!("{trimmed}/.well-known/openid-configuration"))
}

/// How the discovered issuer is checked, decided from the configured authority. Whatever the
/// rule, the ID token's `iss` must then equal the discovered issuer exactly
/// ([`ProviderMetadata::issuer`], OpenID Connect Core §3.1.3.7 step 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssuerRule {
    /// A `*.ciamlogin.com` authority: the issuer must be exactly
    /// `https://{tenant}.ciamlogin.com/{tenant}/v2.0`.
    CiamLogin { tenant_id: TenantId },
    /// An authority override (custom URL domain, local dev tenant): the issuer is taken from
    /// discovery, and must belong to the authority ([`IssuerRule::check`]).
    Override {
        /// The authority's host, lowercase.
        authority_host: String,
        tenant_id: Option<TenantId>,
    },
}

impl IssuerRule {
    /// The rule for an authority; a ciamlogin.com authority without a configured tenant ID uses
    /// the GUID in its path (`https://contoso.ciamlogin.com/{tenant}`).
    pub fn for_authority(authority: &str, tenant_id: Option<&str>) -> Result<Self, DiscoveryError> {
        let parts = url_parts(authority).ok_or_else(|| DiscoveryError::InvalidAuthority {
            found: authority.to_owned(),
        })?;
        let configured = tenant_id.map(TenantId::parse).transpose()?;
        let host = parts.host.to_ascii_lowercase();
        if !host.ends_with(CIAMLOGIN_SUFFIX) {
            return Ok(Self::Override {
                authority_host: host,
                tenant_id: configured,
            });
        }
        let tenant_id = configured
            .or_else(|| guid_in_path(authority))
            .ok_or_else(|| DiscoveryError::TenantIdRequired {
                authority: authority.to_owned(),
            })?;
        Ok(Self::CiamLogin { tenant_id })
    }

    /// Checks a discovered issuer against this rule. For an override:
    /// - with a tenant ID, the issuer names it as a whole path segment or as the first label of
    ///   its host (`https://{tenant}.ciamlogin.com/{tenant}/v2.0`), never inside a longer one;
    /// - without, the issuer is `https` (`http` only on a loopback host) on the authority's host,
    ///   or Entra's `https://{guid}.ciamlogin.com/…/{guid}/…` (a custom URL domain's issuer).
    pub fn check(&self, found: &str) -> Result<(), DiscoveryError> {
        match self {
            Self::CiamLogin { tenant_id } => {
                let expected = ciamlogin_issuer(tenant_id);
                if found == expected {
                    Ok(())
                } else {
                    Err(DiscoveryError::IssuerMismatch {
                        expected,
                        found: found.to_owned(),
                    })
                }
            }
            Self::Override {
                tenant_id: Some(t), ..
            } if !names_tenant(found, t.as_str()) => Err(DiscoveryError::IssuerLacksTenant {
                tenant_id: t.as_str().to_owned(),
                found: found.to_owned(),
            }),
            Self::Override {
                authority_host,
                tenant_id: None,
            } if !belongs_to_authority(found, authority_host) => {
                Err(DiscoveryError::IssuerNotForAuthority {
                    authority_host: authority_host.clone(),
                    found: found.to_owned(),
                })
            }
            Self::Override { .. } => Ok(()),
        }
    }
}

fn ciamlogin_issuer(tenant_id: &TenantId) -> String {
    let t = tenant_id.as_str();
    format!("https://{t}.ciamlogin.com/{t}/v2.0")
}

/// `tenant` is the first label of `issuer`'s host, or a whole segment of its path.
fn names_tenant(issuer: &str, tenant: &str) -> bool {
    url_parts(issuer).is_some_and(|p| {
        let first_label = p.host.split('.').next().unwrap_or_default();
        first_label.eq_ignore_ascii_case(tenant) || path_names(p.path, tenant)
    })
}

fn path_names(path: &str, tenant: &str) -> bool {
    path.split('/').any(|s| s.eq_ignore_ascii_case(tenant))
}

/// `https` (or loopback `http`) on `authority_host`, or `https://{guid}.ciamlogin.com` with the
/// same GUID as a path segment.
fn belongs_to_authority(issuer: &str, authority_host: &str) -> bool {
    let Some(parts) = url_parts(issuer) else {
        return false;
    };
    let host = parts.host.to_ascii_lowercase();
    if host == authority_host {
        return is_secure_url(issuer);
    }
    match host.strip_suffix(CIAMLOGIN_SUFFIX) {
        Some(guid) if parts.scheme.eq_ignore_ascii_case("https") && is_guid(guid) => {
            path_names(parts.path, guid)
        }
        _ => false,
    }
}

fn guid_in_path(authority: &str) -> Option<TenantId> {
    let path = url_parts(authority)?.path;
    path.split('/')
        .find(|segment| is_guid(segment))
        .and_then(|s| TenantId::parse(s).ok())
}

/// The provider metadata this app uses, after every check passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderMetadata {
    /// `issuer`: the exact value every ID token's `iss` must equal.
    pub issuer: IssuerUrl,
    /// `authorization_endpoint`.
    pub authorization_endpoint: String,
    /// `token_endpoint`.
    pub token_endpoint: String,
    /// `jwks_uri`.
    pub jwks_uri: String,
    /// `end_session_endpoint` (RP-Initiated Logout), if offered.
    pub end_session_endpoint: Option<String>,
    /// `id_token_signing_alg_values_supported`.
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// `scopes_supported`, if listed.
    pub scopes_supported: Vec<String>,
    /// `claims_supported`, if listed.
    pub claims_supported: Vec<String>,
}

/// Processes the metadata response: HTTP 200, JSON, required fields, issuer rule, https
/// endpoints, RS256, the `code` response type, and S256 when methods are listed.
pub fn process_discovery_response(
    response: HttpResponse<'_>,
    rule: &IssuerRule,
) -> Result<ProviderMetadata, DiscoveryError> {
    response
        .check_json_size("the discovery document")
        .map_err(DiscoveryError::TooLarge)?;
    if response.status != 200 {
        return Err(DiscoveryError::HttpStatus(response.describe_unexpected()));
    }
    let value: serde_json::Value = serde_json::from_str(response.body)
        .map_err(|_| DiscoveryError::NotJson(response.describe_unexpected()))?;
    let document = Members::of(&value, "the discovery document")?;
    check_metadata(document, rule)
}

impl From<JsonError> for DiscoveryError {
    fn from(cause: JsonError) -> DiscoveryError {
        DiscoveryError::MalformedJson(cause)
    }
}

fn required(field: &'static str, value: Option<&str>) -> Result<String, DiscoveryError> {
    value
        .map(str::to_owned)
        .ok_or(DiscoveryError::MissingField { field })
}

fn secure_endpoint(field: &'static str, value: String) -> Result<String, DiscoveryError> {
    if is_secure_url(&value) {
        Ok(value)
    } else {
        Err(DiscoveryError::InsecureEndpoint {
            field,
            found: value,
        })
    }
}

/// Every member's type is checked before any rule, as a derived reader would.
fn check_metadata(raw: Members<'_>, rule: &IssuerRule) -> Result<ProviderMetadata, DiscoveryError> {
    let issuer = raw.opt_str("issuer")?;
    let authorization_endpoint = raw.opt_str("authorization_endpoint")?;
    let token_endpoint = raw.opt_str("token_endpoint")?;
    let jwks_uri = raw.opt_str("jwks_uri")?;
    let end_session_endpoint = raw.opt_str("end_session_endpoint")?;
    let algs = raw.opt_strings("id_token_signing_alg_values_supported")?;
    let response_types = raw.opt_strings("response_types_supported")?;
    let challenge_methods = raw.opt_strings("code_challenge_methods_supported")?;
    let scopes_supported = raw.opt_strings("scopes_supported")?.unwrap_or_default();
    let claims_supported = raw.opt_strings("claims_supported")?.unwrap_or_default();

    let issuer = required("issuer", issuer)?;
    rule.check(&issuer)?;
    let endpoint = |field, value| secure_endpoint(field, required(field, value)?);
    let authorization_endpoint = endpoint("authorization_endpoint", authorization_endpoint)?;
    let token_endpoint = endpoint("token_endpoint", token_endpoint)?;
    let jwks_uri = endpoint("jwks_uri", jwks_uri)?;
    let end_session_endpoint = end_session_endpoint
        .map(|e| secure_endpoint("end_session_endpoint", e.to_owned()))
        .transpose()?;
    let algs = algs.ok_or(DiscoveryError::MissingField {
        field: "id_token_signing_alg_values_supported",
    })?;
    if !algs.iter().any(|a| a == "RS256") {
        return Err(DiscoveryError::Rs256NotOffered { found: algs });
    }
    check_flow_support(response_types, challenge_methods)?;
    Ok(ProviderMetadata {
        issuer: IssuerUrl::new(issuer),
        authorization_endpoint,
        token_endpoint,
        jwks_uri,
        end_session_endpoint,
        id_token_signing_alg_values_supported: algs,
        scopes_supported,
        claims_supported,
    })
}

fn check_flow_support(
    response_types: Option<Vec<String>>,
    pkce_methods: Option<Vec<String>>,
) -> Result<(), DiscoveryError> {
    let response_types = response_types.ok_or(DiscoveryError::MissingField {
        field: "response_types_supported",
    })?;
    if !response_types.iter().any(|t| t == "code") {
        return Err(DiscoveryError::CodeFlowNotOffered {
            found: response_types,
        });
    }
    match pkce_methods {
        Some(methods) if !methods.iter().any(|m| m == "S256") => {
            Err(DiscoveryError::S256NotOffered { found: methods })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TENANT: &str = "0e5a1a3b-8b2c-4c8e-9d7f-1a2b3c4d5e6f";

    fn ciam_issuer() -> String {
        format!("https://{TENANT}.ciamlogin.com/{TENANT}/v2.0")
    }

    fn metadata(issuer: &str) -> serde_json::Value {
        json!({
            "issuer": issuer,
            "authorization_endpoint": format!("https://contoso.ciamlogin.com/{TENANT}/oauth2/v2.0/authorize"),
            "token_endpoint": format!("https://contoso.ciamlogin.com/{TENANT}/oauth2/v2.0/token"),
            "jwks_uri": format!("https://contoso.ciamlogin.com/{TENANT}/discovery/v2.0/keys"),
            "end_session_endpoint": format!("https://contoso.ciamlogin.com/{TENANT}/oauth2/v2.0/logout"),
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
        })
    }

    fn process(
        doc: &serde_json::Value,
        rule: &IssuerRule,
    ) -> Result<ProviderMetadata, DiscoveryError> {
        let body = doc.to_string();
        process_discovery_response(
            HttpResponse::new(200, Some("application/json"), &body),
            rule,
        )
    }

    fn ciam_rule() -> IssuerRule {
        IssuerRule::for_authority("https://contoso.ciamlogin.com/", Some(TENANT)).unwrap()
    }

    #[test]
    fn discovery_url_appends_well_known_path_once() {
        assert_eq!(
            discovery_url("https://contoso.ciamlogin.com/contoso.onmicrosoft.com/").unwrap(),
            "https://contoso.ciamlogin.com/contoso.onmicrosoft.com/.well-known/openid-configuration"
        );
        assert_eq!(
            discovery_url("http://localhost:8081/tenant").unwrap(),
            "http://localhost:8081/tenant/.well-known/openid-configuration"
        );
    }

    #[test]
    fn discovery_url_rejects_plain_http_on_a_public_host() {
        assert!(matches!(
            discovery_url("http://contoso.ciamlogin.com/"),
            Err(DiscoveryError::InvalidAuthority { .. })
        ));
    }

    #[test]
    fn accepts_ciamlogin_metadata_with_the_tenant_guid_issuer() {
        let found = process(&metadata(&ciam_issuer()), &ciam_rule()).unwrap();
        assert_eq!(found.issuer.as_str(), ciam_issuer());
        assert!(found.end_session_endpoint.is_some());
    }

    #[test]
    fn rejects_ciamlogin_metadata_whose_issuer_is_the_subdomain_form() {
        let wrong = format!("https://contoso.ciamlogin.com/{TENANT}/v2.0");
        assert_eq!(
            process(&metadata(&wrong), &ciam_rule()),
            Err(DiscoveryError::IssuerMismatch {
                expected: ciam_issuer(),
                found: wrong
            })
        );
    }

    #[test]
    fn ciamlogin_rule_takes_the_tenant_guid_from_the_authority_path() {
        let authority = format!("https://contoso.ciamlogin.com/{}", TENANT.to_uppercase());
        assert_eq!(
            IssuerRule::for_authority(&authority, None),
            Ok(IssuerRule::CiamLogin {
                tenant_id: TenantId::parse(TENANT).unwrap()
            })
        );
    }

    #[test]
    fn ciamlogin_rule_without_any_tenant_guid_asks_for_one() {
        assert!(matches!(
            IssuerRule::for_authority(
                "https://contoso.ciamlogin.com/contoso.onmicrosoft.com",
                None
            ),
            Err(DiscoveryError::TenantIdRequired { .. })
        ));
    }

    #[test]
    fn rejects_a_tenant_id_that_is_not_a_guid() {
        assert!(matches!(
            IssuerRule::for_authority("https://contoso.ciamlogin.com/", Some("contoso")),
            Err(DiscoveryError::InvalidTenantId { .. })
        ));
    }

    #[test]
    fn override_takes_the_issuer_from_discovery_when_it_contains_the_tenant() {
        let rule = IssuerRule::for_authority("https://login.contoso.com/", Some(TENANT)).unwrap();
        let issuer = format!("https://login.contoso.com/{TENANT}/v2.0");
        assert_eq!(
            process(&metadata(&issuer), &rule).unwrap().issuer.as_str(),
            issuer
        );
    }

    #[test]
    fn override_rejects_an_issuer_without_the_configured_tenant() {
        let rule = IssuerRule::for_authority("https://login.contoso.com/", Some(TENANT)).unwrap();
        assert!(matches!(
            process(&metadata("https://login.contoso.com/other/v2.0"), &rule),
            Err(DiscoveryError::IssuerLacksTenant { .. })
        ));
    }

    #[test]
    fn override_without_tenant_accepts_a_local_dev_issuer_over_loopback_http() {
        let rule = IssuerRule::for_authority("http://127.0.0.1:8081/", None).unwrap();
        let mut doc = metadata("http://127.0.0.1:8081");
        doc["token_endpoint"] = json!("http://127.0.0.1:8081/token");
        assert!(process(&doc, &rule).is_ok());
    }

    fn override_rule(tenant: Option<&str>) -> IssuerRule {
        IssuerRule::for_authority("https://login.contoso.com/contoso/v2.0", tenant).unwrap()
    }

    #[test]
    fn discovery_url_refuses_http_on_hosts_that_only_look_like_loopback() {
        for authority in [
            "http://127.example.com/t",
            "http://127.0.0.1.nip.io/t",
            "http://localhost.evil.com/t",
            "http://127.1/t",
        ] {
            assert!(
                matches!(
                    discovery_url(authority),
                    Err(DiscoveryError::InvalidAuthority { .. })
                ),
                "{authority}"
            );
        }
        for authority in [
            "http://127.255.255.255:8081/t",
            "http://[::1]:8081/t",
            "http://LOCALHOST:8081/t",
        ] {
            assert!(discovery_url(authority).is_ok(), "{authority}");
        }
    }

    #[test]
    fn override_accepts_the_tenant_guid_as_a_whole_path_segment() {
        let issuer = format!("https://login.contoso.com/{}/v2.0", TENANT.to_uppercase());
        assert_eq!(override_rule(Some(TENANT)).check(&issuer), Ok(()));
    }

    #[test]
    fn override_rejects_the_tenant_guid_inside_a_longer_segment_or_label() {
        let rule = override_rule(Some(TENANT));
        for issuer in [
            format!("https://login.contoso.com/x{TENANT}/v2.0"),
            format!("https://login.contoso.com/{TENANT}-evil/v2.0"),
            format!("https://{TENANT}-evil.example.com/v2.0"),
            format!("https://evil.{TENANT}.example.com/v2.0"),
            format!("https://login.evil.com/v2.0?tenant={TENANT}"),
        ] {
            let err = rule.check(&issuer).unwrap_err();
            assert!(
                matches!(err, DiscoveryError::IssuerLacksTenant { .. }),
                "{issuer}"
            );
            let text = err.to_string();
            assert!(
                text.contains("whole path segment")
                    && text.contains("correct AUTHORITY or TENANT_GUID"),
                "{text}"
            );
        }
    }

    #[test]
    fn override_accepts_the_tenant_guid_as_the_first_host_label() {
        let rule = override_rule(Some(TENANT));
        assert_eq!(rule.check(&ciam_issuer()), Ok(()));
        assert_eq!(
            rule.check(&format!("https://{TENANT}.login.contoso.com/v2.0")),
            Ok(())
        );
    }

    #[test]
    fn override_without_tenant_accepts_an_https_issuer_on_the_authority_host() {
        let issuer = "https://LOGIN.contoso.com/contoso/v2.0";
        assert_eq!(override_rule(None).check(issuer), Ok(()));
    }

    #[test]
    fn override_without_tenant_accepts_the_ciamlogin_issuer_of_a_custom_domain() {
        assert_eq!(override_rule(None).check(&ciam_issuer()), Ok(()));
    }

    #[test]
    fn override_without_tenant_rejects_an_issuer_on_another_host() {
        let rule = override_rule(None);
        for issuer in [
            "https://login.evil.com/contoso/v2.0".to_owned(),
            "http://login.contoso.com/contoso/v2.0".to_owned(),
            format!("https://{TENANT}.ciamlogin.com/aaaabbbb-0000-cccc-1111-dddd2222eeee/v2.0"),
            format!("http://{TENANT}.ciamlogin.com/{TENANT}/v2.0"),
            "not a url".to_owned(),
        ] {
            let err = rule.check(&issuer).unwrap_err();
            assert_eq!(
                err,
                DiscoveryError::IssuerNotForAuthority {
                    authority_host: "login.contoso.com".to_owned(),
                    found: issuer.clone()
                }
            );
            let text = err.to_string();
            assert!(
                text.contains("\"login.contoso.com\"")
                    && text.contains(&format!("{issuer:?}"))
                    && text.contains("set TENANT_GUID")
                    && text.contains("correct AUTHORITY"),
                "{text}"
            );
        }
    }

    #[test]
    fn override_keeps_the_discovered_issuer_verbatim_for_the_id_token_iss_check() {
        // ID token validation compares `iss` with this value exactly (§3.1.3.7 step 2): nothing
        // may be normalised on the way, not even a trailing slash or the case of the host.
        let issuer = format!("https://Login.contoso.com/{TENANT}/v2.0/");
        let found = process(&metadata(&issuer), &override_rule(Some(TENANT))).unwrap();
        assert_eq!(found.issuer.as_str(), issuer);
    }

    #[test]
    fn rejects_metadata_missing_the_token_endpoint() {
        let mut doc = metadata(&ciam_issuer());
        doc.as_object_mut().unwrap().remove("token_endpoint");
        assert_eq!(
            process(&doc, &ciam_rule()),
            Err(DiscoveryError::MissingField {
                field: "token_endpoint"
            })
        );
    }

    #[test]
    fn rejects_metadata_missing_the_jwks_uri() {
        let mut doc = metadata(&ciam_issuer());
        doc.as_object_mut().unwrap().remove("jwks_uri");
        assert_eq!(
            process(&doc, &ciam_rule()),
            Err(DiscoveryError::MissingField { field: "jwks_uri" })
        );
    }

    #[test]
    fn accepts_metadata_without_an_end_session_endpoint() {
        let mut doc = metadata(&ciam_issuer());
        doc.as_object_mut().unwrap().remove("end_session_endpoint");
        assert_eq!(
            process(&doc, &ciam_rule()).unwrap().end_session_endpoint,
            None
        );
    }

    #[test]
    fn rejects_metadata_that_does_not_offer_rs256() {
        let mut doc = metadata(&ciam_issuer());
        doc["id_token_signing_alg_values_supported"] = json!(["HS256"]);
        assert_eq!(
            process(&doc, &ciam_rule()),
            Err(DiscoveryError::Rs256NotOffered {
                found: vec!["HS256".to_owned()]
            })
        );
    }

    #[test]
    fn rejects_metadata_listing_pkce_methods_without_s256() {
        let mut doc = metadata(&ciam_issuer());
        doc["code_challenge_methods_supported"] = json!(["plain"]);
        assert!(matches!(
            process(&doc, &ciam_rule()),
            Err(DiscoveryError::S256NotOffered { .. })
        ));
    }

    #[test]
    fn rejects_an_http_endpoint_on_a_public_host() {
        let mut doc = metadata(&ciam_issuer());
        doc["authorization_endpoint"] = json!("http://contoso.ciamlogin.com/authorize");
        assert!(matches!(
            process(&doc, &ciam_rule()),
            Err(DiscoveryError::InsecureEndpoint {
                field: "authorization_endpoint",
                ..
            })
        ));
    }

    #[test]
    fn reports_status_and_content_of_a_non_json_error_page() {
        let response = HttpResponse::new(404, Some("text/html"), "<title>Not Found</title>");
        let err = process_discovery_response(response, &ciam_rule()).unwrap_err();
        assert!(err.to_string().contains("HTTP 404 with text/html"), "{err}");
    }

    #[test]
    fn rejects_a_200_body_that_is_not_json() {
        let response = HttpResponse::new(200, Some("text/html"), "<html>hello</html>");
        assert!(matches!(
            process_discovery_response(response, &ciam_rule()),
            Err(DiscoveryError::NotJson(_))
        ));
    }

    #[test]
    fn a_member_of_the_wrong_type_is_malformed_metadata_naming_it() {
        let mut doc = metadata(&ciam_issuer());
        doc["token_endpoint"] = json!(42);
        let err = process(&doc, &ciam_rule()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "discovery document is malformed JSON metadata: `token_endpoint` is a number, \
             expected a string"
        );
        let mut doc = metadata(&ciam_issuer());
        doc["claims_supported"] = json!(["sub", 7]);
        assert!(matches!(
            process(&doc, &ciam_rule()),
            Err(DiscoveryError::MalformedJson(JsonError::WrongType {
                field: "claims_supported",
                ..
            }))
        ));
        let response = HttpResponse::new(200, None, "[1, 2]");
        let err = process_discovery_response(response, &ciam_rule()).unwrap_err();
        assert!(
            err.to_string().contains("is an array, expected an object"),
            "{err}"
        );
    }

    #[test]
    fn unknown_members_are_ignored_and_null_lists_are_empty() {
        let mut doc = metadata(&ciam_issuer());
        doc["x_vendor"] = json!({"nested": [1, {"deep": null}]});
        doc["scopes_supported"] = json!(null);
        let found = process(&doc, &ciam_rule()).unwrap();
        assert!(found.scopes_supported.is_empty());
    }
}
