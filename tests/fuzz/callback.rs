//! The callback URL (`oidc/callback.rs`): query and fragment, any parameters, any encoding.

use crate::mutate::{config, odd_string, secret};
use entra_signin::oidc::{
    parse_callback, process_callback, strip_callback_params, Callback, CallbackError, State,
    CALLBACK_PARAMS, MAX_CALLBACK_URL_BYTES,
};
use proptest::prelude::*;

/// The callback's own parameters, and look-alikes the parser must not take for them.
fn names() -> Vec<&'static str> {
    let look_alikes = ["lang", "CODE", "code%5B%5D"];
    CALLBACK_PARAMS.iter().copied().chain(look_alikes).collect()
}

fn encoded(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A value as a tenant or an attacker may write it: plain, percent-encoded, raw odd text.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("xyz".to_owned()),
        Just("AADSTS50011%3A+The+redirect+URI".to_owned()),
        Just("https%3A%2F%2Fx.ciamlogin.com%2Fx%2Fv2.0".to_owned()),
        odd_string().prop_map(|s| encoded(&s)),
        odd_string(),
        Just("%zz%f0%28%8c%bc".to_owned()),
    ]
}

/// `name=value` pairs; the `code` always carries the secret marker, so that a code echoed in
/// an error is easy to find.
fn pairs() -> impl Strategy<Value = Vec<String>> {
    let pair = (prop::sample::select(names()), value(), 0u8..4).prop_map(|(n, v, form)| {
        let v = match n {
            "code" => format!("{}{v}", secret("code")),
            _ => v,
        };
        match form {
            0 => n.to_owned(),
            1 => format!("{n}="),
            _ => format!("{n}={v}"),
        }
    });
    prop::collection::vec(pair, 0..8)
}

fn separator() -> impl Strategy<Value = &'static str> {
    // Not `;`: it is no separator, so `error=x;code=…` is one error text that holds the words.
    prop::sample::select(vec!["&", "&&", "&amp;"])
}

/// A callback URL: the app's base, a query and/or a fragment, sometimes padded past 16 KiB.
fn callback_url() -> impl Strategy<Value = String> {
    let base = prop::sample::select(vec![
        "https://app.example/callback",
        "http://localhost:8080/callback",
        "",
        "callback",
        "https://[::1]:8080/callback",
    ]);
    (
        base,
        pairs(),
        pairs(),
        separator(),
        0u8..4,
        prop_oneof![9 => Just(0usize), 1 => 1usize..40_000],
    )
        .prop_map(|(base, query, fragment, sep, shape, pad)| {
            let (q, f) = (query.join(sep), fragment.join(sep));
            let padding = "p".repeat(pad);
            match shape {
                0 => format!("{base}?{q}{padding}"),
                1 => format!("{base}#{f}{padding}"),
                2 => format!("{base}?{q}#{f}{padding}"),
                _ => format!("{base}{q}{padding}"),
            }
        })
}

fn any_url() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => callback_url(),
        1 => odd_string(),
        1 => prop::collection::vec(any::<u8>(), 0..200)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

/// The values of the `code` parameters of `url`, split as the parser splits it (the fragment
/// from the first `#`). Text that merely looks like one inside another parameter's value (an
/// `error=#code=…`) is that parameter's, and the page may show an error's words.
fn code_values(url: &str) -> Vec<String> {
    let (before, fragment) = url.split_once('#').unwrap_or((url, ""));
    let query = before.split_once('?').map_or("", |(_, q)| q);
    [query, fragment]
        .iter()
        .flat_map(|part| form_urlencoded::parse(part.as_bytes()).into_owned())
        .filter(|(name, value)| name == "code" && !value.is_empty())
        .map(|(_, value)| value)
        .collect()
}

fn assert_no_code(url: &str, err: &CallbackError) {
    let (text, debug) = (err.to_string(), format!("{err:?}"));
    for code in code_values(url) {
        assert!(!text.contains(&code), "the code is echoed: {text}");
        assert!(!debug.contains(&code), "the code is echoed: {debug}");
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_callback_url_parses_or_is_a_typed_error_that_never_echoes_the_code(url in any_url()) {
        match parse_callback(&url) {
            Ok(Callback::Success(r)) => {
                prop_assert!(url.len() <= MAX_CALLBACK_URL_BYTES);
                prop_assert!(!r.code.secret().is_empty() && !r.state.as_str().is_empty());
                let shown = format!("{r:?}");
                prop_assert!(!shown.contains(r.code.secret()), "{}", shown);
            }
            Ok(Callback::Error(e)) => prop_assert!(!e.error.is_empty()),
            Err(err) => {
                if url.len() > MAX_CALLBACK_URL_BYTES {
                    prop_assert!(matches!(err, CallbackError::TooLong { .. }), "{err:?}");
                }
                assert_no_code(&url, &err);
            }
        }
        if let Err(err) = process_callback(&url, &State::new("expected-state")) {
            assert_no_code(&url, &err);
        }
    }

    #[test]
    fn a_stripped_callback_url_keeps_no_callback_parameter(url in callback_url()) {
        let stripped = strip_callback_params(&url);
        let (before, fragment) = stripped.split_once('#').unwrap_or((&stripped, ""));
        let query = before.split_once('?').map_or("", |(_, q)| q);
        for part in [query, fragment] {
            for (name, _) in form_urlencoded::parse(part.as_bytes()) {
                prop_assert!(
                    !["code", "state", "error", "iss", "session_state"].contains(&name.as_ref()),
                    "{name} kept in {stripped}"
                );
            }
        }
    }
}
