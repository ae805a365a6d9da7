//! `cargo xtask size`: the gzip size of the app's `dist/` against a minimal Leptos CSR app with a
//! router built with the same profile, and their ratio (the budget is 1.25).

use crate::build::{print_sizes, trunk_build};
use crate::proc::{step, Failure};
use crate::setup::{self, Wants};
use std::path::Path;

pub const BUDGET_RATIO: f64 = 1.25;

pub fn size(root: &Path) -> Result<(), Failure> {
    let tools = setup::setup(root, Wants { browser: false })?;
    let app_dist = root.join("target").join("size").join("dist-app");
    let baseline_dir = root.join("xtask").join("size-baseline");
    let baseline_dist = root.join("target").join("size").join("dist-baseline");
    let clear: Vec<(&str, Option<String>)> = crate::config::VARIABLES
        .iter()
        .map(|v| (*v, None))
        .collect();

    trunk_build(root, &tools.toolchain, &app_dist, &clear)?;
    let baseline_target = root.join("target").join("size").join("baseline-target");
    let mut baseline_env = clear.clone();
    baseline_env.push((
        "CARGO_TARGET_DIR",
        Some(baseline_target.display().to_string()),
    ));
    trunk_build(
        &baseline_dir,
        &tools.toolchain,
        &baseline_dist,
        &baseline_env,
    )?;

    let app = step("app dist/ (default configuration)", || {
        print_sizes(&app_dist)
    })?;
    let baseline = step("minimal Leptos CSR app with a router", || {
        print_sizes(&baseline_dist)
    })?;
    let ratio = app as f64 / baseline as f64;
    println!(
        "app {app} B gzip, baseline {baseline} B gzip, ratio {ratio:.3} (budget {BUDGET_RATIO})"
    );
    if ratio > BUDGET_RATIO {
        return Err(Failure::new(format!(
            "the app is {ratio:.3}x the baseline, over the {BUDGET_RATIO}x budget"
        )));
    }
    Ok(())
}
