//! Why a sign-in did not complete, told as what happened and what to do. Never a token, code,
//! verifier or secret in the text.

use super::pending::{Unclaimed, PENDING_TTL_SECS};
use crate::browser::http::NetworkError;
use crate::browser::BrowserError;
use crate::oidc::{
    Advice, AuthorizationErrorResponse, AuthorizeError, CallbackError, DiscoveryError,
    EndSessionError, JwksError, JwtError, PkceError, RandomnessUnavailable, TokenError,
    ValidationFailure, ValidationReport,
};

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
    Discovery(DiscoveryError),
    Network(NetworkError),
    Token(TokenError),
    Jwks(JwksError),
    MissingIdToken,
    Jwt(JwtError),
    Validation(Box<ValidationFailure>),
    Authorize(AuthorizeError),
    Browser(BrowserError),
    Randomness(RandomnessUnavailable),
    Pkce(PkceError),
    /// The token endpoint refused the refresh token.
    Refresh(TokenError),
    /// A renewal was asked for, and the session has no refresh token.
    NoRefreshToken,
    /// The session kept in this tab's storage cannot be used.
    StoredSession(String),
    /// The tenant's metadata lists no `end_session_endpoint`.
    NoEndSessionEndpoint,
    EndSession(EndSessionError),
}

impl From<Unclaimed> for SignInFailure {
    fn from(unclaimed: Unclaimed) -> SignInFailure {
        match unclaimed {
            Unclaimed::UnknownState => SignInFailure::UnknownState,
            Unclaimed::CodeAlreadyUsed => SignInFailure::CodeAlreadyUsed,
            Unclaimed::Expired { age_secs } => SignInFailure::Expired { age_secs },
            Unclaimed::Storage(e) => SignInFailure::Browser(e),
        }
    }
}

impl SignInFailure {
    /// One line for the page's heading.
    pub fn title(&self) -> &'static str {
        match self {
            SignInFailure::NoSignInInProgress => "No sign-in in progress",
            SignInFailure::Provider(e) if e.error == "access_denied" => "Sign-in cancelled",
            SignInFailure::Provider(_) => "The tenant refused the sign-in request",
            SignInFailure::Callback(_) => "The tenant's answer is malformed",
            SignInFailure::UnknownState => "This answer does not belong to a sign-in from this tab",
            SignInFailure::UnexpectedAnswer => "An unexpected sign-in answer arrived",
            SignInFailure::CodeAlreadyUsed => "This answer was already used",
            SignInFailure::Expired { .. } => "The sign-in took too long",
            SignInFailure::Discovery(_) => "The tenant's OpenID metadata is unusable",
            SignInFailure::Network(_) => "The tenant could not be reached",
            SignInFailure::Token(_) => "The token endpoint refused the code",
            SignInFailure::Jwks(_) => "The tenant's signing keys are unusable",
            SignInFailure::MissingIdToken => "The token response has no ID token",
            SignInFailure::Jwt(_) => "The ID token is not a readable JWT",
            SignInFailure::Validation(_) => "The ID token failed validation",
            SignInFailure::Authorize(_) => "The sign-in request could not be built",
            SignInFailure::Browser(_) => "The browser refused an operation",
            SignInFailure::Randomness(_) => "The browser has no secure random numbers",
            SignInFailure::Pkce(_) => "The PKCE challenge could not be made",
            SignInFailure::Refresh(_) => "The tenant refused to renew the tokens",
            SignInFailure::NoRefreshToken => "There is no refresh token",
            SignInFailure::StoredSession(_) => "The kept session could not be restored",
            SignInFailure::NoEndSessionEndpoint => "The tenant offers no sign-out endpoint",
            SignInFailure::EndSession(_) => "The sign-out request could not be built",
        }
    }

    /// What happened, in a sentence or two.
    pub fn explanation(&self) -> String {
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
            SignInFailure::Discovery(e) => e.to_string(),
            SignInFailure::Network(e) => e.to_string(),
            SignInFailure::Token(TokenError::Entra(e))
            | SignInFailure::Refresh(TokenError::Entra(e)) => format!(
                "The token endpoint answered HTTP {} {:?}: {}",
                e.status,
                e.error,
                first_line(e.error_description.as_deref())
            ),
            SignInFailure::Token(e) | SignInFailure::Refresh(e) => e.to_string(),
            SignInFailure::Jwks(e) => e.to_string(),
            SignInFailure::MissingIdToken => "The token endpoint answered without an id_token; was the openid scope granted?".into(),
            SignInFailure::Jwt(e) => e.to_string(),
            SignInFailure::Validation(f) => f.to_string(),
            SignInFailure::Authorize(e) => e.to_string(),
            SignInFailure::Browser(e) => e.to_string(),
            SignInFailure::Randomness(e) => e.to_string(),
            SignInFailure::Pkce(e) => e.to_string(),
            SignInFailure::NoRefreshToken => "The tenant sent no refresh token with these tokens, so they cannot be \
                renewed without signing in again."
                .into(),
            SignInFailure::StoredSession(why) => why.clone(),
            SignInFailure::NoEndSessionEndpoint => "The tenant's OpenID metadata has no end_session_endpoint, so \
                its session cannot be ended from here. This tab's session was cleared."
                .into(),
            SignInFailure::EndSession(e) => e.to_string(),
        }
    }

    /// What to do about it.
    pub fn next_step(&self) -> String {
        if let Some(advice) = self.advice() {
            return advice.fix.to_string();
        }
        match self {
            SignInFailure::Provider(e) if e.error == "access_denied" => "Sign in again when you are ready.".into(),
            SignInFailure::UnknownState
            | SignInFailure::UnexpectedAnswer
            | SignInFailure::CodeAlreadyUsed
            | SignInFailure::Expired { .. } => {
                "Start a new sign-in from the home page.".into()
            }
            SignInFailure::Network(_) => "Check that the tenant is reachable from this browser (for the local dev \
                tenant: `cargo xtask serve` starts it), then sign in again."
                .into(),
            SignInFailure::Validation(_) => "Do not trust this token. Compare the failed checks with your app \
                registration (client ID) and tenant (issuer), and check this device's clock."
                .into(),
            SignInFailure::Refresh(_) | SignInFailure::StoredSession(_) => "Sign in again.".into(),
            SignInFailure::NoRefreshToken => {
                "Request the offline_access scope (SCOPES) and sign in again.".into()
            }
            SignInFailure::Discovery(_) | SignInFailure::Jwks(_) => {
                "Check the authority (TENANT_NAME, TENANT_GUID or AUTHORITY) this app was built with.".into()
            }
            _ => "Start a new sign-in from the home page; if it happens again, copy this page into a bug report.".into(),
        }
    }

    /// Entra's meaning and fix for the AADSTS code, when there is one.
    pub fn advice(&self) -> Option<Advice> {
        match self {
            SignInFailure::Provider(e) => e.advice(),
            SignInFailure::Token(TokenError::Entra(e))
            | SignInFailure::Refresh(TokenError::Entra(e)) => e.advice(),
            _ => None,
        }
    }

    /// Facts worth copying into a support request: codes and ids, never credentials.
    pub fn details(&self) -> Vec<(&'static str, String)> {
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
            SignInFailure::Token(TokenError::Entra(e))
            | SignInFailure::Refresh(TokenError::Entra(e)) => {
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
            _ => Vec::new(),
        }
    }

    /// The validation report, when the ID token was checked.
    pub fn report(&self) -> Option<&ValidationReport> {
        match self {
            SignInFailure::Validation(f) => Some(&f.report),
            _ => None,
        }
    }
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
    use super::{first_line, SignInFailure};
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
        let failed = SignInFailure::Network(NetworkError::Failed {
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
        let timeout = SignInFailure::Network(NetworkError::Timeout {
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
        let failure = SignInFailure::Refresh(refused);
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
    fn session_failures_name_the_cause_and_the_way_out() {
        let none = SignInFailure::NoRefreshToken;
        assert_eq!(none.title(), "There is no refresh token");
        assert!(none.next_step().contains("offline_access"));
        let kept = SignInFailure::StoredSession(
            "The session kept in this tab's storage is not readable".into(),
        );
        assert_eq!(kept.title(), "The kept session could not be restored");
        assert_eq!(kept.next_step(), "Sign in again.");
        let no_endpoint = SignInFailure::NoEndSessionEndpoint;
        assert!(no_endpoint
            .explanation()
            .contains("no end_session_endpoint"));
        assert!(no_endpoint
            .explanation()
            .contains("This tab's session was cleared"));
        let bad_uri =
            SignInFailure::EndSession(crate::oidc::EndSessionError::InvalidPostLogoutRedirectUri {
                found: "/signed-out".into(),
            });
        assert_eq!(bad_uri.title(), "The sign-out request could not be built");
        assert!(
            bad_uri.explanation().contains("\"/signed-out\""),
            "{}",
            bad_uri.explanation()
        );
    }

    #[test]
    fn a_token_response_without_an_id_token_points_at_the_openid_scope() {
        let failure = SignInFailure::MissingIdToken;
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
