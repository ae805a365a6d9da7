//! The signed-in session: its tokens, what renewals must repeat (§12.2), and the configured client.

use super::renewal;
use crate::browser;
use crate::config::BuildConfig;
use crate::oidc::{
    self, AccessToken, ClientId, ClientSecret, DecodedAccessToken, OriginalIdentity, RefreshToken,
    Scope, TokenClient, TokenResponse, ValidatedIdToken,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Manual,
    Automatic,
}

impl Trigger {
    pub fn id(self) -> &'static str {
        match self {
            Trigger::Manual => "manual",
            Trigger::Automatic => "automatic",
        }
    }
}

/// The last successful renewal of a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenewalRecord {
    pub trigger: Trigger,
    /// Unix seconds.
    pub at: i64,
    /// From the click (or the timer) to the validated tokens.
    pub took_ms: u64,
}

/// A signed-in user, in memory (and in sessionStorage only when the user opted in). The ID token
/// inside passed every check.
#[derive(Clone, Debug)]
pub struct Session {
    pub id_token: ValidatedIdToken,
    pub access_token: AccessToken,
    pub access_token_decoded: Option<DecodedAccessToken>,
    pub refresh_token: Option<RefreshToken>,
    pub scope: Option<String>,
    /// The scope the sign-in asked for when it was not the build's (Sign-in options): every
    /// renewal asks for it again, as Entra wants the same scopes or fewer.
    pub requested_scope: Option<Scope>,
    /// When the current tokens arrived (Unix seconds).
    pub received_at: i64,
    /// When the access token expires (Unix seconds), from `expires_in`.
    pub access_token_expires_at: Option<i64>,
    /// Whether the ID token came with the current tokens: only then does its expiry schedule the
    /// next renewal (a refresh answered without one cannot make it younger).
    pub id_token_is_current: bool,
    pub issuer: String,
    /// What every renewed ID token must repeat (Core §12.2), with the nonce of the sign-in: kept
    /// across renewals and reloads.
    pub original: OriginalIdentity,
    /// Milliseconds from the page's load to the validated session.
    pub completed_after_ms: f64,
    /// Successful renewals since the sign-in.
    pub renewals: u32,
    pub last_renewal: Option<RenewalRecord>,
}

impl Session {
    /// A session from a token response whose ID token passed every check.
    pub(super) fn new(
        id_token: ValidatedIdToken,
        tokens: TokenResponse,
        issuer: &str,
        original: OriginalIdentity,
        received_at: i64,
    ) -> Session {
        Session {
            access_token_decoded: oidc::decode_access_token(&tokens.access_token).ok(),
            access_token_expires_at: tokens.expires_in.map(|s| expiry_after(received_at, s)),
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            scope: tokens.scope,
            requested_scope: None,
            received_at,
            id_token_is_current: true,
            issuer: issuer.to_string(),
            original,
            completed_after_ms: browser::time::page_age_ms(),
            renewals: 0,
            last_renewal: None,
            id_token,
        }
    }

    /// The tokens automatic renewal is for: none without a refresh token. An ID token that did
    /// not come with the current tokens cannot be renewed sooner, so only a current one counts.
    pub fn renewal_window(&self) -> Option<renewal::Window> {
        self.refresh_token.as_ref()?;
        let id_token_expires_at = self
            .id_token_expires_at()
            .filter(|_| self.id_token_is_current);
        renewal::Window::first_to_expire(
            self.received_at,
            self.access_token_expires_at,
            id_token_expires_at,
        )
    }

    pub fn id_token_expires_at(&self) -> Option<i64> {
        self.id_token.claims().exp
    }
}

/// `received_at + expires_in`, saturating: a tenant may answer any number.
pub fn expiry_after(received_at: i64, expires_in: u64) -> i64 {
    received_at.saturating_add(i64::try_from(expires_in).unwrap_or(i64::MAX))
}

/// The configured client, as the core's types.
pub(super) struct Client {
    pub(super) id: ClientId,
    pub(super) secret: Option<ClientSecret>,
    pub(super) scope: Scope,
}

impl Client {
    /// The scope a renewal of `session` asks for: what its sign-in asked for.
    pub(super) fn scope_of<'a>(&'a self, session_scope: Option<&'a Scope>) -> &'a Scope {
        session_scope.unwrap_or(&self.scope)
    }

    pub(super) fn from_config(config: &BuildConfig) -> Client {
        Client {
            id: ClientId::new(config.client_id.clone()),
            secret: config.client_secret.clone().map(ClientSecret::new),
            scope: Scope::new(config.scopes.clone()),
        }
    }

    pub(super) fn token_client(&self) -> TokenClient<'_> {
        TokenClient {
            client_id: &self.id,
            client_secret: self.secret.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_after_saturates_for_any_expires_in() {
        assert_eq!(expiry_after(1_000, 3_600), 4_600);
        assert_eq!(expiry_after(1_000, u64::MAX), i64::MAX);
        assert_eq!(expiry_after(i64::MAX, 1), i64::MAX);
        assert_eq!(expiry_after(i64::MIN, u64::MAX), -1);
    }
}
