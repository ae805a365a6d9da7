//! `cargo xtask build` and `cargo xtask serve`: trunk with the configuration checked first.

use crate::config::{
    origin_mismatch, BuildConfig, RawConfig, TenantSource, CALLBACK_PATH, DEV_APP_ORIGIN, VARIABLES,
};
use crate::proc::{run, step, Failure};
use crate::setup::{self, Toolchain, Wants};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const DEV_TENANT_PORT: u16 = 8081;
/// trunk lists `{alias}:{port}` among its addresses: with this, the line for [`DEV_APP_ORIGIN`].
const TRUNK_ALIAS: &str = "http://localhost";

/// Reads and validates the configuration variables from this process's environment.
pub fn config_from_env() -> Result<BuildConfig, Failure> {
    let values = VARIABLES.map(|v| std::env::var(v).ok());
    let raw = RawConfig::from_values(&values);
    let config =
        BuildConfig::parse(raw).map_err(|e| Failure::new(format!("invalid configuration: {e}")))?;
    println!("==> configuration");
    println!("    authority: {}", config.authority);
    println!("    client id: {}", config.client_id);
    println!(
        "    redirect URI: {}",
        config
            .redirect_uri
            .as_deref()
            .unwrap_or("(the page's origin)/callback")
    );
    println!("    scopes: {}", config.scopes);
    if config.client_secret.is_some() {
        println!("    warning: CLIENT_SECRET is embedded in the bundle and readable by anyone who loads the app; use it only with a test tenant");
    }
    Ok(config)
}

/// `trunk build --release` into `dist`, with `env` added to (or, for `None`, removed from) the
/// environment.
pub fn trunk_build(
    root: &Path,
    toolchain: &Toolchain,
    dist: &Path,
    env: &[(&str, Option<String>)],
) -> Result<(), Failure> {
    step(&format!("release build into {}", dist.display()), || {
        fetch(root, toolchain)?;
        let mut cmd = Command::new("trunk");
        toolchain.apply(&mut cmd);
        cmd.args(["build", "--release", "--offline", "--dist"])
            .arg(dist)
            .current_dir(root)
            .env("TRUNK_SKIP_VERSION_CHECK", "true");
        for (name, value) in env {
            match value {
                Some(value) => cmd.env(name, value),
                None => cmd.env_remove(name),
            };
        }
        run(&mut cmd)
    })
}

/// trunk runs cargo offline, so the registry must already hold every crate.
fn fetch(root: &Path, toolchain: &Toolchain) -> Result<(), Failure> {
    let mut cmd = toolchain.cargo();
    cmd.args(["fetch", "--quiet"])
        .current_dir(root)
        .env("CARGO_HTTP_TIMEOUT", "60")
        .env("CARGO_NET_RETRY", "2");
    run(&mut cmd).map_err(|e| {
        Failure::new(format!(
            "{e}; check the network to crates.io, then run: cargo fetch"
        ))
    })
}

pub fn build(root: &Path) -> Result<(), Failure> {
    config_from_env()?;
    let tools = setup::setup(root, Wants { browser: false })?;
    let dist = root.join("dist");
    trunk_build(root, &tools.toolchain, &dist, &[])?;
    print_sizes(&dist)?;
    Ok(())
}

/// Every file in `dist`, raw and gzip -9, and the totals.
pub fn print_sizes(dist: &Path) -> Result<u64, Failure> {
    let files = dist_files(dist)?;
    let (mut raw_total, mut gz_total) = (0, 0);
    println!("    {:>10} {:>10}  file", "raw", "gzip -9");
    for file in files {
        let raw = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let gz = gzip_size(&file)?;
        raw_total += raw;
        gz_total += gz;
        let name = file
            .strip_prefix(dist)
            .unwrap_or(&file)
            .display()
            .to_string();
        println!("    {raw:>10} {gz:>10}  {name}");
    }
    println!("    {raw_total:>10} {gz_total:>10}  total");
    Ok(gz_total)
}

fn dist_files(dist: &Path) -> Result<Vec<PathBuf>, Failure> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dist)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", dist.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        // trunk's own lock file is not served, and the host's rules never reach the browser.
        .filter(|p| {
            !p.file_name().is_some_and(|n| {
                n.to_string_lossy().starts_with('.') || n == crate::hosting::CONFIG_FILE
            })
        })
        .collect();
    files.sort();
    Ok(files)
}

pub fn gzip_size(file: &Path) -> Result<u64, Failure> {
    let output = Command::new("gzip")
        .arg("-9")
        .arg("-c")
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Failure::new(format!("cannot run gzip: {e}")))?;
    if !output.status.success() {
        return Err(Failure::new(format!("gzip failed on {}", file.display())));
    }
    Ok(output.stdout.len() as u64)
}

pub fn serve(root: &Path) -> Result<(), Failure> {
    let config = config_from_env()?;
    let tools = setup::setup(root, Wants { browser: false })?;
    let mut tenant = if config.source == TenantSource::LocalDevTenant {
        Some(start_dev_tenant(root, &tools.toolchain)?)
    } else {
        None
    };
    fetch(root, &tools.toolchain)?;
    print_app_url(&config);
    let mut cmd = Command::new("trunk");
    tools.toolchain.apply(&mut cmd);
    // trunk binds 127.0.0.1 (Trunk.toml) and opens nothing; the alias adds the URL to open to
    // the addresses it lists.
    cmd.args(["serve", "--offline", "--open=false", "--alias", TRUNK_ALIAS])
        .current_dir(root)
        .env("TRUNK_SKIP_VERSION_CHECK", "true");
    let result = run(&mut cmd);
    if let Some(child) = tenant.as_mut() {
        let _ = child.kill();
        let _ = child.wait();
    }
    result
}

/// The one URL to open: the origin the README registers. trunk also lists 127.0.0.1, which sends
/// `redirect_uri=http://127.0.0.1:8080/callback`, another URI for Entra (AADSTS50011).
fn print_app_url(config: &BuildConfig) {
    println!("==> serving the app: open {DEV_APP_ORIGIN} (Ctrl-C stops everything)");
    if config.is_remote_tenant() && config.redirect_uri.is_none() {
        let post_logout = config
            .post_logout_redirect_uri
            .clone()
            .unwrap_or_else(|| format!("{DEV_APP_ORIGIN}/"));
        println!("    the app registration needs {DEV_APP_ORIGIN}{CALLBACK_PATH} and {post_logout} under Authentication → Single-page application;");
        println!("    open {DEV_APP_ORIGIN}, not the 127.0.0.1 address trunk also lists (Entra would answer AADSTS50011)");
    }
    if let Some(mismatch) = origin_mismatch(DEV_APP_ORIGIN, config) {
        println!("    warning: {mismatch}");
    }
}

fn start_dev_tenant(root: &Path, toolchain: &Toolchain) -> Result<std::process::Child, Failure> {
    step("local dev tenant on http://127.0.0.1:8081", || {
        if TcpStream::connect(("127.0.0.1", DEV_TENANT_PORT)).is_ok() {
            return Err(Failure::new(format!(
                "port {DEV_TENANT_PORT} is in use; stop what listens there (a dev tenant from an earlier run?), or set AUTHORITY to use another tenant"
            )));
        }
        let mut build = toolchain.cargo();
        build
            .args(["build", "--quiet", "-p", "dev-tenant"])
            .current_dir(root);
        run(&mut build)?;
        let state = root.join("target").join("dev-tenant-state.json");
        let port = DEV_TENANT_PORT.to_string();
        let mut child = Command::new(root.join("target/debug/dev-tenant"))
            .args(["--port", &port, "--state-file"])
            .arg(&state)
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| Failure::new(format!("cannot start the dev tenant: {e}")))?;
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", DEV_TENANT_PORT)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(Failure::new(format!("the dev tenant exited ({status})")));
            }
            if start.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                return Err(Failure::new("the dev tenant did not listen within 60s"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(child)
    })
}

#[cfg(test)]
mod tests {
    use super::dist_files;

    #[test]
    fn the_size_of_dist_counts_what_the_browser_loads_only() {
        let dist = std::env::temp_dir().join(format!("xtask-dist-files-{}", std::process::id()));
        std::fs::create_dir_all(&dist).expect("a dist dir");
        for name in ["index.html", "app-0123456789abcdef.js", ".trunk-lock"] {
            std::fs::write(dist.join(name), "x").expect("a file");
        }
        std::fs::write(dist.join(crate::hosting::CONFIG_FILE), "{}").expect("the rules");
        let names: Vec<String> = dist_files(&dist)
            .expect("listed")
            .iter()
            .filter_map(|p| Some(p.file_name()?.to_string_lossy().into_owned()))
            .collect();
        let _ = std::fs::remove_dir_all(&dist);
        assert_eq!(names, ["app-0123456789abcdef.js", "index.html"]);
    }
}
