//! Task runner for the workspace: `cargo xtask setup | serve | build | test | size | conformance`.

mod build;
mod csp;
mod dev_tenant_hook;
mod fuzz;
mod hosting;
mod proc;
mod setup;
mod size;
mod test;

/// The app's own configuration rules, so that `serve` and `build` reject bad values before building.
#[allow(dead_code)]
#[path = "../../src/config.rs"]
mod config;

use proc::Failure;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  setup   install what building and testing need (wasm32 std, trunk, wasm-bindgen, wasm-opt, Chromium)
  serve   serve the app (open http://localhost:8080), and the local dev tenant on :8081 when no tenant is configured
  build   write a release build to dist/
  test    run every check and test; ends with `N passed, N failed`
  bench   load time of the home page against a minimal Leptos app, and where a sign-in's time goes
          (headless Chromium; a measurement, never a test)
  size    the gzip size of dist/ against a minimal Leptos app (budget: xtask/size-budget.txt), the top crates
          and functions of the wasm
  conformance  regenerate docs/conformance.md from the conformance table (dev-tenant/src/conformance.rs)
  fuzz [CASES]  property tests of the parsers of untrusted input with CASES cases each (default 1,000,000;
                `cargo xtask test` runs 10,000)
  csp-hook      trunk's post_build hook (Trunk.toml): writes the Content-Security-Policy into the built index.html,
                and the hosting rules (headers, fallback) into staticwebapp.config.json next to it
  dev-tenant-hook  trunk's pre_build hook (Trunk.toml): under `trunk serve` with no tenant configured, starts
                the local dev tenant when nothing listens on its port; it stops with trunk

Configuration (environment): TENANT_NAME, TENANT_GUID, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, AUTHORITY, SCOPES,
POST_LOGOUT_REDIRECT_URI.";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::setup(&root, setup::Wants { browser: true }).map(|_| ()),
        Some("serve") => build::serve(&root),
        Some("build") => build::build(&root),
        Some("test") => test::test(&root, rest),
        Some("size") => size::size(&root),
        Some("bench") => test::bench(&root),
        Some("conformance") => test::conformance(&root),
        Some("fuzz") => fuzz::fuzz(&root, rest),
        Some("csp-hook") => csp::hook().and_then(|()| hosting::hook()),
        Some("dev-tenant-hook") => dev_tenant_hook::hook(&root),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(Failure::new(format!(
            "unknown command `{other}`\n\n{USAGE}"
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
