use crate::flow::FailureNotice;
use leptos::prelude::*;

use super::ValidationReportTable;

/// A failed sign-in: what happened, what to do, and Entra's advice for its AADSTS code.
#[component]
pub fn SignInError(error: FailureNotice) -> impl IntoView {
    let FailureNotice {
        title,
        explanation,
        next_step,
        advice,
        details,
        report,
    } = error;
    view! {
        <section class="card error" id="sign-in-error" role="alert">
            <h1 id="error-title">{title}</h1>
            <p id="error-explanation">{explanation}</p>
            {advice.map(|a| view! {
                <div id="error-advice">
                    <p><strong>{format!("AADSTS{}", a.code)}</strong>": " {a.meaning}</p>
                    <p><strong>"Fix: "</strong>{a.fix}</p>
                </div>
            }.into_any())}
            <p id="error-next-step"><strong>"What to do: "</strong>{next_step}</p>
            {(!details.is_empty()).then(|| view! {
                <table class="kv" id="error-details">
                    <tbody>
                        {details.into_iter().map(|(label, value)| view! {
                            <tr><th scope="row">{label}</th><td><code>{value}</code></td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any())}
            {report.map(|report| view! {
                <h2>"Validation report"</h2>
                <ValidationReportTable report/>
            }.into_any())}
            <p><a href="/">"Back to the home page"</a></p>
        </section>
    }
}
