//! The sign-up / sign-in user flow with an email one-time passcode: email page, code page (3 tries, 10 minutes,
//! resend), sign-up page for a first-time email, account picker, and cancel.

use super::cookies::session_cookie;
use super::params::{param, query_params};
use super::redirect::{error_redirect, redirect_with_code, Target};
use super::request_log::{noted, LogNote};
use super::responses::{expired_request_page, sign_in_page};
use crate::clock::UnixTime;
use crate::errors;
use crate::ids::{guid, otp_code};
use crate::shared::{Shared, SharedTenant};
use crate::store::{MailMessage, Memory, Otp, Pending, Prompt, Stage, User, OTP_TRIES};
use axum::extract::{Form, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;

type Fields = Form<HashMap<String, String>>;

fn field<'a>(fields: &'a HashMap<String, String>, name: &str) -> &'a str {
    fields.get(name).map(|v| v.trim()).unwrap_or("")
}

/// A page of the flow, logged with the client.
fn show(client: &str, outcome: &str, html: String) -> Response {
    noted(
        Html(html).into_response(),
        LogNote::new(Some(client), outcome),
    )
}

/// A form submitted out of order (a code before an email, a sign-up before a code): back to the email page.
fn out_of_order(shared: &SharedTenant, client: &str, id: &str, message: &str) -> Response {
    let html = sign_in_page(shared, client, id, Some(message), None).email("", false);
    show(client, "out_of_order", html)
}

/// A plausible email address: one `@`, something on both sides, a dot in the domain, no spaces.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && text.len() <= 254
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// "Sends" a new code to `email`: to the mailbox and to stdout.
fn send_code(shared: &SharedTenant, memory: &mut Memory, email: &str) -> Otp {
    let now = shared.clock.now();
    let lifetime = shared.lifetimes().otp_code;
    let otp = Otp {
        email: email.to_string(),
        code: otp_code(),
        expires_at: now + crate::clock::secs(lifetime),
        tries_left: OTP_TRIES,
    };
    memory.send_mail(MailMessage::new(email, &otp.code, now));
    shared.say(&format!(
        "dev-tenant mail to={email} code={} valid_minutes={}",
        otp.code,
        lifetime.as_secs() / 60
    ));
    otp
}

/// `POST /{tenant}/signin/email`: page 1 submitted.
pub(crate) async fn email(State(shared): Shared, Form(fields): Fields) -> Response {
    let id = field(&fields, "request_id").to_string();
    let mut memory = shared.lock();
    let Some(pending) = memory.pending.get(&id).cloned() else {
        return expired_request_page(&shared);
    };
    let client = pending.request.client_id.clone();
    let create = pending.request.prompt == Some(Prompt::Create);
    let email = field(&fields, "email").to_string();
    if !is_email(&email) {
        let html = sign_in_page(
            &shared,
            &client,
            &id,
            Some("Enter a valid email address."),
            None,
        )
        .email(&email, create);
        return show(&client, "invalid_email", html);
    }
    let otp = send_code(&shared, &mut memory, &email);
    if let Some(pending) = memory.pending.get_mut(&id) {
        pending.stage = Stage::Code(otp);
    }
    let html = sign_in_page(&shared, &client, &id, None, Some("We sent you a code.")).code(&email);
    show(&client, "code_sent", html)
}

/// Why `entered` is not accepted for `otp` (a wrong code uses up a try), or `None`.
fn check_code(otp: &mut Otp, entered: &str, now: UnixTime) -> Option<String> {
    if otp.tries_left == 0 {
        Some("Too many wrong codes. Request a new code with \"Resend code\".".to_string())
    } else if now >= otp.expires_at {
        Some("That code has expired. Request a new code with \"Resend code\".".to_string())
    } else if entered != otp.code {
        otp.tries_left -= 1;
        Some(match otp.tries_left {
            0 => "That code is incorrect, and that was the last try. Request a new code with \"Resend code\".".into(),
            1 => "That code is incorrect. 1 try left.".into(),
            n => format!("That code is incorrect. {n} tries left."),
        })
    } else {
        None
    }
}

/// `POST /{tenant}/signin/code`: page 2 submitted.
pub(crate) async fn code(
    State(shared): Shared,
    headers: HeaderMap,
    Form(fields): Fields,
) -> Response {
    let id = field(&fields, "request_id").to_string();
    let entered: String = field(&fields, "code")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let now = shared.clock.now();
    let mut memory = shared.lock();
    let Some(pending) = memory.pending.get(&id).cloned() else {
        return expired_request_page(&shared);
    };
    let client = pending.request.client_id.clone();
    let Stage::Code(mut otp) = pending.stage.clone() else {
        return out_of_order(&shared, &client, &id, "Enter your email address first.");
    };
    let error = check_code(&mut otp, &entered, now);
    if let Some(error) = error {
        let email = otp.email.clone();
        if let Some(pending) = memory.pending.get_mut(&id) {
            pending.stage = Stage::Code(otp);
        }
        let html = sign_in_page(&shared, &client, &id, Some(&error), None).code(&email);
        return show(&client, "wrong_code", html);
    }
    match memory.user_by_email(&otp.email).cloned() {
        Some(user) => finish(&shared, &mut memory, &headers, &id, &pending, &user.oid),
        None => {
            if let Some(pending) = memory.pending.get_mut(&id) {
                pending.stage = Stage::SignUp {
                    email: otp.email.clone(),
                };
            }
            let html = sign_in_page(&shared, &client, &id, None, Some("Email verified."))
                .sign_up(&otp.email, ["", "", ""]);
            show(&client, "sign_up_page", html)
        }
    }
}

/// `GET /{tenant}/signin/resend?request_id=`: a new code, three new tries.
pub(crate) async fn resend(State(shared): Shared, RawQuery(query): RawQuery) -> Response {
    let params = query_params(query.as_deref());
    let id = param(&params, "request_id").unwrap_or("").to_string();
    let mut memory = shared.lock();
    let Some(pending) = memory.pending.get(&id).cloned() else {
        return expired_request_page(&shared);
    };
    let client = pending.request.client_id.clone();
    let Stage::Code(old) = pending.stage else {
        return out_of_order(&shared, &client, &id, "Enter your email address first.");
    };
    let otp = send_code(&shared, &mut memory, &old.email);
    if let Some(pending) = memory.pending.get_mut(&id) {
        pending.stage = Stage::Code(otp);
    }
    let html =
        sign_in_page(&shared, &client, &id, None, Some("We sent you a new code.")).code(&old.email);
    show(&client, "code_resent", html)
}

/// `POST /{tenant}/signin/signup`: the attributes of a first-time user.
pub(crate) async fn sign_up(
    State(shared): Shared,
    headers: HeaderMap,
    Form(fields): Fields,
) -> Response {
    let id = field(&fields, "request_id").to_string();
    let mut memory = shared.lock();
    let Some(pending) = memory.pending.get(&id).cloned() else {
        return expired_request_page(&shared);
    };
    let client = pending.request.client_id.clone();
    let Stage::SignUp { email } = &pending.stage else {
        return out_of_order(&shared, &client, &id, "Verify your email address first.");
    };
    let values = [
        field(&fields, "displayName"),
        field(&fields, "givenName"),
        field(&fields, "surname"),
    ];
    if values[0].is_empty() || values.iter().any(|v| v.chars().count() > 256) {
        let html = sign_in_page(
            &shared,
            &client,
            &id,
            Some("Enter a display name (at most 256 characters)."),
            None,
        )
        .sign_up(email, values);
        return show(&client, "invalid_sign_up", html);
    }
    let oid = match memory.user_by_email(email) {
        // Signed up meanwhile in another tab.
        Some(user) => user.oid.clone(),
        None => {
            let user = User {
                oid: guid(),
                email: email.clone(),
                display_name: values[0].to_string(),
                given_name: values[1].to_string(),
                surname: values[2].to_string(),
                created_at: shared.clock.now(),
            };
            let oid = user.oid.clone();
            memory.users.push(user);
            shared.save(&memory.users);
            shared.say(&format!("dev-tenant user created email={email} oid={oid}"));
            oid
        }
    };
    finish(&shared, &mut memory, &headers, &id, &pending, &oid)
}

/// `POST /{tenant}/signin/continue`: the account picker's "Continue as".
pub(crate) async fn continue_as(
    State(shared): Shared,
    headers: HeaderMap,
    Form(fields): Fields,
) -> Response {
    let id = field(&fields, "request_id").to_string();
    let now = shared.clock.now();
    let cookie = session_cookie(&shared, &headers);
    let mut memory = shared.lock();
    let Some(pending) = memory.pending.get(&id).cloned() else {
        return expired_request_page(&shared);
    };
    let client = pending.request.client_id.clone();
    let session_user = memory
        .session(cookie.as_deref(), now)
        .map(|s| s.user_oid.clone());
    match (&pending.stage, session_user) {
        (Stage::AccountPicker { user_oid }, Some(session_user)) if *user_oid == session_user => {
            finish(&shared, &mut memory, &headers, &id, &pending, &session_user)
        }
        _ => {
            if let Some(pending) = memory.pending.get_mut(&id) {
                pending.stage = Stage::Email;
            }
            let html = sign_in_page(
                &shared,
                &client,
                &id,
                Some("Your session has ended. Sign in again."),
                None,
            )
            .email("", false);
            show(&client, "session_ended", html)
        }
    }
}

/// `GET /{tenant}/signin/another?request_id=`: the account picker's "Use another account".
pub(crate) async fn another(State(shared): Shared, RawQuery(query): RawQuery) -> Response {
    let params = query_params(query.as_deref());
    let id = param(&params, "request_id").unwrap_or("").to_string();
    let mut memory = shared.lock();
    let Some(pending) = memory.pending.get_mut(&id) else {
        return expired_request_page(&shared);
    };
    pending.stage = Stage::Email;
    let client = pending.request.client_id.clone();
    let html = sign_in_page(&shared, &client, &id, None, None).email("", false);
    show(&client, "email_page", html)
}

/// `GET /{tenant}/signin/cancel?request_id=`: `error=access_denied` back to the app.
pub(crate) async fn cancel(
    State(shared): Shared,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = query_params(query.as_deref());
    let id = param(&params, "request_id").unwrap_or("");
    let Some(pending) = shared.lock().pending.remove(id) else {
        return expired_request_page(&shared);
    };
    let target = Target::of(&pending.request);
    error_redirect(
        &shared,
        &headers,
        &target,
        &errors::user_cancelled(),
        Some(&pending.request.client_id),
    )
}

/// The end of the flow: the pending request is done, the app gets its code.
fn finish(
    shared: &SharedTenant,
    memory: &mut Memory,
    headers: &HeaderMap,
    id: &str,
    pending: &Pending,
    user_oid: &str,
) -> Response {
    memory.pending.remove(id);
    let now = shared.clock.now();
    let cookie = session_cookie(shared, headers);
    let session = memory.session(cookie.as_deref(), now).cloned();
    let response = redirect_with_code(shared, memory, &pending.request, user_oid, session.as_ref());
    noted(
        response,
        LogNote::new(Some(&pending.request.client_id), "signed_in"),
    )
}

#[cfg(test)]
mod tests {
    use super::is_email;

    #[test]
    fn accepts_plain_addresses_and_rejects_the_rest() {
        assert!(is_email("ada@example.com"));
        assert!(is_email("a.b+c@sub.example.org"));
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada @example.com",
            "a@b@c.com",
            "a@.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
