//! The token request (RFC 6749 §4.1.3, §6; RFC 7636 §4.5) and its response (RFC 6749 §5.1, §5.2;
//! OpenID Connect Core §3.1.3.3), including Entra's error JSON with `AADSTS` advice.

use std::fmt;

use serde_json::{Map, Value};

use super::entra_errors::{aadsts_advice, parse_aadsts_code, Advice};
use super::http::{BodyTooLarge, HttpResponse, UnexpectedBody};
use super::pkce::CodeVerifier;
use super::values::{
    mask_secret, AccessToken, AuthorizationCode, ClientId, ClientSecret, RawIdToken, RedirectUri,
    RefreshToken, Scope,
};

/// Who redeems: the client ID, and a secret only for a confidential (Web) client.
#[derive(Debug, Clone, Copy)]
pub struct TokenClient<'a> {
    /// `client_id`.
    pub client_id: &'a ClientId,
    /// `client_secret`; a Single-page application has none (Entra refuses one: AADSTS700025).
    pub client_secret: Option<&'a ClientSecret>,
}

/// A form POST to the token endpoint. `Debug` names the parameters, never their values.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenRequest {
    url: String,
    params: Vec<(&'static str, String)>,
}

/// Parameters whose values are credentials: masked in [`TokenRequest::params_for_display`] and
/// marked in [`TokenRequest::params_with_secrecy`].
const SECRET_PARAMS: [&str; 4] = ["client_secret", "code", "code_verifier", "refresh_token"];

impl TokenRequest {
    /// The `Content-Type` of the body.
    pub const CONTENT_TYPE: &'static str = "application/x-www-form-urlencoded";

    /// The token endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The `application/x-www-form-urlencoded` body, with its credentials: send it, never log it.
    pub fn body(&self) -> String {
        let mut body = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &self.params {
            body.append_pair(name, value);
        }
        body.finish()
    }

    /// The parameters in order, each with whether its value is a credential: for a view that
    /// keeps credentials masked until the user asks. Never log the values.
    pub fn params_with_secrecy(&self) -> impl Iterator<Item = (&'static str, &str, bool)> {
        self.params
            .iter()
            .map(|(name, value)| (*name, value.as_str(), SECRET_PARAMS.contains(name)))
    }

    /// The parameters in order for the page's table, credential values replaced by `•••`.
    pub fn params_for_display(&self) -> Vec<(&'static str, String)> {
        self.params_with_secrecy()
            .map(|(name, value, secret)| match secret {
                true => (name, mask_secret(value)),
                false => (name, value.to_owned()),
            })
            .collect()
    }
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("url", &self.url)
            .field("params", &self.params_for_display())
            .finish()
    }
}

fn request(
    token_endpoint: &str,
    client: TokenClient<'_>,
    mut params: Vec<(&'static str, String)>,
) -> TokenRequest {
    params.insert(0, ("client_id", client.client_id.as_str().to_owned()));
    if let Some(secret) = client.client_secret {
        params.push(("client_secret", secret.secret().to_owned()));
    }
    TokenRequest {
        url: token_endpoint.to_owned(),
        params,
    }
}

/// The `authorization_code` grant with the PKCE verifier (RFC 6749 §4.1.3, RFC 7636 §4.5).
pub fn authorization_code_request(
    token_endpoint: &str,
    client: TokenClient<'_>,
    code: &AuthorizationCode,
    redirect_uri: &RedirectUri,
    code_verifier: &CodeVerifier,
    scope: &Scope,
) -> TokenRequest {
    let params = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code.secret().to_owned()),
        ("redirect_uri", redirect_uri.as_str().to_owned()),
        ("code_verifier", code_verifier.secret().to_owned()),
        ("scope", scope.as_str().to_owned()),
    ];
    request(token_endpoint, client, params)
}

/// The `refresh_token` grant (RFC 6749 §6; OpenID Connect Core §12.1).
pub fn refresh_token_request(
    token_endpoint: &str,
    client: TokenClient<'_>,
    refresh_token: &RefreshToken,
    scope: &Scope,
) -> TokenRequest {
    let params = vec![
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", refresh_token.secret().to_owned()),
        ("scope", scope.as_str().to_owned()),
    ];
    request(token_endpoint, client, params)
}

/// A successful token response (RFC 6749 §5.1 with Entra's fields). Tokens are masked in `Debug`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenResponse {
    /// `token_type`: `Bearer`.
    pub token_type: String,
    /// `scope` granted.
    pub scope: Option<String>,
    /// `expires_in` seconds.
    pub expires_in: Option<u64>,
    /// `ext_expires_in` seconds (Entra: lifetime during an outage).
    pub ext_expires_in: Option<u64>,
    /// `access_token`: for the API, not for this app to validate.
    pub access_token: AccessToken,
    /// `refresh_token`, when `offline_access` was granted.
    pub refresh_token: Option<RefreshToken>,
    /// `id_token`, present in the `authorization_code` grant's response.
    pub id_token: Option<RawIdToken>,
}

/// Entra's error JSON (RFC 6749 §5.2 plus Entra's diagnostics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntraError {
    /// The HTTP status.
    pub status: u16,
    /// `error`, e.g. `invalid_grant`.
    pub error: String,
    /// `error_description`, starting with `AADSTS<number>:`.
    pub error_description: Option<String>,
    /// `error_codes`.
    pub error_codes: Vec<u32>,
    /// `timestamp`.
    pub timestamp: Option<String>,
    /// `trace_id`.
    pub trace_id: Option<String>,
    /// `correlation_id`.
    pub correlation_id: Option<String>,
    /// `error_uri`.
    pub error_uri: Option<String>,
}

impl EntraError {
    /// `error_codes`, or the `AADSTS` number parsed from the description when absent.
    pub fn aadsts_codes(&self) -> Vec<u32> {
        if !self.error_codes.is_empty() {
            return self.error_codes.clone();
        }
        let parsed = self
            .error_description
            .as_deref()
            .and_then(parse_aadsts_code);
        parsed.into_iter().collect()
    }

    /// Advice for the first code that has some.
    pub fn advice(&self) -> Option<Advice> {
        self.aadsts_codes().into_iter().find_map(aadsts_advice)
    }
}

impl fmt::Display for EntraError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "token endpoint answered HTTP {} {}",
            self.status, self.error
        )?;
        if let Some(first_line) = self
            .error_description
            .as_deref()
            .and_then(|d| d.lines().next())
        {
            write!(f, ": {first_line}")?;
        }
        if let Some(a) = self.advice() {
            write!(f, " — {}. Fix: {}", a.meaning, a.fix)?;
        }
        if let Some(t) = &self.trace_id {
            write!(f, " (trace ID {t}")?;
            if let Some(c) = &self.correlation_id {
                write!(f, ", correlation ID {c}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// Why the token response gave no tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// RFC 6749 §5.2: the server refused, with Entra's error JSON (boxed: it is large).
    Entra(Box<EntraError>),
    /// Not the JSON of RFC 6749 §5 (e.g. an HTML 500 page from a proxy).
    UnexpectedBody(UnexpectedBody),
    /// The body is over the 1 MiB limit of a JSON answer: refused unparsed.
    TooLarge(BodyTooLarge),
    /// RFC 6749 §5.1 / OpenID Connect Core §3.1.3.3: a required field is absent.
    MissingField { field: &'static str },
    /// A field has the wrong JSON type (its value is not shown: it may be a credential).
    WrongType {
        field: &'static str,
        expected: &'static str,
    },
    /// OpenID Connect Core §3.1.3.3: `token_type` MUST be `Bearer` (case-insensitive).
    TokenType { found: String },
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Entra(e) => e.fmt(f),
            Self::UnexpectedBody(body) => write!(
                f,
                "token endpoint did not answer with token JSON: {body}: check the token \
                 endpoint URL and retry later if the server failed"
            ),
            Self::TooLarge(too_large) => too_large.fmt(f),
            Self::MissingField { field } => write!(
                f,
                "token response lacks {field:?} (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3): \
                 request the openid scope"
            ),
            Self::WrongType { field, expected } => write!(
                f,
                "token response field {field:?} is not a {expected} (RFC 6749 §5.1)"
            ),
            Self::TokenType { found } => write!(
                f,
                "token_type must be Bearer (OpenID Connect Core §3.1.3.3), found {found:?}"
            ),
        }
    }
}

impl std::error::Error for TokenError {}

/// Processes any token response: tokens, Entra's error JSON, or a clear error for other bodies.
pub fn process_token_response(response: HttpResponse<'_>) -> Result<TokenResponse, TokenError> {
    response
        .check_json_size("the token endpoint")
        .map_err(TokenError::TooLarge)?;
    let unexpected = || TokenError::UnexpectedBody(response.describe_unexpected());
    let Ok(Value::Object(json)) = serde_json::from_str::<Value>(response.body) else {
        return Err(unexpected());
    };
    if json.contains_key("error") {
        return Err(TokenError::Entra(Box::new(entra_error(
            response.status,
            &json,
        )?)));
    }
    if response.status != 200 {
        return Err(unexpected());
    }
    success(&json)
}

/// The `authorization_code` grant's response must also carry `id_token` (Core §3.1.3.3).
pub fn process_authorization_code_response(
    response: HttpResponse<'_>,
) -> Result<TokenResponse, TokenError> {
    let tokens = process_token_response(response)?;
    match tokens.id_token {
        Some(_) => Ok(tokens),
        None => Err(TokenError::MissingField { field: "id_token" }),
    }
}

/// The `refresh_token` grant's response (RFC 6749 §6, §5.1; OpenID Connect Core §12.2): a new
/// `access_token` is required; `id_token` is optional (Entra sends one when `openid` is in the
/// scope) and, when present, is validated against the original one's identity (Core §12.2).
pub fn process_refresh_response(response: HttpResponse<'_>) -> Result<TokenResponse, TokenError> {
    process_token_response(response)
}

impl TokenResponse {
    /// The refresh token to keep: the new one when the server rotated it, else `previous`
    /// (RFC 6749 §6: the client keeps the old one when none is issued).
    pub fn rotated_refresh_token(&self, previous: &RefreshToken) -> RefreshToken {
        self.refresh_token
            .clone()
            .filter(|t| !t.secret().is_empty())
            .unwrap_or_else(|| previous.clone())
    }
}

/// What to do when a refresh failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshErrorAction {
    /// The tenant refused the refresh token (expired, revoked, interaction needed) or answered
    /// something unusable: the session is over, sign in again.
    EndSession,
    /// The tenant or a proxy failed for now (5xx, 429, `temporarily_unavailable`,
    /// `server_error`): keep the session and retry later.
    RetryLater,
}

/// Whether a failed refresh ends the session or is retried: transient server trouble is
/// retried; everything else (RFC 6749 §5.2 `invalid_grant` — incl. Entra's AADSTS700084 SPA
/// 24-hour limit, AADSTS700082 inactivity, AADSTS70008 — `interaction_required`,
/// `invalid_client`, …, and malformed responses) ends the session.
pub fn refresh_error_action(error: &TokenError) -> RefreshErrorAction {
    let transient = match error {
        TokenError::Entra(e) => {
            matches!(e.error.as_str(), "temporarily_unavailable" | "server_error")
                || is_transient_status(e.status)
        }
        TokenError::UnexpectedBody(body) => is_transient_status(body.status),
        TokenError::TooLarge(body) => is_transient_status(body.status),
        TokenError::MissingField { .. }
        | TokenError::WrongType { .. }
        | TokenError::TokenType { .. } => false,
    };
    match transient {
        true => RefreshErrorAction::RetryLater,
        false => RefreshErrorAction::EndSession,
    }
}

/// A server failure (5xx) or throttling (429, RFC 6585 §4).
fn is_transient_status(status: u16) -> bool {
    status >= 500 || status == 429
}

fn string(json: &Map<String, Value>, field: &'static str) -> Result<Option<String>, TokenError> {
    match json.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(TokenError::WrongType {
            field,
            expected: "string",
        }),
    }
}

fn required_string(json: &Map<String, Value>, field: &'static str) -> Result<String, TokenError> {
    string(json, field)?.ok_or(TokenError::MissingField { field })
}

/// A number of seconds; Entra has sent these both as numbers and as strings.
fn seconds(json: &Map<String, Value>, field: &'static str) -> Result<Option<u64>, TokenError> {
    let wrong = TokenError::WrongType {
        field,
        expected: "number of seconds",
    };
    match json.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or(wrong),
        Some(Value::String(s)) => s.parse().map(Some).map_err(|_| wrong),
        Some(_) => Err(wrong),
    }
}

fn success(json: &Map<String, Value>) -> Result<TokenResponse, TokenError> {
    let token_type = required_string(json, "token_type")?;
    if !token_type.eq_ignore_ascii_case("Bearer") {
        return Err(TokenError::TokenType { found: token_type });
    }
    Ok(TokenResponse {
        token_type,
        scope: string(json, "scope")?,
        expires_in: seconds(json, "expires_in")?,
        ext_expires_in: seconds(json, "ext_expires_in")?,
        access_token: AccessToken::new(required_string(json, "access_token")?),
        refresh_token: string(json, "refresh_token")?.map(RefreshToken::new),
        id_token: string(json, "id_token")?.map(RawIdToken::new),
    })
}

fn entra_error(status: u16, json: &Map<String, Value>) -> Result<EntraError, TokenError> {
    let error_codes = match json.get("error_codes") {
        Some(Value::Array(codes)) => codes
            .iter()
            .filter_map(|c| c.as_u64().and_then(|c| u32::try_from(c).ok()))
            .collect(),
        _ => Vec::new(),
    };
    Ok(EntraError {
        status,
        error: required_string(json, "error")?,
        error_description: string(json, "error_description")?,
        error_codes,
        timestamp: string(json, "timestamp")?,
        trace_id: string(json, "trace_id")?,
        correlation_id: string(json, "correlation_id")?,
        error_uri: string(json, "error_uri")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ENDPOINT: &str = "https://contoso.ciamlogin.com/t/oauth2/v2.0/token";

    fn client_id() -> ClientId {
        ClientId::new("11111111-2222-3333-4444-555555555555")
    }

    fn code_request(secret: Option<&ClientSecret>) -> TokenRequest {
        let id = client_id();
        authorization_code_request(
            ENDPOINT,
            TokenClient {
                client_id: &id,
                client_secret: secret,
            },
            &AuthorizationCode::new("0.AbC+d/e="),
            &RedirectUri::new("https://app.example/callback"),
            &CodeVerifier::from_bytes([1; 32]),
            &Scope::new("openid profile offline_access"),
        )
    }

    fn pairs(body: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn code_request_body_has_the_grant_parameters_and_no_secret() {
        let req = code_request(None);
        assert_eq!(req.url(), ENDPOINT);
        let names: Vec<String> = pairs(&req.body()).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "client_id",
                "grant_type",
                "code",
                "redirect_uri",
                "code_verifier",
                "scope"
            ]
        );
        assert!(req.body().contains("code=0.AbC%2Bd%2Fe%3D&"));
        assert!(req.body().contains("scope=openid+profile+offline_access"));
        assert!(req.body().contains("grant_type=authorization_code"));
    }

    #[test]
    fn code_request_includes_client_secret_only_when_configured() {
        let secret = ClientSecret::new("web~secret");
        let body = code_request(Some(&secret)).body();
        assert!(pairs(&body).contains(&("client_secret".to_owned(), "web~secret".to_owned())));
    }

    #[test]
    fn refresh_request_has_the_refresh_grant_and_the_same_secret_rule() {
        let id = client_id();
        let secret = ClientSecret::new("web~secret");
        let build = |secret| {
            refresh_token_request(
                ENDPOINT,
                TokenClient {
                    client_id: &id,
                    client_secret: secret,
                },
                &RefreshToken::new("rt"),
                &Scope::new("openid offline_access"),
            )
        };
        let public = pairs(&build(None).body());
        assert!(public.contains(&("grant_type".to_owned(), "refresh_token".to_owned())));
        assert!(public.contains(&("refresh_token".to_owned(), "rt".to_owned())));
        assert!(!public.iter().any(|(n, _)| n == "client_secret"));
        assert!(build(Some(&secret))
            .body()
            .contains("client_secret=web%7Esecret"));
    }

    #[test]
    fn request_debug_and_display_params_mask_every_credential() {
        let secret = ClientSecret::new("web~secret");
        let req = code_request(Some(&secret));
        let shown = format!("{req:?}");
        for value in [
            "web~secret",
            "0.AbC+d/e=",
            CodeVerifier::from_bytes([1; 32]).secret(),
        ] {
            assert!(!shown.contains(value), "{shown}");
        }
        assert!(shown.contains("https://app.example/callback"));
    }

    fn success_body() -> String {
        json!({
            "token_type": "Bearer",
            "scope": "openid profile email offline_access",
            "expires_in": 3599,
            "ext_expires_in": "3599",
            "access_token": "eyJ0eXAiOiJKV1QifQ.e30.sig",
            "refresh_token": "1.refresh",
            "id_token": "eyJhbGciOiJSUzI1NiJ9.e30.sig"
        })
        .to_string()
    }

    #[test]
    fn parses_a_success_response_with_all_fields() {
        let body = success_body();
        let tokens =
            process_authorization_code_response(HttpResponse::new(200, None, &body)).unwrap();
        assert_eq!(tokens.expires_in, Some(3599));
        assert_eq!(tokens.ext_expires_in, Some(3599));
        assert_eq!(tokens.refresh_token, Some(RefreshToken::new("1.refresh")));
        assert!(tokens.id_token.is_some());
        assert!(!format!("{tokens:?}").contains("1.refresh"));
    }

    #[test]
    fn code_response_without_id_token_is_an_error() {
        let body = json!({"token_type": "Bearer", "access_token": "a"}).to_string();
        let response = HttpResponse::new(200, None, &body);
        assert!(process_token_response(response).is_ok());
        assert_eq!(
            process_authorization_code_response(response),
            Err(TokenError::MissingField { field: "id_token" })
        );
    }

    #[test]
    fn rejects_a_token_type_other_than_bearer() {
        let body = json!({"token_type": "pop", "access_token": "a"}).to_string();
        assert_eq!(
            process_token_response(HttpResponse::new(200, None, &body)),
            Err(TokenError::TokenType {
                found: "pop".to_owned()
            })
        );
    }

    #[test]
    fn wrong_type_error_does_not_echo_the_value() {
        let body = json!({"token_type": "Bearer", "access_token": ["secret-token"]}).to_string();
        let err = process_token_response(HttpResponse::new(200, None, &body)).unwrap_err();
        assert!(!err.to_string().contains("secret-token"));
    }

    #[test]
    fn parses_entra_error_json_with_codes_and_advice() {
        let body = json!({
            "error": "invalid_request",
            "error_description": "AADSTS9002326: Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type. Request origin: 'http://localhost:8080'. Trace ID: t Correlation ID: c Timestamp: 2024-01-01 00:00:00Z",
            "error_codes": [9002326],
            "timestamp": "2024-01-01 00:00:00Z",
            "trace_id": "trace-1",
            "correlation_id": "corr-1",
            "error_uri": "https://login.microsoftonline.com/error?code=9002326"
        })
        .to_string();
        let err = process_token_response(HttpResponse::new(400, Some("application/json"), &body))
            .unwrap_err();
        let TokenError::Entra(e) = &err else {
            panic!("expected Entra error, got {err:?}");
        };
        assert_eq!(e.aadsts_codes(), [9002326]);
        assert_eq!(e.advice().map(|a| a.code), Some(9002326));
        let shown = err.to_string();
        assert!(
            shown.contains("HTTP 400 invalid_request: AADSTS9002326"),
            "{shown}"
        );
        assert!(
            shown.contains("Single-page application platform"),
            "{shown}"
        );
        assert!(
            shown.contains("trace ID trace-1, correlation ID corr-1"),
            "{shown}"
        );
    }

    #[test]
    fn takes_the_aadsts_code_from_the_description_when_error_codes_is_absent() {
        let body = json!({
            "error": "invalid_grant",
            "error_description": "AADSTS54005: OAuth2 Authorization code was already redeemed."
        })
        .to_string();
        let Err(TokenError::Entra(e)) = process_token_response(HttpResponse::new(400, None, &body))
        else {
            panic!("expected Entra error");
        };
        assert_eq!(e.aadsts_codes(), [54005]);
        assert!(e.advice().is_some());
    }

    #[test]
    fn html_500_names_status_and_content() {
        let body = "<html><head><title>500 Internal Server Error</title></head></html>";
        let err =
            process_token_response(HttpResponse::new(500, Some("text/html"), body)).unwrap_err();
        assert!(matches!(err, TokenError::UnexpectedBody(_)));
        let shown = err.to_string();
        assert!(shown.contains("HTTP 500 with text/html"), "{shown}");
        assert!(shown.contains("500 Internal Server Error"), "{shown}");
    }

    #[test]
    fn non_200_json_without_error_is_unexpected() {
        let body = success_body();
        assert!(matches!(
            process_token_response(HttpResponse::new(302, None, &body)),
            Err(TokenError::UnexpectedBody(_))
        ));
    }

    fn refresh_success(refresh_token: Option<&str>) -> String {
        let mut body = json!({
            "token_type": "Bearer",
            "scope": "openid profile email offline_access",
            "expires_in": 3599,
            "ext_expires_in": 3599,
            "access_token": "eyJ0eXAiOiJKV1QifQ.e30.new-access",
        });
        if let (Some(rt), Some(o)) = (refresh_token, body.as_object_mut()) {
            o.insert("refresh_token".to_owned(), json!(rt));
        }
        body.to_string()
    }

    #[test]
    fn refresh_response_with_a_rotated_refresh_token_replaces_the_old_one() {
        let body = refresh_success(Some("1.rotated"));
        let tokens = process_refresh_response(HttpResponse::new(200, None, &body)).unwrap();
        assert_eq!(
            tokens.rotated_refresh_token(&RefreshToken::new("1.previous")),
            RefreshToken::new("1.rotated")
        );
    }

    #[test]
    fn refresh_response_without_a_refresh_token_keeps_the_old_one() {
        let previous = RefreshToken::new("1.previous");
        let body = refresh_success(None);
        let tokens = process_refresh_response(HttpResponse::new(200, None, &body)).unwrap();
        assert_eq!(tokens.rotated_refresh_token(&previous), previous);
        let body = refresh_success(Some(""));
        let tokens = process_refresh_response(HttpResponse::new(200, None, &body)).unwrap();
        assert_eq!(tokens.rotated_refresh_token(&previous), previous);
    }

    #[test]
    fn refresh_response_without_id_token_is_accepted() {
        let body = refresh_success(Some("1.rotated"));
        let tokens = process_refresh_response(HttpResponse::new(200, None, &body)).unwrap();
        assert_eq!(tokens.id_token, None);
        assert_eq!(tokens.expires_in, Some(3599));
        assert_eq!(
            tokens.access_token,
            AccessToken::new("eyJ0eXAiOiJKV1QifQ.e30.new-access")
        );
        let with_id_token = success_body();
        let tokens =
            process_refresh_response(HttpResponse::new(200, None, &with_id_token)).unwrap();
        assert!(tokens.id_token.is_some());
    }

    #[test]
    fn refresh_response_without_access_token_is_a_missing_field() {
        let body = json!({"token_type": "Bearer", "refresh_token": "1.rotated"}).to_string();
        let err = process_refresh_response(HttpResponse::new(200, None, &body)).unwrap_err();
        assert_eq!(
            err,
            TokenError::MissingField {
                field: "access_token"
            }
        );
        assert_eq!(refresh_error_action(&err), RefreshErrorAction::EndSession);
    }

    /// Entra's error JSON as the token endpoint sends it: the description ends with the trace
    /// lines, `error_codes` repeats the number.
    fn entra_body(error: &str, code: u32, message: &str) -> String {
        let (trace, correlation) = (
            "4f1c2a77-5b6e-4d0a-9e3f-0a1b2c3d4e00",
            "9a8b7c6d-1e2f-4a5b-8c9d-0e1f2a3b4c5d",
        );
        json!({
            "error": error,
            "error_description": format!(
                "AADSTS{code}: {message}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\
                 \r\nTimestamp: 2026-11-29 10:00:05Z"
            ),
            "error_codes": [code],
            "timestamp": "2026-11-29 10:00:05Z",
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": format!(
                "https://0e5a1a3b-8b2c-4c8e-9d7f-1a2b3c4d5e6f.ciamlogin.com/error?code={code}"
            )
        })
        .to_string()
    }

    fn refresh_failure(status: u16, content_type: &str, body: &str) -> TokenError {
        let response = HttpResponse::new(status, Some(content_type), body);
        match process_refresh_response(response) {
            Err(e) => e,
            Ok(tokens) => panic!("expected an error, got {tokens:?}"),
        }
    }

    const JSON: &str = "application/json; charset=utf-8";

    #[test]
    fn spa_refresh_token_past_its_24_hours_ends_the_session_with_advice() {
        let body = entra_body(
            "invalid_grant",
            700084,
            "The refresh token was issued to a single page app (SPA), and therefore has a fixed, \
             limited lifetime of 1.00:00:00, which cannot be extended. It is now expired and a new \
             sign in request must be sent by the SPA to the sign in page. The token was issued on \
             2026-11-28T10:00:00Z.",
        );
        let err = refresh_failure(400, JSON, &body);
        assert_eq!(refresh_error_action(&err), RefreshErrorAction::EndSession);
        let TokenError::Entra(e) = &err else {
            panic!("expected Entra error, got {err:?}");
        };
        assert_eq!(e.advice().map(|a| a.code), Some(700084));
        let shown = err.to_string();
        assert!(shown.contains("fixed 24-hour lifetime"), "{shown}");
        assert!(
            shown.contains("Fix: sign in again interactively"),
            "{shown}"
        );
    }

    #[test]
    fn refresh_token_expired_by_inactivity_ends_the_session_with_advice() {
        let body = entra_body(
            "invalid_grant",
            700082,
            "The refresh token has expired due to inactivity. The token was issued on \
             2026-08-01T10:00:00.0000000Z and was inactive for 90.00:00:00.",
        );
        let err = refresh_failure(400, JSON, &body);
        assert_eq!(refresh_error_action(&err), RefreshErrorAction::EndSession);
        let TokenError::Entra(e) = &err else {
            panic!("expected Entra error, got {err:?}");
        };
        assert_eq!(e.advice().map(|a| a.code), Some(700082));
        assert!(err.to_string().contains("expired due to inactivity"));
    }

    /// Each `(status, Entra error JSON)` is an Entra error that leads to `action`.
    fn assert_entra_action(cases: &[(u16, String)], action: RefreshErrorAction) {
        for (status, body) in cases {
            let err = refresh_failure(*status, JSON, body);
            assert!(matches!(err, TokenError::Entra(_)), "{err:?}");
            assert_eq!(refresh_error_action(&err), action, "{err}");
        }
    }

    #[test]
    fn refusals_of_the_refresh_token_or_the_client_end_the_session() {
        let refusals = [
            (
                400,
                entra_body(
                    "invalid_grant",
                    70008,
                    "The provided authorization code or refresh token has expired due to \
                     inactivity. Send a new interactive authorization request for this user and \
                     resource.",
                ),
            ),
            (
                400,
                entra_body(
                    "interaction_required",
                    50079,
                    "Due to a configuration change made by your administrator, or because you \
                     moved to a new location, you must enroll in multi-factor authentication.",
                ),
            ),
            (
                401,
                entra_body(
                    "invalid_client",
                    7000215,
                    "Invalid client secret provided. Ensure the secret being sent in the request \
                     is the client secret value, not the client secret ID.",
                ),
            ),
            (
                400,
                entra_body(
                    "unauthorized_client",
                    700016,
                    "Application with identifier '11111111-2222-3333-4444-555555555555' was not \
                     found in the directory.",
                ),
            ),
        ];
        assert_entra_action(&refusals, RefreshErrorAction::EndSession);
    }

    #[test]
    fn transient_entra_errors_are_retried_later() {
        let transient = [
            (
                400,
                entra_body(
                    "temporarily_unavailable",
                    90033,
                    "A transient error has occurred. Please try again.",
                ),
            ),
            (
                400,
                entra_body(
                    "server_error",
                    50000,
                    "There was an error issuing a token or an issue with our sign-in service.",
                ),
            ),
            (
                503,
                entra_body(
                    "invalid_request",
                    90033,
                    "The Microsoft Online Directory Service (MSODS) isn't available.",
                ),
            ),
            (
                429,
                entra_body(
                    "invalid_request",
                    90055,
                    "The number of requests has exceeded the throttling threshold. Retry later.",
                ),
            ),
        ];
        assert_entra_action(&transient, RefreshErrorAction::RetryLater);
    }

    #[test]
    fn a_non_json_5xx_or_429_is_retried_and_other_non_json_answers_end_the_session() {
        let gateway = "<html><head><title>502 Bad Gateway</title></head></html>";
        for (status, content_type, body, action) in [
            (502, "text/html", gateway, RefreshErrorAction::RetryLater),
            (500, "text/html", gateway, RefreshErrorAction::RetryLater),
            (
                429,
                "text/plain",
                "Too Many Requests",
                RefreshErrorAction::RetryLater,
            ),
            (
                404,
                "text/html",
                "<title>Not found</title>",
                RefreshErrorAction::EndSession,
            ),
            (200, "text/html", "<html/>", RefreshErrorAction::EndSession),
        ] {
            let err = refresh_failure(status, content_type, body);
            assert!(matches!(err, TokenError::UnexpectedBody(_)), "{err:?}");
            assert_eq!(refresh_error_action(&err), action, "{err}");
        }
    }

    #[test]
    fn a_malformed_success_response_ends_the_session() {
        for body in [
            json!({"token_type": "Bearer", "access_token": 42}),
            json!({"token_type": "pop", "access_token": "a"}),
            json!({"access_token": "a"}),
        ] {
            let err = refresh_failure(200, JSON, &body.to_string());
            assert!(
                matches!(
                    err,
                    TokenError::WrongType { .. }
                        | TokenError::TokenType { .. }
                        | TokenError::MissingField { .. }
                ),
                "{err:?}"
            );
            assert_eq!(refresh_error_action(&err), RefreshErrorAction::EndSession);
        }
    }
}
