//! The token decoder: a pasted JWT (or one arriving as `#id_token=` / `#access_token=`), its
//! header and claims, and whether its signature holds against its issuer's keys.

use crate::browser::{location, now_secs, BrowserError};
use crate::components::{ClaimsTable, JsonBlock, ValidationReportTable};
use crate::config::BuildConfig;
use crate::flow::{self, Failure, FailureNotice, Verification};
use crate::oidc::{
    decode_token, token_in_fragment, DecodedToken, NotDecodable, ValidationReport, Verifiability,
    DECODER_SCOPE_NOTE,
};
use crate::router::Router;
use crate::session_context::SessionContext;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The signature check of the token on the page.
#[derive(Clone)]
enum Check {
    Running,
    Done(Result<Verification, FailureNotice>),
}

/// Where the token came from, when it came with the address.
#[derive(Clone)]
struct Arrival {
    parameter: &'static str,
    cleared: Result<(), BrowserError>,
}

#[component]
pub fn DecodePage() -> impl IntoView {
    let config = expect_context::<SessionContext>().config();
    let pasted = RwSignal::new(String::new());
    let check = RwSignal::new(None::<Check>);
    let arrival = RwSignal::new(None::<Arrival>);
    // The router's fragment changes on a load and on a same-page fragment navigation alike.
    let hash = expect_context::<Router>().fragment;
    let arriving = config.clone();
    Effect::new(move |_| {
        if hash.with(String::is_empty) {
            return;
        }
        let Some((fragment, cleared)) = location::take_fragment() else {
            return;
        };
        if let Some((kind, token)) = token_in_fragment(&fragment) {
            let parameter = kind.parameter();
            arrival.set(Some(Arrival { parameter, cleared }));
            start(&arriving, token, pasted, check);
        }
    });
    let on_input = move |ev| {
        arrival.set(None);
        start(&config, event_target_value(&ev), pasted, check)
    };
    view! {
        <section class="card" id="decoder">
            <h1>"Token decoder"</h1>
            <p class="muted">
                "Paste an ID token or an access token. It stays in this page: only its issuer's discovery "
                "document and keys are fetched, and the token is neither stored nor recorded."
            </p>
            <textarea id="token-input" rows="6" spellcheck="false" autocomplete="off"
                placeholder="eyJ…" prop:value=move || pasted.get() on:input=on_input></textarea>
        </section>
        {move || {
            let decoded = pasted.with(|text| decode_token(text));
            let token = decoded.as_ref().ok().cloned();
            view! {
                {arrival.get().map(|note| arrival_note(note).into_any())}
                {verdict(decoded, check.get()).map(|said| verdict_panel(said).into_any())}
                {token.map(|token| decoded_token_parts(token).into_any())}
            }
            .into_any()
        }}
    }
}

/// Takes `text` as the token on the page and, when its issuer signed it with a public key,
/// starts the check of its signature; the answer for a text since replaced is dropped.
fn start(
    config: &BuildConfig,
    text: String,
    pasted: RwSignal<String>,
    check: RwSignal<Option<Check>>,
) {
    pasted.set(text.clone());
    let verifiable = decode_token(&text)
        .ok()
        .and_then(|token| match token.verifiability() {
            Verifiability::AgainstIssuer { issuer } => Some((issuer, token)),
            _ => None,
        });
    let Some((issuer, token)) = verifiable else {
        check.set(None);
        return;
    };
    check.set(Some(Check::Running));
    let config = config.clone();
    spawn_local(async move {
        let result = flow::verify_decoded_token(&config, &token, &issuer)
            .await
            .map_err(|f| FailureNotice::of(&f as &dyn Failure));
        if pasted.with_untracked(|now| *now == text) {
            check.set(Some(Check::Done(result)));
        }
    });
}

/// What the page says about the token's signature: one panel, whatever the case.
struct Verdict {
    /// `data-verdict`, for tests and styles.
    kind: &'static str,
    class: &'static str,
    title: &'static str,
    headline: String,
    more: Option<String>,
    report: Option<ValidationReport>,
    /// A header to show when there are no claims (an encrypted token's).
    header_json: Option<String>,
}

impl Verdict {
    fn new(kind: &'static str, class: &'static str, title: &'static str, headline: String) -> Self {
        Verdict {
            kind,
            class,
            title,
            headline,
            more: None,
            report: None,
            header_json: None,
        }
    }
}

fn verdict(decoded: Result<DecodedToken, NotDecodable>, check: Option<Check>) -> Option<Verdict> {
    let token = match decoded {
        Ok(token) => token,
        Err(NotDecodable::Empty) => return None,
        Err(error) => {
            let header_json = match &error {
                NotDecodable::Encrypted { header_json } => header_json.clone(),
                _ => None,
            };
            let title = "Not a token this page can read";
            let mut said = Verdict::new("not-a-token", "card error", title, error.to_string());
            said.header_json = header_json;
            return Some(said);
        }
    };
    let unchecked = |kind, headline: String| {
        let mut said = Verdict::new(kind, "card", "Signature not checked", headline);
        said.more = Some("The times, with the app's leeway:".to_string());
        said.report = Some(token.time_report(now_secs()));
        said
    };
    Some(match token.verifiability() {
        Verifiability::NotByDesign(reason) => unchecked("not-by-design", reason.to_string()),
        Verifiability::CannotVerify(reason) => unchecked("cannot-verify", reason.to_string()),
        Verifiability::AgainstIssuer { issuer } => match check {
            Some(Check::Done(Ok(verification))) => checked(verification),
            Some(Check::Done(Err(notice))) => {
                let mut said = Verdict::new(
                    "not-checked",
                    "card error",
                    notice.title,
                    notice.explanation,
                );
                said.more = Some(format!("What to do: {}", notice.next_step));
                said
            }
            _ => Verdict::new(
                "checking",
                "card",
                "Checking the signature",
                format!("Fetching the keys of {issuer}…"),
            ),
        },
    })
}

fn checked(verification: Verification) -> Verdict {
    let report = verification.report;
    let signature_holds = report.check("signature").is_some_and(|c| c.passed);
    let failed: Vec<&str> = report.failures().map(|c| c.name).collect();
    let (kind, headline) = match (signature_holds, failed.as_slice()) {
        (true, []) => (
            "verified",
            "Signature verified with Web Crypto, and every check passed.".to_string(),
        ),
        (false, _) => (
            "invalid-signature",
            "Signature not valid: the token was changed after it was signed, or its issuer's keys \
             did not sign it. Do not trust its claims."
                .to_string(),
        ),
        (true, failed) => (
            "rejected",
            format!(
                "Signature verified, but these checks failed: {}.",
                failed.join(", ")
            ),
        ),
    };
    let whose = if verification.configured_tenant {
        "this app's tenant"
    } else {
        "another Entra issuer, by its own discovery"
    };
    let mut said = Verdict::new(kind, "card", "Signature and times", headline);
    said.more = Some(format!(
        "Keys of {} ({whose}), from {}. {DECODER_SCOPE_NOTE}",
        verification.issuer.as_str(),
        verification.jwks_uri
    ));
    said.report = Some(report);
    said
}

fn verdict_panel(verdict: Verdict) -> impl IntoView {
    let failed = verdict.kind == "invalid-signature" || verdict.kind == "rejected";
    view! {
        <section class=verdict.class id="signature-verdict" data-verdict=verdict.kind role="status">
            <h2>{verdict.title}</h2>
            <p id="verdict-headline" class=if failed { "fail" } else if verdict.kind == "verified" { "pass" } else { "" }>
                {verdict.headline}
            </p>
            {verdict.more.map(|more| view! { <p id="verdict-more">{more}</p> }.into_any())}
            {verdict.report.map(|report| view! { <ValidationReportTable report/> }.into_any())}
            {verdict.header_json.map(|json| view! { <JsonBlock id="decoded-header" title="Header" json/> }.into_any())}
        </section>
    }
}

fn arrival_note(arrival: Arrival) -> impl IntoView {
    let removed = match arrival.cleared {
        Ok(()) => "and removed from the address bar.".to_string(),
        Err(e) => format!("but the browser refused to remove it from the address bar ({e})."),
    };
    view! {
        <p id="token-source">
            "Read from the address (" <code>"#" {arrival.parameter}</code> ") " {removed}
        </p>
    }
}

fn decoded_token_parts(token: DecodedToken) -> impl IntoView {
    view! {
        <section class="card" id="decoded-token">
            <h2>"Claims"</h2>
            <p class="muted">"As the token says, whether or not its signature holds."</p>
            <ClaimsTable claims=token.claims().clone()/>
            <JsonBlock id="decoded-header" title="Header" json=token.header_json().to_string()/>
            <JsonBlock id="decoded-payload" title="Payload" json=token.payload_json().to_string()/>
        </section>
    }
}
