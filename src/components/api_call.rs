//! "Call an API": URL, method, what the `Authorization` header carries and a JSON body; then the
//! status, time, readable headers, body, and what a refusal means.

use crate::flow::api_call::{call_api, ApiAnswer, ApiNoAnswer};
use crate::oidc::{ApiMethod, ApiRequest, ApiRequestError, Credential};
use crate::session_context::SessionContext;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::JsonBlock;

#[derive(Clone)]
enum Call {
    Sending,
    Refused(ApiRequestError),
    Answered(Box<ApiAnswer>),
    NoAnswer(ApiNoAnswer),
}

/// The form and the last call's outcome. The token is read from the session when sending, so a
/// renewal in between is used; it is never put on the page.
#[component]
pub fn ApiCallPanel() -> impl IntoView {
    let context = expect_context::<SessionContext>();
    let url = RwSignal::new(String::new());
    let method = RwSignal::new(ApiMethod::Get);
    let credential = RwSignal::new(Credential::AccessToken);
    let body = RwSignal::new(String::new());
    let call = RwSignal::new(None::<Call>);
    let send = move |_| {
        let checked =
            url.with(|u| body.with(|b| ApiRequest::check(method.get(), u, b, credential.get())));
        let (request, session) = match (checked, context.session.get_untracked()) {
            (Ok(request), Some(session)) => (request, session),
            (Err(refused), _) => return call.set(Some(Call::Refused(refused))),
            (Ok(_), None) => return,
        };
        call.set(Some(Call::Sending));
        spawn_local(async move {
            let origin = crate::browser::location::origin().unwrap_or_default();
            let outcome = match call_api(&request, &session, &origin).await {
                Ok(answer) => Call::Answered(Box::new(answer)),
                Err(no_answer) => Call::NoAnswer(no_answer),
            };
            call.set(Some(outcome));
        });
    };
    view! {
        <section class="card" id="api-call">
            <h2>"Call an API"</h2>
            <p class="muted">
                "Sends the access token as Authorization: Bearer, from this page: the API must allow this "
                "origin (CORS). The token is not shown, logged or kept."
            </p>
            <div class="api-form">
                <label>"URL "
                    <input type="url" id="api-url" placeholder="https://api.example.com/items" spellcheck="false"
                        on:input=move |ev| url.set(event_target_value(&ev))/>
                </label>
                <label>"Method "
                    <select id="api-method" on:change=move |ev| {
                        method.set(ApiMethod::parse(&event_target_value(&ev)).unwrap_or(ApiMethod::Get))
                    }>
                        {ApiMethod::ALL.map(|m| view! { <option value=m.as_str()>{m.as_str()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Authorization "
                    <select id="api-credential" on:change=move |ev| {
                        credential.set(Credential::parse(&event_target_value(&ev)).unwrap_or(Credential::AccessToken))
                    }>
                        {Credential::ALL.map(|c| view! { <option value=c.id()>{c.label()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"JSON body (optional) "
                    <textarea id="api-body" rows="4" spellcheck="false" placeholder="{\"name\": \"value\"}"
                        on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                </label>
            </div>
            <div class="actions">
                <button id="api-send" on:click=send disabled=move || call.with(|c| matches!(c, Some(Call::Sending)))>"Send"</button>
            </div>
            {move || call.with(|c| c.as_ref().map(outcome))}
        </section>
    }
}

/// One call's outcome, read in place from its signal.
fn outcome(call: &Call) -> AnyView {
    match call {
        Call::Sending => view! { <p class="muted" id="api-sending">"Sending…"</p> }.into_any(),
        Call::Refused(refused) => {
            view! { <p class="fail" id="api-error">{format!("Not sent: {refused}")}</p> }.into_any()
        }
        Call::NoAnswer(no_answer) => view! {
            <p class="fail" id="api-error">{no_answer.error.to_string()}</p>
            {lines("api-explanation", no_answer.advice.clone())}
        }
        .into_any(),
        Call::Answered(answer) => {
            let class = if (200..300).contains(&answer.status) {
                "pass"
            } else {
                "fail"
            };
            view! {
                <p class=class id="api-status" data-status=answer.status.to_string()>
                    {format!("HTTP {} in {} ms", answer.status, answer.elapsed_ms)}
                </p>
                {answer.verdict.headline().map(|h| view! { <p class="fail" id="api-verdict">{h}</p> }.into_any())}
                {lines("api-explanation", answer.verdict.details())}
                <h3>"Headers the page may read (CORS)"</h3>
                <table class="kv" id="api-headers">
                    <tbody>
                        {answer.headers.iter().map(|(name, value)| view! {
                            <tr><th scope="row">{name.clone()}</th><td><code>{value.clone()}</code></td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                {answer.body_note.as_ref().map(|note| view! { <p class="muted" id="api-body-note">{note.to_string()}</p> }.into_any())}
                <JsonBlock id="api-response-body" title="Body" json=answer.body.clone()/>
            }
            .into_any()
        }
    }
}

fn lines(id: &'static str, lines: Vec<String>) -> impl IntoView {
    view! { <ul id=id>{lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul> }
}
