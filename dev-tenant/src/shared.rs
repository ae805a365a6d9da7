//! What the routes share: one tenant's configuration, URLs, clock, lifetimes in force and memory (behind a lock).

use crate::clock::Clock;
use crate::config::{Client, Config, Lifetimes};
use crate::faults::{Fault, FaultError, FaultRequest};
use crate::keys::{KeyError, KeyRing, SigningKey};
use crate::start_error::StartError;
use crate::state_file;
use crate::store::{Memory, User};
use crate::urls::Urls;
use axum::extract::State;
use std::sync::{Arc, Mutex, MutexGuard};

/// The handlers' extractor of the shared tenant: `State(shared): Shared`.
pub(crate) type Shared = State<Arc<SharedTenant>>;

/// One tenant, as the routes share it.
pub(crate) struct SharedTenant {
    pub(crate) config: Config,
    pub(crate) urls: Urls,
    pub(crate) clock: Clock,
    /// The name of the session cookie (per port, as cookies do not tell ports apart).
    pub(crate) cookie_name: String,
    /// `/{tenant_id}`.
    pub(crate) prefix: String,
    /// The keys the state file keeps (those of the start and of `--rotate-keys`, not the faults').
    persisted_keys: Vec<SigningKey>,
    memory: Mutex<Memory>,
    /// The lifetimes in force: `config.lifetimes` until a test changes them.
    lifetimes: Mutex<Lifetimes>,
}

impl SharedTenant {
    /// Builds the tenant for `config`: reads the state file, takes or generates its keys (slow in a debug build: call
    /// it off the async threads), and writes the state file back.
    pub(crate) fn new(config: Config) -> Result<SharedTenant, StartError> {
        config.validate().map_err(StartError::Config)?;
        let saved = match &config.state_file {
            Some(path) => state_file::load(path).map_err(StartError::StateFile)?,
            None => None,
        };
        let (published, users) = saved.map(|s| (s.keys, s.users)).unwrap_or_default();
        let (published, spares) = starting_keys(&config, published)?;
        let shared = SharedTenant {
            cookie_name: format!("dev_tenant_session_{}", config.port),
            prefix: format!("/{}", config.tenant_id),
            persisted_keys: published.clone(),
            memory: Mutex::new(Memory::new(users, KeyRing::new(published, spares))),
            lifetimes: Mutex::new(config.lifetimes),
            clock: Clock::default(),
            urls: Urls::new(&config),
            config,
        };
        let users = shared.lock().users.clone();
        shared.save(&users);
        Ok(shared)
    }

    /// The tenant's memory. A panic while it was held leaves it usable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Memory> {
        self.memory
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

    pub(crate) fn client(&self, client_id: &str) -> Option<&Client> {
        self.config.client(client_id)
    }

    /// Whether the path segment names this tenant: its id or `{subdomain}.onmicrosoft.com`.
    pub(crate) fn is_this_tenant(&self, segment: &str) -> bool {
        segment.eq_ignore_ascii_case(&self.config.tenant_id)
            || segment.eq_ignore_ascii_case(&format!("{}.onmicrosoft.com", self.config.subdomain))
    }

    /// Arms faults. May generate a key (slow in debug builds).
    pub(crate) fn arm_faults(&self, request: &FaultRequest) -> Result<(), FaultError> {
        let mut memory = self.lock();
        let published = memory.keys.published().len();
        if request.faults.contains(&Fault::MissingKidSingleKey) && published != 1 {
            return Err(FaultError::Conflict(format!(
                "missing_kid_single_key needs a JWKS with exactly one key; it has {published} (start without --rotate-keys, and before missing_kid_several_keys or kid_not_yet_published)"
            )));
        }
        if request.faults.contains(&Fault::MissingKidSeveralKeys) && published < 2 {
            let key = match memory.keys.take_spare() {
                Some(key) => key,
                None => {
                    drop(memory);
                    let key =
                        SigningKey::generate().map_err(|e| FaultError::Conflict(e.to_string()))?;
                    memory = self.lock();
                    key
                }
            };
            memory.keys.publish_extra(key);
        }
        memory.faults.arm(request);
        Ok(())
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
            let memory = self.lock();
            let armed = |f: Fault| memory.faults.is_armed(f);
            (
                (armed(Fault::UnpublishedSigningKey) || armed(Fault::UnknownKid))
                    && memory.keys.never_published().is_none(),
                armed(Fault::KidNotYetPublished) && !memory.keys.has_spare(),
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

/// The published keys (the state file's, else a first one; a new signing key first with `rotate_keys`) and the
/// spares. The pre-generated `config.keys` stand in for generation, in order; those the state file already has are
/// skipped.
fn starting_keys(
    config: &Config,
    mut published: Vec<SigningKey>,
) -> Result<(Vec<SigningKey>, Vec<SigningKey>), StartError> {
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
    Ok((published, pool))
}
