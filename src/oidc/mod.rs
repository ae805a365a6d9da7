//! The OpenID Connect / OAuth 2.0 protocol core: pure Rust, no browser types, tested on the host.
