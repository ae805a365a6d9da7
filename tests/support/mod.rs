//! The end-to-end harness: static servers for the built `dist/` folders, the dev tenant in-process,
//! and one headless Chromium per test through chromedriver. `cargo xtask test` provides the builds.

#![allow(dead_code)]

use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt;
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

/// How long a page may take to show what a test waits for.
pub const PAGE_TIMEOUT: Duration = Duration::from_secs(20);

/// The builds `cargo xtask test` makes for these tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Build {
    /// No configuration: the embedded local dev tenant defaults.
    Default,
    /// The dev tenant on `E2E_TENANT_PORT`, SPA client.
    Spa,
    /// The dev tenant on `E2E_TENANT_PORT`, Web client with its secret embedded.
    WebWithSecret,
}

impl Build {
    fn dist(self) -> PathBuf {
        let var = match self {
            Build::Default => "E2E_DIST_DEFAULT",
            Build::Spa => "E2E_DIST_SPA",
            Build::WebWithSecret => "E2E_DIST_WEB",
        };
        PathBuf::from(required_env(var))
    }
}

fn required_env(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: run the end-to-end tests with `cargo xtask test`, which builds the app first")
    })
}

pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime for the tests")
    })
}

/// The origin serving `build`, started on first use on a free loopback port.
/// Builds other than the default sign in to the dev tenant, which this starts too.
pub fn app_origin(build: Build) -> String {
    if build != Build::Default {
        tenant();
    }
    static SERVERS: OnceLock<Mutex<HashMap<Build, SocketAddr>>> = OnceLock::new();
    let servers = SERVERS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut servers = servers.lock().unwrap_or_else(|e| e.into_inner());
    let addr = *servers.entry(build).or_insert_with(|| {
        let dist = build.dist();
        assert!(
            dist.join("index.html").is_file(),
            "{} has no index.html",
            dist.display()
        );
        runtime().block_on(serve_dist(dist))
    });
    format!("http://{addr}")
}

/// Serves a trunk `dist/` like a static host configured for a single-page app: files as they are,
/// every other path gets `index.html`.
async fn serve_dist(dist: PathBuf) -> SocketAddr {
    use tower_http::services::{ServeDir, ServeFile};
    let service = ServeDir::new(&dist).fallback(ServeFile::new(dist.join("index.html")));
    let app = axum::Router::new().fallback_service(service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let addr = listener.local_addr().expect("local address");
    runtime().spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// A chromedriver process on a free port, stopped on drop.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Driver {
        let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port for chromedriver");
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e}; run `cargo xtask setup`"));
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "chromedriver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn open_browser(driver: &Driver, profile: &std::path::Path) -> Client {
    let mut args = vec![
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--window-size=1280,900".into(),
    ];
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut options = serde_json::json!({ "args": args });
    if let Ok(chrome) = std::env::var("CHROME") {
        options["binary"] = serde_json::Value::String(chrome);
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a WebDriver session with headless Chromium")
}

/// Runs `test` with a fresh headless Chromium, and closes it whether the test passes or panics.
pub fn with_browser<F, Fut>(test: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()>,
{
    let driver = Driver::start();
    let profile = profile_dir();
    runtime().block_on(async {
        let client = open_browser(&driver, &profile).await;
        let outcome = std::panic::AssertUnwindSafe(test(client.clone()))
            .catch_unwind()
            .await;
        let _ = client.close().await;
        drop(driver);
        let _ = std::fs::remove_dir_all(&profile);
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    });
}

fn profile_dir() -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("e2e-chromium-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a Chromium profile folder");
    dir
}

/// The text of the element matching `css`, once it is on the page.
pub async fn text_of(client: &Client, css: &str) -> String {
    wait_for(client, css).await.text().await.unwrap_or_default()
}

/// The element matching `css` once it is on the page; else the test fails with the page's source.
pub async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    let found = client
        .wait()
        .at_most(PAGE_TIMEOUT)
        .for_element(Locator::Css(css))
        .await;
    match found {
        Ok(element) => element,
        Err(e) => {
            let url = current_url(client).await;
            let body = client.source().await.unwrap_or_default();
            panic!("no element `{css}` on {url} within {PAGE_TIMEOUT:?}: {e}\npage:\n{body}")
        }
    }
}

/// Whether an element matching `css` is on the page now.
pub async fn is_present(client: &Client, css: &str) -> bool {
    client.find(Locator::Css(css)).await.is_ok()
}

pub async fn current_url(client: &Client) -> String {
    client
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default()
}

pub async fn goto(client: &Client, url: &str) {
    client
        .goto(url)
        .await
        .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
}

/// The dev tenant on `E2E_TENANT_PORT` (the port the app was built for), started on first use.
/// It accepts the registered loopback redirect URIs on any port, as Entra does.
pub fn tenant() -> &'static dev_tenant::DevTenant {
    static TENANT: OnceLock<dev_tenant::DevTenant> = OnceLock::new();
    TENANT.get_or_init(|| {
        let port: u16 = required_env("E2E_TENANT_PORT")
            .parse()
            .expect("E2E_TENANT_PORT is a port number");
        let config = dev_tenant::Config {
            port,
            loopback_any_port: true,
            quiet: true,
            ..dev_tenant::Config::default()
        };
        runtime()
            .block_on(async { dev_tenant::DevTenant::start(config).await })
            .unwrap_or_else(|e| panic!("cannot start the dev tenant on port {port}: {e}"))
    })
}

/// A fresh email address for a new user.
pub fn new_email(label: &str) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{label}.{}.{n}@example.com", std::process::id())
}

pub async fn fill(client: &Client, css: &str, text: &str) {
    let field = wait_for(client, css).await;
    field
        .clear()
        .await
        .unwrap_or_else(|e| panic!("cannot clear `{css}`: {e}"));
    field
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("cannot type into `{css}`: {e}"));
}

pub async fn click(client: &Client, css: &str) {
    let element = wait_for(client, css).await;
    element
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot click `{css}`: {e}"));
}

/// On the dev tenant's pages: the email, the code from the mailbox, and for a new user the sign-up
/// form. Leaves the browser on its way back to the app.
pub async fn pass_email_code(client: &Client, email: &str, new_user: bool) {
    fill(client, "#email", email).await;
    click(client, "#next").await;
    let code = wait_for_code(email).await;
    fill(client, "#code", &code).await;
    click(client, "#verify").await;
    if new_user {
        fill(client, "#displayName", "Ada Lovelace").await;
        fill(client, "#givenName", "Ada").await;
        fill(client, "#surname", "Lovelace").await;
        click(client, "#create").await;
    }
}

async fn wait_for_code(email: &str) -> String {
    let start = Instant::now();
    loop {
        if let Some(code) = tenant().tenant().latest_code(email) {
            return code;
        }
        assert!(
            start.elapsed() < PAGE_TIMEOUT,
            "no code was mailed to {email}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Serialises the tests that sign in: the tenant's faults apply to whichever token request comes
/// next, so two sign-ins at once would take each other's faults.
pub fn tenant_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Saves what the browser shows to `$E2E_SCREENSHOTS/{name}.png`, for people reviewing a run.
pub async fn screenshot(client: &Client, name: &str) {
    let Ok(dir) = std::env::var("E2E_SCREENSHOTS") else {
        return;
    };
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(PathBuf::from(dir).join(format!("{name}.png")), png);
    }
}
