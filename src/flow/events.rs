//! What the flows report as they run, as typed events. The flows read as protocol only; the
//! inspector's trace ([`super::record::Recorder`]) and the callback page's progress listen.

use super::{Failure, SignInFailure, StepFailure, StepKind, Trace};
use crate::browser::http::NetworkError;
use crate::oidc::{
    AuthorizationErrorResponse, AuthorizationResponse, CodeChallenge, CodeVerifier, KeyRejection,
    Nonce, ProviderMetadata, RsaVerificationKey, State, TokenRequest, TokenResponse,
    ValidatedIdToken, ValidationFailure,
};

/// Where the tenant's metadata came from.
pub enum MetadataSource {
    /// This tab's cache, fetched `age_secs` ago.
    Cache { age_secs: i64 },
    /// The network.
    Fetched { status: u16, elapsed_ms: f64 },
}

/// One thing that happened in a flow.
pub enum Event<'a> {
    /// A step starts: its time counts from here.
    Started(StepKind),
    /// The session kept in this tab was read.
    KeptSessionRead {
        id_token: &'a str,
        access_token: &'a str,
        refresh_token: Option<&'a str>,
        age_secs: i64,
    },
    /// The kept ID token is authentic but failed on time: the refresh token renews it.
    KeptIdTokenExpired {
        expired: &'a ValidationFailure,
    },
    Discovered {
        url: &'a str,
        source: MetadataSource,
        metadata: &'a ProviderMetadata,
    },
    PkceMade {
        challenge: &'a CodeChallenge,
        state: &'a State,
        nonce: &'a Nonce,
    },
    /// The browser leaves for `endpoint` with `params`.
    Redirected {
        endpoint: &'a str,
        params: &'a [(String, String)],
    },
    /// Back from the tenant: the trace saved with the pending sign-in continues.
    Resumed(&'a Trace),
    /// An error answer; `error` is `None` when it belongs to no sign-in of this tab (not shown).
    ErrorAnswer {
        error: Option<&'a AuthorizationErrorResponse>,
        failure: &'a SignInFailure,
    },
    /// A code answer, and whether its `state` claimed a pending sign-in.
    CallbackRead {
        response: &'a AuthorizationResponse,
        claimed: Result<(), &'a SignInFailure>,
    },
    TokenRequestSent {
        request: &'a TokenRequest,
        sent: Result<u16, &'a NetworkError>,
    },
    TokenAnswered {
        status: u16,
        elapsed_ms: f64,
        result: Result<&'a TokenResponse, &'a StepFailure>,
    },
    /// The PKCE verifier went to the token endpoint: now it may be shown (masked).
    VerifierSent(&'a CodeVerifier),
    KeysSelected {
        jwks_uri: &'a str,
        header_json: &'a str,
        jwks: &'a str,
        refetched: Option<&'a str>,
        key: Result<&'a RsaVerificationKey, &'a KeyRejection>,
    },
    KeysUnavailable {
        jwks_uri: &'a str,
        failure: &'a StepFailure,
    },
    Validated(Result<&'a ValidatedIdToken, &'a StepFailure>),
    /// A renewal answered without a new ID token: the session keeps its validated one.
    IdTokenKept,
    /// A step ended in `failure` with nothing more to show than why.
    StepFailed {
        step: StepKind,
        failure: &'a dyn Failure,
    },
    /// The flow stopped: the running step failed, unless one already recorded its failure.
    Failed(&'a dyn Failure),
}

/// Hears the events of a flow.
pub trait Observer {
    fn observe(&mut self, event: &Event<'_>);
}

/// Hears nothing: a flow whose steps nobody follows (the sign-out's discovery).
pub struct Unobserved;

impl Observer for Unobserved {
    fn observe(&mut self, _: &Event<'_>) {}
}

/// Two observers of one flow, in order.
pub struct Both<'a>(pub &'a mut dyn Observer, pub &'a mut dyn Observer);

impl Observer for Both<'_> {
    fn observe(&mut self, event: &Event<'_>) {
        self.0.observe(event);
        self.1.observe(event);
    }
}
