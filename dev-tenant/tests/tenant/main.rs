//! HTTP-level tests of the dev tenant: every rule of discovery, authorize, the sign-in pages, token, refresh, logout,
//! the faults, Entra's response headers and the lifetimes changed at run time, through the router (and, in `server`, through a bound listener).
//! One binary, so that the RSA keys are generated once.

mod api;
mod authorize;
mod conformance_faults;
mod discovery;
mod faults;
mod headers;
mod lifetimes;
mod logout;
mod refresh;
mod server;
mod signin;
mod support;
mod token;
