//! `cargo xtask dev-tenant-hook`, trunk's `pre_build` hook (`Trunk.toml`): under plain `trunk serve`
//! with no tenant configured, starts the local dev tenant when nothing listens on its port, and ties
//! its life to trunk's (`dev-tenant --stop-with-process`). trunk runs it before every build, so it
//! does nothing, quietly and at once, when the port is taken (by the tenant it started, or by the
//! one `cargo xtask serve` starts) or when trunk only builds.

use crate::config::{url_parts, BuildConfig, TenantSource};
use crate::csp::config_from_env;
use crate::proc::Failure;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the tenant may take to listen once built (key generation, state file).
const START_LIMIT: Duration = Duration::from_secs(60);
/// How far up the process tree trunk may be: xtask ← cargo ← (rustup's proxy) ← trunk.
const ANCESTORS_SEARCHED: usize = 8;

/// What [`ensure_running`] found or did.
#[derive(Debug)]
pub enum Tenant {
    /// Something listens on the port already: the tenant of an earlier build or of `cargo xtask serve`.
    AlreadyListening,
    /// Started and listening; it stops when the watched process exits.
    Started(Child),
}

/// The hook: decides from the configuration and from the trunk that runs it, then starts the tenant.
pub fn hook(root: &Path) -> Result<(), Failure> {
    let config = config_from_env()?;
    let Some(port) = dev_tenant_port(&config)? else {
        return Ok(());
    };
    // `trunk build` ends before anyone could sign in: a tenant would only slow it down.
    let Some(trunk) = serving_trunk() else {
        return Ok(());
    };
    let building = || {
        println!(
            "dev-tenant-hook: nothing listens on 127.0.0.1:{port}: starting the local dev tenant \
             there; it stops when trunk stops (process {trunk}). Building it first takes a minute \
             or two the first time."
        );
        build_dev_tenant(root)
    };
    let state = root.join("target").join("dev-tenant-state.json");
    // The tenant outlives this hook: it is not waited for, it watches trunk.
    if let Tenant::Started(tenant) = ensure_running(port, trunk, Some(&state), building)? {
        println!(
            "dev-tenant-hook: the dev tenant (process {}) listens on http://127.0.0.1:{port}; \
             emailed codes: http://127.0.0.1:{port}/_dev/mailbox",
            tenant.id()
        );
    }
    Ok(())
}

/// The port of the local dev tenant the build signs in to, or `None` for a configured tenant.
fn dev_tenant_port(config: &BuildConfig) -> Result<Option<u16>, Failure> {
    if config.source != TenantSource::LocalDevTenant {
        return Ok(None);
    }
    url_parts(&config.authority)
        .and_then(|p| p.port?.parse().ok())
        .map(Some)
        .ok_or_else(|| {
            Failure::new(format!(
                "the dev tenant's authority {} names no port: set one in DEV_TENANT_AUTHORITY \
                 (src/config.rs)",
                config.authority
            ))
        })
}

/// Starts the dev tenant on 127.0.0.1:`port` unless something listens there, and waits until it
/// does. `build` yields the binary; it runs only when the tenant is to be started.
pub fn ensure_running(
    port: u16,
    watched: u32,
    state_file: Option<&Path>,
    build: impl FnOnce() -> Result<PathBuf, Failure>,
) -> Result<Tenant, Failure> {
    if listening(port) {
        return Ok(Tenant::AlreadyListening);
    }
    let binary = build()?;
    let mut cmd = Command::new(&binary);
    cmd.args(["--port", &port.to_string()])
        .args(["--stop-with-process", &watched.to_string()])
        // Its codes and request log go to trunk's terminal, as with `cargo xtask serve`.
        .stdin(Stdio::null());
    if let Some(state) = state_file {
        cmd.arg("--state-file").arg(state);
    }
    let mut child = cmd.spawn().map_err(|e| {
        Failure::new(format!(
            "cannot start {}: {e}; build it with `cargo build -p dev-tenant`",
            binary.display()
        ))
    })?;
    let start = Instant::now();
    while !listening(port) {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(Failure::new(format!(
                "the dev tenant exited ({status}) before listening on 127.0.0.1:{port}: see its \
                 message above; another program may have taken the port"
            )));
        }
        if start.elapsed() > START_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Failure::new(format!(
                "the dev tenant did not listen on 127.0.0.1:{port} within {}s and was stopped; \
                 run `cargo run -p dev-tenant` to see why",
                START_LIMIT.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(Tenant::Started(child))
}

/// Whether something accepts connections on 127.0.0.1:`port` (never waits long: loopback only).
pub fn listening(port: u16) -> bool {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&address, Duration::from_millis(500)).is_ok()
}

/// Builds the dev tenant's binary (debug, as `cargo xtask serve` does, so they share it) and returns
/// its path. Offline like trunk (`Trunk.toml`): a missing crate is an error, never a download.
pub fn build_dev_tenant(root: &Path) -> Result<PathBuf, Failure> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "build",
            "--offline",
            "-p",
            "dev-tenant",
            "--bin",
            "dev-tenant",
        ])
        .args(["--message-format", "json-render-diagnostics"])
        .current_dir(root)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Failure::new(format!("cannot run cargo: {e}")))?;
    if !output.status.success() {
        return Err(Failure::new(format!(
            "building the dev tenant failed ({}): see cargo's message above; after adding a crate, \
             run `cargo fetch`",
            output.status
        )));
    }
    let messages = String::from_utf8_lossy(&output.stdout);
    executable_in(&messages).ok_or_else(|| {
        Failure::new(
            "cargo built the dev tenant but named no executable; run `cargo build -p dev-tenant` \
             and start target/debug/dev-tenant yourself",
        )
    })
}

/// The `executable` of the dev tenant's `compiler-artifact` message (cargo's JSON, one per line).
fn executable_in(messages: &str) -> Option<PathBuf> {
    const KEY: &str = "\"executable\":\"";
    messages
        .lines()
        .filter(|l| l.contains("\"reason\":\"compiler-artifact\"") && l.contains("dev-tenant"))
        .find_map(|line| {
            let start = line.find(KEY)? + KEY.len();
            let end = line[start..].find('"')? + start;
            Some(PathBuf::from(&line[start..end]))
        })
}

/// trunk's process id when the hook runs under `trunk serve`; `None` under `trunk build` or when
/// no trunk is found among the ancestors.
fn serving_trunk() -> Option<u32> {
    let mut pid = std::os::unix::process::parent_id();
    for _ in 0..ANCESTORS_SEARCHED {
        let info = process_info(pid)?;
        match trunk_command(&info.args) {
            Some(TrunkCommand::Serve) => return Some(pid),
            Some(TrunkCommand::Other) => return None,
            None if info.parent > 1 => pid = info.parent,
            None => return None,
        }
    }
    None
}

#[derive(Debug, PartialEq, Eq)]
enum TrunkCommand {
    Serve,
    Other,
}

/// `Some` when `args` run trunk: with `serve` as its subcommand, or another.
fn trunk_command(args: &[String]) -> Option<TrunkCommand> {
    let program = Path::new(args.first()?).file_name()?.to_str()?;
    if program != "trunk" {
        return None;
    }
    // Options before the subcommand (`--config X`) take values, so look for the word itself.
    Some(match args[1..].iter().any(|a| a == "serve") {
        true => TrunkCommand::Serve,
        false => TrunkCommand::Other,
    })
}

struct ProcessInfo {
    parent: u32,
    args: Vec<String>,
}

/// A process's parent and arguments: from `/proc` on Linux, from `ps` elsewhere (macOS).
fn process_info(pid: u32) -> Option<ProcessInfo> {
    if cfg!(target_os = "linux") {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
        let after_comm = &stat[stat.rfind(')')? + 1..];
        let parent = after_comm.split_whitespace().nth(1)?.parse().ok()?;
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let args = cmdline
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        Some(ProcessInfo { parent, args })
    } else {
        let ps = |field: &str| {
            let out = Command::new("ps")
                .args(["-o", field, "-p", &pid.to_string()])
                .stderr(Stdio::null())
                .output()
                .ok()?;
            Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        };
        let parent = ps("ppid=")?.parse().ok()?;
        let args = ps("args=")?.split_whitespace().map(str::to_owned).collect();
        Some(ProcessInfo { parent, args })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEV_TENANT_ID;
    use std::io::{Read, Write};

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn only_trunk_serve_starts_a_tenant() {
        let serve = words("/root/.cargo/bin/trunk serve --offline --open=false");
        assert_eq!(trunk_command(&serve), Some(TrunkCommand::Serve));
        let build = words("trunk build --release --offline --dist dist");
        assert_eq!(trunk_command(&build), Some(TrunkCommand::Other));
        assert_eq!(trunk_command(&words("cargo run -p xtask -- serve")), None);
        assert_eq!(trunk_command(&[]), None);
    }

    #[test]
    fn finds_the_dev_tenant_binary_in_cargos_messages() {
        let messages = "{\"reason\":\"compiler-artifact\",\"package_id\":\"path+file:///w/dev-tenant#0.1.0\",\"executable\":null}\n\
                        {\"reason\":\"compiler-artifact\",\"package_id\":\"path+file:///w/dev-tenant#0.1.0\",\"target\":{\"name\":\"dev-tenant\"},\"executable\":\"/t/debug/dev-tenant\",\"fresh\":true}\n\
                        {\"reason\":\"build-finished\",\"success\":true}";
        assert_eq!(
            executable_in(messages),
            Some(PathBuf::from("/t/debug/dev-tenant"))
        );
        assert_eq!(executable_in("{\"reason\":\"build-finished\"}"), None);
    }

    #[test]
    fn a_taken_port_starts_nothing_and_builds_nothing() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = taken.local_addr().expect("its address").port();
        let found = ensure_running(port, std::process::id(), None, || {
            panic!("nothing is built when the port is taken")
        })
        .expect("no error");
        assert!(matches!(found, Tenant::AlreadyListening), "{found:?}");
    }

    /// The status code of `GET path` on 127.0.0.1:`port`, or `None` when nothing answers.
    fn get_status(port: u16, path: &str) -> Option<u16> {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .ok()?;
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).ok()?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).ok()?;
        answer.split_whitespace().nth(1)?.parse().ok()
    }

    /// The hook's start, as trunk's pre_build would run it, with a `sleep` in trunk's place: killing
    /// it must stop the tenant. (Driving a real `trunk serve` would add minutes of wasm build.)
    #[test]
    fn a_started_tenant_serves_discovery_and_stops_when_the_watched_process_exits() {
        let root = crate::workspace_root();
        let binary = build_dev_tenant(&root).expect("the dev tenant builds");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut trunk = Command::new("sleep")
            .arg("300")
            .spawn()
            .expect("sleep starts");
        let started = ensure_running(port, trunk.id(), None, || Ok(binary));
        let mut tenant = match started {
            Ok(Tenant::Started(child)) => child,
            other => {
                let _ = trunk.kill();
                let _ = trunk.wait();
                panic!("expected a started tenant, found {other:?}");
            }
        };
        let discovery = format!("/{DEV_TENANT_ID}/v2.0/.well-known/openid-configuration");
        let status = get_status(port, &discovery);

        trunk.kill().expect("sleep is our child");
        trunk.wait().expect("reaped");
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut exit = None;
        while exit.is_none() && Instant::now() < deadline {
            exit = tenant.try_wait().expect("the tenant is our child");
            std::thread::sleep(Duration::from_millis(50));
        }
        if exit.is_none() {
            let _ = tenant.kill();
            let _ = tenant.wait();
        }
        assert_eq!(status, Some(200), "discovery on the started tenant");
        assert!(
            exit.is_some_and(|s| s.success()),
            "the tenant stops by itself, cleanly, once the watched process is gone: {exit:?}"
        );
        assert!(!listening(port), "the port is free again");
    }
}
