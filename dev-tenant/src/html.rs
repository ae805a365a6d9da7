//! The HTML the tenant serves: plain, accessible forms with stable element ids, marked "local dev tenant".
//!
//! Element ids: email page `#email`, `#next`; code page `#code`, `#verify`, `#resend`; sign-up page `#displayName`,
//! `#givenName`, `#surname`, `#create`; account picker `#continue`, `#use-another`; every sign-in page `#cancel`;
//! error text `#error`; information text `#info`; the marker `#dev-tenant-marker`.

use crate::clock::{rfc3339, UnixTime};

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}\
.marker{background:#fff4ce;border:1px solid #c8a600;padding:.4rem .6rem;font-size:.9rem}\
label{display:block;margin-top:1rem;font-weight:600}input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}\
button{margin-top:1rem;font-size:1rem;padding:.5rem 1.2rem}.error{color:#a4262c;font-weight:600}.info{color:#0b6a0b}\
nav{margin-top:1.5rem;display:flex;gap:1.5rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}\
code{font-size:1.1rem}";

/// A whole page around `body`.
pub(crate) fn page(title: &str, subdomain: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · local dev tenant</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header><p id=\"dev-tenant-marker\" class=\"marker\" role=\"note\">local dev tenant <strong>{subdomain}</strong>: an emulator of Microsoft Entra External ID for development, not a real identity provider.</p></header>\n\
         <main>\n<h1>{title}</h1>\n{body}\n</main>\n</body>\n</html>\n",
        title = escape(title),
        subdomain = escape(subdomain),
    )
}

/// What every sign-in page needs to know.
pub(crate) struct SignInPage<'a> {
    /// `/{tenant_id}`: the sign-in routes live under it.
    pub(crate) prefix: &'a str,
    pub(crate) subdomain: &'a str,
    pub(crate) app_name: &'a str,
    pub(crate) request_id: &'a str,
    pub(crate) error: Option<&'a str>,
    pub(crate) info: Option<&'a str>,
}

impl SignInPage<'_> {
    fn messages(&self) -> String {
        let mut out = String::new();
        if let Some(error) = self.error {
            out.push_str(&format!(
                "<p id=\"error\" class=\"error\" role=\"alert\">{}</p>\n",
                escape(error)
            ));
        }
        if let Some(info) = self.info {
            out.push_str(&format!(
                "<p id=\"info\" class=\"info\" role=\"status\">{}</p>\n",
                escape(info)
            ));
        }
        out
    }

    fn hidden(&self) -> String {
        format!(
            "<input type=\"hidden\" name=\"request_id\" value=\"{}\">",
            escape(self.request_id)
        )
    }

    fn cancel(&self) -> String {
        format!(
            "<nav><a id=\"cancel\" href=\"{}/signin/cancel?request_id={}\">Cancel</a></nav>",
            self.prefix,
            escape(self.request_id)
        )
    }

    fn described_by(&self) -> &'static str {
        if self.error.is_some() {
            " aria-describedby=\"error\" aria-invalid=\"true\""
        } else {
            ""
        }
    }

    /// Page 1: the email address.
    pub(crate) fn email(&self, prefill: &str, create: bool) -> String {
        let title = if create { "Create account" } else { "Sign in" };
        let body = format!(
            "<p>to continue to <strong>{app}</strong>. We'll email you a code to {purpose}.</p>\n{messages}\
             <form method=\"post\" action=\"{prefix}/signin/email\">\n{hidden}\n\
             <label for=\"email\">Email address</label>\n\
             <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" required autofocus value=\"{prefill}\"{described}>\n\
             <button id=\"next\" type=\"submit\">Next</button>\n</form>\n{cancel}",
            app = escape(self.app_name),
            purpose = if create { "create your account" } else { "sign in or create an account" },
            messages = self.messages(),
            prefix = self.prefix,
            hidden = self.hidden(),
            prefill = escape(prefill),
            described = self.described_by(),
            cancel = self.cancel(),
        );
        page(title, self.subdomain, &body)
    }

    /// Page 2: the emailed code.
    pub(crate) fn code(&self, email: &str) -> String {
        let body = format!(
            "<p>Enter the 8-digit code we sent to <strong id=\"code-sent-to\">{email}</strong>.</p>\n{messages}\
             <form method=\"post\" action=\"{prefix}/signin/code\">\n{hidden}\n\
             <label for=\"code\">Code</label>\n\
             <input id=\"code\" name=\"code\" type=\"text\" inputmode=\"numeric\" pattern=\"[0-9]{{8}}\" maxlength=\"8\" autocomplete=\"one-time-code\" required autofocus{described}>\n\
             <button id=\"verify\" type=\"submit\">Verify</button>\n</form>\n\
             <p><a id=\"resend\" href=\"{prefix}/signin/resend?request_id={id}\">Resend code</a></p>\n{cancel}",
            email = escape(email),
            messages = self.messages(),
            prefix = self.prefix,
            hidden = self.hidden(),
            described = self.described_by(),
            id = escape(self.request_id),
            cancel = self.cancel(),
        );
        page("Enter code", self.subdomain, &body)
    }

    /// Sign-up: the attributes of a first-time user.
    pub(crate) fn sign_up(&self, email: &str, values: [&str; 3]) -> String {
        let [display, given, surname] = values.map(escape);
        let body = format!(
            "<p>Create your account for <strong>{email}</strong>.</p>\n{messages}\
             <form method=\"post\" action=\"{prefix}/signin/signup\">\n{hidden}\n\
             <label for=\"displayName\">Display name</label>\n\
             <input id=\"displayName\" name=\"displayName\" type=\"text\" autocomplete=\"nickname\" required autofocus value=\"{display}\"{described}>\n\
             <label for=\"givenName\">Given name</label>\n\
             <input id=\"givenName\" name=\"givenName\" type=\"text\" autocomplete=\"given-name\" value=\"{given}\">\n\
             <label for=\"surname\">Surname</label>\n\
             <input id=\"surname\" name=\"surname\" type=\"text\" autocomplete=\"family-name\" value=\"{surname}\">\n\
             <button id=\"create\" type=\"submit\">Create</button>\n</form>\n{cancel}",
            email = escape(email),
            messages = self.messages(),
            prefix = self.prefix,
            hidden = self.hidden(),
            described = self.described_by(),
            cancel = self.cancel(),
        );
        page("Create account", self.subdomain, &body)
    }

    /// `prompt=select_account` with a session: continue as the signed-in user, or use another account.
    pub(crate) fn account_picker(&self, email: &str, name: &str) -> String {
        let body = format!(
            "<p>Pick an account to continue to <strong>{app}</strong>.</p>\n{messages}\
             <form method=\"post\" action=\"{prefix}/signin/continue\">\n{hidden}\n\
             <button id=\"continue\" type=\"submit\">Continue as {name} ({email})</button>\n</form>\n\
             <p><a id=\"use-another\" href=\"{prefix}/signin/another?request_id={id}\">Use another account</a></p>\n{cancel}",
            app = escape(self.app_name),
            messages = self.messages(),
            prefix = self.prefix,
            hidden = self.hidden(),
            name = escape(name),
            email = escape(email),
            id = escape(self.request_id),
            cancel = self.cancel(),
        );
        page("Pick an account", self.subdomain, &body)
    }
}

/// An error that cannot be sent back to the app (unknown client, unregistered redirect URI, ...).
pub(crate) fn error_page(subdomain: &str, headline: &str, details: &[(&str, &str)]) -> String {
    let rows: String = details
        .iter()
        .map(|(k, v)| {
            format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                escape(k),
                escape(v)
            )
        })
        .collect();
    let body = format!(
        "<p id=\"error\" class=\"error\" role=\"alert\">{}</p>\n<table>{rows}</table>",
        escape(headline)
    );
    page(
        "Sorry, but we're having trouble signing you in.",
        subdomain,
        &body,
    )
}

/// The logout page when the browser is not sent back to the app.
pub(crate) fn signed_out(subdomain: &str, note: Option<&str>) -> String {
    let note = note
        .map(|n| format!("<p id=\"info\" class=\"info\">{}</p>", escape(n)))
        .unwrap_or_default();
    page(
        "You signed out of your account",
        subdomain,
        &format!("<p id=\"signed-out\">It's a good idea to close all browser windows.</p>\n{note}"),
    )
}

/// `response_mode=form_post`: a form that posts the response parameters to the redirect URI.
pub(crate) fn form_post(subdomain: &str, action: &str, params: &[(&str, String)]) -> String {
    let inputs: String = params
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect();
    let body = format!(
        "<form id=\"form-post\" method=\"post\" action=\"{}\">{inputs}<noscript><button type=\"submit\">Continue</button></noscript></form>\n\
         <script>document.getElementById('form-post').submit()</script>",
        escape(action)
    );
    page("Working...", subdomain, &body)
}

/// One emailed code, as the mailbox page lists it.
pub(crate) struct MailRow<'a> {
    pub(crate) to: &'a str,
    pub(crate) code: &'a str,
    pub(crate) sent_at: UnixTime,
}

/// `GET /_dev/mailbox`: the emulated mail, newest first.
pub(crate) fn mailbox(subdomain: &str, rows: &[MailRow<'_>]) -> String {
    let body = if rows.is_empty() {
        "<p id=\"mailbox-empty\">No mail yet. Sign in with any email address and the code appears here.</p>".to_string()
    } else {
        let rows: String = rows
            .iter()
            .map(|m| {
                format!(
                    "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                    escape(m.to),
                    escape(m.code),
                    rfc3339(m.sent_at)
                )
            })
            .collect();
        format!(
            "<table id=\"mailbox\"><thead><tr><th scope=\"col\">To</th><th scope=\"col\">Code</th><th scope=\"col\">Sent at (UTC)</th></tr></thead><tbody>{rows}</tbody></table>\n\
             <p>JSON: add <code>?format=json</code> or send <code>Accept: application/json</code>.</p>"
        )
    };
    page("Mailbox", subdomain, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn every_sign_in_page_has_cancel_and_the_marker() {
        let p = SignInPage {
            prefix: "/t",
            subdomain: "devtenant",
            app_name: "app",
            request_id: "r1",
            error: Some("bad"),
            info: None,
        };
        for html in [
            p.email("", false),
            p.code("a@b.c"),
            p.sign_up("a@b.c", ["", "", ""]),
            p.account_picker("a", "b"),
        ] {
            assert!(html.contains("id=\"cancel\""), "{html}");
            assert!(html.contains("local dev tenant"), "{html}");
            assert!(html.contains("id=\"error\""), "{html}");
            assert!(html.contains("name=\"request_id\" value=\"r1\""), "{html}");
        }
    }
}
