//! One emulated tenant without a listener: its configuration, URLs, keys and memory, and what tests may do to it.

use crate::clock::Clock;
use crate::config::{Config, Lifetimes};
use crate::faults::{Fault, FaultError, FaultRequest};
use crate::keys::{KeyError, KeyRing, SigningKey};
use crate::store::{MailMessage, State, User};
use crate::{state_file, StartError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// The URLs of one tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Urls {
    /// `http://127.0.0.1:{port}`.
    pub base: String,
    /// `{base}/{tenant_id}/v2.0`: what the app is configured with.
    pub authority: String,
    /// What ID tokens carry in `iss` (see [`crate::IssuerMode`]).
    pub issuer: String,
    pub discovery: String,
    pub jwks: String,
    pub authorize: String,
    pub token: String,
    pub logout: String,
    pub userinfo: String,
    /// The emulated mailbox of one-time passcodes.
    pub mailbox: String,
    /// Fault injection (`POST`, `DELETE`, `GET`).
    pub faults: String,
    /// The lifetimes in force (`PUT`, `DELETE`, `GET`).
    pub lifetimes: String,
}

impl Urls {
    fn new(config: &Config) -> Urls {
        let base = format!("http://127.0.0.1:{}", config.port);
        let tenant = &config.tenant_id;
        let authority = format!("{base}/{tenant}/v2.0");
        let issuer = match config.issuer_mode {
            crate::IssuerMode::TenantHost => {
                format!("http://{tenant}.localhost:{}/{tenant}/v2.0", config.port)
            }
            crate::IssuerMode::Authority => authority.clone(),
        };
        Urls {
            discovery: format!("{authority}/.well-known/openid-configuration"),
            jwks: format!("{base}/{tenant}/discovery/v2.0/keys"),
            authorize: format!("{base}/{tenant}/oauth2/v2.0/authorize"),
            token: format!("{base}/{tenant}/oauth2/v2.0/token"),
            logout: format!("{base}/{tenant}/oauth2/v2.0/logout"),
            userinfo: format!("{base}/{tenant}/openid/v2.0/userinfo"),
            mailbox: format!("{base}/_dev/mailbox"),
            faults: format!("{base}/_dev/faults"),
            lifetimes: format!("{base}/_dev/lifetimes"),
            authority,
            issuer,
            base,
        }
    }
}

/// What the routes share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) urls: Urls,
    pub(crate) clock: Clock,
    /// The name of the session cookie (per port, as cookies do not tell ports apart).
    pub(crate) cookie_name: String,
    /// `/{tenant_id}`.
    pub(crate) prefix: String,
    /// The keys the state file keeps (those of the start and of `--rotate-keys`, not the faults').
    persisted_keys: Vec<SigningKey>,
    state: Mutex<State>,
    /// The lifetimes in force: `config.lifetimes` until a test changes them.
    lifetimes: Mutex<Lifetimes>,
}

impl Shared {
    /// The tenant's memory. A panic while it was held leaves it usable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The lifetimes in force, to change them. Take no other lock while holding it.
    pub(crate) fn lifetimes_mut(&self) -> MutexGuard<'_, Lifetimes> {
        self.lifetimes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The lifetimes in force. Read once per request, so that what one response says agrees with itself.
    pub(crate) fn lifetimes(&self) -> Lifetimes {
        *self.lifetimes_mut()
    }

    /// Prints a line on stdout unless the tenant is quiet.
    pub(crate) fn say(&self, line: &str) {
        if !self.config.quiet {
            println!("{line}");
        }
    }

    /// Writes the state file, if there is one: the persisted keys and `users`.
    pub(crate) fn save(&self, users: &[User]) {
        if let Some(path) = &self.config.state_file {
            if let Err(e) = state_file::save(path, &self.persisted_keys, users) {
                eprintln!("dev-tenant: {e}");
            }
        }
    }

    pub(crate) fn client(&self, client_id: &str) -> Option<&crate::Client> {
        self.config.client(client_id)
    }

    /// Whether the path segment names this tenant: its id or `{subdomain}.onmicrosoft.com`.
    pub(crate) fn is_this_tenant(&self, segment: &str) -> bool {
        segment.eq_ignore_ascii_case(&self.config.tenant_id)
            || segment.eq_ignore_ascii_case(&format!("{}.onmicrosoft.com", self.config.subdomain))
    }

    /// A key that is not published: a spare, or a new one (generated off the async threads).
    pub(crate) async fn spare_key(&self) -> Result<SigningKey, KeyError> {
        if let Some(key) = self.lock().keys.take_spare() {
            return Ok(key);
        }
        tokio::task::spawn_blocking(SigningKey::generate)
            .await
            .map_err(|e| KeyError::from_message(format!("key generation stopped: {e}")))?
    }

    /// Makes sure the keys that the armed ID-token faults sign with exist.
    pub(crate) async fn prepare_fault_keys(&self) -> Result<(), KeyError> {
        let (need_never_published, need_spare) = {
            let state = self.lock();
            let armed = |f: Fault| state.faults.is_armed(f);
            (
                (armed(Fault::UnpublishedSigningKey) || armed(Fault::UnknownKid))
                    && state.keys.never_published().is_none(),
                armed(Fault::KidNotYetPublished) && !state.keys.has_spare(),
            )
        };
        if need_never_published {
            let key = self.spare_key().await?;
            self.lock().keys.set_never_published(key);
        }
        if need_spare {
            let key = self.spare_key().await?;
            self.lock().keys.add_spare(key);
        }
        Ok(())
    }
}

/// An emulated tenant: its routes and its state, without a listener. [`crate::DevTenant`] serves one; tests may call
/// [`Tenant::router`] directly.
#[derive(Clone)]
pub struct Tenant {
    pub(crate) shared: Arc<Shared>,
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
        config.validate().map_err(StartError::Config)?;
        let saved = match &config.state_file {
            Some(path) => state_file::load(path).map_err(StartError::StateFile)?,
            None => None,
        };
        let (mut published, users) = saved.map(|s| (s.keys, s.users)).unwrap_or_default();
        // The pre-generated keys stand in for generation, in order; those the state file already has are skipped.
        let mut pool: Vec<SigningKey> = config
            .keys
            .iter()
            .filter(|k| !published.iter().any(|p| p.kid() == k.kid()))
            .cloned()
            .collect();
        let mut next_key = || {
            if pool.is_empty() {
                SigningKey::generate().map_err(StartError::Keys)
            } else {
                Ok(pool.remove(0))
            }
        };
        if published.is_empty() {
            published.push(next_key()?);
        }
        if config.rotate_keys {
            published.insert(0, next_key()?);
        }
        let spares = pool;
        let urls = Urls::new(&config);
        let shared = Shared {
            cookie_name: format!("dev_tenant_session_{}", config.port),
            prefix: format!("/{}", config.tenant_id),
            persisted_keys: published.clone(),
            state: Mutex::new(State::new(users, KeyRing::new(published, spares))),
            lifetimes: Mutex::new(config.lifetimes),
            clock: Clock::default(),
            urls,
            config,
        };
        let users = shared.lock().users.clone();
        shared.save(&users);
        Ok(Tenant {
            shared: Arc::new(shared),
        })
    }

    /// The HTTP routes.
    pub fn router(&self) -> axum::Router {
        crate::routes::router(self.shared.clone())
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

    /// The newest code sent to `email`.
    pub fn latest_code(&self, email: &str) -> Option<String> {
        let state = self.shared.lock();
        state
            .mailbox
            .iter()
            .rev()
            .find(|m| m.to.eq_ignore_ascii_case(email))
            .map(|m| m.code.clone())
    }

    /// Arms faults, as `POST /_dev/faults` does. May generate a key (slow in debug builds).
    pub fn arm_faults(&self, request: &FaultRequest) -> Result<(), FaultError> {
        let mut state = self.shared.lock();
        let published = state.keys.published().len();
        if request.faults.contains(&Fault::MissingKidSingleKey) && published != 1 {
            return Err(FaultError::Conflict(format!(
                "missing_kid_single_key needs a JWKS with exactly one key; it has {published} (start without --rotate-keys, and before missing_kid_several_keys or kid_not_yet_published)"
            )));
        }
        if request.faults.contains(&Fault::MissingKidSeveralKeys) && published < 2 {
            let key = match state.keys.take_spare() {
                Some(key) => key,
                None => {
                    drop(state);
                    let key =
                        SigningKey::generate().map_err(|e| FaultError::Conflict(e.to_string()))?;
                    state = self.shared.lock();
                    key
                }
            };
            state.keys.publish_extra(key);
        }
        state.faults.arm(request);
        Ok(())
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
