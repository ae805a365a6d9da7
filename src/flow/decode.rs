//! The token decoder's verification: the keys of the token's issuer fetched (the configured
//! tenant's as the flows discover them, or another Entra issuer's own), the signature verified
//! with Web Crypto, the report of the issuer's checks. The token is sent nowhere, stored nowhere
//! and recorded in no trace: every step here is [`Unobserved`].

use super::discovery::discover;
use super::events::Unobserved;
use super::id_token::{select_key, verify};
use super::{Failure, StepFailure};
use crate::browser::{self, http};
use crate::config::BuildConfig;
use crate::oidc::{
    self, CannotVerify, DecodedToken, IssuerRule, IssuerUrl, KeySource, ProviderMetadata,
    SignatureOutcome, ValidationReport,
};

/// Whose keys verified the token, and the report of the checks.
#[derive(Clone, Debug)]
pub struct Verification {
    /// The discovered issuer whose keys were used.
    pub issuer: IssuerUrl,
    pub jwks_uri: String,
    /// The keys are the configured tenant's, not another issuer's.
    pub configured_tenant: bool,
    /// `iss`, the signature, `alg`, the times and `crit`.
    pub report: ValidationReport,
}

/// Why the signature of a verifiable token was not checked.
#[derive(Clone, Debug)]
pub enum DecodeFailure {
    /// Neither the configured tenant's token nor one whose issuer's keys this page fetches; with
    /// the configured tenant's discovery failure, when that is why its issuer is unknown.
    NotFetched {
        reason: CannotVerify,
        tenant: Option<StepFailure>,
    },
    /// The issuer's metadata or keys could not be read.
    Keys {
        issuer: String,
        failure: StepFailure,
    },
}

impl Failure for DecodeFailure {
    fn title(&self) -> &'static str {
        match self {
            DecodeFailure::NotFetched { tenant: None, .. } => {
                "This page does not fetch the keys of the token's issuer"
            }
            DecodeFailure::NotFetched {
                tenant: Some(t), ..
            } => t.title(),
            DecodeFailure::Keys { failure, .. } => failure.title(),
        }
    }

    fn explanation(&self) -> String {
        match self {
            DecodeFailure::NotFetched {
                reason,
                tenant: None,
            } => reason.to_string(),
            DecodeFailure::NotFetched {
                reason,
                tenant: Some(tenant),
            } => format!(
                "The configured tenant's metadata could not be read, so its issuer is unknown: {}. \
                 And the token's issuer: {reason}.",
                tenant.explanation()
            ),
            DecodeFailure::Keys { issuer, failure } => format!(
                "The signing keys of {issuer:?} could not be read: {}",
                failure.explanation()
            ),
        }
    }

    fn way_out(&self) -> &'static str {
        match self {
            DecodeFailure::NotFetched { tenant: None, .. } => {
                "Verify the token where its issuer's keys are known, or build this app for that \
                 tenant (TENANT_NAME and TENANT_GUID, or AUTHORITY)."
            }
            DecodeFailure::NotFetched {
                tenant: Some(t), ..
            } => t.way_out(),
            DecodeFailure::Keys { .. } => {
                "Check that the issuer's discovery document and keys are reachable from this \
                 browser, then paste the token again."
            }
        }
    }
}

/// Fetches the keys of `issuer` (the token's `iss`) and verifies `token` with them.
pub async fn verify_decoded_token(
    config: &BuildConfig,
    token: &DecodedToken,
    issuer: &str,
) -> Result<Verification, DecodeFailure> {
    let (metadata, configured_tenant) = issuer_metadata(config, issuer).await?;
    let keys_failed = |failure| DecodeFailure::Keys {
        issuer: issuer.to_owned(),
        failure,
    };
    let (_, job) = select_key(token.raw(), &metadata.jwks_uri, None, &mut Unobserved)
        .await
        .map_err(keys_failed)?;
    let signature = match job {
        Ok(job) => verify(&job).await,
        Err(rejection) => SignatureOutcome::NoUsableKey(rejection),
    };
    let report = token.issuer_report(&metadata.issuer, &signature, browser::now_secs());
    Ok(Verification {
        issuer: metadata.issuer,
        jwks_uri: metadata.jwks_uri,
        configured_tenant,
        report,
    })
}

/// The metadata holding the keys for `issuer`, and whether it is the configured tenant's.
async fn issuer_metadata(
    config: &BuildConfig,
    issuer: &str,
) -> Result<(ProviderMetadata, bool), DecodeFailure> {
    let tenant = discover(config, &mut Unobserved).await;
    let keys_failed = |failure| DecodeFailure::Keys {
        issuer: issuer.to_owned(),
        failure,
    };
    let configured = tenant.as_ref().ok().map(|m| &m.issuer);
    match (oidc::key_source(issuer, configured), tenant) {
        (Ok(KeySource::ConfiguredTenant), tenant) => Ok((tenant.map_err(keys_failed)?, true)),
        (
            Ok(KeySource::Issuer {
                discovery_url,
                rule,
            }),
            _,
        ) => {
            let metadata = discover_issuer(&discovery_url, &rule)
                .await
                .map_err(keys_failed)?;
            Ok((metadata, false))
        }
        (Err(reason), tenant) => Err(DecodeFailure::NotFetched {
            reason,
            tenant: tenant.err(),
        }),
    }
}

/// Another issuer's metadata, fetched each time: caching it would store what a pasted token
/// named.
async fn discover_issuer(url: &str, rule: &IssuerRule) -> Result<ProviderMetadata, StepFailure> {
    let response = http::get(url).await.map_err(StepFailure::Network)?;
    oidc::process_discovery_response(response.as_core(), rule).map_err(StepFailure::Discovery)
}
