//! The conformance table: every fault this tenant offers, what a relying party must do about it, the OpenID
//! Foundation relying-party certification test it matches, and the tests that show the app does it. The one source
//! of the rows: the app's end-to-end test (`tests/e2e/conformance.rs`) runs them, and `docs/conformance.md` is
//! generated from them (`cargo xtask conformance`).

use crate::faults::Fault;

/// How a case reaches the fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// A sign-in from the home page.
    SignIn,
    /// A clean sign-in (with `before` armed for it, if any), then the fault, then "Refresh tokens".
    Refresh {
        /// Armed for the sign-in: what the fault needs the original ID token to carry.
        before: Option<Fault>,
        /// Someone else redeems the session's refresh token before the app does.
        redeemed_elsewhere: bool,
    },
}

/// What the app must do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Accept: the sign-in (or renewal) completes.
    Accepted,
    /// Reject the ID token: the report's `check` row fails, and what it found contains `found` (`""` where the
    /// value is random).
    FailedCheck {
        check: &'static str,
        found: &'static str,
        /// The inspector steps marked failed: `validation`, and `jwks` too when no key could be used.
        steps: &'static [&'static str],
    },
    /// Stop at inspector step `step` with the failure titled `title`, whose explanation contains `says`.
    Failed {
        step: &'static str,
        title: &'static str,
        says: &'static str,
    },
}

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Case {
    /// The fault; `None` for the clean sign-in every other case is measured against.
    pub fault: Option<Fault>,
    pub flow: Flow,
    pub expect: Expect,
    /// The OpenID Foundation RP certification test (Basic RP / Config RP profiles) this matches.
    pub rp_test: Option<&'static str>,
    /// `module::test` of the app's host test of the same rule (`src/oidc/{module}.rs` or `{module}_tests.rs`).
    pub host_test: Option<&'static str>,
}

/// The end-to-end test that runs every case, in one browser.
pub const BROWSER_TEST: &str = "conformance::every_conformance_case_in_one_browser";

const UNREADABLE: &str = "The ID token is not a readable JWT";
const BAD_METADATA: &str = "The tenant's OpenID metadata is unusable";
const BAD_KEYS: &str = "The tenant's signing keys are unusable";
const TOKEN_REFUSED: &str = "The token endpoint refused the code";

const fn sign_in(
    fault: Fault,
    expect: Expect,
    rp: Option<&'static str>,
    host: &'static str,
) -> Case {
    Case {
        fault: Some(fault),
        flow: Flow::SignIn,
        expect,
        rp_test: rp,
        host_test: Some(host),
    }
}

const fn check(check: &'static str, found: &'static str) -> Expect {
    Expect::FailedCheck {
        check,
        found,
        steps: &["validation"],
    }
}

/// A check that fails because key selection found no usable key: the keys step fails too.
const fn key_check(check: &'static str, found: &'static str) -> Expect {
    Expect::FailedCheck {
        check,
        found,
        steps: &["jwks", "validation"],
    }
}

const fn failed(step: &'static str, title: &'static str, says: &'static str) -> Expect {
    Expect::Failed { step, title, says }
}

const fn refresh(fault: Fault, before: Option<Fault>, expect: Expect, host: &'static str) -> Case {
    Case {
        fault: Some(fault),
        flow: Flow::Refresh {
            before,
            redeemed_elsewhere: false,
        },
        expect,
        rp_test: None,
        host_test: Some(host),
    }
}

/// Every case, in the order they run. `missing_kid_single_key` needs the JWKS to hold one key: it comes before
/// the cases that publish another for good (`kid_not_yet_published`, `missing_kid_several_keys`).
pub const CASES: [Case; 47] = [
    Case {
        fault: None,
        flow: Flow::SignIn,
        expect: Expect::Accepted,
        rp_test: Some("rp-response_type-code, rp-id_token-sig-rs256"),
        host_test: Some("id_token::accepts_a_valid_token_and_reports_every_check_in_spec_order"),
    },
    sign_in(
        Fault::WrongIss,
        check("iss", ""),
        Some("rp-id_token-issuer-mismatch"),
        "id_token::rejects_wrong_issuer_with_expected_and_found",
    ),
    sign_in(
        Fault::WrongAud,
        check("aud", ""),
        Some("rp-id_token-aud"),
        "id_token::rejects_wrong_audience",
    ),
    sign_in(
        Fault::MissingAud,
        check("aud", "(absent)"),
        Some("rp-id_token-aud"),
        "id_token::rejects_a_token_without_aud",
    ),
    sign_in(
        Fault::ExtraAudWithoutAzp,
        check("azp", "(absent)"),
        None,
        "id_token::rejects_extra_audience_without_azp",
    ),
    sign_in(
        Fault::AzpNotClient,
        check("azp", ""),
        None,
        "id_token::rejects_azp_naming_another_client",
    ),
    sign_in(
        Fault::MissingSub,
        check("sub", "(absent)"),
        Some("rp-id_token-sub"),
        "id_token::rejects_missing_sub",
    ),
    sign_in(
        Fault::MissingIat,
        check("iat", "(absent)"),
        Some("rp-id_token-iat"),
        "id_token::rejects_missing_iat",
    ),
    sign_in(
        Fault::ExpiredExp,
        check("exp", "UTC"),
        None,
        "id_token::rejects_an_expired_token",
    ),
    sign_in(
        Fault::NbfInFuture,
        check("nbf", "UTC"),
        None,
        "id_token::rejects_nbf_in_the_future_beyond_the_leeway",
    ),
    sign_in(
        Fault::IatInFuture,
        check("iat", "UTC"),
        None,
        "id_token::rejects_iat_in_the_future_beyond_the_leeway",
    ),
    sign_in(
        Fault::WrongNonce,
        check("nonce", "not-your-nonce-"),
        Some("rp-nonce-invalid"),
        "id_token::rejects_a_wrong_or_missing_nonce",
    ),
    sign_in(
        Fault::MissingNonce,
        check("nonce", "(absent)"),
        None,
        "id_token::rejects_a_token_without_nonce_naming_the_one_sent",
    ),
    sign_in(
        Fault::CritHeader,
        check("crit", "urn:dev-tenant:must-understand"),
        None,
        "id_token::rejects_a_critical_header_extension_it_does_not_understand",
    ),
    sign_in(
        Fault::TypNotJwt,
        check("typ", "at+jwt"),
        None,
        "id_token::rejects_a_typ_that_declares_another_kind_of_token",
    ),
    sign_in(
        Fault::AlgNone,
        key_check("alg", "none"),
        Some("rp-id_token-sig-none (inverted: this client never registers `none`)"),
        "id_token::rejects_alg_none_before_any_key_and_in_the_report",
    ),
    sign_in(
        Fault::AlgHs256PublicKey,
        key_check("alg", "HS256"),
        None,
        "id_token::rejects_hs256_signed_with_the_rsa_public_key_as_hmac_secret",
    ),
    sign_in(
        Fault::MissingKidSingleKey,
        Expect::Accepted,
        Some("rp-id_token-kid-absent-single-jwks"),
        "id_token::token_without_kid_uses_the_only_key",
    ),
    sign_in(
        Fault::UnpublishedSigningKey,
        check("signature", "INVALID"),
        Some("rp-id_token-bad-sig-rs256"),
        "id_token::rejects_a_tampered_payload_as_a_bad_signature",
    ),
    sign_in(
        Fault::UnknownKid,
        key_check("signature", "not in the issuer's JWKS"),
        None,
        "id_token::unknown_kid_asks_for_one_refetch_then_is_final",
    ),
    sign_in(
        Fault::KidNotYetPublished,
        Expect::Accepted,
        Some("rp-key-rotation-op-sign-key"),
        "id_token::unknown_kid_asks_for_one_refetch_then_is_final",
    ),
    sign_in(
        Fault::MissingKidSeveralKeys,
        key_check("signature", "has no kid"),
        Some("rp-id_token-kid-absent-multiple-jwks"),
        "id_token::token_without_kid_is_rejected_when_there_are_several_keys",
    ),
    sign_in(
        Fault::IdTokenJwe,
        failed("jwks", UNREADABLE, "encrypted (JWE, 5 parts)"),
        None,
        "jwt::rejects_wrong_part_counts_and_names_encrypted_tokens",
    ),
    sign_in(
        Fault::DuplicateSub,
        failed("jwks", UNREADABLE, "repeats the member \"sub\""),
        None,
        "jwt::rejects_a_repeated_claim_name",
    ),
    sign_in(
        Fault::WithAuthTime,
        Expect::Accepted,
        None,
        "id_token::refreshed_token_with_a_changed_auth_time_fails_and_an_absent_one_passes",
    ),
    sign_in(
        Fault::JwksKeyKtyEc,
        key_check("signature", "kty \"EC\""),
        None,
        "id_token::rejects_keys_that_are_ambiguous_encryption_only_or_not_rsa",
    ),
    sign_in(
        Fault::JwksKeyUseEnc,
        key_check("signature", "use \"enc\""),
        None,
        "id_token::rejects_keys_that_are_ambiguous_encryption_only_or_not_rsa",
    ),
    sign_in(
        Fault::JwksKeyAlgRs384,
        key_check("signature", "alg \"RS384\""),
        None,
        "id_token::rejects_an_rsa_key_smaller_than_2048_bits_and_a_jwk_for_another_alg",
    ),
    sign_in(
        Fault::JwksKey1024Bits,
        key_check("signature", "has 1024 bits"),
        None,
        "id_token::rejects_an_rsa_key_smaller_than_2048_bits_and_a_jwk_for_another_alg",
    ),
    sign_in(
        Fault::JwksDuplicateKid,
        key_check("signature", "2 keys in the JWKS share kid"),
        None,
        "id_token::rejects_keys_that_are_ambiguous_encryption_only_or_not_rsa",
    ),
    sign_in(
        Fault::JwksMalformed,
        failed("jwks", BAD_KEYS, "not a JWK Set"),
        Some("rp-discovery-jwks_uri-keys"),
        "jwks::rejects_a_truncated_key_set_answered_with_200",
    ),
    sign_in(
        Fault::JwksUnavailable,
        failed("jwks", BAD_KEYS, "signing keys request failed"),
        None,
        "jwks::rejects_a_body_without_keys_and_a_failed_request",
    ),
    Case {
        fault: Some(Fault::JwksNoCors),
        flow: Flow::SignIn,
        expect: failed(
            "jwks",
            "The tenant could not be reached",
            "discovery/v2.0/keys",
        ),
        rp_test: None,
        host_test: None,
    },
    sign_in(
        Fault::DiscoveryOtherIssuer,
        failed("discovery", BAD_METADATA, "does not name the tenant"),
        Some("rp-discovery-issuer-not-matching-config"),
        "discovery::override_rejects_an_issuer_without_the_configured_tenant",
    ),
    sign_in(
        Fault::DiscoveryHttpEndpoint,
        failed("discovery", BAD_METADATA, "token_endpoint must be https"),
        None,
        "discovery::rejects_an_http_endpoint_on_a_public_host",
    ),
    sign_in(
        Fault::DiscoveryWithoutRs256,
        failed("discovery", BAD_METADATA, "must include RS256"),
        None,
        "discovery::rejects_metadata_that_does_not_offer_rs256",
    ),
    sign_in(
        Fault::AuthorizeWrongIss,
        failed(
            "callback",
            "The tenant's answer is malformed",
            "mix-up attack",
        ),
        None,
        "callback::an_iss_naming_another_server_is_a_mix_up",
    ),
    sign_in(
        Fault::TokenServerError,
        failed(
            "token-response",
            TOKEN_REFUSED,
            "did not answer with token JSON",
        ),
        None,
        "token::html_500_names_status_and_content",
    ),
    Case {
        fault: Some(Fault::TokenStall),
        flow: Flow::SignIn,
        expect: Expect::Accepted,
        rp_test: None,
        host_test: None,
    },
    sign_in(
        Fault::TokenWithoutIdToken,
        failed("token-response", TOKEN_REFUSED, "lacks \"id_token\""),
        None,
        "token::code_response_without_id_token_is_an_error",
    ),
    sign_in(
        Fault::TokenTypePop,
        failed("token-response", TOKEN_REFUSED, "token_type must be Bearer"),
        None,
        "token::rejects_a_token_type_other_than_bearer",
    ),
    refresh(
        Fault::RefreshDifferentSub,
        None,
        check("refresh: sub", ""),
        "id_token::refreshed_token_for_another_subject_is_rejected",
    ),
    refresh(
        Fault::RefreshNonceOmitted,
        None,
        Expect::Accepted,
        "id_token::refreshed_token_without_nonce_passes_when_no_nonce_was_sent",
    ),
    refresh(
        Fault::RefreshNonceChanged,
        None,
        check("refresh: nonce", ""),
        "id_token::refreshed_token_with_another_nonce_fails_the_12_2_nonce_check",
    ),
    refresh(
        Fault::RefreshChangedAzp,
        None,
        check("refresh: azp", ""),
        "id_token::refreshed_token_with_an_azp_the_original_lacked_fails",
    ),
    refresh(
        Fault::RefreshChangedAuthTime,
        Some(Fault::WithAuthTime),
        check("refresh: auth_time", ""),
        "id_token::refreshed_token_with_a_changed_auth_time_fails_and_an_absent_one_passes",
    ),
    Case {
        fault: Some(Fault::RefreshSingleUse),
        flow: Flow::Refresh {
            before: None,
            redeemed_elsewhere: true,
        },
        expect: failed(
            "token-response",
            "The tenant refused to renew the tokens",
            "invalid_grant",
        ),
        rp_test: None,
        host_test: Some("token::refusals_of_the_refresh_token_or_the_client_end_the_session"),
    },
];

impl Case {
    /// The case's name: the fault's, or `clean sign-in`.
    pub fn name(&self) -> &'static str {
        self.fault.map_or("clean sign-in", Fault::name)
    }

    /// What the app must do, in words.
    pub fn must(&self) -> String {
        let flow = match self.flow {
            Flow::SignIn => "sign-in",
            Flow::Refresh { .. } => "renewal",
        };
        match self.expect {
            Expect::Accepted => format!("the {flow} completes"),
            Expect::FailedCheck { check, .. } => format!("{flow} refused: check `{check}` fails"),
            Expect::Failed { step, title, .. } => format!("{flow} stops at `{step}`: {title}"),
        }
    }

    /// The columns before the result: case, RP test, host test, browser test.
    pub fn columns(&self) -> [String; 4] {
        let or_dash = |s: Option<&str>| s.map_or("—".to_owned(), |s| format!("`{s}`"));
        [
            format!("`{}`", self.name()),
            self.rp_test.map_or("—".to_owned(), str::to_owned),
            or_dash(self.host_test),
            format!("`{BROWSER_TEST}` / `{}`", self.name()),
        ]
    }
}

/// `docs/conformance.md`.
pub fn markdown() -> String {
    let mut text = String::from(
        "# Conformance\n\n\
         Generated from `dev-tenant/src/conformance.rs` by `cargo xtask conformance`; do not edit.\n\n\
         Every fault of the dev tenant, what the app must do about it, the OpenID Foundation relying-party \
         certification test it corresponds to (\"—\" where there is none), the host test of the rule, and the case of \
         the end-to-end test that runs them all in one browser. `cargo xtask test` prints this table with each case's \
         result from that run; every row must pass.\n\n\
         | case | RP certification test | the app must | host test | browser test |\n\
         | --- | --- | --- | --- | --- |\n",
    );
    for case in CASES {
        let [name, rp, host, browser] = case.columns();
        text.push_str(&format!(
            "| {name} | {rp} | {} | {host} | {browser} |\n",
            case.must()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn workspace() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn every_fault_has_exactly_one_case() {
        for fault in Fault::ALL {
            let rows = CASES.iter().filter(|c| c.fault == Some(fault)).count();
            assert_eq!(rows, 1, "{fault}: {rows} rows in conformance::CASES");
        }
    }

    #[test]
    fn every_named_host_test_exists() {
        for case in CASES {
            let Some(test) = case.host_test else { continue };
            let (module, name) = test.split_once("::").unwrap_or(("", test));
            let oidc = workspace().join("src").join("oidc");
            let found = [format!("{module}.rs"), format!("{module}_tests.rs")]
                .iter()
                .filter_map(|file| std::fs::read_to_string(oidc.join(file)).ok())
                .any(|source| source.contains(&format!("fn {name}()")));
            assert!(
                found,
                "{}: no host test `{name}` in src/oidc/{module}",
                case.name()
            );
        }
    }

    #[test]
    fn the_single_key_case_runs_before_the_cases_that_publish_another_key() {
        let at = |f| CASES.iter().position(|c| c.fault == Some(f));
        for publishing in [Fault::KidNotYetPublished, Fault::MissingKidSeveralKeys] {
            assert!(
                at(Fault::MissingKidSingleKey) < at(publishing),
                "{publishing}"
            );
        }
    }

    #[test]
    fn docs_conformance_md_is_up_to_date() {
        let path = workspace().join("docs").join("conformance.md");
        let expected = markdown();
        if std::env::var_os("UPDATE_CONFORMANCE").is_some() {
            std::fs::create_dir_all(path.parent().unwrap_or(&path)).expect("docs/");
            std::fs::write(&path, &expected).expect("write docs/conformance.md");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "docs/conformance.md is stale: regenerate it with `cargo xtask conformance`"
        );
    }
}
