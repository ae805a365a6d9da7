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
/// The redirect URIs both default clients register.
pub const DEFAULT_REDIRECT_URIS: [&str; 2] = [
    "http://127.0.0.1:8080/callback",
    "http://localhost:8080/callback",
];
/// The post-logout redirect URIs both default clients register.
pub const DEFAULT_POST_LOGOUT_REDIRECT_URIS: [&str; 2] =
    ["http://127.0.0.1:8080/", "http://localhost:8080/"];

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
    /// port, as Entra does for loopback URIs (RFC 8252 §7.3). Off by default: the URI must match exactly.
    pub loopback_any_port: bool,
    /// Token, code and session lifetimes.
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
        let post_logout: Vec<String> = DEFAULT_POST_LOGOUT_REDIRECT_URIS
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
                    post_logout_redirect_uris: post_logout.clone(),
                },
                Client {
                    client_id: WEB_CLIENT_ID.into(),
                    display_name: "entra-signin (Web)".into(),
                    kind: ClientKind::Web,
                    secret: Some(ClientSecret::new(WEB_CLIENT_SECRET)),
                    redirect_uris,
                    post_logout_redirect_uris: post_logout,
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

    /// Registers `uri` as a post-logout redirect URI of every client.
    pub fn with_post_logout_redirect_uri(mut self, uri: impl Into<String>) -> Self {
        let uri = uri.into();
        for client in &mut self.clients {
            client.post_logout_redirect_uris.push(uri.clone());
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
            for uri in client
                .redirect_uris
                .iter()
                .chain(&client.post_logout_redirect_uris)
            {
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
        Ok(())
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
    /// Registered redirect URIs, compared exactly (see `Config::loopback_any_port`).
    pub redirect_uris: Vec<String>,
    /// Where the logout endpoint may send the browser back to.
    pub post_logout_redirect_uris: Vec<String>,
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
    /// Access token `expires_in` (Entra: 60 to 90 minutes; here fixed).
    pub access_token: Duration,
    /// Authorization code (Entra: 10 minutes).
    pub authorization_code: Duration,
    /// SPA refresh tokens, fixed from the sign-in, not extended by rotation (Entra: 24 hours).
    pub spa_refresh_token: Duration,
    /// Web refresh tokens, renewed by each rotation (Entra: 90 days of inactivity).
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
            access_token: Duration::from_secs(3600),
            authorization_code: Duration::from_secs(600),
            spa_refresh_token: Duration::from_secs(24 * 3600),
            web_refresh_token: Duration::from_secs(90 * 24 * 3600),
            otp_code: Duration::from_secs(600),
            session: Duration::from_secs(24 * 3600),
        }
    }
}
