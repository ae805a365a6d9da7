//! One emulated tenant without a listener, as the crate offers it: its routes, URLs, mailbox, and what tests may do.

use crate::config::{Config, Lifetimes};
use crate::faults::{FaultError, FaultRequest};
use crate::routes;
use crate::shared::SharedTenant;
use crate::start_error::StartError;
use crate::store::MailMessage;
use crate::urls::Urls;
use std::sync::Arc;
use std::time::Duration;

/// An emulated tenant: its routes and its memory, without a listener. [`crate::DevTenant`] serves one; tests may call
/// [`Tenant::router`] directly.
#[derive(Clone)]
pub struct Tenant {
    shared: Arc<SharedTenant>,
}

impl std::fmt::Debug for Tenant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tenant")
            .field("urls", &self.shared.urls)
            .finish_non_exhaustive()
    }
}

impl Tenant {
    /// Builds the tenant for `config` (its URLs use `config.port` as given). Reads or writes the state file, and
    /// generates a key when neither `config.keys` nor the state file has one: this can take a second or more in a
    /// debug build, so call it off the async threads.
    pub fn new(config: Config) -> Result<Tenant, StartError> {
        Ok(Tenant {
            shared: Arc::new(SharedTenant::new(config)?),
        })
    }

    /// The HTTP routes.
    pub fn router(&self) -> axum::Router {
        routes::router(self.shared.clone())
    }

    /// The configuration in force (with the port the tenant listens on).
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Every URL of the tenant.
    pub fn urls(&self) -> &Urls {
        &self.shared.urls
    }

    /// The emulated mail, newest first.
    pub fn mailbox(&self) -> Vec<MailMessage> {
        self.shared.lock().mailbox.iter().rev().cloned().collect()
    }

    /// The query string of the latest authorization request, as the browser sent it.
    pub fn latest_authorize_query(&self) -> Option<String> {
        self.shared.lock().authorize_queries.last().cloned()
    }

    /// The newest code sent to `email`.
    pub fn latest_code(&self, email: &str) -> Option<String> {
        self.shared
            .lock()
            .mailbox
            .iter()
            .rev()
            .find(|m| m.to.eq_ignore_ascii_case(email))
            .map(|m| m.code.clone())
    }

    /// Arms faults, as `POST /_dev/faults` does. May generate a key (slow in debug builds).
    pub fn arm_faults(&self, request: &FaultRequest) -> Result<(), FaultError> {
        self.shared.arm_faults(request)
    }

    /// Disarms every fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Replaces the lifetimes in force, as `PUT /_dev/lifetimes` does. What is issued from now on uses them, and an
    /// SPA refresh token expires when the lifetime in force at its redemption has passed since the sign-in that
    /// started its chain. [`Tenant::config`] keeps the configured ones: `set_lifetimes(tenant.config().lifetimes)`
    /// restores them. Access tokens get lifetimes drawn between `access_token_min` and `access_token_max` (an
    /// inverted pair is read as the range between them; [`Lifetimes::with_access_token`] fixes one lifetime).
    pub fn set_lifetimes(&self, lifetimes: Lifetimes) {
        *self.shared.lifetimes_mut() = lifetimes;
    }

    /// The lifetimes in force.
    pub fn lifetimes(&self) -> Lifetimes {
        self.shared.lifetimes()
    }

    /// Moves the tenant's clock forward (codes, tokens, sessions and passcodes expire by it).
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Sets the tenant's clock `secs` seconds ahead of system time (behind when negative); 0 puts
    /// it back. Tokens carry `iat` and `exp` by this clock, as those of a tenant whose clock is off.
    pub fn set_clock_offset(&self, secs: i64) {
        self.shared.clock.set_offset(secs);
    }

    /// The `kid`s the JWKS lists now, the signing key first.
    pub fn published_kids(&self) -> Vec<String> {
        self.shared
            .lock()
            .keys
            .published()
            .iter()
            .map(|k| k.kid().to_string())
            .collect()
    }
}
