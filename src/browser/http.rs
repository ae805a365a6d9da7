//! `fetch` through gloo-net, with a timeout, returning what the protocol core needs: status,
//! content type, the headers CORS lets the page read, and the body. A body declared over the
//! core's 1 MiB JSON limit is not read.

use crate::oidc::{check_json_size, BodyTooLarge};
use futures::future::{select, Either};
use gloo_net::http::{Method, Request, RequestBuilder};
use std::fmt;
use wasm_bindgen_futures::JsFuture;

/// How long a request to the tenant may take before we give up and say so.
pub const REQUEST_TIMEOUT_MS: i32 = 30_000;

/// What came back from the network, whatever the status. `Debug` gives the body's length only:
/// a token response's body holds the tokens.
#[derive(Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    /// Time from sending to the end of the body, in milliseconds.
    pub elapsed_ms: f64,
    /// Every header the page may read: for a cross-origin answer, the CORS-safelisted ones and
    /// those it lists in `Access-Control-Expose-Headers`.
    pub headers: Vec<(String, String)>,
    /// The declared `Content-Length` of a body left unread for being over 1 MiB.
    pub unread: Option<usize>,
}

impl HttpResponse {
    /// The response as the protocol core reads it.
    pub fn as_core(&self) -> crate::oidc::HttpResponse<'_> {
        crate::oidc::HttpResponse::new(self.status, Some(&self.content_type), &self.body)
    }
}

impl fmt::Debug for HttpResponse {
    /// The core's `Debug`, which gives the body's length only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} in {} ms", self.as_core(), self.elapsed_ms)
    }
}

/// The request got no HTTP answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetworkError {
    /// No answer in time.
    Timeout { url: String, after_ms: i32 },
    /// The browser refused or could not connect: offline, DNS, refused connection, or a response
    /// without the CORS headers that would let this page read it.
    Failed { url: String, detail: String },
    /// The answer's `Content-Length` is over the 1 MiB limit of a JSON answer: not read.
    TooLarge(BodyTooLarge),
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetworkError::Timeout { url, after_ms } => write!(
                f,
                "{url} did not answer within {} s. Check that the tenant is reachable and try again.",
                after_ms / 1000
            ),
            NetworkError::Failed { url, detail } => write!(
                f,
                "the request to {url} failed before any HTTP answer ({detail}). Either the server is \
                 unreachable (offline, wrong host, not running), or it answered without CORS headers for \
                 this origin, which the browser hides from the page."
            ),
            NetworkError::TooLarge(too_large) => too_large.fmt(f),
        }
    }
}

impl std::error::Error for NetworkError {}

/// What to do with an answer whose `Content-Length` is over the 1 MiB limit.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Oversized {
    /// The tenant's JSON: an error.
    Refuse,
    /// An API's answer: its status and headers still tell something.
    LeaveUnread,
}

pub async fn get(url: &str) -> Result<HttpResponse, NetworkError> {
    send(url, Oversized::Refuse, |signal| {
        Request::get(url).abort_signal(Some(signal))
    })
    .await
}

/// Sends `method` to an API with an optional `Authorization` value and JSON body; a body over
/// 1 MiB is left unread rather than refused.
pub async fn send_to_api(
    method: &str,
    url: &str,
    authorization: Option<&str>,
    json_body: Option<&str>,
) -> Result<HttpResponse, NetworkError> {
    let method = method.parse::<Method>().map_err(|e| NetworkError::Failed {
        url: url.to_string(),
        detail: e.to_string(),
    })?;
    send(url, Oversized::LeaveUnread, move |signal| {
        let mut builder = RequestBuilder::new(url)
            .method(method)
            .abort_signal(Some(signal));
        if let Some(value) = authorization {
            builder = builder.header("Authorization", value);
        }
        match json_body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(body.to_string())
                .map_err(|e| e.to_string()),
            None => builder.into_request(),
        }
    })
    .await
}

/// POSTs an `application/x-www-form-urlencoded` body.
pub async fn post_form(url: &str, body: String) -> Result<HttpResponse, NetworkError> {
    send(url, Oversized::Refuse, move |signal| {
        Request::post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .abort_signal(Some(signal))
            .body(body)
            .map_err(|e| e.to_string())
    })
    .await
}

trait IntoRequest {
    fn into_request(self) -> Result<Request, String>;
}

impl IntoRequest for RequestBuilder {
    fn into_request(self) -> Result<Request, String> {
        self.build().map_err(|e| e.to_string())
    }
}

impl IntoRequest for Result<Request, String> {
    fn into_request(self) -> Result<Request, String> {
        self
    }
}

async fn send<R: IntoRequest>(
    url: &str,
    oversized: Oversized,
    build: impl FnOnce(&web_sys::AbortSignal) -> R,
) -> Result<HttpResponse, NetworkError> {
    let owned_url = url.to_string();
    let failed = move |detail: String| NetworkError::Failed {
        url: owned_url.clone(),
        detail,
    };
    let controller = web_sys::AbortController::new().map_err(|e| failed(format!("{e:?}")))?;
    let request = build(&controller.signal())
        .into_request()
        .map_err(&failed)?;
    let started = js_sys::Date::now();
    let exchange = Box::pin(async move {
        let failed = &failed;
        let response = request.send().await.map_err(|e| failed(e.to_string()))?;
        let status = response.status();
        let headers = response.headers();
        let content_type = headers.get("content-type").unwrap_or_default();
        let declared = headers.get("content-length").and_then(|n| n.parse().ok());
        let fits = check_json_size(url, status, declared.unwrap_or(0));
        let unread = match (fits, oversized) {
            (Ok(()), _) => None,
            (Err(too_large), Oversized::Refuse) => return Err(NetworkError::TooLarge(too_large)),
            (Err(too_large), Oversized::LeaveUnread) => Some(too_large.found),
        };
        let body = match unread {
            Some(_) => String::new(),
            None => response.text().await.map_err(|e| failed(e.to_string()))?,
        };
        Ok(HttpResponse {
            status,
            content_type,
            body,
            elapsed_ms: js_sys::Date::now() - started,
            headers: headers.entries().collect(),
            unread,
        })
    });
    let winner = select(exchange, Box::pin(sleep_ms(REQUEST_TIMEOUT_MS))).await;
    match winner {
        Either::Left((outcome, _)) => outcome,
        Either::Right(_) => {
            controller.abort();
            Err(NetworkError::Timeout {
                url: url.to_string(),
                after_ms: REQUEST_TIMEOUT_MS,
            })
        }
    }
}

/// Resolves after `ms` milliseconds (a `setTimeout` promise).
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}
