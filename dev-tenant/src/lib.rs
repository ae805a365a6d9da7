//! A local emulator of a Microsoft Entra External ID (CIAM) tenant, for trying the app and for its tests.
//!
//! It serves, under `http://127.0.0.1:{port}/{tenant_id}/...` (shaped like `https://{subdomain}.ciamlogin.com/{tenant_id}/...`):
//! OpenID Connect discovery, the JWKS, `authorize` with an email one-time-passcode sign-up/sign-in user flow, `token`
//! (authorization code with PKCE, refresh token), `logout` and `userinfo`; plus, for development, a mailbox of the
//! emailed codes (`/_dev/mailbox`), fault injection (`/_dev/faults`, see [`faults`]) and the lifetimes in force
//! (`/_dev/lifetimes`, see [`Tenant::set_lifetimes`]).
//!
//! ```no_run
//! # async fn example() -> Result<(), dev_tenant::StartError> {
//! let config = dev_tenant::Config { port: 0, ..Default::default() }
//!     .with_redirect_uri("http://127.0.0.1:4000/callback");
//! let tenant = dev_tenant::DevTenant::start(config).await?;
//! println!("authority: {}", tenant.authority());
//! # Ok(()) }
//! ```

mod clock;
pub mod config;
pub mod conformance;
mod errors;
pub mod faults;
mod html;
mod ids;
pub mod keys;
mod routes;
mod shared;
mod start_error;
mod state_file;
mod store;
mod tenant;
mod tokens;
mod urls;

pub use config::{
    Client, ClientKind, ClientSecret, Config, IssuerMode, Lifetimes, DEFAULT_PORT, SPA_CLIENT_ID,
    TENANT_ID, TENANT_SUBDOMAIN, WEB_CLIENT_ID, WEB_CLIENT_SECRET,
};
pub use faults::{Fault, FaultError, FaultRequest};
pub use keys::{KeyError, SigningKey};
pub use routes::api::{DEV_API_ADMIN_SCOPE, DEV_API_AUDIENCE, DEV_API_SCOPE};
pub use start_error::StartError;
pub use store::MailMessage;
pub use tenant::Tenant;
pub use urls::Urls;

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running tenant, served on 127.0.0.1 by a task of the tokio runtime that started it. Dropping it stops the
/// server (as does [`DevTenant::shutdown`], which also waits for it).
pub struct DevTenant {
    tenant: Tenant,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for DevTenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DevTenant")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl DevTenant {
    /// Binds `127.0.0.1:{config.port}` (0: a free port), builds the tenant and spawns the server on the current
    /// tokio runtime.
    pub async fn start(mut config: Config) -> Result<DevTenant, StartError> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
            .await
            .map_err(|source| StartError::Bind {
                port: config.port,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            port: config.port,
            source,
        })?;
        config.port = addr.port();
        let tenant = tokio::task::spawn_blocking(move || Tenant::new(config))
            .await
            .map_err(|e| StartError::Runtime(format!("building the tenant stopped: {e}")))??;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = tenant.router();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                eprintln!("dev-tenant: the server stopped: {e}");
            }
        });
        Ok(DevTenant {
            tenant,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> String {
        self.tenant.urls().base.clone()
    }

    /// `http://127.0.0.1:{port}/{tenant_id}/v2.0`.
    pub fn authority(&self) -> String {
        self.tenant.urls().authority.clone()
    }

    /// What ID tokens carry in `iss`.
    pub fn issuer(&self) -> String {
        self.tenant.urls().issuer.clone()
    }

    /// The port the tenant listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The tenant itself: URLs, mailbox, faults, clock.
    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }

    /// Stops the server and waits (at most 5 seconds) for it to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for DevTenant {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
