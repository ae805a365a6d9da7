//! Build-time configuration: read from the environment when the app is compiled, validated once by
//! `build.rs` (which fails the build with a message naming the variable) and parsed again by the app.
//!
//! This file has no dependencies so that `build.rs` can include it as it is. For the same reason it
//! holds the URL rules that the build, `xtask` and the protocol core share: [`url_parts`],
//! [`origin`] and the one loopback test, [`is_loopback_host`].

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The local dev tenant (`dev-tenant/`) that a build with no configuration signs in to.
pub const DEV_TENANT_ID: &str = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
/// The dev tenant's single-page-application client.
pub const DEV_SPA_CLIENT_ID: &str = "6a1c3f2e-9b8d-4e7f-a0c1-d2e3f4a5b6c7";
pub const DEV_TENANT_AUTHORITY: &str =
    "http://127.0.0.1:8081/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9/v2.0";
pub const DEFAULT_SCOPES: &str = "openid profile email offline_access";
/// The origin `cargo xtask serve` tells you to open, and whose `/callback` and `/` the README
/// registers on a real tenant. trunk binds 127.0.0.1, which Entra treats as another redirect URI.
pub const DEV_APP_ORIGIN: &str = "http://localhost:8080";
/// The only route of the app that handles the sign-in response.
pub const CALLBACK_PATH: &str = "/callback";

/// The variables the build reads; the names are the seed script's, so its users can reuse their shell.
pub const VARIABLES: [&str; 8] = [
    "TENANT_NAME",
    "TENANT_GUID",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "REDIRECT_URI",
    "AUTHORITY",
    "SCOPES",
    "POST_LOGOUT_REDIRECT_URI",
];

/// The configuration variables as they were found, before validation.
#[derive(Clone, Copy, Default)]
pub struct RawConfig<'a> {
    pub tenant_name: Option<&'a str>,
    pub tenant_guid: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub client_secret: Option<&'a str>,
    pub redirect_uri: Option<&'a str>,
    pub authority: Option<&'a str>,
    pub scopes: Option<&'a str>,
    pub post_logout_redirect_uri: Option<&'a str>,
}

impl<'a> RawConfig<'a> {
    /// The variables from `values`, given in the order of [`VARIABLES`] (as `build.rs` and
    /// `xtask` read them from their environment).
    pub fn from_values(values: &'a [Option<String>; VARIABLES.len()]) -> Self {
        let [tenant_name, tenant_guid, client_id, client_secret, redirect_uri, authority, scopes, post_logout_redirect_uri] =
            values.each_ref().map(Option::as_deref);
        RawConfig {
            tenant_name,
            tenant_guid,
            client_id,
            client_secret,
            redirect_uri,
            authority,
            scopes,
            post_logout_redirect_uri,
        }
    }
}

impl RawConfig<'static> {
    /// The values this app was compiled with.
    pub fn compiled() -> Self {
        RawConfig {
            tenant_name: option_env!("TENANT_NAME"),
            tenant_guid: option_env!("TENANT_GUID"),
            client_id: option_env!("CLIENT_ID"),
            client_secret: option_env!("CLIENT_SECRET"),
            redirect_uri: option_env!("REDIRECT_URI"),
            authority: option_env!("AUTHORITY"),
            scopes: option_env!("SCOPES"),
            post_logout_redirect_uri: option_env!("POST_LOGOUT_REDIRECT_URI"),
        }
    }
}

/// Where the authority came from, which the home page explains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TenantSource {
    /// No tenant configured: the embedded local dev tenant.
    LocalDevTenant,
    /// `TENANT_NAME` + `TENANT_GUID`: `https://{name}.ciamlogin.com/{guid}/v2.0`.
    CiamLogin,
    /// `AUTHORITY`: a custom domain or another emulator.
    Authority,
}

/// A validated configuration.
#[derive(Clone, PartialEq, Eq)]
pub struct BuildConfig {
    pub source: TenantSource,
    /// The authority URL without a trailing slash; discovery lives under it.
    pub authority: String,
    pub tenant_name: Option<String>,
    pub tenant_guid: Option<String>,
    pub client_id: String,
    /// Embedded in the bundle and readable by anyone: only for test tenants.
    pub client_secret: Option<String>,
    /// `None`: the page's origin + `/callback`, decided at run time.
    pub redirect_uri: Option<String>,
    pub scopes: String,
    /// Where the tenant sends the browser after sign-out. `None`: the page's origin + `/`.
    pub post_logout_redirect_uri: Option<String>,
}

impl fmt::Debug for BuildConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BuildConfig")
            .field("source", &self.source)
            .field("authority", &self.authority)
            .field("tenant_name", &self.tenant_name)
            .field("tenant_guid", &self.tenant_guid)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "(embedded, hidden)"),
            )
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .field("post_logout_redirect_uri", &self.post_logout_redirect_uri)
            .finish()
    }
}

/// A variable whose value cannot be used, with what is wrong and an example of a good value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    /// The offending value, or a placeholder for the secret.
    pub value: String,
    pub problem: String,
    pub example: &'static str,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}={:?}: {}. Example: {}",
            self.variable, self.value, self.problem, self.example
        )
    }
}

impl std::error::Error for ConfigError {}

const EXAMPLE_TENANT_NAME: &str = "TENANT_NAME=contoso (for contoso.ciamlogin.com)";
const EXAMPLE_GUID: &str = "TENANT_GUID=aaaabbbb-0000-cccc-1111-dddd2222eeee";
const EXAMPLE_CLIENT_ID: &str = "CLIENT_ID=00001111-aaaa-2222-bbbb-3333cccc4444";
const EXAMPLE_REDIRECT: &str = "REDIRECT_URI=http://localhost:8080/callback";
const EXAMPLE_AUTHORITY: &str =
    "AUTHORITY=https://login.contoso.com/aaaabbbb-0000-cccc-1111-dddd2222eeee/v2.0";
const EXAMPLE_POST_LOGOUT: &str = "POST_LOGOUT_REDIRECT_URI=http://localhost:8080/";
const EXAMPLE_SCOPES: &str = "SCOPES=\"openid profile email offline_access\"";

impl BuildConfig {
    /// Validates the raw variables. Unset and empty are the same.
    pub fn parse(raw: RawConfig<'_>) -> Result<BuildConfig, ConfigError> {
        let tenant_name = set(raw.tenant_name).map(check_tenant_name).transpose()?;
        let tenant_guid = set(raw.tenant_guid)
            .map(|v| check_guid("TENANT_GUID", v, EXAMPLE_GUID))
            .transpose()?;
        let client_id = set(raw.client_id)
            .map(|v| check_guid("CLIENT_ID", v, EXAMPLE_CLIENT_ID))
            .transpose()?;
        let authority = set(raw.authority).map(check_authority).transpose()?;
        let redirect_uri = set(raw.redirect_uri).map(check_redirect_uri).transpose()?;
        let post_logout_redirect_uri = set(raw.post_logout_redirect_uri)
            .map(|v| check_url("POST_LOGOUT_REDIRECT_URI", v, EXAMPLE_POST_LOGOUT))
            .transpose()?;
        let scopes = set(raw.scopes)
            .map(check_scopes)
            .transpose()?
            .unwrap_or_else(|| DEFAULT_SCOPES.to_string());
        let client_secret = set(raw.client_secret).map(str::to_string);

        let (source, authority, tenant_guid) =
            tenant(authority, tenant_name.as_deref(), tenant_guid)?;
        let client_id = client_id_for(client_id, source)?;
        Ok(BuildConfig {
            source,
            authority,
            tenant_name,
            tenant_guid,
            client_id,
            client_secret,
            redirect_uri,
            scopes,
            post_logout_redirect_uri,
        })
    }

    /// The configuration this app was compiled with.
    pub fn compiled() -> Result<BuildConfig, ConfigError> {
        BuildConfig::parse(RawConfig::compiled())
    }
}

/// Unset and empty (or blank) are the same.
fn set(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn missing(variable: &'static str, problem: &str, example: &'static str) -> ConfigError {
    ConfigError {
        variable,
        value: String::new(),
        problem: format!("not set, but {problem}"),
        example,
    }
}

fn invalid(
    variable: &'static str,
    value: &str,
    problem: &str,
    example: &'static str,
) -> ConfigError {
    ConfigError {
        variable,
        value: value.to_string(),
        problem: problem.to_string(),
        example,
    }
}

fn check_tenant_name(value: &str) -> Result<String, ConfigError> {
    let problem = if value.to_ascii_lowercase().ends_with(".ciamlogin.com") {
        Some("give only the subdomain, without .ciamlogin.com")
    } else if value.contains('.') {
        Some("a tenant name is a subdomain and has no dots; for a custom domain set AUTHORITY instead")
    } else if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Some("a tenant name has only letters, digits and hyphens")
    } else if value.starts_with('-') || value.ends_with('-') {
        Some("a tenant name cannot start or end with a hyphen")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(invalid("TENANT_NAME", value, problem, EXAMPLE_TENANT_NAME)),
        None => Ok(value.to_ascii_lowercase()),
    }
}

/// Which tenant the build signs in to: `AUTHORITY`, else `TENANT_NAME` with `TENANT_GUID`, else the
/// local dev tenant. Returns the source, the authority and the tenant GUID when known.
fn tenant(
    authority: Option<String>,
    tenant_name: Option<&str>,
    tenant_guid: Option<String>,
) -> Result<(TenantSource, String, Option<String>), ConfigError> {
    Ok(match (authority, tenant_name, tenant_guid) {
        (Some(authority), _, guid) => (TenantSource::Authority, authority, guid),
        (None, Some(name), Some(guid)) => (
            TenantSource::CiamLogin,
            format!("https://{name}.ciamlogin.com/{guid}/v2.0"),
            Some(guid),
        ),
        (None, Some(_), None) => {
            return Err(missing(
                "TENANT_GUID",
                "is required with TENANT_NAME (the Directory (tenant) ID from the Entra admin center)",
                EXAMPLE_GUID,
            ))
        }
        (None, None, Some(_)) => {
            return Err(missing(
                "TENANT_NAME",
                "is required with TENANT_GUID (the subdomain of <name>.ciamlogin.com), or set AUTHORITY",
                EXAMPLE_TENANT_NAME,
            ))
        }
        (None, None, None) => (
            TenantSource::LocalDevTenant,
            DEV_TENANT_AUTHORITY.to_string(),
            Some(DEV_TENANT_ID.to_string()),
        ),
    })
}

/// `CLIENT_ID`, required with a configured tenant; the dev tenant's SPA client otherwise.
fn client_id_for(client_id: Option<String>, source: TenantSource) -> Result<String, ConfigError> {
    match (client_id, source) {
        (Some(id), _) => Ok(id),
        (None, TenantSource::LocalDevTenant) => Ok(DEV_SPA_CLIENT_ID.to_string()),
        (None, _) => Err(missing(
            "CLIENT_ID",
            "is required with a configured tenant (the Application (client) ID of the app registration)",
            EXAMPLE_CLIENT_ID,
        )),
    }
}

fn check_guid(
    variable: &'static str,
    value: &str,
    example: &'static str,
) -> Result<String, ConfigError> {
    if is_guid(value) {
        Ok(value.to_ascii_lowercase())
    } else {
        Err(invalid(
            variable,
            value,
            "not a GUID (8-4-4-4-12 hexadecimal digits)",
            example,
        ))
    }
}

fn check_url(
    variable: &'static str,
    value: &str,
    example: &'static str,
) -> Result<String, ConfigError> {
    let problem = match value.split_once("://") {
        _ if value.chars().any(char::is_whitespace) => Some("a URL cannot contain spaces"),
        _ if value.contains('#') => Some("a URL here cannot have a #fragment"),
        Some((scheme, _)) if scheme != "https" && scheme != "http" => {
            Some("the URL must start with https:// (or http:// for a local test server)")
        }
        Some((_, rest)) if rest.split(['/', '?']).next().unwrap_or_default().is_empty() => {
            Some("the URL has no host")
        }
        Some(_) => None,
        None => Some("not an absolute URL (it needs https:// and a host)"),
    };
    match problem {
        Some(problem) => Err(invalid(variable, value, problem, example)),
        None => Ok(value.to_string()),
    }
}

/// An absolute URL; `http://` only on a loopback host (discovery refuses anything else at run time).
fn check_authority(value: &str) -> Result<String, ConfigError> {
    let url = check_url("AUTHORITY", value, EXAMPLE_AUTHORITY)?;
    match url_parts(&url) {
        Some(p) if p.scheme.eq_ignore_ascii_case("http") && !is_loopback_host(p.host) => {
            Err(invalid(
                "AUTHORITY",
                value,
                "http:// is only for a local test server (localhost, 127.0.0.1 or [::1]); an Entra authority starts with https://",
                EXAMPLE_AUTHORITY,
            ))
        }
        _ => Ok(url.trim_end_matches('/').to_string()),
    }
}

/// An absolute URL whose path is exactly [`CALLBACK_PATH`], the only route that handles the answer.
fn check_redirect_uri(value: &str) -> Result<String, ConfigError> {
    let url = check_url("REDIRECT_URI", value, EXAMPLE_REDIRECT)?;
    match url_parts(&url) {
        Some(p) if p.path == CALLBACK_PATH => Ok(url),
        _ => {
            let registered = origin(&url).unwrap_or_else(|| "https://app.example.com".to_string());
            Err(invalid(
                "REDIRECT_URI",
                value,
                &format!(
                    "must end in {CALLBACK_PATH} (the whole path): the app only handles the sign-in \
                     response on that route; set REDIRECT_URI={registered}{CALLBACK_PATH} and register that \
                     URI on the app"
                ),
                EXAMPLE_REDIRECT,
            ))
        }
    }
}

fn check_scopes(value: &str) -> Result<String, ConfigError> {
    let scopes: Vec<&str> = value.split_whitespace().collect();
    if scopes.contains(&"openid") {
        Ok(scopes.join(" "))
    } else {
        Err(invalid(
            "SCOPES",
            value,
            "the scopes must include openid to get an ID token",
            EXAMPLE_SCOPES,
        ))
    }
}

/// A GUID: `8-4-4-4-12` hexadecimal digits, in any case.
pub fn is_guid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == lengths.len()
        && groups
            .iter()
            .zip(lengths)
            .all(|(g, n)| g.len() == n && g.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// The parts of an absolute URL these rules need. Not a general URL parser: nothing is decoded or
/// normalised, so a rule compares what was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UrlParts<'a> {
    pub scheme: &'a str,
    /// As written; an IPv6 literal keeps its brackets (`[::1]`).
    pub host: &'a str,
    pub port: Option<&'a str>,
    /// From the first `/` after the host to the query or fragment; empty when there is none.
    pub path: &'a str,
}

/// Splits `scheme://[userinfo@]host[:port][/path][?query][#fragment]`; `None` without a host.
pub fn url_parts(url: &str) -> Option<UrlParts<'_>> {
    let (scheme, rest) = url.split_once("://")?;
    let (authority, after) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let path = &after[..after.find(['?', '#']).unwrap_or(after.len())];
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let (host, port) = match host_port.find(']') {
        Some(close) if host_port.starts_with('[') => {
            let (host, port) = host_port.split_at(close + 1);
            (host, port.strip_prefix(':'))
        }
        _ => match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        },
    };
    (!host.is_empty()).then_some(UrlParts {
        scheme,
        host,
        port,
        path,
    })
}

/// The origin of an `http(s)` URL as a browser writes it (`location.origin`): scheme and host in
/// lowercase, no default port, no path.
pub fn origin(url: &str) -> Option<String> {
    let p = url_parts(url)?;
    let scheme = p.scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    let host = p.host.to_ascii_lowercase();
    Some(match p.port {
        Some(port) if !port.is_empty() && port != default_port => {
            format!("{scheme}://{host}:{port}")
        }
        _ => format!("{scheme}://{host}"),
    })
}

/// A loopback host, where `http://` is acceptable: `localhost` (any case), an IPv4 literal in
/// 127.0.0.0/8 written as four decimal octets, or `::1` (bracketed as in a URL, or not).
///
/// Exactly these. `127.example.com` and `localhost.evil.com` are names anyone can point anywhere,
/// and the shorthand `127.1` is refused too: browsers expand it, but Entra compares redirect URIs
/// and issuers as written, so a value that only works after expansion is a trap.
pub fn is_loopback_host(host: &str) -> bool {
    let unbracketed = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
        || unbracketed
            .parse::<Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl BuildConfig {
    /// A configured tenant that is not on this machine: not the local dev tenant, and not an
    /// `AUTHORITY` on a loopback host (an emulator, like the end-to-end tests' dev tenant). Its
    /// redirect URIs are whatever was registered, following the README.
    pub fn is_remote_tenant(&self) -> bool {
        self.source != TenantSource::LocalDevTenant
            && url_parts(&self.authority).is_some_and(|p| !is_loopback_host(p.host))
    }
}

/// Why the page's origin will not get the sign-in response back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MismatchCause {
    /// `REDIRECT_URI` is on another origin: the answer would land there, without this tab's
    /// pending sign-in (sessionStorage is per origin).
    ConfiguredElsewhere,
    /// The page is on a loopback IP (`http://127.0.0.1:8080`, what trunk lists) with no
    /// `REDIRECT_URI`, so the redirect URI is this origin + `/callback`, while the README
    /// registers `http://localhost:…/callback`: Entra answers AADSTS50011.
    LoopbackAddressNotRegistered,
}

/// The page is open on an origin that the redirect URI does not expect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginMismatch {
    /// The page's origin, e.g. `http://127.0.0.1:8080`.
    pub page_origin: String,
    /// The origin to open instead, e.g. `http://localhost:8080`.
    pub expected_origin: String,
    /// The redirect URI a sign-in from this page would send.
    pub redirect_uri: String,
    pub cause: MismatchCause,
}

impl OriginMismatch {
    /// What to do, in one sentence.
    pub fn fix(&self) -> String {
        let expected = &self.expected_origin;
        match self.cause {
            MismatchCause::LoopbackAddressNotRegistered => format!(
                "open {expected} instead, or register {} as a Single-page application redirect URI",
                self.redirect_uri
            ),
            MismatchCause::ConfiguredElsewhere => format!(
                "open {expected} instead, or build with REDIRECT_URI={}{CALLBACK_PATH} and register \
                 that as a Single-page application redirect URI",
                self.page_origin
            ),
        }
    }
}

impl fmt::Display for OriginMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cause = match self.cause {
            MismatchCause::ConfiguredElsewhere => "REDIRECT_URI is",
            MismatchCause::LoopbackAddressNotRegistered => {
                "the redirect URI registered as the README says is"
            }
        };
        write!(
            f,
            "this page is on {} but {cause} on {}: signing in sends redirect_uri={} and fails \
             (AADSTS50011 if it is not registered); {}",
            self.page_origin,
            self.expected_origin,
            self.redirect_uri,
            self.fix()
        )
    }
}

/// Whether a sign-in from `page_origin` would fail because of the origin, for a remote tenant
/// ([`BuildConfig::is_remote_tenant`]; the dev tenant registers both loopback forms):
/// - with `REDIRECT_URI`, when the page is not on its origin;
/// - without, when the page is on a loopback IP literal (`127.0.0.1`, `[::1]`): the redirect URI
///   is then `http://127.0.0.1:…/callback`, and the README registers `http://localhost:…/callback`.
///   Another port on `localhost` is not flagged: Entra's localhost exception ignores the port of
///   a loopback redirect URI (the dev tenant emulates it), never its host.
///
/// Other origins without `REDIRECT_URI` send their own origin + `/callback`, which is what anyone
/// deploying there registers; nothing is known to be wrong.
pub fn origin_mismatch(page_origin: &str, config: &BuildConfig) -> Option<OriginMismatch> {
    if !config.is_remote_tenant() {
        return None;
    }
    let page = origin(page_origin)?;
    match &config.redirect_uri {
        Some(redirect_uri) => {
            let expected = origin(redirect_uri)?;
            (expected != page).then(|| OriginMismatch {
                page_origin: page,
                expected_origin: expected,
                redirect_uri: redirect_uri.clone(),
                cause: MismatchCause::ConfiguredElsewhere,
            })
        }
        None => {
            let p = url_parts(&page)?;
            if !is_loopback_host(p.host) || p.host == "localhost" {
                return None;
            }
            let port = p.port.map(|port| format!(":{port}")).unwrap_or_default();
            Some(OriginMismatch {
                expected_origin: format!("{}://localhost{port}", p.scheme),
                redirect_uri: format!("{page}{CALLBACK_PATH}"),
                page_origin: page,
                cause: MismatchCause::LoopbackAddressNotRegistered,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: RawConfig<'_>) -> Result<BuildConfig, ConfigError> {
        BuildConfig::parse(raw)
    }

    #[test]
    fn no_variables_selects_the_local_dev_tenant() {
        let config = parse(RawConfig::default()).unwrap();
        assert_eq!(config.source, TenantSource::LocalDevTenant);
        assert_eq!(config.authority, DEV_TENANT_AUTHORITY);
        assert_eq!(config.client_id, DEV_SPA_CLIENT_ID);
        assert_eq!(config.tenant_guid.as_deref(), Some(DEV_TENANT_ID));
        assert_eq!(config.scopes, DEFAULT_SCOPES);
        assert_eq!(config.redirect_uri, None);
        assert!(config.authority.contains(DEV_TENANT_ID));
    }

    #[test]
    fn tenant_name_and_guid_build_the_ciamlogin_authority() {
        let config = parse(RawConfig {
            tenant_name: Some("Contoso"),
            tenant_guid: Some("AAAABBBB-0000-cccc-1111-dddd2222eeee"),
            client_id: Some("00001111-aaaa-2222-bbbb-3333cccc4444"),
            ..RawConfig::default()
        })
        .unwrap();
        assert_eq!(config.source, TenantSource::CiamLogin);
        assert_eq!(
            config.authority,
            "https://contoso.ciamlogin.com/aaaabbbb-0000-cccc-1111-dddd2222eeee/v2.0"
        );
    }

    #[test]
    fn authority_overrides_the_tenant_name_and_loses_its_trailing_slash() {
        let config = parse(RawConfig {
            tenant_name: Some("contoso"),
            authority: Some("https://login.contoso.com/tenant/v2.0/"),
            client_id: Some("00001111-aaaa-2222-bbbb-3333cccc4444"),
            ..RawConfig::default()
        })
        .unwrap();
        assert_eq!(config.source, TenantSource::Authority);
        assert_eq!(config.authority, "https://login.contoso.com/tenant/v2.0");
    }

    #[test]
    fn rejects_tenant_name_with_the_ciamlogin_suffix() {
        let err = parse(RawConfig {
            tenant_name: Some("contoso.ciamlogin.com"),
            ..RawConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.variable, "TENANT_NAME");
        assert!(err.problem.contains("without .ciamlogin.com"), "{err}");
    }

    #[test]
    fn rejects_tenant_name_with_dots() {
        let err = parse(RawConfig {
            tenant_name: Some("login.contoso"),
            ..RawConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.variable, "TENANT_NAME");
        assert!(err.problem.contains("no dots"), "{err}");
    }

    #[test]
    fn rejects_a_client_id_that_is_not_a_guid_and_names_an_example() {
        let err = parse(RawConfig {
            client_id: Some("my-app"),
            ..RawConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.variable, "CLIENT_ID");
        let text = err.to_string();
        assert!(text.contains("CLIENT_ID=\"my-app\""), "{text}");
        assert!(text.contains("not a GUID"), "{text}");
        assert!(text.contains("Example: CLIENT_ID="), "{text}");
    }

    #[test]
    fn rejects_tenant_guid_with_a_bad_group() {
        let err = parse(RawConfig {
            tenant_name: Some("contoso"),
            tenant_guid: Some("aaaabbbb-0000-cccc-1111-dddd2222eeeZ"),
            client_id: Some("00001111-aaaa-2222-bbbb-3333cccc4444"),
            ..RawConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.variable, "TENANT_GUID");
    }

    #[test]
    fn requires_the_guid_with_a_tenant_name() {
        let err = parse(RawConfig {
            tenant_name: Some("contoso"),
            client_id: Some("00001111-aaaa-2222-bbbb-3333cccc4444"),
            ..RawConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.variable, "TENANT_GUID");
        assert!(err.problem.starts_with("not set"), "{err}");
    }

    #[test]
    fn requires_a_client_id_with_a_configured_tenant() {
        let err = parse(RawConfig {
            authority: Some("https://login.contoso.com/t/v2.0"),
            ..RawConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.variable, "CLIENT_ID");
    }

    #[test]
    fn rejects_urls_without_scheme_or_host_or_with_spaces() {
        for bad in [
            "localhost:8080/callback",
            "ftp://x/callback",
            "https:///callback",
            "https://a b/",
        ] {
            let err = parse(RawConfig {
                redirect_uri: Some(bad),
                ..RawConfig::default()
            })
            .unwrap_err();
            assert_eq!(err.variable, "REDIRECT_URI", "{bad}");
        }
    }

    #[test]
    fn rejects_scopes_without_openid() {
        let err = parse(RawConfig {
            scopes: Some("profile email"),
            ..RawConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.variable, "SCOPES");
    }

    #[test]
    fn post_logout_redirect_uri_is_optional_and_must_be_an_absolute_url() {
        let config = parse(RawConfig {
            post_logout_redirect_uri: Some("https://app.contoso.com/signed-out"),
            ..RawConfig::default()
        })
        .unwrap();
        assert_eq!(
            config.post_logout_redirect_uri.as_deref(),
            Some("https://app.contoso.com/signed-out")
        );
        assert_eq!(
            parse(RawConfig::default())
                .unwrap()
                .post_logout_redirect_uri,
            None
        );
        let err = parse(RawConfig {
            post_logout_redirect_uri: Some("/signed-out"),
            ..RawConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.variable, "POST_LOGOUT_REDIRECT_URI");
        assert!(err
            .to_string()
            .contains("POST_LOGOUT_REDIRECT_URI=http://localhost:8080/"));
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let config = parse(RawConfig {
            client_secret: Some(""),
            redirect_uri: Some("  "),
            ..RawConfig::default()
        })
        .unwrap();
        assert_eq!(config.client_secret, None);
        assert_eq!(config.redirect_uri, None);
    }

    #[test]
    fn values_in_variable_order_fill_the_matching_fields() {
        let values = VARIABLES.map(|v| Some(v.to_string()));
        let raw = RawConfig::from_values(&values);
        assert_eq!(raw.tenant_name, Some("TENANT_NAME"));
        assert_eq!(raw.tenant_guid, Some("TENANT_GUID"));
        assert_eq!(raw.client_id, Some("CLIENT_ID"));
        assert_eq!(raw.client_secret, Some("CLIENT_SECRET"));
        assert_eq!(raw.redirect_uri, Some("REDIRECT_URI"));
        assert_eq!(raw.authority, Some("AUTHORITY"));
        assert_eq!(raw.scopes, Some("SCOPES"));
        assert_eq!(
            raw.post_logout_redirect_uri,
            Some("POST_LOGOUT_REDIRECT_URI")
        );
    }

    const CLIENT: &str = "00001111-aaaa-2222-bbbb-3333cccc4444";

    fn ciamlogin_tenant(redirect_uri: Option<&'static str>) -> BuildConfig {
        parse(RawConfig {
            tenant_name: Some("contoso"),
            tenant_guid: Some("aaaabbbb-0000-cccc-1111-dddd2222eeee"),
            client_id: Some(CLIENT),
            redirect_uri,
            ..RawConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn loopback_is_127_slash_8_localhost_in_any_case_and_ipv6_one() {
        for host in [
            "127.0.0.1",
            "127.255.255.255",
            "127.0.0.0",
            "localhost",
            "LOCALHOST",
            "[::1]",
            "::1",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn loopback_refuses_names_that_only_start_or_end_like_loopback() {
        for host in [
            "127.example.com",
            "127.0.0.1.nip.io",
            "localhost.evil.com",
            "evil-localhost",
            "localhost.",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn loopback_refuses_the_127_1_shorthand_and_malformed_octets() {
        for host in [
            "127.1",
            "127.0.1",
            "127.256.0.1",
            "127.0.0.01",
            "128.0.0.1",
            "[::2]",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn url_parts_splits_host_port_and_path() {
        let p = url_parts("http://user@[::1]:8080/callback?x=1#f").unwrap();
        assert_eq!(
            (p.scheme, p.host, p.port, p.path),
            ("http", "[::1]", Some("8080"), "/callback")
        );
        let p = url_parts("https://app.example.com?x=1").unwrap();
        assert_eq!((p.host, p.port, p.path), ("app.example.com", None, ""));
        assert_eq!(url_parts("https:///callback"), None);
    }

    #[test]
    fn origin_is_lowercase_without_default_port_or_path() {
        assert_eq!(
            origin("HTTPS://App.Example.com:443/callback").as_deref(),
            Some("https://app.example.com")
        );
        assert_eq!(
            origin("http://localhost:8080/callback").as_deref(),
            Some("http://localhost:8080")
        );
        assert_eq!(origin("ftp://example.com/"), None);
    }

    #[test]
    fn accepts_a_redirect_uri_whose_path_is_callback() {
        let config = parse(RawConfig {
            redirect_uri: Some("https://app.example.com/callback"),
            ..RawConfig::default()
        })
        .unwrap();
        assert_eq!(
            config.redirect_uri.as_deref(),
            Some("https://app.example.com/callback")
        );
    }

    #[test]
    fn rejects_a_redirect_uri_whose_path_is_not_exactly_callback_and_names_the_uri_to_register() {
        for bad in [
            "https://app.example.com/",
            "https://app.example.com",
            "https://app.example.com/auth/callback",
            "https://app.example.com/callback/",
            "https://app.example.com/Callback",
        ] {
            let err = parse(RawConfig {
                redirect_uri: Some(bad),
                ..RawConfig::default()
            })
            .unwrap_err();
            assert_eq!(err.variable, "REDIRECT_URI", "{bad}");
            let text = err.to_string();
            assert!(text.contains("must end in /callback"), "{text}");
            assert!(text.contains("only handles"), "{text}");
            assert!(
                text.contains("register that URI")
                    && text.contains("REDIRECT_URI=https://app.example.com/callback"),
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_an_http_authority_on_a_public_host() {
        let err = parse(RawConfig {
            authority: Some("http://127.example.com/t/v2.0"),
            client_id: Some(CLIENT),
            ..RawConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.variable, "AUTHORITY");
        assert!(err.problem.contains("https://"), "{err}");
    }

    #[test]
    fn accepts_an_http_authority_on_a_loopback_host() {
        let config = parse(RawConfig {
            authority: Some("http://127.0.0.1:8081/t/v2.0"),
            client_id: Some(CLIENT),
            ..RawConfig::default()
        })
        .unwrap();
        assert_eq!(config.authority, "http://127.0.0.1:8081/t/v2.0");
    }

    #[test]
    fn warns_on_127_0_0_1_without_redirect_uri_for_a_remote_tenant() {
        let found = origin_mismatch("http://127.0.0.1:8080", &ciamlogin_tenant(None)).unwrap();
        assert_eq!(found.page_origin, "http://127.0.0.1:8080");
        assert_eq!(found.expected_origin, DEV_APP_ORIGIN);
        assert_eq!(found.redirect_uri, "http://127.0.0.1:8080/callback");
        assert_eq!(
            found.fix(),
            "open http://localhost:8080 instead, or register http://127.0.0.1:8080/callback as a \
             Single-page application redirect URI"
        );
        let text = found.to_string();
        assert!(text.contains("AADSTS50011"), "{text}");
        assert!(
            origin_mismatch("http://[::1]:8080", &ciamlogin_tenant(None)).is_some(),
            "[::1] is a loopback address too"
        );
    }

    #[test]
    fn no_origin_warning_on_localhost_or_a_deployed_origin_without_redirect_uri() {
        let config = ciamlogin_tenant(None);
        assert_eq!(origin_mismatch(DEV_APP_ORIGIN, &config), None);
        assert_eq!(origin_mismatch("http://localhost:9090", &config), None);
        assert_eq!(origin_mismatch("https://app.contoso.com", &config), None);
    }

    #[test]
    fn warns_when_the_page_is_not_on_the_configured_redirect_uri_origin() {
        let config = ciamlogin_tenant(Some("http://localhost:8080/callback"));
        let found = origin_mismatch("http://127.0.0.1:8080", &config).unwrap();
        assert_eq!(found.expected_origin, "http://localhost:8080");
        assert_eq!(found.redirect_uri, "http://localhost:8080/callback");
        assert_eq!(found.cause, MismatchCause::ConfiguredElsewhere);
        assert!(found
            .fix()
            .contains("REDIRECT_URI=http://127.0.0.1:8080/callback"));
        assert!(origin_mismatch("http://localhost:9090", &config).is_some());
    }

    #[test]
    fn no_origin_warning_on_the_configured_redirect_uri_origin() {
        let config = ciamlogin_tenant(Some("https://App.Contoso.com:443/callback"));
        assert_eq!(origin_mismatch("https://app.contoso.com", &config), None);
        let config = ciamlogin_tenant(Some("http://127.0.0.1:8080/callback"));
        assert_eq!(origin_mismatch("http://127.0.0.1:8080", &config), None);
    }

    #[test]
    fn no_origin_warning_for_the_dev_tenant_or_an_authority_on_loopback() {
        let dev = parse(RawConfig::default()).unwrap();
        assert_eq!(origin_mismatch("http://127.0.0.1:8080", &dev), None);
        let emulator = parse(RawConfig {
            authority: Some("http://127.0.0.1:8081/t/v2.0"),
            client_id: Some(CLIENT),
            ..RawConfig::default()
        })
        .unwrap();
        assert!(!emulator.is_remote_tenant());
        assert_eq!(origin_mismatch("http://127.0.0.1:8080", &emulator), None);
    }

    #[test]
    fn debug_output_never_contains_the_secret() {
        let config = parse(RawConfig {
            client_secret: Some("s3cr3t-value"),
            ..RawConfig::default()
        })
        .unwrap();
        assert!(!format!("{config:?}").contains("s3cr3t-value"));
    }
}
