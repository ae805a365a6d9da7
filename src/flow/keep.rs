//! "Keep me signed in for this tab": the session in sessionStorage (never localStorage), off by
//! default, and restored after a reload only once its ID token's signature and time claims pass
//! again.

use super::{
    discover, step, verify_id_token, Field, Session, SignInFailure, StepKind, Trace, TraceKind,
};
use crate::browser::{self, storage, BrowserError};
use crate::config::BuildConfig;
use crate::oidc::{self, AccessToken, ClientId, Expectations, Nonce, RawIdToken, RefreshToken};
use serde::{Deserialize, Serialize};

const KEEP_KEY: &str = "entra-signin.keep";
const SESSION_KEY: &str = "entra-signin.session";

/// The tokens and what their checks need, as kept in sessionStorage.
#[derive(Serialize, Deserialize)]
struct StoredSession {
    id_token: String,
    access_token: String,
    refresh_token: Option<String>,
    scope: Option<String>,
    received_at: i64,
    access_token_expires_at: Option<i64>,
    nonce: Option<String>,
    issuer: String,
    #[serde(default)]
    renewals: u32,
}

impl StoredSession {
    fn of(session: &Session) -> StoredSession {
        StoredSession {
            id_token: session.id_token.raw().secret().to_string(),
            access_token: session.access_token.secret().to_string(),
            refresh_token: session
                .refresh_token
                .as_ref()
                .map(|t| t.secret().to_string()),
            scope: session.scope.clone(),
            received_at: session.received_at,
            access_token_expires_at: session.access_token_expires_at,
            nonce: session.nonce.as_ref().map(|n| n.as_str().to_string()),
            issuer: session.issuer.clone(),
            renewals: session.renewals,
        }
    }
}

/// Whether the user opted in for this tab.
pub fn is_enabled() -> bool {
    matches!(storage::get(KEEP_KEY), Ok(Some(flag)) if flag == "1")
}

/// Opts in, and keeps `session` when there is one.
pub fn enable(session: Option<&Session>) -> Result<(), BrowserError> {
    storage::set(KEEP_KEY, "1")?;
    match session {
        Some(session) => save(session),
        None => Ok(()),
    }
}

/// Opts out: the kept session is deleted at once.
pub fn disable() -> Result<(), BrowserError> {
    storage::remove(SESSION_KEY)?;
    storage::remove(KEEP_KEY)
}

/// Keeps `session` when the user opted in; otherwise nothing is written.
pub fn save(session: &Session) -> Result<(), BrowserError> {
    if !is_enabled() {
        return Ok(());
    }
    let json = serde_json::to_string(&StoredSession::of(session)).unwrap_or_default();
    storage::set(SESSION_KEY, &json)
}

/// Deletes the kept session (sign-out, or a session that ended); the opt-in stays.
pub fn forget() {
    let _ = storage::remove(SESSION_KEY);
}

/// Whether a reload has a kept session to restore.
pub fn has_stored_session() -> bool {
    is_enabled() && matches!(storage::get(SESSION_KEY), Ok(Some(_)))
}

/// Restores the kept session after re-validating its ID token (signature, issuer, audience,
/// nonce, and the time claims against now). `None` when nothing is kept. A session that fails is
/// deleted; one that cannot be checked for want of network stays for the next reload.
pub async fn restore(config: &BuildConfig) -> Option<(Result<Session, SignInFailure>, Trace)> {
    if !is_enabled() {
        return None;
    }
    let json = storage::get(SESSION_KEY).ok().flatten()?;
    let mut trace = Trace::new(TraceKind::Restore, browser::now_secs());
    let result = revalidate(config, &json, &mut trace).await;
    if let Err(failure) = &result {
        if !matches!(failure, SignInFailure::Network(_)) {
            forget();
        }
        trace.fail(
            StepKind::Validation,
            format!("{}: {}", failure.title(), failure.explanation()),
            None,
        );
    }
    Some((result, trace))
}

async fn revalidate(
    config: &BuildConfig,
    json: &str,
    trace: &mut Trace,
) -> Result<Session, SignInFailure> {
    let started = browser::time::now_ms();
    let stored: StoredSession = match serde_json::from_str(json) {
        Ok(stored) => stored,
        Err(e) => {
            let failure = SignInFailure::StoredSession(format!(
                "The session kept in this tab's storage is not readable ({e}); it was deleted."
            ));
            trace.record(step(
                StepKind::Storage,
                false,
                started,
                failure.explanation(),
                Vec::new(),
            ));
            return Err(failure);
        }
    };
    let mut fields = vec![
        Field::token("id_token", &stored.id_token),
        Field::token("access_token", &stored.access_token),
    ];
    if let Some(token) = &stored.refresh_token {
        fields.push(Field::secret("refresh_token", token));
    }
    fields.push(Field::plain(
        "received",
        format!("{} s ago", browser::now_secs() - stored.received_at),
    ));
    trace.record(step(
        StepKind::Storage,
        true,
        started,
        "Read from sessionStorage (you opted in: keep me signed in for this tab). Nothing is \
         trusted until the ID token passes its checks again.",
        fields,
    ));
    let metadata = discover(config, trace).await?;
    let raw = RawIdToken::new(stored.id_token);
    let nonce = stored.nonce.map(Nonce::new);
    let expectations = Expectations {
        issuer: metadata.issuer.clone(),
        client_id: ClientId::new(config.client_id.clone()),
        nonce: nonce.clone(),
        original: None,
    };
    let id_token = verify_id_token(
        &raw,
        &metadata.jwks_uri,
        None,
        &expectations,
        trace,
        &mut || {},
    )
    .await?;
    let access_token = AccessToken::new(stored.access_token);
    Ok(Session {
        original: id_token.identity(),
        access_token_decoded: oidc::decode_access_token(&access_token).ok(),
        access_token,
        refresh_token: stored.refresh_token.map(RefreshToken::new),
        scope: stored.scope,
        received_at: stored.received_at,
        access_token_expires_at: stored.access_token_expires_at,
        issuer: metadata.issuer.as_str().to_string(),
        nonce,
        completed_after_ms: browser::time::page_age_ms(),
        renewals: stored.renewals,
        last_renewal: None,
        id_token,
    })
}
