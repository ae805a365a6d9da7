//! What the emulated tenant looks like: its ids, app registrations, issuer and token lifetimes.

use crate::keys::SigningKey;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// The dev tenant's directory (tenant) id; the app embeds the same value.
pub const TENANT_ID: &str = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
/// The dev tenant's subdomain, as in `https://{subdomain}.ciamlogin.com`.
pub const TENANT_SUBDOMAIN: &str = "devtenant";
/// The public client registered with the "Single-page application" platform.
pub const SPA_CLIENT_ID: &str = "6a1c3f2e-9b8d-4e7f-a0c1-d2e3f4a5b6c7";
/// The confidential client registered with the "Web" platform.
pub const WEB_CLIENT_ID: &str = "7b2d4e3f-0c9e-4f80-b1d2-e3f4a5b6c7d8";
/// The Web client's secret. Local use only: it is published in this source.
pub const WEB_CLIENT_SECRET: &str = "dev8Q~local-web-client-secret-not-for-production";
/// The port `cargo xtask serve` starts the dev tenant on.
pub const DEFAULT_PORT: u16 = 8081;
/// The redirect URIs both default clients register: the app's callback, and the page it returns to after logout
/// (Entra accepts a `post_logout_redirect_uri` only if it is one of the redirect URIs).
pub const DEFAULT_REDIRECT_URIS: [&str; 4] = [
    "http://127.0.0.1:8080/callback",
    "http://localhost:8080/callback",
    "http://127.0.0.1:8080/",
    "http://localhost:8080/",
];

/// The whole configuration of one emulated tenant. `Config::default()` is the fixed dev tenant on port 8081.
#[derive(Clone, Debug)]
pub struct Config {
    /// Port to listen on, on 127.0.0.1; 0 picks a free port.
    pub port: u16,
    /// Directory (tenant) id, a GUID.
    pub tenant_id: String,
    /// Subdomain of the authority host (`{subdomain}.ciamlogin.com` in Entra); shown on the pages and accepted
    /// in place of the tenant id as `{subdomain}.onmicrosoft.com`.
    pub subdomain: String,
    /// Which string the ID tokens carry in `iss`.
    pub issuer_mode: IssuerMode,
    /// App registrations.
    pub clients: Vec<Client>,
    /// Accept a registered loopback redirect URI (`http://127.0.0.1:P/path` or `http://localhost:P/path`) on any
    /// port, as Entra does for loopback URIs (RFC 8252 §7.3), at `/authorize` and as a `post_logout_redirect_uri`.
    /// Off by default: the URI must match exactly.
    pub loopback_any_port: bool,
    /// Token, code and session lifetimes at start ([`crate::Tenant::set_lifetimes`] changes those in force).
    pub lifetimes: Lifetimes,
    /// Where keys and users are kept across restarts; `None` keeps them in memory only.
    pub state_file: Option<PathBuf>,
    /// At start, add a new signing key and keep publishing the old ones.
    pub rotate_keys: bool,
    /// Pre-generated keys (RSA generation is slow in debug builds, so tests share them), used in order wherever the
    /// tenant would otherwise generate one: the signing key when the state file has none, `rotate_keys`, and the
    /// faults that need keys of their own. Keys the state file already holds are skipped.
    pub keys: Vec<SigningKey>,
    /// Print neither the request log nor the emulated mail on stdout.
    pub quiet: bool,
}

impl Default for Config {
    fn default() -> Self {
        let redirect_uris: Vec<String> = DEFAULT_REDIRECT_URIS
            .iter()
            .map(|s| s.to_string())
            .collect();
        Config {
            port: DEFAULT_PORT,
            tenant_id: TENANT_ID.into(),
            subdomain: TENANT_SUBDOMAIN.into(),
            issuer_mode: IssuerMode::TenantHost,
            clients: vec![
                Client {
                    client_id: SPA_CLIENT_ID.into(),
                    display_name: "entra-signin (SPA)".into(),
                    kind: ClientKind::Spa,
                    secret: None,
                    redirect_uris: redirect_uris.clone(),
                },
                Client {
                    client_id: WEB_CLIENT_ID.into(),
                    display_name: "entra-signin (Web)".into(),
                    kind: ClientKind::Web,
                    secret: Some(ClientSecret::new(WEB_CLIENT_SECRET)),
                    redirect_uris,
                },
            ],
            loopback_any_port: false,
            lifetimes: Lifetimes::default(),
            state_file: None,
            rotate_keys: false,
            keys: Vec::new(),
            quiet: false,
        }
    }
}

impl Config {
    /// Registers `uri` as a redirect URI of every client.
    pub fn with_redirect_uri(mut self, uri: impl Into<String>) -> Self {
        let uri = uri.into();
        for client in &mut self.clients {
            client.redirect_uris.push(uri.clone());
        }
        self
    }

    /// The client registered with `client_id`.
    pub fn client(&self, client_id: &str) -> Option<&Client> {
        self.clients
            .iter()
            .find(|c| c.client_id.eq_ignore_ascii_case(client_id))
    }

    /// The client registered with `client_id`, to change it.
    pub fn client_mut(&mut self, client_id: &str) -> Option<&mut Client> {
        self.clients
            .iter_mut()
            .find(|c| c.client_id.eq_ignore_ascii_case(client_id))
    }

    /// Checks what the tenant cannot work without.
    pub fn validate(&self) -> Result<(), String> {
        if self.tenant_id.is_empty() || self.tenant_id.contains('/') {
            return Err(format!(
                "tenant id `{}` is not a path segment",
                self.tenant_id
            ));
        }
        if self.subdomain.is_empty() || self.subdomain.contains(['/', '.']) {
            return Err(format!("subdomain `{}` is not a DNS label", self.subdomain));
        }
        for (i, client) in self.clients.iter().enumerate() {
            if client.client_id.is_empty() {
                return Err(format!("client #{} has an empty client id", i + 1));
            }
            if self.clients[..i]
                .iter()
                .any(|c| c.client_id.eq_ignore_ascii_case(&client.client_id))
            {
                return Err(format!(
                    "client id {} is registered twice",
                    client.client_id
                ));
            }
            if client.kind == ClientKind::Web && client.secret.is_none() {
                return Err(format!("Web client {} has no secret", client.client_id));
            }
            for uri in &client.redirect_uris {
                let parsed = url::Url::parse(uri).map_err(|e| {
                    format!(
                        "client {}: `{uri}` is not an absolute URL ({e})",
                        client.client_id
                    )
                })?;
                if parsed.fragment().is_some() {
                    return Err(format!(
                        "client {}: `{uri}` has a fragment",
                        client.client_id
                    ));
                }
            }
        }
        self.lifetimes.check()
    }
}

/// What the ID tokens carry in `iss`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssuerMode {
    /// `http://{tenant_id}.localhost:{port}/{tenant_id}/v2.0`: like Entra's `https://{tenant_id}.ciamlogin.com/...`,
    /// a host that differs from the authority's. A string the client compares, never fetches.
    TenantHost,
    /// The authority itself: `http://127.0.0.1:{port}/{tenant_id}/v2.0`.
    Authority,
}

/// One app registration.
#[derive(Clone, Debug)]
pub struct Client {
    /// Application (client) id.
    pub client_id: String,
    /// Shown on the sign-in pages.
    pub display_name: String,
    /// The platform its redirect URIs are registered under.
    pub kind: ClientKind,
    /// Client secret (Web clients only).
    pub secret: Option<ClientSecret>,
    /// Registered redirect URIs, compared exactly (see `Config::loopback_any_port`). They are also the only
    /// `post_logout_redirect_uri` values the logout endpoint returns to, as in Entra.
    pub redirect_uris: Vec<String>,
}

impl Client {
    /// Whether `/authorize` and the logout endpoint may send the browser to `uri` (see [`registered_uri_matches`]).
    pub(crate) fn redirect_uri_registered(&self, uri: &str, loopback_any_port: bool) -> bool {
        registered_uri_matches(&self.redirect_uris, uri, loopback_any_port)
    }
}

/// Whether `uri` is one of `registered`: exactly, or with `loopback_any_port` the same loopback URI (`http`,
/// `127.0.0.1` or `localhost`, same path and query) on another port (RFC 8252 §7.3).
fn registered_uri_matches(registered: &[String], uri: &str, loopback_any_port: bool) -> bool {
    if registered.iter().any(|r| r == uri) {
        return true;
    }
    if !loopback_any_port {
        return false;
    }
    let Ok(requested) = url::Url::parse(uri) else {
        return false;
    };
    let is_loopback = |u: &url::Url| {
        u.scheme() == "http" && matches!(u.host_str(), Some("127.0.0.1" | "localhost"))
    };
    is_loopback(&requested)
        && registered
            .iter()
            .filter_map(|r| url::Url::parse(r).ok())
            .any(|registered| {
                is_loopback(&registered)
                    && registered.host_str() == requested.host_str()
                    && registered.path() == requested.path()
                    && registered.query() == requested.query()
            })
}

/// The platform of an app registration's redirect URIs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientKind {
    /// "Single-page application": a public client; PKCE required, token redemption cross-origin only.
    Spa,
    /// "Web": a confidential client with a secret; token redemption from a server only.
    Web,
}

impl ClientKind {
    /// The name Entra's messages use.
    pub fn label(self) -> &'static str {
        match self {
            ClientKind::Spa => "Single-Page Application",
            ClientKind::Web => "Web",
        }
    }
}

/// A client secret; its `Debug` shows nothing of it.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// Wraps a secret value.
    pub fn new(secret: impl Into<String>) -> Self {
        ClientSecret(secret.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Compares in time independent of where the values differ.
    pub(crate) fn matches(&self, presented: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), presented.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(..)")
    }
}

/// How long what the tenant issues stays valid. Short values make expiry testable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetimes {
    /// ID token `exp - iat` (Entra: 1 hour).
    pub id_token: Duration,
    /// The shortest access token lifetime (`expires_in`). Each access token gets a lifetime drawn uniformly, in
    /// whole seconds, between this and `access_token_max` (Entra: 60 to 90 minutes).
    pub access_token_min: Duration,
    /// The longest access token lifetime (see `access_token_min`).
    pub access_token_max: Duration,
    /// Authorization code (Entra: 10 minutes).
    pub authorization_code: Duration,
    /// SPA refresh tokens, fixed from the sign-in, not extended by rotation (Entra: 24 hours).
    pub spa_refresh_token: Duration,
    /// Web refresh tokens, from their issue: each rotation issues one with a new expiry (24 hours, taken for email
    /// one-time-passcode users; the README says what is documented of Entra's).
    pub web_refresh_token: Duration,
    /// Emailed one-time passcode (Entra: 10 minutes).
    pub otp_code: Duration,
    /// Sign-in session cookie.
    pub session: Duration,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Lifetimes {
            id_token: Duration::from_secs(3600),
            access_token_min: Duration::from_secs(3600),
            access_token_max: Duration::from_secs(5400),
            authorization_code: Duration::from_secs(600),
            spa_refresh_token: Duration::from_secs(24 * 3600),
            web_refresh_token: Duration::from_secs(24 * 3600),
            otp_code: Duration::from_secs(600),
            session: Duration::from_secs(24 * 3600),
        }
    }
}

impl Lifetimes {
    /// The default lifetimes, except that every access token lasts exactly `lifetime`.
    pub fn with_access_token(lifetime: Duration) -> Lifetimes {
        Lifetimes {
            access_token_min: lifetime,
            access_token_max: lifetime,
            ..Lifetimes::default()
        }
    }

    /// The lifetime of one new access token: uniformly drawn, in whole seconds, between `access_token_min` and
    /// `access_token_max` (in either order).
    pub(crate) fn draw_access_token(&self) -> Duration {
        let (a, b) = (
            self.access_token_min.as_secs(),
            self.access_token_max.as_secs(),
        );
        Duration::from_secs(crate::ids::uniform(a.min(b), a.max(b)))
    }

    /// Checks that the access token range is not inverted; the error names both fields.
    pub(crate) fn check(&self) -> Result<(), String> {
        let (min, max) = (
            self.access_token_min.as_secs(),
            self.access_token_max.as_secs(),
        );
        if min > max {
            return Err(format!(
                "`access_token_min` ({min} s) is greater than `access_token_max` ({max} s)"
            ));
        }
        Ok(())
    }

    /// Each lifetime with its name in the JSON of `/_dev/lifetimes`.
    fn named(&mut self) -> [(&'static str, &mut Duration); 8] {
        [
            ("id_token", &mut self.id_token),
            ("access_token_min", &mut self.access_token_min),
            ("access_token_max", &mut self.access_token_max),
            ("authorization_code", &mut self.authorization_code),
            ("spa_refresh_token", &mut self.spa_refresh_token),
            ("web_refresh_token", &mut self.web_refresh_token),
            ("otp_code", &mut self.otp_code),
            ("session", &mut self.session),
        ]
    }

    /// `{"id_token": 3600, ...}`: every lifetime, in seconds.
    pub(crate) fn to_json(self) -> serde_json::Value {
        let mut copy = self;
        let fields = copy
            .named()
            .map(|(name, value)| (name.to_string(), value.as_secs().into()));
        serde_json::Value::Object(fields.into_iter().collect())
    }

    /// These lifetimes with those a JSON object of seconds names (`{"access_token_max": 10}`) replaced. The error
    /// names the field that is unknown or not a whole number of seconds, or both access token fields when the
    /// result would have `access_token_min` > `access_token_max`.
    pub(crate) fn with_json(self, body: &[u8]) -> Result<Lifetimes, String> {
        let expected = r#"expected a JSON object of seconds, e.g. {"access_token_min": 10, "access_token_max": 10}"#;
        let fields = match serde_json::from_slice(body) {
            Ok(serde_json::Value::Object(fields)) => fields,
            Ok(other) => return Err(format!("{expected}, not {other}")),
            Err(e) => return Err(format!("the body is not JSON ({e}); {expected}")),
        };
        let mut lifetimes = self;
        for (name, value) in &fields {
            let mut named = lifetimes.named();
            let Some((_, slot)) = named.iter_mut().find(|(known, _)| known == name) else {
                let mut copy = self;
                let known = copy.named().map(|(known, _)| known);
                return Err(format!(
                    "unknown lifetime `{name}`; known lifetimes: {}",
                    known.join(", ")
                ));
            };
            let Some(secs) = value.as_u64() else {
                return Err(format!(
                    "`{name}` must be a whole number of seconds (0 or more), not {value}"
                ));
            };
            **slot = Duration::from_secs(secs);
        }
        lifetimes.check()?;
        Ok(lifetimes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_uris_match_on_any_port_only_when_allowed() {
        let registered = vec!["http://127.0.0.1:8080/callback".to_string()];
        let matches =
            |uri: &str, any_port: bool| registered_uri_matches(&registered, uri, any_port);
        assert!(matches("http://127.0.0.1:8080/callback", false));
        assert!(!matches("http://127.0.0.1:9999/callback", false));
        assert!(matches("http://127.0.0.1:9999/callback", true));
        assert!(!matches("http://127.0.0.1:9999/other", true), "path");
        assert!(
            !matches("http://127.0.0.1:9999/callback?x=1", true),
            "query"
        );
        assert!(!matches("http://localhost:9999/callback", true), "host");
        assert!(!matches("https://127.0.0.1:9999/callback", true), "scheme");
    }

    #[test]
    fn lifetimes_json_changes_only_the_named_lifetimes() {
        let changed = Lifetimes::default()
            .with_json(
                br#"{"access_token_min": 10, "access_token_max": 20, "spa_refresh_token": 2}"#,
            )
            .unwrap();
        assert_eq!(changed.access_token_min, Duration::from_secs(10));
        assert_eq!(changed.access_token_max, Duration::from_secs(20));
        assert_eq!(changed.spa_refresh_token, Duration::from_secs(2));
        assert_eq!(changed.id_token, Lifetimes::default().id_token);
        assert_eq!(changed.to_json()["access_token_max"], 20);
        assert_eq!(changed.to_json().as_object().map(|o| o.len()), Some(8));
    }

    #[test]
    fn lifetimes_json_refuses_a_minimum_above_the_maximum_naming_both() {
        let error = Lifetimes::default()
            .with_json(br#"{"access_token_min": 6000}"#)
            .unwrap_err();
        assert!(
            error.contains("`access_token_min`") && error.contains("`access_token_max`"),
            "{error}"
        );
        assert!(Lifetimes::default()
            .with_json(br#"{"access_token_min": 60, "access_token_max": 60}"#)
            .is_ok());
    }

    #[test]
    fn drawn_access_token_lifetimes_stay_within_the_range_and_vary() {
        let lifetimes = Lifetimes {
            access_token_min: Duration::from_secs(10),
            access_token_max: Duration::from_secs(13),
            ..Lifetimes::default()
        };
        let drawn: std::collections::BTreeSet<u64> = (0..200)
            .map(|_| lifetimes.draw_access_token().as_secs())
            .collect();
        assert_eq!(
            drawn,
            (10..=13).collect(),
            "every second of the range is drawn"
        );
        let fixed = Lifetimes::with_access_token(Duration::from_secs(7));
        assert_eq!(fixed.draw_access_token(), Duration::from_secs(7));
    }

    #[test]
    fn config_validation_refuses_an_inverted_access_token_range() {
        let mut config = Config::default();
        config.lifetimes.access_token_min = Duration::from_secs(100);
        config.lifetimes.access_token_max = Duration::from_secs(99);
        assert!(config.validate().unwrap_err().contains("access_token_max"));
    }

    #[test]
    fn lifetimes_json_names_the_unknown_or_non_integer_field() {
        let unknown = Lifetimes::default()
            .with_json(br#"{"access_token": 10}"#)
            .unwrap_err();
        assert!(unknown.contains("`access_token`"), "{unknown}");
        assert!(unknown.contains("access_token_min"), "{unknown}");
        for body in [
            &br#"{"session": 1.5}"#[..],
            br#"{"session": -1}"#,
            br#"{"session": "10"}"#,
        ] {
            let error = Lifetimes::default().with_json(body).unwrap_err();
            assert!(
                error.contains("`session` must be a whole number"),
                "{error}"
            );
        }
        assert!(Lifetimes::default().with_json(b"[10]").is_err());
        assert!(Lifetimes::default().with_json(b"not json").is_err());
    }
}
