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
    let values = VARIABLES.map(|v| std::env::var(v).ok());
    let raw = RawConfig::from_values(&values);
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
