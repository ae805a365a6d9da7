//! The `dev-tenant` binary: serves the local Entra External ID emulator on 127.0.0.1 until Ctrl-C.

use clap::{CommandFactory, FromArgMatches, Parser};
use dev_tenant::{ClientKind, ClientSecret, Config, DevTenant, IssuerMode};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// A local emulator of a Microsoft Entra External ID (CIAM) tenant: OpenID Connect discovery, JWKS, authorize with an
/// email one-time passcode (codes in the mailbox and on stdout), token, logout, userinfo, and fault injection.
///
/// Every flag can also be set by the environment variable shown.
#[derive(Parser, Debug)]
#[command(name = "dev-tenant", version)]
struct Args {
    /// Port to listen on, on 127.0.0.1 (0: a free port).
    #[arg(long, env = "DEV_TENANT_PORT", default_value_t = dev_tenant::DEFAULT_PORT)]
    port: u16,

    /// Keep signing keys and users in this JSON file across restarts (without it, in memory only).
    #[arg(long, env = "DEV_TENANT_STATE_FILE", value_name = "PATH")]
    state_file: Option<PathBuf>,

    /// Add a new signing key at start; the old ones stay published in the JWKS.
    #[arg(long, env = "DEV_TENANT_ROTATE_KEYS")]
    rotate_keys: bool,

    /// Directory (tenant) id.
    #[arg(long, env = "DEV_TENANT_ID", default_value = dev_tenant::TENANT_ID, value_name = "GUID")]
    tenant_id: String,

    /// Tenant subdomain (`{subdomain}.ciamlogin.com` in Entra).
    #[arg(long, env = "DEV_TENANT_SUBDOMAIN", default_value = dev_tenant::TENANT_SUBDOMAIN)]
    subdomain: String,

    /// Make `iss` equal to the authority, instead of Entra's `http://{tenant_id}.localhost:{port}/{tenant_id}/v2.0`.
    #[arg(long, env = "DEV_TENANT_ISSUER_EQUALS_AUTHORITY")]
    issuer_equals_authority: bool,

    /// Client id of the single-page-application client (public, PKCE, cross-origin redemption).
    #[arg(long, env = "DEV_TENANT_SPA_CLIENT_ID", default_value = dev_tenant::SPA_CLIENT_ID, value_name = "ID")]
    spa_client_id: String,

    /// Client id of the Web client (confidential, with a secret).
    #[arg(long, env = "DEV_TENANT_WEB_CLIENT_ID", default_value = dev_tenant::WEB_CLIENT_ID, value_name = "ID")]
    web_client_id: String,

    /// Secret of the Web client.
    #[arg(long, env = "DEV_TENANT_WEB_CLIENT_SECRET", default_value = dev_tenant::WEB_CLIENT_SECRET, value_name = "SECRET", hide_default_value = true)]
    web_client_secret: String,

    /// Register another redirect URI on both clients (repeatable; defaults: http://127.0.0.1:8080/callback,
    /// http://localhost:8080/callback, and the post-logout pages http://127.0.0.1:8080/ and http://localhost:8080/).
    /// A `post_logout_redirect_uri` must be one of them, as in Entra. In the environment: comma-separated.
    #[arg(
        long = "redirect-uri",
        env = "DEV_TENANT_REDIRECT_URIS",
        value_name = "URI",
        value_delimiter = ','
    )]
    redirect_uris: Vec<String>,

    /// Accept a registered loopback redirect URI (http://127.0.0.1 or http://localhost) on any port, as Entra does,
    /// at /authorize and as a post_logout_redirect_uri.
    #[arg(long, env = "DEV_TENANT_LOOPBACK_ANY_PORT")]
    loopback_any_port: bool,

    /// ID token lifetime, in seconds.
    #[arg(
        long,
        env = "DEV_TENANT_ID_TOKEN_LIFETIME",
        default_value_t = 3600,
        value_name = "SECS"
    )]
    id_token_lifetime: u64,

    /// Shortest access token lifetime (`expires_in`), in seconds: each access token gets one drawn uniformly
    /// between this and --access-token-max-lifetime, as Entra draws 60 to 90 minutes.
    #[arg(
        long,
        env = "DEV_TENANT_ACCESS_TOKEN_MIN_LIFETIME",
        default_value_t = 3600,
        value_name = "SECS"
    )]
    access_token_min_lifetime: u64,

    /// Longest access token lifetime (`expires_in`), in seconds (at least --access-token-min-lifetime).
    #[arg(
        long,
        env = "DEV_TENANT_ACCESS_TOKEN_MAX_LIFETIME",
        default_value_t = 5400,
        value_name = "SECS"
    )]
    access_token_max_lifetime: u64,

    /// Authorization code lifetime, in seconds.
    #[arg(
        long,
        env = "DEV_TENANT_CODE_LIFETIME",
        default_value_t = 600,
        value_name = "SECS"
    )]
    code_lifetime: u64,

    /// SPA refresh token lifetime from the sign-in (not extended by rotation), in seconds.
    #[arg(
        long,
        env = "DEV_TENANT_SPA_REFRESH_LIFETIME",
        default_value_t = 86_400,
        value_name = "SECS"
    )]
    spa_refresh_lifetime: u64,

    /// Web refresh token lifetime from its issue (each rotation issues a new one), in seconds.
    #[arg(
        long,
        env = "DEV_TENANT_WEB_REFRESH_LIFETIME",
        default_value_t = 86_400,
        value_name = "SECS"
    )]
    web_refresh_lifetime: u64,

    /// Emailed one-time passcode lifetime, in seconds.
    #[arg(
        long,
        env = "DEV_TENANT_OTP_LIFETIME",
        default_value_t = 600,
        value_name = "SECS"
    )]
    otp_lifetime: u64,

    /// Sign-in session (cookie) lifetime, in seconds.
    #[arg(
        long,
        env = "DEV_TENANT_SESSION_LIFETIME",
        default_value_t = 86_400,
        value_name = "SECS"
    )]
    session_lifetime: u64,

    /// Print neither the request log nor the emailed codes.
    #[arg(long, env = "DEV_TENANT_QUIET")]
    quiet: bool,

    /// Stop when the process PID has exited, as after Ctrl-C (Linux and macOS). trunk's pre_build hook
    /// (`cargo xtask dev-tenant-hook`) passes trunk's own, so that a tenant it started ends with `trunk serve`.
    #[arg(long, env = "DEV_TENANT_STOP_WITH_PROCESS", value_name = "PID")]
    stop_with_process: Option<u32>,
}

impl Args {
    fn into_config(self) -> Config {
        let mut config = Config {
            port: self.port,
            tenant_id: self.tenant_id,
            subdomain: self.subdomain,
            issuer_mode: if self.issuer_equals_authority {
                IssuerMode::Authority
            } else {
                IssuerMode::TenantHost
            },
            loopback_any_port: self.loopback_any_port,
            state_file: self.state_file,
            rotate_keys: self.rotate_keys,
            quiet: self.quiet,
            ..Config::default()
        };
        let lifetimes = &mut config.lifetimes;
        lifetimes.id_token = Duration::from_secs(self.id_token_lifetime);
        lifetimes.access_token_min = Duration::from_secs(self.access_token_min_lifetime);
        lifetimes.access_token_max = Duration::from_secs(self.access_token_max_lifetime);
        lifetimes.authorization_code = Duration::from_secs(self.code_lifetime);
        lifetimes.spa_refresh_token = Duration::from_secs(self.spa_refresh_lifetime);
        lifetimes.web_refresh_token = Duration::from_secs(self.web_refresh_lifetime);
        lifetimes.otp_code = Duration::from_secs(self.otp_lifetime);
        lifetimes.session = Duration::from_secs(self.session_lifetime);
        for client in &mut config.clients {
            match client.kind {
                ClientKind::Spa => client.client_id = self.spa_client_id.clone(),
                ClientKind::Web => {
                    client.client_id = self.web_client_id.clone();
                    client.secret = Some(ClientSecret::new(self.web_client_secret.clone()));
                }
            }
        }
        for uri in self.redirect_uris {
            config = config.with_redirect_uri(uri);
        }
        config
    }
}

/// `--help`'s closing text: endpoints, the start-up lines, and the faults.
fn after_help() -> String {
    format!(
        "Endpoints (under http://127.0.0.1:PORT):\n  \
         /{{tenant}}/v2.0/.well-known/openid-configuration   /{{tenant}}/discovery/v2.0/keys\n  \
         /{{tenant}}/oauth2/v2.0/authorize   /{{tenant}}/oauth2/v2.0/token   /{{tenant}}/oauth2/v2.0/logout\n  \
         /{{tenant}}/openid/v2.0/userinfo    /_dev/mailbox (HTML; JSON with ?format=json or Accept: application/json)\n\n\
         At start it prints: authority:, tenant:, spa client:, web client: ... secret:, mailbox:, issuer: (one per line).\n\n{}",
        dev_tenant::faults::help_text()
    )
}

fn main() -> ExitCode {
    let matches = Args::command().after_long_help(after_help()).get_matches();
    let args = match Args::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(e) => e.exit(),
    };
    let watched = args.stop_with_process;
    let config = args.into_config();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("dev-tenant: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(config, watched))
}

async fn serve(config: Config, watched: Option<u32>) -> ExitCode {
    let tenant = match DevTenant::start(config).await {
        Ok(tenant) => tenant,
        Err(e) => {
            eprintln!("dev-tenant: {e}");
            return ExitCode::FAILURE;
        }
    };
    let config = tenant.tenant().config();
    let client_of = |kind| config.clients.iter().find(|c| c.kind == kind);
    println!("authority: {}", tenant.authority());
    println!("tenant: {}", config.tenant_id);
    if let Some(spa) = client_of(ClientKind::Spa) {
        println!("spa client: {}", spa.client_id);
    }
    if let Some(web) = client_of(ClientKind::Web) {
        let secret = web
            .secret
            .as_ref()
            .map(ClientSecret::expose)
            .unwrap_or_default();
        println!("web client: {} secret: {secret}", web.client_id);
    }
    println!("mailbox: {}", tenant.tenant().urls().mailbox);
    println!("issuer: {}", tenant.issuer());
    tokio::select! {
        signal = tokio::signal::ctrl_c() => {
            if signal.is_err() {
                eprintln!("dev-tenant: cannot wait for Ctrl-C; stopping");
            }
        }
        () = exited(watched) => {
            println!("dev-tenant: process {} has exited; stopping", watched.unwrap_or_default());
        }
    }
    tenant.shutdown().await;
    ExitCode::SUCCESS
}

/// Returns once process `pid` has exited; never without one. Polled: no portable way to wait for a
/// process that is not our child.
async fn exited(pid: Option<u32>) {
    let Some(pid) = pid else {
        return std::future::pending().await;
    };
    while is_running(pid) {
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Whether `pid` names a live process. A zombie (exited, not yet reaped by its parent) counts as
/// gone: its program has stopped.
fn is_running(pid: u32) -> bool {
    let state = if cfg!(target_os = "linux") {
        // `/proc/PID/stat` is `pid (comm) S ...`; comm may hold spaces and parentheses.
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| Some(stat[stat.rfind(')')? + 1..].trim_start().to_owned()))
    } else {
        std::process::Command::new("ps")
            .args(["-o", "stat=", "-p", &pid.to_string()])
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    state.is_some_and(|s| !s.is_empty() && !s.starts_with('Z'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Config {
        let matches = Args::command()
            .try_get_matches_from(args)
            .expect("valid arguments");
        Args::from_arg_matches(&matches)
            .expect("arguments")
            .into_config()
    }

    #[test]
    fn defaults_are_the_fixed_dev_tenant_on_8081() {
        let config = parse(&["dev-tenant"]);
        assert_eq!(config.port, 8081);
        assert_eq!(config.tenant_id, dev_tenant::TENANT_ID);
        assert_eq!(config.issuer_mode, IssuerMode::TenantHost);
        assert_eq!(config.clients.len(), 2);
        assert_eq!(config.lifetimes, dev_tenant::Lifetimes::default());
    }

    #[test]
    fn access_token_lifetime_flags_set_the_range() {
        let config = parse(&[
            "dev-tenant",
            "--access-token-min-lifetime",
            "10",
            "--access-token-max-lifetime",
            "20",
        ]);
        assert_eq!(config.lifetimes.access_token_min, Duration::from_secs(10));
        assert_eq!(config.lifetimes.access_token_max, Duration::from_secs(20));
        let inverted = parse(&["dev-tenant", "--access-token-min-lifetime", "6000"]);
        assert!(inverted.validate().is_err(), "min above the default max");
        assert!(Args::command()
            .try_get_matches_from(["dev-tenant", "--post-logout-redirect-uri", "http://x/"])
            .is_err());
    }

    #[test]
    fn flags_set_port_state_file_issuer_uris_and_lifetimes() {
        let config = parse(&[
            "dev-tenant",
            "--port",
            "9000",
            "--state-file",
            "/tmp/x.json",
            "--issuer-equals-authority",
            "--redirect-uri",
            "http://127.0.0.1:5000/cb",
            "--code-lifetime",
            "5",
        ]);
        assert_eq!(config.port, 9000);
        assert_eq!(config.state_file, Some(PathBuf::from("/tmp/x.json")));
        assert_eq!(config.issuer_mode, IssuerMode::Authority);
        assert!(config.clients.iter().all(|c| c
            .redirect_uris
            .contains(&"http://127.0.0.1:5000/cb".to_string())));
        assert_eq!(config.lifetimes.authorization_code, Duration::from_secs(5));
    }

    #[test]
    fn a_watched_process_is_running_until_it_exits_and_is_reaped() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("sleep starts");
        assert!(is_running(child.id()));
        child.kill().expect("sleep is our child");
        // SIGKILL takes effect asynchronously; the zombie stays until `wait`.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while is_running(child.id()) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!is_running(child.id()), "an unreaped zombie counts as gone");
        child.wait().expect("reaped");
        assert!(!is_running(child.id()));
    }

    #[test]
    fn help_documents_every_flag_and_fault() {
        let help = Args::command()
            .after_long_help(after_help())
            .render_long_help()
            .to_string();
        for flag in [
            "--port",
            "--state-file",
            "--rotate-keys",
            "--issuer-equals-authority",
            "--loopback-any-port",
            "--access-token-min-lifetime",
            "--access-token-max-lifetime",
            "--stop-with-process",
        ] {
            assert!(help.contains(flag), "{flag} missing from --help");
        }
        for fault in dev_tenant::Fault::ALL {
            assert!(
                help.contains(fault.name()),
                "{} missing from --help",
                fault.name()
            );
        }
    }
}
