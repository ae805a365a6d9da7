//! The sign-in options of the home page, remembered in `localStorage`: they hold no credential,
//! and a tester expects them on the next visit.

use super::storage_keys::SIGN_IN_OPTIONS;
use crate::browser::storage;
use crate::oidc::SignInOptions;

/// The options chosen last in this browser; the defaults when none are kept or they are
/// unreadable.
pub fn remembered() -> SignInOptions {
    storage::remembered(SIGN_IN_OPTIONS)
        .map(|line| SignInOptions::from_storage(&line))
        .unwrap_or_default()
}

/// Keeps `options` for the next visit; the defaults are forgotten rather than kept.
pub fn remember(options: &SignInOptions) {
    let line = (*options != SignInOptions::default()).then(|| options.to_storage());
    // Not remembered (storage blocked or full): the options still apply to this sign-in.
    let _ = storage::remember(SIGN_IN_OPTIONS, line.as_deref());
}
