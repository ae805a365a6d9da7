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
    /// The dev tenant on `E2E_TENANT_PORT`, a client ID it has no application for.
    UnknownClient,
    /// The minimal Leptos app with a router (`xtask/size-baseline`), for `cargo xtask bench`.
    Baseline,
}

impl Build {
    fn dist(self) -> PathBuf {
        let var = match self {
            Build::Default => "E2E_DIST_DEFAULT",
            Build::Spa => "E2E_DIST_SPA",
            Build::WebWithSecret => "E2E_DIST_WEB",
            Build::UnknownClient => "E2E_DIST_UNKNOWN_CLIENT",
            Build::Baseline => "E2E_DIST_BASELINE",
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
    if matches!(
        build,
        Build::Spa | Build::WebWithSecret | Build::UnknownClient
    ) {
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
    let deadline = Instant::now() + PAGE_TIMEOUT;
    let found = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match client
            .wait()
            .at_most(left)
            .for_element(Locator::Css(css))
            .await
        {
            // Chromium aborts a lookup when the page navigates under it (the app leaving for
            // the tenant): the element may be on the next page, so look again there.
            Err(e) if e.to_string().contains("aborted by navigation") && !left.is_zero() => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            other => break other,
        }
    };
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

/// Chooses the option with `value` in the `<select>` matching `css`.
pub async fn choose(client: &Client, css: &str, value: &str) {
    wait_for(client, css)
        .await
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("cannot choose {value:?} in `{css}`: {e}"));
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
fn tenant_lock() -> std::sync::MutexGuard<'static, ()> {
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

/// The dev tenant for one test: exclusive (its faults and lifetimes are global), no fault armed,
/// `lifetimes` in force; the default lifetimes again when dropped, even when the test panics,
/// before the next test may take the tenant.
pub struct TenantGuard {
    _lock: std::sync::MutexGuard<'static, ()>,
}

impl TenantGuard {
    pub fn new(lifetimes: dev_tenant::Lifetimes) -> TenantGuard {
        let lock = tenant_lock();
        tenant().tenant().clear_faults();
        tenant().tenant().set_clock_offset(0);
        tenant().tenant().set_lifetimes(lifetimes);
        TenantGuard { _lock: lock }
    }
}

impl Drop for TenantGuard {
    fn drop(&mut self) {
        tenant()
            .tenant()
            .set_lifetimes(dev_tenant::Lifetimes::default());
        tenant().tenant().set_clock_offset(0);
    }
}

/// Access tokens that live 10 s: automatic renewal is due 5 s after they arrive.
pub fn short_lived_access_tokens() -> dev_tenant::Lifetimes {
    dev_tenant::Lifetimes::with_access_token(Duration::from_secs(10))
}

/// From the home page of `origin`: ticks "Keep me signed in for this tab" when `keep`, then starts
/// a sign-up. Leaves the browser at the tenant.
pub async fn start_sign_up(client: &Client, origin: &str, keep: bool) {
    goto(client, &format!("{origin}/")).await;
    if keep {
        click(client, "#keep-signed-in").await;
        let ticked = wait_for(client, "#keep-signed-in")
            .await
            .is_selected()
            .await;
        assert!(
            matches!(ticked, Ok(true)),
            "#keep-signed-in is not ticked: {ticked:?}"
        );
    }
    click(client, "#sign-up").await;
}

/// Signs up a new user from the home page of `origin` (keeping the session for the tab when
/// `keep`) and waits for their profile.
pub async fn sign_up_at(client: &Client, origin: &str, email: &str, keep: bool) {
    start_sign_up(client, origin, keep).await;
    pass_email_code(client, email, true).await;
    assert_eq!(text_of(client, "#profile-email").await, email);
}

/// Runs `script` in the page (`arguments[i]` are `args`); the test fails if it throws.
pub async fn js(client: &Client, script: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
    client
        .execute(script, args)
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// The value under `key` in the page's sessionStorage.
pub async fn session_storage(client: &Client, key: &str) -> Option<String> {
    let value = js(
        client,
        "return sessionStorage.getItem(arguments[0]);",
        vec![key.into()],
    )
    .await;
    value.as_str().map(str::to_string)
}

/// The session the app keeps in sessionStorage when the user opted in, as JSON, once it is there.
pub async fn stored_session(client: &Client) -> serde_json::Value {
    let key = "entra-signin.session";
    let what = format!("a session in sessionStorage `{key}`");
    let json = wait_until(client, &what, PAGE_TIMEOUT, move || async move {
        session_storage(client, key).await
    })
    .await;
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("the stored session is not JSON: {e}"))
}

/// The string field `name` of a JSON object; the test fails without it.
pub fn string_field(json: &serde_json::Value, name: &str) -> String {
    json[name]
        .as_str()
        .unwrap_or_else(|| panic!("no string `{name}` in {json}"))
        .to_string()
}

/// `textContent` of the first element matching `css`, once it is on the page, shown or not.
pub async fn text_content(client: &Client, css: &str) -> String {
    wait_for(client, css).await;
    let text = js(
        client,
        "return document.querySelector(arguments[0]).textContent;",
        vec![css.into()],
    )
    .await;
    text.as_str().unwrap_or_default().to_string()
}

/// Attribute `attr` of the element matching `css`, once it is on the page; the test fails when
/// the element has no such attribute.
pub async fn attr_of(client: &Client, css: &str, attr: &str) -> String {
    let element = wait_for(client, css).await;
    match element.attr(attr).await {
        Ok(Some(value)) => value,
        other => panic!("`{css}` has no `{attr}`: {other:?}"),
    }
}

/// [`attr_of`] as a number.
pub async fn number_attr_of(client: &Client, css: &str, attr: &str) -> f64 {
    let value = attr_of(client, css, attr).await;
    value
        .parse()
        .unwrap_or_else(|_| panic!("`{css}` has `{attr}=\"{value}\"`, not a number"))
}

/// Attribute `attr` of the element matching `css` now, without waiting.
pub async fn attr_now(client: &Client, css: &str, attr: &str) -> Option<String> {
    let element = client.find(Locator::Css(css)).await.ok()?;
    element.attr(attr).await.ok().flatten()
}

/// Attribute `attr` of every element matching `css`, in document order (`""` where absent).
pub async fn attrs_of_all(client: &Client, css: &str, attr: &str) -> Vec<String> {
    let values = js(
        client,
        "return Array.from(document.querySelectorAll(arguments[0]), e => e.getAttribute(arguments[1]) || '');",
        vec![css.into(), attr.into()],
    )
    .await;
    serde_json::from_value(values).unwrap_or_default()
}

/// Polls `check` until it gives a value, for up to `timeout`; else the test fails saying `what`
/// it waited for, with the page.
pub async fn wait_until<T, F, Fut>(
    client: &Client,
    what: &str,
    timeout: Duration,
    mut check: F,
) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if start.elapsed() >= timeout {
            let url = current_url(client).await;
            let body = client.source().await.unwrap_or_default();
            panic!("{what}: not so on {url} within {timeout:?}\npage:\n{body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until attribute `attr` of `css` satisfies `accept` and returns it.
pub async fn wait_for_attr(
    client: &Client,
    css: &str,
    attr: &str,
    accept: impl Fn(&str) -> bool,
) -> String {
    let accept = &accept;
    let what = format!("`{css}` with an accepted `{attr}`");
    wait_until(client, &what, PAGE_TIMEOUT, move || async move {
        attr_now(client, css, attr).await.filter(|v| accept(v))
    })
    .await
}

/// Clicks the element matching `css` once it is enabled (a button may be disabled while it works).
pub async fn click_when_enabled(client: &Client, css: &str) {
    let what = format!("`{css}` enabled");
    wait_until(client, &what, PAGE_TIMEOUT, move || async move {
        let element = client.find(Locator::Css(css)).await.ok()?;
        element.is_enabled().await.ok()?.then_some(())
    })
    .await;
    click(client, css).await;
}

/// Waits until nothing matches `css`.
pub async fn wait_gone(client: &Client, css: &str) {
    let what = format!("`{css}` gone");
    wait_until(client, &what, PAGE_TIMEOUT, move || async move {
        (!is_present(client, css).await).then_some(())
    })
    .await
}

/// The `data-step` ids of a flow inspector's steps, in order.
pub const SIGN_IN_STEPS: [&str; 8] = [
    "discovery",
    "pkce",
    "authorize",
    "callback",
    "token-request",
    "token-response",
    "jwks",
    "validation",
];
pub const REFRESH_STEPS: [&str; 5] = [
    "discovery",
    "token-request",
    "token-response",
    "jwks",
    "validation",
];
pub const RESTORE_STEPS: [&str; 4] = ["storage", "discovery", "jwks", "validation"];

/// The steps of a restore whose expired ID token was renewed with the kept refresh token.
pub const RESTORE_RENEWED_STEPS: [&str; 6] = [
    "storage",
    "discovery",
    "token-request",
    "token-response",
    "jwks",
    "validation",
];

/// `(data-step, data-outcome)` of every element matching `css`, in order: the `.trace-step`s or
/// the `#flow-diagram li`s of a flow inspector.
pub async fn step_outcomes(client: &Client, css: &str) -> Vec<(String, String)> {
    let steps = attrs_of_all(client, css, "data-step").await;
    let outcomes = attrs_of_all(client, css, "data-outcome").await;
    steps.into_iter().zip(outcomes).collect()
}

/// Waits for the flow inspector of `kind` under `scope` (`""` for the page), then checks that it
/// shows exactly `steps`, in order, each one `ok`, in its steps and in its diagram.
pub async fn assert_trace_all_ok(client: &Client, scope: &str, kind: &str, steps: &[&str]) {
    let inspector = format!("{scope} #flow-inspector[data-kind='{kind}']");
    wait_for(client, &inspector).await;
    let expected: Vec<(String, String)> = steps
        .iter()
        .map(|s| (s.to_string(), "ok".to_string()))
        .collect();
    let shown = step_outcomes(client, &format!("{inspector} .trace-step")).await;
    assert_eq!(shown, expected, "the {kind} steps");
    let diagram = step_outcomes(client, &format!("{inspector} #flow-diagram li[data-step]")).await;
    assert_eq!(diagram, expected, "the {kind} diagram");
}

/// Opens the profile's section `id` (`claims`, `validation`, `inspector`, `tokens`, `api`) as a
/// user would, by its summary, unless it is open already.
pub async fn open_section(client: &Client, id: &str) {
    open_details(client, &format!("details#{id}")).await;
}

/// Opens the step `step` of the flow inspector matching `inspector` by its summary, unless open.
pub async fn open_step(client: &Client, inspector: &str, step: &str) {
    open_details(
        client,
        &format!("{inspector} .trace-step[data-step='{step}']"),
    )
    .await;
}

async fn open_details(client: &Client, css: &str) {
    wait_for(client, css).await;
    if attr_now(client, css, "open").await.is_none() {
        click(client, &format!("{css} > summary")).await;
        wait_for(client, &format!("{css}[open]")).await;
    }
}

/// chromedriver's Chrome DevTools Protocol endpoint (`goog/cdp/execute`).
#[derive(Debug)]
struct DevTools {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Runs a Chrome DevTools Protocol command (`Page.addScriptToEvaluateOnNewDocument`, ...).
pub async fn devtools(client: &Client, cmd: &'static str, params: serde_json::Value) {
    client
        .issue_cmd(DevTools { cmd, params })
        .await
        .unwrap_or_else(|e| panic!("DevTools {cmd} failed: {e}"));
}
