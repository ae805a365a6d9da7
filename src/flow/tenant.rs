//! The tenant page's reading, sent: the configured tenant's discovery document fetched afresh
//! (never from the sign-in's cache: the page shows what the tenant answers now, and that this
//! browser may read it), then its key set. Nothing is recorded in a trace.

use super::StepFailure;
use crate::browser::{self, http};
use crate::config::BuildConfig;
use crate::oidc::{self, DiscoveryReading, IssuerRule, Row};

/// What the tenant published, each member and key marked with this app's check on it.
#[derive(Clone, Debug)]
pub struct TenantReading {
    pub discovery_url: String,
    pub discovery: DiscoveryReading,
    /// The `jwks_uri` and its keys; `None` when discovery failed its checks (no trusted URI).
    pub keys: Option<(String, Result<Vec<Row>, StepFailure>)>,
}

/// Fetches the discovery document and, when it passes the sign-in's checks, the key set.
pub async fn read_tenant(config: &BuildConfig) -> Result<TenantReading, StepFailure> {
    let rule = IssuerRule::for_authority(&config.authority, config.tenant_guid.as_deref())
        .map_err(StepFailure::Discovery)?;
    let discovery_url = oidc::discovery_url(&config.authority).map_err(StepFailure::Discovery)?;
    let response = http::get(&discovery_url)
        .await
        .map_err(StepFailure::Network)?;
    let discovery = oidc::read_discovery(response.as_core(), &rule);
    let keys = match &discovery.verdict {
        Ok(metadata) => {
            let jwks_uri = metadata.jwks_uri.clone();
            let rows = read_keys(&jwks_uri).await;
            Some((jwks_uri, rows))
        }
        Err(_) => None,
    };
    Ok(TenantReading {
        discovery_url,
        discovery,
        keys,
    })
}

async fn read_keys(jwks_uri: &str) -> Result<Vec<Row>, StepFailure> {
    let response = http::get(jwks_uri).await.map_err(StepFailure::Network)?;
    let jwks = oidc::process_jwks_response(response.as_core()).map_err(StepFailure::Jwks)?;
    Ok(oidc::key_rows(&jwks, browser::now_secs()))
}
