//! "Check my app registration": a code redemption with a made-up code, sent as this app's own
//! redemption is (client ID, redirect URI, a fresh PKCE verifier, from the browser), and what the
//! tenant's refusal says about the registration. Entra checks the client before the code, so the
//! error names the first thing wrong with the registration, or only the code when nothing is.

use super::http::HttpResponse;
use super::pkce::CodeVerifier;
use super::token::{authorization_code_request, process_token_response, TokenError};
use super::values::{AuthorizationCode, RedirectUri, Scope};
use super::{TokenClient, TokenRequest};

/// The code sent: no tenant issues one like it, so the only acceptable refusal is of the code.
pub const PROBE_CODE: &str = "registration-check-not-an-authorization-code";

/// The probe: this app's redemption of [`PROBE_CODE`].
pub fn registration_probe(
    token_endpoint: &str,
    client: TokenClient<'_>,
    redirect_uri: &RedirectUri,
    code_verifier: &CodeVerifier,
    scope: &Scope,
) -> TokenRequest {
    let code = AuthorizationCode::new(PROBE_CODE.to_string());
    authorization_code_request(
        token_endpoint,
        client,
        &code,
        redirect_uri,
        code_verifier,
        scope,
    )
}

/// What the answer says about the registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// `invalid_grant` for the code: the client ID, client type and origin were accepted.
    Accepted,
    /// AADSTS700016: no application with this client ID in the tenant.
    UnknownApplication,
    /// AADSTS9002326: the redirect URI is registered for the Web platform, not Single-page
    /// application, so the browser may not redeem.
    NotSinglePageApplication,
    /// AADSTS9002327: a Single-page application's code redeemed without an `Origin`.
    MissingOrigin,
    /// AADSTS50011: the redirect URI is not registered for the app at all.
    RedirectUriNotRegistered,
    /// AADSTS700025: a Single-page application sent a client secret.
    SecretSentByPublicClient,
    /// AADSTS7000218 / 7000215: the app is a confidential (Web) client: it wants a valid secret.
    ConfidentialClient,
    /// Anything else: shown raw.
    Unknown,
}

/// The answer to the probe, raw as well as read. Never a credential: Entra's error text names
/// the client ID, the origin and ids, and bodies that are not its error JSON are described by
/// status, type and length only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationCheck {
    pub finding: Finding,
    /// Whether the finding is certain, or a reading that the answer does not settle.
    pub certain: bool,
    pub status: u16,
    /// `error`, or the body's content type when it was not Entra's error JSON.
    pub error: String,
    pub codes: Vec<u32>,
    /// The first line of `error_description`.
    pub headline: Option<String>,
}

/// The `invalid_grant` codes that refuse the code itself: malformed (9002313), invalid (70000),
/// already redeemed (54005), expired (70008).
const CODE_REFUSED: [u32; 4] = [9002313, 70000, 54005, 70008];

/// Reads the token endpoint's answer to [`registration_probe`].
pub fn process_registration_probe(response: HttpResponse<'_>) -> RegistrationCheck {
    let error = match process_token_response(response) {
        Err(TokenError::Entra(error)) => error,
        outcome => {
            let error = match outcome {
                Ok(_) => "tokens for a made-up code".to_string(),
                Err(_) => format!(
                    "not Entra's error JSON ({})",
                    response.content_type.unwrap_or("no content type")
                ),
            };
            return RegistrationCheck {
                finding: Finding::Unknown,
                certain: false,
                status: response.status,
                error,
                codes: Vec::new(),
                headline: None,
            };
        }
    };
    let codes = error.aadsts_codes();
    let has = |code: u32| codes.contains(&code);
    let (finding, certain) = if has(700016) {
        (Finding::UnknownApplication, true)
    } else if has(9002326) {
        (Finding::NotSinglePageApplication, true)
    } else if has(9002327) {
        (Finding::MissingOrigin, true)
    } else if has(50011) {
        (Finding::RedirectUriNotRegistered, true)
    } else if has(700025) {
        (Finding::SecretSentByPublicClient, true)
    } else if has(7000218) || has(7000215) {
        (Finding::ConfidentialClient, true)
    } else if error.error == "invalid_grant" {
        (
            Finding::Accepted,
            codes.iter().any(|c| CODE_REFUSED.contains(c)),
        )
    } else {
        (Finding::Unknown, false)
    };
    RegistrationCheck {
        finding,
        certain,
        status: error.status,
        headline: error
            .error_description
            .as_deref()
            .and_then(|d| d.lines().next())
            .map(str::to_string),
        error: error.error.clone(),
        codes,
    }
}

impl Finding {
    /// `data-finding`, for tests and styles.
    pub fn id(self) -> &'static str {
        match self {
            Finding::Accepted => "accepted",
            Finding::UnknownApplication => "unknown-application",
            Finding::NotSinglePageApplication => "not-spa",
            Finding::MissingOrigin => "missing-origin",
            Finding::RedirectUriNotRegistered => "redirect-uri-not-registered",
            Finding::SecretSentByPublicClient => "secret-sent-by-public-client",
            Finding::ConfidentialClient => "confidential-client",
            Finding::Unknown => "unknown",
        }
    }

    /// One line: what the answer means for the registration.
    pub fn meaning(self) -> &'static str {
        match self {
            Finding::Accepted => {
                "Registration accepted: the tenant knows this client ID and let this browser \
                 redeem a code for this redirect URI; only the made-up code was refused."
            }
            Finding::UnknownApplication => {
                "Unknown application: the tenant has no app with this client ID (AADSTS700016). \
                 Copy the Application (client) ID from the app registration in this tenant, and \
                 check that the authority names the tenant the app is registered in."
            }
            Finding::NotSinglePageApplication => {
                "The redirect URI is registered under the Web platform, not Single-page \
                 application: Entra allows cross-origin (browser) redemption only for SPA \
                 redirect URIs (AADSTS9002326). Move it to Authentication → Single-page \
                 application."
            }
            Finding::MissingOrigin => {
                "The request reached the tenant without an Origin header: a Single-page \
                 application's codes may only be redeemed cross-origin (AADSTS9002327). A browser \
                 always sends Origin on this POST, so a proxy or extension removed it."
            }
            Finding::RedirectUriNotRegistered => {
                "The redirect URI is not registered for this app (AADSTS50011): add it exactly \
                 under Authentication → Single-page application."
            }
            Finding::SecretSentByPublicClient => {
                "This build sends a client secret, but the app is a Single-page application, a \
                 public client (AADSTS700025): build it without CLIENT_SECRET."
            }
            Finding::ConfidentialClient => {
                "The tenant treats the app as a confidential (Web) client and wants a valid \
                 secret (AADSTS7000218 or 7000215): register the redirect URI under Single-page \
                 application instead of Web."
            }
            Finding::Unknown => {
                "The tenant's answer is not one this check knows: what it means for the \
                 registration is not certain. Its status, error and codes are below."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oidc::ClientId;
    use serde_json::json;

    /// Entra's error JSON for `code` (sample shape: Microsoft Entra error codes reference).
    fn entra(status: u16, error: &str, code: u32, message: &str) -> RegistrationCheck {
        let body = json!({
            "error": error,
            "error_description": format!(
                "AADSTS{code}: {message}\r\nTrace ID: 0f9f1a2b-0000-4000-8000-000000000001\r\n\
                 Correlation ID: 0f9f1a2b-0000-4000-8000-000000000002\r\nTimestamp: 2026-01-01 00:00:00Z"
            ),
            "error_codes": [code],
            "timestamp": "2026-01-01 00:00:00Z",
            "trace_id": "0f9f1a2b-0000-4000-8000-000000000001",
            "correlation_id": "0f9f1a2b-0000-4000-8000-000000000002",
        })
        .to_string();
        process_registration_probe(HttpResponse::new(status, Some("application/json"), &body))
    }

    #[test]
    fn an_invalid_grant_for_the_code_means_the_registration_was_accepted() {
        for code in CODE_REFUSED {
            let check = entra(400, "invalid_grant", code, "Invalid request.");
            assert_eq!(
                (check.finding, check.certain),
                (Finding::Accepted, true),
                "{code}"
            );
        }
    }

    #[test]
    fn an_invalid_grant_with_another_code_is_read_as_accepted_but_not_certain() {
        let check = entra(
            400,
            "invalid_grant",
            501481,
            "The Code_Verifier does not match.",
        );
        assert_eq!((check.finding, check.certain), (Finding::Accepted, false));
        assert!(!check.finding.meaning().is_empty());
    }

    #[test]
    fn an_unknown_client_id_is_an_unknown_application() {
        let check = entra(
            400,
            "unauthorized_client",
            700016,
            "Application with identifier 'x' was not found in the directory 'y'.",
        );
        assert_eq!(check.finding, Finding::UnknownApplication);
        assert_eq!(check.codes, [700016]);
        assert_eq!(
            check.headline.as_deref(),
            Some(
                "AADSTS700016: Application with identifier 'x' was not found in the directory 'y'."
            )
        );
    }

    #[test]
    fn a_web_redirect_uri_redeemed_from_the_browser_is_not_a_single_page_application() {
        let check = entra(
            400,
            "invalid_request",
            9002326,
            "Cross-origin token redemption is permitted only for the 'Single-Page Application' \
             client-type. Request origin: 'http://localhost:8080'.",
        );
        assert_eq!(check.finding, Finding::NotSinglePageApplication);
        assert!(check.finding.meaning().contains("Single-page application"));
    }

    #[test]
    fn a_redemption_without_origin_is_missing_origin() {
        let check = entra(
            400,
            "invalid_request",
            9002327,
            "Tokens issued for the 'Single-Page Application' client-type may only be redeemed \
             via cross-origin requests.",
        );
        assert_eq!(
            (check.finding, check.certain),
            (Finding::MissingOrigin, true)
        );
    }

    #[test]
    fn client_secret_answers_name_the_client_type() {
        let public = entra(401, "invalid_client", 700025, "Client is public.");
        assert_eq!(public.finding, Finding::SecretSentByPublicClient);
        let confidential = entra(401, "invalid_client", 7000218, "client_secret required.");
        assert_eq!(confidential.finding, Finding::ConfidentialClient);
        let redirect = entra(
            400,
            "invalid_request",
            50011,
            "The redirect URI does not match.",
        );
        assert_eq!(redirect.finding, Finding::RedirectUriNotRegistered);
    }

    #[test]
    fn another_error_or_a_body_that_is_not_entra_json_is_unknown_and_shown_raw() {
        let other = entra(400, "invalid_scope", 70011, "The scope is not valid.");
        assert_eq!((other.finding, other.certain), (Finding::Unknown, false));
        assert_eq!((other.status, other.error.as_str()), (400, "invalid_scope"));
        let html = process_registration_probe(HttpResponse::new(
            502,
            Some("text/html"),
            "<title>Bad gateway</title>",
        ));
        assert_eq!((html.finding, html.status), (Finding::Unknown, 502));
        assert_eq!(html.error, "not Entra's error JSON (text/html)");
    }

    #[test]
    fn the_probe_is_this_apps_redemption_of_a_made_up_code() {
        let client_id = ClientId::new("6a1c3f2e-9b8d-4e7f-a0c1-d2e3f4a5b6c7".to_string());
        let client = TokenClient {
            client_id: &client_id,
            client_secret: None,
        };
        let verifier = CodeVerifier::from_bytes([7; 32]);
        let request = registration_probe(
            "https://contoso.ciamlogin.com/t/oauth2/v2.0/token",
            client,
            &RedirectUri::new("http://localhost:8080/callback".to_string()),
            &verifier,
            &Scope::new("openid".to_string()),
        );
        let body = request.body();
        for part in [
            "client_id=6a1c3f2e-9b8d-4e7f-a0c1-d2e3f4a5b6c7",
            "grant_type=authorization_code",
            "code=registration-check-not-an-authorization-code",
            "redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fcallback",
            &format!("code_verifier={}", verifier.secret()),
        ] {
            assert!(body.contains(part), "{part} in {body}");
        }
    }
}
