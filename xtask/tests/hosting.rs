//! The hosting rules (`staticwebapp.config.json`, written by `cargo xtask csp-hook` after a build)
//! applied by a small static server that follows Azure Static Web Apps' documented semantics: a
//! file is served when it exists; else a path matching `navigationFallback.exclude` is a 404; else
//! `navigationFallback.rewrite` is served. Every answer gets `globalHeaders`, then the headers of the
//! first route that matches the requested path (exact, or `*` with `{a,b}` alternatives).
//!
//! With `HOSTING_DIST` set (`cargo xtask test`, after the release build) it serves that `dist/`;
//! without, a directory shaped like trunk's output, through which the hook program itself runs.

#[allow(dead_code)]
#[path = "../../src/config.rs"]
mod config;

use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

struct Answer {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map_or("", String::as_str)
    }
}

/// A directory as trunk stages it, then the post_build hook run on it with no tenant configured.
fn staged_by_the_hook() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hosting-dist");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("snippets/app-0123456789abcdef")).expect("a staging dir");
    let files: [(&str, &[u8]); 5] = [
        (
            "index.html",
            b"<!doctype html><html lang=en><meta charset=utf-8><meta content=no-referrer \
              name=referrer><title>t</title><script type=module>import init from\
              \"/app-0123456789abcdef.js\";await init({module_or_path:`/app-fedcba9876543210_bg.wasm`});\
              </script><link href=/main-00112233445566aa.css rel=stylesheet></head><body></body></html>",
        ),
        ("app-0123456789abcdef.js", b"export default async function init() {}"),
        ("app-fedcba9876543210_bg.wasm", b"\0asm\x01\0\0\0"),
        ("main-00112233445566aa.css", b"body { margin: 0 }"),
        ("snippets/app-0123456789abcdef/inline0.js", b"export {}"),
    ];
    for (name, content) in files {
        std::fs::write(dir.join(name), content).expect("a staged file");
    }
    let mut hook = Command::new(env!("CARGO_BIN_EXE_xtask"));
    hook.arg("csp-hook").env("TRUNK_STAGING_DIR", &dir);
    for variable in config::VARIABLES {
        hook.env_remove(variable);
    }
    let status = hook.status().expect("the hook runs");
    assert!(status.success(), "csp-hook failed: {status}");
    dir
}

fn dist() -> PathBuf {
    match std::env::var_os("HOSTING_DIST") {
        Some(dir) => PathBuf::from(dir),
        None => staged_by_the_hook(),
    }
}

/// Whether `path` matches a Static Web Apps route pattern: exact, or `prefix*suffix` where the
/// suffix may offer `{a,b}` alternatives (`/*.{js,css}`); `*` spans `/` too.
fn matches(pattern: &str, path: &str) -> bool {
    let Some((prefix, suffix)) = pattern.split_once('*') else {
        return pattern == path;
    };
    let suffixes: Vec<String> = match (suffix.find('{'), suffix.find('}')) {
        (Some(open), Some(close)) if open < close => suffix[open + 1..close]
            .split(',')
            .map(|alt| format!("{}{alt}{}", &suffix[..open], &suffix[close + 1..]))
            .collect(),
        _ => vec![suffix.to_owned()],
    };
    path.starts_with(prefix)
        && suffixes
            .iter()
            .any(|s| path.len() >= prefix.len() + s.len() && path.ends_with(s.as_str()))
}

fn content_type(config: &Value, path: &Path) -> String {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if let Some(t) = config["mimeTypes"][format!(".{extension}")].as_str() {
        return t.to_owned();
    }
    match extension {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript",
        "css" => "text/css",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
    .to_owned()
}

/// The answer the rules give for `GET path` on `dist`.
fn answer(dist: &Path, config: &Value, path: &str) -> Answer {
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let file = match path {
        "/" => Some(dist.join("index.html")),
        _ if path.split('/').any(|s| s == "..") => None,
        _ => Some(dist.join(path.trim_start_matches('/'))).filter(|f| f.is_file()),
    };
    let fallback = &config["navigationFallback"];
    let excluded = fallback["exclude"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .any(|pattern| matches(pattern, path));
    let served = match file {
        Some(file) => Some(file),
        None if excluded => None,
        None => fallback["rewrite"]
            .as_str()
            .map(|r| dist.join(r.trim_start_matches('/'))),
    };
    let mut headers = BTreeMap::new();
    let mut add = |set: &Value| {
        for (name, value) in set.as_object().into_iter().flatten() {
            headers.insert(
                name.to_ascii_lowercase(),
                value.as_str().unwrap_or("").to_owned(),
            );
        }
    };
    add(&config["globalHeaders"]);
    let route = config["routes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["route"].as_str().is_some_and(|p| matches(p, path)));
    if let Some(route) = route {
        add(&route["headers"]);
    }
    match served.and_then(|f| Some((std::fs::read(&f).ok()?, f))) {
        Some((body, file)) => {
            headers.insert("content-type".into(), content_type(config, &file));
            Answer {
                status: 200,
                headers,
                body,
            }
        }
        None => Answer {
            status: 404,
            headers,
            body: b"not found".to_vec(),
        },
    }
}

/// Serves `dist` by its rules on 127.0.0.1 (a free port) from a thread; returns the port.
fn serve(dist: PathBuf, config: Value) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("its address").port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().map_while(Result::ok) {
            let mut line = String::new();
            let _ = BufReader::new(&stream).read_line(&mut line);
            let path = line.split_whitespace().nth(1).unwrap_or("/");
            let answer = answer(&dist, &config, path);
            let mut head = format!("HTTP/1.1 {} X\r\n", answer.status);
            for (name, value) in &answer.headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!(
                "content-length: {}\r\nconnection: close\r\n\r\n",
                answer.body.len()
            ));
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&answer.body);
        }
    });
    port
}

/// `GET path` over HTTP, as a browser would ask.
fn get(port: u16, path: &str) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the server answers");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a timeout");
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("sent");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("an answer");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

#[test]
fn a_static_host_following_the_written_rules_serves_the_spa_and_its_hashed_files() {
    let dist = dist();
    let config_file = dist.join("staticwebapp.config.json");
    let text = std::fs::read_to_string(&config_file)
        .unwrap_or_else(|e| panic!("{} was written: {e}", config_file.display()));
    let config: Value = serde_json::from_str(&text).expect("valid JSON");
    let index = std::fs::read(dist.join("index.html")).expect("index.html");
    let html = String::from_utf8_lossy(&index).into_owned();
    let meta_policy = html
        .split("http-equiv=\"Content-Security-Policy\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the CSP meta");
    let port = serve(dist.clone(), config.clone());

    for route in [
        "/profile",
        "/callback?code=c&state=s",
        "/decode",
        "/tenant",
        "/",
        "/index.html",
    ] {
        let page = get(port, route);
        assert_eq!(page.status, 200, "{route}");
        assert!(page.body == index, "{route} serves index.html");
        assert_eq!(page.header("cache-control"), "no-cache", "{route}");
        assert_eq!(
            page.header("content-security-policy"),
            format!("{meta_policy}; frame-ancestors 'none'"),
            "{route}: the meta's policy, and what a meta cannot say"
        );
        assert_eq!(page.header("referrer-policy"), "no-referrer", "{route}");
        assert_eq!(page.header("x-content-type-options"), "nosniff", "{route}");
        assert!(
            page.header("content-type").starts_with("text/html"),
            "{route}"
        );
    }

    let hashed: Vec<&str> = config["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .filter_map(|r| r["route"].as_str())
        .collect();
    for (extension, expected_type) in [
        ("_bg.wasm", "application/wasm"),
        (".js", "text/javascript"),
        (".css", "text/css"),
    ] {
        let file = hashed
            .iter()
            .find(|p| p.ends_with(extension))
            .unwrap_or_else(|| panic!("a hashed {extension} among {hashed:?}"));
        let asset = get(port, file);
        assert_eq!(asset.status, 200, "{file}");
        assert_eq!(asset.header("cache-control"), IMMUTABLE, "{file}");
        assert_eq!(asset.header("content-type"), expected_type, "{file}");
        assert_eq!(asset.header("x-content-type-options"), "nosniff", "{file}");
        assert_eq!(
            asset.body,
            std::fs::read(dist.join(file.trim_start_matches('/'))).expect("the file"),
            "{file}"
        );
    }

    for missing in [
        "/entra-signin-0000000000000000_bg.wasm",
        "/entra-signin-0000000000000000.js",
        "/main-0000000000000000.css",
    ] {
        let answer = get(port, missing);
        assert_eq!(answer.status, 404, "{missing}: an old hash is not the page");
        assert!(answer.body != index, "{missing}");
    }
}
