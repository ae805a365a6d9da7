//! `GET /{tenant}/oauth2/v2.0/authorize`: validates like Entra, then starts the sign-in pages or, with a session,
//! answers at once.

use super::cookies::session_cookie;
use super::params::{param, query_params};
use super::redirect::{error_redirect, redirect_with_code, Target};
use super::request_log::{noted, LogNote};
use super::responses::{error_page, sign_in_page};
use crate::config::{Client, ClientKind};
use crate::errors::{self, EntraError};
use crate::ids::opaque;
use crate::shared::{Shared, SharedTenant};
use crate::store::{
    AuthRequest, CodeChallenge, Memory, Pending, Prompt, ResponseMode, Session, Stage, User,
};
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
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

pub(crate) async fn authorize(
    State(shared): Shared,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    shared
        .lock()
        .note_authorize_query(query.as_deref().unwrap_or_default());
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
    match check(&shared, &params) {
        Checked::Page(error) => error_page(&shared, &headers, &error, client_id.as_deref()),
        Checked::Redirect(error, target) => {
            error_redirect(&shared, &headers, &target, &error, client_id.as_deref())
        }
        Checked::Valid(request) => start(&shared, &headers, request),
    }
}

/// A valid request: answered at once with a usable session (unless `prompt` asks for a page), else the email page
/// (`login_required` for `prompt=none`).
fn start(shared: &SharedTenant, headers: &HeaderMap, request: AuthRequest) -> Response {
    let now = shared.clock.now();
    let cookie = session_cookie(shared, headers);
    let mut memory = shared.lock();
    memory.sweep(now);
    let session = memory.session(cookie.as_deref(), now).cloned();
    let usable = usable_session_user(&memory, session.as_ref(), request.login_hint.as_deref());
    let client = request.client_id.clone();
    match (request.prompt, usable) {
        (Some(Prompt::None), None) => {
            drop(memory);
            error_redirect(
                shared,
                headers,
                &Target::of(&request),
                &errors::login_required(),
                Some(&client),
            )
        }
        (None | Some(Prompt::None), Some(user)) => {
            let response =
                redirect_with_code(shared, &mut memory, &request, &user.oid, session.as_ref());
            noted(
                response,
                LogNote::new(Some(&client), "signed_in_by_session"),
            )
        }
        (Some(Prompt::SelectAccount), Some(user)) => {
            account_picker(shared, &mut memory, request, now, &user)
        }
        _ => email_page(shared, &mut memory, request, now),
    }
}

/// The user of the session, unless a `login_hint` names someone else (a sign-in as someone else).
fn usable_session_user(
    memory: &Memory,
    session: Option<&Session>,
    login_hint: Option<&str>,
) -> Option<User> {
    let user = memory.user(&session?.user_oid)?;
    login_hint
        .is_none_or(|h| h.eq_ignore_ascii_case(&user.email))
        .then(|| user.clone())
}

/// `prompt=select_account` with a session: "Continue as" or "Use another account".
fn account_picker(
    shared: &SharedTenant,
    memory: &mut Memory,
    request: AuthRequest,
    now: i64,
    user: &User,
) -> Response {
    let client = request.client_id.clone();
    let stage = Stage::AccountPicker {
        user_oid: user.oid.clone(),
    };
    let id = add_pending(memory, request, now, stage);
    let html = sign_in_page(shared, &client, &id, None, None)
        .account_picker(&user.email, &user.display_name);
    noted(
        Html(html).into_response(),
        LogNote::new(Some(&client), "account_picker"),
    )
}

/// The first sign-in page, prefilled with the `login_hint`; titled "Create account" for `prompt=create`.
fn email_page(
    shared: &SharedTenant,
    memory: &mut Memory,
    request: AuthRequest,
    now: i64,
) -> Response {
    let client = request.client_id.clone();
    let prefill = request.login_hint.clone().unwrap_or_default();
    let create = request.prompt == Some(Prompt::Create);
    let id = add_pending(memory, request, now, Stage::Email);
    let html = sign_in_page(shared, &client, &id, None, None).email(&prefill, create);
    noted(
        Html(html).into_response(),
        LogNote::new(Some(&client), "email_page"),
    )
}

fn add_pending(memory: &mut Memory, request: AuthRequest, now: i64, stage: Stage) -> String {
    let id = opaque();
    memory.pending.insert(
        id.clone(),
        Pending {
            request,
            created_at: now,
            stage,
        },
    );
    id
}

/// Entra's checks, in its order: client, redirect URI (both shown on a page), then the rest (sent back).
fn check(shared: &SharedTenant, params: &HashMap<String, String>) -> Checked {
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
    let mut target = Target {
        redirect_uri: redirect_uri.to_string(),
        mode: ResponseMode::Query,
        client_state: param(params, "state").map(str::to_string),
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
    target.mode = response_mode(param(params, "response_mode"))?;
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
    let prompt = prompt(param(params, "prompt"))?;
    let code_challenge = check_pkce(
        client,
        param(params, "code_challenge"),
        param(params, "code_challenge_method"),
    )?;
    Ok(AuthRequest {
        client_id: client.client_id.clone(),
        redirect_uri: target.redirect_uri.clone(),
        response_mode: target.mode,
        client_state: target.client_state.clone(),
        nonce,
        scopes,
        code_challenge,
        prompt,
        login_hint: param(params, "login_hint").map(str::to_string),
    })
}

/// `response_mode`: query (the default), fragment or form_post.
fn response_mode(value: Option<&str>) -> Result<ResponseMode, EntraError> {
    match value {
        None | Some("query") => Ok(ResponseMode::Query),
        Some("fragment") => Ok(ResponseMode::Fragment),
        Some("form_post") => Ok(ResponseMode::FormPost),
        Some(other) => Err(errors::invalid_request(&format!(
            "response_mode '{other}' is not supported."
        ))),
    }
}

/// `prompt`: login, select_account, create, none or consent (no consent page here: as login).
fn prompt(value: Option<&str>) -> Result<Option<Prompt>, EntraError> {
    match value {
        None => Ok(None),
        Some("login" | "consent") => Ok(Some(Prompt::Login)),
        Some("select_account") => Ok(Some(Prompt::SelectAccount)),
        Some("create") => Ok(Some(Prompt::Create)),
        Some("none") => Ok(Some(Prompt::None)),
        Some(other) => Err(errors::invalid_request(&format!(
            "prompt '{other}' is not supported."
        ))),
    }
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
