//! The token endpoint, sent and recorded: the POST (code or refresh grant) and its answer; the
//! JWKS is fetched alongside.

use super::trace::step;
use super::{Field, SignInFailure, StepKind, Trace};
use crate::browser::{self, http};
use crate::oidc::{self, HttpResponse, TokenRequest, TokenResponse};

/// The form fields of a token request for the trace: credentials marked secret.
fn request_fields(request: &TokenRequest) -> Vec<Field> {
    let mut fields = vec![Field::plain("POST", request.url())];
    fields.extend(
        request
            .params_with_secrecy()
            .map(|(name, value, secret)| match secret {
                true => Field::secret(name, value),
                false => Field::plain(name, value),
            }),
    );
    fields
}

/// The token response for the trace: tokens shortened, the refresh token masked.
fn response_fields(tokens: &TokenResponse) -> Vec<Field> {
    let mut fields = vec![Field::plain("token_type", &tokens.token_type)];
    if let Some(seconds) = tokens.expires_in {
        fields.push(Field::plain("expires_in", seconds.to_string()));
    }
    if let Some(scope) = &tokens.scope {
        fields.push(Field::plain("scope", scope));
    }
    if let Some(token) = &tokens.id_token {
        fields.push(Field::token("id_token", token.secret()));
    }
    fields.push(Field::token("access_token", tokens.access_token.secret()));
    if let Some(token) = &tokens.refresh_token {
        fields.push(Field::secret("refresh_token", token.secret()));
    }
    fields
}

/// POSTs `request` and fetches the JWKS in parallel; records both the request and the response.
pub(super) async fn redeem(
    request: &TokenRequest,
    jwks_uri: &str,
    trace: &mut Trace,
    process: fn(HttpResponse<'_>) -> Result<TokenResponse, oidc::TokenError>,
    refused: fn(oidc::TokenError) -> SignInFailure,
) -> (
    Result<TokenResponse, SignInFailure>,
    Result<http::HttpResponse, http::NetworkError>,
) {
    let started = browser::time::now_ms();
    let (token_http, jwks_http) = futures::future::join(
        http::post_form(request.url(), request.body()),
        http::get(jwks_uri),
    )
    .await;
    let sent_ok = token_http.is_ok();
    let sent_summary = match &token_http {
        Ok(r) => format!("POST {} → HTTP {}", request.url(), r.status),
        Err(e) => e.to_string(),
    };
    trace.record(step(
        StepKind::TokenRequest,
        sent_ok,
        started,
        sent_summary,
        request_fields(request),
    ));
    let result = match token_http {
        Ok(response) => {
            let processed = process(response.as_core()).map_err(refused);
            let (summary, fields) = match &processed {
                Ok(tokens) => (
                    format!(
                        "HTTP {} in {} ms",
                        response.status,
                        response.elapsed_ms.round() as u64
                    ),
                    response_fields(tokens),
                ),
                Err(failure) => (failure.explanation(), failure_fields(failure)),
            };
            trace.record(step(
                StepKind::TokenResponse,
                processed.is_ok(),
                started,
                summary,
                fields,
            ));
            processed
        }
        Err(error) => Err(SignInFailure::Network(error)),
    };
    (result, jwks_http)
}

/// What a failure says in a support request, as trace fields.
fn failure_fields(failure: &SignInFailure) -> Vec<Field> {
    failure
        .details()
        .into_iter()
        .map(|(name, value)| Field::plain(name, value))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::trace::{Outcome, TraceKind, TraceStep};
    use crate::oidc::{AuthorizationCode, CodeVerifier, RedirectUri};
    use crate::oidc::{ClientId, ClientSecret, Scope, TokenClient};

    const ID_TOKEN: &str =
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJpZC10b2tlbi1zdWJqZWN0In0.aWQtc2lnbmF0dXJl";
    const ACCESS_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzY3AiOiJhY2Nlc3MtdG9rZW4ifQ.YWNjZXNzLXNpZw";
    const REFRESH_TOKEN: &str = "1.AAAArefresh-token-secret-value";
    const CODE: &str = "1.AAAAauthorization-code-secret";
    const SECRET: &str = "client~secret~value~0123456789";

    fn token_body() -> String {
        serde_json::json!({
            "token_type": "Bearer",
            "expires_in": 3599,
            "id_token": ID_TOKEN,
            "access_token": ACCESS_TOKEN,
            "refresh_token": REFRESH_TOKEN,
        })
        .to_string()
    }

    fn assert_no_credential(debug: &str, verifier: &str) {
        for credential in [
            ID_TOKEN,
            ACCESS_TOKEN,
            REFRESH_TOKEN,
            CODE,
            SECRET,
            verifier,
        ] {
            assert!(!debug.contains(credential), "{credential} in {debug}");
        }
        // Not even a token's signature, which alone would identify it.
        for signature in [ID_TOKEN, ACCESS_TOKEN].map(|t| t.rsplit('.').next().unwrap_or(t)) {
            assert!(!debug.contains(signature), "{signature} in {debug}");
        }
    }

    #[test]
    fn debug_of_requests_responses_and_traces_holds_no_credential() {
        let body = token_body();
        let verifier = CodeVerifier::generate().expect("randomness on the host");
        let secret = ClientSecret::new(SECRET);
        let client = TokenClient {
            client_id: &ClientId::new("client"),
            client_secret: Some(&secret),
        };
        let request = oidc::authorization_code_request(
            "https://tenant.example/token",
            client,
            &AuthorizationCode::new(CODE),
            &RedirectUri::new("https://app.example/callback"),
            &verifier,
            &Scope::new("openid"),
        );
        let core_response = HttpResponse::new(200, Some("application/json"), &body);
        let tokens = oidc::process_token_response(core_response).expect("token response");
        let browser_response = http::HttpResponse {
            status: 200,
            content_type: "application/json".into(),
            body: body.clone(),
            elapsed_ms: 12.0,
        };
        let mut trace = Trace::new(TraceKind::SignIn, 0);
        let mut fields = request_fields(&request);
        fields.extend(response_fields(&tokens));
        trace.record(TraceStep {
            kind: StepKind::TokenResponse,
            outcome: Outcome::Ok,
            duration_ms: Some(12),
            summary: "answered".into(),
            fields,
            checks: Vec::new(),
        });

        let debugs = [
            format!("{request:?}"),
            format!("{core_response:?}"),
            format!("{tokens:?}"),
            format!("{browser_response:?}"),
            format!("{trace:?}"),
        ];
        for debug in &debugs {
            assert_no_credential(debug, verifier.secret());
        }
        assert!(debugs[3].contains(&format!("<{} bytes>", body.len())));
        assert!(debugs[4].contains("<redacted>") && debugs[4].contains("<token, "));
    }
}
