use crate::flow::sign_out::SignOutReturn;
use crate::session_context::SessionContext;
use leptos::prelude::*;

/// What the return from the tenant's sign-out proved, and a failed sign-out.
#[component]
pub fn SignedOutNotice() -> impl IntoView {
    let context = expect_context::<SessionContext>();
    view! {
        {move || context.signed_out.get().map(|r| match r {
            SignOutReturn::Confirmed => view! {
                <section class="card notice" id="signed-out-notice" role="status">
                    <h2>"Signed out"</h2>
                    <p>"The tenant ended its session and sent you back with the state this tab sent. The tokens are gone from this tab; the next sign-in asks who you are again."</p>
                </section>
            }.into_any(),
            SignOutReturn::Unconfirmed => view! {
                <section class="card notice" id="signed-out-unconfirmed" role="status">
                    <h2>"Signed out of this tab"</h2>
                    <p>"You are back from the tenant's sign-out page, but it sent no state, so this page cannot prove that the tenant ended its session. The tokens are gone from this tab; if the next sign-in does not ask who you are, the tenant's session is still open."</p>
                </section>
            }.into_any(),
            SignOutReturn::StateMismatch => view! {
                <section class="card error" id="sign-out-state-mismatch" role="alert">
                    <h2>"Sign-out answer not recognised"</h2>
                    <p>"This page was opened with a state this tab did not send (or sent more than 10 minutes ago), so it proves nothing about a sign-out. This tab holds no tokens."</p>
                </section>
            }.into_any(),
        })}
        {move || context.sign_out_failure.with(|f| f.as_ref().map(|f| view! {
            <section class="card error" id="sign-out-failure" role="alert">
                <h2>{format!("Signed out of this tab only: {}", f.title)}</h2>
                <p>{f.explanation.clone()}</p>
            </section>
        }.into_any()))}
    }
}
