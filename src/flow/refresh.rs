//! Renewing the tokens with the `refresh_token` grant (RFC 6749 §6, OpenID Connect Core §12):
//! the rotated refresh token replaces the old one, and a new ID token is validated like the first
//! except the nonce check, and must repeat the original's `iss`, `sub`, `aud`, `azp`, `auth_time`
//! and, when it has one, `nonce` (§12.2).

use super::events::{Event, Observer};
use super::record::Recorder;
use super::{
    discover, redeem, verify_id_token, Client, RenewalFailure, RenewalRecord, Session, StepFailure,
    Trace, TraceKind, Trigger,
};
use crate::browser;
use crate::config::BuildConfig;
use crate::oidc::{
    self, Expectations, OriginalIdentity, RefreshErrorAction, RefreshToken, Scope, TokenResponse,
    ValidatedIdToken,
};

/// How a renewal ended.
#[derive(Debug)]
pub enum RefreshOutcome {
    Renewed(Session),
    /// Worth another try later (network, a 5xx): the session stays, with the refresh token the
    /// tenant rotated to when it already answered.
    RetryLater {
        failure: RenewalFailure,
        session: Option<Session>,
    },
    /// The tenant refused, or the renewed ID token cannot be trusted: the session ends.
    Ended(RenewalFailure),
}

/// Renews `session`'s tokens; the trace records every step.
pub async fn refresh(
    config: &BuildConfig,
    session: &Session,
    trigger: Trigger,
) -> (RefreshOutcome, Trace) {
    let started = browser::time::now_ms();
    let mut recorder = Recorder::new(
        TraceKind::Refresh,
        browser::now_secs(),
        browser::time::now_ms,
    );
    let outcome = renew(config, session, trigger, started, &mut recorder).await;
    match &outcome {
        RefreshOutcome::Renewed(_) => {}
        RefreshOutcome::RetryLater { failure, .. } | RefreshOutcome::Ended(failure) => {
            recorder.observe(&Event::Failed(failure))
        }
    }
    (outcome, recorder.into_trace())
}

async fn renew(
    config: &BuildConfig,
    session: &Session,
    trigger: Trigger,
    started: f64,
    observer: &mut dyn Observer,
) -> RefreshOutcome {
    let Some(refresh_token) = &session.refresh_token else {
        return RefreshOutcome::RetryLater {
            failure: RenewalFailure::NoRefreshToken,
            session: None,
        };
    };
    let renewed = match redeem_refresh_token(
        config,
        refresh_token,
        session.requested_scope.as_ref(),
        &session.original,
        observer,
    )
    .await
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
        observer.observe(&Event::IdTokenKept);
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
        requested_scope: session.requested_scope.clone(),
        completed_after_ms: session.completed_after_ms,
        renewals: session.renewals.saturating_add(1),
        last_renewal: Some(RenewalRecord {
            trigger,
            at: received_at,
            took_ms: browser::time::ms_since(started),
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
    Ended(RenewalFailure),
    /// Worth another try later (network, a 5xx, keys unreadable), with the refresh token the
    /// tenant rotated to when it already answered.
    Retry {
        failure: RenewalFailure,
        rotated: Option<RefreshToken>,
    },
}

/// The refresh grant, then the new ID token's checks: Core §3.1.3.7 except the nonce sent, and
/// §12.2 against `original`. The returned tokens carry the rotated refresh token.
pub(super) async fn redeem_refresh_token(
    config: &BuildConfig,
    refresh_token: &RefreshToken,
    requested_scope: Option<&Scope>,
    original: &OriginalIdentity,
    observer: &mut dyn Observer,
) -> Result<Renewed, NotRenewed> {
    let unrotated = |failure: StepFailure| classify(failure.into(), None);
    let metadata = discover(config, observer).await.map_err(unrotated)?;
    let client = Client::from_config(config);
    let request = oidc::refresh_token_request(
        &metadata.token_endpoint,
        client.token_client(),
        refresh_token,
        client.scope_of(requested_scope),
    );
    let (tokens, jwks_http) = redeem(
        &request,
        &metadata.jwks_uri,
        observer,
        oidc::process_refresh_response,
    )
    .await;
    let mut tokens = tokens.map_err(unrotated)?;
    tokens.refresh_token = Some(tokens.rotated_refresh_token(refresh_token));
    let Some(raw) = &tokens.id_token else {
        return Ok(Renewed {
            tokens,
            id_token: None,
        });
    };
    let expectations = Expectations::renewal(metadata.issuer.clone(), client.id, original.clone());
    let verified = verify_id_token(
        raw,
        &metadata.jwks_uri,
        Some(jwks_http),
        &expectations,
        observer,
    )
    .await;
    match verified {
        Ok(id_token) => Ok(Renewed {
            tokens,
            id_token: Some(id_token),
        }),
        // The tenant has rotated the refresh token: a retry keeps the new one.
        Err(failure) => Err(classify(failure.into(), tokens.refresh_token)),
    }
}

/// Where a failed renewal leaves the session. The tenant refused (by Entra's error class), or
/// the renewed ID token cannot be trusted: the session ends. The tenant, its metadata or its keys
/// could not be read: retry later, keeping `rotated`, the refresh token the tenant rotated to.
pub(super) fn classify(failure: RenewalFailure, rotated: Option<RefreshToken>) -> NotRenewed {
    let retry = |failure| NotRenewed::Retry { failure, rotated };
    match failure {
        RenewalFailure::Refused(error) => match oidc::refresh_error_action(&error) {
            RefreshErrorAction::EndSession => NotRenewed::Ended(RenewalFailure::Refused(error)),
            RefreshErrorAction::RetryLater => retry(RenewalFailure::Refused(error)),
        },
        failure @ RenewalFailure::Step(
            StepFailure::Network(_) | StepFailure::Discovery(_) | StepFailure::Jwks(_),
        ) => retry(failure),
        failure => NotRenewed::Ended(failure),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browser::http::NetworkError;
    use crate::oidc::{HttpResponse, ValidationFailure, ValidationReport};

    fn entra(status: u16, error: &str, code: u32) -> RenewalFailure {
        let body = serde_json::json!({
            "error": error,
            "error_description": format!("AADSTS{code}: the tenant's words."),
            "error_codes": [code],
        })
        .to_string();
        let response = HttpResponse::new(status, Some("application/json"), &body);
        RenewalFailure::Refused(oidc::process_refresh_response(response).expect_err("an error"))
    }

    fn ended(outcome: &NotRenewed) -> bool {
        matches!(outcome, NotRenewed::Ended(_))
    }

    fn kept(outcome: &NotRenewed) -> Option<&str> {
        match outcome {
            NotRenewed::Retry { rotated, .. } => Some(rotated.as_ref().map_or("", |t| t.secret())),
            NotRenewed::Ended(_) => None,
        }
    }

    #[test]
    fn a_refusal_by_the_tenant_ends_the_session() {
        for (error, code) in [
            ("invalid_grant", 700084),
            ("invalid_grant", 700082),
            ("invalid_grant", 70000),
            ("invalid_grant", 50173),
            ("invalid_client", 7000215),
            ("interaction_required", 50076),
        ] {
            assert!(
                ended(&classify(entra(400, error, code), None)),
                "{error} {code}"
            );
        }
    }

    #[test]
    fn a_tenant_that_is_busy_or_failing_is_retried() {
        for (status, error, code) in [
            (503, "temporarily_unavailable", 90033),
            (500, "server_error", 90006),
        ] {
            let outcome = classify(entra(status, error, code), None);
            assert_eq!(kept(&outcome), Some(""), "{status} {error}");
        }
    }

    #[test]
    fn an_unreachable_tenant_or_unreadable_keys_are_retried_with_the_rotated_token() {
        let network = RenewalFailure::Step(StepFailure::Network(NetworkError::Timeout {
            url: "https://tenant.example/token".into(),
            after_ms: 30_000,
        }));
        let rotated = Some(RefreshToken::new("rotated"));
        assert_eq!(kept(&classify(network, rotated.clone())), Some("rotated"));
        let jwks =
            oidc::process_jwks_response(HttpResponse::new(200, None, "{}")).expect_err("no keys");
        assert_eq!(
            kept(&classify(StepFailure::Jwks(jwks).into(), rotated)),
            Some("rotated")
        );
    }

    #[test]
    fn a_renewed_id_token_that_fails_its_checks_ends_the_session() {
        let failure = ValidationFailure {
            report: ValidationReport::default(),
            header_json: "{}".into(),
            unverified_payload_json: "{}".into(),
        };
        let rotated = Some(RefreshToken::new("rotated"));
        let rejected = StepFailure::Validation(Box::new(failure)).into();
        assert!(ended(&classify(rejected, rotated.clone())));
        assert!(ended(&classify(
            StepFailure::MissingIdToken.into(),
            rotated
        )));
    }
}
