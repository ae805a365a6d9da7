//! The OpenID Connect / OAuth 2.0 protocol core: pure Rust, no browser types, tested on the host.
//!
//! Sans-IO: each step is a pair — build the request, process the response — and the browser layer
//! does the I/O (fetch, Web Crypto, sessionStorage, location) in between:
//!
//! | step | build | process |
//! | --- | --- | --- |
//! | discovery | [`discovery_url`], [`IssuerRule::for_authority`] | [`process_discovery_response`] |
//! | keys | `ProviderMetadata::jwks_uri` | [`process_jwks_response`] |
//! | authorize | [`SignInOptions::check`], [`PendingSignIn::generate`], [`build_authorization_url`] | [`process_callback`], [`strip_callback_params`] |
//! | token | [`authorization_code_request`], [`refresh_token_request`] | [`process_authorization_code_response`], [`process_token_response`] |
//! | ID token | [`UnverifiedIdToken::parse`], [`UnverifiedIdToken::select_key`] | [`validate`] |
//! | the tenant page | `discovery_url`, `ProviderMetadata::jwks_uri` | [`read_discovery`], [`key_rows`] |
//! | registration check | [`registration_probe`] | [`process_registration_probe`] |
//! | an API call | [`ApiRequest::check`] | [`Verdict::of`], [`capped_body`] |
//! | a pasted token | [`decode_token`], [`key_source`] | [`DecodedToken::issuer_report`] |
//!
//! jsonwebtoken is used for its JWK data model only ([`JwkSet`]): the app has no crypto provider,
//! and nothing here calls one. Signatures are verified by the browser with Web Crypto.

pub mod api_call;
pub mod authorize;
pub mod callback;
pub mod claims;
pub mod decode;
pub mod discovery;
pub mod end_session;
pub mod entra_errors;
pub mod http;
pub mod id_token;
pub mod json;
pub mod jwks;
pub mod jwt;
pub mod options;
pub mod pkce;
pub mod registration_check;
pub mod report;
pub mod tenant;
pub mod token;
pub mod values;
pub mod x509;

#[cfg(test)]
mod test_support;

pub use api_call::{
    capped_body, cors_advice, parse_www_authenticate, ApiMethod, ApiRequest, ApiRequestError,
    BodyNote, Credential, TokenGrant, Verdict,
};
pub use authorize::{
    build_authorization_url, param_meaning, AuthorizationParams, AuthorizationUrl, AuthorizeError,
    PendingSignIn, Prompt, ResponseMode,
};
pub use callback::{
    parse_callback, process_callback, strip_callback_params, AuthorizationErrorResponse,
    AuthorizationResponse, Callback, CallbackError, CALLBACK_PARAMS, MAX_CALLBACK_URL_BYTES,
};
pub use claims::{claim_meaning, Audience, IdTokenClaims};
pub use decode::{
    decode_token, key_source, token_in_fragment, ByDesign, CannotVerify, DecodedToken,
    FragmentToken, IssuerRefusal, KeySource, NotDecodable, Verifiability, DECODER_SCOPE_NOTE,
};
pub use discovery::{
    discovery_url, process_discovery_response, DiscoveryError, IssuerRule, ProviderMetadata,
    TenantId,
};
pub use end_session::{
    build_end_session_url, sign_out_return_state, EndSessionError, EndSessionParams, EndSessionUrl,
};
pub use entra_errors::{aadsts_advice, parse_aadsts_code, Advice};
pub use http::{check_json_size, BodyTooLarge, HttpResponse, UnexpectedBody, MAX_JSON_BODY_BYTES};
pub use id_token::{
    format_unix_time, validate, Expectations, KeyRejection, KeySelection, OriginalIdentity,
    RsaVerificationKey, SignatureJob, SignatureOutcome, UnverifiedIdToken, ValidatedIdToken,
    ValidationFailure, CLOCK_SKEW_LEEWAY_SECS, WEB_CRYPTO_ALGORITHM, WEB_CRYPTO_HASH,
};
pub use jsonwebtoken::jwk::JwkSet;
pub use jwks::{process_jwks_response, JwksError};
pub use jwt::{
    decode_access_token, decode_jwt, ClaimSet, DecodedAccessToken, DecodedJwt, JoseHeader,
    JwtError, ACCESS_TOKEN_NOTE,
};
pub use options::{domain_hint_note, OptionsError, RequestOptions, SignInOptions};
pub use pkce::{CodeChallenge, CodeVerifier, PkceError, CODE_CHALLENGE_METHOD};
pub use registration_check::{
    process_registration_probe, registration_probe, Finding, RegistrationCheck,
};
pub use report::{Check, ValidationReport};
pub use tenant::{key_rows, read_discovery, DiscoveryReading, Mark, Row, KEY_COLUMNS};
pub use token::{
    authorization_code_request, process_authorization_code_response, process_refresh_response,
    process_token_response, refresh_error_action, refresh_token_request, EntraError,
    RefreshErrorAction, TokenClient, TokenError, TokenRequest, TokenResponse,
};
pub use values::{
    AccessToken, AuthorizationCode, ClientId, ClientSecret, IssuerUrl, Nonce,
    RandomnessUnavailable, RawIdToken, RedirectUri, RefreshToken, Scope, State,
};
