//! The inspector's recorder: turns a flow's [`Event`]s into its [`Trace`]. Every [`Field`] the
//! inspector shows is built here, and nowhere in the flows.

use super::events::{Event, MetadataSource, Observer};
use super::trace::{CheckRow, Field, Outcome, StepKind, Trace, TraceKind, TraceStep};
use super::{Failure, SignInFailure, StepFailure, DISCOVERY_TTL_SECS};
use crate::browser::http::NetworkError;
use crate::display::pretty_json;
use crate::oidc::{
    self, AuthorizationErrorResponse, AuthorizationResponse, CodeChallenge, KeyRejection, Nonce,
    ProviderMetadata, RsaVerificationKey, State, TokenRequest, TokenResponse, ValidationReport,
};

/// Records one flow. `clock` gives milliseconds (the page's `Date.now()`), for step durations.
pub struct Recorder {
    trace: Trace,
    clock: fn() -> f64,
    /// When each step started, by the clock.
    started: Vec<(StepKind, f64)>,
    /// The step running now.
    current: Option<StepKind>,
}

impl Recorder {
    pub fn new(kind: TraceKind, started_at: i64, clock: fn() -> f64) -> Recorder {
        Recorder {
            trace: Trace::new(kind, started_at),
            clock,
            started: Vec::new(),
            current: None,
        }
    }

    /// The trace so far (e.g. to keep it with a pending sign-in).
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    pub fn into_trace(self) -> Trace {
        self.trace
    }

    fn started_at(&self, kind: StepKind) -> Option<f64> {
        self.started
            .iter()
            .rev()
            .find(|(k, _)| *k == kind)
            .map(|(_, at)| *at)
    }

    /// Milliseconds since `kind` started, if it did.
    fn since(&self, kind: StepKind) -> Option<u64> {
        let started = self.started_at(kind)?;
        Some(((self.clock)() - started).max(0.0).round() as u64)
    }

    /// Records `kind`, timed from its start (or from `timed_from`'s).
    fn record(
        &mut self,
        kind: StepKind,
        timed_from: StepKind,
        ok: bool,
        summary: impl Into<String>,
        fields: Vec<Field>,
    ) {
        self.trace.record(TraceStep {
            kind,
            outcome: if ok { Outcome::Ok } else { Outcome::Failed },
            duration_ms: self.since(timed_from),
            summary: summary.into(),
            fields,
            checks: Vec::new(),
        });
    }
}

impl Observer for Recorder {
    fn observe(&mut self, event: &Event<'_>) {
        if let Some(seen) = seen(event) {
            let ok = seen.ok;
            self.record(seen.step, seen.timed_from, ok, seen.summary, seen.fields);
            return;
        }
        match event {
            &Event::Started(kind) => {
                self.started.push((kind, (self.clock)()));
                self.current = Some(kind);
            }
            Event::KeptIdTokenExpired { expired } => self.kept_id_token_expired(expired),
            Event::Redirected { endpoint, params } => self.redirected(endpoint, params),
            Event::Resumed(saved) => self.resumed(saved),
            Event::VerifierSent(verifier) => {
                if let Some(pkce) = self.trace.step_mut(StepKind::Pkce) {
                    pkce.fields
                        .push(Field::secret("code_verifier", verifier.secret()));
                }
            }
            Event::Validated(result) => self.validated(*result),
            Event::IdTokenKept => self.id_token_kept(),
            Event::StepFailed { step, failure } => self.step_failed(*step, *failure),
            Event::Failed(failure) => {
                let why = format!("{}: {}", failure.title(), failure.explanation());
                let at = self.current.unwrap_or(self.trace.kind.steps()[0]);
                self.trace.fail(at, why, None);
            }
            _ => {}
        }
    }
}

/// A step as an event shows it, before timing.
struct Seen {
    step: StepKind,
    /// The step whose start times this one.
    timed_from: StepKind,
    ok: bool,
    summary: String,
    fields: Vec<Field>,
}

impl Seen {
    fn new(step: StepKind, ok: bool, summary: impl Into<String>, fields: Vec<Field>) -> Seen {
        Seen {
            step,
            timed_from: step,
            ok,
            summary: summary.into(),
            fields,
        }
    }
}

/// The step an event records as it is; `None` for the events that change the trace otherwise.
fn seen(event: &Event<'_>) -> Option<Seen> {
    Some(match event {
        Event::KeptSessionRead {
            id_token,
            access_token,
            refresh_token,
            age_secs,
        } => {
            let fields = kept_session_fields(id_token, access_token, *refresh_token, *age_secs);
            let summary = "Read from sessionStorage (you opted in: keep me signed in for this \
                           tab). Nothing is trusted until the ID token passes its checks again.";
            Seen::new(StepKind::Storage, true, summary, fields)
        }
        Event::Discovered {
            url,
            source,
            metadata,
        } => Seen::new(
            StepKind::Discovery,
            true,
            discovery_summary(url, source),
            metadata_fields(metadata),
        ),
        Event::PkceMade {
            challenge,
            state,
            nonce,
        } => pkce_made(challenge, state, nonce),
        Event::ErrorAnswer { error, failure } => Seen::new(
            StepKind::Callback,
            false,
            failure.explanation(),
            error.map(provider_error_fields).unwrap_or_default(),
        ),
        Event::CallbackRead { response, claimed } => callback_read(response, *claimed),
        Event::TokenRequestSent { request, sent } => token_request_sent(request, *sent),
        Event::TokenAnswered {
            status,
            elapsed_ms,
            result,
        } => token_answered(*status, *elapsed_ms, *result),
        Event::KeysSelected {
            jwks_uri,
            header_json,
            jwks,
            refetched,
            key,
        } => keys_selected(jwks_uri, header_json, jwks, *refetched, *key),
        Event::KeysUnavailable { jwks_uri, failure } => Seen::new(
            StepKind::Jwks,
            false,
            failure.explanation(),
            vec![Field::plain("GET", *jwks_uri)],
        ),
        _ => return None,
    })
}

fn pkce_made(challenge: &CodeChallenge, state: &State, nonce: &Nonce) -> Seen {
    let fields = vec![
        Field::plain("code_challenge", challenge.as_str()),
        Field::plain("code_challenge_method", oidc::CODE_CHALLENGE_METHOD),
        Field::plain("state", state.as_str()),
        Field::plain("nonce", nonce.as_str()),
    ];
    let summary = "32 random bytes from crypto.getRandomValues make the verifier; Web Crypto's \
                   SHA-256 of it is the challenge. The verifier stays in this tab until the code \
                   exchange.";
    Seen::new(StepKind::Pkce, true, summary, fields)
}

fn callback_read(response: &AuthorizationResponse, claimed: Result<(), &SignInFailure>) -> Seen {
    let summary = match claimed {
        Ok(()) => "The state matches the sign-in this tab started; the code was removed from \
                   the address bar."
            .to_string(),
        Err(failure) => failure.explanation(),
    };
    let fields = callback_fields(response);
    Seen::new(StepKind::Callback, claimed.is_ok(), summary, fields)
}

fn token_request_sent(request: &TokenRequest, sent: Result<u16, &NetworkError>) -> Seen {
    let summary = match sent {
        Ok(status) => format!("POST {} → HTTP {status}", request.url()),
        Err(e) => e.to_string(),
    };
    Seen::new(
        StepKind::TokenRequest,
        sent.is_ok(),
        summary,
        request_fields(request),
    )
}

fn token_answered(
    status: u16,
    elapsed_ms: f64,
    result: Result<&TokenResponse, &StepFailure>,
) -> Seen {
    let (summary, fields) = match result {
        Ok(tokens) => (
            format!("HTTP {status} in {} ms", elapsed_ms.round() as u64),
            response_fields(tokens),
        ),
        Err(failure) => (failure.explanation(), failure_fields(failure)),
    };
    Seen {
        timed_from: StepKind::TokenRequest,
        ..Seen::new(StepKind::TokenResponse, result.is_ok(), summary, fields)
    }
}

fn keys_selected(
    jwks_uri: &str,
    header_json: &str,
    jwks: &str,
    refetched: Option<&str>,
    key: Result<&RsaVerificationKey, &KeyRejection>,
) -> Seen {
    let mut fields = vec![
        Field::plain("GET", jwks_uri),
        Field::json("ID token header", header_json),
        Field::json("JWKS", pretty_json(jwks)),
    ];
    if let Some(body) = refetched {
        fields.push(Field::json("JWKS, refetched", pretty_json(body)));
    }
    let summary = key_summary(key, refetched.is_some(), &mut fields);
    Seen::new(StepKind::Jwks, key.is_ok(), summary, fields)
}

impl Recorder {
    fn id_token_kept(&mut self) {
        let summary = "The response has no new ID token (Entra sends one when openid is in \
                       scope); the session keeps its validated one.";
        self.trace.record(TraceStep {
            kind: StepKind::Validation,
            outcome: Outcome::Ok,
            duration_ms: Some(0),
            summary: summary.into(),
            fields: Vec::new(),
            checks: Vec::new(),
        });
    }

    /// A step that already recorded what it saw keeps it.
    fn step_failed(&mut self, step: StepKind, failure: &dyn Failure) {
        match self.trace.step_mut(step) {
            Some(recorded) => {
                recorded.outcome = Outcome::Failed;
                recorded.summary = failure.explanation();
            }
            None => self.record(step, step, false, failure.explanation(), Vec::new()),
        }
    }

    fn redirected(&mut self, endpoint: &str, params: &[(String, String)]) {
        let mut fields = vec![Field::plain("GET", endpoint)];
        fields.extend(params.iter().map(|(n, v)| Field::plain(n, v)));
        let summary =
            "The browser left for the tenant's sign-in page; the time is how long it stayed there.";
        self.trace.record(TraceStep {
            kind: StepKind::Authorize,
            outcome: Outcome::Ok,
            duration_ms: None,
            summary: summary.into(),
            fields,
            checks: Vec::new(),
        });
        self.trace.redirected_at_ms = Some((self.clock)() as i64);
    }

    /// The saved trace continues; the authorize step lasted until the answer arrived.
    fn resumed(&mut self, saved: &Trace) {
        self.trace = saved.clone();
        let back = self
            .started_at(StepKind::Callback)
            .unwrap_or((self.clock)()) as i64;
        if let Some(left) = self.trace.redirected_at_ms {
            if let Some(authorize) = self.trace.step_mut(StepKind::Authorize) {
                authorize.duration_ms = Some(back.saturating_sub(left).max(0) as u64);
            }
        }
    }

    fn validated(&mut self, result: Result<&oidc::ValidatedIdToken, &StepFailure>) {
        let (report, summary) = match result {
            Ok(token) => (
                token.report().clone(),
                format!(
                    "All {} checks passed; signature verified with Web Crypto (RSASSA-PKCS1-v1_5, \
                     SHA-256).",
                    token.report().checks().len()
                ),
            ),
            Err(StepFailure::Validation(failure)) => (failure.report.clone(), failure.to_string()),
            Err(other) => (ValidationReport::default(), other.explanation()),
        };
        let kind = StepKind::Validation;
        self.record(kind, kind, result.is_ok(), summary, Vec::new());
        if let Some(step) = self.trace.step_mut(kind) {
            step.checks = check_rows(&report);
        }
    }

    /// The first checks move to the storage step, so the trace shows why the renewal runs.
    fn kept_id_token_expired(&mut self, expired: &oidc::ValidationFailure) {
        self.trace.kind = TraceKind::RestoreRenewed;
        self.trace.take_step(StepKind::Validation);
        self.trace.take_step(StepKind::Jwks);
        if let Some(storage) = self.trace.step_mut(StepKind::Storage) {
            storage.summary = format!(
                "Read from sessionStorage. The kept ID token is authentic, but only on time it \
                 failed ({expired}); instead of ending the session, its refresh token renews it, \
                 and the new ID token must repeat the original's identity (OpenID Connect Core \
                 §12.2)."
            );
            storage.checks = check_rows(&expired.report);
        }
    }
}

fn check_rows(report: &ValidationReport) -> Vec<CheckRow> {
    report
        .checks()
        .iter()
        .map(|c| CheckRow {
            name: c.name.to_string(),
            expected: c.expected.clone(),
            found: c.found.clone(),
            passed: c.passed,
        })
        .collect()
}

fn kept_session_fields(
    id_token: &str,
    access_token: &str,
    refresh_token: Option<&str>,
    age_secs: i64,
) -> Vec<Field> {
    let mut fields = vec![
        Field::token("id_token", id_token),
        Field::token("access_token", access_token),
    ];
    if let Some(token) = refresh_token {
        fields.push(Field::secret("refresh_token", token));
    }
    fields.push(Field::plain("received", format!("{age_secs} s ago")));
    fields
}

fn discovery_summary(url: &str, source: &MetadataSource) -> String {
    match source {
        MetadataSource::Cache { age_secs } => format!(
            "GET {url}: from this tab's cache, fetched {age_secs} s ago (kept for {} min)",
            DISCOVERY_TTL_SECS / 60
        ),
        MetadataSource::Fetched { status, elapsed_ms } => format!(
            "GET {url} → HTTP {status} in {} ms",
            elapsed_ms.round() as u64
        ),
    }
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

/// What the tenant said, for the inspector of a sign-in this tab started.
fn provider_error_fields(error: &AuthorizationErrorResponse) -> Vec<Field> {
    let mut fields = vec![Field::plain("error", &error.error)];
    if let Some(description) = &error.error_description {
        fields.push(Field::plain("error_description", description));
    }
    if let Some(state) = &error.state {
        fields.push(Field::plain("state", state));
    }
    fields
}

fn callback_fields(response: &AuthorizationResponse) -> Vec<Field> {
    let mut fields = vec![
        Field::secret("code", response.code.secret()),
        Field::plain("state", response.state.as_str()),
    ];
    if let Some(session_state) = &response.session_state {
        fields.push(Field::plain("session_state", session_state));
    }
    fields
}

/// The form fields of a token request: credentials marked secret.
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

/// The token response: tokens shortened, the refresh token masked.
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

/// What a failure says in a support request: codes and ids, never credentials.
fn failure_fields(failure: &dyn Failure) -> Vec<Field> {
    failure
        .details()
        .into_iter()
        .map(|(name, value)| Field::plain(name, value))
        .collect()
}

/// The key step's summary; the matched key's id and size join `fields`.
fn key_summary(
    key: Result<&RsaVerificationKey, &KeyRejection>,
    refetched: bool,
    fields: &mut Vec<Field>,
) -> String {
    match key {
        Ok(key) => {
            let kid = key.kid.as_deref().unwrap_or("(no kid)");
            fields.push(Field::plain("matched key", kid));
            fields.push(Field::plain(
                "key size",
                format!("{} bits", key.modulus_bits),
            ));
            let after = match refetched {
                true => " after one refetch (keys rotate)",
                false => "",
            };
            format!("The ID token's key {kid} is in the JWKS{after}.")
        }
        Err(rejection) => rejection.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browser::http;
    use crate::flow::RestoreFailure;
    use crate::oidc::{
        AuthorizationCode, ClientId, ClientSecret, CodeVerifier, HttpResponse, RedirectUri, Scope,
        TokenClient,
    };

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

    thread_local! {
        static NOW_MS: std::cell::Cell<f64> = const { std::cell::Cell::new(1_000.0) };
    }

    fn clock() -> f64 {
        NOW_MS.with(|now| now.get())
    }

    /// Moves the fake clock on by `ms`.
    fn wait(ms: f64) {
        NOW_MS.with(|now| now.set(now.get() + ms));
    }

    fn new_recorder(kind: TraceKind) -> Recorder {
        Recorder::new(kind, 1_700_000_000, clock)
    }

    fn code_request(verifier: &CodeVerifier, secret: &ClientSecret) -> TokenRequest {
        oidc::authorization_code_request(
            "https://tenant.example/token",
            TokenClient {
                client_id: &ClientId::new("client"),
                client_secret: Some(secret),
            },
            &AuthorizationCode::new(CODE),
            &RedirectUri::new("https://app.example/callback"),
            verifier,
            &Scope::new("openid"),
        )
    }

    fn outcomes(trace: &Trace) -> Vec<(StepKind, Outcome, Option<u64>)> {
        trace
            .steps
            .iter()
            .map(|s| (s.kind, s.outcome, s.duration_ms))
            .collect()
    }

    #[test]
    fn debug_of_requests_responses_and_traces_holds_no_credential() {
        let body = token_body();
        let verifier = CodeVerifier::generate().expect("randomness on the host");
        let secret = ClientSecret::new(SECRET);
        let request = code_request(&verifier, &secret);
        let core_response = HttpResponse::new(200, Some("application/json"), &body);
        let tokens = oidc::process_token_response(core_response).expect("token response");
        let browser_response = http::HttpResponse {
            status: 200,
            content_type: "application/json".into(),
            body: body.clone(),
            elapsed_ms: 12.0,
            headers: Vec::new(),
            unread: None,
        };
        let mut recorder = new_recorder(TraceKind::SignIn);
        recorder.observe(&Event::Started(StepKind::Pkce));
        recorder.observe(&Event::PkceMade {
            challenge: &oidc::CodeChallenge::from_sha256_digest(&[7; 32]).expect("32 bytes"),
            state: &oidc::State::new("state-1"),
            nonce: &oidc::Nonce::new("nonce-1"),
        });
        recorder.observe(&Event::Started(StepKind::TokenRequest));
        recorder.observe(&Event::TokenRequestSent {
            request: &request,
            sent: Ok(200),
        });
        recorder.observe(&Event::TokenAnswered {
            status: 200,
            elapsed_ms: 12.0,
            result: Ok(&tokens),
        });
        recorder.observe(&Event::VerifierSent(&verifier));
        let trace = recorder.into_trace();

        let debugs = [
            format!("{request:?}"),
            format!("{core_response:?}"),
            format!("{tokens:?}"),
            format!("{browser_response:?}"),
            format!("{trace:?}"),
            trace.to_markdown("then"),
        ];
        for debug in &debugs {
            assert_no_credential(debug, verifier.secret());
        }
        assert!(debugs[3].contains(&format!("<{} bytes>", body.len())));
        assert!(debugs[4].contains("<redacted>") && debugs[4].contains("<token, "));
    }

    #[test]
    fn a_code_exchange_is_recorded_as_request_and_answer_timed_from_the_request() {
        let verifier = CodeVerifier::generate().expect("randomness on the host");
        let secret = ClientSecret::new(SECRET);
        let request = code_request(&verifier, &secret);
        let body = token_body();
        let tokens = oidc::process_token_response(HttpResponse::new(200, None, &body))
            .expect("token response");
        let mut recorder = new_recorder(TraceKind::SignIn);
        recorder.observe(&Event::Started(StepKind::TokenRequest));
        wait(40.0);
        recorder.observe(&Event::TokenRequestSent {
            request: &request,
            sent: Ok(200),
        });
        wait(2.0);
        recorder.observe(&Event::TokenAnswered {
            status: 200,
            elapsed_ms: 39.6,
            result: Ok(&tokens),
        });
        let trace = recorder.into_trace();
        assert_eq!(
            outcomes(&trace),
            [
                (StepKind::TokenRequest, Outcome::Ok, Some(40)),
                (StepKind::TokenResponse, Outcome::Ok, Some(42)),
            ]
        );
        let md = trace.to_markdown("then");
        assert!(
            md.contains("POST https://tenant.example/token → HTTP 200"),
            "{md}"
        );
        assert!(md.contains("HTTP 200 in 40 ms"), "{md}");
        let answer = &trace.steps[1];
        let names: Vec<&str> = answer.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "token_type",
                "expires_in",
                "id_token",
                "access_token",
                "refresh_token"
            ]
        );
    }

    #[test]
    fn a_failure_marks_the_running_step_unless_a_step_recorded_its_own() {
        let failure = StepFailure::MissingIdToken;
        let mut recorder = new_recorder(TraceKind::SignIn);
        recorder.observe(&Event::Started(StepKind::Jwks));
        recorder.observe(&Event::Failed(&failure));
        let trace = recorder.into_trace();
        assert_eq!(outcomes(&trace), [(StepKind::Jwks, Outcome::Failed, None)]);
        assert_eq!(
            trace.failure.as_deref(),
            Some(
                "The token response has no ID token: The token endpoint answered without an \
                 id_token; was the openid scope granted?"
            )
        );

        let unreadable = RestoreFailure::RenewedWithoutIdToken;
        let mut recorder = new_recorder(TraceKind::Restore);
        recorder.observe(&Event::Started(StepKind::Storage));
        recorder.observe(&Event::StepFailed {
            step: StepKind::Storage,
            failure: &unreadable,
        });
        recorder.observe(&Event::Failed(&unreadable));
        let trace = recorder.into_trace();
        assert_eq!(trace.steps.len(), 1);
        assert_eq!(trace.steps[0].summary, unreadable.explanation());
        assert_eq!(trace.steps[0].outcome, Outcome::Failed);
    }

    #[test]
    fn a_resumed_sign_in_times_the_stay_at_the_tenant() {
        let mut before = new_recorder(TraceKind::SignIn);
        before.observe(&Event::Started(StepKind::Authorize));
        let params = [("client_id".to_string(), "client".to_string())];
        before.observe(&Event::Redirected {
            endpoint: "https://tenant.example/authorize",
            params: &params,
        });
        let saved = before.into_trace();
        assert_eq!(saved.steps[0].duration_ms, None);

        wait(5_000.0);
        let mut after = new_recorder(TraceKind::SignIn);
        after.observe(&Event::Started(StepKind::Callback));
        after.observe(&Event::Resumed(&saved));
        let trace = after.into_trace();
        assert_eq!(
            outcomes(&trace),
            [(StepKind::Authorize, Outcome::Ok, Some(5_000))]
        );
        let authorize = &trace.steps[0].fields;
        assert_eq!(
            (authorize[0].name.as_str(), authorize[0].value.as_str()),
            ("GET", "https://tenant.example/authorize")
        );
    }

    #[test]
    fn an_error_answer_for_no_sign_in_of_this_tab_records_none_of_its_text() {
        let failure = SignInFailure::UnexpectedAnswer;
        let mut recorder = new_recorder(TraceKind::SignIn);
        recorder.observe(&Event::Started(StepKind::Callback));
        recorder.observe(&Event::ErrorAnswer {
            error: None,
            failure: &failure,
        });
        let trace = recorder.into_trace();
        assert_eq!(trace.steps[0].outcome, Outcome::Failed);
        assert!(trace.steps[0].fields.is_empty());
        assert_eq!(trace.steps[0].summary, failure.explanation());
    }

    #[test]
    fn an_expired_kept_id_token_turns_the_restore_into_a_renewal() {
        let mut recorder = new_recorder(TraceKind::Restore);
        recorder.observe(&Event::Started(StepKind::Storage));
        recorder.observe(&Event::KeptSessionRead {
            id_token: "a.b.c",
            access_token: "d.e.f",
            refresh_token: Some("kept-refresh-token-value"),
            age_secs: 4_000,
        });
        let mut report = ValidationReport::default();
        report.push("exp", "§3.1.3.7", "after now", "long ago", false);
        let expired = oidc::ValidationFailure {
            report,
            header_json: "{}".into(),
            unverified_payload_json: "{}".into(),
        };
        let failure = StepFailure::Validation(Box::new(expired.clone()));
        recorder.observe(&Event::Started(StepKind::Validation));
        recorder.observe(&Event::Validated(Err(&failure)));
        recorder.observe(&Event::KeptIdTokenExpired { expired: &expired });
        let trace = recorder.into_trace();
        assert_eq!(trace.kind, TraceKind::RestoreRenewed);
        assert_eq!(
            outcomes(&trace),
            [(StepKind::Storage, Outcome::Ok, Some(0))]
        );
        let storage = &trace.steps[0];
        assert_eq!(storage.checks.len(), 1);
        assert!(!storage.checks[0].passed);
        assert!(storage.summary.contains("§12.2"), "{}", storage.summary);
        let md = trace.to_markdown("then");
        assert!(
            md.contains("| 3 | Token request | browser → tenant | not-reached | – |"),
            "{md}"
        );
        assert!(!md.contains("kept-refresh-token-value"), "{md}");
    }
}
