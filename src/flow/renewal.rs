//! When tokens are renewed with the refresh token (RFC 6749 §6): pure policy, no browser types.
//! The browser layer asks [`Renewal::decide`] once a second and reports how each attempt ended.
//!
//! Rules: renew [`RENEWAL_LEAD_SECS`] (or half the lifetime, if shorter) before the access token
//! or the ID token expires, whichever is first, never sooner than [`MIN_RENEWAL_INTERVAL_SECS`] after it arrived; not while the tab is
//! hidden (caught up when visible); after a network failure or 5xx, retry with exponential
//! back-off; after the tenant refused, no further attempt for that token.

/// Renew this long before the access token expires.
pub const RENEWAL_LEAD_SECS: i64 = 300;
/// Never renew sooner than this after tokens arrived (a tenant answering `expires_in=0` must not
/// cause a storm).
pub const MIN_RENEWAL_INTERVAL_SECS: i64 = 5;
/// The delay before the first retry after a transient failure; doubled for each further one.
pub const FIRST_RETRY_DELAY_SECS: i64 = 5;
/// The longest delay between retries.
pub const MAX_RETRY_DELAY_SECS: i64 = 300;

/// The access token the next renewal is for (Unix seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// When the token response arrived.
    pub received_at: i64,
    /// `received_at + expires_in`.
    pub expires_at: i64,
}

impl Window {
    /// The window of tokens that arrived at `received_at`, ending when the first of them
    /// expires: Entra's ID tokens live 60 minutes and its access tokens 60 to 90, so an ID token
    /// can expire first. `None` when neither expiry is known.
    pub fn first_to_expire(
        received_at: i64,
        access_token_expires_at: Option<i64>,
        id_token_expires_at: Option<i64>,
    ) -> Option<Window> {
        let expires_at = [access_token_expires_at, id_token_expires_at]
            .into_iter()
            .flatten()
            .min()?;
        Some(Window {
            received_at,
            expires_at,
        })
    }
}

/// When a token received at `received_at` and expiring at `expires_at` is renewed:
/// `min(RENEWAL_LEAD_SECS, lifetime / 2)` before expiry, and not before
/// `received_at + MIN_RENEWAL_INTERVAL_SECS`.
pub fn renewal_due_at(window: Window) -> i64 {
    let lifetime = window.expires_at.saturating_sub(window.received_at).max(0);
    let lead = RENEWAL_LEAD_SECS.min(lifetime / 2);
    let earliest = window.received_at.saturating_add(MIN_RENEWAL_INTERVAL_SECS);
    window.expires_at.saturating_sub(lead).max(earliest)
}

/// The rules above in a sentence, for the page.
pub fn policy() -> String {
    format!(
        "Renewal runs {} minutes before the access token or the ID token expires, whichever is \
         first (half its lifetime when shorter), while this tab is open and shown; a failed \
         network attempt is retried after {} s, {} s, {} s… up to {} minutes.",
        RENEWAL_LEAD_SECS / 60,
        FIRST_RETRY_DELAY_SECS,
        FIRST_RETRY_DELAY_SECS * 2,
        FIRST_RETRY_DELAY_SECS * 4,
        MAX_RETRY_DELAY_SECS / 60
    )
}

/// What the browser layer does now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Nothing to renew: no session, no refresh token, no `expires_in`, or the tenant refused
    /// this token's renewal.
    Idle,
    /// A renewal is in flight.
    Busy,
    /// The tab is hidden: renew at `due_at` or, if that has passed, as soon as it is visible.
    Paused { due_at: i64 },
    /// Renew (or retry) at `until`.
    Wait { until: i64 },
    /// Renew now.
    RenewNow,
}

/// The renewal state of one session.
#[derive(Clone, Debug, Default)]
pub struct Renewal {
    /// A refresh request is in flight.
    in_flight: bool,
    /// The window of the latest attempt: once it ended without a pending retry, that window
    /// gets no further automatic attempt.
    attempted: Option<Window>,
    /// Consecutive transient failures of the attempted window.
    failures: u32,
    /// When the next retry is due, after a transient failure.
    retry_at: Option<i64>,
}

impl Renewal {
    /// `window` None: no session, no refresh token, or no `expires_in` → Idle. In flight → Busy
    /// (checked first: a renewal the user started without a window is still running). Hidden
    /// tab → Paused (with the due time / retry time), even when due: the renewal is caught up
    /// when the tab is visible again.
    ///
    /// After a transient failure: Wait until the retry time, then RenewNow. After an attempt of
    /// this window that the tenant refused, Idle: at most one attempt per renewal window. After
    /// a success the new tokens' window is scheduled afresh.
    pub fn decide(&self, now: i64, window: Option<Window>, visible: bool) -> Decision {
        if self.in_flight {
            return Decision::Busy;
        }
        let Some(window) = window else {
            return Decision::Idle;
        };
        let due_at = match (self.attempted == Some(window), self.retry_at) {
            (false, _) => renewal_due_at(window),
            (true, Some(retry_at)) => retry_at,
            (true, None) => return Decision::Idle,
        };
        match (visible, now >= due_at) {
            (false, _) => Decision::Paused { due_at },
            (true, true) => Decision::RenewNow,
            (true, false) => Decision::Wait { until: due_at },
        }
    }

    /// A renewal (automatic or the user's button) starts for `window`. Returns false (and changes
    /// nothing) when one is already in flight. Another window than the last attempt's starts
    /// with no failures counted.
    pub fn start(&mut self, window: Option<Window>) -> bool {
        if self.in_flight {
            return false;
        }
        if self.attempted != window {
            self.failures = 0;
        }
        self.attempted = window;
        self.retry_at = None;
        self.in_flight = true;
        true
    }

    /// The renewal succeeded: the back-off resets, and the new tokens' window is scheduled as
    /// usual, even when it equals the old one (two renewals within the same second). No storm:
    /// a window is never due sooner than [`MIN_RENEWAL_INTERVAL_SECS`] after its tokens arrived.
    pub fn succeeded(&mut self) {
        self.in_flight = false;
        self.attempted = None;
        self.failures = 0;
        self.retry_at = None;
    }

    /// A network failure or a 5xx: retry with exponential back-off (5 s, 10 s, 20 s, … capped at
    /// 300 s). Returns the retry time.
    pub fn failed_transient(&mut self, now: i64) -> i64 {
        self.in_flight = false;
        self.failures = self.failures.saturating_add(1);
        let doublings = (self.failures - 1).min(16);
        let delay = FIRST_RETRY_DELAY_SECS
            .saturating_mul(1 << doublings)
            .min(MAX_RETRY_DELAY_SECS);
        let retry_at = now.saturating_add(delay);
        self.retry_at = Some(retry_at);
        retry_at
    }

    /// The tenant refused (the session ends): no further attempt for this window.
    pub fn failed_terminal(&mut self) {
        self.in_flight = false;
        self.failures = 0;
        self.retry_at = None;
    }

    /// The retry time and the count of consecutive failures, for the page.
    pub fn retry(&self) -> Option<(i64, u32)> {
        self.retry_at.map(|at| (at, self.failures))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000;

    fn window(received_at: i64, expires_in: i64) -> Window {
        Window {
            received_at,
            expires_at: received_at + expires_in,
        }
    }

    #[test]
    fn an_id_token_that_expires_before_the_access_token_is_renewed_first() {
        // Entra: access token 85 minutes, ID token 60.
        let w = Window::first_to_expire(T0, Some(T0 + 85 * 60), Some(T0 + 3600));
        assert_eq!(w, Some(window(T0, 3600)));
        assert_eq!(renewal_due_at(w.unwrap()), T0 + 55 * 60);
        let w = Window::first_to_expire(T0, Some(T0 + 3600), Some(T0 + 7200));
        assert_eq!(w, Some(window(T0, 3600)));
    }

    #[test]
    fn either_expiry_alone_makes_a_window_and_none_makes_none() {
        assert_eq!(
            Window::first_to_expire(T0, None, Some(T0 + 60)),
            Some(window(T0, 60))
        );
        assert_eq!(
            Window::first_to_expire(T0, Some(T0 + 90), None),
            Some(window(T0, 90))
        );
        assert_eq!(Window::first_to_expire(T0, None, None), None);
    }

    #[test]
    fn the_policy_sentence_states_the_constants() {
        assert_eq!(
            policy(),
            "Renewal runs 5 minutes before the access token or the ID token expires, whichever is \
             first (half its lifetime when shorter), while this tab is open and shown; a failed \
             network attempt is retried after 5 s, 10 s, 20 s… up to 5 minutes."
        );
    }

    #[test]
    fn one_hour_token_is_renewed_55_minutes_after_it_arrived() {
        assert_eq!(renewal_due_at(window(T0, 3600)), T0 + 55 * 60);
    }

    #[test]
    fn ten_second_token_is_renewed_at_half_its_lifetime() {
        assert_eq!(renewal_due_at(window(T0, 10)), T0 + 5);
    }

    #[test]
    fn zero_or_negative_lifetime_is_renewed_no_sooner_than_the_minimum_interval() {
        assert_eq!(
            renewal_due_at(window(T0, 0)),
            T0 + MIN_RENEWAL_INTERVAL_SECS
        );
        assert_eq!(
            renewal_due_at(window(T0, 4)),
            T0 + MIN_RENEWAL_INTERVAL_SECS
        );
        assert_eq!(
            renewal_due_at(window(T0, -60)),
            T0 + MIN_RENEWAL_INTERVAL_SECS
        );
        assert_eq!(renewal_due_at(window(i64::MAX - 1, 0)), i64::MAX);
    }

    #[test]
    fn no_window_is_idle() {
        assert_eq!(Renewal::default().decide(T0, None, true), Decision::Idle);
        assert_eq!(Renewal::default().decide(T0, None, false), Decision::Idle);
    }

    #[test]
    fn waits_until_due_then_renews() {
        let w = Some(window(T0, 3600));
        let r = Renewal::default();
        assert_eq!(
            r.decide(T0 + 10, w, true),
            Decision::Wait { until: T0 + 3300 }
        );
        assert_eq!(r.decide(T0 + 3300, w, true), Decision::RenewNow);
        assert_eq!(r.decide(T0 + 4000, w, true), Decision::RenewNow);
    }

    #[test]
    fn hidden_tab_is_paused_even_when_due() {
        let w = Some(window(T0, 3600));
        let r = Renewal::default();
        assert_eq!(
            r.decide(T0 + 10, w, false),
            Decision::Paused { due_at: T0 + 3300 }
        );
        assert_eq!(
            r.decide(T0 + 3500, w, false),
            Decision::Paused { due_at: T0 + 3300 }
        );
    }

    #[test]
    fn visible_again_after_the_due_time_renews_now() {
        let w = Some(window(T0, 3600));
        let r = Renewal::default();
        assert!(matches!(
            r.decide(T0 + 3400, w, false),
            Decision::Paused { .. }
        ));
        assert_eq!(r.decide(T0 + 3401, w, true), Decision::RenewNow);
    }

    #[test]
    fn in_flight_is_busy_whatever_the_window_or_visibility() {
        let w = Some(window(T0, 3600));
        let mut r = Renewal::default();
        assert!(r.start(w));
        assert_eq!(r.decide(T0 + 3300, w, true), Decision::Busy);
        assert_eq!(r.decide(T0 + 3300, w, false), Decision::Busy);
        assert_eq!(r.decide(T0 + 3300, None, true), Decision::Busy);
    }

    #[test]
    fn start_is_refused_while_in_flight_and_changes_nothing() {
        let w = Some(window(T0, 3600));
        let mut r = Renewal::default();
        assert!(r.start(w));
        assert!(!r.start(Some(window(T0 + 1, 60))));
        assert!(!r.start(w));
        r.failed_transient(T0 + 3300);
        assert_eq!(
            r.decide(T0 + 3301, w, true),
            Decision::Wait { until: T0 + 3305 }
        );
    }

    #[test]
    fn back_off_doubles_from_5_seconds_and_is_capped_at_300() {
        let w = Some(window(T0, 3600));
        let mut r = Renewal::default();
        let mut now = T0 + 3300;
        let mut delays = Vec::new();
        for _ in 0..8 {
            assert_eq!(r.decide(now, w, true), Decision::RenewNow);
            assert!(r.start(w));
            let retry_at = r.failed_transient(now);
            assert_eq!(r.retry(), Some((retry_at, delays.len() as u32 + 1)));
            delays.push(retry_at - now);
            now = retry_at;
        }
        assert_eq!(delays, [5, 10, 20, 40, 80, 160, 300, 300]);
    }

    #[test]
    fn after_a_transient_failure_waits_for_the_retry_time_then_renews() {
        let w = Some(window(T0, 3600));
        let mut r = Renewal::default();
        assert!(r.start(w));
        let retry_at = r.failed_transient(T0 + 3300);
        assert_eq!(retry_at, T0 + 3305);
        assert_eq!(
            r.decide(T0 + 3301, w, true),
            Decision::Wait { until: retry_at }
        );
        assert_eq!(
            r.decide(T0 + 3310, w, false),
            Decision::Paused { due_at: retry_at }
        );
        assert_eq!(r.decide(retry_at, w, true), Decision::RenewNow);
    }

    #[test]
    fn a_long_run_of_failures_neither_overflows_nor_exceeds_the_cap() {
        let mut r = Renewal::default();
        let mut last = 0;
        for _ in 0..100 {
            last = r.failed_transient(T0);
        }
        assert_eq!(last, T0 + MAX_RETRY_DELAY_SECS);
        assert_eq!(r.retry(), Some((T0 + MAX_RETRY_DELAY_SECS, 100)));
    }

    #[test]
    fn success_resets_the_back_off() {
        let first = Some(window(T0, 3600));
        let mut r = Renewal::default();
        for _ in 0..3 {
            assert!(r.start(first));
            r.failed_transient(T0 + 3300);
        }
        assert_eq!(r.retry().map(|(_, n)| n), Some(3));
        assert!(r.start(first));
        r.succeeded();
        assert_eq!(r.retry(), None);
        let second = Some(window(T0 + 3400, 3600));
        assert!(r.start(second));
        assert_eq!(
            r.failed_transient(T0 + 6700),
            T0 + 6700 + FIRST_RETRY_DELAY_SECS
        );
    }

    #[test]
    fn after_a_terminal_failure_the_window_gets_no_second_attempt() {
        let w = Some(window(T0, 3600));
        let mut r = Renewal::default();
        assert!(r.start(w));
        r.failed_transient(T0 + 3300);
        assert!(r.start(w));
        r.failed_terminal();
        assert_eq!(r.retry(), None);
        for now in [T0 + 3306, T0 + 3599, T0 + 7200] {
            assert_eq!(r.decide(now, w, true), Decision::Idle);
            assert_eq!(r.decide(now, w, false), Decision::Idle);
        }
    }

    #[test]
    fn after_success_the_new_window_starts_fresh() {
        let old = Some(window(T0, 3600));
        let mut r = Renewal::default();
        assert!(r.start(old));
        r.succeeded();
        let new = Some(window(T0 + 3301, 3600));
        assert_eq!(
            r.decide(T0 + 3302, new, true),
            Decision::Wait {
                until: T0 + 3301 + 3300
            }
        );
        assert_eq!(r.decide(T0 + 6601, new, true), Decision::RenewNow);
    }

    #[test]
    fn two_renewals_within_one_second_still_schedule_the_next() {
        // Two clicks on "Refresh tokens" within a second give the same window twice.
        let same = Some(window(T0, 3600));
        let mut r = Renewal::default();
        assert!(r.start(same));
        r.succeeded();
        assert!(r.start(same));
        r.succeeded();
        assert_eq!(
            r.decide(T0 + 1, same, true),
            Decision::Wait { until: T0 + 3300 }
        );
        assert_eq!(r.decide(T0 + 3300, same, true), Decision::RenewNow);
    }

    #[test]
    fn a_tenant_answering_expires_in_zero_gets_one_renewal_per_minimum_interval() {
        let mut r = Renewal::default();
        let mut received_at = T0;
        let mut renewals = Vec::new();
        for now in T0..T0 + 60 {
            let w = Some(window(received_at, 0));
            if r.decide(now, w, true) == Decision::RenewNow {
                assert!(r.start(w));
                r.succeeded();
                received_at = now;
                renewals.push(now - T0);
            }
        }
        assert_eq!(renewals, [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]);
    }
}
