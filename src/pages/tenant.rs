//! The configured tenant as it publishes itself: the discovery document and the signing keys, each
//! member and key marked with the check this app makes on it.

use crate::components::MarkedTable;
use crate::flow::{self, Failure, FailureNotice, TenantReading};
use crate::oidc::KEY_COLUMNS;
use crate::session_context::SessionContext;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn TenantPage() -> impl IntoView {
    let config = expect_context::<SessionContext>().config();
    let reading = RwSignal::new(None::<Result<TenantReading, FailureNotice>>);
    spawn_local(async move {
        let result = flow::read_tenant(&config)
            .await
            .map_err(|f| FailureNotice::of(&f as &dyn Failure));
        reading.set(Some(result));
    });
    view! {
        <section class="card" id="tenant">
            <h1>"Tenant"</h1>
            <p class="muted">"The configured tenant's discovery document and signing keys, fetched now from this browser."</p>
            {move || reading.with(|reading| match reading {
                None => view! { <p id="tenant-status">"Fetching the discovery document…"</p> }.into_any(),
                Some(Err(notice)) => failed("tenant-status", notice).into_any(),
                Some(Ok(reading)) => reading_view(reading).into_any(),
            })}
        </section>
    }
}

fn failed(id: &'static str, notice: &FailureNotice) -> impl IntoView {
    view! {
        <p id=id class="fail">{notice.title} ": " {notice.explanation.clone()} " What to do: " {notice.next_step.clone()}</p>
    }
}

/// The discovery document and the signing keys, each marked.
fn reading_view(reading: &TenantReading) -> impl IntoView {
    let verdict = match &reading.discovery.verdict {
        Ok(_) => (
            "pass",
            "Every check a sign-in makes on it passed.".to_string(),
        ),
        Err(e) => ("fail", format!("A sign-in would refuse it: {e}")),
    };
    let keys = reading.keys.as_ref().map(|(jwks_uri, keys)| match keys {
        Ok(rows) => view! {
            <h2>"Signing keys"</h2>
            <p class="muted">"From " <code>{jwks_uri.clone()}</code> ". Usable: what ID-token validation accepts for the key a token names."</p>
            <MarkedTable id="tenant-keys" columns=&KEY_COLUMNS rows=rows.clone()/>
        }.into_any(),
        Err(failure) => failed("tenant-keys-status", &FailureNotice::of(failure as &dyn Failure)).into_any(),
    });
    view! {
        <h2>"Discovery document"</h2>
        <p class="muted">"From " <code>{reading.discovery_url.clone()}</code></p>
        <p id="tenant-verdict" class=verdict.0>{verdict.1}</p>
        <MarkedTable id="tenant-discovery" columns=&["Member", "Value"] rows=reading.discovery.members.clone()/>
        {keys}
    }
}
