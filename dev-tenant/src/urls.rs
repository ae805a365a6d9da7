//! The URLs of one tenant, from its configuration.

use crate::config::{Config, IssuerMode};

/// The URLs of one tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Urls {
    /// `http://127.0.0.1:{port}`.
    pub base: String,
    /// `{base}/{tenant_id}/v2.0`: what the app is configured with.
    pub authority: String,
    /// What ID tokens carry in `iss` (see [`IssuerMode`]).
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
    pub(crate) fn new(config: &Config) -> Urls {
        let base = format!("http://127.0.0.1:{}", config.port);
        let tenant = &config.tenant_id;
        let authority = format!("{base}/{tenant}/v2.0");
        let issuer = match config.issuer_mode {
            IssuerMode::TenantHost => {
                format!("http://{tenant}.localhost:{}/{tenant}/v2.0", config.port)
            }
            IssuerMode::Authority => authority.clone(),
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
