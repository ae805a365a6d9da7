//! The authorization response on the redirect URI (RFC 6749 §4.1.2, §4.1.2.1; OpenID Connect
//! Core §3.1.2.5, §3.1.2.6): parse the query and fragment, check `state`, and clean the URL.

use std::fmt;

use super::entra_errors::{aadsts_advice, parse_aadsts_code, Advice};
use super::values::{AuthorizationCode, IssuerUrl, State};

/// The parameters the authorization server may add to the redirect URI.
pub const CALLBACK_PARAMS: [&str; 9] = [
    "code",
    "state",
    "session_state",
    "error",
    "error_description",
    "error_uri",
    "error_subcode",
    "iss",
    "client_info",
];

/// The longest callback URL read: 16 KiB. Entra's answers are a few hundred bytes (the code is
/// under 2 KiB); a longer URL is not an authorization response and is refused unparsed.
pub const MAX_CALLBACK_URL_BYTES: usize = 16 * 1024;

/// A successful authorization response (RFC 6749 §4.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationResponse {
    /// `code`: one-time, masked in `Debug`.
    pub code: AuthorizationCode,
    /// `state` as returned.
    pub state: State,
    /// `session_state` (OpenID Connect Session Management), if sent.
    pub session_state: Option<String>,
    /// `iss` (RFC 9207), if sent: the issuer that answered, to detect a mix-up.
    pub iss: Option<String>,
}

impl AuthorizationResponse {
    /// RFC 6749 §10.12: the `state` is the one this browser sent.
    pub fn check_state(&self, expected: &State) -> Result<(), CallbackError> {
        match self.state == *expected {
            true => Ok(()),
            false => Err(CallbackError::StateMismatch {
                expected: expected.as_str().to_owned(),
                found: self.state.as_str().to_owned(),
            }),
        }
    }

    /// RFC 9207 §2.4: an `iss` in the response must equal the discovered issuer exactly, else
    /// the code may come from another server and must not be redeemed. Entra sends none.
    pub fn check_issuer(&self, issuer: &IssuerUrl) -> Result<(), CallbackError> {
        match &self.iss {
            Some(found) if found != issuer.as_str() => Err(CallbackError::IssuerMismatch {
                expected: issuer.as_str().to_owned(),
                found: found.clone(),
            }),
            _ => Ok(()),
        }
    }
}

/// An error response (RFC 6749 §4.1.2.1), e.g. `access_denied` when the user cancels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationErrorResponse {
    /// `error`.
    pub error: String,
    /// `error_description`, often starting with an `AADSTS` number.
    pub error_description: Option<String>,
    /// `error_uri`.
    pub error_uri: Option<String>,
    /// `state` as returned, if any.
    pub state: Option<String>,
}

impl AuthorizationErrorResponse {
    /// The `AADSTS` number in the description, if any.
    pub fn aadsts_code(&self) -> Option<u32> {
        self.error_description
            .as_deref()
            .and_then(parse_aadsts_code)
    }

    /// Meaning and fix for the `AADSTS` code, if it is a common one.
    pub fn advice(&self) -> Option<Advice> {
        self.aadsts_code().and_then(aadsts_advice)
    }

    /// The answers to `prompt=none` when the tenant would have to show a page (Core §3.1.2.6):
    /// no session, or the session needs the user's interaction or consent.
    pub fn needs_the_user(&self) -> bool {
        matches!(
            self.error.as_str(),
            "login_required"
                | "interaction_required"
                | "consent_required"
                | "account_selection_required"
        )
    }
}

impl fmt::Display for AuthorizationErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the sign-in returned error {:?}", self.error)?;
        if let Some(d) = &self.error_description {
            write!(f, ": {d}")?;
        }
        if let Some(a) = self.advice() {
            write!(f, " — {}: {}", a.meaning, a.fix)?;
        }
        Ok(())
    }
}

/// What came back on the redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// `code` and `state`.
    Success(AuthorizationResponse),
    /// `error` (and `error_description`, `error_uri`).
    Error(AuthorizationErrorResponse),
}

/// Why the callback URL is not a usable authorization response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackError {
    /// The URL is over [`MAX_CALLBACK_URL_BYTES`]: refused unparsed (its text is not shown).
    TooLong { limit: usize, found: usize },
    /// Neither `code` nor `error`: this URL is not an authorization response.
    NoResponse,
    /// RFC 6749 §4.1.2: a required parameter is absent or empty.
    MissingParameter { name: &'static str },
    /// RFC 6749 §3.1: a response parameter appears more than once.
    DuplicateParameter { name: &'static str },
    /// Both `code` and `error` are present.
    CodeAndError,
    /// RFC 6749 §10.12: `state` differs from the one this browser sent.
    StateMismatch { expected: String, found: String },
    /// RFC 9207 §2.4: the response names another issuer than the discovered one.
    IssuerMismatch { expected: String, found: String },
    /// The authorization server answered with an error.
    Authorization(AuthorizationErrorResponse),
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong { limit, found } => write!(
                f,
                "the callback URL is {found} bytes long, over the {limit}-byte (16 KiB) limit of \
                 an authorization response: it was not read; start the sign-in again from the \
                 home page (a link that long did not come from the tenant)"
            ),
            Self::NoResponse => f.write_str(
                "this URL carries no authorization response (no code, no error): start the \
                 sign-in from the home page",
            ),
            Self::MissingParameter { name } => write!(
                f,
                "the authorization response lacks {name:?} (RFC 6749 §4.1.2): start the sign-in \
                 again"
            ),
            Self::DuplicateParameter { name } => write!(
                f,
                "the authorization response repeats {name:?} (RFC 6749 §3.1): refused as \
                 tampered with; start the sign-in again"
            ),
            Self::CodeAndError => f.write_str(
                "the authorization response has both code and error: refused; start again",
            ),
            Self::StateMismatch { expected, found } => write!(
                f,
                "state mismatch (RFC 6749 §10.12): expected {expected:?}, found {found:?}: the \
                 response belongs to another sign-in (another tab, or storage was cleared); \
                 start the sign-in again"
            ),
            Self::IssuerMismatch { expected, found } => write!(
                f,
                "the authorization response names issuer {found:?}, not the discovered {expected:?} \
                 (RFC 9207 §2.4): the code may come from another server (mix-up attack), so it \
                 was not redeemed; start the sign-in again, and check the configured authority"
            ),
            Self::Authorization(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for CallbackError {}

/// The `(name, value)` pairs of the query, then of the fragment, decoded.
fn response_pairs(url: &str) -> Vec<(String, String)> {
    let (before_fragment, fragment) = url.split_once('#').unwrap_or((url, ""));
    let query = before_fragment.split_once('?').map_or("", |(_, q)| q);
    let parse = |s: &str| {
        form_urlencoded::parse(s.as_bytes())
            .into_owned()
            .collect::<Vec<_>>()
    };
    let mut pairs = parse(query);
    pairs.extend(parse(fragment));
    pairs
}

/// The single value of a callback parameter; a repeated parameter is an error.
fn single(pairs: &[(String, String)], name: &'static str) -> Result<Option<String>, CallbackError> {
    let mut values = pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v);
    match (values.next(), values.next()) {
        (_, Some(_)) => Err(CallbackError::DuplicateParameter { name }),
        (value, None) => Ok(value.cloned()),
    }
}

fn required(value: Option<String>, name: &'static str) -> Result<String, CallbackError> {
    value
        .filter(|v| !v.is_empty())
        .ok_or(CallbackError::MissingParameter { name })
}

/// Parses the callback URL (query and fragment). Never panics on a malformed URL.
pub fn parse_callback(url: &str) -> Result<Callback, CallbackError> {
    if url.len() > MAX_CALLBACK_URL_BYTES {
        return Err(CallbackError::TooLong {
            limit: MAX_CALLBACK_URL_BYTES,
            found: url.len(),
        });
    }
    let pairs = response_pairs(url);
    let get = |name| single(&pairs, name);
    let (code, state, error) = (get("code")?, get("state")?, get("error")?);
    let (error_description, error_uri) = (get("error_description")?, get("error_uri")?);
    let (session_state, iss) = (get("session_state")?, get("iss")?);
    match (code, error) {
        (Some(_), Some(_)) => Err(CallbackError::CodeAndError),
        (None, None) => Err(CallbackError::NoResponse),
        (None, Some(error)) => Ok(Callback::Error(AuthorizationErrorResponse {
            error: required(Some(error), "error")?,
            error_description,
            error_uri,
            state,
        })),
        (Some(code), None) => Ok(Callback::Success(AuthorizationResponse {
            code: AuthorizationCode::new(required(Some(code), "code")?),
            state: State::new(required(state, "state")?),
            session_state,
            iss,
        })),
    }
}

/// Parses the callback and checks `state` (RFC 6749 §10.12): the code, or why there is none.
pub fn process_callback(
    url: &str,
    expected_state: &State,
) -> Result<AuthorizationResponse, CallbackError> {
    match parse_callback(url)? {
        Callback::Error(e) => Err(CallbackError::Authorization(e)),
        Callback::Success(r) => r.check_state(expected_state).map(|()| r),
    }
}

/// The URL without the callback parameters (for `history.replaceState`): other query parameters
/// are kept as written; a fragment made only of callback parameters is dropped.
pub fn strip_callback_params(url: &str) -> String {
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let (base, query) = match before_fragment.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (before_fragment, None),
    };
    let mut out = base.to_owned();
    if let Some(kept) = query.map(keep_non_callback).filter(|q| !q.is_empty()) {
        out.push('?');
        out.push_str(&kept);
    }
    if let Some(kept) = fragment.map(keep_non_callback).filter(|f| !f.is_empty()) {
        out.push('#');
        out.push_str(&kept);
    }
    out
}

fn keep_non_callback(part: &str) -> String {
    part.split('&')
        .filter(|segment| !segment.is_empty())
        .filter(|segment| {
            let name = segment.split('=').next().unwrap_or_default();
            let decoded: String = form_urlencoded::parse(name.as_bytes())
                .map(|(n, _)| n.into_owned())
                .collect();
            !CALLBACK_PARAMS.contains(&decoded.as_str())
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://app.example/callback";

    #[test]
    fn parses_code_state_and_session_state_from_the_query() {
        let url = format!("{BASE}?code=0.AbC-d_e&state=xyz&session_state=s1");
        let parsed = parse_callback(&url).unwrap();
        assert_eq!(
            parsed,
            Callback::Success(AuthorizationResponse {
                code: AuthorizationCode::new("0.AbC-d_e"),
                state: State::new("xyz"),
                session_state: Some("s1".to_owned()),
                iss: None,
            })
        );
    }

    const ISSUER: &str = "https://tenant.ciamlogin.com/tenant/v2.0";

    #[test]
    fn an_iss_equal_to_the_discovered_issuer_passes() {
        let url = format!("{BASE}?code=a&state=x&iss={}", urlencode(ISSUER));
        let r = process_callback(&url, &State::new("x")).unwrap();
        assert_eq!(r.iss.as_deref(), Some(ISSUER));
        assert_eq!(r.check_issuer(&IssuerUrl::new(ISSUER)), Ok(()));
    }

    #[test]
    fn an_absent_iss_passes_as_entra_sends_none() {
        let r = process_callback(&format!("{BASE}?code=a&state=x"), &State::new("x")).unwrap();
        assert_eq!(r.check_issuer(&IssuerUrl::new(ISSUER)), Ok(()));
    }

    #[test]
    fn an_iss_naming_another_server_is_a_mix_up() {
        let other = "https://attacker.example/v2.0";
        let url = format!("{BASE}?code=SECRETCODE&state=x&iss={}", urlencode(other));
        let r = process_callback(&url, &State::new("x")).unwrap();
        let err = r.check_issuer(&IssuerUrl::new(ISSUER)).unwrap_err();
        assert_eq!(
            err,
            CallbackError::IssuerMismatch {
                expected: ISSUER.to_owned(),
                found: other.to_owned()
            }
        );
        assert!(err.to_string().contains("RFC 9207"), "{err}");
        assert!(!err.to_string().contains("SECRETCODE"));
        // A prefix of the issuer is not the issuer.
        let prefix = format!("{BASE}?code=a&state=x&iss={}", urlencode(&ISSUER[..20]));
        let r = process_callback(&prefix, &State::new("x")).unwrap();
        assert!(r.check_issuer(&IssuerUrl::new(ISSUER)).is_err());
    }

    #[test]
    fn a_repeated_iss_is_refused() {
        assert_eq!(
            parse_callback(&format!("{BASE}?code=a&state=x&iss=a&iss=b")),
            Err(CallbackError::DuplicateParameter { name: "iss" })
        );
    }

    fn urlencode(s: &str) -> String {
        form_urlencoded::byte_serialize(s.as_bytes()).collect()
    }

    #[test]
    fn parses_a_response_delivered_in_the_fragment() {
        let url = format!("{BASE}#code=abc&state=xyz");
        assert!(matches!(parse_callback(&url), Ok(Callback::Success(_))));
    }

    #[test]
    fn parses_an_error_response_with_its_aadsts_advice() {
        let url = format!(
            "{BASE}?error=invalid_request&error_description=AADSTS50011%3A+The+redirect+URI+\
             does+not+match&error_uri=https%3A%2F%2Flogin.example%2Ferror&state=xyz"
        );
        let Ok(Callback::Error(e)) = parse_callback(&url) else {
            panic!("expected an error response");
        };
        assert_eq!(e.error, "invalid_request");
        assert_eq!(e.error_uri.as_deref(), Some("https://login.example/error"));
        assert_eq!(e.state.as_deref(), Some("xyz"));
        assert_eq!(e.aadsts_code(), Some(50011));
        assert!(e.to_string().contains("Single-page application"), "{e}");
    }

    #[test]
    fn parses_an_error_without_description() {
        let Ok(Callback::Error(e)) = parse_callback(&format!("{BASE}?error=access_denied")) else {
            panic!("expected an error response");
        };
        assert_eq!(e.error_description, None);
        assert_eq!(e.advice(), None);
    }

    #[test]
    fn rejects_a_code_without_state() {
        assert_eq!(
            parse_callback(&format!("{BASE}?code=abc")),
            Err(CallbackError::MissingParameter { name: "state" })
        );
    }

    #[test]
    fn rejects_an_empty_code() {
        assert_eq!(
            parse_callback(&format!("{BASE}?code=&state=x")),
            Err(CallbackError::MissingParameter { name: "code" })
        );
    }

    #[test]
    fn rejects_a_state_without_code_or_error_as_no_response() {
        assert_eq!(
            parse_callback(&format!("{BASE}?state=x")),
            Err(CallbackError::NoResponse)
        );
    }

    #[test]
    fn garbage_urls_are_errors_not_panics() {
        for url in [
            "",
            "%%%",
            "?&&==&",
            "#",
            "https://x/?%zz=%ff&code",
            "\u{0}?code=%",
        ] {
            assert!(parse_callback(url).is_err(), "{url:?}");
        }
    }

    #[test]
    fn a_callback_url_over_16_kib_is_refused_without_echoing_it() {
        let padding = "x".repeat(MAX_CALLBACK_URL_BYTES);
        let url = format!("{BASE}?code=SECRETCODE&state=s&pad={padding}");
        let err = parse_callback(&url).unwrap_err();
        assert_eq!(
            err,
            CallbackError::TooLong {
                limit: MAX_CALLBACK_URL_BYTES,
                found: url.len()
            }
        );
        let text = err.to_string();
        assert!(text.contains("16384-byte") && text.contains(&url.len().to_string()));
        assert!(!text.contains("SECRETCODE") && !format!("{err:?}").contains("SECRETCODE"));
        let fits = format!("{BASE}?code=a&state=s&pad=");
        let fits = format!("{fits}{}", "x".repeat(MAX_CALLBACK_URL_BYTES - fits.len()));
        assert!(parse_callback(&fits).is_ok());
    }

    #[test]
    fn rejects_a_duplicated_state_or_code() {
        assert_eq!(
            parse_callback(&format!("{BASE}?code=a&state=x&state=y")),
            Err(CallbackError::DuplicateParameter { name: "state" })
        );
        assert_eq!(
            parse_callback(&format!("{BASE}?code=a&state=x#code=b")),
            Err(CallbackError::DuplicateParameter { name: "code" })
        );
    }

    #[test]
    fn rejects_code_together_with_error() {
        assert_eq!(
            parse_callback(&format!("{BASE}?code=a&state=x&error=access_denied")),
            Err(CallbackError::CodeAndError)
        );
    }

    #[test]
    fn process_returns_the_code_when_state_matches() {
        let r =
            process_callback(&format!("{BASE}?code=abc&state=xyz"), &State::new("xyz")).unwrap();
        assert_eq!(r.code.secret(), "abc");
    }

    #[test]
    fn process_rejects_a_state_from_another_sign_in() {
        assert_eq!(
            process_callback(&format!("{BASE}?code=abc&state=other"), &State::new("xyz")),
            Err(CallbackError::StateMismatch {
                expected: "xyz".to_owned(),
                found: "other".to_owned()
            })
        );
    }

    #[test]
    fn process_turns_an_error_response_into_an_error() {
        assert!(matches!(
            process_callback(
                &format!("{BASE}?error=access_denied&state=xyz"),
                &State::new("xyz")
            ),
            Err(CallbackError::Authorization(_))
        ));
    }

    #[test]
    fn callback_error_display_never_prints_the_code() {
        let err = process_callback(&format!("{BASE}?code=SECRETCODE&state=a"), &State::new("b"))
            .unwrap_err();
        assert!(!err.to_string().contains("SECRETCODE"));
        assert!(!format!("{err:?}").contains("SECRETCODE"));
    }

    #[test]
    fn strip_removes_callback_params_and_keeps_the_others() {
        assert_eq!(
            strip_callback_params(&format!(
                "{BASE}?lang=fr&code=abc&state=xyz&session_state=s&x=%20y"
            )),
            format!("{BASE}?lang=fr&x=%20y")
        );
        assert_eq!(
            strip_callback_params(&format!("{BASE}?code=a&state=b")),
            BASE
        );
        assert_eq!(
            strip_callback_params(&format!("{BASE}?error=e&error_description=d&error_uri=u")),
            BASE
        );
        assert_eq!(
            strip_callback_params(&format!("{BASE}#code=a&state=b")),
            BASE
        );
        assert_eq!(
            strip_callback_params(&format!("{BASE}?code=a#section")),
            format!("{BASE}#section")
        );
    }
}
