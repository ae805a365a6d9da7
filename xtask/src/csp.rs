//! The Content-Security-Policy of the built page: `cargo xtask csp-hook`, run by trunk after every
//! build (`[[hooks]] stage = "post_build"` in `Trunk.toml`, so plain `trunk build` and `trunk serve`
//! get it too), writes a `<meta http-equiv="Content-Security-Policy">` into the staged
//! `index.html`, with the hash of each inline script trunk wrote (the module script that loads the
//! wasm) and the tenant's origin from the same configuration variables the app is built with.

use crate::config::{origin, BuildConfig, RawConfig, VARIABLES};
use crate::proc::Failure;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The origins the page may `fetch` besides its own (`'self'`: the wasm, trunk's live reload): the
/// tenant's, where discovery, the keys and the token endpoint live, then [`USER_APIS`]. **The one
/// place to widen `connect-src`.**
pub fn connect_origins(config: &BuildConfig) -> Vec<String> {
    origin(&config.authority)
        .into_iter()
        .chain(USER_APIS.map(str::to_owned))
        .collect()
}

/// "Call an API" sends to whatever API the tester names, so any `https:` origin (which also
/// covers the token decoder's other Entra issuers, `*.ciamlogin.com` and
/// `login.microsoftonline.com`) and an API on this machine over plain http (the app's
/// `oidc::api_call::PLAIN_HTTP_HOSTS` refuses the other `http:` URLs with the reason). A pasted
/// token still cannot choose a server: the decoder's issuer rule decides what it fetches.
const USER_APIS: [&str; 3] = ["https:", "http://127.0.0.1:*", "http://localhost:*"];

/// The policy for a page whose inline scripts are `inline_scripts`.
pub fn policy(config: &BuildConfig, inline_scripts: &[&str]) -> Result<String, Failure> {
    let tenant = origin(&config.authority).ok_or_else(|| {
        Failure::new(format!(
            "AUTHORITY {:?} has no http(s) origin for the Content-Security-Policy: set an https:// \
             authority",
            config.authority
        ))
    })?;
    let hashes: Vec<String> = inline_scripts
        .iter()
        .map(|s| format!("'sha256-{}'", STANDARD.encode(Sha256::digest(s.as_bytes()))))
        .collect();
    let script_src = ["'self'", "'wasm-unsafe-eval'"]
        .into_iter()
        .map(str::to_owned)
        .chain(hashes);
    let connect_src = std::iter::once("'self'".to_owned()).chain(connect_origins(config));
    let join = |sources: Vec<String>| sources.join(" ");
    Ok([
        "default-src 'self'".to_owned(),
        format!("script-src {}", join(script_src.collect())),
        "style-src 'self'".to_owned(),
        format!("connect-src {}", join(connect_src.collect())),
        format!("form-action {tenant}"),
        "base-uri 'none'".to_owned(),
        "object-src 'none'".to_owned(),
    ]
    .join("; "))
}

/// The text of every `<script>` element without `src`, as written.
fn inline_scripts(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find("<script").map(|i| i + from) {
        let Some(open_end) = lower[start..].find('>').map(|i| i + start + 1) else {
            break;
        };
        let Some(close) = lower[open_end..].find("</script").map(|i| i + open_end) else {
            break;
        };
        if !lower[start..open_end].contains(" src=") {
            found.push(&html[open_end..close]);
        }
        from = close;
    }
    found
}

/// `html` with the policy's `<meta>` right after `<meta charset>` (before any script or link it
/// governs), or after `<head>`.
pub fn with_policy(html: &str, policy: &str) -> Result<String, Failure> {
    let lower = html.to_ascii_lowercase();
    // The meta itself, not the words: a debug build (`trunk serve`) keeps index.html's comments.
    let meta = [
        "http-equiv=\"content-security-policy\"",
        "http-equiv=content-security-policy",
    ];
    if meta.iter().any(|m| lower.contains(m)) {
        return Err(Failure::new(
            "index.html already has a Content-Security-Policy: remove it, the post_build hook \
             (`cargo xtask csp-hook`) writes the one that matches the build",
        ));
    }
    let after = |tag: &str| {
        let start = lower.find(tag)?;
        lower[start..].find('>').map(|i| start + i + 1)
    };
    let at = after("<meta charset").or_else(|| after("<head")).ok_or_else(|| {
        Failure::new("index.html has neither <meta charset> nor <head>: keep <meta charset=\"utf-8\"> first in its <head>")
    })?;
    let meta = format!(r#"<meta http-equiv="Content-Security-Policy" content="{policy}">"#);
    Ok(format!("{}{meta}{}", &html[..at], &html[at..]))
}

/// The configuration from the environment trunk was started with (the app's `build.rs` reads the
/// same variables and has already refused bad values).
pub fn config_from_env() -> Result<BuildConfig, Failure> {
    let values = VARIABLES.map(|v| std::env::var(v).ok());
    BuildConfig::parse(RawConfig::from_values(&values))
        .map_err(|e| Failure::new(format!("invalid configuration: {e}")))
}

/// `cargo xtask csp-hook`: writes the policy into `$TRUNK_STAGING_DIR/index.html`.
pub fn hook() -> Result<(), Failure> {
    let staging = std::env::var("TRUNK_STAGING_DIR").map_err(|_| {
        Failure::new(
            "TRUNK_STAGING_DIR is not set: `csp-hook` is run by trunk after a build (Trunk.toml \
             [[hooks]]); run `trunk build` or `cargo xtask build`",
        )
    })?;
    let file = Path::new(&staging).join("index.html");
    let html = std::fs::read_to_string(&file)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", file.display())))?;
    let policy = policy(&config_from_env()?, &inline_scripts(&html))?;
    let written = with_policy(&html, &policy)?;
    std::fs::write(&file, written)
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", file.display())))?;
    println!("Content-Security-Policy: {policy}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEV_TENANT_AUTHORITY;

    fn config(authority: Option<&str>) -> BuildConfig {
        let mut values: [Option<String>; VARIABLES.len()] = Default::default();
        if let Some(a) = authority {
            values[5] = Some(a.to_owned());
            values[1] = Some("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9".to_owned());
            values[2] = Some("6a1c3f2e-9b8d-4e7f-a0c1-d2e3f4a5b6c7".to_owned());
        }
        BuildConfig::parse(RawConfig::from_values(&values)).expect("a valid test configuration")
    }

    #[test]
    fn the_default_build_may_connect_to_itself_the_local_dev_tenant_https_and_loopback_only() {
        let found = policy(&config(None), &["alert(1)"]).expect("a policy");
        assert!(DEV_TENANT_AUTHORITY.starts_with("http://127.0.0.1:8081/"));
        assert_eq!(
            found,
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' \
             'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='; style-src 'self'; \
             connect-src 'self' http://127.0.0.1:8081 https: http://127.0.0.1:* \
             http://localhost:*; form-action http://127.0.0.1:8081; \
             base-uri 'none'; object-src 'none'"
        );
    }

    #[test]
    fn a_configured_authority_is_the_first_other_origin() {
        let found = policy(
            &config(Some(
                "https://Contoso.ciamlogin.com/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9/",
            )),
            &[],
        )
        .expect("a policy");
        assert!(
            found.contains(
                "connect-src 'self' https://contoso.ciamlogin.com https: http://127.0.0.1:* \
                 http://localhost:*;"
            ),
            "{found}"
        );
        assert!(
            found.contains("form-action https://contoso.ciamlogin.com;"),
            "{found}"
        );
        assert!(
            found.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{found}"
        );
    }

    #[test]
    fn hashes_inline_scripts_only_and_writes_the_meta_after_the_charset() {
        let html = "<!doctype html><html lang=en><meta charset=utf-8><title>t</title>\
                    <script type=module>alert(1)</script><script src=/a.js></script>\
                    <SCRIPT>x()</SCRIPT></head>";
        assert_eq!(inline_scripts(html), vec!["alert(1)", "x()"]);
        let written = with_policy(html, "default-src 'self'").expect("written");
        assert!(written.starts_with(
            "<!doctype html><html lang=en><meta charset=utf-8><meta \
             http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\"><title>"
        ));
        assert!(
            with_policy(&written, "x").is_err(),
            "a second policy is refused"
        );
        assert!(with_policy("<p>no head</p>", "x").is_err());
        let commented = "<meta charset=utf-8><!-- the Content-Security-Policy meta goes here -->";
        assert!(
            with_policy(commented, "x").is_ok(),
            "a comment that names the policy is no policy"
        );
        assert!(with_policy(
            "<meta charset=utf-8><meta http-equiv=Content-Security-Policy content=x>",
            "y"
        )
        .is_err());
    }
}
