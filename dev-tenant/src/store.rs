//! The tenant's memory: users, sessions, pending sign-ins, codes, refresh tokens, the mailbox, keys and faults.

use crate::clock::{rfc3339, UnixTime};
use crate::faults::ArmedFaults;
use crate::keys::KeyRing;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// How long an unfinished sign-in is kept.
pub(crate) const PENDING_LIFETIME_SECS: i64 = 3600;
/// How long expired codes and refresh tokens are still recognised (to say "expired" rather than "unknown").
const EXPIRED_KEPT_SECS: i64 = 7 * 24 * 3600;
/// How many wrong codes a sign-in may enter per emailed code.
pub(crate) const OTP_TRIES: u32 = 3;
/// How many messages the mailbox keeps.
const MAILBOX_SIZE: usize = 200;

/// A user of the tenant (a "customer" in External ID terms).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct User {
    /// Object id: a GUID, the `oid` claim.
    pub(crate) oid: String,
    pub(crate) email: String,
    pub(crate) display_name: String,
    pub(crate) given_name: String,
    pub(crate) surname: String,
    pub(crate) created_at: UnixTime,
}

/// A browser's sign-in session, found through its cookie.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    /// The `sid` claim and the `session_state` response parameter.
    pub(crate) sid: String,
    pub(crate) user_oid: String,
    pub(crate) expires_at: UnixTime,
}

/// `response_mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResponseMode {
    Query,
    Fragment,
    FormPost,
}

/// `prompt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prompt {
    Login,
    SelectAccount,
    Create,
    None,
}

/// A PKCE code challenge (RFC 7636 §4.2) with its method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CodeChallenge {
    pub(crate) challenge: String,
    /// `S256` or `plain` (Web clients only).
    pub(crate) s256: bool,
}

/// A validated authorization request.
#[derive(Clone, Debug)]
pub(crate) struct AuthRequest {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) response_mode: ResponseMode,
    /// The app's `state` parameter, sent back to it as it came.
    pub(crate) client_state: Option<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) scopes: Vec<String>,
    pub(crate) code_challenge: Option<CodeChallenge>,
    pub(crate) prompt: Option<Prompt>,
    pub(crate) login_hint: Option<String>,
}

/// An emailed one-time passcode waiting to be entered.
#[derive(Clone)]
pub(crate) struct Otp {
    pub(crate) email: String,
    pub(crate) code: String,
    pub(crate) expires_at: UnixTime,
    pub(crate) tries_left: u32,
}

impl fmt::Debug for Otp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Otp")
            .field("email", &self.email)
            .field("tries_left", &self.tries_left)
            .finish_non_exhaustive()
    }
}

/// Where an unfinished sign-in stands.
#[derive(Clone, Debug)]
pub(crate) enum Stage {
    /// Waiting for the email address.
    Email,
    /// A code was sent; waiting for it.
    Code(Otp),
    /// The email was verified and belongs to no user: waiting for the sign-up attributes.
    SignUp { email: String },
    /// `prompt=select_account` with a session: waiting for the user's pick.
    AccountPicker { user_oid: String },
}

/// An authorization request between `/authorize` and the redirect back to the app.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub(crate) request: AuthRequest,
    pub(crate) created_at: UnixTime,
    pub(crate) stage: Stage,
}

/// An issued authorization code.
#[derive(Clone, Debug)]
pub(crate) struct CodeGrant {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) code_challenge: Option<CodeChallenge>,
    pub(crate) scopes: Vec<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) user_oid: String,
    pub(crate) sid: String,
    pub(crate) expires_at: UnixTime,
    pub(crate) redeemed: bool,
}

/// An issued refresh token. It stays valid after it is redeemed, as Entra's do, until it expires.
#[derive(Clone, Debug)]
pub(crate) struct RefreshGrant {
    pub(crate) client_id: String,
    pub(crate) user_oid: String,
    pub(crate) scopes: Vec<String>,
    /// The `nonce` of the authorization request that started the chain: refreshed ID tokens repeat it.
    pub(crate) nonce: Option<String>,
    pub(crate) sid: String,
    /// When the sign-in that started this chain of refresh tokens happened.
    pub(crate) chain_issued_at: UnixTime,
    /// The end of its life when issued (what the sweep goes by). An SPA token's redemption goes by
    /// `chain_issued_at` and the SPA lifetime in force then, which tests may have changed since.
    pub(crate) expires_at: UnixTime,
    /// Redeemed at least once (only the `refresh_single_use` fault rejects it for that).
    pub(crate) redeemed: bool,
}

/// One emulated email with a one-time passcode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MailMessage {
    /// The address the code was sent to.
    pub to: String,
    /// The 8-digit code.
    pub code: String,
    /// When it was sent, in seconds since the Unix epoch.
    #[serde(skip)]
    pub sent_at_unix: i64,
    /// When it was sent, RFC 3339 (UTC).
    pub sent_at: String,
}

impl MailMessage {
    pub(crate) fn new(to: &str, code: &str, now: UnixTime) -> MailMessage {
        MailMessage {
            to: to.into(),
            code: code.into(),
            sent_at_unix: now,
            sent_at: rfc3339(now),
        }
    }
}

/// Everything the tenant remembers, behind one lock. Its `Debug` counts what it holds: codes, refresh tokens and
/// session cookies are its keys, and never printed.
pub(crate) struct Memory {
    pub(crate) users: Vec<User>,
    /// By cookie value.
    pub(crate) sessions: HashMap<String, Session>,
    /// By request id (the hidden form field).
    pub(crate) pending: HashMap<String, Pending>,
    /// By code.
    pub(crate) codes: HashMap<String, CodeGrant>,
    /// By token.
    pub(crate) refresh_tokens: HashMap<String, RefreshGrant>,
    /// Oldest first.
    pub(crate) mailbox: Vec<MailMessage>,
    pub(crate) keys: KeyRing,
    pub(crate) faults: ArmedFaults,
    /// The query strings of the latest authorization requests, oldest first, for tests to read
    /// what the app sent.
    pub(crate) authorize_queries: Vec<String>,
}

impl fmt::Debug for Memory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Memory")
            .field("users", &self.users.len())
            .field("sessions", &self.sessions.len())
            .field("pending", &self.pending.len())
            .field("codes", &self.codes.len())
            .field("refresh_tokens", &self.refresh_tokens.len())
            .field("mailbox", &self.mailbox.len())
            .field("keys", &self.keys)
            .field("faults", &self.faults)
            .finish()
    }
}

impl Memory {
    pub(crate) fn new(users: Vec<User>, keys: KeyRing) -> Memory {
        Memory {
            users,
            sessions: HashMap::new(),
            pending: HashMap::new(),
            codes: HashMap::new(),
            refresh_tokens: HashMap::new(),
            mailbox: Vec::new(),
            keys,
            faults: ArmedFaults::default(),
            authorize_queries: Vec::new(),
        }
    }

    /// Keeps the query of an authorization request; the latest 20.
    pub(crate) fn note_authorize_query(&mut self, query: &str) {
        if self.authorize_queries.len() == 20 {
            self.authorize_queries.remove(0);
        }
        self.authorize_queries.push(query.to_owned());
    }

    pub(crate) fn user(&self, oid: &str) -> Option<&User> {
        self.users.iter().find(|u| u.oid == oid)
    }

    /// Email addresses compare case-insensitively.
    pub(crate) fn user_by_email(&self, email: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
    }

    pub(crate) fn send_mail(&mut self, message: MailMessage) {
        self.mailbox.push(message);
        if self.mailbox.len() > MAILBOX_SIZE {
            self.mailbox.remove(0);
        }
    }

    /// A live session for the cookie value.
    pub(crate) fn session(&self, cookie: Option<&str>, now: UnixTime) -> Option<&Session> {
        let session = self.sessions.get(cookie?)?;
        (session.expires_at > now && self.user(&session.user_oid).is_some()).then_some(session)
    }

    /// Forgets what has long expired.
    pub(crate) fn sweep(&mut self, now: UnixTime) {
        self.pending
            .retain(|_, p| p.created_at + PENDING_LIFETIME_SECS > now);
        self.sessions.retain(|_, s| s.expires_at > now);
        self.codes
            .retain(|_, c| c.expires_at + EXPIRED_KEPT_SECS > now);
        self.refresh_tokens
            .retain(|_, r| r.expires_at + EXPIRED_KEPT_SECS > now);
    }
}
