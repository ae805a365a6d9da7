//! "Keep me signed in for this tab": the session in sessionStorage (never localStorage), off by
//! default, and restored after a reload only once its ID token's signature and time claims pass
//! again. A kept ID token that is authentic but expired is renewed with the kept refresh token
//! (the new one checked against the original, §12.2) rather than ending the session.

use super::events::{Event, Observer};
use super::record::Recorder;
use super::refresh::{redeem_refresh_token, NotRenewed, Renewed};
use super::storage_keys::{KEEP_OPT_IN, KEPT_SESSION};
use super::{
    discover, verify_id_token, RenewalRecord, RestoreFailure, Session, StepFailure, StepKind,
    Trace, TraceKind, Trigger,
};
use crate::browser::{self, storage, BrowserError};
use crate::config::BuildConfig;
use crate::oidc::json::{compact, object, JsonError, JsonType, Members};
use crate::oidc::{
    self, AccessToken, ClientId, Expectations, Nonce, OriginalIdentity, RawIdToken, RefreshToken,
    Scope,
};
use serde_json::Value;

/// The tokens and what their checks need, as kept in sessionStorage (a JSON object written and
/// read by hand: see `oidc/json.rs`).
struct StoredSession {
    id_token: String,
    access_token: String,
    refresh_token: Option<String>,
    scope: Option<String>,
    /// Absent in sessions kept before Sign-in options existed: the build's scope.
    requested_scope: Option<String>,
    received_at: i64,
    access_token_expires_at: Option<i64>,
    issuer: String,
    renewals: u32,
    original: OriginalIdentity,
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
            requested_scope: session
                .requested_scope
                .as_ref()
                .map(|s| s.as_str().to_owned()),
            received_at: session.received_at,
            access_token_expires_at: session.access_token_expires_at,
            issuer: session.issuer.clone(),
            renewals: session.renewals,
            original: session.original.clone(),
        }
    }

    /// The JSON kept: what [`StoredSession::read`] reads.
    fn to_json(&self) -> String {
        let original = &self.original;
        let kept_original = object(vec![
            ("iss", original.iss.clone()),
            ("sub", original.sub.clone()),
            ("aud", original.aud.clone()),
            ("azp", original.azp.clone().into()),
            ("auth_time", original.auth_time.clone().into()),
            ("nonce", original.nonce.as_ref().map(|n| n.as_str()).into()),
        ]);
        compact(&object(vec![
            ("id_token", self.id_token.as_str().into()),
            ("access_token", self.access_token.as_str().into()),
            ("refresh_token", self.refresh_token.as_deref().into()),
            ("scope", self.scope.as_deref().into()),
            ("requested_scope", self.requested_scope.as_deref().into()),
            ("received_at", self.received_at.into()),
            (
                "access_token_expires_at",
                self.access_token_expires_at.into(),
            ),
            ("issuer", self.issuer.as_str().into()),
            ("renewals", self.renewals.into()),
            ("original", kept_original),
        ]))
    }

    /// Reads the members; unknown ones are ignored.
    fn read(value: &Value) -> Result<StoredSession, JsonError> {
        let kept = Members::of(value, "the kept session")?;
        let renewals = kept.i64("renewals")?;
        Ok(StoredSession {
            id_token: kept.string("id_token")?,
            access_token: kept.string("access_token")?,
            refresh_token: kept.opt_string("refresh_token")?,
            scope: kept.opt_string("scope")?,
            requested_scope: kept.opt_string("requested_scope")?,
            received_at: kept.i64("received_at")?,
            access_token_expires_at: kept.opt_i64("access_token_expires_at")?,
            issuer: kept.string("issuer")?,
            renewals: u32::try_from(renewals).map_err(|_| JsonError::WrongType {
                field: "renewals",
                expected: "a count of renewals (0 to 4294967295)",
                found: JsonType::Number,
            })?,
            original: read_original(Members::of(kept.value("original")?, "original")?)?,
        })
    }
}

/// [`OriginalIdentity`] as kept: what every renewed ID token must repeat.
fn read_original(original: Members<'_>) -> Result<OriginalIdentity, JsonError> {
    Ok(OriginalIdentity {
        iss: original.value("iss")?.clone(),
        sub: original.value("sub")?.clone(),
        aud: original.value("aud")?.clone(),
        azp: original.get("azp").cloned(),
        auth_time: original.get("auth_time").cloned(),
        nonce: original.opt_str("nonce")?.map(Nonce::new),
    })
}

/// Whether the user opted in for this tab.
pub fn is_enabled() -> bool {
    matches!(storage::get(KEEP_OPT_IN), Ok(Some(flag)) if flag == "1")
}

/// Opts in, and keeps `session` when there is one.
pub fn enable(session: Option<&Session>) -> Result<(), BrowserError> {
    storage::set(KEEP_OPT_IN, "1")?;
    match session {
        Some(session) => save(session),
        None => Ok(()),
    }
}

/// Opts out: the kept session is deleted at once.
pub fn disable() -> Result<(), BrowserError> {
    storage::remove(KEPT_SESSION)?;
    storage::remove(KEEP_OPT_IN)
}

/// Keeps `session` when the user opted in; otherwise nothing is written.
pub fn save(session: &Session) -> Result<(), BrowserError> {
    if !is_enabled() {
        return Ok(());
    }
    storage::set(KEPT_SESSION, &StoredSession::of(session).to_json())
}

/// Deletes the kept session (sign-out, or a session that ended); the opt-in stays.
pub fn forget() {
    let _ = storage::remove(KEPT_SESSION);
}

/// Whether a reload has a kept session to restore.
pub fn has_stored_session() -> bool {
    is_enabled() && matches!(storage::get(KEPT_SESSION), Ok(Some(_)))
}

/// Restores the kept session after re-validating its ID token (signature, issuer, audience,
/// nonce or §12.2, and the time claims against now). `None` when nothing is kept. A kept ID token
/// that failed only on time is renewed with the refresh token. A session that fails is deleted;
/// one that cannot be checked for want of network (or a tenant's 5xx) stays for the next reload.
pub async fn restore(config: &BuildConfig) -> Option<(Result<Session, RestoreFailure>, Trace)> {
    if !is_enabled() {
        return None;
    }
    let json = storage::get(KEPT_SESSION).ok().flatten()?;
    let mut recorder = Recorder::new(
        TraceKind::Restore,
        browser::now_secs(),
        browser::time::now_ms,
    );
    let result = match revalidate(config, &json, &mut recorder).await {
        Ok(session) => Ok(session),
        Err(Unrestored { failure, keep }) => {
            if !keep {
                forget();
            }
            recorder.observe(&Event::Failed(&failure));
            Err(failure)
        }
    };
    Some((result, recorder.into_trace()))
}

/// Why the kept session was not restored, and whether it stays for the next reload.
struct Unrestored {
    failure: RestoreFailure,
    keep: bool,
}

impl From<NotRenewed> for Unrestored {
    fn from(not: NotRenewed) -> Unrestored {
        match not {
            NotRenewed::Ended(failure) => Unrestored {
                failure: RestoreFailure::Renewal(failure),
                keep: false,
            },
            // The tenant could not answer now: the kept session may renew on the next reload.
            NotRenewed::Retry { failure, .. } => Unrestored {
                failure: RestoreFailure::Renewal(failure),
                keep: true,
            },
        }
    }
}

impl From<StepFailure> for Unrestored {
    fn from(failure: StepFailure) -> Unrestored {
        let keep = matches!(failure, StepFailure::Network(_));
        Unrestored {
            failure: failure.into(),
            keep,
        }
    }
}

impl From<RestoreFailure> for Unrestored {
    fn from(failure: RestoreFailure) -> Unrestored {
        Unrestored {
            failure,
            keep: false,
        }
    }
}

async fn revalidate(
    config: &BuildConfig,
    json: &str,
    observer: &mut dyn Observer,
) -> Result<Session, Unrestored> {
    let stored = read(json, observer)?;
    let metadata = discover(config, observer).await?;
    let original = stored.original;
    // The kept ID token is the sign-in's own until the first renewal; after that, a renewed one.
    let (issuer, client_id) = (metadata.issuer.clone(), ClientId::new(&config.client_id));
    let expectations = match (stored.renewals, &original.nonce) {
        (0, Some(nonce)) => Expectations::sign_in(issuer, client_id, nonce.clone()),
        _ => Expectations::renewal(issuer, client_id, original.clone()),
    };
    let raw = RawIdToken::new(stored.id_token);
    let verified = verify_id_token(&raw, &metadata.jwks_uri, None, &expectations, observer).await;
    let refresh_token = stored.refresh_token.map(RefreshToken::new);
    let id_token = match verified {
        Ok(id_token) => id_token,
        Err(StepFailure::Validation(failure)) if failure.failed_only_on_time() => {
            let Some(refresh_token) = refresh_token else {
                return Err(StepFailure::Validation(failure).into());
            };
            let kept = Kept {
                refresh_token,
                scope: stored.scope,
                requested_scope: stored.requested_scope.map(Scope::new),
                issuer: metadata.issuer.as_str().to_string(),
                original,
                renewals: stored.renewals,
            };
            return renew_expired(config, kept, &failure, observer).await;
        }
        Err(failure) => return Err(failure.into()),
    };
    let access_token = AccessToken::new(stored.access_token);
    Ok(Session {
        access_token_decoded: oidc::decode_access_token(&access_token).ok(),
        access_token,
        refresh_token,
        scope: stored.scope,
        requested_scope: stored.requested_scope.map(Scope::new),
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

/// Parses the kept session and reports it; an unreadable one is deleted.
fn read(json: &str, observer: &mut dyn Observer) -> Result<StoredSession, Unrestored> {
    observer.observe(&Event::Started(StepKind::Storage));
    let stored = match parse(json) {
        Ok(stored) => stored,
        Err(failure) => {
            observer.observe(&Event::StepFailed {
                step: StepKind::Storage,
                failure: &failure,
            });
            return Err(failure.into());
        }
    };
    observer.observe(&Event::KeptSessionRead {
        id_token: &stored.id_token,
        access_token: &stored.access_token,
        refresh_token: stored.refresh_token.as_deref(),
        age_secs: browser::now_secs().saturating_sub(stored.received_at),
    });
    Ok(stored)
}

/// The kept session's JSON, or why it is unreadable. Pure: fuzzed on the host (`keep_fuzz.rs`).
fn parse(json: &str) -> Result<StoredSession, RestoreFailure> {
    let unreadable = |why| RestoreFailure::Unreadable(why);
    let value: Value = serde_json::from_str(json).map_err(|e| unreadable(Unreadable::of(&e)))?;
    StoredSession::read(&value).map_err(|e| unreadable(Unreadable::Member(e)))
}

/// Why the kept session's JSON is unreadable, without serde's text of the value found: that may
/// be a token (`invalid type: string "eyJ…"`). Member names are the app's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Not JSON, or JSON cut short (`cut_short`): where the parser stopped.
    NotJson {
        cut_short: bool,
        line: usize,
        column: usize,
    },
    /// JSON, but a member is missing or has the wrong type.
    Member(JsonError),
}

impl Unreadable {
    fn of(e: &serde_json::Error) -> Unreadable {
        Unreadable::NotJson {
            cut_short: e.is_eof(),
            line: e.line(),
            column: e.column(),
        }
    }
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::NotJson {
                cut_short,
                line,
                column,
            } => {
                let what = if *cut_short { "cut short" } else { "not JSON" };
                write!(f, "{what} at line {line}, column {column}")
            }
            Unreadable::Member(cause) => cause.fmt(f),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "keep_fuzz.rs"]
mod fuzz;

/// What a kept session brings to its renewal.
struct Kept {
    refresh_token: RefreshToken,
    scope: Option<String>,
    requested_scope: Option<Scope>,
    /// The discovered issuer.
    issuer: String,
    original: OriginalIdentity,
    renewals: u32,
}

/// The kept ID token is authentic but no longer current (`expired`): renew with the refresh
/// token, the new ID token checked against the original (§12.2).
async fn renew_expired(
    config: &BuildConfig,
    kept: Kept,
    expired: &oidc::ValidationFailure,
    observer: &mut dyn Observer,
) -> Result<Session, Unrestored> {
    let started = browser::time::now_ms();
    observer.observe(&Event::KeptIdTokenExpired { expired });
    let renewed = redeem_refresh_token(
        config,
        &kept.refresh_token,
        kept.requested_scope.as_ref(),
        &kept.original,
        observer,
    )
    .await?;
    let Renewed {
        mut tokens,
        id_token: Some(id_token),
    } = renewed
    else {
        return Err(RestoreFailure::RenewedWithoutIdToken.into());
    };
    let received_at = browser::now_secs();
    tokens.scope = tokens.scope.or(kept.scope);
    Ok(Session {
        requested_scope: kept.requested_scope,
        renewals: kept.renewals.saturating_add(1),
        last_renewal: Some(RenewalRecord {
            trigger: Trigger::Automatic,
            at: received_at,
            took_ms: browser::time::ms_since(started),
        }),
        ..Session::new(id_token, tokens, &kept.issuer, kept.original, received_at)
    })
}
