//! Signing out at the tenant (OpenID Connect RP-Initiated Logout): the session is cleared first,
//! then the browser goes to `end_session_endpoint` with `id_token_hint`, the post-logout redirect
//! URI and a `state` this tab checks when the tenant sends it back.

use super::events::Unobserved;
use super::storage_keys::{keyed, PENDING_SIGN_OUT};
use super::{discover, keep, Client, Session, SignOutFailure, StepFailure};
use crate::browser::{self, location, storage};
use crate::config::BuildConfig;
use crate::oidc::{self, EndSessionParams, State};

/// A sign-out that does not come back within this time is forgotten.
const SIGN_OUT_TTL_SECS: i64 = 600;

fn sign_out_key(state: &str) -> String {
    keyed(PENDING_SIGN_OUT, state)
}

/// What the page the tenant sent the browser back to says about the sign-out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignOutReturn {
    /// The `state` is the one this tab sent: the tenant signed the user out.
    Confirmed,
    /// A `state` this tab did not send (or sent too long ago): nothing is proven.
    StateMismatch,
    /// Back from a sign-out this tab started, but the tenant sent no `state` to prove it.
    Unconfirmed,
}

/// Leaves for the tenant's sign-out. The caller has already cleared the session in memory; the
/// kept copy is deleted here before anything can fail.
pub async fn sign_out(config: &BuildConfig, session: &Session) -> Result<(), SignOutFailure> {
    keep::forget();
    let metadata = discover(config, &mut Unobserved).await?;
    let endpoint = metadata
        .end_session_endpoint
        .ok_or(SignOutFailure::NoEndSessionEndpoint)?;
    let state = State::generate().map_err(StepFailure::Randomness)?;
    let post_logout =
        location::post_logout_redirect_uri(config.post_logout_redirect_uri.as_deref())
            .ok_or(StepFailure::Browser(browser::BrowserError::NoWindow))?;
    let client = Client::from_config(config);
    let url = oidc::build_end_session_url(
        &endpoint,
        &EndSessionParams {
            client_id: &client.id,
            id_token_hint: Some(session.id_token.raw()),
            post_logout_redirect_uri: &post_logout,
            state: &state,
        },
    )
    .map_err(SignOutFailure::EndSession)?;
    forget_expired(browser::now_secs());
    storage::set(
        &sign_out_key(state.as_str()),
        &browser::now_secs().to_string(),
    )
    .map_err(StepFailure::Browser)?;
    location::navigate_away(&url.url).map_err(StepFailure::Browser)?;
    Ok(())
}

/// On any page but `/callback`: a `state` in the address is the tenant's return from sign-out.
/// It is checked against the ones this tab sent (each used once) and removed from the address.
/// Without a `state`, a sign-out this tab started in the last minutes is reported unconfirmed.
pub fn complete_sign_out() -> Option<SignOutReturn> {
    let href = location::href()?;
    if location::pathname().as_deref() == Some("/callback") {
        return None;
    }
    let Some(state) = oidc::sign_out_return_state(&href) else {
        return take_unanswered(browser::now_secs());
    };
    let stripped = oidc::strip_callback_params(&href);
    let _ = location::replace_address(&stripped);
    let now = browser::now_secs();
    let sent_at = storage::take(&sign_out_key(state.as_str()))
        .ok()
        .flatten()
        .and_then(|at| at.parse::<i64>().ok());
    forget_expired(now);
    match sent_at {
        Some(at) if now.saturating_sub(at) <= SIGN_OUT_TTL_SECS => Some(SignOutReturn::Confirmed),
        _ => Some(SignOutReturn::StateMismatch),
    }
}

/// Removes the sign-outs this tab started; whether one of them is recent.
fn take_unanswered(now: i64) -> Option<SignOutReturn> {
    forget_expired(now);
    let started = storage::keys_with_prefix(PENDING_SIGN_OUT).unwrap_or_default();
    for key in &started {
        let _ = storage::remove(key);
    }
    (!started.is_empty()).then_some(SignOutReturn::Unconfirmed)
}

fn forget_expired(now: i64) {
    for key in storage::keys_with_prefix(PENDING_SIGN_OUT).unwrap_or_default() {
        let fresh = storage::get(&key)
            .ok()
            .flatten()
            .and_then(|at| at.parse::<i64>().ok())
            .is_some_and(|at| now.saturating_sub(at) <= SIGN_OUT_TTL_SECS);
        if !fresh {
            let _ = storage::remove(&key);
        }
    }
}
