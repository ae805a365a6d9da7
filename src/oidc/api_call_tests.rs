//! Host tests of the API call core: the request check, the `WWW-Authenticate` parser and the verdicts.

use super::*;
use base64::engine::general_purpose::STANDARD;

fn check(method: ApiMethod, url: &str, body: &str) -> Result<ApiRequest, ApiRequestError> {
    ApiRequest::check(method, url, body, Credential::AccessToken)
}

#[test]
fn accepts_https_anywhere_and_http_only_on_the_loopback_hosts_the_policy_allows() {
    let ok = check(ApiMethod::Get, " https://api.example.com/items ", "").unwrap();
    assert_eq!(ok.url, "https://api.example.com/items");
    assert_eq!(ok.json_body, None);
    assert!(check(ApiMethod::Get, "http://127.0.0.1:8081/_dev/api/me", "").is_ok());
    assert!(check(ApiMethod::Get, "HTTP://LocalHost:3000/", "").is_ok());
    assert_eq!(
        check(ApiMethod::Get, "http://api.example.com/", ""),
        Err(ApiRequestError::PlainHttp {
            host: "api.example.com".into()
        })
    );
    assert_eq!(
        check(ApiMethod::Get, "ftp://example.com/", ""),
        Err(ApiRequestError::Scheme {
            found: "ftp".into()
        })
    );
    for not_a_url in ["", "api.example.com/items", "https:///x", "https://a b/"] {
        assert_eq!(
            check(ApiMethod::Get, not_a_url, ""),
            Err(ApiRequestError::NotAUrl),
            "{not_a_url:?}"
        );
    }
}

#[test]
fn a_body_must_be_json_and_never_rides_on_get() {
    let sent = check(ApiMethod::Post, "https://a.example/", " {\"a\": [1, 2]} ").unwrap();
    assert_eq!(sent.json_body.as_deref(), Some("{\"a\": [1, 2]}"));
    assert_eq!(
        check(ApiMethod::Get, "https://a.example/", "{}"),
        Err(ApiRequestError::BodyWithGet)
    );
    let err = check(ApiMethod::Patch, "https://a.example/", "{\n \"a\": [1,\n]}").unwrap_err();
    let ApiRequestError::BodyNotJson { line, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*line, 3);
    let text = err.to_string();
    assert!(
        text.contains("not valid JSON (line 3, column 1: trailing comma)"),
        "{text}"
    );
    assert!(!text.contains(" at line "), "{text}");
}

#[test]
fn methods_and_credentials_round_trip_through_their_names() {
    for method in ApiMethod::ALL {
        assert_eq!(ApiMethod::parse(method.as_str()), Some(method));
    }
    assert_eq!(ApiMethod::parse("get"), None);
    for credential in Credential::ALL {
        assert_eq!(Credential::parse(credential.id()), Some(credential));
    }
}

#[test]
fn a_tampered_token_differs_in_its_signature_only() {
    let token = AccessToken::new("aGVhZA.Ym9keQ.c2lnbmF0dXJl");
    let tampered = Credential::Tampered.bearer(&token).unwrap();
    let (kept, signature) = tampered.secret().rsplit_once('.').unwrap();
    assert_eq!(kept, "aGVhZA.Ym9keQ");
    assert_ne!(signature, "c2lnbmF0dXJl");
    assert_eq!(signature.len(), "c2lnbmF0dXJl".len());
    assert_eq!(Credential::Omitted.bearer(&token), None);
    assert_eq!(
        Credential::Tampered
            .bearer(&AccessToken::new(""))
            .unwrap()
            .secret(),
        "A"
    );
    assert_eq!(
        Credential::Tampered
            .bearer(&AccessToken::new("a."))
            .unwrap()
            .secret(),
        "a.A"
    );
}

fn param(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

#[test]
fn parses_an_entra_bearer_challenge_with_quoted_escapes() {
    let header =
        r#"Bearer realm="", error="invalid_token", error_description="the \"aud\" is \\ wrong""#;
    let parsed = parse_www_authenticate(header).unwrap();
    assert_eq!(
        parsed,
        [Challenge {
            scheme: "Bearer".into(),
            token68: None,
            params: vec![
                param("realm", ""),
                param("error", "invalid_token"),
                param("error_description", r#"the "aud" is \ wrong"#),
            ],
        }]
    );
}

#[test]
fn parses_several_challenges_tokens_and_token68() {
    let header = r#"Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple", Negotiate abc+/==, bearer error=insufficient_scope"#;
    let parsed = parse_www_authenticate(header).unwrap();
    let schemes: Vec<&str> = parsed.iter().map(|c| c.scheme.as_str()).collect();
    assert_eq!(schemes, ["Newauth", "Basic", "Negotiate", "bearer"]);
    assert_eq!(parsed[0].param("TITLE"), Some("Login to \"apps\""));
    assert_eq!(parsed[0].param("type"), Some("1"));
    assert_eq!(parsed[2].token68.as_deref(), Some("abc+/=="));
    assert_eq!(parsed[3].param("error"), Some("insufficient_scope"));
    assert_eq!(parse_www_authenticate(" , ").unwrap(), []);
    assert_eq!(parse_www_authenticate("Bearer").unwrap()[0].params, []);
}

#[test]
fn refuses_malformed_challenges_with_where_they_break() {
    assert_eq!(
        parse_www_authenticate(r#"Bearer error="invalid_token"#),
        Err(ChallengeError::UnterminatedQuote {
            param: "error".into()
        })
    );
    assert_eq!(
        parse_www_authenticate("Bearer realm=x, error="),
        Err(ChallengeError::ExpectedValue {
            param: "error".into()
        })
    );
    assert_eq!(
        parse_www_authenticate(r#"Bearer realm="a" b"#),
        Err(ChallengeError::ExpectedComma { at: 17 })
    );
    assert_eq!(
        parse_www_authenticate("=x"),
        Err(ChallengeError::ExpectedScheme { at: 0 })
    );
}

#[test]
fn never_panics_on_odd_bytes() {
    for header in [
        "\"",
        "\\",
        "Bearer \"",
        "Bearer a=\"\\",
        "Bearer a=\"é\\é\"",
        "é",
        "Bearer a = \"x\" ,,, b=y",
        "Bearer ==",
        "Bearer a=b=c",
        "\u{0}",
        "Bearer\trealm=\"x\"",
    ] {
        let _ = parse_www_authenticate(header);
        let _ = ChallengeReading::of(Some(header));
    }
    assert_eq!(
        parse_www_authenticate("Bearer a=\"é\\é\"").unwrap()[0].param("a"),
        Some("éé")
    );
}

fn grant(scp: &str, roles: &[&str]) -> TokenGrant {
    TokenGrant {
        audience: Some("api://dev-tenant-api".into()),
        scopes: scp.split_whitespace().map(str::to_owned).collect(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    }
}

#[test]
fn a_403_names_the_scopes_the_token_lacks_against_its_scp_and_roles() {
    let header = r#"Bearer realm="", error="insufficient_scope", scope="api://dev-tenant-api/Admin.ReadWrite api://dev-tenant-api/access_as_user Reports.Read""#;
    let verdict = Verdict::of(
        403,
        Some(header),
        Credential::AccessToken,
        grant("openid access_as_user", &["Reports.Read"]),
    );
    let Verdict::Forbidden { missing, .. } = &verdict else {
        panic!("{verdict:?}");
    };
    assert_eq!(missing, &["api://dev-tenant-api/Admin.ReadWrite"]);
    assert_eq!(
        verdict.headline().unwrap(),
        "403: the token lacks the scope api://dev-tenant-api/Admin.ReadWrite: add it to the \
         sign-in's scopes (Sign-in options) and grant it to the app"
    );
    let details = verdict.details();
    assert!(
        details.contains(&"The token's scp: openid access_as_user".to_owned()),
        "{details:?}"
    );
    assert!(
        details.contains(&"The token's roles: Reports.Read".to_owned()),
        "{details:?}"
    );
    assert!(
        details.contains(&"error: \"insufficient_scope\"".to_owned()),
        "{details:?}"
    );
}

#[test]
fn a_403_without_a_scope_says_the_api_did_not_name_one() {
    let verdict = Verdict::of(403, Some("Bearer"), Credential::AccessToken, grant("", &[]));
    assert_eq!(
        verdict.headline().unwrap(),
        "403: the API accepted the token but does not allow this request"
    );
    let details = verdict.details();
    assert!(
        details.iter().any(|d| d.contains("did not name the scope")),
        "{details:?}"
    );
    assert!(
        details.contains(&"The token's scp: (none)".to_owned()),
        "{details:?}"
    );
}

#[test]
fn a_401_invalid_token_quotes_the_description() {
    let header = r#"Bearer realm="", error="invalid_token", error_description="the signature does not verify""#;
    let verdict = Verdict::of(401, Some(header), Credential::Tampered, grant("", &[]));
    assert_eq!(
        verdict.headline().unwrap(),
        "401 invalid_token: the API refused the token (the signature does not verify)"
    );
    assert_eq!(
        verdict.details(),
        [
            "realm: \"\"",
            "error: \"invalid_token\"",
            "error_description: \"the signature does not verify\""
        ]
    );
}

#[test]
fn a_401_for_no_token_expects_no_error_code() {
    let verdict = Verdict::of(
        401,
        Some("Bearer realm=\"\""),
        Credential::Omitted,
        grant("", &[]),
    );
    assert!(verdict.headline().unwrap().contains("none was sent"));
}

#[test]
fn an_unreadable_or_malformed_or_foreign_challenge_is_explained() {
    let unreadable = Verdict::of(401, None, Credential::AccessToken, grant("", &[]));
    assert!(unreadable.details()[0].contains("Access-Control-Expose-Headers"));
    let malformed = Verdict::of(
        401,
        Some("Bearer error=\"x"),
        Credential::AccessToken,
        grant("", &[]),
    );
    assert_eq!(
        malformed.details(),
        ["WWW-Authenticate is malformed (RFC 9110 §11.6.1): the quoted value of error has no closing quote"]
    );
    let basic = Verdict::of(
        401,
        Some("Basic realm=\"x\""),
        Credential::AccessToken,
        grant("", &[]),
    );
    assert!(basic.details()[0].contains("asks for Basic, not Bearer"));
}

#[test]
fn decodes_an_entra_claims_challenge() {
    // The example of learn.microsoft.com/entra/identity-platform/claims-challenge.
    let header = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiY3AxIn19fQ==""#;
    let verdict = Verdict::of(401, Some(header), Credential::AccessToken, grant("", &[]));
    assert!(verdict.headline().unwrap().contains("claims challenge"));
    let details = verdict.details();
    assert!(
        details.contains(
            &"claims, decoded from base64: {\"access_token\":{\"acrs\":{\"essential\":true,\"value\":\"cp1\"}}} \
              (a sign-in must ask for them: the extra parameter claims in Sign-in options)"
                .to_owned()
        ),
        "{details:?}"
    );
    let unpadded = ClaimsChallenge::decode(&STANDARD.encode("{}").replace('=', ""));
    assert_eq!(unpadded.decoded.as_deref(), Ok("{}"));
    assert_eq!(
        ClaimsChallenge::decode("!!").decoded,
        Err(ClaimsUndecodable::Base64)
    );
    assert_eq!(
        ClaimsChallenge::decode(&STANDARD.encode("not json")).decoded,
        Err(ClaimsUndecodable::NotJson)
    );
}

#[test]
fn other_statuses_need_no_explanation() {
    for status in [200, 204, 404, 405, 500] {
        let verdict = Verdict::of(
            status,
            Some("Bearer"),
            Credential::AccessToken,
            grant("", &[]),
        );
        assert_eq!(verdict, Verdict::Answered);
        assert_eq!(verdict.headline(), None);
    }
}

#[test]
fn the_grant_is_read_from_scp_and_roles() {
    let claims = crate::oidc::decode_jwt(&format!(
        "{}.{}.",
        STANDARD.encode(r#"{"alg":"RS256"}"#).replace('=', ""),
        STANDARD
            .encode(r#"{"aud":"api://x","scp":"a b","roles":["R",1]}"#)
            .replace('=', "")
    ))
    .unwrap()
    .claims;
    let found = TokenGrant::of(Some(&claims));
    assert_eq!(
        found,
        TokenGrant {
            audience: Some("api://x".into()),
            scopes: vec!["a".into(), "b".into()],
            roles: vec!["R".into()],
        }
    );
    assert!(found.grants("api://x/b") && found.grants("R") && !found.grants("c"));
    assert_eq!(TokenGrant::of(None), TokenGrant::default());
}

#[test]
fn the_cors_advice_names_origin_method_and_headers() {
    let advice = cors_advice("http://localhost:8080", ApiMethod::Put, true).join(" ");
    for part in [
        "Access-Control-Allow-Origin: http://localhost:8080",
        "Access-Control-Allow-Headers: Authorization, Content-Type",
        "Access-Control-Allow-Methods: PUT",
        "Access-Control-Expose-Headers",
    ] {
        assert!(advice.contains(part), "{part:?} in {advice}");
    }
}

#[test]
fn a_body_over_one_mib_is_cut_at_a_character_boundary() {
    let small = "{}";
    assert_eq!(capped_body(small), ("{}", None));
    let big = format!("a{}", "é".repeat(MAX_JSON_BODY_BYTES / 2));
    let (shown, note) = capped_body(&big);
    assert_eq!(shown.len(), MAX_JSON_BODY_BYTES - 1);
    assert_eq!(note, Some(BodyNote::Truncated { total: big.len() }));
    assert!(note
        .unwrap()
        .to_string()
        .contains("first 1048576 bytes (1 MiB) of 1048577"));
}
