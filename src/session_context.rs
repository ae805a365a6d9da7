//! The tab's session as the pages see it: the signed-in user, the last trace, how a session
//! ended, and the actions on it (renew, sign out, keep for this tab). Automatic renewal runs here,
//! on a one-second tick, by the policy of [`crate::flow::renewal`].

use crate::browser::{self, http::sleep_ms};
use crate::config::BuildConfig;
use crate::flow::keep;
use crate::flow::refresh::{self, RefreshOutcome};
use crate::flow::renewal::{Decision, Renewal, Window};
use crate::flow::sign_out::{self, SignOutReturn};
use crate::flow::{FailureNotice, Session, Trace, Trigger};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// How a session ended without the user asking: what happened and the trace that shows it.
#[derive(Clone)]
pub struct EndedSession {
    /// A refused or failed renewal, a kept session that failed its checks, or a failed restart.
    pub failure: FailureNotice,
    pub trace: Trace,
    /// A kept session that could not be checked for want of network stays for the next reload.
    pub tokens_kept: bool,
}

/// A renewal that failed and will be tried again.
#[derive(Clone)]
pub struct RetryNotice {
    pub failure: FailureNotice,
    pub retry_at: i64,
    /// The back-off: seconds from the failure to the next try.
    pub delay_secs: i64,
    pub failures: u32,
}

#[derive(Clone, Copy)]
pub struct SessionContext {
    config: StoredValue<BuildConfig>,
    pub session: RwSignal<Option<Session>>,
    /// The trace of the last sign-in, renewal or restore, for the inspector.
    pub trace: RwSignal<Option<Trace>>,
    pub ended: RwSignal<Option<EndedSession>>,
    pub signed_out: RwSignal<Option<SignOutReturn>>,
    pub sign_out_failure: RwSignal<Option<FailureNotice>>,
    pub restoring: RwSignal<bool>,
    pub keep: RwSignal<bool>,
    /// Unix seconds, every second: the countdowns follow it.
    pub now: RwSignal<i64>,
    pub renewing: RwSignal<bool>,
    pub retry: RwSignal<Option<RetryNotice>>,
    renewal: StoredValue<Renewal>,
}

impl SessionContext {
    /// Creates the context for the app, reads a sign-out return, restores a kept session and
    /// starts the renewal tick.
    pub fn provide(config: BuildConfig) -> SessionContext {
        let context = SessionContext {
            config: StoredValue::new(config),
            session: RwSignal::new(None),
            trace: RwSignal::new(None),
            ended: RwSignal::new(None),
            signed_out: RwSignal::new(sign_out::complete_sign_out()),
            sign_out_failure: RwSignal::new(None),
            restoring: RwSignal::new(false),
            keep: RwSignal::new(keep::is_enabled()),
            now: RwSignal::new(browser::now_secs()),
            renewing: RwSignal::new(false),
            retry: RwSignal::new(None),
            renewal: StoredValue::new(Renewal::default()),
        };
        provide_context(context);
        context.restore();
        context.start_tick();
        context
    }

    pub fn config(&self) -> BuildConfig {
        self.config.get_value()
    }

    /// Who is signed in, in a few words ([`crate::display::signed_in_name`]); `None` while
    /// signed out (reactive).
    pub fn signed_in_name(&self) -> Option<String> {
        self.session.with(|s| {
            s.as_ref()
                .map(|s| crate::display::signed_in_name(s.id_token.claims()))
        })
    }

    /// A new session from a sign-in or restore: it replaces whatever was there.
    pub fn signed_in(&self, session: Session, trace: Trace) {
        // Only an opted-in tab writes; a failed write costs the reload, not the session.
        let _ = keep::save(&session);
        self.renewal.set_value(Renewal::default());
        self.retry.set(None);
        self.ended.set(None);
        self.signed_out.set(None);
        self.trace.set(Some(trace));
        self.session.set(Some(session));
    }

    fn restore(&self) {
        if !keep::has_stored_session() {
            return;
        }
        let context = *self;
        context.restoring.set(true);
        spawn_local(async move {
            let restored = keep::restore(&context.config()).await;
            context.restoring.set(false);
            match restored {
                Some((Ok(session), trace)) => context.signed_in(session, trace),
                Some((Err(failure), trace)) => context.end(FailureNotice::of(&failure), trace),
                None => {}
            }
        });
    }

    fn start_tick(&self) {
        let context = *self;
        spawn_local(async move {
            loop {
                sleep_ms(1000).await;
                context.now.set(browser::now_secs());
                context.renew_when_due();
            }
        });
    }

    fn renew_when_due(&self) {
        let window = self
            .session
            .with_untracked(|s| s.as_ref().and_then(Session::renewal_window));
        if self.decide(window, browser::now_secs()) == Decision::RenewNow {
            self.refresh(Trigger::Automatic);
        }
    }

    /// When the next renewal is due, as the policy decides now (reactive: follows the session
    /// and the clock).
    pub fn renewal_decision(&self) -> Decision {
        let window = self
            .session
            .with(|s| s.as_ref().and_then(Session::renewal_window));
        self.decide(window, self.now.get())
    }

    fn decide(&self, window: Option<Window>, now: i64) -> Decision {
        let visible = browser::page_is_visible();
        self.renewal.with_value(|r| r.decide(now, window, visible))
    }

    /// Renews the tokens, unless a renewal is already running.
    pub fn refresh(&self, trigger: Trigger) {
        let Some(current) = self.session.get_untracked() else {
            return;
        };
        let window = current.renewal_window();
        let started = self
            .renewal
            .try_update_value(|r| r.start(window))
            .unwrap_or(false);
        if !started {
            return;
        }
        self.renewing.set(true);
        let context = *self;
        spawn_local(async move {
            let (outcome, trace) = refresh::refresh(&context.config(), &current, trigger).await;
            context.renewing.set(false);
            // The user may have signed out (or in again) meanwhile: then this answer is stale.
            let same_session = context
                .session
                .with_untracked(|s| s.as_ref().map(|s| s.received_at) == Some(current.received_at));
            if !same_session {
                context.renewal.set_value(Renewal::default());
                return;
            }
            context.renewal_ended(outcome, trace);
        });
    }

    /// How a renewal ended: the new session, a retry with back-off, or the end of the session.
    fn renewal_ended(&self, outcome: RefreshOutcome, trace: Trace) {
        match outcome {
            RefreshOutcome::Renewed(session) => {
                self.renewal.update_value(Renewal::succeeded);
                let _ = keep::save(&session);
                self.retry.set(None);
                self.trace.set(Some(trace));
                self.session.set(Some(session));
            }
            RefreshOutcome::RetryLater { failure, session } => {
                let now = browser::now_secs();
                let retry_at = self
                    .renewal
                    .try_update_value(|r| r.failed_transient(now))
                    .unwrap_or(now);
                let failures = self.renewal.with_value(|r| r.retry().map_or(1, |(_, n)| n));
                if let Some(session) = session {
                    let _ = keep::save(&session);
                    self.session.set(Some(session));
                }
                self.trace.set(Some(trace));
                self.retry.set(Some(RetryNotice {
                    failure: FailureNotice::of(&failure),
                    retry_at,
                    delay_secs: retry_at.saturating_sub(now),
                    failures,
                }));
            }
            RefreshOutcome::Ended(failure) => {
                self.renewal.update_value(Renewal::failed_terminal);
                keep::forget();
                self.end(FailureNotice::of(&failure), trace);
            }
        }
    }

    /// The session ends without the user asking: it leaves memory. The kept copy is the caller's
    /// to delete (a restore that failed for want of network keeps it for the next reload).
    fn end(&self, failure: FailureNotice, trace: Trace) {
        let tokens_kept = keep::has_stored_session();
        self.retry.set(None);
        self.session.set(None);
        self.trace.set(None);
        self.ended.set(Some(EndedSession {
            failure,
            trace,
            tokens_kept,
        }));
    }

    /// Clears the session in this tab only; the tenant's session stays.
    pub fn sign_out_locally(&self) {
        keep::forget();
        self.retry.set(None);
        self.trace.set(None);
        self.session.set(None);
    }

    /// Clears the session, then leaves for the tenant's sign-out.
    pub fn sign_out(&self) {
        let Some(current) = self.session.get_untracked() else {
            return;
        };
        self.sign_out_locally();
        let context = *self;
        spawn_local(async move {
            if let Err(failure) = sign_out::sign_out(&context.config(), &current).await {
                context
                    .sign_out_failure
                    .set(Some(FailureNotice::of(&failure)));
            }
        });
    }

    /// "Keep me signed in for this tab".
    pub fn set_keep(&self, on: bool) {
        let result = match on {
            true => self.session.with_untracked(|s| keep::enable(s.as_ref())),
            false => keep::disable(),
        };
        self.keep.set(on && result.is_ok());
    }
}
