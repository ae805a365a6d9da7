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
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The signature check of the token on the page.
#[derive(Clone)]
enum Verdict {
    Checking,
    Checked(Result<Verification, FailureNotice>),
}

/// Where the token came from, when it came with the address.
#[derive(Clone)]
struct Arrival {
    parameter: &'static str,
    cleared: Result<(), BrowserError>,
}

#[component]
pub fn DecodePage() -> impl IntoView {
    let config = expect_context::<BuildConfig>();
    // Read once, before anything renders: the address bar must not keep the token.
    let fragment = location::take_fragment();
    let arrived = fragment
        .as_ref()
        .and_then(|(text, _)| token_in_fragment(text));
    let arrival = arrived
        .as_ref()
        .zip(fragment.as_ref())
        .map(|((kind, _), (_, cleared))| Arrival {
            parameter: kind.parameter(),
            cleared: cleared.clone(),
        });
    let pasted = RwSignal::new(String::new());
    let verdict = RwSignal::new(None::<Verdict>);
    if let Some((_, token)) = arrived {
        check(&config, token, pasted, verdict);
    }
    let on_input = move |ev| check(&config, event_target_value(&ev), pasted, verdict);
    view! {
        <section class="card" id="decoder">
            <h1>"Token decoder"</h1>
            <p class="muted">
                "Paste an ID token or an access token. It stays in this page: only its issuer's discovery "
                "document and keys are fetched, and the token is neither stored nor recorded."
            </p>
            {arrival.map(|a| view! { <ArrivalNote arrival=a/> })}
            <textarea id="token-input" rows="6" spellcheck="false" autocomplete="off"
                placeholder="eyJ…" prop:value=move || pasted.get() on:input=on_input></textarea>
        </section>
        {move || pasted.with(|text| match decode_token(text) {
            Ok(token) => view! {
                <SignatureVerdict token=token.clone() verdict/>
                <DecodedTokenParts token/>
            }.into_any(),
            Err(NotDecodable::Empty) => ().into_any(),
            Err(error) => view! { <NotATokenPanel error/> }.into_any(),
        })}
    }
}

/// Shows `text` decoded and, for a token signed by an issuer, starts the check of its signature;
/// an answer for text since replaced is dropped.
fn check(
    config: &BuildConfig,
    text: String,
    pasted: RwSignal<String>,
    verdict: RwSignal<Option<Verdict>>,
) {
    pasted.set(text.clone());
    let issuer = match decode_token(&text).map(|t| (t.verifiability(), t)) {
        Ok((Verifiability::AgainstIssuer { issuer }, token)) => Some((issuer, token)),
        _ => None,
    };
    let Some((issuer, token)) = issuer else {
        verdict.set(None);
        return;
    };
    verdict.set(Some(Verdict::Checking));
    let config = config.clone();
    spawn_local(async move {
        let result = flow::verify_decoded_token(&config, &token, &issuer)
            .await
            .map_err(|f| FailureNotice::of(&f as &dyn Failure));
        if pasted.with_untracked(|now| *now == text) {
            verdict.set(Some(Verdict::Checked(result)));
        }
    });
}

#[component]
fn ArrivalNote(arrival: Arrival) -> impl IntoView {
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

/// Whether the signature holds, or why it is not checked; the report of the checks.
#[component]
fn SignatureVerdict(token: DecodedToken, verdict: RwSignal<Option<Verdict>>) -> impl IntoView {
    match token.verifiability() {
        Verifiability::AgainstIssuer { issuer } => (move || match verdict.get() {
            Some(Verdict::Checked(Ok(verification))) => {
                view! { <VerifiedReport verification/> }.into_any()
            }
            Some(Verdict::Checked(Err(notice))) => view! { <KeysUnavailable notice/> }.into_any(),
            _ => view! {
                <section class="card" id="signature-verdict" data-verdict="checking">
                    <p>"Fetching the keys of " <code>{issuer.clone()}</code> "…"</p>
                </section>
            }
            .into_any(),
        })
        .into_any(),
        Verifiability::NotByDesign(reason) => {
            let report = token.time_report(now_secs());
            view! { <Unverified kind="not-by-design" reason=reason.to_string() report/> }.into_any()
        }
        Verifiability::CannotVerify(reason) => {
            let report = token.time_report(now_secs());
            view! { <Unverified kind="cannot-verify" reason=reason.to_string() report/> }.into_any()
        }
    }
}

#[component]
fn VerifiedReport(verification: Verification) -> impl IntoView {
    let Verification {
        issuer,
        jwks_uri,
        configured_tenant,
        report,
    } = verification;
    let whose = if configured_tenant {
        "this app's tenant"
    } else {
        "another Entra issuer"
    };
    let signature_holds = report.check("signature").is_some_and(|c| c.passed);
    let failed: Vec<&str> = report.failures().map(|c| c.name).collect();
    let (kind, class, headline) = match (signature_holds, failed.as_slice()) {
        (true, []) => (
            "verified",
            "pass",
            "Signature verified with Web Crypto, and every check passed.".to_string(),
        ),
        (false, _) => (
            "invalid-signature",
            "fail",
            "Signature not valid: the token was changed after it was signed, or its issuer's keys \
             did not sign it. Do not trust its claims."
                .to_string(),
        ),
        (true, failed) => (
            "rejected",
            "fail",
            format!(
                "Signature verified, but these checks failed: {}.",
                failed.join(", ")
            ),
        ),
    };
    view! {
        <section class="card" id="signature-verdict" data-verdict=kind>
            <h2>"Signature and times"</h2>
            <p class=class id="verdict-headline">{headline}</p>
            <p>"Keys of " <code id="verdict-issuer">{issuer.as_str().to_string()}</code> " (" {whose}
               "), from " <code>{jwks_uri}</code> "."</p>
            <p class="muted">{DECODER_SCOPE_NOTE}</p>
            <ValidationReportTable report/>
        </section>
    }
}

#[component]
fn KeysUnavailable(notice: FailureNotice) -> impl IntoView {
    view! {
        <section class="card error" id="signature-verdict" data-verdict="not-checked" role="alert">
            <h2>{notice.title}</h2>
            <p id="verdict-headline">{notice.explanation}</p>
            <p><strong>"What to do: "</strong>{notice.next_step}</p>
        </section>
    }
}

/// A token whose signature is not checked: why, and its times.
#[component]
fn Unverified(kind: &'static str, reason: String, report: ValidationReport) -> impl IntoView {
    view! {
        <section class="card" id="signature-verdict" data-verdict=kind>
            <h2>"Signature not checked"</h2>
            <p id="verdict-headline">{reason}</p>
            <h3>"Times"</h3>
            <ValidationReportTable report/>
        </section>
    }
}

#[component]
fn DecodedTokenParts(token: DecodedToken) -> impl IntoView {
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

#[component]
fn NotATokenPanel(error: NotDecodable) -> impl IntoView {
    let header = match &error {
        NotDecodable::Encrypted {
            header_json: Some(json),
        } => Some(json.clone()),
        _ => None,
    };
    view! {
        <section class="card error" id="decode-error" role="alert">
            <h2>"Not a token this page can read"</h2>
            <p>{error.to_string()}</p>
            {header.map(|json| view! { <JsonBlock id="decoded-header" title="Header" json/> })}
        </section>
    }
}
