//! `cargo xtask test`: every check and test of the workspace, then `N passed, N failed`.

use crate::build::{print_sizes, trunk_build};
use crate::config::{DEV_SPA_CLIENT_ID, DEV_TENANT_ID};
use crate::proc::{step, Failure};
use crate::setup::{self, Tools, Wants, WASM_TARGET};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The dev tenant's confidential (Web) client, for the build that embeds a secret.
const DEV_WEB_CLIENT_ID: &str = "7b2d4e3f-0c9e-4f80-b1d2-e3f4a5b6c7d8";
const DEV_WEB_CLIENT_SECRET: &str = "dev8Q~local-web-client-secret-not-for-production";
/// A client ID the dev tenant has no application for: the registration check's "unknown
/// application" answer (AADSTS700016), as a real build meets it.
const UNKNOWN_CLIENT_ID: &str = "00000000-1111-4222-8333-444444444444";
const CONFIG_VARIABLES: [&str; 8] = crate::config::VARIABLES;

#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    failed_steps: Vec<String>,
}

impl Tally {
    /// Records a step: its test counts when it ran tests, else the step itself as one check.
    fn record(&mut self, name: &str, outcome: Result<Counts, Failure>) {
        match outcome {
            Ok(counts) if counts.ran_tests() => {
                self.passed += counts.passed;
                self.failed += counts.failed;
                if counts.failed > 0 {
                    self.failed_steps.push(name.to_string());
                }
            }
            Ok(_) => self.passed += 1,
            Err(_) => {
                self.failed_steps.push(name.to_string());
                self.failed += 1;
            }
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    passed: u64,
    failed: u64,
    seen: bool,
}

impl Counts {
    fn ran_tests(&self) -> bool {
        self.seen
    }
}

pub fn test(root: &Path, args: &[String]) -> Result<(), Failure> {
    let started = Instant::now();
    // `cargo xtask test e2e -- session`: after `--`, filters for the end-to-end test names.
    let (args, e2e_filters) = match args.iter().position(|a| a == "--") {
        Some(i) => (&args[..i], &args[i + 1..]),
        None => (args, &[][..]),
    };
    let tools = setup::setup(root, Wants { browser: true })?;
    let driver = tools
        .chromedriver
        .clone()
        .ok_or_else(|| Failure::new("no chromedriver"))?;
    let run_dir = root.join("target").join("xtask-test");
    let tmp = run_dir.join("tmp");
    std::fs::create_dir_all(&tmp)
        .map_err(|e| Failure::new(format!("cannot create {}: {e}", tmp.display())))?;
    let only = |name: &str| args.is_empty() || args.iter().any(|a| name.contains(a.as_str()));

    let mut tally = Tally::default();
    let check = |tally: &mut Tally, name: &str, cmd: &mut Command| {
        if only(name) {
            let outcome = step(name, || run_counting(cmd));
            tally.record(name, outcome);
        }
    };
    let cargo = |args: &[&str]| {
        let mut cmd = tools.toolchain.cargo();
        cmd.args(args).current_dir(root);
        cmd
    };

    check(
        &mut tally,
        "format (cargo fmt --check)",
        &mut cargo(&["fmt", "--all", "--check"]),
    );
    check(
        &mut tally,
        "lint host (clippy)",
        &mut cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]),
    );
    check(
        &mut tally,
        "lint wasm32 (clippy)",
        &mut cargo(&[
            "clippy",
            "-p",
            "entra-signin",
            "--target",
            WASM_TARGET,
            "--lib",
            "--bins",
            "--test",
            "web",
            "--",
            "-D",
            "warnings",
        ]),
    );
    check(
        &mut tally,
        "host tests",
        &mut cargo(&["test", "--workspace"]),
    );
    let fixture = run_dir.join("rs256-fixture.json");
    let mut mint = cargo(&[
        "run",
        "--quiet",
        "-p",
        "dev-tenant",
        "--example",
        "rs256_fixture",
        "--",
    ]);
    mint.arg(&fixture);
    check(&mut tally, "RS256 fixture signed on the host", &mut mint);
    let mut wasm_tests = cargo(&[
        "test",
        "-p",
        "entra-signin",
        "--target",
        WASM_TARGET,
        "--test",
        "web",
    ]);
    wasm_tests.env("CHROMEDRIVER", &driver).env("TMPDIR", &tmp);
    if let Ok(json) = std::fs::read_to_string(&fixture) {
        wasm_tests.env("RS256_FIXTURE_JSON", json);
    }
    check(
        &mut tally,
        "browser tests (wasm-bindgen-test, headless Chromium)",
        &mut wasm_tests,
    );

    if only("e2e") || only("build") {
        end_to_end(root, &tools, &run_dir, &tmp, e2e_filters, &mut tally, None);
    }

    println!();
    if !tally.failed_steps.is_empty() {
        println!("failed: {}", tally.failed_steps.join("; "));
    }
    println!("total time {:.0}s", started.elapsed().as_secs_f64());
    println!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed == 0 {
        Ok(())
    } else {
        Err(Failure::new(format!("{} failed", tally.failed)))
    }
}

/// `cargo xtask bench`: the release builds and the minimal Leptos app, then the benchmarks of
/// `tests/e2e/bench.rs` in headless Chromium (load time against the minimal app; where a sign-in's
/// time goes). They print measurements; no time is asserted.
pub fn bench(root: &Path) -> Result<(), Failure> {
    let tools = setup::setup(root, Wants { browser: true })?;
    let run_dir = root.join("target").join("xtask-bench");
    let tmp = run_dir.join("tmp");
    std::fs::create_dir_all(&tmp)
        .map_err(|e| Failure::new(format!("cannot create {}: {e}", tmp.display())))?;
    let baseline = crate::size::build_baseline(root, &tools)?;
    let mut tally = Tally::default();
    let filters = ["bench::".to_string()];
    end_to_end(
        root,
        &tools,
        &run_dir,
        &tmp,
        &filters,
        &mut tally,
        Some(&baseline),
    );
    match tally.failed {
        0 => Ok(()),
        n => Err(Failure::new(format!("{n} benchmark steps failed"))),
    }
}

/// Release builds (the deployable `dist/` and two builds pointed at a dev tenant on a free port),
/// then the end-to-end tests in `tests/e2e/` against them.
fn end_to_end(
    root: &Path,
    tools: &Tools,
    run_dir: &Path,
    tmp: &Path,
    filters: &[String],
    tally: &mut Tally,
    bench_baseline: Option<&Path>,
) {
    let Ok(port) = free_port() else {
        tally.record("end-to-end", Err(Failure::new("no free port")));
        return;
    };
    let authority = format!("http://127.0.0.1:{port}/{DEV_TENANT_ID}/v2.0");
    let only_these = |pairs: &[(&'static str, &str)]| -> Vec<(&'static str, Option<String>)> {
        let mut env: Vec<(&'static str, Option<String>)> =
            CONFIG_VARIABLES.iter().map(|v| (*v, None)).collect();
        for (name, value) in pairs {
            if let Some(entry) = env.iter_mut().find(|(n, _)| n == name) {
                entry.1 = Some(value.to_string());
            }
        }
        env
    };
    let default_dist = root.join("dist");
    let spa_dist = run_dir.join("dist-spa");
    let web_dist = run_dir.join("dist-web-secret");
    let unknown_client_dist = run_dir.join("dist-unknown-client");
    let builds = [
        (
            "release build (default configuration)",
            &default_dist,
            only_these(&[]),
        ),
        (
            "release build for end-to-end tests (SPA client)",
            &spa_dist,
            only_these(&[
                ("AUTHORITY", &authority),
                ("TENANT_GUID", DEV_TENANT_ID),
                ("CLIENT_ID", DEV_SPA_CLIENT_ID),
            ]),
        ),
        (
            "release build for end-to-end tests (Web client with an embedded secret)",
            &web_dist,
            only_these(&[
                ("AUTHORITY", &authority),
                ("TENANT_GUID", DEV_TENANT_ID),
                ("CLIENT_ID", DEV_WEB_CLIENT_ID),
                ("CLIENT_SECRET", DEV_WEB_CLIENT_SECRET),
            ]),
        ),
        (
            "release build for end-to-end tests (a client ID the tenant does not know)",
            &unknown_client_dist,
            only_these(&[
                ("AUTHORITY", &authority),
                ("TENANT_GUID", DEV_TENANT_ID),
                ("CLIENT_ID", UNKNOWN_CLIENT_ID),
            ]),
        ),
    ];
    // The benchmarks load the default build and sign in with the SPA build only.
    let needed = match bench_baseline {
        Some(_) => 2,
        None => builds.len(),
    };
    for (name, dist, env) in &builds[..needed] {
        let outcome = trunk_build(root, &tools.toolchain, dist, env).map(|_| Counts::default());
        let built = outcome.is_ok();
        tally.record(name, outcome);
        if !built {
            return;
        }
    }
    if bench_baseline.is_none() {
        let name = "size budget (xtask/size-budget.txt)";
        let outcome = step(name, || {
            let app = print_sizes(&default_dist)?;
            crate::size::check_budget(root, tools, app)
        });
        tally.record(name, outcome.map(|()| Counts::default()));
        let mut hosting = tools.toolchain.cargo();
        hosting
            // Only the host's test: the binary also holds src/config.rs's, already counted.
            .args(["test", "-p", "xtask", "--test", "hosting", "--"])
            .arg("a_static_host")
            .current_dir(root)
            .env("HOSTING_DIST", &default_dist);
        let name = "hosting rules of dist/ (staticwebapp.config.json, served over HTTP)";
        let outcome = step(name, || run_counting(&mut hosting));
        tally.record(name, outcome);
    }

    // Results of an earlier run must not be printed as this run's.
    let results = run_dir.join("conformance-results.tsv");
    let _ = std::fs::remove_file(&results);
    let mut cmd = tools.toolchain.cargo();
    cmd.args([
        "test",
        "-p",
        "entra-signin",
        "--features",
        "e2e",
        "--test",
        "e2e",
        "--",
    ])
    .args(filters)
    .args([
        // One test at a time: the dev tenant's faults apply to whichever token request comes next.
        "--test-threads=1",
        // The timing test prints its measurement.
        "--show-output",
    ])
    .current_dir(root)
    .env("E2E_DIST_DEFAULT", &default_dist)
    .env("E2E_DIST_SPA", &spa_dist)
    .env("E2E_DIST_WEB", &web_dist)
    .env("E2E_DIST_UNKNOWN_CLIENT", &unknown_client_dist)
    .env("E2E_TENANT_PORT", port.to_string())
    .env("E2E_SCREENSHOTS", run_dir.join("screenshots"))
    .env("E2E_CONFORMANCE_RESULTS", &results)
    .env("TMPDIR", tmp);
    if let Some(baseline) = bench_baseline {
        // The benchmarks are ignored by `cargo xtask test`: they measure, they do not check.
        cmd.arg("--ignored").env("E2E_DIST_BASELINE", baseline);
    }
    if let Some(driver) = &tools.chromedriver {
        cmd.env("CHROMEDRIVER", driver);
    }
    if let Some(chrome) = &tools.chrome {
        cmd.env("CHROME", chrome);
    }
    if let Some(axe) = &tools.axe {
        cmd.env("E2E_AXE", axe);
    }
    let name = match bench_baseline {
        Some(_) => "benchmarks (headless Chromium)",
        None => "end-to-end tests (headless Chromium)",
    };
    let outcome = step(name, || run_counting(&mut cmd));
    tally.record(name, outcome);
    if let Ok(tsv) = std::fs::read_to_string(&results) {
        let table = conformance_table(&tsv);
        println!(
            "\n==> conformance (docs/conformance.md), results of this run\n{}",
            table.markdown
        );
        let outcome = match table.failed {
            0 => Ok(Counts::default()),
            n => Err(Failure::new(format!("{n} conformance cases did not pass"))),
        };
        tally.record("conformance table: every row a pass", outcome);
    }
}

/// The conformance table of an end-to-end run, and how many of its rows did not pass.
struct ConformanceTable {
    markdown: String,
    failed: usize,
}

/// The end-to-end test's results (one tab-separated line per case: case, RP test, host test, browser test, result)
/// as a Markdown table.
fn conformance_table(tsv: &str) -> ConformanceTable {
    let mut markdown = String::from(
        "| case | RP certification test | host test | browser test | result |\n| --- | --- | --- | --- | --- |\n",
    );
    let mut failed = 0;
    for line in tsv.lines().filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() != 5 || cells[4] != "pass" {
            failed += 1;
        }
        markdown.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    ConformanceTable { markdown, failed }
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Runs a command, shows its output, and adds up libtest's `test result:` lines.
fn run_counting(cmd: &mut Command) -> Result<Counts, Failure> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| Failure::new(format!("cannot start {:?}: {e}", cmd.get_program())))?;
    let mut counts = Counts::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some((passed, failed)) = parse_result_line(&line) {
                counts.passed += passed;
                counts.failed += failed;
                counts.seen = true;
            }
        }
    }
    let status = child.wait().map_err(|e| Failure::new(e.to_string()))?;
    // A run with failed tests counts them; a run that fails without (a build error) is one failure.
    if status.success() || counts.failed > 0 {
        Ok(counts)
    } else {
        Err(Failure::new(format!("exited with {status}")))
    }
}

/// `test result: ok. 12 passed; 0 failed; ...` → (12, 0).
fn parse_result_line(line: &str) -> Option<(u64, u64)> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let number_before = |word: &str| -> Option<u64> {
        let end = rest.find(word)?;
        rest[..end]
            .trim_end()
            .rsplit([' ', '.'])
            .next()?
            .parse()
            .ok()
    };
    Some((number_before(" passed")?, number_before(" failed")?))
}

/// `cargo xtask conformance`: regenerates `docs/conformance.md` from the conformance table.
pub fn conformance(root: &Path) -> Result<(), Failure> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "test",
            "-p",
            "dev-tenant",
            "--lib",
            "conformance::tests::docs_conformance_md_is_up_to_date",
        ])
        .env("UPDATE_CONFORMANCE", "1")
        .current_dir(root)
        .status()
        .map_err(|e| Failure::new(format!("cannot run cargo: {e}")))?;
    match status.success() {
        true => {
            println!("wrote docs/conformance.md");
            Ok(())
        }
        false => Err(Failure::new(format!(
            "regenerating docs/conformance.md: {status}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::{conformance_table, parse_result_line};

    #[test]
    fn a_conformance_row_that_did_not_pass_fails_the_table() {
        let tsv = "`a`\t—\t—\t`t` / `a`\tpass\n`b`\trp-x\t`h`\t`t` / `b`\tFAIL: no row\n";
        let table = conformance_table(tsv);
        assert_eq!(table.failed, 1);
        assert!(
            table
                .markdown
                .contains("| `b` | rp-x | `h` | `t` / `b` | FAIL: no row |"),
            "{}",
            table.markdown
        );
        assert_eq!(conformance_table("`a`\t—\tpass\n").failed, 1, "a short row");
    }

    #[test]
    fn reads_libtest_result_lines() {
        assert_eq!(
            parse_result_line("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s"),
            Some((12, 0))
        );
        assert_eq!(
            parse_result_line("test result: FAILED. 3 passed; 2 failed; 0 ignored"),
            Some((3, 2))
        );
        assert_eq!(parse_result_line("running 3 tests"), None);
    }
}
