//! The flows: the protocol core's steps joined by the browser layer's I/O, each recorded in a
//! [`Trace`] for the inspector. No views here; pages call these and render what they return.

mod failure;
pub mod keep;
mod pending;
pub mod refresh;
pub mod renewal;
mod sign_in;
pub mod sign_out;
pub mod trace;

pub use failure::SignInFailure;
pub use pending::{PendingStore, PENDING_TTL_SECS};
pub use sign_in::{complete_sign_in, start_sign_in};
pub use trace::{Field, Outcome, StepKind, Trace, TraceKind, TraceStep};

use crate::browser::{self, crypto, http, storage};
use crate::config::BuildConfig;
use crate::oidc::{
    self, AccessToken, ClientId, ClientSecret, DecodedAccessToken, Expectations, HttpResponse,
    IssuerRule, JwkSet, KeySelection, OriginalIdentity, ProviderMetadata, RawIdToken, RefreshToken,
    Scope, SignatureJob, SignatureOutcome, TokenClient, TokenRequest, TokenResponse,
    UnverifiedIdToken, ValidatedIdToken,
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

/// What started the last renewal.
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
    fn new(
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

/// Milliseconds since `started` (a `now_ms()` reading), for a step's duration.
fn since(started: f64) -> u64 {
    (browser::time::now_ms() - started).max(0.0).round() as u64
}

/// A step that ran: its outcome, how long it took, what it saw.
fn step(
    kind: StepKind,
    ok: bool,
    started: f64,
    summary: impl Into<String>,
    fields: Vec<Field>,
) -> TraceStep {
    TraceStep {
        kind,
        outcome: if ok { Outcome::Ok } else { Outcome::Failed },
        duration_ms: Some(since(started)),
        summary: summary.into(),
        fields,
        checks: Vec::new(),
    }
}

/// The tenant's metadata: from this tab's cache when younger than an hour, else fetched.
/// Checked against the issuer rule either way.
async fn discover(
    config: &BuildConfig,
    trace: &mut Trace,
) -> Result<ProviderMetadata, SignInFailure> {
    let started = browser::time::now_ms();
    let result = discover_untraced(config).await;
    let (ok, summary, fields) = match &result {
        Ok((metadata, source)) => (true, source.clone(), metadata_fields(metadata)),
        Err(failure) => (false, failure.explanation(), Vec::new()),
    };
    trace.record(step(StepKind::Discovery, ok, started, summary, fields));
    result.map(|(metadata, _)| metadata)
}

fn metadata_fields(metadata: &ProviderMetadata) -> Vec<Field> {
    let mut fields = vec![
        Field::plain("issuer", metadata.issuer.as_str()),
        Field::plain("authorization_endpoint", &metadata.authorization_endpoint),
        Field::plain("token_endpoint", &metadata.token_endpoint),
        Field::plain("jwks_uri", &metadata.jwks_uri),
    ];
    if let Some(end) = &metadata.end_session_endpoint {
        fields.push(Field::plain("end_session_endpoint", end));
    }
    fields.push(Field::plain(
        "id_token_signing_alg_values_supported",
        metadata.id_token_signing_alg_values_supported.join(" "),
    ));
    fields
}

/// The metadata and where it came from, in a sentence.
async fn discover_untraced(
    config: &BuildConfig,
) -> Result<(ProviderMetadata, String), SignInFailure> {
    let rule = IssuerRule::for_authority(&config.authority, config.tenant_guid.as_deref())
        .map_err(SignInFailure::Discovery)?;
    let key = format!("{DISCOVERY_KEY_PREFIX}{}", config.authority);
    let url = oidc::discovery_url(&config.authority).map_err(SignInFailure::Discovery)?;
    let now = browser::now_secs();
    if let Some(cached) = storage::get(&key)
        .ok()
        .flatten()
        .and_then(|c| CachedBody::parse(&c))
    {
        if now.saturating_sub(cached.fetched_at) < DISCOVERY_TTL_SECS {
            let response = HttpResponse::new(200, Some("application/json"), &cached.body);
            if let Ok(metadata) = oidc::process_discovery_response(response, &rule) {
                let source = format!(
                    "GET {url}: from this tab's cache, fetched {} s ago (kept for {} min)",
                    now.saturating_sub(cached.fetched_at),
                    DISCOVERY_TTL_SECS / 60
                );
                return Ok((metadata, source));
            }
        }
    }
    let response = http::get(&url).await.map_err(SignInFailure::Network)?;
    let metadata = oidc::process_discovery_response(response_of(&response), &rule)
        .map_err(SignInFailure::Discovery)?;
    let source = format!(
        "GET {url} → HTTP {} in {} ms",
        response.status,
        response.elapsed_ms.round() as u64
    );
    let cached = CachedBody {
        fetched_at: now,
        body: response.body,
    };
    // A cache that cannot be written only costs a fetch next time.
    let _ = storage::set(&key, &cached.to_json());
    Ok((metadata, source))
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

/// The form fields of a token request for the trace: credentials marked secret.
fn request_fields(request: &TokenRequest) -> Vec<Field> {
    let mut fields = vec![Field::plain("POST", request.url())];
    fields.extend(
        request
            .params_with_secrecy()
            .map(|(name, value, secret)| match secret {
                true => Field::secret(name, value),
                false => Field::plain(name, value),
            }),
    );
    fields
}

/// The token response for the trace: tokens shortened, the refresh token masked.
fn response_fields(tokens: &TokenResponse) -> Vec<Field> {
    let mut fields = vec![Field::plain("token_type", &tokens.token_type)];
    if let Some(seconds) = tokens.expires_in {
        fields.push(Field::plain("expires_in", seconds.to_string()));
    }
    if let Some(scope) = &tokens.scope {
        fields.push(Field::plain("scope", scope));
    }
    if let Some(token) = &tokens.id_token {
        fields.push(Field::token("id_token", token.secret()));
    }
    fields.push(Field::token("access_token", tokens.access_token.secret()));
    if let Some(token) = &tokens.refresh_token {
        fields.push(Field::secret("refresh_token", token.secret()));
    }
    fields
}

/// POSTs `request` and fetches the JWKS in parallel; records both the request and the response.
async fn redeem(
    request: &TokenRequest,
    jwks_uri: &str,
    trace: &mut Trace,
    process: fn(HttpResponse<'_>) -> Result<TokenResponse, oidc::TokenError>,
    refused: fn(oidc::TokenError) -> SignInFailure,
) -> (
    Result<TokenResponse, SignInFailure>,
    Result<http::HttpResponse, http::NetworkError>,
) {
    let started = browser::time::now_ms();
    let (token_http, jwks_http) = futures::future::join(
        http::post_form(request.url(), request.body()),
        http::get(jwks_uri),
    )
    .await;
    let sent_ok = token_http.is_ok();
    let sent_summary = match &token_http {
        Ok(r) => format!("POST {} → HTTP {}", request.url(), r.status),
        Err(e) => e.to_string(),
    };
    trace.record(step(
        StepKind::TokenRequest,
        sent_ok,
        started,
        sent_summary,
        request_fields(request),
    ));
    let result = match token_http {
        Ok(response) => {
            let processed = process(response_of(&response)).map_err(refused);
            let (summary, fields) = match &processed {
                Ok(tokens) => (
                    format!(
                        "HTTP {} in {} ms",
                        response.status,
                        response.elapsed_ms.round() as u64
                    ),
                    response_fields(tokens),
                ),
                Err(failure) => (failure.explanation(), failure_fields(failure)),
            };
            trace.record(step(
                StepKind::TokenResponse,
                processed.is_ok(),
                started,
                summary,
                fields,
            ));
            processed
        }
        Err(error) => Err(SignInFailure::Network(error)),
    };
    (result, jwks_http)
}

/// What a failure says in a support request, as trace fields.
fn failure_fields(failure: &SignInFailure) -> Vec<Field> {
    failure
        .details()
        .into_iter()
        .map(|(name, value)| Field::plain(name, value))
        .collect()
}

/// Fetches the keys when `prefetched` has none, picks the key (one refetch on an unknown `kid`),
/// verifies the signature with Web Crypto and runs every check; records the JWKS and validation.
async fn verify_id_token(
    raw: &RawIdToken,
    jwks_uri: &str,
    prefetched: Option<Result<http::HttpResponse, http::NetworkError>>,
    expectations: &Expectations,
    trace: &mut Trace,
    entering_validation: &mut dyn FnMut(),
) -> Result<ValidatedIdToken, SignInFailure> {
    let started = browser::time::now_ms();
    let keys = fetch_and_select_key(raw, jwks_uri, prefetched).await;
    let (token, job, jwks_step) = match keys {
        Ok(found) => found,
        Err(failure) => {
            trace.record(step(
                StepKind::Jwks,
                false,
                started,
                failure.explanation(),
                vec![Field::plain("GET", jwks_uri)],
            ));
            return Err(failure);
        }
    };
    trace.record(TraceStep {
        duration_ms: Some(since(started)),
        ..jwks_step
    });

    entering_validation();
    let started = browser::time::now_ms();
    let signature = match job {
        Ok(job) => verify(&job).await,
        Err(rejection) => SignatureOutcome::NoUsableKey(rejection),
    };
    let result = oidc::validate(token, signature, expectations, browser::now_secs())
        .map_err(|f| SignInFailure::Validation(Box::new(f)));
    let (report, summary) = match &result {
        Ok(token) => (
            token.report().clone(),
            format!(
                "All {} checks passed; signature verified with Web Crypto (RSASSA-PKCS1-v1_5, SHA-256).",
                token.report().checks().len()
            ),
        ),
        Err(SignInFailure::Validation(failure)) => (failure.report.clone(), failure.to_string()),
        Err(other) => (oidc::ValidationReport::default(), other.explanation()),
    };
    let mut validation = step(
        StepKind::Validation,
        result.is_ok(),
        started,
        summary,
        Vec::new(),
    );
    validation.checks = report
        .checks()
        .iter()
        .map(|c| trace::CheckRow {
            name: c.name.to_string(),
            expected: c.expected.clone(),
            found: c.found.clone(),
            passed: c.passed,
        })
        .collect();
    trace.record(validation);
    result
}

async fn fetch_and_select_key(
    raw: &RawIdToken,
    jwks_uri: &str,
    prefetched: Option<Result<http::HttpResponse, http::NetworkError>>,
) -> Result<
    (
        UnverifiedIdToken,
        Result<SignatureJob, oidc::KeyRejection>,
        TraceStep,
    ),
    SignInFailure,
> {
    let jwks_http = match prefetched {
        Some(result) => result,
        None => http::get(jwks_uri).await,
    };
    let (jwks, body) = jwks_of(jwks_http)?;
    let mut fields = vec![Field::plain("GET", jwks_uri)];
    let token = UnverifiedIdToken::parse(raw.secret()).map_err(SignInFailure::Jwt)?;
    fields.push(Field::json("ID token header", token.header_json()));
    fields.push(Field::json("JWKS", crate::display::pretty_json(&body)));
    let (job, refetched) = match token.select_key(&jwks) {
        KeySelection::Selected(job) => (Ok(job), false),
        KeySelection::Rejected(rejection) => (Err(rejection), false),
        KeySelection::UnknownKid(_) => {
            let (jwks, body) = jwks_of(http::get(jwks_uri).await)?;
            fields.push(Field::json(
                "JWKS, refetched",
                crate::display::pretty_json(&body),
            ));
            (token.select_key_after_refetch(&jwks), true)
        }
    };
    let summary = match &job {
        Ok(job) => {
            let kid = job.key().kid.as_deref().unwrap_or("(no kid)");
            fields.push(Field::plain("matched key", kid));
            fields.push(Field::plain(
                "key size",
                format!("{} bits", job.key().modulus_bits),
            ));
            format!(
                "The ID token's key {kid} is in the JWKS{}.",
                if refetched {
                    " after one refetch (keys rotate)"
                } else {
                    ""
                }
            )
        }
        Err(rejection) => rejection.to_string(),
    };
    let jwks_step = TraceStep {
        kind: StepKind::Jwks,
        outcome: if job.is_ok() {
            Outcome::Ok
        } else {
            Outcome::Failed
        },
        duration_ms: None,
        summary,
        fields,
        checks: Vec::new(),
    };
    Ok((token, job, jwks_step))
}

fn jwks_of(
    response: Result<http::HttpResponse, http::NetworkError>,
) -> Result<(JwkSet, String), SignInFailure> {
    let response = response.map_err(SignInFailure::Network)?;
    let jwks = oidc::process_jwks_response(response_of(&response)).map_err(SignInFailure::Jwks)?;
    Ok((jwks, response.body))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oidc::{AuthorizationCode, CodeVerifier, RedirectUri};

    const ID_TOKEN: &str =
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJpZC10b2tlbi1zdWJqZWN0In0.aWQtc2lnbmF0dXJl";
    const ACCESS_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzY3AiOiJhY2Nlc3MtdG9rZW4ifQ.YWNjZXNzLXNpZw";
    const REFRESH_TOKEN: &str = "1.AAAArefresh-token-secret-value";
    const CODE: &str = "1.AAAAauthorization-code-secret";
    const SECRET: &str = "client~secret~value~0123456789";

    fn token_body() -> String {
        serde_json::json!({
            "token_type": "Bearer",
            "expires_in": 3599,
            "id_token": ID_TOKEN,
            "access_token": ACCESS_TOKEN,
            "refresh_token": REFRESH_TOKEN,
        })
        .to_string()
    }

    fn assert_no_credential(debug: &str, verifier: &str) {
        for credential in [
            ID_TOKEN,
            ACCESS_TOKEN,
            REFRESH_TOKEN,
            CODE,
            SECRET,
            verifier,
        ] {
            assert!(!debug.contains(credential), "{credential} in {debug}");
        }
        // Not even a token's signature, which alone would identify it.
        for signature in [ID_TOKEN, ACCESS_TOKEN].map(|t| t.rsplit('.').next().unwrap_or(t)) {
            assert!(!debug.contains(signature), "{signature} in {debug}");
        }
    }

    #[test]
    fn debug_of_requests_responses_and_traces_holds_no_credential() {
        let body = token_body();
        let verifier = CodeVerifier::generate().expect("randomness on the host");
        let secret = ClientSecret::new(SECRET);
        let client = TokenClient {
            client_id: &ClientId::new("client"),
            client_secret: Some(&secret),
        };
        let request = oidc::authorization_code_request(
            "https://tenant.example/token",
            client,
            &AuthorizationCode::new(CODE),
            &RedirectUri::new("https://app.example/callback"),
            &verifier,
            &Scope::new("openid"),
        );
        let core_response = HttpResponse::new(200, Some("application/json"), &body);
        let tokens = oidc::process_token_response(core_response).expect("token response");
        let browser_response = http::HttpResponse {
            status: 200,
            content_type: "application/json".into(),
            body: body.clone(),
            elapsed_ms: 12.0,
        };
        let mut trace = Trace::new(TraceKind::SignIn, 0);
        let mut fields = request_fields(&request);
        fields.extend(response_fields(&tokens));
        trace.record(TraceStep {
            kind: StepKind::TokenResponse,
            outcome: Outcome::Ok,
            duration_ms: Some(12),
            summary: "answered".into(),
            fields,
            checks: Vec::new(),
        });

        let debugs = [
            format!("{request:?}"),
            format!("{core_response:?}"),
            format!("{tokens:?}"),
            format!("{browser_response:?}"),
            format!("{trace:?}"),
        ];
        for debug in &debugs {
            assert_no_credential(debug, verifier.secret());
        }
        assert!(debugs[3].contains(&format!("<{} bytes>", body.len())));
        assert!(debugs[4].contains("<redacted>") && debugs[4].contains("<token, "));
    }

    #[test]
    fn expiry_after_saturates_for_any_expires_in() {
        assert_eq!(expiry_after(1_000, 3_600), 4_600);
        assert_eq!(expiry_after(1_000, u64::MAX), i64::MAX);
        assert_eq!(expiry_after(i64::MAX, 1), i64::MAX);
        assert_eq!(expiry_after(i64::MIN, u64::MAX), -1);
    }
}
