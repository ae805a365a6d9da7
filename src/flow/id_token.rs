//! The ID token, checked and recorded: the JWKS fetched (one refetch on an unknown `kid`), the
//! signature verified with Web Crypto, every check of the core run.

use super::trace::{self, since, step};
use super::trace::{Outcome, TraceStep};
use super::{Field, SignInFailure, StepKind, Trace};
use crate::browser::{self, crypto, http};
use crate::oidc::{
    self, Expectations, JwkSet, KeySelection, RawIdToken, SignatureJob, SignatureOutcome,
    UnverifiedIdToken, ValidatedIdToken,
};

/// verifies the signature with Web Crypto and runs every check; records the JWKS and validation.
pub(super) async fn verify_id_token(
    raw: &RawIdToken,
    jwks_uri: &str,
    prefetched: Option<Result<http::HttpResponse, http::NetworkError>>,
    expectations: &Expectations,
    trace: &mut Trace,
    entering_validation: &mut dyn FnMut(),
) -> Result<ValidatedIdToken, SignInFailure> {
    let started = browser::time::now_ms();
    let keys = fetch_and_select_key(raw, jwks_uri, prefetched).await;
    let (token, job, jwks_step) = match keys {
        Ok(found) => found,
        Err(failure) => {
            trace.record(step(
                StepKind::Jwks,
                false,
                started,
                failure.explanation(),
                vec![Field::plain("GET", jwks_uri)],
            ));
            return Err(failure);
        }
    };
    trace.record(TraceStep {
        duration_ms: Some(since(started)),
        ..jwks_step
    });

    entering_validation();
    let started = browser::time::now_ms();
    let signature = match job {
        Ok(job) => verify(&job).await,
        Err(rejection) => SignatureOutcome::NoUsableKey(rejection),
    };
    let result = oidc::validate(token, signature, expectations, browser::now_secs())
        .map_err(|f| SignInFailure::Validation(Box::new(f)));
    let (report, summary) = match &result {
        Ok(token) => (
            token.report().clone(),
            format!(
                "All {} checks passed; signature verified with Web Crypto (RSASSA-PKCS1-v1_5, SHA-256).",
                token.report().checks().len()
            ),
        ),
        Err(SignInFailure::Validation(failure)) => (failure.report.clone(), failure.to_string()),
        Err(other) => (oidc::ValidationReport::default(), other.explanation()),
    };
    let mut validation = step(
        StepKind::Validation,
        result.is_ok(),
        started,
        summary,
        Vec::new(),
    );
    validation.checks = report
        .checks()
        .iter()
        .map(|c| trace::CheckRow {
            name: c.name.to_string(),
            expected: c.expected.clone(),
            found: c.found.clone(),
            passed: c.passed,
        })
        .collect();
    trace.record(validation);
    result
}

async fn fetch_and_select_key(
    raw: &RawIdToken,
    jwks_uri: &str,
    prefetched: Option<Result<http::HttpResponse, http::NetworkError>>,
) -> Result<
    (
        UnverifiedIdToken,
        Result<SignatureJob, oidc::KeyRejection>,
        TraceStep,
    ),
    SignInFailure,
> {
    let jwks_http = match prefetched {
        Some(result) => result,
        None => http::get(jwks_uri).await,
    };
    let (jwks, body) = jwks_of(jwks_http)?;
    let mut fields = vec![Field::plain("GET", jwks_uri)];
    let token = UnverifiedIdToken::parse(raw.secret()).map_err(SignInFailure::Jwt)?;
    fields.push(Field::json("ID token header", token.header_json()));
    fields.push(Field::json("JWKS", crate::display::pretty_json(&body)));
    let (job, refetched) = match token.select_key(&jwks) {
        KeySelection::Selected(job) => (Ok(job), false),
        KeySelection::Rejected(rejection) => (Err(rejection), false),
        KeySelection::UnknownKid(_) => {
            let (jwks, body) = jwks_of(http::get(jwks_uri).await)?;
            fields.push(Field::json(
                "JWKS, refetched",
                crate::display::pretty_json(&body),
            ));
            (token.select_key_after_refetch(&jwks), true)
        }
    };
    let summary = match &job {
        Ok(job) => {
            let kid = job.key().kid.as_deref().unwrap_or("(no kid)");
            fields.push(Field::plain("matched key", kid));
            fields.push(Field::plain(
                "key size",
                format!("{} bits", job.key().modulus_bits),
            ));
            format!(
                "The ID token's key {kid} is in the JWKS{}.",
                if refetched {
                    " after one refetch (keys rotate)"
                } else {
                    ""
                }
            )
        }
        Err(rejection) => rejection.to_string(),
    };
    let jwks_step = TraceStep {
        kind: StepKind::Jwks,
        outcome: if job.is_ok() {
            Outcome::Ok
        } else {
            Outcome::Failed
        },
        duration_ms: None,
        summary,
        fields,
        checks: Vec::new(),
    };
    Ok((token, job, jwks_step))
}

fn jwks_of(
    response: Result<http::HttpResponse, http::NetworkError>,
) -> Result<(JwkSet, String), SignInFailure> {
    let response = response.map_err(SignInFailure::Network)?;
    let jwks = oidc::process_jwks_response(response.as_core()).map_err(SignInFailure::Jwks)?;
    Ok((jwks, response.body))
}

async fn verify(job: &SignatureJob) -> SignatureOutcome {
    let key = crypto::RsaPublicJwk {
        n: &job.key().n,
        e: &job.key().e,
    };
    let verdict = crypto::verify_rs256(key, job.signing_input(), job.signature())
        .await
        .map_err(|e| e.to_string());
    SignatureOutcome::from_web_crypto(verdict)
}
