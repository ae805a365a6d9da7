//! "Check my app registration", sent: discovery and keys read from this browser (CORS), then the
//! probe POSTed to the token endpoint as this app's own redemption would be. Nothing is recorded
//! in a trace, and the verifier is thrown away: no code can exist for it.

use super::session::Client;
use super::tenant::read_tenant;
use super::StepFailure;
use crate::browser::{self, http, location};
use crate::config::BuildConfig;
use crate::oidc::{self, CodeVerifier, Mark, RedirectUri, RegistrationCheck};

/// The probe's answer, with what was read before it.
#[derive(Clone, Debug)]
pub struct RegistrationOutcome {
    /// The keys in the tenant's key set, and how many of them this app can verify with.
    pub keys: usize,
    pub usable_keys: usize,
    pub redirect_uri: String,
    pub check: RegistrationCheck,
}

/// Reads discovery and the keys, then sends the probe and reads its answer.
pub async fn check_registration(config: &BuildConfig) -> Result<RegistrationOutcome, StepFailure> {
    let reading = read_tenant(config).await?;
    let metadata = reading.discovery.verdict.map_err(StepFailure::Discovery)?;
    let keys = match reading.keys {
        Some((_, keys)) => keys?,
        None => Vec::new(),
    };
    let redirect_uri = location::redirect_uri(config.redirect_uri.as_deref())
        .ok_or(StepFailure::Browser(browser::BrowserError::NoWindow))?;
    let verifier = CodeVerifier::generate().map_err(StepFailure::Randomness)?;
    let client = Client::from_config(config);
    let request = oidc::registration_probe(
        &metadata.token_endpoint,
        client.token_client(),
        &RedirectUri::new(redirect_uri.clone()),
        &verifier,
        &client.scope,
    );
    let response = http::post_form(request.url(), request.body())
        .await
        .map_err(StepFailure::Network)?;
    Ok(RegistrationOutcome {
        keys: keys.len(),
        usable_keys: keys.iter().filter(|k| k.mark == Mark::Pass).count(),
        redirect_uri,
        check: oidc::process_registration_probe(response.as_core()),
    })
}
