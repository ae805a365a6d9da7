//! Property tests ("fuzzing") of every parser that reads untrusted input: the callback URL, the
//! token response and Entra's error JSON, the JWT segments, the JWKS and the discovery document;
//! and the JSON writer, against serde_json's.
//! The kept session's parser is private to `flow/keep.rs` and fuzzed there (`keep_fuzz.rs`).
//!
//! Each property runs 10,000 cases (`PROPTEST_CASES` for more: `cargo xtask fuzz`) and asserts:
//! no panic, every rejection a typed error, and no error message echoing a credential.

#![cfg(not(target_arch = "wasm32"))]

mod mutate;

mod callback;
mod discovery;
mod json;
mod jwks;
mod jwt;
mod token;
