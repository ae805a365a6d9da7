//! Writes a fixture for the app's browser tests: an RS256 ID token signed here, on the host, and the
//! JWKS that verifies it. `cargo run -p dev-tenant --example rs256_fixture -- OUT.json`

use dev_tenant::SigningKey;
use serde_json::json;

fn main() {
    let Some(out) = std::env::args().nth(1) else {
        eprintln!("usage: rs256_fixture OUT.json");
        std::process::exit(2);
    };
    let key = match SigningKey::generate() {
        Ok(key) => key,
        Err(e) => {
            eprintln!("cannot generate a key: {e}");
            std::process::exit(1);
        }
    };
    let issuer = format!("https://{0}.ciamlogin.com/{0}/v2.0", dev_tenant::TENANT_ID);
    let claims = json!({
        "iss": issuer,
        "aud": dev_tenant::SPA_CLIENT_ID,
        "sub": "fixture-subject",
        "iat": 1_700_000_000,
        "nbf": 1_700_000_000,
        "exp": 1_700_003_600,
        "nonce": "fixture-nonce",
        "name": "Fixture User",
    });
    let token = match key.sign_rs256(&claims) {
        Ok(token) => token,
        Err(e) => {
            eprintln!("cannot sign: {e}");
            std::process::exit(1);
        }
    };
    let fixture = json!({ "id_token": token, "jwks": { "keys": [key.jwk(&issuer)] } });
    if let Err(e) = std::fs::write(&out, fixture.to_string()) {
        eprintln!("cannot write {out}: {e}");
        std::process::exit(1);
    }
}
