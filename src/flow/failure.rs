//! Why a flow did not complete, told as what happened and what to do: one enum per flow (sign-in,
//! renewal, restore, sign-out) over the failures of the steps they share. Never a token, code,
//! verifier or secret in the text.

use super::keep::Unreadable;
use super::pending::{Unclaimed, PENDING_TTL_SECS};
use crate::browser::http::NetworkError;
use crate::browser::BrowserError;
use crate::oidc::{
    Advice, AuthorizationErrorResponse, AuthorizeError, CallbackError, DiscoveryError,
    EndSessionError, EntraError, JwksError, JwtError, OptionsError, PkceError,
    RandomnessUnavailable, TokenError, ValidationFailure, ValidationReport,
};

/// The way out of a failure that needs no particular fix.
const START_AGAIN_OR_REPORT: &str =
    "Start a new sign-in from the home page; if it happens again, copy this page into a bug report.";

/// What the pages and the trace show of a failure, whichever flow it ended.
pub trait Failure: Send + Sync {
    /// One line for the page's heading.
    fn title(&self) -> &'static str;
    /// What happened, in a sentence or two.
    fn explanation(&self) -> String;
    /// What to do when Entra gives no advice for the failure.
    fn way_out(&self) -> &'static str {
        START_AGAIN_OR_REPORT
    }
    /// Entra's meaning and fix for the AADSTS code, when there is one.
    fn advice(&self) -> Option<Advice> {
        None
    }
    /// Facts worth copying into a support request: codes and ids, never credentials.
    fn details(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// The validation report, when the ID token was checked.
    fn report(&self) -> Option<&ValidationReport> {
        None
    }
    /// What to do about it: Entra's fix when it has one.
    fn next_step(&self) -> String {
        match self.advice() {
            Some(advice) => advice.fix.to_string(),
            None => self.way_out().to_string(),
        }
    }
}

/// A failure as the pages show it, whichever flow it ended: one type for every failure view and
/// signal (each distinct type stored in a signal or passed to a view costs bundle size).
#[derive(Clone)]
pub struct FailureNotice {
    pub title: &'static str,
    pub explanation: String,
    pub next_step: String,
    pub advice: Option<Advice>,
    pub details: Vec<(&'static str, String)>,
    pub report: Option<ValidationReport>,
}

impl FailureNotice {
    pub fn of(failure: &dyn Failure) -> FailureNotice {
        FailureNotice {
            title: failure.title(),
            explanation: failure.explanation(),
            next_step: failure.next_step(),
            advice: failure.advice(),
            details: failure.details(),
            report: failure.report().cloned(),
        }
    }
}

/// A failure of a step the flows share: the tenant's metadata, the network, the token endpoint,
/// the signing keys, the ID token, the browser.
#[derive(Clone, Debug)]
pub enum StepFailure {
    Discovery(DiscoveryError),
    Network(NetworkError),
    /// The token endpoint answered with an error, or with a body that is no token response.
    Token(TokenError),
    MissingIdToken,
    Jwks(JwksError),
    Jwt(JwtError),
    Validation(Box<ValidationFailure>),
    Browser(BrowserError),
    Randomness(RandomnessUnavailable),
}

impl Failure for StepFailure {
    fn title(&self) -> &'static str {
        match self {
            StepFailure::Discovery(_) => "The tenant's OpenID metadata is unusable",
            StepFailure::Network(_) => "The tenant could not be reached",
            StepFailure::Token(_) => "The token endpoint refused the code",
            StepFailure::MissingIdToken => "The token response has no ID token",
            StepFailure::Jwks(_) => "The tenant's signing keys are unusable",
            StepFailure::Jwt(_) => "The ID token is not a readable JWT",
            StepFailure::Validation(_) => "The ID token failed validation",
            StepFailure::Browser(_) => "The browser refused an operation",
            StepFailure::Randomness(_) => "The browser has no secure random numbers",
        }
    }

    fn explanation(&self) -> String {
        match self {
            StepFailure::Discovery(e) => e.to_string(),
            StepFailure::Network(e) => e.to_string(),
            StepFailure::Token(e) => token_explanation(e),
            StepFailure::MissingIdToken => {
                "The token endpoint answered without an id_token; was the openid scope granted?"
                    .into()
            }
            StepFailure::Jwks(e) => e.to_string(),
            StepFailure::Jwt(e) => e.to_string(),
            StepFailure::Validation(f) => f.to_string(),
            StepFailure::Browser(e) => e.to_string(),
            StepFailure::Randomness(e) => e.to_string(),
        }
    }

    fn way_out(&self) -> &'static str {
        match self {
            StepFailure::Network(_) => "Check that the tenant is reachable from this browser (for the local dev \
                tenant: `cargo xtask serve` starts it), then sign in again.",
            StepFailure::Validation(_) => "Do not trust this token. Compare the failed checks with your app \
                registration (client ID) and tenant (issuer), and check this device's clock.",
            StepFailure::Discovery(_) | StepFailure::Jwks(_) => {
                "Check the authority (TENANT_NAME, TENANT_GUID or AUTHORITY) this app was built with."
            }
            _ => START_AGAIN_OR_REPORT,
        }
    }

    fn advice(&self) -> Option<Advice> {
        match self {
            StepFailure::Token(TokenError::Entra(e)) => e.advice(),
            _ => None,
        }
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        match self {
            StepFailure::Token(TokenError::Entra(e)) => entra_details(e),
            _ => Vec::new(),
        }
    }

    fn report(&self) -> Option<&ValidationReport> {
        match self {
            StepFailure::Validation(f) => Some(&f.report),
            _ => None,
        }
    }
}

/// Why a sign-in did not complete: before the redirect, in the tenant's answer, or in a step.
#[derive(Clone, Debug)]
pub enum SignInFailure {
    /// The callback URL carries no authorization response at all.
    NoSignInInProgress,
    /// The tenant redirected back with `error` (the user cancelled, or Entra refused the request).
    Provider(AuthorizationErrorResponse),
    /// The callback URL is malformed or partial.
    Callback(CallbackError),
    /// The `state` matches no sign-in started in this tab: forged, from another tab, or tampered.
    UnknownState,
    /// An error answer whose `state` matches no sign-in of this tab: its text is not shown, as
    /// anyone can craft such a link to put words on this page.
    UnexpectedAnswer,
    /// The code of this `state` was already redeemed (a reload or the back button).
    CodeAlreadyUsed,
    /// The sign-in was started too long ago.
    Expired {
        age_secs: i64,
    },
    /// The chosen sign-in options cannot be sent.
    Options(OptionsError),
    Authorize(AuthorizeError),
    Pkce(PkceError),
    Step(StepFailure),
}

impl From<StepFailure> for SignInFailure {
    fn from(failure: StepFailure) -> SignInFailure {
        SignInFailure::Step(failure)
    }
}

impl From<Unclaimed> for SignInFailure {
    fn from(unclaimed: Unclaimed) -> SignInFailure {
        match unclaimed {
            Unclaimed::UnknownState => SignInFailure::UnknownState,
            Unclaimed::CodeAlreadyUsed => SignInFailure::CodeAlreadyUsed,
            Unclaimed::Expired { age_secs } => SignInFailure::Expired { age_secs },
            Unclaimed::Storage(e) => StepFailure::Browser(e).into(),
        }
    }
}

impl Failure for SignInFailure {
    fn title(&self) -> &'static str {
        match self {
            SignInFailure::NoSignInInProgress => "No sign-in in progress",
            SignInFailure::Provider(e) if e.error == "access_denied" => "Sign-in cancelled",
            SignInFailure::Provider(e) if e.needs_the_user() => {
                "The tenant cannot sign you in without a page"
            }
            SignInFailure::Provider(_) => "The tenant refused the sign-in request",
            SignInFailure::Callback(_) => "The tenant's answer is malformed",
            SignInFailure::UnknownState => "This answer does not belong to a sign-in from this tab",
            SignInFailure::UnexpectedAnswer => "An unexpected sign-in answer arrived",
            SignInFailure::CodeAlreadyUsed => "This answer was already used",
            SignInFailure::Expired { .. } => "The sign-in took too long",
            SignInFailure::Options(_) => "The sign-in options cannot be sent",
            SignInFailure::Authorize(_) => "The sign-in request could not be built",
            SignInFailure::Pkce(_) => "The PKCE challenge could not be made",
            SignInFailure::Step(step) => step.title(),
        }
    }

    fn explanation(&self) -> String {
        match self {
            SignInFailure::NoSignInInProgress => {
                "This address receives the tenant's answer after a sign-in, and no sign-in was started from this tab.".into()
            }
            // The advice box shows Entra's meaning and fix; here only what the tenant said.
            SignInFailure::Provider(e) => format!(
                "The tenant answered with error {:?}: {}",
                e.error,
                first_line(e.error_description.as_deref())
            ),
            SignInFailure::Callback(e) => e.to_string(),
            SignInFailure::UnknownState => "The state parameter in the address matches no pending sign-in of this tab, \
                so the answer was not used and no token was requested. It may have been tampered with, or started in another \
                browser tab or window."
                .into(),
            SignInFailure::UnexpectedAnswer => "This address received an error answer that belongs to no sign-in \
                started in this tab, so its text is not shown: anyone can make a link to this page. No token was \
                requested and nothing was stored."
                .into(),
            SignInFailure::CodeAlreadyUsed => "The authorization code in this answer was already sent to the token \
                endpoint once and removed from the address bar. Codes are single use, so it was not sent again."
                .into(),
            SignInFailure::Expired { age_secs } => format!(
                "The sign-in started {} minutes ago; a pending sign-in is valid for {} minutes. No token was requested.",
                age_secs / 60,
                PENDING_TTL_SECS / 60
            ),
            SignInFailure::Options(e) => e.to_string(),
            SignInFailure::Authorize(e) => e.to_string(),
            SignInFailure::Pkce(e) => e.to_string(),
            SignInFailure::Step(step) => step.explanation(),
        }
    }

    fn way_out(&self) -> &'static str {
        match self {
            SignInFailure::Provider(e) if e.error == "access_denied" => {
                "Sign in again when you are ready."
            }
            SignInFailure::Provider(e) if e.needs_the_user() => {
                "Sign in without prompt=none (Sign-in options), or sign in once so that the tenant \
                 has a session."
            }
            SignInFailure::Options(_) => {
                "Correct the sign-in options on the home page, or reset them."
            }
            SignInFailure::UnknownState
            | SignInFailure::UnexpectedAnswer
            | SignInFailure::CodeAlreadyUsed
            | SignInFailure::Expired { .. } => "Start a new sign-in from the home page.",
            SignInFailure::Step(step) => step.way_out(),
            _ => START_AGAIN_OR_REPORT,
        }
    }

    fn advice(&self) -> Option<Advice> {
        match self {
            SignInFailure::Provider(e) => e.advice(),
            SignInFailure::Step(step) => step.advice(),
            _ => None,
        }
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        match self {
            SignInFailure::Provider(e) => {
                let mut rows = vec![("error", e.error.clone())];
                if let Some(code) = e.aadsts_code() {
                    rows.push(("AADSTS code", code.to_string()));
                }
                if let Some(uri) = &e.error_uri {
                    rows.push(("error_uri", uri.clone()));
                }
                rows
            }
            SignInFailure::Step(step) => step.details(),
            _ => Vec::new(),
        }
    }

    fn report(&self) -> Option<&ValidationReport> {
        match self {
            SignInFailure::Step(step) => step.report(),
            _ => None,
        }
    }
}

/// Why a renewal with the refresh token did not complete.
#[derive(Clone, Debug)]
pub enum RenewalFailure {
    /// The session has no refresh token.
    NoRefreshToken,
    /// The token endpoint refused the refresh token.
    Refused(TokenError),
    Step(StepFailure),
}

impl From<StepFailure> for RenewalFailure {
    /// The token endpoint's refusal, in a renewal, is a refused refresh token.
    fn from(failure: StepFailure) -> RenewalFailure {
        match failure {
            StepFailure::Token(error) => RenewalFailure::Refused(error),
            step => RenewalFailure::Step(step),
        }
    }
}

impl Failure for RenewalFailure {
    fn title(&self) -> &'static str {
        match self {
            RenewalFailure::NoRefreshToken => "There is no refresh token",
            RenewalFailure::Refused(_) => "The tenant refused to renew the tokens",
            RenewalFailure::Step(step) => step.title(),
        }
    }

    fn explanation(&self) -> String {
        match self {
            RenewalFailure::NoRefreshToken => {
                "The tenant sent no refresh token with these tokens, so they cannot be \
                renewed without signing in again."
                    .into()
            }
            RenewalFailure::Refused(e) => token_explanation(e),
            RenewalFailure::Step(step) => step.explanation(),
        }
    }

    fn way_out(&self) -> &'static str {
        match self {
            RenewalFailure::NoRefreshToken => {
                "Request the offline_access scope (SCOPES) and sign in again."
            }
            RenewalFailure::Refused(_) => "Sign in again.",
            RenewalFailure::Step(step) => step.way_out(),
        }
    }

    fn advice(&self) -> Option<Advice> {
        match self {
            RenewalFailure::Refused(TokenError::Entra(e)) => e.advice(),
            RenewalFailure::Step(step) => step.advice(),
            _ => None,
        }
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        match self {
            RenewalFailure::Refused(TokenError::Entra(e)) => entra_details(e),
            RenewalFailure::Step(step) => step.details(),
            _ => Vec::new(),
        }
    }

    fn report(&self) -> Option<&ValidationReport> {
        match self {
            RenewalFailure::Step(step) => step.report(),
            _ => None,
        }
    }
}

/// Why the session kept in this tab was not restored.
#[derive(Clone, Debug)]
pub enum RestoreFailure {
    /// The kept session is not the JSON this app writes.
    Unreadable(Unreadable),
    /// The kept ID token expired, and its renewal brought no new ID token to trust.
    RenewedWithoutIdToken,
    /// The kept ID token expired, and its renewal failed.
    Renewal(RenewalFailure),
    Step(StepFailure),
}

impl From<StepFailure> for RestoreFailure {
    fn from(failure: StepFailure) -> RestoreFailure {
        RestoreFailure::Step(failure)
    }
}

impl Failure for RestoreFailure {
    fn title(&self) -> &'static str {
        match self {
            RestoreFailure::Unreadable(_) | RestoreFailure::RenewedWithoutIdToken => {
                "The kept session could not be restored"
            }
            RestoreFailure::Renewal(renewal) => renewal.title(),
            RestoreFailure::Step(step) => step.title(),
        }
    }

    fn explanation(&self) -> String {
        match self {
            RestoreFailure::Unreadable(e) => format!(
                "The session kept in this tab's storage is not readable ({e}); it was deleted."
            ),
            RestoreFailure::RenewedWithoutIdToken => "The kept ID token expired, and the tenant renewed the tokens \
                without a new ID token (is openid in SCOPES?), so the session cannot be trusted; it was deleted."
                .into(),
            RestoreFailure::Renewal(renewal) => renewal.explanation(),
            RestoreFailure::Step(step) => step.explanation(),
        }
    }

    fn way_out(&self) -> &'static str {
        match self {
            RestoreFailure::Unreadable(_) | RestoreFailure::RenewedWithoutIdToken => {
                "Sign in again."
            }
            RestoreFailure::Renewal(renewal) => renewal.way_out(),
            RestoreFailure::Step(step) => step.way_out(),
        }
    }

    fn advice(&self) -> Option<Advice> {
        match self {
            RestoreFailure::Renewal(renewal) => renewal.advice(),
            RestoreFailure::Step(step) => step.advice(),
            _ => None,
        }
    }

    fn details(&self) -> Vec<(&'static str, String)> {
        match self {
            RestoreFailure::Renewal(renewal) => renewal.details(),
            RestoreFailure::Step(step) => step.details(),
            _ => Vec::new(),
        }
    }

    fn report(&self) -> Option<&ValidationReport> {
        match self {
            RestoreFailure::Renewal(renewal) => renewal.report(),
            RestoreFailure::Step(step) => step.report(),
            _ => None,
        }
    }
}

/// Why the tenant's sign-out could not be reached (this tab's session is already cleared).
#[derive(Clone, Debug)]
pub enum SignOutFailure {
    /// The tenant's metadata lists no `end_session_endpoint`.
    NoEndSessionEndpoint,
    EndSession(EndSessionError),
    Step(StepFailure),
}

impl From<StepFailure> for SignOutFailure {
    fn from(failure: StepFailure) -> SignOutFailure {
        SignOutFailure::Step(failure)
    }
}

impl Failure for SignOutFailure {
    fn title(&self) -> &'static str {
        match self {
            SignOutFailure::NoEndSessionEndpoint => "The tenant offers no sign-out endpoint",
            SignOutFailure::EndSession(_) => "The sign-out request could not be built",
            SignOutFailure::Step(step) => step.title(),
        }
    }

    fn explanation(&self) -> String {
        match self {
            SignOutFailure::NoEndSessionEndpoint => {
                "The tenant's OpenID metadata has no end_session_endpoint, so \
                its session cannot be ended from here. This tab's session was cleared."
                    .into()
            }
            SignOutFailure::EndSession(e) => e.to_string(),
            SignOutFailure::Step(step) => step.explanation(),
        }
    }

    fn way_out(&self) -> &'static str {
        match self {
            SignOutFailure::Step(step) => step.way_out(),
            _ => START_AGAIN_OR_REPORT,
        }
    }
}

/// The token endpoint's refusal: Entra's status, error and the first line of its description.
fn token_explanation(error: &TokenError) -> String {
    match error {
        TokenError::Entra(e) => format!(
            "The token endpoint answered HTTP {} {:?}: {}",
            e.status,
            e.error,
            first_line(e.error_description.as_deref())
        ),
        other => other.to_string(),
    }
}

fn entra_details(e: &EntraError) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("HTTP status", e.status.to_string()),
        ("error", e.error.clone()),
    ];
    let codes = e.aadsts_codes();
    if !codes.is_empty() {
        let codes: Vec<String> = codes.iter().map(u32::to_string).collect();
        rows.push(("AADSTS codes", codes.join(", ")));
    }
    if let Some(id) = &e.trace_id {
        rows.push(("trace_id", id.clone()));
    }
    if let Some(id) = &e.correlation_id {
        rows.push(("correlation_id", id.clone()));
    }
    if let Some(t) = &e.timestamp {
        rows.push(("timestamp", t.clone()));
    }
    rows
}

/// The first line of an Entra `error_description` (the rest repeats trace and correlation ids).
fn first_line(description: Option<&str>) -> &str {
    description
        .and_then(|d| d.lines().next())
        .filter(|l| !l.trim().is_empty())
        .unwrap_or("(no description)")
}

#[cfg(test)]
mod tests {
    use super::{
        first_line, Failure, RenewalFailure, RestoreFailure, SignInFailure, SignOutFailure,
        StepFailure,
    };
    use crate::browser::http::NetworkError;

    #[test]
    fn a_stale_or_foreign_answer_says_no_token_was_requested_and_to_start_again() {
        let expired = SignInFailure::Expired { age_secs: 1_500 };
        assert_eq!(expired.title(), "The sign-in took too long");
        assert!(
            expired.explanation().contains("started 25 minutes ago"),
            "{}",
            expired.explanation()
        );
        assert!(expired.explanation().contains("valid for 10 minutes"));
        for failure in [expired, SignInFailure::UnknownState] {
            let text = failure.explanation().to_lowercase();
            assert!(text.contains("no token was requested"), "{text}");
            assert_eq!(
                failure.next_step(),
                "Start a new sign-in from the home page."
            );
        }
        let used = SignInFailure::CodeAlreadyUsed;
        assert_eq!(used.title(), "This answer was already used");
        assert!(used.explanation().contains("single use"));
    }

    #[test]
    fn an_unexpected_error_answer_says_nothing_the_link_could_have_written() {
        let failure = SignInFailure::UnexpectedAnswer;
        assert_eq!(failure.title(), "An unexpected sign-in answer arrived");
        assert!(failure.explanation().contains("No token was requested"));
        assert_eq!(failure.advice(), None);
        assert!(failure.details().is_empty());
        assert_eq!(
            failure.next_step(),
            "Start a new sign-in from the home page."
        );
    }

    #[test]
    fn a_network_failure_names_the_url_and_the_likely_causes() {
        let failed = StepFailure::Network(NetworkError::Failed {
            url: "http://127.0.0.1:9/token".into(),
            detail: "TypeError: Failed to fetch".into(),
        });
        assert_eq!(failed.title(), "The tenant could not be reached");
        let text = failed.explanation();
        assert!(
            text.contains("http://127.0.0.1:9/token") && text.contains("CORS"),
            "{text}"
        );
        assert!(failed.next_step().contains("cargo xtask serve"));
        let timeout = StepFailure::Network(NetworkError::Timeout {
            url: "http://127.0.0.1:9/token".into(),
            after_ms: 30_000,
        });
        assert!(timeout.explanation().contains("did not answer within 30 s"));
    }

    #[test]
    fn a_refused_renewal_says_what_entra_said_and_to_sign_in_again() {
        let body = r#"{"error":"invalid_grant","error_description":"AADSTS700084: The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of 1.00:00:00.\r\nTrace ID: t1","error_codes":[700084],"trace_id":"t1","correlation_id":"c1"}"#;
        let refused = crate::oidc::process_token_response(crate::oidc::HttpResponse::new(
            400,
            Some("application/json"),
            body,
        ))
        .expect_err("an Entra error");
        let failure = RenewalFailure::Refused(refused);
        assert_eq!(failure.title(), "The tenant refused to renew the tokens");
        let text = failure.explanation();
        assert!(
            text.contains("HTTP 400 \"invalid_grant\": AADSTS700084") && !text.contains("Trace ID"),
            "{text}"
        );
        assert_eq!(failure.advice().map(|a| a.code), Some(700084));
        assert_eq!(failure.next_step(), "sign in again interactively");
        assert!(failure
            .details()
            .contains(&("correlation_id", "c1".to_string())));
    }

    #[test]
    fn each_flow_names_the_same_token_refusal_for_what_it_was_doing() {
        let body = r#"{"error":"invalid_grant","error_description":"AADSTS70000: bad grant.","error_codes":[70000]}"#;
        let response = crate::oidc::HttpResponse::new(400, Some("application/json"), body);
        let refused = crate::oidc::process_token_response(response).expect_err("an Entra error");
        let sign_in = SignInFailure::from(StepFailure::Token(refused.clone()));
        let renewal = RenewalFailure::from(StepFailure::Token(refused));
        assert_eq!(sign_in.title(), "The token endpoint refused the code");
        assert!(matches!(renewal, RenewalFailure::Refused(_)), "{renewal:?}");
        assert_eq!(renewal.title(), "The tenant refused to renew the tokens");
        assert_eq!(sign_in.explanation(), renewal.explanation());
        assert_eq!(sign_in.details(), renewal.details());
        let restore = RestoreFailure::Renewal(renewal);
        assert_eq!(restore.title(), "The tenant refused to renew the tokens");
    }

    #[test]
    fn a_prompt_none_answer_says_the_tenant_needs_a_page() {
        for error in ["login_required", "interaction_required", "consent_required"] {
            let answer = crate::oidc::AuthorizationErrorResponse {
                error: error.into(),
                error_description: None,
                error_uri: None,
                state: Some("st".into()),
            };
            let failure = SignInFailure::Provider(answer);
            assert_eq!(
                failure.title(),
                "The tenant cannot sign you in without a page"
            );
            assert!(failure.next_step().contains("prompt=none"), "{error}");
        }
    }

    #[test]
    fn session_failures_name_the_cause_and_the_way_out() {
        let none = RenewalFailure::NoRefreshToken;
        assert_eq!(none.title(), "There is no refresh token");
        assert!(none.next_step().contains("offline_access"));
        let kept = RestoreFailure::Unreadable(crate::flow::keep::Unreadable::NotJson {
            cut_short: true,
            line: 1,
            column: 1,
        });
        assert_eq!(kept.title(), "The kept session could not be restored");
        assert_eq!(kept.next_step(), "Sign in again.");
        assert!(
            kept.explanation()
                .contains("not readable (cut short at line 1, column 1)"),
            "{}",
            kept.explanation()
        );
        let no_endpoint = SignOutFailure::NoEndSessionEndpoint;
        assert!(no_endpoint
            .explanation()
            .contains("no end_session_endpoint"));
        assert!(no_endpoint
            .explanation()
            .contains("This tab's session was cleared"));
        let bad_uri = SignOutFailure::EndSession(
            crate::oidc::EndSessionError::InvalidPostLogoutRedirectUri {
                found: "/signed-out".into(),
            },
        );
        assert_eq!(bad_uri.title(), "The sign-out request could not be built");
        assert!(
            bad_uri.explanation().contains("\"/signed-out\""),
            "{}",
            bad_uri.explanation()
        );
    }

    #[test]
    fn a_token_response_without_an_id_token_points_at_the_openid_scope() {
        let failure = StepFailure::MissingIdToken;
        assert!(failure.explanation().contains("openid scope"));
    }

    #[test]
    fn shows_only_the_first_line_of_an_entra_description() {
        let description =
            "AADSTS9002326: Cross-origin token redemption...\r\nTrace ID: t\r\nCorrelation ID: c";
        assert_eq!(
            first_line(Some(description)),
            "AADSTS9002326: Cross-origin token redemption..."
        );
        assert_eq!(first_line(None), "(no description)");
        assert_eq!(first_line(Some("  ")), "(no description)");
    }
}
