//! Test harness: a tenant with shared pre-generated keys, driven through its router with `oneshot`; a browser with a
//! cookie; PKCE pairs; the sign-in walk; JWT decoding and verification against the served JWKS.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use dev_tenant::{
    Config, SigningKey, Tenant, SPA_CLIENT_ID, TENANT_ID, WEB_CLIENT_ID, WEB_CLIENT_SECRET,
};
use http_body_util::BodyExt;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use tower::ServiceExt;

pub const REDIRECT_URI: &str = "http://127.0.0.1:8080/callback";
pub const APP_ORIGIN: &str = "http://127.0.0.1:8080";
pub const SCOPES: &str = "openid profile email offline_access";

/// Keys generated once per test run (RSA generation is slow in debug builds): the first signs, the rest are spares
/// for the faults and rotation.
pub fn shared_keys() -> Vec<SigningKey> {
    static KEYS: OnceLock<Vec<SigningKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let handles: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(SigningKey::generate))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .expect("key generation thread")
                    .expect("an RSA key")
            })
            .collect()
    })
    .clone()
}

/// The default configuration, quiet, with the shared keys.
pub fn test_config() -> Config {
    Config {
        keys: shared_keys(),
        quiet: true,
        ..Config::default()
    }
}

/// A tenant and its router.
pub struct Harness {
    pub tenant: Tenant,
    router: axum::Router,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn location(&self) -> url::Url {
        let location = self
            .header("location")
            .unwrap_or_else(|| panic!("no Location: {} {}", self.status, self.body));
        url::Url::parse(location).expect("an absolute Location")
    }

    /// The parameters of a redirect back to the app, from its query or its fragment.
    pub fn redirect_params(&self) -> HashMap<String, String> {
        let url = self.location();
        let text = url
            .fragment()
            .map(str::to_string)
            .or_else(|| url.query().map(str::to_string))
            .unwrap_or_default();
        form_urlencoded::parse(text.as_bytes())
            .into_owned()
            .collect()
    }

    /// The hidden `request_id` of a sign-in page.
    pub fn request_id(&self) -> String {
        let marker = "name=\"request_id\" value=\"";
        let start = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no request_id in {}", self.body))
            + marker.len();
        let end = self.body[start..].find('"').expect("closing quote") + start;
        self.body[start..end].to_string()
    }

    /// The text of the element with `id`, for the simple markup of the sign-in pages.
    pub fn element_text(&self, id: &str) -> Option<String> {
        let marker = format!("id=\"{id}\"");
        let at = self.body.find(&marker)?;
        let start = self.body[at..].find('>')? + at + 1;
        let end = self.body[start..].find('<')? + start;
        Some(
            self.body[start..end]
                .replace("&#39;", "'")
                .replace("&quot;", "\""),
        )
    }

    pub fn has_element(&self, id: &str) -> bool {
        self.body.contains(&format!("id=\"{id}\""))
    }
}

/// A harness around an existing tenant.
pub fn harness_of(tenant: Tenant) -> Harness {
    let router = tenant.router();
    Harness { tenant, router }
}

impl Harness {
    pub fn new() -> Harness {
        Harness::with(|_| {})
    }

    pub fn with(change: impl FnOnce(&mut Config)) -> Harness {
        let mut config = test_config();
        change(&mut config);
        harness_of(Tenant::new(config).expect("a tenant"))
    }

    pub fn authority(&self) -> String {
        self.tenant.urls().authority.clone()
    }

    pub fn issuer(&self) -> String {
        self.tenant.urls().issuer.clone()
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// `GET` a path or a full URL of this tenant.
    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = Request::builder().method(Method::GET).uri(path_of(path));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        self.send(request.body(Body::empty()).expect("a request"))
            .await
    }

    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(path_of(path))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        self.send(request.body(Body::from(body)).expect("a request"))
            .await
    }

    pub async fn send_json(&self, method: Method, path: &str, body: &str) -> Reply {
        let request = Request::builder()
            .method(method)
            .uri(path_of(path))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("a request");
        self.send(request).await
    }

    pub async fn arm(&self, json: &str) -> Reply {
        let reply = self.send_json(Method::POST, "/_dev/faults", json).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply
    }

    pub async fn jwks(&self) -> Value {
        let reply = self
            .get(&format!("/{TENANT_ID}/discovery/v2.0/keys"), &[])
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.json()
    }

    /// `POST` to the token endpoint as the SPA does it: cross-origin, no secret.
    pub async fn spa_token(&self, fields: &[(&str, &str)]) -> Reply {
        let mut all = vec![("client_id", SPA_CLIENT_ID)];
        all.extend_from_slice(fields);
        self.post_form(&token_path(), &all, &[("origin", APP_ORIGIN)])
            .await
    }

    /// The refresh grant with `token`, as the SPA sends it.
    pub async fn spa_refresh(&self, token: &str) -> Reply {
        self.spa_token(&[("grant_type", "refresh_token"), ("refresh_token", token)])
            .await
    }

    /// A CORS preflight from the app's origin for `method` with `request_headers`.
    pub async fn preflight(&self, path: &str, method: &str, request_headers: &str) -> Reply {
        let request = Request::builder()
            .method(Method::OPTIONS)
            .uri(path_of(path))
            .header(header::ORIGIN, APP_ORIGIN)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, method)
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, request_headers)
            .body(Body::empty())
            .expect("a request");
        self.send(request).await
    }

    /// `POST` to the token endpoint as a server does it for the Web client: no `Origin`, with the secret.
    pub async fn web_token(&self, fields: &[(&str, &str)]) -> Reply {
        let mut all = vec![
            ("client_id", WEB_CLIENT_ID),
            ("client_secret", WEB_CLIENT_SECRET),
        ];
        all.extend_from_slice(fields);
        self.post_form(&token_path(), &all, &[]).await
    }

    /// Signs `email` in with the SPA client (signing up on first use) and redeems the code: the token response.
    pub async fn spa_tokens(&self, email: &str) -> (Value, Authorization) {
        let auth = Authorization::spa();
        let browser = Browser::default();
        let params = self.sign_in(&browser, &auth, email).await;
        let reply = self.redeem(&auth, &params["code"]).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        (reply.json(), auth)
    }

    pub async fn redeem(&self, auth: &Authorization, code: &str) -> Reply {
        let mut fields = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", auth.redirect_uri.as_str()),
        ];
        if let Some(pkce) = &auth.pkce {
            fields.push(("code_verifier", pkce.verifier.as_str()));
        }
        match auth.client_id.as_str() {
            WEB_CLIENT_ID => self.web_token(&fields).await,
            _ => self.spa_token(&fields).await,
        }
    }

    /// The whole user flow: authorize, email, code from the mailbox, sign-up if new. The redirect's parameters.
    pub async fn sign_in(
        &self,
        browser: &Browser,
        auth: &Authorization,
        email: &str,
    ) -> HashMap<String, String> {
        let reply = self.sign_in_reply(browser, auth, email).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
        reply.redirect_params()
    }

    /// Like `sign_in`, the final response itself.
    pub async fn sign_in_reply(
        &self,
        browser: &Browser,
        auth: &Authorization,
        email: &str,
    ) -> Reply {
        let page = browser.get(self, &auth.url()).await;
        if page.status == StatusCode::FOUND {
            return page;
        }
        assert!(page.has_element("email"), "no email page: {}", page.body);
        let id = page.request_id();
        let code_page = browser.submit_email(self, &id, email).await;
        assert!(
            code_page.has_element("code"),
            "no code page: {}",
            code_page.body
        );
        let code = self
            .tenant
            .latest_code(email)
            .expect("a code in the mailbox");
        let next = browser.submit_code(self, &id, &code).await;
        if next.has_element("displayName") {
            let name = email.split('@').next().unwrap_or("someone");
            let fields = [
                ("request_id", id.as_str()),
                ("displayName", name),
                ("givenName", "Given"),
                ("surname", "Sur"),
            ];
            return browser.post(self, &signin_path("signup"), &fields).await;
        }
        next
    }
}

fn path_of(path_or_url: &str) -> String {
    match url::Url::parse(path_or_url) {
        Ok(url) => match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        },
        Err(_) => path_or_url.to_string(),
    }
}

pub fn token_path() -> String {
    format!("/{TENANT_ID}/oauth2/v2.0/token")
}

pub fn signin_path(step: &str) -> String {
    format!("/{TENANT_ID}/signin/{step}")
}

/// A browser's cookie for the tenant.
#[derive(Default, Debug)]
pub struct Browser {
    cookie: Mutex<Option<String>>,
}

impl Browser {
    fn remember(&self, reply: &Reply) {
        for value in reply.headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap_or_default();
            let pair = text.split(';').next().unwrap_or_default().to_string();
            let ended = text.contains("Max-Age=0");
            *self.cookie.lock().unwrap_or_else(|e| e.into_inner()) = (!ended).then_some(pair);
        }
    }

    fn cookie_header(&self) -> Vec<(&'static str, String)> {
        match self
            .cookie
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            Some(cookie) => vec![("cookie", cookie)],
            None => vec![],
        }
    }

    /// Page 1: submits the email address.
    pub async fn submit_email(&self, h: &Harness, request_id: &str, email: &str) -> Reply {
        let fields = [("request_id", request_id), ("email", email)];
        self.post(h, &signin_path("email"), &fields).await
    }

    /// Page 2: submits a code.
    pub async fn submit_code(&self, h: &Harness, request_id: &str, code: &str) -> Reply {
        let fields = [("request_id", request_id), ("code", code)];
        self.post(h, &signin_path("code"), &fields).await
    }

    /// Page 2: follows the resend link.
    pub async fn resend(&self, h: &Harness, request_id: &str) -> Reply {
        self.get(
            h,
            &format!("{}?request_id={request_id}", signin_path("resend")),
        )
        .await
    }

    /// The `name=value` of the session cookie.
    pub fn cookie(&self) -> Option<String> {
        self.cookie
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn has_session(&self) -> bool {
        self.cookie
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    pub async fn get(&self, h: &Harness, path: &str) -> Reply {
        let headers = self.cookie_header();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = h.get(path, &headers).await;
        self.remember(&reply);
        reply
    }

    pub async fn post(&self, h: &Harness, path: &str, fields: &[(&str, &str)]) -> Reply {
        let headers = self.cookie_header();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = h.post_form(path, fields, &headers).await;
        self.remember(&reply);
        reply
    }
}

/// A PKCE pair (RFC 7636).
#[derive(Clone, Debug)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Pkce {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("random bytes");
        let verifier = URL_SAFE_NO_PAD.encode(bytes);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier,
            challenge,
        }
    }
}

/// An authorization request.
#[derive(Clone, Debug)]
pub struct Authorization {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: String,
    pub nonce: Option<String>,
    pub pkce: Option<Pkce>,
    pub extra: Vec<(String, String)>,
}

impl Authorization {
    pub fn spa() -> Authorization {
        Authorization {
            client_id: SPA_CLIENT_ID.into(),
            redirect_uri: REDIRECT_URI.into(),
            scope: SCOPES.into(),
            state: format!("state-{}", Pkce::new().verifier),
            nonce: Some(format!("nonce-{}", Pkce::new().verifier)),
            pkce: Some(Pkce::new()),
            extra: Vec::new(),
        }
    }

    pub fn web() -> Authorization {
        Authorization {
            client_id: WEB_CLIENT_ID.into(),
            ..Authorization::spa()
        }
    }

    pub fn with(mut self, name: &str, value: &str) -> Authorization {
        self.extra.push((name.into(), value.into()));
        self
    }

    pub fn url(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("client_id", &self.client_id);
        query.append_pair("response_type", "code");
        query.append_pair("redirect_uri", &self.redirect_uri);
        query.append_pair("scope", &self.scope);
        query.append_pair("state", &self.state);
        if let Some(nonce) = &self.nonce {
            query.append_pair("nonce", nonce);
        }
        if let Some(pkce) = &self.pkce {
            query.append_pair("code_challenge", &pkce.challenge);
            query.append_pair("code_challenge_method", "S256");
        }
        for (k, v) in &self.extra {
            query.append_pair(k, v);
        }
        format!("/{TENANT_ID}/oauth2/v2.0/authorize?{}", query.finish())
    }
}

/// A JWT's header and claims, undecoded signature aside.
pub fn parts(jwt: &str) -> (Value, Value) {
    let mut pieces = jwt.split('.');
    let mut next = || {
        let piece = pieces.next().expect("a JWT part");
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(piece).expect("base64url")).expect("JSON")
    };
    let header = next();
    let claims = next();
    (header, claims)
}

/// The claims of the ID token of a token response.
pub fn id_claims(body: &Value) -> Value {
    parts(body["id_token"].as_str().expect("an id_token")).1
}

/// Whether `jwt`'s RS256 signature verifies with `jwk`.
pub fn rs256_verifies(jwt: &str, jwk: &Value) -> bool {
    let key = DecodingKey::from_rsa_components(
        jwk["n"].as_str().unwrap_or(""),
        jwk["e"].as_str().unwrap_or(""),
    )
    .expect("RSA components");
    let (message, signature) = jwt.rsplit_once('.').expect("a signature");
    jsonwebtoken::crypto::verify(signature, message.as_bytes(), &key, Algorithm::RS256)
        .unwrap_or(false)
}

/// The JWK of the JWKS with `kid`.
pub fn jwk_for<'a>(jwks: &'a Value, kid: &str) -> Option<&'a Value> {
    jwks["keys"].as_array()?.iter().find(|k| k["kid"] == kid)
}

/// The `aadsts` code of an Entra error body.
pub fn aadsts(reply: &Reply) -> u64 {
    reply.json()["error_codes"][0]
        .as_u64()
        .unwrap_or_else(|| panic!("no error code: {}", reply.body))
}

/// A unique email address per test.
pub fn email(name: &str) -> String {
    format!(
        "{name}-{}@example.com",
        &Pkce::new().verifier[..8]
            .to_lowercase()
            .replace(['-', '_'], "x")
    )
}
