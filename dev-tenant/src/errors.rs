//! Entra's errors: the AADSTS catalogue this tenant uses, and their JSON, redirect and page forms.

use crate::clock::{entra_timestamp, UnixTime};
use crate::ids::guid;
use axum::http::StatusCode;
use serde_json::{json, Value};

/// One AADSTS error: the OAuth `error` value, the AADSTS number and the message after `AADSTSnnnn: `.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EntraError {
    pub(crate) status: StatusCode,
    pub(crate) error: &'static str,
    pub(crate) code: u32,
    pub(crate) message: String,
}

/// Trace and correlation ids and the time of one failed request, as Entra reports them.
#[derive(Clone, Debug)]
pub(crate) struct ErrorContext {
    pub(crate) trace_id: String,
    pub(crate) correlation_id: String,
    pub(crate) now: UnixTime,
    /// Where `error_uri` points: `{base_url}/error?code=N`.
    pub(crate) base_url: String,
}

impl ErrorContext {
    /// The trace id is the request's id (`x-ms-request-id`), the correlation id the client's `client-request-id`
    /// (a GUID); a new GUID for either that is missing.
    pub(crate) fn new(
        request_id: Option<&str>,
        client_request_id: Option<&str>,
        now: UnixTime,
        base_url: &str,
    ) -> ErrorContext {
        let or_new = |id: Option<&str>| id.map(str::to_string).unwrap_or_else(guid);
        ErrorContext {
            trace_id: or_new(request_id),
            correlation_id: or_new(client_request_id),
            now,
            base_url: base_url.to_string(),
        }
    }
}

impl EntraError {
    fn new(error: &'static str, code: u32, message: impl Into<String>) -> EntraError {
        EntraError {
            status: StatusCode::BAD_REQUEST,
            error,
            code,
            message: message.into(),
        }
    }

    fn unauthorized(mut self) -> EntraError {
        self.status = StatusCode::UNAUTHORIZED;
        self
    }

    /// `AADSTSnnnn: message`.
    pub(crate) fn headline(&self) -> String {
        format!("AADSTS{}: {}", self.code, self.message)
    }

    /// Entra's `error_description`: the headline, then trace id, correlation id and timestamp on CRLF lines.
    pub(crate) fn description(&self, ctx: &ErrorContext) -> String {
        format!(
            "{}\r\nTrace ID: {}\r\nCorrelation ID: {}\r\nTimestamp: {}",
            self.headline(),
            ctx.trace_id,
            ctx.correlation_id,
            entra_timestamp(ctx.now)
        )
    }

    pub(crate) fn error_uri(&self, ctx: &ErrorContext) -> String {
        format!("{}/error?code={}", ctx.base_url, self.code)
    }

    /// The token endpoint's JSON body.
    pub(crate) fn to_json(&self, ctx: &ErrorContext) -> Value {
        json!({
            "error": self.error,
            "error_description": self.description(ctx),
            "error_codes": [self.code],
            "timestamp": entra_timestamp(ctx.now),
            "trace_id": ctx.trace_id,
            "correlation_id": ctx.correlation_id,
            "error_uri": self.error_uri(ctx),
        })
    }
}

// The catalogue. Numbers and texts follow Entra's where Entra has them; see the README of this crate for the few
// that are this tenant's own choice.

pub(crate) fn tenant_not_found(tenant: &str) -> EntraError {
    let mut e = EntraError::new(
        "invalid_tenant",
        90002,
        format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
    );
    e.status = StatusCode::NOT_FOUND;
    e
}

pub(crate) fn missing_parameter(name: &str) -> EntraError {
    EntraError::new(
        "invalid_request",
        900144,
        format!("The request body must contain the following parameter: '{name}'."),
    )
}

pub(crate) fn unknown_client(client_id: &str, tenant: &str) -> EntraError {
    EntraError::new(
        "unauthorized_client",
        700016,
        format!(
            "Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
        ),
    )
}

pub(crate) fn redirect_uri_not_registered(uri: &str, client_id: &str) -> EntraError {
    EntraError::new(
        "invalid_request",
        50011,
        format!(
            "The redirect URI '{uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. Make sure the redirect URI sent in the request matches one added to your application."
        ),
    )
}

pub(crate) fn invalid_request(what: &str) -> EntraError {
    EntraError::new(
        "invalid_request",
        90023,
        format!("The authentication service request is not valid: {what}"),
    )
}

pub(crate) fn unsupported_response_type(response_type: &str) -> EntraError {
    EntraError::new(
        "unsupported_response_type",
        700054,
        format!("response_type '{response_type}' is not enabled for the application. Only 'code' is supported by this tenant."),
    )
}

pub(crate) fn openid_scope_required() -> EntraError {
    EntraError::new(
        "invalid_scope",
        70011,
        "The provided request must include an 'openid' scope input parameter when a 'nonce' is sent: without it no ID token is issued.",
    )
}

pub(crate) fn pkce_required() -> EntraError {
    EntraError::new(
        "invalid_request",
        9002325,
        "Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
    )
}

pub(crate) fn pkce_method_not_allowed(method: &str) -> EntraError {
    EntraError::new(
        "invalid_request",
        9002325,
        format!(
            "Proof Key for Code Exchange is required for cross-origin authorization code redemption, with code_challenge_method 'S256' (found '{method}')."
        ),
    )
}

pub(crate) fn code_challenge_malformed() -> EntraError {
    EntraError::new(
        "invalid_request",
        501491,
        "Invalid size of Code_Challenge parameter.",
    )
}

pub(crate) fn login_required() -> EntraError {
    EntraError::new(
        "login_required",
        50058,
        "A silent sign-in request was sent but no user is signed in.",
    )
}

pub(crate) fn user_cancelled() -> EntraError {
    EntraError::new(
        "access_denied",
        65004,
        "User declined to consent to access the app: the sign-in was cancelled.",
    )
}

pub(crate) fn unsupported_grant_type(grant_type: &str) -> EntraError {
    EntraError::new(
        "unsupported_grant_type",
        70003,
        format!("The app requested an unsupported grant type '{grant_type}'."),
    )
}

pub(crate) fn token_unknown_client(client_id: &str, tenant: &str) -> EntraError {
    unknown_client(client_id, tenant).unauthorized()
}

pub(crate) fn spa_requires_cross_origin() -> EntraError {
    EntraError::new(
        "invalid_request",
        9002327,
        "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
    )
}

pub(crate) fn cross_origin_only_for_spa(origin: &str) -> EntraError {
    EntraError::new(
        "invalid_request",
        9002326,
        format!("Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type. Request origin: '{origin}'."),
    )
}

pub(crate) fn public_client_sent_secret() -> EntraError {
    EntraError::new(
        "invalid_client",
        700025,
        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    )
    .unauthorized()
}

pub(crate) fn secret_missing() -> EntraError {
    EntraError::new(
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    )
    .unauthorized()
}

pub(crate) fn secret_wrong(client_id: &str) -> EntraError {
    EntraError::new(
        "invalid_client",
        7000215,
        format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."),
    )
    .unauthorized()
}

pub(crate) fn grant_malformed(kind: &str) -> EntraError {
    EntraError::new(
        "invalid_grant",
        9002313,
        format!("Invalid request. Request is malformed or invalid: the {kind} is not one this tenant issued."),
    )
}

pub(crate) fn code_redeemed() -> EntraError {
    EntraError::new(
        "invalid_grant",
        54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
    )
}

pub(crate) fn code_expired() -> EntraError {
    EntraError::new(
        "invalid_grant",
        70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
    )
}

pub(crate) fn grant_for_other_client(kind: &str) -> EntraError {
    EntraError::new(
        "invalid_grant",
        70000,
        format!(
            "Provided grant is invalid or malformed: the {kind} was issued to another application."
        ),
    )
}

pub(crate) fn redirect_uri_differs() -> EntraError {
    EntraError::new(
        "invalid_grant",
        70000,
        "The provided value for the 'redirect_uri' is not valid. The value must exactly match the redirect URI used to obtain the authorization code.",
    )
}

pub(crate) fn pkce_mismatch() -> EntraError {
    EntraError::new(
        "invalid_grant",
        501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
    )
}

/// Only with the `refresh_single_use` fault: Entra accepts a redeemed refresh token again.
pub(crate) fn refresh_token_reused() -> EntraError {
    EntraError::new(
        "invalid_grant",
        70000,
        "Provided grant is invalid or malformed: the refresh token was already used and has been replaced by a new one.",
    )
}

pub(crate) fn spa_refresh_expired(issued: UnixTime, lifetime_secs: i64) -> EntraError {
    let (d, h, m, s) = (
        lifetime_secs / 86_400,
        lifetime_secs % 86_400 / 3600,
        lifetime_secs % 3600 / 60,
        lifetime_secs % 60,
    );
    EntraError::new(
        "invalid_grant",
        700084,
        format!(
            "The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of {d}.{h:02}:{m:02}:{s:02}, which cannot be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page. The token was issued on {}.",
            crate::clock::rfc3339(issued)
        ),
    )
}

pub(crate) fn refresh_expired_inactivity() -> EntraError {
    EntraError::new(
        "invalid_grant",
        700082,
        "The refresh token has expired due to inactivity. The token was issued on a date past the allowed inactive time.",
    )
}

pub(crate) fn scope_not_granted(scope: &str) -> EntraError {
    EntraError::new(
        "invalid_scope",
        70011,
        format!("The provided value for the input parameter 'scope' is not valid. The scope '{scope}' was not granted to this refresh token."),
    )
}

/// One line per code, for the `/error?code=N` page.
pub(crate) fn explain(code: u32) -> Option<&'static str> {
    Some(match code {
        90002 => "Tenant not found: the path names another tenant.",
        900144 => "A required parameter is missing.",
        700016 => "Unknown application (client) id.",
        50011 => "The redirect URI is not registered for the application.",
        90023 => "The request is not valid (a parameter has an unsupported value).",
        700054 => "Unsupported response_type: only 'code' is enabled.",
        70011 => "Invalid scope.",
        9002325 => {
            "PKCE (code_challenge with S256) is required for Single-Page Application clients."
        }
        501491 => "The code_challenge has the wrong size.",
        50058 => "prompt=none but no user is signed in.",
        65004 => "The user cancelled the sign-in.",
        70003 => "Unsupported grant_type.",
        9002327 => "SPA tokens may only be redeemed by a cross-origin (browser) request.",
        9002326 => "Only SPA clients may redeem tokens cross-origin.",
        700025 => "Public clients must not send a client secret.",
        7000218 => "The confidential client sent no client secret.",
        7000215 => "Wrong client secret.",
        9002313 => "The code or refresh token is unknown.",
        54005 => "The authorization code was already redeemed.",
        70008 => "The authorization code has expired.",
        70000 => {
            "The grant is invalid: another client, another redirect URI, or (with the refresh_single_use fault) a used refresh token."
        }
        501481 => "The code_verifier does not match the code_challenge.",
        700084 => "The SPA refresh token reached its fixed lifetime.",
        700082 => "The refresh token expired due to inactivity.",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_has_entra_crlf_lines() {
        let ctx = ErrorContext {
            trace_id: "t".into(),
            correlation_id: "c".into(),
            now: 1_452_304_932,
            base_url: "http://x".into(),
        };
        let e = code_redeemed();
        assert_eq!(
            e.description(&ctx),
            format!("AADSTS54005: {}\r\nTrace ID: t\r\nCorrelation ID: c\r\nTimestamp: 2016-01-09 02:02:12Z", e.message)
        );
        let json = e.to_json(&ctx);
        assert_eq!(json["error_codes"], json!([54005]));
        assert_eq!(json["error_uri"], "http://x/error?code=54005");
    }

    #[test]
    fn trace_and_correlation_ids_are_the_request_ids_or_new_guids() {
        let (request, client) = (
            "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
            "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        );
        let ctx = ErrorContext::new(Some(request), Some(client), 0, "");
        assert_eq!(
            (ctx.trace_id.as_str(), ctx.correlation_id.as_str()),
            (request, client)
        );
        let ctx = ErrorContext::new(None, None, 0, "");
        assert_eq!((ctx.trace_id.len(), ctx.correlation_id.len()), (36, 36));
        assert_ne!(ctx.trace_id, ctx.correlation_id);
    }

    #[test]
    fn spa_refresh_message_writes_the_lifetime_like_entra() {
        assert!(spa_refresh_expired(0, 86_400)
            .message
            .contains("lifetime of 1.00:00:00"));
    }
}
