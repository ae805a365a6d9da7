//! The authorization request (OpenID Connect Core §3.1.2.1, RFC 7636 §4.3): the URL the browser
//! navigates to, and the same parameters as an ordered list for the page's table.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::discovery::is_secure_url;
use super::pkce::{CodeChallenge, CodeVerifier, CODE_CHALLENGE_METHOD};
use super::values::{ClientId, Nonce, RandomnessUnavailable, RedirectUri, Scope, State};

/// The `prompt` values Entra External ID understands (OpenID Connect Core §3.1.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Prompt {
    /// `login`: ask for credentials even with a session.
    Login,
    /// `select_account`: show the account picker.
    SelectAccount,
    /// `create`: start on the sign-up page (Initiating User Registration via OpenID Connect).
    Create,
}

impl Prompt {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::SelectAccount => "select_account",
            Self::Create => "create",
        }
    }
}

/// Everything the authorization URL carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationParams {
    /// `client_id`.
    pub client_id: ClientId,
    /// `redirect_uri`, exactly as registered.
    pub redirect_uri: RedirectUri,
    /// `scope`; must contain `openid`.
    pub scope: Scope,
    /// `state`.
    pub state: State,
    /// `nonce`.
    pub nonce: Nonce,
    /// `code_challenge` (S256).
    pub code_challenge: CodeChallenge,
    /// `prompt`, if any.
    pub prompt: Option<Prompt>,
    /// `login_hint`, if any (an email address or user name).
    pub login_hint: Option<String>,
    /// `ui_locales`, if any (space-separated BCP 47 tags).
    pub ui_locales: Option<String>,
}

/// Why the authorization URL could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeError {
    /// The authorization endpoint is not https or carries a fragment.
    InvalidEndpoint { found: String },
    /// OpenID Connect Core §3.1.2.1: `scope` MUST contain `openid`.
    ScopeLacksOpenid { found: String },
    /// RFC 6749 §3.1.2: the redirect URI is absolute and has no fragment.
    InvalidRedirectUri { found: String },
}

impl fmt::Display for AuthorizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidEndpoint { found } => write!(
                f,
                "authorization endpoint must be an https URL without fragment, found {found:?}"
            ),
            Self::ScopeLacksOpenid { found } => write!(
                f,
                "scope must contain \"openid\" (OpenID Connect Core §3.1.2.1), found {found:?}: \
                 add openid to the configured scopes"
            ),
            Self::InvalidRedirectUri { found } => write!(
                f,
                "redirect URI must be an absolute http(s) URL without fragment (RFC 6749 \
                 §3.1.2), found {found:?}"
            ),
        }
    }
}

impl std::error::Error for AuthorizeError {}

/// The built request: the URL to navigate to and its parameters in order, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationUrl {
    /// The full URL: endpoint + `?` (or `&`) + form-urlencoded parameters.
    pub url: String,
    /// `(name, value)` in the order they appear in the URL, values not encoded.
    pub params: Vec<(&'static str, String)>,
}

/// Builds the authorization URL with `response_type=code`, `response_mode=query` and S256 PKCE.
pub fn build_authorization_url(
    authorization_endpoint: &str,
    params: &AuthorizationParams,
) -> Result<AuthorizationUrl, AuthorizeError> {
    if !is_secure_url(authorization_endpoint) || authorization_endpoint.contains('#') {
        return Err(AuthorizeError::InvalidEndpoint {
            found: authorization_endpoint.to_owned(),
        });
    }
    check_scope(&params.scope)?;
    check_redirect_uri(&params.redirect_uri)?;
    let list = param_list(params);
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &list {
        query.append_pair(name, value);
    }
    let separator = match authorization_endpoint.contains('?') {
        true => '&',
        false => '?',
    };
    Ok(AuthorizationUrl {
        url: format!("{authorization_endpoint}{separator}{}", query.finish()),
        params: list,
    })
}

fn check_scope(scope: &Scope) -> Result<(), AuthorizeError> {
    if scope.as_str().split(' ').any(|s| s == "openid") {
        Ok(())
    } else {
        Err(AuthorizeError::ScopeLacksOpenid {
            found: scope.as_str().to_owned(),
        })
    }
}

fn check_redirect_uri(uri: &RedirectUri) -> Result<(), AuthorizeError> {
    let u = uri.as_str();
    let http = u.starts_with("https://") || u.starts_with("http://");
    if http && !u.contains('#') {
        Ok(())
    } else {
        Err(AuthorizeError::InvalidRedirectUri {
            found: u.to_owned(),
        })
    }
}

fn param_list(p: &AuthorizationParams) -> Vec<(&'static str, String)> {
    let mut list = vec![
        ("client_id", p.client_id.as_str().to_owned()),
        ("response_type", "code".to_owned()),
        ("redirect_uri", p.redirect_uri.as_str().to_owned()),
        ("response_mode", "query".to_owned()),
        ("scope", p.scope.as_str().to_owned()),
        ("state", p.state.as_str().to_owned()),
        ("nonce", p.nonce.as_str().to_owned()),
        ("code_challenge", p.code_challenge.as_str().to_owned()),
        ("code_challenge_method", CODE_CHALLENGE_METHOD.to_owned()),
    ];
    if let Some(prompt) = p.prompt {
        list.push(("prompt", prompt.as_str().to_owned()));
    }
    if let Some(hint) = &p.login_hint {
        list.push(("login_hint", hint.clone()));
    }
    if let Some(locales) = &p.ui_locales {
        list.push(("ui_locales", locales.clone()));
    }
    list
}

/// What the browser keeps in sessionStorage between the redirect out and the callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSignIn {
    /// The `state` sent; the callback must return it.
    pub state: State,
    /// The `nonce` sent; the ID token must carry it.
    pub nonce: Nonce,
    /// The PKCE verifier whose challenge was sent.
    pub code_verifier: CodeVerifier,
    /// The redirect URI sent; the token request repeats it.
    pub redirect_uri: RedirectUri,
    /// When the sign-in started (Unix seconds), to show its age.
    pub started_at: i64,
}

impl PendingSignIn {
    /// Fresh `state`, `nonce` and verifier for a new sign-in.
    pub fn generate(redirect_uri: RedirectUri, now: i64) -> Result<Self, RandomnessUnavailable> {
        Ok(Self {
            state: State::generate()?,
            nonce: Nonce::generate()?,
            code_verifier: CodeVerifier::generate()?,
            redirect_uri,
            started_at: now,
        })
    }

    /// JSON for sessionStorage.
    pub fn to_storage_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Restores from sessionStorage; `None` if absent or tampered with.
    pub fn from_storage_json(json: &str) -> Option<Self> {
        serde_json::from_str(json).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> AuthorizationParams {
        AuthorizationParams {
            client_id: ClientId::new("11111111-2222-3333-4444-555555555555"),
            redirect_uri: RedirectUri::new("https://app.example/callback?from=signin&x=a b"),
            scope: Scope::new("openid profile offline_access"),
            state: State::new("st"),
            nonce: Nonce::new("no"),
            code_challenge: CodeChallenge::from_sha256_digest(&[0; 32]).unwrap(),
            prompt: None,
            login_hint: None,
            ui_locales: None,
        }
    }

    const ENDPOINT: &str = "https://contoso.ciamlogin.com/t/oauth2/v2.0/authorize";

    fn query_pairs(url: &str) -> Vec<(String, String)> {
        let query = url.split_once('?').unwrap().1;
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn url_carries_the_code_flow_parameters_in_order() {
        let built = build_authorization_url(ENDPOINT, &params()).unwrap();
        let names: Vec<&str> = built.params.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "client_id",
                "response_type",
                "redirect_uri",
                "response_mode",
                "scope",
                "state",
                "nonce",
                "code_challenge",
                "code_challenge_method"
            ]
        );
        let decoded = query_pairs(&built.url);
        let expected: Vec<(String, String)> = built
            .params
            .iter()
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect();
        assert_eq!(decoded, expected);
        assert!(built.url.contains("code_challenge_method=S256"));
        assert!(built.url.contains("response_type=code&"));
    }

    #[test]
    fn redirect_uri_with_query_characters_is_percent_encoded() {
        let built = build_authorization_url(ENDPOINT, &params()).unwrap();
        assert!(
            built.url.contains(
                "redirect_uri=https%3A%2F%2Fapp.example%2Fcallback%3Ffrom%3Dsignin%26x%3Da+b&"
            ),
            "{}",
            built.url
        );
    }

    #[test]
    fn scopes_with_spaces_are_encoded_as_plus() {
        let built = build_authorization_url(ENDPOINT, &params()).unwrap();
        assert!(built.url.contains("scope=openid+profile+offline_access&"));
    }

    #[test]
    fn login_hint_plus_and_at_are_percent_encoded_and_round_trip() {
        let mut p = params();
        p.login_hint = Some("a.b+tag@example.com".to_owned());
        p.prompt = Some(Prompt::Create);
        p.ui_locales = Some("fr-FR en".to_owned());
        let built = build_authorization_url(ENDPOINT, &p).unwrap();
        assert!(built.url.contains("login_hint=a.b%2Btag%40example.com"));
        assert!(built.url.contains("prompt=create"));
        assert!(built.url.ends_with("ui_locales=fr-FR+en"));
        let decoded = query_pairs(&built.url);
        assert!(decoded.contains(&("login_hint".to_owned(), "a.b+tag@example.com".to_owned())));
    }

    #[test]
    fn endpoint_with_a_query_gets_the_parameters_after_an_ampersand() {
        let built = build_authorization_url(&format!("{ENDPOINT}?p=signin"), &params()).unwrap();
        assert!(built
            .url
            .starts_with(&format!("{ENDPOINT}?p=signin&client_id=")));
    }

    #[test]
    fn rejects_a_scope_without_openid() {
        let mut p = params();
        p.scope = Scope::new("profile openidx");
        assert!(matches!(
            build_authorization_url(ENDPOINT, &p),
            Err(AuthorizeError::ScopeLacksOpenid { .. })
        ));
    }

    #[test]
    fn rejects_an_http_endpoint_and_a_redirect_uri_with_fragment() {
        assert!(matches!(
            build_authorization_url("http://contoso.example/authorize", &params()),
            Err(AuthorizeError::InvalidEndpoint { .. })
        ));
        let mut p = params();
        p.redirect_uri = RedirectUri::new("https://app.example/#/callback");
        assert!(matches!(
            build_authorization_url(ENDPOINT, &p),
            Err(AuthorizeError::InvalidRedirectUri { .. })
        ));
    }

    #[test]
    fn pending_sign_in_round_trips_through_storage_json() {
        let pending = PendingSignIn::generate(
            RedirectUri::new("https://app.example/callback"),
            1_700_000_000,
        )
        .unwrap();
        let restored = PendingSignIn::from_storage_json(&pending.to_storage_json());
        assert_eq!(restored, Some(pending));
        assert_eq!(PendingSignIn::from_storage_json("{\"state\":1}"), None);
    }
}
