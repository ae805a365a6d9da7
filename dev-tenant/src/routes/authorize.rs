//! `GET /{tenant}/oauth2/v2.0/authorize`: validates like Entra, then starts the sign-in pages or, with a session,
//! answers at once; and the redirect back to the app that every sign-in ends with.

use super::{
    error_context, error_page, noted, param, query_params, session_cookie, set_session_cookie,
    AppState, LogNote,
};
use crate::config::{Client, ClientKind};
use crate::errors::{self, EntraError};
use crate::html::{self, SignInPage};
use crate::ids::{guid, opaque};
use crate::store::{
    AuthRequest, CodeChallenge, CodeGrant, Pending, Prompt, ResponseMode, Session, Stage, State,
};
use crate::tenant::Shared;
use axum::extract::{Path, RawQuery, State as AxumState};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;

/// What an authorization request turns out to be.
enum Checked {
    /// Cannot go back to the app: show an error page.
    Page(EntraError),
    /// Valid enough to send an error back to the redirect URI.
    Redirect(EntraError, Target),
    Valid(AuthRequest),
}

/// Where and how a response goes back to the app.
#[derive(Clone, Debug)]
pub(super) struct Target {
    pub(super) redirect_uri: String,
    pub(super) mode: ResponseMode,
    pub(super) state: Option<String>,
}

impl Target {
    pub(super) fn of(request: &AuthRequest) -> Target {
        Target {
            redirect_uri: request.redirect_uri.clone(),
            mode: request.response_mode,
            state: request.state.clone(),
        }
    }
}

pub(crate) async fn authorize(
    AxumState(shared): AppState,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = query_params(query.as_deref());
    let client_id = param(&params, "client_id").map(str::to_string);
    if !shared.is_this_tenant(&tenant) {
        return error_page(
            &shared,
            &headers,
            &errors::tenant_not_found(&tenant),
            client_id.as_deref(),
        );
    }
    let request = match check(&shared, &params) {
        Checked::Page(error) => return error_page(&shared, &headers, &error, client_id.as_deref()),
        Checked::Redirect(error, target) => {
            return error_redirect(&shared, &headers, &target, &error, client_id.as_deref())
        }
        Checked::Valid(request) => request,
    };
    let now = shared.clock.now();
    let cookie = session_cookie(&shared, &headers);
    let mut state = shared.lock();
    state.sweep(now);
    let session = state.session(cookie.as_deref(), now).cloned();
    let session_user = session
        .as_ref()
        .and_then(|s| state.user(&s.user_oid))
        .cloned();
    // A login_hint for someone else than the signed-in user is a sign-in as someone else.
    let hint_matches = |email: &str| {
        request
            .login_hint
            .as_deref()
            .is_none_or(|h| h.eq_ignore_ascii_case(email))
    };
    let usable = session_user.filter(|u| hint_matches(&u.email));
    let target = Target::of(&request);
    let client = request.client_id.clone();
    match (request.prompt, usable) {
        (Some(Prompt::None), None) => {
            drop(state);
            error_redirect(
                &shared,
                &headers,
                &target,
                &errors::login_required(),
                Some(&client),
            )
        }
        (None | Some(Prompt::None), Some(user)) => {
            let response = complete(&shared, &mut state, &request, &user.oid, session.as_ref());
            noted(
                response,
                LogNote::new(Some(&client), "signed_in_by_session"),
            )
        }
        (Some(Prompt::SelectAccount), Some(user)) => {
            let id = add_pending(
                &mut state,
                request,
                now,
                Stage::AccountPicker {
                    user_oid: user.oid.clone(),
                },
            );
            let html = page(&shared, &client, &id, None, None)
                .account_picker(&user.email, &user.display_name);
            noted(
                Html(html).into_response(),
                LogNote::new(Some(&client), "account_picker"),
            )
        }
        (prompt, _) => {
            let prefill = request.login_hint.clone().unwrap_or_default();
            let id = add_pending(&mut state, request, now, Stage::Email);
            let html = page(&shared, &client, &id, None, None)
                .email(&prefill, prompt == Some(Prompt::Create));
            noted(
                Html(html).into_response(),
                LogNote::new(Some(&client), "email_page"),
            )
        }
    }
}

fn add_pending(state: &mut State, request: AuthRequest, now: i64, stage: Stage) -> String {
    let id = opaque();
    state.pending.insert(
        id.clone(),
        Pending {
            request,
            created_at: now,
            stage,
        },
    );
    id
}

/// A sign-in page for the pending request `request_id`.
pub(super) fn page<'a>(
    shared: &'a Shared,
    client_id: &str,
    request_id: &'a str,
    error: Option<&'a str>,
    info: Option<&'a str>,
) -> SignInPage<'a> {
    SignInPage {
        prefix: &shared.prefix,
        subdomain: &shared.config.subdomain,
        app_name: shared
            .client(client_id)
            .map(|c| c.display_name.as_str())
            .unwrap_or("the application"),
        request_id,
        error,
        info,
    }
}

/// Entra's checks, in its order: client, redirect URI (both shown on a page), then the rest (sent back).
fn check(shared: &Shared, params: &HashMap<String, String>) -> Checked {
    let Some(client_id) = param(params, "client_id") else {
        return Checked::Page(errors::missing_parameter("client_id"));
    };
    let Some(client) = shared.client(client_id) else {
        return Checked::Page(errors::unknown_client(client_id, &shared.config.tenant_id));
    };
    let Some(redirect_uri) = param(params, "redirect_uri") else {
        return Checked::Page(errors::missing_parameter("redirect_uri"));
    };
    if !client.redirect_uri_registered(redirect_uri, shared.config.loopback_any_port) {
        return Checked::Page(errors::redirect_uri_not_registered(
            redirect_uri,
            &client.client_id,
        ));
    }
    let state = param(params, "state").map(str::to_string);
    let mut target = Target {
        redirect_uri: redirect_uri.to_string(),
        mode: ResponseMode::Query,
        state,
    };
    match check_parameters(client, params, &mut target) {
        Ok(request) => Checked::Valid(request),
        Err(error) => Checked::Redirect(error, target),
    }
}

fn check_parameters(
    client: &Client,
    params: &HashMap<String, String>,
    target: &mut Target,
) -> Result<AuthRequest, EntraError> {
    target.mode = match param(params, "response_mode") {
        None | Some("query") => ResponseMode::Query,
        Some("fragment") => ResponseMode::Fragment,
        Some("form_post") => ResponseMode::FormPost,
        Some(other) => {
            return Err(errors::invalid_request(&format!(
                "response_mode '{other}' is not supported."
            )))
        }
    };
    let response_type =
        param(params, "response_type").ok_or_else(|| errors::missing_parameter("response_type"))?;
    if response_type != "code" {
        return Err(errors::unsupported_response_type(response_type));
    }
    let scope = param(params, "scope").ok_or_else(|| errors::missing_parameter("scope"))?;
    let mut scopes: Vec<String> = Vec::new();
    for s in scope.split_ascii_whitespace() {
        if !scopes.iter().any(|known| known == s) {
            scopes.push(s.to_string());
        }
    }
    let nonce = param(params, "nonce").map(str::to_string);
    if nonce.is_some() && !scopes.iter().any(|s| s == "openid") {
        return Err(errors::openid_scope_required());
    }
    let prompt = match param(params, "prompt") {
        None => None,
        Some("login") => Some(Prompt::Login),
        Some("select_account") => Some(Prompt::SelectAccount),
        Some("create") => Some(Prompt::Create),
        Some("none") => Some(Prompt::None),
        Some(other) => {
            return Err(errors::invalid_request(&format!(
                "prompt '{other}' is not supported."
            )))
        }
    };
    let code_challenge = check_pkce(
        client,
        param(params, "code_challenge"),
        param(params, "code_challenge_method"),
    )?;
    Ok(AuthRequest {
        client_id: client.client_id.clone(),
        redirect_uri: target.redirect_uri.clone(),
        response_mode: target.mode,
        state: target.state.clone(),
        nonce,
        scopes,
        code_challenge,
        prompt,
        login_hint: param(params, "login_hint").map(str::to_string),
    })
}

/// RFC 7636 §4.2-4.3: SPA clients must send an S256 challenge; Web clients may send one (S256 or plain).
fn check_pkce(
    client: &Client,
    challenge: Option<&str>,
    method: Option<&str>,
) -> Result<Option<CodeChallenge>, EntraError> {
    let s256 = match (client.kind, method) {
        (_, None | Some("S256")) => method.is_some(),
        (ClientKind::Web, Some("plain")) => false,
        (ClientKind::Spa, Some(other)) => return Err(errors::pkce_method_not_allowed(other)),
        (ClientKind::Web, Some(other)) => {
            return Err(errors::invalid_request(&format!(
                "code_challenge_method '{other}' is not supported."
            )))
        }
    };
    let Some(challenge) = challenge else {
        return match client.kind {
            ClientKind::Spa => Err(errors::pkce_required()),
            ClientKind::Web if method.is_some() => Err(errors::missing_parameter("code_challenge")),
            ClientKind::Web => Ok(None),
        };
    };
    if client.kind == ClientKind::Spa && method.is_none() {
        // Without a method the challenge would be `plain`, which SPA clients may not use.
        return Err(errors::pkce_method_not_allowed("plain"));
    }
    let well_formed = (43..=128).contains(&challenge.len())
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        && (!s256 || challenge.len() == 43);
    if !well_formed {
        return Err(errors::code_challenge_malformed());
    }
    Ok(Some(CodeChallenge {
        challenge: challenge.to_string(),
        s256,
    }))
}

/// Sends `params` to the app as its response mode says.
pub(super) fn to_client(shared: &Shared, target: &Target, params: Vec<(&str, String)>) -> Response {
    let mut all = params;
    if let Some(state) = &target.state {
        all.push(("state", state.clone()));
    }
    match target.mode {
        ResponseMode::FormPost => Html(html::form_post(
            &shared.config.subdomain,
            &target.redirect_uri,
            &all,
        ))
        .into_response(),
        ResponseMode::Query | ResponseMode::Fragment => {
            let Ok(mut url) = url::Url::parse(&target.redirect_uri) else {
                return (StatusCode::BAD_REQUEST, "unusable redirect URI").into_response();
            };
            if target.mode == ResponseMode::Query {
                url.query_pairs_mut()
                    .extend_pairs(all.iter().map(|(k, v)| (*k, v.as_str())));
            } else {
                let fragment = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(all.iter().map(|(k, v)| (*k, v.as_str())))
                    .finish();
                url.set_fragment(Some(&fragment));
            }
            let mut response = StatusCode::FOUND.into_response();
            if let Ok(location) = HeaderValue::from_str(url.as_str()) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
    }
}

/// An error sent back to the app: `error`, `error_description`, `error_uri`, `state`.
pub(super) fn error_redirect(
    shared: &Shared,
    headers: &HeaderMap,
    target: &Target,
    error: &EntraError,
    client: Option<&str>,
) -> Response {
    let ctx = error_context(shared, headers);
    let params = vec![
        ("error", error.error.to_string()),
        ("error_description", error.description(&ctx)),
        ("error_uri", error.error_uri(&ctx)),
    ];
    noted(
        to_client(shared, target, params),
        LogNote::error(client, error),
    )
}

/// Ends a sign-in of `user_oid`: keeps or starts the session, issues a code, and redirects with `code`, `state` and
/// `session_state`.
pub(super) fn complete(
    shared: &Shared,
    state: &mut State,
    request: &AuthRequest,
    user_oid: &str,
    session: Option<&Session>,
) -> Response {
    let now = shared.clock.now();
    let lifetimes = shared.lifetimes();
    let (cookie, sid) = match session.filter(|s| s.user_oid == user_oid) {
        Some(session) => (None, session.sid.clone()),
        None => {
            let cookie = opaque();
            let sid = guid();
            let session = Session {
                sid: sid.clone(),
                user_oid: user_oid.to_string(),
                expires_at: now + crate::clock::secs(lifetimes.session),
            };
            state.sessions.insert(cookie.clone(), session);
            (Some(cookie), sid)
        }
    };
    let code = opaque();
    state.codes.insert(
        code.clone(),
        CodeGrant {
            client_id: request.client_id.clone(),
            redirect_uri: request.redirect_uri.clone(),
            code_challenge: request.code_challenge.clone(),
            scopes: request.scopes.clone(),
            nonce: request.nonce.clone(),
            user_oid: user_oid.to_string(),
            sid: sid.clone(),
            expires_at: now + crate::clock::secs(lifetimes.authorization_code),
            redeemed: false,
        },
    );
    let mut response = to_client(
        shared,
        &Target::of(request),
        vec![("code", code), ("session_state", sid)],
    );
    if let Some(cookie) = cookie {
        set_session_cookie(shared, &mut response, Some(&cookie));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(kind: ClientKind, uris: &[&str]) -> Client {
        Client {
            client_id: "c".into(),
            display_name: "c".into(),
            kind,
            secret: None,
            redirect_uris: uris.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn spa_pkce_needs_an_s256_challenge_of_43_characters() {
        let spa = client(ClientKind::Spa, &[]);
        let good = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(check_pkce(&spa, Some(good), Some("S256")).is_ok());
        assert_eq!(check_pkce(&spa, None, None).unwrap_err().code, 9002325);
        assert_eq!(
            check_pkce(&spa, Some(good), Some("plain"))
                .unwrap_err()
                .code,
            9002325
        );
        assert_eq!(
            check_pkce(&spa, Some(good), None).unwrap_err().code,
            9002325
        );
        assert_eq!(
            check_pkce(&spa, Some("short"), Some("S256"))
                .unwrap_err()
                .code,
            501491
        );
        let web = client(ClientKind::Web, &[]);
        assert_eq!(check_pkce(&web, None, None), Ok(None));
        assert!(check_pkce(&web, Some(good), Some("plain")).is_ok());
    }
}
