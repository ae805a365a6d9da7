//! The HTTP surface: the route table. Handlers live in a module per endpoint, the helpers they share in modules named
//! for what they do (responses, CORS, cookies, request ids, the request log, parameters, the redirect to the app).

pub(crate) mod api;
mod authorize;
mod cookies;
mod cors;
mod dev;
mod discovery;
mod headers;
mod logout;
mod params;
mod redirect;
mod request_ids;
mod request_log;
mod responses;
mod signin;
mod token;
mod userinfo;

use crate::shared::SharedTenant;
use axum::middleware;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

/// Every endpoint; those under `/{tenant}` carry Entra's request ids, and every request is logged.
pub(crate) fn router(shared: Arc<SharedTenant>) -> Router {
    let tenant = Router::new()
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(discovery::openid_configuration).options(cors::preflight_any_origin),
        )
        .route(
            "/{tenant}/discovery/v2.0/keys",
            get(discovery::jwks).options(cors::preflight_any_origin),
        )
        .route(
            "/{tenant}/openid/v2.0/userinfo",
            get(userinfo::userinfo)
                .post(userinfo::userinfo)
                .options(cors::preflight_any_origin),
        )
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize::authorize))
        .route(
            "/{tenant}/oauth2/v2.0/token",
            post(token::token).options(token::preflight),
        )
        .route("/{tenant}/oauth2/v2.0/logout", get(logout::logout))
        .route("/{tenant}/signin/email", post(signin::email))
        .route("/{tenant}/signin/code", post(signin::code))
        .route("/{tenant}/signin/resend", get(signin::resend))
        .route("/{tenant}/signin/signup", post(signin::sign_up))
        .route("/{tenant}/signin/continue", post(signin::continue_as))
        .route("/{tenant}/signin/another", get(signin::another))
        .route("/{tenant}/signin/cancel", get(signin::cancel))
        .route_layer(middleware::from_fn(request_ids::request_ids));
    Router::new()
        .merge(tenant)
        .route("/_dev/mailbox", get(dev::mailbox))
        .route(
            "/_dev/faults",
            get(dev::list_faults)
                .post(dev::arm_faults)
                .delete(dev::clear_faults),
        )
        .route(
            "/_dev/lifetimes",
            get(dev::lifetimes)
                .put(dev::set_lifetimes)
                .delete(dev::reset_lifetimes),
        )
        .route(
            "/_dev/api/me",
            get(api::me)
                .options(api::preflight)
                .fallback(api::method_not_allowed),
        )
        .route(
            "/_dev/api/admin",
            get(api::admin)
                .options(api::preflight)
                .fallback(api::method_not_allowed),
        )
        .route("/_dev/api/no-cors", get(api::no_cors))
        .route("/error", get(dev::error_code))
        .route("/", get(dev::home))
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            request_log::log_request,
        ))
        .with_state(shared)
}
