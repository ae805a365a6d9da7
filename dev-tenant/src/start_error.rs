//! Why the tenant did not start.

use crate::keys::KeyError;
use std::fmt;

/// Why the tenant did not start.
#[derive(Debug)]
pub enum StartError {
    /// The port could not be bound.
    Bind { port: u16, source: std::io::Error },
    /// The configuration is not usable.
    Config(String),
    /// The state file could not be read or is not one.
    StateFile(String),
    /// No signing key could be generated or read.
    Keys(KeyError),
    /// The task that builds the tenant failed.
    Runtime(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Bind { port, source } => {
                write!(f, "cannot listen on 127.0.0.1:{port}: {source}")
            }
            StartError::Config(e) => write!(f, "configuration: {e}"),
            StartError::StateFile(e) => write!(f, "state file: {e}"),
            StartError::Keys(e) => write!(f, "{e}"),
            StartError::Runtime(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Bind { source, .. } => Some(source),
            StartError::Keys(e) => Some(e),
            _ => None,
        }
    }
}
