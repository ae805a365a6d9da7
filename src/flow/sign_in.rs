//! Signing in: leave for the tenant with PKCE, state and nonce; come back to `/callback`, redeem
//! the code and validate the ID token.

use super::events::{Both, Event, Observer};
use super::progress::{Progress, StepStatus};
use super::record::Recorder;
use super::{
    discover, redeem, verify_id_token, Client, PendingStore, Session, SignInFailure, StepFailure,
    StepKind, Trace, TraceKind,
};
use crate::browser::{self, crypto, location};
use crate::config::BuildConfig;
use crate::oidc::{
    self, AuthorizationResponse, AuthorizationUrl, Callback, CodeChallenge, Expectations,
    PendingSignIn, RedirectUri, RequestOptions, SignInOptions,
};

/// A sign-in ready to leave for the tenant: the authorization URL (which the page may show
/// first), the pending sign-in it belongs to, and the trace so far.
pub struct Departure {
    pending: PendingSignIn,
    url: AuthorizationUrl,
    recorder: Recorder,
}

impl Departure {
    pub fn url(&self) -> &AuthorizationUrl {
        &self.url
    }

    /// Keeps the pending sign-in and its trace in this tab, then leaves for the tenant.
    // The failure and its trace go straight to the page, as from the async flows.
    #[allow(clippy::result_large_err)]
    pub fn leave(self) -> Result<(), (SignInFailure, Trace)> {
        let Departure {
            pending,
            url,
            mut recorder,
        } = self;
        depart(&pending, &url, &recorder, browser::now_secs())
            .map_err(|failure| failed(failure, &mut recorder))
    }
}

/// Everything up to leaving for the tenant: discovery, PKCE, state and nonce, the authorization
/// URL. On failure, the trace says how far it got.
pub async fn prepare_sign_in(
    config: &BuildConfig,
    options: &SignInOptions,
) -> Result<Departure, (SignInFailure, Trace)> {
    let now = browser::now_secs();
    let mut recorder = Recorder::new(TraceKind::SignIn, now, browser::time::now_ms);
    let request = match options.check(&Client::from_config(config).scope) {
        Ok(request) => request,
        // Nothing was sent: the trace stays empty.
        Err(e) => return Err((SignInFailure::Options(e), recorder.into_trace())),
    };
    match prepare(config, request, &mut recorder).await {
        Ok((pending, url)) => Ok(Departure {
            pending,
            url,
            recorder,
        }),
        Err(failure) => Err(failed(failure, &mut recorder)),
    }
}

/// Prepares the sign-in and leaves for the tenant at once.
pub async fn start_sign_in(
    config: &BuildConfig,
    options: &SignInOptions,
) -> Result<(), (SignInFailure, Trace)> {
    prepare_sign_in(config, options).await?.leave()
}

fn failed(failure: SignInFailure, recorder: &mut Recorder) -> (SignInFailure, Trace) {
    recorder.observe(&Event::Failed(&failure));
    (failure, recorder.trace().clone())
}

/// Discovery, PKCE, state and nonce, and the authorization URL.
async fn prepare(
    config: &BuildConfig,
    options: RequestOptions,
    observer: &mut dyn Observer,
) -> Result<(PendingSignIn, AuthorizationUrl), SignInFailure> {
    let metadata = discover(config, observer).await?;
    observer.observe(&Event::Started(StepKind::Pkce));
    let redirect_uri = location::redirect_uri(config.redirect_uri.as_deref())
        .map(RedirectUri::new)
        .ok_or(StepFailure::Browser(browser::BrowserError::NoWindow))?;
    let mut pending = PendingSignIn::generate(redirect_uri, browser::now_secs())
        .map_err(StepFailure::Randomness)?;
    pending.max_age = options.max_age;
    pending.scope = Some(options.scope.clone());
    let digest = crypto::sha256(pending.code_verifier.ascii_bytes())
        .await
        .map_err(StepFailure::Browser)?;
    let challenge = CodeChallenge::from_sha256_digest(&digest).map_err(SignInFailure::Pkce)?;
    observer.observe(&Event::PkceMade {
        challenge: &challenge,
        state: &pending.state,
        nonce: &pending.nonce,
    });

    observer.observe(&Event::Started(StepKind::Authorize));
    let params = oidc::AuthorizationParams {
        client_id: Client::from_config(config).id,
        redirect_uri: pending.redirect_uri.clone(),
        state: pending.state.clone(),
        nonce: pending.nonce.clone(),
        code_challenge: challenge,
        options,
    };
    let url = oidc::build_authorization_url(&metadata.authorization_endpoint, &params)
        .map_err(SignInFailure::Authorize)?;
    observer.observe(&Event::Redirected {
        endpoint: &metadata.authorization_endpoint,
        params: &url.params,
    });
    Ok((pending, url))
}

/// Keeps the pending sign-in and its trace in this tab, then leaves for the tenant.
fn depart(
    pending: &PendingSignIn,
    url: &AuthorizationUrl,
    recorder: &Recorder,
    now: i64,
) -> Result<(), SignInFailure> {
    let store = PendingStore;
    store.forget_expired(now);
    store
        .save(pending, recorder.trace())
        .map_err(StepFailure::Browser)?;
    location::navigate_away(&url.url).map_err(StepFailure::Browser)?;
    Ok(())
}

/// The callback: read the answer, clear it from the address bar, redeem the code, fetch the keys
/// in parallel, verify the signature with Web Crypto and run every check. `progress` hears of
/// every step as it starts and ends. The trace continues the one saved before the redirect.
pub async fn complete_sign_in(
    config: &BuildConfig,
    progress: &dyn Fn(StepKind, StepStatus),
) -> (Result<Session, SignInFailure>, Trace) {
    let mut recorder = Recorder::new(
        TraceKind::SignIn,
        browser::now_secs(),
        browser::time::now_ms,
    );
    let mut progress = Progress::new(progress);
    let mut both = Both(&mut recorder, &mut progress);
    let result = run_callback(config, &mut both).await;
    match &result {
        Ok(_) => progress.finished(),
        Err(failure) => both.observe(&Event::Failed(failure)),
    }
    (result, recorder.into_trace())
}

async fn run_callback(
    config: &BuildConfig,
    observer: &mut dyn Observer,
) -> Result<Session, SignInFailure> {
    let (response, pending) = read_answer(observer)?;
    let metadata = discover(config, observer).await?;
    if let Err(mix_up) = response.check_issuer(&metadata.issuer) {
        let failure = SignInFailure::Callback(mix_up);
        observer.observe(&Event::StepFailed {
            step: StepKind::Callback,
            failure: &failure,
        });
        return Err(failure);
    }

    let client = Client::from_config(config);
    let request = oidc::authorization_code_request(
        &metadata.token_endpoint,
        client.token_client(),
        &response.code,
        &pending.redirect_uri,
        &pending.code_verifier,
        client.scope_of(pending.scope.as_ref()),
    );
    let (tokens, jwks_http) = redeem(
        &request,
        &metadata.jwks_uri,
        observer,
        oidc::process_authorization_code_response,
    )
    .await;
    observer.observe(&Event::VerifierSent(&pending.code_verifier));
    let tokens = tokens?;

    let Some(raw) = tokens.id_token.clone() else {
        observer.observe(&Event::Started(StepKind::Jwks));
        return Err(StepFailure::MissingIdToken.into());
    };
    let expectations =
        Expectations::sign_in(metadata.issuer.clone(), client.id, pending.nonce.clone())
            .with_max_age(pending.max_age);
    let validated = verify_id_token(
        &raw,
        &metadata.jwks_uri,
        Some(jwks_http),
        &expectations,
        observer,
    )
    .await?;
    let original = validated.identity(Some(pending.nonce));
    Ok(Session {
        requested_scope: pending.scope,
        ..Session::new(
            validated,
            tokens,
            metadata.issuer.as_str(),
            original,
            browser::now_secs(),
        )
    })
}

/// Reads the tenant's answer from the address (and removes it from there), continues the trace
/// saved before the redirect, and claims the pending sign-in its `state` names: the checked
/// answer the code exchange requires, with the sign-in's PKCE verifier and nonce.
fn read_answer(
    observer: &mut dyn Observer,
) -> Result<(AuthorizationResponse, PendingSignIn), SignInFailure> {
    observer.observe(&Event::Started(StepKind::Callback));
    let href = location::href().ok_or(StepFailure::Browser(browser::BrowserError::NoWindow))?;
    let parsed = oidc::parse_callback(&href);
    // A code is single use and must not stay in the address bar, history or bookmarks, even when
    // the rest of the answer is malformed.
    let stripped = oidc::strip_callback_params(&href);
    if stripped != href {
        location::replace_address(&stripped).map_err(StepFailure::Browser)?;
    }
    let returned_state = match &parsed {
        Ok(Callback::Success(response)) => Some(response.state.as_str()),
        Ok(Callback::Error(error)) => error.state.as_deref(),
        Err(_) => None,
    };
    if let Some(saved) = returned_state.and_then(|s| PendingStore.take_trace(s)) {
        observer.observe(&Event::Resumed(&saved));
    }
    let response = match parsed {
        Ok(Callback::Success(response)) => response,
        Ok(Callback::Error(error)) => return Err(error_answer(error, observer)),
        Err(oidc::CallbackError::NoResponse) => return Err(SignInFailure::NoSignInInProgress),
        Err(error) => return Err(SignInFailure::Callback(error)),
    };
    let now = browser::now_secs();
    let claimed = PendingStore
        .claim(response.state.as_str(), now)
        .map_err(SignInFailure::from);
    observer.observe(&Event::CallbackRead {
        response: &response,
        claimed: claimed.as_ref().map(|_| ()),
    });
    let pending = claimed?;
    // From here the code is spent: a reload must say so rather than try again.
    PendingStore.mark_used(response.state.as_str(), now);
    response
        .check_state(&pending.state)
        .map_err(SignInFailure::Callback)?;
    Ok((response, pending))
}

/// An error answer. Only one to a sign-in of this tab may put the provider's words on our page:
/// anyone can craft a link to `/callback?error=...`.
fn error_answer(
    error: oidc::AuthorizationErrorResponse,
    observer: &mut dyn Observer,
) -> SignInFailure {
    let ours = error
        .state
        .as_deref()
        .is_some_and(|state| PendingStore.discard(state));
    let failure = match ours {
        true => SignInFailure::Provider(error),
        false => SignInFailure::UnexpectedAnswer,
    };
    let error = match &failure {
        SignInFailure::Provider(error) => Some(error),
        _ => None,
    };
    observer.observe(&Event::ErrorAnswer {
        error,
        failure: &failure,
    });
    failure
}
