use crate::flow;
use crate::oidc::{domain_hint_note, Prompt, ResponseMode, Scope, SignInOptions};
use crate::session_context::SessionContext;
use leptos::prelude::*;

/// "Sign-in options" (collapsed): what the next sign-in asks the tenant for, without a rebuild;
/// remembered in this browser (they hold no credential).
#[component]
pub fn SignInOptionsPanel(options: RwSignal<SignInOptions>) -> impl IntoView {
    let config = expect_context::<SessionContext>().config();
    let build_scopes = Scope::new(config.scopes.clone());
    Effect::new(move |_| options.with(flow::options::remember));
    let problem = move || options.with(|o| o.check(&build_scopes).err().map(|e| e.to_string()));
    let note = move || options.with(|o| domain_hint_note(&o.domain_hint));
    view! {
        <details class="card" id="sign-in-options">
            <summary>"Sign-in options"</summary>
            <p class="muted">"Sent with the next sign-in or sign-up; kept in this browser until you reset them."</p>
            <OptionText options id="option-scopes" label="Scopes" placeholder=config.scopes.clone()
                get=|o| &o.scopes set=|o, v| o.scopes = v
                hint="openid is always added; an API scope such as api://<app id>/access_as_user gets an access token for your API."/>
            {prompt_choice(options)}
            <OptionText options id="option-login-hint" label="login_hint" placeholder=String::new()
                get=|o| &o.login_hint set=|o, v| o.login_hint = v hint="Prefills the email address."/>
            <OptionText options id="option-domain-hint" label="domain_hint" placeholder=String::new()
                get=|o| &o.domain_hint set=|o, v| o.domain_hint = v
                hint="Straight to a federated provider, with its name as configured: Google, Facebook, Apple."/>
            {move || note().map(|n| view! { <p class="warn" id="domain-hint-note">{n}</p> }.into_any())}
            <OptionText options id="option-ui-locales" label="ui_locales" placeholder=String::new()
                get=|o| &o.ui_locales set=|o, v| o.ui_locales = v hint="e.g. fr-FR"/>
            <OptionText options id="option-max-age" label="max_age (seconds)" placeholder=String::new()
                get=|o| &o.max_age set=|o, v| o.max_age = v
                hint="The ID token must then carry auth_time no older than this; whether Entra External ID sends auth_time is not documented, and the check fails if it does not."/>
            {response_mode_choice(options)}
            {extra_parameters(options)}
            <label class="check">
                <input type="checkbox" id="option-show-request" prop:checked=move || options.with(|o| o.show_request)
                    on:change=move |ev| options.update(|o| o.show_request = event_target_checked(&ev))/>
                " Show the request before leaving for the tenant"
            </label>
            {move || problem().map(|p| view! { <p class="fail" id="sign-in-options-error" role="alert">{p}</p> }.into_any())}
            <div class="actions">
                <button class="secondary small" id="reset-sign-in-options" on:click=move |_| options.set(SignInOptions::default())>"Reset"</button>
            </div>
        </details>
    }
}

#[component]
fn OptionText(
    options: RwSignal<SignInOptions>,
    id: &'static str,
    label: &'static str,
    placeholder: String,
    get: fn(&SignInOptions) -> &String,
    set: fn(&mut SignInOptions, String),
    hint: &'static str,
) -> impl IntoView {
    view! {
        <label class="field" for=id>{label}</label>
        <input type="text" id=id placeholder=placeholder prop:value=move || options.with(|o| get(o).clone())
            on:input=move |ev| options.update(|o| set(o, event_target_value(&ev)))/>
        <p class="muted small">{hint}</p>
    }
}

fn prompt_choice(options: RwSignal<SignInOptions>) -> impl IntoView {
    view! {
        <label class="field" for="option-prompt">"prompt"</label>
        // A `String` value shares the text inputs' property code.
        <select id="option-prompt" prop:value=move || options.with(|o| o.prompt.map_or("", Prompt::as_str).to_string())
            on:change=move |ev| options.update(|o| o.prompt = Prompt::from_wire(&event_target_value(&ev)))>
            <option value="">"(not sent)"</option>
            {Prompt::ALL.into_iter().map(|p| view! { <option value=p.as_str()>{p.as_str()}</option> }).collect_view()}
        </select>
        <p class="muted small">"none answers without a page (or login_required); create opens the sign-up page."</p>
    }
}

fn response_mode_choice(options: RwSignal<SignInOptions>) -> impl IntoView {
    let choose = move |ev| {
        let mode = match event_target_value(&ev).as_str() {
            "fragment" => ResponseMode::Fragment,
            _ => ResponseMode::Query,
        };
        options.update(|o| o.response_mode = mode)
    };
    view! {
        <label class="field" for="option-response-mode">"response_mode"</label>
        <select id="option-response-mode" prop:value=move || options.with(|o| o.response_mode.as_str().to_string()) on:change=choose>
            <option value="query">"query"</option>
            <option value="fragment">"fragment"</option>
        </select>
    }
}

/// Further parameters as name/value rows; the flow's own names are refused with a reason.
fn extra_parameters(options: RwSignal<SignInOptions>) -> impl IntoView {
    let rows = move || options.with(|o| o.extra.len());
    let edit = move |row: usize, name: bool, value: String| {
        options.update(|o| {
            if let Some(pair) = o.extra.get_mut(row) {
                match name {
                    true => pair.0 = value,
                    false => pair.1 = value,
                }
            }
        })
    };
    let shown = move |row: usize, name: bool| {
        options.with(|o| {
            o.extra
                .get(row)
                .map(|(n, v)| if name { n.clone() } else { v.clone() })
                .unwrap_or_default()
        })
    };
    view! {
        <fieldset id="extra-parameters">
            <legend>"Extra parameters"</legend>
            {move || (0..rows()).map(|row| view! {
                <div class="extra-row">
                    <input type="text" class="extra-name" aria-label="name" prop:value=move || shown(row, true)
                        on:input=move |ev| edit(row, true, event_target_value(&ev))/>
                    <input type="text" class="extra-value" aria-label="value" prop:value=move || shown(row, false)
                        on:input=move |ev| edit(row, false, event_target_value(&ev))/>
                    <button class="secondary small" on:click=move |_| options.update(|o| { o.extra.remove(row); })>"Remove"</button>
                </div>
            }).collect_view().into_any()}
            <button class="secondary small" id="add-extra-parameter"
                on:click=move |_| options.update(|o| o.extra.push((String::new(), String::new())))>"Add a parameter"</button>
        </fieldset>
    }
}
