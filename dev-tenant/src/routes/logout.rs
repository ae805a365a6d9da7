//! `GET /{tenant}/oauth2/v2.0/logout`: ends the session, then returns to the `post_logout_redirect_uri` (with
//! `state`) if it is one of the client's redirect URIs (matched as `/authorize` matches them, so on any loopback port
//! with `loopback_any_port`), as Entra does; otherwise, as Entra does, it stays on a "signed out" page.

use super::{
    error_page, noted, param, query_params, session_cookie, set_session_cookie, AppState, LogNote,
};
use crate::errors;
use crate::html;
use crate::tokens::verify;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

pub(crate) async fn logout(
    State(shared): AppState,
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
        let mut state = shared.lock();
        if let Some(cookie) = &cookie {
            state.sessions.remove(cookie);
        }
        state.keys.verification_keys()
    };
    // The client: `client_id`, or the audience of a (possibly expired) ID token this tenant signed.
    let hinted_client = param(&params, "id_token_hint")
        .and_then(|t| verify(t, &keys))
        .and_then(|claims| {
            claims
                .get("aud")
                .and_then(|a| a.as_str())
                .map(str::to_string)
        });
    let client_id = param(&params, "client_id")
        .map(str::to_string)
        .or(hinted_client);
    let post_logout = param(&params, "post_logout_redirect_uri");
    // A redirect URI of the client, or of any client when it is not known; on any loopback port if configured so.
    let registered = post_logout.filter(|uri| {
        shared
            .config
            .clients
            .iter()
            .filter(|c| {
                client_id
                    .as_deref()
                    .is_none_or(|id| c.client_id.eq_ignore_ascii_case(id))
            })
            .any(|c| c.redirect_uri_registered(uri, shared.config.loopback_any_port))
    });
    let mut response = match (registered, post_logout) {
        (Some(uri), _) => match url::Url::parse(uri) {
            Ok(mut url) => {
                if let Some(state) = param(&params, "state") {
                    url.query_pairs_mut().append_pair("state", state);
                }
                let mut response = StatusCode::FOUND.into_response();
                if let Ok(location) = HeaderValue::from_str(url.as_str()) {
                    response.headers_mut().insert(header::LOCATION, location);
                }
                noted(
                    response,
                    LogNote::new(client_id.as_deref(), "signed_out_redirect"),
                )
            }
            Err(_) => signed_out(&shared.config.subdomain, None, client_id.as_deref()),
        },
        (None, Some(uri)) => {
            let note = format!("The post_logout_redirect_uri '{uri}' is not registered as a redirect URI of the application, so you were not sent back to it.");
            signed_out(&shared.config.subdomain, Some(&note), client_id.as_deref())
        }
        (None, None) => signed_out(&shared.config.subdomain, None, client_id.as_deref()),
    };
    set_session_cookie(&shared, &mut response, None);
    response
}

fn signed_out(subdomain: &str, note: Option<&str>, client: Option<&str>) -> Response {
    noted(
        Html(html::signed_out(subdomain, note)).into_response(),
        LogNote::new(client, "signed_out_page"),
    )
}
