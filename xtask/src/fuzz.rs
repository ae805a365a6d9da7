//! `cargo xtask fuzz [CASES]`: the property tests of the parsers of untrusted input (`tests/fuzz/`
//! and the kept session's in `src/flow/keep_fuzz.rs`) with many more cases than `cargo xtask test`.

use crate::proc::{run, step, Failure};
use crate::setup::{self, Wants};
use std::path::Path;

/// Cases per parser when no count is given: about an hour on 2 cores.
const DEFAULT_CASES: u64 = 1_000_000;

pub fn fuzz(root: &Path, args: &[String]) -> Result<(), Failure> {
    let cases = match args.first() {
        None => DEFAULT_CASES,
        Some(n) => n.replace('_', "").parse().map_err(|_| {
            Failure::new(format!(
                "`{n}` is not a number of cases: try `cargo xtask fuzz 100000`"
            ))
        })?,
    };
    let tools = setup::setup(root, Wants { browser: false })?;
    println!("==> {cases} cases per parser (10,000 take about 40 s on 2 cores)");
    let targets: [(&str, &[&str]); 2] = [
        ("fuzz the parsers (tests/fuzz)", &["--test", "fuzz"]),
        (
            "fuzz the kept session's parser (src/flow/keep_fuzz.rs)",
            &["--lib", "flow::keep::fuzz"],
        ),
    ];
    for (name, target) in targets {
        step(name, || {
            let mut cmd = tools.toolchain.cargo();
            cmd.args(["test", "-p", "entra-signin"])
                .args(target)
                .current_dir(root)
                .env("PROPTEST_CASES", cases.to_string());
            run(&mut cmd)
        })?;
    }
    Ok(())
}
