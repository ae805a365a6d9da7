//! `GET /{tenant}/oauth2/v2.0/logout`: ends the session, then returns to the `post_logout_redirect_uri` (with
//! `state`) if it is one of the client's redirect URIs (matched as `/authorize` matches them, so on any loopback port
//! with `loopback_any_port`), as Entra does; otherwise, as Entra does, it stays on a "signed out" page.

use super::cookies::{session_cookie, set_session_cookie};
use super::params::{param, query_params};
use super::request_log::{noted, LogNote};
use super::responses::error_page;
use crate::errors;
use crate::html;
use crate::keys::SigningKey;
use crate::shared::{Shared, SharedTenant};
use crate::tokens::verify;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;

pub(crate) async fn logout(
    State(shared): Shared,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = query_params(query.as_deref());
    if !shared.is_this_tenant(&tenant) {
        return error_page(&shared, &headers, &errors::tenant_not_found(&tenant), None);
    }
    let cookie = session_cookie(&shared, &headers);
    let keys = {
        let mut memory = shared.lock();
        if let Some(cookie) = &cookie {
            memory.sessions.remove(cookie);
        }
        memory.keys.verification_keys()
    };
    let client_id = logout_client(&params, &keys);
    let client_id = client_id.as_deref();
    let subdomain = &shared.config.subdomain;
    let post_logout = param(&params, "post_logout_redirect_uri");
    let mut response = match (registered(&shared, client_id, post_logout), post_logout) {
        (Some(uri), _) => match url::Url::parse(uri) {
            Ok(url) => return_to(url, param(&params, "state"), client_id),
            Err(_) => signed_out(subdomain, None, client_id),
        },
        (None, Some(uri)) => {
            let note = format!("The post_logout_redirect_uri '{uri}' is not registered as a redirect URI of the application, so you were not sent back to it.");
            signed_out(subdomain, Some(&note), client_id)
        }
        (None, None) => signed_out(subdomain, None, client_id),
    };
    set_session_cookie(&shared, &mut response, None);
    response
}

/// The client: `client_id`, or the audience of a (possibly expired) ID token this tenant signed.
fn logout_client(params: &HashMap<String, String>, keys: &[SigningKey]) -> Option<String> {
    let hinted_client = param(params, "id_token_hint")
        .and_then(|t| verify(t, keys))
        .and_then(|claims| {
            claims
                .get("aud")
                .and_then(|a| a.as_str())
                .map(str::to_string)
        });
    param(params, "client_id")
        .map(str::to_string)
        .or(hinted_client)
}

/// `post_logout` if it is a redirect URI of the client, or of any client when it is not known; on any loopback port
/// if configured so.
fn registered<'a>(
    shared: &SharedTenant,
    client_id: Option<&str>,
    post_logout: Option<&'a str>,
) -> Option<&'a str> {
    post_logout.filter(|uri| {
        shared
            .config
            .clients
            .iter()
            .filter(|c| client_id.is_none_or(|id| c.client_id.eq_ignore_ascii_case(id)))
            .any(|c| c.redirect_uri_registered(uri, shared.config.loopback_any_port))
    })
}

/// The redirect to the registered `post_logout_redirect_uri`, with the app's `state`.
fn return_to(mut url: url::Url, client_state: Option<&str>, client_id: Option<&str>) -> Response {
    if let Some(client_state) = client_state {
        url.query_pairs_mut().append_pair("state", client_state);
    }
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(location) = HeaderValue::from_str(url.as_str()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    noted(response, LogNote::new(client_id, "signed_out_redirect"))
}

fn signed_out(subdomain: &str, note: Option<&str>, client: Option<&str>) -> Response {
    noted(
        Html(html::signed_out(subdomain, note)).into_response(),
        LogNote::new(client, "signed_out_page"),
    )
}
