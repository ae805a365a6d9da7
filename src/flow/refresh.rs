//! Renewing the tokens with the `refresh_token` grant (RFC 6749 §6, OpenID Connect Core §12):
//! the rotated refresh token replaces the old one, and a new ID token is validated like the first
//! except the nonce check, and must repeat the original's `iss`, `sub`, `aud`, `azp`, `auth_time`
//! and, when it has one, `nonce` (§12.2).

use super::{
    discover, redeem, since, step, verify_id_token, Client, RenewalRecord, Session, SignInFailure,
    StepKind, Trace, TraceKind, Trigger,
};
use crate::browser;
use crate::config::BuildConfig;
use crate::oidc::{
    self, Expectations, OriginalIdentity, RefreshErrorAction, RefreshToken, TokenResponse,
    ValidatedIdToken,
};

/// How a renewal ended.
#[derive(Debug)]
pub enum RefreshOutcome {
    Renewed(Session),
    /// Worth another try later (network, a 5xx): the session stays, with the refresh token the
    /// tenant rotated to when it already answered.
    RetryLater {
        failure: SignInFailure,
        session: Option<Session>,
    },
    /// The tenant refused, or the renewed ID token cannot be trusted: the session ends.
    Ended(SignInFailure),
}

/// Renews `session`'s tokens; the trace records every step.
pub async fn refresh(
    config: &BuildConfig,
    session: &Session,
    trigger: Trigger,
) -> (RefreshOutcome, Trace) {
    let started = browser::time::now_ms();
    let mut trace = Trace::new(TraceKind::Refresh, browser::now_secs());
    let outcome = renew(config, session, trigger, started, &mut trace).await;
    let failure = match &outcome {
        RefreshOutcome::Renewed(_) => None,
        RefreshOutcome::RetryLater { failure, .. } => Some(failure),
        RefreshOutcome::Ended(failure) => Some(failure),
    };
    if let Some(failure) = failure {
        trace.fail(
            StepKind::TokenResponse,
            format!("{}: {}", failure.title(), failure.explanation()),
            None,
        );
    }
    (outcome, trace)
}

async fn renew(
    config: &BuildConfig,
    session: &Session,
    trigger: Trigger,
    started: f64,
    trace: &mut Trace,
) -> RefreshOutcome {
    let Some(refresh_token) = &session.refresh_token else {
        return RefreshOutcome::RetryLater {
            failure: SignInFailure::NoRefreshToken,
            session: None,
        };
    };
    let renewed = match redeem_refresh_token(config, refresh_token, &session.original, trace).await
    {
        Ok(renewed) => renewed,
        Err(NotRenewed::Ended(failure)) => return RefreshOutcome::Ended(failure),
        Err(NotRenewed::Retry { failure, rotated }) => {
            return RefreshOutcome::RetryLater {
                failure,
                session: rotated.map(|rotated| Session {
                    refresh_token: Some(rotated),
                    ..session.clone()
                }),
            }
        }
    };
    if renewed.id_token.is_none() {
        trace.record(step(
            StepKind::Validation,
            true,
            browser::time::now_ms(),
            "The response has no new ID token (Entra sends one when openid is in scope); the \
             session keeps its validated one.",
            Vec::new(),
        ));
    }
    let received_at = browser::now_secs();
    let Renewed {
        mut tokens,
        id_token,
    } = renewed;
    tokens.scope = tokens.scope.or_else(|| session.scope.clone());
    let id_token_is_current = id_token.is_some();
    let id_token = id_token.unwrap_or_else(|| session.id_token.clone());
    RefreshOutcome::Renewed(Session {
        id_token_is_current,
        completed_after_ms: session.completed_after_ms,
        renewals: session.renewals.saturating_add(1),
        last_renewal: Some(RenewalRecord {
            trigger,
            at: received_at,
            took_ms: since(started),
        }),
        ..Session::new(
            id_token,
            tokens,
            &session.issuer,
            session.original.clone(),
            received_at,
        )
    })
}

/// What the refresh grant brought, its ID token (if any) checked against the original (§12.2).
pub(super) struct Renewed {
    pub tokens: TokenResponse,
    pub id_token: Option<ValidatedIdToken>,
}

/// Why the refresh grant brought no usable tokens.
pub(super) enum NotRenewed {
    /// The tenant refused, or the renewed ID token cannot be trusted.
    Ended(SignInFailure),
    /// Worth another try later (network, a 5xx, keys unreadable), with the refresh token the
    /// tenant rotated to when it already answered.
    Retry {
        failure: SignInFailure,
        rotated: Option<RefreshToken>,
    },
}

/// The refresh grant, then the new ID token's checks: Core §3.1.3.7 except the nonce sent, and
/// §12.2 against `original`. The returned tokens carry the rotated refresh token.
pub(super) async fn redeem_refresh_token(
    config: &BuildConfig,
    refresh_token: &RefreshToken,
    original: &OriginalIdentity,
    trace: &mut Trace,
) -> Result<Renewed, NotRenewed> {
    let retry = |failure| NotRenewed::Retry {
        failure,
        rotated: None,
    };
    let metadata = discover(config, trace).await.map_err(retry)?;
    let client = Client::from_config(config);
    let request = oidc::refresh_token_request(
        &metadata.token_endpoint,
        client.token_client(),
        refresh_token,
        &client.scope,
    );
    let (tokens, jwks_http) = redeem(
        &request,
        &metadata.jwks_uri,
        trace,
        oidc::process_refresh_response,
        SignInFailure::Refresh,
    )
    .await;
    let mut tokens = match tokens {
        Ok(tokens) => tokens,
        Err(SignInFailure::Refresh(error)) => {
            return Err(match oidc::refresh_error_action(&error) {
                RefreshErrorAction::EndSession => NotRenewed::Ended(SignInFailure::Refresh(error)),
                RefreshErrorAction::RetryLater => retry(SignInFailure::Refresh(error)),
            })
        }
        Err(failure) => return Err(retry(failure)),
    };
    tokens.refresh_token = Some(tokens.rotated_refresh_token(refresh_token));
    let Some(raw) = &tokens.id_token else {
        return Ok(Renewed {
            tokens,
            id_token: None,
        });
    };
    let expectations = Expectations {
        issuer: metadata.issuer.clone(),
        client_id: client.id.clone(),
        nonce: None,
        original: Some(original.clone()),
    };
    let verified = verify_id_token(
        raw,
        &metadata.jwks_uri,
        Some(jwks_http),
        &expectations,
        trace,
        &mut || {},
    )
    .await;
    match verified {
        Ok(id_token) => Ok(Renewed {
            tokens,
            id_token: Some(id_token),
        }),
        // The keys could not be read: the tokens are not trusted yet, but the tenant has
        // rotated the refresh token, so the session keeps the new one for the next try.
        Err(failure @ (SignInFailure::Network(_) | SignInFailure::Jwks(_))) => {
            Err(NotRenewed::Retry {
                failure,
                rotated: tokens.refresh_token,
            })
        }
        Err(failure) => Err(NotRenewed::Ended(failure)),
    }
}
