//! The tenant page's reading of the discovery document and the key set: every member and every
//! key as a row of plain text, marked with the check this app makes on it (the same rules as
//! [`process_discovery_response`] and the key selection of ID-token validation).

use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, JwkSet, PublicKeyUse};
use serde_json::{Map, Value};

use super::discovery::{is_secure_url, process_discovery_response, url_parts, CIAMLOGIN_SUFFIX};
use super::http::HttpResponse;
use super::id_token::{format_unix_time, kty_name, modulus_bits, usable_rsa_key, MIN_RSA_BITS};
use super::x509::x5c_validity;
use super::{DiscoveryError, IssuerRule, ProviderMetadata};
use crate::config::is_guid;

/// How a row fared against this app's check on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Pass,
    Fail,
    /// Worth knowing; no check refuses it.
    Note,
    /// Not checked.
    Plain,
}

impl Mark {
    /// The row's class: the validation report's, so the tables look alike.
    pub fn class(self) -> &'static str {
        match self {
            Mark::Pass => "check-pass",
            Mark::Fail => "check-fail",
            Mark::Note => "check-note",
            Mark::Plain => "",
        }
    }
}

/// One row of a table: its cells, and the check's mark and one-line finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<String>,
    pub mark: Mark,
    pub note: String,
}

impl Row {
    fn new(cells: Vec<String>, mark: Mark, note: impl Into<String>) -> Row {
        Row {
            cells,
            mark,
            note: note.into(),
        }
    }
}

/// The discovery document as the page shows it: the app's verdict on the whole, and its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryReading {
    /// What a sign-in would make of it: the checked metadata, or why it is refused.
    pub verdict: Result<ProviderMetadata, DiscoveryError>,
    /// Every member (none when the body is not a JSON object), then the required ones it lacks.
    pub members: Vec<Row>,
}

/// The members REQUIRED by Discovery §3 that the app reads, or that it needs for a sign-out.
const EXPECTED_MEMBERS: [&str; 7] = [
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "response_types_supported",
    "id_token_signing_alg_values_supported",
    "end_session_endpoint",
];

/// Reads the discovery response: the sign-in's verdict, and each member marked.
pub fn read_discovery(response: HttpResponse<'_>, rule: &IssuerRule) -> DiscoveryReading {
    let verdict = process_discovery_response(response, rule);
    let members = match serde_json::from_str::<Value>(response.body) {
        Ok(Value::Object(document)) if response.status == 200 => member_rows(&document, rule),
        _ => Vec::new(),
    };
    DiscoveryReading { verdict, members }
}

fn member_rows(document: &Map<String, Value>, rule: &IssuerRule) -> Vec<Row> {
    let mut rows: Vec<Row> = document
        .iter()
        .map(|(name, value)| {
            let (mark, note) = member_check(name, value, document, rule);
            Row::new(vec![name.clone(), value_text(value)], mark, note)
        })
        .collect();
    for name in EXPECTED_MEMBERS {
        if !document.contains_key(name) {
            let note = match name {
                "end_session_endpoint" => {
                    "absent: the tenant's session cannot be ended on sign-out; Sign out only forgets \
                     the tokens in this tab"
                }
                _ => "absent: required (OpenID Connect Discovery §3)",
            };
            rows.push(Row::new(
                vec![name.to_string(), "(absent)".to_string()],
                Mark::Fail,
                note,
            ));
        }
    }
    rows
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        other => super::json::compact(other),
    }
}

fn member_check(
    name: &str,
    value: &Value,
    document: &Map<String, Value>,
    rule: &IssuerRule,
) -> (Mark, String) {
    let listed = |wanted: &str| {
        value
            .as_array()
            .is_some_and(|items| items.iter().any(|i| i.as_str() == Some(wanted)))
    };
    let includes = |wanted: &str, why: &str| match listed(wanted) {
        true => (Mark::Pass, format!("includes {wanted}")),
        false => (Mark::Fail, format!("must include {wanted} ({why})")),
    };
    match name {
        "issuer" => issuer_check(value.as_str().unwrap_or_default(), document, rule),
        "id_token_signing_alg_values_supported" => includes(
            "RS256",
            "OpenID Connect Discovery §3; the app accepts only RS256",
        ),
        "response_types_supported" => includes("code", "the authorization code flow"),
        "code_challenge_methods_supported" => includes("S256", "PKCE, RFC 8414 §2"),
        _ if name == "jwks_uri" || name.ends_with("_endpoint") => endpoint_check(name, value),
        _ => (Mark::Plain, String::new()),
    }
}

fn endpoint_check(name: &str, value: &Value) -> (Mark, String) {
    let url = value.as_str().unwrap_or_default();
    let secure = is_secure_url(url);
    let mut note = match (secure, url.starts_with("https://")) {
        (true, true) => "https".to_string(),
        (true, false) => "http on a loopback host: allowed for a local dev tenant".to_string(),
        (false, _) => "must be https (OpenID Connect Discovery §3)".to_string(),
    };
    if name == "end_session_endpoint" && secure {
        note.push_str("; present: Sign out also ends the tenant's session");
    }
    match secure {
        true => (Mark::Pass, note),
        false => (Mark::Fail, note),
    }
}

/// The issuer rule, and why a CIAM issuer's host differs from its endpoints'.
fn issuer_check(issuer: &str, document: &Map<String, Value>, rule: &IssuerRule) -> (Mark, String) {
    if let Err(error) = rule.check(issuer) {
        return (Mark::Fail, error.to_string());
    }
    let endpoint_host = document
        .get("authorization_endpoint")
        .and_then(Value::as_str)
        .and_then(url_parts)
        .map(|p| p.host.to_ascii_lowercase());
    match (ciam_issuer_tenant(issuer), endpoint_host) {
        (Some(guid), Some(host)) if !host.starts_with(&guid) => (
            Mark::Pass,
            format!(
                "the issuer's host is the tenant GUID ({guid}) while the endpoints are on {host}: \
                 expected for an External ID (CIAM) tenant; every ID token's iss must equal this \
                 issuer exactly"
            ),
        ),
        _ => (
            Mark::Pass,
            "the issuer this app's authority implies; every ID token's iss must equal it exactly"
                .to_string(),
        ),
    }
}

/// The GUID of an issuer shaped like a CIAM tenant's, `{scheme}://{guid}.{host}/{guid}/…`
/// (`ciamlogin.com`, or the dev tenant's loopback imitation of it).
fn ciam_issuer_tenant(issuer: &str) -> Option<String> {
    let parts = url_parts(issuer)?;
    let host = parts.host.to_ascii_lowercase();
    let (guid, domain) = host.split_once('.')?;
    let ciam_like = format!(".{domain}") == CIAMLOGIN_SUFFIX || domain.starts_with("localhost");
    let named = parts.path.split('/').any(|s| s.eq_ignore_ascii_case(guid));
    (ciam_like && is_guid(guid) && named).then(|| guid.to_string())
}

/// The key table's columns, in the order of [`key_rows`]' cells.
pub const KEY_COLUMNS: [&str; 8] = [
    "kid",
    "kty",
    "bits",
    "use",
    "alg",
    "x5t",
    "notBefore",
    "notAfter",
];

/// Every key of the set, marked usable or not by the checks ID-token validation makes on the key
/// it selects; `now` (Unix seconds) dates the certificates.
pub fn key_rows(jwks: &JwkSet, now: i64) -> Vec<Row> {
    jwks.keys.iter().map(|jwk| key_row(jwk, now)).collect()
}

fn key_row(jwk: &Jwk, now: i64) -> Row {
    let common = &jwk.common;
    let absent = || "—".to_string();
    let bits = match &jwk.algorithm {
        AlgorithmParameters::RSA(rsa) => {
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, &rsa.n)
                .map_or_else(|_| "?".to_string(), |n| modulus_bits(&n).to_string())
        }
        _ => absent(),
    };
    let key_use = match &common.public_key_use {
        None => absent(),
        Some(PublicKeyUse::Signature) => "sig".to_string(),
        Some(PublicKeyUse::Encryption) => "enc".to_string(),
        Some(PublicKeyUse::Other(other)) => other.clone(),
    };
    let certificate = common.x509_chain.as_ref().and_then(|chain| chain.first());
    let validity = certificate.map(|c| x5c_validity(c));
    let date = |secs: i64| format_unix_time(secs);
    let (not_before, not_after) = match validity {
        Some(Ok(v)) => (date(v.not_before), date(v.not_after)),
        Some(Err(_)) => ("?".to_string(), "?".to_string()),
        None => (absent(), absent()),
    };
    let cells = vec![
        common.key_id.clone().unwrap_or_else(absent),
        kty_name(&jwk.algorithm),
        bits,
        key_use,
        common.key_algorithm.map_or_else(absent, |a| a.to_string()),
        common.x509_sha1_fingerprint.clone().unwrap_or_else(absent),
        not_before,
        not_after,
    ];
    let (mark, mut note) = match usable_rsa_key(jwk) {
        Ok(_) => (
            Mark::Pass,
            format!("usable: RSA of at least {MIN_RSA_BITS} bits for RS256 signatures"),
        ),
        Err(rejection) => (Mark::Fail, format!("not usable: {rejection}")),
    };
    match validity {
        Some(Ok(v)) if now > v.not_after || now < v.not_before => note.push_str(
            "; its x5c certificate is outside its validity (this app verifies with n and e, not \
             the certificate)",
        ),
        Some(Err(e)) => note.push_str(&format!("; {e}")),
        _ => {}
    }
    Row::new(cells, mark, note)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TENANT: &str = "0e5a1a3b-8b2c-4c8e-9d7f-1a2b3c4d5e6f";

    fn ciam_rule() -> IssuerRule {
        IssuerRule::for_authority("https://contoso.ciamlogin.com/", Some(TENANT)).unwrap()
    }

    fn entra_document() -> Value {
        json!({
            "issuer": format!("https://{TENANT}.ciamlogin.com/{TENANT}/v2.0"),
            "authorization_endpoint": format!("https://contoso.ciamlogin.com/{TENANT}/oauth2/v2.0/authorize"),
            "token_endpoint": format!("https://contoso.ciamlogin.com/{TENANT}/oauth2/v2.0/token"),
            "jwks_uri": format!("https://contoso.ciamlogin.com/{TENANT}/discovery/v2.0/keys"),
            "end_session_endpoint": format!("https://contoso.ciamlogin.com/{TENANT}/oauth2/v2.0/logout"),
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "request_uri_parameter_supported": false,
        })
    }

    fn read(document: &Value, rule: &IssuerRule) -> DiscoveryReading {
        let body = document.to_string();
        read_discovery(
            HttpResponse::new(200, Some("application/json"), &body),
            rule,
        )
    }

    fn row<'a>(reading: &'a DiscoveryReading, name: &str) -> &'a Row {
        reading
            .members
            .iter()
            .find(|r| r.cells[0] == name)
            .unwrap_or_else(|| panic!("no row {name}"))
    }

    #[test]
    fn explains_that_a_ciam_issuer_is_on_the_tenant_guid_host_while_endpoints_are_not() {
        let reading = read(&entra_document(), &ciam_rule());
        assert!(reading.verdict.is_ok());
        let issuer = row(&reading, "issuer");
        assert_eq!(issuer.mark, Mark::Pass);
        assert!(
            issuer.note.contains(&format!("tenant GUID ({TENANT})"))
                && issuer.note.contains("contoso.ciamlogin.com")
                && issuer
                    .note
                    .contains("expected for an External ID (CIAM) tenant"),
            "{}",
            issuer.note
        );
    }

    #[test]
    fn recognises_the_dev_tenant_loopback_imitation_of_the_ciam_issuer() {
        let mut document = entra_document();
        document["issuer"] = json!(format!("http://{TENANT}.localhost:8081/{TENANT}/v2.0"));
        for endpoint in ["authorization_endpoint", "token_endpoint", "jwks_uri"] {
            document[endpoint] = json!(format!("http://127.0.0.1:8081/{TENANT}/{endpoint}"));
        }
        let rule = IssuerRule::for_authority("http://127.0.0.1:8081/", Some(TENANT)).unwrap();
        let reading = read(&document, &rule);
        assert!(row(&reading, "issuer").note.contains("127.0.0.1"));
        assert!(row(&reading, "token_endpoint")
            .note
            .contains("loopback host"));
    }

    #[test]
    fn marks_the_checked_members_and_leaves_the_others_plain() {
        let reading = read(&entra_document(), &ciam_rule());
        let marks: Vec<(&str, Mark)> = reading
            .members
            .iter()
            .map(|r| (r.cells[0].as_str(), r.mark))
            .collect();
        for name in [
            "authorization_endpoint",
            "token_endpoint",
            "jwks_uri",
            "end_session_endpoint",
            "response_types_supported",
            "id_token_signing_alg_values_supported",
        ] {
            assert!(marks.contains(&(name, Mark::Pass)), "{name}: {marks:?}");
        }
        assert!(marks.contains(&("scopes_supported", Mark::Plain)));
        assert_eq!(
            row(&reading, "scopes_supported").cells[1],
            "openid, profile, email, offline_access"
        );
        assert_eq!(
            row(&reading, "request_uri_parameter_supported").cells[1],
            "false"
        );
    }

    #[test]
    fn fails_the_member_that_breaks_a_rule_and_the_verdict_with_it() {
        let mut document = entra_document();
        document["id_token_signing_alg_values_supported"] = json!(["PS256"]);
        document["token_endpoint"] = json!("http://contoso.ciamlogin.com/token");
        let reading = read(&document, &ciam_rule());
        assert!(reading.verdict.is_err());
        let algs = row(&reading, "id_token_signing_alg_values_supported");
        assert_eq!(
            (algs.mark, algs.note.contains("must include RS256")),
            (Mark::Fail, true)
        );
        assert_eq!(row(&reading, "token_endpoint").mark, Mark::Fail);
    }

    #[test]
    fn lists_an_absent_end_session_endpoint_and_a_wrong_issuer_as_failed() {
        let mut document = entra_document();
        document
            .as_object_mut()
            .unwrap()
            .remove("end_session_endpoint");
        document["issuer"] = json!(format!("https://contoso.ciamlogin.com/{TENANT}/v2.0"));
        let reading = read(&document, &ciam_rule());
        let end_session = row(&reading, "end_session_endpoint");
        assert_eq!(end_session.cells[1], "(absent)");
        assert_eq!(end_session.mark, Mark::Fail);
        let issuer = row(&reading, "issuer");
        assert_eq!(issuer.mark, Mark::Fail);
        assert!(issuer.note.contains("expected"), "{}", issuer.note);
    }

    #[test]
    fn a_body_that_is_not_a_json_object_has_no_rows_only_the_verdict() {
        let response = HttpResponse::new(404, Some("text/html"), "<title>Not Found</title>");
        let reading = read_discovery(response, &ciam_rule());
        assert!(reading.members.is_empty());
        assert!(matches!(
            reading.verdict,
            Err(DiscoveryError::HttpStatus(_))
        ));
    }

    fn dev_key() -> &'static dev_tenant::SigningKey {
        static KEY: std::sync::OnceLock<dev_tenant::SigningKey> = std::sync::OnceLock::new();
        KEY.get_or_init(|| dev_tenant::SigningKey::generate().unwrap())
    }

    #[test]
    fn lists_each_key_with_its_bits_use_and_certificate_dates_and_whether_it_is_usable() {
        let mut small = dev_key().jwk("https://issuer.example/v2.0");
        small["kid"] = json!("small");
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let n = base64::Engine::decode(&engine, small["n"].as_str().unwrap()).unwrap();
        small["n"] = json!(base64::Engine::encode(&engine, &n[..128]));
        let mut encryption = dev_key().jwk("https://issuer.example/v2.0");
        encryption["kid"] = json!("enc");
        encryption["use"] = json!("enc");
        let ec = json!({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA", "kid": "ec"});
        let jwks: JwkSet = serde_json::from_value(json!({
            "keys": [dev_key().jwk("https://issuer.example/v2.0"), small, encryption, ec]
        }))
        .unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let rows = key_rows(&jwks, now);
        let good = &rows[0];
        assert_eq!(good.cells[0], dev_key().kid());
        assert_eq!(good.cells[1..4], ["RSA", "2048", "sig"]);
        assert_eq!(good.cells[5], dev_key().kid(), "x5t");
        assert!(good.cells[6].contains(" UTC)"), "{:?}", good.cells);
        assert_eq!(good.mark, Mark::Pass);
        assert_eq!(rows[1].cells[2], "1024");
        assert!(rows[1].note.contains("1024 bits"), "{}", rows[1].note);
        assert!(rows[2].note.contains("use \"enc\""), "{}", rows[2].note);
        assert_eq!(rows[3].cells[1..3], ["EC", "—"]);
        assert!(rows[1..].iter().all(|r| r.mark == Mark::Fail));
    }

    #[test]
    fn notes_a_certificate_outside_its_validity_without_refusing_the_key() {
        let jwks: JwkSet = serde_json::from_value(json!({
            "keys": [dev_key().jwk("https://issuer.example/v2.0")]
        }))
        .unwrap();
        let rows = key_rows(&jwks, i64::MAX);
        assert_eq!(rows[0].mark, Mark::Pass);
        assert!(
            rows[0].note.contains("outside its validity"),
            "{}",
            rows[0].note
        );
    }
}
