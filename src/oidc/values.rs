//! Protocol values as their own types, so a nonce can never be passed where a state is expected,
//! and secrets (client secret, code, verifier, tokens) never show up in `Debug` or `Display`.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// The operating system / browser random source failed (getrandom; `crypto.getRandomValues`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RandomnessUnavailable(pub String);

impl fmt::Display for RandomnessUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no secure random source ({}): the browser must provide crypto.getRandomValues",
            self.0
        )
    }
}

impl std::error::Error for RandomnessUnavailable {}

/// 32 bytes from the CSPRNG.
pub(crate) fn random_32_bytes() -> Result<[u8; 32], RandomnessUnavailable> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| RandomnessUnavailable(e.to_string()))?;
    Ok(bytes)
}

/// base64url without padding (RFC 4648 §5), as used throughout OAuth and JOSE.
pub(crate) fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Writes `Name(<redacted, N chars>)`: says that a value is there, never what it is.
fn redacted(f: &mut fmt::Formatter<'_>, name: &str, value: &str) -> fmt::Result {
    write!(f, "{name}(<redacted, {} chars>)", value.len())
}

/// A public value (shown in full by `Debug` and `Display`).
macro_rules! public_value {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// Wraps the value as given.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// `••• (43 chars)`: a credential's length, to compare; never its value.
pub fn mask_secret(value: &str) -> String {
    format!("••• ({} chars)", value.chars().count())
}

/// Characters of a token that [`shorten_token`] shows: a JWT's start is its public header.
const SHOWN_TOKEN_CHARS: usize = 16;

/// `eyJhbGciOiJSUzI1… (1234 chars)`: the start of a token and its length; a token too short to
/// shorten is masked whole.
pub fn shorten_token(token: &str) -> String {
    let count = token.chars().count();
    if count <= SHOWN_TOKEN_CHARS {
        return mask_secret(token);
    }
    let start: String = token.chars().take(SHOWN_TOKEN_CHARS).collect();
    format!("{start}… ({count} chars)")
}

/// A secret value: `Debug` and `Display` print only its length; read it with `secret()`.
macro_rules! secret_value {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps the value as given.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret itself: only for the request that must carry it.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                redacted(f, stringify!($name), &self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                redacted(f, stringify!($name), &self.0)
            }
        }
    };
}

public_value!(
    /// The application (client) ID of the app registration (RFC 6749 §2.2).
    ClientId
);
public_value!(
    /// The redirect URI, registered exactly under the Single-page application platform.
    RedirectUri
);
public_value!(
    /// Space-separated scopes (RFC 6749 §3.3), e.g. `openid profile email offline_access`.
    Scope
);
public_value!(
    /// The issuer identifier (OpenID Connect Discovery §3 `issuer`).
    IssuerUrl
);

secret_value!(
    /// The client secret of a confidential (Web) client. A SPA has none; never logged.
    ClientSecret
);
secret_value!(
    /// The one-time authorization code from the callback (RFC 6749 §4.1.2).
    AuthorizationCode
);
secret_value!(
    /// An OAuth 2.0 access token (RFC 6749 §1.4): for the API, not for this app to validate.
    AccessToken
);
secret_value!(
    /// An OAuth 2.0 refresh token (RFC 6749 §1.5).
    RefreshToken
);
secret_value!(
    /// The compact-serialized ID token as received, before any validation.
    RawIdToken
);

public_value!(
    /// The `state` parameter binding the callback to this browser session (RFC 6749 §10.12).
    State
);
public_value!(
    /// The `nonce` binding the ID token to this sign-in (OpenID Connect Core §3.1.2.1).
    Nonce
);

/// Adds CSPRNG generation to a public value.
macro_rules! random_value {
    ($name:ident) => {
        impl $name {
            /// 32 bytes from the CSPRNG, base64url without padding (43 characters).
            pub fn generate() -> Result<Self, RandomnessUnavailable> {
                Ok(Self::from_bytes(random_32_bytes()?))
            }

            /// The value for 32 given bytes (for tests and for a caller with its own CSPRNG).
            pub fn from_bytes(bytes: [u8; 32]) -> Self {
                Self(b64url(&bytes))
            }
        }
    };
}

random_value!(State);
random_value!(Nonce);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_shortened_to_its_start_and_length_and_a_short_one_masked_whole() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
        assert_eq!(shorten_token(jwt), "eyJhbGciOiJSUzI1… (41 chars)");
        assert_eq!(shorten_token("0123456789abcdef"), "••• (16 chars)");
        assert_eq!(mask_secret("dev8Q~secret"), "••• (12 chars)");
    }

    #[test]
    fn client_secret_debug_and_display_never_print_the_secret() {
        let secret = ClientSecret::new("s3cr3t~value");
        assert_eq!(format!("{secret:?}"), "ClientSecret(<redacted, 12 chars>)");
        assert!(!format!("{secret}").contains("s3cr3t"));
        assert_eq!(secret.secret(), "s3cr3t~value");
    }

    #[test]
    fn code_and_tokens_are_masked_in_debug() {
        let shown = format!(
            "{:?} {:?} {:?} {:?}",
            AuthorizationCode::new("the-code"),
            AccessToken::new("eyJ.access.token"),
            RefreshToken::new("refresh-me"),
            RawIdToken::new("eyJ.id.token")
        );
        for secret in ["the-code", "eyJ.access.token", "refresh-me", "eyJ.id.token"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn state_and_nonce_are_43_char_base64url_and_differ_each_time() {
        let a = State::generate().unwrap();
        let b = State::generate().unwrap();
        let n = Nonce::generate().unwrap();
        assert_ne!(a, b);
        for v in [a.as_str(), b.as_str(), n.as_str()] {
            assert_eq!(v.len(), 43);
            assert!(v
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        }
    }

    #[test]
    fn state_from_bytes_is_base64url_of_the_bytes() {
        assert_eq!(
            State::from_bytes([0xff; 32]).as_str(),
            "__________________________________________8"
        );
    }
}
