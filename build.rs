//! Validates the build-time configuration (see `src/config.rs`) so that a bad value fails the build
//! with a message naming the variable, instead of producing an app that cannot sign in.

#[allow(dead_code)]
#[path = "src/config.rs"]
mod config;

use config::{BuildConfig, RawConfig, VARIABLES};

fn main() {
    for variable in VARIABLES {
        println!("cargo:rerun-if-env-changed={variable}");
    }
    let values: Vec<Option<String>> = VARIABLES.iter().map(|v| std::env::var(v).ok()).collect();
    let get = |name: &str| {
        VARIABLES
            .iter()
            .position(|v| *v == name)
            .and_then(|i| values[i].as_deref())
    };
    let raw = RawConfig {
        tenant_name: get("TENANT_NAME"),
        tenant_guid: get("TENANT_GUID"),
        client_id: get("CLIENT_ID"),
        client_secret: get("CLIENT_SECRET"),
        redirect_uri: get("REDIRECT_URI"),
        authority: get("AUTHORITY"),
        scopes: get("SCOPES"),
    };
    match BuildConfig::parse(raw) {
        Ok(config) => {
            if config.client_secret.is_some() {
                println!("cargo:warning=CLIENT_SECRET is embedded in this build: anyone who loads the app can read it. Use it only with a test tenant.");
            }
        }
        Err(error) => {
            eprintln!("\nerror: invalid build configuration: {error}\n");
            std::process::exit(1);
        }
    }
}
