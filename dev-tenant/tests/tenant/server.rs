//! The running server: start on a free port, the state file, key rotation.

use crate::support::*;
use dev_tenant::{Config, DevTenant, Tenant, TENANT_ID};
use std::path::PathBuf;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A plain HTTP/1.1 GET over TCP: status line and body.
async fn http_get(port: u16, path: &str) -> (String, String) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("receive");
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (
        head.lines().next().unwrap_or("").to_string(),
        body.to_string(),
    )
}

fn temp_state_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dev-tenant-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("state.json")
}

#[tokio::test]
async fn start_binds_a_free_port_and_serves_discovery() {
    let tenant = DevTenant::start(Config {
        port: 0,
        ..test_config()
    })
    .await
    .expect("started");
    let port = tenant.port();
    assert_ne!(port, 0);
    assert_eq!(tenant.base_url(), format!("http://127.0.0.1:{port}"));
    assert_eq!(
        tenant.authority(),
        format!("http://127.0.0.1:{port}/{TENANT_ID}/v2.0")
    );
    assert_eq!(
        tenant.issuer(),
        format!("http://{TENANT_ID}.localhost:{port}/{TENANT_ID}/v2.0")
    );
    let (status, body) = http_get(
        port,
        &format!("/{TENANT_ID}/v2.0/.well-known/openid-configuration"),
    )
    .await;
    assert!(status.contains("200"), "{status}");
    let doc: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(doc["issuer"], tenant.issuer());
    tenant.shutdown().await;
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err(),
        "stopped"
    );
}

#[tokio::test]
async fn start_reports_a_port_in_use() {
    let first = DevTenant::start(Config {
        port: 0,
        ..test_config()
    })
    .await
    .expect("started");
    let second = DevTenant::start(Config {
        port: first.port(),
        ..test_config()
    })
    .await;
    assert!(
        matches!(second, Err(dev_tenant::StartError::Bind { .. })),
        "{second:?}"
    );
}

#[tokio::test]
async fn state_file_keeps_keys_and_users_across_restarts() {
    let path = temp_state_file("restart");
    let first = Harness::with(|c| c.state_file = Some(path.clone()));
    let address = email("persisted");
    let (tokens, _) = first.spa_tokens(&address).await;
    let kids = first.tenant.published_kids();
    drop(first);

    let config = Config {
        state_file: Some(path.clone()),
        quiet: true,
        ..Config::default()
    };
    let second = Tenant::new(config).expect("restarted from the state file");
    assert_eq!(second.published_kids(), kids, "the same keys");
    let second = harness_of(second);
    let (again, _) = second.spa_tokens(&address).await;
    let oid = |t: &serde_json::Value| parts(t["id_token"].as_str().unwrap()).1["oid"].clone();
    assert_eq!(
        oid(&again),
        oid(&tokens),
        "the same user, no second sign-up"
    );
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[tokio::test]
async fn rotate_keys_adds_a_signing_key_and_keeps_the_old_one_published() {
    let path = temp_state_file("rotate");
    let first = Tenant::new(Config {
        state_file: Some(path.clone()),
        ..test_config()
    })
    .expect("a tenant");
    let old = first.published_kids();
    assert_eq!(old.len(), 1);
    let config = Config {
        state_file: Some(path.clone()),
        rotate_keys: true,
        ..test_config()
    };
    let rotated = harness_of(Tenant::new(config).expect("rotated"));
    let kids = rotated.tenant.published_kids();
    assert_eq!(kids.len(), 2);
    assert_eq!(kids[1], old[0], "the old key stays published");
    assert_ne!(kids[0], old[0]);
    let (tokens, _) = rotated.spa_tokens(&email("rotated")).await;
    assert_eq!(
        parts(tokens["id_token"].as_str().unwrap()).0["kid"],
        kids[0],
        "the new key signs"
    );
    let reloaded = Tenant::new(Config {
        state_file: Some(path.clone()),
        quiet: true,
        ..Config::default()
    })
    .unwrap();
    assert_eq!(reloaded.published_kids(), kids, "the rotation is kept");
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[tokio::test]
async fn a_corrupt_state_file_is_reported() {
    let path = temp_state_file("corrupt");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "{not json").unwrap();
    let result = Tenant::new(Config {
        state_file: Some(path.clone()),
        ..test_config()
    });
    assert!(matches!(result, Err(dev_tenant::StartError::StateFile(_))));
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}
