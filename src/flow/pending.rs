//! Pending sign-ins in sessionStorage: one per `state`, so several tabs and several sign-ins can
//! run at once; each is single use and expires.

use super::storage_keys::{keyed, PENDING_SIGN_IN, PENDING_TRACE, REDEEMED_CODE};
use super::Trace;
use crate::browser::{storage, BrowserError};
use crate::oidc::PendingSignIn;

/// A pending sign-in older than this is refused.
pub const PENDING_TTL_SECS: i64 = 600;

/// Whether a sign-in that started at `started_at` is past its expiry at `now`.
pub fn is_expired(started_at: i64, now: i64) -> bool {
    now.saturating_sub(started_at) > PENDING_TTL_SECS
        || started_at > now.saturating_add(PENDING_TTL_SECS)
}

fn pending_key(state: &str) -> String {
    keyed(PENDING_SIGN_IN, state)
}

fn trace_key(state: &str) -> String {
    keyed(PENDING_TRACE, state)
}

fn used_key(state: &str) -> String {
    keyed(REDEEMED_CODE, state)
}

/// Why an answer's `state` claims no pending sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unclaimed {
    /// No sign-in of this tab has this `state`: forged, from another tab, or tampered with.
    UnknownState,
    /// Its code was already redeemed (a reload or the back button).
    CodeAlreadyUsed,
    /// It started `age_secs` ago, longer than [`PENDING_TTL_SECS`].
    Expired { age_secs: i64 },
    /// This tab's storage refused.
    Storage(BrowserError),
}

/// The pending sign-ins of this tab.
#[derive(Clone, Copy, Debug, Default)]
pub struct PendingStore;

impl PendingStore {
    /// Keeps the sign-in and its trace so far (for the inspector after the redirect).
    pub fn save(&self, pending: &PendingSignIn, trace: &Trace) -> Result<(), BrowserError> {
        let state = pending.state.as_str();
        storage::set(&trace_key(state), &trace.to_json())?;
        storage::set(&pending_key(state), &pending.to_storage_json())
    }

    /// The trace saved with the sign-in `state` names, at most once.
    pub fn take_trace(&self, state: &str) -> Option<Trace> {
        let json = storage::take(&trace_key(state)).ok().flatten()?;
        Trace::from_json(&json)
    }

    /// Removes and returns the sign-in that `state` names, if it is still valid: at most once.
    pub fn claim(&self, state: &str, now: i64) -> Result<PendingSignIn, Unclaimed> {
        let stored = storage::take(&pending_key(state)).map_err(Unclaimed::Storage)?;
        let Some(json) = stored else {
            return Err(match storage::get(&used_key(state)) {
                Ok(Some(_)) => Unclaimed::CodeAlreadyUsed,
                _ => Unclaimed::UnknownState,
            });
        };
        let pending = PendingSignIn::from_storage_json(&json).ok_or(Unclaimed::UnknownState)?;
        if pending.state.as_str() != state {
            return Err(Unclaimed::UnknownState);
        }
        if is_expired(pending.started_at, now) {
            return Err(Unclaimed::Expired {
                age_secs: now.saturating_sub(pending.started_at),
            });
        }
        Ok(pending)
    }

    /// Drops the sign-in `state` names without using it (the tenant answered with an error).
    /// Whether this tab had started it.
    pub fn discard(&self, state: &str) -> bool {
        let _ = storage::remove(&trace_key(state));
        matches!(storage::take(&pending_key(state)), Ok(Some(_)))
    }

    /// Remembers that the code of `state` was redeemed, so that a reload can say so.
    pub fn mark_used(&self, state: &str, now: i64) {
        let _ = storage::set(&used_key(state), &now.to_string());
    }

    /// When the last sign-in of this tab redeemed its code, if one did.
    pub fn last_used_at(&self) -> Option<i64> {
        storage::keys_with_prefix(REDEEMED_CODE)
            .ok()?
            .iter()
            .filter_map(|k| storage::get(k).ok().flatten()?.parse::<i64>().ok())
            .max()
    }

    /// Deletes pending sign-ins that expired or cannot be read.
    pub fn forget_expired(&self, now: i64) {
        for key in storage::keys_with_prefix(PENDING_SIGN_IN).unwrap_or_default() {
            let keep = storage::get(&key)
                .ok()
                .flatten()
                .and_then(|json| PendingSignIn::from_storage_json(&json))
                .is_some_and(|p| !is_expired(p.started_at, now));
            if !keep {
                let _ = storage::remove(&key);
            }
        }
        // A trace lives only as long as its sign-in.
        for key in storage::keys_with_prefix(PENDING_TRACE).unwrap_or_default() {
            let state = &key[PENDING_TRACE.len()..];
            if !matches!(storage::get(&pending_key(state)), Ok(Some(_))) {
                let _ = storage::remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_sign_in_expires_after_ten_minutes() {
        assert!(!is_expired(1_000, 1_000));
        assert!(!is_expired(1_000, 1_000 + PENDING_TTL_SECS));
        assert!(is_expired(1_000, 1_001 + PENDING_TTL_SECS));
    }

    #[test]
    fn a_pending_sign_in_from_the_far_future_is_refused() {
        assert!(is_expired(10_000 + PENDING_TTL_SECS + 1, 10_000));
    }

    #[test]
    fn extreme_start_times_are_expired_without_overflow() {
        assert!(is_expired(i64::MIN, i64::MAX));
        assert!(is_expired(i64::MAX, i64::MIN));
        assert!(is_expired(i64::MIN, 0));
        assert!(is_expired(i64::MAX, 0));
    }
}
