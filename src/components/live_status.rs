use crate::display::renewal_status;
use crate::session_context::SessionContext;
use leptos::prelude::*;

/// What changes without a page change (a renewal, its failure), told to screen readers. It stays
/// on the page for the whole visit: a live region only announces changes to a region it knew.
#[component]
pub fn LiveStatus() -> impl IntoView {
    let context = expect_context::<SessionContext>();
    view! {
        <p class="visually-hidden" role="status" id="live-status">
            {move || {
                let failing = context.retry.with(Option::is_some);
                let renewed = context
                    .session
                    .with(|s| s.as_ref().is_some_and(|s| s.renewals > 0));
                renewal_status(context.renewing.get(), failing, renewed)
            }}
        </p>
    }
}
