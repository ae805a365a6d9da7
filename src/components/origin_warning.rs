//! The warning shown above the sign-in buttons when this page's origin will not get the sign-in
//! response back (the decision is [`crate::config::origin_mismatch`]).

use crate::browser::location;
use crate::config::{origin_mismatch, OriginMismatch};
use crate::session_context::SessionContext;
use leptos::prelude::*;

/// Names the page's origin, the one the redirect URI expects, and the fix; nothing when they agree.
#[component]
pub fn OriginWarning() -> impl IntoView {
    let config = expect_context::<SessionContext>().config();
    let mismatch = location::origin().and_then(|page| origin_mismatch(&page, &config));
    mismatch.map(|m| {
        let fix = m.fix();
        let OriginMismatch {
            page_origin,
            expected_origin,
            redirect_uri,
            ..
        } = m;
        view! {
            <div id="origin-warning" class="banner banner-danger" role="alert">
                <strong>"Signing in from this address will fail. "</strong>
                "This page is on " <code>{page_origin}</code> ", but the redirect URI expects "
                <code>{expected_origin}</code> ": a sign-in from here sends "
                <code>{redirect_uri}</code>
                ", which the tenant does not match (AADSTS50011) or which returns to another origin. Fix: "
                {fix} "."
            </div>
        }
        .into_any()
    })
}
