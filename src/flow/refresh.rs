//! Renewing the tokens with the `refresh_token` grant (RFC 6749 §6, OpenID Connect Core §12):
//! the rotated refresh token replaces the old one, and a new ID token is validated like the first
//! except `nonce`, and must name the same `iss`, `sub` and `aud` (§12.2).

use super::{
    discover, redeem, since, step, verify_id_token, Client, RenewalRecord, Session, SignInFailure,
    StepKind, Trace, TraceKind, Trigger,
};
use crate::browser;
use crate::config::BuildConfig;
use crate::oidc::{self, Expectations, RefreshErrorAction};

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
    let retry = |failure| RefreshOutcome::RetryLater {
        failure,
        session: None,
    };
    let Some(refresh_token) = &session.refresh_token else {
        return retry(SignInFailure::NoRefreshToken);
    };
    let metadata = match discover(config, trace).await {
        Ok(metadata) => metadata,
        Err(failure) => return retry(failure),
    };
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
    let tokens = match tokens {
        Ok(tokens) => tokens,
        Err(SignInFailure::Refresh(error)) => {
            return match oidc::refresh_error_action(&error) {
                RefreshErrorAction::EndSession => {
                    RefreshOutcome::Ended(SignInFailure::Refresh(error))
                }
                RefreshErrorAction::RetryLater => retry(SignInFailure::Refresh(error)),
            }
        }
        Err(failure) => return retry(failure),
    };
    let rotated = tokens.rotated_refresh_token(refresh_token);
    let id_token = match &tokens.id_token {
        Some(raw) => {
            let expectations = Expectations {
                issuer: metadata.issuer.clone(),
                client_id: client.id.clone(),
                nonce: None,
                original: Some(session.original.clone()),
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
                Ok(token) => Some(token),
                // The keys could not be read: the tokens are not trusted yet, but the tenant has
                // rotated the refresh token, so the session keeps the new one for the next try.
                Err(failure @ (SignInFailure::Network(_) | SignInFailure::Jwks(_))) => {
                    return RefreshOutcome::RetryLater {
                        failure,
                        session: Some(Session {
                            refresh_token: Some(rotated),
                            ..session.clone()
                        }),
                    }
                }
                Err(failure) => return RefreshOutcome::Ended(failure),
            }
        }
        None => {
            trace.record(step(
                StepKind::Validation,
                true,
                browser::time::now_ms(),
                "The response has no new ID token (Entra sends one when openid is in scope); the \
                 session keeps its validated one.",
                Vec::new(),
            ));
            None
        }
    };
    let received_at = browser::now_secs();
    let renewed_identity = id_token.is_some();
    RefreshOutcome::Renewed(Session {
        nonce: if renewed_identity {
            None
        } else {
            session.nonce.clone()
        },
        id_token: id_token.unwrap_or_else(|| session.id_token.clone()),
        access_token_decoded: oidc::decode_access_token(&tokens.access_token).ok(),
        access_token_expires_at: tokens.expires_in.map(|s| received_at + s as i64),
        access_token: tokens.access_token,
        refresh_token: Some(rotated),
        scope: tokens.scope.or_else(|| session.scope.clone()),
        received_at,
        issuer: session.issuer.clone(),
        original: session.original.clone(),
        completed_after_ms: session.completed_after_ms,
        renewals: session.renewals + 1,
        last_renewal: Some(RenewalRecord {
            trigger,
            at: received_at,
            took_ms: since(started),
        }),
    })
}
