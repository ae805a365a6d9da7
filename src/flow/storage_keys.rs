//! Every storage key of the app in one place, named for what it holds. Only the sign-in options,
//! which hold no credential, go to `localStorage`.

/// `"1"` while the user keeps the session for this tab ("Keep me signed in for this tab").
pub const KEEP_OPT_IN: &str = "entra-signin.keep";
/// The kept session: tokens and what their checks need, only while opted in.
pub const KEPT_SESSION: &str = "entra-signin.session";
/// + `state`: a pending sign-in (PKCE verifier, nonce, redirect URI), single use, 10 minutes.
pub const PENDING_SIGN_IN: &str = "entra-signin.pending.";
/// + `state`: the inspector's trace of that sign-in up to the redirect, read once on return.
pub const PENDING_TRACE: &str = "entra-signin.trace.";
/// + `state`: when that sign-in's code was redeemed, so that a reload can say so.
pub const REDEEMED_CODE: &str = "entra-signin.used.";
/// + `state`: when this tab left for the tenant's sign-out, to confirm the return.
pub const PENDING_SIGN_OUT: &str = "entra-signin.signout.";
/// The profile's open sections (ids separated by spaces), so that a reload shows them as left.
pub const OPEN_PROFILE_SECTIONS: &str = "entra-signin.profile-sections";
/// + authority: the tenant's discovery document and when it was fetched, kept an hour.
pub const DISCOVERY_CACHE: &str = "entra-signin.discovery.";

/// `localStorage`: the sign-in options of the home page (scopes, prompt, hints, extras).
pub const SIGN_IN_OPTIONS: &str = "entra-signin.options";

/// The key of `prefix` for `id` (a `state`, an authority).
pub fn keyed(prefix: &str, id: &str) -> String {
    format!("{prefix}{id}")
}
