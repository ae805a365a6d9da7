//! The rules a static host needs for the built single-page app, written after every build next to
//! `index.html` as `staticwebapp.config.json` (Azure Static Web Apps; the README has the same rules
//! for nginx): every path without a file falls back to `index.html` (the app routes `/callback`,
//! `/profile`, `/decode` …), but a missing asset is a 404; hashed files are cached for a year,
//! `index.html` never without asking; the page's Content-Security-Policy (read from its meta) is also
//! sent as a header, with the `frame-ancestors 'none'` a meta cannot carry.

use crate::proc::Failure;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "staticwebapp.config.json";
/// For files whose name carries trunk's content hash: a new build writes new names.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For `index.html` (and so every app route): it names the current hashed files.
pub const REVALIDATE: &str = "no-cache";
/// What a meta element cannot set (CSP Level 3: `frame-ancestors` in a meta is ignored).
pub const FRAME_ANCESTORS: &str = "frame-ancestors 'none'";
/// Paths with these extensions are files, never app routes: missing, they are a 404, so that an old
/// page asking for last build's hashed script gets an error instead of HTML it cannot run.
const ASSET_PATTERN: &str = "/*.{js,wasm,css,map,json,ico,png,svg,txt,webmanifest}";

/// `cargo xtask csp-hook`'s second half: the hosting rules into `$TRUNK_STAGING_DIR`.
pub fn hook() -> Result<(), Failure> {
    let staging = std::env::var("TRUNK_STAGING_DIR").map_err(|_| {
        Failure::new(
            "TRUNK_STAGING_DIR is not set: the hosting rules are written by trunk's post_build \
             hook (Trunk.toml [[hooks]]); run `trunk build` or `cargo xtask build`",
        )
    })?;
    let dir = Path::new(&staging);
    let hashed = write(dir)?;
    println!("hosting rules: {CONFIG_FILE} ({hashed} hashed files cached for a year)");
    Ok(())
}

/// Writes `dir/staticwebapp.config.json` for the build in `dir`; returns how many hashed files it
/// caches for a year.
pub fn write(dir: &Path) -> Result<usize, Failure> {
    let index = dir.join("index.html");
    let html = std::fs::read_to_string(&index)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", index.display())))?;
    let policy = policy_of(&html).ok_or_else(|| {
        Failure::new(format!(
            "{} has no Content-Security-Policy meta to send as a header: `cargo xtask csp-hook` \
             writes it first (Trunk.toml post_build)",
            index.display()
        ))
    })?;
    let hashed = hashed_files(dir)?;
    let config = static_web_app_config(policy, &hashed);
    let text = serde_json::to_string_pretty(&config)
        .map_err(|e| Failure::new(format!("cannot write {CONFIG_FILE}: {e}")))?;
    let file = dir.join(CONFIG_FILE);
    std::fs::write(&file, text + "\n")
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", file.display())))?;
    Ok(hashed.len())
}

/// The policy of the page's `<meta http-equiv="Content-Security-Policy">`, as `csp::with_policy`
/// writes it.
fn policy_of(html: &str) -> Option<&str> {
    let lower = html.to_ascii_lowercase();
    let meta = lower.find("http-equiv=\"content-security-policy\"")?;
    const CONTENT: &str = "content=\"";
    let start = lower[meta..].find(CONTENT)? + meta + CONTENT.len();
    let end = html[start..].find('"')? + start;
    Some(&html[start..end])
}

/// The configuration: the headers of every answer, one route per hashed file, the fallback.
fn static_web_app_config(policy: &str, hashed: &[String]) -> Value {
    let routes: Vec<Value> = hashed
        .iter()
        .map(|path| json!({ "route": path, "headers": { "Cache-Control": IMMUTABLE } }))
        .collect();
    let mut global = Map::new();
    let policy = format!("{}; {FRAME_ANCESTORS}", policy.trim_end_matches([';', ' ']));
    for (name, value) in [
        ("Content-Security-Policy", policy.as_str()),
        ("Referrer-Policy", "no-referrer"),
        ("X-Content-Type-Options", "nosniff"),
        // The fallback serves index.html under every app route; a route's header overrides this.
        ("Cache-Control", REVALIDATE),
    ] {
        global.insert(name.to_owned(), Value::from(value));
    }
    json!({
        "navigationFallback": { "rewrite": "/index.html", "exclude": [ASSET_PATTERN] },
        "routes": routes,
        "globalHeaders": global,
        "mimeTypes": { ".wasm": "application/wasm" },
    })
}

/// The URL paths of the files in `dir` (and below) whose name carries a content hash, sorted.
fn hashed_files(dir: &Path) -> Result<Vec<String>, Failure> {
    let mut found = Vec::new();
    let mut pending: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current)
            .map_err(|e| Failure::new(format!("cannot read {}: {e}", current.display())))?;
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let Ok(relative) = path.strip_prefix(dir) else {
                continue;
            };
            let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            if is_hashed(&url) {
                found.push(url);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Whether a path carries trunk's content hash: `-` and 12 to 16 lower-case hex digits, then `.`,
/// `_` or `/` (`app-51f2e7c976cd173e_bg.wasm`, `main-32a6bb9f390c409d.css`,
/// `snippets/x-0123456789abcdef/…`). Trunk prints the 64-bit hash without leading zeros, so one
/// name in 16 has 15 digits (`entra-signin-313423710da9b6c.js`).
pub fn is_hashed(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.iter().enumerate().any(|(i, b)| {
        let digits = bytes[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
            .count();
        *b == b'-'
            && (12..=16).contains(&digits)
            && matches!(bytes.get(i + 1 + digits), Some(b'.' | b'_' | b'/'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_trunks_hashed_names_only() {
        assert!(is_hashed("/entra-signin-51f2e7c976cd173e_bg.wasm"));
        assert!(is_hashed("/entra-signin-ba2fe9bc6be36ef1.js"));
        assert!(is_hashed("/main-32a6bb9f390c409d.css"));
        assert!(
            is_hashed("/entra-signin-313423710da9b6c.js"),
            "a hash with a leading zero"
        );
        assert!(!is_hashed("/x-abc.js"), "too short for a 64-bit hash");
        assert!(is_hashed("/snippets/app-0123456789abcdef/inline0.js"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/entra-signin.js"));
        assert!(
            !is_hashed("/x-51F2E7C976CD173E.js"),
            "trunk writes lower case"
        );
        assert!(!is_hashed("/x-51f2e7c976cd173e9.js"), "17 digits");
    }

    #[test]
    fn reads_the_policy_from_the_meta_and_adds_frame_ancestors() {
        let html = "<html><meta charset=utf-8><meta http-equiv=\"Content-Security-Policy\" \
                    content=\"default-src 'self'; object-src 'none'\"><meta content=no-referrer \
                    name=referrer>";
        let policy = policy_of(html).expect("the meta");
        assert_eq!(policy, "default-src 'self'; object-src 'none'");
        let config = static_web_app_config(policy, &["/a-0123456789abcdef.js".to_owned()]);
        assert_eq!(
            config["globalHeaders"]["Content-Security-Policy"],
            "default-src 'self'; object-src 'none'; frame-ancestors 'none'"
        );
        assert_eq!(config["globalHeaders"]["Cache-Control"], REVALIDATE);
        assert_eq!(
            config["routes"][0],
            json!({ "route": "/a-0123456789abcdef.js", "headers": { "Cache-Control": IMMUTABLE } })
        );
        assert_eq!(policy_of("<meta name=referrer content=no-referrer>"), None);
    }
}
