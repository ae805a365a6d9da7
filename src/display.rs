//! Pure text helpers for the views: relative times, claim values, pretty JSON. Tested on the host.

use crate::config::UrlParts;
use serde_json::Value;

/// The product's name, in the header and on the home page.
pub const PRODUCT_NAME: &str = "Entra Sign-in Inspector";

/// Claims whose value is a time in Unix seconds.
pub const TIME_CLAIMS: [&str; 5] = ["exp", "iat", "nbf", "auth_time", "pwd_exp"];

pub fn is_time_claim(name: &str) -> bool {
    TIME_CLAIMS.contains(&name)
}

/// "in 58 min", "3 h ago", "now": how far `at` is from `now`, both Unix seconds.
pub fn relative_time(at: i64, now: i64) -> String {
    let delta = at.saturating_sub(now);
    let magnitude = delta.unsigned_abs();
    let amount = match magnitude {
        0..=4 => return "now".to_string(),
        5..=59 => format!("{magnitude} s"),
        60..=3_599 => format!("{} min", magnitude / 60),
        3_600..=86_399 => format!("{} h {} min", magnitude / 3_600, (magnitude % 3_600) / 60),
        _ => format!("{} d", magnitude / 86_400),
    };
    if delta > 0 {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

/// A claim value as text: strings bare, everything else as compact JSON.
pub fn claim_value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => crate::oidc::json::compact(other),
    }
}

/// Who is signed in, in a few words: the `name` claim, else the email, else the username.
pub fn signed_in_name(claims: &crate::oidc::IdTokenClaims) -> String {
    claims
        .name
        .clone()
        .or_else(|| claims.email.clone())
        .or_else(|| claims.preferred_username.clone())
        .unwrap_or_else(|| "(no name)".to_string())
}

/// The host (and port) of an authority URL, which names the tenant in one short word:
/// `contoso.ciamlogin.com` for `https://contoso.ciamlogin.com/{guid}/v2.0`; the text itself when
/// it is no URL.
pub fn authority_host(authority: &str) -> String {
    match crate::config::url_parts(authority) {
        Some(UrlParts {
            host,
            port: Some(port),
            ..
        }) => format!("{host}:{port}"),
        Some(parts) => parts.host.to_owned(),
        None => authority.to_owned(),
    }
}

/// What the page's live region says about the tokens' renewal (a screen reader hears it when it
/// changes); empty when there is nothing to tell. Counts stay out: the profile shows them.
pub fn renewal_status(renewing: bool, failing: bool, renewed: bool) -> &'static str {
    match (renewing, failing, renewed) {
        (true, _, _) => "Renewing the tokens…",
        (false, true, _) => "A renewal failed; it will be tried again.",
        (false, false, true) => "Tokens renewed.",
        (false, false, false) => "",
    }
}

/// JSON text indented for reading; text that is not JSON is returned as it is.
pub fn pretty_json(text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => crate::oidc::json::pretty(&value),
        Err(_) => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_time_of_extreme_claims_does_not_overflow() {
        assert_eq!(relative_time(i64::MAX, i64::MIN), "in 106751991167300 d");
        assert_eq!(relative_time(i64::MIN, i64::MAX), "106751991167300 d ago");
        assert_eq!(relative_time(i64::MAX, 0), "in 106751991167300 d");
    }

    #[test]
    fn relative_time_says_in_for_the_future_and_ago_for_the_past() {
        assert_eq!(relative_time(1_000 + 58 * 60, 1_000), "in 58 min");
        assert_eq!(
            relative_time(1_000, 1_000 + 3 * 3_600 + 60),
            "3 h 1 min ago"
        );
        assert_eq!(relative_time(1_000, 1_002), "now");
        assert_eq!(relative_time(1_030, 1_000), "in 30 s");
        assert_eq!(relative_time(0, 3 * 86_400), "3 d ago");
    }

    #[test]
    fn claim_values_show_strings_bare_and_the_rest_as_json() {
        assert_eq!(claim_value_text(&Value::String("a b".into())), "a b");
        assert_eq!(
            claim_value_text(&serde_json::json!(["x", "y"])),
            r#"["x","y"]"#
        );
        assert_eq!(
            claim_value_text(&serde_json::json!(1700000000)),
            "1700000000"
        );
    }

    #[test]
    fn pretty_json_indents_json_and_keeps_other_text() {
        assert_eq!(pretty_json(r#"{"a":1}"#), "{\n  \"a\": 1\n}");
        assert_eq!(pretty_json("not json"), "not json");
    }

    #[test]
    fn the_tenant_is_named_by_its_authoritys_host() {
        assert_eq!(
            authority_host("https://contoso.ciamlogin.com/aaaa-bbbb/v2.0"),
            "contoso.ciamlogin.com"
        );
        assert_eq!(
            authority_host("http://127.0.0.1:8081/tenant/v2.0"),
            "127.0.0.1:8081"
        );
        assert_eq!(authority_host("no-scheme"), "no-scheme");
    }

    #[test]
    fn the_signed_in_name_falls_back_to_the_email() {
        let mut claims = crate::oidc::IdTokenClaims {
            email: Some("ada@example.com".into()),
            ..Default::default()
        };
        assert_eq!(signed_in_name(&claims), "ada@example.com");
        claims.name = Some("Ada Lovelace".into());
        assert_eq!(signed_in_name(&claims), "Ada Lovelace");
        assert_eq!(
            signed_in_name(&crate::oidc::IdTokenClaims::default()),
            "(no name)"
        );
    }

    #[test]
    fn the_renewal_status_tells_what_is_happening_or_nothing() {
        assert_eq!(renewal_status(true, true, true), "Renewing the tokens…");
        assert_eq!(
            renewal_status(false, true, true),
            "A renewal failed; it will be tried again."
        );
        assert_eq!(renewal_status(false, false, true), "Tokens renewed.");
        assert_eq!(renewal_status(false, false, false), "");
    }

    #[test]
    fn time_claims_are_recognised() {
        assert!(is_time_claim("exp"));
        assert!(!is_time_claim("sub"));
    }
}
