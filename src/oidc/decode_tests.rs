//! Token decoder tests: every class of pasted string, tokens minted here with a key generated
//! here, signatures verified the way the browser does.

use serde_json::{json, Value};

use super::*;
use crate::oidc::id_token::{KeySelection, UnverifiedIdToken, CLOCK_SKEW_LEEWAY_SECS};
use crate::oidc::jwt::JwtPart;
use crate::oidc::test_support::{
    mint_alg_none, mint_hs256_with_public_key, mint_rs256, test_jwks, verify_like_the_browser,
};
use crate::oidc::values::b64url;

const TENANT: &str = "0e5a1a3b-8b2c-4c8e-9d7f-1a2b3c4d5e6f";
const OTHER_TENANT: &str = "9a8b7c6d-1111-2222-3333-444455556666";
const NOW: i64 = 1_700_000_000;
const KID: &str = "key-1";

fn issuer() -> String {
    format!("https://{TENANT}.ciamlogin.com/{TENANT}/v2.0")
}

fn id_token_claims() -> Value {
    json!({
        "ver": "2.0", "iss": issuer(), "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        "aud": "11111111-2222-3333-4444-555555555555", "exp": NOW + 3600, "iat": NOW - 10,
        "nbf": NOW - 10, "nonce": "nonce-1", "name": "Ada Lovelace", "tid": TENANT
    })
}

fn access_token_claims() -> Value {
    json!({
        "aud": "api://orders", "iss": issuer(), "iat": NOW - 10, "nbf": NOW - 10,
        "exp": NOW + 3600, "azp": "11111111-2222-3333-4444-555555555555", "scp": "Orders.Read"
    })
}

/// A compact JWS with this header and payload and a made-up signature.
fn token_with(header: &Value, payload: &Value) -> String {
    format!(
        "{}.{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(payload.to_string().as_bytes()),
        b64url(b"not-a-real-signature")
    )
}

fn decoded(input: &str) -> DecodedToken {
    decode_token(input).expect("a decodable token")
}

/// What the flow does with the configured tenant's keys, done on the host.
fn verify_against_test_key(token: &DecodedToken) -> SignatureOutcome {
    let unverified = UnverifiedIdToken::parse(token.raw().secret()).expect("decodable");
    match unverified.select_key(&test_jwks(&[Some(KID)])) {
        KeySelection::Selected(job) => verify_like_the_browser(&job),
        other => panic!("no key selected: {other:?}"),
    }
}

fn failed_checks(report: &ValidationReport) -> Vec<&'static str> {
    report.failures().map(|c| c.name).collect()
}

#[test]
fn an_id_token_of_the_configured_tenant_is_verified_against_its_keys() {
    let token = decoded(&mint_rs256(Some(KID), &id_token_claims()));
    assert_eq!(
        token.verifiability(),
        Verifiability::AgainstIssuer { issuer: issuer() }
    );
    let configured = IssuerUrl::new(issuer());
    assert_eq!(
        key_source(&issuer(), Some(&configured)),
        Ok(KeySource::ConfiguredTenant)
    );
    let signature = verify_against_test_key(&token);
    let report = token.issuer_report(&configured, &signature, NOW);
    let names: Vec<&str> = report.checks().iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        ["iss", "signature", "alg", "exp", "iat", "nbf", "crit"]
    );
    assert!(report.all_passed(), "{report}");
    assert_eq!(token.claims().str("name"), Some("Ada Lovelace"));
    assert!(token.header_json().contains("RS256"));
}

#[test]
fn an_access_token_for_an_api_is_verified_without_audience_or_nonce_checks() {
    let token = decoded(&mint_rs256(Some(KID), &access_token_claims()));
    assert_eq!(
        token.verifiability(),
        Verifiability::AgainstIssuer { issuer: issuer() }
    );
    let signature = verify_against_test_key(&token);
    let report = token.issuer_report(&IssuerUrl::new(issuer()), &signature, NOW);
    assert!(report.all_passed(), "{report}");
    assert!(report.check("aud").is_none() && report.check("nonce").is_none());
}

#[test]
fn a_token_with_a_changed_payload_fails_the_signature_check_only() {
    let original = mint_rs256(Some(KID), &id_token_claims());
    let parts: Vec<&str> = original.split('.').collect();
    let forged = with_name(&id_token_claims(), "Mallory");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64url(forged.to_string().as_bytes()),
        parts[2]
    );
    let token = decoded(&tampered);
    assert_eq!(token.claims().str("name"), Some("Mallory"));
    let signature = verify_against_test_key(&token);
    assert_eq!(signature, SignatureOutcome::Invalid);
    let report = token.issuer_report(&IssuerUrl::new(issuer()), &signature, NOW);
    assert_eq!(failed_checks(&report), ["signature"]);
}

fn with_name(claims: &Value, name: &str) -> Value {
    let mut claims = claims.clone();
    claims["name"] = json!(name);
    claims
}

#[test]
fn a_token_from_another_issuer_fails_the_issuer_check_of_the_configured_keys() {
    let token = decoded(&mint_rs256(Some(KID), &access_token_claims()));
    let signature = verify_against_test_key(&token);
    let other = IssuerUrl::new(format!(
        "https://{OTHER_TENANT}.ciamlogin.com/{OTHER_TENANT}/v2.0"
    ));
    let report = token.issuer_report(&other, &signature, NOW);
    assert_eq!(failed_checks(&report), ["iss"]);
}

#[test]
fn a_graph_token_with_a_nonce_header_is_not_verifiable_by_design() {
    let header =
        json!({"typ": "JWT", "nonce": "hashed-before-signing", "alg": "RS256", "kid": KID});
    let graph_claims = json!({"aud": "00000003-0000-0000-c000-000000000000",
        "iss": format!("https://sts.windows.net/{TENANT}/"), "exp": NOW + 3600});
    let token = decoded(&token_with(&header, &graph_claims));
    let verifiability = token.verifiability();
    assert_eq!(
        verifiability,
        Verifiability::NotByDesign(ByDesign::NonceHeader)
    );
    let Verifiability::NotByDesign(reason) = verifiability else {
        unreachable!()
    };
    assert!(reason.to_string().contains("Microsoft Graph"), "{reason}");
}

#[test]
fn hmac_and_unsigned_tokens_are_not_verifiable_by_design() {
    let hs256 = decoded(&mint_hs256_with_public_key(Some(KID), &id_token_claims()));
    assert_eq!(
        hs256.verifiability(),
        Verifiability::NotByDesign(ByDesign::SharedSecret {
            alg: "HS256".into()
        })
    );
    let none = decoded(&mint_alg_none(None, &id_token_claims()));
    assert_eq!(
        none.verifiability(),
        Verifiability::NotByDesign(ByDesign::Unsigned)
    );
    assert!(ByDesign::Unsigned.to_string().contains("not signed"));
}

#[test]
fn other_algorithms_and_a_missing_issuer_cannot_be_verified_here() {
    let es256 = decoded(&token_with(
        &json!({"alg": "ES256", "kid": KID}),
        &id_token_claims(),
    ));
    assert_eq!(
        es256.verifiability(),
        Verifiability::CannotVerify(CannotVerify::UnsupportedAlg {
            alg: "ES256".into()
        })
    );
    let no_iss = decoded(&token_with(
        &json!({"alg": "RS256"}),
        &json!({"sub": "s", "iss": 5}),
    ));
    assert_eq!(
        no_iss.verifiability(),
        Verifiability::CannotVerify(CannotVerify::NoIssuer)
    );
}

#[test]
fn an_encrypted_token_is_named_with_its_header() {
    let header = r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#;
    let jwe = format!("{}.a2V5.aXY.Y2lwaGVy.dGFn", b64url(header.as_bytes()));
    assert_eq!(
        decode_token(&jwe),
        Err(NotDecodable::Encrypted {
            header_json: Some(header.to_owned())
        })
    );
    assert_eq!(
        decode_token("a.b.c.d.e"),
        Err(NotDecodable::Encrypted { header_json: None })
    );
    let text = NotDecodable::Encrypted { header_json: None }.to_string();
    assert!(
        text.contains("by design") && text.contains("encryption"),
        "{text}"
    );
}

#[test]
fn garbage_is_not_a_jwt_and_the_message_says_what_a_jwt_looks_like() {
    let garbage = "hello world, this is not a token";
    let error = decode_token(garbage).expect_err("garbage");
    assert_eq!(
        error,
        NotDecodable::NotAJwt(JwtError::NotCompactJws { parts: 1 })
    );
    let text = error.to_string();
    assert!(text.contains("three base64url parts"), "{text}");
    assert!(
        !text.contains("hello"),
        "the message echoes the input: {text}"
    );
    assert_eq!(
        decode_token("eyJ!.eyJ.sig"),
        Err(NotDecodable::NotAJwt(JwtError::Base64 {
            part: JwtPart::Header
        }))
    );
    assert_eq!(decode_token(" \n\t "), Err(NotDecodable::Empty));
}

#[test]
fn whitespace_line_breaks_quotes_and_a_bearer_prefix_around_a_token_are_ignored() {
    let token = mint_rs256(Some(KID), &access_token_claims());
    let (head, tail) = token.split_at(40);
    let pasted = [
        format!("  \n{token}\r\n"),
        format!("{head}\n  {tail}"),
        format!("Bearer {token}"),
        format!("bearer\t{token}"),
        format!("\"{token}\""),
    ];
    for input in pasted {
        let decoded = decoded(&input);
        assert_eq!(decoded.raw().secret(), token, "{input:?}");
    }
    assert!(decode_token("Bearertoken").is_err());
}

#[test]
fn no_input_makes_the_decoder_panic() {
    let inputs = [
        "",
        ".",
        "..",
        "....",
        "€.€.€",
        "Bearer",
        "bearer\n",
        "\"",
        "B€arer x",
        "e30.e30.",
        "e30.W10.",
        "eyJhbGciOiJIUzI1NiJ9.e30.",
        "..\u{0}..",
    ];
    for input in inputs {
        if let Ok(token) = decode_token(input) {
            let _ = token.verifiability();
            let _ = token.time_report(NOW);
        }
    }
}

#[test]
fn time_checks_allow_the_stated_leeway_and_no_more() {
    let mut claims = access_token_claims();
    claims["exp"] = json!(NOW - CLOCK_SKEW_LEEWAY_SECS + 1);
    let within = decoded(&token_with(&json!({"alg": "none"}), &claims));
    assert!(within.time_report(NOW).all_passed());
    claims["exp"] = json!(NOW - CLOCK_SKEW_LEEWAY_SECS);
    claims["nbf"] = json!(NOW + CLOCK_SKEW_LEEWAY_SECS + 1);
    let late = decoded(&token_with(&json!({"alg": "none"}), &claims));
    let report = late.time_report(NOW);
    let names: Vec<&str> = report.checks().iter().map(|c| c.name).collect();
    assert_eq!(names, ["exp", "iat", "nbf"]);
    assert_eq!(failed_checks(&report), ["exp", "nbf"]);
}

#[test]
fn other_entra_issuers_are_discovered_at_their_own_metadata() {
    let cases = [
        (
            format!("https://{OTHER_TENANT}.ciamlogin.com/{OTHER_TENANT}/v2.0"),
            format!("https://{OTHER_TENANT}.ciamlogin.com/{OTHER_TENANT}/v2.0/.well-known/openid-configuration"),
        ),
        (
            format!("https://login.microsoftonline.com/{OTHER_TENANT}/v2.0"),
            format!("https://login.microsoftonline.com/{OTHER_TENANT}/v2.0/.well-known/openid-configuration"),
        ),
        (
            format!("https://sts.windows.net/{OTHER_TENANT}/"),
            format!("https://login.microsoftonline.com/{OTHER_TENANT}/.well-known/openid-configuration"),
        ),
    ];
    let configured = IssuerUrl::new(issuer());
    for (issuer, expected_url) in cases {
        match key_source(&issuer, Some(&configured)) {
            Ok(KeySource::Issuer {
                discovery_url,
                rule,
            }) => {
                assert_eq!(discovery_url, expected_url);
                assert_eq!(rule.check(&issuer), Ok(()), "{issuer}");
            }
            other => panic!("{issuer}: {other:?}"),
        }
    }
}

#[test]
fn the_configured_issuer_needs_no_other_discovery_even_when_it_is_not_entra() {
    let dev = format!("http://{TENANT}.localhost:8081/{TENANT}/v2.0");
    let configured = IssuerUrl::new(dev.clone());
    assert_eq!(
        key_source(&dev, Some(&configured)),
        Ok(KeySource::ConfiguredTenant)
    );
    assert!(matches!(
        key_source(&dev, None),
        Err(CannotVerify::Issuer {
            refusal: IssuerRefusal::NotPlainHttps,
            ..
        })
    ));
}

#[test]
fn issuers_that_would_make_the_page_call_another_server_are_refused() {
    let t = OTHER_TENANT;
    let refused = [
        (
            format!("http://{t}.ciamlogin.com/{t}/v2.0"),
            IssuerRefusal::NotPlainHttps,
        ),
        (
            format!("https://{t}.ciamlogin.com:8443/{t}/v2.0"),
            IssuerRefusal::NotPlainHttps,
        ),
        (
            format!("https://me@login.microsoftonline.com/{t}/v2.0"),
            IssuerRefusal::NotPlainHttps,
        ),
        (
            format!("https://login.microsoftonline.com/{t}/v2.0?x=1"),
            IssuerRefusal::NotPlainHttps,
        ),
        ("not a url".to_owned(), IssuerRefusal::NotPlainHttps),
        (
            format!("https://ciamlogin.com.evil.example/{t}/v2.0"),
            IssuerRefusal::NotEntraHost,
        ),
        (
            format!("https://a.b.ciamlogin.com/{t}/v2.0"),
            IssuerRefusal::NotEntraHost,
        ),
        (
            format!("https://{t}.b2clogin.com/{t}/v2.0/"),
            IssuerRefusal::NotEntraHost,
        ),
        (
            "https://login.microsoftonline.com/common/v2.0".to_owned(),
            IssuerRefusal::NoTenantGuid,
        ),
        (
            "https://sts.windows.net/".to_owned(),
            IssuerRefusal::NoTenantGuid,
        ),
    ];
    for (issuer, refusal) in refused {
        assert_eq!(
            key_source(&issuer, None),
            Err(CannotVerify::Issuer {
                issuer: issuer.clone(),
                refusal
            }),
            "{issuer}"
        );
    }
}

#[test]
fn a_refused_issuer_says_which_hosts_the_page_trusts() {
    let text = CannotVerify::Issuer {
        issuer: "https://evil.example/".into(),
        refusal: IssuerRefusal::NotEntraHost,
    }
    .to_string();
    assert!(
        text.contains("ciamlogin.com") && text.contains("build this app"),
        "{text}"
    );
}

#[test]
fn the_fragment_gives_the_id_token_first_then_the_access_token() {
    assert_eq!(
        token_in_fragment("state=s&access_token=at&id_token=it"),
        Some((FragmentToken::IdToken, "it".to_owned()))
    );
    assert_eq!(
        token_in_fragment("access_token=a%2Eb&token_type=Bearer"),
        Some((FragmentToken::AccessToken, "a.b".to_owned()))
    );
    assert_eq!(token_in_fragment("id_token=&state=x"), None);
    assert_eq!(token_in_fragment("error=access_denied"), None);
    assert_eq!(token_in_fragment(""), None);
}
