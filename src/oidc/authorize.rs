//! The authorization request (OpenID Connect Core §3.1.2.1, RFC 7636 §4.3): the URL the browser
//! navigates to, and the same parameters as an ordered list for the page's table.

use std::fmt;

use serde_json::Value;

use super::discovery::is_secure_url;
use super::json::{compact, object, Members};
use super::options::RequestOptions;
use super::pkce::{CodeChallenge, CodeVerifier, CODE_CHALLENGE_METHOD};
use super::values::{ClientId, Nonce, RandomnessUnavailable, RedirectUri, Scope, State};

/// The `prompt` values of OpenID Connect Core §3.1.2.1, with Entra's `create`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// `none`: answer without showing a page, or with `login_required` /
    /// `interaction_required`.
    Silent,
    /// `login`: ask for credentials even with a session.
    Login,
    /// `select_account`: show the account picker.
    SelectAccount,
    /// `create`: start on the sign-up page (Initiating User Registration via OpenID Connect).
    Create,
    /// `consent`: ask for consent even when it was given.
    Consent,
}

impl Prompt {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Silent => "none",
            Self::Login => "login",
            Self::SelectAccount => "select_account",
            Self::Create => "create",
            Self::Consent => "consent",
        }
    }

    /// Every value, in the order a chooser lists them.
    pub const ALL: [Prompt; 5] = [
        Prompt::Silent,
        Prompt::Login,
        Prompt::SelectAccount,
        Prompt::Create,
        Prompt::Consent,
    ];

    /// The value for its wire name.
    pub fn from_wire(name: &str) -> Option<Prompt> {
        Prompt::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// Where the tenant puts its answer on the redirect URI (OAuth 2.0 Multiple Response Type
/// Encoding Practices §2.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResponseMode {
    /// In the query string: the default of the code flow.
    #[default]
    Query,
    /// In the fragment, which never reaches a server.
    Fragment,
}

impl ResponseMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseMode::Query => "query",
            ResponseMode::Fragment => "fragment",
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
    /// `state`.
    pub state: State,
    /// `nonce`.
    pub nonce: Nonce,
    /// `code_challenge` (S256).
    pub code_challenge: CodeChallenge,
    /// `scope` (with `openid`), `prompt`, the hints, `max_age`, `response_mode`, extras.
    pub options: RequestOptions,
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
    pub params: Vec<(String, String)>,
}

/// Builds the authorization URL with `response_type=code` and S256 PKCE.
pub fn build_authorization_url(
    authorization_endpoint: &str,
    params: &AuthorizationParams,
) -> Result<AuthorizationUrl, AuthorizeError> {
    if !is_secure_url(authorization_endpoint) || authorization_endpoint.contains('#') {
        return Err(AuthorizeError::InvalidEndpoint {
            found: authorization_endpoint.to_owned(),
        });
    }
    check_scope(&params.options.scope)?;
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

fn param_list(p: &AuthorizationParams) -> Vec<(String, String)> {
    let o = &p.options;
    let optional = [
        ("prompt", o.prompt.map(|p| p.as_str().to_owned())),
        ("login_hint", o.login_hint.clone()),
        ("domain_hint", o.domain_hint.clone()),
        ("ui_locales", o.ui_locales.clone()),
        ("max_age", o.max_age.map(|s| s.to_string())),
    ];
    [
        ("client_id", p.client_id.as_str().to_owned()),
        ("response_type", "code".to_owned()),
        ("redirect_uri", p.redirect_uri.as_str().to_owned()),
        ("response_mode", o.response_mode.as_str().to_owned()),
        ("scope", o.scope.as_str().to_owned()),
        ("state", p.state.as_str().to_owned()),
        ("nonce", p.nonce.as_str().to_owned()),
        ("code_challenge", p.code_challenge.as_str().to_owned()),
        ("code_challenge_method", CODE_CHALLENGE_METHOD.to_owned()),
    ]
    .into_iter()
    .chain(optional.into_iter().filter_map(|(n, v)| Some((n, v?))))
    .map(|(n, v)| (n.to_owned(), v))
    .chain(o.extra.iter().cloned())
    .collect()
}

/// What a parameter of the authorization request does, in one line.
pub fn param_meaning(name: &str) -> &'static str {
    match name {
        "client_id" => "This app's registration in the tenant.",
        "response_type" => "code: the authorization code flow; the tokens come from the token endpoint.",
        "redirect_uri" => "Where the tenant sends the answer; must be registered as a single-page application URI.",
        "response_mode" => "Where the answer goes on the redirect URI: query string or fragment.",
        "scope" => "What the tokens may do: openid for the ID token, offline_access for a refresh token, API scopes for an access token to your API.",
        "state" => "Random, single use: ties the answer to this tab's sign-in (CSRF protection).",
        "nonce" => "Random, single use: must come back inside the ID token (replay protection).",
        "code_challenge" => "PKCE: SHA-256 of the verifier this tab keeps for the token request.",
        "code_challenge_method" => "PKCE: S256, the challenge is a SHA-256 hash.",
        "prompt" => "none: no page (or an error); login: ask again; select_account: the picker; create: the sign-up page; consent: ask for consent.",
        "login_hint" => "Prefills the sign-in name (an email address).",
        "domain_hint" => "Goes straight to a federated identity provider (e.g. Google); the name is case-sensitive.",
        "ui_locales" => "The languages of the tenant's pages, e.g. fr-FR.",
        "max_age" => "Seconds since the last sign-in after which the user must sign in again; the ID token must then carry auth_time.",
        _ => "An extra parameter, sent as typed.",
    }
}

/// What the browser keeps in sessionStorage between the redirect out and the callback.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// `max_age` of the request: the ID token's `auth_time` is checked against it.
    pub max_age: Option<u64>,
    /// The `scope` requested; the code redemption repeats it.
    pub scope: Option<Scope>,
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
            max_age: None,
            scope: None,
        })
    }

    /// JSON for sessionStorage.
    pub fn to_storage_json(&self) -> String {
        compact(&object(vec![
            ("state", self.state.as_str().into()),
            ("nonce", self.nonce.as_str().into()),
            ("code_verifier", self.code_verifier.secret().into()),
            ("redirect_uri", self.redirect_uri.as_str().into()),
            ("started_at", self.started_at.into()),
            ("max_age", self.max_age.into()),
            ("scope", self.scope.as_ref().map(Scope::as_str).into()),
        ]))
    }

    /// Restores from sessionStorage; `None` if absent or tampered with (a member missing or of
    /// the wrong type, a verifier that breaks RFC 7636 §4.1).
    pub fn from_storage_json(json: &str) -> Option<Self> {
        let value: Value = serde_json::from_str(json).ok()?;
        let kept = Members::of(&value, "pending sign-in").ok()?;
        let text = |field| kept.str(field).ok();
        Some(Self {
            state: State::new(text("state")?),
            nonce: Nonce::new(text("nonce")?),
            code_verifier: CodeVerifier::parse(text("code_verifier")?).ok()?,
            redirect_uri: RedirectUri::new(text("redirect_uri")?),
            started_at: kept.i64("started_at").ok()?,
            max_age: match kept.get("max_age") {
                None => None,
                Some(max_age) => Some(max_age.as_u64()?),
            },
            scope: kept.opt_str("scope").ok()?.map(Scope::new),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> AuthorizationParams {
        AuthorizationParams {
            client_id: ClientId::new("11111111-2222-3333-4444-555555555555"),
            redirect_uri: RedirectUri::new("https://app.example/callback?from=signin&x=a b"),
            state: State::new("st"),
            nonce: Nonce::new("no"),
            code_challenge: CodeChallenge::from_sha256_digest(&[0; 32]).unwrap(),
            options: RequestOptions::with_scope(Scope::new("openid profile offline_access")),
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
        let names: Vec<&str> = built.params.iter().map(|(n, _)| n.as_str()).collect();
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
        p.options.login_hint = Some("a.b+tag@example.com".to_owned());
        p.options.prompt = Some(Prompt::Create);
        p.options.ui_locales = Some("fr-FR en".to_owned());
        let built = build_authorization_url(ENDPOINT, &p).unwrap();
        assert!(built.url.contains("login_hint=a.b%2Btag%40example.com"));
        assert!(built.url.contains("prompt=create"));
        assert!(built.url.ends_with("ui_locales=fr-FR+en"));
        let decoded = query_pairs(&built.url);
        assert!(decoded.contains(&("login_hint".to_owned(), "a.b+tag@example.com".to_owned())));
    }

    #[test]
    fn the_chosen_options_follow_the_flow_parameters_in_a_fixed_order() {
        let mut p = params();
        p.options.prompt = Some(Prompt::Silent);
        p.options.domain_hint = Some("Google".to_owned());
        p.options.max_age = Some(0);
        p.options.response_mode = ResponseMode::Fragment;
        p.options.extra = vec![("acr_values".to_owned(), "a b".to_owned())];
        let built = build_authorization_url(ENDPOINT, &p).unwrap();
        let tail: Vec<(&str, &str)> = built.params[9..]
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            tail,
            [
                ("prompt", "none"),
                ("domain_hint", "Google"),
                ("max_age", "0"),
                ("acr_values", "a b")
            ]
        );
        assert!(built.url.contains("response_mode=fragment&"));
        assert!(built.url.ends_with("&acr_values=a+b"));
        for (name, _) in &built.params[..9] {
            assert!(!param_meaning(name).starts_with("An extra"), "{name}");
        }
        assert!(param_meaning("acr_values").starts_with("An extra"));
    }

    #[test]
    fn every_prompt_round_trips_through_its_wire_name() {
        for prompt in Prompt::ALL {
            assert_eq!(Prompt::from_wire(prompt.as_str()), Some(prompt));
        }
        assert_eq!(Prompt::from_wire("None"), None);
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
        p.options.scope = Scope::new("profile openidx");
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
        assert_eq!(restored, Some(pending.clone()));
        assert_eq!(PendingSignIn::from_storage_json("{\"state\":1}"), None);
        let asked = PendingSignIn {
            max_age: Some(600),
            scope: Some(Scope::new("openid offline_access")),
            ..pending
        };
        let json = asked.to_storage_json();
        assert_eq!(PendingSignIn::from_storage_json(&json), Some(asked.clone()));
        let mut value: Value = serde_json::from_str(&json).unwrap();
        value["added_later"] = serde_json::json!({"ignored": true});
        value.as_object_mut().unwrap().remove("scope");
        let read = PendingSignIn::from_storage_json(&value.to_string()).unwrap();
        assert_eq!(read.scope, None);
        for (member, wrong) in [
            ("code_verifier", serde_json::json!("too-short")),
            ("started_at", serde_json::json!("1700000000")),
            ("max_age", serde_json::json!(-1)),
            ("nonce", Value::Null),
        ] {
            let mut broken = value.clone();
            broken[member] = wrong;
            assert_eq!(
                PendingSignIn::from_storage_json(&broken.to_string()),
                None,
                "{member}"
            );
        }
    }
}
