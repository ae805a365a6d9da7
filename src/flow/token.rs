//! The token endpoint, sent and reported: the POST (code or refresh grant) and its answer; the
//! JWKS is fetched alongside.

use super::events::{Event, Observer};
use super::{StepFailure, StepKind};
use crate::browser::http;
use crate::oidc::{self, HttpResponse, TokenRequest, TokenResponse};

/// POSTs `request` and fetches the JWKS in parallel; reports the request and the answer.
pub(super) async fn redeem(
    request: &TokenRequest,
    jwks_uri: &str,
    observer: &mut dyn Observer,
    process: fn(HttpResponse<'_>) -> Result<TokenResponse, oidc::TokenError>,
) -> (
    Result<TokenResponse, StepFailure>,
    Result<http::HttpResponse, http::NetworkError>,
) {
    observer.observe(&Event::Started(StepKind::TokenRequest));
    let (token_http, jwks_http) = futures::future::join(
        http::post_form(request.url(), request.body()),
        http::get(jwks_uri),
    )
    .await;
    observer.observe(&Event::TokenRequestSent {
        request,
        sent: token_http.as_ref().map(|r| r.status),
    });
    let result = match token_http {
        Ok(response) => {
            let processed = process(response.as_core()).map_err(StepFailure::Token);
            observer.observe(&Event::TokenAnswered {
                status: response.status,
                elapsed_ms: response.elapsed_ms,
                result: processed.as_ref(),
            });
            processed
        }
        Err(error) => Err(StepFailure::Network(error)),
    };
    (result, jwks_http)
}
