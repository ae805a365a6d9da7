use crate::flow::Session;
use crate::oidc::ACCESS_TOKEN_NOTE;
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
            <h2>"Access token"</h2>
            <p class="muted">{ACCESS_TOKEN_NOTE}</p>
            {expires.map(|e| view! { <p>"Expires: " <span id="access-token-expires">{e}</span></p> })}
            {match session.access_token_decoded {
                Some(decoded) => view! {
                    <ClaimsTable claims=decoded.claims.clone()/>
                    <JsonBlock id="access-token-header" title="Header" json=decoded.header_json.clone()/>
                }.into_any(),
                None => view! { <p>"Opaque (not a JWT): only the API can read it."</p> }.into_any(),
            }}
        </section>
    }
}
