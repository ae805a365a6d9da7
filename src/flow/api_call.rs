//! Sends a checked API request with the session's access token and reads what the answer means
//! (`oidc::api_call`). The token goes into the `Authorization` header only: it is not recorded,
//! logged, stored or returned.

use crate::browser::http::{self, NetworkError};
use crate::oidc::{
    capped_body, cors_advice, ApiRequest, BodyNote, Credential, TokenGrant, Verdict,
};

use super::Session;

/// What the API answered.
#[derive(Debug, Clone)]
pub struct ApiAnswer {
    pub status: u16,
    /// Whole milliseconds from sending to the end of the body.
    pub elapsed_ms: u64,
    /// The headers the page may read (CORS), in the browser's order.
    pub headers: Vec<(String, String)>,
    /// At most 1 MiB of it.
    pub body: String,
    pub body_note: Option<BodyNote>,
    pub verdict: Verdict,
}

/// No HTTP answer the page may read.
#[derive(Debug, Clone)]
pub struct ApiNoAnswer {
    pub error: NetworkError,
    /// What to configure on the API (a fetch `TypeError`); empty for a timeout.
    pub advice: Vec<String>,
}

/// Sends `request` with `session`'s access token as its credential says.
pub async fn call_api(
    request: &ApiRequest,
    session: &Session,
    page_origin: &str,
) -> Result<ApiAnswer, ApiNoAnswer> {
    let bearer = request
        .credential
        .bearer(&session.access_token)
        .map(|token| format!("Bearer {}", token.secret()));
    let sent = http::send_to_api(
        request.method.as_str(),
        &request.url,
        bearer.as_deref(),
        request.json_body.as_deref(),
    )
    .await;
    let response = sent.map_err(|error| {
        let advice = match &error {
            NetworkError::Failed { .. } => {
                cors_advice(page_origin, request.method, request.json_body.is_some())
            }
            _ => Vec::new(),
        };
        ApiNoAnswer { error, advice }
    })?;
    Ok(answer(response, request.credential, session))
}

fn answer(response: http::HttpResponse, sent: Credential, session: &Session) -> ApiAnswer {
    let www_authenticate = response
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("www-authenticate"))
        .map(|(_, value)| value.as_str());
    let grant = TokenGrant::of(session.access_token_decoded.as_ref().map(|d| &d.claims));
    let verdict = Verdict::of(response.status, www_authenticate, sent, grant);
    let (body, body_note) = match response.unread {
        Some(declared) => (String::new(), Some(BodyNote::Unread { declared })),
        None => {
            let (shown, note) = capped_body(&response.body);
            (shown.to_owned(), note)
        }
    };
    ApiAnswer {
        status: response.status,
        elapsed_ms: response.elapsed_ms.max(0.0).round() as u64,
        headers: response.headers,
        body,
        body_note,
        verdict,
    }
}
