use crate::browser::{now_secs, time::local_date_time};
use crate::display::{claim_value_text, is_time_claim, relative_time};
use crate::oidc::{claim_meaning, ClaimSet};
use leptos::prelude::*;

/// Every claim with its value and a one-line meaning; times also as local date-time and relative.
/// `id` tells two tables of one page apart (the ID token's and the access token's claims).
#[component]
pub fn ClaimsTable(
    claims: ClaimSet,
    #[prop(default = "claims")] id: &'static str,
) -> impl IntoView {
    let now = now_secs();
    view! {
        <table class="claims" id=id>
            <thead><tr><th>"Claim"</th><th>"Value"</th><th>"Meaning"</th></tr></thead>
            <tbody>
                {claims.iter().map(|(name, value)| {
                    let time = value
                        .as_i64()
                        .filter(|_| is_time_claim(name))
                        .map(|secs| format!("{} ({})", local_date_time(secs), relative_time(secs, now)));
                    view! {
                        <tr data-claim=name.to_string()>
                            <td><code>{name.to_string()}</code></td>
                            <td>
                                <code class="claim-value">{claim_value_text(value)}</code>
                                {time.map(|t| view! { <div class="muted claim-time">{t}</div> }.into_any())}
                            </td>
                            <td class="muted">{claim_meaning(name).unwrap_or("")}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
