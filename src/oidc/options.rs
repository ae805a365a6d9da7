//! The sign-in options a tester chooses without a rebuild (scopes, `prompt`, hints, locales,
//! `max_age`, response mode, extra parameters), checked before they reach the authorization URL.

use std::fmt;

use super::authorize::{Prompt, ResponseMode};
use super::values::Scope;

/// Parameters the flow sets itself: a tester's value would break or weaken the flow.
const OWNED_BY_THE_FLOW: [(&str, &str); 7] = [
    (
        "client_id",
        "it is the app registration this build was made for (CLIENT_ID)",
    ),
    (
        "redirect_uri",
        "it must be this app's /callback, where the answer is read",
    ),
    (
        "state",
        "the flow makes a fresh random state per sign-in and checks it on return",
    ),
    (
        "nonce",
        "the flow makes a fresh random nonce per sign-in and checks it in the ID token",
    ),
    (
        "code_challenge",
        "the flow derives it from the PKCE verifier it keeps for the token request",
    ),
    ("code_challenge_method", "the flow always uses S256"),
    (
        "response_type",
        "this app runs the authorization code flow: code",
    ),
];

/// Parameters with their own field in the options.
const HAVE_A_FIELD: [&str; 7] = [
    "scope",
    "prompt",
    "login_hint",
    "domain_hint",
    "ui_locales",
    "max_age",
    "response_mode",
];

/// The options as the form holds them, remembered in `localStorage` (they hold no credential).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInOptions {
    /// Space-separated scopes; empty means the build's `SCOPES`.
    pub scopes: String,
    pub prompt: Option<Prompt>,
    pub login_hint: String,
    pub domain_hint: String,
    pub ui_locales: String,
    /// Seconds, as typed.
    pub max_age: String,
    pub response_mode: ResponseMode,
    /// Further `(name, value)` rows.
    pub extra: Vec<(String, String)>,
    /// Show the authorization request, and wait for "Continue", before leaving for the tenant.
    pub show_request: bool,
}

/// The checked options, ready for the authorization URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOptions {
    /// Always contains `openid`.
    pub scope: Scope,
    pub prompt: Option<Prompt>,
    pub login_hint: Option<String>,
    pub domain_hint: Option<String>,
    pub ui_locales: Option<String>,
    pub max_age: Option<u64>,
    pub response_mode: ResponseMode,
    pub extra: Vec<(String, String)>,
}

impl RequestOptions {
    /// The build's scopes and nothing else: what a plain "Sign in" sends.
    pub fn with_scope(scope: Scope) -> RequestOptions {
        RequestOptions {
            scope: with_openid(scope.as_str()),
            prompt: None,
            login_hint: None,
            domain_hint: None,
            ui_locales: None,
            max_age: None,
            response_mode: ResponseMode::Query,
            extra: Vec::new(),
        }
    }
}

/// Why the options cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionsError {
    /// `max_age` is not a whole number of seconds.
    MaxAgeNotSeconds { found: String },
    /// An extra parameter the flow sets itself.
    OwnedByTheFlow { name: String, why: &'static str },
    /// An extra parameter that has its own field.
    HasAField { name: String },
    /// An extra row with a value and no name.
    ExtraWithoutName { value: String },
    /// The same extra parameter twice.
    DuplicateExtra { name: String },
}

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MaxAgeNotSeconds { found } => write!(
                f,
                "max_age must be a whole number of seconds (e.g. 300), found {found:?}: correct \
                 it or clear the field"
            ),
            Self::OwnedByTheFlow { name, why } => write!(
                f,
                "the extra parameter {name:?} is set by the flow itself: {why}; remove the row"
            ),
            Self::HasAField { name } => write!(
                f,
                "the extra parameter {name:?} has its own field above: use that field and remove \
                 the row"
            ),
            Self::ExtraWithoutName { value } => write!(
                f,
                "an extra parameter with value {value:?} has no name: name it or remove the row"
            ),
            Self::DuplicateExtra { name } => write!(
                f,
                "the extra parameter {name:?} appears twice: keep one row"
            ),
        }
    }
}

impl std::error::Error for OptionsError {}

impl SignInOptions {
    /// Checks the options; `build_scopes` stand in for empty scopes, and `openid` is always
    /// added.
    pub fn check(&self, build_scopes: &Scope) -> Result<RequestOptions, OptionsError> {
        let scopes = match self.scopes.trim() {
            "" => build_scopes.as_str(),
            typed => typed,
        };
        Ok(RequestOptions {
            scope: with_openid(scopes),
            prompt: self.prompt,
            login_hint: filled(&self.login_hint),
            domain_hint: filled(&self.domain_hint),
            ui_locales: filled(&self.ui_locales),
            max_age: max_age(&self.max_age)?,
            response_mode: self.response_mode,
            extra: extra(&self.extra)?,
        })
    }

    /// The options as a form-urlencoded line: the encoder the authorization URL uses anyway
    /// (serde derives for this would cost the bundle about 7 KB).
    pub fn to_storage(&self) -> String {
        let mut line = form_urlencoded::Serializer::new(String::new());
        let fields = [
            ("scopes", self.scopes.as_str()),
            ("prompt", self.prompt.map_or("", Prompt::as_str)),
            ("login_hint", &self.login_hint),
            ("domain_hint", &self.domain_hint),
            ("ui_locales", &self.ui_locales),
            ("max_age", &self.max_age),
            (
                "response_mode",
                match self.response_mode {
                    ResponseMode::Query => "",
                    ResponseMode::Fragment => "fragment",
                },
            ),
            ("show_request", if self.show_request { "1" } else { "" }),
        ];
        for (name, value) in fields.into_iter().filter(|(_, v)| !v.is_empty()) {
            line.append_pair(name, value);
        }
        for (name, value) in &self.extra {
            line.append_pair("extra", name);
            line.append_pair("value", value);
        }
        line.finish()
    }

    /// The remembered options; unknown names are ignored, so an older line still reads.
    pub fn from_storage(line: &str) -> SignInOptions {
        let mut options = SignInOptions::default();
        for (name, value) in form_urlencoded::parse(line.as_bytes()) {
            let value = value.into_owned();
            match &*name {
                "scopes" => options.scopes = value,
                "prompt" => options.prompt = Prompt::from_wire(&value),
                "login_hint" => options.login_hint = value,
                "domain_hint" => options.domain_hint = value,
                "ui_locales" => options.ui_locales = value,
                "max_age" => options.max_age = value,
                "response_mode" if value == "fragment" => {
                    options.response_mode = ResponseMode::Fragment
                }
                "show_request" => options.show_request = value == "1",
                "extra" => options.extra.push((value, String::new())),
                "value" => {
                    if let Some(row) = options.extra.last_mut() {
                        row.1 = value;
                    }
                }
                _ => {}
            }
        }
        options
    }
}

/// A note on a `domain_hint` Entra is known to refuse: it matches the identity provider's name
/// case-sensitively (`domain_hint=google` fails with AADSTS90023, `Google` works).
pub fn domain_hint_note(hint: &str) -> Option<String> {
    let hint = hint.trim();
    ["Google", "Facebook", "Apple"]
        .iter()
        .find(|provider| hint.eq_ignore_ascii_case(provider) && hint != **provider)
        .map(|provider| {
            format!(
                "Entra matches the provider's name with its case: {hint:?} fails with \
                 AADSTS90023, {provider:?} works."
            )
        })
}

fn filled(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

fn with_openid(scopes: &str) -> Scope {
    let mut all: Vec<&str> = scopes.split_whitespace().collect();
    if !all.contains(&"openid") {
        all.insert(0, "openid");
    }
    Scope::new(all.join(" "))
}

fn max_age(typed: &str) -> Result<Option<u64>, OptionsError> {
    match typed.trim() {
        "" => Ok(None),
        seconds => seconds
            .parse()
            .map(Some)
            .map_err(|_| OptionsError::MaxAgeNotSeconds {
                found: seconds.to_owned(),
            }),
    }
}

fn extra(rows: &[(String, String)]) -> Result<Vec<(String, String)>, OptionsError> {
    let mut checked: Vec<(String, String)> = Vec::new();
    for (name, value) in rows {
        let name = name.trim();
        if name.is_empty() {
            match value.trim().is_empty() {
                true => continue,
                false => {
                    return Err(OptionsError::ExtraWithoutName {
                        value: value.clone(),
                    })
                }
            }
        }
        if let Some((_, why)) = OWNED_BY_THE_FLOW.iter().find(|(owned, _)| *owned == name) {
            return Err(OptionsError::OwnedByTheFlow {
                name: name.to_owned(),
                why,
            });
        }
        if HAVE_A_FIELD.contains(&name) {
            return Err(OptionsError::HasAField {
                name: name.to_owned(),
            });
        }
        if checked.iter().any(|(seen, _)| seen == name) {
            return Err(OptionsError::DuplicateExtra {
                name: name.to_owned(),
            });
        }
        checked.push((name.to_owned(), value.clone()));
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build_scopes() -> Scope {
        Scope::new("openid profile offline_access")
    }

    fn with_extra(rows: &[(&str, &str)]) -> SignInOptions {
        SignInOptions {
            extra: rows
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            ..SignInOptions::default()
        }
    }

    #[test]
    fn empty_options_send_the_build_scopes_and_nothing_else() {
        let checked = SignInOptions::default().check(&build_scopes()).unwrap();
        assert_eq!(checked, RequestOptions::with_scope(build_scopes()));
    }

    #[test]
    fn openid_is_always_requested_and_api_scopes_are_kept() {
        let options = SignInOptions {
            scopes: "  api://1234/access_as_user   offline_access ".into(),
            ..SignInOptions::default()
        };
        let checked = options.check(&build_scopes()).unwrap();
        assert_eq!(
            checked.scope.as_str(),
            "openid api://1234/access_as_user offline_access"
        );
    }

    #[test]
    fn hints_are_trimmed_and_blank_ones_are_not_sent() {
        let options = SignInOptions {
            login_hint: " ada@contoso.example ".into(),
            domain_hint: "   ".into(),
            ui_locales: "fr-FR".into(),
            max_age: " 300 ".into(),
            prompt: Some(Prompt::Create),
            response_mode: ResponseMode::Fragment,
            ..SignInOptions::default()
        };
        let checked = options.check(&build_scopes()).unwrap();
        assert_eq!(checked.login_hint.as_deref(), Some("ada@contoso.example"));
        assert_eq!(checked.domain_hint, None);
        assert_eq!(checked.ui_locales.as_deref(), Some("fr-FR"));
        assert_eq!(checked.max_age, Some(300));
        assert_eq!(checked.prompt, Some(Prompt::Create));
        assert_eq!(checked.response_mode, ResponseMode::Fragment);
    }

    #[test]
    fn a_max_age_that_is_not_seconds_is_refused_with_the_fix() {
        for typed in ["5m", "-1", "1.5", "ten"] {
            let options = SignInOptions {
                max_age: typed.into(),
                ..SignInOptions::default()
            };
            let error = options.check(&build_scopes()).unwrap_err();
            assert_eq!(
                error,
                OptionsError::MaxAgeNotSeconds {
                    found: typed.into()
                }
            );
            assert!(error.to_string().contains("whole number of seconds"));
        }
    }

    #[test]
    fn every_parameter_the_flow_owns_is_refused_with_a_reason() {
        for (name, _) in OWNED_BY_THE_FLOW {
            let error = with_extra(&[(name, "x")])
                .check(&build_scopes())
                .unwrap_err();
            assert!(
                matches!(&error, OptionsError::OwnedByTheFlow { name: n, .. } if n == name),
                "{error:?}"
            );
            assert!(
                error.to_string().contains("set by the flow itself"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_parameter_with_its_own_field_is_refused_as_an_extra() {
        let error = with_extra(&[("prompt", "login")])
            .check(&build_scopes())
            .unwrap_err();
        assert_eq!(
            error,
            OptionsError::HasAField {
                name: "prompt".into()
            }
        );
    }

    #[test]
    fn extra_rows_are_checked_for_names_and_duplicates() {
        let ok = with_extra(&[("acr_values", "x"), ("", ""), (" claims ", "{}")])
            .check(&build_scopes())
            .unwrap();
        assert_eq!(
            ok.extra,
            [
                ("acr_values".to_string(), "x".to_string()),
                ("claims".to_string(), "{}".to_string())
            ]
        );
        assert_eq!(
            with_extra(&[("", "orphan")]).check(&build_scopes()),
            Err(OptionsError::ExtraWithoutName {
                value: "orphan".into()
            })
        );
        assert_eq!(
            with_extra(&[("a", "1"), ("a", "2")]).check(&build_scopes()),
            Err(OptionsError::DuplicateExtra { name: "a".into() })
        );
    }

    #[test]
    fn remembered_options_round_trip_and_unknown_names_are_ignored() {
        let options = SignInOptions {
            scopes: "openid api://x/y".into(),
            prompt: Some(Prompt::Silent),
            login_hint: "a+b@example.com".into(),
            max_age: "60".into(),
            response_mode: ResponseMode::Fragment,
            extra: vec![("a".into(), "b&c=d".into()), ("".into(), "".into())],
            show_request: true,
            ..SignInOptions::default()
        };
        assert_eq!(SignInOptions::from_storage(&options.to_storage()), options);
        assert_eq!(SignInOptions::default().to_storage(), "");
        assert_eq!(
            SignInOptions::from_storage("{\"scopes\":1}&later=x&prompt=bogus"),
            SignInOptions::default()
        );
    }

    #[test]
    fn a_lowercase_social_domain_hint_gets_the_casing_note() {
        let note = domain_hint_note("google").expect("a note");
        assert!(
            note.contains("AADSTS90023") && note.contains("\"Google\""),
            "{note}"
        );
        assert_eq!(domain_hint_note("Google"), None);
        assert_eq!(domain_hint_note("contoso.com"), None);
    }
}
