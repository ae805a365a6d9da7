use crate::flow::Session;
use crate::oidc::{ClaimSet, ACCESS_TOKEN_NOTE};
use leptos::prelude::*;

use super::{ClaimsTable, JsonBlock};

/// The access token, decoded when it is a JWT, marked as the API's to validate.
#[component]
pub fn AccessTokenPanel(session: Session) -> impl IntoView {
    let expires = session.access_token_expires_at.map(|at| {
        format!(
            "{} ({})",
            crate::browser::time::local_date_time(at),
            crate::display::relative_time(at, crate::browser::now_secs())
        )
    });
    view! {
        <section class="card" id="access-token">
            <h2>"Access token: for the API, not for this app to validate"</h2>
            <p class="muted">{ACCESS_TOKEN_NOTE}</p>
            {expires.map(|e| view! { <p>"Expires: " <span id="access-token-expires">{e}</span></p> }.into_any())}
            {match session.access_token_decoded {
                Some(decoded) => view! {
                    <table class="kv">
                        <tbody>
                            <tr><th scope="row">"Audience (aud): the API it is for"</th>
                                <td id="access-token-aud"><code>{claim_text(&decoded.claims, "aud")}</code></td></tr>
                            <tr><th scope="row">"Scopes (scp): what the API may let the app do"</th>
                                <td id="access-token-scp"><code>{claim_text(&decoded.claims, "scp")}</code></td></tr>
                        </tbody>
                    </table>
                    <ClaimsTable id="access-token-claims" claims=decoded.claims.clone()/>
                    <JsonBlock id="access-token-header" title="Header" json=decoded.header_json.clone()/>
                }.into_any(),
                None => view! { <p>"Opaque (not a JWT): only the API can read it."</p> }.into_any(),
            }}
        </section>
    }
}

fn claim_text(claims: &ClaimSet, name: &str) -> String {
    claims
        .get(name)
        .map(crate::display::claim_value_text)
        .unwrap_or_else(|| "(absent)".to_string())
}
