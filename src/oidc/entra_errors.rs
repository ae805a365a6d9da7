//! What the common `AADSTS` error codes mean, and how to fix them in the Entra admin center.

/// Meaning and fix for one `AADSTS` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advice {
    /// The number after `AADSTS`.
    pub code: u32,
    /// One line: what Entra refused.
    pub meaning: &'static str,
    /// One line: what to change, in Entra terms.
    pub fix: &'static str,
}

const fn advice(code: u32, meaning: &'static str, fix: &'static str) -> Advice {
    Advice { code, meaning, fix }
}

const ADVICE: [Advice; 14] = [
    advice(
        50011,
        "the redirect URI in the request is not registered for this app",
        "register the redirect URI exactly (scheme, host, port, path, trailing slash) under \
         Authentication → Single-page application platform",
    ),
    advice(
        700016,
        "no application with this client ID exists in the tenant the authority points at",
        "copy the Application (client) ID from the app registration in the External ID tenant, \
         and check that the authority names that tenant",
    ),
    advice(
        9002325,
        "PKCE is required for cross-origin authorization code redemption",
        "send code_challenge with code_challenge_method=S256 and the matching code_verifier",
    ),
    advice(
        9002326,
        "cross-origin token redemption is allowed only for the Single-page application client \
         type: the redirect URI is registered under the Web platform",
        "move the redirect URI from the Web platform to the Single-page application platform \
         (Authentication), or redeem the code from a server as a Web client",
    ),
    advice(
        9002327,
        "codes issued to a Single-page application may only be redeemed by a cross-origin \
         (browser) request",
        "redeem the code from the browser with fetch, or register the redirect URI under the \
         Web platform for server-side redemption",
    ),
    advice(
        501481,
        "the code_verifier does not match the code_challenge of the authorization request",
        "start the sign-in again in one tab; the verifier stored for this state was replaced or \
         lost",
    ),
    advice(
        54005,
        "the authorization code was already redeemed (codes are single-use)",
        "redeem each code once (do not replay the callback or reload during redemption); start \
         the sign-in again",
    ),
    advice(
        70008,
        "the authorization code or refresh token expired or was revoked",
        "start the sign-in again; redeem codes within minutes of the redirect",
    ),
    advice(
        7000215,
        "the client secret is invalid (wrong value, a secret ID instead of its value, or \
         expired)",
        "for a Single-page application send no secret; otherwise create a new secret under \
         Certificates & secrets and use its Value",
    ),
    advice(
        7000218,
        "the request needs client_assertion or client_secret: Entra treats the app as a \
         confidential (Web) client",
        "register the redirect URI under the Single-page application platform, not Web, so the \
         browser can redeem without a secret",
    ),
    advice(
        700025,
        "the client is public (Single-page application), so no client secret may be sent",
        "remove the client secret from the configuration",
    ),
    advice(
        700084,
        "the refresh token was issued to a Single-page application and its fixed 24-hour \
         lifetime is over",
        "sign in again interactively",
    ),
    advice(
        700082,
        "the refresh token expired due to inactivity",
        "sign in again interactively",
    ),
    advice(
        50058,
        "login_required: a silent request was made but no user is signed in",
        "sign in interactively (without prompt=none)",
    ),
];

/// Meaning and fix for a common `AADSTS` code.
pub fn aadsts_advice(code: u32) -> Option<Advice> {
    ADVICE.iter().copied().find(|a| a.code == code)
}

/// The number of the first `AADSTS<digits>` in an `error_description`.
pub fn parse_aadsts_code(description: &str) -> Option<u32> {
    let (_, after) = description.split_once("AADSTS")?;
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_code_has_advice() {
        for code in [
            50011, 700016, 9002325, 9002326, 9002327, 501481, 54005, 70008, 7000215, 7000218,
            700025, 700084, 700082, 50058,
        ] {
            assert_eq!(aadsts_advice(code).map(|a| a.code), Some(code));
        }
        assert_eq!(aadsts_advice(1), None);
    }

    #[test]
    fn redirect_uri_advice_names_the_single_page_application_platform() {
        let fix = aadsts_advice(50011).map(|a| a.fix).unwrap_or_default();
        assert!(fix.contains("Authentication → Single-page application platform"));
        let fix = aadsts_advice(9002326).map(|a| a.fix).unwrap_or_default();
        assert!(fix.contains("Web platform") && fix.contains("Single-page application"));
    }

    #[test]
    fn parses_the_aadsts_number_from_a_description() {
        let d = "AADSTS9002326: Cross-origin token redemption is permitted only for the \
                 'Single-Page Application' client-type.\r\nTrace ID: x";
        assert_eq!(parse_aadsts_code(d), Some(9002326));
        assert_eq!(parse_aadsts_code("no code here"), None);
        assert_eq!(parse_aadsts_code("AADSTS: nothing"), None);
        assert_eq!(parse_aadsts_code("AADSTS99999999999999: overflow"), None);
    }
}
