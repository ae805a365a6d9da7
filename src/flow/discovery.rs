//! Discovery, sent and recorded: the tenant's OpenID metadata, cached in this tab for an hour.

use super::trace::step;
use super::{Field, SignInFailure, StepKind, Trace};
use crate::browser::{self, http, storage};
use crate::config::BuildConfig;
use crate::oidc::{self, HttpResponse, IssuerRule, ProviderMetadata};

pub const DISCOVERY_TTL_SECS: i64 = 3600;
const DISCOVERY_KEY_PREFIX: &str = "entra-signin.discovery.";

/// The tenant's metadata: from this tab's cache when younger than an hour, else fetched.
/// Checked against the issuer rule either way.
pub(super) async fn discover(
    config: &BuildConfig,
    trace: &mut Trace,
) -> Result<ProviderMetadata, SignInFailure> {
    let started = browser::time::now_ms();
    let result = discover_untraced(config).await;
    let (ok, summary, fields) = match &result {
        Ok((metadata, source)) => (true, source.clone(), metadata_fields(metadata)),
        Err(failure) => (false, failure.explanation(), Vec::new()),
    };
    trace.record(step(StepKind::Discovery, ok, started, summary, fields));
    result.map(|(metadata, _)| metadata)
}

fn metadata_fields(metadata: &ProviderMetadata) -> Vec<Field> {
    let mut fields = vec![
        Field::plain("issuer", metadata.issuer.as_str()),
        Field::plain("authorization_endpoint", &metadata.authorization_endpoint),
        Field::plain("token_endpoint", &metadata.token_endpoint),
        Field::plain("jwks_uri", &metadata.jwks_uri),
    ];
    if let Some(end) = &metadata.end_session_endpoint {
        fields.push(Field::plain("end_session_endpoint", end));
    }
    fields.push(Field::plain(
        "id_token_signing_alg_values_supported",
        metadata.id_token_signing_alg_values_supported.join(" "),
    ));
    fields
}

/// The metadata and where it came from, in a sentence.
pub(super) async fn discover_untraced(
    config: &BuildConfig,
) -> Result<(ProviderMetadata, String), SignInFailure> {
    let rule = IssuerRule::for_authority(&config.authority, config.tenant_guid.as_deref())
        .map_err(SignInFailure::Discovery)?;
    let key = format!("{DISCOVERY_KEY_PREFIX}{}", config.authority);
    let url = oidc::discovery_url(&config.authority).map_err(SignInFailure::Discovery)?;
    let now = browser::now_secs();
    if let Some(cached) = storage::get(&key)
        .ok()
        .flatten()
        .and_then(|c| CachedBody::parse(&c))
    {
        if now.saturating_sub(cached.fetched_at) < DISCOVERY_TTL_SECS {
            let response = HttpResponse::new(200, Some("application/json"), &cached.body);
            if let Ok(metadata) = oidc::process_discovery_response(response, &rule) {
                let source = format!(
                    "GET {url}: from this tab's cache, fetched {} s ago (kept for {} min)",
                    now.saturating_sub(cached.fetched_at),
                    DISCOVERY_TTL_SECS / 60
                );
                return Ok((metadata, source));
            }
        }
    }
    let response = http::get(&url).await.map_err(SignInFailure::Network)?;
    let metadata = oidc::process_discovery_response(response.as_core(), &rule)
        .map_err(SignInFailure::Discovery)?;
    let source = format!(
        "GET {url} → HTTP {} in {} ms",
        response.status,
        response.elapsed_ms.round() as u64
    );
    let cached = CachedBody {
        fetched_at: now,
        body: response.body,
    };
    // A cache that cannot be written only costs a fetch next time.
    let _ = storage::set(&key, &cached.to_json());
    Ok((metadata, source))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CachedBody {
    fetched_at: i64,
    body: String,
}

impl CachedBody {
    fn parse(json: &str) -> Option<CachedBody> {
        serde_json::from_str(json).ok()
    }

    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
