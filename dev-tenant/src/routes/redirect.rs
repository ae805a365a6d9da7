//! The answer sent to the app's redirect URI in its response mode: the code that ends a sign-in, or an error.

use super::cookies::set_session_cookie;
use super::request_ids::error_context;
use super::request_log::{noted, LogNote};
use crate::errors::EntraError;
use crate::faults::{Fault, Phase};
use crate::html;
use crate::ids::{guid, opaque};
use crate::shared::SharedTenant;
use crate::store::{AuthRequest, CodeGrant, Memory, ResponseMode, Session};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

/// Where and how a response goes back to the app.
#[derive(Clone, Debug)]
pub(super) struct Target {
    pub(super) redirect_uri: String,
    pub(super) mode: ResponseMode,
    /// The app's `state` parameter, sent back with every answer.
    pub(super) client_state: Option<String>,
}

impl Target {
    pub(super) fn of(request: &AuthRequest) -> Target {
        Target {
            redirect_uri: request.redirect_uri.clone(),
            mode: request.response_mode,
            client_state: request.client_state.clone(),
        }
    }
}

/// Sends `params` to the app as its response mode says.
fn to_client(shared: &SharedTenant, target: &Target, params: Vec<(&str, String)>) -> Response {
    let mut all = params;
    if let Some(client_state) = &target.client_state {
        all.push(("state", client_state.clone()));
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
    shared: &SharedTenant,
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
pub(super) fn redirect_with_code(
    shared: &SharedTenant,
    memory: &mut Memory,
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
            memory.sessions.insert(cookie.clone(), session);
            (Some(cookie), sid)
        }
    };
    let code = opaque();
    memory.codes.insert(
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
    let mut params = vec![("code", code), ("session_state", sid)];
    let wrong_iss = memory.faults.take(Phase::Authorize);
    if wrong_iss
        .iter()
        .any(|a| a.fault == Fault::AuthorizeWrongIss)
    {
        // Entra sends no `iss` here; the fault's names another tenant, as in a mix-up attack (RFC 9207).
        let other = shared
            .urls
            .issuer
            .replace(&shared.config.tenant_id, &guid());
        params.push(("iss", other));
    }
    let mut response = to_client(shared, &Target::of(request), params);
    if let Some(cookie) = cookie {
        set_session_cookie(shared, &mut response, Some(&cookie));
    }
    response
}
