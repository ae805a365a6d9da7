//! `cargo xtask setup`: makes this machine able to build, serve and test the app, idempotently.
//!
//! Every step says what it does and how long it took. Every network step has a timeout and, when it
//! fails, prints the command a person should run.

use crate::proc::{run, run_capture, run_with_timeout, step, which, Failure};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub const TRUNK_VERSION: &str = "0.22.1";
pub const BINARYEN_VERSION: &str = "132.0.0";
/// The accessibility checker the end-to-end tests inject into each page (`axe.min.js`).
pub const AXE_CORE_VERSION: &str = "4.10.3";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The name under which the Debian compiler is linked into rustup on machines without the target.
pub const DEBIAN_TOOLCHAIN: &str = "debian";
/// `XTASK_WASM_TOOLCHAIN=debian` takes the offline path even where rustup has the target (to test
/// it, or where rustup's target is broken).
const FORCE_DEBIAN_VAR: &str = "XTASK_WASM_TOOLCHAIN";

const RUSTUP_TARGET_ADD_TIMEOUT: Duration = Duration::from_secs(60);
const APT_TIMEOUT: Duration = Duration::from_secs(15 * 60);
const CARGO_INSTALL_TIMEOUT: Duration = Duration::from_secs(45 * 60);
const NPM_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Which compiler builds the workspace for wasm32 (and, to share one build cache, for the host).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Toolchain {
    /// rustup's default toolchain has the wasm32 target.
    Rustup,
    /// Debian's `rustc-web` with a wasm32 std built on this machine, linked into rustup as `debian`.
    Debian,
}

impl Toolchain {
    /// A `cargo` command that uses this toolchain; children (trunk, the test runner) inherit it.
    pub fn cargo(&self) -> Command {
        let mut cmd = Command::new("cargo");
        self.apply(&mut cmd);
        cmd
    }

    /// Makes `cmd` and every cargo/rustc it starts use this toolchain.
    pub fn apply(&self, cmd: &mut Command) {
        match self {
            Toolchain::Rustup => {
                cmd.env_remove("RUSTUP_TOOLCHAIN");
            }
            Toolchain::Debian => {
                cmd.env("RUSTUP_TOOLCHAIN", DEBIAN_TOOLCHAIN);
            }
        }
        cmd.env("PATH", tool_path());
    }
}

/// What `setup` found or made, for the commands that run after it.
pub struct Tools {
    pub toolchain: Toolchain,
    pub chromedriver: Option<PathBuf>,
    pub chrome: Option<PathBuf>,
    /// `axe.min.js` of npm's axe-core, for the end-to-end accessibility checks.
    pub axe: Option<PathBuf>,
}

pub struct Wants {
    pub browser: bool,
}

pub fn setup(root: &Path, wants: Wants) -> Result<Tools, Failure> {
    let toolchain = wasm_toolchain()?;
    install_trunk(&toolchain)?;
    install_wasm_bindgen(root, &toolchain)?;
    install_wasm_opt(root);
    let (chrome, chromedriver, axe) = if wants.browser {
        let (chrome, driver) = browser()?;
        (Some(chrome), Some(driver), Some(axe_core(root)?))
    } else {
        (None, None, None)
    };
    Ok(Tools {
        toolchain,
        chromedriver,
        chrome,
        axe,
    })
}

/// PATH with cargo's bin folder and our tool folder first, so freshly installed tools are found.
pub fn tool_path() -> String {
    let mut parts = vec![
        tools_bin().display().to_string(),
        cargo_bin().display().to_string(),
    ];
    if let Ok(path) = std::env::var("PATH") {
        parts.push(path);
    }
    parts.join(":")
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/root"))
}

fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cargo"))
        .join("bin")
}

/// Machine-wide helper tools (the wasm-opt wrapper), outside the repository so clones share them.
fn tools_home() -> PathBuf {
    home().join(".cache").join("entra-signin-tools")
}

fn tools_bin() -> PathBuf {
    tools_home().join("bin")
}

// ---------------------------------------------------------------------------------------------
// wasm32 target

fn wasm_toolchain() -> Result<Toolchain, Failure> {
    step("wasm32 target", || {
        let forced = std::env::var(FORCE_DEBIAN_VAR).is_ok_and(|v| v == DEBIAN_TOOLCHAIN);
        if forced {
            println!("    {FORCE_DEBIAN_VAR}={DEBIAN_TOOLCHAIN}: taking the offline path");
            if debian_toolchain_ready() {
                println!("    using the Debian compiler with the wasm32 std built on this machine (toolchain `{DEBIAN_TOOLCHAIN}`)");
                return Ok(Toolchain::Debian);
            }
            offline_wasm_std()?;
            println!(
                "    path taken: offline (Debian rustc-web + wasm32 std built from rust-web-src)"
            );
            return Ok(Toolchain::Debian);
        }
        if rustup_has_wasm_target() {
            println!("    rustup's default toolchain has {WASM_TARGET}: using it");
            return Ok(Toolchain::Rustup);
        }
        if debian_toolchain_ready() {
            println!("    using the Debian compiler with the wasm32 std built on this machine (toolchain `{DEBIAN_TOOLCHAIN}`)");
            return Ok(Toolchain::Debian);
        }
        println!(
            "    trying `rustup target add {WASM_TARGET}` (timeout {}s)",
            RUSTUP_TARGET_ADD_TIMEOUT.as_secs()
        );
        let mut add = Command::new("rustup");
        add.args(["target", "add", WASM_TARGET]);
        match run_with_timeout(&mut add, RUSTUP_TARGET_ADD_TIMEOUT) {
            Ok(()) if rustup_has_wasm_target() => {
                println!("    path taken: online (`rustup target add`)");
                return Ok(Toolchain::Rustup);
            }
            Ok(()) => println!("    rustup reported success but the target is still missing"),
            Err(e) => {
                println!("    rustup could not fetch the target ({e}); taking the offline path")
            }
        }
        offline_wasm_std()?;
        println!("    path taken: offline (Debian rustc-web + wasm32 std built from rust-web-src)");
        Ok(Toolchain::Debian)
    })
}

fn rustup_has_wasm_target() -> bool {
    let mut cmd = Command::new("rustup");
    cmd.args(["target", "list", "--installed"])
        .env_remove("RUSTUP_TOOLCHAIN");
    run_capture(&mut cmd)
        .map(|out| out.lines().any(|l| l.trim() == WASM_TARGET))
        .unwrap_or(false)
}

const DEBIAN_RUSTC: &str = "/usr/bin/rustc";

fn debian_rustc_version() -> Option<String> {
    if !Path::new(DEBIAN_RUSTC).exists() {
        return None;
    }
    run_capture(Command::new(DEBIAN_RUSTC).arg("--version"))
        .ok()
        .map(|v| v.trim().to_string())
}

fn wasm_libdir() -> Option<PathBuf> {
    let mut cmd = Command::new(DEBIAN_RUSTC);
    cmd.args(["--print", "target-libdir", "--target", WASM_TARGET]);
    run_capture(&mut cmd).ok().map(|s| PathBuf::from(s.trim()))
}

/// The std we build records the compiler it was built for; a compiler upgrade invalidates it.
const STD_STAMP: &str = ".entra-signin-std-built-for";

fn debian_toolchain_ready() -> bool {
    let (Some(version), Some(libdir)) = (
        debian_rustc_version(),
        wasm_libdir().filter(|_| Path::new(DEBIAN_RUSTC).exists()),
    ) else {
        return false;
    };
    let stamp_ok = std::fs::read_to_string(libdir.join(STD_STAMP))
        .map(|s| s.trim() == version)
        .unwrap_or(false);
    stamp_ok && linker_ready() && rustup_knows_debian()
}

fn linker_ready() -> bool {
    Path::new(HOST_RUST_LLD).exists() && std::fs::metadata(HOST_RUST_LLD).is_ok()
}

const HOST_RUST_LLD: &str = "/usr/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld";

fn rustup_knows_debian() -> bool {
    run_capture(Command::new("rustup").args(["toolchain", "list"]))
        .map(|out| {
            out.lines()
                .any(|l| l.split_whitespace().next() == Some(DEBIAN_TOOLCHAIN))
        })
        .unwrap_or(false)
}

fn is_root() -> bool {
    run_capture(Command::new("id").arg("-u"))
        .map(|s| s.trim() == "0")
        .unwrap_or(false)
}

fn apt_install(packages: &[&str]) -> Result<(), Failure> {
    let manual = format!(
        "apt-get update && apt-get install -y {}",
        packages.join(" ")
    );
    if !is_root() {
        return Err(Failure::new(format!(
            "installing {} needs root; run as root: {manual}",
            packages.join(", ")
        )));
    }
    apt_update_once()?;
    let mut cmd = Command::new("apt-get");
    cmd.args([
        "install",
        "-y",
        "--no-install-recommends",
        "-o",
        "Acquire::http::Timeout=60",
        "-o",
        "Dpkg::Use-Pty=0",
    ])
    .args(packages)
    .env("DEBIAN_FRONTEND", "noninteractive");
    run_with_timeout(&mut cmd, APT_TIMEOUT)
        .map_err(|e| Failure::new(format!("apt-get install failed ({e}); run: {manual}")))
}

fn apt_update_once() -> Result<(), Failure> {
    static DONE: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    if DONE.get().is_some() {
        return Ok(());
    }
    let mut cmd = Command::new("apt-get");
    cmd.args(["update", "-o", "Acquire::http::Timeout=60"])
        .env("DEBIAN_FRONTEND", "noninteractive");
    run_with_timeout(&mut cmd, APT_TIMEOUT)
        .map_err(|e| Failure::new(format!("apt-get update failed ({e}); run: apt-get update")))?;
    let _ = DONE.set(());
    Ok(())
}

/// `../shared/TOOLCHAIN.md`, automated: Debian's rustc-web, its own std sources, std built once.
fn offline_wasm_std() -> Result<(), Failure> {
    step(
        "install Debian rustc-web, cargo-web, clippy and rustfmt for it",
        || apt_install(&["rustc-web", "cargo-web", "rust-web-clippy", "rustfmt-web"]),
    )?;
    let version = debian_rustc_version()
        .ok_or_else(|| Failure::new("rustc-web installed but /usr/bin/rustc does not run"))?;
    println!("    Debian compiler: {version}");

    step("install the lld of rustc-web's LLVM", || {
        // `/usr/bin/rust-lld` comes from rust-web-llvm, a mere recommendation (with all of
        // llvm-NN) that `--no-install-recommends` skips; rustc names its LLVM itself.
        let verbose = run_capture(Command::new(DEBIAN_RUSTC).arg("-vV"))?;
        let major = verbose
            .lines()
            .find_map(|l| l.strip_prefix("LLVM version: "))
            .and_then(|v| v.trim().split('.').next())
            .filter(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_digit()))
            .ok_or_else(|| Failure::new("`rustc -vV` names no LLVM version"))?
            .to_string();
        let lld = PathBuf::from(format!("/usr/lib/llvm-{major}/bin/lld"));
        if !lld.exists() {
            apt_install(&[&format!("lld-{major}")])?;
        }
        std::fs::create_dir_all(
            Path::new(HOST_RUST_LLD)
                .parent()
                .expect("constant path has a parent"),
        )
        .map_err(|e| Failure::new(format!("cannot create rustc's linker folder: {e}")))?;
        let _ = std::fs::remove_file(HOST_RUST_LLD);
        std::os::unix::fs::symlink(&lld, HOST_RUST_LLD).map_err(|e| {
            Failure::new(format!(
                "cannot link {HOST_RUST_LLD} -> {}: {e}",
                lld.display()
            ))
        })?;
        println!("    {HOST_RUST_LLD} -> {}", lld.display());
        Ok(())
    })?;

    let library = step(
        "unpack rust-web-src (std sources matching the compiler)",
        unpack_std_sources,
    )?;
    let libdir =
        wasm_libdir().ok_or_else(|| Failure::new("rustc cannot print the wasm32 target-libdir"))?;
    step("build the wasm32 std once (about a minute)", || {
        build_std(&library, &libdir, &version)
    })?;

    step("link the Debian compiler into rustup as `debian`", || {
        if rustup_knows_debian() {
            println!("    already linked");
            return Ok(());
        }
        run(Command::new("rustup").args(["toolchain", "link", DEBIAN_TOOLCHAIN, "/usr"]))
    })
}

fn unpack_std_sources() -> Result<PathBuf, Failure> {
    let dir = PathBuf::from("/opt/rust-web-src");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::new(format!("cannot create {}: {e}", dir.display())))?;
    let existing_library = || -> Option<PathBuf> {
        let src = dir.join("usr/src");
        let version = debian_rustc_version()?;
        // "rustc 1.96.0 (...)" -> "rustc-1.96.0"
        let number = version.split_whitespace().nth(1)?;
        let lib = src.join(format!("rustc-{number}")).join("library");
        lib.join("Cargo.lock").exists().then_some(lib)
    };
    if existing_library().is_none() {
        apt_update_once()?;
        let mut download = Command::new("apt-get");
        download
            .args([
                "download",
                "-o",
                "Acquire::http::Timeout=60",
                "rust-web-src",
            ])
            .current_dir(&dir);
        run_with_timeout(&mut download, APT_TIMEOUT).map_err(|e| {
            Failure::new(format!("apt-get download rust-web-src failed ({e}); run: cd {} && apt-get download rust-web-src", dir.display()))
        })?;
        let deb = std::fs::read_dir(&dir)
            .map_err(|e| Failure::new(e.to_string()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "deb"))
            .max()
            .ok_or_else(|| Failure::new("apt-get download left no rust-web-src .deb"))?;
        run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&dir))?;
        let _ = std::fs::remove_file(&deb);
    }
    let library = existing_library().ok_or_else(|| {
        Failure::new("rust-web-src does not match the installed rustc-web; run: apt-get install --only-upgrade rustc-web")
    })?;
    let link_parent = Path::new("/usr/lib/rustlib/src/rust");
    std::fs::create_dir_all(link_parent).map_err(|e| Failure::new(e.to_string()))?;
    let link = link_parent.join("library");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&library, &link)
        .map_err(|e| Failure::new(format!("cannot link {}: {e}", link.display())))?;
    println!("    {} -> {}", link.display(), library.display());
    Ok(library)
}

fn build_std(_library: &Path, libdir: &Path, version: &str) -> Result<(), Failure> {
    let scratch = tools_home().join("wasm-std-build");
    std::fs::create_dir_all(scratch.join("src")).map_err(|e| Failure::new(e.to_string()))?;
    let write = |name: &str, text: &str| {
        std::fs::write(scratch.join(name), text)
            .map_err(|e| Failure::new(format!("cannot write {name}: {e}")))
    };
    write(
        "Cargo.toml",
        r#"[package]
name = "wasm_std_scratch"
version = "0.0.0"
edition = "2021"

[lib]
crate-type = ["cdylib", "rlib"]

[profile.release]
opt-level = 3
debug = 0
debug-assertions = false
overflow-checks = false
codegen-units = 1
lto = false

[profile.release.package.compiler_builtins]
codegen-units = 10000

[workspace]
"#,
    )?;
    write(
        "src/lib.rs",
        "#[cfg(test)]\nmod tests {\n    #[test]\n    fn builds() {}\n}\n",
    )?;
    let mut cmd = Command::new("/usr/bin/cargo");
    cmd.args([
        "test",
        "--no-run",
        "--release",
        "-Zbuild-std=std,panic_abort,panic_unwind,proc_macro,test",
        "--target",
        WASM_TARGET,
    ])
    .current_dir(&scratch)
    .env(
        "PATH",
        format!("/usr/bin:{}", std::env::var("PATH").unwrap_or_default()),
    )
    .env("RUSTC", DEBIAN_RUSTC)
    .env("RUSTC_BOOTSTRAP", "1")
    .env("RUSTFLAGS", "-Cembed-bitcode=yes")
    .env("CARGO_TARGET_DIR", scratch.join("target"))
    .env_remove("RUSTUP_TOOLCHAIN")
    .env_remove("CARGO");
    run_with_timeout(&mut cmd, Duration::from_secs(30 * 60))?;

    let deps = scratch
        .join("target")
        .join(WASM_TARGET)
        .join("release")
        .join("deps");
    std::fs::create_dir_all(libdir).map_err(|e| Failure::new(e.to_string()))?;
    let mut copied = 0;
    for entry in
        std::fs::read_dir(&deps).map_err(|e| Failure::new(format!("{}: {e}", deps.display())))?
    {
        let path = entry.map_err(|e| Failure::new(e.to_string()))?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let is_lib =
            name.starts_with("lib") && (name.ends_with(".rlib") || name.ends_with(".rmeta"));
        if is_lib && !name.starts_with("libwasm_std_scratch") {
            std::fs::copy(&path, libdir.join(name))
                .map_err(|e| Failure::new(format!("copy {name}: {e}")))?;
            copied += 1;
        }
    }
    std::fs::write(libdir.join(STD_STAMP), version).map_err(|e| Failure::new(e.to_string()))?;
    println!("    copied {copied} libraries into {}", libdir.display());
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// trunk, wasm-bindgen, wasm-opt

fn tool_version(program: &str) -> Option<String> {
    let mut cmd = Command::new(program);
    cmd.arg("--version").env("PATH", tool_path());
    run_capture(&mut cmd).ok().map(|s| s.trim().to_string())
}

fn cargo_install(
    toolchain: &Toolchain,
    krate: &str,
    version: &str,
    locked: bool,
) -> Result<(), Failure> {
    let mut cmd = toolchain.cargo();
    cmd.args([
        "install",
        krate,
        "--version",
        version,
        "--ignore-rust-version",
    ]);
    if locked {
        cmd.arg("--locked");
    }
    cmd.env("CARGO_HTTP_TIMEOUT", "60")
        .env("CARGO_NET_RETRY", "2");
    let manual = format!(
        "cargo install {krate} --version {version} --ignore-rust-version{}",
        if locked { " --locked" } else { "" }
    );
    run_with_timeout(&mut cmd, CARGO_INSTALL_TIMEOUT)
        .map_err(|e| Failure::new(format!("{e}; run by hand: {manual}")))
}

fn install_trunk(toolchain: &Toolchain) -> Result<(), Failure> {
    step(&format!("trunk {TRUNK_VERSION}"), || {
        let want = format!("trunk {TRUNK_VERSION}");
        if tool_version("trunk").as_deref() == Some(want.as_str()) {
            println!("    present");
            return Ok(());
        }
        println!(
            "    building trunk from crates.io (about 16 minutes on 2 cores, once per machine)"
        );
        cargo_install(toolchain, "trunk", TRUNK_VERSION, true)
    })
}

/// The wasm-bindgen version the app links against, read from Cargo.lock.
pub fn locked_wasm_bindgen_version(root: &Path) -> Result<String, Failure> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| {
        Failure::new(format!(
            "cannot read Cargo.lock ({e}); run: cargo generate-lockfile"
        ))
    })?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
            {
                return Ok(version.trim_end_matches('"').to_string());
            }
        }
    }
    Err(Failure::new("Cargo.lock has no wasm-bindgen package"))
}

fn install_wasm_bindgen(root: &Path, toolchain: &Toolchain) -> Result<(), Failure> {
    let version = locked_wasm_bindgen_version(root)?;
    step(
        &format!("wasm-bindgen-cli {version} (the version in Cargo.lock)"),
        || {
            let want = format!("wasm-bindgen {version}");
            if tool_version("wasm-bindgen").as_deref() == Some(want.as_str()) {
                println!("    present");
                return Ok(());
            }
            println!("    building wasm-bindgen-cli from crates.io (about 4 minutes)");
            // Not --locked: its lock file names a webpki-roots release the registry mirror lacks.
            cargo_install(toolchain, "wasm-bindgen-cli", &version, false)
        },
    )
}

/// wasm-opt from npm's binaryen, behind a wrapper on our tool PATH. Optional: without it the build
/// is larger but correct, so a failure is a warning.
fn install_wasm_opt(_root: &Path) {
    let result = step(
        &format!("wasm-opt (npm binaryen@{BINARYEN_VERSION})"),
        || {
            let major = BINARYEN_VERSION.split('.').next().unwrap_or_default();
            let dir = tools_home().join("binaryen");
            let wrapper = tools_bin().join("wasm-opt");
            let script = dir.join("node_modules/binaryen/bin/wasm-opt");
            if script.exists()
                && wrapper.exists()
                && tool_version("wasm-opt").is_some_and(|v| v.contains(major))
            {
                println!("    present");
                return Ok(());
            }
            if which("npm").is_none() {
                return Err(Failure::new(
                    "npm not found; install Node.js and npm, then run: cargo xtask setup",
                ));
            }
            npm_install(&dir, &format!("binaryen@{BINARYEN_VERSION}"))?;
            std::fs::create_dir_all(tools_bin()).map_err(|e| Failure::new(e.to_string()))?;
            std::fs::write(
                &wrapper,
                format!("#!/bin/sh\nexec node {} \"$@\"\n", script.display()),
            )
            .map_err(|e| Failure::new(e.to_string()))?;
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755))
                .map_err(|e| Failure::new(e.to_string()))?;
            println!(
                "    {}",
                tool_version("wasm-opt").unwrap_or_else(|| "wasm-opt installed".into())
            );
            Ok(())
        },
    );
    if let Err(e) = result {
        println!("    warning: no wasm-opt ({e}); builds stay correct but larger");
    }
}

/// `npm install --prefix dir package`, with a timeout; the error says how to run it by hand.
fn npm_install(dir: &Path, package: &str) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(|e| Failure::new(e.to_string()))?;
    let mut npm = Command::new("npm");
    npm.args([
        "install",
        "--no-audit",
        "--no-fund",
        "--fetch-timeout=60000",
        "--fetch-retries=1",
        "--prefix",
    ])
    .arg(dir)
    .arg(package);
    run_with_timeout(&mut npm, NPM_TIMEOUT).map_err(|e| {
        Failure::new(format!(
            "{e} (is the npm registry reachable?); run: npm install --prefix {} {package}",
            dir.display()
        ))
    })
}

/// npm's axe-core in `target/axe-core`, installed once; its `axe.min.js`. The end-to-end tests
/// need it, so a failure stops the run, naming the cause and the command that fixes it.
fn axe_core(root: &Path) -> Result<PathBuf, Failure> {
    step(
        &format!("axe-core (npm axe-core@{AXE_CORE_VERSION})"),
        || {
            let dir = root.join("target").join("axe-core");
            let script = dir.join("node_modules/axe-core/axe.min.js");
            let manifest = dir.join("node_modules/axe-core/package.json");
            let installed = std::fs::read_to_string(&manifest)
                .is_ok_and(|m| m.contains(&format!("\"version\": \"{AXE_CORE_VERSION}\"")));
            if installed && script.is_file() {
                println!("    present");
                return Ok(script);
            }
            let fix = format!(
                "run: npm install --prefix {} axe-core@{AXE_CORE_VERSION}",
                dir.display()
            );
            if which("npm").is_none() {
                return Err(Failure::new(format!(
                "npm not found (the accessibility checks need axe-core); install Node.js and npm, then {fix}"
            )));
            }
            npm_install(&dir, &format!("axe-core@{AXE_CORE_VERSION}"))?;
            match script.is_file() {
                true => Ok(script),
                false => Err(Failure::new(format!(
                    "{} is missing after the install; {fix}",
                    script.display()
                ))),
            }
        },
    )
}

// ---------------------------------------------------------------------------------------------
// browser

fn browser() -> Result<(PathBuf, PathBuf), Failure> {
    step("headless Chromium and chromedriver", || {
        let from_env = |var: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .filter(|p| p.exists())
        };
        let chrome = from_env("CHROME").or_else(|| which("chromium"));
        let driver = from_env("CHROMEDRIVER").or_else(|| which("chromedriver"));
        if let (Some(chrome), Some(driver)) = (&chrome, &driver) {
            println!("    {} and {}", chrome.display(), driver.display());
            return Ok((chrome.clone(), driver.clone()));
        }
        apt_install(&["chromium", "chromium-driver"])?;
        let chrome =
            which("chromium").ok_or_else(|| Failure::new("chromium missing after install"))?;
        let driver = which("chromedriver")
            .ok_or_else(|| Failure::new("chromedriver missing after install"))?;
        Ok((chrome, driver))
    })
}
