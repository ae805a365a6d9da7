//! `POST /{tenant}/oauth2/v2.0/token`: the authorization code (with PKCE) and refresh token grants, with Entra's
//! client-type rules (SPA: cross-origin only, no secret; Web: secret, never cross-origin) and its JSON errors.

use super::cors::{allow_origin, origin, preflight as preflight_response};
use super::headers::no_store;
use super::params::{self, param};
use super::request_ids::error_context;
use super::request_log::{noted, LogNote};
use super::responses::{html_server_error, tenant_error_json};
use crate::clock::{secs, UnixTime};
use crate::config::{Client, ClientKind, Lifetimes};
use crate::errors::{self, EntraError};
use crate::faults::{Armed, Fault, Phase};
use crate::ids::{b64url, opaque};
use crate::keys::{KeyError, SigningKey};
use crate::shared::{Shared, SharedTenant};
use crate::store::{CodeChallenge, CodeGrant, Memory, RefreshGrant, User};
use crate::tokens::{apply_claim_faults, encode, encode_shaped, Grant, Signature};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::Duration;

type Params = HashMap<String, String>;

/// `OPTIONS` on the token endpoint: any origin may ask; the client type decides on the real request.
pub(crate) async fn preflight(headers: HeaderMap) -> Response {
    let allowed = origin(&headers).unwrap_or_else(|| "*".into());
    preflight_response(&headers, &allowed, &[Method::POST, Method::OPTIONS])
}

pub(crate) async fn token(
    State(shared): Shared,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let origin = origin(&headers);
    let with_cors = |response: Response| match &origin {
        Some(origin) => allow_origin(response, origin),
        None => response,
    };
    let request_faults = shared.lock().faults.take(Phase::TokenRequest);
    for armed in &request_faults {
        if armed.fault == Fault::TokenStall {
            tokio::time::sleep(Duration::from_secs(armed.stall_seconds)).await;
        }
    }
    if request_faults
        .iter()
        .any(|a| a.fault == Fault::TokenServerError)
    {
        return noted(
            with_cors(html_server_error("The token service failed.")),
            LogNote::new(None, "fault=token_server_error"),
        );
    }
    if !shared.is_this_tenant(&tenant) {
        return tenant_error_json(&shared, &headers, &tenant);
    }
    let params = params::parse(&body);
    if let Err(e) = shared.prepare_fault_keys().await {
        shared.say(&format!("dev-tenant fault keys unavailable: {e}"));
    }
    let client_id = client_credentials(&params, &headers).0;
    let result = redeem(&shared, &params, &headers, origin.as_deref());
    let response = match result.and_then(|prepared| sign(&shared, prepared)) {
        Ok((body, outcome)) => noted(
            no_store(Json(body).into_response()),
            LogNote::new(client_id.as_deref(), outcome),
        ),
        Err(error) => {
            let ctx = error_context(&shared, &headers);
            let response = (error.status, Json(error.to_json(&ctx))).into_response();
            noted(
                no_store(response),
                LogNote::error(client_id.as_deref(), &error),
            )
        }
    };
    with_cors(response)
}

/// `client_id` and `client_secret` from the body (client_secret_post) or `Authorization: Basic` (client_secret_basic).
fn client_credentials(params: &Params, headers: &HeaderMap) -> (Option<String>, Option<String>) {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|pair| {
            let (id, secret) = pair.split_once(':')?;
            let decode = |s: &str| {
                form_urlencoded::parse(format!("v={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
            };
            Some((decode(id)?, decode(secret)?))
        });
    let from_body = |name: &str| param(params, name).map(str::to_string);
    match basic {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (from_body("client_id"), from_body("client_secret")),
    }
}

/// What one successful request will return, before signing.
struct Prepared {
    client_kind: ClientKind,
    scopes: Vec<String>,
    access_claims: Map<String, Value>,
    /// The ID token's claims, signature, and the faults that shape its encoding.
    id_token: Option<(Map<String, Value>, Signature, Vec<Fault>)>,
    access_signature: Signature,
    /// The faults of the response's shape (`token_without_id_token`, `token_type_pop`).
    response_faults: Vec<Fault>,
    /// `expires_in`: the access token's `exp - iat`.
    access_lifetime: i64,
    refresh_token: Option<(String, i64)>,
    outcome: String,
}

/// Checks the request and records its effects (code redeemed, refresh token marked redeemed) under the lock.
fn redeem(
    shared: &SharedTenant,
    params: &Params,
    headers: &HeaderMap,
    origin: Option<&str>,
) -> Result<Prepared, EntraError> {
    let grant_type =
        param(params, "grant_type").ok_or_else(|| errors::missing_parameter("grant_type"))?;
    let client = authenticate_client(shared, params, headers, origin)?;
    let now = shared.clock.now();
    let lifetimes = shared.lifetimes();
    let mut memory = shared.lock();
    let (granted, refresh) = match grant_type {
        "authorization_code" => (redeem_code(&mut memory, client, params, now)?, false),
        "refresh_token" => (
            redeem_refresh_token(&lifetimes, &mut memory, client, params, now)?,
            true,
        ),
        other => return Err(errors::unsupported_grant_type(other)),
    };
    let minting = Minting {
        shared,
        client,
        granted: &granted,
        refresh,
        lifetimes: &lifetimes,
        now,
    };
    minting.prepare(&mut memory)
}

/// The client the request names (client_secret_post or client_secret_basic), if Entra's client-type rules let it
/// use the token endpoint as it does.
fn authenticate_client<'s>(
    shared: &'s SharedTenant,
    params: &Params,
    headers: &HeaderMap,
    origin: Option<&str>,
) -> Result<&'s Client, EntraError> {
    let (client_id, secret) = client_credentials(params, headers);
    let client_id = client_id.ok_or_else(|| errors::missing_parameter("client_id"))?;
    let client = shared
        .client(&client_id)
        .ok_or_else(|| errors::token_unknown_client(&client_id, &shared.config.tenant_id))?;
    check_client(
        client,
        secret.as_deref(),
        param(params, "client_assertion").is_some(),
        origin,
    )?;
    Ok(client)
}

/// Entra's client-type rules.
fn check_client(
    client: &Client,
    secret: Option<&str>,
    assertion: bool,
    origin: Option<&str>,
) -> Result<(), EntraError> {
    match client.kind {
        ClientKind::Spa => {
            if secret.is_some() || assertion {
                return Err(errors::public_client_sent_secret());
            }
            if origin.is_none() {
                return Err(errors::spa_requires_cross_origin());
            }
        }
        ClientKind::Web => {
            if let Some(origin) = origin {
                return Err(errors::cross_origin_only_for_spa(origin));
            }
            let Some(secret) = secret else {
                return Err(errors::secret_missing());
            };
            if !client.secret.as_ref().is_some_and(|s| s.matches(secret)) {
                return Err(errors::secret_wrong(&client.client_id));
            }
        }
    }
    Ok(())
}

/// What a code or refresh token grants.
struct Granted {
    user_oid: String,
    scopes: Vec<String>,
    nonce: Option<String>,
    sid: String,
    chain_issued_at: i64,
}

impl Granted {
    fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// The authorization code grant: the code is looked up, checked and marked redeemed.
fn redeem_code(
    memory: &mut Memory,
    client: &Client,
    params: &Params,
    now: UnixTime,
) -> Result<Granted, EntraError> {
    let code = param(params, "code").ok_or_else(|| errors::missing_parameter("code"))?;
    let grant = memory
        .codes
        .get(code)
        .ok_or_else(|| errors::grant_malformed("authorization code"))?;
    check_code(grant, client, params, now)?;
    let granted = Granted {
        user_oid: grant.user_oid.clone(),
        scopes: grant.scopes.clone(),
        nonce: grant.nonce.clone(),
        sid: grant.sid.clone(),
        chain_issued_at: now,
    };
    if let Some(grant) = memory.codes.get_mut(code) {
        grant.redeemed = true;
    }
    Ok(granted)
}

/// Whether the code may be redeemed by this request: not yet redeemed, not expired, issued to this client for this
/// `redirect_uri`, and the PKCE verifier when it was issued with a challenge.
fn check_code(
    grant: &CodeGrant,
    client: &Client,
    params: &Params,
    now: UnixTime,
) -> Result<(), EntraError> {
    if grant.redeemed {
        return Err(errors::code_redeemed());
    }
    if now >= grant.expires_at {
        return Err(errors::code_expired());
    }
    if !grant.client_id.eq_ignore_ascii_case(&client.client_id) {
        return Err(errors::grant_for_other_client("authorization code"));
    }
    let redirect_uri =
        param(params, "redirect_uri").ok_or_else(|| errors::missing_parameter("redirect_uri"))?;
    if redirect_uri != grant.redirect_uri {
        return Err(errors::redirect_uri_differs());
    }
    match &grant.code_challenge {
        Some(challenge) => check_code_verifier(challenge, param(params, "code_verifier")),
        None => Ok(()),
    }
}

/// RFC 7636 §4.5: the `code_verifier` is required, and must match the challenge.
fn check_code_verifier(
    challenge: &CodeChallenge,
    verifier: Option<&str>,
) -> Result<(), EntraError> {
    let verifier = verifier.ok_or_else(|| errors::missing_parameter("code_verifier"))?;
    if pkce_matches(challenge, verifier) {
        Ok(())
    } else {
        Err(errors::pkce_mismatch())
    }
}

/// RFC 7636 §4.6: `BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge` (or equality for `plain`), with a
/// verifier of 43 to 128 unreserved characters (§4.1).
fn pkce_matches(challenge: &CodeChallenge, verifier: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    let derived = if challenge.s256 {
        b64url(&Sha256::digest(verifier.as_bytes()))
    } else {
        verifier.to_string()
    };
    well_formed && derived == challenge.challenge
}

/// The refresh token grant: the token is looked up, checked and marked redeemed (it stays valid, as in Entra).
fn redeem_refresh_token(
    lifetimes: &Lifetimes,
    memory: &mut Memory,
    client: &Client,
    params: &Params,
    now: UnixTime,
) -> Result<Granted, EntraError> {
    let token =
        param(params, "refresh_token").ok_or_else(|| errors::missing_parameter("refresh_token"))?;
    let grant = memory
        .refresh_tokens
        .get(token)
        .ok_or_else(|| errors::grant_malformed("refresh token"))?;
    if !grant.client_id.eq_ignore_ascii_case(&client.client_id) {
        return Err(errors::grant_for_other_client("refresh token"));
    }
    // Entra keeps a redeemed refresh token valid; the `refresh_single_use` fault rejects it.
    if grant.redeemed && !memory.faults.take(Phase::RefreshReuse).is_empty() {
        return Err(errors::refresh_token_reused());
    }
    check_refresh_expiry(grant, client.kind, lifetimes, now)?;
    let granted = Granted {
        user_oid: grant.user_oid.clone(),
        scopes: narrowed_scopes(&grant.scopes, param(params, "scope"))?,
        nonce: grant.nonce.clone(),
        sid: grant.sid.clone(),
        chain_issued_at: grant.chain_issued_at,
    };
    if let Some(grant) = memory.refresh_tokens.get_mut(token) {
        grant.redeemed = true;
    }
    Ok(granted)
}

/// SPA: a fixed lifetime from the sign-in, the one in force now (tests may change it after the sign-in). Web: renewed
/// by each rotation, as recorded at issue.
fn check_refresh_expiry(
    grant: &RefreshGrant,
    kind: ClientKind,
    lifetimes: &Lifetimes,
    now: UnixTime,
) -> Result<(), EntraError> {
    let spa_lifetime = secs(lifetimes.spa_refresh_token);
    let expires_at = match kind {
        ClientKind::Spa => grant.chain_issued_at + spa_lifetime,
        ClientKind::Web => grant.expires_at,
    };
    if now < expires_at {
        return Ok(());
    }
    Err(match kind {
        ClientKind::Spa => errors::spa_refresh_expired(grant.chain_issued_at, spa_lifetime),
        ClientKind::Web => errors::refresh_expired_inactivity(),
    })
}

/// The `scope` of a refresh request, each of them granted before (without it, all of those).
fn narrowed_scopes(granted: &[String], requested: Option<&str>) -> Result<Vec<String>, EntraError> {
    let Some(requested) = requested else {
        return Ok(granted.to_vec());
    };
    let mut scopes: Vec<String> = Vec::new();
    for scope in requested.split_ascii_whitespace() {
        if !granted.iter().any(|s| s == scope) {
            return Err(errors::scope_not_granted(scope));
        }
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_string());
        }
    }
    Ok(scopes)
}

/// What the tokens of one granted request are made from.
struct Minting<'a> {
    shared: &'a SharedTenant,
    client: &'a Client,
    granted: &'a Granted,
    /// The refresh grant (its ID token faults apply).
    refresh: bool,
    lifetimes: &'a Lifetimes,
    now: UnixTime,
}

impl Minting<'_> {
    /// The claims and signatures of the tokens, with the armed ID-token faults taken, and a new refresh token when
    /// `offline_access` was granted.
    fn prepare(&self, memory: &mut Memory) -> Result<Prepared, EntraError> {
        let user = memory
            .user(&self.granted.user_oid)
            .cloned()
            .ok_or_else(|| errors::grant_malformed("grant's user"))?;
        let claims_input = self.claims_input(&user);
        let active = memory
            .keys
            .active()
            .cloned()
            .ok_or_else(|| errors::grant_malformed("signing key"))?;
        let mut outcome = String::from(if self.refresh {
            "tokens_refreshed"
        } else {
            "tokens_issued"
        });
        let id_token = if self.granted.has_scope("openid") {
            let (claims, signature, faults) = self.id_token(memory, &claims_input, &active);
            if !faults.is_empty() {
                let names: Vec<&str> = faults.iter().map(|f| f.name()).collect();
                outcome.push_str(&format!(" faults={}", names.join(",")));
            }
            Some((claims, signature, faults))
        } else {
            None
        };
        let response_faults: Vec<Fault> = memory
            .faults
            .take(Phase::TokenResponse)
            .iter()
            .map(|a| a.fault)
            .collect();
        if !response_faults.is_empty() {
            let names: Vec<&str> = response_faults.iter().map(|f| f.name()).collect();
            outcome.push_str(&format!(" faults={}", names.join(",")));
        }
        let refresh_token = self
            .granted
            .has_scope("offline_access")
            .then(|| self.issue_refresh_token(memory, &user));
        Ok(Prepared {
            client_kind: self.client.kind,
            scopes: self.granted.scopes.clone(),
            access_claims: claims_input.access_token_claims(),
            id_token,
            access_signature: Signature::Rs256 {
                kid: Some(active.kid().to_string()),
                key: active,
            },
            access_lifetime: claims_input.access_token_lifetime,
            response_faults,
            refresh_token,
            outcome,
        })
    }

    fn claims_input<'u>(&'u self, user: &'u User) -> Grant<'u> {
        Grant {
            issuer: &self.shared.urls.issuer,
            tenant_id: &self.shared.config.tenant_id,
            client_id: &self.client.client_id,
            user,
            scopes: &self.granted.scopes,
            nonce: self.granted.nonce.as_deref(),
            sid: &self.granted.sid,
            now: self.now,
            authenticated_at: self.granted.chain_issued_at,
            id_token_lifetime: secs(self.lifetimes.id_token),
            access_token_lifetime: secs(self.lifetimes.draw_access_token()),
        }
    }

    /// The ID token's claims and signature with the armed ID-token faults (and, on a refresh, the refresh ones)
    /// applied; and those faults.
    fn id_token(
        &self,
        memory: &mut Memory,
        claims_input: &Grant<'_>,
        active: &SigningKey,
    ) -> (Map<String, Value>, Signature, Vec<Fault>) {
        let mut faults = memory.faults.take(Phase::IdToken);
        if self.refresh {
            faults.extend(memory.faults.take(Phase::RefreshIdToken));
        }
        let mut claims = claims_input.id_token_claims();
        let fault_list: Vec<Fault> = faults.iter().map(|a| a.fault).collect();
        apply_claim_faults(&mut claims, &fault_list, claims_input);
        let signature =
            id_token_signature(memory, active, faults.iter().find(|a| a.fault.is_signing()));
        (claims, signature, fault_list)
    }

    /// A new refresh token of the same chain, and its `refresh_token_expires_in`. SPA: it ends when the chain's
    /// sign-in is a lifetime old; Web: a lifetime from now.
    fn issue_refresh_token(&self, memory: &mut Memory, user: &User) -> (String, i64) {
        let token = opaque();
        let chain_issued_at = self.granted.chain_issued_at;
        let expires_at = match self.client.kind {
            ClientKind::Spa => chain_issued_at + secs(self.lifetimes.spa_refresh_token),
            ClientKind::Web => self.now + secs(self.lifetimes.web_refresh_token),
        };
        memory.refresh_tokens.insert(
            token.clone(),
            RefreshGrant {
                client_id: self.client.client_id.clone(),
                user_oid: user.oid.clone(),
                scopes: self.granted.scopes.clone(),
                nonce: self.granted.nonce.clone(),
                sid: self.granted.sid.clone(),
                chain_issued_at,
                expires_at,
                redeemed: false,
            },
        );
        (token, expires_at - self.now)
    }
}

/// How the ID token is signed: normally by the active key with its `kid`; a signing fault changes that.
fn id_token_signature(
    memory: &mut Memory,
    active: &SigningKey,
    fault: Option<&Armed>,
) -> Signature {
    let normal = || Signature::Rs256 {
        key: active.clone(),
        kid: Some(active.kid().to_string()),
    };
    let Some(armed) = fault else { return normal() };
    match armed.fault {
        Fault::AlgNone => Signature::None,
        Fault::AlgHs256PublicKey => Signature::Hs256 {
            secret: active.public_key_pem().as_bytes().to_vec(),
            kid: Some(active.kid().to_string()),
        },
        Fault::UnpublishedSigningKey => match memory.keys.never_published() {
            Some(key) => Signature::Rs256 {
                key: key.clone(),
                kid: Some(active.kid().to_string()),
            },
            None => normal(),
        },
        Fault::UnknownKid => match memory.keys.never_published() {
            Some(key) => Signature::Rs256 {
                key: key.clone(),
                kid: Some(key.kid().to_string()),
            },
            None => normal(),
        },
        Fault::KidNotYetPublished => match memory.keys.take_spare() {
            Some(key) => {
                memory.keys.withhold(key.clone(), armed.withheld_fetches);
                Signature::Rs256 {
                    kid: Some(key.kid().to_string()),
                    key,
                }
            }
            None => normal(),
        },
        Fault::MissingKidSingleKey | Fault::MissingKidSeveralKeys => Signature::Rs256 {
            key: active.clone(),
            kid: None,
        },
        _ => normal(),
    }
}

/// Signs the tokens (outside the lock: RSA is slow in debug builds) and builds Entra's response body.
fn sign(shared: &SharedTenant, prepared: Prepared) -> Result<(Value, String), EntraError> {
    let failed = |e: KeyError| {
        shared.say(&format!("dev-tenant signing failed: {e}"));
        let mut error = errors::grant_malformed("signing key");
        error.status = StatusCode::INTERNAL_SERVER_ERROR;
        error
    };
    let lifetime = prepared.access_lifetime;
    let has = |fault| prepared.response_faults.contains(&fault);
    let token_type = if has(Fault::TokenTypePop) {
        "pop"
    } else {
        "Bearer"
    };
    let mut body = json!({
        "token_type": token_type,
        "scope": prepared.scopes.join(" "),
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": encode(&prepared.access_claims, &prepared.access_signature).map_err(failed)?,
    });
    if let Some((token, expires_in)) = &prepared.refresh_token {
        body["refresh_token"] = json!(token);
        if prepared.client_kind == ClientKind::Spa {
            body["refresh_token_expires_in"] = json!(expires_in);
        }
    }
    match &prepared.id_token {
        Some(_) if has(Fault::TokenWithoutIdToken) => {}
        Some((claims, signature, faults)) => {
            body["id_token"] = json!(encode_shaped(claims, signature, faults).map_err(failed)?);
        }
        None => {}
    }
    Ok((body, prepared.outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_the_rfc_7636_example() {
        let challenge = CodeChallenge {
            challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
            s256: true,
        };
        assert!(pkce_matches(
            &challenge,
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        ));
        assert!(!pkce_matches(
            &challenge,
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj"
        ));
        assert!(!pkce_matches(&challenge, "short"));
    }

    #[test]
    fn basic_authentication_carries_form_encoded_credentials() {
        let mut headers = HeaderMap::new();
        let encoded = base64::engine::general_purpose::STANDARD.encode("my%20id:s%3Acret");
        headers.insert(
            header::AUTHORIZATION,
            format!("Basic {encoded}").parse().unwrap(),
        );
        let (id, secret) = client_credentials(&HashMap::new(), &headers);
        assert_eq!(id.as_deref(), Some("my id"));
        assert_eq!(secret.as_deref(), Some("s:cret"));
    }
}
