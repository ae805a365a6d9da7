//! Sign-out at the tenant (OpenID Connect RP-Initiated Logout 1.0): the URL the browser navigates
//! to (§2), and the `state` on the page the tenant sends the browser back to (§3).

use std::fmt;

use super::discovery::{is_secure_url, url_parts};
use super::values::{shorten_token, ClientId, RawIdToken, State};

/// Everything the end-session URL carries.
#[derive(Debug, Clone, Copy)]
pub struct EndSessionParams<'a> {
    /// `client_id`: names the app when the tenant cannot read it from the hint (§2).
    pub client_id: &'a ClientId,
    /// `id_token_hint`: the ID token of the session to end (§2, RECOMMENDED). Masked in `Debug`.
    pub id_token_hint: Option<&'a RawIdToken>,
    /// `post_logout_redirect_uri`: Entra redirects there only if it is one of the app's
    /// registered redirect URIs.
    pub post_logout_redirect_uri: &'a str,
    /// `state`: returned on the post-logout redirect, binding it to this sign-out (§2, §3).
    pub state: &'a State,
}

/// Why the end-session URL could not be built. Never carries the ID token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndSessionError {
    /// The `end_session_endpoint` is not https (http only on a loopback host) or has a fragment.
    InvalidEndpoint { found: String },
    /// §2: `post_logout_redirect_uri` is not an absolute http(s) URL without fragment.
    InvalidPostLogoutRedirectUri { found: String },
}

impl fmt::Display for EndSessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidEndpoint { found } => write!(
                f,
                "end_session_endpoint must be an https URL (http only on 127.0.0.1, localhost or \
                 [::1]) without fragment, found {found:?}: use the end_session_endpoint of the \
                 tenant's OpenID metadata"
            ),
            Self::InvalidPostLogoutRedirectUri { found } => write!(
                f,
                "post_logout_redirect_uri must be an absolute http(s) URL without fragment \
                 (RP-Initiated Logout §2), found {found:?}: configure the app's full sign-out \
                 return URL, e.g. https://app.example/"
            ),
        }
    }
}

impl std::error::Error for EndSessionError {}

/// The built sign-out URL. `Debug` prints the endpoint and the parameters with the ID token
/// shortened, never the full URL (its `id_token_hint` is the whole ID token).
#[derive(Clone, PartialEq, Eq)]
pub struct EndSessionUrl {
    /// The full URL: endpoint (with its own query) + form-urlencoded parameters. Navigate to it,
    /// never log it.
    pub url: String,
    endpoint: String,
    params: Vec<(&'static str, String)>,
}

impl EndSessionUrl {
    /// The parameters in URL order, values not encoded, `id_token_hint` shortened to the start
    /// of its JOSE header and its length.
    pub fn params_for_display(&self) -> Vec<(&'static str, String)> {
        self.params
            .iter()
            .map(|(name, value)| match *name {
                "id_token_hint" => (*name, shorten_token(value)),
                _ => (*name, value.clone()),
            })
            .collect()
    }
}

impl fmt::Debug for EndSessionUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndSessionUrl")
            .field("endpoint", &self.endpoint)
            .field("params", &self.params_for_display())
            .finish()
    }
}

/// Builds the end-session URL (§2): `client_id`, `id_token_hint` (when given),
/// `post_logout_redirect_uri` and `state`, after any query the endpoint already has.
pub fn build_end_session_url(
    end_session_endpoint: &str,
    params: &EndSessionParams<'_>,
) -> Result<EndSessionUrl, EndSessionError> {
    if !is_secure_url(end_session_endpoint) || end_session_endpoint.contains('#') {
        return Err(EndSessionError::InvalidEndpoint {
            found: end_session_endpoint.to_owned(),
        });
    }
    let redirect = params.post_logout_redirect_uri;
    if !is_absolute_http_url(redirect) {
        return Err(EndSessionError::InvalidPostLogoutRedirectUri {
            found: redirect.to_owned(),
        });
    }
    let mut list = vec![("client_id", params.client_id.as_str().to_owned())];
    if let Some(hint) = params.id_token_hint {
        list.push(("id_token_hint", hint.secret().to_owned()));
    }
    list.push(("post_logout_redirect_uri", redirect.to_owned()));
    list.push(("state", params.state.as_str().to_owned()));
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &list {
        query.append_pair(name, value);
    }
    let separator = match end_session_endpoint.split_once('?') {
        None => "?",
        Some((_, q)) if q.is_empty() || q.ends_with('&') => "",
        Some(_) => "&",
    };
    Ok(EndSessionUrl {
        url: format!("{end_session_endpoint}{separator}{}", query.finish()),
        endpoint: end_session_endpoint.to_owned(),
        params: list,
    })
}

fn is_absolute_http_url(url: &str) -> bool {
    let http = url_parts(url).is_some_and(|p| {
        p.scheme.eq_ignore_ascii_case("https") || p.scheme.eq_ignore_ascii_case("http")
    });
    http && !url.contains('#')
}

/// The `state` query parameter of the page the tenant sent the browser back to after sign-out
/// (§3). `None` when absent, empty or repeated (a repeated `state` is not trusted).
pub fn sign_out_return_state(url: &str) -> Option<State> {
    let before_fragment = url.split('#').next().unwrap_or_default();
    let query = before_fragment.split_once('?').map_or("", |(_, q)| q);
    let mut states = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name == "state")
        .map(|(_, value)| value.into_owned());
    match (states.next(), states.next()) {
        (Some(state), None) if !state.is_empty() => Some(State::new(state)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oidc::callback::strip_callback_params;

    const TENANT: &str = "0e5a1a3b-8b2c-4c8e-9d7f-1a2b3c4d5e6f";
    const CLIENT: &str = "11111111-2222-3333-4444-555555555555";
    const RETURN: &str = "https://app.example/signed-out?from=menu&lang=fr";

    fn endpoint() -> String {
        format!("https://{TENANT}.ciamlogin.com/{TENANT}/oauth2/v2.0/logout")
    }

    /// An ID-token-shaped value: a JOSE header, a payload and a signature, base64url.
    fn id_token() -> RawIdToken {
        RawIdToken::new(format!(
            "eyJhbGciOiJSUzI1NiIsImtpZCI6ImtleS0xIn0.{}.{}",
            "eyJzdWIiOiJBQUFBIn0".repeat(8),
            "c2lnbmF0dXJl".repeat(20)
        ))
    }

    fn build(
        endpoint: &str,
        hint: Option<&RawIdToken>,
        redirect: &str,
        state: &str,
    ) -> Result<EndSessionUrl, EndSessionError> {
        build_end_session_url(
            endpoint,
            &EndSessionParams {
                client_id: &ClientId::new(CLIENT),
                id_token_hint: hint,
                post_logout_redirect_uri: redirect,
                state: &State::new(state),
            },
        )
    }

    fn query_pairs(url: &str) -> Vec<(String, String)> {
        let query = url.split_once('?').map_or("", |(_, q)| q);
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    fn pair(name: &str, value: &str) -> (String, String) {
        (name.to_owned(), value.to_owned())
    }

    #[test]
    fn url_carries_the_four_parameters_in_order_and_they_round_trip() {
        let token = id_token();
        let built = build(&endpoint(), Some(&token), RETURN, "st").unwrap();
        assert!(built.url.starts_with(&format!("{}?client_id=", endpoint())));
        assert_eq!(
            query_pairs(&built.url),
            [
                pair("client_id", CLIENT),
                pair("id_token_hint", token.secret()),
                pair("post_logout_redirect_uri", RETURN),
                pair("state", "st"),
            ]
        );
    }

    #[test]
    fn redirect_uri_with_query_characters_is_percent_encoded() {
        let built = build(&endpoint(), None, RETURN, "st").unwrap();
        assert!(
            built.url.contains(
                "&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Fsigned-out%3Ffrom%3Dmenu\
                 %26lang%3Dfr&state=st"
            ),
            "{}",
            built.url
        );
    }

    #[test]
    fn state_with_url_special_characters_is_percent_encoded_and_round_trips() {
        let state = "a+b/c=d&e?f#g h%";
        let built = build(&endpoint(), None, RETURN, state).unwrap();
        assert!(
            built.url.ends_with("&state=a%2Bb%2Fc%3Dd%26e%3Ff%23g+h%25"),
            "{}",
            built.url
        );
        assert_eq!(query_pairs(&built.url).last(), Some(&pair("state", state)));
    }

    #[test]
    fn endpoint_with_its_own_query_keeps_it_and_gets_the_parameters_after_an_ampersand() {
        let with_policy = format!("{}?p=B2C_1_signin", endpoint());
        let built = build(&with_policy, None, RETURN, "st").unwrap();
        assert!(built
            .url
            .starts_with(&format!("{with_policy}&client_id={CLIENT}&")));
        assert_eq!(query_pairs(&built.url)[0], pair("p", "B2C_1_signin"));
        let trailing = build(&format!("{}?", endpoint()), None, RETURN, "st").unwrap();
        assert!(trailing
            .url
            .starts_with(&format!("{}?client_id=", endpoint())));
    }

    #[test]
    fn omits_id_token_hint_when_none_is_given() {
        let built = build(&endpoint(), None, RETURN, "st").unwrap();
        assert!(!built.url.contains("id_token_hint"), "{}", built.url);
        let names: Vec<&str> = built.params_for_display().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["client_id", "post_logout_redirect_uri", "state"]);
    }

    #[test]
    fn accepts_plain_http_endpoint_only_on_a_loopback_host() {
        for local in [
            "http://127.0.0.1:8081/logout",
            "http://localhost:8081/logout",
            "http://[::1]:8081/logout",
        ] {
            assert!(build(local, None, RETURN, "st").is_ok(), "{local}");
        }
        assert_eq!(
            build("http://contoso.ciamlogin.com/logout", None, RETURN, "st"),
            Err(EndSessionError::InvalidEndpoint {
                found: "http://contoso.ciamlogin.com/logout".to_owned()
            })
        );
    }

    #[test]
    fn rejects_an_endpoint_that_is_relative_or_has_a_fragment() {
        for bad in [
            "/oauth2/v2.0/logout".to_owned(),
            "https://".to_owned(),
            format!("{}#logout", endpoint()),
        ] {
            assert!(
                matches!(
                    build(&bad, None, RETURN, "st"),
                    Err(EndSessionError::InvalidEndpoint { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn rejects_a_post_logout_redirect_uri_that_is_not_absolute_http() {
        for bad in [
            "/signed-out",
            "app.example/signed-out",
            "javascript:alert(1)",
            "https://app.example/#/signed-out",
        ] {
            assert_eq!(
                build(&endpoint(), None, bad, "st"),
                Err(EndSessionError::InvalidPostLogoutRedirectUri {
                    found: bad.to_owned()
                }),
                "{bad}"
            );
        }
        assert!(build(&endpoint(), None, "http://localhost:8080/", "st").is_ok());
    }

    #[test]
    fn error_display_says_the_fix() {
        let endpoint_error = build("http://contoso.example/logout", None, RETURN, "st")
            .unwrap_err()
            .to_string();
        assert!(endpoint_error.contains("end_session_endpoint of the tenant's OpenID metadata"));
        let redirect_error = build(&endpoint(), Some(&id_token()), "/out", "st")
            .unwrap_err()
            .to_string();
        assert!(redirect_error.contains("configure the app's full sign-out return URL"));
        assert!(!redirect_error.contains(id_token().secret()));
    }

    #[test]
    fn display_params_and_debug_shorten_the_id_token() {
        let token = id_token();
        let built = build(&endpoint(), Some(&token), RETURN, "st").unwrap();
        let length = token.secret().len();
        assert_eq!(
            built.params_for_display(),
            [
                ("client_id", CLIENT.to_owned()),
                (
                    "id_token_hint",
                    format!("{}… ({length} chars)", &token.secret()[..16])
                ),
                ("post_logout_redirect_uri", RETURN.to_owned()),
                ("state", "st".to_owned()),
            ]
        );
        let shown = format!("{built:?}");
        assert!(!shown.contains(token.secret()), "{shown}");
        assert!(!shown.contains(&built.url), "{shown}");
        let signature = token.secret().rsplit('.').next().unwrap_or_default();
        assert!(!shown.contains(signature), "{shown}");
        assert!(shown.contains(&endpoint()), "{shown}");
    }

    #[test]
    fn return_state_is_read_from_the_query_and_decoded() {
        assert_eq!(
            sign_out_return_state("https://app.example/signed-out?from=menu&state=a%2Bb+c"),
            Some(State::new("a+b c"))
        );
        assert_eq!(
            sign_out_return_state("https://app.example/?state=xyz#section"),
            Some(State::new("xyz"))
        );
    }

    #[test]
    fn return_state_is_none_when_absent_empty_repeated_or_only_in_the_fragment() {
        for url in [
            "https://app.example/signed-out",
            "https://app.example/signed-out?from=menu",
            "https://app.example/signed-out?state=",
            "https://app.example/signed-out?state=a&state=b",
            "https://app.example/signed-out#state=xyz",
            "",
            "%%%?state=%zz&state",
        ] {
            assert_eq!(sign_out_return_state(url), None, "{url:?}");
        }
    }

    #[test]
    fn strip_callback_params_removes_the_return_state() {
        assert_eq!(
            strip_callback_params("https://app.example/signed-out?from=menu&state=xyz"),
            "https://app.example/signed-out?from=menu"
        );
    }
}
