//! "Keep me signed in for this tab": the session in sessionStorage (never localStorage), off by
//! default, and restored after a reload only once its ID token's signature and time claims pass
//! again. A kept ID token that is authentic but expired is renewed with the kept refresh token
//! (the new one checked against the original, §12.2) rather than ending the session.

use super::refresh::{redeem_refresh_token, NotRenewed, Renewed};
use super::{
    discover, step, verify_id_token, Field, RenewalRecord, Session, SignInFailure, StepKind, Trace,
    TraceKind, Trigger,
};
use crate::browser::{self, storage, BrowserError};
use crate::config::BuildConfig;
use crate::oidc::{
    self, AccessToken, ClientId, Expectations, Nonce, OriginalIdentity, RawIdToken, RefreshToken,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    issuer: String,
    renewals: u32,
    original: StoredOriginal,
}

/// [`OriginalIdentity`] as kept: what every renewed ID token must repeat.
#[derive(Serialize, Deserialize)]
struct StoredOriginal {
    iss: Value,
    sub: Value,
    aud: Value,
    azp: Option<Value>,
    auth_time: Option<Value>,
    nonce: Option<String>,
}

impl StoredOriginal {
    fn of(original: &OriginalIdentity) -> StoredOriginal {
        StoredOriginal {
            iss: original.iss.clone(),
            sub: original.sub.clone(),
            aud: original.aud.clone(),
            azp: original.azp.clone(),
            auth_time: original.auth_time.clone(),
            nonce: original.nonce.as_ref().map(|n| n.as_str().to_string()),
        }
    }

    fn identity(self) -> OriginalIdentity {
        OriginalIdentity {
            iss: self.iss,
            sub: self.sub,
            aud: self.aud,
            azp: self.azp,
            auth_time: self.auth_time,
            nonce: self.nonce.map(Nonce::new),
        }
    }
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
            issuer: session.issuer.clone(),
            renewals: session.renewals,
            original: StoredOriginal::of(&session.original),
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
/// nonce or §12.2, and the time claims against now). `None` when nothing is kept. A kept ID token
/// that failed only on time is renewed with the refresh token. A session that fails is deleted;
/// one that cannot be checked for want of network (or a tenant's 5xx) stays for the next reload.
pub async fn restore(config: &BuildConfig) -> Option<(Result<Session, SignInFailure>, Trace)> {
    if !is_enabled() {
        return None;
    }
    let json = storage::get(SESSION_KEY).ok().flatten()?;
    let mut trace = Trace::new(TraceKind::Restore, browser::now_secs());
    let result = revalidate(config, &json, &mut trace).await;
    let result = match result {
        Ok(session) => Ok(session),
        Err(Unrestored { failure, keep }) => {
            if !keep {
                forget();
            }
            trace.fail(
                StepKind::Validation,
                format!("{}: {}", failure.title(), failure.explanation()),
                None,
            );
            Err(failure)
        }
    };
    Some((result, trace))
}

/// Why the kept session was not restored, and whether it stays for the next reload.
struct Unrestored {
    failure: SignInFailure,
    keep: bool,
}

impl From<NotRenewed> for Unrestored {
    fn from(not: NotRenewed) -> Unrestored {
        match not {
            NotRenewed::Ended(failure) => Unrestored {
                failure,
                keep: false,
            },
            // The tenant could not answer now: the kept session may renew on the next reload.
            NotRenewed::Retry { failure, .. } => Unrestored {
                failure,
                keep: true,
            },
        }
    }
}

impl From<SignInFailure> for Unrestored {
    fn from(failure: SignInFailure) -> Unrestored {
        let keep = matches!(failure, SignInFailure::Network(_));
        Unrestored { failure, keep }
    }
}

async fn revalidate(
    config: &BuildConfig,
    json: &str,
    trace: &mut Trace,
) -> Result<Session, Unrestored> {
    let stored = read(json, trace)?;
    let metadata = discover(config, trace).await?;
    let original = stored.original.identity();
    // The kept ID token is the sign-in's own until the first renewal; after that, a renewed one.
    let (nonce, renewed_from) = match stored.renewals {
        0 => (original.nonce.clone(), None),
        _ => (None, Some(original.clone())),
    };
    let expectations = Expectations {
        issuer: metadata.issuer.clone(),
        client_id: ClientId::new(config.client_id.clone()),
        nonce,
        original: renewed_from,
    };
    let raw = RawIdToken::new(stored.id_token);
    let verified = verify_id_token(
        &raw,
        &metadata.jwks_uri,
        None,
        &expectations,
        trace,
        &mut || {},
    )
    .await;
    let refresh_token = stored.refresh_token.map(RefreshToken::new);
    let id_token = match verified {
        Ok(id_token) => id_token,
        Err(SignInFailure::Validation(failure)) if failure.failed_only_on_time() => {
            let Some(refresh_token) = refresh_token else {
                return Err(SignInFailure::Validation(failure).into());
            };
            let kept = Kept {
                refresh_token,
                scope: stored.scope,
                issuer: metadata.issuer.as_str().to_string(),
                original,
                renewals: stored.renewals,
            };
            return renew_expired(config, kept, &failure, trace).await;
        }
        Err(failure) => return Err(failure.into()),
    };
    let access_token = AccessToken::new(stored.access_token);
    Ok(Session {
        access_token_decoded: oidc::decode_access_token(&access_token).ok(),
        access_token,
        refresh_token,
        scope: stored.scope,
        received_at: stored.received_at,
        access_token_expires_at: stored.access_token_expires_at,
        id_token_is_current: true,
        issuer: metadata.issuer.as_str().to_string(),
        original,
        completed_after_ms: browser::time::page_age_ms(),
        renewals: stored.renewals,
        last_renewal: None,
        id_token,
    })
}

/// Parses the kept session and records the step; an unreadable one is deleted.
fn read(json: &str, trace: &mut Trace) -> Result<StoredSession, Unrestored> {
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
            return Err(failure.into());
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
        format!(
            "{} s ago",
            browser::now_secs().saturating_sub(stored.received_at)
        ),
    ));
    trace.record(step(
        StepKind::Storage,
        true,
        started,
        "Read from sessionStorage (you opted in: keep me signed in for this tab). Nothing is \
         trusted until the ID token passes its checks again.",
        fields,
    ));
    Ok(stored)
}

/// What a kept session brings to its renewal.
struct Kept {
    refresh_token: RefreshToken,
    scope: Option<String>,
    /// The discovered issuer.
    issuer: String,
    original: OriginalIdentity,
    renewals: u32,
}

/// The kept ID token is authentic but no longer current (`expired`): renew with the refresh
/// token, the new ID token checked against the original (§12.2). The first checks move to the
/// storage step, so the trace shows why the renewal ran.
async fn renew_expired(
    config: &BuildConfig,
    kept: Kept,
    expired: &oidc::ValidationFailure,
    trace: &mut Trace,
) -> Result<Session, Unrestored> {
    let started = browser::time::now_ms();
    trace.kind = TraceKind::RestoreRenewed;
    let first_checks = trace.take_step(StepKind::Validation);
    trace.take_step(StepKind::Jwks);
    if let Some(storage) = trace.step_mut(StepKind::Storage) {
        storage.summary = format!(
            "Read from sessionStorage. The kept ID token is authentic, but only on time it failed \
             ({expired}); instead of ending the session, its refresh token renews it, and the new \
             ID token must repeat the original's identity (OpenID Connect Core §12.2)."
        );
        storage.checks = first_checks.map(|s| s.checks).unwrap_or_default();
    }
    let renewed = redeem_refresh_token(config, &kept.refresh_token, &kept.original, trace).await?;
    let Renewed {
        mut tokens,
        id_token: Some(id_token),
    } = renewed
    else {
        return Err(SignInFailure::StoredSession(
            "The kept ID token expired, and the tenant renewed the tokens without a new ID token \
             (is openid in SCOPES?), so the session cannot be trusted; it was deleted."
                .into(),
        )
        .into());
    };
    let received_at = browser::now_secs();
    tokens.scope = tokens.scope.or(kept.scope);
    Ok(Session {
        renewals: kept.renewals.saturating_add(1),
        last_renewal: Some(RenewalRecord {
            trigger: Trigger::Automatic,
            at: received_at,
            took_ms: super::since(started),
        }),
        ..Session::new(id_token, tokens, &kept.issuer, kept.original, received_at)
    })
}
