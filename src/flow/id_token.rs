//! The ID token, checked and reported: the JWKS fetched (one refetch on an unknown `kid`), the
//! signature verified with Web Crypto, every check of the core run.

use super::events::{Event, Observer};
use super::{StepFailure, StepKind};
use crate::browser::{self, crypto, http};
use crate::oidc::{
    self, Expectations, JwkSet, KeyRejection, KeySelection, RawIdToken, SignatureJob,
    SignatureOutcome, UnverifiedIdToken, ValidatedIdToken,
};

/// Fetches the keys when `prefetched` has none, picks the key (one refetch on an unknown `kid`),
/// verifies the signature with Web Crypto and runs every check.
pub(super) async fn verify_id_token(
    raw: &RawIdToken,
    jwks_uri: &str,
    prefetched: Option<Result<http::HttpResponse, http::NetworkError>>,
    expectations: &Expectations,
    observer: &mut dyn Observer,
) -> Result<ValidatedIdToken, StepFailure> {
    observer.observe(&Event::Started(StepKind::Jwks));
    let (token, job) = match select_key(raw, jwks_uri, prefetched, observer).await {
        Ok(selected) => selected,
        Err(failure) => {
            observer.observe(&Event::KeysUnavailable {
                jwks_uri,
                failure: &failure,
            });
            return Err(failure);
        }
    };
    observer.observe(&Event::Started(StepKind::Validation));
    let signature = match job {
        Ok(job) => verify(&job).await,
        Err(rejection) => SignatureOutcome::NoUsableKey(rejection),
    };
    let result = oidc::validate(token, signature, expectations, browser::now_secs())
        .map_err(|f| StepFailure::Validation(Box::new(f)));
    observer.observe(&Event::Validated(result.as_ref()));
    result
}

/// The token and the key that can verify it (or why none can); reports the keys it read.
pub(super) async fn select_key(
    raw: &RawIdToken,
    jwks_uri: &str,
    prefetched: Option<Result<http::HttpResponse, http::NetworkError>>,
    observer: &mut dyn Observer,
) -> Result<(UnverifiedIdToken, Result<SignatureJob, KeyRejection>), StepFailure> {
    let jwks_http = match prefetched {
        Some(result) => result,
        None => http::get(jwks_uri).await,
    };
    let (jwks, body) = jwks_of(jwks_http)?;
    let token = UnverifiedIdToken::parse(raw.secret()).map_err(StepFailure::Jwt)?;
    let (job, refetched) = match token.select_key(&jwks) {
        KeySelection::Selected(job) => (Ok(job), None),
        KeySelection::Rejected(rejection) => (Err(rejection), None),
        KeySelection::UnknownKid(_) => {
            let (jwks, body) = jwks_of(http::get(jwks_uri).await)?;
            (token.select_key_after_refetch(&jwks), Some(body))
        }
    };
    observer.observe(&Event::KeysSelected {
        jwks_uri,
        header_json: token.header_json(),
        jwks: &body,
        refetched: refetched.as_deref(),
        key: job.as_ref().map(SignatureJob::key),
    });
    Ok((token, job))
}

fn jwks_of(
    response: Result<http::HttpResponse, http::NetworkError>,
) -> Result<(JwkSet, String), StepFailure> {
    let response = response.map_err(StepFailure::Network)?;
    let jwks = oidc::process_jwks_response(response.as_core()).map_err(StepFailure::Jwks)?;
    Ok((jwks, response.body))
}

pub(super) async fn verify(job: &SignatureJob) -> SignatureOutcome {
    let key = crypto::RsaPublicJwk {
        n: &job.key().n,
        e: &job.key().e,
    };
    browser::time::mark("signature-start");
    let verdict = crypto::verify_rs256(key, job.signing_input(), job.signature())
        .await
        .map_err(|e| e.to_string());
    browser::time::mark("signature-end");
    SignatureOutcome::from_web_crypto(verdict)
}
