//! The sign-in flow: the protocol core's steps joined by the browser layer's I/O. No views here;
//! pages call [`start_sign_in`] and [`complete_sign_in`] and render what they return.

mod failure;
mod pending;

pub use failure::SignInFailure;
pub use pending::{PendingStore, PENDING_TTL_SECS};

use crate::browser::{self, crypto, http, location, storage};
use crate::config::BuildConfig;
use crate::oidc::{
    self, AccessToken, Callback, ClientId, ClientSecret, CodeChallenge, DecodedAccessToken,
    Expectations, HttpResponse, IssuerRule, JwkSet, KeySelection, PendingSignIn, Prompt,
    ProviderMetadata, RedirectUri, RefreshToken, Scope, SignatureJob, SignatureOutcome,
    TokenClient, UnverifiedIdToken, ValidatedIdToken,
};

/// How long fetched discovery metadata is reused in this tab.
pub const DISCOVERY_TTL_SECS: i64 = 3600;
const DISCOVERY_KEY_PREFIX: &str = "entra-signin.discovery.";

/// The visible steps of completing a sign-in, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    ReadResponse,
    Discovery,
    ExchangeCode,
    FetchKeys,
    Validate,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::ReadResponse,
        Step::Discovery,
        Step::ExchangeCode,
        Step::FetchKeys,
        Step::Validate,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Step::ReadResponse => "Reading the tenant's answer and checking state",
            Step::Discovery => "Reading the tenant's OpenID metadata",
            Step::ExchangeCode => "Exchanging the code for tokens",
            Step::FetchKeys => "Fetching the signing keys (JWKS)",
            Step::Validate => "Validating the ID token",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepStatus {
    Pending,
    Running,
    Done,
    Failed,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Running => "running",
            StepStatus::Done => "done",
            StepStatus::Failed => "failed",
        }
    }
}

/// A signed-in user, kept in memory only. The ID token inside passed every check.
#[derive(Clone, Debug)]
pub struct Session {
    pub id_token: ValidatedIdToken,
    pub access_token: AccessToken,
    pub access_token_decoded: Option<DecodedAccessToken>,
    pub refresh_token: Option<RefreshToken>,
    pub scope: Option<String>,
    pub received_at: i64,
    /// When the access token expires (Unix seconds), from `expires_in`.
    pub access_token_expires_at: Option<i64>,
    pub issuer: String,
    /// Milliseconds from the callback page's load to the validated session.
    pub completed_after_ms: f64,
}

/// The configured client, as the core's types.
struct Client {
    id: ClientId,
    secret: Option<ClientSecret>,
    scope: Scope,
}

impl Client {
    fn from_config(config: &BuildConfig) -> Client {
        Client {
            id: ClientId::new(config.client_id.clone()),
            secret: config.client_secret.clone().map(ClientSecret::new),
            scope: Scope::new(config.scopes.clone()),
        }
    }

    fn token_client(&self) -> TokenClient<'_> {
        TokenClient {
            client_id: &self.id,
            client_secret: self.secret.as_ref(),
        }
    }
}

fn response_of(r: &http::HttpResponse) -> HttpResponse<'_> {
    HttpResponse::new(r.status, Some(r.content_type.as_str()), &r.body)
}

/// The tenant's metadata: from this tab's cache when younger than an hour, else fetched.
/// Checked against the issuer rule either way.
async fn discover(config: &BuildConfig) -> Result<ProviderMetadata, SignInFailure> {
    let rule = IssuerRule::for_authority(&config.authority, config.tenant_guid.as_deref())
        .map_err(SignInFailure::Discovery)?;
    let key = format!("{DISCOVERY_KEY_PREFIX}{}", config.authority);
    let now = browser::now_secs();
    if let Some(cached) = storage::get(&key)
        .ok()
        .flatten()
        .and_then(|c| CachedBody::parse(&c))
    {
        if now - cached.fetched_at < DISCOVERY_TTL_SECS {
            let response = HttpResponse::new(200, Some("application/json"), &cached.body);
            if let Ok(metadata) = oidc::process_discovery_response(response, &rule) {
                return Ok(metadata);
            }
        }
    }
    let url = oidc::discovery_url(&config.authority).map_err(SignInFailure::Discovery)?;
    let response = http::get(&url).await.map_err(SignInFailure::Network)?;
    let metadata = oidc::process_discovery_response(response_of(&response), &rule)
        .map_err(SignInFailure::Discovery)?;
    let cached = CachedBody {
        fetched_at: now,
        body: response.body,
    };
    // A cache that cannot be written only costs a fetch next time.
    let _ = storage::set(&key, &cached.to_json());
    Ok(metadata)
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CachedBody {
    fetched_at: i64,
    body: String,
}

impl CachedBody {
    fn parse(json: &str) -> Option<CachedBody> {
        serde_json::from_str(json).ok()
    }

    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Everything up to leaving for the tenant: discovery, PKCE, state and nonce, the pending sign-in
/// in sessionStorage, then the redirect to `/authorize`.
pub async fn start_sign_in(
    config: &BuildConfig,
    prompt: Option<Prompt>,
) -> Result<(), SignInFailure> {
    let metadata = discover(config).await?;
    let redirect_uri = location::redirect_uri(config.redirect_uri.as_deref())
        .map(RedirectUri::new)
        .ok_or(SignInFailure::Browser(browser::BrowserError::NoWindow))?;
    let now = browser::now_secs();
    let pending = PendingSignIn::generate(redirect_uri, now)
        .map_err(|e| SignInFailure::Randomness(e.to_string()))?;
    let digest = crypto::sha256(pending.code_verifier.ascii_bytes())
        .await
        .map_err(SignInFailure::Browser)?;
    let challenge = CodeChallenge::from_sha256_digest(&digest)
        .map_err(|e| SignInFailure::Pkce(e.to_string()))?;
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
        .map_err(SignInFailure::Authorize)?;
    let store = PendingStore;
    store.forget_expired(now);
    store.save(&pending).map_err(SignInFailure::Browser)?;
    location::navigate_away(&url.url).map_err(SignInFailure::Browser)
}

/// The callback: read the answer, clear it from the address bar, redeem the code, fetch the keys
/// in parallel, verify the signature with Web Crypto and run every check. `progress` hears of
/// every step as it starts and ends.
pub async fn complete_sign_in(
    config: &BuildConfig,
    progress: &dyn Fn(Step, StepStatus),
) -> Result<Session, SignInFailure> {
    let step = |s: Step, status: StepStatus| progress(s, status);
    let mut current = Step::ReadResponse;
    let result = run_callback(config, &mut |s| {
        if s != current {
            step(current, StepStatus::Done);
            current = s;
        }
        step(s, StepStatus::Running);
    })
    .await;
    match &result {
        Ok(_) => step(current, StepStatus::Done),
        Err(_) => step(current, StepStatus::Failed),
    }
    result
}

async fn run_callback(
    config: &BuildConfig,
    enter: &mut dyn FnMut(Step),
) -> Result<Session, SignInFailure> {
    enter(Step::ReadResponse);
    let href = location::href().ok_or(SignInFailure::Browser(browser::BrowserError::NoWindow))?;
    let parsed = oidc::parse_callback(&href);
    // A code is single use and must not stay in the address bar, history or bookmarks, even when
    // the rest of the answer is malformed.
    let stripped = oidc::strip_callback_params(&href);
    if stripped != href {
        location::replace_address(&stripped).map_err(SignInFailure::Browser)?;
    }
    let response = match parsed {
        Ok(Callback::Success(response)) => response,
        Ok(Callback::Error(error)) => {
            if let Some(state) = &error.state {
                let _ = PendingStore.take(state);
            }
            return Err(SignInFailure::Provider(error));
        }
        Err(oidc::CallbackError::NoResponse) => return Err(SignInFailure::NoSignInInProgress),
        Err(error) => return Err(SignInFailure::Callback(error)),
    };
    let store = PendingStore;
    let now = browser::now_secs();
    let pending = store.claim(response.state.as_str(), now)?;
    // From here the code is spent: a reload must say so rather than try again.
    store.mark_used(response.state.as_str(), now);
    oidc::process_callback(&href, &pending.state).map_err(SignInFailure::Callback)?;

    enter(Step::Discovery);
    let metadata = discover(config).await?;

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
    let (token_http, jwks_http) = futures::future::join(
        http::post_form(request.url(), request.body()),
        http::get(&metadata.jwks_uri),
    )
    .await;
    let token_http = token_http.map_err(SignInFailure::Network)?;
    let tokens = oidc::process_authorization_code_response(response_of(&token_http))
        .map_err(SignInFailure::Token)?;

    enter(Step::FetchKeys);
    let jwks_http = jwks_http.map_err(SignInFailure::Network)?;
    let jwks = oidc::process_jwks_response(response_of(&jwks_http)).map_err(SignInFailure::Jwks)?;
    let raw_id_token = tokens
        .id_token
        .clone()
        .ok_or(SignInFailure::MissingIdToken)?;
    let id_token = UnverifiedIdToken::parse(raw_id_token.secret()).map_err(SignInFailure::Jwt)?;
    let job = select_key(&id_token, jwks, &metadata.jwks_uri).await?;

    enter(Step::Validate);
    let signature = match job {
        Ok(job) => verify(&job).await,
        Err(rejection) => SignatureOutcome::NoUsableKey(rejection),
    };
    let expectations = Expectations {
        issuer: metadata.issuer.clone(),
        client_id: client.id.clone(),
        nonce: Some(pending.nonce.clone()),
        original: None,
    };
    let validated = oidc::validate(id_token, signature, &expectations, browser::now_secs())
        .map_err(|f| SignInFailure::Validation(Box::new(f)))?;
    let received_at = browser::now_secs();
    Ok(Session {
        access_token_decoded: oidc::decode_access_token(&tokens.access_token).ok(),
        access_token_expires_at: tokens.expires_in.map(|s| received_at + s as i64),
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        scope: tokens.scope,
        received_at,
        issuer: metadata.issuer.as_str().to_string(),
        completed_after_ms: browser::time::page_age_ms(),
        id_token: validated,
    })
}

/// Picks the key by `kid`; a `kid` the JWKS lacks gets one refetch (keys rotate), no more.
async fn select_key(
    token: &UnverifiedIdToken,
    jwks: JwkSet,
    jwks_uri: &str,
) -> Result<Result<SignatureJob, oidc::KeyRejection>, SignInFailure> {
    match token.select_key(&jwks) {
        KeySelection::Selected(job) => Ok(Ok(job)),
        KeySelection::Rejected(rejection) => Ok(Err(rejection)),
        KeySelection::UnknownKid(_) => {
            let refetched = http::get(jwks_uri).await.map_err(SignInFailure::Network)?;
            let jwks = oidc::process_jwks_response(response_of(&refetched))
                .map_err(SignInFailure::Jwks)?;
            Ok(token.select_key_after_refetch(&jwks))
        }
    }
}

async fn verify(job: &SignatureJob) -> SignatureOutcome {
    let key = crypto::RsaPublicJwk {
        n: &job.key().n,
        e: &job.key().e,
    };
    let verdict = crypto::verify_rs256(key, job.signing_input(), job.signature())
        .await
        .map_err(|e| e.to_string());
    SignatureOutcome::from_web_crypto(verdict)
}
