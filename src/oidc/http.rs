//! The plain values that cross the sans-IO boundary: the browser layer performs `fetch` and hands
//! the core an [`HttpResponse`]; the core hands back requests as URLs and form bodies.

use std::fmt;

/// What `fetch` returned: status, `Content-Type` header, and the body text. `Debug` gives the
/// body's length only: a token response's body holds the tokens.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HttpResponse<'a> {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The body as text.
    pub body: &'a str,
}

impl fmt::Debug for HttpResponse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

impl<'a> HttpResponse<'a> {
    /// A response from its parts.
    pub fn new(status: u16, content_type: Option<&'a str>, body: &'a str) -> Self {
        Self {
            status,
            content_type,
            body,
        }
    }

    /// The body fits the [`MAX_JSON_BODY_BYTES`] limit of a JSON answer; `from` names the
    /// endpoint (or URL) for the error.
    pub fn check_json_size(&self, from: &str) -> Result<(), BodyTooLarge> {
        check_json_size(from, self.status, self.body.len())
    }

    /// A short, credential-free description of a body that was not the expected JSON.
    pub(crate) fn describe_unexpected(&self) -> UnexpectedBody {
        UnexpectedBody {
            status: self.status,
            content_type: self.content_type.unwrap_or("(none)").to_owned(),
            length: self.body.len(),
            preview: preview(self.body),
        }
    }
}

/// A body that was not the JSON the step expects, described without echoing credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnexpectedBody {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, or `(none)`.
    pub content_type: String,
    /// The body length in bytes.
    pub length: usize,
    /// The HTML `<title>` or the first characters of the body, unless it mentions credentials.
    pub preview: String,
}

impl fmt::Display for UnexpectedBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {} with {} body ({} bytes): {:?}",
            self.status, self.content_type, self.length, self.preview
        )
    }
}

/// The largest JSON answer read from the tenant: 1 MiB. Discovery documents, key sets and token
/// responses are a few KiB; anything larger is not the endpoint's JSON.
pub const MAX_JSON_BODY_BYTES: usize = 1024 * 1024;

/// A body (or a declared `Content-Length`) over [`MAX_JSON_BODY_BYTES`]: refused unread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyTooLarge {
    /// The endpoint or URL that answered.
    pub from: String,
    /// The HTTP status code.
    pub status: u16,
    /// The limit in bytes.
    pub limit: usize,
    /// The size found, in bytes.
    pub found: usize,
}

impl fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} answered HTTP {} with {} bytes, over the {}-byte (1 MiB) limit for a JSON \
             answer: this is not the OpenID endpoint's JSON; check the authority and the \
             endpoints in its discovery document (a proxy or captive portal may have answered)",
            self.from, self.status, self.found, self.limit
        )
    }
}

impl std::error::Error for BodyTooLarge {}

/// `found` bytes from `from` fit the [`MAX_JSON_BODY_BYTES`] limit.
pub fn check_json_size(from: &str, status: u16, found: usize) -> Result<(), BodyTooLarge> {
    match found > MAX_JSON_BODY_BYTES {
        true => Err(BodyTooLarge {
            from: from.to_owned(),
            status,
            limit: MAX_JSON_BODY_BYTES,
            found,
        }),
        false => Ok(()),
    }
}

const PREVIEW_CHARS: usize = 120;
const CREDENTIAL_WORDS: [&str; 7] = [
    "client_secret",
    "code_verifier",
    "refresh_token",
    "access_token",
    "id_token",
    "code=",
    "assertion",
];

/// The HTML title, or the first 120 characters on one line; withheld if it names a credential.
fn preview(body: &str) -> String {
    let text = html_title(body).unwrap_or(body);
    let one_line: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(PREVIEW_CHARS)
        .collect();
    let lower = body.to_ascii_lowercase();
    if CREDENTIAL_WORDS.iter().any(|w| lower.contains(w)) {
        return "(preview withheld: the body mentions a credential parameter)".to_owned();
    }
    one_line
}

fn html_title(body: &str) -> Option<&str> {
    let lower = body.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower.get(start..)?.find("</title>")?;
    body.get(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_an_html_error_page_by_its_title() {
        let body = "<html><head><TITLE>500 - Internal server error.</TITLE></head><body>…</body>";
        let found = HttpResponse::new(500, Some("text/html"), body).describe_unexpected();
        assert_eq!(found.preview, "500 - Internal server error.");
        assert_eq!(
            found.to_string(),
            format!(
                "HTTP 500 with text/html body ({} bytes): \"500 - Internal server error.\"",
                body.len()
            )
        );
    }

    #[test]
    fn withholds_a_preview_that_could_echo_a_credential() {
        let body = "bad request: client_secret=hunter2&code=abc";
        let found = HttpResponse::new(400, None, body).describe_unexpected();
        assert!(!found.to_string().contains("hunter2"));
        assert_eq!(found.content_type, "(none)");
    }

    #[test]
    fn a_body_over_one_mib_is_refused_naming_the_endpoint_limit_and_size() {
        let body = " ".repeat(MAX_JSON_BODY_BYTES + 1);
        let response = HttpResponse::new(200, Some("application/json"), &body);
        let err = response.check_json_size("the token endpoint").unwrap_err();
        assert_eq!(err.found, MAX_JSON_BODY_BYTES + 1);
        let text = err.to_string();
        for part in [
            "the token endpoint",
            "1048576-byte",
            "1048577 bytes",
            "check the authority",
        ] {
            assert!(text.contains(part), "{part:?} in {text}");
        }
        let fits = " ".repeat(MAX_JSON_BODY_BYTES);
        assert_eq!(
            HttpResponse::new(200, None, &fits).check_json_size("x"),
            Ok(())
        );
    }

    #[test]
    fn truncates_a_long_plain_body_to_one_line() {
        let body = format!("line one\nline two {}", "x".repeat(500));
        let found = HttpResponse::new(502, Some("text/plain"), &body).describe_unexpected();
        assert_eq!(found.preview.chars().count(), PREVIEW_CHARS);
        assert!(found.preview.starts_with("line one line two"));
    }
}
