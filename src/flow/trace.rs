//! The flow inspector's record of one sign-in, refresh or restore: every step in order, what was
//! sent and received, how long it took. Pure data: the flow fills it in, the page renders it, and
//! [`Trace::to_markdown`] writes it for a bug report with every credential masked.

use crate::oidc::json::{compact, object, Members};
use crate::oidc::values::{mask_secret, shorten_token};
use serde_json::Value;
use std::fmt;

/// What the trace records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceKind {
    SignIn,
    Refresh,
    Restore,
    /// A restore whose kept ID token had expired, renewed with the kept refresh token.
    RestoreRenewed,
}

impl TraceKind {
    const ALL: [TraceKind; 4] = [
        TraceKind::SignIn,
        TraceKind::Refresh,
        TraceKind::Restore,
        TraceKind::RestoreRenewed,
    ];

    /// The `data-kind` of the inspector.
    pub fn id(self) -> &'static str {
        match self {
            TraceKind::SignIn => "sign-in",
            TraceKind::Refresh => "refresh",
            TraceKind::Restore => "restore",
            TraceKind::RestoreRenewed => "restore-renewed",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            TraceKind::SignIn => "Sign-in",
            TraceKind::Refresh => "Token refresh",
            TraceKind::Restore => "Session restored after a reload",
            TraceKind::RestoreRenewed => {
                "Session restored after a reload, its expired ID token renewed"
            }
        }
    }

    /// The steps of this kind of flow, in order.
    pub fn steps(self) -> &'static [StepKind] {
        use StepKind::*;
        match self {
            TraceKind::SignIn => &[
                Discovery,
                Pkce,
                Authorize,
                Callback,
                TokenRequest,
                TokenResponse,
                Jwks,
                Validation,
            ],
            TraceKind::Refresh => &[Discovery, TokenRequest, TokenResponse, Jwks, Validation],
            TraceKind::Restore => &[Storage, Discovery, Jwks, Validation],
            TraceKind::RestoreRenewed => &[
                Storage,
                Discovery,
                TokenRequest,
                TokenResponse,
                Jwks,
                Validation,
            ],
        }
    }
}

/// Who talks to whom in a step, for the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    BrowserToTenant,
    TenantToBrowser,
    InBrowser,
}

impl Direction {
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::BrowserToTenant => "browser → tenant",
            Direction::TenantToBrowser => "tenant → browser",
            Direction::InBrowser => "in the browser",
        }
    }
}

/// One step of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    Storage,
    Discovery,
    Pkce,
    Authorize,
    Callback,
    TokenRequest,
    TokenResponse,
    Jwks,
    Validation,
}

impl StepKind {
    const ALL: [StepKind; 9] = [
        StepKind::Storage,
        StepKind::Discovery,
        StepKind::Pkce,
        StepKind::Authorize,
        StepKind::Callback,
        StepKind::TokenRequest,
        StepKind::TokenResponse,
        StepKind::Jwks,
        StepKind::Validation,
    ];

    /// The `data-step` of the step.
    pub fn id(self) -> &'static str {
        match self {
            StepKind::Storage => "storage",
            StepKind::Discovery => "discovery",
            StepKind::Pkce => "pkce",
            StepKind::Authorize => "authorize",
            StepKind::Callback => "callback",
            StepKind::TokenRequest => "token-request",
            StepKind::TokenResponse => "token-response",
            StepKind::Jwks => "jwks",
            StepKind::Validation => "validation",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            StepKind::Storage => "Session read from this tab's storage",
            StepKind::Discovery => "Discovery: the tenant's OpenID metadata",
            StepKind::Pkce => "PKCE, state and nonce",
            StepKind::Authorize => "Authorization request (redirect to the tenant)",
            StepKind::Callback => "Callback: the tenant's answer",
            StepKind::TokenRequest => "Token request",
            StepKind::TokenResponse => "Token response",
            StepKind::Jwks => "Signing keys (JWKS)",
            StepKind::Validation => "ID token validation",
        }
    }

    pub fn direction(self) -> Direction {
        match self {
            StepKind::Discovery | StepKind::Authorize | StepKind::TokenRequest | StepKind::Jwks => {
                Direction::BrowserToTenant
            }
            StepKind::Callback | StepKind::TokenResponse => Direction::TenantToBrowser,
            StepKind::Storage | StepKind::Pkce | StepKind::Validation => Direction::InBrowser,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Failed,
    NotReached,
}

impl Outcome {
    const ALL: [Outcome; 3] = [Outcome::Ok, Outcome::Failed, Outcome::NotReached];

    /// The `data-outcome` of a step.
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
            Outcome::NotReached => "not-reached",
        }
    }
}

/// How a value is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shown {
    /// As it is.
    Plain,
    /// A credential: masked until the user reveals it; never in the Markdown.
    Secret,
    /// A token: shortened, expandable and copyable on the page; shortened in the Markdown.
    Token,
    /// Pretty JSON in a block.
    Json,
}

/// One named value of a step. `Debug` masks credentials and shortens tokens, as the page does.
#[derive(Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub shown: Shown,
}

impl Shown {
    const ALL: [Shown; 4] = [Shown::Plain, Shown::Secret, Shown::Token, Shown::Json];

    /// The name in the trace's JSON.
    fn id(&self) -> &'static str {
        match self {
            Shown::Plain => "plain",
            Shown::Secret => "secret",
            Shown::Token => "token",
            Shown::Json => "json",
        }
    }
}

impl Field {
    pub fn plain(name: impl Into<String>, value: impl Into<String>) -> Field {
        Field {
            name: name.into(),
            value: value.into(),
            shown: Shown::Plain,
        }
    }

    pub fn secret(name: impl Into<String>, value: impl Into<String>) -> Field {
        Field {
            shown: Shown::Secret,
            ..Field::plain(name, value)
        }
    }

    pub fn token(name: impl Into<String>, value: impl Into<String>) -> Field {
        Field {
            shown: Shown::Token,
            ..Field::plain(name, value)
        }
    }

    pub fn json(name: impl Into<String>, value: impl Into<String>) -> Field {
        Field {
            shown: Shown::Json,
            ..Field::plain(name, value)
        }
    }

    /// The value as the page shows it before any click: credentials masked, tokens shortened.
    pub fn masked(&self) -> String {
        match self.shown {
            Shown::Secret => mask_secret(&self.value),
            Shown::Token => shorten_token(&self.value),
            Shown::Plain | Shown::Json => self.value.clone(),
        }
    }
}

impl fmt::Debug for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = match self.shown {
            Shown::Secret => "<redacted>".to_string(),
            Shown::Token => format!("<token, {} characters>", self.value.len()),
            Shown::Plain | Shown::Json => self.value.clone(),
        };
        f.debug_struct("Field")
            .field("name", &self.name)
            .field("value", &value)
            .field("shown", &self.shown)
            .finish()
    }
}

/// One row of the validation report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckRow {
    pub name: String,
    pub expected: String,
    pub found: String,
    pub passed: bool,
}

/// One recorded step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceStep {
    pub kind: StepKind,
    pub outcome: Outcome,
    /// Milliseconds the step took; `None` until it ends.
    pub duration_ms: Option<u64>,
    /// One line: what was sent or decided.
    pub summary: String,
    pub fields: Vec<Field>,
    pub checks: Vec<CheckRow>,
}

/// A whole flow, in order. Steps that never ran are reported as not reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    pub kind: TraceKind,
    /// Unix seconds.
    pub started_at: i64,
    pub steps: Vec<TraceStep>,
    /// Why the flow stopped, when it failed: never a credential.
    pub failure: Option<String>,
    /// When the browser left for the tenant (`Date.now()` ms), to time the stay there.
    pub redirected_at_ms: Option<i64>,
}

impl Trace {
    pub fn new(kind: TraceKind, started_at: i64) -> Trace {
        Trace {
            kind,
            started_at,
            steps: Vec::new(),
            failure: None,
            redirected_at_ms: None,
        }
    }

    /// Records a step that ended. A step recorded twice keeps the second record.
    pub fn record(&mut self, step: TraceStep) {
        self.steps.retain(|s| s.kind != step.kind);
        self.steps.push(step);
    }

    /// Removes the recorded step of `kind`, to move what it learnt elsewhere.
    pub fn take_step(&mut self, kind: StepKind) -> Option<TraceStep> {
        let index = self.steps.iter().position(|s| s.kind == kind)?;
        Some(self.steps.remove(index))
    }

    /// The recorded step of `kind`, to add what was learnt later (the verifier after the exchange).
    pub fn step_mut(&mut self, kind: StepKind) -> Option<&mut TraceStep> {
        self.steps.iter_mut().find(|s| s.kind == kind)
    }

    /// Every step of this kind of flow in order, with the record when the step ran.
    pub fn timeline(&self) -> Vec<(StepKind, Option<&TraceStep>)> {
        self.kind
            .steps()
            .iter()
            .map(|kind| (*kind, self.steps.iter().find(|s| s.kind == *kind)))
            .collect()
    }

    /// Marks the flow failed with `why`. Unless a step already recorded its failure, the step
    /// running, `at`, is marked failed.
    pub fn fail(&mut self, at: StepKind, why: String, duration_ms: Option<u64>) {
        self.failure = Some(why);
        if self.steps.iter().any(|s| s.outcome == Outcome::Failed) {
            return;
        }
        match self.step_mut(at) {
            Some(step) => step.outcome = Outcome::Failed,
            None => self.record(TraceStep {
                kind: at,
                outcome: Outcome::Failed,
                duration_ms,
                summary: String::new(),
                fields: Vec::new(),
                checks: Vec::new(),
            }),
        }
    }

    /// The trace as JSON, to carry it across the redirect; [`Trace::from_json`] reads it.
    pub fn to_json(&self) -> String {
        let steps = self
            .steps
            .iter()
            .map(TraceStep::to_value)
            .collect::<Vec<_>>();
        compact(&object(vec![
            ("kind", self.kind.id().into()),
            ("started_at", self.started_at.into()),
            ("steps", steps.into()),
            ("failure", self.failure.as_deref().into()),
            ("redirected_at_ms", self.redirected_at_ms.into()),
        ]))
    }

    /// The trace [`Trace::to_json`] wrote; `None` for anything else.
    pub fn from_json(json: &str) -> Option<Trace> {
        let value: Value = serde_json::from_str(json).ok()?;
        let trace = Members::of(&value, "trace").ok()?;
        Some(Trace {
            kind: by_id(&TraceKind::ALL, |k| k.id(), trace.str("kind").ok()?)?,
            started_at: trace.i64("started_at").ok()?,
            steps: each(trace.value("steps").ok()?, TraceStep::from_value)?,
            failure: trace.opt_string("failure").ok()?,
            redirected_at_ms: trace.opt_i64("redirected_at_ms").ok()?,
        })
    }

    /// The whole trace for a bug report: credentials masked, tokens shortened.
    pub fn to_markdown(&self, started: &str) -> String {
        let mut md = format!("## {} trace\n\nStarted {started}.", self.kind.title());
        if let Some(why) = &self.failure {
            md.push_str(&format!(" **Failed:** {}", cell(why)));
        }
        md.push_str("\n\n| # | Step | Direction | Outcome | Time |\n|---|---|---|---|---|\n");
        let timeline = self.timeline();
        for (n, (kind, step)) in timeline.iter().enumerate() {
            let outcome = step.map_or(Outcome::NotReached, |s| s.outcome);
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                n + 1,
                kind.title(),
                kind.direction().arrow(),
                outcome.id(),
                step.and_then(|s| s.duration_ms)
                    .map_or("–".to_string(), |ms| format!("{ms} ms"))
            ));
        }
        for (n, (kind, step)) in timeline.iter().enumerate() {
            if let Some(step) = step {
                md.push_str(&step_markdown(n + 1, *kind, step));
            }
        }
        md
    }
}

/// A table cell: no line breaks, pipes escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

fn code(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    match text.contains('`') {
        true => cell(text),
        false => format!("`{}`", cell(text)),
    }
}

/// One step of the Markdown: summary, fields (credentials masked, JSON as blocks), checks.
fn step_markdown(n: usize, kind: StepKind, step: &TraceStep) -> String {
    let mut md = format!("\n### {n}. {} ({})\n\n", kind.title(), step.outcome.id());
    if !step.summary.is_empty() {
        md.push_str(&format!("{}\n\n", cell(&step.summary)));
    }
    let (blocks, rows): (Vec<&Field>, Vec<&Field>) =
        step.fields.iter().partition(|f| f.shown == Shown::Json);
    if !rows.is_empty() {
        md.push_str("| Field | Value |\n|---|---|\n");
        for field in rows {
            md.push_str(&format!(
                "| {} | {} |\n",
                cell(&field.name),
                code(&field.masked())
            ));
        }
    }
    for field in blocks {
        md.push_str(&format!(
            "\n{}:\n\n```json\n{}\n```\n",
            field.name, field.value
        ));
    }
    if !step.checks.is_empty() {
        md.push_str("\n| Check | Expected | Found | Result |\n|---|---|---|---|\n");
        for check in &step.checks {
            md.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                cell(&check.name),
                cell(&check.expected),
                cell(&check.found),
                if check.passed { "pass" } else { "**FAIL**" }
            ));
        }
    }
    md
}

impl TraceStep {
    fn to_value(&self) -> Value {
        let fields = self.fields.iter().map(|field| {
            object(vec![
                ("name", field.name.as_str().into()),
                ("value", field.value.as_str().into()),
                ("shown", field.shown.id().into()),
            ])
        });
        let checks = self.checks.iter().map(|check| {
            object(vec![
                ("name", check.name.as_str().into()),
                ("expected", check.expected.as_str().into()),
                ("found", check.found.as_str().into()),
                ("passed", check.passed.into()),
            ])
        });
        object(vec![
            ("kind", self.kind.id().into()),
            ("outcome", self.outcome.id().into()),
            ("duration_ms", self.duration_ms.into()),
            ("summary", self.summary.as_str().into()),
            ("fields", fields.collect::<Vec<_>>().into()),
            ("checks", checks.collect::<Vec<_>>().into()),
        ])
    }

    fn from_value(value: &Value) -> Option<TraceStep> {
        let step = Members::of(value, "step").ok()?;
        Some(TraceStep {
            kind: by_id(&StepKind::ALL, |k| k.id(), step.str("kind").ok()?)?,
            outcome: by_id(&Outcome::ALL, |o| o.id(), step.str("outcome").ok()?)?,
            duration_ms: match step.get("duration_ms") {
                None => None,
                Some(ms) => Some(ms.as_u64()?),
            },
            summary: step.string("summary").ok()?,
            fields: each(step.value("fields").ok()?, |value| {
                let field = Members::of(value, "field").ok()?;
                Some(Field {
                    name: field.string("name").ok()?,
                    value: field.string("value").ok()?,
                    shown: by_id(&Shown::ALL, Shown::id, field.str("shown").ok()?)?,
                })
            })?,
            checks: each(step.value("checks").ok()?, |value| {
                let check = Members::of(value, "check").ok()?;
                Some(CheckRow {
                    name: check.string("name").ok()?,
                    expected: check.string("expected").ok()?,
                    found: check.string("found").ok()?,
                    passed: check.value("passed").ok()?.as_bool()?,
                })
            })?,
        })
    }
}

/// Every item of a JSON array, read by `read`.
fn each<T>(value: &Value, read: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
    value.as_array()?.iter().map(read).collect()
}

/// The variant of `all` whose `id` is `found`.
fn by_id<T: Clone>(all: &[T], id: impl Fn(&T) -> &'static str, found: &str) -> Option<T> {
    all.iter().find(|variant| id(variant) == found).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const ID_TOKEN: &str =
        "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLWJ5dGVz";

    fn step(kind: StepKind, outcome: Outcome, fields: Vec<Field>) -> TraceStep {
        TraceStep {
            kind,
            outcome,
            duration_ms: Some(12),
            summary: format!("{} summary", kind.id()),
            fields,
            checks: Vec::new(),
        }
    }

    fn failed_sign_in() -> Trace {
        let mut trace = Trace::new(TraceKind::SignIn, 1_700_000_000);
        trace.record(step(
            StepKind::Discovery,
            Outcome::Ok,
            vec![Field::json("metadata", "{\"issuer\": \"https://t/v2.0\"}")],
        ));
        trace.record(step(
            StepKind::Pkce,
            Outcome::Ok,
            vec![
                Field::plain(
                    "code_challenge",
                    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                ),
                Field::secret("code_verifier", VERIFIER),
            ],
        ));
        trace.record(step(
            StepKind::TokenRequest,
            Outcome::Ok,
            vec![
                Field::secret("client_secret", "dev8Q~secret"),
                Field::plain("grant_type", "authorization_code"),
            ],
        ));
        trace.record(step(
            StepKind::TokenResponse,
            Outcome::Ok,
            vec![Field::token("id_token", ID_TOKEN)],
        ));
        trace.fail(
            StepKind::Validation,
            "ID token rejected: aud | nonce".into(),
            Some(3),
        );
        trace
    }

    #[test]
    fn the_markdown_masks_credentials_and_shortens_tokens() {
        let md = failed_sign_in().to_markdown("2023-11-14 22:13:20 UTC");
        assert!(!md.contains(VERIFIER), "{md}");
        assert!(!md.contains("dev8Q~secret"), "{md}");
        assert!(!md.contains(ID_TOKEN), "{md}");
        assert!(md.contains("`••• (43 chars)`"), "{md}");
        let shortened = format!("`{}… ({} chars)`", &ID_TOKEN[..16], ID_TOKEN.len());
        assert!(md.contains(&shortened), "{md}");
        assert!(md.contains("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    }

    #[test]
    fn the_markdown_lists_every_step_in_order_with_outcome_and_time() {
        let md = failed_sign_in().to_markdown("then");
        assert!(md.starts_with(
            "## Sign-in trace\n\nStarted then. **Failed:** ID token rejected: aud \\| nonce"
        ));
        assert!(md.contains(
            "| 1 | Discovery: the tenant's OpenID metadata | browser → tenant | ok | 12 ms |"
        ));
        assert!(md.contains("| 3 | Authorization request (redirect to the tenant) | browser → tenant | not-reached | – |"));
        assert!(md.contains("| 8 | ID token validation | in the browser | failed | 3 ms |"));
        let discovery = md.find("### 1. Discovery").unwrap();
        let validation = md.find("### 8. ID token validation (failed)").unwrap();
        assert!(discovery < validation);
        assert!(md.contains("```json\n{\"issuer\": \"https://t/v2.0\"}\n```"));
    }

    #[test]
    fn a_timeline_reports_steps_that_never_ran_as_not_reached() {
        let trace = failed_sign_in();
        let timeline = trace.timeline();
        assert_eq!(timeline.len(), 8);
        assert_eq!(timeline[2].0, StepKind::Authorize);
        assert!(timeline[2].1.is_none());
        assert_eq!(timeline[7].1.map(|s| s.outcome), Some(Outcome::Failed));
    }

    #[test]
    fn a_trace_survives_the_redirect_as_json() {
        let mut trace = failed_sign_in();
        trace.redirected_at_ms = Some(1_700_000_000_123);
        trace.steps[0].checks.push(CheckRow {
            name: "iss".into(),
            expected: "a".into(),
            found: "b".into(),
            passed: false,
        });
        trace.steps[1].duration_ms = None;
        assert_eq!(Trace::from_json(&trace.to_json()), Some(trace));
        assert_eq!(Trace::from_json("{not json"), None);
    }

    #[test]
    fn a_trace_with_a_member_missing_or_of_the_wrong_type_is_not_read() {
        let json: Value = serde_json::from_str(&failed_sign_in().to_json()).unwrap();
        for (pointer, replacement) in [
            ("/kind", json!("login")),
            ("/started_at", json!("1700000000")),
            ("/steps", json!({})),
            ("/steps/0/outcome", json!(null)),
            ("/steps/0/duration_ms", json!(-1)),
            ("/steps/1/fields/1/shown", json!("masked")),
            ("/failure", json!(3)),
        ] {
            let mut broken = json.clone();
            *broken.pointer_mut(pointer).unwrap() = replacement;
            assert_eq!(Trace::from_json(&broken.to_string()), None, "{pointer}");
        }
        let mut extra = json.clone();
        extra["later"] = json!([1]);
        extra.as_object_mut().unwrap().remove("redirected_at_ms");
        assert_eq!(Trace::from_json(&extra.to_string()), Some(failed_sign_in()));
    }

    #[test]
    fn recording_a_step_again_replaces_it() {
        let mut trace = Trace::new(TraceKind::Refresh, 0);
        trace.record(step(StepKind::Jwks, Outcome::Failed, vec![]));
        trace.record(step(StepKind::Jwks, Outcome::Ok, vec![]));
        assert_eq!(trace.steps.len(), 1);
        assert_eq!(trace.steps[0].outcome, Outcome::Ok);
    }

    #[test]
    fn a_failure_keeps_the_step_that_recorded_its_own_failure() {
        let mut trace = Trace::new(TraceKind::SignIn, 0);
        trace.record(step(StepKind::TokenResponse, Outcome::Failed, vec![]));
        trace.fail(StepKind::Jwks, "refused".into(), None);
        assert_eq!(trace.steps.len(), 1);
        assert_eq!(trace.failure.as_deref(), Some("refused"));
        let mut trace = Trace::new(TraceKind::SignIn, 0);
        trace.fail(StepKind::Callback, "unknown state".into(), Some(1));
        assert_eq!(trace.steps[0].kind, StepKind::Callback);
        assert_eq!(trace.steps[0].outcome, Outcome::Failed);
    }

    #[test]
    fn a_field_is_shown_by_its_kind() {
        assert_eq!(Field::plain("state", "s1").masked(), "s1");
        assert_eq!(Field::secret("code", "abc").masked(), "••• (3 chars)");
        assert_eq!(
            Field::token("id_token", ID_TOKEN).masked(),
            format!("{}… ({} chars)", &ID_TOKEN[..16], ID_TOKEN.len())
        );
    }
}
