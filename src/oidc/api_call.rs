//! Calling an API with the access token (RFC 6750): the request check, the `WWW-Authenticate`
//! challenges an API answers with (RFC 9110 §11.6.1, RFC 6750 §3, Entra's claims challenge), and
//! what an answer means for the token that was sent.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::http::MAX_JSON_BODY_BYTES;
use super::jwt::ClaimSet;
use super::values::AccessToken;

/// The methods the page sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl ApiMethod {
    /// In the order the page offers them.
    pub const ALL: [ApiMethod; 5] = [
        ApiMethod::Get,
        ApiMethod::Post,
        ApiMethod::Put,
        ApiMethod::Patch,
        ApiMethod::Delete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApiMethod::Get => "GET",
            ApiMethod::Post => "POST",
            ApiMethod::Put => "PUT",
            ApiMethod::Patch => "PATCH",
            ApiMethod::Delete => "DELETE",
        }
    }

    /// The method named `name` exactly as [`ApiMethod::as_str`] writes it.
    pub fn parse(name: &str) -> Option<ApiMethod> {
        ApiMethod::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// What the `Authorization` header carries: testing an API means also sending it what it must refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// `Bearer` and the session's access token.
    AccessToken,
    /// `Bearer` and the access token with one character of its signature changed.
    Tampered,
    /// No `Authorization` header.
    Omitted,
}

impl Credential {
    pub const ALL: [Credential; 3] = [
        Credential::AccessToken,
        Credential::Tampered,
        Credential::Omitted,
    ];

    /// The `<option>` value.
    pub fn id(self) -> &'static str {
        match self {
            Credential::AccessToken => "token",
            Credential::Tampered => "tampered",
            Credential::Omitted => "none",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Credential::AccessToken => "Bearer access token",
            Credential::Tampered => {
                "Bearer access token, signature altered (does the API check it?)"
            }
            Credential::Omitted => "No Authorization header",
        }
    }

    pub fn parse(id: &str) -> Option<Credential> {
        Credential::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The token to send as `Bearer`, if any.
    pub fn bearer(self, token: &AccessToken) -> Option<AccessToken> {
        match self {
            Credential::AccessToken => Some(token.clone()),
            Credential::Tampered => Some(AccessToken::new(tampered(token.secret()))),
            Credential::Omitted => None,
        }
    }
}

/// One character in the middle of the signature replaced: the middle, because the last
/// base64url character may carry only padding bits that a decoder ignores.
fn tampered(token: &str) -> String {
    let start = token.rfind('.').map_or(0, |dot| dot + 1);
    let signature = token.get(start..).unwrap_or_default();
    let at = start + signature.len() / 2;
    match token.get(at..at + 1) {
        Some(found) => {
            let replacement = if found == "A" { "B" } else { "A" };
            format!("{}{replacement}{}", &token[..at], &token[at + 1..])
        }
        None => format!("{token}A"),
    }
}

/// The plain `http:` hosts the page may call: its Content-Security-Policy's `connect-src` names
/// `http://127.0.0.1:*` and `http://localhost:*` (`xtask/src/csp.rs`, `connect_origins`), besides `https:`.
pub const PLAIN_HTTP_HOSTS: [&str; 2] = ["127.0.0.1", "localhost"];

/// A request the page may send: an `http(s)` URL it may reach, and a JSON body where one may go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    pub method: ApiMethod,
    pub url: String,
    /// The body as typed (valid JSON), sent as `application/json`.
    pub json_body: Option<String>,
    pub credential: Credential,
}

/// Why the request was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiRequestError {
    /// Not `scheme://host…`.
    NotAUrl,
    /// A scheme other than `http` or `https`.
    Scheme { found: String },
    /// `http:` to a host other than `127.0.0.1` or `localhost`.
    PlainHttp { host: String },
    /// The Fetch standard refuses a body on GET.
    BodyWithGet,
    /// The body does not parse as JSON.
    BodyNotJson {
        line: usize,
        column: usize,
        reason: String,
    },
}

impl fmt::Display for ApiRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAUrl => f.write_str(
                "the URL must be absolute, with a scheme and a host: https://api.example.com/items",
            ),
            Self::Scheme { found } => write!(
                f,
                "the URL's scheme must be https (or http on this machine), found {found:?}"
            ),
            Self::PlainHttp { host } => write!(
                f,
                "http:// is allowed only for 127.0.0.1 and localhost (found {host:?}): the access \
                 token must not cross the network unencrypted, and the page's \
                 Content-Security-Policy blocks it; use https://"
            ),
            Self::BodyWithGet => f.write_str(
                "a GET request cannot carry a body (Fetch standard): empty the body or choose \
                 POST, PUT, PATCH or DELETE",
            ),
            Self::BodyNotJson {
                line,
                column,
                reason,
            } => write!(
                f,
                "the body is not valid JSON (line {line}, column {column}: {reason}); it is sent \
                 as application/json, so fix it or empty it"
            ),
        }
    }
}

impl std::error::Error for ApiRequestError {}

impl ApiRequest {
    /// The request, if the URL is one the page may call and the body (when not blank) is JSON.
    pub fn check(
        method: ApiMethod,
        url: &str,
        body: &str,
        credential: Credential,
    ) -> Result<ApiRequest, ApiRequestError> {
        let url = url.trim();
        let parts = crate::config::url_parts(url).ok_or(ApiRequestError::NotAUrl)?;
        let scheme = parts.scheme.to_ascii_lowercase();
        let host = parts.host;
        match scheme.as_str() {
            "https" => {}
            "http"
                if PLAIN_HTTP_HOSTS
                    .iter()
                    .any(|h| h.eq_ignore_ascii_case(host)) => {}
            "http" => return Err(ApiRequestError::PlainHttp { host: host.into() }),
            _ => return Err(ApiRequestError::Scheme { found: scheme }),
        }
        if url.contains(char::is_whitespace) {
            return Err(ApiRequestError::NotAUrl);
        }
        let json_body = match body.trim() {
            "" => None,
            _ if method == ApiMethod::Get => return Err(ApiRequestError::BodyWithGet),
            text => {
                is_json(text).map_err(|e| ApiRequestError::BodyNotJson {
                    line: e.line(),
                    column: e.column(),
                    reason: json_reason(&e),
                })?;
                Some(text.to_owned())
            }
        };
        Ok(ApiRequest {
            method,
            url: url.to_owned(),
            json_body,
            credential,
        })
    }
}

/// Parsed as a `Value`: the deserializer the rest of the app already uses.
fn is_json(text: &str) -> Result<(), serde_json::Error> {
    serde_json::from_str::<serde_json::Value>(text).map(drop)
}

/// serde_json's message without its " at line L column C" tail (the error states them apart).
fn json_reason(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1): a scheme, then a token68
/// or `name=value` parameters (names compared case-insensitively, values unquoted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub scheme: String,
    pub token68: Option<String>,
    pub params: Vec<(String, String)>,
}

impl Challenge {
    /// The first parameter named `name`, in any case.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Where a `WWW-Authenticate` header stops following RFC 9110 §11.6.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChallengeError {
    /// An auth scheme (a token) was expected at this byte.
    ExpectedScheme { at: usize },
    /// `name=` without a token or quoted string after it.
    ExpectedValue { param: String },
    /// A quoted string without its closing quote.
    UnterminatedQuote { param: String },
    /// A parameter not followed by `,` or the end.
    ExpectedComma { at: usize },
}

impl fmt::Display for ChallengeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ExpectedScheme { at } => write!(f, "expected an auth scheme at byte {at}"),
            Self::ExpectedValue { param } => write!(f, "{param}= has no value"),
            Self::UnterminatedQuote { param } => {
                write!(f, "the quoted value of {param} has no closing quote")
            }
            Self::ExpectedComma { at } => write!(f, "expected \",\" at byte {at}"),
        }
    }
}

impl std::error::Error for ChallengeError {}

/// RFC 9110 §5.6.2 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// RFC 9110 §11.2 `token68` characters (before its trailing `=`s).
fn is_token68_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)
}

/// A cursor over the header's bytes; every step is bounds-checked, so no input panics.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    fn skip_space_and_commas(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.at += 1;
        }
    }

    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> &'a str {
        let start = self.at;
        while self.peek().is_some_and(&keep) {
            self.at += 1;
        }
        self.text.get(start..self.at).unwrap_or_default()
    }

    /// RFC 9110 §5.6.4 quoted-string, the opening quote consumed; `\x` stands for `x`.
    fn quoted(&mut self, param: &str) -> Result<String, ChallengeError> {
        let mut value = String::new();
        let rest = self.text.get(self.at..).unwrap_or_default();
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.at += i + 1;
                    return Ok(value);
                }
                '\\' => match chars.next() {
                    Some((_, escaped)) => value.push(escaped),
                    None => break,
                },
                c => value.push(c),
            }
        }
        Err(ChallengeError::UnterminatedQuote {
            param: param.to_owned(),
        })
    }
}

/// Every challenge of a `WWW-Authenticate` value, e.g.
/// `Bearer realm="", error="invalid_token", error_description="…"`, in order.
pub fn parse_www_authenticate(header: &str) -> Result<Vec<Challenge>, ChallengeError> {
    let mut cursor = Cursor {
        text: header,
        at: 0,
    };
    let mut challenges = Vec::new();
    cursor.skip_space_and_commas();
    while cursor.peek().is_some() {
        challenges.push(parse_challenge(&mut cursor)?);
        cursor.skip_space_and_commas();
    }
    Ok(challenges)
}

fn parse_challenge(cursor: &mut Cursor<'_>) -> Result<Challenge, ChallengeError> {
    let scheme = cursor.take_while(is_tchar);
    if scheme.is_empty() {
        return Err(ChallengeError::ExpectedScheme { at: cursor.at });
    }
    let mut challenge = Challenge {
        scheme: scheme.to_owned(),
        token68: None,
        params: Vec::new(),
    };
    cursor.skip_space();
    if let Some(token68) = token68_at(cursor) {
        challenge.token68 = Some(token68);
        return Ok(challenge);
    }
    loop {
        cursor.skip_space_and_commas();
        let start = cursor.at;
        let name = cursor.take_while(is_tchar);
        cursor.skip_space();
        if name.is_empty() || cursor.peek() != Some(b'=') {
            // The next challenge's scheme, or the end.
            cursor.at = start;
            return Ok(challenge);
        }
        cursor.at += 1;
        cursor.skip_space();
        let value = match cursor.peek() {
            Some(b'"') => {
                cursor.at += 1;
                cursor.quoted(name)?
            }
            _ => match cursor.take_while(is_tchar) {
                "" => {
                    return Err(ChallengeError::ExpectedValue {
                        param: name.to_owned(),
                    })
                }
                token => token.to_owned(),
            },
        };
        challenge.params.push((name.to_owned(), value));
        cursor.skip_space();
        match cursor.peek() {
            None | Some(b',') => {}
            Some(_) => return Err(ChallengeError::ExpectedComma { at: cursor.at }),
        }
    }
}

/// A token68 (`Basic dXNlcg==`) when what follows the scheme is one and not `name=value`.
fn token68_at(cursor: &mut Cursor<'_>) -> Option<String> {
    let start = cursor.at;
    cursor.take_while(is_token68_char);
    cursor.take_while(|b| b == b'=');
    let end = cursor.at;
    cursor.skip_space();
    match end > start && matches!(cursor.peek(), None | Some(b',')) {
        true => cursor.text.get(start..end).map(str::to_owned),
        false => {
            cursor.at = start;
            None
        }
    }
}

/// The parameters of a `Bearer` challenge (RFC 6750 §3) and Entra's additions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BearerChallenge {
    pub realm: Option<String>,
    /// `invalid_request`, `invalid_token`, `insufficient_scope` (RFC 6750 §3.1), or Entra's `insufficient_claims`.
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub error_uri: Option<String>,
    /// The scopes the API needs (RFC 6750 §3), space-separated in the header.
    pub scope: Vec<String>,
    /// Entra: where to sign in again.
    pub authorization_uri: Option<String>,
    /// Entra's claims challenge, base64 JSON.
    pub claims: Option<ClaimsChallenge>,
}

impl BearerChallenge {
    fn of(challenge: &Challenge) -> BearerChallenge {
        let owned = |name| challenge.param(name).map(str::to_owned);
        BearerChallenge {
            realm: owned("realm"),
            error: owned("error"),
            error_description: owned("error_description"),
            error_uri: owned("error_uri"),
            scope: challenge
                .param("scope")
                .map(|s| s.split_ascii_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
            authorization_uri: owned("authorization_uri"),
            claims: challenge.param("claims").map(ClaimsChallenge::decode),
        }
    }
}

/// Entra's `claims="…"`: base64 of the claims request JSON that a new sign-in must carry
/// (learn.microsoft.com/entra/identity-platform/claims-challenge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimsChallenge {
    pub raw: String,
    /// The JSON text, or why it could not be decoded.
    pub decoded: Result<String, ClaimsUndecodable>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimsUndecodable {
    Base64,
    NotJson,
}

impl fmt::Display for ClaimsUndecodable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Base64 => "it is not base64",
            Self::NotJson => "its base64 does not hold JSON",
        })
    }
}

impl ClaimsChallenge {
    fn decode(raw: &str) -> ClaimsChallenge {
        // Entra writes standard base64 with padding; read as base64url (the JWT decoder's
        // engine, already in the bundle), with or without padding.
        let url_safe: String = raw
            .trim()
            .trim_end_matches('=')
            .chars()
            .map(|c| match c {
                '+' => '-',
                '/' => '_',
                c => c,
            })
            .collect();
        let bytes = URL_SAFE_NO_PAD
            .decode(url_safe)
            .map_err(|_| ClaimsUndecodable::Base64);
        let decoded = bytes.and_then(|bytes| {
            String::from_utf8(bytes)
                .ok()
                .filter(|text| is_json(text).is_ok())
                .ok_or(ClaimsUndecodable::NotJson)
        });
        ClaimsChallenge {
            raw: raw.to_owned(),
            decoded,
        }
    }
}

/// What the page could read of the answer's `WWW-Authenticate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChallengeReading {
    /// None the page can read: not sent, or not in `Access-Control-Expose-Headers`.
    Unreadable,
    Malformed(ChallengeError),
    /// Challenges, none of them `Bearer`: their schemes.
    NotBearer(Vec<String>),
    Bearer(BearerChallenge),
}

impl ChallengeReading {
    pub fn of(header: Option<&str>) -> ChallengeReading {
        let Some(header) = header else {
            return ChallengeReading::Unreadable;
        };
        match parse_www_authenticate(header) {
            Err(error) => ChallengeReading::Malformed(error),
            Ok(challenges) => match challenges
                .iter()
                .find(|c| c.scheme.eq_ignore_ascii_case("bearer"))
            {
                Some(bearer) => ChallengeReading::Bearer(BearerChallenge::of(bearer)),
                None => {
                    ChallengeReading::NotBearer(challenges.into_iter().map(|c| c.scheme).collect())
                }
            },
        }
    }

    fn bearer(&self) -> Option<&BearerChallenge> {
        match self {
            ChallengeReading::Bearer(bearer) => Some(bearer),
            _ => None,
        }
    }
}

/// What the access token says it allows: `aud`, `scp` (delegated) and `roles` (application).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenGrant {
    pub audience: Option<String>,
    pub scopes: Vec<String>,
    pub roles: Vec<String>,
}

impl TokenGrant {
    /// From the decoded access token's claims (none for an opaque token).
    pub fn of(claims: Option<&ClaimSet>) -> TokenGrant {
        let Some(claims) = claims else {
            return TokenGrant::default();
        };
        let roles = claims
            .get("roles")
            .and_then(|v| v.as_array())
            .map(|roles| {
                roles
                    .iter()
                    .filter_map(|r| r.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        TokenGrant {
            audience: claims.get("aud").map(crate::display::claim_value_text),
            scopes: claims
                .str("scp")
                .map(|s| s.split_ascii_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
            roles,
        }
    }

    /// Whether `required` is among the scopes or roles: `api://x/Items.Read` is granted by the
    /// `scp` value `Items.Read`, as Entra writes a scope in the token without its API's URI.
    pub fn grants(&self, required: &str) -> bool {
        let name = required.rsplit_once('/').map_or(required, |(_, name)| name);
        self.scopes
            .iter()
            .chain(&self.roles)
            .any(|have| have == required || have == name)
    }
}

/// What an answer means for the token that was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Any status but 401 and 403.
    Answered,
    /// 401: the API did not accept the credential.
    Unauthorized {
        sent: Credential,
        challenge: ChallengeReading,
    },
    /// 403: the token was accepted but does not allow this.
    Forbidden {
        challenge: ChallengeReading,
        /// The scopes the challenge names that the token's `scp` and `roles` lack.
        missing: Vec<String>,
        grant: TokenGrant,
    },
}

impl Verdict {
    pub fn of(
        status: u16,
        www_authenticate: Option<&str>,
        sent: Credential,
        grant: TokenGrant,
    ) -> Verdict {
        let challenge = || ChallengeReading::of(www_authenticate);
        match status {
            401 => Verdict::Unauthorized {
                sent,
                challenge: challenge(),
            },
            403 => {
                let challenge = challenge();
                let missing = challenge
                    .bearer()
                    .map(|b| {
                        b.scope
                            .iter()
                            .filter(|s| !grant.grants(s))
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                Verdict::Forbidden {
                    challenge,
                    missing,
                    grant,
                }
            }
            _ => Verdict::Answered,
        }
    }

    /// One sentence for the answer, or none when the status says it all.
    pub fn headline(&self) -> Option<String> {
        let text = match self {
            Verdict::Answered => return None,
            Verdict::Unauthorized { sent, challenge } => match (challenge.bearer(), sent) {
                (Some(b), _) if b.claims.is_some() => "401: a claims challenge: the API wants a \
                    token with more claims, got by signing in again with the claims below"
                    .to_owned(),
                (Some(b), _) if b.error.as_deref() == Some("invalid_token") => format!(
                    "401 invalid_token: the API refused the token ({})",
                    b.error_description
                        .as_deref()
                        .unwrap_or("no error_description")
                ),
                (_, Credential::Omitted) => "401: the API wants an access token; none was sent \
                    (RFC 6750 §3.1: no error code is expected then)"
                    .to_owned(),
                (Some(b), _) => format!(
                    "401: the API refused the token (error {:?})",
                    b.error.as_deref().unwrap_or("(none)")
                ),
                (None, _) => "401: the API refused the token and gave no reason this page can read"
                    .to_owned(),
            },
            Verdict::Forbidden { missing, .. } if missing.is_empty() => {
                "403: the API accepted the token but does not allow this request".to_owned()
            }
            Verdict::Forbidden { missing, .. } => format!(
                "403: the token lacks the scope {}: add it to the sign-in's scopes (Sign-in \
                 options) and grant it to the app",
                missing.join(", ")
            ),
        };
        Some(text)
    }

    /// The facts behind the headline, one line each.
    pub fn details(&self) -> Vec<String> {
        match self {
            Verdict::Answered => Vec::new(),
            Verdict::Unauthorized { challenge, .. } => challenge_lines(challenge),
            Verdict::Forbidden {
                challenge, grant, ..
            } => {
                let mut lines = challenge_lines(challenge);
                if challenge.bearer().is_some_and(|b| b.scope.is_empty()) {
                    lines.push(
                        "The API did not name the scope it needs (RFC 6750 §3 scope): compare \
                         with its documentation."
                            .to_owned(),
                    );
                }
                lines.push(format!("The token's scp: {}", listed(&grant.scopes)));
                lines.push(format!("The token's roles: {}", listed(&grant.roles)));
                lines.push(format!(
                    "The token's aud: {}",
                    grant.audience.as_deref().unwrap_or("(absent)")
                ));
                lines
            }
        }
    }
}

fn listed(values: &[String]) -> String {
    match values.is_empty() {
        true => "(none)".to_owned(),
        false => values.join(" "),
    }
}

fn challenge_lines(challenge: &ChallengeReading) -> Vec<String> {
    let bearer = match challenge {
        ChallengeReading::Unreadable => {
            return vec!["No WWW-Authenticate header the page can read: the API sent none, or \
                its CORS answer does not list it in Access-Control-Expose-Headers."
                .to_owned()]
        }
        ChallengeReading::Malformed(error) => {
            return vec![format!("WWW-Authenticate is malformed (RFC 9110 §11.6.1): {error}")]
        }
        ChallengeReading::NotBearer(schemes) => {
            return vec![format!(
                "WWW-Authenticate asks for {}, not Bearer: this API does not take OAuth access tokens here",
                schemes.join(", ")
            )]
        }
        ChallengeReading::Bearer(bearer) => bearer,
    };
    let named = [
        ("realm", &bearer.realm),
        ("error", &bearer.error),
        ("error_description", &bearer.error_description),
        ("error_uri", &bearer.error_uri),
        ("authorization_uri", &bearer.authorization_uri),
    ];
    let mut lines: Vec<String> = named
        .iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name}: {v:?}")))
        .collect();
    if !bearer.scope.is_empty() {
        lines.push(format!("scope (needed): {}", bearer.scope.join(" ")));
    }
    match bearer.claims.as_ref().map(|c| &c.decoded) {
        Some(Ok(json)) => lines.push(format!(
            "claims, decoded from base64: {json} (a sign-in must ask for them: the extra \
             parameter claims in Sign-in options)"
        )),
        Some(Err(why)) => lines.push(format!("claims: cannot be decoded ({why})")),
        None => {}
    }
    lines
}

/// What to configure when `fetch` got no readable answer (a `TypeError`): the API's CORS, or
/// its reachability. The browser's console names the exact reason; the page cannot read it.
pub fn cors_advice(page_origin: &str, method: ApiMethod, with_body: bool) -> Vec<String> {
    let mut headers = vec!["Authorization"];
    if with_body {
        headers.push("Content-Type");
    }
    vec![
        "The browser got no answer it may show this page (fetch TypeError): a CORS refusal, or \
         the API is unreachable (offline, wrong host, not running, certificate error). The \
         browser's console says which."
            .to_owned(),
        format!(
            "An Authorization header makes the browser ask first (preflight OPTIONS). The API must \
             answer it and the {} request with Access-Control-Allow-Origin: {page_origin}, and \
             the preflight with Access-Control-Allow-Headers: {} and Access-Control-Allow-Methods: {}.",
            method.as_str(),
            headers.join(", "),
            method.as_str()
        ),
        "To let the page read WWW-Authenticate on a 401 or 403, list it in \
         Access-Control-Expose-Headers."
            .to_owned(),
    ]
}

/// Why the body shown is not the whole body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyNote {
    /// A declared `Content-Length` over the limit: not read.
    Unread { declared: usize },
    /// Cut at the limit.
    Truncated { total: usize },
}

impl fmt::Display for BodyNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unread { declared } => write!(
                f,
                "The body was not read: its Content-Length, {declared} bytes, is over the \
                 {MAX_JSON_BODY_BYTES}-byte (1 MiB) limit of this page."
            ),
            Self::Truncated { total } => write!(
                f,
                "Only the first {MAX_JSON_BODY_BYTES} bytes (1 MiB) of {total} are shown."
            ),
        }
    }
}

/// The body cut to at most 1 MiB, at a character boundary.
pub fn capped_body(body: &str) -> (&str, Option<BodyNote>) {
    if body.len() <= MAX_JSON_BODY_BYTES {
        return (body, None);
    }
    let mut end = MAX_JSON_BODY_BYTES;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    (
        &body[..end],
        Some(BodyNote::Truncated { total: body.len() }),
    )
}

#[cfg(test)]
#[path = "api_call_tests.rs"]
mod tests;
