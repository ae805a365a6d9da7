use crate::display::renewal_status;
use crate::session_context::SessionContext;
use leptos::prelude::*;

/// What changes without a page change (a renewal, its failure), told to screen readers. It stays
/// on the page for the whole visit: a live region only announces changes to a region it knew.
#[component]
pub fn LiveStatus() -> impl IntoView {
    let context = expect_context::<SessionContext>();
    let text = move || {
        let failed = context.retry.with(|r| r.as_ref().map(|r| r.failures));
        let renewals = context
            .session
            .with(|s| s.as_ref().map_or(0, |s| s.renewals));
        renewal_status(context.renewing.get(), failed, renewals)
    };
    view! { <p class="visually-hidden" role="status" id="live-status">{text}</p> }
}
