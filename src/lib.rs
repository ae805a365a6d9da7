//! Entra External ID sign-in with Authorization Code + PKCE, validated in the browser.
//!
//! `oidc` is the pure protocol core, `browser` the only code that touches browser APIs, `pages` and
//! `components` render.

pub mod app;
pub mod browser;
pub mod components;
pub mod config;
pub mod display;
pub mod flow;
pub mod oidc;
pub mod pages;
pub mod router;
pub mod session_context;
