//! Discovery, sent and recorded: the tenant's OpenID metadata, cached in this tab for an hour.

use super::events::{Event, MetadataSource, Observer};
use super::storage_keys::{keyed, DISCOVERY_CACHE};
use super::{StepFailure, StepKind};
use crate::browser::{self, http, storage};
use crate::config::BuildConfig;
use crate::oidc::json::{compact, object, Members};
use crate::oidc::{self, HttpResponse, IssuerRule, ProviderMetadata};
use serde_json::Value;

pub const DISCOVERY_TTL_SECS: i64 = 3600;

/// The tenant's metadata: from this tab's cache when younger than an hour, else fetched.
/// Checked against the issuer rule either way.
pub(super) async fn discover(
    config: &BuildConfig,
    observer: &mut dyn Observer,
) -> Result<ProviderMetadata, StepFailure> {
    observer.observe(&Event::Started(StepKind::Discovery));
    match metadata(config).await {
        Ok((metadata, url, source)) => {
            observer.observe(&Event::Discovered {
                url: &url,
                source,
                metadata: &metadata,
            });
            Ok(metadata)
        }
        Err(failure) => {
            observer.observe(&Event::StepFailed {
                step: StepKind::Discovery,
                failure: &failure,
            });
            Err(failure)
        }
    }
}

/// The metadata, the discovery URL, and where the metadata came from.
async fn metadata(
    config: &BuildConfig,
) -> Result<(ProviderMetadata, String, MetadataSource), StepFailure> {
    let rule = IssuerRule::for_authority(&config.authority, config.tenant_guid.as_deref())
        .map_err(StepFailure::Discovery)?;
    let key = keyed(DISCOVERY_CACHE, &config.authority);
    let url = oidc::discovery_url(&config.authority).map_err(StepFailure::Discovery)?;
    let now = browser::now_secs();
    if let Some(cached) = storage::get(&key)
        .ok()
        .flatten()
        .and_then(|c| CachedBody::parse(&c))
    {
        let age_secs = now.saturating_sub(cached.fetched_at);
        if age_secs < DISCOVERY_TTL_SECS {
            let response = HttpResponse::new(200, Some("application/json"), &cached.body);
            if let Ok(metadata) = oidc::process_discovery_response(response, &rule) {
                return Ok((metadata, url, MetadataSource::Cache { age_secs }));
            }
        }
    }
    let response = http::get(&url).await.map_err(StepFailure::Network)?;
    let metadata = oidc::process_discovery_response(response.as_core(), &rule)
        .map_err(StepFailure::Discovery)?;
    let source = MetadataSource::Fetched {
        status: response.status,
        elapsed_ms: response.elapsed_ms,
    };
    let cached = CachedBody {
        fetched_at: now,
        body: response.body,
    };
    // A cache that cannot be written only costs a fetch next time.
    let _ = storage::set(&key, &cached.to_json());
    Ok((metadata, url, source))
}

/// The discovery answer as cached: `{"fetched_at": <Unix seconds>, "body": "<the JSON text>"}`.
struct CachedBody {
    fetched_at: i64,
    body: String,
}

impl CachedBody {
    fn parse(json: &str) -> Option<CachedBody> {
        let value: Value = serde_json::from_str(json).ok()?;
        let cached = Members::of(&value, "cached discovery").ok()?;
        Some(CachedBody {
            fetched_at: cached.i64("fetched_at").ok()?,
            body: cached.str("body").ok()?.to_owned(),
        })
    }

    fn to_json(&self) -> String {
        compact(&object(vec![
            ("fetched_at", self.fetched_at.into()),
            ("body", self.body.as_str().into()),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::CachedBody;

    #[test]
    fn the_cached_answer_reads_back_and_anything_else_is_no_cache() {
        let cached = CachedBody {
            fetched_at: 1_700_000_000,
            body: "{\"issuer\": \"x\"}".to_owned(),
        };
        let read = CachedBody::parse(&cached.to_json());
        assert_eq!(
            read.map(|c| (c.fetched_at, c.body)),
            Some((cached.fetched_at, cached.body))
        );
        for other in [
            "",
            "{}",
            "[1]",
            r#"{"fetched_at":"1","body":"{}"}"#,
            r#"{"fetched_at":1}"#,
        ] {
            assert!(CachedBody::parse(other).is_none(), "{other}");
        }
    }
}
