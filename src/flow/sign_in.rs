//! Signing in: leave for the tenant with PKCE, state and nonce; come back to `/callback`, redeem
//! the code and validate the ID token.

use super::{
    discover, redeem, step, verify_id_token, Client, Field, PendingStore, Session, SignInFailure,
    Step, StepKind, StepStatus, Trace, TraceKind,
};
use crate::browser::{self, crypto, location};
use crate::config::BuildConfig;
use crate::oidc::{
    self, Callback, CodeChallenge, Expectations, PendingSignIn, Prompt, RedirectUri,
};

/// Everything up to leaving for the tenant: discovery, PKCE, state and nonce, the pending sign-in
/// (and its trace) in sessionStorage, then the redirect to `/authorize`. On failure, the trace
/// says how far it got.
pub async fn start_sign_in(
    config: &BuildConfig,
    prompt: Option<Prompt>,
) -> Result<(), (SignInFailure, Trace)> {
    let mut trace = Trace::new(TraceKind::SignIn, browser::now_secs());
    match leave_for_tenant(config, prompt, &mut trace).await {
        Ok(()) => Ok(()),
        Err((at, failure)) => {
            trace.fail(at, failure.explanation(), None);
            Err((failure, trace))
        }
    }
}

async fn leave_for_tenant(
    config: &BuildConfig,
    prompt: Option<Prompt>,
    trace: &mut Trace,
) -> Result<(), (StepKind, SignInFailure)> {
    let metadata = discover(config, trace)
        .await
        .map_err(|f| (StepKind::Discovery, f))?;
    let pkce_failed = |f| (StepKind::Pkce, f);
    let started = browser::time::now_ms();
    let redirect_uri = location::redirect_uri(config.redirect_uri.as_deref())
        .map(RedirectUri::new)
        .ok_or(SignInFailure::Browser(browser::BrowserError::NoWindow))
        .map_err(pkce_failed)?;
    let now = browser::now_secs();
    let pending = PendingSignIn::generate(redirect_uri, now)
        .map_err(|e| pkce_failed(SignInFailure::Randomness(e)))?;
    let digest = crypto::sha256(pending.code_verifier.ascii_bytes())
        .await
        .map_err(|e| pkce_failed(SignInFailure::Browser(e)))?;
    let challenge = CodeChallenge::from_sha256_digest(&digest)
        .map_err(|e| pkce_failed(SignInFailure::Pkce(e)))?;
    trace.record(step(
        StepKind::Pkce,
        true,
        started,
        "32 random bytes from crypto.getRandomValues make the verifier; Web Crypto's SHA-256 of it is \
         the challenge. The verifier stays in this tab until the code exchange.",
        vec![
            Field::plain("code_challenge", challenge.as_str()),
            Field::plain("code_challenge_method", oidc::CODE_CHALLENGE_METHOD),
            Field::plain("state", pending.state.as_str()),
            Field::plain("nonce", pending.nonce.as_str()),
        ],
    ));

    let started = browser::time::now_ms();
    let client = Client::from_config(config);
    let params = oidc::AuthorizationParams {
        client_id: client.id,
        redirect_uri: pending.redirect_uri.clone(),
        scope: client.scope,
        state: pending.state.clone(),
        nonce: pending.nonce.clone(),
        code_challenge: challenge,
        prompt,
        login_hint: None,
        ui_locales: None,
    };
    let url = oidc::build_authorization_url(&metadata.authorization_endpoint, &params)
        .map_err(|e| (StepKind::Authorize, SignInFailure::Authorize(e)))?;
    let mut fields = vec![Field::plain("GET", &metadata.authorization_endpoint)];
    fields.extend(url.params.iter().map(|(n, v)| Field::plain(*n, v)));
    let mut authorize = step(
        StepKind::Authorize,
        true,
        started,
        "The browser left for the tenant's sign-in page; the time is how long it stayed there.",
        fields,
    );
    authorize.duration_ms = None;
    trace.record(authorize);
    trace.redirected_at_ms = Some(browser::time::now_ms() as i64);

    let store = PendingStore;
    store.forget_expired(now);
    store
        .save(&pending, trace)
        .map_err(|e| (StepKind::Authorize, SignInFailure::Browser(e)))?;
    location::navigate_away(&url.url).map_err(|e| (StepKind::Authorize, SignInFailure::Browser(e)))
}

/// The callback: read the answer, clear it from the address bar, redeem the code, fetch the keys
/// in parallel, verify the signature with Web Crypto and run every check. `progress` hears of
/// every step as it starts and ends. The trace continues the one saved before the redirect.
pub async fn complete_sign_in(
    config: &BuildConfig,
    progress: &dyn Fn(Step, StepStatus),
) -> (Result<Session, SignInFailure>, Trace) {
    let mut trace = Trace::new(TraceKind::SignIn, browser::now_secs());
    let mut current = Step::ReadResponse;
    let result = run_callback(config, &mut trace, &mut |s| {
        if s != current {
            progress(current, StepStatus::Done);
            current = s;
        }
        progress(s, StepStatus::Running);
    })
    .await;
    match &result {
        Ok(_) => progress(current, StepStatus::Done),
        Err(failure) => {
            progress(current, StepStatus::Failed);
            let at = match current {
                Step::ReadResponse => StepKind::Callback,
                Step::Discovery => StepKind::Discovery,
                Step::ExchangeCode => StepKind::TokenResponse,
                Step::FetchKeys => StepKind::Jwks,
                Step::Validate => StepKind::Validation,
            };
            trace.fail(
                at,
                format!("{}: {}", failure.title(), failure.explanation()),
                None,
            );
        }
    }
    (result, trace)
}

async fn run_callback(
    config: &BuildConfig,
    trace: &mut Trace,
    enter: &mut dyn FnMut(Step),
) -> Result<Session, SignInFailure> {
    enter(Step::ReadResponse);
    let (response, pending) = read_answer(trace)?;

    enter(Step::Discovery);
    let metadata = discover(config, trace).await?;
    if let Err(mix_up) = response.check_issuer(&metadata.issuer) {
        let failure = SignInFailure::Callback(mix_up);
        trace.fail(StepKind::Callback, failure.explanation(), None);
        return Err(failure);
    }

    enter(Step::ExchangeCode);
    let client = Client::from_config(config);
    let request = oidc::authorization_code_request(
        &metadata.token_endpoint,
        client.token_client(),
        &response.code,
        &pending.redirect_uri,
        &pending.code_verifier,
        &client.scope,
    );
    let (tokens, jwks_http) = redeem(
        &request,
        &metadata.jwks_uri,
        trace,
        oidc::process_authorization_code_response,
        SignInFailure::Token,
    )
    .await;
    // The verifier was sent: now it may be shown (masked until revealed).
    if let Some(pkce) = trace.step_mut(StepKind::Pkce) {
        pkce.fields.push(Field::secret(
            "code_verifier",
            pending.code_verifier.secret(),
        ));
    }
    let tokens = tokens?;

    enter(Step::FetchKeys);
    let raw = tokens
        .id_token
        .clone()
        .ok_or(SignInFailure::MissingIdToken)?;
    let expectations = Expectations {
        issuer: metadata.issuer.clone(),
        client_id: client.id.clone(),
        nonce: Some(pending.nonce.clone()),
        original: None,
    };
    let validated = verify_id_token(
        &raw,
        &metadata.jwks_uri,
        Some(jwks_http),
        &expectations,
        trace,
        &mut || enter(Step::Validate),
    )
    .await?;
    let original = validated.identity(Some(pending.nonce));
    Ok(Session::new(
        validated,
        tokens,
        metadata.issuer.as_str(),
        original,
        browser::now_secs(),
    ))
}

/// Reads the tenant's answer from the address (and removes it from there), continues the trace
/// saved before the redirect, and claims the pending sign-in its `state` names: the checked
/// answer the code exchange requires, with the sign-in's PKCE verifier and nonce.
fn read_answer(
    trace: &mut Trace,
) -> Result<(oidc::AuthorizationResponse, PendingSignIn), SignInFailure> {
    let started = browser::time::now_ms();
    let href = location::href().ok_or(SignInFailure::Browser(browser::BrowserError::NoWindow))?;
    let parsed = oidc::parse_callback(&href);
    // A code is single use and must not stay in the address bar, history or bookmarks, even when
    // the rest of the answer is malformed.
    let stripped = oidc::strip_callback_params(&href);
    if stripped != href {
        location::replace_address(&stripped).map_err(SignInFailure::Browser)?;
    }
    let returned_state = match &parsed {
        Ok(Callback::Success(response)) => Some(response.state.as_str().to_string()),
        Ok(Callback::Error(error)) => error.state.clone(),
        Err(_) => None,
    };
    if let Some(saved) = returned_state
        .as_deref()
        .and_then(|s| PendingStore.take_trace(s))
    {
        *trace = saved;
    }
    if let Some(left) = trace.redirected_at_ms {
        if let Some(authorize) = trace.step_mut(StepKind::Authorize) {
            authorize.duration_ms = Some((started as i64).saturating_sub(left).max(0) as u64);
        }
    }
    let response = match parsed {
        Ok(Callback::Success(response)) => response,
        Ok(Callback::Error(error)) => {
            let ours = error
                .state
                .as_deref()
                .is_some_and(|state| PendingStore.discard(state));
            // Only an answer to a sign-in of this tab may put the provider's words on our page:
            // anyone can craft a link to /callback?error=...
            let (failure, fields) = match ours {
                true => (
                    SignInFailure::Provider(error.clone()),
                    provider_error_fields(&error),
                ),
                false => (SignInFailure::UnexpectedAnswer, Vec::new()),
            };
            trace.record(step(
                StepKind::Callback,
                false,
                started,
                failure.explanation(),
                fields,
            ));
            return Err(failure);
        }
        Err(oidc::CallbackError::NoResponse) => return Err(SignInFailure::NoSignInInProgress),
        Err(error) => return Err(SignInFailure::Callback(error)),
    };
    let mut fields = vec![
        Field::secret("code", response.code.secret()),
        Field::plain("state", response.state.as_str()),
    ];
    if let Some(session_state) = &response.session_state {
        fields.push(Field::plain("session_state", session_state));
    }
    let store = PendingStore;
    let now = browser::now_secs();
    let claimed = store.claim(response.state.as_str(), now);
    let summary = match &claimed {
        Ok(_) => "The state matches the sign-in this tab started; the code was removed from the \
                  address bar."
            .to_string(),
        Err(failure) => failure.explanation(),
    };
    trace.record(step(
        StepKind::Callback,
        claimed.is_ok(),
        started,
        summary,
        fields,
    ));
    let pending = claimed?;
    // From here the code is spent: a reload must say so rather than try again.
    store.mark_used(response.state.as_str(), now);
    response
        .check_state(&pending.state)
        .map_err(SignInFailure::Callback)?;
    Ok((response, pending))
}

/// What the tenant said, for the inspector of a sign-in this tab started.
fn provider_error_fields(error: &oidc::AuthorizationErrorResponse) -> Vec<Field> {
    let mut fields = vec![Field::plain("error", &error.error)];
    if let Some(description) = &error.error_description {
        fields.push(Field::plain("error_description", description));
    }
    if let Some(state) = &error.state {
        fields.push(Field::plain("state", state));
    }
    fields
}
